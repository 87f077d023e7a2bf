"""What followed: forward moves, the overlap rule, and the edge over any session with its interval.

The statistics of the event study (:mod:`analysis.model.events`), for any set of occurrences:

* :func:`forward_change`: the move ``h`` sessions later as the profile measures it (a total or
  price return; a change in points or basis points for a level); NaN past the last row;
* :func:`non_overlapping`: per horizon, an occurrence counts only ``h`` sessions or more after
  the last counted one, so counted windows never overlap;
* :func:`edge_interval`: the median's edge over the baseline (every session with a complete
  window) and its bootstrap interval (:data:`RESAMPLES` resamples from the fixed :data:`SEED`);
  :func:`verdict` reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.model.types import SummaryDict
from analysis.model.units import RETURNS, units

#: Bootstrap resamples per interval, the interval's coverage, and the fixed seed (a piece is reproducible).
RESAMPLES = 2000
LEVEL = 0.90
SEED = 15

#: The ``verdict`` of an edge, by its bootstrap interval (``too few`` when ``n < min_n``).
Verdict = Literal["positive edge", "negative edge", "no edge", "too few"]


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
    return np.asarray(0.5 * (x[row_low] + x[row_high]))


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


def check_horizons(horizons: Sequence[int], min_n: int) -> list[int]:
    if not len(horizons):
        raise InputError(
            f"horizons must name at least one horizon, got {list(horizons)!r};", "pass e.g. horizons=(5, 20, 60)."
        )
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


def horizon_stats(
    positions: np.ndarray,
    fwd: np.ndarray,
    h: int,
    baseline: tuple[float | None, float | None, int],
    *,
    min_n: int,
    level: float,
    resamples: int,
    seed: int,
) -> SummaryDict:
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


def forward_and_baseline(
    series: pd.DataFrame, hs: list[int], returns: str
) -> tuple[dict[int, np.ndarray], dict[int, tuple[float | None, float | None, int]]]:
    forward = {h: forward_change(series, h, returns).to_numpy() for h in hs}
    baseline: dict[int, tuple[float | None, float | None, int]] = {}
    for h in hs:
        complete = forward[h][~np.isnan(forward[h])]
        baseline[h] = (*_stats(complete), int(complete.size))
    return forward, baseline


def check_bootstrap(level: float, resamples: int, seed: int) -> None:
    if isinstance(resamples, bool) or not isinstance(resamples, (int, np.integer)) or resamples < 1:
        raise InputError(
            f"resamples must be a whole number >= 1, got {resamples!r};", f"pass e.g. resamples={RESAMPLES}."
        )
    if not 0 < level < 1:
        raise InputError(f"level must be between 0 and 1, got {level!r};", f"pass e.g. level={LEVEL}.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed must be a whole number >= 0, got {seed!r};", f"pass e.g. seed={SEED}.")
