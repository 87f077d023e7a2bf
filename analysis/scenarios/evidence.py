"""Evidence: one pure function per kind of measurement the scenario scorecard weighs.

Each function takes finished series (already cut at the as-of session; the scorecard does
that) and returns a :class:`Measure`: the measured number, a short plain-text ``detail`` of
what went into it, and, when the number cannot be computed, the ``reason``. None of them
reads a file, a clock or a configuration, and none looks past the last row it is given.

What *supports* or *contradicts* a talking point is not decided here: the thresholds are
data in ``analysis/config/scenarios.toml`` and are applied by :mod:`analysis.scenarios.rules`.
:data:`KINDS` maps the name a configuration uses (``function = "relative_trend"``) to the
function, the number and price basis of the series it takes, and the unit of its value.

Conventions: a series' ``name`` is its ticker (used in ``detail``); returns and shares are
fractions (0.986 = 98.6%); Real Motion, Leadership and yield spreads are in percent points.
Formulas are in each docstring and, with their thresholds, in ``docs/scenarios.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import indicators as ind


@dataclass(frozen=True)
class Measure:
    """One measurement: ``value`` (``None`` when it cannot be computed, then ``reason`` says why)."""

    value: float | None
    detail: str = ""
    reason: str = ""


def _day(ts: pd.Timestamp) -> str:
    return ts.date().isoformat()


def _common(a: pd.Series, b: pd.Series) -> tuple[pd.Series, pd.Series]:
    x, y = a.align(b, join="inner")
    return x.dropna(), y.dropna()


def _too_short(what: str, need: str, first: pd.Timestamp | None) -> Measure:
    since = f"; it starts {_day(first)}" if first is not None else ""
    return Measure(None, reason=f"{what} needs {need} of history{since}")


def relative_return(a: pd.Series, b: pd.Series, span: str = "10y") -> Measure:
    """Relative total return of ``a`` against ``b`` over ``span`` (a key of ``indicators.SPANS``).

    ``(1 + R_a) / (1 + R_b) - 1`` with ``R = adj_close[last] / adj_close[start] - 1`` and
    ``start`` the last common session on or before ``last - span``: what a dollar held in
    ``a`` ended as, against a dollar held in ``b``, minus one. Negative: ``a`` lagged.
    Pass total-return (``adj_close``) series. ``None`` when the common history is shorter
    than ``span``.
    """
    x, y = _common(a, b)
    offset = ind.SPANS[span]
    start = ind.span_start(x.index, offset)
    if start is None:
        return _too_short(f"{a.name} vs {b.name} over {span}", span, x.index[0] if len(x) else None)
    ra = float(x.iloc[-1] / x.loc[start] - 1.0)
    rb = float(y.iloc[-1] / y.loc[start] - 1.0)
    value = (1.0 + ra) / (1.0 + rb) - 1.0
    return Measure(value, f"{a.name} {ra:+.1%} vs {b.name} {rb:+.1%} since {_day(start)}")


def lagging_share(a: pd.Series, b: pd.Series, window: int = 252, years: int = 10) -> Measure:
    """Share of rolling ``window``-session periods, ending in the last ``years`` years, in which ``a`` lagged ``b``.

    For each common session ``t`` with ``t > last - years``:
    ``lagged(t) = a[t]/a[t-window] < b[t]/b[t-window]`` (total returns when ``adj_close``
    is passed; ``window=252`` is about one year). Value: ``mean(lagged)``, a fraction; 0.7
    means ``a`` trailed in 70% of the one-year periods. ``None`` unless the common history
    covers ``years`` years plus one window.
    """
    x, y = _common(a, b)
    cutoff = x.index[-1] - pd.DateOffset(years=years) if len(x) else None
    if cutoff is None or x.index.searchsorted(cutoff, side="right") < window:
        return _too_short(f"{a.name} vs {b.name} rolling periods", f"{years} years plus {window} sessions",
                          x.index[0] if len(x) else None)
    ra = x / x.shift(window)
    rb = y / y.shift(window)
    recent = x.index > cutoff
    lagged = (ra < rb)[recent]
    n = int(lagged.size)
    count = int(lagged.sum())
    return Measure(count / n, f"{a.name} trailed {b.name} in {count:,} of {n:,} rolling {window}-session"
                              f" periods ending since {_day(x.index[recent][0])}")


def relative_trend(a: pd.Series, b: pd.Series, norm: int = 200) -> Measure:
    """Leadership of ``a`` against ``b``: ``100 * (RS / SMA_norm(RS) - 1)`` at the last session, ``RS = a / b``.

    The same formula as the piece's Leadership (``indicators.leadership``): above zero the
    ratio is above its ``norm``-session average (``a`` leading), below zero ``a`` lagging.
    Percent points. ``None`` until ``norm`` common sessions exist.
    """
    x, y = _common(a, b)
    if len(x) < norm:
        return _too_short(f"the {a.name}/{b.name} ratio", f"{norm} common sessions", x.index[0] if len(x) else None)
    lead = ind.leadership(x, y, norm=norm)
    rs, value = float(lead["rs"].iloc[-1]), float(lead["lead"].iloc[-1])
    average = float(ind.sma(lead["rs"], norm).iloc[-1])  # not rs / (1 + value/100): value can be -100
    return Measure(value, f"{a.name}/{b.name} ratio {rs:.4g} vs its {norm}-session average {average:.4g}")


def ratio_percentile(a: pd.Series, b: pd.Series, years: int = 20, min_years: int = 5) -> Measure:
    """Percentile rank of today's ``a / b`` ratio among the previous sessions of the last ``years`` years.

    ``ratio = a / b`` on common sessions with ``t > last - years`` (all of them when the
    history is shorter, but at least ``min_years`` years); value = share of the earlier
    sessions in that window whose ratio was *lower* than the last one. 0 = the lowest ratio
    of the window, 1 = the highest. Pass total-return (``adj_close``) series so that
    different dividend yields do not drift the ratio. A price measure, not a valuation.
    """
    x, y = _common(a, b)
    if len(x) < 2:
        return _too_short(f"the {a.name}/{b.name} ratio", f"{min_years} years", None)
    last = x.index[-1]
    if x.index[0] > last - pd.DateOffset(years=min_years):
        return _too_short(f"the {a.name}/{b.name} ratio percentile", f"{min_years} years", x.index[0])
    window = x.index > last - pd.DateOffset(years=years)
    ratio = (x / y)[window]
    earlier = ratio.iloc[:-1]
    lower = int((earlier < ratio.iloc[-1]).sum())
    return Measure(lower / len(earlier), f"the {a.name}/{b.name} total-return ratio was lower on {lower:,} of"
                                         f" {len(earlier):,} sessions since {_day(ratio.index[0])};"
                                         f" the window's low before today: {_day(earlier.idxmin())}")


def real_motion_z(close: pd.Series, years: int = 10, trend: int = 200, min_years: int = 3) -> Measure:
    """z-score of Real Motion against its own last ``years`` years.

    ``RM = 100 * (close / SMA_trend(close) - 1)``; ``z = (RM[last] - mean(RM_w)) / std(RM_w)``
    over the RM values of sessions ``t > last - years`` (population std). Negative: price
    is unusually far below its 200-DMA for this series. ``None`` unless RM exists for
    ``min_years`` years.
    """
    rm = ind.real_motion(close, trend=trend)["rm"].dropna()
    if rm.empty or rm.index[0] > rm.index[-1] - pd.DateOffset(years=min_years):
        return _too_short(f"{close.name} Real Motion z-score", f"{min_years} years of Real Motion plus {trend} sessions",
                          close.index[0] if len(close) else None)
    window = rm[rm.index > rm.index[-1] - pd.DateOffset(years=years)]
    mean, std = float(window.mean()), float(window.std(ddof=0))
    value = (float(rm.iloc[-1]) - mean) / std
    return Measure(value, f"Real Motion {rm.iloc[-1]:+.2f} vs its mean {mean:+.2f} (σ {std:.2f}) since"
                          f" {_day(window.index[0])}")


def distance_from_sma(close: pd.Series, window: int = 200) -> Measure:
    """``close[last] / SMA_window(close)[last] - 1``: how far price is from its moving average (a fraction)."""
    average = ind.sma(close, window).iloc[-1] if len(close) else np.nan
    if np.isnan(average):
        return _too_short(f"{close.name}'s {window}-DMA", f"{window} sessions", close.index[0] if len(close) else None)
    value = float(close.iloc[-1] / average - 1.0)
    return Measure(value, f"{close.name} {close.iloc[-1]:,.2f} vs its {window}-DMA {average:,.2f}")


def phase_balance(closes: Sequence[pd.Series], plus: Sequence[str], minus: Sequence[str] = (),
                  fast: int = 50, slow: int = 200) -> Measure:
    """Net share of ``closes`` whose phase is in ``plus`` rather than ``minus``.

    Each series' phase at its last session comes from ``indicators.classify`` (close vs
    SMA_fast and SMA_slow). Value ``(n_plus - n_minus) / n``, where ``n`` counts the series
    with a known phase: +1 when all are in ``plus``, -1 when all are in ``minus``. ``None``
    when no phase is known.
    """
    phases: list[str] = []
    known = 0
    n_plus = n_minus = 0
    for close in closes:
        phase = ind.classify(close, ind.sma(close, fast), ind.sma(close, slow)).iloc[-1] if len(close) else None
        phases.append(f"{close.name} {phase or 'unknown (short history)'}")
        if phase is None:
            continue
        known += 1
        n_plus += phase in plus
        n_minus += phase in minus
    if not known:
        return Measure(None, ", ".join(phases), reason="no phase is known (each needs 200 sessions)")
    return Measure((n_plus - n_minus) / known, ", ".join(phases))


def spread(a: pd.Series, b: pd.Series) -> Measure:
    """``a[last] - b[last]`` on the last common session (e.g. 10-year minus 13-week yield, percent points)."""
    x, y = _common(a, b)
    if x.empty:
        return Measure(None, reason=f"{a.name} and {b.name} share no session")
    value = float(x.iloc[-1] - y.iloc[-1])
    return Measure(value, f"{a.name} {x.iloc[-1]:.2f} − {b.name} {y.iloc[-1]:.2f} on {_day(x.index[-1])}")


def level(x: pd.Series) -> Measure:
    """The last value of ``x`` itself (e.g. the VIX close)."""
    if x.empty:
        return Measure(None, reason=f"no {x.name} data")
    return Measure(float(x.iloc[-1]), f"{x.name} close {x.iloc[-1]:.2f} on {_day(x.index[-1])}")


def not_in_data(what: str) -> Measure:
    """Evidence the price data cannot give (e.g. valuation multiples): always ``None``, with ``what`` as the reason."""
    return Measure(None, reason=what)


@dataclass(frozen=True)
class Kind:
    """How the scorecard calls one evidence function.

    ``series``: ``"one"``, ``"pair"``, ``"many"`` (a list) or ``"none"``. ``basis``: the
    column passed, ``"adj_close"`` (returns), ``"close"`` (price structure) or ``"matched"``
    (``close``, unless either file is fully dividend-adjusted, then ``adj_close`` for both,
    so the two sides are on the same basis). ``unit`` formats the value and the rule.
    ``choices``: allowed values of list parameters.
    """

    function: Callable[..., Measure]
    series: str
    basis: str
    unit: str
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)


#: Every evidence function a configuration may name (``function = "..."``), by name.
KINDS: dict[str, Kind] = {
    "relative_return": Kind(relative_return, "pair", "adj_close", "percent"),
    "lagging_share": Kind(lagging_share, "pair", "adj_close", "share"),
    "relative_trend": Kind(relative_trend, "pair", "matched", "points"),
    "ratio_percentile": Kind(ratio_percentile, "pair", "adj_close", "share"),
    "real_motion_z": Kind(real_motion_z, "one", "close", "sigma"),
    "distance_from_sma": Kind(distance_from_sma, "one", "close", "percent"),
    "phase_balance": Kind(phase_balance, "many", "close", "balance",
                          choices={"plus": ind.PHASES, "minus": ind.PHASES}),
    "spread": Kind(spread, "pair", "close", "pp"),
    "level": Kind(level, "one", "close", "level"),
    "not_in_data": Kind(not_in_data, "none", "close", "none"),
}
