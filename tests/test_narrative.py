"""The words of the piece: the model commentary's sentences from real data, and wording that
fits the numbers over every phase, both signs of leadership and missing history."""

from __future__ import annotations

import copy
import re

import pandas as pd
import pytest

from analysis import fmt
from analysis.indicators import PHASES
from analysis.model.facts import facts as summarize
from analysis.model.study import build
from analysis.text import narrative
from tests.conftest import AS_OF


@pytest.fixture(scope="module")
def iwm(iwm_study):
    return summarize(iwm_study)


def all_text(s: dict) -> str:
    return " ".join(sum(narrative.sections(s).values(), [])) + " " + narrative.headline(s)


def test_the_model_commentary_sentences(iwm):
    text = all_text(iwm)
    assert (
        "IWM sits in a warning phase, a caution signal: below its 50-DMA (202.76) but above its 200-DMA (193.06)."
        in text
    )
    assert "Real Motion has not cleared its 50-DMA (+6.06) since June 5, 2024" in text
    assert "Over 10 years IWM returned +98.6% against SPY's +238.1%" in text
    assert "IWM needs 2 closes above its 50-DMA (202.76), and the price needs to clear 205.06." in text
    assert (
        "The last close above the 50-DMA was on June 28, 2024, the end of a 2-session run that began on June 27, 2024."
    ) in text
    assert "has not been above zero since January 2, 2024" in text
    assert "the last close above it was on December 28, 2023" in text
    assert narrative.headline(iwm) == "Can momentum build in IWM?"


def _phase_dates(market) -> dict[str, str]:
    """For each phase, the last IWM session (before 2024-07-08) in that phase: real states to write about."""
    series = build(market, "IWM", "SPY", AS_OF).series
    return {p: series.index[series["phase"] == p][-1].date().isoformat() for p in PHASES}


@pytest.fixture(scope="module")
def states(market):
    return {p: summarize(build(market, "IWM", "SPY", d)) for p, d in _phase_dates(market).items()}


@pytest.mark.parametrize("phase", PHASES)
def test_every_phase_is_described_truthfully(states, phase):
    s = states[phase]
    assert s["phase"] == phase
    sentence = narrative.price_and_phase(s)[1]
    assert narrative.PHASE_WORDS[phase] in sentence
    assert fmt.price(s["sma50"]) in sentence and fmt.price(s["sma200"]) in sentence
    check_claims(s, all_text(s))


#: The headline of each real IWM state of ``states`` (the last session of each phase before
#: 2024-07-08): phase, leading SPY?, Real Motion above its 50-DMA?, and the exact headline.
HEADLINES = {
    "bullish": ("2024-06-28", False, False, "IWM lags SPY as momentum fades: can the bullish phase hold?"),
    "warning": ("2024-07-08", False, False, "Can momentum build in IWM?"),
    # below its 200-DMA for weeks: it "slips" no more (the eleventh cold read)
    "distribution": ("2023-10-12", False, False, "IWM is below its 200-DMA, lagging SPY: is the uptrend over?"),
    "bearish": ("2023-11-13", False, False, "IWM under pressure: what would turn it around?"),
    "recovery": ("2023-11-30", False, True, "IWM attempts a recovery: can it clear its 200-DMA?"),
    "accumulation": ("2023-12-29", True, True, "IWM is repairing its trend and leads SPY: can momentum build?"),
}


@pytest.mark.parametrize("phase", PHASES)
def test_headline_of_each_state(states, phase):
    s = states[phase]
    day, leading, rm_up, expected = HEADLINES[phase]
    assert (s["as_of"], s["leadership"]["value"] > 0, s["real_motion"]["above_fast"]) == (day, leading, rm_up)
    assert narrative.headline(s) == expected


@pytest.mark.parametrize(
    "leading, rm_up, expected",
    [
        (True, True, "Momentum is building in IWM: can it lead from here?"),
        (True, False, "IWM leads, but momentum is fading: time to be selective?"),
        (False, True, "IWM is in a bullish phase: can it start to lead?"),
    ],
)
def test_headline_of_the_bullish_variants(states, leading, rm_up, expected):
    """Constructed states (the real bullish one with its leadership and momentum flags set): each variant once."""
    s = {
        **states["bullish"],
        "leadership": {**states["bullish"]["leadership"], "value": 1.0 if leading else -1.0},
        "real_motion": {**states["bullish"]["real_motion"], "above_fast": rm_up},
    }
    assert narrative.headline(s) == expected


def check_claims(s: dict, text: str) -> None:
    """Every directional claim in the text agrees with the numbers of the summary."""
    t = s["ticker"]
    close, f = s["close"], s["sma50"]
    if f"{t} closed" in text:
        assert fmt.price(close) in text
    if close < f:
        assert not re.search(rf"{t} (is|sits) in [a-z ]+phase[^.]*: above its 50-DMA", text)
    lead = s["leadership"]["value"]
    assert (f"{t} is leading" in text) == (lead > 0)
    assert (f"{t} is lagging" in text) == (lead <= 0)
    rm = s["real_motion"]
    if rm["fast"] is not None:
        assert ("Real Motion has not cleared its 50-DMA" in text) == (
            not rm["above_fast"] and rm["last_above_fast"] is not None
        )
    for bad in ("None", "nan", "NaN", "n/a"):
        assert bad not in text


@pytest.mark.parametrize("as_of", ["2024-07-08", "2020-03-23", "2021-02-10", "2008-11-20", "2013-12-31", "2026-08-21"])
def test_claims_agree_with_numbers_on_real_days(market, as_of):
    s = summarize(build(market, "IWM", "SPY", as_of))
    check_claims(s, all_text(s))


def test_leading_sign_flips_the_words(iwm):
    s = copy.deepcopy(iwm)
    s["leadership"].update(value=3.2, above_zero=True, streak_vs_zero=12)
    text = " ".join(narrative.leadership(s))
    assert "IWM is leading SPY: Leadership is +3.20, above the zero line for 12 sessions." in text
    check_claims(s, all_text(s))


def test_just_crossed_momentum(iwm):
    s = copy.deepcopy(iwm)
    s["real_motion"].update(above_fast=True, streak=1, last_below_fast="2024-07-05")
    text = " ".join(narrative.momentum(s))
    assert (
        "It has just crossed above its 50-DMA (+6.06), 1 session ago after being below it until July 5, 2024." in text
    )


def test_missing_history_leaves_sentences_out(market):
    """About 210 sessions of common history: no Real Motion fast line, no Leadership band, no 1y return."""
    s = summarize(build(market, "IWM", "SPY", "2001-03-16"))
    assert s["real_motion"]["fast"] is None and s["leadership"]["fast"] is None
    text = all_text(s)
    assert "Its own 50-DMA needs 249 sessions of history and is not available yet." in text
    assert "less than a year of history" in text
    for bad in ("None", "nan", "n/a"):
        assert bad not in text


def test_no_real_motion_at_all():
    s = {"ticker": "X", "real_motion": {"value": None}, "as_of": "2024-07-08"}
    assert narrative.momentum(s) == ["Real Motion needs 200 sessions of history; X does not have them yet."]


def test_confirmed_run_and_level_below(iwm):
    s = copy.deepcopy(iwm)
    s["confirmation"].update(closes_above_sma50=3, confirmed=True, last_completed="2024-07-03")
    s["closes_above_sma50"] = 3
    s["level_to_clear"].update(price=200.0, distance=200.0 / s["close"] - 1)
    text = " ".join(narrative.needs(s))
    assert "IWM has 3 consecutive closes above its 50-DMA, confirming the turn" in text
    assert "it already trades above 200.00" in text and "below the last close" in text


def test_formatting_helpers():
    assert fmt.date("2024-07-08") == "July 8, 2024"
    assert fmt.signed(-8.0388) == "\u22128.04" and fmt.signed(4.778) == "+4.78"
    assert fmt.signed(-0.001) == "+0.00"
    assert fmt.pct(0.98604) == "+98.6%" and fmt.plain_pct(-0.0137) == "1.4%"


def test_fully_adjusted_benchmark_is_disclosed(market):
    s = summarize(build(market, "IWM", "RSP", "2024-07-08"))
    assert any("RSP file all prices are dividend-adjusted" in x for x in narrative.data_caveats(s))


def test_history_is_cited_only_with_n(iwm_study, iwm):
    """IWM 2024-07-08: every 20-session interval spans zero, so the text says plainly that the confirmation
    has shown no edge, with its n, median, the baseline and the interval; too few is never read."""
    from analysis.model.events import event_study, state_study
    from analysis.text.event_words import labelled, labelled_state

    s = {
        **iwm,
        "history": labelled(event_study(iwm_study.series), confirm_n=2, level_window=22, fast=50),
        "history_state": labelled_state(state_study(iwm_study.series), fast=50),
    }
    text = " ".join(narrative.history(s))
    assert (
        "The confirmation, 2 closes above the 50-DMA, has shown no edge in IWM's history: after its 110"
        " non-overlapping occurrences the median 20-session total return was +1.7%, against +1.2% for any"
        " session, and the 90% interval of the difference (\u22120.2 to +1.6 percentage points) spans zero."
    ) in text
    assert "None of the other 10 triggers with enough occurrences has shown an edge at 20 sessions" in text
    assert "Sessions like today (warning phase, Real Motion below its 50-DMA) have shown no edge: the 100" in text
    assert "\u201cLeadership crosses above zero\u201d, an edge at 5 and 60 sessions" in text
    assert "not a forecast" in text
    few = copy.deepcopy(s)
    few["history"][0]["horizons"]["20"].update(n=4, too_few=True, verdict="too few")
    assert "too few to read" in " ".join(narrative.history(few))


def test_history_says_the_edge_and_interval_when_it_is_clear_of_zero(iwm_study, iwm):
    """The JSON edited (a constructed verdict): an interval clear of zero is said with the edge and the
    interval in words, above or below any session; a negative one too."""
    from analysis.model.events import event_study
    from analysis.text.event_words import labelled

    s = {**iwm, "history": labelled(event_study(iwm_study.series), confirm_n=2, level_window=22, fast=50)}
    s["history_state"] = None
    s["history"][0]["horizons"]["20"].update(edge=0.0080, edge_low=0.0021, edge_high=0.0150, verdict="positive edge")
    s["history"][3]["horizons"]["20"].update(edge=-0.0120, edge_low=-0.0200, edge_high=-0.0004, verdict="negative edge")
    text = " ".join(narrative.history(s))
    assert (
        "The confirmation, 2 closes above the 50-DMA, has shown an edge in IWM's history: a median 20-session"
        " total return of +1.7%, 0.8 percentage points above any session's (90% interval +0.2 to +1.5"
        " percentage points, n 110)."
    ) in text
    assert "\u201cLeadership crosses above zero\u201d has shown a negative edge:" in text
    assert "1.2 percentage points below any session's (90% interval \u22122.00 to \u22120.04 percentage points" in text
    assert "The other 9 triggers with enough occurrences have shown no edge at 20 sessions" in text
    assert "Sessions like today" not in text


@pytest.mark.parametrize(
    "ticker, day, unit, words",
    [
        ("^VIX", "2020-03-16", "points", "median change in points 20 sessions later"),
        ("^TNX", "2023-10-19", "bp", "median change in basis points 20 sessions later"),
        ("^GSPC", "2024-07-08", "percentage points", "median price return 20 sessions later"),
    ],
)
def test_history_reads_right_for_every_profile(market, ticker, day, unit, words):
    """A level's forward move is a change in points or basis points, never a percentage; a price index's is
    a price return; the interval is in the same unit."""
    from analysis import summary
    from analysis.params import Request

    s = summary.build(Request.parse(ticker, "SPY", day, "snapshot"), market, parts=("facts", "history", "words")).data
    text = " ".join(s["narrative"]["history"])
    assert words in text
    assert f" {unit}, n " in text or f" {unit}) spans zero" in text
    if unit != "percentage points":
        assert "%" not in text.replace("90%", "") and "total return" not in text


def test_sections_are_all_present(iwm):
    assert list(narrative.sections(iwm)) == [
        "bottom_line",
        "price_and_phase",
        "momentum",
        "leadership",
        "needs",
        "performance",
        "century",
        "economy",
        "scenarios",
        "family",
        "history",
        "caveats",
    ]
    assert all(isinstance(x, str) and x.endswith(".") for x in narrative.bottom_line(iwm))
    assert pd.Timestamp(iwm["as_of"]) == pd.Timestamp(AS_OF)


def test_the_record_just_beyond_a_nearer_level_is_named(market):
    """BTC-USD, 2021-11-10 (real data): the level to clear is the October 20 swing high, 1.5% up; the record
    close of two sessions before, 4.0% up, is where the market last turned down, so the piece names it too."""
    s = summarize(build(market, "BTC-USD", "SPY", "2021-11-10"))
    text = " ".join(narrative.needs(s))
    assert "the price needs to clear 65,993." in text
    assert (
        "Beyond it, the highest close in the data is 67,567, set on November 8, 2021, 4.0% above the last close."
        in text
    )


def test_a_record_far_above_or_the_level_itself_is_not_repeated(market, iwm):
    """IWM 2024-07-08: the record (242.56, 2021) is 20% above, not 'just beyond'; SPY 2024-07-25: the level to
    clear is the record itself (564.86), so there is nothing beyond it to name."""
    assert iwm["levels"]["resistance"][3]["kind"] == "all_time_high"
    assert not any(x.startswith("Beyond it") for x in narrative.needs(iwm))
    spy = summarize(build(market, "SPY", "QQQ", "2024-07-25"))
    assert spy["level_to_clear"]["kind"] == "all_time_high"
    assert not any(x.startswith("Beyond it") for x in narrative.needs(spy))


@pytest.mark.parametrize(("ticker", "as_of"), [("IWM", "2024-07-08"), ("^VIX", "2020-03-16"), ("^TNX", "2020-08-04")])
def test_the_averages_are_named_from_the_settings(market, tmp_path, ticker, as_of):
    """``fast = 20``: every sentence, trigger and the Markdown brief name the 20-DMA, none the 50-DMA (the
    talking points' evidence is left out: its measures have their own windows, e.g. a yield against its
    50-DMA in scenarios_yields.toml, and name them)."""
    import json

    from analysis import summary
    from analysis.params import Request, Settings
    from analysis.text import brief

    built = summary.build(
        Request.parse(ticker, "SPY", as_of, "snapshot"), market, settings=Settings(fast=20), reports_dir=tmp_path
    )
    d = built.data
    assert d["settings"]["fast"] == 20
    sections = {k: v for k, v in d["narrative"].items() if k != "scenarios"}
    words = json.dumps([d["headline"], sections, d["brief"], d["history"], d["history_state"]])
    words += brief.markdown(d)
    assert "20-DMA" in words and "50-DMA" not in words
