"""What the next session would need: the closes that flip each signal, and how reachable each is.

The ``what_would_change`` key of the facts (:mod:`analysis.model.facts`): the solved closes of
:func:`analysis.indicators.solve.what_would_change` (and Leadership's zero line), each with the share
of the ticker's one-session moves smaller than the move to it, so the call can tell a next-session
trigger from a level several sessions away.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import DataError
from analysis.indicators import solve
from analysis.model import reach
from analysis.model.session import REACHABLE, day_sizes, move_size, percentile, ranked_moves
from analysis.model.study import Study, leadership_basis
from analysis.model.types import SummaryDict
from analysis.model.units import Units


def what_would_change(study: Study, u: Units) -> list[SummaryDict]:
    """The next session's closes that flip each signal, each with its ``move_percentile`` (:func:`_reachable`)."""
    today = study.series["phase"].iloc[-1] if "phase" in study.series else None
    return _reachable(_phase_left(_solved(study), today), study.prices, u)


def _phase_left(events: list[SummaryDict], today: object) -> list[SummaryDict]:
    """The phase events with the close that leaves today's phase when an unchanged close already would.

    A close on its 50-DMA (QQQ 2016-11-18, 117.32 on an average of 117.32) leaves its phase overnight unchanged:
    the average moves. The solver's phase event is then "from warning to bullish above 117.34" (from the phase
    an unchanged close gives), and the piece said a close above it "puts QQQ in a bullish phase" it was in,
    and never that a close below it ends that phase. The event the other way, at the same price, from today's
    phase to that one, is added; each direction's phase events are kept nearest first."""
    phases = [e for e in events if e["event"] == "phase"]
    if not phases or not isinstance(today, str):
        return events
    added = [
        {**e, "direction": "down" if e["direction"] == "up" else "up", "from": today, "to": e["from"]}
        for e in phases
        if e["to"] == today and e["from"] != today
    ]
    ordered = sorted([*phases, *added], key=lambda e: abs(e["distance_pct"]))
    at = events.index(phases[0])
    rest = [e for e in events if e["event"] != "phase"]
    return [*rest[:at], *ordered, *rest[at:]]


def _solved(study: Study) -> list[SummaryDict]:
    """The next session's closes that flip each signal (:func:`analysis.indicators.solve.what_would_change`)."""
    s, cfg = study.series, study.settings
    try:
        events = solve.what_would_change(s["close"], fast=cfg.fast, slow=cfg.slow)
    except DataError:
        return []  # a level at or below zero (a yield near zero) has no price solution
    # Leadership moves only on sessions both trade (a crypto weekend has no benchmark close):
    # solved on the common sessions, and only when the as-of session is one of them
    # on the basis Leadership itself is read on (both adjusted when either file is: SPY against RSP),
    # then said as the traded close it takes (tomorrow's close keeps today's adjusted/traded ratio)
    basis = leadership_basis(study.prices, study.full_bench)
    bench = study.full_bench[basis].loc[study.full_bench.index.intersection(s.index)]
    own = study.prices[basis].reindex(s.index)
    common = own.loc[s.index.isin(bench.index)]
    if len(common) and common.index[-1] == s.index[-1]:
        try:
            lead = solve.leadership_zero(common, bench, slow=cfg.slow)
        except DataError:
            lead = None
        if lead is not None:
            traded = float(s["close"].iloc[-1]) / float(own.iloc[-1])
            price = lead["price"] * traded
            rarity = _relative_rarity(common, bench, abs(lead["price"] / float(common.iloc[-1]) - 1.0))
            events.insert(
                2,
                {
                    **lead,
                    "price": price,
                    "distance_pct": price / float(s["close"].iloc[-1]) - 1.0,
                    "relative_percentile": rarity,
                },
            )
    return events


def _relative_rarity(own: pd.Series, bench: pd.Series, move: float) -> float | None:
    """The share of the common sessions on which the ticker beat (or trailed) the benchmark by less than
    ``move``: how rare a Leadership trigger "if the benchmark is unchanged" is as a relative move (SPY
    would have had to beat QQQ by 2.7% in a day, seen on 0.13% of sessions: the fourth cold read)."""
    relative = (own.pct_change() - bench.reindex(own.index).pct_change()).dropna().abs().to_numpy(float)
    return percentile(np.sort(relative), move)


def _reachable(events: list[SummaryDict], prices: pd.DataFrame, u: Units) -> list[SummaryDict]:
    """Each solved close with ``move_percentile``: the share of the ticker's one-session moves smaller
    than the move to it (:mod:`analysis.model.session`), and ``reachable``: whether a session can carry the
    ticker there (within :data:`REACHABLE` of its moves, or within today's volatility's reach,
    :mod:`analysis.model.reach`), so the call can tell a next-session trigger from a level several sessions
    away, and a knife-edge from a real move."""
    close = prices["close"].astype(float)
    sizes, now, ranked = day_sizes(prices, u), float(close.iloc[-1]), ranked_moves(close, u)
    tape = reach.tape(ranked, sizes, REACHABLE)
    wild, calm = tape.volatile, tape.quiet
    # a quiet tape ranks a move among the past year's (^IRX 2013-05-22: 1 bp was no knife-edge then)
    base = np.sort(np.abs(ranked.dropna().to_numpy(float)[-reach.YEAR :])) if calm is not None else sizes
    out = []
    for e in events:
        size = move_size(now, e["price"], u)
        own = percentile(base, size)
        rel = e.get("relative_percentile")  # a Leadership trigger must be a reachable relative move too
        relative = own is not None and rel is not None and rel > own  # the rarer route is the relative move
        pct = rel if relative else own
        limit = wild["up" if e["price"] > now else "down"]  # today's volatility's reach that way, when wider
        can = None if pct is None else pct <= REACHABLE or (not relative and limit is not None and size <= limit)
        if calm is not None and can:  # a quiet tape: no further than its past year's largest move
            can = size <= calm
        of = "year" if calm is not None and not relative else "history"
        out.append(
            {**e, "move_percentile": pct, "rarity": "relative" if relative else "own", "reachable": can, "of": of}
        )
    return out
