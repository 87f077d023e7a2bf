"""The call's track record (analysis/model/track_record.py), on the bundled real data.

* the vectorised rule is the call rule: on every combination of the four facts it equals
  ``call.grade``, and the replay at past dates equals the call of the summary built at those
  dates (the golden pieces, every profile kind, and facts-only builds of each call);
* no session uses data after it: the study built at an earlier date (its data cut there) gives
  the same replay as the full history, and a record's windows never reach past its last row;
* known values recomputed by hand from the CSV files: a call state's forward-return median,
  quartiles and hit rate, the drift, a gauge graded on SPY, a yield graded in bp, the
  worst move within a window, the simple rule's sessions;
* "no edge" is said exactly when the 90% interval spans zero.
"""

from __future__ import annotations

import gzip
import itertools
import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis import summary
from analysis.data.snapshot import SNAPSHOT_DIR
from analysis.indicators.phase import PHASES
from analysis.model import call as calls
from analysis.model import profile, track_record, track_replay
from analysis.model import study as studies
from analysis.params import Request
from analysis.paths import file_stem
from analysis.text import track_words
from tests.conftest import AS_OF
from tests.golden_cases import CASES, GOLDEN_DIR

#: (ticker, benchmark) whose full history the tests replay once per module.
PAIRS = (("IWM", "SPY"), ("^VIX", "SPY"), ("^TNX", "SPY"), ("BTC-USD", "SPY"), ("TLT", "SPY"), ("SPY", "RSP"))


def _profile(ticker: str, benchmark: str) -> profile.Profile:
    return profile.assign(ticker, benchmark, quote_type=lambda _symbol: None)


def _record(study: studies.Study) -> dict:
    return track_record.for_study(study, _profile(study.ticker, study.benchmark))


def _replay(study: studies.Study) -> pd.Series:
    p = _profile(study.ticker, study.benchmark)
    return track_replay.replay(study.series, p.kind, p.leadership)


@pytest.fixture(scope="module")
def full(market) -> dict[str, studies.Study]:
    """Each pair's study over the whole bundled history (to 2026-08-21)."""
    return {t: studies.build(market, t, b) for t, b in PAIRS}


@pytest.fixture(scope="module")
def records(full) -> dict[str, dict]:
    return {t: _record(st) for t, st in full.items()}


def _thinned_by_hand(replay: np.ndarray, call: str, h: int) -> list[int]:
    """The rows of ``call`` with a complete ``h``-session window, each ``h`` or more rows after the last kept."""
    kept: list[int] = []
    for pos in np.flatnonzero(replay == call):
        if pos + h < len(replay) and (not kept or pos - kept[-1] >= h):
            kept.append(int(pos))
    return kept


def _csv(ticker: str) -> pd.DataFrame:
    with gzip.open(SNAPSHOT_DIR / f"{file_stem(ticker)}.csv.gz", "rt") as fh:
        return pd.read_csv(fh, index_col="Date", parse_dates=True)


# -- the replay is the call rule -------------------------------------------------------------------


def test_the_vectorised_grade_is_call_grade_on_every_combination_of_facts():
    combos = list(itertools.product([*PHASES, None], [False, True], [False, True], [False, True], [1.0, 0.0, np.nan]))
    f = pd.DataFrame(combos, columns=["phase", "above_fast", "above_slow", "momentum", "leading"])
    got = [calls.CALLS[g] for g in track_replay.grades(f)]
    want = [
        calls.grade(calls.CallState(p, af, as_, m, None if np.isnan(ld) else bool(ld))) for p, af, as_, m, ld in combos
    ]
    assert len(combos) == 7 * 8 * 3 and got == want


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.stem)
def test_the_replay_equals_the_golden_pieces_call(case, market, full):
    """The golden summaries are full builds at their dates (test_golden proves each equals a fresh
    build); the replay over the *whole* history, read at that date, gives the same call."""
    golden = json.loads((GOLDEN_DIR / f"{case.stem}.json").read_text())
    known = case.ticker in full and full[case.ticker].benchmark == case.benchmark
    st = full[case.ticker] if known else studies.build(market, case.ticker, case.benchmark)
    assert _replay(st).loc[case.as_of] == golden["brief"]["call"] == golden["track_record"]["call"]


@pytest.mark.parametrize("ticker", ["IWM", "^TNX", "BTC-USD", "SPY"])
def test_the_replay_equals_the_call_of_summaries_built_at_past_dates(ticker, market, full):
    """For each call, its first, middle and last session in the record (before 2026): the summary
    built at that date (facts only: the call reads nothing else) states the same call."""
    st = full[ticker]
    replay = _replay(st)
    common = replay[st.series["common"] & (replay.index < "2026-01-01")].dropna()
    dates = []
    for call in calls.CALLS:
        days = common.index[common.to_numpy(object) == call]
        dates += [days[0], days[len(days) // 2], days[-1]]
    for day in dates:
        data = summary.build(
            Request.parse(ticker, st.benchmark, day.date().isoformat(), "snapshot"), market, parts=("facts",)
        ).data
        assert data["as_of"] == day.date().isoformat()
        assert calls.call_of(data) == replay.loc[day], day


# -- no look-ahead ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ticker, days",
    [
        ("IWM", ("2008-10-10", "2016-06-24", AS_OF)),
        ("BTC-USD", ("2018-12-14", "2021-11-10", AS_OF)),
        ("^VIX", ("2008-10-10", "2020-03-16", AS_OF)),
    ],
)
def test_no_session_uses_data_after_it(ticker, days, market, full):
    """Studies built at earlier dates (their data cut there) replay exactly the full history's calls."""
    whole = full[ticker]
    replay = _replay(whole)
    for day in days:
        cut = studies.build(market, ticker, whole.benchmark, day)
        got = _replay(cut)
        assert len(got) > 1000 and got.index.equals(replay.index[: len(got)])
        assert got.equals(replay.iloc[: len(got)])
        for column in ("sma_fast", "sma_slow", "rm", "rm_fast", "lead"):
            assert_allclose(cut.series[column], whole.series[column].iloc[: len(got)], rtol=1e-12, equal_nan=True)


def test_a_records_windows_never_reach_past_its_last_session(market):
    cut = studies.build(market, "IWM", "SPY", AS_OF)
    tr = _record(cut)
    assert tr["last_session"] == AS_OF
    for h in tr["horizons"]:
        base = tr["baseline"][str(h)]
        assert base["n"] == tr["sessions"] - h  # every session but the last h has a complete window
        for state in tr["states"].values():
            b = state["horizons"][str(h)]
            assert b["n"] + b["overlapping"] + b["open"] == state["sessions"]
    assert sum(s["horizons"]["20"]["open"] for s in tr["states"].values()) == 20


# -- known values, by hand from the CSV ------------------------------------------------------------


def test_a_call_states_forward_return_median_recomputed_by_hand_from_the_csv(market):
    """IWM as of 2024-07-08: the defensive calls' 20-session total return, counted without overlap."""
    raw = _csv("IWM").loc[:AS_OF]
    close, adj = raw["Close"].to_numpy(float), raw["Adj Close"].to_numpy(float)
    st = studies.build(market, "IWM", "SPY", AS_OF)
    assert_allclose(st.series["close"], close, rtol=1e-12)
    # the two price facts of the call, by hand
    sma50 = pd.Series(close).rolling(50).mean().to_numpy()
    sma200 = pd.Series(close).rolling(200).mean().to_numpy()
    facts = track_replay.facts(st.series, leadership_shown=True)
    assert np.array_equal(facts["above_fast"].to_numpy(bool), close > sma50)
    assert np.array_equal(facts["above_slow"].to_numpy(bool), close > sma200)
    kept = _thinned_by_hand(_replay(st).to_numpy(object), "defensive", 20)
    moves = np.array([adj[p + 20] / adj[p] - 1 for p in kept])
    tr = _record(st)
    got = tr["states"]["defensive"]["horizons"]["20"]
    assert got["n"] == len(kept) == 95
    assert_allclose(got["median"], np.median(moves), rtol=1e-12)
    assert_allclose([got["q1"], got["q3"]], np.percentile(moves, [25, 75]), rtol=1e-12)
    assert_allclose(got["hit_rate"], np.mean(moves > 0), rtol=1e-12)
    assert_allclose(got["median"], 0.015358928091300017, rtol=1e-9)  # +1.5%, as the piece states
    # the drift: every session of the record with a complete window
    every = np.flatnonzero(_replay(st).notna().to_numpy())
    every = every[every + 20 < len(adj)]
    assert_allclose(tr["baseline"]["20"]["median"], np.median(adj[every + 20] / adj[every] - 1), rtol=1e-12)
    assert tr["first_session"] == "2001-05-22" and tr["call"] == "cautious"


def test_a_volatility_index_is_graded_on_the_benchmarks_total_return(records, full):
    tr, st = records["^VIX"], full["^VIX"]
    assert (tr["graded_on"], tr["graded_symbol"], tr["measure"], tr["holder_gains"]) == (
        "benchmark",
        "SPY",
        "total",
        "rises",
    )
    # SPY's closes carried onto the VIX's sessions at most four sessions, as the study carries them
    spy = _csv("SPY")["Adj Close"].reindex(st.series.index).ffill(limit=4).to_numpy(float)
    rows = np.flatnonzero(_replay(st).notna().to_numpy() & ~np.isnan(spy))
    rows = rows[rows + 20 < len(spy)]
    moves = spy[rows + 20] / spy[rows] - 1
    assert_allclose(tr["baseline"]["20"]["median"], np.nanmedian(moves), rtol=1e-12)
    assert tr["first_session"] == "1993-01-29"  # SPY's first session: the record starts where it can be graded
    assert tr["states"]["constructive"]["horizons"]["20"]["relative"] is None


def test_a_yield_is_graded_on_its_change_in_basis_points(records, full):
    tr, st = records["^TNX"], full["^TNX"]
    assert (tr["graded_on"], tr["measure"], tr["holder_gains"]) == ("yield", "basis_points", "falls")
    c = _csv("^TNX")["Close"].to_numpy(float)
    assert_allclose(st.series["close"], c, rtol=1e-12)
    kept = _thinned_by_hand(_replay(st).to_numpy(object), "defensive", 60)
    bp = np.array([100 * (c[p + 60] - c[p]) for p in kept])
    got = tr["states"]["defensive"]["horizons"]["60"]
    assert_allclose(got["median"], np.median(bp), rtol=1e-12)
    assert_allclose(got["hit_rate"], np.mean(bp < 0), rtol=1e-12)  # a bond holder gains when the yield falls
    assert got["worst_drawdown"] >= got["drawdown"] >= 0  # the worst move against the holder: a rise


@pytest.mark.parametrize("ticker", ["IWM", "^TNX", "^VIX"])
def test_the_worst_move_within_a_window_equals_a_brute_force_search(ticker, full):
    st = full[ticker]
    p = _profile(ticker, st.benchmark)
    g = track_replay.grading(p.kind, p.returns)
    frame = track_replay.graded(st.series, g)
    a = frame["adj_close" if g.measure == "total" else "close"].to_numpy(float)
    got = track_replay.worst_within(frame, 20, g)
    for t in range(0, len(a) - 20, 97):
        path = a[t + 1 : t + 21]
        moves = path / a[t] - 1 if g.measure == "total" else 100 * (path - a[t])
        want = np.nan if np.isnan(moves).any() else g.sign * min(0.0, min(g.sign * moves))
        assert_allclose(got[t], want, rtol=1e-12, atol=1e-15, equal_nan=True)
    assert np.isnan(got[-20:]).all()


def test_the_simple_rule_is_the_close_against_its_200_session_average(market):
    st = studies.build(market, "IWM", "SPY", AS_OF)
    tr = _record(st)
    close = _csv("IWM").loc[:AS_OF, "Close"].to_numpy(float)
    sma = pd.Series(close).rolling(200).mean().to_numpy()
    replayed = _replay(st).notna().to_numpy()
    assert tr["simple_rule"]["states"]["in"]["sessions"] == int((replayed & (close > sma)).sum())
    assert tr["simple_rule"]["sessions"] == int(replayed.sum()) == tr["sessions"]


def test_runs_counts_changes_and_lengths():
    labels = np.array([0, 0, 1, 1, 1, 2, 0, 0, 0, 0])
    r = track_record.runs(labels, 3, year=5)
    assert (r["changes"], r["per_year"], r["current_run"], r["runs"]) == (3, 1.5, 4, [2, 1, 1])
    assert r["median_run"] == 2.5 and r["median_runs"] == [3.0, 3.0, 1.0]


def test_a_history_too_short_has_no_record_and_no_line(market):
    data = summary.build(Request.parse("IWM", "SPY", "2001-03-16", "snapshot"), market).data
    assert data["track_record"]["available"] is False and data["brief"]["track_line"] == ""
    assert data["narrative"]["track_record"][0].startswith("IWM's history up to March 16, 2001 is too short")


# -- no edge exactly when the interval spans zero ----------------------------------------------------


def _blocks(tr: dict):
    for group in (tr["states"], tr["simple_rule"]["states"]):
        for name, state in group.items():
            for h, b in state["horizons"].items():
                yield name, h, b
                if b["relative"] is not None:
                    yield name, h, b["relative"]


def test_no_edge_is_said_exactly_when_the_interval_spans_zero(records):
    seen = set()
    for tr in records.values():
        for _name, _h, b in _blocks(tr):
            spans = b["edge_low"] is not None and b["edge_low"] <= 0 <= b["edge_high"]
            enough = b["n"] >= tr["min_n"]
            assert (b["verdict"] == "no edge") == (spans and enough)
            assert (track_words.reading(b) == "no edge") == (spans and enough)
            assert (b["verdict"] == "too few") == (not enough)
            seen.add(b["verdict"])
    assert {"no edge", "positive edge", "negative edge"} <= seen  # the real data has both kinds


def test_the_words_name_a_call_with_no_edge_only_when_its_interval_spans_zero(records):
    for ticker, tr in records.items():
        s = {"ticker": ticker, "benchmark": "SPY", "as_of": tr["last_session"], "track_record": tr}
        s["profile"] = {"kind": _profile(ticker, "SPY").kind}
        for h in map(str, tr["horizons"]):
            text = " ".join(track_words.edges(s, tr, h))
            flat = text.split(" shown no edge")[0].rsplit(". ", 1)[-1] if " shown no edge" in text else ""
            for call in calls.CALLS:
                b = tr["states"][call]["horizons"][h]
                assert (call in flat.lower()) == (b["verdict"] == "no edge"), (ticker, h, call, text)


def test_page_ones_line_says_no_edge_exactly_when_todays_interval_spans_zero(records):
    for ticker, tr in records.items():
        s = {"ticker": ticker, "benchmark": "SPY", "as_of": tr["last_session"], "track_record": tr}
        s["profile"] = {"kind": _profile(ticker, "SPY").kind}
        line = track_words.brief_line(s)
        b = tr["states"][tr["call"]]["horizons"]["20"]
        assert line.startswith(f"Since {tr['first_session'][:4]}, {tr['call']} calls")
        assert (": no edge (" in line) == (b["edge_low"] <= 0 <= b["edge_high"])
