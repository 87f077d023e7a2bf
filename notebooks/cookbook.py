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
# # Cookbook: research questions through the API
#
# Each question below takes a few lines of `analysis` (the research API, `analysis/api.py`; its
# reference: `make docs`). Everything is a pandas DataFrame or a matplotlib Figure, computed by
# the code the pieces use, on data up to the as-of session only. Change the parameters and run
# all cells; in `make lab` this notebook is a working copy in `notebooks/scratch/`.

# %% tags=["parameters"]
ticker: str = "IWM"  # symbol to study (Yahoo spelling: IWM, QQQ, ^RUT, BTC-USD)
benchmark: str = "SPY"  # Leadership and relative returns are measured against it
as_of: str = ""  # ISO date (YYYY-MM-DD) to study as of; empty for the latest session
source: str = "snapshot"  # price data: snapshot (bundled), local, cache, yahoo or auto

# %% [markdown]
# Every indicator series of the ticker, one row a session (`analysis.study`; knobs such as
# `fast=20` change the windows, as `make report FAST=20` does). Charts come back as matplotlib
# Figures; the first cell has the notebook show them.

# %%
from matplotlib_inline.backend_inline import set_matplotlib_formats

import analysis

set_matplotlib_formats("png")  # a matplotlib Figure returned by a cell shows as a picture
frame = analysis.study(ticker, as_of, benchmark=benchmark, source=source)
frame[["close", "sma_fast", "sma_slow", "phase", "rm", "rm_fast", "lead"]].tail(3)

# %% [markdown]
# ## 1. How did Real Motion behave around the last ten turns to a bullish phase?
#
# A turn is a session whose phase is bullish after one that was not (`analysis.onsets`);
# `analysis.event_window` takes Real Motion from 20 sessions before to 20 after each.

# %%
turns = analysis.onsets(frame["phase"] == "bullish")[-10:]
around = analysis.event_window(frame["rm"], turns, k=20)
around[[-20, -10, -5, 0, 5, 10, 20]].round(2)

# %%
analysis.window_chart(around, title=f"{ticker}: Real Motion around its last ten turns to bullish", ylabel="Real Motion")

# %% [markdown]
# The median path, relative to the turn's session (how far Real Motion had risen into the turn,
# and what it did after):

# %%
around.sub(around[0], axis=0).median()[[-20, -10, -5, 5, 10, 20]].round(2)

# %% [markdown]
# ## 2. What followed every turn to a bullish phase, against any session?
#
# `analysis.event_study` is the piece's event study for any condition: per horizon the median
# total return after the events (windows complete, not overlapping), the same for any session,
# and the edge with its bootstrap 90% interval.

# %%
every_turn = analysis.onsets(frame["phase"] == "bullish")
analysis.event_study(every_turn, frame=frame)[["n", "median", "hit_rate", "baseline_median", "edge_low", "edge_high", "verdict"]]

# %% [markdown]
# ## 3. Does a faster average change what the triggers' record says?
#
# The piece's "What history says" at 20 sessions, with the 50-DMA and with a 20-DMA (`fast=20`).

# %%
columns = ["trigger", "n", "median", "verdict"]
usual = analysis.history(ticker, as_of, benchmark=benchmark, source=source).xs(20, level="horizon")[columns]
faster = analysis.history(ticker, as_of, benchmark=benchmark, source=source, fast=20).xs(20, level="horizon")[columns]
usual.join(faster.drop(columns="trigger"), rsuffix=" (fast 20)")

# %% [markdown]
# ## 4. Which talking points does the piece weigh, and how?
#
# The piece's own scenario set for this ticker, one row per evidence item (`analysis.scorecard`).

# %%
card = analysis.scorecard(ticker, as_of, benchmark=benchmark, source=source)
card.groupby("title", sort=False)[["score", "verdict"]].first()

# %% [markdown]
# ## 5. Daily returns for another tool
#
# `analysis.returns` gives total daily returns of the ticker and its benchmark, a column each
# (the shape quantstats and vectorbt take); `analysis.export(daily, "my.csv")` writes any frame.

# %%
daily = analysis.returns(frame)
daily.tail(250).agg(["mean", "std"]).mul(252 ** 0.5).round(3)
