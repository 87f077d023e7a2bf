"""The economy's charts: structure a reader sees (panels, latest values and dates, the hindsight label)."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.collections import PolyCollection

from analysis.data.fred import Macro
from analysis.errors import InputError
from analysis.model import macro
from analysis.view.charts.macro import history_chart, macro_chart, ratio_chart, shade_recessions
from analysis.view.charts.style import new_figure

AS_OF = "2024-07-08"


@pytest.fixture(scope="module")
def store() -> Macro:
    return Macro("snapshot")


def public(store, series_id: str, years: int = 10) -> pd.Series:
    values = macro.public(store, series_id, AS_OF)
    return values.loc[values.index > pd.Timestamp(AS_OF) - pd.DateOffset(years=years)]


def shaded(ax) -> int:
    return sum(len(c.get_paths()) for c in ax.collections if isinstance(c, PolyCollection))


def test_small_multiples_show_each_latest_value_and_the_hindsight_label(store):
    series = {
        "curve": public(store, "T10Y3M"),
        "credit": public(store, "BAMLH0A0HYM2"),
        "claims": public(store, "ICSA").rolling(4).mean().dropna(),
        "sahm": public(store, "SAHMREALTIME"),
    }
    fig = macro_chart(series, macro.recessions(store), unemployment=public(store, "UNRATE"), as_of=AS_OF)
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert len(panels) == 4
    texts = " ".join(ax.get_title(loc="left") + " " + " ".join(t.get_text() for t in ax.texts) for ax in fig.axes)
    assert "latest -1.18 (2024-07-05)" in texts and "latest 3.27 (2024-07-05)" in texts
    assert "latest 237k (2024-06-29)" in texts and "latest 0.43 (2024-06-01)" in texts
    # what the Sahm panel's axes cut off is named under it (the ten years drawn hold 2020's spikes),
    # and nothing is written over its lines
    assert panels[3].get_xlabel().splitlines() == [
        "grey, right axis: unemployment rate 4.1% (2024-06)",
        "Sahm rule peak 9.5 (2020-06) off the scale",
        "unemployment peak 14.8% (2020-04) off the scale",
    ]
    assert panels[3].get_ylim()[1] == 2.0 and fig.axes[-1].get_ylim()[1] == 8.0
    assert all(t.get_position()[1] >= 1 for ax in panels for t in ax.texts)  # subtitles, above the plot
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["NBER recessions, dated in hindsight"]
    assert all(shaded(ax) == 1 for ax in panels)  # 2020's recession, in the ten years drawn
    assert panels[2].get_yscale() == "log"


def test_shade_recessions_keeps_the_axis_span(store):
    fig, (ax,) = new_figure(2.0)
    ax.plot(pd.to_datetime(["2007-01-01", "2010-12-31"]), [0, 1])
    before = ax.get_xlim()
    shade_recessions(ax, macro.recessions(store))
    assert ax.get_xlim() == before and ax.collections[0].get_label() == "NBER recessions, dated in hindsight"


def test_history_and_ratio_charts(store):
    panels = {sid: (macro.public(store, sid, AS_OF), sid, "unit", None) for sid in ("T10Y3M", "UNRATE", "NFCI")}
    fig = history_chart(panels, macro.recessions(store))
    assert sum(ax.get_visible() for ax in fig.axes) == 3
    curve = public(store, "T10Y3M")
    ratio = pd.Series(1.0, index=curve.index, name="IWM/SPY")
    fig = ratio_chart(ratio, curve, macro.recessions(store), [pd.Timestamp("2019-10-11")])
    assert sum(1 for ax in fig.axes for ln in ax.lines if ln.get_linestyle() == "--") == 2


def test_empty_series_are_refused():
    with pytest.raises(InputError, match="macro_chart needs non-empty series for claims, sahm"):
        macro_chart(
            {
                "curve": pd.Series([1.0], index=pd.to_datetime(["2024-01-02"])),
                "credit": pd.Series([1.0], index=pd.to_datetime(["2024-01-02"])),
            },
            [],
        )
