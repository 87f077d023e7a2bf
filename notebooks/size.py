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
# # Research: a century of small versus big
#
# The notebook behind the piece's size-premium chart. Change a parameter below (the window,
# the date) and run all cells; every number comes from `analysis.view.research.size` and
# `analysis.model.century` (this notebook only calls them and shows the result). `make research`
# runs it for the piece's date into `reports/<as-of>/research/`.

# %% tags=["parameters"]
ticker: str = "IWM"  # the piece this appendix belongs to (French's and Shiller's data do not depend on it)
benchmark: str = "SPY"  # the piece's benchmark (kept for the links)
as_of: str = ""  # ISO date (YYYY-MM-DD); only months public that day are used; empty for the newest data
source: str = "snapshot"  # the piece's price source; snapshot reads the bundled research files
months: int = 120  # months in a window of the size premium (120 months: ten years)
ahead: int = 60  # months after a similar window whose SMB is compounded (60 months: five years)

# %%
from analysis.params import parameters
from analysis.view.research.size import SizeResearch

research = SizeResearch.build(**parameters(globals()))

# %%
research.header()

# %% [markdown]
# ## How it is measured
#
# **The size premium** is Fama and French's SMB, *small minus big*: each month, the mean return
# of three portfolios of small stocks (growth, neutral, value) minus the mean return of the three
# big ones, in percent. Over a window of `months` months ending in month t it compounds to
# `prod(1 + SMB/100) − 1`. Its *percentile* is the share of all such windows ending at or before
# t (the first ends in June 1936) that are at or below it. SMB is French's stand-in for small
# caps against large caps: it is not IWM against SPY (the Russell 2000 and the S&P 500 are other
# lists of stocks, with fees), but it reaches back to 1926.
#
# **The valuation spread** is the mean book-to-market (book equity over market equity) of the
# three small portfolios divided by that of the three big ones. Above 1, small stocks carry more
# book per dollar of price; a high percentile since 1926 means small caps are cheap against big
# ones by history, a middling one that they are not.
#
# **CAPE** is Shiller's price of the S&P Composite over its average real earnings of ten years.
#
# **After similar decades**: earlier windows in the same decile as today's, taken without overlap
# (in date order, each at least a window after the last), and SMB compounded over the `ahead`
# months after each, when those months were public. Fewer than three is "too few episodes".
#
# French posts a month about six weeks after it ends: month M is used from the 15th of M+2.
# Shiller's row averages a month's closes: month M is used once it has ended. The formulas are
# in `docs/century.md`, the data's provenance in `analysis/data/research/SOURCES.md`.

# %%
research.glance()

# %% [markdown]
# ## Growth of $1 by size decile

# %%
research.growth_chart()

# %%
research.growth_table()

# %% [markdown]
# ## Every 10-year window of the size premium

# %%
research.premium_chart()

# %%
research.windows_table()

# %% [markdown]
# ## The valuation spread

# %%
research.valuation_chart()

# %%
research.valuation_table()

# %% [markdown]
# ## What followed similar decades

# %%
research.forward_table()

# %% [markdown]
# ## Vintages
#
# The factor file and the portfolio files are different vintages of French's data (he revises
# history when CRSP and Compustat do). SMB rebuilt from the six portfolios shows how much that
# moves the size premium.

# %%
research.vintage_check()
