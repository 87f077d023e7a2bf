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
# # Research: what history says
#
# The notebook behind the piece's "What history says" section. Change a parameter below
# (the horizons, the confirmation count, a window) and run all cells; every number comes
# from `analysis.view.research.history`, which calls the piece's own `analysis.model.events.event_study`.

# %% tags=["parameters"]
ticker: str = "IWM"  # symbol to study (Yahoo spelling: IWM, QQQ, ^RUT, BTC-USD)
benchmark: str = "SPY"  # Leadership triggers are measured against this symbol
as_of: str = ""  # ISO date (YYYY-MM-DD) to study as of; empty for the latest session
source: str = "snapshot"  # price data: snapshot (bundled), local, cache, yahoo or auto
confirm_n: int = 2  # consecutive closes above the fast average that make the confirmation trigger
fast: int = 50  # sessions in the fast averages (the 50-DMA, and those of Real Motion and Leadership)
slow: int = 200  # sessions in the slow averages (the 200-DMA and the norms)
band_width: float = 2.0  # band half-width in standard deviations (Real Motion and Leadership)
level_window: int = 22  # sessions looked back for the level a close must clear
horizon: int = 20  # the horizon the bar chart shows
horizons: str = "5 20 60"  # sessions ahead at which returns are measured, separated by spaces
min_n: int = 10  # fewer counted occurrences than this are marked too few to read
years: int = 10  # years of history the occurrences chart draws; 0 for all of it
rows: int = 10  # rows in the recent table

# %%
from analysis.params import parameters
from analysis.view.research.history import HistoryResearch

research = HistoryResearch.build(**parameters(globals()))

# %%
research.header()

# %% [markdown]
# ## How the event study works
#
# For each trigger the piece names (and its bearish mirror), every session it fired on up
# to the as-of date, and the total return `h` sessions later:
# `r_h(t) = adj_close[t + h] / adj_close[t] − 1`. Against it, the baseline: the same return
# from every session of the same history.
#
# * A trigger is an event, not a state: it fires on the session a condition starts to hold
#   (e.g. Real Motion crossing above its fast line), not on the sessions it persists.
# * Overlap rule, per horizon: an occurrence counts only if it is at least `h` sessions after
#   the last counted one, so counted windows never overlap.
# * An occurrence whose window reaches past the as-of date is listed but not counted (no
#   look-ahead); fewer than `min_n` counted occurrences are too few to read.
#
# The triggers read the public stand-ins for MarketGauge's proprietary phases, Real Motion
# and Triple Play Leadership. Definitions: `docs/history.md`. This is what happened before,
# not a forecast.

# %%
research.table()

# %%
research.chart()

# %%
research.chart_occurrences()

# %%
research.recent()
