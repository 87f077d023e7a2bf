"""The signals and tables the research notebooks show, as pure functions of ``study.series``.

Each ``*_signals`` function returns ``{label: mask}``: a boolean Series on the series'
index, True on every session the signal fired. The crossings are those of the event study
(:mod:`analysis.model.events`: ``cross_above``/``cross_below`` fire once per move, never on a NaN),
so a marker on a research chart is the same event the piece's history counts. Labels name
the windows actually used (``20-DMA`` when ``fast = 20``). Nothing reads past the last row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

import numpy as np
import pandas as pd

from analysis import indicators as ind
from analysis.model import events as history
from analysis.model.forward import forward_return


def fired(masks: Mapping[str, pd.Series]) -> pd.DataFrame:
    """One row per (session, signal) where a mask is True: columns ``date, signal``.

    Sorted by date; signals of the same session keep the mapping's order.
    """
    rows = [
        (date, order, label)
        for order, (label, mask) in enumerate(masks.items())
        for date in mask.index[mask.fillna(False).astype(bool).to_numpy()]
    ]
    rows.sort(key=lambda r: (r[0], r[1]))
    return pd.DataFrame({"date": pd.DatetimeIndex([r[0] for r in rows]), "signal": [r[2] for r in rows]})


def dates(mask: pd.Series) -> pd.DatetimeIndex:
    """The sessions where ``mask`` is True."""
    return cast(pd.DatetimeIndex, mask.index[mask.fillna(False).astype(bool).to_numpy()])


def real_motion_signals(series: pd.DataFrame, fast: int = 50) -> dict[str, pd.Series]:
    """Real Motion crossing its own ``fast``-session average, and re-entering its band.

    * ``crosses above its <fast>-DMA``: :func:`analysis.model.events.real_motion_above_fast`;
    * ``crosses below its <fast>-DMA``: :func:`analysis.model.events.real_motion_below_fast`;
    * ``back inside the band from below`` / ``from above``:
      :func:`analysis.indicators.mean_reversion` = +1 / -1 (the summary's mean reversion).
    """
    rev = ind.mean_reversion(series["rm"], series["rm_upper"], series["rm_lower"])
    return {
        f"crosses above its {fast}-DMA": history.real_motion_above_fast(series),
        f"crosses below its {fast}-DMA": history.real_motion_below_fast(series),
        "back inside the band from below": rev.eq(1),
        "back inside the band from above": rev.eq(-1),
    }


def leadership_signals(series: pd.DataFrame) -> dict[str, pd.Series]:
    """Leadership crossing zero and its bands (``cross_above``/``cross_below`` of :mod:`analysis.model.events`)."""
    return {
        "crosses above zero": history.leadership_above_zero(series),
        "crosses below zero": history.leadership_below_zero(series),
        "crosses above its upper band": history.leadership_above_band(series),
        "crosses below its lower band": history.cross_below(series["lead"], series["lead_lower"]),
    }


def trigger_signals(
    series: pd.DataFrame, *, fast: int = 50, confirm_n: int = 2, level_window: int = 22, level: float | None = None
) -> dict[str, pd.Series]:
    """The piece's triggers on price: runs of ``confirm_n`` closes above/below the fast average, level breaks.

    * ``<n> closes above the <fast>-DMA``: :func:`analysis.model.events.closes_above_sma50` (the
      session the run reaches ``n``; the summary's ``confirmation.last_completed``);
    * ``<n> closes below the <fast>-DMA``: its mirror;
    * with no ``level``: ``clears its <w>-session high``, :func:`analysis.model.events.level_cleared`
      (a close above the highest close of the previous ``w`` sessions, the first of a cluster);
      with a ``level``: ``closes above <level>``, ``cross_above(close, level)``.
    """
    out = {
        f"{confirm_n} closes above the {fast}-DMA": history.closes_above_sma50(series, confirm_n),
        f"{confirm_n} closes below the {fast}-DMA": history.closes_below_sma50(series, confirm_n),
    }
    if level:
        out[f"closes above {level:,.2f}"] = history.cross_above(series["close"], float(level))
    else:
        out[f"clears its {level_window}-session high"] = history.level_cleared(series, level_window)
    return out


def phase_runs(series: pd.DataFrame) -> pd.DataFrame:
    """Every run of one phase with the close's change over it.

    Columns ``phase, start, end, sessions, change``; ``change = close[end] / close[start - 1] - 1``
    (from the close before the run began, so consecutive runs' changes compound to the whole
    move); the first run, with no session before it, is measured from its own first close.
    """
    runs = ind.phase_runs(series["phase"])
    close = series["close"]
    pos = close.index.get_indexer(pd.DatetimeIndex(runs["start"]))
    before = close.to_numpy(float)[np.maximum(pos - 1, 0)]
    end = close.loc[pd.DatetimeIndex(runs["end"])].to_numpy(float)
    return runs.assign(change=end / before - 1.0)


def phase_stats(series: pd.DataFrame, horizon: int = 20) -> pd.DataFrame:
    """How each phase has behaved: time spent in it and the total return ``horizon`` sessions later.

    Indexed by phase (in :data:`analysis.indicators.PHASES` order, phases never seen left out),
    columns ``sessions, share, median, hit_rate, n``: sessions in the phase, their share of all
    sessions with a phase, and the median and share-positive of
    :func:`analysis.model.events.forward_return` over the ``n`` of those sessions whose window is
    complete. Every session counts, so the windows overlap: a description of the past, not a
    test.
    """
    phase = series["phase"]
    fwd = forward_return(series["adj_close"], horizon)
    known = phase.notna()
    rows = {}
    for name in ind.PHASES:
        in_phase = (phase == name) & known
        if not in_phase.any():
            continue
        values = fwd[in_phase].dropna().to_numpy()
        rows[name] = {
            "sessions": int(in_phase.sum()),
            "share": float(in_phase.sum() / known.sum()),
            "median": float(np.median(values)) if values.size else None,
            "hit_rate": float(np.mean(values > 0)) if values.size else None,
            "n": int(values.size),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def span_returns(adj_close: pd.Series, bench_adj_close: pd.Series) -> pd.DataFrame:
    """Total return of ticker and benchmark over each of :data:`analysis.indicators.SPANS`.

    Indexed by span (``1m`` ... ``10y``), columns ``ticker, benchmark, difference, start``;
    rows whose span reaches before the first session are left out.
    """
    rows = {}
    for label, span in ind.SPANS.items():
        start = ind.span_start(cast(pd.DatetimeIndex, adj_close.index), span)
        t, b = ind.total_return(adj_close, span), ind.total_return(bench_adj_close, span)
        if start is None or t is None or b is None:
            continue
        rows[label] = {"ticker": t, "benchmark": b, "difference": t - b, "start": start}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["ticker", "benchmark", "difference", "start"])


def level_line(close: pd.Series, window: int = 22) -> pd.Series:
    """The level to clear on every session: the highest close of the last ``window`` sessions, that one included.

    :func:`analysis.indicators.level_to_clear` for each row (NaN until ``window`` closes exist).
    """
    return close.rolling(window, min_periods=window).max().rename("level")
