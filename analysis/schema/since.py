"""What changed since the last piece (:mod:`analysis.model.since`). :mod:`analysis.schema`
assembles the parts into the :class:`~analysis.schema.Summary`."""

from __future__ import annotations

from typing import Any, Required, TypedDict

from analysis.schema.evidence import Date


class SinceAverage(TypedDict):
    kind: str  # sma_fast | sma_slow
    window: int
    price: float


#: One change since the last piece (``analysis.model.since``); which fields it has depends on ``kind``.
SinceChange = TypedDict(
    "SinceChange",
    {
        "kind": Required[
            str
        ],  # phase | level_cleared | support_lost | real_motion | confirmation | leadership | scenario | family | closes_above
        "rank": Required[float],  # bigger = more important; the list is sorted by it
        "text": Required[str],  # one plain sentence
        "from": Any,  # then: a phase, a side (above | below), a count of closes or a score
        "to": Any,  # now, same kind of value
        "date": Date | None,  # when it happened (the first close beyond a level, the crossing, the new phase's start)
        "back": bool,  # undone before the as-of session (crossed and back, a phase left and returned to)
        "back_at": bool,  # a level's: undone onto the level itself (the close equals it, on neither side)
        "via": list[str],  # phase: the phases passed through
        "left": Date,  # phase, back: the first session out of the phase
        "spells": int,  # phase, back: the runs away from the phase before the return
        "first_date": Date | None,  # crossings: the first crossing
        "crossings": int,
        "price": float,  # level_cleared / support_lost: the level
        "level_kind": str,
        "level_date": Date | None,
        "window": int | None,
        "beyond": SinceAverage | None,  # the average the piece named, passed over for a fixed level
        "close": float,  # the first close beyond the level
        "event": str,  # confirmation / closes_above: reached | lost | reached_and_lost | count
        "n": int,
        "id": str,  # scenario
        "title": str,
        "move": float,
        "verdict": str | None,
        "from_verdict": str | None,  # a scenario change: the verdict it had before
        "tickers": list[str],  # family
        "nicknames": list[str],
    },
    total=False,
)


class SinceLast(TypedDict):
    against: str  # piece | sessions
    previous_as_of: Date | None  # None: nothing to compare with
    sessions: int  # the ticker's sessions after previous_as_of up to as-of
    changes: list[SinceChange]
    none: bool
