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

from typing import Any

import numpy as np
import pandas as pd

from analysis.model.call import CALLS
from analysis.model.forward import (
    LEVEL,
    RESAMPLES,
    SEED,
    bootstrap_medians,
    edge_interval,
    verdict,
)
from analysis.model.profile import Profile
from analysis.model.study import Study
from analysis.model.track_replay import (
    SIMPLE_WINDOW,
    Bools,
    Floats,
    Grading,
    Horizon,
    Ints,
    counted,
    grading,
    horizon,
    in_record,
    simple_rule,
)
from analysis.model.types import SummaryDict

#: Sessions ahead at which what followed a call is measured (the first is page one's).
HORIZONS = (20, 60)
#: Fewer counted windows than this are too few to read (as in "What history says").
MIN_N = 10
#: The simple rule's two states, in the order of :data:`CALLS` (worst first for the holder).
RULE_STATES = ("out", "in")


# -- the replay ----------------------------------------------------------------------------------


# -- what followed -------------------------------------------------------------------------------


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


def holder(found: str, e: float | None, sign: int) -> str | None:
    """``better`` or ``worse`` for the holder: an edge clear of zero read with the grading's ``sign`` (a bond
    holder gains as a yield falls: a negative edge in bp is better for them); ``None`` without one."""
    if found not in ("positive edge", "negative edge") or e is None:
        return None
    return "better" if sign * e > 0 else "worse"


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
        "holder": holder(found["verdict"], found["edge"], g.sign),
        "relative": None,
    }
    if g.relative:
        rel = hz.relative[rows]
        found = edge(rel, base["relative"]["median"], min_n)
        out["relative"] = {**describe(rel, 1), **found, "holder": holder(found["verdict"], found["edge"], 1)}
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


def unavailable(reason: str) -> SummaryDict:
    """The record of a history too short to replay the call on."""
    return {"available": False, "reason": reason}


def _how(g: Grading, symbol: str, horizons: tuple[int, ...], min_n: int) -> SummaryDict:
    """What is graded (the series, its measure, which way the holder gains) and how it is sampled."""
    return {
        "graded_on": g.on,
        "graded_symbol": symbol,
        "measure": g.measure,
        "holder_gains": "rises" if g.sign > 0 else "falls",
        "sampling": "non_overlapping",
        "level": LEVEL,
        "resamples": RESAMPLES,
        "min_n": min_n,
        "horizons": [int(h) for h in horizons],
    }


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
        **_how(g, benchmark if g.on == "benchmark" else ticker, horizons, min_n),
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
