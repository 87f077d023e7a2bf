"""The solved closes flip their indicator exactly: append the solved close plus and minus one
cent to the real bundled series as a new session, recompute with the project's own
:func:`analysis.model.study.compute`, and read the signal on both sides."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from analysis.data import snapshot
from analysis.errors import DataError, InputError
from analysis.indicators import solve
from analysis.model.study import build, compute, leadership_basis
from analysis.params import Settings

CENT = 0.01
CASES = [
    ("IWM", "SPY", "2024-07-08"),
    ("QQQ", "SPY", "2022-10-14"),
    ("NVDA", "QQQ", "2025-04-08"),
    ("TLT", "SPY", "2022-10-21"),
    ("^VIX", "SPY", "2020-03-16"),
    ("SPY", "QQQ", "2020-03-23"),
]


DEFAULT = Settings()


def next_session(prices: pd.DataFrame, bench: pd.DataFrame, close: float, settings: Settings = DEFAULT) -> pd.Series:
    """The indicator row of a new session closing at ``close``, the benchmark unchanged."""
    day = prices.index[-1] + pd.offsets.BDay(1)
    last = prices.iloc[-1]
    row = prices.iloc[[-1]].set_axis([day]).assign(close=close, adj_close=close * last["adj_close"] / last["close"])
    p = pd.concat([prices, row])
    b = pd.concat([bench, bench.iloc[[-1]].set_axis([day])])
    return compute(p, b, settings).iloc[-1]


def signal(event: dict, row: pd.Series):
    """What the event is about, read from a recomputed row."""
    name = event["event"]
    if name == "price_vs_sma_fast":
        return row["close"] > row["sma_fast"]
    if name == "price_vs_sma_slow":
        return row["close"] > row["sma_slow"]
    if name == "real_motion_vs_fast":
        return row["rm"] > row["rm_fast"]
    if name == "leadership_vs_zero":
        return row["lead"] > 0
    return row["phase"]


def assert_flips(event: dict, prices: pd.DataFrame, bench: pd.DataFrame, today: pd.Series) -> None:
    price = event["price"]
    above, below = (signal(event, next_session(prices, bench, price + d)) for d in (CENT, -CENT))
    if event["event"] == "phase":
        before, after = (below, above) if event["direction"] == "up" else (above, below)
        assert (before, after) == (event["from"], event["to"]), event
    else:
        assert (above, below) == (True, False), event
        assert signal(event, today) == (event["direction"] == "down"), event  # the flip is away from today
    assert_allclose(event["distance_pct"], price / today["close"] - 1.0, rtol=1e-12)


@pytest.fixture(scope="module")
def studies(market):
    return {case: build(market, *case) for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[2]}")
def test_every_solved_close_flips_its_indicator(studies, case):
    study = studies[case]
    basis = "bench_adj_close" if leadership_basis(study.prices, study.full_bench) == "adj_close" else "bench_close"
    events = solve.what_would_change(study.series["close"], study.series[basis])
    assert {e["event"] for e in events} >= {
        "price_vs_sma_fast",
        "real_motion_vs_fast",
        "leadership_vs_zero",
        "phase",
        "price_vs_sma_slow",
    }
    for event in events:
        assert_flips(event, study.prices, study.bench, study.last)


def test_iwm_2024_07_08_known_values(studies):
    """IWM vs SPY on the model commentary's date: the five closes that would change the view."""
    study = studies[CASES[0]]
    s = study.series
    got = {
        (e["event"], e["direction"]): round(e["price"], 2)
        for e in solve.what_would_change(s["close"], s["bench_close"])
    }
    assert got == {
        ("price_vs_sma_fast", "up"): 202.89,
        ("real_motion_vs_fast", "up"): 204.99,
        ("leadership_vs_zero", "up"): 219.92,
        ("phase", "up"): 202.89,
        ("phase", "down"): 193.12,
        ("price_vs_sma_slow", "down"): 193.12,
    }
    # the 50-DMA event is the mean of the last 49 closes, by definition
    assert_allclose(solve.sma_cross(s["close"], 50)["price"], s["close"].iloc[-49:].mean(), rtol=1e-12)
    phases = [e for e in solve.phase_changes(s["close"]) if e["event"] == "phase"]
    assert [(e["from"], e["to"]) for e in phases] == [("warning", "bullish"), ("warning", "distribution")]


def test_real_motion_crossing_is_below_a_cent_exact(studies):
    """The closed form, checked against the indicator itself at a tenth of a cent."""
    study = studies[CASES[0]]
    event = solve.real_motion_cross(study.series["close"])
    for delta, want in ((0.001, True), (-0.001, False)):
        row = next_session(study.prices, study.bench, event["price"] + delta)
        assert (row["rm"] > row["rm_fast"]) == want


def test_settings_other_than_50_200(studies):
    """Windows are settings: a 20/100 study flips where the 20/100 solution says."""
    study = studies[CASES[1]]
    short = Settings(fast=20, slow=100)
    s = compute(study.prices, study.bench, short)
    for event in solve.what_would_change(s["close"], s["bench_close"], fast=20, slow=100):
        price = event["price"]
        above, below = (signal(event, next_session(study.prices, study.bench, price + d, short)) for d in (CENT, -CENT))
        if event["event"] == "phase":
            assert {above, below} == {event["from"], event["to"]}
        else:
            assert (above, below) == (True, False)


def test_too_little_history_omits_events():
    close = snapshot.read("IWM")["close"].iloc[:120]
    events = solve.what_would_change(close)
    assert [e["event"] for e in events] == ["price_vs_sma_fast"]


def test_bad_input_is_refused():
    close = snapshot.read("IWM")["close"]
    with pytest.raises(InputError, match="shorter than the slow"):
        solve.phase_changes(close, fast=200, slow=50)
    with pytest.raises(DataError, match="benchmark on the ticker's last session"):
        solve.leadership_zero(close, snapshot.read("SPY")["close"].iloc[:-5])
    irx = snapshot.read("^IRX")["close"]
    negative = irx.index[irx <= 0][0]
    with pytest.raises(DataError, match="positive closes"):
        solve.what_would_change(irx.loc[:negative])


# -- property: over random bundled tickers and dates, every event flips where it says ---------

PAIRS = [t for t in snapshot.tickers() if t not in ("SPY", "^IRX")]  # ^IRX has closes <= 0


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(PAIRS), st.floats(min_value=0.0, max_value=1.0))
@pytest.mark.slow  # several seconds in one process: the whole suite (make check) runs it
def test_solved_closes_flip_on_random_tickers_and_dates(ticker, where):
    t, b = snapshot.read(ticker), snapshot.read("SPY")
    common = t.index.intersection(b.index)
    cut = common[: 420 + int(where * (len(common) - 420))]
    prices, bench = t.loc[cut], b.loc[cut]
    today = compute(prices, bench).iloc[-1]
    events = solve.what_would_change(prices["close"], bench[leadership_basis(prices, bench)])
    cuts = sorted(e["price"] for e in events if e["event"] != "leadership_vs_zero")
    for event in events:
        crowded = any(0 < abs(c - event["price"]) < 2 * CENT for c in cuts)
        if event["price"] <= CENT or (event["event"] == "phase" and crowded):
            continue  # a cent would step over a second breakpoint (or below zero): not this check
        assert_flips(event, prices, bench, today)
    assert all(math.isfinite(e["price"]) and e["price"] > 0 for e in events)
