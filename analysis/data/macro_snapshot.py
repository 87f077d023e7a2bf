"""The bundled FRED series: gzipped ``Date,Value`` CSVs in ``analysis/data/macro/``.

Provenance is in ``SOURCES.md`` beside them; ``manifest.toml`` records each series' title,
units, frequency, release rule, vintage, the sha256 of its CSV and its span. The files are
read, never written.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import io
from pathlib import Path

import pandas as pd

from analysis.data import manifests
from analysis.data.kept import kept
from analysis.data.series import parse, with_provenance
from analysis.errors import DataError
from analysis.paths import PACKAGE_DIR

MACRO_DIR = PACKAGE_DIR / "data" / "macro"
RESTORE = "Restore it with `git checkout -- analysis/data/macro`."


@functools.cache
def manifest() -> dict:
    """The parsed ``manifest.toml``: ``{id: {title, units, frequency, release, revised, sha256, first, last, rows}}``."""
    return manifests.load(
        MACRO_DIR / "manifest.toml", RESTORE, lambda found: manifests.tables_with(found, "sha256", "series")
    )


def ids() -> list[str]:
    """The FRED ids the bundle holds, in manifest order (T10Y3M first, USREC and NFCI last)."""
    return list(manifest())


def has(series_id: str) -> bool:
    """Whether the bundle holds ``series_id``."""
    return series_id in manifest() and path(series_id).is_file()


def path(series_id: str) -> Path:
    """The bundled file of ``series_id`` (it may not exist)."""
    return MACRO_DIR / f"{series_id}.csv.gz"


@functools.lru_cache(maxsize=16)
def _read(series_id: str) -> pd.Series:
    if not has(series_id):
        raise DataError(f"the bundled FRED data has no {series_id}.", f"It holds: {' '.join(ids())}.")
    try:
        packed = path(series_id).read_bytes()
    except OSError as exc:
        raise DataError(f"the bundled file {_file(series_id)} could not be read ({exc}).", RESTORE) from None
    meta = manifest()[series_id]
    return kept("fred", packed, (series_id, meta), lambda: _parse(series_id, packed, meta), modules=PARSERS)


#: The modules whose code makes a bundled series (a change to one parses the files anew: :mod:`.kept`).
PARSERS = ("macro_snapshot.py", "series.py", "release.py")


#: The latest date a bundled series may hold: none in particular (its checksum vouches for it, not the clock).
NO_CLOCK = dt.date(2262, 1, 1)


def _file(series_id: str) -> str:
    return f"analysis/data/macro/{series_id}.csv.gz"


def _parse(series_id: str, packed: bytes, meta: dict) -> pd.Series:
    """The series of one bundled file's gzipped bytes, checked against its manifest entry ``meta``."""
    file = _file(series_id)
    try:
        data = gzip.decompress(packed)
        if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            raise DataError(f"{file} does not match its checksum in manifest.toml (edited or truncated).", RESTORE)
        raw = pd.read_csv(io.StringIO(data.decode("utf-8")), dtype=str, keep_default_na=False)
    except (OSError, ValueError, EOFError, UnicodeDecodeError) as exc:
        raise DataError(f"the bundled file {file} could not be read ({exc}).", RESTORE) from None
    # the checksum vouches for its dates, not the clock: one set behind the data called this file corrupt and
    # said to restore it (the twentieth hostile pass); a piece dated after the clock is refused by its session
    values = parse(raw, series_id=series_id, file=file, fix=RESTORE, latest=NO_CLOCK)
    return with_provenance(
        values,
        meta=meta,
        source="snapshot",
        source_detail="FRED, bundled copy (see analysis/data/macro/SOURCES.md)",
    )


def read(series_id: str) -> pd.Series:
    """The bundled series ``series_id`` (a copy: callers may modify it)."""
    series = _read(series_id)
    copy = series.copy()
    copy.attrs = {**series.attrs, "notes": list(series.attrs["notes"])}
    return copy
