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
#     display_name: 'Python (momentum-lab: plotly, ipywidgets)'
#     language: python
#     name: momentum-lab
# ---

# %% [markdown] tags=["remove"]
# # Explore: the main charts, interactive, and knobs on sliders
#
# For `make lab`: this notebook runs on the lab's kernel (`momentum-lab`, the report's packages
# plus plotly and ipywidgets), not the report's, and no piece executes it. Its code is
# `analysis/interactive.py`. Change the parameters and run all cells.

# %% tags=["parameters"]
ticker: str = "IWM"  # symbol to study (Yahoo spelling: IWM, QQQ, ^RUT, BTC-USD)
benchmark: str = "SPY"  # Leadership and relative returns are measured against it
as_of: str = ""  # ISO date (YYYY-MM-DD) to study as of; empty for the latest session
source: str = "snapshot"  # price data: snapshot (bundled), local, cache, yahoo or auto

# %% [markdown]
# Price with its 50- and 200-DMA and the phase shaded, Real Motion with its averages and band,
# Leadership with its average, band and zero line: three panels on one time axis. Drag to zoom
# (a box zooms both axes), the buttons for 1, 3, 5 years or all, double-click to reset; the hover
# shows every line's value for the session under the mouse.

# %%
import analysis
from analysis import interactive

frame = analysis.study(ticker, as_of, benchmark=benchmark, source=source)
interactive.charts(frame, years=10)

# %% [markdown]
# What the hover shows on the last session, by the study's column:

# %%
interactive.last_values(interactive.chart_spec(frame), frame.attrs["as_of"])

# %% [markdown]
# The same charts and the Real Motion notebook's reading, built again whenever a slider moves
# (`view="leadership"` or `"phase"` for theirs; `knobs=("fast", "slow", "band_width",
# "confirm_n")`). A combination the table refuses (a fast average not shorter than the slow one)
# says so in one line.

# %%
interactive.explorer(ticker, as_of, benchmark=benchmark, source=source, view="real_motion")
