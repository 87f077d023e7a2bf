"""A century of small versus big: the rolling 10-year size premium, growth by size decile, the valuation spread.

Finished series in (monthly, on a :class:`~pandas.PeriodIndex`, already cut to what was public
at the as-of date), a :class:`~matplotlib.figure.Figure` out; nothing is computed here but the
drawing (the numbers come from :mod:`analysis.model.century`). A month is drawn at its last day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter, PercentFormatter

from analysis.view.charts import style

Mark = tuple[pd.Period, float]
#: Smallest to biggest size decile: light to dark.
DECILE_COLORS = (
    "#f59e0b",
    "#eab308",
    "#a3a30a",
    "#65a30d",
    "#16a34a",
    "#0d9488",
    "#0891b2",
    "#2563eb",
    "#4f46e5",
    "#1e1b4b",
)


def _x(index: pd.PeriodIndex) -> pd.DatetimeIndex:
    """Each month at its last day (a 10-year window is drawn where it ends)."""
    return index.to_timestamp(how="start") + pd.offsets.MonthEnd(0)


def _month(p: pd.Period) -> str:
    return f"{p.to_timestamp():%b %Y}"


def shade_recessions(ax: Axes, recessions: Sequence[tuple[dt.date | str, dt.date | str]]) -> None:
    """Shade each ``(start, end)`` span (e.g. NBER recessions) in light grey behind the data."""
    for start, end in recessions:
        span = ax.axvspan(pd.Timestamp(start), pd.Timestamp(end), color=style.GRID, alpha=0.7, lw=0, zorder=0)
        span.set_in_layout(False)


def _decades(ax: Axes) -> None:
    """Year ticks every ten years (a century on one axis)."""
    ax.xaxis.set_major_locator(mdates.YearLocator(10))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.margins(x=0.01)


def _label(
    ax: Axes, when: pd.Period, value: float, text: str, *, color: str, above: bool, ha: str = "center", lift: float = 9
) -> None:
    """A dot at the month's value and a boxed label ``lift`` points above or below it
    (``ha="right"``: ending at the dot); a lifted label gets a thin leader line."""
    x = _x(pd.PeriodIndex([when]))[0]
    ax.plot([x], [value], marker="o", ms=4.2, color=color, mec="white", mew=0.6, zorder=5, ls="none")
    leader = {"arrowstyle": "-", "color": color, "lw": 0.6} if lift > 12 else None
    ax.annotate(
        text,
        xy=(x, value),
        xytext=(4 if ha == "right" else 0, lift if above else -lift - 1),
        textcoords="offset points",
        ha=ha,
        va="bottom" if above else "top",
        fontsize=7.2,
        color=color,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": style.GRID, "alpha": 0.9},
        zorder=6,
        arrowprops=leader,
    )


def rolling_premium_chart(
    rolling: pd.Series,
    *,
    today: Mark,
    worst: Sequence[Mark] = (),
    percentile: float | None = None,
    recessions: Sequence[tuple[dt.date | str, dt.date | str]] = (),
) -> Figure:
    """SMB compounded over every 120-month window since the first full one (to 1936-06), as a percent.

    ``today`` (the last window) is marked and labelled with its value and, given ``percentile``
    (its share of all windows at or below it), how rare it is; each of ``worst``
    (``analysis.model.century.decade_marks``) is labelled "decade to <month year>". Above zero (small
    beat big over the decade) is shaded green, below it red. ``recessions``: optional
    ``(start, end)`` spans to shade (none by default).
    """
    x = _x(rolling.index)
    values = rolling.to_numpy(dtype=float)
    with style.styled():
        fig, (ax,) = style.new_figure(3.3)
        shade_recessions(ax, recessions)
        ax.axhline(0.0, color=style.MUTED, lw=0.8)
        ax.fill_between(x, values, 0.0, where=values >= 0, color=style.UP, alpha=0.14, lw=0, interpolate=True)
        ax.fill_between(x, values, 0.0, where=values < 0, color=style.DOWN, alpha=0.14, lw=0, interpolate=True)
        ax.plot(x, values, color=style.INK, lw=1.1)
        for when, value in worst:
            _label(
                ax, when, value, f"decade to {_month(when)}: {value:+.0%}", color=style.DOWN, above=False, ha="right"
            )
        rare = (
            f"\nbottom {percentile:.0%} of {len(rolling):,} decades"
            if percentile is not None and percentile <= 0.5
            else (f"\ntop {1 - percentile:.0%} of {len(rolling):,} decades" if percentile is not None else "")
        )
        _label(
            ax,
            today[0],
            today[1],
            f"10 years to {_month(today[0])}: {today[1]:+.1%}{rare}",
            color=style.LEVEL,
            above=today[1] >= 0,
            ha="right",
        )
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("SMB over 10 years")
        low, high = float(values.min()), float(values.max())
        ax.set_ylim(low - 0.12 * (high - low), high + 0.06 * (high - low))
        _decades(ax)
        style.title(
            ax,
            "A century of small versus big: the size premium over every 10-year window",
            f"Fama/French SMB (small minus big) compounded over 120 months, windows ending"
            f" {_month(rolling.index[0])} to {_month(rolling.index[-1])}",
        )
    return fig


def size_decile_growth_chart(returns_pct: pd.DataFrame) -> Figure:
    """Growth of $1 in each size decile (``Lo 10`` ... ``Hi 10``, value-weighted, dividends reinvested), log scale.

    ``returns_pct`` holds French's monthly returns in percent; the chart compounds them from the
    first month, ``prod(1 + r/100)``, with $1 at the start of the first month.
    """
    deciles = ["Lo 10", "Dec 2", "Dec 3", "Dec 4", "Dec 5", "Dec 6", "Dec 7", "Dec 8", "Dec 9", "Hi 10"]
    growth = (1.0 + returns_pct[deciles] / 100.0).cumprod()
    x = _x(growth.index)
    with style.styled():
        fig, (ax,) = style.new_figure(3.6)
        for column, color in zip(deciles, DECILE_COLORS):
            label = {"Lo 10": "smallest 10%", "Hi 10": "biggest 10%"}.get(column, column.replace("Dec ", "decile "))
            ax.plot(
                x,
                growth[column],
                color=color,
                lw=1.5 if column in ("Lo 10", "Hi 10") else 0.8,
                label=f"{label}  ${growth[column].iloc[-1]:,.0f}",
            )
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(style.RoundLogLocator())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:,.2f}" if v < 10 else f"${v:,.0f}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_ylabel("growth of $1 (log)")
        ax.legend(loc="upper left", ncol=2, fontsize=6.8)
        _decades(ax)
        style.title(
            ax,
            "Growth of $1 by size decile",
            f"NYSE size deciles, value-weighted, {_month(growth.index[0])} to {_month(growth.index[-1])}"
            " (Kenneth French's Data Library)",
        )
    return fig


def valuation_chart(ratio: pd.Series, *, today: Mark, percentile: float) -> Figure:
    """Small over big book-to-market every month since 1926, its median, and today's reading marked.

    Above the median line small caps are cheaper against big ones than usual by this measure.
    """
    x = _x(ratio.index)
    median = float(ratio.median())
    with style.styled():
        fig, (ax,) = style.new_figure(3.0)
        ax.plot(x, ratio.to_numpy(dtype=float), color=style.INK, lw=1.0)
        ax.axhline(
            median, color=style.MUTED, lw=0.8, ls="--", label=f"median since {_month(ratio.index[0])}: {median:.2f}"
        )
        _label(
            ax,
            today[0],
            today[1],
            f"{_month(today[0])}: {today[1]:.2f} ({percentile:.0%} of months at or below)",
            color=style.LEVEL,
            above=True,
            ha="right",
            lift=30,
        )
        ax.set_ylabel("small / big BE/ME")
        ax.legend(loc="upper right")
        _decades(ax)
        style.title(
            ax,
            "Are small caps cheap against big ones? Book-to-market, small over big",
            "Mean BE/ME of the three small Fama/French portfolios over that of the three big ones",
        )
    return fig
