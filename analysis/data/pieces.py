"""Published pieces read back: the newest earlier summary of a ticker against a benchmark.

A piece is published as ``<reports>/<YYYY-MM-DD>/<STEM>.json`` (the folder is its as-of
session, the stem :func:`analysis.params.stem`); :func:`previous_piece` finds the one a new
piece compares itself with ("since the last piece"). Only reading happens here: nothing is
written, and a file that cannot be read as a summary is passed over, never an error (a broken
old piece must not stop a new one).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from analysis.params import stem
from analysis.paths import reports_dir as default_reports_dir

#: A summary larger than this is not read (a real one is about 100 kB).
MAX_BYTES = 20_000_000

_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _folders(root: Path) -> list[tuple[dt.date, Path]]:
    """The dated folders of ``root`` (``YYYY-MM-DD`` names that are real dates), newest first."""
    if not root.is_dir():
        return []
    out = []
    for folder in root.iterdir():
        if folder.is_dir() and _DATE_DIR.match(folder.name):
            try:
                out.append((dt.date.fromisoformat(folder.name), folder))
            except ValueError:
                continue
    return sorted(out, reverse=True)


def _read(path: Path) -> dict | None:
    """The JSON object in ``path``, or ``None`` when it is not a readable, reasonably sized JSON object."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None


def previous_piece(
    ticker: str, benchmark: str, as_of: dt.date | str, reports_dir: Path | str | None = None
) -> dict | None:
    """The summary of the newest piece for ``ticker`` against ``benchmark`` dated strictly before ``as_of``.

    Looks in ``reports_dir`` (default: :func:`analysis.paths.reports_dir`, i.e.
    ``$MOMENTUM_REPORTS_DIR`` or ``reports/``) for ``<YYYY-MM-DD>/<STEM>.json`` with the
    folder's date before ``as_of``, newest first, and returns the first whose JSON says the
    same ticker, benchmark and as-of date as its name (a piece against another benchmark has
    another stem and is never used). ``None`` when there is none. Symbols are compared as
    given (validated, upper-case).
    """
    root = Path(reports_dir) if reports_dir is not None else default_reports_dir()
    before = dt.date.fromisoformat(str(as_of)[:10])  # a date, a Timestamp or an ISO string
    name = f"{stem(ticker, benchmark)}.json"
    for day, folder in _folders(root):
        if day >= before:
            continue
        summary = _read(folder / name)
        if (
            summary is not None
            and summary.get("ticker") == ticker
            and summary.get("benchmark") == benchmark
            and summary.get("as_of") == folder.name
        ):
            return summary
    return None
