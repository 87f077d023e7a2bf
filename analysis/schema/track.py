"""The shape of ``track_record``: how the call has done (:mod:`analysis.model.track_record`; ``docs/summary.md``)."""

from __future__ import annotations

from typing import Required, TypedDict

from analysis.schema.evidence import Date


class TrackSample(TypedDict):
    n: int  # windows counted
    median: float | None  # in the record's measure: a fraction, or bp for a yield
    q1: float | None  # the middle half: first and third quartiles
    q3: float | None
    hit_rate: float | None  # share of windows the holder gained in (for a yield: the yield fell)


class TrackRelative(TrackSample):
    edge: float | None  # median minus the drift's median
    edge_low: float | None  # bootstrap 90% interval of the edge
    edge_high: float | None
    verdict: str  # positive edge | negative edge | no edge | too few
    holder: str | None  # better | worse for the holder (the edge read with the grading's sign); None: no edge


class TrackHorizon(TrackRelative):
    overlapping: int  # sessions in the state with a complete window that the overlap rule left out
    open: int  # sessions in the state whose window is not complete at as-of
    drawdown: float | None  # median of the worst move against the holder within each window
    worst_drawdown: float | None  # the worst of them
    as_called: bool | None  # an edge that went the way the call says (None: no edge, or cautious)
    relative: TrackRelative | None  # the same relative to the benchmark (a price only)


class TrackBaseline(TrackSample):
    drawdown: float | None
    worst_drawdown: float | None
    relative: TrackSample | None


class TrackState(TypedDict):
    sessions: int  # sessions of the record with this call
    share: float | None  # of the record's sessions
    runs: int  # separate runs of it
    median_run: float | None  # their median length in sessions
    horizons: dict[str, TrackHorizon]


class TrackChanges(TypedDict):
    changes: int
    per_year: float | None
    median_run: float | None


class SimpleRule(TypedDict):
    window: int  # sessions of the average (200)
    side: str  # above | below: the graded close on this side of its average means "in"
    sessions: int
    changes: TrackChanges
    states: dict[str, TrackState]  # in, out


class Spread(TypedDict):
    spread: float | None  # holder's median after the favourable state minus after the unfavourable one
    low: float | None
    high: float | None
    verdict: str


class Spreads(TypedDict):
    call: Spread  # constructive over defensive
    rule: Spread  # in over out


class TrackRecord(TypedDict, total=False):
    available: Required[bool]
    reason: Required[str | None]  # why there is no record (None when available)
    first_session: Date
    last_session: Date
    sessions: int
    graded_on: str  # ticker | benchmark | yield
    graded_symbol: str
    measure: str  # total | price | points | basis_points
    holder_gains: str  # rises | falls
    sampling: str  # non_overlapping
    level: float
    resamples: int
    min_n: int
    horizons: list[int]
    call: str | None
    call_sessions: int
    changes: TrackChanges
    states: dict[str, TrackState]
    baseline: dict[str, TrackBaseline]
    simple_rule: SimpleRule
    spread: dict[str, Spreads]
