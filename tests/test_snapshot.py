"""The bundled snapshot: every file loads, matches SOURCES.md, and reproduces its reference facts."""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
import subprocess

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.data import check, snapshot
from analysis.paths import SNAPSHOT_DIR

SOURCES = (SNAPSHOT_DIR / "SOURCES.md").read_text()


def _table_rows() -> dict[str, dict]:
    """The summary table of SOURCES.md: ticker -> rows, first, last, adjusted text."""
    rows = {}
    for line in SOURCES.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0].endswith(".csv"):
            rows[cells[1]] = {"rows": int(cells[2]), "first": cells[3], "last": cells[4], "adjusted": cells[5]}
    return rows


TABLE = _table_rows()

#: The screen's notes on the bundled files (analysis/data/screen.py): ^IRX's High of 3.39 on
#: 2020-03-25 between closes of -0.105 and -0.033, documented in SOURCES.md.
KNOWN_REPAIRS = {
    "^IRX": [
        "^IRX: impossible high (more than 2 points outside the closes around it), set to"
        " max(open, close): 2020-03-25 high 3.39 -> -0.033 (closes around it -0.105..-0.033)"
    ]
}


def test_snapshot_holds_every_series_of_sources_md():
    assert len(TABLE) >= 20
    assert sorted(TABLE) == sorted(snapshot.tickers())


@pytest.mark.parametrize("ticker", sorted(TABLE))
def test_each_file_loads_to_the_contract_with_the_documented_span(ticker):
    frame = snapshot.read(ticker)
    check(frame)
    facts = TABLE[ticker]
    assert len(frame) == facts["rows"]
    assert frame.attrs["first_date"] == facts["first"]
    assert frame.attrs["last_date"] == facts["last"]
    # the snapshot needs no repair, except the one spurious print SOURCES.md documents
    assert frame.attrs["notes"] == KNOWN_REPAIRS.get(ticker, [])


@pytest.mark.parametrize("ticker", sorted(TABLE))
def test_manifest_marks_exactly_the_fully_adjusted_files(ticker):
    documented = TABLE[ticker]["adjusted"].startswith("ALL of Open/High/Low/Close")
    assert (ticker in snapshot.manifest()["fully_adjusted"]) == documented
    frame = snapshot.read(ticker)
    assert frame.attrs["fully_adjusted"] == documented
    if documented:  # Adj Close = Close on every row, the appended 2026 rows included
        assert (frame["adj_close"] == frame["close"]).all()


def test_reference_facts_of_sources_md():
    """SOURCES.md's table 'Reference facts', recomputed from the bundled files."""
    iwm, spy = snapshot.read("IWM"), snapshot.read("SPY")
    day, start = pd.Timestamp("2024-07-08"), pd.Timestamp("2014-07-08")
    assert_allclose(iwm.loc[day, "close"], 202.279999, rtol=1e-9)
    assert_allclose(spy.loc[day, "close"], 555.280029, rtol=1e-9)
    assert_allclose(iwm["close"].loc[:day].iloc[-50:].mean(), 202.76139956, rtol=1e-9)
    assert_allclose(spy["close"].loc[:day].iloc[-200:].mean(), 488.014100835, rtol=1e-9)
    assert_allclose(iwm.loc[day, "adj_close"] / iwm.loc[start, "adj_close"] - 1, 0.98604, atol=5e-6)
    assert_allclose(spy.loc[day, "adj_close"] / spy.loc[start, "adj_close"] - 1, 2.38058, atol=5e-6)
    assert_allclose(iwm.loc[day, "close"] / iwm.loc[start, "close"] - 1, 0.73870, atol=5e-6)


def test_reading_returns_a_copy():
    a = snapshot.read("IWM")
    a.iloc[0, 0] = -1.0
    a.attrs["notes"].append("x")
    b = snapshot.read("IWM")
    assert b.iloc[0, 0] > 0 and b.attrs["notes"] == []


def test_unknown_ticker_lists_what_the_snapshot_holds():
    from analysis.errors import DataError

    with pytest.raises(DataError, match=r"no ZZZZ.*It holds: .*IWM.*SPY"):
        snapshot.read("ZZZZ")


def test_caret_tickers_map_to_underscore_files():
    assert "^VIX" in snapshot.tickers() and snapshot.has("^VIX")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", snapshot.read("^VIX").attrs["last_date"])


@pytest.mark.parametrize("ticker", sorted(TABLE))
def test_each_file_is_its_checksummed_csv_gzipped_reproducibly(ticker):
    """manifest.toml's sha256 is that of the uncompressed CSV, and the .gz header is that of
    `gzip -n -9` (no file name, modification time 0, maximum compression), so a rebuild from
    the shared copy writes the same bytes."""
    data = (SNAPSHOT_DIR / f"{ticker.replace('^', '_')}.csv.gz").read_bytes()
    assert data[:10] == bytes([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 2, 3])  # no FNAME flag, mtime 0, -9, Unix
    assert hashlib.sha256(gzip.decompress(data)).hexdigest() == snapshot.manifest()["sha256"][ticker]


def test_every_series_ends_on_the_same_session():
    """The 2026 extension (SOURCES.md, last section): a piece at the latest date finds every series."""
    assert {facts["last"] for facts in TABLE.values()} == {"2026-08-21"}
    assert sorted(snapshot.manifest()["sha256"]) == sorted(TABLE)


@pytest.mark.parametrize("ticker", ["XRT", "IWF", "HYG", "^RUT", "KRE"])
def test_appended_rows_match_sources_md(ticker):
    """Known values of the appended rows, read from the shared CSVs (2026-08-21 close; IWF on
    its post-split basis: its 2000-05-26 close 59.703388 / 4.007122 = 14.899319)."""
    frame = snapshot.read(ticker)
    last = {"XRT": 87.899231, "IWF": 122.28, "HYG": 79.610017, "^RUT": 3017.87, "KRE": 74.86}
    assert_allclose(frame["close"].iloc[-1], last[ticker], rtol=1e-6)
    if ticker == "IWF":
        assert_allclose(frame["close"].iloc[0], 59.703388 / 4.007122, rtol=1e-6)


@pytest.mark.skipif(shutil.which("gzip") is None, reason="no gzip on PATH")
@pytest.mark.slow  # several seconds in one process: the whole suite (make check) runs it
def test_a_rebuild_with_gzip_writes_the_same_bytes():
    for path in sorted(SNAPSHOT_DIR.glob("*.csv.gz")):
        data = path.read_bytes()
        rebuilt = subprocess.run(["gzip", "-n", "-9"], input=gzip.decompress(data), capture_output=True, check=True)
        assert rebuilt.stdout == data, path.name
