"""Evidence: one pure function per kind of measurement the scenario scorecard weighs.

Each function takes finished series (already cut at the as-of session; the scorecard does
that) and returns a :class:`Measure`: the measured number, a short plain-text ``detail`` of
what went into it, and, when the number cannot be computed, the ``reason``. None of them
reads a file, a clock or a configuration, and none looks past the last row it is given.

What *supports* or *contradicts* a talking point is not decided here: the thresholds are
data in ``analysis/config/scenarios.toml`` and are applied by :mod:`analysis.evidence.rules`.
:data:`KINDS` maps the name a configuration uses (``function = "relative_trend"``) to the
function, the number and price basis of the series it takes, and the unit of its value.

Conventions: a series' ``name`` is its ticker (used in ``detail``); returns and shares are
fractions (0.986 = 98.6%); Real Motion, Leadership and yield spreads are in percent points.
Formulas are in each docstring and, with their thresholds, in ``docs/scenarios.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import fmt
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
    return Measure(value, f"{a.name} {fmt.pct(ra)} vs {b.name} {fmt.pct(rb)} since {_day(start)}")


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
        return _too_short(
            f"{a.name} vs {b.name} rolling periods",
            f"{years} years plus {window} sessions",
            x.index[0] if len(x) else None,
        )
    ra = x / x.shift(window)
    rb = y / y.shift(window)
    recent = x.index > cutoff
    lagged = (ra < rb)[recent]
    n = int(lagged.size)
    count = int(lagged.sum())
    return Measure(
        count / n,
        f"{a.name} trailed {b.name} in {count:,} of {n:,} rolling {window}-session"
        f" periods ending since {_day(x.index[recent][0])}",
    )


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
    return Measure(
        lower / len(earlier),
        f"the {a.name}/{b.name} total-return ratio was lower on {lower:,} of"
        f" {len(earlier):,} sessions since {_day(ratio.index[0])};"
        f" the window's low before today: {_day(earlier.idxmin())}",
    )


def real_motion_z(close: pd.Series, fast: int = 50, slow: int = 200, width: float = 2.0) -> Measure:
    """Real Motion's z-score in its band: ``(RM - fast) / sigma`` at the last session.

    ``RM = 100 * (close / SMA_slow(close) - 1)``, ``fast = SMA_fast(RM)`` and ``sigma`` the
    population std of RM over ``fast`` sessions: the piece's own Real Motion band
    (``indicators.real_motion``), so ``|z| > width`` is exactly "outside the band", the one
    definition of a momentum extreme (docs/indicators.md). ``None`` until the band exists.
    """
    rm = (
        ind.real_motion(close, trend=slow, fast=fast, slow=slow, band_window=fast, width=width).iloc[-1]
        if len(close)
        else None
    )
    if rm is None or pd.isna(rm["upper"]) or rm["upper"] == rm["fast"]:
        return _too_short(
            f"{close.name}'s Real Motion band", f"{slow + fast - 1} sessions", close.index[0] if len(close) else None
        )
    sigma = (float(rm["upper"]) - float(rm["fast"])) / width
    value = (float(rm["rm"]) - float(rm["fast"])) / sigma
    return Measure(value, f"Real Motion {rm['rm']:+.2f} vs its {fast}-DMA {rm['fast']:+.2f} (σ {sigma:.2f})")


def change(x: pd.Series, span: str = "3m", scale: float = 1.0) -> Measure:
    """``scale * (x[last] - x[start])``, ``start`` the last session on or before ``last - span``
    (the long view's own span rule, so the piece states one 3-month change): how far a level
    moved; ``scale=100`` turns a yield in percent into basis points."""
    x = x.dropna()
    start = ind.span_start(x.index, ind.SPANS[span]) if len(x) else None
    if start is None:
        return _too_short(f"{x.name}'s {span} change", span, x.index[0] if len(x) else None)
    value = float(scale * (x.iloc[-1] - x.loc[start]))
    return Measure(value, f"{x.name} {x.loc[start]:,.2f} on {_day(start)} to {x.iloc[-1]:,.2f} on {_day(x.index[-1])}")


def level_percentile(x: pd.Series, years: int = 10) -> Measure:
    """Share of the sessions of the last ``years`` years (before the last) at or below today's ``x``."""
    x = x.dropna()
    if x.empty or x.index[0] > x.index[-1] - pd.DateOffset(years=years):
        return _too_short(f"{x.name}'s {years}-year percentile", f"{years} years", x.index[0] if len(x) else None)
    window = x[(x.index > x.index[-1] - pd.DateOffset(years=years)) & (x.index < x.index[-1])]
    value = float((window <= x.iloc[-1]).mean())
    return Measure(value, f"{x.name} {x.iloc[-1]:,.2f} against {len(window):,} sessions since {_day(window.index[0])}")


def forward_after_level(x: pd.Series, y: pd.Series, horizon: int = 60, band: float = 0.15) -> Measure:
    """Median return of ``y`` over the ``horizon`` sessions after past sessions when ``x`` stood where it stands today.

    "Where it stands": when today's ``x`` is above its median, a past ``x`` at least
    ``(1 - band)`` times today's (as high or higher); below it, at most ``(1 + band)`` times. Only past sessions whose whole
    forward window ends by the last session count (no look-ahead), one per ``horizon``
    (non-overlapping, the earliest first). E.g. SPY's next 60 sessions after a VIX close like
    today's. ``None`` with fewer than 5 such episodes.
    """
    a, b = _common(x, y)
    level_now = float(a.iloc[-1])
    ends = b.shift(-horizon)
    high = level_now >= float(a.median())  # "similar" to a high reading: as high or higher (and a low one, as low)
    near = a >= (1 - band) * level_now if high else a <= (1 + band) * level_now
    near &= ends.notna()
    picked, last = [], -horizon
    for i in np.flatnonzero(near.to_numpy()):
        if i >= last + horizon:
            picked.append(i)
            last = i
    if len(picked) < 5:
        word = "at or above" if high else "at or below"
        return Measure(
            None,
            reason=f"only {len(picked)} earlier episode{'' if len(picked) == 1 else 's'} of {a.name} {word} {fmt.level((1 - band if high else 1 + band) * level_now)}"
            f" with {horizon} sessions after them: too few to read",
        )
    returns = (ends.iloc[picked] / b.iloc[picked] - 1.0).to_numpy()
    value = float(np.median(returns))
    word = "at or above" if high else "at or below"
    return Measure(
        value,
        f"median {b.name} return {fmt.pct(value)} over {horizon} sessions after {len(picked)} episodes of"
        f" {a.name} {word} {fmt.level((1 - band if high else 1 + band) * level_now)}"
        f" ({np.mean(returns > 0):.0%} positive)",
    )


def correlation(a: pd.Series, b: pd.Series, window: int = 252) -> Measure:
    """Correlation of ``a``'s and ``b``'s daily returns over their last ``window`` common sessions."""
    x, y = _common(a, b)
    if len(x) <= window:
        return _too_short(
            f"the {a.name}/{b.name} correlation", f"{window + 1} common sessions", x.index[0] if len(x) else None
        )
    ra, rb = x.pct_change().iloc[-window:], y.pct_change().iloc[-window:]
    value = float(ra.corr(rb))
    return Measure(
        value, f"daily returns of {a.name} and {b.name} over {window} common sessions since {_day(ra.index[0])}"
    )


def distance_from_sma(close: pd.Series, window: int = 200) -> Measure:
    """``close[last] / SMA_window(close)[last] - 1``: how far price is from its moving average (a fraction)."""
    average = ind.sma(close, window).iloc[-1] if len(close) else np.nan
    if np.isnan(average):
        return _too_short(f"{close.name}'s {window}-DMA", f"{window} sessions", close.index[0] if len(close) else None)
    value = float(close.iloc[-1] / average - 1.0)
    return Measure(value, f"{close.name} {fmt.level(close.iloc[-1])} vs its {window}-DMA {fmt.level(average)}")


def week_move(close: pd.Series, sessions: int = 5) -> Measure:
    """``close[last] / close[last - sessions] - 1``: the move of the last ``sessions`` sessions (a fraction)."""
    if len(close) <= sessions:
        return _too_short(f"{close.name}'s {sessions}-session move", f"{sessions + 1} sessions", None)
    start = close.iloc[-1 - sessions]
    return Measure(
        float(close.iloc[-1] / start - 1.0),
        f"{close.name} {fmt.level(close.iloc[-1])} vs {fmt.level(start)} on {_day(close.index[-1 - sessions])}",
    )


def phase_balance(
    closes: Sequence[pd.Series], plus: Sequence[str], minus: Sequence[str] = (), fast: int = 50, slow: int = 200
) -> Measure:
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


def economy(readings: dict, measure: str, field: str = "value") -> Measure:
    """One field of one macro measure (:func:`analysis.model.macro.measures`), as public at the as-of date.

    ``readings`` holds only observations published by then (no look-ahead); a stale series
    reads ``None`` with its reason, never a silent old value. ``field`` picks e.g. the
    curve's ``value`` (pp), ``months_inverted``, the spread's 3-month ``change`` or claims'
    ``pct_above_low``.
    """
    m = (readings or {}).get(measure)
    if not m or m.get(field) is None:
        why = (m or {}).get("note") or f"no {measure.replace('_', ' ')} reading is public at this date"
        return Measure(None, reason=why)
    if m.get("stale"):
        return Measure(None, reason=m["stale_reason"] or f"{m['id']} is stale")
    if "id" in m:
        return Measure(float(m[field]), f"{m['id']} observation of {m['date']}, public {m['known_since']}")
    return Measure(float(m[field]), f"monthly data through {m['through']}" if m.get("through") else "")


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
    "change_bp": Kind(functools.partial(change, scale=100.0), "one", "close", "bp"),
    "change_points": Kind(change, "one", "close", "level"),
    "level_percentile": Kind(level_percentile, "one", "close", "share"),
    "forward_after_level": Kind(forward_after_level, "pair", "adj_close", "percent"),
    "correlation": Kind(correlation, "pair", "adj_close", "corr"),
    "distance_from_sma": Kind(distance_from_sma, "one", "close", "percent"),
    "week_move": Kind(week_move, "one", "close", "percent"),
    "phase_balance": Kind(phase_balance, "many", "close", "balance", choices={"plus": ind.PHASES, "minus": ind.PHASES}),
    "spread": Kind(spread, "pair", "close", "pp"),
    "level": Kind(level, "one", "close", "level"),
    "economy_pp": Kind(economy, "macro", "close", "pp"),
    "economy_level": Kind(economy, "macro", "close", "level"),
    "economy_share": Kind(economy, "macro", "close", "share"),
    "economy_percent": Kind(economy, "macro", "close", "percent"),
    "economy_months": Kind(economy, "macro", "close", "months"),
    "not_in_data": Kind(not_in_data, "none", "close", "none"),
}
