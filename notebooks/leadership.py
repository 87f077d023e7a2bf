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
# # Research: Leadership
#
# The notebook behind the piece's Leadership chart. Change a parameter below (the
# benchmark, a window, the band width) and run all cells; every number comes from
# `analysis.view.research.leadership` (this notebook only calls it and shows the result).

# %% tags=["parameters"]
ticker: str = "IWM"  # symbol to study (Yahoo spelling: IWM, QQQ, ^RUT, BTC-USD)
benchmark: str = "SPY"  # leadership is the ticker's strength relative to this symbol
as_of: str = ""  # ISO date (YYYY-MM-DD) to study as of; empty for the latest session
source: str = "snapshot"  # price data: snapshot (bundled), local, cache, yahoo or auto
fast: int = 50  # sessions in Leadership's own fast average and in its band
slow: int = 200  # sessions in the norm: the average of the ratio Leadership is measured from
band_width: float = 2.0  # band half-width in standard deviations of Leadership
years: int = 10  # years of history the chart draws; 0 for all of it
rows: int = 10  # rows in the recent tables

# %%
from analysis.params import parameters
from analysis.view.research.leadership import LeadershipResearch

research = LeadershipResearch.build(**parameters(globals()))

# %%
research.header()

# %% [markdown]
# ## How Leadership is computed
#
# On the sessions both series trade:
#
# * `ratio = close / close_benchmark`, the relative-strength line;
# * `Leadership = 100 × (ratio / SMA_slow(ratio) − 1)`: zero when the ratio is at its
#   `slow`-session norm, above zero when the ticker leads, below when it lags;
# * `fast line = SMA_fast(Leadership)`; `band = fast line ± band_width × std_fast(Leadership)`.
#
# Signals: crossing zero (taking or losing the lead) and leaving the band (a strong move
# either way). This is a public, transparent stand-in for MarketGauge's proprietary Triple
# Play Leadership indicator (`analysis/indicators/leadership.py`).

# %%
research.state()

# %%
research.chart()

# %%
research.signals()

# %%
research.recent()
