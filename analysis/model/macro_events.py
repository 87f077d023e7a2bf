"""What followed the economy's events: the curve's un-inversions against a ticker's forward returns.

A research question (the macro appendix), not evidence the piece scores: each event enters at
the first session after it became public, so nothing here runs ahead of what a reader had.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.data.release import next_business_day
from analysis.model.forward import forward_return
from analysis.model.macro import num, uninversions
from analysis.model.types import SummaryDict


def uninversion_study(
    values: pd.Series, adj_close: pd.Series, *, horizons: tuple[int, ...] = (20, 60, 120), min_months: int = 3
) -> tuple[pd.DataFrame, dict[int, SummaryDict]]:
    """Every :func:`~analysis.model.macro.uninversions` event of the public curve ``values``, and the ticker's return after it.

    An event dated ``d`` became public on ``known_since = next business day after d``; the
    ticker is entered at the close of its first session on or after that day (``entry``), and
    ``fwd<h> = adj_close[entry + h sessions] / adj_close[entry] - 1`` (NaN while the window
    is open at the last row of ``adj_close``: no look-ahead). Events before the ticker's
    first session are dropped. ``adj_close`` must end at the as-of session.

    Returns ``(events, baseline)``: events indexed by date with ``run_start, run_months,
    known_since, entry, fwd<h>...``; ``baseline[h] = {median, hit_rate, n}`` over every
    session with a complete ``h``-session window (the unconditional distribution).
    """
    events = uninversions(values, min_months)
    since = next_business_day(events.index) if len(events) else pd.DatetimeIndex([])
    sessions = adj_close.index
    at: Any = sessions.searchsorted(since) if len(events) else []
    keep = [i for i, pos in enumerate(at) if pos < len(sessions) and since[i] >= sessions[0]]
    events = events.iloc[keep].copy()
    events["known_since"] = since[keep]
    events["entry"] = sessions[[at[i] for i in keep]]
    baseline: dict[int, SummaryDict] = {}
    for h in horizons:
        fwd = forward_return(adj_close, h)
        events[f"fwd{h}"] = fwd.reindex(events["entry"]).to_numpy()
        complete = fwd.dropna()
        baseline[h] = {
            "median": num(complete.median()) if len(complete) else None,
            "hit_rate": num((complete > 0).mean()) if len(complete) else None,
            "n": int(len(complete)),
        }
    return events, baseline
