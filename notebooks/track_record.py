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
# # Research: how this call has done
#
# The notebook behind the piece's "How this call has done" section. Change a parameter below
# (a window, the horizons) and run all cells; every number comes from
# `analysis.view.research.track_record`, which calls the piece's own `analysis.model.track_record.record`.

# %% tags=["parameters"]
ticker: str = "IWM"  # symbol to study (Yahoo spelling: IWM, QQQ, ^RUT, BTC-USD)
benchmark: str = "SPY"  # Leadership, which the call reads, is measured against this symbol
as_of: str = ""  # ISO date (YYYY-MM-DD) to study as of; empty for the latest session
source: str = "snapshot"  # price data: snapshot (bundled), local, cache, yahoo or auto
fast: int = 50  # sessions in the fast averages (the 50-DMA, and those of Real Motion and Leadership)
slow: int = 200  # sessions in the slow averages (the 200-DMA and the norms)
band_width: float = 2.0  # band half-width in standard deviations (Real Motion's and Leadership's bands)
track_horizons: str = "20 60"  # sessions ahead at which what followed a call is measured, separated by spaces
track_years: int = 0  # years of history the chart draws; 0 for the whole record
min_n: int = 10  # fewer counted windows than this are marked too few to read
rows: int = 10  # rows in the table of the call's latest changes

# %%
from analysis.params import parameters
from analysis.view.research.track_record import TrackRecordResearch

research = TrackRecordResearch.build(**parameters(globals()))

# %%
research.header()

# %% [markdown]
# ## How the record is made
#
# * **The replay.** The piece's call rule (`analysis/model/call.py`: the phase, the close
#   against both averages, Real Motion against its fast line, the sign of Leadership where the
#   profile shows it) is applied to every past session at once, each from the data up to that
#   session: the indicators are rolling windows over earlier rows only.
# * **What is graded.** What the holder holds: the ticker's own return (and relative to the
#   benchmark); for a volatility index, whose call is for stocks, the benchmark's total return;
#   for a yield, whose call is for bond holders, the change in the yield in basis points (a rise
#   is a loss).
# * **Windows without overlap.** Per call and horizon `h`, a session counts only `h` sessions
#   after the last one counted: neighbouring sessions share most of their window and would count
#   the same weeks many times. The 90% intervals resample the counted windows (2,000 times, fixed
#   seed); "no edge" when the interval of the difference from any session spans zero.
# * **The reader's alternative.** Faber's rule in daily form: hold while the graded close is
#   above its 200-session average (a yield: below it), graded the same way.
#
# The indicators the call reads are public, transparent stand-ins for MarketGauge's
# proprietary phases, Real Motion and Triple Play Leadership (`docs/indicators.md`). This is
# what happened before, not a forecast.

# %%
research.verdict()

# %%
research.tables()

# %%
research.chart()

# %%
research.by_year()

# %%
research.changes()
