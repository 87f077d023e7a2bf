"""What the fourth cold read refused (issue 28), checked against the bundled CSVs at its dates."""

from __future__ import annotations

import pytest

from tests.test_cold_read_three import _frame, piece


def test_a_rise_that_fades_gave_back_the_rise(market, tmp_path):
    """TLT 2020-03-09 rose 7.8% intraday and closed 2.7% up: it gave back 65% of the rise (not "won back")."""
    f = _frame("TLT", "2020-03-09")
    prev, last = f["Close"].iloc[-2], f.iloc[-1]
    gave = (last["High"] - last["Close"]) / (last["High"] - prev)
    s = piece(market, "TLT", "2020-03-09", tmp_path)
    assert f"it gave back {gave:.0%} of the intraday rise" in s["brief"]["lead"]


def test_the_bullet_says_what_changes_the_call_when_nothing_within_reach_does(market, tmp_path):
    """SPY 2018-02-05: the closes within reach leave the call cautious; the close that turns it constructive
    (Real Motion over its own 50-DMA, +4.9%) is stated with its distance."""
    s = piece(market, "SPY", "2018-02-05", tmp_path)
    up = s["brief"]["change_sentences"][0]
    assert "the call stays cautious" in up
    assert (
        "The call turns constructive only with Real Motion over its own 50-DMA (a close above 276.84 next session, 4.9% above the close)"
        in up
    )


def test_a_break_too_small_for_the_quote_gets_a_decimal(market, tmp_path):
    """^TNX closed at 1.460% on 2012-07-20, 0.4 bp under its 1.464% record low: not "below 1.46% at 1.46%"."""
    close = _frame("^TNX", "2012-07-24")["Close"]
    assert round(close.loc["2012-07-16"], 3) == 1.464 and round(close.loc["2012-07-20"], 3) == 1.460
    s = piece(market, "^TNX", "2012-07-24", tmp_path)
    said = " ".join(s["brief"]["since_last"])
    assert "at 1.464% (the lowest close in the data, set on July 16, 2012) on July 20, at 1.460%" in said


def test_a_gauges_largest_move_is_stated_as_ranked(market, tmp_path):
    """^VIX's largest one-session fall to 2018-02-05 in percent is May 10, 2010 (-29.6%, 12.11 points); in
    points it is October 20, 2008: the sentence says it ranks in percent and gives the percent alone (the tenth
    cold read read "29.6%, 12.11 points" as the record in points)."""
    rel = _frame("^VIX", "2018-02-05")["Close"].pct_change()
    assert rel.idxmin().date().isoformat() == "2010-05-10"
    s = piece(market, "^VIX", "2018-02-05", tmp_path)
    text = " ".join(s["brief"]["change_sentences"])
    assert f"further in percent than ^VIX has ever fallen in one session ({abs(rel.min()):.1%}, May 10, 2010)" in text
    assert s["session"]["largest_fall"]["size"] == pytest.approx(abs(rel.min()))


def test_a_weekend_is_not_a_benchmark_whose_data_end(market, tmp_path):
    """BTC-USD on Saturday 2022-06-18: Leadership is as of Friday, SPY's last session, but SPY's data do not
    end there; page one says nothing of it (only a benchmark file that ends early is said)."""
    s = piece(market, "BTC-USD", "2022-06-18", tmp_path)
    assert s["leadership"]["date"] == "2022-06-17" and s["leadership"]["benchmark_end"] is None
    assert any(p.startswith("Against SPY, Leadership") for p in s["brief"]["paragraphs"])
