"""Charts: finished series in, :class:`matplotlib.figure.Figure` out (see :mod:`.style`)."""

from analysis.view.charts.events import history_chart
from analysis.view.charts.panels import leadership_chart, real_motion_chart
from analysis.view.charts.performance import relative_performance_chart
from analysis.view.charts.price import price_chart
from analysis.view.charts.scenarios import family_chart, scorecard_chart
from analysis.view.charts.style import png

__all__ = [
    "family_chart",
    "history_chart",
    "leadership_chart",
    "png",
    "price_chart",
    "real_motion_chart",
    "relative_performance_chart",
    "scorecard_chart",
]
