"""Indicators: the model commentary's claims as known values, independent re-computations,
and properties (phases exhaustive and exclusive; no look-ahead)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from analysis import indicators as ind
from analysis.data import snapshot
from analysis.model.study import compute


def naive_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Rolling mean by explicit slicing (the independent re-computation)."""
    out = np.full(len(values), np.nan)
    for i in range(window - 1, len(values)):
        chunk = values[i - window + 1 : i + 1]
        if not np.isnan(chunk).any():
            out[i] = chunk.mean()
    return out


def naive_pstd(values: np.ndarray, window: int) -> np.ndarray:
    out = np.full(len(values), np.nan)
    for i in range(window - 1, len(values)):
        chunk = values[i - window + 1 : i + 1]
        if not np.isnan(chunk).any():
            out[i] = np.sqrt(((chunk - chunk.mean()) ** 2).mean())
    return out


# -- the commentary's claims, IWM vs SPY as of 2024-07-08 ------------------------------------


def test_price_and_moving_averages(iwm_study):
    last = iwm_study.last
    assert_allclose(last["close"], 202.279999, atol=1e-6)
    assert_allclose(last["sma_fast"], 202.76139956, atol=1e-6)
    assert_allclose(last["sma_slow"], 193.055300575, atol=1e-6)
    assert last["close"] < last["sma_fast"]


def test_phase_is_warning(iwm_study):
    assert iwm_study.last["phase"] == "warning"


def test_real_motion_below_its_fast_line_last_above_june_5(iwm_study):
    s = iwm_study.series
    assert s["rm"].iloc[-1] < s["rm_fast"].iloc[-1]
    assert ind.last_true(s["rm"] > s["rm_fast"]) == pd.Timestamp("2024-06-05")


def test_leadership_below_zero_and_band(iwm_study):
    s = iwm_study.series
    assert s["lead"].iloc[-1] < 0 and s["lead"].iloc[-1] < s["lead_upper"].iloc[-1]
    assert ind.last_true(s["lead"] > 0) == pd.Timestamp("2024-01-02")
    assert ind.last_true(s["lead"] > s["lead_upper"]) == pd.Timestamp("2023-12-28")


def test_confirmation_and_level(iwm_study):
    s = iwm_study.series
    assert s["closes_above"].iloc[-1] == 0
    assert ind.last_run_completed(s["close"], s["sma_fast"], 2) == pd.Timestamp("2024-06-28")
    price, date = ind.level_to_clear(s["close"], 22)
    assert_allclose(price, 205.059998, atol=1e-6)
    assert date == pd.Timestamp("2024-06-05")


def test_ten_year_total_returns(iwm_study):
    s = iwm_study.series
    ten = ind.SPANS["10y"]
    assert_allclose(ind.total_return(s["adj_close"], ten), 0.98604, atol=5e-6)
    assert_allclose(ind.total_return(s["bench_adj_close"], ten), 2.38058, atol=5e-6)


# -- independent re-computation ---------------------------------------------------------------


def test_rolling_means_and_deviations_match_a_naive_recomputation(iwm_study):
    s = iwm_study.series.iloc[-1200:]
    close = iwm_study.series["close"].to_numpy()
    sma200 = naive_mean(close, 200)
    assert_allclose(iwm_study.series["sma_slow"].to_numpy()[-1200:], sma200[-1200:], rtol=1e-10)
    rm = 100 * (close / sma200 - 1)
    fast = naive_mean(rm, 50)
    assert_allclose(s["rm"].to_numpy(), rm[-1200:], rtol=1e-9, atol=1e-9)
    assert_allclose(s["rm_fast"].to_numpy(), fast[-1200:], rtol=1e-9, atol=1e-9)
    assert_allclose(s["rm_upper"].to_numpy(), fast[-1200:] + 2 * naive_pstd(rm, 50)[-1200:], rtol=1e-9, atol=1e-9)
    assert_allclose(s["rm_slow"].to_numpy(), naive_mean(rm, 200)[-1200:], rtol=1e-9, atol=1e-9)
    rs = (iwm_study.series["close"] / iwm_study.series["bench_close"]).to_numpy()
    lead = 100 * (rs / naive_mean(rs, 200) - 1)
    assert_allclose(s["lead"].to_numpy(), lead[-1200:], rtol=1e-9, atol=1e-9)
    assert_allclose(
        s["lead_lower"].to_numpy(),
        naive_mean(lead, 50)[-1200:] - 2 * naive_pstd(lead, 50)[-1200:],
        rtol=1e-9,
        atol=1e-9,
    )


def test_nan_policy_of_real_motion():
    close = snapshot.read("IWM")["close"].iloc[:420]
    rm = ind.real_motion(close)
    assert rm["rm"].iloc[:199].isna().all() and rm["rm"].iloc[199:].notna().all()
    assert rm["fast"].iloc[:248].isna().all() and not np.isnan(rm["fast"].iloc[248])
    assert rm["slow"].iloc[:398].isna().all() and not np.isnan(rm["slow"].iloc[398])


def test_indicators_do_not_mutate_their_input():
    frame = snapshot.read("IWM").iloc[:400]
    before = frame.copy()
    compute(frame, snapshot.read("SPY").loc[frame.index])
    pd.testing.assert_frame_equal(frame, before)


# -- properties ---------------------------------------------------------------------------------

finite = st.floats(min_value=1.0, max_value=1000.0, allow_nan=False)


@given(st.lists(st.tuples(finite, finite, finite), min_size=1, max_size=60))
def test_phases_are_exhaustive_and_exclusive(triples):
    p, f, s = (pd.Series(x) for x in zip(*triples))
    phases = ind.classify(p, f, s)
    assert phases.isin(ind.PHASES).all()
    for i, (pi, fi, si) in enumerate(triples):
        rules = [
            fi >= si and pi > fi,
            fi >= si and si <= pi <= fi,
            fi >= si and pi < si,
            fi < si and pi < fi,
            fi < si and fi <= pi < si,
            fi < si and pi >= si,
        ]
        assert sum(rules) == 1
        assert phases.iloc[i] == ind.PHASES[rules.index(True)]


def test_phase_is_unknown_without_averages():
    phases = ind.classify(pd.Series([1.0, 2.0]), pd.Series([np.nan, 1.0]), pd.Series([1.0, np.nan]))
    assert phases.isna().all()


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=450, max_value=3000), st.integers(min_value=1, max_value=400))
def test_no_look_ahead(cut, extra):
    """Values at a session do not change when later data is appended."""
    t, b = snapshot.read("IWM"), snapshot.read("SPY")
    common = t.index.intersection(b.index)
    short_idx, long_idx = common[:cut], common[: cut + extra]
    short = compute(t.loc[short_idx], b.loc[short_idx])
    long = compute(t.loc[long_idx], b.loc[long_idx]).loc[short_idx]
    pd.testing.assert_frame_equal(short, long, check_exact=False, rtol=1e-9, atol=1e-9)


def test_phase_since_and_runs():
    phases = pd.Series(
        ["bullish", "bullish", "warning", "warning", "warning"],
        index=pd.bdate_range("2024-01-01", periods=5),
        dtype=object,
    )
    assert ind.phase_since(phases) == pd.Timestamp("2024-01-03")
    runs = ind.phase_runs(phases)
    assert list(runs["phase"]) == ["bullish", "warning"] and list(runs["sessions"]) == [2, 3]


def test_consecutive_closes_and_runs():
    idx = pd.bdate_range("2024-01-01", periods=7)
    close = pd.Series([1, 3, 3, 1, 3, 3, 3], index=idx, dtype=float)
    line = pd.Series(2.0, index=idx)
    assert ind.consecutive_above(close, line).tolist() == [0, 1, 2, 0, 1, 2, 3]
    assert ind.last_run_completed(close, line, 2) == idx[5]
    assert ind.last_run_completed(close, line, 4) is None


def test_returns_are_none_when_history_is_short():
    close = snapshot.read("IWM")["adj_close"].iloc[:300]
    assert ind.total_return(close, ind.SPANS["10y"]) is None
    assert ind.total_return(close, ind.SPANS["1m"]) is not None


def test_mean_reversion_signal():
    idx = pd.bdate_range("2024-01-01", periods=4)
    rm = pd.Series([0, -5, -1, 6], index=idx, dtype=float)
    upper, lower = pd.Series(5.0, index=idx), pd.Series(-3.0, index=idx)
    assert ind.mean_reversion(rm, upper, lower).tolist() == [0, 0, 1, 0]


def test_divergence_sign_rule():
    idx = pd.bdate_range("2024-01-01", periods=3)
    rm, fast = pd.Series([1.0, -1.0, 1.0], index=idx), pd.Series(0.0, index=idx)
    close, sma = pd.Series([10.0, 10.0, 8.0], index=idx), pd.Series(9.0, index=idx)
    assert ind.divergence(rm, fast, close, sma).tolist() == [False, True, True]
