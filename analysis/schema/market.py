"""The summary's context: where the data came from (:class:`Data`), the ticker's profile and
settings, the as-of session, and the macro and century readings. :mod:`analysis.schema` assembles
the parts into the :class:`~analysis.schema.Summary`."""

from __future__ import annotations

from typing import TypedDict

from analysis.schema.evidence import Date


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


class SpanMove(SessionMove):
    sessions: int  # the span: 2, 3 or 4 sessions


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
    open: float | None  # the session's open
    from_open: float | None  # close / open - 1
    gap_notable: bool  # a price's gap at least a notable day's move (page one says how it opened and closed)
    notable_day: bool  # larger than on 95% of earlier sessions
    notable_week: bool  # larger than on 98% of earlier five-session spans, and than the day
    span: SpanMove | None  # the 2-4 session move as notable as a week's, the day's way and larger (not with the week)
    notable_span: bool  # span is not None
    reach: float | None  # the one-session move only 1% of sessions exceeded (in the ticker's units)
    volatile_reach: dict  # {up, down}: today's volatility's reach when wider, else null (model/reach.py)
    record_turn: (
        dict | None
    )  # {way, extreme, record, record_date}: beyond every earlier high (low), closed the other way
    quiet_reach: float | None  # the past year's largest move when under a third of reach (a quiet tape), else null
    typical: float | None  # the median one-session move (in the ticker's units)
    reversal: (
        dict | None
    )  # {way, extreme, extreme_move, close_move, swing}: the session turned round (a notable swing across the previous close)
    largest_rise: (
        dict | None
    )  # {move, size, date}: the largest one-session rise up to as-of (move in the ticker's units, size as ranked: a gauge's as a fraction)
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
