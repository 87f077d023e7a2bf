"""Monthly research files: one frame contract, validation, publication lags, bundled copy and cache.

The files are Kenneth French's Data Library (factors, size and size/value portfolios) and
Robert Shiller's S&P Composite data, bundled in ``analysis/data/research/`` (provenance in
``SOURCES.md`` there, facts for the code in ``manifest.toml``). French's files can also be
fetched live (:mod:`analysis.data.french_files`); downloads go to the cache, never over the bundle.

A *monthly frame* is a :class:`pandas.DataFrame` with

* a :class:`~pandas.PeriodIndex` of frequency ``M`` named ``month``, strictly ascending, with
  no gaps. A period and not a month-end timestamp because a monthly return is the return
  *over* a calendar month and a Shiller row is the *average* of a month: neither is a value on
  a day, and a timestamp invites joining it to the day it was not yet known on. The
  publication lag is period arithmetic (month + 2, day 15). Charts use ``index.to_timestamp()``;
* float columns named as the publisher names them (``SMB``, ``SMALL LoBM``, ``CAPE``...), in
  the publisher's units (French's returns in percent per month); missing cells are NaN;
* provenance in ``attrs``: ``name``, ``title``, ``units``, ``source`` (``bundled`` | ``live``
  | ``cache``), ``source_detail``, ``vintage``, ``first`` and ``last`` (``YYYY-MM``), ``lag``
  (``{"months", "day"}``) and ``notes`` (fallbacks, in plain words). :func:`published_by`
  adds ``as_of`` and ``through`` (the last month kept).

Sources (``source=``): ``bundled`` (the package's copy), ``cache`` (the last download),
``local`` (the newer of the two), ``live`` (download or fail) and ``auto`` (download with a
short timeout, else ``local`` with a note saying why). ``MOMENTUM_OFFLINE=1`` skips the
network. Files without a live route (Shiller's) read ``local`` whatever the source, with a note.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import params
from analysis.data.cache import _atomic_write  # the price cache's write-then-rename
from analysis.data.kept import kept
from analysis.data.monthly_frame import RESEARCH_DIR, entry, from_table
from analysis.errors import DataError, InputError, SourceUnavailable
from analysis.paths import cache_dir

SOURCES = ("bundled", "cache", "local", "live", "auto")
RESTORE = "Restore it with `git checkout -- analysis/data/research`."


# -- publication lags -------------------------------------------------------------------------


@dataclass(frozen=True)
class Lag:
    """When a month becomes public: month M from day ``day`` of month M + ``months``.

    French's files: ``Lag(2, 15)`` (about six weeks after the month ends); Shiller's:
    ``Lag(1, 1)`` (once the month has ended).
    """

    months: int
    day: int = 1

    def public_from(self, month: pd.Period) -> pd.Timestamp:
        """The first day ``month`` may be used: ``(month + months)`` at day ``day``."""
        return (month + self.months).start_time + pd.Timedelta(days=self.day - 1)

    def horizon(self, as_of: str | dt.date | pd.Timestamp) -> pd.Period:
        """The last month public at ``as_of``: ``M = month(as_of) - months``, one less if ``as_of.day < day``."""
        day = pd.Timestamp(as_of)
        last = pd.Period(day, freq="M") - self.months
        return last - 1 if day.day < self.day else last

    @classmethod
    def of(cls, name: str) -> Lag:
        """The lag the manifest gives ``name``."""
        e = entry(name)
        return cls(int(e["lag_months"]), int(e["lag_day"]))


def published_by(frame: pd.DataFrame, as_of: str | dt.date | pd.Timestamp, lag: Lag | None = None) -> pd.DataFrame:
    """The rows of ``frame`` public at ``as_of``: months ``<= lag.horizon(as_of)`` (no look-ahead).

    ``lag`` defaults to the frame's own (``attrs["lag"]``). Returns a copy with ``attrs``
    ``as_of`` (ISO date) and ``through`` (the last month kept, ``YYYY-MM``; ``None`` when no
    month is public yet). The input is not modified.
    """
    if lag is None:
        lag = Lag(**frame.attrs["lag"])
    horizon = lag.horizon(as_of)
    kept = frame.loc[frame.index <= horizon].copy()
    kept.attrs = {
        **frame.attrs,
        "notes": list(frame.attrs.get("notes", [])),
        "as_of": pd.Timestamp(as_of).date().isoformat(),
        "through": str(kept.index[-1]) if len(kept) else None,
    }
    return kept


# -- the CSV text (validated by analysis.data.monthly_frame) -----------------------------------


def _table(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def to_csv(frame: pd.DataFrame) -> bytes:
    """A monthly frame as the bundle's CSV text: ``Date`` as ``YYYY-MM``, values as given (``%.10g``)."""
    out = frame.copy()
    out.index = out.index.astype(str)
    out.index.name = "Date"
    return out.to_csv(float_format="%.10g").encode()


# -- the bundled copy -------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _bundled(name: str) -> pd.DataFrame:
    path = RESEARCH_DIR / f"{name}.csv.gz"
    where = f"analysis/data/research/{path.name}"
    e = entry(name)
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise DataError(f"{where} could not be read ({exc}).", RESTORE) from None
    if hashlib.sha256(data).hexdigest() != e["sha256"]:
        raise DataError(f"{where} does not match its checksum in manifest.toml (edited or truncated).", RESTORE)
    return kept("monthly", data, (name, e), lambda: _parse(data, name, e), modules=PARSERS)


#: The modules whose code makes a bundled monthly frame (a change to one parses the files anew: :mod:`.kept`).
PARSERS = ("monthly.py", "monthly_frame.py")


def _parse(data: bytes, name: str, e: dict) -> pd.DataFrame:
    """The monthly frame of a bundled file's (checked) CSV text, with its provenance."""
    frame = from_table(_table(data), name=name, where=f"analysis/data/research/{name}.csv.gz", hint=RESTORE)
    frame.attrs.update(
        source="bundled",
        source_detail=f"{e['publisher']}, {e['vintage']}; bundled copy (see analysis/data/research/SOURCES.md)",
    )
    return frame


def bundled(name: str) -> pd.DataFrame:
    """The bundled copy of ``name`` as a monthly frame (a copy: callers may modify it)."""
    return _copy(_bundled(name))


def _copy(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.attrs = {**frame.attrs, "notes": list(frame.attrs["notes"])}
    return out


# -- the download cache -----------------------------------------------------------------------


def research_cache_dir() -> Path:
    """Where downloads are kept: ``research/`` inside the price cache (``$MOMENTUM_CACHE_DIR``)."""
    return cache_dir() / "research"


def _cache_paths(name: str) -> tuple[Path, Path]:
    entry(name)  # a known name only: it becomes a file name
    root = research_cache_dir()
    return root / f"{name}.csv", root / f"{name}.json"


def save(frame: pd.DataFrame) -> Path:
    """Keep a downloaded frame in the cache (CSV + JSON with its SHA-256, written atomically)."""
    csv_path, meta_path = _cache_paths(frame.attrs["name"])
    data = to_csv(frame)
    meta = {
        "name": frame.attrs["name"],
        "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source_detail": frame.attrs["source_detail"],
        "vintage": frame.attrs["vintage"],
        "rows": len(frame),
        "first": frame.attrs["first"],
        "last": frame.attrs["last"],
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    _atomic_write(csv_path, data)
    _atomic_write(meta_path, json.dumps(meta, indent=1).encode())
    return csv_path


def has_cache(name: str) -> bool:
    return all(p.is_file() for p in _cache_paths(name))


def cached(name: str) -> pd.DataFrame:
    """The last download of ``name``; :class:`DataError` when there is none or it is corrupt."""
    csv_path, meta_path = _cache_paths(name)
    if not (csv_path.is_file() and meta_path.is_file()):
        raise DataError(f"no download of {name} in {csv_path.parent}.", "Use source=bundled, or fetch it once online.")
    hint = f"Delete {csv_path}; it is fetched again when online, and the bundled copy is used meanwhile."
    try:
        meta = json.loads(meta_path.read_text())
        data = csv_path.read_bytes()
        if hashlib.sha256(data).hexdigest() != meta["sha256"]:
            raise ValueError("checksum mismatch (truncated or edited)")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(f"the cached {name} ({csv_path}) is corrupt: {exc}.", hint) from None
    frame = from_table(_table(data), name=name, where=str(csv_path), hint=hint)
    frame.attrs.update(
        source="cache",
        vintage=meta.get("vintage", frame.attrs["vintage"]),
        source_detail=f"{meta.get('source_detail', name)}, fetched {meta.get('fetched_at', '?')} (cached)",
    )
    return frame


# -- one run's files, from one source ---------------------------------------------------------


class ResearchData:
    """Loads the research files for one run from one ``source``, each file once.

    ``notes`` collects, in plain words, every fallback taken (also in each frame's
    ``attrs["notes"]``), for the piece to print. In ``auto`` mode the first network failure
    is remembered, so an offline run waits for the network once, not once per file.
    """

    def __init__(self, source: str = "bundled", *, timeout: float = 5.0) -> None:
        if source not in SOURCES:
            raise InputError(
                f"research data source {source!r} is not one of {', '.join(SOURCES)}.",
                "Use bundled (the package's copy), local, cache, live or auto.",
            )
        self.source = source
        self.timeout = timeout
        self.down: str | None = None
        self.notes: list[str] = []
        self._frames: dict[str, pd.DataFrame] = {}

    def frame(self, name: str) -> pd.DataFrame:
        """The full history of ``name`` (a monthly frame, a copy)."""
        if name not in self._frames:
            self._frames[name] = self._load(name)
            self.notes.extend(n for n in self._frames[name].attrs["notes"] if n not in self.notes)
        return _copy(self._frames[name])

    def _load(self, name: str) -> pd.DataFrame:
        if self.source == "bundled":
            return bundled(name)
        if self.source == "cache":
            return cached(name)
        live = entry(name).get("live")
        if self.source == "local" or not live:
            why = "" if self.source == "local" else f"{name} has no live route (only French's files are downloaded)"
            return self._local(name, why)
        if self.source == "live":
            return self._fetch(name)
        return self._auto(name)

    def _fetch(self, name: str) -> pd.DataFrame:
        from analysis.data import french_files  # urllib and zipfile: only when downloading

        frame = french_files.fetch(name, timeout=self.timeout)
        try:
            save(frame)
        except OSError as exc:
            frame.attrs["notes"].append(f"could not write the research cache ({exc})")
        return frame

    def _auto(self, name: str) -> pd.DataFrame:
        if params.offline() and self.down is None:
            self.down = "the network was skipped (offline mode: MOMENTUM_OFFLINE is set)"
        if self.down is None:
            try:
                return self._fetch(name)
            except SourceUnavailable as exc:  # the network: no other file will fare better
                self.down = exc.message.rstrip(".")
            except DataError as exc:  # this file's format: the others may still be fine
                return self._local(name, f"French's {name} could not be read ({exc.message.rstrip('.')})")
        return self._local(name, f"French's library could not be used ({self.down})")

    def _local(self, name: str, why: str = "") -> pd.DataFrame:
        """The newer (by last month) of the cache and the bundled copy; a corrupt cache is skipped with a note."""
        candidates, problems = [bundled(name)], []
        if has_cache(name):
            try:
                candidates.append(cached(name))
            except DataError as exc:
                problems.append(str(exc))
        best = max(candidates, key=lambda f: f.attrs["last"])
        if why:
            kind = "the copy downloaded earlier" if best.attrs["source"] == "cache" else "the bundled copy"
            best.attrs["notes"].append(f"{why}, so {name} is {kind}, which ends {best.attrs['last']}")
        best.attrs["notes"].extend(problems)
        return best


def research_source(price_source: str) -> str:
    """The research source that goes with a price ``SOURCE``: snapshot -> bundled, yahoo -> live,
    cache and local -> local, auto -> auto."""
    return {"snapshot": "bundled", "yahoo": "live", "cache": "local", "local": "local", "auto": "auto"}.get(
        price_source, price_source
    )
