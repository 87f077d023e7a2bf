"""Kenneth French's Data Library: the monthly loaders (factors, size and size/value portfolios).

Each reads one file of the bundle (``analysis/data/research/``) through a
:class:`~analysis.data.monthly.ResearchData`, which also downloads it from French's site when
asked (:mod:`analysis.data.french_files`: his zip files, their format and their parser).
"""

from __future__ import annotations

import pandas as pd

from analysis.data import monthly


def _load(name: str, source: str | monthly.ResearchData) -> pd.DataFrame:
    store = source if isinstance(source, monthly.ResearchData) else monthly.ResearchData(source)
    return store.frame(name)


def factors(source: str | monthly.ResearchData = "bundled") -> pd.DataFrame:
    """Fama/French 3 factors, monthly: ``Mkt-RF, SMB, HML, RF`` in percent per month, since 1926-07."""
    return _load("ff_factors_monthly", source)


def size_portfolios(source: str | monthly.ResearchData = "bundled") -> pd.DataFrame:
    """Value-weighted returns of portfolios formed on size (``Lo 10`` ... ``Hi 10`` deciles and
    the 30/40/30 and quintile splits), percent per month."""
    return _load("me_portfolios_monthly", source)


def six_portfolios(source: str | monthly.ResearchData = "bundled") -> pd.DataFrame:
    """Value-weighted returns of the six size/book-to-market portfolios (``SMALL LoBM`` ... ``BIG HiBM``), percent per month."""
    return _load("six_portfolios_monthly", source)


def six_book_to_market(source: str | monthly.ResearchData = "bundled") -> pd.DataFrame:
    """Value-weighted average BE/ME of the six portfolios (book equity of fiscal year t-1 over
    December t-1 market equity, French's sort variable), a ratio, monthly."""
    return _load("six_portfolios_bm", source)
