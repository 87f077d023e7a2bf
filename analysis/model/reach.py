"""How far one session can carry the ticker: decided once, for the call's triggers and page one's words.

History alone says a session carries SPY at most 3.5% (all but 1% of its sessions since 1993). On
2008-09-29 SPY fell 7.8%, and "no close within a session's reach (3.5%) changes the call" was refused:
in such a tape 5% days are routine (the eleventh cold read). So the reach is the larger of

* history's: the move all but :data:`~analysis.model.session.REACHABLE` of the ticker's sessions
  stayed within; and
* today's volatility's: the same share of the ticker's moves, each scaled by the volatility of the
  :data:`WINDOW` moves before it, times the volatility of the last :data:`WINDOW` (the way risk desks
  scale history to today's tape),

each way no further than the ticker has ever moved in one session that way: a reach of 9.1% at today's
volatility would call a 7% rise within reach for SPY, whose largest rise in the data was 6.0%, and
^VIX's 115.6% rise of 2018-02-05 would let a 78% fall be one session's on 2020-03-16 (its largest fall
is 29.6%).

A calm tape never shrinks the reach below history's: IWM's 3.6% of 2024-07-11 came three sessions after
its 20-session volatility said 2.4%. Only a tape that has left history's regime behind does
(:func:`quiet`): ^IRX at 0.035% on 2013-05-22, when no session of the past year had moved it more than
6 bp and history's reach was 19 bp, more than five times its level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The moves whose volatility scales history to today (about a month of sessions).
WINDOW = 20
#: Scaled moves needed before today's volatility is read (about a year).
MIN_SCALED = 250
#: The sessions of "the past year".
YEAR = 250
#: A tape is quiet (:func:`quiet`) when its past year's largest move is under history's reach by this factor.
QUIET = 3.0
#: Today's volatility's reach is no further than this many times the largest move of the last :data:`WINDOW`
#: sessions: NVDA 2020-03-23's 26.6% rise was "within reach at today's volatility", its largest move of the
#: last 20 sessions 18.5% (the eleventh cold read).
SWINGS = 1.25
#: Today's volatility's reach replaces history's only when this much wider: BTC-USD's 13.4% against 13.3%
#: is the same reach, not a wilder tape.
WIDER = 1.25


def scaled(ranked: pd.Series, share: float) -> float | None:
    """The move all but ``1 - share`` of the ticker's sessions stayed within, each session's move scaled
    by the volatility of the :data:`WINDOW` moves before it, at the volatility of the last :data:`WINDOW`
    (on the ranked scale of :func:`analysis.model.session.ranked_moves`); ``None`` with less than
    :data:`MIN_SCALED` scaled moves or a flat tape."""
    m = ranked.dropna()
    if len(m) < WINDOW + MIN_SCALED:
        return None
    sd = m.rolling(WINDOW).std()
    z = (m / sd.shift(1)).replace([np.inf, -np.inf], np.nan).dropna()
    now = float(sd.iloc[-1])
    if len(z) < MIN_SCALED or not np.isfinite(now) or now <= 0:
        return None
    return float(np.quantile(np.abs(z.to_numpy(float)), share)) * now


@dataclass(frozen=True)
class Tape:
    """How far a session can carry the ticker beside history's reach, decided once (ranked scale)."""

    volatile: dict[str, float | None]  #: :func:`volatile`, by way
    quiet: float | None  #: :func:`quiet`


def tape(ranked: pd.Series, sizes: np.ndarray, share: float) -> Tape:
    """The :class:`Tape` of ``ranked`` moves (``sizes`` their sorted sizes), today's volatility read once."""
    now = scaled(ranked, share) if len(sizes) else None
    return Tape(volatile(ranked, sizes, share, now), quiet(ranked, sizes, share, now))


def volatile(ranked: pd.Series, sizes: np.ndarray, share: float, now: float | None) -> dict[str, float | None]:
    """For each way (``up``, ``down``), the reach at today's volatility (:func:`scaled`) when it is
    :data:`WIDER` than history's (the ``share`` quantile of ``sizes``), no further than :data:`SWINGS` times the
    largest move of the last :data:`WINDOW` sessions nor than the ticker's largest move that way in the data;
    ``None`` that way otherwise (history's reach holds). On the ranked scale; ``now`` is :func:`scaled`."""
    history = float(np.quantile(sizes, share)) if len(sizes) else None
    recent = float(ranked.dropna().iloc[-WINDOW:].abs().max()) if len(sizes) else 0.0
    now = None if now is None else min(now, SWINGS * recent)
    out: dict[str, float | None] = {}
    for way, moves in (("up", ranked[ranked > 0]), ("down", -ranked[ranked < 0])):
        x = None if now is None or moves.empty else min(now, float(moves.max()))
        out[way] = x if x is not None and history is not None and x > WIDER * history else None
    return out


def quiet(ranked: pd.Series, sizes: np.ndarray, share: float, now: float | None) -> float | None:
    """The largest move of the past :data:`YEAR` sessions when the tape has left history's regime: that move
    under a :data:`QUIET` part of history's reach, and today's volatility's reach (:func:`scaled`) no wider
    than it (zero rates: ^IRX from 2010 to 2015 and in 2021). ``None`` otherwise. On the ranked scale; ``now``
    is :func:`scaled`."""
    m = ranked.dropna()
    if not len(sizes) or len(m) < YEAR + MIN_SCALED:
        return None
    year = float(m.iloc[-YEAR:].abs().max())
    if not 0 < year < float(np.quantile(sizes, share)) / QUIET or (now is not None and now > year):
        return None
    return year
