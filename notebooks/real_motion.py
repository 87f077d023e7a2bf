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
# # Research: Real Motion
#
# The notebook behind the piece's Real Motion chart. Change a parameter below (a window,
# the band width, the date) and run all cells; every number comes from
# `analysis.view.research.real_motion` (this notebook only calls it and shows the result).

# %% tags=["parameters"]
ticker: str = "IWM"  # symbol to study (Yahoo spelling: IWM, QQQ, ^RUT, BTC-USD)
benchmark: str = "SPY"  # the piece's benchmark (Real Motion reads the ticker alone; kept for the links)
as_of: str = ""  # ISO date (YYYY-MM-DD) to study as of; empty for the latest session
source: str = "snapshot"  # price data: snapshot (bundled), local, cache, yahoo or auto
fast: int = 50  # sessions in Real Motion's own fast average and in its band
slow: int = 200  # sessions in the price average Real Motion is measured from, and in its slow average
band_width: float = 2.0  # band half-width in standard deviations of Real Motion
rm_years: int = 5  # years of history the chart draws; 0 for all of it
rows: int = 10  # rows in the recent tables

# %%
from analysis.params import parameters
from analysis.view.research.real_motion import RealMotionResearch

research = RealMotionResearch.build(**parameters(globals()))

# %%
research.header()

# %% [markdown]
# ## How Real Motion is computed
#
# * `RM = 100 × (close / SMA_slow(close) − 1)`: how far, in percent, the close is above (+)
#   or below (−) its `slow`-session average (the 200-DMA);
# * `fast line = SMA_fast(RM)`: Real Motion's own 50-DMA; `slow line = SMA_slow(RM)`;
# * `band = fast line ± band_width × std_fast(RM)` (population standard deviation).
#
# Signals: RM crossing its fast line (momentum turning up or down), and RM closing back
# inside its band after a close outside it (a snap-back). This is a public, transparent
# stand-in for MarketGauge's proprietary Real Motion indicator (`analysis/indicators/real_motion.py`).

# %%
research.state()

# %%
research.chart()

# %%
research.signals()

# %%
research.recent()
