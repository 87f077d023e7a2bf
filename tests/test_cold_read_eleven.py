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


def _scaled_reach(ticker: str, as_of: str) -> tuple[float, float, float]:
    """(history's reach, today's volatility's, the largest move) of a price's daily moves, from the CSV: the
    99th percentile of |move|, and of |move| over the standard deviation of the 20 moves before it, times that
    of the last 20."""
    import numpy as np

    moves = _frame(ticker, as_of)["Close"].pct_change().dropna()
    sd = moves.rolling(20).std()
    z = (moves / sd.shift(1)).dropna()
    return (
        float(np.quantile(moves.abs(), 0.99)),
        float(np.quantile(z.abs(), 0.99) * sd.iloc[-1]),
        float(moves.abs().max()),
    )


def test_a_crash_reads_the_reach_at_todays_volatility(market, tmp_path):
    """SPY 2008-09-29 fell 7.8%, its largest fall in the data: "no close within a session's reach (3.5%) changes
    the call" was refused (5% days were routine that autumn). History's reach is 3.5%; scaled to the last 20
    sessions' volatility it is 9.1%, beyond SPY's largest fall in the data, so the reach down is that fall, 7.8%."""
    history, today, largest = _scaled_reach("SPY", "2008-09-29")
    assert round(history, 3) == 0.035 and round(today, 3) == 0.091 and round(largest, 3) == 0.078
    s = _summary(market, "SPY", "RSP", "2008-09-29", tmp_path)
    assert abs(s["session"]["volatile_reach"]["down"] - largest) < 1e-9  # the fall was today's
    assert abs(s["session"]["reach"] - history) < 1e-3
    down = s["brief"]["change_sentences"][1]
    assert "no close within a session's reach at today's volatility (7.8%) changes the call on the way down" in down
    # the rise that would make the call cautious (10.2%) is beyond any rise SPY ever made (6.0%): still beyond reach
    assert not next(e for e in s["brief"]["would_change"] if e["direction"] == "up")["reachable"]


def test_a_calm_tape_keeps_historys_reach(market, tmp_path):
    """IWM 2024-07-08 (the model piece): today's volatility says 2.4%, history 5.0%. A calm tape never shrinks
    the reach: IWM rose 3.6% three sessions later, on July 11."""
    history, today, _ = _scaled_reach("IWM", "2024-07-08")
    assert round(today, 3) == 0.024 and round(history, 3) == 0.05
    s = _summary(market, "IWM", "SPY", "2024-07-08", tmp_path)
    assert s["session"]["volatile_reach"] == {"up": None, "down": None} and abs(s["session"]["reach"] - history) < 1e-3
    close = _frame("IWM", "2024-07-11")["Close"]
    assert round(close.pct_change().iloc[-1], 3) == 0.036


def test_a_trigger_rare_in_history_but_within_todays_swings_is_quoted(market, tmp_path):
    """TLT 2022-09-28 (the gilt crisis): a close 3.6% higher turns the call cautious. That is larger than on 99.7%
    of TLT's sessions, but its last 20 sessions put 4.6% within reach: quoted as next session's trigger, saying
    both, not "several sessions away"."""
    history, today, _ = _scaled_reach("TLT", "2022-09-28")
    assert history < 0.036 < today
    s = _summary(market, "TLT", "SPY", "2022-09-28", tmp_path)
    up = s["brief"]["change_sentences"][0]
    assert up.startswith(
        "A close above 108.07 next session (3.6% up, larger than on 99.7% of its sessions but within reach at"
        " today's volatility) puts Real Motion over its own 50-DMA, and the call turns cautious."
    ), up


def test_a_lag_taken_today_is_no_widening_gap(market, tmp_path):
    """NVDA 2013-05-22: "Leadership crossed below zero today ...: NVDA now lags, and the gap widened over five
    sessions": there was no gap to widen; NVDA led five sessions before and lost 1.4% on SPY since."""
    s = _summary(market, "NVDA", "SPY", "2013-05-22", tmp_path)
    assert round(s["leadership"]["week"], 3) == -0.014
    line = next(p for p in s["brief"]["paragraphs"] if p.startswith("Against SPY"))
    assert line.endswith(
        "crossed below zero today and is above its own 50-DMA: NVDA now lags, after losing ground over five sessions."
    ), line


def test_no_level_to_clear_beyond_the_close_that_changes_the_call(market, tmp_path):
    """SPY 2008-09-29: "The price then needs to clear 126.99 (a former swing low, August 19). The call turns
    cautious only with Real Motion over its own 50-DMA (a close above 122.75 ...)": the call changes below the
    level it says the price needs to clear."""
    s = _summary(market, "SPY", "RSP", "2008-09-29", tmp_path)
    up = s["brief"]["change_sentences"][0]
    assert "needs to clear" not in up, up
    assert "The call turns cautious only with Real Motion over its own 50-DMA (a close above 122.75 next session" in up


def test_a_trigger_that_quotes_as_the_close_gets_the_decimals_that_part_them(market, tmp_path):
    """XLP 2013-05-22 (dividend-adjusted close 29.1904): "A close below 29.19 next session (less than 0.1% down)"
    read as a close below the close itself."""
    s = _summary(market, "XLP", "SPY", "2013-05-22", tmp_path)
    down = s["brief"]["change_sentences"][1]
    lead = next(e for e in s["what_would_change"] if e["event"] == "leadership_vs_zero")
    assert round(s["close"], 4) == 29.1904 and round(lead["price"], 4) == 29.1865
    assert down.startswith("A close below 29.1865 next session (less than 0.1% down"), down


def test_a_quiet_tape_reads_the_reach_of_the_past_year(market, tmp_path):
    """^IRX 2013-05-22 at 0.035%: "no close within a session's reach (19 bp) changes the call on the way down" (19 bp
    is history's 99th percentile, five times the level) and "a close above 0.049% (1 bp up, a knife-edge: most
    sessions move more)": no session of the past year moved it more than 6 bp, and 89% of them moved less than 1.4 bp."""
    close = _frame("^IRX", "2013-05-22")["Close"]
    moves = (100 * close.diff()).dropna()
    assert round(moves.abs().quantile(0.99)) == 19 and round(moves.iloc[-250:].abs().max()) == 6
    s = _summary(market, "^IRX", "SPY", "2013-05-22", tmp_path)
    assert round(s["session"]["quiet_reach"]) == 6
    up, down = s["brief"]["change_sentences"]
    assert up.startswith("A close above 0.049% next session (1 bp up) puts Real Motion over its own 50-DMA"), up
    assert "no close within a session's reach in the past year (6 bp) changes the call on the way down" in down, down
    lead = next(e for e in s["what_would_change"] if e["direction"] == "up" and e["event"] == "real_motion_vs_fast")
    assert lead["of"] == "year" and 0.5 < lead["move_percentile"] < 0.9


def test_a_reversal_from_an_intraday_record_is_said(market, tmp_path):
    """SPY 2013-05-22 (the taper testimony) traded at 169.07, above its intraday record of 167.80 (May 21), and
    closed 0.7% lower, at 165.93: page one said only "SPY fell 0.7% on May 22, 2013, an ordinary move for it"."""
    frame = _frame("SPY", "2013-05-22")
    assert frame["High"].iloc[-1] == frame["High"].max() and round(frame["High"].iloc[:-1].max(), 2) == 167.80
    s = _summary(market, "SPY", "RSP", "2013-05-22", tmp_path)
    assert s["session"]["record_turn"]["way"] == "down"
    assert s["brief"]["lead"].startswith(
        "SPY fell 0.7% on May 22, 2013, an ordinary move for it. It traded at 169.07, above its intraday record of"
        " 167.80 (May 21), before closing lower: a reversal from a record."
    ), s["brief"]["lead"]


def test_a_record_high_that_closes_a_hair_lower_is_no_reversal(market, tmp_path):
    """SPY 2025-10-03 traded above its intraday record and closed 0.0015% lower: no reversal to speak of (the close
    must move against the record by at least the median session's move)."""
    frame = _frame("SPY", "2025-10-03")
    assert frame["High"].iloc[-1] > frame["High"].iloc[:-1].max() and -0.0001 < frame["Close"].pct_change().iloc[-1] < 0
    s = _summary(market, "SPY", "RSP", "2025-10-03", tmp_path)
    assert s["session"]["record_turn"] is None and "a reversal from a record" not in s["brief"]["lead"]


def test_a_gauges_tiny_move_is_less_than_a_tenth_of_a_percent(market, tmp_path):
    """^VIX 2009-03-09 closed at 49.68: "A close below 49.66 next session (0.02 points or 0.0% down ...)"."""
    s = _summary(market, "^VIX", "SPY", "2009-03-09", tmp_path)
    text = " ".join(s["brief"]["change_sentences"])
    assert "or 0.0%" not in text and "0.02 points or less than 0.1% down" in text, text


def test_a_bond_funds_notable_day_against_its_phase_leads_its_drawdown(market, tmp_path):
    """LQD 2020-03-23 (the Fed would buy corporate bonds) rose 7.4%, its largest rise since September 30, 2008, in a
    distribution phase: the headline read "LQD is in one of its deepest drawdowns: are yields still rising?"."""
    close = _frame("LQD", "2020-03-23")["Close"]
    assert round(close.pct_change().iloc[-1], 3) == 0.074
    s = _summary(market, "LQD", "SPY", "2020-03-23", tmp_path)
    assert s["headline"] == "LQD jumps 7.4%, its largest one-day rise since September 2008: a turn, or a bounce?"


def test_a_healthy_economy_and_a_rotation_to_defensives_are_not_both_supported(market, tmp_path):
    """XLY 2008-09-29, the day the House rejected TARP: "the evidence leans to talking points 1 (XLY says the economy
    is healthy, +0.20) and 3 (Money rotates from cyclicals to defensives, +1.00)": near-opposites, both supported."""
    s = _summary(market, "XLY", "SPY", "2008-09-29", tmp_path)
    verdicts = {sc["id"]: sc["verdict"] for sc in s["scenarios"]}
    assert verdicts["rotation"] == "supported" and verdicts["economy_strong"] == "outweighed", verdicts
    assert "is outweighed by its opposite, 3 (Money rotates from cyclicals to defensives" in s["brief"]["scenario_line"]


def test_heavy_volume_on_a_quiet_day_does_not_open_an_oversold_headline(market, tmp_path):
    """2014-10-15: "Heavy buying in IYT, and it is deeply oversold" on a 0.3% rise its own page calls a quiet
    session; "Heavy selling in QQQ" on an ordinary 0.6% fall. The tenth cold read's rule (a day larger than 80% of
    sessions) held for the volume headline, not for its opening beside an extreme."""
    for ticker in ("IYT", "QQQ"):
        s = _summary(market, ticker, "SPY", "2014-10-15", tmp_path / ticker)
        assert s["session"]["day"]["percentile"] < 0.8
        assert not s["headline"].startswith("Heavy"), s["headline"]


def test_a_distribution_phase_days_old_does_not_slip_below_today(market, tmp_path):
    """XRT 2014-10-15: "XRT slips below its 200-DMA: can the uptrend hold?" It closed below its 200-DMA on October
    9, four sessions before, and rose that day."""
    close = _frame("XRT", "2014-10-15")["Close"]
    below = close < close.rolling(200).mean()
    assert below.iloc[-5:].all() and not below.iloc[-6] and close.pct_change().iloc[-1] > 0
    s = _summary(market, "XRT", "SPY", "2014-10-15", tmp_path)
    assert s["phase"] == "distribution" and "slips below" not in s["headline"], s["headline"]
    assert s["headline"] == "XRT is below its 200-DMA, lagging SPY: is the uptrend over?", s["headline"]


def test_momentum_up_is_not_also_at_an_oversold_extreme(market, tmp_path):
    """TLT 2022-11-10: "with momentum up, momentum at an oversold extreme": Real Motion was above its 50-DMA; what
    was extreme was TLT's distance below its 200-DMA."""
    s = _summary(market, "TLT", "SPY", "2022-11-10", tmp_path)
    st = s["real_motion"]["stretch"]
    assert s["real_motion"]["above_fast"] and st["side"] == "down" and st["by"] != "band"
    assert s["brief"]["call_sentence"].endswith("with momentum up; TLT is oversold, far below its 200-DMA."), s[
        "brief"
    ]["call_sentence"]


def test_todays_volatility_reaches_no_further_than_the_recent_swings_allow(market, tmp_path):
    """NVDA 2020-03-23: "a close above 6.70 (26.6% up, larger than on 99.9% of its sessions but within reach at
    today's volatility)": its largest move of the last 20 sessions was 18.5%. The reach at today's volatility is
    no more than a quarter beyond it (23.1%)."""
    moves = _frame("NVDA", "2020-03-23")["Close"].pct_change()
    recent = moves.iloc[-20:].abs().max()
    assert round(recent, 3) == 0.185
    s = _summary(market, "NVDA", "SPY", "2020-03-23", tmp_path)
    assert s["session"]["volatile_reach"]["up"] <= 1.25 * recent + 1e-9
    assert "26.6% up, larger than on 99.9% of its sessions but within reach" not in s["brief"]["change_sentences"][0]
