"""The call replayed on every session at once, and the series it is graded on.

The replay half of :mod:`analysis.model.track_record` (read its docstring for the rule, what is
graded and why): the four facts of :mod:`analysis.model.call` as columns of ``study.series``
(:func:`facts`), the call of each row (:func:`replay`), the graded series (:func:`grading`,
:func:`graded`), each row's forward move and worst move within a horizon (:func:`horizon`), and
the reader's alternative (:func:`simple_rule`). Every column is causal: row ``t`` reads rows up
to ``t`` only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.model.call import CALLS, INVERTED_KINDS
from analysis.model.forward import forward_change, forward_return, non_overlapping
from analysis.model.units import units

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: The reader's rule: the graded series against its average of this many sessions (Faber's 10 months).
SIMPLE_WINDOW = 200


#: Phases in which momentum down makes the call defensive (:func:`analysis.model.call.grade`).
BEARISH = ("bearish", "distribution")


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


def simple_rule(series: pd.DataFrame, g: Grading, window: int = SIMPLE_WINDOW) -> Floats:
    """The reader's rule at every session: 1.0 (hold) when the graded close is above its ``window``-session
    average (for a yield: below it), 0.0 when not, NaN until the average exists."""
    close = graded(series, g)["close"]
    average = close.rolling(window, min_periods=window).mean().to_numpy(float)
    c = close.to_numpy(float)
    hold = c > average if g.sign > 0 else c < average
    return np.where(np.isnan(average) | np.isnan(c), np.nan, hold.astype(float))


def in_record(series: pd.DataFrame, kind: str, leadership: str, g: Grading) -> tuple[Ints, Bools]:
    """:func:`codes`, with the record narrowed to the sessions the graded series has a close on
    (a gauge graded on a benchmark that started trading later)."""
    labels, known = codes(series, kind, leadership)
    return labels, known & ~np.isnan(graded(series, g)["close"].to_numpy(float))
