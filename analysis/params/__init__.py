"""The parameters a user sets, declared once: the table, their validation, the request.

* :mod:`.checks`: validators (:func:`ticker`, :func:`as_of`, :func:`level` ...) return the clean
  value or raise :class:`~analysis.errors.InputError` naming the bad value and how to fix it;
  and :func:`stem`, the file-name rule of a piece;
* :mod:`.table`: :data:`PARAMETERS`, the one table of every parameter (name, type, default,
  help, validator, make variable, file tag): the command line's options, ``make help``, the
  notebooks' parameters cells (``tests/test_params.py``) and :class:`Knobs` derive from it;
* :mod:`.request`: :class:`Knobs` (every knob, validated), :class:`Settings` (a study's knobs)
  and :class:`Request` (one validated piece, and exactly what the runner injects);
* :mod:`.options`: the ``argparse`` wiring and ``make help``'s list; :mod:`.durations`: the
  timeouts in the environment.

Adding a parameter is one :class:`Parameter` row in :mod:`.table` (and, for a knob, one
:class:`Knobs` field) plus its use. Nothing here touches data or disk, and only the standard
library is imported (``make help`` runs it bare).
"""

from __future__ import annotations

from analysis.params.checks import (
    DEFAULT_BENCHMARK,
    SELF_BENCHMARK,
    SOURCES,
    TICKER_MAX,
    TICKER_PATTERN,
    as_of,
    benchmark,
    benchmark_note,
    default_benchmark,
    file_stem,
    horizons,
    level,
    positive_float,
    positive_int,
    scenarios_file,
    shown,
    source,
    stem,
    ticker,
    tickers,
)
from analysis.params.durations import DURATIONS, MAX_SECONDS, check_environment, offline, seconds
from analysis.params.options import add_arguments, help_table, jobs, knob_values, request
from analysis.params.request import Knobs, Request, Settings
from analysis.params.table import (
    BY_NAME,
    COMMAND_LINE,
    CONFIRM_MAX,
    CONFIRM_WHY,
    KNOBS,
    PARAMETERS,
    PIECE_PARAMETERS,
    Parameter,
    notebook_cell,
    parameters,
)

__all__ = [
    "BY_NAME",
    "COMMAND_LINE",
    "CONFIRM_MAX",
    "CONFIRM_WHY",
    "DEFAULT_BENCHMARK",
    "DURATIONS",
    "KNOBS",
    "MAX_SECONDS",
    "PARAMETERS",
    "PIECE_PARAMETERS",
    "SELF_BENCHMARK",
    "SOURCES",
    "TICKER_MAX",
    "TICKER_PATTERN",
    "Knobs",
    "Parameter",
    "Request",
    "Settings",
    "add_arguments",
    "as_of",
    "benchmark",
    "benchmark_note",
    "check_environment",
    "offline",
    "default_benchmark",
    "file_stem",
    "help_table",
    "horizons",
    "jobs",
    "knob_values",
    "level",
    "notebook_cell",
    "parameters",
    "positive_float",
    "positive_int",
    "request",
    "scenarios_file",
    "seconds",
    "shown",
    "source",
    "stem",
    "ticker",
    "tickers",
]
