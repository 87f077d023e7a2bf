"""Robert Shiller's S&P Composite data (``ie_data.xls``), monthly since 1871: CAPE and its inputs.

Only the bundled copy is read: Shiller publishes an ``.xls`` workbook, and reading it needs
xlrd, which is not a dependency (nor worth one for a file that changes once a month), so no
live route is kept. In ``auto`` or ``live`` mode the
frame carries a note saying the bundled copy was used.

Columns (``analysis/data/research/SOURCES.md``): ``SP_Price`` (the month's average close),
``Dividend``, ``Earnings``, ``CPI``, ``GS10``, ``CAPE`` (real price over the 10-year average
of real earnings; empty before 1881-01) and ``TR_CAPE``. A month's row averages that month's
closes, so month M is public only once it has ended (lag: from the 1st of M+1).
"""

from __future__ import annotations

import pandas as pd

from analysis.data import monthly

NAME = "shiller_cape"


def cape(source: str | monthly.ResearchData = "bundled") -> pd.DataFrame:
    """Shiller's monthly frame (all columns); ``frame["CAPE"].dropna()`` is the CAPE since 1881-01."""
    store = source if isinstance(source, monthly.ResearchData) else monthly.ResearchData(source)
    return store.frame(NAME)
