"""What the ninth cold read refused (41 pieces of the 23 bundled series on 2016-06-24, 2019-08-05,
2021-11-08 and 2022-06-13, read by a helper against the CSVs), checked against the bundled CSVs."""

from __future__ import annotations

from tests.test_cold_read_eight import _summary
from tests.test_cold_read_three import _frame, _page_one


def test_a_trigger_the_close_already_passes_says_an_unchanged_close_does_it(market, tmp_path):
    """NVDA on 2016-06-24 closed at 1.1211 (dividend-adjusted); Real Motion crosses under its own 50-DMA
    below 1.1243 next session, above that close, as the average moves overnight. The piece read "A close
    below 1.12 next session (0.3% up, a knife-edge ...)": a fall to the price it stood at, called a rise."""
    close = _frame("NVDA", "2016-06-24")["Adj Close"]
    assert round(close.iloc[-1], 4) == 1.1211
    s = _summary(market, "NVDA", "SPY", "2016-06-24", tmp_path)
    cross = next(e for e in s["what_would_change"] if e["event"] == "real_motion_vs_fast")
    assert cross["direction"] == "down" and cross["price"] > s["close"]
    assert (
        "A close below 1.1243 next session (even an unchanged one at 1.1211) puts Real Motion under its own 50-DMA"
        in _page_one(s)
    )
    assert "(0.3% up" not in _page_one(s)


def test_a_yield_under_a_tenth_of_a_percent_is_quoted_to_three_decimals(market, tmp_path):
    """^IRX on 2021-11-08: its 0.035% close, its 50-DMA of 0.038% and its 200-DMA of 0.030% all read
    "0.04%" or "0.03%", so a trigger and the level then to clear were both "0.04%"."""
    close = _frame("^IRX", "2021-11-08")["Close"]
    assert close.iloc[-1] == 0.035
    assert round(close.iloc[-50:].mean(), 3) == 0.038 and round(close.iloc[-200:].mean(), 3) == 0.030
    s = _summary(market, "^IRX", "SPY", "2021-11-08", tmp_path)
    assert s["headline"].startswith("The fall in yields is losing steam: ^IRX at 0.035%")
    assert (
        "closed at 0.035%, less than 1 bp below its 50-DMA (0.038%) and 1 bp above its 200-DMA (0.030%)"
        in (s["brief"]["paragraphs"][0])
    )
    assert "0.04%" not in _page_one(s)


def test_a_level_whose_momentum_disagrees_with_its_side_of_the_average_is_losing_steam(market, tmp_path):
    """^TNX on 2021-11-08: above its 50-DMA, Real Motion below its own: "and momentum is down: yields are
    rising" (and the headline "Yields are rising") on a yield 18 bp under its October 21 close."""
    close = _frame("^TNX", "2021-11-08")["Close"]
    assert close.iloc[-1] > close.iloc[-50:].mean() and round(100 * (close.loc["2021-10-21"] - close.iloc[-1])) == 18
    s = _summary(market, "^TNX", "SPY", "2021-11-08", tmp_path)
    assert not s["real_motion"]["above_fast"]
    assert s["headline"] == "The rise in yields is losing steam: ^TNX at 1.50%, above its 50-DMA"
    assert s["brief"]["call_sentence"].endswith("and momentum is down: the rise in yields is losing steam.")


def test_a_notable_day_against_the_phase_leads_the_headline(market, tmp_path):
    """2016-06-24 (the Brexit vote): HYG fell 1.6% (dividend-adjusted), its largest fall since December 11,
    2015, under "Credit is bid: can HYG keep rallying?"; KRE fell 7.2%, its largest since August 10, 2011,
    under "KRE slips below its 200-DMA"."""
    hyg = _frame("HYG", "2016-06-24")["Adj Close"].pct_change()
    assert round(hyg.iloc[-1], 3) == -0.016 and hyg.loc[:"2016-06-23"][hyg <= hyg.iloc[-1]].index[
        -1
    ].date().isoformat() == ("2015-12-11")
    s = _summary(market, "HYG", "SPY", "2016-06-24", tmp_path)
    assert s["phase"] == "bullish"
    assert s["headline"] == "HYG falls 1.6%, its largest one-day fall since December 2015: can the uptrend hold?"
    kre = _frame("KRE", "2016-06-24")["Close"].pct_change()
    assert round(kre.iloc[-1], 3) == -0.072
    assert kre.loc[:"2016-06-23"][kre <= kre.iloc[-1]].index[-1].date().isoformat() == "2011-08-10"
    s = _summary(market, "KRE", "SPY", "2016-06-24", tmp_path)
    assert s["headline"] == "KRE falls 7.2%, its largest one-day fall since August 2011: where is support?"


def test_a_close_falling_through_its_50_dma_under_rising_momentum_is_no_bullish_divergence(market, tmp_path):
    """NVDA on 2019-08-05 fell through its 50-DMA (above it on August 2), Real Motion above its own 50-DMA
    since June 19: "Momentum turns up in NVDA before the price" had the order backwards, and "momentum is
    with the trend" had no trend to be with."""
    close = _frame("NVDA", "2019-08-05")["Adj Close"]
    sma50 = close.rolling(50).mean()
    assert close.iloc[-2] > sma50.iloc[-2] and close.iloc[-1] < sma50.iloc[-1]
    s = _summary(market, "NVDA", "SPY", "2019-08-05", tmp_path)
    assert s["real_motion"]["above_fast"] and s["real_motion"]["last_below_fast"] == "2019-06-19"
    assert not [u for u in s["unusual"] if u["id"] == "divergence"]
    assert "before the price" not in _page_one(s) and "with the trend" not in _page_one(s)
    assert "momentum is up, though NVDA is below its 50-DMA." in s["brief"]["paragraphs"][1]
