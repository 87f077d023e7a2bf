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
from typing import Literal

import numpy as np
import pandas as pd

from analysis.errors import DataError, InputError
from analysis.indicators import consecutive_above
from analysis.model.units import RETURNS, units

#: Columns of ``study.series`` the triggers and returns read.
REQUIRED = ("close", "adj_close", "sma_fast", "phase", "rm", "rm_fast", "lead", "lead_upper")

#: Bootstrap resamples per interval, the interval's coverage, and the fixed seed (a piece is reproducible).
RESAMPLES = 2000
LEVEL = 0.90
SEED = 15

#: How a profile measures a forward move (``Profile.returns``): see :func:`forward_change`.

#: The ``verdict`` of an edge, by its bootstrap interval (``too few`` when ``n < min_n``).
Verdict = Literal["positive edge", "negative edge", "no edge", "too few"]


# --- building blocks -------------------------------------------------------------------------


def cross_above(value: pd.Series, line: pd.Series | float) -> pd.Series:
    """True on session ``t`` when ``value[t] > line[t]`` and ``value[t-1] <= line[t-1]``.

    A crossing, not a state: it fires once per move from at-or-below to above. False where
    any of the four numbers is NaN (so never on the first row, nor on the first session a
    line exists). ``line`` may be a Series on the same index or a constant.
    """
    line = pd.Series(line, index=value.index, dtype=float) if np.isscalar(line) else line
    v, ln = value.to_numpy(float), line.to_numpy(float)
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


def forward_return(adj_close: pd.Series, h: int) -> pd.Series:
    """``adj_close[t + h] / adj_close[t] - 1``, ``t + h`` counted in rows (sessions).

    Total return from the close of session ``t`` to the close ``h`` sessions later, a
    fraction. NaN for the last ``h`` rows (the window is not complete: no look-ahead).
    """
    a = adj_close.to_numpy(float)
    out = np.full(a.shape, np.nan)
    if h < len(a):
        out[:-h] = a[h:] / a[:-h] - 1.0
    return pd.Series(out, index=adj_close.index, name=f"fwd{h}")


def forward_change(series: pd.DataFrame, h: int, returns: str = "total") -> pd.Series:
    """The forward move ``h`` sessions after each session, as the profile measures it.

    ``total``: :func:`forward_return` of ``adj_close`` (dividends reinvested); ``price``: of
    ``close``; ``points``: ``close[t + h] - close[t]`` (a volatility index); ``basis_points``:
    ``100 * (close[t + h] - close[t])`` (a yield quoted in percent). NaN for the last ``h`` rows.
    """
    if returns not in RETURNS:
        raise InputError(
            f"returns must be one of {', '.join(RETURNS)}, got {returns!r};", "pass the profile's returns."
        )
    if returns in ("total", "price"):
        return forward_return(series["adj_close" if returns == "total" else "close"], h)
    c = series["close"].to_numpy(float)
    out = np.full(c.shape, np.nan)
    if h < len(c):
        out[:-h] = units(returns).level_scale * (c[h:] - c[:-h])
    return pd.Series(out, index=series.index, name=f"fwd{h}")


# --- the edge: a bootstrap interval for the difference of medians -------------------------------


def bootstrap_medians(values: np.ndarray, *, resamples: int = RESAMPLES, seed: int = SEED) -> np.ndarray:
    """The medians of ``resamples`` bootstrap resamples of ``values`` (each ``len(values)`` draws with replacement).

    Simulated through the order statistics, so each resample costs two random numbers however
    long ``values`` is. A resample draws row ``floor(n * U_j)`` of the sorted values for ``n``
    uniforms ``U_j``; sorting is monotone, so its median is read off the middle one or two order
    statistics of the ``U_j``, and those are drawn directly: the ``k``-th smallest of ``n``
    uniforms is ``Beta(k, n + 1 - k)``, and given it is ``u``, the next one is the smallest of
    the ``n - k`` uniforms above ``u``, ``u + (1 - u) * Beta(1, n - k)``. The medians have
    exactly the distribution of the medians of literal resamples (a test compares the two).
    The generator is ``np.random.default_rng(seed)``, started afresh on every call, so the
    result depends on ``values``, ``resamples`` and ``seed`` only.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    if n == 0:
        raise InputError("bootstrap_medians needs at least one value;", "pass the counted forward returns.")
    rng = np.random.default_rng(seed)
    k = (n - 1) // 2 + 1  # the lower middle order statistic, counted from 1
    lower = rng.beta(k, n + 1 - k, size=resamples)
    row_low = np.minimum((n * lower).astype(np.int64), n - 1)
    if n % 2:
        return x[row_low]
    upper = lower + (1.0 - lower) * rng.beta(1, n - k, size=resamples)
    row_high = np.minimum((n * upper).astype(np.int64), n - 1)
    return 0.5 * (x[row_low] + x[row_high])


def edge_interval(
    values: np.ndarray,
    baseline_median: float,
    *,
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> tuple[float, float, float]:
    """``(edge, low, high)``: ``median(values) - baseline_median`` and its bootstrap percentile interval.

    ``values`` are one trigger's counted forward returns (non-overlapping, complete windows).
    The interval holds the central ``level`` of :func:`bootstrap_medians` minus the baseline
    median: the baseline is held fixed (see ``docs/history.md``: it is the whole history the
    occurrences are drawn from, not a second sample).
    """
    if not 0 < level < 1:
        raise InputError(f"level must be between 0 and 1, got {level!r};", "pass e.g. level=0.90.")
    medians = bootstrap_medians(values, resamples=resamples, seed=seed) - baseline_median
    low, high = np.quantile(medians, [(1 - level) / 2, (1 + level) / 2])
    return float(np.median(values) - baseline_median), float(low), float(high)


def verdict(n: int, low: float | None, high: float | None, min_n: int) -> Verdict:
    """``too few`` when ``n < min_n``; else ``positive edge`` when the interval is above zero,
    ``negative edge`` when below, ``no edge`` when it spans (or touches) zero."""
    if n < min_n or low is None or high is None:
        return "too few"
    if low > 0:
        return "positive edge"
    if high < 0:
        return "negative edge"
    return "no edge"


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
    return {t.id: series.index[t.fires(series, confirm_n, level_window).to_numpy(bool)] for t in TRIGGERS}


def non_overlapping(positions: np.ndarray, h: int) -> np.ndarray:
    """The overlap rule: keep an occurrence only if it is ``>= h`` rows after the last kept one.

    ``positions`` are row numbers in increasing order; the first is always kept. Counted
    forward windows ``[p, p + h]`` therefore never overlap (they may share an end point).
    """
    kept: list[int] = []
    last = None
    for p in positions.tolist():
        if last is None or p - last >= h:
            kept.append(p)
            last = p
    return np.asarray(kept, dtype=int)


def _stats(values: np.ndarray) -> tuple[float | None, float | None]:
    if values.size == 0:
        return None, None
    return float(np.median(values)), float(np.mean(values > 0))


def _check_horizons(horizons: Sequence[int], min_n: int) -> list[int]:
    out = []
    for h in horizons:
        if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1:
            raise InputError(
                f"horizons must be whole numbers of sessions >= 1, got {h!r};", "pass e.g. horizons=(5, 20, 60)."
            )
        out.append(int(h))
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 1:
        raise InputError(f"min_n must be a whole number >= 1, got {min_n!r};", "pass e.g. min_n=10.")
    return out


def _horizon(
    positions: np.ndarray,
    fwd: np.ndarray,
    h: int,
    baseline: tuple,
    *,
    min_n: int,
    level: float,
    resamples: int,
    seed: int,
) -> dict:
    """One horizon's numbers for the sessions at row ``positions``: counts, median, hit rate, edge."""
    complete = positions[~np.isnan(fwd[positions])]
    counted = non_overlapping(complete, h)
    values = fwd[counted]
    median, hit = _stats(values)
    b_median, b_hit, b_n = baseline
    edge = low = high = None
    if values.size and b_median is not None:
        edge, low, high = edge_interval(values, b_median, level=level, resamples=resamples, seed=seed)
    return {
        "n": int(counted.size),
        "median": median,
        "hit_rate": hit,
        "baseline_median": b_median,
        "baseline_hit_rate": b_hit,
        "baseline_n": b_n,
        "too_few": bool(counted.size < min_n),
        "overlapping": int(complete.size - counted.size),
        "open": int(positions.size - complete.size),
        "edge": edge,
        "edge_low": low,
        "edge_high": high,
        "verdict": verdict(int(counted.size), low, high, min_n),
    }


def _forward_and_baseline(series: pd.DataFrame, hs: list[int], returns: str) -> tuple[dict, dict]:
    forward = {h: forward_change(series, h, returns).to_numpy() for h in hs}
    baseline = {}
    for h in hs:
        complete = forward[h][~np.isnan(forward[h])]
        baseline[h] = (*_stats(complete), int(complete.size))
    return forward, baseline


def _check_bootstrap(level: float, resamples: int, seed: int) -> None:
    if isinstance(resamples, bool) or not isinstance(resamples, (int, np.integer)) or resamples < 1:
        raise InputError(
            f"resamples must be a whole number >= 1, got {resamples!r};", f"pass e.g. resamples={RESAMPLES}."
        )
    if not 0 < level < 1:
        raise InputError(f"level must be between 0 and 1, got {level!r};", f"pass e.g. level={LEVEL}.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed must be a whole number >= 0, got {seed!r};", f"pass e.g. seed={SEED}.")


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
) -> list[dict]:
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
    hs = _check_horizons(horizons, min_n)
    _check_bootstrap(level, resamples, seed)
    fired = occurrences(series, confirm_n=confirm_n, level_window=level_window)
    forward, baseline = _forward_and_baseline(series, hs, returns)
    boot = {"min_n": min_n, "level": level, "resamples": resamples, "seed": seed}
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
                "horizons": {str(h): _horizon(positions, forward[h], h, baseline[h], **boot) for h in hs},
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
) -> dict | None:
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
    hs = _check_horizons(horizons, min_n)
    _check_bootstrap(level, resamples, seed)
    _check(series, 1, 1)
    last = series.iloc[-1]
    phase, rm, rm_fast = last["phase"], float(last["rm"]), float(last["rm_fast"])
    if not isinstance(phase, str) or np.isnan(rm) or np.isnan(rm_fast) or rm == rm_fast:
        return None
    above = rm > rm_fast
    mask = in_state(series, phase, above).to_numpy(bool)
    positions = np.flatnonzero(mask)
    forward, baseline = _forward_and_baseline(series, hs, returns)
    boot = {"min_n": min_n, "level": level, "resamples": resamples, "seed": seed}
    return {
        "id": "current_state",
        "phase": phase,
        "real_motion": "above" if above else "below",
        "sessions": int(positions.size),
        "first_session": series.index[positions[0]].date().isoformat(),
        "last_session": series.index[positions[-1]].date().isoformat(),
        "horizons": {str(h): _horizon(positions, forward[h], h, baseline[h], **boot) for h in hs},
    }
