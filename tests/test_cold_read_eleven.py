"""What the eleventh cold read refused (the 23 bundled series on 2008-09-29, the day the House rejected
TARP, 2013-05-22, the taper testimony, 2022-09-28 and 2009-03-09), checked against the bundled CSVs."""

from __future__ import annotations

from tests.test_cold_read_eight import _summary
from tests.test_cold_read_three import _frame


def test_no_change_at_a_high_says_which_way_when_the_other_way_changes_the_call(market, tmp_path):
    """^TNX 2013-05-22 closed at 2.026%, its highest since March 14 (2.033%): "Above, ^TNX is at its highest
    close since March 14, 2013 ...; no close within a session's reach (19 bp) changes the call." beside "A
    close below 1.85% next session (18 bp down ...) ... the call turns cautious": a close that does."""
    close = _frame("^TNX", "2013-05-22")["Close"]
    assert close.iloc[-1] == 2.026 and close.loc["2013-03-15":].iloc[:-1].max() < 2.026 < close.loc["2013-03-14"]
    s = _summary(market, "^TNX", "SPY", "2013-05-22", tmp_path)
    up, down = s["brief"]["change_sentences"]
    assert up.startswith("Above, ^TNX is at its highest close since March 14, 2013"), up
    assert up.endswith("changes the call on the way up."), up
    assert "the call turns cautious" in down, down


def test_a_reversal_against_its_side_is_no_rise(market, tmp_path):
    """^VIX 2022-09-28 rose as far as 34.88 (7.0%) and closed 7.4% lower, at 30.18: a reversal, down, while
    above its 50-DMA. The piece headlined "Fear is rising: ^VIX at 30.18" and called it "fear is rising"."""
    day = _frame("^VIX", "2022-09-28").iloc[-2:]
    previous, last = day["Close"].iloc[0], day.iloc[-1]
    assert (
        round(100 * (last["High"] / previous - 1), 1) == 7.0 and round(100 * (last["Close"] / previous - 1), 1) == -7.4
    )
    s = _summary(market, "^VIX", "SPY", "2022-09-28", tmp_path)
    assert s["session"]["reversal"]["way"] == "down" and s["close"] > s["sma50"]
    assert s["headline"].startswith("Fear is pulling back: ^VIX at 30.18"), s["headline"]
    assert "rising" not in s["headline"] + s["brief"]["call_sentence"], s["brief"]["call_sentence"]


def test_a_lead_taken_today_did_not_narrow(market, tmp_path):
    """IWM 2022-09-28: "Against SPY, Leadership crossed above zero today ...: small caps are leading large caps,
    though the lead narrowed over five sessions": there was no lead yesterday to narrow (IWM/SPY fell 1.3% over
    five sessions, a lead lost and regained)."""
    iwm, spy = _frame("IWM", "2022-09-28")["Close"], _frame("SPY", "2022-09-28")["Close"]
    ratio = iwm / spy.reindex(iwm.index)
    assert round(100 * (ratio.iloc[-1] / ratio.iloc[-6] - 1), 1) == -1.3
    s = _summary(market, "IWM", "SPY", "2022-09-28", tmp_path)
    line = next(p for p in s["brief"]["paragraphs"] if p.startswith("Against SPY"))
    assert "crossed above zero today" in line and "narrowed" not in line, line
