"""The levels page one lists beside its text: real closes (and the averages), nearest first, never
an empty box while the history has a close on that side.

The ladders (:func:`analysis.indicators.levels.ladders`) hold swing highs and lows, recent and
52-week extremes, the record and the averages. Near the close (within :data:`NEAR`) they are
what a reader watches. Far from anything (a crash, a new low, a record) the box adds the
closes a strategist names instead:

* after a notable fall (rise), the close before it and the five sessions' extreme close: the
  levels to regain (to hold);
* at a low (high), the last earlier close below (above) the close, or the extreme of that
  episode around it: "the lowest close since February 2016" points at the 2016 low;
* at a new high (low), the extreme close it broke: a broken record is support;
* the levels "what changed" says were cleared or lost since the last piece;
* after a notable move, the nearest of the last ten closes on each side;

and when nothing is near on a side, the nearest level however far (one: a 1932 low is no
second level for a reader today). Each
level keeps the ladder's keys (``price``, ``kind``, ``date``, ``window``).
"""

from __future__ import annotations

from analysis.model.session import move_size, notable_move
from analysis.model.types import Reading, SummaryDict
from analysis.model.units import units

#: Levels within this fraction of the close are listed first.
NEAR = 0.25
#: Levels listed on each side.
PER_SIDE = 2


def _rung(price: float, kind: str, date: str | None) -> SummaryDict:
    return {"price": price, "kind": kind, "date": date, "window": None}


def _extras(s: Reading, side: str) -> list[SummaryDict]:
    """The closes a strategist names when the ladder has nothing near: see the module docstring."""
    out = []
    ses = s.get("session") or {}
    day = ses.get("day")
    if ses.get("notable_day") and day and ses.get("previous_close") is not None:
        if (day["move"] < 0) == (side == "resistance"):
            out.append(_rung(ses["previous_close"], "previous_close", ses["previous_date"]))
    recent = ses.get("recent_high" if side == "resistance" else "recent_low")
    if recent and notable_move(ses):  # after a fall: where the selling started
        out.append(
            {
                **_rung(recent["price"], "recent_high" if side == "resistance" else "recent_low", recent["date"]),
                "window": 5,
            }
        )
    since = (s.get("support") if side == "support" else s.get("level_to_clear")) or {}
    if since.get("since"):  # the extreme of that episode (the close itself when it is the extreme)
        then = since["since"].get("extreme") or since["since"]
        same = then["date"] == since["since"]["date"]
        kind = ("last_close_below" if side == "support" else "last_close_above") if same else f"episode_{side}"
        out.append(_rung(then["price"], kind, then["date"]))
    return out + _broken(s, side) + _crossed(s, side) + _recent_closes(s, side)


#: The extreme-close facts whose earlier extreme, now broken, is a level on the other side.
_FORMER = {
    "support": {"all_time_high": "former_record", "new_52w_high": "former_high_52w"},
    "resistance": {"all_time_low": "former_record_low", "new_52w_low": "former_low_52w"},
}


def _broken(s: Reading, side: str) -> list[SummaryDict]:
    """At a new high (low): the extreme close it just broke, the support (resistance) a strategist names first."""
    out = []
    for f in s.get("unusual") or []:
        kind = _FORMER[side].get(f["id"])
        if kind and f.get("previous") is not None and (f["previous"] > s["close"]) == (side == "resistance"):
            out.append(_rung(f["previous"], kind, f.get("previous_date")))
        if kind and f.get("broken") is not None and (f["broken"] > s["close"]) == (side == "resistance"):
            out.append(_rung(f["broken"], kind, f.get("broken_date")))  # the record this run of records broke
    return out


def _crossed(s: Reading, side: str) -> list[SummaryDict]:
    """The levels "what changed" says were cleared or lost since the last piece: the page never names a
    level there and leaves it out of the box (a cleared resistance is support now, a lost support resistance)."""
    kinds = {"level_cleared": "cleared_level", "support_lost": "lost_support"}
    out = []
    for c in (s.get("since_last") or {}).get("changes") or []:
        if (
            c.get("kind") in kinds
            and c.get("price") is not None
            and (c["price"] > s["close"]) == (side == "resistance")
        ):
            kind = _WAS.get(c.get("level_kind"), kinds[c["kind"]])
            out.append(_rung(c["price"], kind, c.get("level_date") or c.get("date")))
    return out


#: A level cleared or lost is named by what it was, dated to its own close (the third cold read read
#: "level cleared, Dec 16" as the date of the level, where 17,900 was BTC-USD's Dec 7 record close).
_WAS = {
    "all_time_high": "former_record",
    "high_52w": "former_high_52w",
    "all_time_low": "former_record_low",
    "low_52w": "former_low_52w",
}


def _recent_closes(s: Reading, side: str) -> list[SummaryDict]:
    """After a notable move: the nearest on ``side`` of the last closes (:data:`analysis.model.session.RECENT`) (a crash's
    last stand, e.g. IWM's 103.62 two sessions before its 99.97), kept by the model as ``session.recent_closes``."""
    ses = s.get("session") or {}
    if not notable_move(ses):
        return []
    above = side == "resistance"
    fits = [
        c for c in ses.get("recent_closes") or [] if (c["price"] > s["close"]) == above and c["price"] != s["close"]
    ]
    if not fits:
        return []
    nearest = min(fits, key=lambda c: abs(c["price"] - s["close"]))
    if _within_a_session(s, nearest["price"]):
        return []
    return [_rung(nearest["price"], "recent_close", nearest["date"])]


def _within_a_session(s: Reading, price: float) -> bool:
    """Whether ``price`` is nearer the close than the median session moves (noise, not a level: LQD
    2008-11-20 listed a close 0.1% above as resistance, its median day 0.3%; the fifth cold read)."""
    typical = (s.get("session") or {}).get("typical")
    if typical is None:
        return False
    u, close = units(s["profile"]["returns"]), float(s["close"])
    return move_size(close, price, u) < float(typical) / (close if u.returns == "points" else 1.0)


#: The record close a strategist names whenever it is this near, even beyond two nearer levels.
_RECORDS = ("all_time_high", "all_time_low")
RECORD_NEAR = 0.10


def _with_record(chosen: list[SummaryDict], near: list[SummaryDict], close: float) -> list[SummaryDict]:
    """``chosen`` and the record close when the record is within :data:`RECORD_NEAR` of the close but not
    listed (SMH 2024-07-17, 9.6% under its July 10 record, listed a recent close and a swing high instead:
    the fourth cold read): one more row, not in place of a nearer level (TLT 2026-08-21 lost its
    52-week low, 0.9% below, to the record low 1.7% below: the sixth cold read)."""
    record = next((r for r in near if r["kind"] in _RECORDS and abs(r["price"] / close - 1) <= RECORD_NEAR), None)
    if record is None or any(abs(c["price"] - record["price"]) <= 0.001 * abs(record["price"]) for c in chosen):
        return chosen
    return [*chosen, record]


#: Kinds a reader always wants by name, even merged into a zone named by another (:func:`_unmerged`).
_NAMED = ("high_52w", "low_52w", "all_time_high", "all_time_low")


def _unmerged(rungs: list[SummaryDict]) -> list[SummaryDict]:
    """The ladder's zones and, beside them, the 52-week and record closes merged into a zone: TLT
    2026-08-21's 52-week low (81.35, 0.9% below) sat in the zone of its record low (80.65, within the 1%
    the ladder merges), and the box named only the record (the sixth cold read)."""
    out = list(rungs)
    for zone in rungs:
        out += [{**r, "also": []} for r in zone.get("also") or [] if r.get("kind") in _NAMED]
    return out


def box(s: Reading) -> dict[str, list[SummaryDict]]:
    """The resistances and supports page one lists, :data:`PER_SIDE` a side (and the record when it
    is near), nearest first."""
    close, out = s["close"], {}
    for side in ("resistance", "support"):
        rungs = _unmerged(list((s.get("levels") or {}).get(side) or []))
        above = side == "resistance"
        fits = [r for r in rungs + _extras(s, side) if (r["price"] > close) == above and r["price"] != close]
        near = [r for r in fits if abs(r["price"] - close) <= NEAR * abs(close)]
        chosen: list[SummaryDict] = []
        for r in sorted(near, key=lambda r: abs(r["price"] - close)):
            if len(chosen) < PER_SIDE and all(abs(r["price"] - c["price"]) > 0.001 * abs(c["price"]) for c in chosen):
                chosen.append(r)
        if not chosen and fits:  # nothing near: the nearest level however far, so the box is never empty
            chosen.append(min(fits, key=lambda r: abs(r["price"] - close)))
        chosen = _with_record(chosen, near, close)
        out[side] = sorted(chosen, key=lambda r: abs(r["price"] - close))
    return out
