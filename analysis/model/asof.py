"""Which session a piece is written "as of", and whether there is enough history for it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

import pandas as pd

from analysis.errors import DataError, InputError

#: Sessions of common history a piece needs at the very least (the 200-day average).
MIN_SESSIONS = 200
#: An AS_OF this many calendar days past the data's last session is refused, not silently moved.
MAX_STALE_DAYS = 7


@dataclass(frozen=True)
class AsOf:
    """The requested date (``None`` = latest), the session used, and a note when they differ or the
    benchmark's data ends before that session."""

    requested: dt.date | None
    session: pd.Timestamp
    note: str = ""
    bench_end: str | None = None  #: the benchmark file's last date when it ends before ``session`` (ISO)

    @property
    def iso(self) -> str:
        return self.session.date().isoformat()


def common_sessions(a: pd.DataFrame, b: pd.DataFrame) -> pd.DatetimeIndex:
    """Sessions present in both frames (ticker and benchmark are aligned on these)."""
    return cast(pd.DatetimeIndex, a.index.intersection(b.index))


def resolve(
    ticker: pd.DataFrame, benchmark: pd.DataFrame, requested: dt.date | None, *, min_sessions: int = MIN_SESSIONS
) -> AsOf:
    """The ticker's last session on or before ``requested`` (default: its last session the benchmark also covers).

    A piece runs on the ticker's own calendar (seven days a week for crypto); the benchmark
    must have traded within :data:`MAX_STALE_DAYS` before that session. Raises
    :class:`InputError` when ``requested`` is before the first session the two share, too
    early to leave ``min_sessions`` sessions of the ticker's history, or more than
    :data:`MAX_STALE_DAYS` past the end of either series; :class:`DataError` when the two
    series share too few sessions at all.
    """
    t, b = ticker.attrs.get("ticker", "ticker"), benchmark.attrs.get("ticker", "benchmark")
    common = common_sessions(ticker, benchmark)
    if len(common) < min_sessions:
        raise DataError(
            f"{t} and {b} share only {len(common)} session{'' if len(common) == 1 else 's'}; a piece needs at"
            f" least {min_sessions}"
            " (for the 200-day average).",
            "Pick a ticker with a longer history, or another BENCHMARK.",
        )
    sessions = ticker.index[
        (ticker.index >= common[0]) & (ticker.index <= common[-1] + pd.Timedelta(days=MAX_STALE_DAYS))
    ]
    own = cast(pd.DatetimeIndex, ticker.index)
    earliest = own[max(min_sessions - 1, int(own.searchsorted(common[0])))]
    if requested is None:
        _not_after_the_clock(sessions[-1], t)
        return AsOf(None, sessions[-1], _ends_before(benchmark, sessions[-1]), _bench_end(benchmark, sessions[-1]))
    target = pd.Timestamp(requested)
    if target < common[0]:
        raise InputError(
            f"AS_OF {requested.isoformat()} is before the first session {t} and {b} share"
            f" ({common[0].date().isoformat()}).",
            f"Use AS_OF={earliest.date().isoformat()} or later.",
        )
    session = own[int(own.searchsorted(target, side="right")) - 1]
    if (have := int(own.searchsorted(session)) + 1) < min_sessions:
        raise InputError(
            f"AS_OF {requested.isoformat()} leaves only {have} session{'' if have == 1 else 's'} of"
            f" history for {t}; the piece needs at least {min_sessions}.",
            f"Use AS_OF={earliest.date().isoformat()} or later.",
        )
    last_common = common[int(common.searchsorted(session, side="right")) - 1]
    if (target - session).days > MAX_STALE_DAYS or (session - last_common).days > MAX_STALE_DAYS:
        end = min(session, last_common)
        raise InputError(
            f"AS_OF {requested.isoformat()} is after the end of the data: the last session"
            f" {t} and {b} share is {end.date().isoformat()}.",
            f"Use AS_OF={end.date().isoformat()} or earlier, or SOURCE=yahoo for newer data.",
        )
    notes = (_note(ticker, benchmark, target, session), _ends_before(benchmark, session))
    return AsOf(requested, session, " ".join(n for n in notes if n), _bench_end(benchmark, session))


def clock_today() -> dt.date:
    """Today's date by the system clock, in UTC (the reports folder's index reads it so too)."""
    return dt.datetime.now(dt.UTC).date()


def _not_after_the_clock(session: pd.Timestamp, t: str) -> None:
    """:class:`InputError` when the latest session is after tomorrow (UTC) by the system clock: a clock set
    behind the data published a piece dated in its future, which the index then passed over as no piece of
    this project, and failed in the kernel calling a bundled file corrupt (the twentieth hostile pass)."""
    today = clock_today()
    if session.date() > today + dt.timedelta(days=1):
        raise InputError(
            f"the latest session in the {t} data, {session.date().isoformat()}, is after today by the system"
            f" clock ({today.isoformat()}).",
            f"Set the system clock right, or give AS_OF={today.isoformat()} or earlier.",
        )


def _bench_end(benchmark: pd.DataFrame, session: pd.Timestamp) -> str | None:
    """The benchmark file's last date when it ends before ``session`` (not a day it did not trade)."""
    end = benchmark.index[-1]
    return None if end >= session else end.date().isoformat()


def _ends_before(benchmark: pd.DataFrame, session: pd.Timestamp) -> str:
    """That the benchmark's data ends before ``session`` (within :data:`MAX_STALE_DAYS`), so Leadership and
    every comparison with it stop at its last row; ``""`` when it reaches the session."""
    end = benchmark.index[-1]
    if end >= session:
        return ""
    b, day = benchmark.attrs.get("ticker", "benchmark"), end.date().isoformat()
    return f"The {b} data ends on {day}, before this session: Leadership and every comparison with {b} are as of {day}."


def _note(ticker: pd.DataFrame, benchmark: pd.DataFrame, target: pd.Timestamp, session: pd.Timestamp) -> str:
    """What is true about a requested day that is not the session used: the data ends before
    it, or the ticker has no row on a day the benchmark traded (missing, or dropped for having
    no close), or it was not a trading session at all (a weekend, for a ticker that never trades on one,
    whatever its benchmark does); ``""`` when it is the session."""
    if session == target:
        return ""
    t, b = ticker.attrs.get("ticker", "ticker"), benchmark.attrs.get("ticker", "benchmark")
    day, used = target.date().isoformat(), session.date().isoformat()
    if target > ticker.index[-1]:
        return f"The {t} data ends on {used}, before {day}; this piece uses its last session, {used}."
    # a weekend is no session of a fund however every day a coin benchmark trades
    weekend_off = target.day_of_week >= 5 and not (cast(pd.DatetimeIndex, ticker.index).day_of_week >= 5).any()
    if target in benchmark.index and not weekend_off:
        return (
            f"The {t} data has no row for {day}, a session {b} traded; this piece uses the last session before it,"
            f" {used}."
        )
    return f"{day} was not a trading session for {t}; this piece uses the last session before it, {used}."
