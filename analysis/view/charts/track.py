"""How the call has done: the graded price shaded by the call over the years, and what followed each call."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from analysis.errors import InputError
from analysis.model.call import CALLS
from analysis.model.units import Units
from analysis.text.track_words import WHISKERS
from analysis.view.charts import margins, style

#: The colour of each call, worst first (as :data:`analysis.model.call.CALLS`), and of any session.
CALL_COLORS = {"defensive": style.DOWN, "cautious": "#d97706", "constructive": style.UP}
ANY = style.MUTED


def _shade(ax: Axes, calls: pd.Series) -> None:
    """The background of ``ax`` by call, one collection per call (a step from each session to the next)."""
    x = mdates.date2num(calls.index)
    values = calls.to_numpy(object)
    for call in CALLS:
        hit = values == call
        if hit.any():
            ax.fill_between(
                x,
                0,
                1,
                where=hit,
                step="post",
                transform=ax.get_xaxis_transform(),
                color=CALL_COLORS[call],
                alpha=0.22,
                lw=0,
                zorder=0,
            )


def _price(ax: Axes, close: pd.Series, calls: pd.Series, *, log: bool, label: str) -> None:
    _shade(ax, calls)
    ax.plot(close.index, close.to_numpy(float), color=style.TICKER, lw=0.7, zorder=2)
    if log and (close > 0).all():
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(style.RoundLogLocator(6))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.6g}"))
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _p: ""))
    ax.set_ylabel(label)
    style.date_axis(ax, (close.index[-1] - close.index[0]).days)
    ax.set_xlim(close.index[0], close.index[-1])


def _distributions(ax: Axes, samples: dict[str, np.ndarray], u: Units, label: str) -> None:
    """Box plots of each call's counted moves (5th to 95th percentile whiskers) and any session's."""
    names = [*reversed(CALLS), "any"]
    data = [u.scale * np.asarray(samples.get(n, []), dtype=float) for n in names]
    shown = [(i, d) for i, d in enumerate(data) if d.size]
    y = np.arange(len(names))[::-1]
    if shown:
        boxes = ax.boxplot(
            [d for _, d in shown],
            positions=[y[i] for i, _ in shown],
            orientation="horizontal",
            widths=0.55,
            whis=WHISKERS,
            showfliers=False,
            patch_artist=True,
            medianprops={"color": style.INK, "lw": 1.4},
        )
        for patch, (i, _) in zip(boxes["boxes"], shown):
            patch.set(facecolor=CALL_COLORS.get(names[i], ANY), alpha=0.55, lw=0.6)
    base = data[-1]
    if base.size:
        ax.axvline(float(np.median(base)), color=style.INK, lw=0.8, ls="--", zorder=0)
    ax.axvline(0.0, color=style.MUTED, lw=0.6, zorder=0)
    ax.set_yticks(y, [n if n != "any" else "any session" for n in names])
    for yi, d in zip(y, data):  # each panel's own counts, at its right edge
        ax.text(
            1.0,
            yi + 0.42,
            f"n {d.size:,}",
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=7,
            color=style.MUTED,
        )
    ax.set_xlabel(f"{label} ({u.symbol if u.is_level else '%'})")
    ax.grid(axis="y", visible=False)


def track_chart(
    close: pd.Series,
    calls: pd.Series,
    samples: dict[int, dict[str, np.ndarray]],
    *,
    ticker: str,
    graded: str,
    units: Units,
    log: bool = True,
    ylabel: str = "Price",
    xlabels: dict[int, str] | None = None,
) -> Figure:
    """The graded close over the record, its background shaded by the call; under it, per horizon,
    the distribution of the counted moves after each call and after any session.

    ``close`` is the series the call is graded on (the ticker's, the benchmark's for a gauge of
    stocks, the yield); ``calls`` the replayed call on the same index (``None`` outside the
    record); ``samples`` maps a horizon to :func:`analysis.model.track_history.samples` (moves in
    ``units``: fractions, points or bp), ``xlabels`` to its axis label. A box spans the middle half, its whiskers the 5th to
    95th percentiles, its line the median; the dashed line is any session's median.
    """
    if close.empty or not len(samples):
        raise InputError(
            "track_chart got no closes or no samples;", "pass the study's series and the record's samples."
        )
    horizons = sorted(samples)
    with style.styled():
        fig = Figure(figsize=(style.WIDTH, 4.3), dpi=style.DPI)
        grid = fig.add_gridspec(2, len(horizons), height_ratios=[1.25, 1])
        top = fig.add_subplot(grid[0, :])
        _price(top, close, calls, log=log, label=ylabel)
        title = f"How the call has done: {ticker}" + (f", graded on {graded}" if graded != ticker else "")
        style.title(top, title, "Background: the call each session, from the data up to it")
        first = None
        for k, h in enumerate(horizons):
            ax = fig.add_subplot(grid[1, k])
            first = first or ax
            _distributions(ax, samples[h], units, (xlabels or {}).get(h, f"{h} sessions on"))
            if k:
                ax.tick_params(labelleft=False)
        fig.legend(
            handles=[Patch(color=CALL_COLORS[c], alpha=0.55, label=c) for c in reversed(CALLS)]
            + [Patch(color=ANY, alpha=0.55, label="any session")],
            loc="outside lower center",
            ncols=4,
        )
        margins.fit(fig, hgap=0.30, wgap=0.13)
    return fig
