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
# # Research: the economy
#
# The notebook behind the piece's economy section and its recession talking point. Change a
# parameter below (the date, the inversion length, the horizons) and run all cells; every
# number comes from `analysis.view.research.macro`, which reads `analysis.model.macro`.

# %% tags=["parameters"]
ticker: str = "IWM"  # symbol whose forward returns the event study measures (Yahoo spelling)
benchmark: str = "SPY"  # the piece's benchmark (kept for the links and the header)
as_of: str = ""  # ISO date (YYYY-MM-DD) to study as of; empty for the latest session
source: str = "snapshot"  # price data: snapshot (bundled), local, cache, yahoo or auto; FRED follows it
macro_horizons: str = "20 60 120"  # sessions ahead at which the ticker's returns are measured, separated by spaces
min_months: int = 3  # inverted months (monthly average below 0) before an un-inversion counts
min_n: int = 10  # fewer un-inversions than this are marked too few to read
years: int = 10  # years the small multiples and the ratio chart draw; 0 for all of it
rows: int = 10  # rows in the recent tables

# %%
from analysis.params import parameters
from analysis.view.research.macro import MacroResearch

research = MacroResearch.build(**parameters(globals()))

# %%
research.header()

# %% [markdown]
# ## What was public, and when
#
# Each FRED observation is dated by the period it measures and counts only from the day it
# was published: Treasury and credit closes the next business day; initial claims (week to
# Saturday) the Thursday after; unemployment and the real-time Sahm indicator on the BLS
# jobs-report day for their month (usually the first Friday of the next); NFCI (week to
# Friday) the Wednesday after. A piece as of session D uses what was public on or before D.
# NBER recession dates (USREC) are set in hindsight, months later: they shade the charts,
# never the evidence. Rules, exceptions and sources: `docs/macro.md`.

# %%
research.readings()

# %% [markdown]
# ## The measures
#
# * **Curve**: T10Y3M, the 10-year minus the 3-month Treasury yield. Inverted when below 0;
#   months inverted = complete calendar months whose average is below 0; it *un-inverts* on
#   the first session above 0 after at least `min_months` such months in a row.
# * **Credit**: the high-yield option-adjusted spread and its change over 3 months.
# * **Claims**: the 4-week average of initial claims against its lowest 4-week average of the
#   last 52 weeks.
# * **Sahm rule**: the real-time indicator (the 3-month average unemployment rate minus its
#   low of the prior 12 months); 0.5 is the rule's trigger.
# * **NFCI**: above 0, financial conditions are tighter than their average since 1971.
#
# These are public, transparent stand-ins for the "recession is coming" talking point's
# evidence, not forecasts.

# %%
research.measures()

# %%
research.chart()

# %%
research.chart_history()

# %% [markdown]
# ## Small caps against the curve, and what followed its un-inversions
#
# The ratio is IWM's total return over SPY's (adjusted closes). Each un-inversion became
# public the next business day; the ticker is entered at that session's close and its total
# return measured `horizons` sessions later, against the same return from any session of its
# history. A handful of events in forty years: read them as history, not as odds.

# %%
research.chart_ratio()

# %%
research.events()
