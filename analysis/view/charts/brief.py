"""The brief's one chart, drawn as MarketGauge draws its daily chart: three panels on one time axis.

Top: candlesticks with the 50- and 200-DMA, phase shading, the level to clear and volume;
middle: Real Motion with its own 50-DMA and band; bottom: Leadership against the benchmark
with its zero line and band (left out where the profile hides Leadership). Every panel
plots session positions 0, 1, ... (as mplfinance does), so the panels line up session by
session and the month ticks sit under the bottom one only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from analysis.params import Settings
from analysis.view.charts import margins, style
from analysis.view.charts.panels import band_label, oscillator
from analysis.view.charts.price import candles, has_volume, month_ticks


def _positions(values: pd.Series) -> pd.Series:
    """``values`` on session positions 0..n-1 (the candles' x axis)."""
    return pd.Series(values.to_numpy(float), index=np.arange(len(values)))


def brief_chart(
    prices: pd.DataFrame,
    series: pd.DataFrame,
    *,
    ticker: str,
    benchmark: str,
    settings: Settings = Settings(),
    level: float | None = None,
    level_label: str = "level to clear",
    volume: bool = True,
    leadership: bool = True,
    ylabel: str = "Price",
    sessions: int = 250,
    extra: int = 0,
) -> Figure:
    """The combined daily chart of the last ``sessions`` rows of ``prices`` and the study ``series``.

    ``series`` has the study's columns (``sma_fast``, ``rm``, ``rm_fast``, ``rm_upper`` ...,
    ``lead`` ...) on the same index as ``prices``; ``volume`` and ``leadership`` say whether
    those panels are drawn (no empty panel: a series without volume gets none); ``extra``: decimals
    more for the level and the last close, as the piece quotes them.
    """
    window = prices.index[-sessions:]
    data = series.loc[window]
    volume = volume and has_volume(prices.loc[window])
    momentum = bool(data["rm"].notna().any())  # a young series has no 200-DMA yet: no empty panel
    leadership = leadership and bool(data["lead"].notna().any())
    rows = ["price"] + (["volume"] if volume else []) + (["rm"] if momentum else []) + (["lead"] if leadership else [])
    ratios = {"price": 2.2, "volume": 0.42, "rm": 1.0, "lead": 1.0}
    height = 0.75 + sum(ratios[r] for r in rows) * 0.92
    with style.styled():
        fig, axes = style.new_figure(height, rows=len(rows), ratios=[ratios[r] for r in rows], layout=None)
        ax = dict(zip(rows, axes, strict=True))
        handles = candles(
            ax["price"],
            ax.get("volume"),
            prices,
            data["sma_fast"],
            data["sma_slow"],
            data["phase"],
            window,
            level=level,
            level_label=level_label,
            extra=extra,
        )
        ax["price"].set_ylabel(ylabel)
        if volume:
            ax["volume"].yaxis.set_major_locator(MaxNLocator(2))
        handles += _oscillators(ax, data, settings, benchmark)
        fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 5), fontsize=7)
        _time_axis(axes, window)
        style.title(
            ax["price"],
            f"{ticker} daily: price"
            + (", Real Motion" if momentum else "")
            + (f" and Leadership vs {benchmark}" if leadership else ""),
            f"Last {len(window)} sessions to {window[-1]:%d %b %Y}; background: phase",
        )
        margins.fit(fig, hgap=0.13)
    return fig


def _oscillators(ax: dict, data: pd.DataFrame, settings: Settings, benchmark: str) -> list:
    """Real Motion and Leadership in their panels (those of ``ax`` that exist); their legend handles."""
    momentum, leadership = "rm" in ax, "lead" in ax
    f = settings.fast
    if momentum:
        oscillator(
            ax["rm"],
            _positions(data["rm"]),
            _positions(data["rm_fast"]),
            _positions(data["rm_upper"]),
            _positions(data["rm_lower"]),
            value_label="Real Motion",
            fast_label=f"its {f}-DMA",
            band=band_label(settings),
            lw=1.0,
        )
        ax["rm"].set_ylabel("Real Motion, %")
    if leadership:
        oscillator(
            ax["lead"],
            _positions(data["lead"]),
            _positions(data["lead_fast"]),
            _positions(data["lead_upper"]),
            _positions(data["lead_lower"]),
            value_label=f"Leadership vs {benchmark}",
            fast_label=f"its {f}-DMA",
            band=band_label(settings),
            zero_label="zero line",
            lw=1.0,
        )
        ax["lead"].set_ylabel("Leadership, %")
    if not (momentum or leadership):
        return []
    names = [n for n, shown in (("Real Motion", momentum), ("Leadership", leadership)) if shown]
    return [
        Line2D([], [], color=style.TICKER, lw=1.0, label=", ".join(names)),
        Line2D([], [], color=style.FAST, lw=1.0, ls="--", label="their 50-DMA" if len(names) > 1 else "its 50-DMA"),
        Patch(color=style.BAND, alpha=0.28, label=band_label(settings)),
    ]


def _time_axis(axes, window: pd.DatetimeIndex) -> None:
    """One time axis: month ticks under the bottom panel only, every panel over the same sessions."""
    for a in axes[:-1]:
        a.tick_params(labelbottom=False)
    for a in axes:
        a.yaxis.label.set_fontsize(7)
    month_ticks(axes[-1], window)
    for a in axes:
        a.set_xlim(-1, len(window) + 12)
