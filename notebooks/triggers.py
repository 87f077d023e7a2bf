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
# # Research: triggers and relative performance
#
# The notebook behind the piece's "what it needs" section and its long-view chart. Change a
# parameter below (the confirmation count, the level window, a level of your own) and run
# all cells; every number comes from `analysis.view.research.triggers`.

# %% tags=["parameters"]
ticker: str = "IWM"  # symbol to study (Yahoo spelling: IWM, QQQ, ^RUT, BTC-USD)
benchmark: str = "SPY"  # relative performance is measured against this symbol
as_of: str = ""  # ISO date (YYYY-MM-DD) to study as of; empty for the latest session
source: str = "snapshot"  # price data: snapshot (bundled), local, cache, yahoo or auto
level: float = 0.0  # a price level of your own to clear; 0 for the highest close of the window
confirm_n: int = 2  # consecutive closes above that average that confirm a turn
fast: int = 50  # sessions in the moving average the closes must stay above (the 50-DMA)
level_window: int = 22  # sessions looked back for the level to clear (about a month)
trigger_years: int = 2  # years of history the trigger chart draws; 0 for all of it
growth_years: int = 10  # years of the growth-of-one-dollar chart; 0 for all of it
rows: int = 10  # rows in the recent tables

# %%
from analysis.params import parameters
from analysis.view.research.triggers import TriggersResearch

research = TriggersResearch.build(**parameters(globals()))

# %%
research.header()

# %% [markdown]
# ## The triggers
#
# * **n closes above the 50-DMA**: the session on which the count of consecutive closes
#   strictly above `SMA_fast(close)` reaches `confirm_n` (two, in the commentary); its
#   mirror, n closes below, marks a failed turn;
# * **the level to clear**: the highest close of the last `level_window` sessions, today's
#   included (or `level` when you give one). A trigger fires on a close above the highest
#   close of the previous `level_window` sessions, after a session that did not.
#
# Relative performance is total return, dividends reinvested:
# `adj_close[as-of] / adj_close[start] − 1`, where `start` is the last session on or before
# the as-of date minus the span. The triggers are the ones the piece's event study counts
# (`analysis/history.py`). They are plain price rules; the piece reads them beside its
# public stand-ins for MarketGauge's proprietary phases, Real Motion and Triple Play Leadership.

# %%
research.state()

# %%
research.chart()

# %%
research.signals()

# %%
research.recent()

# %% [markdown]
# ## Relative performance

# %%
research.returns()

# %%
research.chart_returns()

# %%
research.chart_growth()
