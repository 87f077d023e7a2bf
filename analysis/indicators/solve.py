"""What would change the view, in prices: the NEXT session's close that flips each signal.

Every average of the next session includes that session's close ``c``; everything else is
known today. The one identity behind all of it: with ``S`` the sum of the last ``n - 1``
values of ``x`` and ``x_new`` the next value,

    x_new > SMA_n(x_new) = (S + x_new) / n   <=>   x_new * (n - 1) / n > S / n
                                             <=>   x_new > S / (n - 1),

so a value is above its own n-average exactly when it is above the mean of the previous
``n - 1`` values. Applied to (windows are settings: ``fast`` = 50, ``slow`` = 200 by default,
as in :func:`analysis.model.study.compute`):

* **price vs an average** (``x`` = close): ``c* = mean of the last n - 1 closes``, linear.
* **Real Motion vs its fast average**: ``rm(c) = 100 * (slow * c / (T + c) - 1)`` with ``T``
  the sum of the last ``slow - 1`` closes, and ``rm > fast(rm)  <=>  rm(c) > m``, ``m`` the mean
  of the last ``fast - 1`` Real Motion values (which do not depend on ``c``). ``rm`` is strictly
  increasing in ``c`` (``d rm / d c = 100 * slow * T / (T + c)^2 > 0`` for ``T > 0``), so there is
  one crossing and it is closed-form: with ``k = 1 + m / 100``, ``c* = k * T / (slow - k)``,
  a positive close only when ``0 < k < slow`` (otherwise every or no positive close is above:
  no event).
* **Leadership vs zero**, benchmark close ``B`` unchanged: ``rs(c) = c / B`` and
  ``lead > 0  <=>  rs(c) > SMA_slow(rs)  <=>  rs(c) > R / (slow - 1)``, ``R`` the sum of the last
  ``slow - 1`` ratios: ``c* = B * R / (slow - 1)``, linear.
* **The phase** (:func:`analysis.indicators.phase.classify`) reads three comparisons, each
  linear in ``c``: ``P`` vs ``F`` at ``a = SF / (fast - 1)``, ``P`` vs ``S`` at
  ``b = SS / (slow - 1)``, and ``F >= S  <=>  c >= x = (fast * SS - slow * SF) / (slow - fast)``
  (``SF``, ``SS`` the sums of the last ``fast - 1`` and ``slow - 1`` closes; needs
  ``fast < slow``). The phase is constant between these breakpoints; the event up (down) is
  the nearest breakpoint above (below) the last close at which the phase differs from the
  phase an unchanged close would give.

Each event is ``{event, direction, price, distance_pct, ...}``: ``direction`` ``"up"`` means
a close above ``price`` does it, ``"down"`` a close below it (equality goes to whichever side
the indicator's own comparison puts it); ``distance_pct`` is ``price / last close - 1``, a
fraction. For the averages and the two oscillators the event is the flip away from today's
state (``"up"`` when the signal is off today), and ``price`` may lie on either side of the
last close (a ``"down"`` price above the close means an unchanged close would already flip
it). Extra keys: ``window`` for the averages, ``from``/``to`` for the phase. An event with too
little history (NaN inputs) or no positive solution is omitted.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from analysis.errors import DataError, InputError
from analysis.indicators.leadership import leadership
from analysis.indicators.moving import sma
from analysis.indicators.phase import classify
from analysis.indicators.real_motion import real_motion


def _event(event: str, direction: str, price: float, last: float, **extra) -> dict:
    return {
        "event": event,
        "direction": direction,
        "price": float(price),
        "distance_pct": float(price) / last - 1.0,
        **extra,
    }


def _tail_sum(values: pd.Series, n: int) -> float:
    """Sum of the last ``n`` values; NaN when fewer exist or one is NaN."""
    tail = values.iloc[-n:] if n > 0 else values.iloc[:0]
    return float(tail.sum()) if len(tail) == n and not tail.isna().any() else math.nan


def sma_cross(close: pd.Series, window: int, *, event: str = "price_vs_sma") -> dict | None:
    """The close that flips "close above its ``window``-average": ``c* = S / (window - 1)``.

    Direction ``"up"`` when today's close is not above its average (``c > c*`` puts it above),
    ``"down"`` when it is (``c <= c*`` puts it at or below). ``None`` before ``window`` closes.
    """
    line = sma(close, window)
    total = _tail_sum(close, window - 1)
    if window < 2 or math.isnan(float(line.iloc[-1])) or math.isnan(total):
        return None
    last = float(close.iloc[-1])
    above = last > float(line.iloc[-1])
    return _event(event, "down" if above else "up", total / (window - 1), last, window=window)


def real_motion_cross(close: pd.Series, *, fast: int = 50, slow: int = 200) -> dict | None:
    """The close at which Real Motion crosses its own fast average: ``c* = k T / (slow - k)``.

    Real Motion as in :func:`analysis.model.study.compute` (trend window ``slow``, its average
    ``fast``). ``None`` with too little history or when no positive close crosses.
    """
    rm = real_motion(close, trend=slow, fast=fast, slow=slow, band_window=fast)
    m = _tail_sum(rm["rm"], fast - 1) / (fast - 1)
    total = _tail_sum(close, slow - 1)
    today, line = float(rm["rm"].iloc[-1]), float(rm["fast"].iloc[-1])
    if any(math.isnan(v) for v in (m, total, today, line)):
        return None
    k = 1.0 + m / 100.0
    if not 0.0 < k < slow:
        return None
    last = float(close.iloc[-1])
    return _event("real_motion_vs_fast", "down" if today > line else "up", k * total / (slow - k), last, window=fast)


def leadership_zero(close: pd.Series, benchmark_close: pd.Series, *, slow: int = 200) -> dict | None:
    """The close at which Leadership crosses zero, benchmark unchanged: ``c* = B R / (slow - 1)``.

    Leadership as in :func:`analysis.model.study.compute` (norm window ``slow``) on the two series'
    common sessions, which must end on the same session. ``None`` with too little history.
    """
    lead = leadership(close, benchmark_close, norm=slow)
    if lead.empty or lead.index[-1] != close.index[-1]:
        raise DataError(
            "Leadership needs the benchmark on the ticker's last session: align the two "
            "series (e.g. the study's close and bench_close columns)."
        )
    total = _tail_sum(lead["rs"], slow - 1)
    today = float(lead["lead"].iloc[-1])
    if math.isnan(total) or math.isnan(today):
        return None
    bench_last = float(benchmark_close.loc[lead.index[-1]])
    last = float(close.iloc[-1])
    return _event("leadership_vs_zero", "down" if today > 0 else "up", bench_last * total / (slow - 1), last)


def _phase_at(prices: np.ndarray, sum_fast: float, sum_slow: float, fast: int, slow: int) -> list:
    """The next session's phase for each candidate close, by the project's own classifier."""
    p = pd.Series(prices, dtype=float)
    return list(classify(p, (sum_fast + p) / fast, (sum_slow + p) / slow))


def phase_changes(close: pd.Series, *, fast: int = 50, slow: int = 200) -> list[dict]:
    """The nearest closes above and below the last one that change the phase (0, 1 or 2 events).

    Breakpoints ``a``, ``b``, ``x`` of the module docstring; the phase on each interval between
    them is read by :func:`~analysis.indicators.phase.classify` at the interval's midpoint.
    ``from`` is the phase an unchanged close would give (normally today's), ``to`` the phase
    beyond the breakpoint. Empty before ``slow - 1`` closes.
    """
    if not 1 < fast < slow:
        raise InputError(f"the phase needs a fast window shorter than the slow one (got {fast} and {slow}).")
    sum_fast, sum_slow = _tail_sum(close, fast - 1), _tail_sum(close, slow - 1)
    if math.isnan(sum_slow) or math.isnan(sum_fast):
        return []
    last = float(close.iloc[-1])
    cuts = [sum_fast / (fast - 1), sum_slow / (slow - 1), (fast * sum_slow - slow * sum_fast) / (slow - fast)]
    cuts = sorted({c for c in cuts if c > 0})
    edges = [0.0, *cuts, 2.0 * cuts[-1] if cuts else 2.0 * last]
    mids = [(lo + hi) / 2 for lo, hi in itertools.pairwise(edges)]
    phases = _phase_at(np.array([last, *mids]), sum_fast, sum_slow, fast, slow)
    here, between = phases[0], phases[1:]  # between[i] is the phase below cuts[i], between[i+1] above
    out = []
    ups = [i for i, c in enumerate(cuts) if c > last and between[i + 1] != here]
    if ups:
        out.append(_event("phase", "up", cuts[ups[0]], last, **{"from": here, "to": between[ups[0] + 1]}))
    downs = [i for i, c in enumerate(cuts) if c < last and between[i] != here]
    if downs:
        out.append(_event("phase", "down", cuts[downs[-1]], last, **{"from": here, "to": between[downs[-1]]}))
    return out


def what_would_change(
    close: pd.Series, benchmark_close: pd.Series | None = None, *, fast: int = 50, slow: int = 200
) -> list[dict]:
    """Every event for the next session, in this order: the price vs the fast average, Real
    Motion vs its fast average, Leadership vs zero (when a benchmark is given), the phase up
    and down, the price vs the slow average. Omitted where there is no positive solution or
    too little history; ``close`` is the ticker's closes up to the as-of session (all > 0).
    """
    if close.empty or (close.iloc[-slow:] <= 0).any():
        raise DataError(
            f"solving for a close needs positive closes (the last {slow} at least): "
            "yields at or below zero have no price solution; give a price series."
        )
    events = [sma_cross(close, fast, event="price_vs_sma_fast"), real_motion_cross(close, fast=fast, slow=slow)]
    if benchmark_close is not None:
        events.append(leadership_zero(close, benchmark_close, slow=slow))
    events += phase_changes(close, fast=fast, slow=slow)
    events.append(sma_cross(close, slow, event="price_vs_sma_slow"))
    return [e for e in events if e is not None]
