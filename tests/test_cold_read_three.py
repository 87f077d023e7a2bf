"""What the third cold read refused, decided in the reading and worded once (issue 28): known values
recomputed from the bundled CSVs with plain pandas, at the dates the strategist refused."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.paths import SNAPSHOT_DIR
from tests.golden_cases import piece as golden_piece


def piece(market, ticker: str, as_of: str, reports_dir) -> dict:
    """The summary against SPY (QQQ for SPY itself), as page one reads it."""
    if ticker != "SPY":
        return golden_piece(market, ticker, as_of, reports_dir)
    from analysis import summary
    from analysis.params import Request

    return summary.build(Request.parse(ticker, "QQQ", as_of, "snapshot"), market, reports_dir=reports_dir).data


def _frame(ticker: str, as_of: str) -> pd.DataFrame:
    frame = pd.read_csv(SNAPSHOT_DIR / f"{ticker.replace('^', '_')}.csv.gz", index_col=0, parse_dates=True)
    return frame.loc[:as_of].dropna(subset=["Close"])


def _distance_from_200(ticker: str, as_of: str) -> pd.Series:
    close = _frame(ticker, as_of)["Close"]
    return (100 * (close / close.rolling(200).mean() - 1)).dropna()


def _page_one(s: dict) -> str:
    b = s["brief"]
    return " ".join(
        [s["headline"], b["call_sentence"], *b["change_sentences"], b["lead"], *b["paragraphs"], b["scenario_line"]]
    )


@pytest.mark.parametrize(
    ("ticker", "as_of", "side"),
    [("BTC-USD", "2017-12-18", "up"), ("SPY", "2008-11-20", "down"), ("^VIX", "2008-11-20", "up")],
)
def test_a_record_distance_inside_the_band_is_stretched(market, tmp_path, ticker, as_of, side):
    """BTC-USD 255% above its 200-DMA, SPY a record 39.5% below it, ^VIX 164% above it: each inside its band,
    and each read as "not stretched / not at an extreme". The rank of the distance in its own history decides."""
    rm = _distance_from_200(ticker, as_of)
    now = rm.iloc[-1]
    at_or_below = (rm <= now).mean()
    assert (at_or_below >= 0.98) if side == "up" else (at_or_below <= 0.02)
    s = piece(market, ticker, as_of, tmp_path)
    st = s["real_motion"]["stretch"]
    assert abs(s["real_motion"]["z"]) <= 2 and (st["side"], st["by"]) == (side, "history")
    assert st["percentile"] == pytest.approx(100 * at_or_below)
    text = _page_one(s)
    assert "without being stretched" not in text and "not at an extreme" not in text
    assert ("momentum is stretched" if side == "up" else "an oversold extreme") in text


def test_an_ordinary_distance_inside_the_band_is_not_stretched(market, tmp_path):
    """BTC-USD 2024-03-13, 85% above its 200-DMA but at its 90th percentile and inside its band: not stretched,
    and its "stretched and due to cool" talking point does not apply."""
    rm = _distance_from_200("BTC-USD", "2024-03-13")
    assert 0.5 < (rm <= rm.iloc[-1]).mean() < 0.98
    s = piece(market, "BTC-USD", "2024-03-13", tmp_path)
    assert s["real_motion"]["stretch"]["side"] is None
    assert next(sc for sc in s["scenarios"] if sc["id"] == "stretched")["verdict"] == "does not apply"


def test_a_stretched_rally_weighs_its_stretched_talking_point(market, tmp_path):
    s = piece(market, "BTC-USD", "2017-12-18", tmp_path)
    assert next(sc for sc in s["scenarios"] if sc["id"] == "stretched")["score"] is not None


def test_a_gauge_is_in_points_and_ranked_as_a_share_of_its_level(market, tmp_path):
    """^VIX 2008-11-20 rose 6.60 points (8.9%): larger than 99% of its point moves, an ordinary 89th
    percentile as a share of its level; its averages are points away, never "163.7% above"."""
    close = _frame("^VIX", "2008-11-20")["Close"]
    rel = close.pct_change().dropna()
    s = piece(market, "^VIX", "2008-11-20", tmp_path)
    assert s["session"]["day"]["move"] == pytest.approx(close.iloc[-1] - close.iloc[-2])
    assert s["session"]["day"]["percentile"] == pytest.approx((rel.abs().iloc[:-1] < abs(rel.iloc[-1])).mean())
    assert s["session"]["reach"] == pytest.approx(rel.abs().quantile(0.99) * close.iloc[-1], rel=1e-3)
    sma200 = close.rolling(200).mean().iloc[-1]
    assert f"{close.iloc[-1] - sma200:.2f} points above its 200-DMA" in s["brief"]["call_sentence"]
    assert "163.7%" not in _page_one(s)


def test_a_window_that_starts_at_a_low_says_the_lower_lows(market, tmp_path):
    """NVDA closed at a 52-week low on 2018-12-17 and below it on December 19: "no support lost" was false."""
    f = _frame("NVDA", "2018-12-24")["Adj Close"]
    low = f.loc["2018-12-17"]
    first_below = f.loc["2018-12-18":][f.loc["2018-12-18":] < low].index[0]
    assert first_below == pd.Timestamp("2018-12-19")
    s = piece(market, "NVDA", "2018-12-24", tmp_path)
    lost = next(c for c in s["since_last"]["changes"] if c["kind"] == "support_lost")
    assert (lost["price"], lost["date"], lost["level_kind"]) == (pytest.approx(low), "2018-12-19", "low_52w")


def test_a_level_cleared_is_dated_to_its_own_close(market, tmp_path):
    """BTC-USD's 17,900 is its December 7, 2017 record close, cleared on December 16: the box says the former."""
    close = _frame("BTC-USD", "2017-12-18")["Close"]
    assert close.loc["2017-12-07"] == pytest.approx(17899.7, abs=1)
    s = piece(market, "BTC-USD", "2017-12-18", tmp_path)
    assert "17,900 (former record close, Dec 7)" in s["brief"]["change_sentences"][-1] + " ".join(
        s["brief"]["change_sentences"]
    )


def test_an_intraday_washout_closing_the_same_way_is_said(market, tmp_path):
    """IBB 2015-08-24 traded 16.4% down and closed 4.4% down on 2.8x volume: no reversal, but the day's story."""
    f = _frame("IBB", "2015-08-24")
    prev, last = f["Close"].iloc[-2], f.iloc[-1]
    s = piece(market, "IBB", "2015-08-24", tmp_path)
    r = s["session"]["reversal"]
    assert r["kind"] == "recovery" and r["extreme"] == pytest.approx(last["Low"])
    assert f"Intraday it fell as much as {abs(last['Low'] / prev - 1):.1%}" in s["brief"]["lead"]


def test_a_record_day_and_a_record_low_open_the_headline(market, tmp_path):
    close = _frame("QQQ", "2020-03-16")["Close"].pct_change().dropna()
    assert close.idxmin() == pd.Timestamp("2020-03-16")
    assert piece(market, "QQQ", "2020-03-16", tmp_path)["headline"].startswith(
        "After its largest one-day fall in the data, QQQ"
    )
    vix = _frame("^VIX", "2017-11-03")["Close"]
    assert vix.idxmin() == pd.Timestamp("2017-11-03")
    assert piece(market, "^VIX", "2017-11-03", tmp_path)["headline"] == (
        "Fear has never been lower: ^VIX at 9.14, its lowest close since 1990"
    )


def test_talking_points_need_their_premise_and_cohere(market, tmp_path):
    """^VIX at its record low with SPY bullish: no spike to fade, no sell-off to deepen. HYG in December 2008:
    "HYG can rally" does not lean supported beside "credit stress is building" with the spread at 21 points."""
    vix = {sc["id"]: sc for sc in piece(market, "^VIX", "2017-11-03", tmp_path)["scenarios"]}
    assert vix["spike_fades"]["verdict"] == vix["stress_spreads"]["verdict"] == "does not apply"
    hyg = {sc["id"]: sc for sc in piece(market, "HYG", "2008-12-12", tmp_path)["scenarios"]}
    supporting = ("supported", "leaning supported")
    assert not (hyg["rates_peaked"]["verdict"] in supporting and hyg["credit_stress"]["verdict"] in supporting)
    assert hyg["recession_bid"]["score"] < 0  # falling with stocks: contradicted, not "does not apply"
