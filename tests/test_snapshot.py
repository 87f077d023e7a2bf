"""The bundled snapshot: every file loads, matches SOURCES.md, and reproduces its reference facts."""

from __future__ import annotations

import re

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
    assert snapshot.read(ticker).attrs["fully_adjusted"] == documented


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
