"""The event study (analysis/model/events.py), its edge and interval, the current-state row, and its chart
(analysis/view/charts/events.py) and table (Piece.history_section).

Known values for IWM vs SPY up to 2024-07-08 are recomputed here independently, with plain
Python loops over the bundled closes (no pandas rolling, no analysis.indicators); tests that
use synthetic data say so.
"""

from __future__ import annotations

import json
import statistics

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from analysis.errors import DataError, InputError
from analysis.model import events as hist
from analysis.model.study import build
from analysis.text import event_words
from analysis.view.charts import style
from analysis.view.charts.events import NO_EDGE, TOO_FEW, VERDICT_COLORS, history_chart

IDS = [t.id for t in hist.TRIGGERS]
HORIZON_KEYS = {
    "n",
    "median",
    "hit_rate",
    "baseline_median",
    "baseline_hit_rate",
    "baseline_n",
    "too_few",
    "overlapping",
    "open",
    "edge",
    "edge_low",
    "edge_high",
    "verdict",
}


@pytest.fixture(scope="module")
def series(iwm_study) -> pd.DataFrame:
    return iwm_study.series


@pytest.fixture(scope="module")
def study_result(series) -> list[dict]:
    return hist.event_study(series)


def named(items: list[dict]) -> list[dict]:
    """The study's items with their names, as the piece labels them with its default settings."""
    return event_words.labelled(items, confirm_n=2, level_window=22, fast=50)


@pytest.fixture(scope="module")
def by_id(study_result) -> dict[str, dict]:
    return {item["id"]: item for item in study_result}


@pytest.fixture(scope="module")
def state(series) -> dict:
    return hist.state_study(series)


@pytest.fixture(scope="module")
def plain(market):
    """IWM closes and adjusted closes on the sessions common with SPY, as plain lists, to 2024-07-08."""
    iwm, spy = market.prices("IWM"), market.prices("SPY")
    sessions = iwm.index.intersection(spy.index)
    sessions = sessions[sessions <= pd.Timestamp("2024-07-08")]
    return list(sessions), iwm.loc[sessions, "close"].tolist(), iwm.loc[sessions, "adj_close"].tolist()


def plain_sma(values: list[float], window: int) -> list[float | None]:
    return [None if i < window - 1 else sum(values[i - window + 1 : i + 1]) / window for i in range(len(values))]


def plain_two_closes(close: list[float], n: int = 2) -> list[int]:
    """Positions where the n-th consecutive close strictly above the SMA50 happens (plain loop)."""
    sma = plain_sma(close, 50)
    out, run = [], 0
    for i, c in enumerate(close):
        run = run + 1 if sma[i] is not None and c > sma[i] else 0
        if run == n:
            out.append(i)
    return out


def plain_stats(positions: list[int], adj: list[float], h: int) -> tuple[int, float, float]:
    """n, median, hit rate with the overlap rule and complete windows only, by a plain loop."""
    returns, last = [], None
    for p in positions:
        if p + h >= len(adj):
            break
        if last is None or p - last >= h:
            returns.append(adj[p + h] / adj[p] - 1)
            last = p
    return len(returns), statistics.median(returns), sum(r > 0 for r in returns) / len(returns)


# -- known values, IWM vs SPY up to 2024-07-08 --------------------------------------------------


def test_two_close_confirmations_counted_independently(plain, by_id):
    dates, close, _ = plain
    expected = plain_two_closes(close)
    item = by_id["closes_above_sma50"]
    assert item["occurrences"] == len(expected) == 177
    assert item["last_occurrence"] == dates[expected[-1]].date().isoformat() == "2024-06-28"
    assert item["direction"] == "bullish" and "trigger" not in item  # the model names nothing: the words do
    named = event_words.labelled([item], confirm_n=2, level_window=22, fast=50)[0]
    assert named["trigger"] == "2 closes above the 50-DMA" and named["occurrences"] == 177


def test_two_close_forward_returns_recomputed_with_a_plain_loop(plain, by_id):
    _, close, adj = plain
    positions = plain_two_closes(close)
    for h, n_expected in ((5, 164), (20, 110), (60, 65)):
        n, median, hit = plain_stats(positions, adj, h)
        got = by_id["closes_above_sma50"]["horizons"][str(h)]
        assert got["n"] == n == n_expected
        assert got["median"] == pytest.approx(median, abs=1e-12)
        assert got["hit_rate"] == pytest.approx(hit, abs=1e-12)
        assert got["too_few"] is False


def test_confirm_n_three_changes_the_trigger(plain, series):
    _, close, _ = plain
    item = hist.event_study(series, confirm_n=3)[0]
    named = event_words.labelled([item], confirm_n=3, level_window=22, fast=20)[0]
    assert named["trigger"] == "3 closes above the 20-DMA" and list(named)[:2] == ["id", "trigger"]
    assert item["occurrences"] == len(plain_two_closes(close, 3))


def test_baseline_is_every_session_with_a_complete_window(plain, study_result):
    _, _, adj = plain
    for h in (5, 20, 60):
        returns = [adj[i + h] / adj[i] - 1 for i in range(len(adj) - h)]
        for item in study_result:
            got = item["horizons"][str(h)]
            assert got["baseline_n"] == len(returns) == len(adj) - h
            assert got["baseline_median"] == pytest.approx(statistics.median(returns), abs=1e-12)
            assert got["baseline_hit_rate"] == pytest.approx(sum(r > 0 for r in returns) / len(returns), abs=1e-12)
    assert study_result[0]["horizons"]["20"]["baseline_median"] == pytest.approx(0.01249, abs=5e-5)


def test_level_cleared_on_2024_05_14_by_hand(plain, series):
    """14 May 2024: 206.86 > 205.86 (9 May, the best of the 22 closes before); 13 May's 204.74 was not
    above its own previous 22-session high. 9 May itself did not clear: 206.38 (9 April) was in its window."""
    dates, close, _ = plain
    i = dates.index(pd.Timestamp("2024-05-14"))
    assert close[i] > max(close[i - 22 : i]) and close[i - 1] <= max(close[i - 23 : i - 1])
    assert max(close[i - 22 : i]) == pytest.approx(205.860001, abs=1e-6)
    fired = hist.occurrences(series)["level_cleared"]
    may = fired[(fired >= "2024-05-01") & (fired <= "2024-07-08")]
    assert list(may) == [pd.Timestamp("2024-05-14")]


def test_level_cleared_counted_with_a_plain_loop(plain, by_id):
    _, close, _ = plain
    w = 22
    above = [i >= w and close[i] > max(close[i - w : i]) for i in range(len(close))]
    expected = [i for i in range(w + 1, len(close)) if above[i] and not above[i - 1] and i - 1 >= w]
    assert by_id["level_cleared"]["occurrences"] == len(expected)


def test_last_occurrences_agree_with_the_summary(iwm_study, by_id):
    """The study's own last-crossing dates, read another way: the summary says RM was last above its
    fast line on 2024-06-05 and the phase has been warning since 2024-07-01."""
    assert by_id["real_motion_above_fast"]["last_occurrence"] == "2024-06-05"
    assert by_id["real_motion_below_fast"]["last_occurrence"] == "2024-06-06"
    assert by_id["bullish_to_warning"]["last_occurrence"] == "2024-07-01"
    assert by_id["warning_to_bullish"]["last_occurrence"] == "2024-06-27"
    assert by_id["leadership_below_zero"]["last_occurrence"] == "2024-01-03"  # last above zero: 2024-01-02


def test_crossings_fire_once_per_cross(series):
    """Every trigger is an event: a session where it fires is never followed by a second firing of the
    same crossing without the opposite state in between (checked for RM crossing up)."""
    up = hist.real_motion_above_fast(series).to_numpy()
    above = (series["rm"] > series["rm_fast"]).to_numpy()
    for p in np.flatnonzero(up):
        assert above[p] and not above[p - 1]
    assert up.sum() == 234


# -- structure, invariants, flags -------------------------------------------------------------


def test_shape_is_the_issue_schema(study_result):
    assert [item["id"] for item in study_result] == IDS
    for item, labelled in zip(study_result, named(study_result)):
        assert set(item) == {"id", "direction", "occurrences", "last_occurrence", "horizons"}
        assert list(labelled) == ["id", "trigger", "direction", "occurrences", "last_occurrence", "horizons"]
        assert list(item["horizons"]) == ["5", "20", "60"]
        for h in item["horizons"].values():
            assert set(h) == HORIZON_KEYS
            assert h["n"] + h["overlapping"] + h["open"] == item["occurrences"]


def test_json_serialisable_without_nan(study_result, market):
    text = json.dumps(study_result, allow_nan=False)
    assert json.loads(text) == study_result
    short = {i["id"]: i for i in hist.event_study(build(market, "NVDA", "SPY", "2001-03-01").series)}
    json.dumps(list(short.values()), allow_nan=False)  # a short history: Nones, no NaN
    never = short["recovery_to_accumulation"]
    assert never["occurrences"] == 0 and never["last_occurrence"] is None
    assert never["horizons"]["5"]["median"] is None and never["horizons"]["5"]["hit_rate"] is None
    still_open = short["leadership_above_zero"]["horizons"]["20"]  # fired twice, both within 20 sessions of as-of
    assert (still_open["n"], still_open["open"], still_open["median"]) == (0, 2, None)


def test_too_few_flag_at_its_boundary(series, by_id):
    n = by_id["recovery_to_accumulation"]["horizons"]["60"]["n"]
    assert n == 19
    at = hist.event_study(series, min_n=n)[IDS.index("recovery_to_accumulation")]["horizons"]["60"]
    above = hist.event_study(series, min_n=n + 1)[IDS.index("recovery_to_accumulation")]["horizons"]["60"]
    assert at["too_few"] is False and above["too_few"] is True
    assert above["median"] == by_id["recovery_to_accumulation"]["horizons"]["60"]["median"]  # still reported


def test_open_windows_are_occurrences_but_not_in_n(by_id, series):
    """2 closes above the 50-DMA fired on 2024-06-28, 5 sessions before as-of: counted, but its 20- and
    60-session windows are open; its 5-session window ends on the as-of session, so it is complete."""
    item = by_id["closes_above_sma50"]
    pos = series.index.get_loc(pd.Timestamp("2024-06-28"))
    assert len(series) - 1 - pos == 5
    fired = series.index.get_indexer(hist.occurrences(series)["closes_above_sma50"])
    recent = {h: sum(p > len(series) - 1 - h for p in fired) for h in (5, 20, 60)}
    assert {h: item["horizons"][str(h)]["open"] for h in (5, 20, 60)} == recent == {5: 0, 20: 1, 60: 4}


# -- the overlap rule, on synthetic data -------------------------------------------------------


def test_thin_keeps_occurrences_at_least_h_apart():
    """Synthetic positions."""
    assert hist.non_overlapping(np.array([0, 3, 5, 10, 11, 30]), 5).tolist() == [0, 5, 10, 30]
    assert hist.non_overlapping(np.array([0, 3, 5, 10, 11, 30]), 1).tolist() == [0, 3, 5, 10, 11, 30]
    assert hist.non_overlapping(np.array([], dtype=int), 20).tolist() == []


def synthetic_series(phases: list[str | None], adj: np.ndarray) -> pd.DataFrame:
    """A synthetic study.series: only phase and adj_close are set; every other trigger input is NaN."""
    index = pd.bdate_range("2020-01-01", periods=len(adj))
    frame = pd.DataFrame({c: np.nan for c in hist.REQUIRED}, index=index)
    frame["adj_close"] = adj
    frame["phase"] = pd.Series(phases, index=index, dtype=object)
    return frame


def test_overlap_rule_on_a_synthetic_series():
    """Synthetic: warning → bullish at rows 2, 4 and 9 of 15; with h = 5 the one at 4 is within 5
    sessions of 2 and is dropped; 9's window ends at row 14, the last row, so it is complete."""
    phases = ["warning"] * 15
    for p in (2, 4, 9):
        phases[p] = "bullish"
    adj = 100 * np.cumprod(
        1 + np.array([0, 0.01, -0.02, 0.03, 0.01, -0.01, 0.02, 0.00, -0.03, 0.01, 0.02, -0.01, 0.01, 0.02, -0.02])
    )
    item = hist.event_study(synthetic_series(phases, adj), horizons=(5,), min_n=2)[5]
    assert item["id"] == "warning_to_bullish" and item["occurrences"] == 3
    h = item["horizons"]["5"]
    expected = [adj[7] / adj[2] - 1, adj[14] / adj[9] - 1]
    assert (h["n"], h["overlapping"], h["open"]) == (2, 1, 0)
    assert h["median"] == pytest.approx(statistics.median(expected), abs=1e-12)
    assert h["hit_rate"] == sum(r > 0 for r in expected) / 2
    assert h["baseline_n"] == 10 and h["too_few"] is False
    opened = hist.event_study(synthetic_series(phases[:14], adj[:14]), horizons=(5,), min_n=2)[5]["horizons"]["5"]
    assert (opened["n"], opened["overlapping"], opened["open"]) == (1, 1, 1)  # 9 + 5 = 14 is past the last row


def test_phase_change_is_broken_by_an_unknown_phase():
    """Synthetic phases."""
    phase = pd.Series(["warning", None, "bullish", "warning", "bullish"], dtype=object)
    assert hist.phase_change(phase, "warning", "bullish").tolist() == [False, False, False, False, True]


def test_cross_above_needs_both_sessions_known():
    """Synthetic values."""
    value = pd.Series([np.nan, 1.0, -1.0, 0.0, 2.0, 3.0, -1.0, 1.0])
    assert hist.cross_above(value, 0.0).tolist() == [False, False, False, False, True, False, False, True]
    assert hist.cross_below(value, 0.0).tolist() == [False, False, True, False, False, False, True, False]


# -- the edge and its bootstrap interval ----------------------------------------------------------


def drift_series(n_rows: int, every: int, drift: float, seed: int) -> pd.DataFrame:
    """Synthetic: iid daily returns N(0, 1%) from ``seed``; warning → bullish fires every ``every`` rows, and
    the 20 sessions after each firing get an extra ``drift`` a day, so the true 20-session edge is known."""
    rng = np.random.default_rng(seed)
    daily = rng.normal(0.0, 0.01, n_rows)
    phases: list[str | None] = ["warning"] * n_rows
    for p in range(every, n_rows - 21, every):
        phases[p] = "bullish"
        daily[p + 1 : p + 21] += drift
    adj = 100 * np.cumprod(1 + daily)
    return synthetic_series(phases, adj)


def test_a_large_true_edge_gives_an_interval_clear_of_zero():
    """Synthetic: +0.5% a day for 20 sessions after each firing (about +10% over the baseline's median):
    the interval excludes zero and holds the edge; the mirror drift gives a negative edge."""
    up = hist.event_study(drift_series(4000, 100, 0.005, seed=1), horizons=(20,))[5]["horizons"]["20"]
    assert up["n"] == 39 and up["verdict"] == "positive edge"
    assert 0 < up["edge_low"] < up["edge"] < up["edge_high"]
    assert 0.07 < up["edge"] < 0.13  # 20 x 0.5% compounded, less the baseline's own small drift
    down = hist.event_study(drift_series(4000, 100, -0.005, seed=1), horizons=(20,))[5]["horizons"]["20"]
    assert down["verdict"] == "negative edge" and down["edge_high"] < 0


def test_no_true_edge_gives_an_interval_spanning_zero():
    """Synthetic: a random walk with no drift, the trigger fired on 80 sessions chosen at random (fixed seed):
    the interval spans zero and the verdict is no edge."""
    rng = np.random.default_rng(7)
    n_rows = 4000
    adj = 100 * np.cumprod(1 + rng.normal(0.0, 0.01, n_rows))
    phases: list[str | None] = ["warning"] * n_rows
    for p in rng.choice(np.arange(1, n_rows - 21), size=80, replace=False):
        phases[p] = "bullish"
    h = hist.event_study(synthetic_series(phases, adj), horizons=(20,))[5]["horizons"]["20"]
    assert h["n"] >= 50 and h["verdict"] == "no edge"
    assert h["edge_low"] < 0 < h["edge_high"]


def test_the_interval_covers_a_zero_edge_about_90_percent_of_the_time():
    """Synthetic: 400 random sets of 100 sessions from 5,000 iid returns: the edge over the whole sample's
    median is zero by construction, and the 90% interval spans it in 84-96% of the sets."""
    rng = np.random.default_rng(11)
    values = rng.standard_t(4, 5000) * 0.01  # fat tails, like returns
    base = float(np.median(values))
    spans = [
        low <= 0 <= high
        for low, high in (
            hist.edge_interval(rng.choice(values, 100, replace=False), base, seed=k)[1:] for k in range(400)
        )
    ]
    assert 0.84 <= np.mean(spans) <= 0.96


@pytest.mark.parametrize("n", [1, 2, 7, 40, 41])
def test_order_statistic_bootstrap_matches_literal_resampling(n):
    """Synthetic values: the medians drawn through the order statistics have the distribution of the medians
    of literal resamples with replacement (np.median of values[rng.integers(0, n, (B, n))]), odd and even n."""
    rng = np.random.default_rng(n)
    values = rng.normal(0, 1, n)
    fast = hist.bootstrap_medians(values, resamples=40_000, seed=3)
    literal = np.median(values[rng.integers(0, n, size=(40_000, n))], axis=1)
    qs = [0.05, 0.25, 0.5, 0.75, 0.95]
    spread = values.std() / np.sqrt(n) if n > 2 else values.std()
    assert np.quantile(fast, qs) == pytest.approx(np.quantile(literal, qs), abs=0.06 * spread + 1e-12)
    assert fast.mean() == pytest.approx(literal.mean(), abs=0.03 * spread + 1e-12)
    assert set(np.unique(fast)) <= set(np.unique(literal)) | {0.5 * (a + b) for a in values for b in values}


def test_the_seed_makes_the_interval_reproducible(series, study_result):
    """The same seed gives the same JSON; another seed moves the interval, never the edge."""
    assert hist.event_study(series) == study_result
    other = hist.event_study(series, seed=16)
    a, b = study_result[0]["horizons"]["20"], other[0]["horizons"]["20"]
    assert a["edge"] == b["edge"] and (a["edge_low"], a["edge_high"]) != (b["edge_low"], b["edge_high"])
    assert abs(a["edge_low"] - b["edge_low"]) < 0.003  # Monte Carlo noise of 2,000 resamples, not more
    values = np.array([0.3, -0.1, 0.2, 0.05, 0.4])
    assert hist.bootstrap_medians(values, seed=5).tolist() == hist.bootstrap_medians(values, seed=5).tolist()


def test_verdict_at_its_boundaries():
    assert hist.verdict(10, 0.001, 0.02, 10) == "positive edge"
    assert hist.verdict(10, -0.02, -0.001, 10) == "negative edge"
    assert hist.verdict(10, 0.0, 0.02, 10) == "no edge"  # touching zero is not clear of it
    assert hist.verdict(10, -0.02, 0.02, 10) == "no edge"
    assert hist.verdict(9, 0.01, 0.02, 10) == "too few"
    assert hist.verdict(0, None, None, 10) == "too few"


def test_edge_known_values_iwm(plain, by_id):
    """IWM vs SPY to 2024-07-08: the edge is the plain median of the counted returns minus the plain baseline
    median; the interval is pinned (read from this run, seed 15, 2,000 resamples); at 20 sessions every
    trigger has shown no edge, and Leadership crossing above zero has an edge at 5 and 60 sessions."""
    _, close, adj = plain
    n, median, _ = plain_stats(plain_two_closes(close), adj, 20)
    base = statistics.median([adj[i + 20] / adj[i] - 1 for i in range(len(adj) - 20)])
    h = by_id["closes_above_sma50"]["horizons"]["20"]
    assert h["n"] == n == 110
    assert h["edge"] == pytest.approx(median - base, abs=1e-12)
    assert h["edge"] == pytest.approx(0.00504, abs=5e-5)
    assert (h["edge_low"], h["edge_high"]) == (pytest.approx(-0.0024, abs=5e-4), pytest.approx(0.0156, abs=5e-4))
    assert h["verdict"] == "no edge"
    assert {i["horizons"]["20"]["verdict"] for i in by_id.values()} == {"no edge"}
    lead = by_id["leadership_above_zero"]["horizons"]
    assert (lead["5"]["verdict"], lead["20"]["verdict"], lead["60"]["verdict"]) == (
        "positive edge",
        "no edge",
        "positive edge",
    )
    assert lead["60"]["edge_low"] > 0


# -- the current state --------------------------------------------------------------------------


def test_current_state_counts_exactly_the_sessions_in_that_state(series, state, iwm_study):
    """The as-of session is in a warning phase with Real Motion below its 50-DMA (as the summary says); the
    row counts, by a plain loop, every session in that state, and per horizon thins them as the overlap
    rule does and recomputes n and the median."""
    from analysis.model.facts import facts
    from analysis.model.profile import assign

    f = facts(iwm_study, assign("IWM", "SPY"))
    assert (f["phase"], f["real_motion"]["above_fast"]) == ("warning", False)
    assert event_words.labelled_state(state, fast=50)["label"] == "Now: warning phase, Real Motion below its 50-DMA"
    assert (state["id"], state["phase"], state["real_motion"]) == ("current_state", "warning", "below")
    phases, rm, fast = series["phase"].tolist(), series["rm"].tolist(), series["rm_fast"].tolist()
    adj = series["adj_close"].tolist()
    positions = [i for i in range(len(phases)) if phases[i] == "warning" and rm[i] < fast[i]]
    assert state["sessions"] == len(positions) == 811
    assert positions[-1] == len(series) - 1 and state["last_session"] == "2024-07-08"
    assert state["first_session"] == series.index[positions[0]].date().isoformat()
    for h in (5, 20, 60):
        n, median, hit = plain_stats(positions, adj, h)
        got = state["horizons"][str(h)]
        assert (got["n"], got["median"], got["hit_rate"]) == (n, pytest.approx(median, abs=1e-12), pytest.approx(hit))
        assert got["n"] + got["overlapping"] + got["open"] == state["sessions"]
        assert got["open"] == sum(p + h >= len(adj) for p in positions)
        assert got["edge"] == pytest.approx(median - got["baseline_median"], abs=1e-12)
    assert state["horizons"]["20"]["n"] == 100 and state["horizons"]["20"]["verdict"] == "no edge"
    assert set(state["horizons"]["20"]) == HORIZON_KEYS


def test_current_state_needs_a_phase_and_a_side():
    """Synthetic: no phase at the last session, or Real Motion exactly on its line: no state row."""
    frame = synthetic_series(["warning"] * 30, 100 + np.arange(30.0))
    frame["rm"], frame["rm_fast"] = 1.0, 0.5
    assert hist.state_study(frame, horizons=(5,))["sessions"] == 30
    frame.loc[frame.index[-1], "rm_fast"] = 1.0
    assert hist.state_study(frame, horizons=(5,)) is None
    frame.loc[frame.index[-1], "rm_fast"] = 0.5
    frame["phase"] = pd.Series(["warning"] * 29 + [None], index=frame.index, dtype=object)
    assert hist.state_study(frame, horizons=(5,)) is None


# -- a level's forward move: points and basis points --------------------------------------------


def test_a_yield_moves_in_basis_points_and_a_fear_gauge_in_points(market):
    """^TNX: forward_change is 100 x the difference of the closes (bp); ^VIX: the difference (points)."""
    tnx = build(market, "^TNX", "SPY", "2023-10-19").series
    close = tnx["close"].tolist()
    got = hist.forward_change(tnx, 20, "basis_points").tolist()
    assert got[100] == pytest.approx(100 * (close[120] - close[100]), abs=1e-9)
    assert np.isnan(got[-1])
    vix = build(market, "^VIX", "SPY", "2020-03-16").series
    assert hist.forward_change(vix, 5, "points").iloc[0] == pytest.approx(vix["close"].iloc[5] - vix["close"].iloc[0])
    base = hist.event_study(tnx, returns="basis_points")[0]["horizons"]["20"]["baseline_median"]
    assert base == pytest.approx(statistics.median(100 * (close[i + 20] - close[i]) for i in range(len(close) - 20)))
    with pytest.raises(InputError, match="returns must be one of"):
        hist.forward_change(tnx, 20, "percent")


# -- the table -------------------------------------------------------------------------------------


def test_table_shows_n_median_edge_and_interval_at_20_sessions(market):
    """The piece's history table: one column each for n, the median, the edge and its interval, the current
    state and the baseline as the last rows, read from the JSON."""
    import re

    from analysis.view.piece import Piece

    piece = Piece.build("IWM", "SPY", "2024-07-08", "snapshot", market=market)
    html = str(piece.history_section())
    head = re.findall(r"<th>([^<]*)</th>", html)
    assert head == ["Trigger", "Last fired", "n", "Median", "Edge", "90% interval", "Reading"]
    rows = [re.findall(r"<td>([^<]*)</td>", r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", html)[1:]]
    assert rows[0] == [
        "2 closes above the 50-DMA",
        "June 28, 2024",
        "110",
        "+1.7%",
        "+0.5 pp",
        "\u22120.2 to +1.6",
        "no edge",
    ]
    assert rows[-2][:3] == ["Now: warning phase, Real Motion below its 50-DMA", "811 sessions", "100"]
    assert rows[-1][:4] == ["Any session (baseline)", "", "6,045", "+1.2%"]
    assert len(rows) == len(IDS) + 2
    assert 'class="state"' in html and "percentage points" in html


# -- no look-ahead -----------------------------------------------------------------------------


def test_an_earlier_as_of_sees_nothing_later(market, series):
    """The study built as of 2022-06-30 equals the 2024 series cut there: later data changes nothing."""
    early = build(market, "IWM", "SPY", "2022-06-30").series
    assert hist.event_study(early) == hist.event_study(series.loc[:"2022-06-30"])
    for h in hist.event_study(early):
        last_complete = len(early) - 1 - 60
        # every counted 60-session window ends on or before the as-of session
        fired = early.index.get_indexer(hist.occurrences(early)[h["id"]])
        assert h["horizons"]["60"]["open"] == int((fired > last_complete).sum())


@settings(max_examples=15, deadline=None)
@given(cut=st.integers(min_value=300, max_value=6000))
def test_occurrences_of_a_prefix_are_a_prefix(series, cut):
    full = hist.occurrences(series)
    part = hist.occurrences(series.iloc[:cut])
    end = series.index[cut - 1]
    for key in IDS:
        assert part[key].equals(full[key][full[key] <= end])


# -- errors ---------------------------------------------------------------------------------


def test_bad_arguments_say_what_to_pass(series):
    with pytest.raises(InputError, match="horizons"):
        hist.event_study(series, horizons=(0, 20))
    with pytest.raises(InputError, match="min_n"):
        hist.event_study(series, min_n=0)
    with pytest.raises(InputError, match="confirm_n"):
        hist.occurrences(series, confirm_n=0)
    with pytest.raises(DataError, match="lead_upper.*study.series"):
        hist.event_study(series.drop(columns=["lead_upper"]))


# -- the chart ---------------------------------------------------------------------------------


def bars(fig: Figure) -> list[Rectangle]:
    ax = fig.axes[0]
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_chart_has_one_bar_per_trigger_and_the_state(study_result, state, tmp_path):
    """One bar per trigger plus the current state, each as long as its edge (in percentage points), coloured
    by its verdict, with its 90% interval as an error bar; the state's label is the last row."""
    fig = history_chart(
        named(study_result), ticker="IWM", horizon="20", state=event_words.labelled_state(state, fast=50)
    )
    assert isinstance(fig, Figure)
    drawn = bars(fig)
    rows = [i["horizons"]["20"] for i in study_result] + [state["horizons"]["20"]]
    assert len(drawn) == len(IDS) + 1 == 12
    assert [round(b.get_width(), 9) for b in drawn] == [round(h["edge"] * 100, 9) for h in rows]
    assert [b.get_facecolor() for b in drawn] == [matplotlib.colors.to_rgba(VERDICT_COLORS[h["verdict"]]) for h in rows]
    assert all(b.get_facecolor() == matplotlib.colors.to_rgba(NO_EDGE) for b in drawn)  # IWM: no edge at 20
    ax = fig.axes[0]
    spans = sorted(
        (round(seg[0][0], 9), round(seg[1][0], 9))
        for coll in ax.collections
        for seg in coll.get_segments()
        if seg[0][1] == seg[1][1]  # the horizontal whiskers, not the caps
    )
    assert spans == sorted((round(h["edge_low"] * 100, 9), round(h["edge_high"] * 100, 9)) for h in rows)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "2 closes above the 50-DMA"
    assert labels[-1] == "Now: warning phase,\nReal Motion below its 50-DMA"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:3] == ["positive edge", "negative edge", "no edge (interval spans 0)"]
    assert "90% bootstrap interval" in legend
    assert "What history says: IWM" in ax.get_title(loc="left")
    (tmp_path / "history.png").write_bytes(style.png(fig))
    assert (tmp_path / "history.png").stat().st_size > 20_000


def test_chart_colours_by_verdict_not_direction(study_result):
    """A bearish trigger with a positive edge is green and a bullish one with a negative edge red: the
    colour follows the verdict (the JSON is edited to make both cases)."""
    import copy

    edited = copy.deepcopy(study_result)
    edited[0]["horizons"]["20"].update(edge=-0.01, edge_low=-0.02, edge_high=-0.005, verdict="negative edge")
    bearish = IDS.index("bullish_to_warning")
    edited[bearish]["horizons"]["20"].update(edge=0.01, edge_low=0.005, edge_high=0.02, verdict="positive edge")
    drawn = bars(history_chart(named(edited), ticker="IWM", horizon="20"))
    assert drawn[0].get_facecolor() == matplotlib.colors.to_rgba(style.DOWN)
    assert drawn[bearish].get_facecolor() == matplotlib.colors.to_rgba(style.UP)


def test_chart_greys_too_few_and_skips_empty(market):
    short = hist.event_study(build(market, "NVDA", "SPY", "2001-03-01").series)
    fig = history_chart(named(short), ticker="NVDA", horizon="60")
    with_median = [i for i in short if i["horizons"]["60"]["median"] is not None]
    assert len(bars(fig)) == len(with_median) < len(short)
    grey = matplotlib.colors.to_rgba(TOO_FEW)
    assert all(b.get_facecolor() == grey for b in bars(fig))  # every n here is below 10
    assert not fig.axes[0].collections  # and too few to read gets no interval


def test_chart_in_basis_points_for_a_yield(market):
    """^TNX: the edge is drawn in basis points (the bar is the edge itself, not 100 times it)."""
    study = build(market, "^TNX", "SPY", "2023-10-19")
    items = hist.event_study(study.series, returns="basis_points")
    fig = history_chart(named(items), ticker="^TNX", horizon="20", returns="basis_points")
    assert bars(fig)[0].get_width() == pytest.approx(items[0]["horizons"]["20"]["edge"], abs=1e-9)
    assert "edge (bp)" in fig.axes[0].get_xlabel()
    with pytest.raises(InputError, match="returns 'percent'"):
        history_chart(named(items), ticker="^TNX", returns="percent")


def test_edge_and_interval_texts_never_show_a_false_zero():
    """Synthetic numbers: an interval clear of zero never reads "+0" (one more digit instead)."""
    from analysis.model.units import units

    total, bp = units("total"), units("basis_points")
    assert total.interval(-0.0024, 0.0156, unit=False) == "\u22120.2 to +1.6"
    assert bp.interval(-9.8, -0.24, unit=False) == "\u22129.8 to \u22120.2"
    assert bp.interval(-12.0, -3.0, unit=False) == "\u221212 to \u22123"
    assert total.signed_edge(0.005) == "+0.5 pp" and units("points").signed_edge(0.85) == "+0.85 pts"


def test_chart_refuses_an_unknown_horizon(study_result):
    with pytest.raises(InputError, match="horizon '10'"):
        history_chart(named(study_result), ticker="IWM", horizon="10")
