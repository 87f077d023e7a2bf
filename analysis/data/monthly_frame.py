"""The monthly frame's contract: the manifest of the research files and the validation every copy passes.

Every copy of a research file, bundled, cached or downloaded (:mod:`analysis.data.monthly`,
:mod:`analysis.data.french_files`), becomes a monthly frame through :func:`from_table`, with the
facts ``manifest.toml`` gives its name (:func:`entry`). The frame itself is described in
:mod:`analysis.data.monthly`.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

from analysis.data import manifests
from analysis.errors import DataError, InputError
from analysis.paths import PACKAGE_DIR

RESEARCH_DIR = PACKAGE_DIR / "data" / "research"
#: French's missing-data markers; they become NaN.
MISSING = ("-99.99", "-999", "-999.0", "-99.990")
#: The values a column can take, with room to spare, by file (``"*"``: every column not named).
#: A return is never below -100% a month; French's own extremes are -35% and +121% (the
#: smallest decile, 1933), Shiller's CAPE 4.8..44. A value outside is a corrupt copy.
PLAUSIBLE = {
    "ff_factors_monthly": {"*": (-100.0, 1000.0)},
    "me_portfolios_monthly": {"*": (-100.0, 1000.0)},
    "six_portfolios_monthly": {"*": (-100.0, 1000.0)},
    "six_portfolios_bm": {"*": (0.0, 1000.0)},
    "shiller_cape": {
        "SP_Price": (0.0, 1e6),
        "Dividend": (0.0, 1e5),
        "Earnings": (-1e5, 1e5),
        "CPI": (0.0, 1e5),
        "GS10": (-5.0, 30.0),
        "CAPE": (0.5, 200.0),
        "TR_CAPE": (0.5, 200.0),
    },
}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@functools.cache
def manifest() -> dict:
    """The parsed ``manifest.toml``: ``{"files": {name: {title, units, lag_months, ...}}}``."""
    restore = "Restore it with `git checkout -- analysis/data/research`."
    return manifests.load(
        RESEARCH_DIR / "manifest.toml",
        restore,
        lambda found: manifests.tables_with(found.get("files"), "sha256", "files"),
    )


def names() -> list[str]:
    """The bundled files' names, e.g. ``['ff_factors_monthly', ..., 'shiller_cape']``."""
    return list(manifest()["files"])


def entry(name: str) -> dict:
    """The manifest's entry for ``name``; :class:`InputError` for a file that is not bundled."""
    files = manifest()["files"]
    if name not in files:
        raise InputError(f"no research file is called {name!r}.", f"Use one of: {', '.join(files)}.")
    return files[name]


def _months(column: pd.Series, where: str, hint: str) -> pd.PeriodIndex:
    """The ``Date`` column as months: each ``YYYY-MM``, ascending, with no gap or repeat."""
    dates = column.astype(str).str.strip()
    for i, text in enumerate(dates):
        if not _MONTH.match(text):
            raise DataError(f"{where} line {i + 2}: date {text!r} is not a month (YYYY-MM).", hint)
    index = pd.PeriodIndex(dates, freq="M", name="month")
    steps = np.diff(index.asi8)
    if len(steps) and (steps != 1).any():
        i = int(np.flatnonzero(steps != 1)[0]) + 1
        what = "repeats or goes back" if steps[i - 1] < 1 else f"skips {steps[i - 1] - 1} month(s)"
        raise DataError(f"{where} line {i + 2} ({index[i]}): the month {what} after {index[i - 1]}.", hint)
    return index


def from_table(table: pd.DataFrame, *, name: str, where: str, hint: str) -> pd.DataFrame:
    """Validate a table of strings (``Date`` column ``YYYY-MM``, then the data columns) into a monthly frame.

    Checks, each failure a one-line :class:`DataError` naming ``where``, the CSV line (the
    header is line 1), the month and the fix (``hint``): the manifest's ``required`` columns
    exist; every date is ``YYYY-MM``, ascending, with no gap or repeat; every cell is a number,
    empty, or one of French's missing markers (-99.99, -999), which become NaN; no
    ``required`` cell is missing; every value lies in its column's :data:`PLAUSIBLE` range. Provenance attrs are set from the manifest (``source`` and
    ``source_detail`` are the caller's). For a section cut from one of French's zips the line is
    the table's, not the file's; the month locates the row.
    """
    e = entry(name)
    missing = [c for c in e["required"] if c not in table.columns]
    if "Date" not in table.columns or missing:
        found = ", ".join(map(str, table.columns))
        raise DataError(
            f"{where}: columns {', '.join(['Date'] * ('Date' not in table.columns) + missing)} are missing"
            f" (found {found}).",
            hint,
        )
    index = _months(table["Date"], where, hint)
    columns = {}
    for column in table.columns.drop("Date"):
        text = table[column].astype("string").str.strip().replace(list(MISSING), "").fillna("")
        values = pd.to_numeric(text.where(text != "", None), errors="coerce")
        bad = np.flatnonzero(values.isna().to_numpy() & (text != "").to_numpy())
        if len(bad):
            i = int(bad[0])
            raise DataError(f"{where} line {i + 2} ({index[i]}): {column} is {text.iloc[i]!r}, not a number.", hint)
        if column in e["required"] and values.isna().any():
            i = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise DataError(f"{where} line {i + 2} ({index[i]}): {column} is missing.", hint)
        ranges = PLAUSIBLE.get(name, {})
        lo, hi = ranges.get(str(column), ranges.get("*", (-np.inf, np.inf)))
        odd = np.flatnonzero(((values < lo) | (values > hi)).fillna(False).to_numpy(dtype=bool))
        if len(odd):
            i = int(odd[0])
            raise DataError(
                f"{where} line {i + 2} ({index[i]}): {column} is {text.iloc[i]}, outside the plausible range"
                f" {lo:g} .. {hi:g}.",
                hint,
            )
        columns[str(column)] = values.to_numpy(dtype=float)
    frame = pd.DataFrame(columns, index=index)
    frame = frame.loc[:, frame.notna().any()]  # French's all-missing columns ("<= 0" firms)
    frame.attrs = {
        "name": name,
        "title": e["title"],
        "units": e["units"],
        "vintage": e["vintage"],
        "first": str(index[0]),
        "last": str(index[-1]),
        "lag": {"months": int(e["lag_months"]), "day": int(e["lag_day"])},
        "notes": [],
    }
    return frame
