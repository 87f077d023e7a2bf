"""FRED by series id, live when the network is there, and the one loader of macro series.

**The route.** FRED's public CSV download, ``https://fred.stlouisfed.org/graph/fredgraph.csv?id=<ID>``,
needs no API key. It answers ``200`` with ``observation_date,<ID>`` (``DATE,<ID>`` before
late 2024) and one ``YYYY-MM-DD,value`` row per observation, ``.`` (or nothing) where there
is no value; an unknown id gets ``404`` (older answers: an HTML error page with ``200``).
A client such as ``fredapi`` calls FRED's JSON API instead, which needs a registered key
that a reader's machine (or CI) does not have, and adds a dependency; pandas-datareader
reads this same CSV. So this module calls the CSV with the standard library, under a short
timeout, and tells the failures apart:

* :class:`FredUnreachable`: no connection, DNS, timeout, a 5xx or any other HTTP status;
  the advice is to check the network (``auto`` then falls back for every series at once);
* :class:`UnknownSeries`: FRED answered, but not with that series (404/400, or a web page
  where the CSV should be); the advice is to check the id.

**The loader.** :class:`Macro` reads each series once from one ``source``, like
:class:`analysis.data.Market` does prices:

``snapshot``  the bundled copy (``analysis/data/macro/``);
``fred``      FRED now, stored in the cache (:mod:`analysis.data.fred_cache`), or an error;
``cache``     the last download on disk;
``local``     the newer of the cache and the bundled copy, without the network;
``auto``      (default) FRED with a short timeout, else ``local``, with a note in plain words
              in ``attrs["notes"]``, e.g. "FRED could not be reached (no connection), so this
              piece uses the bundled T10Y3M series ending 2026-07-31". ``MOMENTUM_OFFLINE=1``
              skips the network attempt (the tests set it).
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import socket
import urllib.error
import urllib.request
from collections.abc import Callable

import pandas as pd

from analysis import params
from analysis.data import fred_cache, macro_snapshot
from analysis.data.series import parse, with_provenance
from analysis.errors import DataError, InputError, SourceUnavailable

URL = "https://fred.stlouisfed.org/graph/fredgraph.csv?id={id}"
#: Seconds FRED may take per network operation (connect, each read); ``None``: ``$MOMENTUM_FRED_TIMEOUT``
#: (default 8 s), read when a request is made, as a duration the command line has checked.
TIMEOUT: float | None = None
SOURCES = ("snapshot", "fred", "cache", "local", "auto")
#: The price SOURCE a piece runs with -> the macro source that fits it.
FOR_PRICE_SOURCE = {"snapshot": "snapshot", "yahoo": "fred", "cache": "cache", "local": "local", "auto": "auto"}


class FredUnreachable(SourceUnavailable):
    """FRED could not be reached, or did not answer properly: a network problem, not the id."""


class UnknownSeries(SourceUnavailable):
    """FRED answered, but has no series by that id."""


def _unknown(series_id: str, how: str) -> UnknownSeries:
    return UnknownSeries(
        f"FRED has no series {series_id} ({how}).",
        "Check the id on fred.stlouisfed.org (ids are capitals and digits, e.g. T10Y3M).",
    )


def download(series_id: str, *, timeout: float | None = None, opener: Callable = urllib.request.urlopen) -> str:
    """The body of FRED's CSV for ``series_id`` as text; raises :class:`FredUnreachable` or :class:`UnknownSeries`.

    ``opener`` is :func:`urllib.request.urlopen` (tests pass a stand-in with the same contract).
    """
    fred_cache.valid_id(series_id)
    url = URL.format(id=series_id)
    if timeout is None:
        from analysis import params

        timeout = TIMEOUT if TIMEOUT is not None else params.seconds("MOMENTUM_FRED_TIMEOUT")
    try:
        with opener(urllib.request.Request(url, headers={"User-Agent": "momentum-report"}), timeout=timeout) as resp:
            body = resp.read()
    except urllib.error.HTTPError as exc:
        if exc.code in (400, 404):
            raise _unknown(series_id, f"HTTP {exc.code}") from None
        raise FredUnreachable(
            f"FRED answered HTTP {exc.code} for {series_id}.",
            "Try again later, or use the bundled copy (SOURCE=snapshot).",
        ) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)  # HTTPException: an answer cut short (IncompleteRead) or garbled
        raise FredUnreachable(
            f"FRED could not be reached ({network_words(reason)}).",
            "Check the network connection (or proxy), or use the bundled copy (SOURCE=snapshot).",
        ) from None
    return body.decode("utf-8", errors="replace")


def network_words(reason: object) -> str:
    """A network failure in a few words, on one line: ``timed out``, ``Name or service not known``..."""
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(reason, http.client.IncompleteRead):
        return f"the answer was cut short after {len(reason.partial)} bytes"
    if isinstance(reason, http.client.HTTPException):
        return f"a garbled answer: {type(reason).__name__}"
    text = " ".join(str(reason).split()) or type(reason).__name__
    return text.removeprefix("[Errno -2] ").removeprefix("[Errno -3] ")[:120]


def from_csv(text: str, series_id: str, *, source: str = "fred", source_detail: str = "") -> pd.Series:
    """FRED's CSV body -> a macro series (the contract of :mod:`analysis.data.series`).

    Refuses, as :class:`UnknownSeries`, a body that is a web page or whose value column is
    another id; anything else wrong is the one-line :class:`DataError` of
    :func:`analysis.data.series.parse` (line numbers of the download).
    """
    head = text.lstrip()[:200].lower()
    if head.startswith("<") or "<html" in head:
        raise _unknown(series_id, "FRED sent a web page, not data")
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"FRED's answer for {series_id} is not a CSV ({exc}).", "Try again later.") from None
    if len(raw.columns) == 2 and str(raw.columns[1]).strip().upper() != series_id:
        raise _unknown(series_id, f"the answer holds {raw.columns[1]!r}")
    values = parse(
        raw, series_id=series_id, file=f"FRED's {series_id} download", fix="Try again later, or use the bundled copy."
    )
    meta = macro_snapshot.manifest().get(series_id, {})
    return with_provenance(
        values,
        meta=meta,
        source=source,
        source_detail=source_detail
        or (f"FRED fredgraph.csv download, fetched {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"),
    )


def fetch(
    series_id: str, *, timeout: float | None = None, opener: Callable = urllib.request.urlopen
) -> tuple[pd.Series, str]:
    """``(series, body)``: the live series and the CSV text it came from (for the cache)."""
    text = download(series_id, timeout=timeout, opener=opener)
    return from_csv(text, series_id), text


class Macro:
    """Loads macro series for one run from one ``source`` (:data:`SOURCES`), each id once.

    In ``auto`` mode the first network failure is remembered (:attr:`fred_down`), so a run
    that needs nine series while offline waits for FRED once, not nine times.
    """

    def __init__(
        self, source: str = "snapshot", *, timeout: float | None = None, opener: Callable = urllib.request.urlopen
    ) -> None:
        if source not in SOURCES:
            raise InputError(
                f"macro source {source!r} is not one of {', '.join(SOURCES)}.",
                "Use snapshot (bundled), fred (live), cache, local or auto.",
            )
        self.source = source
        self.timeout = timeout
        self.opener = opener
        self.fred_down: str | None = None
        self._series: dict[str, pd.Series] = {}

    @classmethod
    def for_prices(cls, price_source: str, **kwargs) -> Macro:
        """The loader that fits a piece's price ``SOURCE`` (``yahoo`` -> ``fred``, the others alike)."""
        return cls(FOR_PRICE_SOURCE.get(price_source, "auto"), **kwargs)

    def series(self, series_id: str) -> pd.Series:
        """The full history of ``series_id`` (a macro series); :class:`DataError` if none can be had."""
        if series_id not in self._series:
            self._series[series_id] = self._load(series_id)
        return self._series[series_id]

    def maybe(self, series_id: str) -> tuple[pd.Series | None, str]:
        """``(series, "")``, or ``(None, reason)`` when ``series_id`` cannot be loaded."""
        try:
            return self.series(series_id), ""
        except DataError as exc:
            return None, str(exc)

    def notes(self) -> list[str]:
        """Every distinct note of the series loaded so far (fallbacks, corrupt caches), in load order."""
        return list(dict.fromkeys(n for s in self._series.values() for n in s.attrs["notes"]))

    def _meta(self, series_id: str) -> dict:
        meta = macro_snapshot.manifest().get(fred_cache.valid_id(series_id))
        if meta is None:
            raise InputError(
                f"{series_id} is not a series this project knows how to date.",
                f"Use one of: {' '.join(macro_snapshot.ids())} (analysis/data/macro/manifest.toml).",
            )
        return meta

    def _load(self, series_id: str) -> pd.Series:
        meta = self._meta(series_id)
        if self.source == "snapshot":
            return macro_snapshot.read(series_id)
        if self.source == "cache":
            return fred_cache.load(series_id, meta)
        if self.source == "fred":
            series, text = fetch(series_id, timeout=self.timeout, opener=self.opener)
            fred_cache.save(series, text)
            return series
        if self.source == "local":
            return self._local(series_id, meta)
        return self._auto(series_id, meta)

    def _auto(self, series_id: str, meta: dict) -> pd.Series:
        if params.offline() and self.fred_down is None:
            self.fred_down = "FRED was skipped (offline mode: MOMENTUM_OFFLINE is set)"
        why = self.fred_down
        if why is None:
            try:
                series, text = fetch(
                    series_id, timeout=self.timeout if self.timeout is not None else 5.0, opener=self.opener
                )
            except FredUnreachable as exc:
                why = self.fred_down = f"FRED could not be reached{_reason(exc.message)}"
            except UnknownSeries as exc:
                why = exc.message.rstrip(".")
            except DataError as exc:  # an answer that fails the screen: the copy on disk still serves
                why = f"FRED's answer could not be used ({exc.message.rstrip('.')})"
            else:
                try:
                    fred_cache.save(series, text)
                except OSError as exc:
                    series.attrs["notes"].append(f"could not write the FRED cache ({exc})")
                return series
        return self._local(series_id, meta, why)

    def _local(self, series_id: str, meta: dict, why: str = "") -> pd.Series:
        """The newer of the cache and the bundled copy; a corrupt cache is skipped with a note."""
        candidates, problems = [], []
        if fred_cache.has(series_id):
            try:
                candidates.append(fred_cache.load(series_id, meta))
            except DataError as exc:
                problems.append(str(exc))
        if macro_snapshot.has(series_id):
            candidates.append(macro_snapshot.read(series_id))
        if not candidates:
            raise DataError(
                f"no data for {series_id}: {'; '.join([why, *problems]).strip('; ') or 'not cached, not bundled'}.",
                f"Offline, only the bundled series are available: {' '.join(macro_snapshot.ids())}.",
            )
        best = max(candidates, key=lambda s: s.attrs["last_date"])
        kind = "bundled" if best.attrs["source"] == "snapshot" else "cached"
        notes = (
            [f"{why}, so this piece uses the {kind} {series_id} series ending {best.attrs['last_date']}"] if why else []
        )
        best.attrs["notes"][:0] = notes + problems
        return best


def _reason(message: str) -> str:
    """`` (no connection)`` out of "FRED could not be reached (no connection).", else ``""``."""
    start = message.find("(")
    return f" {message[start:].rstrip('.')}" if start >= 0 else f" ({message.rstrip('.')})"
