"""What history says: an event study of every trigger the piece names, on the ticker's own past.

For each trigger (two closes above the 50-DMA, clearing the level, Real Motion crossing its
50-DMA, Leadership crossing zero or its band, phase changes, and bearish mirrors) this module
finds every past session it fired on, up to the as-of session, and compares the total return
``h`` sessions later with the unconditional distribution over the same history. The rules
(each trigger's exact definition, the overlap rule, the baseline, the too-few flag, no
look-ahead) are in ``docs/history.md``; in short:

* forward return ``r_h(t) = adj_close[t + h] / adj_close[t] - 1`` (sessions, not days;
  dividends reinvested); NaN when ``t + h`` is past the last row, so an occurrence whose
  window is still open is counted as an occurrence but not in that horizon's ``n``;
* overlap rule, per horizon: walk the occurrences in time order and count one only if it is
  at least ``h`` sessions after the last counted one, so counted windows never overlap;
* baseline: every session with a complete ``h``-session window (no thinning);
* ``too_few`` when ``n < min_n``: the numbers are shown but not to be read;
* edge: the trigger's median forward return minus the baseline median, with a bootstrap 90%
  interval (the trigger's counted occurrences resampled with replacement, the baseline held
  fixed, :data:`RESAMPLES` resamples from the fixed :data:`SEED`) and a ``verdict``;
* the current state (:func:`state_study`): every past session with the as-of session's phase
  and side of Real Motion's fast line, studied like a trigger.

For a level (a yield, a volatility index: ``returns`` ``points``/``basis_points``) the forward
"return" is the change of the level in points or basis points (:func:`forward_change`).

Everything is a pure function of ``study.series``; nothing looks past its last row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from analysis.errors import DataError, InputError
from analysis.indicators import consecutive_above
from analysis.model.forward import (  # noqa: F401 (re-exported: the event study's statistics)
    LEVEL,
    RESAMPLES,
    SEED,
    Verdict,
    bootstrap_medians,
    check_bootstrap,
    check_horizons,
    edge_interval,
    forward_and_baseline,
    forward_change,
    forward_return,
    horizon_stats,
    non_overlapping,
    verdict,
)
from analysis.model.types import SummaryDict

#: Columns of ``study.series`` the triggers and returns read.
REQUIRED = ("close", "adj_close", "sma_fast", "phase", "rm", "rm_fast", "lead", "lead_upper")

# --- building blocks -------------------------------------------------------------------------


def cross_above(value: pd.Series, line: pd.Series | float) -> pd.Series:
    """True on session ``t`` when ``value[t] > line[t]`` and ``value[t-1] <= line[t-1]``.

    A crossing, not a state: it fires once per move from at-or-below to above. False where
    any of the four numbers is NaN (so never on the first row, nor on the first session a
    line exists). ``line`` may be a Series on the same index or a constant.
    """
    v = value.to_numpy(float)
    ln = line.to_numpy(float) if isinstance(line, pd.Series) else np.full(v.shape, float(line))
    now = v > ln
    before = np.concatenate([[False], v[:-1] <= ln[:-1]])
    known = ~np.isnan(v) & ~np.isnan(ln)
    known_before = np.concatenate([[False], known[:-1]])
    return pd.Series(now & before & known & known_before, index=value.index)


def cross_below(value: pd.Series, line: pd.Series | float) -> pd.Series:
    """True on session ``t`` when ``value[t] < line[t]`` and ``value[t-1] >= line[t-1]``.

    The mirror of :func:`cross_above`, with the same NaN policy.
    """
    line = pd.Series(line, index=value.index, dtype=float) if np.isscalar(line) else line
    return cross_above(-value, -line)


# --- the triggers: one pure function each, True on the session the trigger fires ------------------


def closes_above_sma50(series: pd.DataFrame, n: int = 2) -> pd.Series:
    """The ``n``-th consecutive close strictly above the fast average (``sma_fast``, the 50-DMA by default).

    True on the session the count of :func:`~analysis.indicators.consecutive_above` reaches
    exactly ``n`` (once per run; a close at or below the line, or a NaN line, resets the count).
    Same rule as the summary's ``confirmation.last_completed``.
    """
    return consecutive_above(series["close"], series["sma_fast"]).eq(n)


def closes_below_sma50(series: pd.DataFrame, n: int = 2) -> pd.Series:
    """The ``n``-th consecutive close strictly below the 50-DMA: the mirror of :func:`closes_above_sma50`."""
    return consecutive_above(series["sma_fast"], series["close"]).eq(n)


def prior_high(close: pd.Series, window: int = 22) -> pd.Series:
    """``max(close[t-window], ..., close[t-1])``: the level to clear *before* session ``t`` trades.

    This is :func:`~analysis.indicators.level_to_clear` as computed on the previous session
    (its window includes its own last close). NaN until ``window`` earlier closes exist.
    """
    return close.shift(1).rolling(window, min_periods=window).max()


def level_cleared(series: pd.DataFrame, window: int = 22) -> pd.Series:
    """A close above the highest close of the previous ``window`` sessions, after one that was not.

    ``cross_above(close, prior_high(close, window))``: session ``t`` closes above
    ``max(close[t-window .. t-1])`` and session ``t-1`` did not close above its own
    ``max(close[t-1-window .. t-2])``. The first of a cluster of new ``window``-session
    closing highs fires; the days after it, still making new highs, do not.
    """
    return cross_above(series["close"], prior_high(series["close"], window))


def real_motion_above_fast(series: pd.DataFrame) -> pd.Series:
    """Real Motion crosses above its 50-DMA: ``cross_above(rm, rm_fast)``."""
    return cross_above(series["rm"], series["rm_fast"])


def real_motion_below_fast(series: pd.DataFrame) -> pd.Series:
    """Real Motion crosses below its 50-DMA: ``cross_below(rm, rm_fast)``."""
    return cross_below(series["rm"], series["rm_fast"])


def leadership_above_zero(series: pd.DataFrame) -> pd.Series:
    """Leadership crosses above zero (from at-or-below): ``cross_above(lead, 0)``."""
    return cross_above(series["lead"], 0.0)


def leadership_below_zero(series: pd.DataFrame) -> pd.Series:
    """Leadership crosses below zero (from at-or-above): ``cross_below(lead, 0)``."""
    return cross_below(series["lead"], 0.0)


def leadership_above_band(series: pd.DataFrame) -> pd.Series:
    """Leadership crosses above its upper band (SMA50 + 2σ of itself): ``cross_above(lead, lead_upper)``."""
    return cross_above(series["lead"], series["lead_upper"])


def phase_change(phase: pd.Series, before: str, after: str) -> pd.Series:
    """True on session ``t`` when ``phase[t-1] == before`` and ``phase[t] == after``.

    A session with an unknown phase (``None``) matches neither, so it breaks a change.
    """
    p = phase.to_numpy(object)
    prev = np.concatenate([[None], p[:-1]])
    return pd.Series((p == after) & (prev == before), index=phase.index)


# --- the registry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    """One trigger of the study: a machine ``id`` (named in :mod:`analysis.text.event_words`), bullish or
    bearish, the rule."""

    id: str
    direction: str  # "bullish" | "bearish"
    fires: Callable[[pd.DataFrame, int, int], pd.Series]  # (series, confirm_n, level_window) -> bool


#: Every trigger, in the order the piece lists them: the bullish ones the commentary names,
#: then the bearish mirrors a reader would watch for if they fail.
TRIGGERS: tuple[Trigger, ...] = (
    Trigger("closes_above_sma50", "bullish", lambda s, n, w: closes_above_sma50(s, n)),
    Trigger("level_cleared", "bullish", lambda s, n, w: level_cleared(s, w)),
    Trigger(
        "real_motion_above_fast",
        "bullish",
        lambda s, n, w: real_motion_above_fast(s),
    ),
    Trigger("leadership_above_zero", "bullish", lambda s, n, w: leadership_above_zero(s)),
    Trigger(
        "leadership_above_band",
        "bullish",
        lambda s, n, w: leadership_above_band(s),
    ),
    Trigger(
        "warning_to_bullish",
        "bullish",
        lambda s, n, w: phase_change(s["phase"], "warning", "bullish"),
    ),
    Trigger(
        "recovery_to_accumulation",
        "bullish",
        lambda s, n, w: phase_change(s["phase"], "recovery", "accumulation"),
    ),
    Trigger("closes_below_sma50", "bearish", lambda s, n, w: closes_below_sma50(s, n)),
    Trigger(
        "real_motion_below_fast",
        "bearish",
        lambda s, n, w: real_motion_below_fast(s),
    ),
    Trigger("leadership_below_zero", "bearish", lambda s, n, w: leadership_below_zero(s)),
    Trigger(
        "bullish_to_warning",
        "bearish",
        lambda s, n, w: phase_change(s["phase"], "bullish", "warning"),
    ),
)


def _check(series: pd.DataFrame, confirm_n: int, level_window: int) -> None:
    missing = [c for c in REQUIRED if c not in series.columns]
    if missing:
        raise DataError(
            f"the event study needs the study's columns {', '.join(missing)}, which the series lacks;",
            "pass study.series from analysis.model.study.build().",
        )
    for name, value in (("confirm_n", confirm_n), ("level_window", level_window)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise InputError(
                f"{name} must be a whole number of sessions >= 1, got {value!r};",
                f"pass e.g. {name}={2 if name == 'confirm_n' else 22}.",
            )


def occurrences(series: pd.DataFrame, *, confirm_n: int = 2, level_window: int = 22) -> dict[str, pd.DatetimeIndex]:
    """Every session each trigger fired on, by trigger ``id`` (in :data:`TRIGGERS` order).

    ``series`` is ``study.series``; only its rows are read, so the result at an as-of date
    depends on data up to that session only.
    """
    _check(series, confirm_n, level_window)
    return {
        t.id: cast(pd.DatetimeIndex, series.index[t.fires(series, confirm_n, level_window).to_numpy(bool)])
        for t in TRIGGERS
    }


def event_study(
    series: pd.DataFrame,
    *,
    horizons: Sequence[int] = (5, 20, 60),
    min_n: int = 10,
    confirm_n: int = 2,
    level_window: int = 22,
    returns: str = "total",
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> list[SummaryDict]:
    """The JSON-ready event study of :data:`TRIGGERS` over ``series`` (``study.series``).

    ``returns`` is the profile's measure of a move
    (:func:`forward_change`: a fraction for ``total``/``price``, points or basis points for a level).

    One dict per trigger::

        {"id", "direction" ("bullish"|"bearish"),
         "occurrences" (int, all of them), "last_occurrence" (ISO date or None),
         "horizons": {"5": {"n", "median", "hit_rate", "baseline_median", "baseline_hit_rate",
                            "baseline_n", "too_few", "overlapping", "open",
                            "edge", "edge_low", "edge_high", "verdict"}, "20": ..., "60": ...}}

    Per horizon ``h``: ``n`` occurrences counted after the overlap rule (:func:`non_overlapping`) among
    those whose window is complete; ``overlapping`` complete ones the rule dropped; ``open``
    ones whose window extends past the last row (``n + overlapping + open == occurrences``).
    ``median`` and ``hit_rate`` (share of moves > 0) of their :func:`forward_change`; the
    baseline is every session with a complete window. ``too_few`` is ``n < min_n``. ``edge`` is
    ``median - baseline_median`` and ``edge_low``/``edge_high`` its bootstrap ``level`` interval
    (:func:`edge_interval`, ``resamples`` from ``seed``); ``verdict`` is :func:`verdict`'s.
    ``None`` where there is nothing to compute (``n = 0``).
    """
    hs = check_horizons(horizons, min_n)
    check_bootstrap(level, resamples, seed)
    fired = occurrences(series, confirm_n=confirm_n, level_window=level_window)
    forward, baseline = forward_and_baseline(series, hs, returns)
    boot: dict[str, Any] = {"min_n": min_n, "level": level, "resamples": resamples, "seed": seed}
    out = []
    for trigger in TRIGGERS:
        dates = fired[trigger.id]
        positions = series.index.get_indexer(dates)
        out.append(
            {
                "id": trigger.id,
                "direction": trigger.direction,
                "occurrences": int(len(dates)),
                "last_occurrence": dates[-1].date().isoformat() if len(dates) else None,
                "horizons": {str(h): horizon_stats(positions, forward[h], h, baseline[h], **boot) for h in hs},
            }
        )
    return out


def in_state(series: pd.DataFrame, phase: str, rm_above: bool) -> pd.Series:
    """True on every session whose phase is ``phase`` and whose Real Motion is strictly above
    (``rm_above``) or strictly below its fast line; False where either is unknown or equal."""
    rm, fast = series["rm"], series["rm_fast"]
    side = (rm > fast) if rm_above else (rm < fast)
    return pd.Series((series["phase"].to_numpy(object) == phase) & side.to_numpy(bool), index=series.index)


def state_study(
    series: pd.DataFrame,
    *,
    horizons: Sequence[int] = (5, 20, 60),
    min_n: int = 10,
    returns: str = "total",
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> SummaryDict | None:
    """The current state studied like a trigger: every session in the as-of session's state.

    The state is the as-of (last) session's phase and side of Real Motion's fast line
    (:func:`in_state`). Every session of ``series`` in that state is an occurrence (the as-of
    session included, its windows open); per horizon the same overlap rule, baseline, edge and
    verdict as :func:`event_study`. ``None`` when the as-of phase is unknown or Real Motion
    sits exactly on, or has no, fast line. The dict::

        {"id": "current_state", "phase", "real_motion" ("above"|"below"),
         "sessions" (int: sessions in the state), "first_session", "last_session" (ISO dates),
         "horizons": {"5": {...the keys of event_study's horizons...}, ...}}

    with ``n + overlapping + open == sessions`` per horizon.
    """
    hs = check_horizons(horizons, min_n)
    check_bootstrap(level, resamples, seed)
    _check(series, 1, 1)
    last = series.iloc[-1]
    phase, rm, rm_fast = last["phase"], float(last["rm"]), float(last["rm_fast"])
    if not isinstance(phase, str) or np.isnan(rm) or np.isnan(rm_fast) or rm == rm_fast:
        return None
    above = rm > rm_fast
    mask = in_state(series, phase, above).to_numpy(bool)
    positions = np.flatnonzero(mask)
    forward, baseline = forward_and_baseline(series, hs, returns)
    boot: dict[str, Any] = {"min_n": min_n, "level": level, "resamples": resamples, "seed": seed}
    return {
        "id": "current_state",
        "phase": phase,
        "real_motion": "above" if above else "below",
        "sessions": int(positions.size),
        "first_session": series.index[positions[0]].date().isoformat(),
        "last_session": series.index[positions[-1]].date().isoformat(),
        "horizons": {str(h): horizon_stats(positions, forward[h], h, baseline[h], **boot) for h in hs},
    }
