"""Measured margins (:mod:`analysis.view.charts.margins`): the piece's charts place their axes
without constrained layout, so these check what the layout engine used to guarantee: every
tick label, axis label, title and text beside the axes is inside the figure, the legend under
the chart does not cover the axis, and a wide label gets the room it needs."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg

from analysis.view.charts import margins, style

matplotlib.use("Agg")


def drawn(fig):
    """``fig`` drawn as ``savefig`` draws it; its renderer."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def assert_inside(fig) -> None:
    """Every axes' decorations and texts, and every legend, within the figure; no legend over an axes."""
    renderer = drawn(fig)
    page = fig.bbox.padded(1)  # a pixel of rounding
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.get_visible()]
    for box in boxes:
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, box
    for legend in fig.legends:
        leg = legend.get_window_extent(renderer)
        assert page.x0 <= leg.x0 and leg.x1 <= page.x1 and page.y0 <= leg.y0
        assert all(leg.y1 <= box.y0 + 1 for box in boxes), "the legend covers an axis"


def chart(values, *, note: bool = False):
    with style.styled():
        fig, (ax, low) = style.new_figure(3.0, rows=2, layout=None)
        index = pd.bdate_range("2023-01-02", periods=len(values))
        ax.plot(index, values)
        low.plot(index, values)
        ax.set_ylabel("Price")
        style.title(ax, "A long enough title", "and its subtitle")
        if note:
            ax.annotate("  n    median", xy=(1.02, 0.5), xycoords="axes fraction", family="DejaVu Sans Mono")
        fig.legend(handles=ax.get_lines(), labels=["close"], loc="outside lower center")
        margins.fit(fig, hgap=0.13)
    return fig


def test_a_wide_tick_label_gets_its_room_and_nothing_leaves_the_figure():
    wide = chart(np.linspace(30_000, 65_000, 200))  # BTC-USD's prices
    narrow = chart(np.linspace(0.2, 0.6, 200))  # a small yield
    for fig in (wide, narrow):
        assert fig.get_layout_engine() is None
        assert_inside(fig)
    assert wide.axes[0].get_position().x0 > narrow.axes[0].get_position().x0


def test_a_text_beside_the_axes_is_inside_the_figure():
    fig = chart(np.linspace(1, 2, 200), note=True)
    assert_inside(fig)
    renderer = drawn(fig)
    ax = fig.axes[0]
    assert ax.texts[-1].get_window_extent(renderer).x0 > ax.bbox.x1  # beside, not over, the panel


def test_a_label_longer_than_the_chart_leaves_the_panels_room():
    with style.styled():
        fig, (ax,) = style.new_figure(2.0, layout=None)
        ax.set_yticks([0, 1], ["x" * 400, "y"])
        margins.fit(fig)
    box = ax.get_position()
    assert box.width > 0.25 and box.height > 0.25


def test_the_brief_chart_of_wide_and_narrow_prices_keeps_every_label_inside(market):
    """BTC-USD at its 2021 top (prices of 60,000, volume in billions) and a yield (^TNX, 4.5)."""
    from analysis.model.study import build
    from analysis.view.charts.brief import brief_chart

    for ticker, as_of, ylabel in (("BTC-USD", "2021-11-08", "Price"), ("^TNX", "2023-10-19", "Yield, %")):
        st = build(market, ticker, "SPY", as_of)
        fig = brief_chart(st.prices, st.series, ticker=ticker, benchmark="SPY", level=None, ylabel=ylabel)
        assert fig.get_layout_engine() is None
        assert_inside(fig)
