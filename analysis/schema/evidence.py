"""The summary's evidence: the scorecard and the family (``docs/scenarios.md``), the event study
(``docs/history.md``). :mod:`analysis.schema` assembles them into the :class:`~analysis.schema.Summary`."""

from __future__ import annotations

from typing import TypedDict

Date = str  # ISO "YYYY-MM-DD"


class Evidence(TypedDict):
    name: str
    function: str
    series: list[str]
    value: float | None
    value_text: str
    rule: str
    reading: str  # supports | contradicts | neutral | unavailable
    weight: float
    as_of: Date | None
    detail: str
    reason: str | None
    direction: str
    own: bool


class LeftOut(TypedDict):
    name: str
    reason: str


class Premise(TypedDict):
    condition: str  # above_slow | below_slow | stretched | no_sharp_fall
    series: list[str]  # whose closes must meet it


class Unmet(TypedDict):
    condition: str
    series: list[str]  # the series that do not meet it
    values: list[float | None]  # each one's distance from its slow average, band z or five-session move


class Unread(TypedDict):
    series: str
    reason: str  # e.g. "ZZZZ could not be loaded: the bundled snapshot has no ZZZZ", "QQQ data ends 2024-02-01"


class Scenario(TypedDict):
    id: str
    title: str
    score: float | None
    verdict: str
    available_weight: float
    missing_weight: float
    total_weight: float
    supporting_weight: float
    contradicting_weight: float
    neutral_weight: float
    applies: (
        bool | None
    )  # False: a premise in ``requires`` is false (verdict "does not apply", no score); None: unreadable
    requires: list[Premise]  # the premises the talking point takes for granted (all must hold)
    unmet: list[Unmet]  # the premises that do not hold now
    unread: list[Unread]  # the series a premise reads that cannot be read (missing or stale), with why
    opposes: list[str]  # ids of talking points that cannot hold together with this one
    weighed_against: str | None  # the opposite it was weighed against (verdict "outweighed" or "split")
    note: str
    evidence: list[Evidence]
    left_out: list[LeftOut]


class Horizon(TypedDict):
    n: int
    median: float | None
    hit_rate: float | None
    baseline_median: float | None
    baseline_hit_rate: float | None
    baseline_n: int
    too_few: bool
    overlapping: int
    open: int
    edge: float | None  # median - baseline_median, in the profile's units (fraction, points, bp)
    edge_low: float | None  # bootstrap 90% interval of the edge
    edge_high: float | None
    verdict: str  # positive edge | negative edge | no edge | too few


class Trigger(TypedDict):
    id: str
    trigger: str
    direction: str  # bullish | bearish
    occurrences: int
    last_occurrence: Date | None
    horizons: dict[str, Horizon]


class HistoryState(TypedDict):
    id: str  # current_state
    label: str  # Now: warning phase, Real Motion below its 50-DMA
    phase: str
    real_motion: str  # above | below (its fast line)
    sessions: int
    first_session: Date
    last_session: Date
    horizons: dict[str, Horizon]


class Member(TypedDict):
    ticker: str
    nickname: str
    role: str
    status: str  # current | stale | missing
    stale: bool
    fully_adjusted: bool | None
    phase: str | None
    phase_since: Date | None
    close: float | None
    sma50: float | None
    sma200: float | None
    rm: float | None
    rm_fast: float | None
    rm_above_fast: bool | None
    lead: float | None
    lead_above_zero: bool | None
    return_1m: float | None
    return_3m: float | None
    as_of: Date | None
    last_date: Date | None
    reason: str | None


class Family(TypedDict):
    benchmark: str
    as_of: Date
    members: list[Member]
    counts: dict[str, int]
    summary: str
