"""The call's track record: the piece's call replayed on every past session, and what followed.

**The replay.** :func:`replay` applies the call rule of :mod:`analysis.model.call` (``grade``,
then ``call_of``'s inversion for a gauge) to every row of ``study.series`` at once. The four
facts it reads are the study's causal columns: the phase, the close against ``sma_fast`` and
``sma_slow``, Real Motion against ``rm_fast``, and the sign of Leadership at the last session
the benchmark traded (as ``facts`` reads it) where the profile shows Leadership. Every column
is a rolling window over earlier rows, so the call of row ``t`` uses data up to ``t`` only;
``tests/test_track_record.py`` proves it by truncating the series, and proves the vectorised
rule equals ``call.grade`` on every combination of facts and the call of
``analysis.summary.build`` at past dates. The record starts at the first session with every
fact known (the slow average, Real Motion's fast average and, where shown, Leadership).

**What is graded.** The call is for a holder, so it is graded on what the holder holds
(:func:`grading`):

* a price (a fund, a stock, an index, crypto): the ticker's own move as its profile measures
  it (a total or price return), and relative to the benchmark's total return;
* a volatility index: its call is for stocks, so it is graded on the benchmark's total return
  (the market the gauge speaks for), not on the gauge's points;
* a yield: its call is for bond holders, graded on the change in the yield in basis points, a
  rise being a loss for the holder. Not a Treasury fund: the yield is the series the piece
  reads, its history is far longer than any fund's, and a fund's return mixes in its own
  duration and coupon.

**The sampling: non-overlapping windows, not a block bootstrap.** A call holds for weeks, so
neighbouring sessions share almost all of their 20- or 60-session windows: counted as separate
observations they would shrink every interval by a factor no one can state. Per state and
horizon ``h``, a session counts only ``h`` sessions or more after the last counted one
(:func:`analysis.model.forward.non_overlapping`, the rule of "What history says"), so counted
windows never overlap; the intervals then resample those counted windows with replacement
(:func:`analysis.model.forward.edge_interval`, 2,000 resamples from a fixed seed). A block
bootstrap of all sessions would keep more data but needs a block length chosen by hand (the
result depends on it) and would state different intervals from the history section for the
same kind of question. The drift (the baseline) is every session of the record with a
complete window, not thinned: it is the whole history the states are drawn from.

**The reader's alternative.** :func:`simple_rule` is the rule a reader would use instead:
hold while the graded series closes above its 200-session average (Faber's 10-month rule in
daily form), for a yield while the yield is below it. It is graded exactly like the call, and
:func:`record` sets the gap it opened between its two states against the gap the call opened
between constructive and defensive.

Nothing here writes English (:mod:`analysis.text.track_words` does) and nothing reads past the
last row of ``series``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.model.call import CALLS, INVERTED_KINDS
from analysis.model.forward import (
    LEVEL,
    RESAMPLES,
    SEED,
    bootstrap_medians,
    edge_interval,
    forward_change,
    forward_return,
    non_overlapping,
    verdict,
)
from analysis.model.profile import Profile
from analysis.model.study import Study
from analysis.model.types import SummaryDict
from analysis.model.units import units

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: Sessions ahead at which what followed a call is measured (the first is page one's).
HORIZONS = (20, 60)
#: Fewer counted windows than this are too few to read (as in "What history says").
MIN_N = 10
#: The reader's rule: the graded series against its average of this many sessions (Faber's 10 months).
SIMPLE_WINDOW = 200
#: Phases in which momentum down makes the call defensive (:func:`analysis.model.call.grade`).
BEARISH = ("bearish", "distribution")
#: The simple rule's two states, in the order of :data:`CALLS` (worst first for the holder).
RULE_STATES = ("out", "in")


@dataclass(frozen=True)
class Grading:
    """What a ticker's call is graded on (:func:`grading`)."""

    on: str  #: ticker | benchmark | yield
    measure: (
        str  #: the :class:`~analysis.model.units.Units` key of the graded move: total | price | points | basis_points
    )
    sign: int  #: +1: the holder gains when the graded series rises; -1 (a yield): when it falls
    relative: bool  #: whether the move relative to the benchmark is measured too


def grading(kind: str, returns: str) -> Grading:
    """The :class:`Grading` of a profile (``kind``, ``returns``): see the module's docstring."""
    if kind == "volatility":
        return Grading("benchmark", "total", 1, False)
    if kind == "yield" or returns == "basis_points":
        return Grading("yield", "basis_points", -1, False)
    if returns == "points":  # a level nobody holds, read for its own trend
        return Grading("ticker", "points", 1, False)
    return Grading("ticker", returns, 1, True)


# -- the replay ----------------------------------------------------------------------------------


def _at_last_common(values: pd.Series, common: pd.Series | None) -> Floats:
    """``values`` at the last row ``<= t`` on which ``common`` is True (NaN before the first).

    Leadership as the summary reads it: the value of the last session both series traded.
    """
    v = values.to_numpy(float)
    if common is None:
        return v
    rows = np.arange(v.size)
    last = np.maximum.accumulate(np.where(common.to_numpy(bool), rows, -1))
    return np.where(last >= 0, v[np.clip(last, 0, None)], np.nan)


def facts(series: pd.DataFrame, *, leadership_shown: bool) -> pd.DataFrame:
    """The four facts of :class:`analysis.model.call.CallState` at every session, and whether all are known.

    Columns: ``phase`` (str or None), ``above_fast``, ``above_slow``, ``momentum`` (bool: a
    missing average or Real Motion reads False, as in ``call.state``), ``leading`` (1.0 / 0.0,
    NaN where Leadership is hidden or unknown) and ``known`` (every fact the call reads exists:
    the slow average, Real Motion's fast average, the phase and, where shown, Leadership).
    """
    close = series["close"].to_numpy(float)
    fast, slow = series["sma_fast"].to_numpy(float), series["sma_slow"].to_numpy(float)
    rm, rm_fast = series["rm"].to_numpy(float), series["rm_fast"].to_numpy(float)
    lead = _at_last_common(series["lead"], series["common"] if "common" in series else None)
    phase = series["phase"].to_numpy(object)
    leading = (
        np.where(np.isnan(lead), np.nan, (lead > 0).astype(float)) if leadership_shown else np.full(lead.size, np.nan)
    )
    known = (phase != None) & ~np.isnan(slow) & ~np.isnan(rm) & ~np.isnan(rm_fast)  # noqa: E711 (elementwise)
    if leadership_shown:
        known &= ~np.isnan(lead)
    return pd.DataFrame(
        {
            "phase": phase,
            "above_fast": close > fast,
            "above_slow": close > slow,
            "momentum": rm > rm_fast,
            "leading": leading,
            "known": known,
        },
        index=series.index,
    )


def grades(f: pd.DataFrame) -> Ints:
    """:func:`analysis.model.call.grade` of every row of :func:`facts`, as an index into :data:`CALLS`.

    constructive: a bullish phase with momentum up, or above both averages with momentum up and
    Leadership not below zero; defensive: a bearish or distribution phase with momentum down, or
    below both averages with momentum down; cautious otherwise.
    """
    phase = f["phase"].to_numpy(object)
    above_fast, above_slow = f["above_fast"].to_numpy(bool), f["above_slow"].to_numpy(bool)
    momentum = f["momentum"].to_numpy(bool)
    lagging = f["leading"].to_numpy(float) == 0.0
    constructive = ((phase == "bullish") & momentum) | (above_fast & above_slow & momentum & ~lagging)
    defensive = (np.isin(phase, BEARISH) & ~momentum) | (~above_fast & ~above_slow & ~momentum)
    out: Ints = np.where(constructive, 2, np.where(defensive, 0, 1)).astype(np.int64)
    return out


def codes(series: pd.DataFrame, kind: str, leadership: str) -> tuple[Ints, Bools]:
    """The reader's call at every session as an index into :data:`CALLS` (turned over for a gauge,
    :data:`~analysis.model.call.INVERTED_KINDS`), and the mask of sessions in the record."""
    f = facts(series, leadership_shown=leadership == "shown")
    g = grades(f)
    call = (len(CALLS) - 1 - g) if kind in INVERTED_KINDS else g
    return call, f["known"].to_numpy(bool)


def replay(series: pd.DataFrame, kind: str, leadership: str) -> pd.Series:
    """The call (``constructive``, ``cautious``, ``defensive``) the piece's rule gives at every session
    of ``series`` (``study.series``), from data up to that session only; missing (NaN) before the
    record starts (a fact the call reads is not known yet)."""
    call, known = codes(series, kind, leadership)
    names: list[str | None] = [CALLS[int(c)] if k else None for c, k in zip(call.tolist(), known.tolist())]
    return pd.Series(names, index=series.index, name="call")


# -- what followed -------------------------------------------------------------------------------


def graded(series: pd.DataFrame, g: Grading) -> pd.DataFrame:
    """The ``close`` and ``adj_close`` of the series a call is graded on: the benchmark's for a gauge
    of stocks (carried onto the ticker's sessions as in the study), else the ticker's own."""
    if g.on == "benchmark":
        return pd.DataFrame({"close": series["bench_close"], "adj_close": series["bench_adj_close"]})
    return series[["close", "adj_close"]]


def worst_within(frame: pd.DataFrame, h: int, g: Grading) -> Floats:
    """The worst move against the holder within each ``h``-session window, in the measure's units and sign.

    For session ``t``: the most adverse of the moves from ``t`` to ``t + 1 .. t + h`` for the
    holder, and never better than zero (a window that never dipped reads 0). A price's is a
    fall (a negative fraction of ``adj_close``, or ``close`` for a price return); a yield's a
    rise (positive bp). NaN for the last ``h`` rows and where the window has a gap.
    """
    close = frame["adj_close" if g.measure == "total" else "close"]
    window = close.rolling(h, min_periods=h)
    # the holder's worst close of t + 1 .. t + h: the lowest for a price, the highest for a yield
    extreme = (window.min() if g.sign > 0 else window.max()).shift(-h).to_numpy(float)
    a, u = close.to_numpy(float), units(g.measure)
    moves = extreme / a - 1.0 if u.is_return else u.level_scale * (extreme - a)
    out: Floats = g.sign * np.minimum(g.sign * moves, 0.0)
    return out


def relative_move(series: pd.DataFrame, h: int, g: Grading) -> Floats:
    """The ticker's ``h``-session move minus the benchmark's total return over the same sessions (NaN where unmeasured)."""
    if not g.relative:
        return np.full(len(series), np.nan)
    own = forward_change(series, h, g.measure).to_numpy(float)
    out: Floats = own - forward_return(series["bench_adj_close"], h).to_numpy(float)
    return out


@dataclass(frozen=True)
class Horizon:
    """Every session's forward numbers at one horizon ``h`` (NaN where the window is incomplete)."""

    h: int
    move: Floats  #: the graded move
    worst: Floats  #: :func:`worst_within`
    relative: Floats  #: :func:`relative_move`


def horizon(series: pd.DataFrame, h: int, g: Grading) -> Horizon:
    """The :class:`Horizon` of ``series`` at ``h`` sessions, graded as ``g``."""
    frame = graded(series, g)
    return Horizon(
        h, forward_change(frame, h, g.measure).to_numpy(float), worst_within(frame, h, g), relative_move(series, h, g)
    )


def counted(mask: Bools, move: Floats, h: int) -> Ints:
    """Rows of ``mask`` with a complete window, thinned so that counted windows never overlap."""
    complete = np.flatnonzero(mask & ~np.isnan(move))
    kept: Ints = non_overlapping(complete, h).astype(np.int64)
    return kept


# -- the statistics ------------------------------------------------------------------------------


def _num(x: Any) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def describe(values: Floats, sign: int) -> SummaryDict:
    """``n``, ``median``, ``q1``, ``q3`` (the middle half) and ``hit_rate`` (share of windows the holder
    gained in: a rise, or for a yield a fall); ``None`` for an empty sample."""
    v = values[~np.isnan(values)]
    if not v.size:
        return {"n": 0, "median": None, "q1": None, "q3": None, "hit_rate": None}
    q1, median, q3 = np.quantile(v, [0.25, 0.5, 0.75])
    return {
        "n": int(v.size),
        "median": float(median),
        "q1": float(q1),
        "q3": float(q3),
        "hit_rate": float(np.mean(sign * v > 0)),
    }


def edge(values: Floats, baseline_median: float | None, min_n: int) -> SummaryDict:
    """``edge`` (median minus the baseline's), its bootstrap 90% interval and the ``verdict`` (:func:`~analysis.model.forward.verdict`)."""
    v = values[~np.isnan(values)]
    if not v.size or baseline_median is None:
        return {"edge": None, "edge_low": None, "edge_high": None, "verdict": "too few"}
    e, low, high = edge_interval(v, baseline_median, level=LEVEL, resamples=RESAMPLES, seed=SEED)
    return {"edge": e, "edge_low": low, "edge_high": high, "verdict": verdict(int(v.size), low, high, min_n)}


def as_called(state: str, found: str, e: float | None, sign: int) -> bool | None:
    """Whether an edge clear of zero went the way the state says: better for the holder than any
    session after a constructive call (or the simple rule's ``in``), worse after a defensive one
    (``out``). ``None`` where there is no edge, or the state (cautious) says neither."""
    if found not in ("positive edge", "negative edge") or e is None or state in ("cautious",):
        return None
    better = sign * e > 0
    return better if state in ("constructive", "in") else not better


def _worst(values: Floats, sign: int) -> float | None:
    v = values[~np.isnan(values)]
    return None if not v.size else float(sign * np.min(sign * v))


def state_horizon(state: str, mask: Bools, hz: Horizon, base: SummaryDict, g: Grading, min_n: int) -> SummaryDict:
    """One state's numbers at one horizon: its counted windows described, its edge over the drift,
    the worst move within them, and the same relative to the benchmark."""
    rows = counted(mask, hz.move, hz.h)
    complete = int(np.count_nonzero(mask & ~np.isnan(hz.move)))
    values = hz.move[rows]
    found = edge(values, base["median"], min_n)
    worst = hz.worst[rows]
    out: SummaryDict = {
        **describe(values, g.sign),
        "overlapping": complete - int(rows.size),
        "open": int(np.count_nonzero(mask)) - complete,
        "drawdown": _num(np.median(worst)) if rows.size else None,
        "worst_drawdown": _worst(worst, g.sign),
        **found,
        "as_called": as_called(state, found["verdict"], found["edge"], g.sign),
        "relative": None,
    }
    if g.relative:
        rel = hz.relative[rows]
        out["relative"] = {**describe(rel, 1), **edge(rel, base["relative"]["median"], min_n)}
    return out


def baseline(record: Bools, hz: Horizon, g: Grading) -> SummaryDict:
    """The drift at one horizon: every session of the record with a complete window (not thinned)."""
    rows = np.flatnonzero(record & ~np.isnan(hz.move))
    worst = hz.worst[rows]
    return {
        **describe(hz.move[rows], g.sign),
        "drawdown": _num(np.median(worst)) if rows.size else None,
        "worst_drawdown": _worst(worst, g.sign),
        "relative": describe(hz.relative[rows], 1) if g.relative else None,
    }


def spread(better: Floats, worse: Floats, sign: int, min_n: int) -> SummaryDict:
    """How much better for the holder the windows after the favourable state were than after the
    unfavourable one: ``sign * (median(better) - median(worse))``, with a bootstrap 90% interval
    (each side resampled on its own, :func:`~analysis.model.forward.bootstrap_medians`, seeds
    ``SEED`` and ``SEED + 1``) and a verdict; ``too few`` when either side has fewer than ``min_n``."""
    if better.size == 0 or worse.size == 0:
        return {"spread": None, "low": None, "high": None, "verdict": "too few"}
    gap = float(sign * (np.median(better) - np.median(worse)))
    boots = sign * (bootstrap_medians(better, seed=SEED) - bootstrap_medians(worse, seed=SEED + 1))
    low, high = (float(x) for x in np.quantile(boots, [(1 - LEVEL) / 2, (1 + LEVEL) / 2]))
    return {"spread": gap, "low": low, "high": high, "verdict": verdict(min(better.size, worse.size), low, high, min_n)}


def runs(labels: Ints, states: int, year: int) -> SummaryDict:
    """How often a sequence of states changes and how long each lasts (in sessions).

    ``labels`` are the record's states in session order (an index into a list of ``states``).
    ``changes``, ``per_year`` (changes per ``year`` sessions), ``median_run`` (median length of
    a run of one state), ``current_run`` (sessions the last state has held), and by state
    ``runs`` (how many) and ``median_runs`` (their median length; ``None`` for a state never held).
    """
    n = labels.size
    if not n:
        return {
            "changes": 0,
            "per_year": None,
            "median_run": None,
            "current_run": 0,
            "runs": [0] * states,
            "median_runs": [None] * states,
        }
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    lengths = np.diff(np.r_[starts, n])
    which = labels[starts]
    return {
        "changes": int(starts.size - 1),
        "per_year": float((starts.size - 1) / (n / year)),
        "median_run": float(np.median(lengths)),
        "current_run": int(lengths[-1]),
        "runs": [int(np.count_nonzero(which == k)) for k in range(states)],
        "median_runs": [_num(np.median(lengths[which == k])) if np.any(which == k) else None for k in range(states)],
    }


def simple_rule(series: pd.DataFrame, g: Grading, window: int = SIMPLE_WINDOW) -> Floats:
    """The reader's rule at every session: 1.0 (hold) when the graded close is above its ``window``-session
    average (for a yield: below it), 0.0 when not, NaN until the average exists."""
    close = graded(series, g)["close"]
    average = close.rolling(window, min_periods=window).mean().to_numpy(float)
    c = close.to_numpy(float)
    hold = c > average if g.sign > 0 else c < average
    return np.where(np.isnan(average) | np.isnan(c), np.nan, hold.astype(float))


# -- the record ----------------------------------------------------------------------------------


def _states_block(
    names: tuple[str, ...],
    labels: Ints,
    record: Bools,
    horizons: list[Horizon],
    bases: dict[int, SummaryDict],
    g: Grading,
    min_n: int,
) -> dict[str, SummaryDict]:
    total = int(np.count_nonzero(record))
    out: dict[str, SummaryDict] = {}
    for k, name in enumerate(names):
        mask = record & (labels == k)
        out[name] = {
            "sessions": int(np.count_nonzero(mask)),
            "share": float(np.count_nonzero(mask) / total) if total else None,
            "horizons": {str(hz.h): state_horizon(name, mask, hz, bases[hz.h], g, min_n) for hz in horizons},
        }
    return out


def _with_runs(block: dict[str, SummaryDict], r: SummaryDict) -> dict[str, SummaryDict]:
    """Each state's block with its ``runs`` and ``median_run`` (from :func:`runs`)."""
    return {
        name: {
            "sessions": b["sessions"],
            "share": b["share"],
            "runs": r["runs"][k],
            "median_run": r["median_runs"][k],
            "horizons": b["horizons"],
        }
        for k, (name, b) in enumerate(block.items())
    }


def _spreads(labels: Ints, rule: Floats, record: Bools, hz: Horizon, g: Grading, min_n: int) -> SummaryDict:
    """The call's gap (constructive over defensive) and the simple rule's (in over out) at one horizon."""

    def values(mask: Bools) -> Floats:
        return hz.move[counted(mask, hz.move, hz.h)]

    known = record & ~np.isnan(rule)
    return {
        "call": spread(values(record & (labels == 2)), values(record & (labels == 0)), g.sign, min_n),
        "rule": spread(values(known & (rule == 1.0)), values(known & (rule == 0.0)), g.sign, min_n),
    }


def in_record(series: pd.DataFrame, kind: str, leadership: str, g: Grading) -> tuple[Ints, Bools]:
    """:func:`codes`, with the record narrowed to the sessions the graded series has a close on
    (a gauge graded on a benchmark that started trading later)."""
    labels, known = codes(series, kind, leadership)
    return labels, known & ~np.isnan(graded(series, g)["close"].to_numpy(float))


def unavailable(reason: str) -> SummaryDict:
    """The record of a history too short to replay the call on."""
    return {"available": False, "reason": reason}


def record(
    series: pd.DataFrame,
    *,
    kind: str,
    returns: str,
    leadership: str,
    ticker: str,
    benchmark: str,
    year: int = 252,
    horizons: tuple[int, ...] = HORIZONS,
    min_n: int = MIN_N,
) -> SummaryDict:
    """The JSON-ready track record of the call over ``series`` (``study.series``) for a profile
    (``kind``, ``returns``, ``leadership``, ``year``: :class:`analysis.model.profile.Profile`).

    Keys (``docs/summary.md``, ``track_record``): ``available``, ``reason``; the record's
    ``first_session``, ``last_session``, ``sessions``; what is graded (``graded_on``,
    ``graded_symbol``, ``measure``, ``holder_gains``) and how (``sampling``, ``level``,
    ``resamples``, ``min_n``, ``horizons``); today's ``call`` and ``call_sessions``; the call's
    ``changes``; per call ``states`` (sessions, share, runs, median run, per horizon the counted
    windows' median, middle half, hit rate, drawdowns, edge over the drift with its interval,
    verdict, ``as_called`` and the same relative to the benchmark); the drift (``baseline``);
    the ``simple_rule`` graded the same way; and per horizon the ``spread`` of each.
    """
    g = grading(kind, returns)
    labels, record_mask = in_record(series, kind, leadership, g)
    if not record_mask.any():
        return unavailable(
            "no session has every fact the call reads yet (the slow average and Real Motion's own average need about a year)"
        )
    first = int(np.flatnonzero(record_mask)[0])
    hzs = [horizon(series, h, g) for h in horizons]
    bases = {hz.h: baseline(record_mask, hz, g) for hz in hzs}
    rule = simple_rule(series, g)
    call_runs = runs(labels[record_mask], len(CALLS), year)
    rule_known = record_mask & ~np.isnan(rule)
    rule_labels = np.where(np.isnan(rule), 0, rule).astype(np.int64)
    rule_runs = runs(rule_labels[rule_known], len(RULE_STATES), year)
    index = series.index
    return {
        "available": True,
        "reason": None,
        "first_session": index[first].date().isoformat(),
        "last_session": index[-1].date().isoformat(),
        "sessions": int(np.count_nonzero(record_mask)),
        "graded_on": g.on,
        "graded_symbol": benchmark if g.on == "benchmark" else ticker,
        "measure": g.measure,
        "holder_gains": "rises" if g.sign > 0 else "falls",
        "sampling": "non_overlapping",
        "level": LEVEL,
        "resamples": RESAMPLES,
        "min_n": min_n,
        "horizons": [int(h) for h in horizons],
        "call": CALLS[int(labels[-1])] if record_mask[-1] else None,
        "call_sessions": call_runs["current_run"] if record_mask[-1] else 0,
        "changes": {k: call_runs[k] for k in ("changes", "per_year", "median_run")},
        "states": _with_runs(_states_block(CALLS, labels, record_mask, hzs, bases, g, min_n), call_runs),
        "baseline": {str(h): b for h, b in bases.items()},
        "simple_rule": {
            "window": SIMPLE_WINDOW,
            "side": "above" if g.sign > 0 else "below",
            "sessions": int(np.count_nonzero(rule_known)),
            "changes": {k: rule_runs[k] for k in ("changes", "per_year", "median_run")},
            "states": _with_runs(_states_block(RULE_STATES, rule_labels, rule_known, hzs, bases, g, min_n), rule_runs),
        },
        "spread": {str(hz.h): _spreads(labels, rule, record_mask, hz, g, min_n) for hz in hzs},
    }


def samples(series: pd.DataFrame, *, kind: str, returns: str, leadership: str, h: int) -> dict[str, Floats]:
    """The counted ``h``-session moves after each call (non-overlapping, as :func:`record` counts them)
    and ``any``: every session of the record with a complete window; what the chart's distributions draw."""
    g = grading(kind, returns)
    labels, record_mask = in_record(series, kind, leadership, g)
    hz = horizon(series, h, g)
    out = {name: hz.move[counted(record_mask & (labels == k), hz.move, h)] for k, name in enumerate(CALLS)}
    out["any"] = hz.move[record_mask & ~np.isnan(hz.move)]
    return out


def for_study(study: Study, profile: Profile) -> SummaryDict:
    """:func:`record` of a study (``study.series`` up to its as-of session) for its profile: the summary's ``track_record``."""
    return record(
        study.series,
        kind=profile.kind,
        returns=profile.returns,
        leadership=profile.leadership,
        ticker=study.ticker,
        benchmark=study.benchmark,
        year=profile.year,
    )


# -- the research notebook's views of the record -----------------------------------------------------


def yearly(series: pd.DataFrame, *, kind: str, returns: str, leadership: str) -> pd.DataFrame:
    """Per calendar year of the record: the share of sessions of each call, how many times the call
    changed, and the graded series' move over the year (from the last close of the year before, or
    the record's first close; a return, or bp for a yield). Index: the year."""
    g = grading(kind, returns)
    labels, mask = in_record(series, kind, leadership, g)
    frame = graded(series, g)
    close = frame["adj_close" if g.measure == "total" else "close"].to_numpy(float)[mask]
    years = pd.DatetimeIndex(series.index[mask]).year.to_numpy()
    held = labels[mask]
    rows: dict[int, dict[str, float]] = {}
    for year in np.unique(years):
        rows_of = np.flatnonzero(years == year)
        start = close[rows_of[0] - 1] if rows_of[0] > 0 else close[rows_of[0]]
        end = close[rows_of[-1]]
        u = units(g.measure)
        move = end / start - 1.0 if u.is_return else u.level_scale * (end - start)
        calls = held[rows_of]
        before = held[rows_of[0] - 1 : rows_of[0]]  # the last call of the year before, if any
        seq = np.r_[before, calls]
        rows[int(year)] = {
            **{c: float(np.mean(calls == k)) for k, c in enumerate(CALLS)},
            "sessions": float(rows_of.size),
            "changes": float(np.count_nonzero(seq[1:] != seq[:-1])),
            "move": float(move),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def changes(series: pd.DataFrame, *, kind: str, returns: str, leadership: str, h: int) -> pd.DataFrame:
    """Every session of the record on which the call changed: ``from``, ``to`` and the graded move
    ``h`` sessions later (NaN while the window is open). Index: the session."""
    g = grading(kind, returns)
    labels, mask = in_record(series, kind, leadership, g)
    rows = np.flatnonzero(mask)
    moved = rows[1:][labels[rows[1:]] != labels[rows[:-1]]]
    before = rows[:-1][labels[rows[1:]] != labels[rows[:-1]]]
    move = horizon(series, h, g).move
    names = np.asarray(CALLS)
    return pd.DataFrame(
        {"from": names[labels[before]], "to": names[labels[moved]], "move": move[moved]},
        index=series.index[moved],
    )
