"""The shape of the summary JSON, as typed dictionaries: the documentation the code is checked against.

:func:`analysis.summary.build` returns a :class:`Summary`-shaped dict; ``docs/summary.md``
explains every key. ``tests/test_schema.py`` fails when the JSON of a real piece has a key
these types do not declare (or lacks one they do), and when ``docs/summary.md`` omits a
declared key, so code, types and documentation cannot drift apart. Dates are ISO strings;
missing values are ``None``.
"""

from __future__ import annotations

from typing import Any, Required, TypedDict

from analysis.schema.evidence import Date, Family, HistoryState, Scenario, Trigger


class Provenance(TypedDict):
    source: str
    source_detail: str
    first_date: Date
    last_date: Date
    fully_adjusted: bool
    price_only: bool
    notes: list[str]


class Data(TypedDict):
    ticker: Provenance
    benchmark: Provenance
    sessions: int  # the ticker's own sessions up to as-of (its indicators' calendar)
    first_session: Date
    common_sessions: int  # sessions ticker and benchmark both traded (Leadership's calendar)
    leadership_basis: str  # close | adj_close (both sides on one basis)
    run_notes: list[str]


class MacroReading(TypedDict):
    value: float | None
    date: Date | None  # of the observation
    known_since: Date | None  # when it became public
    title: str
    units: str
    stale: bool
    stale_reason: str
    source: str
    revised: str


class Century(TypedDict, total=False):
    available: bool
    reason: str
    size_premium_10y: dict
    valuation_small_vs_big: dict
    cape: dict
    after_similar: dict


class SettingsBlock(TypedDict):
    fast: int  # sessions in the fast moving average (named "<fast>-DMA" everywhere)
    slow: int  # sessions in the slow moving average
    band_width: float  # Real Motion's band half-width in standard deviations
    confirm_n: int  # closes above the fast average that confirm a turn
    level_window: int  # sessions looked back for the level to clear
    level: float | None  # a level given by the user instead of the computed one


class SessionMove(TypedDict):
    move: float  # a fraction for a price; points or bp for a level (Units)
    percentile: float  # share of the ticker's earlier moves (of this span) smaller in size
    n: int  # earlier moves compared
    last_as_large: Date | None  # the last earlier session with a move as large the same way (None: the largest)
    first_date: Date  # the first session compared


class Session(TypedDict):
    date: Date
    previous_date: Date | None
    close: float
    previous_close: float | None
    day: SessionMove | None  # the close against the previous close
    week: SessionMove | None  # against the close five sessions back
    recent_high: dict | None  # {price, date}: the highest close of the five sessions before
    recent_low: dict | None  # {price, date}: the lowest close of the five sessions before
    recent_closes: list[
        dict
    ]  # [{price, date}]: the ten closes before, oldest first (page one's levels after a notable move)
    range: float | None  # (high - low) / previous close
    gap: float | None  # open / previous close - 1
    notable_day: bool  # larger than on 95% of earlier sessions
    notable_week: bool  # larger than on 98% of earlier five-session spans, and than the day
    reach: float | None  # the one-session move only 1% of sessions exceeded (in the ticker's units)
    typical: float | None  # the median one-session move (in the ticker's units)
    reversal: (
        dict | None
    )  # {way, extreme, extreme_move, close_move, swing}: the session turned round (a notable swing across the previous close)
    largest_rise: dict | None  # {move, date}: the largest one-session rise up to as-of (in the ticker's units)
    largest_fall: dict | None  # {move, date}: the largest one-session fall up to as-of


class Profile(TypedDict):
    kind: str  # equity | equity_index | bond_fund | yield | volatility | crypto
    title: str
    reason: str
    calendar: str
    returns: str  # total | price | points | basis_points
    total_return: bool
    volume: bool
    leadership: str  # shown | risk_off | hidden
    holdable: bool
    year: int
    equivalent_to: str | None


class Rung(TypedDict, total=False):
    price: float
    date: Date | None
    kind: str
    window: int | None
    also: list[dict]


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


#: One close that would flip a signal next session (``from``/``to`` name the phases of a phase event).
Change = TypedDict(
    "Change",
    {
        "event": str,
        "direction": str,
        "price": float,
        "distance_pct": float,
        "window": int,
        "from": str,
        "to": str,
        "move_percentile": float | None,  # share of the ticker's one-session moves smaller than the move to it
    },
    total=False,
)


#: One fact of the ``unusual`` catalogue (analysis/model/unusual.py): ``id``, ``score``, ``unusual`` always,
#: the other keys by ``id`` (docs/summary.md).
Unusual = TypedDict(
    "Unusual",
    {
        "id": str,
        "score": float,
        "unusual": bool,
        "z": float,
        "band": str,
        "extreme": bool,
        "close": float,
        "previous": float,
        "previous_date": Date,
        "broken": float,
        "broken_date": Date,
        "broken_on": Date,
        "first_date": Date,
        "drawdown": float,
        "high": float,
        "high_date": Date,
        "percentile": float,
        "from": str,
        "to": str,
        "date": Date,
        "sessions": int,
        "averages": bool,
        "volume": float,
        "average": float,
        "ratio": float,
        "change": float,
        "spike": bool,
        "side": str,
        "record": bool,
        "kind": str,
        "rm": float,
        "rm_fast": float,
        "sma50": float | None,
    },
    total=False,
)


class MeanReversion(TypedDict):
    date: Date
    direction: str  # up | down


class RealMotion(TypedDict):
    value: float | None
    fast: float | None
    slow: float | None
    upper: float | None
    lower: float | None
    z: float | None
    z_since: Date | None  # the last earlier session with a z as far out the same way
    above_fast: bool | None
    above_slow: bool | None
    last_above_fast: Date | None
    last_below_fast: Date | None
    streak: int
    band_position: str | None  # above | inside | below
    last_outside_band: Date | None
    divergence: bool | None
    mean_reversion: MeanReversion | None


class Leadership(TypedDict):
    value: float | None
    fast: float | None
    upper: float | None
    lower: float | None
    above_zero: bool | None
    above_upper: bool | None
    above_fast: bool | None
    streak_vs_zero: int | None
    last_above_zero: Date | None
    last_below_zero: Date | None
    last_above_upper: Date | None
    ratio: float | None
    haven: str | None  # a bond fund's lead: sought | falling_less | falling (None: no lead, or not a bond fund)


class Confirmation(TypedDict):
    n: int
    closes_above_sma50: int
    confirmed: bool
    last_completed: Date | None


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


class SpanReturn(TypedDict):
    ticker: float | None
    benchmark: float | None
    start: Date | None


class ScenarioSet(TypedDict):
    id: str
    title: str
    why: str


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
        "via": list[str],  # phase: the phases passed through
        "left": Date,  # phase, back: the first session out of the phase
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


class Narrative(TypedDict):
    bottom_line: list[str]
    price_and_phase: list[str]
    momentum: list[str]
    leadership: list[str]
    needs: list[str]
    performance: list[str]
    century: list[str]
    economy: list[str]
    scenarios: list[str]
    family: list[str]
    history: list[str]
    caveats: list[str]


class BriefLevel(TypedDict):
    price: float
    text: str  # the price as the piece quotes it
    what: str  # the kind of level in words: "a swing low", "the 50-DMA"
    date: Date | None  # when it was set (None for an average)


class CallChange(TypedDict):
    direction: str  # up | down
    price: float  # next session's close that changes the call (solved exactly)
    distance_pct: float  # fraction from the last close
    call: str  # the call it changes to
    move_percentile: float | None  # share of the ticker's one-session moves smaller than the move to it


class Brief(TypedDict):
    call: str  # constructive | cautious | defensive (for a fear gauge or a yield: for stocks / bond holders)
    call_label: str  # the call as page one heads it: "Cautious", "Defensive for stocks"
    call_reason: str  # why, as a sentence of its own
    call_sentence: str  # the two in one sentence: "<call_label>: <reason>."
    would_change: list[CallChange]
    change_sentences: list[str]  # up, then down
    lead: str  # the day when it is notable, then the most unusual fact, in a sentence each ("" when neither)
    session_line: str  # the day in one sentence, beside the levels, when it is not in the lead ("" then)
    paragraphs: list[str]  # price, momentum, leadership
    scenario_line: str
    since_last: list[str]  # the top two changes since the last piece
    levels: dict[str, list[BriefLevel]]  # resistance, support


class ClaimFigure(TypedDict):
    value: str  # the figure as printed: "0.2%", "March 18, 2024", "two"
    path: str  # where its value is in this summary: "pct_from_sma50", "pct(sma50, session.close)", "len(scenarios)"


class ClaimSentence(TypedDict):
    where: str  # the sentence's place: "brief.paragraphs[0]", "narrative.history[2]", "caption.history", "method[1]"
    sentence: str
    figures: list[ClaimFigure]  # in the order printed


class Untraced(TypedDict):
    where: str
    sentence: str
    value: str  # the figure as printed, which no value of the summary matches


class Claims(TypedDict):
    figures: int  # figures in the piece's text
    traced: int  # of them, traced to a value of the summary
    constants: dict[str, float]  # the method's constants the text states (the 90% interval ...), by name
    names: dict[str, str]  # names with a digit the text uses ("the Russell 2000 ETF"), by what they name
    sentences: list[ClaimSentence]  # every sentence with a figure, each figure with its path
    untraced: list[Untraced]  # the figures nothing matched (none in a published piece: tests/test_claims.py)


class Summary(TypedDict):
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
    phase_sessions: int | None
    phase_previous: str | None
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


def fields(kind: type) -> dict[str, Any]:
    """``{key: annotation}`` of a TypedDict, in declaration order."""
    return dict(kind.__annotations__)
