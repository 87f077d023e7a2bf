"""On-disk cache of yfinance downloads, apart from the bundled snapshot.

Each ticker is two files in :func:`analysis.paths.cache_dir`: ``<TICKER>.csv`` and
``<TICKER>.json`` (when it was fetched, its row count and the SHA-256 of the CSV). Both are
written to a temporary name and renamed, so a reader never sees half a file; a file that
does not match its checksum is reported as corrupt and ignored.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import io
import json
import os
import secrets
from pathlib import Path

import pandas as pd

from analysis.data.contract import normalize
from analysis.data.snapshot import signed
from analysis.errors import DataError, PublishError
from analysis.paths import cache_dir, discard, file_stem, inside


def entry(root: Path, stem: str, what: str, variable: str) -> tuple[Path, Path]:
    """``root/<stem>.csv`` and ``.json``: a cache entry. A link leading out of ``root``, or a loop, is a
    :class:`DataError` in the cache's words (``what``: "the cache for IWM"; ``variable`` names the folder)."""
    try:
        return inside(root, f"{stem}.csv"), inside(root, f"{stem}.json")
    except PublishError as exc:  # its words name the reports folder, where such links are refused
        raise DataError(
            f"{what} in {root} cannot be used: {exc.message.partition(': nothing')[0]}.",
            f"Delete {stem}.csv and {stem}.json there (they are fetched again), set {variable} to another folder,"
            " or use SOURCE=snapshot.",
        ) from None


def _paths(ticker: str) -> tuple[Path, Path]:
    return entry(cache_dir(), file_stem(ticker), f"the cache for {ticker}", "MOMENTUM_CACHE_DIR")


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"  # named before it exists: a stop leaves none
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        discard(tmp)
        raise


def save(frame: pd.DataFrame) -> Path:
    """Store a price frame fetched from Yahoo; returns the CSV's path (an OSError when it cannot)."""
    ticker = frame.attrs["ticker"]
    try:
        csv_path, meta_path = _paths(ticker)
    except DataError as exc:  # the fresh data is used all the same, and the piece says so
        raise OSError(errno.ELOOP, exc.message, str(cache_dir())) from None
    out = frame.rename(columns={"adj_close": "Adj Close"}).rename(columns=str.title)
    out.index.name = "Date"
    data = out.to_csv(float_format="%.6f", date_format="%Y-%m-%d").encode()
    meta = {
        "ticker": ticker,
        "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rows": len(frame),
        "last_date": frame.attrs["last_date"],
        "price_only": frame.attrs["price_only"],
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    _atomic_write(csv_path, data)
    _atomic_write(meta_path, json.dumps(meta, indent=1).encode())
    return csv_path


def has(ticker: str) -> bool:
    """Whether a cache entry exists (it may still turn out corrupt: a link leading out is, for :func:`load`)."""
    try:
        return all(p.is_file() for p in _paths(ticker))
    except DataError:
        return True


def load(ticker: str) -> pd.DataFrame:
    """The cached price frame (``source='cache'``); :class:`DataError` if absent or corrupt."""
    csv_path, meta_path = _paths(ticker)
    if not (csv_path.is_file() and meta_path.is_file()):
        raise DataError(
            f"no cached Yahoo data for {ticker} in {csv_path.parent}.",
            "Fetch it once with SOURCE=yahoo, or use SOURCE=snapshot.",
        )
    try:
        meta = json.loads(meta_path.read_text())
        if not isinstance(meta, dict):
            raise TypeError(f"{meta_path.name} is not a JSON object")
        missing = [key for key in ("sha256", "rows", "fetched_at") if key not in meta]
        if missing:
            raise ValueError(f"{meta_path.name} lacks {', '.join(missing)}")
        if isinstance(meta["rows"], bool) or not isinstance(meta["rows"], int):
            raise TypeError(f"{meta_path.name} gives rows = {meta['rows']!r}, not a whole number")
        data = csv_path.read_bytes()
        if hashlib.sha256(data).hexdigest() != meta["sha256"]:
            raise ValueError("checksum mismatch (truncated or edited)")
        raw = pd.read_csv(io.BytesIO(data), index_col="Date", dtype={"Date": str})  # ISO dates: the contract reads them
        if len(raw) != meta["rows"]:
            raise ValueError(f"{len(raw)} rows, expected {meta['rows']}")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"the cache for {ticker} ({csv_path}) is corrupt: {' '.join(str(exc).split())}.",
            f"Delete {csv_path.name} and {meta_path.name} there (SOURCE=yahoo fetches them again),"
            " or use SOURCE=snapshot.",
        ) from None
    if meta.get("price_only"):
        raw = raw.drop(columns=["Adj Close"], errors="ignore")  # saved as a copy of Close
    return normalize(
        raw,
        ticker=ticker,
        source="cache",
        positive=not signed(ticker),
        origin=str(csv_path),
        source_detail=f"Yahoo Finance via yfinance, fetched {meta['fetched_at']} (cached)",
    )
