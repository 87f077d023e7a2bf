"""Indicator panels: Real Motion and Leadership, each against its own averages and bands."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis.view.charts import style


def _band_panel(ax: Axes, value: pd.Series, fast: pd.Series, upper: pd.Series, lower: pd.Series,
                *, value_label: str, value_color: str = style.TICKER) -> None:
    ax.fill_between(value.index, lower, upper, color=style.BAND, alpha=0.28, lw=0, label="band: 50-day ±2σ")
    ax.plot(fast.index, fast, color=style.FAST, lw=1.2, ls="--", label="its 50-DMA")
    ax.plot(value.index, value, color=value_color, lw=1.3, label=value_label)
    ax.axhline(0, color=style.MUTED, lw=0.8)
    last = value.dropna()
    if not last.empty:
        ax.annotate(f"{last.iloc[-1]:+.2f}", xy=(last.index[-1], last.iloc[-1]), xytext=(5, 0),
                    textcoords="offset points", va="center", fontsize=7.5, color=value_color,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": style.GRID})


def real_motion_chart(rm: pd.DataFrame, *, ticker: str, sessions: int = 250) -> Figure:
    """Real Motion (``rm``) with its 50-DMA (``fast``), 200-DMA (``slow``) and band.

    ``rm`` has the columns of :func:`analysis.indicators.real_motion`; the last
    ``sessions`` rows are drawn.
    """
    data = rm.iloc[-sessions:]
    with style.styled():
        fig, (ax,) = style.new_figure(2.9)
        _band_panel(ax, data["rm"], data["fast"], data["upper"], data["lower"], value_label="Real Motion")
        ax.plot(data.index, data["slow"], color=style.SLOW, lw=1.1, ls=":", label="its 200-DMA")
        ax.set_ylabel("% from 200-DMA")
        style.date_axis(ax, (data.index[-1] - data.index[0]).days)
        ax.margins(x=0.01)
        ax.legend(loc="upper left", ncol=4)
        style.title(ax, f"{ticker} momentum: Real Motion",
                    "Close vs its 200-DMA in %; crossing its own 50-DMA marks momentum turning")
    return fig


def leadership_chart(lead: pd.DataFrame, *, ticker: str, benchmark: str, sessions: int = 250) -> Figure:
    """Leadership (``lead``) with its 50-DMA (``fast``), band and the zero line.

    ``lead`` has the columns of :func:`analysis.indicators.leadership`.
    """
    data = lead.iloc[-sessions:]
    with style.styled():
        fig, (ax,) = style.new_figure(2.9)
        _band_panel(ax, data["lead"], data["fast"], data["upper"], data["lower"],
                    value_label=f"Leadership vs {benchmark}")
        ax.axhline(0, color=style.INK, lw=1.0, label="zero: in line with its norm")
        ax.set_ylabel("% vs 200-day norm")
        style.date_axis(ax, (data.index[-1] - data.index[0]).days)
        ax.margins(x=0.01)
        ax.legend(loc="upper left", ncol=4)
        style.title(ax, f"{ticker} leadership vs {benchmark}",
                    f"{ticker}/{benchmark} ratio vs its 200-session average in %; above zero = leading")
    return fig
