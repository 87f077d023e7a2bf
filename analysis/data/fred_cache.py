"""On-disk cache of FRED downloads, apart from the bundled copy (which is never written).

Each series is two files in :func:`fred_cache_dir`: ``<ID>.csv``, the body exactly as FRED
sent it, and ``<ID>.json`` (when it was fetched, the row count, the last date and the
SHA-256 of the CSV). Both are written to a temporary name and renamed, so a reader never
sees half a file; a file that does not match its checksum is reported as corrupt and ignored.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import io
import json
import os
import re
from pathlib import Path

import pandas as pd

from analysis.data.cache import _atomic_write, entry
from analysis.data.series import parse, with_provenance
from analysis.errors import DataError, InputError
from analysis.paths import cache_dir

_ID = re.compile(r"[A-Z0-9_]{1,40}")


def fred_cache_dir() -> Path:
    """``$MOMENTUM_FRED_CACHE_DIR`` if set, else ``fred/`` beside the price cache (``.cache/fred``)."""
    return Path(os.environ.get("MOMENTUM_FRED_CACHE_DIR") or cache_dir().parent / "fred").resolve()


def valid_id(series_id: str) -> str:
    """``series_id`` if it is a FRED id (capitals, digits, ``_``; at most 40); :class:`InputError` otherwise."""
    if not isinstance(series_id, str) or not _ID.fullmatch(series_id):
        raise InputError(f"{series_id!r} is not a FRED series id.", "Give an id as FRED spells it, e.g. T10Y3M.")
    return series_id


def _paths(series_id: str) -> tuple[Path, Path]:
    return entry(fred_cache_dir(), valid_id(series_id), f"the FRED cache for {series_id}", "MOMENTUM_FRED_CACHE_DIR")


def save(series: pd.Series, text: str) -> Path:
    """Store a FRED download: ``text`` as received, with the checksum of its bytes; returns the CSV's path."""
    try:
        csv_path, meta_path = _paths(str(series.name))
    except DataError as exc:  # the fresh series is used all the same, with a note
        raise OSError(errno.ELOOP, exc.message, str(fred_cache_dir())) from None
    data = text.encode("utf-8")
    meta = {
        "id": series.name,
        "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rows": len(series),
        "last_date": series.attrs["last_date"],
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    _atomic_write(csv_path, data)
    _atomic_write(meta_path, json.dumps(meta, indent=1).encode())
    return csv_path


def has(series_id: str) -> bool:
    """Whether a cache entry exists (it may still turn out corrupt: a link leading out is, for :func:`load`)."""
    try:
        return all(p.is_file() for p in _paths(series_id))
    except DataError:
        return True


def load(series_id: str, meta: dict) -> pd.Series:
    """The cached series (``source='cache'``); :class:`DataError` if absent or corrupt.

    ``meta`` is the series' manifest entry (title, units, release...).
    """
    csv_path, meta_path = _paths(series_id)
    if not (csv_path.is_file() and meta_path.is_file()):
        raise DataError(
            f"no cached FRED data for {series_id} in {csv_path.parent}.",
            "Fetch it once with the network on (SOURCE=auto), or use the bundled copy.",
        )
    try:
        info = json.loads(meta_path.read_text())
        data = csv_path.read_bytes()
        if hashlib.sha256(data).hexdigest() != info["sha256"]:
            raise ValueError("checksum mismatch (truncated or edited)")
        raw = pd.read_csv(io.StringIO(data.decode("utf-8")), dtype=str, keep_default_na=False)
        values = parse(
            raw,
            series_id=series_id,
            file=str(csv_path),
            fix="Delete the cache entry; it is fetched again when the network is there.",
        )
        if len(values) != info["rows"]:
            raise ValueError(f"{len(values)} rows, expected {info['rows']}")
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise DataError(
            f"the FRED cache for {series_id} ({csv_path}) is corrupt: {exc}.",
            "It will be re-fetched when the network is there; delete it to silence this.",
        ) from None
    return with_provenance(
        values,
        meta=meta,
        source="cache",
        source_detail=f"FRED fredgraph.csv download, fetched {info['fetched_at']} (cached)",
    )
