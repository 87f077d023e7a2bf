"""Charts: structural checks on the figures the piece prints (Agg backend, no pyplot state).

Golden images are brittle across matplotlib/font versions, so these tests check what the
reader relies on instead: the plotted data equal the input series (to 1e-9), the titles,
legends and reference lines are there, and the PNG is the house size (±2 px).
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from analysis.view import charts
from analysis.view.charts import style

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def s(iwm_study):
    return iwm_study.series


def line_with(ax, label):
    return next(line for line in ax.get_lines() if line.get_label() == label)


def png_size(fig: Figure) -> tuple[int, int]:
    return Image.open(io.BytesIO(style.png(fig))).size


def test_price_chart_draws_the_last_year_with_its_averages_and_level(iwm_study, s):
    fig = charts.price_chart(iwm_study.prices, s["sma_fast"], s["sma_slow"], s["phase"], ticker="IWM", level=205.06)
    ax, axv = fig.axes[:2]
    assert ax.get_title(loc="left").startswith("IWM daily")
    lines = [line for line in ax.get_lines() if len(line.get_xdata()) == 250]
    ys = [np.asarray(line.get_ydata(), float) for line in lines]
    assert any(np.allclose(y, s["sma_fast"].iloc[-250:].to_numpy(), atol=1e-9) for y in ys)
    assert any(np.allclose(y, s["sma_slow"].iloc[-250:].to_numpy(), atol=1e-9) for y in ys)
    assert any(
        len(line.get_ydata()) == 2 and np.allclose(line.get_ydata(), [205.06, 205.06]) for line in ax.get_lines()
    )  # the level line
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:3] == ["50-DMA", "200-DMA", "level to clear 205.06"] and "warning" in legend
    assert len(axv.collections[0].get_paths()) == 250  # one volume bar per session
    assert any("08 Jul 2024" in t.get_text() for t in ax.texts)  # the as-of marker
    w, h = png_size(fig)
    assert abs(w - style.WIDTH * style.DPI) <= 2 and abs(h - 4.6 * style.DPI) <= 2


def test_phase_shading_covers_each_run(iwm_study, s):
    """One band per phase run, in that run's colour, covering the window without gaps."""
    from matplotlib.collections import PolyCollection

    from analysis.indicators import phase_runs

    fig = charts.price_chart(iwm_study.prices, s["sma_fast"], s["sma_slow"], s["phase"], ticker="IWM")
    bands = next(c for c in fig.axes[0].collections if isinstance(c, PolyCollection) and not c.get_in_layout())
    runs = phase_runs(s["phase"].iloc[-250:])
    assert len(bands.get_paths()) == len(runs)
    expected = [matplotlib.colors.to_rgba(style.PHASE_COLORS[p], 0.13) for p in runs["phase"]]
    assert np.allclose(bands.get_facecolors(), expected)
    xs = [(p.vertices[:, 0].min(), p.vertices[:, 0].max()) for p in bands.get_paths()]
    assert xs[0][0] == -0.5 and xs[-1][1] == 249.5
    assert all(abs(a[1] - b[0]) < 1e-9 for a, b in zip(xs, xs[1:]))


def test_real_motion_chart_plots_the_series_and_band(s):
    fig = charts.real_motion_chart(s, ticker="IWM")
    ax = fig.axes[0]
    assert np.allclose(line_with(ax, "Real Motion").get_ydata(), s["rm"].iloc[-250:].to_numpy())
    assert np.allclose(line_with(ax, "its 50-DMA").get_ydata(), s["rm_fast"].iloc[-250:].to_numpy())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "band: 50-day ±2σ",
        "its 50-DMA",
        "Real Motion",
        "its 200-DMA",
    ]
    assert any(t.get_text() == "+4.78" for t in ax.texts)


def test_oscillator_legends_name_the_windows_used(iwm_study):
    """A study with other windows says so in the legend (it once read "50-day" whatever the window)."""
    from analysis.params import Settings

    fig = charts.real_motion_chart(iwm_study.series, ticker="IWM", settings=Settings(fast=20, slow=100, band_width=1.5))
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "band: 20-day ±1.5σ",
        "its 20-DMA",
        "Real Motion",
        "its 100-DMA",
    ]


def test_leadership_chart_has_zero_line_and_band(s):
    fig = charts.leadership_chart(s, ticker="IWM", benchmark="SPY")
    ax = fig.axes[0]
    assert np.allclose(line_with(ax, "Leadership vs SPY").get_ydata(), s["lead"].iloc[-250:].to_numpy())
    assert "zero: in line with its norm" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.get_text() == "\u22128.04" or t.get_text() == "-8.04" for t in ax.texts)


def test_relative_performance_chart_starts_at_one_and_ends_at_the_total_returns(s):
    fig = charts.relative_performance_chart(s["adj_close"], s["bench_adj_close"], ticker="IWM", benchmark="SPY")
    top = fig.axes[0]
    a, b = top.get_lines()[:2]
    assert a.get_ydata()[0] == pytest.approx(1.0) and b.get_ydata()[0] == pytest.approx(1.0)
    assert a.get_ydata()[-1] - 1 == pytest.approx(0.98604, abs=5e-6)
    assert b.get_ydata()[-1] - 1 == pytest.approx(2.38058, abs=5e-6)
    assert [t.get_text() for t in top.get_legend().get_texts()] == ["IWM  +98.6%", "SPY  +238.1%"]
    # from IWM's low, $0.83 (March 2020), to SPY's $3.38, plus the axis margins: the dense set fits
    assert list(top.yaxis.get_major_locator()()) == [0.75, 1, 1.5, 2, 3]


def test_growth_ticks_thin_out_on_a_wide_range():
    log_ticks = style.log_ticks
    assert log_ticks(0.5, 3.38) == [0.5, 0.75, 1, 1.5, 2, 3]
    assert log_ticks(0.958, 154.3) == [1, 2, 5, 10, 20, 50, 100]  # NVDA vs QQQ, 10 years to 2026-08-21
    assert log_ticks(0.05, 2000) == [0.1, 1, 10, 100, 1000]  # beyond that, decades
    assert log_ticks(150, 210) == [150, 200]  # IWM over a year


def test_charts_leave_no_pyplot_figures_behind(iwm_study, s):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    charts.price_chart(iwm_study.prices, s["sma_fast"], s["sma_slow"], s["phase"], ticker="IWM")
    assert plt.get_fignums() == before


def test_the_brief_chart_has_one_time_axis_and_no_empty_panel(iwm_study, market):
    """Price, volume, Real Motion and Leadership share the session axis; a hidden Leadership gets
    no panel, nor does the volume of an index that has none."""
    from analysis.model.study import build
    from analysis.view.charts.brief import brief_chart

    fig = brief_chart(iwm_study.prices, iwm_study.series, ticker="IWM", benchmark="SPY", level=205.06)
    axes = fig.axes
    assert len(axes) == 4 and {a.get_xlim() for a in axes} == {(-1, 262)}
    assert [a.get_ylabel() for a in axes] == ["Price", "Vol.", "Real Motion, %", "Leadership, %"]
    vix = build(market, "^VIX", "SPY", "2020-03-16")
    fig = brief_chart(vix.prices, vix.series, ticker="^VIX", benchmark="SPY", leadership=False, ylabel="Level")
    assert [a.get_ylabel() for a in fig.axes] == ["Level", "Real Motion, %"]


def test_a_shared_chart_is_kept_on_disk_and_read_back(tmp_path, monkeypatch):
    """memo.cached(..., disk=True): drawn once, written as PNG + JSON, read back (not drawn) by a process
    with an empty memory; another input or another version of the drawing code draws anew; a damaged
    file is drawn again, never an error. (A tiny synthetic figure: the cache, not a chart, is tested.)"""
    import matplotlib.figure

    from analysis.view.charts import memo
    from analysis.view.display import FigureOutput

    monkeypatch.setenv("MOMENTUM_CHART_CACHE_DIR", str(tmp_path / "charts"))
    drawn: list[int] = []

    def draw(n: int):
        def make():
            drawn.append(n)
            fig = matplotlib.figure.Figure(figsize=(1, 1))
            fig.add_subplot().plot([0, n])
            return FigureOutput(fig, alt=f"line {n}", caption="synthetic")

        return make

    memo.clear()
    first = memo.cached("test_chart", ({"n": 1},), draw(1), disk=True)
    assert drawn == [1] and len(list((tmp_path / "charts").glob("test_chart-*.png"))) == 1
    memo.clear()  # a new process: nothing in memory
    again = memo.cached("test_chart", ({"n": 1},), draw(1), disk=True)
    assert drawn == [1] and memo.stats["disk"] == 1
    assert (again.data, again.alt, again.caption) == (first.data, "line 1", "synthetic")
    memo.cached("test_chart", ({"n": 2},), draw(2), disk=True)
    assert drawn == [1, 2]
    memo.clear()
    monkeypatch.setattr(memo, "code_version", lambda: "another version of the drawing code")
    memo.cached("test_chart", ({"n": 1},), draw(1), disk=True)
    assert drawn == [1, 2, 1]
    for png in (tmp_path / "charts").glob("*.json"):
        png.write_text("{not json", encoding="utf-8")
    memo.clear()
    memo.cached("test_chart", ({"n": 1},), draw(1), disk=True)
    assert drawn == [1, 2, 1, 1]
    memo.clear()


def test_png_is_savefigs_pixels_as_opaque_rgb_and_keeps_alpha_where_there_is_some():
    from analysis.data import Market

    frame = Market("snapshot").prices("IWM").loc["2023-07-01":"2024-07-08"]
    fig = Figure(figsize=(style.WIDTH, 3.85), dpi=style.DPI)
    ax = fig.add_subplot()
    ax.plot(frame.index, frame["close"], color="black")
    ax.set_title("IWM close")
    ours = Image.open(io.BytesIO(style.png(fig)))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=style.DPI, facecolor="white")
    theirs = Image.open(io.BytesIO(buffer.getvalue()))
    assert ours.mode == "RGB" and theirs.mode == "RGBA"
    assert ours.size == theirs.size == (1400, 770)  # the canvas it was drawn on decides, as savefig
    assert (np.asarray(ours.convert("RGBA")) == np.asarray(theirs)).all()
    assert ours.info["Software"].startswith("Matplotlib version")
    assert round(ours.info["dpi"][0]) == style.DPI
    fig.patch.set_visible(False)  # a see-through figure keeps its alpha channel
    assert Image.open(io.BytesIO(style.png(fig))).mode == "RGBA"


def test_the_volume_bars_are_mplfinance_s_own(iwm_study, s):
    """The volume panel is one collection (mplfinance's ``bar`` added a patch a session, and matplotlib
    updated the limits for each: 0.17 CPU-s of page one's chart); each bar is where mplfinance puts it,
    in its colours and widths, and the axes are set as mplfinance sets a volume axes."""
    import mplfinance as mpf

    from analysis.view.charts import price

    fig = charts.price_chart(iwm_study.prices, s["sma_fast"], s["sma_slow"], s["phase"], ticker="IWM")
    ours = fig.axes[1]
    bars = ours.collections[0]
    window = iwm_study.prices.index[-250:]
    ohlc = iwm_study.prices.loc[window, ["open", "high", "low", "close", "volume"]].rename(columns=str.title)
    ref = matplotlib.figure.Figure()
    ax, axv = ref.subplots(2, 1, sharex=True)
    # mplfinance as the chart called it before: its volume edges of the fills' colours (it darkens them)
    colors = {**price._MARKET_COLORS, "vcedge": price._VOLUME}
    style_ = mpf.make_mpf_style(base_mpf_style="default", marketcolors=colors)
    mpf.plot(ohlc, type="candle", ax=ax, volume=axv, style=style_, update_width_config={"candle_width": 0.62})
    theirs = axv.patches
    assert len(theirs) == len(bars.get_paths()) == 250
    for path, bar in zip(bars.get_paths(), theirs, strict=True):
        x0, y0 = path.vertices.min(0)
        x1, y1 = path.vertices.max(0)
        assert np.allclose([x0, x1, y0, y1], [bar.get_x(), bar.get_x() + bar.get_width(), 0, bar.get_height()])
    assert np.allclose(bars.get_facecolors(), [b.get_facecolor() for b in theirs])
    assert np.allclose(bars.get_edgecolors(), [b.get_edgecolor() for b in theirs])
    assert np.allclose(bars.get_linewidths(), [b.get_linewidth() for b in theirs])
    assert np.allclose(ours.get_ylim(), axv.get_ylim())
    assert ours.get_axisbelow() is True and not ours.yaxis.offsetText.get_visible()
