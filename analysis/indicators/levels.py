"""Price levels a strategist names: resistance and support ladders, the level to clear, the
nearest support, and the last run of closes above the 50-DMA.

All levels are **closing** levels by default (``basis="close"``): every signal in the piece is
judged on a close (two closes above the 50-DMA, the phases, the averages are means of closes),
so a level on the same basis is "cleared" exactly when a close crosses it; the model
commentary's "the price needs to clear 205" for IWM on 2024-07-08 is a closing high (205.06 on
2024-06-05, the highest close of the last 22 sessions); and intraday extremes are the noisiest
field of the bundled data (single prints, computed index highs such as ^VIX's). ``basis="range"``
takes highs for the high kinds and lows for the low kinds instead.

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
``sma_fast`` / ``sma_slow``  the moving averages' last values, dated at the as-of session;
    ``window`` names their length (a setting, 50 and 200 by default).

Each rung is ``{price, date, kind, window, also}``: ``date`` an ISO string, ``window`` the
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

import pandas as pd

from analysis.errors import DataError
from analysis.indicators.triggers import consecutive_above

#: Significance of the fixed kinds, for naming a zone and collapsing rungs on one session.
_RANK = {"swing": 1, "recent": 2, "52w": 3, "all_time": 4}
_KIND = {  # (side, tier) -> kind
    ("high", "swing"): "swing_high",
    ("low", "swing"): "swing_low",
    ("high", "recent"): "recent_high",
    ("low", "recent"): "recent_low",
    ("high", "52w"): "high_52w",
    ("low", "52w"): "low_52w",
    ("high", "all_time"): "all_time_high",
    ("low", "all_time"): "all_time_low",
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
    "sma_fast": "the {w}-session average",
    "sma_slow": "the {w}-session average",
}


def _iso(ts: pd.Timestamp) -> str:
    return pd.Timestamp(ts).date().isoformat()


def _rung(price: float, date: pd.Timestamp, kind: str, window: int | None) -> dict:
    return {"price": float(price), "date": _iso(date), "kind": kind, "window": window, "also": []}


def describe(rung: dict) -> str:
    """Plain words for a rung's kind, e.g. ``"the highest close of the last 22 sessions"``."""
    return _WORDS[rung["kind"]].format(w=rung["window"])


def _check(close: pd.Series, *others: pd.Series) -> None:
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
    _check(close, high, low)
    rungs: dict[tuple[str, pd.Timestamp], dict] = {}
    for side, values in (("high", high if basis == "range" else close), ("low", low if basis == "range" else close)):
        values = values.dropna()
        pick = values.idxmax if side == "high" else values.idxmin
        start = values.index[-min(lookback, len(values))]
        swings = swing_points(values, pivot, high=side == "high")
        found = [(d, price, "swing", pivot) for d, price in swings.loc[start:].items()]
        for tier, window in (("recent", recent), ("52w", lookback)):
            tail = values.iloc[-window:]
            date = tail.idxmax() if side == "high" else tail.idxmin()
            found.append((date, tail.loc[date], tier, window))
        found.append((pick(), values.loc[pick()], "all_time", None))
        for date, price, tier, window in found:
            key = (side, date)
            if key not in rungs or _RANK[tier] > _RANK[_TIER[rungs[key]["kind"]]]:
                rungs[key] = _rung(price, date, _KIND[(side, tier)], window)
    return list(rungs.values())


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
        also = [{k: r[k] for k in ("price", "date", "kind", "window")} for r in group if r is not head]
        zones.append({**head, "also": also})
    return sorted(zones, key=lambda r: abs(r["price"] - close))


def _averages(sma_fast: pd.Series, sma_slow: pd.Series, fast: int, slow: int) -> list[dict]:
    out = []
    for series, kind, window in ((sma_fast, "sma_fast", fast), (sma_slow, "sma_slow", slow)):
        value = float(series.iloc[-1])
        if not math.isnan(value):
            out.append(_rung(value, series.index[-1], kind, window))
    return out


def ladders(
    high: pd.Series,
    low: pd.Series,
    close: pd.Series,
    sma_fast: pd.Series,
    sma_slow: pd.Series,
    *,
    lookback: int = 252,
    pivot: int = 10,
    recent: int = 22,
    merge: float = 0.01,
    fast: int = 50,
    slow: int = 200,
    basis: str = "close",
) -> dict:
    """``{"close", "date", "resistance": [rung...], "support": [rung...]}``, nearest first.

    Resistance is every zone and average strictly above the last close, support strictly
    below it. ``merge`` is the zone width as a fraction of the close (0.01 = 1%); ``fast`` and
    ``slow`` are the averages' windows, for their rungs' ``window``. All series share one
    index whose last row is the as-of session.
    """
    _check(close, sma_fast, sma_slow)
    last = float(close.iloc[-1])
    fixed = price_rungs(high, low, close, lookback=lookback, pivot=pivot, recent=recent, basis=basis)
    averages = _averages(sma_fast, sma_slow, fast, slow)
    out = {"close": last, "date": _iso(close.index[-1])}
    for name, side in (("resistance", lambda p: p > last), ("support", lambda p: p < last)):
        zones = merge_zones([r for r in fixed if side(r["price"])], last, merge * abs(last))
        out[name] = sorted(zones + [a for a in averages if side(a["price"])], key=lambda r: abs(r["price"] - last))
    return out


def at_extreme(close: pd.Series, *, high: bool, lookback: int = 252, recent: int = 22) -> str | None:
    """Whether the last close is at a high (``high=True``) or a low, and which, broadest first.

    ``"all_time"`` when it is the extreme of the whole series, else ``"52w"`` of the last
    ``lookback`` sessions, else ``"recent"`` of the last ``recent``; ``None`` when none (ties count
    as at the extreme).
    """
    values = close.dropna()
    last = float(values.iloc[-1])
    for name, tail in (("all_time", values), ("52w", values.iloc[-lookback:]), ("recent", values.iloc[-recent:])):
        if (last >= tail.max()) if high else (last <= tail.min()):
            return name
    return None


def _nearest(
    high: pd.Series,
    low: pd.Series,
    close: pd.Series,
    sma_fast: pd.Series,
    sma_slow: pd.Series,
    *,
    bound: float,
    up: bool,
    averages: tuple[str, ...],
    merge: float,
    fast: int,
    slow: int,
    **opts,
) -> dict | None:
    """The nearest zone or average beyond ``bound`` (above when ``up``), zones merged beyond it."""
    beyond = (lambda p: p > bound) if up else (lambda p: p < bound)
    fixed = [r for r in price_rungs(high, low, close, **opts) if beyond(r["price"])]
    zones = merge_zones(fixed, bound, merge * abs(float(close.iloc[-1])))
    lines = [a for a in _averages(sma_fast, sma_slow, fast, slow) if a["kind"] in averages and beyond(a["price"])]
    found = sorted(zones + lines, key=lambda r: abs(r["price"] - bound))
    return found[0] if found else None


#: How :func:`level_to_clear` (``True``: up) and :func:`nearest_support` word their answer.
_WORDED = {
    True: {
        "at": "at_high",
        "all_time": "a record close",
        "52w": "a 52-week high",
        "recent": "a {recent}-session high",
        "nothing": "nothing overhead",
        "next": "next overhead",
        "none": "no level above the close and the fast average",
        "found": "nearest resistance above the close and the {fast}-session average",
    },
    False: {
        "at": "at_low",
        "all_time": "a record low close",
        "52w": "a 52-week low",
        "recent": "a {recent}-session low",
        "nothing": "nothing below",
        "next": "next below",
        "none": "no level below the close",
        "found": "nearest support below the close",
    },
}


def _answer(found: dict | None, at: str | None, *, up: bool, recent: int, fast: int) -> dict:
    """:func:`level_to_clear`'s answer (``up``) or :func:`nearest_support`'s: ``found``, the nearest
    level beyond, as the level, or, with the close at an extreme ``at``, as ``next``."""
    words = _WORDED[up]
    none = {"price": None, "date": None, "kind": "none", "window": None, "also": [], "at": None, "next": None}
    if at is not None:
        where = words[at].format(recent=recent)
        then = words["nothing"] if found is None else f"{words['next']}: {describe(found)}, {found['price']:.2f}"
        window = recent if at == "recent" else None
        return {**none, "kind": words["at"], "window": window, "at": at, "next": found, "note": f"at {where}: {then}"}
    if found is None:  # only with degenerate input (e.g. a flat series)
        return {**none, "note": words["none"]}
    return {**found, "at": None, "next": None, "note": f"{words['found'].format(fast=fast)}: {describe(found)}"}


def level_to_clear(
    high: pd.Series,
    low: pd.Series,
    close: pd.Series,
    sma_fast: pd.Series,
    sma_slow: pd.Series,
    *,
    lookback: int = 252,
    pivot: int = 10,
    recent: int = 22,
    merge: float = 0.01,
    fast: int = 50,
    slow: int = 200,
    basis: str = "close",
) -> dict:
    """The nearest resistance above BOTH the last close and the fast average.

    Candidates are the fixed rungs above ``max(close, sma_fast)`` (merged into zones from that
    floor) and the slow average when it is above the floor; the nearest wins. Returns the
    rung ``{price, date, kind, window, also}`` plus ``at: None``, ``next: None`` and ``note``
    (plain words). When the close is at a high (:func:`at_extreme`: all-time, 52-week or the
    last ``recent`` sessions) it returns instead ``{price: None, date: None, kind: "at_high",
    window, also: [], at: "all_time"|"52w"|"recent", next: rung or None, note}``, where ``next``
    is that nearest resistance (``None`` at a record: nothing overhead). A NaN fast average
    leaves the close as the floor.
    """
    _check(close, sma_fast, sma_slow)
    last, line = float(close.iloc[-1]), float(sma_fast.iloc[-1])
    floor = last if math.isnan(line) else max(last, line)
    opts = dict(lookback=lookback, pivot=pivot, recent=recent, basis=basis, merge=merge, fast=fast, slow=slow)
    found = _nearest(high, low, close, sma_fast, sma_slow, bound=floor, up=True, averages=("sma_slow",), **opts)
    at = at_extreme(close, high=True, lookback=lookback, recent=recent)
    return _answer(found, at, up=True, recent=recent, fast=fast)


def nearest_support(
    high: pd.Series,
    low: pd.Series,
    close: pd.Series,
    sma_fast: pd.Series,
    sma_slow: pd.Series,
    *,
    lookback: int = 252,
    pivot: int = 10,
    recent: int = 22,
    merge: float = 0.01,
    fast: int = 50,
    slow: int = 200,
    basis: str = "close",
) -> dict:
    """The nearest support below the last close: a zone or either average, the nearest.

    The mirror of :func:`level_to_clear` (with no second floor: below the close is below
    everything that matters) and the same shape; at a low returns ``kind: "at_low"``,
    ``at: "all_time"|"52w"|"recent"``, ``next`` the nearest support below (``None`` at a
    record low).
    """
    _check(close, sma_fast, sma_slow)
    last = float(close.iloc[-1])
    opts = dict(lookback=lookback, pivot=pivot, recent=recent, basis=basis, merge=merge, fast=fast, slow=slow)
    found = _nearest(
        high, low, close, sma_fast, sma_slow, bound=last, up=False, averages=("sma_fast", "sma_slow"), **opts
    )
    at = at_extreme(close, high=False, lookback=lookback, recent=recent)
    return _answer(found, at, up=False, recent=recent, fast=fast)


def last_run_above(close: pd.Series, sma: pd.Series) -> dict:
    """The current or, failing that, the last run of consecutive closes strictly above ``sma``.

    ``{last_close_above, run_start, run_end, run_sessions, current_run}``: ``current_run`` is
    :func:`~analysis.indicators.triggers.consecutive_above` at the last session (0 when the
    close is not above); the run is the current one when it is running (``run_end`` = the
    last session), else the last one that ended; its first and last sessions (ISO strings) and
    length. Dates ``None`` and ``run_sessions`` 0 when no close was ever above (NaN averages
    count as not above).
    """
    _check(close, sma)
    runs = consecutive_above(close, sma)
    current = int(runs.iloc[-1])
    hits = runs.index[(runs > 0).to_numpy()]
    if not len(hits):
        return {"last_close_above": None, "run_start": None, "run_end": None, "run_sessions": 0, "current_run": 0}
    end = hits[-1]
    position = runs.index.get_loc(end)
    sessions = int(runs.iloc[position])
    return {
        "last_close_above": _iso(end),
        "run_start": _iso(runs.index[position - sessions + 1]),
        "run_end": _iso(end),
        "run_sessions": sessions,
        "current_run": current,
    }


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
