"""What the tenth cold read refused (35 pieces of the 23 bundled series on 2011-08-08, 2018-12-24,
2020-11-09 and 2026-08-21, read by a helper against the CSVs), checked against the bundled CSVs."""

from __future__ import annotations

from tests.test_cold_read_eight import _summary
from tests.test_cold_read_three import _frame, _page_one


def test_a_yield_barely_moving_is_not_rising_or_falling_fast(market, tmp_path):
    """^IRX's Real Motion (its distance from the 200-DMA in percent) beyond its band read "Yields are falling
    fast" on 2018-12-24, five sessions down 0.7 bp, and "Yields are rising fast" on 2020-11-09, up 0.5 bp."""
    for as_of, week in (("2018-12-24", -0.7), ("2020-11-09", 0.5)):
        close = _frame("^IRX", as_of)["Close"]
        assert round(100 * (close.iloc[-1] - close.iloc[-6]), 1) == week
        s = _summary(market, "^IRX", "SPY", as_of, tmp_path / as_of)
        assert "fast" not in s["headline"], s["headline"]
        assert s["headline"].startswith(("The rise in yields", "The fall in yields")), s["headline"]


def test_a_gauges_record_fall_is_said_in_percent(market, tmp_path):
    """^VIX 2018-12-24: a close below 21.95 (14.12 points down) is "further than ^VIX has ever fallen in one
    session (29.6%, 12.11 points, May 10, 2010)": true in percent; in points it fell 17.36 on 2008-10-20."""
    close = _frame("^VIX", "2018-12-24")["Close"]
    assert round(close.diff().min(), 2) == -17.36 and close.diff().idxmin().date().isoformat() == "2008-10-20"
    s = _summary(market, "^VIX", "SPY", "2018-12-24", tmp_path)
    text = _page_one(s)
    assert "further in percent than ^VIX has ever fallen in one session (29.6%, May 10, 2010)" in text
    assert "12.11 points" not in text


def test_a_notable_week_with_nothing_changed_says_its_move_once(market, tmp_path):
    """^VIX 2018-12-24: "^VIX rose 11.55 points (47.1%), more than in 99% ... but nothing the piece tracks has
    changed: ...; but ^VIX rose 11.55 points over them, to its highest close since February 5."."""
    close = _frame("^VIX", "2018-12-24")["Close"]
    assert round(close.iloc[-1] - close.iloc[-6], 2) == 11.55
    s = _summary(market, "^VIX", "SPY", "2018-12-24", tmp_path)
    line = s["brief"]["since_last"][0]
    assert line.count("11.55") == 1 and "; but" not in line, line
    assert "to its highest close since February 5, but nothing the piece tracks has changed" in line


def test_a_lag_begun_today_is_not_kept(market, tmp_path):
    """SPY against RSP on 2020-11-09: "Leadership crossed below zero today ...: SPY keeps lagging"."""
    s = _summary(market, "SPY", "RSP", "2020-11-09", tmp_path)
    assert s["leadership"]["value"] < 0 and s["leadership"]["last_above_zero"] == "2020-11-06"
    assert "crossed below zero today and is below its own 50-DMA: SPY now lags" in _page_one(s)
    assert "keeps lagging" not in _page_one(s)


def test_heavy_volume_on_an_ordinary_day_is_no_washout(market, tmp_path):
    """SMH 2020-11-09 fell 1.1%, an ordinary move (half its sessions move more), on 2.0 times its volume:
    "Heavy selling in SMH, leading SPY: a washout or the start of a slide?"."""
    close = _frame("SMH", "2020-11-09")["Close"]
    assert round(close.pct_change().iloc[-1], 3) == -0.011
    s = _summary(market, "SMH", "SPY", "2020-11-09", tmp_path)
    assert s["session"]["day"]["percentile"] < 0.6
    assert "Heavy selling" not in s["headline"], s["headline"]


def test_a_phase_left_twice_says_so(market, tmp_path):
    """XLY 2026-08-21 (dividend-adjusted) left its accumulation phase on August 18 and 20 and returned on 19
    and 21: "back in an accumulation phase since August 21, after a recovery phase from August 18"."""
    close = _frame("XLY", "2026-08-21")["Adj Close"]
    sma200 = close.rolling(200).mean()
    below = (close < sma200).loc["2026-08-17":].tolist()
    assert below == [False, True, False, True, False]
    s = _summary(market, "XLY", "SPY", "2026-08-21", tmp_path)
    assert s["brief"]["since_last"][0] == (
        "XLY is back in an accumulation phase since August 21, after two spells in a recovery phase from August 18."
    )


def test_no_close_within_reach_changes_the_call_only_while_the_benchmark_moves_with_it(market, tmp_path):
    """KRE 2020-11-09: "no close within a session's reach (8.3%) changes the call on the way down", then a close
    6.1% lower (if SPY is unchanged) that turns it cautious: rare only as a lag behind SPY. (Since the eleventh
    cold read the reach is read at that day's volatility, 15.3%: KRE rose 13.8% on vaccine Monday.)"""
    s = _summary(market, "KRE", "SPY", "2020-11-09", tmp_path)
    down = s["brief"]["change_sentences"][1]
    reach = "a session's reach at today's volatility (15.3%)"
    assert f"no close within {reach} changes the call on the way down while SPY moves with it." in down
    assert "(a close below 44.82 next session if SPY is unchanged, 6.1% below the close): a lag behind SPY" in down


def test_a_close_and_its_average_that_quote_alike_get_the_decimals_that_part_them(market, tmp_path):
    """QQQ 2026-08-21: "closed at 713.44, less than 0.1% below its 50-DMA (713.44)"."""
    close = _frame("QQQ", "2026-08-21")["Close"]
    assert f"{close.iloc[-1]:.2f}" == f"{close.iloc[-50:].mean():.2f}" == "713.44"
    s = _summary(market, "QQQ", "SPY", "2026-08-21", tmp_path)
    assert s["brief"]["paragraphs"][0].startswith("QQQ closed at 713.4400, less than 0.1% below its 50-DMA (713.4416)")


def test_the_five_sessions_are_not_called_this_week_and_a_verdict_has_one_colon(market, tmp_path):
    """SPY against RSP on Monday 2020-11-09: "the gap widened this week" meant the last five sessions, four of
    them the week before; and "...: worse than after any session: the call has not paid off"."""
    s = _summary(market, "SPY", "RSP", "2020-11-09", tmp_path)
    text = _page_one(s)
    # a lag taken today: "after losing ground", not "the gap widened" (the eleventh cold read)
    assert "this week" not in text and "now lags, after losing ground over five sessions." in text
    assert "session: the call" not in text
