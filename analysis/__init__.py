"""Market-momentum commentary: data, indicators, narrative, charts and rendering.

The package is the only place logic lives; the notebooks in ``notebooks/`` call it.
Data flows one way::

    parameters -> price frames (analysis.data) -> indicator series (analysis.indicators)
    -> summary (analysis.model.facts) -> narrative / charts / scenarios -> notebook -> HTML, PDF, JSON
"""

__version__ = "0.1.0"
