"""The summary's readings of the indicators: Real Motion, Leadership, the confirmation count,
relative performance, the closes that would change a signal (:class:`Change`) and the unusual
facts. :mod:`analysis.schema` assembles the parts into the :class:`~analysis.schema.Summary`."""

from __future__ import annotations

from typing import TypedDict

from analysis.schema.evidence import Date

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
        "relative_percentile": float | None,  # Leadership's: share of sessions beating/trailing the benchmark by less
        "rarity": str,  # which share move_percentile is: "own" (the ticker's moves) or "relative" (against the benchmark)
        "reachable": bool | None,  # whether a session can carry the ticker there (analysis/model/reach.py)
        "of": str,  # which moves move_percentile ranks among: "history" (all) or "year" (the past year's: a quiet tape)
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
        "with_income": float | None,  # the drawdown of the dividend-adjusted closes, when 2 points shallower
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


class Stretch(TypedDict):
    side: str | None  # up | down: the piece's one "stretched" (beyond the band, or a distance rare in its history)
    by: str | None  # band | history
    percentile: float | None  # share of Real Motion's readings at or below now, 0-100
    rarer_than: float | None  # with a side: the share of readings less far out that way (a fraction)
    since: Date | None  # the last earlier reading at least as far out the same way
    readings: int  # Real Motion's readings up to now
    known: bool  # False: inside the band with too few readings to rank, so neither "stretched" nor "not"


class RealMotion(TypedDict):
    value: float | None
    fast: float | None
    slow: float | None
    upper: float | None
    lower: float | None
    z: float | None
    z_since: Date | None  # the last earlier session with a z as far out the same way
    change_week: float | None  # the value less the one five sessions earlier: momentum building or cooling
    stretch: Stretch
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
    date: Date | None  # the last session both series traded (a Friday for crypto on a weekend)
    benchmark_end: Date | None  # the benchmark file's last date when it ends before the as-of session
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
    week: (
        float | None
    )  # the relative return over the last five common sessions (the ratio's change): the lead gained or narrowed
    haven: str | None  # a bond fund's lead: sought | falling_less | falling (None: no lead, or not a bond fund)


class Confirmation(TypedDict):
    n: int
    closes_above_sma50: int
    confirmed: bool
    last_completed: Date | None


class SpanReturn(TypedDict):
    ticker: float | None
    benchmark: float | None
    start: Date | None
