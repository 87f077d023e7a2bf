"""The daily price chart: candlesticks, 50/200-DMA, volume, phase shading, level to clear."""

from __future__ import annotations

import colorsys

import mplfinance as mpf
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis import fmt
from analysis.view.charts import style

_VOLUME = {"up": "#a7d8c6", "down": "#f2b8c0"}
_MARKET_COLORS = mpf.make_marketcolors(up=style.UP, down=style.DOWN, edge="inherit", wick="inherit", volume=_VOLUME)
#: The volume bars' edges: their fill 10% darker (in HLS lightness), as mplfinance draws an edge of the fill's colour.
_EDGE = {
    k: colorsys.hls_to_rgb(h, 0.9 * lum, sat)
    for k, (h, lum, sat) in ((k, colorsys.rgb_to_hls(*to_rgb(c))) for k, c in _VOLUME.items())
}
_MPF_STYLE = mpf.make_mpf_style(
    marketcolors=_MARKET_COLORS,
    rc=style.RC,
    gridcolor=style.GRID,
    gridstyle="-",
    facecolor="white",
    edgecolor="#9ca3af",
)


def price_chart(
    prices: pd.DataFrame,
    sma50: pd.Series,
    sma200: pd.Series,
    phases: pd.Series,
    *,
    ticker: str,
    level: float | None = None,
    level_label: str = "level to clear",
    sessions: int = 250,
    volume: bool = True,
    ylabel: str = "Price",
) -> Figure:
    """Candlesticks of the last ``sessions`` rows with the moving averages and (if ``volume``) volume.

    The background is shaded by phase (see :mod:`analysis.indicators.phase`); a dashed
    line marks ``level``; the last session (the as-of date) is marked and labelled.
    Inputs share one index; only the last ``sessions`` rows are drawn.
    """
    window = prices.index[-sessions:]
    volume = volume and has_volume(prices.loc[window])  # no empty panel for an index without volume
    with style.styled():
        if volume:
            fig, (ax, axv) = style.new_figure(4.6, rows=2, ratios=[3.2, 1])
        else:
            fig, (ax,) = style.new_figure(3.7)
            axv = None
        handles = candles(ax, axv, prices, sma50, sma200, phases, window, level=level, level_label=level_label)
        fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 5))
        month_ticks(axv if volume else ax, window)
        ax.set_ylabel(ylabel)
        style.title(
            ax,
            f"{ticker} daily",
            f"Last {len(window)} sessions to {window[-1]:%d %b %Y};"
            " background: phase from price vs its 50- and 200-DMA",
        )
    return fig


def has_volume(prices: pd.DataFrame) -> bool:
    """Whether ``prices`` carries any volume (an index or a yield has none: no empty panel)."""
    return bool((prices["volume"].fillna(0) > 0).any())


def candles(
    ax,
    axv,
    prices: pd.DataFrame,
    sma50: pd.Series,
    sma200: pd.Series,
    phases: pd.Series,
    window: pd.DatetimeIndex,
    *,
    level: float | None = None,
    level_label: str = "level to clear",
    extra: int = 0,
) -> list:
    """Draw the candlesticks of ``window`` on ``ax`` (x = 0, 1, ...), the averages, phase shading,
    the level, the as-of marker and (when ``axv`` is an axis) volume; returns the legend handles. The
    level and the last close are quoted with ``extra`` decimals more, as the piece quotes them (a
    currency pair's 1.2774: :func:`analysis.model.units.for_piece`)."""
    ohlc = prices.loc[window, ["open", "high", "low", "close", "volume"]].rename(columns=str.title)
    adds = [
        mpf.make_addplot(sma50.loc[window], ax=ax, color=style.FAST, width=1.3),
        mpf.make_addplot(sma200.loc[window], ax=ax, color=style.SLOW, width=1.3),
    ]
    widths: dict = {}
    mpf.plot(
        ohlc,
        type="candle",
        ax=ax,
        addplot=adds,
        style=_MPF_STYLE,
        datetime_format="%b %Y",
        xrotation=0,
        warn_too_much_data=10_000,
        update_width_config={"candle_linewidth": 0.6, "candle_width": 0.62},
        return_width_config=widths,
    )
    x = np.arange(len(window))
    if axv is not None:
        volume_bars(axv, ohlc, x, widths["volume_width"], widths["volume_linewidth"])
    style.shade_phases(ax, phases.loc[window], x, alpha=0.13)
    handles = [
        ax.plot([], [], color=style.FAST, lw=1.3, label="50-DMA")[0],
        ax.plot([], [], color=style.SLOW, lw=1.3, label="200-DMA")[0],
    ]
    if level is not None:
        ax.axhline(level, color=style.LEVEL, lw=1.0, ls=(0, (5, 3)))
        handles.append(
            ax.plot(
                [], [], color=style.LEVEL, lw=1.0, ls=(0, (5, 3)), label=f"{level_label} {fmt.price(level, extra)}"
            )[0]
        )
    _mark_as_of(ax, x[-1], window[-1], prices["close"].loc[window[-1]], extra)
    ax.set_xlim(-1, len(window) + 12)
    present = [p for p in dict.fromkeys(phases.loc[window].dropna())]
    handles += [Patch(color=style.PHASE_COLORS[p], alpha=0.35, label=p) for p in present]
    if axv is not None:
        axv.set_ylabel("Volume" if axv.get_position().height > 0.12 else "Vol.")
        axv.yaxis.set_major_formatter(lambda v, _: f"{v / 1e6:,.0f}M" if v >= 1e6 else f"{v:,.0f}")
    return handles


def volume_bars(axv, ohlc: pd.DataFrame, x: np.ndarray, width: float, linewidth: float) -> None:
    """Volume as mplfinance draws it (its colours and widths: the same pixels, ``tests/test_charts.py``), as
    one collection: mplfinance's ``bar`` added a patch per session, and matplotlib updated the axes' limits
    for each (about 0.1 CPU-s of a 250-session chart)."""
    rising = (ohlc["Open"] < ohlc["Close"]).to_numpy()  # a NaN is not rising: mplfinance's down colour
    face = [_VOLUME["up"] if up else _VOLUME["down"] for up in rising]
    edge = [_EDGE["up"] if up else _EDGE["down"] for up in rising]
    volumes = ohlc["Volume"].to_numpy(float)
    base = np.where(np.isnan(volumes), np.nan, 0.0)  # a session without volume gets no bar, not a line at 0
    left, right = x - width / 2, x + width / 2
    boxes = np.stack([np.column_stack(c) for c in ((left, base), (left, volumes), (right, volumes), (right, base))], 1)
    axv.add_collection(
        PolyCollection(boxes, facecolors=face, edgecolors=edge, linewidths=linewidth, joinstyle="miter"),
        autolim=False,
    )
    axv.set_ylim(0.3 * np.nanmin(volumes), 1.1 * np.nanmax(volumes))
    axv.set_axisbelow(True)  # and the rest mplfinance sets on a volume axes: the grid under the bars,
    axv.yaxis.offsetText.set_visible(False)  # no exponent beside the axis (the labels say M)


def _mark_as_of(ax, x: int, day: pd.Timestamp, last: float, extra: int = 0) -> None:
    """The as-of session: a dotted line at ``x`` and its date and close beside the last candle."""
    ax.axvline(x, color=style.MUTED, lw=0.7, ls=":")
    ax.annotate(
        f"{day:%d %b %Y}\n{fmt.price(last, extra)}",
        xy=(x, last),
        xytext=(6, 0),
        textcoords="offset points",
        va="center",
        fontsize=7.5,
        color=style.INK,
        bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": style.GRID},
    )


def month_ticks(ax, window: pd.DatetimeIndex) -> None:
    """Ticks on the first session of each month; the year under January and the first tick."""
    month = window.to_period("M")
    firsts = np.flatnonzero(np.r_[True, month[1:] != month[:-1]])[1:]
    labels = [
        f"{window[i]:%b}" + (f"\n{window[i]:%Y}" if window[i].month == 1 or n == 0 else "")
        for n, i in enumerate(firsts)
    ]
    ax.set_xticks(firsts, labels)
