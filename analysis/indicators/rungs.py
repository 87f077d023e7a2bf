"""The rungs of a price ladder: every level a strategist could name, and how they merge into zones.

:mod:`analysis.indicators.levels` builds the ladders, the level to clear and the nearest support
from them. ``basis="close"`` (the default: why, in that module) takes closes for every kind,
``basis="range"`` highs for the high kinds and lows for the low kinds.

The rungs (``P`` = the basis values, the last row is the as-of session):

``swing_high`` / ``swing_low``  over the last ``lookback`` sessions, a session whose value is
    the highest (lowest) of the ``pivot`` sessions either side of it: strictly above (below)
    the ``pivot`` before, at or above (below) the ``pivot`` after, so a flat top counts once,
    on its first session. ``pivot = 10`` (two weeks either side) keeps the turns the market
    respected for a fortnight; ``5`` marks 15-20 a year per side, many a few tenths of a
    percent apart (IWM 2024: a 202.89 "high" 0.3% above the close). A pivot needs ``pivot``
    later sessions, so the last ``pivot`` sessions can hold none: the recent high fills that gap.
``recent_high`` / ``recent_low``  the extreme of the last ``recent`` sessions (22, about a
    month: the commentary's level to clear), its first session on ties.
``high_52w`` / ``low_52w``  the extreme of the last ``lookback`` sessions (252 = a year of
    exchange sessions; pass 365 for a seven-day calendar such as crypto).
``all_time_high`` / ``all_time_low``  the extreme of the whole series given (give the
    ticker's own history for a true all-time figure).
``prior_high`` / ``prior_low``  before the ``lookback``, the swing highs (lows) no later value
    has reached: the steps between the 52-week extreme and the record, each "the highest close
    since" its ``since`` (the last earlier value beyond it). A 10-year yield at a 52-week high of
    4.75% has 4.80% (January 2025) and 4.99% (October 2023, the highest since 2007) overhead
    before its 5.51% record of 2001 (the sixth cold read: the box jumped to the record).
``sma_fast`` / ``sma_slow``  the moving averages' last values, dated at the as-of session;
    ``window`` names their length (a setting, 50 and 200 by default).

Each rung is ``{price, date, kind, window, also}`` (a prior rung also ``since``): ``date`` an ISO string, ``window`` the
sessions behind the kind (``None`` for all-time), ``also`` the rungs merged into it. Rungs on
the same session collapse to the most significant kind (all-time > 52-week > recent > swing).
Fixed rungs (all but the averages) within ``merge * close`` of the nearest rung of their zone
(anchored at the rung nearest the close, so zones do not chain) are one zone, named by its most
significant rung, then its most recent; the averages move daily and are never merged. A rung
equal to the close is on neither side. Missing values (NaN) are ignored; an average still NaN
(too little history) gives no rung.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.errors import DataError

#: Significance of the fixed kinds, for naming a zone and collapsing rungs on one session.
_RANK = {"swing": 1, "prior": 1.5, "recent": 2, "52w": 3, "all_time": 4}
_KIND = {  # (side, tier) -> kind
    ("high", "swing"): "swing_high",
    ("low", "swing"): "swing_low",
    ("high", "recent"): "recent_high",
    ("low", "recent"): "recent_low",
    ("high", "52w"): "high_52w",
    ("low", "52w"): "low_52w",
    ("high", "all_time"): "all_time_high",
    ("low", "all_time"): "all_time_low",
    ("high", "prior"): "prior_high",
    ("low", "prior"): "prior_low",
}
_TIER = {kind: tier for (_, tier), kind in _KIND.items()}
_WORDS = {
    "swing_high": "a swing high (the highest close of the {w} sessions either side)",
    "swing_low": "a swing low (the lowest close of the {w} sessions either side)",
    "recent_high": "the highest close of the last {w} sessions",
    "recent_low": "the lowest close of the last {w} sessions",
    "high_52w": "the 52-week high",
    "low_52w": "the 52-week low",
    "all_time_high": "the all-time high",
    "all_time_low": "the all-time low",
    "prior_high": "the highest close since {since}",
    "prior_low": "the lowest close since {since}",
    "sma_fast": "the {w}-session average",
    "sma_slow": "the {w}-session average",
}


def iso(ts: pd.Timestamp) -> str:
    """A session as an ISO date string, as every rung and level dates itself."""
    return pd.Timestamp(ts).date().isoformat()


def _rung(price: float, date: pd.Timestamp, kind: str, window: int | None) -> dict:
    return {"price": float(price), "date": iso(date), "kind": kind, "window": window, "also": []}


def describe(rung: dict) -> str:
    """Plain words for a rung's kind, e.g. ``"the highest close of the last 22 sessions"``."""
    return _WORDS[rung["kind"]].format(w=rung["window"], since=rung.get("since"))


def check_series(close: pd.Series, *others: pd.Series) -> None:
    """Raise :class:`DataError` unless ``close`` has a value and ``others`` share its index."""
    if close.dropna().empty:
        raise DataError("no closes to compute price levels from: give a non-empty close series.")
    for other in others:
        if not other.index.equals(close.index):
            raise DataError(
                "price levels need series on one index: align high, low, close and "
                "the averages first (e.g. the columns of one price frame)."
            )


def swing_points(values: pd.Series, pivot: int, *, high: bool) -> pd.Series:
    """The swing highs (``high=True``) or lows of ``values``: a Series of the pivot values.

    A session ``i`` is a swing high when ``v[i] > max(v[i-pivot:i])`` and
    ``v[i] >= max(v[i+1:i+pivot+1])`` (lows mirrored); the first and last ``pivot`` sessions
    never qualify (one side is short). Pure; NaN values never qualify.
    """
    v = values if high else -values
    before = v.shift(1).rolling(pivot, min_periods=pivot).max()
    after = v[::-1].shift(1).rolling(pivot, min_periods=pivot).max()[::-1]
    hits = (v > before) & (v >= after)
    return values[hits.fillna(False).astype(bool)]


def price_rungs(
    high: pd.Series,
    low: pd.Series,
    close: pd.Series,
    *,
    lookback: int = 252,
    pivot: int = 10,
    recent: int = 22,
    basis: str = "close",
) -> list[dict]:
    """Every fixed rung (swings, recent, 52-week and all-time extremes), unmerged, one per session.

    See the module docstring for the definitions; ``basis`` is ``"close"`` or ``"range"``.
    """
    if basis not in ("close", "range"):
        raise DataError(f"unknown level basis {basis!r}: use 'close' or 'range'.")
    check_series(close, high, low)
    rungs: dict[tuple[str, pd.Timestamp], dict] = {}
    for side, values in (("high", high if basis == "range" else close), ("low", low if basis == "range" else close)):
        values = values.dropna()
        pick = values.idxmax if side == "high" else values.idxmin
        start = values.index[-min(lookback, len(values))]
        swings = swing_points(values, pivot, high=side == "high")
        found = [(d, price, "swing", pivot) for d, price in swings.loc[start:].items()]
        since = _prior(values, swings[swings.index < start], high=side == "high")
        found += [(d, values.loc[d], "prior", None) for d in since]
        for tier, window in (("recent", recent), ("52w", lookback)):
            tail = values.iloc[-window:]
            date = tail.idxmax() if side == "high" else tail.idxmin()
            found.append((date, tail.loc[date], tier, window))
            beyond = last_close_beyond(values.loc[:date], side) if tier == "52w" else None
            if beyond:  # how far back it is the extreme: ^IRX's 52-week high of 4.88% was the highest since 2007
                since[date] = beyond["date"]
        found.append((pick(), values.loc[pick()], "all_time", None))
        for date, price, tier, window in found:
            key = (side, date)
            if key not in rungs or _RANK[tier] > _RANK[_TIER[rungs[key]["kind"]]]:
                rungs[key] = _rung(price, date, _KIND[(side, tier)], window)
                if tier in ("prior", "52w") and date in since:
                    rungs[key]["since"] = since[date]
    return list(rungs.values())


#: A prior step is "the highest (lowest) close since" a date at least this many sessions earlier
#: (half a year: a lower high of the same decline is no level a reader names by its span) ...
PRIOR_SPAN = 126
#: ... and the ladder keeps the most recent few, the nearest the price (the steps rise going back).
PRIOR_STEPS = 3


def _prior(values: pd.Series, swings: pd.Series, *, high: bool) -> dict[pd.Timestamp, str]:
    """The ``swings`` (before the lookback) beyond every later value, each with the date of the last
    earlier value beyond it, at least :data:`PRIOR_SPAN` sessions before (the record, with nothing
    earlier beyond it, is named as such); the :data:`PRIOR_STEPS` most recent."""
    v = values.to_numpy(dtype=float) if high else -values.to_numpy(dtype=float)
    later = np.append(np.maximum.accumulate(v[::-1])[::-1][1:], np.nan)  # the most any later session reached
    at = values.index.get_indexer(swings.index)
    out: dict[pd.Timestamp, str] = {}
    for p in reversed(at[(at >= 0) & (v[np.maximum(at, 0)] > later[np.maximum(at, 0)])]):
        earlier = np.flatnonzero(v[:p] > v[p])  # as last_close_beyond(values[:p + 1]), on the arrays
        if earlier.size and p - earlier[-1] >= PRIOR_SPAN:
            out[values.index[p]] = values.index[earlier[-1]].date().isoformat()
            if len(out) == PRIOR_STEPS:
                break
    return out


def merge_zones(rungs: list[dict], close: float, tolerance: float) -> list[dict]:
    """Merge fixed rungs into zones, nearest the close first (see the module docstring).

    ``tolerance`` is in price units (never negative: a yield can close below zero). Each zone is its naming rung with the others in ``also``
    (nearest first). Returns zones sorted by distance from ``close``.
    """
    tolerance = abs(tolerance)
    todo = sorted(rungs, key=lambda r: abs(r["price"] - close))
    zones = []
    while todo:
        anchor = todo[0]["price"]
        group = [r for r in todo if abs(r["price"] - anchor) <= tolerance]
        todo = [r for r in todo if abs(r["price"] - anchor) > tolerance]
        head = max(group, key=lambda r: (_RANK[_TIER[r["kind"]]], r["date"]))
        also = [
            {k: r[k] for k in ("price", "date", "kind", "window", "since") if k in r} for r in group if r is not head
        ]
        zones.append({**head, "also": also})
    return sorted(zones, key=lambda r: abs(r["price"] - close))


def average_rungs(sma_fast: pd.Series, sma_slow: pd.Series, fast: int, slow: int) -> list[dict]:
    """The averages' rungs (``sma_fast``, ``sma_slow``) at the last session; none for a NaN average."""
    out = []
    for series, kind, window in ((sma_fast, "sma_fast", fast), (sma_slow, "sma_slow", slow)):
        value = float(series.iloc[-1])
        if not math.isnan(value):
            out.append(_rung(value, series.index[-1], kind, window))
    return out


def last_close_beyond(close: pd.Series, side: str) -> dict | None:
    """The most recent earlier close above (``side="high"``) or below (``"low"``) the last one:
    ``{"price", "date", "sessions"}`` (sessions back), or ``None`` when the last close is the
    highest (lowest) in ``close``. The last close is then the highest (lowest) *since* that
    session: "the lowest close since November 2020", and that close is a real level to meet.
    """
    values = close.dropna()
    if len(values) < 2:
        return None
    now, earlier = values.iloc[-1], values.iloc[:-1]
    beyond = earlier[earlier > now] if side == "high" else earlier[earlier < now]
    if beyond.empty:
        return None
    when = beyond.index[-1]
    return {
        "price": float(beyond.iloc[-1]),
        "date": when.date().isoformat(),
        "sessions": int(len(values) - 1 - values.index.get_loc(when)),
    }
