"""What the fifth cold read (and reading its pieces before it) refused, checked against the bundled CSVs."""

from __future__ import annotations

import pandas as pd

from tests.test_cold_read_three import _frame, piece


def _month(ticker: str, as_of: str) -> float:
    """Total return over the calendar month to ``as_of`` (the last close on or before the same day a month
    earlier), from the dividend-adjusted closes."""
    adj = _frame(ticker, as_of)["Adj Close"]
    start = adj.loc[: (adj.index[-1] - pd.DateOffset(months=1))].iloc[-1]
    return adj.iloc[-1] / start - 1


def test_the_bifurcation_is_not_supported_in_a_month_small_caps_led(market, tmp_path):
    """IWM 2024-07-16, after its 11.5% five-session rise: QQQ lagged IWM by about 8% over the month, so
    "tech and growth keep rising; the bifurcation continues" leans supported on the 200-day trends but is
    no longer "supported" (+1.00), as it was on July 8 when QQQ had led by about 7%."""
    lag = (1 + _month("QQQ", "2024-07-16")) / (1 + _month("IWM", "2024-07-16")) - 1
    assert lag < -0.02
    late = piece(market, "IWM", "2024-07-16", tmp_path / "late")
    tech = next(s for s in late["scenarios"] if s["id"] == "tech_bifurcation")
    month = next(e for e in tech["evidence"] if e["name"].startswith("Last month"))
    assert month["reading"] == "contradicts" and abs(month["value"] - lag) < 0.005
    assert tech["verdict"] == "leaning supported"
    early = piece(market, "IWM", "2024-07-08", tmp_path / "early")
    assert next(s for s in early["scenarios"] if s["id"] == "tech_bifurcation")["verdict"] == "supported"


def _call(s: dict) -> str:
    return s["brief"]["call_sentence"]


def test_a_gauges_record_day_says_it_is_ranked_in_percent(market, tmp_path):
    """^VIX 2011-08-08 rose 16.00 points (50.0%): its largest one-day rise in percent since February 27,
    2007, but in points only since October 22, 2008, so the sentence says which."""
    close = _frame("^VIX", "2011-08-08")["Close"]
    pct, pts = close.pct_change(), close.diff()
    assert pct.iloc[:-1][pct.iloc[:-1] >= pct.iloc[-1]].index[-1].date().isoformat() == "2007-02-27"
    assert pts.iloc[:-1][pts.iloc[:-1] >= pts.iloc[-1]].index[-1].date().isoformat() == "2008-10-22"
    s = piece(market, "^VIX", "2011-08-08", tmp_path)
    said = " ".join([s["brief"]["lead"] or "", *s["brief"]["paragraphs"]])
    assert "its largest one-day rise in percent since February 27, 2007" in said
    assert "its largest five-session rise in percent in the data" in said


def test_a_short_history_neither_stretched_nor_not_and_a_phase_since_the_data_allow_one(market, tmp_path):
    """QQQ 2000-03-10, a year after its data begin: 58.6% above its 200-DMA, with 56 readings of Real
    Motion inside a band built from them. Page one says neither "stretched" nor "not stretched", the
    talking point premised on it cannot be read, and the bullish phase runs "since at least" its first
    session with a 200-DMA."""
    close = _frame("QQQ", "2000-03-10")["Close"]
    sma = close.rolling(200).mean().dropna()
    assert len(sma) == 56 and sma.index[0].date().isoformat() == "1999-12-21"
    assert close.iloc[-1] / sma.iloc[-1] - 1 > 0.58
    s = piece(market, "QQQ", "2000-03-10", tmp_path)
    assert (s["real_motion"]["stretch"]["known"], s["real_motion"]["stretch"]["readings"]) == (False, 56)
    assert "since at least December 21, 1999, its first session with a 200-DMA" in _call(s)
    assert "56 sessions of Real Motion are too few to rank" in " ".join(s["brief"]["paragraphs"])
    stretched = next(sc for sc in s["scenarios"] if sc["id"] == "stretched")
    assert (stretched["applies"], stretched["verdict"]) == (None, "not enough evidence")
    assert "Too little history to tell whether talking point 4" in s["brief"]["scenario_line"]


def test_a_phase_that_began_today_is_said_so(market, tmp_path):
    """HYG turned bearish on 2020-03-23 itself: "entered a bearish phase today", not "has been … since March 23"."""
    s = piece(market, "HYG", "2020-03-23", tmp_path)
    assert s[
        "phase_since"
    ] == "2020-03-23" and "HYG (high-yield corporate bonds) entered a bearish phase today" in _call(s)


def test_a_level_the_quote_would_make_the_close_gets_a_decimal(market, tmp_path):
    """^TNX 2007-06-12 closed at 5.248%, 0.3 bp above its 5.245% swing high of June 28, 2006: the support
    reads "5.245% … less than 1 bp", not "5.25%, 0 bp away"."""
    close = _frame("^TNX", "2007-06-12")["Close"]
    assert round(close.iloc[-1], 3) == 5.248 and round(close.loc["2006-06-28"], 3) == 5.245
    s = piece(market, "^TNX", "2007-06-12", tmp_path)
    assert s["brief"]["levels"]["support"][0]["text"] == "5.245%"
    assert "the supports to watch are 5.245% (former swing high, Jun 2006)" in " ".join(s["brief"]["change_sentences"])
    assert "less than 1 bp and 25 bp away" in " ".join(s["brief"]["change_sentences"])


def test_a_recent_close_within_an_ordinary_day_is_no_level(market, tmp_path):
    """LQD 2008-11-20: the close of November 14 (46.71) was 0.1% above the close, inside the median day's
    move: no resistance; the close before the fall (47.18) is the first one."""
    adj = _frame("LQD", "2008-11-20")["Adj Close"]
    median_day = adj.pct_change().abs().median()
    assert abs(adj.loc["2008-11-14"] / adj.iloc[-1] - 1) < median_day
    s = piece(market, "LQD", "2008-11-20", tmp_path)
    assert [r["what"] for r in s["brief"]["levels"]["resistance"]][0] == "close before the fall, Nov 19"
    assert all("recent close" not in r["what"] for r in s["brief"]["levels"]["resistance"])


def _verdict(s: dict, sid: str) -> str:
    return next(sc for sc in s["scenarios"] if sc["id"] == sid)["verdict"]


def test_a_decade_of_outperformance_is_not_split_on_underperformed_for_10_years(market, tmp_path):
    """^RUT 2008-11-20 beat SPY over ten years (price against total return, so by even more in total
    return), lagging only over three and five: "underperformed for 10 years" leans contradicted."""
    rut, spy = _frame("^RUT", "2008-11-20")["Close"], _frame("SPY", "2008-11-20")["Adj Close"]
    start = "1998-11-20"
    assert rut.iloc[-1] / rut.loc[start] > spy.iloc[-1] / spy.loc[start] * 1.05
    s = piece(market, "^RUT", "2008-11-20", tmp_path)
    assert _verdict(s, "underperformance") == "leaning contradicted"


def test_rates_that_fell_in_the_month_do_not_support_rising_rates(market, tmp_path):
    """NVDA 2024-06-18: the 10-year yield fell 20 bp in the month to 4.22% (high in its decade): "rising
    rates will cap NVDA" is mixed, not leaning supported from the level alone."""
    tnx = _frame("^TNX", "2024-06-18")["Close"]
    month = tnx.iloc[-1] - tnx.loc[: tnx.index[-1] - pd.DateOffset(months=1)].iloc[-1]
    assert month * 100 <= -15
    s = piece(market, "NVDA", "2024-06-18", tmp_path)
    assert _verdict(s, "rates_bite") == "mixed"


def test_tech_behind_over_three_months_does_not_keep_leading(market, tmp_path):
    """SMH 2026-08-21: QQQ 3.2% behind SPY over three months and growth behind value: "tech and growth
    keep leading" is mixed, not leaning supported on the 200-day trend."""
    assert (1 + _month3("QQQ", "2026-08-21")) / (1 + _month3("SPY", "2026-08-21")) - 1 <= -0.02
    s = piece(market, "SMH", "2026-08-21", tmp_path)
    assert _verdict(s, "tech_leads") == "mixed"


def _month3(ticker: str, as_of: str) -> float:
    adj = _frame(ticker, as_of)["Adj Close"]
    return adj.iloc[-1] / adj.loc[: adj.index[-1] - pd.DateOffset(months=3)].iloc[-1] - 1


def test_beyond_the_band_the_band_is_what_is_ranked(market, tmp_path):
    """IWM 2024-07-16 is further above its band than ever (z 3.8), but Real Motion (15.7) is far from its
    record (40+ in 2021): "the furthest above its band in the data", not "the most in the data"."""
    rm = 100 * (_frame("IWM", "2024-07-16")["Close"].pipe(lambda c: c / c.rolling(200).mean() - 1))
    assert rm.max() > 2 * rm.iloc[-1]
    s = piece(market, "IWM", "2024-07-16", tmp_path)
    assert "momentum is stretched, the furthest above its band in the data" in " ".join(s["brief"]["paragraphs"])


def test_a_line_crossed_today_is_said_to_be_crossed_today(market, tmp_path):
    """IWM 2024-07-16: the IWM/SPY ratio crossed above its 200-day average that day (Leadership above zero),
    having been below it on July 15: "crossed above zero today", not "has not been below zero since July 15"."""
    iwm, spy = _frame("IWM", "2024-07-16")["Close"], _frame("SPY", "2024-07-16")["Close"]
    ratio = (iwm / spy).dropna()
    lead = ratio / ratio.rolling(200).mean() - 1
    assert lead.iloc[-1] > 0 > lead.iloc[-2]
    s = piece(market, "IWM", "2024-07-16", tmp_path)
    assert "Against SPY, Leadership crossed above zero today" in " ".join(s["brief"]["paragraphs"])


def test_the_benchmark_premise_goes_with_the_price_not_a_condition(market, tmp_path):
    """SMH 2026-08-21: "Leadership below zero (if SPY is unchanged) (467.72, …)" read as two asides; the
    premise goes with the price the solver found on it."""
    s = piece(market, "SMH", "2026-08-21", tmp_path)
    down = s["brief"]["change_sentences"][1]
    assert (
        "SMH below its 200-DMA and Leadership below zero (a close below 467.72 next session if SPY is unchanged, 16.5% below the close)"
        in down
    )


def test_an_uncommon_move_within_reach_says_how_uncommon(market, tmp_path):
    """XLP 2024-10-18: the +1.8% close that turns the call constructive is larger than 94% of its one-day
    moves; the sentence says so, as it says a knife-edge."""
    close = _frame("XLP", "2024-10-18")["Close"]
    s = piece(market, "XLP", "2024-10-18", tmp_path)
    up = s["brief"]["change_sentences"][0]
    assert up.startswith("A close above 79.86 next session (1.8% up, larger than on 94% of its sessions)")
    assert 0.9 < (close.pct_change().abs() < 79.86 / close.iloc[-1] - 1).mean() < 0.95


def test_a_bond_fund_that_fell_today_does_not_climb(market, tmp_path):
    """LQD 2008-11-20 fell 1.1% in a recovery phase: the headline does not say it "climbs"."""
    adj = _frame("LQD", "2008-11-20")["Adj Close"]
    assert adj.iloc[-1] < adj.iloc[-2]
    s = piece(market, "LQD", "2008-11-20", tmp_path)
    assert "climbs" not in s["headline"] and s["headline"].startswith("LQD slips back in its recovery")
