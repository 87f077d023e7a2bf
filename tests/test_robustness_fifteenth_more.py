"""Robustness, the fifteenth hostile pass continued (``test_robustness_fifteenth.py`` holds sections 1-4).

5. A coin the user brings (3): a seven-day file (``ETH-USD``, BTC-USD's rows) against SPY's five-day
   calendar, as of a Saturday and of July 4, and a file of 30 rows. Held: crypto pieces dated on the coin's
   own session; one line, exit 3, naming the 30 shared sessions.
6. The notebooks as a researcher opens them (8): ``jupyter nbconvert --execute`` on commentary, phase and
   track_record with their defaults (held: no error, no stderr); in one kernel, cells run twice, out of order
   and after ``Piece.build`` again (the charts drawn ahead in a forked child are taken once, then drawn in
   the kernel), and the parameters cell edited by hand (``ticker = "qqq "``, ``fast = 300``, an as-of in
   2099, ``ticker = "../x"``, ``level = -5.0``, ``source = "yahoo"`` offline): held, each error an
   InputError or SourceUnavailable of one sentence and its fix.
7. Commands racing each other (3): a batch of IWM and QQQ, a single IWM piece of the same date and
   ``grade``, started together into one reports folder: held (each exit 0, every piece whole, the lock
   taking turns, no staging left).
8. Not tried: RLIMIT_NPROC (root is not held to it, and this pass runs as root); a vfat or exfat reports
   folder (this kernel has neither file system: /proc/filesystems lists ext2/ext4, xfs, btrfs, fuse).
"""

from __future__ import annotations

import json
import os

import pytest

from analysis.text import brief
from tests import hostile
from tests.conftest import PROJECT_DIR
from tests.test_robustness_fifteenth import PRICES, _bring, _iwm_rows, _local
from tests.test_robustness_fresh import run_json

# -- 5. a coin the user brings --------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["2024-07-06", "2024-07-04"], ids=["saturday", "fourth-of-july"])
def test_a_seven_day_file_against_a_five_day_benchmark_is_a_crypto_piece(capsys, no_reports, price_cache, as_of):
    """Held: a coin the snapshot lacks is a crypto piece on its own session, SPY's last before it."""
    import gzip

    rows = gzip.decompress((PRICES / "BTC-USD.csv.gz").read_bytes()).decode().splitlines()[1:]
    _bring(price_cache, "ETH-USD", rows)
    data = run_json(capsys, "--source", "local", "--ticker", "ETH-USD", "--as-of", as_of)
    assert data["as_of"] == as_of and data["profile"]["kind"] == "crypto"
    assert "None" not in brief.markdown(data)


def test_a_thirty_row_file_is_one_line_naming_the_shared_sessions(capsys, no_reports, price_cache):
    """Held: exit 3, "share only 30 sessions", the 200 needed."""
    _bring(price_cache, "SHORT", _iwm_rows()[-30:])
    code, line = _local(capsys, "SHORT")
    assert code == 3 and "SHORT and SPY share only 30 sessions; a piece needs at least 200" in line, line


# -- 6. the notebooks as a researcher opens them ------------------------------------------------------------


def _cells(client, *codes: str) -> list[list[str]]:
    """Each code run in the kernel in turn: the errors (``Name: value``) and stderr each one printed."""
    said = []
    for code in codes:
        msg_id, found = client.execute(code), []
        while True:
            msg = client.get_iopub_msg(timeout=300)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "error":
                found.append(f"{content['ename']}: {content['evalue']}")
            elif kind == "stream" and content["name"] == "stderr":
                found.append(content["text"])
            elif kind == "status" and content["execution_state"] == "idle":
                break
        said.append(found)
    return said


@pytest.mark.slow
def test_cells_run_twice_out_of_order_and_a_parameters_cell_edited_by_hand(tmp_path, monkeypatch):
    """Held: every cell again, out of order, the build again; a hand-edited knob is the one-line error."""
    from jupyter_client.manager import start_new_kernel

    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(tmp_path / "reports"))
    cells = [
        "".join(c["source"]) for c in json.loads((PROJECT_DIR / "notebooks" / "commentary.ipynb").read_text())["cells"]
    ]
    manager, client = start_new_kernel(kernel_name="momentum-report", cwd=str(PROJECT_DIR / "notebooks"))
    try:
        order = [cells[i] for i in (1, 2, 17, 17, 19, 3, 3, 2, 21, 17, 25)]
        assert _cells(client, *order) == [[]] * len(order)
        edited = _cells(client, "fast = 300", cells[2], 'fast = 50\nticker = "../x"', cells[2])
    finally:
        manager.shutdown_kernel(now=True)
    assert edited[1] == [
        "InputError: FAST 300 is not below SLOW 200: the phases read a fast average against a"
        " slower one. Give a fast average shorter than the slow one, e.g. FAST=50 SLOW=200."
    ]
    assert edited[3][0].startswith("InputError: TICKER '../x' is not a ticker symbol")


# -- 7. commands racing each other --------------------------------------------------------------------------


@pytest.mark.slow
def test_a_batch_a_single_piece_of_the_same_day_and_grade_at_once(tmp_path):
    """Held: all three exit 0; IWM and QQQ whole, no staging left, nothing left running."""
    root = tmp_path / "reports"
    day = ["--source", "snapshot", "--as-of", "2024-07-08"]
    runs = [
        hostile.start(root, "reports", "--tickers", "IWM QQQ", "--jobs", "1", *day),
        hostile.start(root, "report", "--ticker", "IWM", *day),
        hostile.start(root, "grade"),
    ]
    errors = [proc.communicate(timeout=600)[1] for proc in runs]
    assert [proc.returncode for proc in runs] == [0, 0, 0], errors
    names = {p.name for p in (root / "2024-07-08").iterdir()}
    assert {f"{t}.{ext}" for t in ("IWM", "QQQ") for ext in ("json", "html", "md", "ipynb")} <= names
    assert not hostile.hidden(root) and not hostile.no_leftovers(root)
    assert json.loads((root / "2024-07-08" / "IWM.json").read_text())["as_of"] == "2024-07-08"
    assert os.path.isfile(root / "index.html")
