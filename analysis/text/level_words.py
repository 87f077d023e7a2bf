"""How page one names a price level: the nearest support in a sentence, a level's kind and date,
the levels box's rows (``22-session high, Jun 5``, ``Jan 2025 high, the highest since Oct 2023``).

Split from :mod:`analysis.text.profile_words` (one module, one job): the words of levels, for every profile.
"""

from __future__ import annotations

import datetime as dt

from analysis.fmt import date, join
from analysis.model.levels_box import box
from analysis.model.types import Reading
from analysis.text.profile_words import distance, quote, quote_near, units_of

#: A level further than this below the close is too far to call "the next support".
FAR = 0.25


def support_clause(s: Reading) -> str:
    """The nearest support below the close, with its date and kind; at a low, how far back the close
    is the lowest and where the last lower close was ('' without history)."""
    sp = s.get("support") or {}
    if sp.get("price") is None:
        since = sp.get("since")
        if since:
            return (
                f"it is at its lowest close since {date(since['date'])}, when it closed at"
                f" {quote(s, since['price'])}, {distance(s, since['price'], s['close'])}"
            )
        return "it is at its lowest close in the data" if sp.get("at") else ""
    return (
        f"the nearest support is {quote(s, sp['price'])} ({level_words(sp, 'support')}),"
        f" {distance(s, sp['price'], s['close'])}"
    )


def _extreme_words(at: str) -> str:
    return {"all_time": "record", "52w": "52-week", "recent": "one-month"}.get(at, at)


def _kind_words(kind_: str, window: int | None, side: str) -> str:
    return {
        "swing_high": "a former swing high" if side == "support" else "a swing high",
        "swing_low": "a former swing low" if side == "resistance" else "a swing low",
        "recent_high": f"the highest close of {window} sessions",
        "recent_low": f"the lowest close of {window} sessions",
        "high_52w": "the 52-week high",
        "low_52w": "the 52-week low",
        "all_time_high": "the highest close in the data",
        "all_time_low": "the lowest close in the data",
        "sma_fast": f"the {window}-DMA",
        "sma_slow": f"the {window}-DMA",
        "parameter": "the level given",
    }.get(kind_, kind_.replace("_", " "))


def level_words(lv: Reading, side: str = "resistance") -> str:
    """How a level was found: ``a swing high, set on June 5, 2024`` (no date for an average)."""
    what = _kind_words(lv["kind"], lv.get("window"), side)
    if lv["kind"] in _PRIOR and lv.get("since"):
        what = f"the {_PRIOR[lv['kind']]} close since {date(lv['since'])}"
    dated = lv.get("date") and lv["kind"] not in ("sma_fast", "sma_slow")
    return what + (f", set on {date(lv['date'])}" if dated else "")


_BOX_WORDS = {
    "recent_high": "{w}-session high",
    "recent_low": "{w}-session low",
    "swing_high": "swing high",
    "swing_low": "swing low",
    "high_52w": "52-week high",
    "low_52w": "52-week low",
    "all_time_high": "highest close in the data",
    "all_time_low": "lowest close in the data",
    "sma_fast": "{w}-DMA",
    "sma_slow": "{w}-DMA",
    "parameter": "level given",
    "last_close_above": "last higher close",
    "last_close_below": "last lower close",
    "former_record": "former record close",
    "former_high_52w": "former 52-week high close",
    "former_record_low": "former record low close",
    "former_low_52w": "former 52-week low close",
    "cleared_level": "former resistance",
    "lost_support": "former support",
    "recent_close": "recent close",
    "episode_support": "low close",
    "episode_resistance": "high close",
}
#: The close before a notable session, by the side it now stands on.
_BEFORE = {"resistance": "close before the fall", "support": "close before the jump"}


#: A step between the 52-week extreme and the record (:mod:`analysis.indicators.rungs`): its superlative.
_PRIOR = {"prior_high": "highest", "prior_low": "lowest"}


def box_words(rung: Reading, side: str, as_of: str) -> str:
    """``22-session high, Jun 5`` / ``former swing high, Mar 2023``: a level's kind and date, compact."""
    if rung["kind"] in _PRIOR and rung.get("since") and rung.get("date"):  # Jan 2025 high, the highest since Nov 2023
        d, since = dt.date.fromisoformat(rung["date"]), dt.date.fromisoformat(rung["since"])
        noun = (
            "high" if rung["kind"] == "prior_high" else "low"
        )  # above (below) every later close: never the other side
        return f"{d:%b %Y} {noun}, the {_PRIOR[rung['kind']]} since {since:%b %Y}"
    if rung["kind"] in ("high_52w", "low_52w") and rung.get("since") and rung.get("date"):  # beyond the year
        d, since = dt.date.fromisoformat(rung["date"]), dt.date.fromisoformat(rung["since"])
        most = "highest" if rung["kind"] == "high_52w" else "lowest"
        return f"{most} close since {since:%b %Y}, {d:%b} {d.day}" + (f", {d.year}" if d.year != int(as_of[:4]) else "")
    words = _BEFORE[side] if rung["kind"] == "previous_close" else _BOX_WORDS.get(rung["kind"])
    what = (words or rung["kind"].replace("_", " ")).format(w=rung.get("window"))
    if (rung["kind"] == "swing_high" and side == "support") or (rung["kind"] == "swing_low" and side == "resistance"):
        what = "former " + what
    if rung["kind"] in ("sma_fast", "sma_slow") or not rung.get("date"):
        return what
    d, a = dt.date.fromisoformat(rung["date"]), dt.date.fromisoformat(as_of)
    if rung["kind"].startswith("episode_"):  # the low of a span around a date, not that month's low: the day
        return f"{what}, {d:%b} {d.day}, {d.year}"
    return f"{what}, {d:%b} {d.day}" if d.year == a.year else f"{what}, {d:%b %Y}"


def box_levels(s: Reading, side: str) -> str:
    """``50.69 (close before the fall, Mar 10) and 56.83 (former swing low, Dec 2022), 14.0% and 27.8% away``:
    the levels page one's box lists on ``side``, so every sentence and the box name the same closes."""
    rungs = box(s)[side]
    named = join([f"{quote_near(s, r['price'])} ({box_words(r, side, s['as_of'])})" for r in rungs])
    gaps = join([units_of(s).gap(r["price"], s["close"]) for r in rungs])
    return f"{named}, {gaps} away"
