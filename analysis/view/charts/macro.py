"""The economy in four panels (curve, credit, claims, Sahm and unemployment), recessions shaded.

Chart functions take finished series (what was public at the as-of date, already cut: see
:func:`analysis.model.macro.public`) and return a :class:`~matplotlib.figure.Figure`.
:func:`shade_recessions` shades NBER recessions on any date axis, labelled "dated in
hindsight" so no reader takes the shading for something known at the time.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, NullFormatter

from analysis.errors import InputError
from analysis.model.macro import RECESSION_LABEL
from analysis.view.charts import style

#: Shading colour and label of recessions (the label is :data:`analysis.model.macro.RECESSION_LABEL`).
RECESSION_COLOR = "#9ca3af"
SAHM_COLOR = "#c2410c"

#: The panels: key of the ``series`` dict -> (title, unit words, reference line or None).
PANELS = {
    "curve": ("Yield curve: 10-year minus 3-month", "percentage points", 0.0),
    "credit": ("High-yield spread (option-adjusted)", "percentage points", None),
    "claims": ("Initial claims, 4-week average", "thousands a week", None),
    "sahm": ("Real-time Sahm rule (0.5 = trigger)", "percentage points", 0.5),
}


def shade_recessions(
    ax: Axes, periods: Sequence[tuple[pd.Timestamp, pd.Timestamp]], *, alpha: float = 0.22, label: bool = True
) -> None:
    """Shade each ``(start, end)`` span on a date x-axis (one collection, kept out of the layout).

    Call it once the axis has its x-limits (after plotting): spans outside them are skipped,
    and the limits are kept. ``label`` names the shading "NBER recessions, dated in
    hindsight" for a legend (give it on one axis per figure).
    """
    left, right = ax.get_xlim()
    spans = [
        (a, b - a)
        for a, b in ((mdates.date2num(pd.Timestamp(a)), mdates.date2num(pd.Timestamp(b))) for a, b in periods)
        if b >= left and a <= right
    ]
    if spans:
        bars = ax.broken_barh(
            spans,
            (0, 1),
            transform=ax.get_xaxis_transform(),
            facecolors=RECESSION_COLOR,
            alpha=alpha,
            lw=0,
            zorder=0,
            label=RECESSION_LABEL if label else None,
        )
        bars.set_in_layout(False)
    ax.set_xlim(left, right)


def recession_handle(alpha: float = 0.22) -> Patch:
    """A legend handle for the shading, for figures that build their own legend."""
    return Patch(facecolor=RECESSION_COLOR, alpha=alpha, label=RECESSION_LABEL)


#: The Sahm panel's y-axis stops here (the 2020 spike reached 9.5), unless the latest value is higher.
SAHM_CAP = 2.0


def _panel(ax: Axes, values: pd.Series, key: str, color: str, top: float | None = None) -> None:
    """Draw one panel, its y-axis stopping at ``top`` when given (the Sahm panel's cap)."""
    title, unit, line = PANELS[key]
    ax.plot(values.index, values.to_numpy(), color=color, lw=1.1, zorder=3)
    if line is not None:
        ax.axhline(line, color=style.INK if line == 0 else SAHM_COLOR, lw=0.8, ls="-" if line == 0 else "--", zorder=2)
    last_day, last = values.index[-1], float(values.iloc[-1])
    shown = f"{last:,.0f}k" if key == "claims" else f"{last:+.2f}" if key == "curve" else f"{last:.2f}"
    ax.plot([last_day], [last], "o", color=color, ms=3, zorder=4)
    if key == "claims":
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(style.RoundLogLocator(6))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    if top is not None:
        ax.set_ylim(top=top)
    style.title(ax, title, " · ".join([unit, f"latest {shown} ({last_day:%Y-%m-%d})"]))


#: The unemployment rate's right axis stops here (2020's spike reached 14.8), unless the latest value is higher.
UNRATE_CAP = 8.0


def _capped(values: pd.Series, cap: float, room: float) -> float | None:
    """The top of an axis that stops at ``cap`` (or ``room`` times the latest value, if higher)
    when the series goes above it; ``None`` when it does not."""
    top = max(cap, float(values.iloc[-1]) * room)
    return top if float(values.max()) > top else None


def _sahm_notes(sahm: pd.Series, unemployment: pd.Series | None) -> tuple[float | None, float | None, list[str]]:
    """The Sahm panel's axis tops (left, right) and the lines said under it: the unemployment
    rate's key and every peak an axis cuts off (a clipped line is named, never silently cut)."""
    left = _capped(sahm, SAHM_CAP, 1.2)
    notes, right = [], None
    if unemployment is not None and len(unemployment):
        right = max(UNRATE_CAP, float(unemployment.iloc[-1]) * 1.3)
        notes.append(
            f"grey, right axis: unemployment rate {unemployment.iloc[-1]:.1f}% ({unemployment.index[-1]:%Y-%m})"
        )
    if left is not None:
        notes.append(f"Sahm rule peak {sahm.max():.1f} ({sahm.idxmax():%Y-%m}) off the scale")
    if right is not None and float(unemployment.max()) > right:
        notes.append(f"unemployment peak {unemployment.max():.1f}% ({unemployment.idxmax():%Y-%m}) off the scale")
    return left, right, notes


#: Inches a line of the notes under the Sahm panel adds to the figure (so the panels keep their size).
NOTE_LINE_IN = 0.14


def macro_chart(
    series: dict[str, pd.Series],
    recessions: Sequence[tuple[pd.Timestamp, pd.Timestamp]],
    *,
    unemployment: pd.Series | None = None,
    as_of: str | None = None,
) -> Figure:
    """Small multiples, 2 x 2: ``series["curve"]`` (T10Y3M), ``["credit"]`` (BAMLH0A0HYM2),
    ``["claims"]`` (the 4-week average of ICSA, in claims; drawn in thousands on a log scale)
    and ``["sahm"]`` (SAHMREALTIME, its axis capped at :data:`SAHM_CAP` with the peak named),
    each with its latest value and date; ``unemployment`` (UNRATE) in grey on the Sahm panel's
    right axis when given (capped at :data:`UNRATE_CAP`); what the caps cut off is named under
    that panel, below its dates, where it covers no line; recessions shaded; ``as_of`` a
    dotted line on every panel.

    Every series must be non-empty; the panels share the x span of the widest.
    """
    missing = [k for k in PANELS if k not in series or series[k] is None or series[k].empty]
    if missing:
        raise InputError(
            f"macro_chart needs non-empty series for {', '.join(missing)};",
            "pass what analysis.model.macro.public returns for each.",
        )
    start = min(s.index[0] for s in series.values())
    end = max(s.index[-1] for s in series.values())
    if as_of:
        end = max(end, pd.Timestamp(as_of))
    colors = {"curve": style.FAST, "credit": style.DOWN, "claims": style.TICKER, "sahm": SAHM_COLOR}
    sahm_top, rate_top, notes = _sahm_notes(series["sahm"], unemployment)
    with style.styled():
        fig = Figure(figsize=(style.WIDTH, 4.9 + NOTE_LINE_IN * len(notes)), dpi=style.DPI, layout="constrained")
        axes = fig.subplots(2, 2, sharex=True).ravel()
        for ax, key in zip(axes, PANELS):
            values = series[key] / 1000.0 if key == "claims" else series[key]
            _panel(ax, values, key, colors[key], sahm_top if key == "sahm" else None)
            ax.set_xlim(start, end + pd.Timedelta(days=10))
            shade_recessions(ax, recessions, label=False)
            if as_of:
                ax.axvline(pd.Timestamp(as_of), color=style.MUTED, lw=0.8, ls=":", zorder=2)
            style.date_axis(ax, (end - start).days)
        if rate_top is not None:
            right = axes[3].twinx()
            right.plot(unemployment.index, unemployment.to_numpy(), color=style.MUTED, lw=0.9, zorder=2)
            right.set_ylim(top=rate_top)
            right.grid(False)
            right.spines["right"].set_visible(True)
        if notes:  # under the date labels, in the layout: never over a line of the panel
            axes[3].set_xlabel("\n".join(notes), loc="left", fontsize=7, color=style.MUTED, labelpad=4)
        fig.legend(handles=[recession_handle()], loc="outside lower left", frameon=False)
    return fig


def history_panel(
    ax: Axes,
    values: pd.Series,
    recessions: Sequence[tuple[pd.Timestamp, pd.Timestamp]],
    *,
    title: str,
    unit: str,
    line: float | None = None,
    color: str = style.TICKER,
) -> None:
    """One long-history series on ``ax`` with recessions shaded and its span in the subtitle."""
    ax.plot(values.index, values.to_numpy(), color=color, lw=0.8, zorder=3)
    if line is not None:
        ax.axhline(line, color=style.INK, lw=0.7, ls="--", zorder=2)
    ax.set_xlim(values.index[0], values.index[-1])
    shade_recessions(ax, recessions, label=False)
    style.title(ax, title, f"{unit} · {values.index[0]:%Y}-{values.index[-1]:%Y}")
    years = (values.index[-1] - values.index[0]).days / 365.25
    if years > 12:  # decades of history: a tick every 5 or 10 years stays legible in a half-width panel
        ax.xaxis.set_major_locator(mdates.YearLocator(10 if years > 30 else 5))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    else:
        style.date_axis(ax, (values.index[-1] - values.index[0]).days)


def history_chart(
    panels: dict[str, tuple[pd.Series, str, str, float | None]], recessions: Sequence[tuple[pd.Timestamp, pd.Timestamp]]
) -> Figure:
    """One panel per series, two columns: ``panels[id] = (values, title, unit, reference line)``.

    Each panel draws its own span (the series start at different years); recessions shaded.
    """
    empty = [k for k, (values, *_rest) in panels.items() if values.empty]
    if not panels or empty:
        raise InputError(
            f"history_chart needs non-empty series{' (empty: ' + ', '.join(empty) + ')' if empty else ''};",
            "pass what analysis.model.macro.public returns.",
        )
    rows = (len(panels) + 1) // 2
    with style.styled():
        fig = Figure(figsize=(style.WIDTH, 1.9 * rows + 0.4), dpi=style.DPI, layout="constrained")
        axes = fig.subplots(rows, 2, squeeze=False).ravel()
        for ax, (values, title, unit, line) in zip(axes, panels.values()):
            history_panel(ax, values, recessions, title=title, unit=unit, line=line)
        for ax in axes[len(panels) :]:
            ax.set_visible(False)
        fig.legend(handles=[recession_handle()], loc="outside lower left", frameon=False)
    return fig


def ratio_chart(
    ratio: pd.Series,
    curve: pd.Series,
    recessions: Sequence[tuple[pd.Timestamp, pd.Timestamp]],
    uninversions: Sequence[pd.Timestamp] = (),
) -> Figure:
    """Two stacked panels on one time axis: ``ratio`` (e.g. IWM/SPY, log scale) above ``curve``
    (T10Y3M, zero line); recessions shaded; each un-inversion date a dashed vertical line."""
    if ratio.empty or curve.empty:
        raise InputError("ratio_chart needs a non-empty ratio and curve;", "pass the series up to the as-of date.")
    start, end = min(ratio.index[0], curve.index[0]), max(ratio.index[-1], curve.index[-1])
    with style.styled():
        fig, (top, bottom) = style.new_figure(4.2, rows=2, ratios=[1.2, 1.0])
        top.plot(ratio.index, ratio.to_numpy(), color=style.TICKER, lw=1.0)
        top.set_yscale("log")
        top.yaxis.set_major_locator(style.RoundLogLocator(6))
        top.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.2f}"))
        top.yaxis.set_minor_formatter(NullFormatter())
        style.title(
            top,
            f"{ratio.name or 'ratio'}: total-return ratio (log scale)",
            f"latest {ratio.iloc[-1]:.3f} ({ratio.index[-1]:%Y-%m-%d})",
        )
        bottom.plot(curve.index, curve.to_numpy(), color=style.FAST, lw=0.9)
        bottom.axhline(0, color=style.INK, lw=0.8)
        style.title(
            bottom,
            "10-year minus 3-month Treasury",
            f"percentage points · latest {curve.iloc[-1]:+.2f}"
            f" ({curve.index[-1]:%Y-%m-%d}) · dashed: the curve un-inverts",
        )
        for ax in (top, bottom):
            ax.set_xlim(start, end)
            shade_recessions(ax, recessions, label=False)
            for day in uninversions:
                if start <= day <= end:
                    ax.axvline(day, color=style.LEVEL, lw=0.9, ls="--", zorder=2)
        style.date_axis(bottom, (end - start).days)
        fig.legend(handles=[recession_handle()], loc="outside lower left", frameon=False)
    return fig
