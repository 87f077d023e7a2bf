"""The bundled real-data snapshot: gzipped Yahoo-style CSVs in ``analysis/data/prices/``.

Provenance for every file is in ``SOURCES.md`` beside them; ``manifest.toml`` records which
files are fully adjusted. The files are read, never written.
"""

from __future__ import annotations

import contextlib
import functools
import io
import zlib
from pathlib import Path
from typing import NoReturn

import pandas as pd

from analysis.data import manifests
from analysis.data.contract import normalize
from analysis.data.kept import kept
from analysis.errors import DataError, InputError
from analysis.paths import SNAPSHOT_DIR, file_stem

RESTORE = "Restore it with `git checkout -- analysis/data/prices`."


@functools.cache
def manifest() -> dict:
    """The parsed ``manifest.toml``; :class:`DataError` if it is missing or broken."""
    return manifests.load(SNAPSHOT_DIR / "manifest.toml", RESTORE, _wrong)


def signed(ticker: str) -> bool:
    """Whether ``ticker``'s values may be zero or below (a yield), and so are screened in points, not ratios
    (:mod:`analysis.data.screen`): the bundled manifest's kind for its own tickers, else the profiles
    configuration's lists and symbol rules. A ``^`` symbol is no yield unless one says so: ^GSPC's moves of
    tens of points, read as a yield's, were thousands of "impossible values" from Yahoo or the cache."""
    import re

    from analysis import config

    with contextlib.suppress(DataError):  # a broken manifest is named where the snapshot is read
        kind = manifest()["kind"].get(ticker)
        if kind is not None:
            return bool(kind == "yield")
    with contextlib.suppress(InputError, KeyError, TypeError, AttributeError, re.error):  # named by the piece
        profiles = config.load("profiles")
        for kind, listed in (profiles.get("assign") or {}).items():
            if isinstance(listed, list) and ticker in listed:
                return bool(kind == "yield")
        for rule in profiles.get("rule") or []:
            if re.search(rule["pattern"], ticker):
                return bool(rule.get("profile") == "yield")
        return bool(profiles.get("default", "equity") == "yield")  # no quote type maps to a yield
    return ticker.startswith("^")


def _wrong(found: dict) -> str:
    if isinstance(found.get("fully_adjusted"), list) and isinstance(found.get("kind"), dict):
        return ""
    return "it lacks fully_adjusted = [...] or [kind]"


def tickers() -> list[str]:
    """The symbols the snapshot holds, e.g. ``['BTC-USD', 'HYG', ..., '^VIX']``."""
    found = []
    for path in sorted(SNAPSHOT_DIR.glob("*.csv.gz")):
        stem = path.name.removesuffix(".csv.gz")
        found.append("^" + stem[1:] if stem.startswith("_") else stem)
    return found


def has(ticker: str) -> bool:
    """Whether the snapshot holds ``ticker``."""
    return (SNAPSHOT_DIR / f"{file_stem(ticker)}.csv.gz").is_file()


@functools.lru_cache(maxsize=64)
def _read(ticker: str) -> pd.DataFrame:
    path = SNAPSHOT_DIR / f"{file_stem(ticker)}.csv.gz"
    if not path.is_file():
        raise DataError(
            f"the bundled snapshot has no {ticker}.",
            f"It holds: {' '.join(tickers())}. Use one of these, or SOURCE=yahoo with network access.",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        _unreadable(path, exc)
    adjusted = ticker in manifest()["fully_adjusted"]
    detail = "bundled snapshot (see analysis/data/prices/SOURCES.md)"
    if adjusted:
        detail += "; open/high/low/close are dividend-adjusted in this file"
    positive = manifest()["kind"].get(ticker) != "yield"
    args = (ticker, detail, adjusted, positive)  # not the path: named only in errors, which are never kept
    return kept("snapshot", data, args, lambda: _parse(data, *args, origin=str(path)), modules=PARSERS)


#: The modules whose code makes a snapshot frame (a change to one parses the files anew: :mod:`.kept`).
PARSERS = ("snapshot.py", "contract.py", "screen.py")


def _parse(data: bytes, ticker: str, detail: str, adjusted: bool, positive: bool, *, origin: str) -> pd.DataFrame:
    """The price frame of one bundled file's bytes: read, normalized and screened (:func:`normalize`)."""
    try:
        # dates as text, read as ISO 8601 by the contract: pandas' own guess takes 05/06/2000 as May
        # or June by the file's first row, and warns on stderr when it cannot tell
        raw = pd.read_csv(io.BytesIO(data), dtype={"Date": str}, compression="gzip")
        if "Date" not in raw.columns:
            raise ValueError(f"Missing column 'Date': the header reads {','.join(map(str, raw.columns))[:60]!r}")
        raw = raw.set_index("Date")
    except (OSError, ValueError, EOFError, zlib.error) as exc:  # a bad gzip stream is a zlib.error
        _unreadable(Path(origin), exc)
    return normalize(
        raw,
        ticker=ticker,
        source="snapshot",
        source_detail=detail,
        fully_adjusted=adjusted,
        positive=positive,
        origin=origin,
    )


def _unreadable(path: Path, exc: BaseException) -> NoReturn:
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    raise DataError(f"the bundled file {path} could not be read ({type(exc).__name__}: {reason}).", RESTORE) from None


def read(ticker: str) -> pd.DataFrame:
    """The snapshot's price frame for ``ticker`` (a copy: callers may modify it)."""
    frame = _read(ticker)
    copy = frame.copy()
    copy.attrs = {**frame.attrs, "notes": list(frame.attrs["notes"])}
    return copy
