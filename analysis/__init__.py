"""Market-momentum commentary: data, indicators, narrative, charts and rendering.

The package is the only place logic lives; the notebooks in ``notebooks/`` call it.
Data flows one way::

    parameters -> price frames (analysis.data) -> indicator series (analysis.indicators)
    -> summary (analysis.model.facts) -> narrative / charts / scenarios -> notebook -> HTML, PDF, JSON

For research, the functions of :mod:`analysis.api` are here at the top level
(``analysis.study("IWM")``, ``analysis.event_study(...)``); they are imported when first used,
so ``import analysis`` (and ``make help``, which runs on a bare Python) stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: The research API (:mod:`analysis.api`), re-exported here on first use.
API = (
    "event_study",
    "event_window",
    "export",
    "history",
    "onsets",
    "phase_runs",
    "reading",
    "research",
    "returns",
    "scorecard",
    "signals_of",
    "study",
    "window_chart",
)
__all__ = ["API", "__version__", *API]


def __getattr__(name: str) -> Any:
    """``analysis.study`` and the rest of :data:`API`, imported from :mod:`analysis.api` on first use.

    By name (``importlib``), so the package itself depends on no stage: a stage that imports
    ``analysis`` (for ``__version__``) does not import the API above it (``make lint``'s contracts)."""
    if name in API:
        return getattr(importlib.import_module("analysis.api"), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
