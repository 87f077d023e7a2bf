"""Levels that exist: page one's box lists real closes, never nothing while the history has a level on
that side, and the sentences beside it agree with it (known values recomputed from the CSVs)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import summary
from analysis.params import Request
from analysis.paths import SNAPSHOT_DIR
from tests.golden_cases import CASES, GOLDEN_DIR
from tests.golden_cases import piece as golden_piece


def _closes(ticker: str, as_of: str) -> pd.Series:
    frame = pd.read_csv(SNAPSHOT_DIR / f"{ticker.replace('^', '_')}.csv.gz", index_col=0, parse_dates=True)
    return frame.loc[:as_of, "Close"].dropna()


def _last_beyond(close: pd.Series, below: bool) -> tuple[str, float] | None:
    """The last earlier close below (above) the last one, by a plain loop."""
    now = close.iloc[-1]
    for day, value in reversed(list(close.iloc[:-1].items())):
        if (value < now) if below else (value > now):
            return day.date().isoformat(), float(value)
    return None


def _episode(close: pd.Series, day: str, *, below: bool) -> tuple[str, float]:
    """The lowest (highest) close within 22 sessions either side of ``day``, before the last session."""
    earlier = close.iloc[:-1]
    at = earlier.index.get_loc(pd.Timestamp(day))
    window = earlier.iloc[max(0, at - 22) : at + 23]
    when = window.idxmin() if below else window.idxmax()
    return when.date().isoformat(), float(window.loc[when])


@pytest.fixture(scope="module")
def kre(market, tmp_path_factory):
    return summary.build(
        Request.parse("KRE", "SPY", "2023-03-13", "snapshot"), market, reports_dir=tmp_path_factory.mktemp("r")
    ).data


def test_a_crash_day_names_the_close_before_the_fall_and_the_last_lower_close(kre):
    """KRE fell 12.3% on 2023-03-13: the close of March 10 is resistance; below, the close is the lowest
    since November 6, 2020, and the box's support is the low of that episode (38.38, October 2020),
    not the 41.36 just undercut."""
    close = _closes("KRE", "2023-03-13")
    box = kre["brief"]["levels"]
    assert box["resistance"][0]["price"] == pytest.approx(close.iloc[-2])
    assert box["resistance"][0]["what"] == "close before the fall, Mar 10"
    day, value = _last_beyond(close, below=True)
    assert (day, value) == ("2020-11-06", pytest.approx(41.36, abs=0.005))
    low_day, low = _episode(close, day, below=True)
    assert low < value and box["support"][0]["price"] == pytest.approx(low)
    assert (
        box["support"][0]["what"] == f"low close, {pd.Timestamp(low_day):%b} {pd.Timestamp(low_day).day}, {low_day[:4]}"
    )
    down = kre["brief"]["change_sentences"][1]
    assert down.startswith("Below, KRE is at its lowest close since November 6, 2020, when it closed at 41.36")


def test_at_a_low_the_sentence_and_the_box_agree(market, tmp_path):
    """XLY 2025-04-08: a cold read refused 'no swing low of the last year lies under the close' beside a
    box of lower closes, and 'a one-month low' for the lowest close in eight months."""
    s = golden_piece(market, "XLY", "2025-04-08", tmp_path)
    day, value = _last_beyond(_closes("XLY", "2025-04-08"), below=True)
    words = json.dumps([s["brief"], s["narrative"]])
    assert "no swing low" not in words and "one-month low" not in words
    assert f"lowest close since {pd.Timestamp(day):%B} {pd.Timestamp(day).day}, {day[:4]}" in words
    _, low = _episode(_closes("XLY", "2025-04-08"), day, below=True)
    assert low <= value and low in [pytest.approx(r["price"]) for r in s["brief"]["levels"]["support"]]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.stem)
def test_the_box_is_real_closes_on_the_right_side_and_empty_only_when_history_has_none(case):
    s = json.loads((GOLDEN_DIR / f"{case.stem}.json").read_text())
    close, box = s["close"], s["brief"]["levels"]
    history = _closes(case.ticker, case.as_of)
    assert all(r["price"] > close for r in box["resistance"]) and all(r["price"] < close for r in box["support"])
    assert bool(box["resistance"]) == bool((history.iloc[:-1] > history.iloc[-1]).any())
    assert bool(box["support"]) == bool((history.iloc[:-1] < history.iloc[-1]).any())


def test_a_broken_extreme_and_a_cleared_level_are_in_the_box(market, tmp_path):
    """Refused by a cold read as false 'nearest' levels: IWM 2020-03-18 at 99.97 left out the close of
    March 16 (103.62, the 52-week low it had just broken); TLT 2020-03-09 left out 155.31, the record of
    February 28 that the page itself said was cleared on March 3. Both are in the box now, from the CSV."""
    iwm = golden_piece(market, "IWM", "2020-03-18", tmp_path)
    close = _closes("IWM", "2020-03-18")
    before = close.iloc[:-1]
    low_then = before.iloc[-252:].min()  # the 52-week low close before the session
    assert low_then == pytest.approx(close.loc["2020-03-16"]) and low_then > close.iloc[-1]
    resist = iwm["brief"]["levels"]["resistance"]
    assert resist[0]["price"] == pytest.approx(low_then) and resist[0]["what"] == "former 52-week low close, Mar 16"
    assert "resistances to watch are 103.62 (former 52-week low close, Mar 16)" in iwm["brief"]["change_sentences"][0]
    tlt = golden_piece(market, "TLT", "2020-03-09", tmp_path / "tlt")
    cleared = [c for c in tlt["since_last"]["changes"] if c["kind"] == "level_cleared"]
    assert cleared and cleared[0]["price"] == pytest.approx(_closes("TLT", "2020-02-28").iloc[-1])
    assert cleared[0]["price"] in [pytest.approx(r["price"]) for r in tlt["brief"]["levels"]["support"]]


def test_at_a_record_the_record_the_run_broke_is_support(market, tmp_path):
    """IWM 2021-11-08 closed at a record in a run of records that began on November 2, when it cleared
    its March 2021 record; a cold read refused a box without that breakout level. From the CSV."""
    close = _closes("IWM", "2021-11-08")
    run_start = close.loc[:"2021-11-02"]
    assert run_start.iloc[-1] > run_start.iloc[:-1].max()  # November 2 was a record close
    old = run_start.iloc[:-1]
    s = golden_piece(market, "IWM", "2021-11-08", tmp_path)
    support = s["brief"]["levels"]["support"]
    assert old.idxmax().date().isoformat() == "2021-03-15"
    assert any(r["price"] == pytest.approx(old.max()) and r["what"] == "former record close, Mar 15" for r in support)
