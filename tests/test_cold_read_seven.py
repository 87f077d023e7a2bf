"""What the seventh cold read refused, checked against the bundled CSVs."""

from __future__ import annotations

from tests.test_cold_read_three import _frame, piece


def _relative_week(ticker: str, benchmark: str, as_of: str, column: str = "Adj Close") -> float:
    a, b = _frame(ticker, as_of)[column], _frame(benchmark, as_of)[column]
    both = a.index.intersection(b.index)
    ratio = a.loc[both] / b.loc[both]
    return ratio.iloc[-1] / ratio.iloc[-6] - 1


def test_the_lead_or_gap_moves_with_the_weeks_relative_return_not_the_50_dma(market, tmp_path):
    """IWM 2022-06-16 lagged SPY by about 2 points more over the week while its Leadership stood above its
    own 50-DMA ("the gap is narrowing" was refused); BTC-USD 2021-04-14 gained about 7 points on SPY in the
    week with Leadership below its 50-DMA ("the lead is narrowing" was refused)."""
    iwm = _relative_week("IWM", "SPY", "2022-06-16")
    assert iwm < -0.015
    s = piece(market, "IWM", "2022-06-16", tmp_path / "iwm")
    assert s["leadership"]["above_fast"] and abs(s["leadership"]["week"] - iwm) < 0.002
    assert "small caps keep lagging large caps, and the gap widened over five sessions." in " ".join(
        s["brief"]["paragraphs"]
    )
    btc = piece(market, "BTC-USD", "2021-04-14", tmp_path / "btc")
    assert not btc["leadership"]["above_fast"] and btc["leadership"]["week"] > 0.05
    assert "BTC-USD is leading and gained ground over five sessions." in " ".join(btc["brief"]["paragraphs"])


def test_a_gap_as_large_as_a_notable_day_is_said_with_where_the_session_closed(market, tmp_path):
    """XRT 2020-11-09 rose an ordinary 1.2% close to close, but opened 5.0% higher and closed 3.6% below its
    open: page one says so."""
    frame = _frame("XRT", "2020-11-09")
    gap = frame["Open"].iloc[-1] / frame["Close"].iloc[-2] - 1
    after = frame["Close"].iloc[-1] / frame["Open"].iloc[-1] - 1
    assert (round(gap, 3), round(after, 3)) == (0.050, -0.036)
    s = piece(market, "XRT", "2020-11-09", tmp_path)
    assert s["session"]["gap_notable"]
    assert (
        f"It opened 5.0% higher, at {frame['Open'].iloc[-1]:.2f}, and closed 3.6% below its open." in s["brief"]["lead"]
    )


def test_a_large_week_is_named_even_when_nothing_the_piece_tracks_changed(market, tmp_path):
    """IYT 2019-01-02 rebounded 6.5% in the five sessions from its December 24 low, more than in 95% of its
    five-session spans, with no phase, line or level changed: the since-list says the move first."""
    close = _frame("IYT", "2019-01-02")["Close"]
    assert round(close.iloc[-1] / close.iloc[-6] - 1, 3) == 0.065
    s = piece(market, "IYT", "2019-01-02", tmp_path)
    assert s["brief"]["since_last"] == [
        "IYT rose 6.5%, more than in 95% of its earlier five-session spans, but nothing the piece tracks has"
        " changed: the same phase, Real Motion and Leadership on the same side of their lines, and no level"
        " cleared or support lost."
    ]


def test_the_call_names_the_benchmark_a_ticker_leads_or_lags_and_who_is_stretched(market, tmp_path):
    """IWM 2022-06-16: Leadership below zero but above its own 50-DMA; "momentum and leadership both still
    below their lines" read as the 50-DMA. ^RUT 2021-03-15: its price, not momentum, was far above its
    200-DMA (inside its band)."""
    s = piece(market, "IWM", "2022-06-16", tmp_path / "iwm")
    assert s["leadership"]["value"] < 0 < s["leadership"]["value"] - s["leadership"]["fast"]
    assert "with momentum down and lagging SPY, momentum at an oversold extreme" in s["brief"]["call_reason"]
    rut = piece(market, "^RUT", "2021-03-15", tmp_path / "rut")
    assert rut["real_motion"]["stretch"]["by"] != "band"
    assert rut["brief"]["call_reason"].endswith("with momentum up and leading SPY, stretched far above its 200-DMA.")


def test_a_52_week_extreme_in_the_box_says_how_far_back_it_is_the_extreme(market, tmp_path):
    """^IRX 2023-03-10: its 52-week high, 4.88% on March 8, was the highest close since April 2007; the box
    said only "52-week high"."""
    close = _frame("^IRX", "2023-03-10")["Close"]
    year = close.iloc[-252:]
    assert year.idxmax().date().isoformat() == "2023-03-08" and round(year.max(), 2) == 4.88
    assert close[close > year.max()].index[-1].strftime("%Y-%m") == "2007-04"
    s = piece(market, "^IRX", "2023-03-10", tmp_path)
    assert s["brief"]["levels"]["resistance"][0]["what"] == "highest close since Apr 2007, Mar 8"


def test_what_vix_needs_names_the_level_overhead_page_one_names(market, tmp_path):
    """^VIX 2024-08-05 closed at a 52-week high, 38.57: page one's box names 40.28, the last higher close
    (October 28, 2020); page two said "no level of the last year overhead; the highest close in the data
    is 82.69" and never named it. Both now name the same close."""
    from analysis.text.needs_words import needs_sentence

    frame = _frame("^VIX", "2024-08-05")["Close"]
    higher = frame.iloc[:-1][frame.iloc[:-1] > frame.iloc[-1]]
    assert (round(frame.iloc[-1], 2), round(higher.iloc[-1], 2), str(higher.index[-1].date())) == (
        38.57,
        40.28,
        "2020-10-28",
    )
    s = piece(market, "^VIX", "2024-08-05", tmp_path)
    said = needs_sentence(s)
    assert "above it: 40.28 (last higher close, Oct 2020), 1.71 points or 4.4% away" in said
    assert said.endswith(f"the highest close in the data is {frame.max():.2f}, set on March 16, 2020.")
