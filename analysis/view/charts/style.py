"""One look for every chart: sizes readable on an A4/Letter page, a fixed palette, rc settings.

Chart functions take finished series and return a :class:`matplotlib.figure.Figure`; they
never call ``show()`` and never use pyplot's global state (figures are built with
``Figure()`` directly), so they behave the same in a kernel, a test and a worker process.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

import matplotlib
import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import Locator

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

#: Figure width in inches: the printed column (A4 minus margins) at 1:1.
WIDTH = 7.0
DPI = 200

INK = "#1d2330"
MUTED = "#6b7280"
GRID = "#e5e7eb"
UP = "#1a9b73"
DOWN = "#d1495b"
FAST = "#2563eb"  # 50-session lines
SLOW = "#c2410c"  # 200-session lines
TICKER = "#111827"
BENCH = "#9ca3af"
BAND = "#93c5fd"
LEVEL = "#7c3aed"

#: Phase colours, after the usual convention: green bullish, amber warning, orange
#: distribution, red bearish, blue recovery, violet accumulation.
PHASE_COLORS = {
    "bullish": "#22c55e",
    "warning": "#facc15",
    "distribution": "#fb923c",
    "bearish": "#ef4444",
    "recovery": "#60a5fa",
    "accumulation": "#a78bfa",
}

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 8.5,
    "axes.labelcolor": INK,
    "axes.edgecolor": "#9ca3af",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "lines.linewidth": 1.2,
    "svg.fonttype": "none",
}


@contextlib.contextmanager
def styled() -> Iterator[None]:
    """Apply the house rc settings for the duration of a chart build."""
    with matplotlib.rc_context(RC):
        yield


def new_figure(
    height: float,
    *,
    rows: int = 1,
    ratios: list[float] | None = None,
    sharex: bool = True,
    layout: str | None = "constrained",
) -> tuple[Figure, list[Axes]]:
    """A figure of the house width with ``rows`` stacked axes (``ratios`` = height ratios).

    ``layout=None`` for a chart that places its axes itself (:func:`.margins.fit`, the piece's own charts).
    """
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, layout=layout)
    axes = fig.subplots(
        rows, 1, sharex=sharex, squeeze=False, gridspec_kw={"height_ratios": ratios} if ratios else None
    )[:, 0]
    return fig, list(axes)


def date_axis(ax: Axes, span_days: int) -> None:
    """Month ticks for a year or less, year ticks beyond; concise labels."""
    if span_days <= 400:
        locator = mdates.MonthLocator()
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    else:
        locator = mdates.YearLocator(1 if span_days < 4000 else 2)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.xaxis.set_major_locator(locator)


def title(ax: Axes, text: str, subtitle: str = "") -> None:
    """A bold left title with an optional muted subtitle on the line below it."""
    ax.set_title(text + ("\n" if subtitle else ""), loc="left")
    if subtitle:
        ax.text(0, 1.02, subtitle, transform=ax.transAxes, color=MUTED, fontsize=8, va="bottom")


def shade_phases(ax: Axes, phases, x=None, *, alpha: float = 0.13) -> None:
    """Shade the background of ``ax`` by phase, one band per run of :func:`phase_runs`.

    ``phases`` is a Series of phase names; ``x`` maps its index to x positions (default:
    the dates themselves; mplfinance charts pass integer positions). All bands are one
    collection kept out of the layout computation, so shading costs almost nothing.
    """
    import matplotlib.dates as mdates
    import numpy as np

    from analysis.indicators import phase_runs

    runs = phase_runs(phases)
    if runs.empty:
        return
    if x is None:
        pos = np.asarray(mdates.date2num(phases.index))
        half = 0.0
    else:
        pos = np.asarray(x, dtype=float)
        half = 0.5
    where = {d: i for i, d in enumerate(phases.index)}
    spans = [
        (pos[where[r.start]] - half, pos[where[r.end]] - pos[where[r.start]] + 2 * half) for r in runs.itertuples()
    ]
    if x is None:  # extend each date run to the next run's start so the bands touch
        spans = [(a, (spans[i + 1][0] - a) if i + 1 < len(spans) else w) for i, (a, w) in enumerate(spans)]
    bars = ax.broken_barh(
        spans,
        (0, 1),
        transform=ax.get_xaxis_transform(),
        alpha=alpha,
        lw=0,
        zorder=0,
        facecolors=[PHASE_COLORS[p] for p in runs["phase"]],
    )
    bars.set_in_layout(False)


#: Round values to label on a log axis, densest set first: the first set that labels the
#: visible range with at most ``RoundLogLocator.max_ticks`` values is used, so a range of
#: 2x gets 1, 1.5, 2..., a 150x one (NVDA over ten years) 1, 2, 5, 10..., wider ones decades.
LOG_TICK_SETS = tuple(
    [m * 10.0**k for k in range(-3, 7) for m in mantissas] for mantissas in ((1, 1.5, 2, 3, 4, 5, 7.5), (1, 2, 5), (1,))
)


def log_ticks(low: float, high: float, max_ticks: int = 8) -> list[float]:
    """The round values to label on a log axis spanning ``low``..``high`` (4% slack each side)."""
    ticks: list[float] = []
    for candidates in LOG_TICK_SETS:
        ticks = [float(f"{t:.6g}") for t in candidates if low / 1.04 <= t <= high * 1.04]
        if len(ticks) <= max_ticks:
            break
    return ticks


class RoundLogLocator(Locator):
    """Major ticks of a log axis at :func:`log_ticks` of the axis's visible range."""

    def __init__(self, max_ticks: int = 8) -> None:
        self.max_ticks = max_ticks

    def __call__(self) -> list[float]:
        low, high = sorted(self.axis.get_view_interval())
        return self.tick_values(low, high)

    def tick_values(self, vmin: float, vmax: float) -> list[float]:
        return log_ticks(max(vmin, 1e-12), vmax, self.max_ticks)


def agg_canvas(fig: Figure) -> FigureCanvasAgg:
    """``fig``'s Agg canvas, made if it has none. The margins (:mod:`.margins`) measure texts with its
    renderer and :func:`png`'s ``savefig`` at the same size reuses it, so matplotlib's cache of text
    metrics (kept per renderer) answers the draw's measures of every text measured there."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)


#: zlib's level for the charts' PNGs: 3 compresses the opaque RGB charts to within 2% of
#: level 6 (matplotlib's, through Pillow) at 40% less CPU (bench/README.md, issue 32).
PNG_LEVEL = 3


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes at the house DPI, on white.

    The same pixels ``savefig(format="png")`` draws, written as RGB (a chart drawn on white is
    opaque: its alpha channel is 255 everywhere, and a fourth channel costs a quarter more to
    compress) at :data:`PNG_LEVEL`, with matplotlib's ``Software`` note and the DPI. A figure
    with any transparent pixel keeps its alpha.
    """
    from PIL import Image, PngImagePlugin

    canvas, raw = agg_canvas(fig), io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=DPI, facecolor="white")
    size = (canvas.renderer.width, canvas.renderer.height)  # the canvas it was drawn on, in pixels
    image = Image.frombuffer("RGBA", size, raw.getbuffer(), "raw", "RGBA", 0, 1)
    if image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/")
    buffer = io.BytesIO()
    image.save(buffer, format="png", pnginfo=info, dpi=(DPI, DPI), compress_level=PNG_LEVEL)
    return buffer.getvalue()
