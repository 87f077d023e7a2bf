"""The brief (page one): the call, what would change it in prices, and its words, from real data.

The call is a rule on the as-of session's phase, the close against both averages, Real Motion
against its 50-DMA and the sign of Leadership (:func:`analysis.model.call.grade`). Its
triggers replay the solved next-session closes; here each is checked the honest way: append
that close plus and minus one cent to the real series as a new session, recompute every
indicator with the project's own code, and read the call on both sides.
"""

from __future__ import annotations

import pytest

from analysis.model import call as calls
from analysis.model.facts import facts
from analysis.model.profile import assign
from analysis.model.study import build
from analysis.text import brief, call_words
from analysis.view.piece import Piece
from tests.conftest import AS_OF
from tests.golden_cases import piece as golden_piece
from tests.test_solve import CENT, next_session

CASES = [
    ("IWM", "SPY", "2024-07-08"),
    ("QQQ", "SPY", "2022-10-14"),
    ("TLT", "SPY", "2022-10-21"),
    ("^VIX", "SPY", "2020-03-16"),
    ("NVDA", "SPY", "2024-06-18"),
    ("BTC-USD", "SPY", "2022-06-18"),
]


@pytest.fixture(scope="module")
def cases(market):
    out = {}
    for ticker, bench, as_of in CASES:
        study = build(market, ticker, bench, as_of)
        out[ticker] = (study, facts(study, assign(ticker, bench)))
    return out


def _call_after(s: dict, study, close: float) -> str:
    """The call read from a recomputed session closing at ``close`` (benchmark unchanged)."""
    row = next_session(study.prices, study.bench, close)
    shown = s["profile"]["leadership"] == "shown"
    state = calls.CallState(
        phase=row["phase"],
        above_fast=bool(row["close"] > row["sma_fast"]),
        above_slow=bool(row["close"] > row["sma_slow"]),
        momentum=bool(row["rm"] > row["rm_fast"]),
        leading=bool(row["lead"] > 0) if shown else None,
    )
    return calls.call_of(s, state)


@pytest.mark.parametrize("ticker", [c[0] for c in CASES])
def test_each_call_trigger_flips_the_call_exactly_there(cases, ticker):
    study, s = cases[ticker]
    now = calls.call_of(s)
    triggers = calls.triggers(s)
    assert any(triggers.values()), "every case has at least one close that changes the call"
    for side, tr in triggers.items():
        if tr is None:
            continue
        sign = 1 if side == "up" else -1
        beyond = _call_after(s, study, tr.price + sign * CENT)
        short = _call_after(s, study, tr.price - sign * CENT)
        assert beyond == tr.call != now, (side, tr)
        assert short == now, (side, tr)


def test_iwm_call_and_its_prices(cases):
    _, s = cases["IWM"]
    assert calls.call_of(s) == "cautious"
    t = calls.read(s)
    assert (round(t.up.price, 2), t.up.call) == (204.99, "constructive")
    assert (round(t.down.price, 2), t.down.call) == (193.12, "defensive")


def test_a_gauge_reads_inverted(cases):
    """A record VIX is bad news for stocks: the trend is 'constructive' for the gauge, defensive for the reader."""
    _, s = cases["^VIX"]
    assert calls.grade(calls.state(s)) == "constructive" and calls.call_of(s) == "defensive"
    assert call_words.call_sentence(s).startswith(
        "Defensive for stocks: ^VIX (the S&P 500's volatility index) is 58.52 points above its 50-DMA"
    )
    assert "bullish" not in call_words.call_sentence(s)


@pytest.fixture(scope="module")
def iwm_piece_model(market):
    return Piece.build("IWM", "SPY", AS_OF, "snapshot", market=market)


def test_iwm_brief_reads_like_the_model_commentary(iwm_piece_model):
    b = iwm_piece_model.summary["brief"]
    text = " ".join([b["call_sentence"], *b["change_sentences"], *b["paragraphs"], b["scenario_line"]])
    assert b["call_sentence"].startswith(
        "Cautious: IWM (the Russell 2000 ETF) has been in a warning phase since July 1"
    )
    assert "(two such closes in a row confirm the turn)" in text
    assert "The price then needs to clear 205.06" in text
    # page one says momentum and leadership in words; their values (+4.78, -8.04) stay in the evidence
    assert "Real Motion has not been above its own 50-DMA since June 5" in text and "+4.78" not in text
    assert "Leadership has not been above zero since the turn of the year" in text and "8.04" not in text
    assert b["scenario_line"].startswith("Of the four talking points, the evidence leans to talking points 1 (IWM")
    assert "against 4 (IWM reflects poor economic growth, −0.31)" in b["scenario_line"]
    assert [r["text"] for r in b["levels"]["resistance"]] == ["202.76", "205.06"]
    assert [r["what"] for r in b["levels"]["support"]] == ["swing low, Mar 18", "22-session low, Jun 14"]


def test_words_on_page_one_are_within_the_brief(iwm_piece_model):
    """The brief's own text (the PDF test counts the printed page): short enough for one page with its chart."""
    b = iwm_piece_model.summary["brief"]
    words = sum(
        len(x.split()) for x in [b["call_sentence"], *b["change_sentences"], *b["paragraphs"], b["scenario_line"]]
    )
    assert 150 <= words <= 380, words


def test_the_markdown_brief_is_the_same_brief(iwm_piece_model):
    s = iwm_piece_model.summary
    md = brief.markdown(s, "IWM.png")
    assert md.startswith(f"# {s['headline']}\n") and f"**{s['brief']['call_sentence']}**" in md
    assert all(p in md for p in s["brief"]["paragraphs"]) and "](IWM.png)" in md
    assert "](" not in brief.markdown(s, None)


def test_appendices_are_linked_only_when_written(iwm_piece_model):
    assert str(iwm_piece_model.appendices()) == ""
    linked = Piece(iwm_piece_model.model, with_appendices=True).appendices().markup
    assert 'href="research/IWM_phase.html"' in linked and "make " not in linked and "(research/" not in linked


def test_a_gauge_brief_says_what_the_level_means_elsewhere(market):
    """^VIX has no Leadership paragraph: page one cites the weightiest readings behind its talking points."""

    s = golden_piece(market, "^VIX", "2020-03-16", None)
    # relative trends said in words on page one; their values (-8.21, -22.62) stay in the evidence
    assert s["brief"]["paragraphs"][-1] == (
        "Behind the talking points, HYG is lagging LQD (credit) and KRE is lagging SPY (regional banks)."
    )
    # the lead states the close, so the price paragraph does not state it again
    assert s["brief"]["paragraphs"][0].startswith("^VIX is 58.52 points above its 50-DMA (24.17)")
    # the day leads (a record one-day rise), then the record close
    assert s["brief"]["lead"].startswith("^VIX rose 24.86 points (43.0%) on March 16, 2020")
    # the five sessions to March 12 rose more (35.85 points): not "the largest in the data"
    assert "up 28.23 points (51.8%), a rise larger in percent than on" in s["brief"]["lead"]
    assert "after a larger one on March 12, 2020" in s["brief"]["lead"]
    assert s["brief"]["lead"].endswith("^VIX closed at 82.69, its highest close in the data since 1990.")


@pytest.mark.parametrize(
    ("ticker", "as_of"),
    [*[(t, d) for t, _, d in CASES], ("TLT", "2022-10-21"), ("KRE", "2023-03-13"), ("^GSPC", "2022-10-12")],
)
def test_every_quoted_next_session_close_is_one_a_session_has_reached(market, tmp_path, ticker, as_of):
    """Recomputed from the CSV: each close quoted as a next-session trigger needs a move no larger than
    99% of the ticker's own one-session moves; anything further is said to be several sessions away."""
    import re

    import numpy as np
    import pandas as pd

    from analysis.model.session import REACHABLE
    from analysis.paths import SNAPSHOT_DIR

    s = golden_piece(market, ticker, as_of, tmp_path)
    close = pd.read_csv(SNAPSHOT_DIR / f"{ticker.replace('^', '_')}.csv.gz", index_col=0, parse_dates=True)
    close = close.loc[:as_of, "Close"].dropna()
    level = s["profile"]["returns"] in ("points", "basis_points")
    scale = 100.0 if s["profile"]["returns"] == "basis_points" else 1.0
    sizes = np.sort(np.abs((scale * close.diff() if level else close.pct_change()).dropna().to_numpy()))
    last = float(close.iloc[-1])
    for sentence in s["brief"]["change_sentences"]:
        for price in re.findall(r"[Aa] close (?:above|below) ([\d,.]+)%? (?:next session )?\(", sentence):
            p = float(price.replace(",", ""))
            size = abs(scale * (p - last)) if level else abs(p / last - 1)
            assert np.searchsorted(sizes, size * 0.999) / len(sizes) <= REACHABLE, (price, sentence)
    if (ticker, as_of) == ("TLT", "2022-10-21"):  # 8.8% up for a Treasury fund: refused by a cold read
        up = s["brief"]["change_sentences"][0]
        assert (
            "The call turns cautious only with Real Motion over its own 50-DMA (a close above 101.35 next session, 8.8% above the close)"
            in up
        )
        # beyond the largest one-session rise TLT had made by then (+7.5%, 2020-03-20): said so, from the CSV
        daily = close.pct_change()
        assert daily.idxmax().date().isoformat() == "2020-03-20" and daily.max() < 0.088
        assert "further than TLT has ever risen in one session (7.5%, March 20, 2020)" in up
    for tr in s["brief"]["would_change"]:
        assert 0 <= tr["move_percentile"] <= 1


def test_a_leadership_trigger_is_solved_on_the_basis_leadership_is_read_on(market, tmp_path):
    """SPY against RSP (a fully adjusted file): Leadership is read on both Adj Close series, so its trigger
    must be too. A cold read found 780.83 quoted where 777.93 flips it (the solver mixed SPY's traded close
    with RSP's adjusted one). From the CSVs: a next SPY close a cent above the quoted trigger (its Adj Close
    at today's adjusted/traded ratio, RSP unchanged) puts Leadership above zero; a cent below does not."""
    import re

    import pandas as pd

    from analysis import summary
    from analysis.params import Request
    from analysis.paths import SNAPSHOT_DIR

    s = summary.build(Request.parse("SPY", "", "2026-08-21", "snapshot"), market, reports_dir=tmp_path).data
    assert s["benchmark"] == "RSP" and s["data"]["leadership_basis"] == "adj_close"
    event = next(e for e in s["what_would_change"] if e["event"] == "leadership_vs_zero")
    trigger = event["price"]
    # SPY beating RSP by 1.6% in a day (RSP unchanged) is rarer than 99% of their sessions: not quoted as
    # next session's trigger (the fourth cold read), though solved exactly on the adjusted basis (below)
    assert event["relative_percentile"] > 0.99 and event["move_percentile"] == event["relative_percentile"]
    assert not re.search(r"next session \([\d.]+% up\) puts Leadership above zero", s["brief"]["change_sentences"][0])
    spy, rsp = (
        pd.read_csv(SNAPSHOT_DIR / f"{t}.csv.gz", index_col=0, parse_dates=True).loc[:"2026-08-21"]
        for t in ("SPY", "RSP")
    )
    ratio = spy["Adj Close"].iloc[-1] / spy["Close"].iloc[-1]
    nxt = spy.index[-1] + pd.Timedelta(days=3)

    def lead_after(close: float) -> float:
        a = pd.concat([spy["Adj Close"], pd.Series([close * ratio], index=[nxt])])
        b = pd.concat([rsp["Adj Close"], pd.Series([rsp["Adj Close"].iloc[-1]], index=[nxt])])
        a, b = a.align(b, join="inner")
        rs = a / b
        return float(100 * (rs.iloc[-1] / rs.iloc[-200:].mean() - 1))

    assert lead_after(trigger + 0.01) > 0 > lead_after(trigger - 0.01)
