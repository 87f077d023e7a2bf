"""What the eighth cold read refused (the 23 bundled series on 2025-04-08, the tariff sell-off's lowest
close), checked against the bundled CSVs."""

from __future__ import annotations

import numpy as np

from tests.test_cold_read_three import _frame, _page_one


def _summary(market, ticker: str, benchmark: str, as_of: str, tmp_path) -> dict:
    from analysis import summary
    from analysis.params import Request

    return summary.build(Request.parse(ticker, benchmark, as_of, "snapshot"), market, reports_dir=tmp_path).data


def test_a_trigger_rare_only_against_the_benchmark_says_so(market, tmp_path):
    """SPY against RSP on 2025-04-08: "A close above 500.58 next session (0.8% up, larger than on 97% of its
    sessions)": an ordinary day for SPY, but a lead over RSP of 0.8% in one session is rare."""
    spy, rsp = _frame("SPY", "2025-04-08")["Adj Close"], _frame("RSP", "2025-04-08")["Adj Close"]
    own = np.abs(spy.pct_change().dropna().to_numpy())
    relative = np.abs((spy.pct_change() - rsp.reindex(spy.index).pct_change()).dropna().to_numpy())
    assert (own < 0.0082).mean() < 0.8 and (relative < 0.0082).mean() > 0.96
    s = _summary(market, "SPY", "RSP", "2025-04-08", tmp_path)
    lead = next(e for e in s["what_would_change"] if e["event"] == "leadership_vs_zero")
    assert lead["rarity"] == "relative" and lead["move_percentile"] == lead["relative_percentile"]
    text = _page_one(s)
    assert "(0.8% up, a lead over RSP wider than on 97% of sessions) puts Leadership above zero" in text, text
    assert "0.8% up, larger than on" not in text


def test_a_yield_back_above_its_200_dma_after_a_two_session_jump_is_not_easing(market, tmp_path):
    """^TNX on 2025-04-08: 4.26%, up 11 bp that day and 28 bp from 3.99% two sessions before, back above its
    200-DMA, still below its 50-DMA. The piece read "Yields are easing" in its headline and call, and gave
    the day one line in italics under the talking points."""
    close = _frame("^TNX", "2025-04-08")["Close"]
    assert round(100 * (close.iloc[-1] - close.iloc[-3])) == 28 and round(100 * (close.iloc[-1] - close.iloc[-2])) == 11
    two = (100 * close.loc["2001":].diff(2)).dropna()
    assert (two.abs().iloc[:-1] < two.iloc[-1]).mean() > 0.99  # rarer than 99% of two-session moves
    assert two.iloc[:-1][two.iloc[:-1] >= two.iloc[-1]].index[-1].date().isoformat() == "2024-02-05"
    sma200 = close.rolling(200).mean()
    assert close.iloc[-2] < sma200.iloc[-2] and close.iloc[-1] > sma200.iloc[-1] < close.rolling(50).mean().iloc[-1]
    s = _summary(market, "^TNX", "SPY", "2025-04-08", tmp_path)
    assert (s["phase_previous"], s["phase"], s["phase_turn"]) == ("distribution", "warning", "up")
    assert s["session"]["span"]["sessions"] == 2 and s["session"]["notable_span"]
    assert s["headline"] == "Yields are turning up: ^TNX at 4.26%, back above its 200-DMA"
    assert s["brief"]["call_sentence"].endswith("and momentum is down, though yields are turning up.")
    assert s["brief"]["lead"].startswith(
        "^TNX rose 11 bp on April 8, 2025, a larger move than on 93% of its sessions. Over two sessions it is up"
        " 28 bp, its largest two-session rise since February 5, 2024."
    )
    assert not s["brief"]["session_line"] and "easing" not in _page_one(s)


def test_a_phase_entered_by_the_averages_crossing_is_no_turn(market, tmp_path):
    """A turn is the close crossing an average (a tier of the six phases); the averages crossing each other
    under the close leaves it where it was, and a phase held longer than three sessions is no fresh turn."""
    import pandas as pd

    from analysis.model.facts import TIER, TURN_SESSIONS, _phase

    days = pd.bdate_range("2024-01-01", periods=8)
    crossed = pd.Series(["bearish"] * 4 + ["distribution"] * 4, index=days)  # the 50-DMA over the 200-DMA
    assert TIER["bearish"] == TIER["distribution"] and _phase(crossed)["phase_turn"] is None
    fresh = pd.Series(["distribution"] * 5 + ["warning"] * TURN_SESSIONS, index=days)
    assert _phase(fresh)["phase_turn"] == "up"
    held = pd.Series(["accumulation"] * 4 + ["recovery"] * 4, index=days)
    assert _phase(held)["phase_turn"] is None
    held_less = pd.Series(["accumulation"] * 5 + ["recovery"] * 3, index=days)
    assert _phase(held_less)["phase_turn"] == "down"


def test_a_close_on_a_lost_support_is_not_back_above_it(market, tmp_path):
    """^IRX on 2025-04-08 closed at 4.178%, the very close of its support of December 27, 2024, which it had
    lost on April 4: "it is back above it at 4.18%" was false."""
    close = _frame("^IRX", "2025-04-08")["Close"]
    assert close.loc["2024-12-27"] == close.iloc[-1] == 4.178 and close.loc["2025-04-04"] < 4.178
    s = _summary(market, "^IRX", "SPY", "2025-04-08", tmp_path)
    lost = next(c for c in s["since_last"]["changes"] if c["kind"] == "support_lost")
    assert lost["back"] and lost["back_at"] and lost["price"] == s["close"]
    assert s["brief"]["since_last"][1].endswith("on April 4, at 4.16%; it closed back at that level, 4.18%.")
    assert "back above it" not in " ".join(s["brief"]["since_last"])


def test_a_gauge_after_its_largest_fall_is_not_rising(market, tmp_path):
    """^VIX on 2025-04-09 fell from 52.33 to 33.62, 35.8%, its largest one-day fall in percent since 1990,
    still above its 50-DMA: the piece was headlined "Fear is rising" and its call ended "fear is rising"."""
    close = _frame("^VIX", "2025-04-09")["Close"]
    fall = close.pct_change()
    assert round(fall.iloc[-1], 3) == -0.358 and fall.iloc[:-1].min() > fall.iloc[-1]
    assert close.iloc[-1] > close.rolling(50).mean().iloc[-1]
    s = _summary(market, "^VIX", "SPY", "2025-04-09", tmp_path)
    assert s["headline"] == "Fear is pulling back: ^VIX at 33.62, still above its 50-DMA"
    assert s["brief"]["call_sentence"].endswith(", though fear is pulling back.")
    assert "fear is rising" not in _page_one(s).lower()


def test_a_yields_fall_after_a_constructive_call_reads_better_for_bond_holders(market, tmp_path):
    """^IRX on 2024-12-18: after constructive calls for bond holders the yield's median 20-session change was
    −0.4 bp against +0.2 bp after any session, a fall, so better for them; the piece read "+0 bp, against
    +0 bp after any session: worse than after any session, as the call warns" (the verdict in raw basis
    points, and both medians rounded to zero)."""
    s = _summary(market, "^IRX", "SPY", "2024-12-18", tmp_path)
    tr = s["track_record"]
    block, base = tr["states"]["constructive"]["horizons"]["20"], tr["baseline"]["20"]
    assert tr["holder_gains"] == "falls" and block["median"] < 0 < base["median"] and block["edge_high"] < 0
    assert (block["verdict"], block["as_called"], block["holder"]) == ("negative edge", True, "better")
    assert s["brief"]["track_line"] == (
        "Since 1991, constructive calls for bond holders like today's were followed by a median 20-session change"
        " in the yield of −0.4 bp, against +0.2 bp after any session: better than after any session, as the call"
        " says (n 190)."
    )


def test_the_familys_moves_of_different_phases_are_one_sentence(market, tmp_path):
    """^IRX on 2023-10-19, five sessions after October 12: IWM went from a distribution to a bearish phase and
    SMH from a bullish to a warning phase; page one said "In the Economic Modern Family" twice."""
    s = _summary(market, "^IRX", "SPY", "2023-10-19", tmp_path)
    moves = [(c["tickers"], c["from"], c["to"]) for c in s["since_last"]["changes"] if c["kind"] == "family"]
    assert sorted(moves) == [(["IWM"], "distribution", "bearish"), (["SMH"], "bullish", "warning")]
    family = [line for line in s["brief"]["since_last"] if "Economic Modern Family" in line]
    assert family == [
        "In the Economic Modern Family, IWM (Granddad) moved from a distribution to a bearish phase, and SMH"
        " (Sister Semiconductors) from a bullish to a warning phase."
    ]
