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
# # Research: phases
#
# The notebook behind the piece's price chart. Change a parameter below (a window, the
# date, the ticker) and run all cells; every number comes from `analysis.view.research.phase`
# (this notebook only calls it and shows the result). `make research` runs it for the
# piece's ticker and date into `reports/<as-of>/research/`.

# %% tags=["parameters"]
ticker: str = "IWM"  # symbol to study (Yahoo spelling: IWM, QQQ, ^RUT, BTC-USD)
benchmark: str = "SPY"  # the piece's benchmark (phases read the ticker alone; kept for the links)
as_of: str = ""  # ISO date (YYYY-MM-DD) to study as of; empty for the latest session
source: str = "snapshot"  # price data: snapshot (bundled), local, cache, yahoo or auto
fast: int = 50  # sessions in the fast moving average (the 50-DMA)
slow: int = 200  # sessions in the slow moving average (the 200-DMA)
horizon: int = 20  # sessions ahead for the forward return in the phase statistics
years: int = 10  # years of history the chart draws; 0 for all of it
rows: int = 10  # rows in the recent tables

# %%
from analysis.params import parameters
from analysis.view.research.phase import PhaseResearch

research = PhaseResearch.build(**parameters(globals()))

# %%
research.header()

# %% [markdown]
# ## How the phase is read
#
# With P the close, F its `fast`-session simple moving average (the 50-DMA) and S its
# `slow`-session average (the 200-DMA), every session falls in exactly one of six phases:
#
# | averages | close | phase |
# |---|---|---|
# | F ≥ S | P > F | **bullish** |
# | F ≥ S | S ≤ P ≤ F | **warning** (the commentary's "caution") |
# | F ≥ S | P < S | **distribution** |
# | F < S | P < F | **bearish** |
# | F < S | F ≤ P < S | **recovery** |
# | F < S | P ≥ S | **accumulation** |
#
# `SMA_n(P)` is the mean of the last n closes, today's included; the phase is unknown until
# S exists. These are public, transparent stand-ins for MarketGauge's proprietary market
# phases, computed from daily closes only (`analysis/indicators/phase.py`,
# `docs/indicators.md`).

# %%
research.state()

# %%
research.chart()

# %%
research.runs()

# %%
research.stats()

# %%
research.recent()
