"""The levels page one lists beside its text: real closes (and the averages), nearest first, never
an empty box while the history has a close on that side.

The ladders (:func:`analysis.indicators.levels.ladders`) hold swing highs and lows, recent and
52-week extremes, the record and the averages. Near the close (within :data:`NEAR`) they are
what a reader watches. Far from anything (a crash, a new low, a record) the box adds the
closes a strategist names instead:

* after a notable fall (rise), the close before it and the five sessions' extreme close: the
  levels to regain (to hold);
* at a low (high), the last earlier close below (above) the close: "the lowest close since
  November 2020" is a level with a date;
* at a record, the former record close: a broken record is support;

and when nothing is near on a side, the nearest level however far (one: a 1932 low is no
second level for a reader today). Each
level keeps the ladder's keys (``price``, ``kind``, ``date``, ``window``).
"""

from __future__ import annotations

from analysis.model.types import Reading, SummaryDict

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
    if recent and (ses.get("notable_day") or ses.get("notable_week")):  # after a fall: where the selling started
        out.append(
            {
                **_rung(recent["price"], "recent_high" if side == "resistance" else "recent_low", recent["date"]),
                "window": 5,
            }
        )
    since = (s.get("support") if side == "support" else s.get("level_to_clear")) or {}
    if since.get("since"):
        kind = "last_close_below" if side == "support" else "last_close_above"
        out.append(_rung(since["since"]["price"], kind, since["since"]["date"]))
    record = next((f for f in s.get("unusual") or [] if f["id"] == "all_time_high"), None)
    if side == "support" and record and record.get("previous") is not None and record["previous"] < s["close"]:
        out.append(_rung(record["previous"], "former_record", record.get("previous_date")))
    return out


def box(s: Reading) -> dict[str, list[SummaryDict]]:
    """The resistances and supports page one lists, :data:`PER_SIDE` a side, nearest first."""
    close, out = s["close"], {}
    for side in ("resistance", "support"):
        rungs = list((s.get("levels") or {}).get(side) or [])
        above = side == "resistance"
        fits = [r for r in rungs + _extras(s, side) if (r["price"] > close) == above and r["price"] != close]
        near = [r for r in fits if abs(r["price"] - close) <= NEAR * abs(close)]
        chosen: list[SummaryDict] = []
        for r in sorted(near, key=lambda r: abs(r["price"] - close)):
            if len(chosen) < PER_SIDE and all(abs(r["price"] - c["price"]) > 0.001 * abs(c["price"]) for c in chosen):
                chosen.append(r)
        if not chosen and fits:  # nothing near: the nearest level however far, so the box is never empty
            chosen.append(min(fits, key=lambda r: abs(r["price"] - close)))
        out[side] = sorted(chosen, key=lambda r: abs(r["price"] - close))
    return out
