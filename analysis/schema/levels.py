"""The summary's price levels (:mod:`analysis.indicators.levels`): the ladders, the level to
clear, the nearest support and the last run above the fast average. :mod:`analysis.schema`
assembles the parts into the :class:`~analysis.schema.Summary`."""

from __future__ import annotations

from typing import TypedDict

from analysis.schema.evidence import Date


class Rung(TypedDict, total=False):
    price: float
    date: Date | None
    kind: str
    window: int | None
    also: list[dict]
    since: Date  # a prior_high/prior_low only: the highest (lowest) close since this session


class Ladders(TypedDict):
    resistance: list[Rung]
    support: list[Rung]


class Beyond(TypedDict):
    price: float  # the last earlier close beyond the close (above at a high, below at a low)
    date: Date  # the close is the highest (lowest) since that session
    sessions: int  # sessions back
    extreme: dict  # {price, date}: the lowest (highest) close within 22 sessions of it, that episode's level


class Support(TypedDict):
    price: float | None
    date: Date | None
    kind: str
    window: int | None
    also: list[dict]
    at: str | None
    next: Rung | None
    note: str
    distance: float | None
    since: Beyond | None  # at a low: the last earlier close below it (None: lowest in the data, or not at a low)


class Run(TypedDict):
    last_close_above: Date | None
    run_start: Date | None
    run_end: Date | None
    run_sessions: int
    current_run: int


class Level(TypedDict):
    price: float | None  # None at a high: nothing overhead (then ``at`` and ``next`` say so)
    date: Date | None
    kind: str
    window: int | None
    also: list[dict]
    at: str | None  # all_time | 52w | recent
    next: Rung | None
    note: str
    origin: str  # computed | parameter
    distance: float | None
    since: Beyond | None  # at a high: the last earlier close above it (None: a record, or not at a high)
