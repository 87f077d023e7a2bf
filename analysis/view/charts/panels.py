"""Oscillator panels: Real Motion and Leadership, each against its own averages and bands.

:func:`oscillator` is the one drawing of an oscillator (its band, its fast average, an
optional slow average, the zero line, the value and its last reading); the piece's charts
below and the research notebooks' long-history charts (:mod:`.research`) all use it. The
legend names the windows the study used (``band: 20-day ±1.5σ`` when so configured).
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis import fmt
from analysis.params import Settings
from analysis.view.charts import style


def band_label(settings: Settings) -> str:
    return f"band: {settings.fast}-day ±{settings.band_width:g}σ"


def oscillator(
    ax: Axes,
    value: pd.Series,
    fast: pd.Series,
    upper: pd.Series,
    lower: pd.Series,
    *,
    value_label: str,
    fast_label: str,
    band: str,
    slow: pd.Series | None = None,
    slow_label: str = "",
    zero_label: str = "",
    lw: float = 1.2,
) -> None:
    """Draw an oscillator on ``ax``: band, fast average, slow average (if given), zero, value, last value."""
    ax.fill_between(value.index, lower, upper, color=style.BAND, alpha=0.28, lw=0, label=band)
    ax.plot(fast.index, fast, color=style.FAST, lw=lw, ls="--", label=fast_label)
    ax.plot(value.index, value, color=style.TICKER, lw=lw * 1.08, label=value_label)
    if slow is not None:
        ax.plot(slow.index, slow, color=style.SLOW, lw=lw * 0.9, ls=":", label=slow_label)
    ax.axhline(
        0, color=style.INK if zero_label else style.MUTED, lw=1.0 if zero_label else 0.8, label=zero_label or None
    )
    last = value.dropna()
    if not last.empty:
        last_value(ax, last, fmt.signed(last.iloc[-1]))


def last_value(ax: Axes, values: pd.Series, text: str, color: str = style.TICKER) -> None:
    """Label the last point of ``values`` with ``text`` in a small white box."""
    last = values.dropna()
    if last.empty:
        return
    ax.annotate(
        text,
        xy=(last.index[-1], last.iloc[-1]),
        xytext=(5, 0),
        textcoords="offset points",
        va="center",
        fontsize=7.5,
        color=color,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": style.GRID},
    )


def _finish(fig: Figure, ax: Axes, data: pd.DataFrame, ylabel: str) -> None:
    ax.set_ylabel(ylabel)
    style.date_axis(ax, (data.index[-1] - data.index[0]).days)
    ax.margins(x=0.01)
    ax.legend(loc="upper left", ncol=4)


def real_motion_chart(
    series: pd.DataFrame, *, ticker: str, settings: Settings = Settings(), sessions: int = 250
) -> Figure:
    """Real Motion (``rm``) with its fast (``rm_fast``) and slow (``rm_slow``) averages and band.

    ``series`` has the study's columns (:func:`analysis.model.study.compute`); the last
    ``sessions`` rows are drawn; ``settings`` name the windows in the legend.
    """
    f, s = settings.fast, settings.slow
    return _oscillator_chart(
        series.iloc[-sessions:],
        "rm",
        settings,
        value_label="Real Motion",
        ylabel=f"% from {s}-DMA",
        title=(
            f"{ticker} momentum: Real Motion",
            f"Close vs its {s}-DMA in %; crossing its own {f}-DMA marks momentum turning",
        ),
        slow_label=f"its {s}-DMA",
    )


def leadership_chart(
    series: pd.DataFrame, *, ticker: str, benchmark: str, settings: Settings = Settings(), sessions: int = 250
) -> Figure:
    """Leadership (``lead``) with its fast average (``lead_fast``), band and the zero line."""
    s = settings.slow
    return _oscillator_chart(
        series.iloc[-sessions:],
        "lead",
        settings,
        value_label=f"Leadership vs {benchmark}",
        ylabel=f"% vs {s}-day norm",
        title=(
            f"{ticker} leadership vs {benchmark}",
            f"{ticker}/{benchmark} ratio vs its {s}-session average in %; above zero = leading",
        ),
        zero_label="zero: in line with its norm",
    )


def _oscillator_chart(
    data: pd.DataFrame,
    column: str,
    settings: Settings,
    *,
    value_label: str,
    ylabel: str,
    title: tuple[str, str],
    slow_label: str = "",
    zero_label: str = "",
) -> Figure:
    """One oscillator of ``data`` (``column`` and its ``_fast``, ``_upper``, ``_lower`` and, with
    ``slow_label``, ``_slow`` columns) in a figure of its own, with its legend and title."""
    with style.styled():
        fig, (ax,) = style.new_figure(2.9)
        oscillator(
            ax,
            data[column],
            data[f"{column}_fast"],
            data[f"{column}_upper"],
            data[f"{column}_lower"],
            value_label=value_label,
            fast_label=f"its {settings.fast}-DMA",
            band=band_label(settings),
            slow=data[f"{column}_slow"] if slow_label else None,
            slow_label=slow_label,
            zero_label=zero_label,
        )
        _finish(fig, ax, data, ylabel)
        style.title(ax, *title)
    return fig
