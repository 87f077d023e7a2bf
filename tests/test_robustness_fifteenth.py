"""Robustness, a fifteenth hostile pass (issue 29, "Done when"): families the fourteen earlier passes left alone.

Cases tried by hand, then kept here where cheap; the summary of what held and broke is at the top of each
section, the defects (A-F) with the test that failed before the fix.

1. Price files a user brings for a ticker the snapshot lacks (``SOURCE=local``, the cache folder): a future
   that settled below zero, sub-penny prices, prices near 10^6, a 10:1 split left unadjusted, weekly and
   monthly rows, a six-month halt inside the file and just before its last row.
   **Broke (A)**: a young history whose Real Motion is beyond its band (fewer than 500 readings to rank) was a
   TypeError traceback, for the bundled IWM on 2001-09-06 as for QQQ, NVDA, KRE and BTC-USD in their first
   years (89 of 860 early dates). **Broke (B)**: weekly and monthly rows were pieces: "daily data", each
   week's move a day's, a 50-week average a "50-DMA" (monthly ones crashed as in A). **Broke (C)**: the last
   row six months after the one before it was "its largest one-day rise in the data". **Broke (D)**:
   sub-penny prices were quoted "0.00" (every trigger and level alike). **Broke (E)**: a file of the cache
   that cannot be used, for a ticker the snapshot lacks, ended "... another SOURCE.. Offline, only the
   bundled snapshot is available; it holds: ..." (the snapshot's list, not the file's fix), and a negative
   price was called corrupt data.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import cli, fmt
from analysis.text import brief
from tests import hostile
from tests.test_robustness_fresh import run_json

HEADER = "Date,Open,High,Low,Close,Adj Close,Volume"
PRICES = Path(__file__).resolve().parents[1] / "analysis" / "data" / "prices"


def _iwm_rows() -> list[str]:
    import gzip

    return gzip.decompress((PRICES / "IWM.csv.gz").read_bytes()).decode().splitlines()[1:]


def _scaled(rows: list[str], k: float) -> list[str]:
    """IWM's rows with every price times ``k`` (the volume as it was)."""
    out = []
    for row in rows:
        f = row.split(",")
        out.append(",".join([f[0], *(f"{float(x) * k:.10g}" for x in f[1:6]), f[6]]))
    return out


def _bring(folder: Path, ticker: str, rows: list[str]) -> Path:
    """``rows`` as the cache's file for ``ticker``, with the metadata a download writes (checksum, rows)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = "\n".join([HEADER, *rows]).encode() + b"\n"
    stem = ticker.replace("^", "_")
    (folder / f"{stem}.csv").write_bytes(data)
    meta = {"ticker": ticker, "fetched_at": "2026-08-22T00:00:00+00:00", "rows": len(pd.read_csv(io.BytesIO(data)))}
    (folder / f"{stem}.json").write_text(json.dumps({**meta, "sha256": hashlib.sha256(data).hexdigest()}))
    return folder / f"{stem}.csv"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty price cache (``MOMENTUM_CACHE_DIR``) a test brings files into."""
    monkeypatch.setenv("MOMENTUM_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _local(capsys, ticker: str, *args: str) -> tuple[int, str]:
    code = cli.main(["summary", "--source", "local", "--ticker", ticker, *args])
    return code, hostile.one_line(capsys.readouterr().err)


# -- 1. price files a user brings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "ticker, as_of, side",
    [("IWM", "2001-09-06", "below"), ("QQQ", "2000-04-04", "below"), ("NVDA", "2000-01-27", "below")],
)
def test_a_young_history_beyond_its_band_is_a_piece(capsys, no_reports, ticker, as_of, side):
    """Broke (A): ``_rare`` was worded for every band clause, and with fewer than 500 readings its share is
    None: ``'>=' not supported between NoneType and int``. Beyond the band the rank is not needed."""
    data = run_json(capsys, "--ticker", ticker, "--as-of", as_of)
    assert data["real_motion"]["stretch"]["by"] == "band" and data["real_motion"]["stretch"]["rarer_than"] is None
    assert f"it is {side} its band" in brief.markdown(data)


@pytest.mark.parametrize("every, days", [(5, 7), (21, 30)], ids=["weekly", "monthly"])
def test_weekly_or_monthly_rows_are_refused_naming_their_spacing(capsys, no_reports, cache, every, days):
    """Broke (B): weekly rows were a piece of "daily data" whose every week was "a day"; monthly ones a
    TypeError. Now one line, exit 3, naming the median spacing and asking for daily prices."""
    _bring(cache, "WKLY", _iwm_rows()[::every])
    code, line = _local(capsys, "WKLY")
    assert code == 3 and f"its rows are a median {days} calendar days apart (weekly or monthly prices?)" in line, line
    assert "Give daily prices" in line and "Offline, only the bundled snapshot" not in line


def test_a_last_row_after_a_six_month_halt_is_no_days_move(capsys, no_reports, cache):
    """Broke (C): the close after a 130-session gap was "its largest one-day rise in the data" and led the
    headline; a move across a gap of more than two weeks is now no session's move (day and gap unread)."""
    rows = _iwm_rows()
    _bring(cache, "HALT", [*rows[:-130], rows[-1]])
    code = cli.main(["summary", "--source", "local", "--ticker", "HALT"])
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert code == 0 and out.err == ""
    assert data["session"]["day"] is None and data["session"]["gap"] is None and not data["session"]["gap_notable"]
    assert "one-day" not in data["headline"] and "one-day" not in brief.markdown(data)
    assert any("a gap of 189 calendar days in the data before 2026-08-21" in n for n in data["data"]["ticker"]["notes"])


def test_a_six_month_halt_inside_the_file_is_a_piece_with_a_note(capsys, no_reports, cache):
    """Held: the largest moves of the history are not the halt's; the gap is in the notes."""
    rows = _iwm_rows()
    _bring(cache, "HALT", [*rows[:-400], *rows[-274:]])
    data = run_json(capsys, "--source", "local", "--ticker", "HALT")
    assert data["session"]["largest_rise"]["date"] == "2020-03-24"
    assert any("a gap of" in n for n in data["data"]["ticker"]["notes"])


@pytest.mark.parametrize(
    "k, close, level",
    [(1e-6, "0.0002023", "0.0002051"), (1e-4, "0.02023", "0.02051"), (3000, "606,840", "615,180")],
    ids=["0.0002", "0.02", "brk-a"],
)
def test_sub_penny_and_near_a_million_are_quoted_apart(capsys, no_reports, cache, k, close, level):
    """Broke (D) below a cent: "closed at 0.00", every trigger and level "0.00". Held near 10^6 (BRK-A)."""
    _bring(cache, "ODD", _scaled(_iwm_rows(), k))
    data = run_json(capsys, "--source", "local", "--ticker", "ODD", "--as-of", "2024-07-08")
    text = brief.markdown(data)
    assert f"ODD closed at {close}," in text and f"needs to clear {level} (the highest close of 22 sessions" in text
    assert " 0.00 " not in text and " 0.00," not in text


def test_price_quotes_keep_four_significant_digits_below_one():
    """D's rule: none from 1,000, two from 1, four significant digits below 1; evidence values keep two."""
    assert [fmt.price(x) for x in (5573.4, 205.061, 0.4512, 0.000212, 0.0)] == [
        "5,573",
        "205.06",
        "0.4512",
        "0.0002120",
        "0.00",
    ]
    assert fmt.level(0.5150) == "0.52"


def test_a_ten_for_one_split_in_a_brought_file_names_the_file_and_its_fix(capsys, no_reports, cache):
    """Broke (E): "... or use another SOURCE.. Offline, only the bundled snapshot is available; it holds:
    BTC-USD HYG ...", the snapshot's list for a file the user brought. Now the file's own fix, once."""
    rows = _iwm_rows()
    path = _bring(cache, "SPLT", [*rows[:-40], *_scaled(rows[-40:], 0.1)])
    code, line = _local(capsys, "SPLT")
    assert code == 3 and str(path) in line and "2026-06-26 close 29.982999" in line, line
    assert ".." not in line.replace(str(path), "") and "Offline, only the bundled snapshot" not in line


def test_a_negative_settlement_is_refused_for_what_it_is(capsys, no_reports, cache):
    """Broke (E): WTI's May 2020 future settled at -37.63; "The data is corrupt" named the wrong cause."""
    rows = _iwm_rows()
    rows[-60] = f"{rows[-60].split(',')[0]},-30,10,-40,-37.63,-37.63,1000"
    _bring(cache, "CL=F", rows)
    code, line = _local(capsys, "CL=F")
    assert code == 3 and "1 row(s) with zero or negative prices (2026-05-28)" in line, line
    assert "must stay above zero" in line and "corrupt" not in line
