"""Total returns over calendar spans, for relative-performance tables."""

from __future__ import annotations

import pandas as pd

#: Calendar spans; a span's start is the last session on or before ``as_of - span``.
SPANS: dict[str, pd.DateOffset] = {
    "1m": pd.DateOffset(months=1),
    "3m": pd.DateOffset(months=3),
    "1y": pd.DateOffset(years=1),
    "3y": pd.DateOffset(years=3),
    "5y": pd.DateOffset(years=5),
    "10y": pd.DateOffset(years=10),
}


def years_before(last: pd.Timestamp, years: int) -> pd.Timestamp:
    """``last`` minus ``years`` calendar years, or the earliest date pandas holds when that is
    further back than it reaches: a window of 100,000 years (the knobs' bound) is the whole history."""
    last = pd.Timestamp(last)
    if years >= last.year - pd.Timestamp.min.year:
        return pd.Timestamp.min
    return last - pd.DateOffset(years=years)


def span_start(index: pd.DatetimeIndex, span: pd.DateOffset) -> pd.Timestamp | None:
    """The last session on or before ``index[-1] - span``; ``None`` if history is shorter."""
    if len(index) == 0:
        return None
    target = index[-1] - span
    if target < index[0]:
        return None
    return index[index.searchsorted(target, side="right") - 1]


def total_return(adj_close: pd.Series, span: pd.DateOffset) -> float | None:
    """``adj_close[-1] / adj_close[start] - 1`` over ``span`` ending at the last row.

    Use ``adj_close`` (dividends reinvested) for total return. ``None`` when the series
    starts after ``last date - span``. A fraction: 0.986 means +98.6%.
    """
    start = span_start(adj_close.index, span)
    if start is None:
        return None
    return float(adj_close.iloc[-1] / adj_close.loc[start] - 1.0)


def daily_returns(*adj_closes: pd.Series) -> pd.DataFrame:
    """Each series' daily return, ``x[t] / x[t - 1] - 1``, a column each on their common index;
    the first row (no session before it) is dropped, a gap stays NaN (no fill). With adjusted
    closes, total returns: the shape quantstats (a column) and vectorbt take."""
    frame = pd.concat(adj_closes, axis=1)
    return frame.pct_change(fill_method=None).iloc[1:]
