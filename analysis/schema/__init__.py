"""The shape of the summary JSON, as typed dictionaries: the documentation the code is checked against.

:func:`analysis.summary.build` returns a :class:`Summary`-shaped dict; ``docs/summary.md``
explains every key. ``tests/test_schema.py`` fails when the JSON of a real piece has a key
these types do not declare (or lacks one they do), and when ``docs/summary.md`` omits a
declared key, so code, types and documentation cannot drift apart. Dates are ISO strings;
missing values are ``None``.

:class:`Summary` is assembled here from its parts, each declared beside its kin: the data, profile,
settings and session (:mod:`~analysis.schema.market`), the indicators' readings
(:mod:`~analysis.schema.signals`), the price levels (:mod:`~analysis.schema.levels`), the changes
since the last piece (:mod:`~analysis.schema.since`), the words (:mod:`~analysis.schema.words`),
the scorecard, family and event study (:mod:`~analysis.schema.evidence`) and the track record
(:mod:`~analysis.schema.track`).
"""

from __future__ import annotations

from typing import Any, TypedDict

from analysis.schema.claims import Claims
from analysis.schema.evidence import Date, Family, HistoryState, Scenario, Trigger
from analysis.schema.levels import Ladders, Level, Run, Support
from analysis.schema.market import Century, Data, MacroReading, Profile, Session, SettingsBlock
from analysis.schema.signals import Change, Confirmation, Leadership, RealMotion, SpanReturn, Unusual
from analysis.schema.since import SinceLast
from analysis.schema.track import TrackRecord
from analysis.schema.words import Brief, Narrative

#: The summaries' ``schema_version``: a summary of another one was not written by this version.
SCHEMA_VERSION = 1


class ScenarioSet(TypedDict):
    id: str
    title: str
    why: str


class KnobsBlock(TypedDict, total=False):
    """The one key a piece has only when asked for with knobs off their defaults (a TypedDict of its
    own: ``NotRequired`` is not read from postponed annotations on Python 3.11)."""

    knobs: dict[str, Any]  # {name: value} of each knob that differs from its default


class Summary(KnobsBlock):
    schema_version: int
    ticker: str
    benchmark: str
    as_of: Date
    as_of_requested: Date | None
    as_of_note: str | None
    source: str
    profile: Profile
    settings: SettingsBlock
    session: Session
    data: Data
    close: float
    sma50: float | None
    sma200: float | None
    pct_from_sma50: float | None
    pct_from_sma200: float | None
    sma50_rising: bool | None
    sma200_rising: bool | None
    sma50_above_sma200: bool | None
    phase: str | None
    phase_since: Date | None
    phase_from_start: bool  # the phase has held since the first session with one: its start is the data's
    phase_sessions: int | None
    phase_previous: str | None
    phase_turn: str | None  # up | down: the close entered the phase within 3 sessions by crossing an average
    real_motion: RealMotion
    leadership: Leadership
    closes_above_sma50: int
    last_two_closes_above_sma50: Date | None
    confirmation: Confirmation
    level_to_clear: Level
    support: Support
    levels: Ladders
    last_run_above_sma50: Run
    what_would_change: list[Change]
    relative_performance: dict[str, SpanReturn]  # keyed by span: 1m 3m 1y 3y 5y 10y
    unavailable: list[str]
    unusual: list[Unusual]
    history: list[Trigger]
    history_state: HistoryState | None
    track_record: TrackRecord
    macro: dict[str, MacroReading]
    economy: dict[str, dict]
    century: Century
    scenario_set: ScenarioSet
    scenarios: list[Scenario]
    family: Family
    since_last: SinceLast
    headline: str
    narrative: Narrative
    brief: Brief
    claims: Claims
    claims: Claims


def fields(kind: type) -> dict[str, Any]:
    """``{key: annotation}`` of a TypedDict, in declaration order."""
    return dict(kind.__annotations__)
