"""Robustness: bad input, bad data, faults and hostile parameters.

Every case ends in a one-line message that names the problem and the fix, a non-zero exit,
and nothing new under reports/; where a previous good piece exists at the same path, it
survives byte for byte. README.md ("Testing") counts the cases in this module.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import cli
from analysis.data import Market, cache, snapshot
from analysis.errors import DataError, InputError, PublishError, RenderError
from analysis.paths import COMMENTARY_NOTEBOOK, cache_dir, inside
from analysis.pipeline.report import Request, prepare, run
from analysis.render import publish
from analysis.view import display
from analysis.view.piece import Piece
from tests import hostile
from tests.conftest import AS_OF, PROJECT_DIR, chromium_or_skip

QUIET = {"log": lambda *_: None}


def cli_run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def tree(root: Path) -> dict[str, str]:
    """Every visible file under root with its SHA-256 (hidden staging/lock dirs ignored)."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


@pytest.fixture(scope="module")
def good_piece(iwm_piece):
    """A finished IWM piece (with PDF when Chromium exists): the 'previous good piece'
    (conftest's, made once per test run; `reports` copies it before a test writes)."""
    return iwm_piece[0]


@pytest.fixture
def reports(good_piece, tmp_path):
    """A reports root holding a copy of the good piece, and its fingerprint."""
    root = tmp_path / "reports"
    shutil.copytree(good_piece, root)
    return root, tree(root)


# -- bad inputs: one line, non-zero exit, nothing written --------------------------------------

BAD_INPUTS = [
    (["--ticker", "ZZZZ", "--source", "auto"], 3, r"no data for ZZZZ.*holds: .*IWM .*SPY"),
    (["--ticker", "../x"], 2, r"TICKER '../x' is not a ticker symbol.*TICKER=IWM"),
    (["--ticker", "IWM;rm -rf"], 2, r"TICKER 'IWM;rm -rf' is not a ticker symbol"),
    (["--ticker", ""], 2, r"TICKER is empty.*TICKER=IWM"),
    (["--ticker", "A" * 40], 2, r"40 characters long"),
    (["--ticker", "$(touch pwned)"], 2, r"is not a ticker symbol"),
    (["--benchmark", "IWM"], 2, r"BENCHMARK IWM is the same as TICKER.*BENCHMARK=SPY"),
    (["--as-of", "July 8"], 2, r"AS_OF 'July 8' is not a date.*YYYY-MM-DD"),
    (["--as-of", "2099-01-02"], 2, r"AS_OF 2099-01-02 is in the future"),
    (["--as-of", "1990-01-02"], 2, r"before the first session IWM and SPY share \(2000-05-26\).*AS_OF=2001-03-"),
    (["--as-of", "2000-12-01"], 2, r"leaves only \d+ sessions of history.*at least 200"),
    (["--as-of", "2026-11-01"], 2, r"after the end of the data.*2026-08-21.*SOURCE=yahoo"),
    (["--level", "abc"], 2, r"LEVEL 'abc' is not a number"),
    (["--level", "-5"], 2, r"LEVEL '-5' is not a positive price"),
    (["--source", "bloomberg"], 2, r"SOURCE 'bloomberg' is not known.*auto, snapshot, yahoo"),
    (["--confirm-n", "0"], 2, r"CONFIRM_N 0 is below 1"),
]


@pytest.mark.parametrize(
    "args, code, message", BAD_INPUTS, ids=[" ".join(a[:2]) + f"={a[1][:12]}" for a, _, _ in BAD_INPUTS]
)
def test_bad_input_is_one_clear_line_and_writes_nothing(capsys, tmp_path, monkeypatch, args, code, message):
    root = tmp_path / "reports"
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    base = ["report", "--source", "snapshot", "--as-of", AS_OF]
    got, out, err = cli_run(capsys, *base, *args)
    assert got == code
    assert err.startswith("error: ") and err.count("\n") == 1, err
    import re

    assert re.search(message, err), err
    assert not root.exists()


@pytest.mark.process
def test_bad_input_through_a_real_process_exits_non_zero(tmp_path):
    env = {**os.environ, "MOMENTUM_REPORTS_DIR": str(tmp_path / "r")}
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--ticker", "../etc", "--source", "snapshot"],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_DIR,
    )
    assert out.returncode == 2 and out.stderr.startswith("error: TICKER '../etc' is not a ticker symbol")
    assert "Traceback" not in out.stderr and not (tmp_path / "r").exists()


@pytest.mark.process
def test_make_passes_parameters_without_the_shell_parsing_them():
    """`make report TICKER='IWM;touch x'`: the recipe never contains the value, only "$$TICKER" via the environment."""
    out = subprocess.run(
        ["make", "-n", "report", "TICKER=IWM;touch /tmp/pwned-by-make"], capture_output=True, text=True, cwd=PROJECT_DIR
    )
    assert "pwned-by-make" not in out.stdout
    assert "-m analysis report" in out.stdout


def _write_cache(ticker: str, frame: pd.DataFrame, *, price_only: bool = False) -> Path:
    """Write a cache entry exactly as analysis.data.cache would, but without normalizing the rows first."""
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    data = frame.to_csv(float_format="%.6f").encode()
    (root / f"{ticker}.csv").write_bytes(data)
    meta = {
        "ticker": ticker,
        "fetched_at": "2026-11-20T21:00:00+00:00",
        "rows": len(frame),
        "last_date": "x",
        "price_only": price_only,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    (root / f"{ticker}.json").write_text(json.dumps(meta))
    return root / f"{ticker}.csv"


def _raw(ticker: str, rows: slice) -> pd.DataFrame:
    """Real rows from the snapshot in Yahoo's column names."""
    frame = snapshot.read(ticker).iloc[rows]
    out = frame.rename(columns={"adj_close": "Adj Close"}).rename(columns=str.title)
    out.index.name = "Date"
    return out


def test_ticker_with_too_little_history_is_refused_clearly(capsys, tmp_path, monkeypatch):
    """Real IWM rows, only the first 150: under the 200 sessions a piece needs."""
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(tmp_path / "r"))
    _write_cache("NEWCO", _raw("IWM", slice(0, 150)))
    code, _, err = cli_run(capsys, "report", "--ticker", "NEWCO", "--source", "local")
    assert code == 3 and "NEWCO and SPY share only 150 sessions; a piece needs at least 200" in err
    assert not (tmp_path / "r").exists()


def test_ticker_with_some_history_renders_and_says_what_is_missing():
    """230 real sessions: the piece is written; the indicators needing more are listed and left out."""
    _write_cache("NEWCO", _raw("IWM", slice(0, 230)))
    piece = Piece.build("NEWCO", "SPY", "", "local")
    s = piece.summary
    assert s["sma200"] is not None and s["real_motion"]["fast"] is None
    assert {"real_motion_fast", "real_motion_slow", "leadership_fast"} <= set(s["unavailable"])
    assert "Its own 50-DMA needs 249 sessions of history" in " ".join(s["narrative"]["momentum"])


# -- bad data ----------------------------------------------------------------------------------


def test_unsorted_duplicated_and_nan_rows_in_a_cache_are_repaired_with_notes():
    raw = _raw("IWM", slice(-300, None))
    messy = pd.concat([raw.iloc[150:], raw.iloc[:150], raw.iloc[[10]]])
    messy.iloc[5, :] = float("nan")
    _write_cache("IWM", messy)
    frame = cache.load("IWM")
    notes = " ".join(frame.attrs["notes"])
    assert "sorted" in notes and "duplicated" in notes and "without a close" in notes
    assert frame.index.is_monotonic_increasing and len(frame) == 299


def test_zero_price_in_a_cache_is_refused_with_its_date(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(tmp_path / "r"))
    raw = _raw("IWM", slice(-300, None))
    raw.iloc[-2, raw.columns.get_loc("Close")] = 0.0
    _write_cache("IWM", raw)
    code, _, err = cli_run(capsys, "report", "--source", "cache")
    bad_day = raw.index[-2].date().isoformat()
    assert code == 3 and "zero or negative prices" in err and bad_day in err
    assert not (tmp_path / "r").exists()


def test_wrong_columns_in_a_cache_are_refused():
    _write_cache("IWM", _raw("IWM", slice(-300, None)).rename(columns={"Close": "Last"}))
    with pytest.raises(DataError, match="no Close column; found .*Last"):
        cache.load("IWM")


def test_truncated_cache_is_skipped_with_a_note_under_local_and_refused_under_cache():
    path = _write_cache("IWM", _raw("IWM", slice(-300, None)))
    path.write_bytes(path.read_bytes()[:-500])
    frame = Market("local").prices("IWM")
    assert frame.attrs["source"] == "snapshot" and any("corrupt" in n for n in frame.attrs["notes"])
    with pytest.raises(DataError, match="corrupt: checksum mismatch"):
        Market("cache").prices("IWM")


def test_a_gap_of_weeks_is_noted_in_the_piece():
    raw = _raw("IWM", slice(-400, None))
    gapped = raw.drop(raw.index[100:130])  # six weeks of real sessions removed
    _write_cache("IWM", gapped)
    piece = Piece.build("IWM", "SPY", "", "local")  # IWM from the cache (ties go to it), SPY from the snapshot
    assert "a gap of" in piece.method_note().markup.lower()


def test_missing_adj_close_makes_returns_price_only_and_says_so():
    _write_cache("IWM", _raw("IWM", slice(-600, None)).drop(columns=["Adj Close"]), price_only=True)
    piece = Piece.build("IWM", "SPY", "", "local")  # IWM from the cache (ties go to it), SPY from the snapshot
    assert piece.summary["data"]["ticker"]["price_only"] is True
    assert "IWM has no dividend-adjusted close in the source: its returns are price-only." in piece.method_note().markup


def test_yahoo_failure_under_source_yahoo_is_a_clear_error(monkeypatch):
    import analysis.data.yahoo as yahoo

    def refuse(ticker, timeout):
        raise ConnectionError("Could not resolve host: query2.finance.yahoo.com")

    monkeypatch.setattr(yahoo, "_download", refuse)
    with pytest.raises(DataError, match="yfinance failed for IWM: ConnectionError: Could not resolve host"):
        Market("yahoo", timeout=1).prices("IWM")


# -- faults -----------------------------------------------------------------------------------


def test_offline_auto_run_says_so_in_the_piece():
    prepared = prepare(Request.parse("IWM", "SPY", AS_OF, "auto"))
    assert prepared.parameters["source"] == "local"
    # the reader gets plain words (no make variable, no environment variable); the console keeps the detail
    assert prepared.parameters["source_note"].startswith("Yahoo Finance was skipped (offline mode), so this piece uses")
    assert "SOURCE=auto: Yahoo Finance was skipped (offline mode: MOMENTUM_OFFLINE is set)" in prepared.notes[0]
    piece = Piece.build(
        **{k: prepared.parameters[k] for k in ("ticker", "benchmark", "as_of", "source", "source_note")}
    )
    assert "Yahoo Finance was skipped" in piece.method_note().markup


def _broken_notebook(tmp_path: Path, code: str) -> Path:
    nb = nbformat.read(COMMENTARY_NOTEBOOK, as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell(code))
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_a_cell_that_raises_names_the_cell_keeps_the_notebook_and_the_old_piece(reports, tmp_path):
    root, before = reports
    broken = _broken_notebook(tmp_path, 'raise ValueError("synthetic failure for the test")')
    with pytest.raises(
        RenderError, match=r"cell \d+ \(`raise ValueError.*\) raised ValueError: synthetic failure"
    ) as info:
        run(Request.parse("IWM", "SPY", AS_OF, "snapshot"), root=root, notebook=broken, pdf=False, **QUIET)
    kept = root / "_failed" / f"{AS_OF}_IWM.ipynb"
    assert kept.is_file() and str(kept) in str(info.value)
    assert {k: v for k, v in tree(root).items() if not k.startswith("_failed")} == before


@pytest.mark.slow
def test_a_dying_kernel_is_reported_and_the_old_piece_survives(reports, tmp_path):
    root, before = reports
    broken = _broken_notebook(tmp_path, "import os\nos._exit(1)")
    with pytest.raises(RenderError, match="the kernel died"):
        run(Request.parse("IWM", "SPY", AS_OF, "snapshot"), root=root, notebook=broken, pdf=False, **QUIET)
    assert {k: v for k, v in tree(root).items() if not k.startswith("_failed")} == before


@pytest.mark.slow
@pytest.mark.parametrize("chromium", ["/nonexistent/chromium", "/bin/false"], ids=["missing", "crashing"])
def test_no_or_broken_chromium_keeps_the_html_and_explains(reports, monkeypatch, chromium):
    root, before = reports
    monkeypatch.setenv("CHROMIUM", chromium)
    result = run(Request.parse("IWM", "SPY", AS_OF, "snapshot"), root=root, **QUIET)
    if chromium == "/bin/false":
        assert "install Chromium" in result.pdf_error
    else:  # a CHROMIUM naming no program is named (twenty-first pass, B)
        assert result.pdf_error.startswith(f"CHROMIUM is set to '{chromium}', no such file"), result.pdf_error
    assert (root / AS_OF / "IWM.html").is_file()
    assert not (root / AS_OF / "IWM.pdf").exists()  # a piece never mixes two runs (issue 29)
    if f"{AS_OF}/IWM.pdf" in before:  # the earlier PDF went, and the message says so
        assert f"The PDF of an earlier run, {root / AS_OF / 'IWM.pdf'}, was removed" in result.pdf_error


@pytest.mark.slow
def test_ctrl_c_publishes_nothing_and_leaves_the_old_piece(reports):
    """The child gets the default SIGINT handler back (hostile.start): started from a test run
    that itself ignores SIGINT (a background job), it would otherwise inherit SIG_IGN."""
    root, before = reports
    proc = hostile.start(root, "report", "--as-of", AS_OF, "--source", "snapshot")
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert hostile.one_line(err) == "interrupted (Ctrl-C): nothing was published; earlier pieces are untouched."
    assert tree(root) == before
    assert hostile.hidden(root) == [] and hostile.no_leftovers(root) == []


@pytest.mark.slow
def test_two_runs_of_the_same_piece_at_once_both_finish_whole(tmp_path):
    root = tmp_path / "r"
    env = {**os.environ, "MOMENTUM_REPORTS_DIR": str(root)}
    cmd = [sys.executable, "-m", "analysis", "report", "--as-of", AS_OF, "--source", "snapshot", "--no-pdf"]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=PROJECT_DIR)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert json.loads((root / AS_OF / "IWM.json").read_text())["phase"] == "warning"
    nbformat.read(root / AS_OF / "IWM.ipynb", as_version=4)  # whole, parseable


def test_a_busy_lock_times_out_with_a_clear_message(tmp_path):
    with publish.piece_lock(tmp_path, "2024-07-08_IWM"):
        with pytest.raises(PublishError, match="another run is still writing 2024-07-08_IWM"):
            with publish.piece_lock(tmp_path, "2024-07-08_IWM", wait=0):
                pass


@pytest.mark.slow
@pytest.mark.parametrize(
    "err, message",
    [(errno.EROFS, "cannot write to .*Read-only file system.*writable"), (errno.ENOSPC, "no space left")],
    ids=["read-only", "full"],
)
def test_read_only_or_full_reports_directory(reports, monkeypatch, capsys, err, message):
    root, before = reports
    real_replace = os.replace

    def failing_replace(src, dst):
        if str(dst).startswith(str(root / AS_OF)):
            raise OSError(err, os.strerror(err))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    code, _, out = cli_run(capsys, "report", "--as-of", AS_OF, "--source", "snapshot", "--no-pdf")
    import re

    assert code == 5 and re.search(message, out) and out.count("\n") == 1
    assert tree(root) == before


# -- security ---------------------------------------------------------------------------------


def test_text_from_input_is_escaped_in_the_html():
    piece = Piece.build("IWM", "SPY", AS_OF, "snapshot", source_note='<script>alert("x")</script>')
    markup = piece.method_note().markup
    assert "<script>" not in markup and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in markup
    cell = display.table(["<b>h</b>"], [["<img src=x onerror=alert(1)>"]]).markup
    assert "<img" not in cell and "&lt;img src=x onerror=alert(1)&gt;" in cell


def test_no_path_can_leave_the_reports_or_cache_root(tmp_path):
    for bad in ("../x", "a/../../b", "/etc/passwd"):
        with pytest.raises(InputError, match="refusing to write outside"):
            inside(tmp_path, bad)
    assert inside(tmp_path, "2024-07-08", "IWM.html") == tmp_path / "2024-07-08" / "IWM.html"
    assert Request.parse("^vix", "SPY").stem == "_VIX"
    assert Request.parse("IWM", "qqq").stem == "IWM_vs_QQQ"


@pytest.mark.slow
def test_parameters_reach_the_notebook_only_through_papermill(good_piece):
    nb = nbformat.read(good_piece / AS_OF / "IWM.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'ticker = "IWM"' in injected[0].source
    original = nbformat.read(COMMENTARY_NOTEBOOK, as_version=4)
    assert [c.source for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])] == [
        c.source for c in original.cells
    ]


def test_chromium_available_for_the_pdf_path():
    """The PDF cases above are meaningful only with a browser (CI installs one)."""
    assert Path(chromium_or_skip()).exists()
