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
# # Momentum commentary
#
# The piece behind `make report`. Change a parameter below and run all cells; every number
# and sentence comes from `analysis` (this notebook only calls it and shows the result).
# `piece.summary` holds everything the piece says, as in the published JSON.

# %% tags=["parameters"]
ticker: str = "IWM"  # symbol to write about (Yahoo spelling: IWM, QQQ, ^RUT, BTC-USD)
benchmark: str = "SPY"  # leadership and relative returns are measured against it
as_of: str = ""  # ISO date (YYYY-MM-DD) the piece is written as of; empty for the latest session
source: str = "snapshot"  # price data: snapshot (bundled), local, cache, yahoo or auto
level: float = 0.0  # price the ticker needs to clear; 0 for its highest close of the last 22 sessions
confirm_n: int = 2  # consecutive closes above the 50-DMA that confirm a turn
fast: int = 50  # sessions in the fast moving average (the 50-DMA)
slow: int = 200  # sessions in the slow moving average (the 200-DMA)
band_width: float = 2.0  # band half-width in standard deviations (Real Motion and Leadership)
level_window: int = 22  # sessions looked back for the level a close must clear
scenarios_file: str = ""  # a scenarios TOML file of your own, relative to the project folder; empty for the piece's own set
source_note: str = ""  # set by the runner: why the auto source fell back to local data
appendices: bool = False  # set by the runner: the research appendices are written beside this piece

# %%
from analysis.params import parameters
from analysis.view.piece import Piece

piece = Piece.build(**parameters(globals()), draw_ahead=True)

# %% tags=["brief-chart"]
piece.front_page()

# %%
piece.evidence_heading()

# %%
piece.price_section()

# %%
piece.momentum_section()

# %%
piece.leadership_section()

# %%
piece.needs_section()

# %%
piece.since_section()

# %%
piece.performance_section()

# %%
piece.chart_performance()

# %%
piece.century_section()

# %%
piece.economy_section()

# %%
piece.scenarios_section()

# %%
piece.scenario_tables()

# %%
piece.family_section()

# %%
piece.chart_family()

# %%
piece.history_section()

# %%
piece.chart_history()

# %%
piece.track_section()

# %%
piece.chart_track()

# %%
piece.appendices()

# %%
piece.method_note()

# %%
piece.footer()

# %% tags=["summary"]
piece.summary_output()
