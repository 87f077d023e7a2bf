"""Units: the one place a unit is chosen, and every layer writes with it (known values)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.fmt import MINUS
from analysis.model.levels_box import box
from analysis.model.units import RETURNS, units
from analysis.paths import SNAPSHOT_DIR
from tests.golden_cases import piece as golden_piece


def _close(ticker: str, day: str) -> float:
    frame = pd.read_csv(SNAPSHOT_DIR / f"{ticker.replace('^', '_')}.csv.gz", index_col=0, parse_dates=True)
    return float(frame.loc[day, "Close"])


def test_a_yield_is_quoted_in_percent_and_moves_in_basis_points():
    """^TNX closed at 0.515 (0.52%) on 2020-08-04; 1.14 points higher is +114 bp, not +221% of the close."""
    u, close = units("basis_points"), _close("^TNX", "2020-08-04")
    assert close == pytest.approx(0.515) and u.quote(close) == "0.52%"
    assert u.move_to(close, close + 1.14) == "114 bp up"
    assert u.distance(close + 1.14, close) == "114 bp above"
    assert u.level_change(-45.4) == f"{MINUS}45 bp"
    assert u.is_level and u.is_yield and not u.is_return


def test_a_price_moves_in_percent_of_the_close():
    """IWM closed at 202.28 on 2024-07-08; the model commentary's 205.06 is 1.4% up."""
    u, close = units("total"), _close("IWM", "2024-07-08")
    assert u.quote(close) == "202.28"
    assert u.move_to(close, 205.06) == "1.4% up" and u.move_to(close, 193.12) == "4.5% down"
    assert u.distance(close, close * 1.0004) == "less than 0.1% below"
    assert u.move(0.017) == "+1.7%" and u.edge(-0.005) == "0.5 percentage points"


def test_a_gauge_moves_in_points():
    u = units("points")
    assert u.level_change(12.3) == "+12.30 points"
    assert u.move(0.85) == "+0.85 points" and u.move(0.85, short=True) == "+0.85 pts"
    assert u.interval(-1.234, 2.0) == f"{MINUS}1.23 to +2.00 points"


def test_every_measure_has_units_and_an_unknown_one_is_refused():
    assert {units(r).returns for r in RETURNS} == set(RETURNS)
    with pytest.raises(InputError, match="returns 'percent'"):
        units("percent")


def test_the_profiles_and_the_event_study_know_the_same_measures():
    from analysis.model import forward, profile

    assert profile.RETURNS == forward.RETURNS == RETURNS


@pytest.mark.parametrize(("ticker", "as_of"), [("^VIX", "2020-03-16"), ("NVDA", "2024-06-18"), ("^TNX", "2020-08-04")])
def test_every_distance_is_from_the_close_toward_the_level_in_the_tickers_units(market, tmp_path, ticker, as_of):
    """Recomputed from the CSV: the support is (support / close - 1) below the close (^VIX at 82.69 has
    its support 70.3% below, not the 236.3% the close is above it); a yield's levels are in bp."""
    import re

    s = golden_piece(market, ticker, as_of, tmp_path)
    close = _close(ticker, as_of)
    assert s["close"] == pytest.approx(close)
    words = " ".join(line for section in s["narrative"].values() for line in section)
    if s["support"]["price"] is not None and ticker != "^TNX":  # the levels box's supports, the nearest first
        first = box(s)["support"][0]["price"]
        said = re.search(
            r"supports? to watch (?:is|are) [\d,.]+ \([^)]*\)(?: and [\d,.]+ \([^)]*\))?,"
            r" (?:([\d.]+) points or )?([\d.]+)%",
            words,
        )
        assert said and float(said.group(2)) == pytest.approx(100 * abs(first / close - 1), abs=0.05)
        if s["profile"]["returns"] == "points":  # a gauge: points first (58.10 points or 70.3% below)
            assert float(said.group(1)) == pytest.approx(close - first, abs=0.005)
    if ticker == "^TNX":
        lv = s["level_to_clear"]["price"]
        assert f"it is {abs(100 * (lv - close)):,.0f} bp above the last close" in words
        assert not re.search(r"\d% (above|below) the last close", words)
