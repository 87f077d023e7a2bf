# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (momentum-report)
#     language: python
#     name: momentum-report
# ---

# %% [markdown] tags=["remove"]
# # Research: the scenario scorecard
#
# The notebook behind the piece's scorecard and Economic Modern Family. Change a parameter
# below (the date, how often the history is sampled, a scenarios file of your own) and run
# all cells; every number comes from `analysis.view.research.scorecard`, which calls the piece's
# own `analysis.evidence`. Thresholds and weights are data: edit
# `analysis/config/scenarios.toml` (or a copy given as `scenarios_file`) and run again.

# %% tags=["parameters"]
ticker: str = "IWM"  # symbol the scenarios are about (Yahoo spelling: IWM, QQQ, ^RUT, BTC-USD)
benchmark: str = "SPY"  # the benchmark the scenarios compare it with
as_of: str = ""  # ISO date (YYYY-MM-DD) to score as of; empty for the latest session
source: str = "snapshot"  # price data: snapshot (bundled), local, cache, yahoo or auto
slow: int = 200  # sessions in the slow moving average (the 200-DMA)
score_years: int = 3  # years of scorecard history the chart draws; 0 for all of it
rows: int = 10  # rows in the history table
step: int = 21  # sessions between two scorecards of that history (21 is about a month)
scenarios_file: str = ""  # a scenarios TOML file of your own, relative to the project folder; empty for the piece's own set

# %%
from analysis.params import parameters
from analysis.view.research.scorecard import ScorecardResearch

research = ScorecardResearch.build(**parameters(globals()))

# %%
research.header()

# %% [markdown]
# ## How a scenario is scored
#
# Each scenario (a talking point of the commentary) lists evidence items. An item measures
# one thing in the prices (a relative return, a Leadership-style trend, a percentile, a
# z-score of Real Motion, the balance of phases across tickers, a spread), and its two
# thresholds read the value as **supports**, **contradicts** or **neutral**; an item whose
# data is missing or stale is **unavailable**. Then
#
# `score = (supporting weight − contradicting weight) / weight measured`, from −1 to +1,
#
# and the verdict follows the cut-offs below; with less than half the weight measured it is
# "not enough evidence". The indicators are the public stand-ins for MarketGauge's
# proprietary phases, Real Motion and Triple Play Leadership. Every function, formula and
# threshold: `docs/scenarios.md`. A score is an evidence tally, not a forecast.

# %%
research.setup()

# %%
research.scorecard()

# %%
research.chart()

# %%
research.chart_history()

# %%
research.history_table()

# %% [markdown]
# ## The Economic Modern Family
#
# The members of `analysis/config/family.toml`, each read with the same indicators on its
# own data up to the as-of date (a stale member is shown at its last session and marked).

# %%
research.family()

# %%
research.chart_family()
