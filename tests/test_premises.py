"""Talking points whose premise is false do not apply (issue 28, item 5, the second cold read): each
refused scorecard sentence rebuilt at its date from the bundled prices, the facts recomputed from the
CSVs with plain pandas, and the sentence the piece writes now checked against them."""

from __future__ import annotations

import functools
import json
import tempfile

import pandas as pd
import pytest

from analysis import summary
from analysis.evidence.scorecard import SUPPORTING
from analysis.params import Request
from analysis.paths import SNAPSHOT_DIR
from tests.golden_cases import CASES, GOLDEN_DIR


@functools.cache
def _piece(ticker: str, as_of: str) -> dict:
    """The summary of ``ticker`` against SPY at ``as_of`` (a first piece: no earlier one to compare)."""
    with tempfile.TemporaryDirectory() as empty:
        request = Request.parse(ticker, "SPY", as_of, "snapshot")
        return json.loads(summary.to_json(summary.build(request, None, reports_dir=empty).data))


def _close(ticker: str, as_of: str) -> pd.Series:
    frame = pd.read_csv(SNAPSHOT_DIR / f"{ticker.replace('^', '_')}.csv.gz", index_col=0, parse_dates=True)
    return frame.loc[:as_of, "Close"].dropna()


def _below_200(ticker: str, as_of: str) -> bool:
    close = _close(ticker, as_of)
    return bool(close.iloc[-1] < close.iloc[-200:].mean())


def _sharp_fall(ticker: str, as_of: str) -> bool:
    """The last five sessions a fall larger than on 98% of the earlier five-session spans (a plain loop)."""
    close = _close(ticker, as_of)
    weeks = [close.iloc[i] / close.iloc[i - 5] - 1 for i in range(5, len(close))]
    now = weeks[-1]
    return bool(now < 0 and sum(abs(w) < abs(now) for w in weeks[:-1]) / (len(weeks) - 1) >= 0.98)


def _talking_point(s: dict, sid: str) -> dict:
    return next(sc for sc in s["scenarios"] if sc["id"] == sid)


def _page_one(s: dict) -> str:
    return " ".join([*s["brief"]["paragraphs"], s["brief"]["scenario_line"]])


def test_tech_does_not_keep_rising_in_a_crash():
    """IWM 2020-03-18: 'Tech and growth keep rising' was supported (+0.67) with QQQ and SMH in a
    distribution phase, 25% and 34% below their highs. Now it does not apply, and the piece says why."""
    assert _below_200("QQQ", "2020-03-18") and _below_200("SMH", "2020-03-18")
    s = _piece("IWM", "2020-03-18")
    tech = _talking_point(s, "tech_bifurcation")
    assert tech["verdict"] == "does not apply" and tech["score"] is None and tech["applies"] is False
    line = s["brief"]["scenario_line"]
    assert "2 (Tech and growth keep rising regardless of rates, +" not in line
    assert "does not apply now: QQQ and SMH are below their 200-DMAs, not in an uptrend." in line


def test_tech_keeps_rising_still_applies_when_tech_rises():
    """IWM 2024-07-08, the model commentary: QQQ and SMH above their 200-DMAs, the talking point is weighed."""
    assert not _below_200("QQQ", "2024-07-08") and not _below_200("SMH", "2024-07-08")
    s = json.loads((GOLDEN_DIR / "IWM_2024-07-08.json").read_text())
    assert _talking_point(s, "tech_bifurcation")["verdict"] == "supported"


def test_a_recession_is_not_outweighed_by_tech_rising():
    """'Tech keeps rising' and 'IWM reflects poor economic growth' are not opposites: no 'outweighed by
    its opposite' between them; only true opposites are declared."""
    s = _piece("IWM", "2020-03-18")
    assert "outweighed" not in s["brief"]["scenario_line"]
    assert _talking_point(s, "recession")["verdict"] in SUPPORTING
    from analysis import evidence

    declared = {
        (sc.id, other)
        for name in evidence.SET_FILES
        for sc in evidence.load(name=name).scenarios
        for other in sc.opposes
    }
    assert declared == {
        ("economy_strong", "slowdown"),  # the economy is healthy / a slowdown
        ("economy_strong", "rotation"),  # / money rotates to defensives (the eleventh cold read)
        ("spike_fades", "stress_spreads"),  # fear recedes / the sell-off deepens
        ("peaked", "higher_for_longer"),  # yields have peaked / yields keep rising
    }


@pytest.mark.parametrize(("ticker", "as_of"), [("LQD", "2020-03-20"), ("TLT", "2022-10-21"), ("HYG", "2008-12-12")])
def test_bonds_falling_with_stocks_contradict_the_recession_bid(ticker, as_of):
    """LQD 2020-03-20 (its worst five sessions on record), TLT at its 2022 low and HYG in December 2008,
    each below its 200-DMA while SPY is below its own: 'the recession bid: bonds gain as stocks fall' was
    first supported, then said not to apply; stocks falling is its premise, and a fund falling with
    them is evidence against it (the third cold read): weighed, and leaning or plainly contradicted."""
    assert _below_200("SPY", as_of) and _below_200(ticker, as_of)
    s = _piece(ticker, as_of)
    bid = _talking_point(s, "recession_bid")
    assert bid["verdict"] in ("contradicted", "leaning contradicted") and bid["score"] < 0
    trend = next(e for e in bid["evidence"] if e["name"] == f"{ticker} distance from its 200-DMA")
    assert trend["reading"] == "contradicts"


def test_the_recession_bid_needs_stocks_falling():
    """TLT 2021-06-01, SPY far above its 200-DMA: there is no stock fall for bonds to gain in, so the
    talking point does not apply, and page one says why."""
    assert not _below_200("SPY", "2021-06-01")
    s = _piece("TLT", "2021-06-01")
    bid = _talking_point(s, "recession_bid")
    assert bid["verdict"] == "does not apply" and bid["score"] is None
    assert "SPY is above its 200-DMA, not in a decline" in " ".join(s["narrative"]["scenarios"])


def test_the_recession_bid_holds_when_the_fund_rises():
    """TLT 2020-03-09, a record close after an 11% week while stocks fell: the talking point is weighed
    and supported, and Leadership still reads as money seeking safety."""
    s = _piece("TLT", "2020-03-09")
    assert _talking_point(s, "recession_bid")["verdict"] == "supported"
    assert "money is seeking safety" in _page_one(s)


@pytest.mark.parametrize(("ticker", "as_of"), [("LQD", "2020-03-20"), ("TLT", "2020-03-18")])
def test_a_bond_fund_falling_hard_is_not_money_seeking_safety(ticker, as_of):
    """LQD fell 13.3% in the five sessions to 2020-03-20 and led SPY only because SPY fell further:
    'money is seeking safety' is refused; the piece says the fund is falling less than stocks."""
    fund, spy = _close(ticker, as_of), _close("SPY", as_of)
    assert spy.iloc[-1] / spy.iloc[-6] < fund.iloc[-1] / fund.iloc[-6] < 0.95
    s = _piece(ticker, as_of)
    assert s["leadership"]["haven"] == "falling_less"
    text = _page_one(s) + " ".join(s["narrative"]["leadership"])
    assert "seeking safety" not in text
    assert f"{ticker} is falling less than SPY, not rising as a safe haven" in text


def test_stretched_is_said_only_when_the_momentum_sentence_says_it():
    """BTC-USD 2024-03-13: the momentum sentence says 'inside its band … without being stretched' and the
    scorecard supported 'BTC-USD is stretched and due to cool' (+0.50) on the distance from the 200-DMA.
    One definition: the band; the talking point does not apply inside it."""
    s = _piece("BTC-USD", "2024-03-13")
    assert "without being stretched" in " ".join(s["brief"]["paragraphs"])
    stretched = _talking_point(s, "stretched")
    assert stretched["verdict"] == "does not apply"
    assert (
        "2 (BTC-USD is stretched and due to cool) does not apply now: BTC-USD is not stretched, its Real Motion"
        " inside its band." in s["brief"]["scenario_line"]
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.stem)
def test_a_stretched_talking_point_is_weighed_only_above_the_band(case):
    s = json.loads((GOLDEN_DIR / f"{case.stem}.json").read_text())
    for sc in s["scenarios"]:
        if sc["id"] == "stretched":
            above = s["real_motion"]["band_position"] == "above"
            assert sc["applies"] is above, (sc["verdict"], s["real_motion"]["z"])
            assert ("momentum is stretched" in " ".join(s["brief"]["paragraphs"])) is above


def test_a_rally_day_below_the_200dma_is_not_called_no_rally():
    """QQQ 2025-04-09 rose 12% in a day: 'not in a rally' read false; the reason is the trend."""
    s = _piece("QQQ", "2025-04-09")
    line = s["brief"]["scenario_line"]
    assert "not in a rally" not in line
    assert "do not apply now: QQQ is below its 200-DMA, not in an uptrend." in line
