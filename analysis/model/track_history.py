"""The track record's views over time, for the appendix and the chart: the counted windows per
call (:func:`samples`), the record year by year (:func:`yearly`) and the call's latest changes
(:func:`changes`). The record itself is :func:`analysis.model.track_record.record`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.model.call import CALLS
from analysis.model.track_replay import Floats, counted, graded, grading, horizon, in_record
from analysis.model.units import units


def samples(series: pd.DataFrame, *, kind: str, returns: str, leadership: str, h: int) -> dict[str, Floats]:
    """The counted ``h``-session moves after each call (non-overlapping, as :func:`record` counts them)
    and ``any``: every session of the record with a complete window; what the chart's distributions draw."""
    g = grading(kind, returns)
    labels, record_mask = in_record(series, kind, leadership, g)
    hz = horizon(series, h, g)
    out = {name: hz.move[counted(record_mask & (labels == k), hz.move, h)] for k, name in enumerate(CALLS)}
    out["any"] = hz.move[record_mask & ~np.isnan(hz.move)]
    return out


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
