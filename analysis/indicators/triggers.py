"""Triggers a strategist watches: runs of closes above a line, the level to clear."""

from __future__ import annotations

import pandas as pd


def consecutive_above(close: pd.Series, line: pd.Series) -> pd.Series:
    """For each session, how many consecutive closes (ending there) were strictly above ``line``.

    0 where the close is not above the line or the line is NaN. Integer Series.
    """
    above = (close > line).fillna(False).astype(bool)
    run_id = (~above).cumsum()
    return above.astype(int).groupby(run_id).cumsum().rename("closes_above")


def last_true(mask: pd.Series) -> pd.Timestamp | None:
    """The last index label where ``mask`` is True, or ``None`` if it never is."""
    hits = mask.index[mask.fillna(False).astype(bool).to_numpy()]
    return hits[-1] if len(hits) else None


def last_run_completed(close: pd.Series, line: pd.Series, n: int = 2) -> pd.Timestamp | None:
    """The last session that completed a run of ``n`` consecutive closes above ``line``.

    That is the session on which the count of :func:`consecutive_above` reached exactly
    ``n`` (the "two closes above the 50-DMA" confirmation for ``n = 2``); ``None`` if never.
    """
    return last_true(consecutive_above(close, line) == n)


def level_to_clear(close: pd.Series, window: int = 22) -> tuple[float, pd.Timestamp]:
    """The highest close of the last ``window`` sessions (the last one included) and its date.

    About a month for ``window = 22``. Ties go to the earliest session. Uses the whole
    series if it is shorter than ``window``.
    """
    recent = close.iloc[-window:]
    date = recent.idxmax()
    return float(recent.loc[date]), date
