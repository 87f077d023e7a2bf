"""`since_last`: what changed since the last piece (analysis.data.pieces, analysis.model.since,
analysis.text.since_words, analysis.summary).

The earlier pieces are real summaries of the bundled snapshot, written into a temporary
reports folder (never the project's ``reports/``). Known values, read off the data: IWM was
in a bullish phase on 2024-06-28 (two closes above its 50-DMA, the nearest fixed support under
the 50-DMA the March 18 swing low at 201.25) and turned to a warning phase on 2024-07-01
(close 201.19); XRT, IYT and KRE turned from bullish to warning in the same week. After the
model commentary's day (2024-07-08) came the small-cap rally of July 11: IWM closed at 210.68,
above the 205.06 it needed to clear.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import summary
from analysis.data.pieces import previous_piece
from analysis.model.since import SCENARIO_MOVE, since_last
from analysis.params import Request
from analysis.text import brief, since_words
from tests.conftest import AS_OF
from tests.golden_cases import piece as golden_piece

EARLIER = "2024-06-28"  # five sessions before AS_OF (July 4 was a holiday)


def _build(market, as_of: str, reports_dir: Path, benchmark: str = "SPY", **kw) -> dict:
    return summary.build(Request.parse("IWM", benchmark, as_of, "snapshot"), market, reports_dir=reports_dir, **kw).data


def _publish(root: Path, data: dict, stem: str = "IWM") -> Path:
    """Write ``data`` where the pipeline publishes a piece: ``<root>/<as-of>/<stem>.json``."""
    folder = root / data["as_of"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.json"
    path.write_text(summary.to_json(data))
    return path


def _kinds(data: dict) -> list[str]:
    return [c["kind"] for c in data["since_last"]["changes"]]


@pytest.fixture(scope="module")
def earlier_piece(market, tmp_path_factory) -> dict:
    """The real IWM piece of 2024-06-28 (no piece before it)."""
    return _build(market, EARLIER, tmp_path_factory.mktemp("empty"))


@pytest.fixture(scope="module")
def against_piece(market, earlier_piece, tmp_path_factory) -> dict:
    """IWM 2024-07-08 with the 2024-06-28 piece published before it."""
    root = tmp_path_factory.mktemp("reports")
    _publish(root, earlier_piece)
    return _build(market, AS_OF, root)


@pytest.fixture(scope="module")
def fallback(market, tmp_path_factory) -> dict:
    """IWM 2024-07-08 with no earlier piece: compared with five sessions back."""
    return _build(market, AS_OF, tmp_path_factory.mktemp("none"))


def test_against_the_last_piece_finds_the_weeks_known_changes(against_piece):
    since = against_piece["since_last"]
    assert (since["against"], since["previous_as_of"], since["sessions"], since["none"]) == (
        "piece",
        EARLIER,
        5,
        False,
    )
    assert _kinds(against_piece) == ["phase", "support_lost", "confirmation", "family"]
    phase, support, confirmation, family = since["changes"]
    assert (phase["from"], phase["to"], phase["date"], phase["back"]) == ("bullish", "warning", "2024-07-01", False)
    assert phase["text"] == "IWM moved from a bullish to a warning phase on July 1."
    # the piece named its 50-DMA (202.15) as support: a close below it is the phase change, so the
    # fixed level under it counts, the March 18 swing low, lost on July 1 and regained by July 8
    assert support["beyond"]["kind"] == "sma_fast" and round(support["beyond"]["price"], 2) == 202.15
    assert (round(support["price"], 2), support["level_date"], support["date"], round(support["close"], 2)) == (
        201.25,
        "2024-03-18",
        "2024-07-01",
        201.19,
    )
    assert support["back"] is True
    assert support["text"] == (
        "IWM closed below the nearest support under its 50-DMA at 201.25 (a swing low, set on March 18, 2024)"
        " on July 1, at 201.19; it is back above it at 202.28."
    )
    assert (confirmation["event"], confirmation["from"], confirmation["to"]) == ("lost", 2, 0)
    assert (family["from"], family["to"], family["tickers"]) == ("bullish", "warning", ["XRT", "IYT", "KRE"])
    assert [c["rank"] for c in since["changes"]] == sorted((c["rank"] for c in since["changes"]), reverse=True)
    assert since_words.lines(against_piece) == [c["text"] for c in since["changes"]]


def test_without_an_earlier_piece_it_compares_with_five_sessions_back(fallback, against_piece, market):
    since = fallback["since_last"]
    study = summary.build(Request.parse("IWM", "SPY", AS_OF, "snapshot"), market, parts=("facts",)).study
    assert since["against"] == "sessions"
    assert since["previous_as_of"] == study.series.index[-6].date().isoformat() == EARLIER
    assert since["sessions"] == 5
    # the state five sessions back, computed from the data up to then, is what the June 28 piece said
    strip = [{k: v for k, v in c.items() if k != "text"} for c in since["changes"]]
    assert strip == [{k: v for k, v in c.items() if k != "text"} for c in against_piece["since_last"]["changes"]]
    assert since["changes"][0]["text"] == "IWM moved from a bullish to a warning phase on July 1."
    assert brief.since_heading(fallback) == "In the five sessions since June 28, 2024"
    assert brief.since_heading(against_piece) == "Since the last piece (June 28, 2024)"


def test_the_rally_after_the_model_commentary(market, tmp_path):
    """IWM 2024-07-16 against the 2024-07-08 piece: every kind of change in one week."""
    _publish(tmp_path, _build(market, AS_OF, tmp_path / "none"))
    data = _build(market, "2024-07-16", tmp_path)
    since = data["since_last"]
    assert (since["against"], since["previous_as_of"], since["sessions"]) == ("piece", AS_OF, 6)
    assert _kinds(data) == [
        "phase",
        "level_cleared",
        "real_motion",
        "confirmation",
        "leadership",
        "scenario",
        "scenario",
        "scenario",
        "family",
    ]
    by = {c["kind"]: c for c in since["changes"]}
    assert (by["phase"]["from"], by["phase"]["to"], by["phase"]["date"]) == ("warning", "bullish", "2024-07-10")
    cleared = by["level_cleared"]
    assert (round(cleared["price"], 2), cleared["date"], round(cleared["close"], 2)) == (205.06, "2024-07-11", 210.68)
    assert (by["real_motion"]["to"], by["real_motion"]["date"]) == ("above", "2024-07-11")
    assert (by["confirmation"]["event"], by["confirmation"]["date"]) == ("reached", "2024-07-11")
    assert (by["leadership"]["from"], by["leadership"]["to"], by["leadership"]["date"]) == (
        "below",
        "above",
        "2024-07-16",
    )
    moves = {c["id"]: round(c["move"], 2) for c in since["changes"] if c["kind"] == "scenario"}
    assert all(abs(m) >= SCENARIO_MOVE for m in moves.values()) and moves["underperformance"] == -0.44
    # QQQ lagged IWM by 8.2% over the month to July 16: "the bifurcation continues" is no longer supported
    assert moves["tech_bifurcation"] == -0.5
    assert since_words.lines(data)[:2] == [
        "IWM moved from a warning to a bullish phase on July 10.",
        "IWM closed above the level to clear at 205.06 (the highest close of 22 sessions, set on June 5, 2024)"
        " on July 11, at 210.68.",
    ]


def test_a_piece_against_another_benchmark_is_not_used(market, tmp_path):
    vs_qqq = _build(market, EARLIER, tmp_path / "none", benchmark="QQQ")
    _publish(tmp_path, vs_qqq, stem="IWM_vs_QQQ")
    _publish(tmp_path, {**vs_qqq, "benchmark": "QQQ"}, stem="IWM")  # misfiled: the name says SPY, the JSON QQQ
    assert previous_piece("IWM", "SPY", AS_OF, tmp_path) is None
    assert _build(market, AS_OF, tmp_path)["since_last"]["against"] == "sessions"
    assert previous_piece("IWM", "QQQ", AS_OF, tmp_path)["benchmark"] == "QQQ"
    assert _build(market, AS_OF, tmp_path, benchmark="QQQ")["since_last"]["against"] == "piece"


def test_a_later_or_same_day_piece_is_not_used(market, earlier_piece, tmp_path):
    _publish(tmp_path, _build(market, "2024-07-12", tmp_path / "none"))
    same_day = _publish(tmp_path, {**earlier_piece, "as_of": AS_OF})
    assert json.loads(same_day.read_text())["as_of"] == AS_OF
    assert previous_piece("IWM", "SPY", AS_OF, tmp_path) is None
    _publish(tmp_path, earlier_piece)
    _publish(tmp_path, {**earlier_piece, "as_of": "2024-06-27"})
    assert previous_piece("IWM", "SPY", AS_OF, tmp_path)["as_of"] == EARLIER  # the newest earlier one


def test_unreadable_or_mislabelled_files_are_passed_over(earlier_piece, tmp_path):
    _publish(tmp_path, {**earlier_piece, "as_of": "2024-06-20"})
    (tmp_path / "2024-07-01").mkdir()
    (tmp_path / "2024-07-01" / "IWM.json").write_text("{not json")
    (tmp_path / "2024-07-02").mkdir()
    (tmp_path / "2024-07-02" / "IWM.json").write_text("[1, 2]")
    _publish(tmp_path, {**earlier_piece, "as_of": "2024-07-03", "ticker": "QQQ"})
    (tmp_path / "2024-13-45").mkdir()  # not a date
    (tmp_path / "2024-13-45" / "IWM.json").write_text(summary.to_json(earlier_piece))
    (tmp_path / "2024-07-05").mkdir()
    (tmp_path / "2024-07-05" / "IWM.json").write_text(summary.to_json(earlier_piece))  # says June 28
    assert previous_piece("IWM", "SPY", AS_OF, tmp_path)["as_of"] == "2024-06-20"
    assert previous_piece("IWM", "SPY", AS_OF, tmp_path / "missing") is None


def test_no_change_is_said_plainly(market, tmp_path):
    """Between 2024-07-05 and 2024-07-08 nothing IWM's piece tracks changed."""
    _publish(tmp_path, _build(market, "2024-07-05", tmp_path / "none"))
    data = _build(market, AS_OF, tmp_path)
    assert data["since_last"]["none"] is True and data["since_last"]["changes"] == []
    assert since_words.lines(data) == [
        "Nothing the piece tracks has changed since the last piece (July 5): the same phase, Real Motion and"
        " Leadership on the same side of their lines, and no level cleared or support lost."
    ]


def test_the_parts_it_needs(market, tmp_path):
    """Research notebooks build the facts only: no since_last; with since but no scenarios or family, the rest still works."""
    assert "since_last" not in _build(market, AS_OF, tmp_path, parts=("facts",))
    data = _build(market, AS_OF, tmp_path, parts=("facts", "since"))
    assert _kinds(data) == ["phase", "support_lost", "confirmation"]


def test_the_default_reports_folder_is_the_pipelines(market, earlier_piece, tmp_path, monkeypatch):
    """Without ``reports_dir`` the pipeline's folder is read ($MOMENTUM_REPORTS_DIR, here a temporary one)."""
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(tmp_path))
    _publish(tmp_path, earlier_piece)
    assert previous_piece("IWM", "SPY", AS_OF)["as_of"] == EARLIER
    built = summary.build(Request.parse("IWM", "SPY", AS_OF, "snapshot"), market, parts=("facts", "since"))
    assert built.data["since_last"]["against"] == "piece"


# -- the comparison alone, on constructed summaries (synthetic values, said so) ------------------------


def _state(as_of: str, **over) -> dict:
    """A constructed, minimal summary (synthetic: only the keys the comparison reads)."""
    base = {
        "ticker": "XYZ",
        "benchmark": "SPY",
        "as_of": as_of,
        "close": 100.0,
        "profile": {"leadership": "shown"},
        "phase": "bullish",
        "phase_since": "2024-01-02",
        "real_motion": {"above_fast": True},
        "leadership": {"above_zero": True},
        "confirmation": {"n": 2, "closes_above_sma50": 5, "confirmed": True, "last_completed": "2024-01-03"},
        "level_to_clear": {"price": 110.0, "kind": "recent_high", "date": "2024-01-01", "window": 22},
        "support": {"price": 90.0, "kind": "swing_low", "date": "2024-01-01", "window": 10},
        "levels": {"resistance": [], "support": []},
    }
    return {**base, **over}


def _rows(closes, rm_above=True, lead=1.0, phase="bullish") -> pd.DataFrame:
    """Synthetic rows after the earlier session."""
    index = pd.bdate_range("2024-02-01", periods=len(closes))
    return pd.DataFrame(
        {
            "close": closes,
            "phase": phase,
            "rm": [2.0 if rm_above else 0.0] * len(closes),
            "rm_fast": 1.0,
            "lead": lead,
            "common": True,
        },
        index=index,
    )


def test_a_scenario_counts_from_a_move_of_a_quarter_that_changes_its_verdict():
    """Synthetic scores: 0.25 that changes the verdict is a change; 0.24, or 0.5 that leaves the verdict
    where it was (a tally moving inside 'supported'), is not; a scenario only one side has is left out."""
    then = _state(
        "2024-01-31",
        scenarios=[
            {"id": "a", "score": 0.0, "verdict": "mixed"},
            {"id": "b", "score": 0.5, "verdict": "leaning supported"},
            {"id": "c", "score": 0.1, "verdict": "mixed"},
            {"id": "d", "score": 0.5, "verdict": "supported"},
        ],
    )
    now = _state(
        "2024-02-02",
        scenarios=[
            {"id": "a", "score": 0.25, "title": "A", "verdict": "leaning supported"},
            {"id": "b", "score": 0.26, "verdict": "leaning supported"},
            {"id": "d", "score": 1.0, "verdict": "supported"},
        ],
    )
    result = since_last(now, then, _rows([100.0, 100.0]))
    assert [(c["id"], c["move"], c["from_verdict"]) for c in result["changes"]] == [("a", 0.25, "mixed")]


def test_hidden_leadership_and_crossings_back_and_forth():
    """Synthetic: Leadership crossing zero is left out when the profile hides it; Real Motion that
    crossed below and back above is one change, marked back, ranked below a change that stands; a
    crossing undone within fewer than ``FLICKER`` sessions is no change at all (a flicker)."""
    then = _state("2024-01-31")
    rows = _rows([100.0] * 5, lead=-1.0)
    rows["rm"] = [2.0, 0.5, 0.5, 0.5, 2.0]
    now = _state(rows.index[-1].date().isoformat(), leadership={"above_zero": False})
    shown = since_last(now, then, rows)
    assert [c["kind"] for c in shown["changes"]] == ["real_motion", "leadership"]
    rm = shown["changes"][0]
    back = (True, 2, rows.index[1].date().isoformat(), rows.index[-1].date().isoformat())
    assert (rm["back"], rm["crossings"], rm["first_date"], rm["date"]) == back
    assert rm["rank"] == 65.0
    hidden = since_last({**now, "profile": {"leadership": "hidden"}}, then, rows)
    assert [c["kind"] for c in hidden["changes"]] == ["real_motion"]
    rows["rm"] = [2.0, 2.0, 0.5, 2.0, 2.0]  # below for one session: ^VIX's Real Motion on 2017-10-30
    assert [c["kind"] for c in since_last(now, then, rows)["changes"]] == ["leadership"]


def test_a_phase_left_and_returned_to():
    """Synthetic phases: bullish, then two warning sessions, bullish again: one change, marked back."""
    rows = _rows([100.0] * 4)
    rows["phase"] = ["warning", "warning", "bullish", "bullish"]
    now = _state("2024-02-06", phase_since="2024-02-05")
    result = since_last(now, _state("2024-01-31"), rows)
    (change,) = result["changes"]
    assert (change["kind"], change["back"], change["via"], change["left"], change["date"], change["rank"]) == (
        "phase",
        True,
        ["warning"],
        "2024-02-01",
        "2024-02-05",
        95.0,
    )
    data = {**now, "since_last": result}
    assert since_words.sentence(change, data) == (
        "XYZ is back in a bullish phase since February 5, after a warning phase from February 1."
    )


def test_a_gauge_changes_where_it_sits_not_its_phase():
    """Hand-built (a summary's minimal keys): a fear gauge has no bullish phase; the sentence says
    where it sits against its averages, and a long way round is counted, not listed."""
    s = {
        "ticker": "^VIX",
        "as_of": "2024-07-08",
        "profile": {"returns": "points", "leadership": "hidden"},
        "since_last": {"against": "piece", "previous_as_of": "2020-03-16", "sessions": 1088},
    }
    change = {
        "kind": "phase",
        "from": "bullish",
        "to": "bearish",
        "date": "2024-05-31",
        "via": ["warning", "distribution", "recovery", "accumulation"],
        "back": False,
    }
    assert since_words.sentence(change, s) == (
        "^VIX moved from above both averages to below both averages on May 31, after four other states."
    )


@pytest.mark.parametrize(
    "forged",
    [
        {"phase": 5},
        {"phase": ["bullish"]},
        {"scenarios": "hello"},
        {"family": {"members": ["junk", 3, None]}},
        {"confirmation": {"n": 2, "closes_above_sma50": 10**400}},
        {"real_motion": {"above_fast": "false"}},
        {"level_to_clear": {"price": "high"}},
        {"schema_version": 99},
    ],
    ids=lambda f: next(iter(f)),
)
def test_an_earlier_piece_with_a_forged_field_is_passed_over_and_noted(earlier_piece, tmp_path, forged):
    """A readable earlier piece whose fields have the wrong types (hand-edited, forged, another schema) is
    not compared with: the next earlier good one is, and the piece's data notes say which file was skipped."""
    _publish(tmp_path, {**earlier_piece, "as_of": "2024-06-20"})
    day = tmp_path / "2024-06-28"
    day.mkdir()
    (day / "IWM.json").write_text(json.dumps({**earlier_piece, **forged}))
    skipped: list[str] = []
    found = previous_piece(
        "IWM", "SPY", AS_OF, tmp_path, schema_version=earlier_piece["schema_version"], skipped=skipped
    )
    assert found["as_of"] == "2024-06-20"
    assert len(skipped) == 1 and skipped[0].startswith("The earlier piece of 2024-06-28 was not compared with (")


def test_an_unparseable_number_is_an_unreadable_file(tmp_path):
    """A 5,000-digit integer is valid JSON that Python refuses to parse: the file is passed over."""
    day = tmp_path / "2024-06-28"
    day.mkdir()
    (day / "IWM.json").write_text(
        '{"ticker": "IWM", "benchmark": "SPY", "as_of": "2024-06-28", "close": ' + "9" * 5000 + "}"
    )
    assert previous_piece("IWM", "SPY", AS_OF, tmp_path) is None


def test_a_last_piece_older_than_three_months_is_not_the_last_piece(market, tmp_path):
    """The real IWM piece of 2024-03-28, published, is more than three months before 2024-07-08: what
    changed is measured against five sessions back, and the note says why (a cold read refused a 2023
    piece reporting a 2020 level break 'since the last piece')."""
    old = _build(market, "2024-03-28", tmp_path / "empty")
    root = tmp_path / "reports"
    _publish(root, old)
    now = _build(market, AS_OF, root)
    assert now["since_last"]["against"] == "sessions" and now["since_last"]["previous_as_of"] == EARLIER
    assert any("2024-03-28, more than three months earlier" in n for n in now["data"]["run_notes"])


def test_a_december_date_is_not_the_turn_of_the_year():
    from analysis.text.call_words import since_when

    assert since_when("2021-12-21", "2022-01-03") == "since December 21, 2021"
    assert since_when("2022-01-03", "2022-02-10") == "since the turn of the year"


def test_a_gauge_that_passed_through_one_state_says_which():
    """Synthetic change of a yield: below both averages -> above both, through one state; the sentence
    names it (it read as if the whole move happened on the day of the last step)."""
    s = {
        "ticker": "^TNX",
        "as_of": "2023-10-19",
        "profile": {"returns": "basis_points"},
        "settings": {"fast": 50, "slow": 200},
        "since_last": {"against": "sessions", "previous_as_of": "2023-06-01", "sessions": 5},
    }
    change = {
        "kind": "phase",
        "back": False,
        "from": "bearish",
        "to": "bullish",
        "via": ["accumulation"],
        "date": "2023-07-13",
    }
    assert since_words.sentence(change, s) == (
        "^TNX moved from below both averages to above both averages on July 13, after a spell above both averages"
        " (the 50-DMA still under the 200-DMA)."
    )


def test_a_gauge_whose_averages_crossed_says_so(market, tmp_path):
    """^VIX 2024-08-05 went from accumulation to bullish: its close stayed above both averages and the
    50-DMA crossed the 200-DMA. A cold read refused 'moved from above both averages … to above both
    averages'; the sentence says what happened, checked against the CSV's 50- and 200-session means."""
    from analysis.paths import SNAPSHOT_DIR

    s = golden_piece(market, "^VIX", "2024-08-05", tmp_path)
    close = pd.read_csv(SNAPSHOT_DIR / "_VIX.csv.gz", index_col=0, parse_dates=True).loc[:"2024-08-05", "Close"]
    fast, slow = close.rolling(50).mean(), close.rolling(200).mean()
    assert fast.iloc[-2] < slow.iloc[-2] and fast.iloc[-1] > slow.iloc[-1] and close.iloc[-1] > fast.iloc[-1]
    texts = [c["text"] for c in s["since_last"]["changes"]]
    assert "^VIX's 50-DMA crossed above its 200-DMA on August 5, with the level above both." in texts
    assert not any("to above both averages" in t for t in texts)


@pytest.mark.parametrize(
    ("ticker", "as_of"), [("IWM", "2024-07-08"), ("BTC-USD", "2021-11-10"), ("^VIX", "2020-03-16")]
)
def test_a_cut_study_is_the_study_a_build_then_returns(market, ticker, as_of):
    """Issue 32: the since-last comparison cuts the piece's own study five sessions back instead of building
    a second one; every indicator is causal, so the cut's series and facts equal a fresh build's there."""
    from analysis.model import profile, study
    from analysis.model.facts import facts

    now = study.build(market, ticker, "SPY", as_of)
    then = now.series.index[-6]
    cut, built = study.cut(now, then), study.build(market, ticker, "SPY", then.date())
    pd.testing.assert_frame_equal(cut.series, built.series)
    pd.testing.assert_frame_equal(cut.prices, built.prices)
    assert cut.as_of == built.as_of
    kind = profile.assign(ticker, "SPY")
    assert json.dumps(facts(cut, kind), sort_keys=True, default=str) == json.dumps(
        facts(built, kind), sort_keys=True, default=str
    )


@pytest.mark.parametrize(
    ("ticker", "as_of"),
    [("IWM", "2024-07-08"), ("BTC-USD", "2021-11-10"), ("^VIX", "2020-03-16"), ("TLT", "2022-10-20")],
)
def test_the_earlier_state_leaves_out_only_what_its_own_session_needs_and_changes_nothing(market, ticker, as_of):
    """Issue 32: the state five sessions back is computed without the keys only a piece's own session needs
    (its day, its triggers, its returns, what is unusual): every other key equals the full facts there, and
    "what changed" reads the same against either."""
    from analysis.model import profile, study
    from analysis.model.facts import OWN_SESSION, facts

    now = study.build(market, ticker, "SPY", as_of)
    then = study.cut(now, now.series.index[-6])
    kind = profile.assign(ticker, "SPY")
    full, earlier = facts(then, kind), facts(then, kind, earlier=True)
    assert list(full) == list(earlier) and all(earlier[key] is None for key in OWN_SESSION)
    assert all(full[key] is not None for key in OWN_SESSION)
    rest = {k: v for k, v in full.items() if k not in OWN_SESSION}
    assert json.dumps(rest, default=str) == json.dumps({k: earlier[k] for k in rest}, default=str)
    current = facts(now, kind)
    rows = now.series[now.series.index > then.series.index[-1]]
    assert since_last(current, full, rows, against="sessions") == since_last(current, earlier, rows, against="sessions")


def test_a_level_back_where_it_was_says_where_it_sat_meanwhile():
    """^TNX 2024-07-08 read "is back below both averages ... since July 3, after above both averages and below its
    50-DMA but above its 200-DMA from July 1": a level's states are where it sat, not phases to list after "after"."""
    s = {
        "ticker": "^TNX",
        "as_of": "2024-07-08",
        "profile": {"returns": "basis_points"},
        "settings": {"fast": 50, "slow": 200},
        "since_last": {"against": "sessions", "previous_as_of": "2024-06-28", "sessions": 5},
    }
    change = {
        "kind": "phase",
        "back": True,
        "from": "distribution",
        "to": "distribution",
        "via": ["bullish", "warning"],
        "left": "2024-07-01",
        "date": "2024-07-03",
    }
    assert since_words.sentence(change, s) == (
        "^TNX is back below both averages (the 50-DMA still over the 200-DMA) since July 3, after spells above both"
        " averages, then below its 50-DMA but above its 200-DMA from July 1."
    )
