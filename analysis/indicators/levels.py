"""Price levels a strategist names: resistance and support ladders, the level to clear, the
nearest support, and the last run of closes above the 50-DMA.

All levels are **closing** levels by default (``basis="close"``): every signal in the piece is
judged on a close (two closes above the 50-DMA, the phases, the averages are means of closes),
so a level on the same basis is "cleared" exactly when a close crosses it; the model
commentary's "the price needs to clear 205" for IWM on 2024-07-08 is a closing high (205.06 on
2024-06-05, the highest close of the last 22 sessions); and intraday extremes are the noisiest
field of the bundled data (single prints, computed index highs such as ^VIX's). ``basis="range"``
takes highs for the high kinds and lows for the low kinds instead.

The rungs (swing highs and lows, recent, 52-week and all-time extremes, the averages) and how
fixed rungs merge into zones are :mod:`analysis.indicators.rungs`.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.indicators.rungs import average_rungs, check_series, describe, iso, merge_zones, price_rungs
from analysis.indicators.triggers import consecutive_above


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
    check_series(close, sma_fast, sma_slow)
    last = float(close.iloc[-1])
    fixed = price_rungs(high, low, close, lookback=lookback, pivot=pivot, recent=recent, basis=basis)
    averages = average_rungs(sma_fast, sma_slow, fast, slow)
    out = {"close": last, "date": iso(close.index[-1])}
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
    lines = [a for a in average_rungs(sma_fast, sma_slow, fast, slow) if a["kind"] in averages and beyond(a["price"])]
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
    check_series(close, sma_fast, sma_slow)
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
    check_series(close, sma_fast, sma_slow)
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
    check_series(close, sma)
    runs = consecutive_above(close, sma)
    current = int(runs.iloc[-1])
    hits = runs.index[(runs > 0).to_numpy()]
    if not len(hits):
        return {"last_close_above": None, "run_start": None, "run_end": None, "run_sessions": 0, "current_run": 0}
    end = hits[-1]
    position = runs.index.get_loc(end)
    sessions = int(runs.iloc[position])
    return {
        "last_close_above": iso(end),
        "run_start": iso(runs.index[position - sessions + 1]),
        "run_end": iso(end),
        "run_sessions": sessions,
        "current_run": current,
    }
