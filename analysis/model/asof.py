"""Which session a piece is written "as of", and whether there is enough history for it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analysis.errors import DataError, InputError

#: Sessions of common history a piece needs at the very least (the 200-day average).
MIN_SESSIONS = 200
#: An AS_OF this many calendar days past the data's last session is refused, not silently moved.
MAX_STALE_DAYS = 7


@dataclass(frozen=True)
class AsOf:
    """The requested date (``None`` = latest), the session used, and a note when they differ."""

    requested: dt.date | None
    session: pd.Timestamp
    note: str = ""

    @property
    def iso(self) -> str:
        return self.session.date().isoformat()


def common_sessions(a: pd.DataFrame, b: pd.DataFrame) -> pd.DatetimeIndex:
    """Sessions present in both frames (ticker and benchmark are aligned on these)."""
    return a.index.intersection(b.index)


def resolve(ticker: pd.DataFrame, benchmark: pd.DataFrame, requested: dt.date | None,
            *, min_sessions: int = MIN_SESSIONS) -> AsOf:
    """The last common session on or before ``requested`` (default: the last common session).

    Raises :class:`InputError` when ``requested`` is before the first common session, too
    early to leave ``min_sessions`` sessions of history, or more than
    :data:`MAX_STALE_DAYS` past the end of the data; :class:`DataError` when the two
    series share too few sessions at all.
    """
    t, b = ticker.attrs.get("ticker", "ticker"), benchmark.attrs.get("ticker", "benchmark")
    sessions = common_sessions(ticker, benchmark)
    if len(sessions) < min_sessions:
        raise DataError(f"{t} and {b} share only {len(sessions)} sessions; a piece needs at least {min_sessions}"
                        " (for the 200-day average).", "Pick a ticker with a longer history, or another BENCHMARK.")
    first, last = sessions[0], sessions[-1]
    if requested is None:
        return AsOf(None, last)
    target = pd.Timestamp(requested)
    if target < first:
        raise InputError(f"AS_OF {requested.isoformat()} is before the first session {t} and {b} share"
                         f" ({first.date().isoformat()}).", f"Use AS_OF={sessions[min_sessions - 1].date().isoformat()} or later.")
    position = sessions.searchsorted(target, side="right") - 1
    session = sessions[position]
    if position + 1 < min_sessions:
        raise InputError(f"AS_OF {requested.isoformat()} leaves only {position + 1} sessions of history for {t} vs {b};"
                         f" the piece needs at least {min_sessions}.",
                         f"Use AS_OF={sessions[min_sessions - 1].date().isoformat()} or later.")
    if (target - session).days > MAX_STALE_DAYS:
        raise InputError(f"AS_OF {requested.isoformat()} is after the end of the data: the last session"
                         f" {t} and {b} share is {session.date().isoformat()}.",
                         f"Use AS_OF={session.date().isoformat()} or earlier, or SOURCE=yahoo for newer data.")
    note = ""
    if session != target:
        note = (f"{requested.isoformat()} was not a trading session for {t} and {b};"
                f" this piece uses the last session before it, {session.date().isoformat()}.")
    return AsOf(requested, session, note)
