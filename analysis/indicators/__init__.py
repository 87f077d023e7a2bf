"""Indicators: pure functions, a Series or DataFrame in, a Series or DataFrame out.

Every docstring states its formula, window and NaN policy; ``docs/indicators.md`` collects
them with a chart of each. Windows count sessions; standard deviations are population
(ddof=0), as in Bollinger's definition. Price indicators use ``close``; returns use
``adj_close``. No function looks past the last row it is given, so an indicator at an as-of
date is computed from data up to that session only.
"""

from analysis.indicators.leadership import leadership
from analysis.indicators.moving import bands, rolling_std, sma
from analysis.indicators.phase import PHASES, classify, phase_runs, phase_since
from analysis.indicators.real_motion import divergence, last_as_far, mean_reversion, real_motion, stretch
from analysis.indicators.returns import SPANS, daily_returns, span_start, total_return
from analysis.indicators.triggers import consecutive_above, last_run_completed, last_true, level_to_clear

__all__ = [
    "PHASES",
    "SPANS",
    "bands",
    "classify",
    "consecutive_above",
    "daily_returns",
    "divergence",
    "last_run_completed",
    "last_true",
    "leadership",
    "level_to_clear",
    "mean_reversion",
    "phase_runs",
    "phase_since",
    "last_as_far",
    "real_motion",
    "stretch",
    "rolling_std",
    "sma",
    "span_start",
    "total_return",
]
