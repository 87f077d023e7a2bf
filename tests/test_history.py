"""The event study (analysis/model/events.py) and its chart (analysis/view/charts/events.py).

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
from analysis.view.charts import style
from analysis.view.charts.events import TOO_FEW, history_chart

IDS = [t.id for t in hist.TRIGGERS]


@pytest.fixture(scope="module")
def series(iwm_study) -> pd.DataFrame:
    return iwm_study.series


@pytest.fixture(scope="module")
def study_result(series) -> list[dict]:
    return hist.event_study(series)


@pytest.fixture(scope="module")
def by_id(study_result) -> dict[str, dict]:
    return {item["id"]: item for item in study_result}


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
    assert item["trigger"] == "2 closes above the 50-DMA" and item["direction"] == "bullish"


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
    assert item["trigger"] == "3 closes above the 50-DMA"
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
    for item in study_result:
        assert set(item) == {"id", "trigger", "direction", "occurrences", "last_occurrence", "horizons"}
        assert list(item["horizons"]) == ["5", "20", "60"]
        for h in item["horizons"].values():
            assert set(h) == {
                "n",
                "median",
                "hit_rate",
                "baseline_median",
                "baseline_hit_rate",
                "baseline_n",
                "too_few",
                "overlapping",
                "open",
            }
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


def test_chart_has_one_bar_per_trigger_with_a_median(study_result, tmp_path):
    fig = history_chart(study_result, ticker="IWM", horizon="20")
    assert isinstance(fig, Figure)
    drawn = bars(fig)
    assert len(drawn) == len(IDS) == 11
    widths = sorted(round(b.get_width(), 9) for b in drawn)
    assert widths == sorted(round(i["horizons"]["20"]["median"] * 100, 9) for i in study_result)
    assert "What history says: IWM" in fig.axes[0].get_title(loc="left")
    (tmp_path / "history.png").write_bytes(style.png(fig))
    assert (tmp_path / "history.png").stat().st_size > 20_000


def test_chart_greys_too_few_and_skips_empty(market):
    short = hist.event_study(build(market, "NVDA", "SPY", "2001-03-01").series)
    fig = history_chart(short, ticker="NVDA", horizon="60")
    with_median = [i for i in short if i["horizons"]["60"]["median"] is not None]
    assert len(bars(fig)) == len(with_median) < len(short)
    grey = matplotlib.colors.to_rgba(TOO_FEW)
    assert all(b.get_facecolor() == grey for b in bars(fig))  # every n here is below 10


def test_chart_refuses_an_unknown_horizon(study_result):
    with pytest.raises(InputError, match="horizon '10'"):
        history_chart(study_result, ticker="IWM", horizon="10")
