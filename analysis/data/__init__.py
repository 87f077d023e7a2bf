"""Price data: one contract (:mod:`.contract`), three sources, one loader.

Sources (``SOURCE=``):

``snapshot``  the bundled real-data files (offline, reproducible);
``yahoo``     yfinance, stored in the cache on success, an error otherwise;
``cache``     the last yfinance download on disk;
``local``     the newer of the cache and the snapshot, without touching the network;
``auto``      (default) yfinance with a short timeout, else ``local``; the reason for the
              fallback is kept in the frame's ``attrs["notes"]``. Setting the environment
              variable ``MOMENTUM_OFFLINE=1`` skips the network attempt (the tests do).
"""

from __future__ import annotations

import pandas as pd

from analysis import params
from analysis.data import cache, snapshot, yahoo
from analysis.data.contract import COLUMNS, check, normalize, until
from analysis.errors import DataError, SourceUnavailable

__all__ = ["COLUMNS", "Market", "check", "load_prices", "normalize", "until"]


class Market:
    """Loads price frames for one run from one ``source``, each ticker once.

    In ``auto`` mode the first Yahoo failure is remembered, so a run that needs twenty
    series while offline waits for the network once, not twenty times.
    """

    def __init__(self, source: str = "snapshot", *, timeout: float | None = None) -> None:
        self.source = source
        self.timeout = timeout
        self.yahoo_down: str | None = None
        self._frames: dict[str, pd.DataFrame] = {}

    def prices(self, ticker: str) -> pd.DataFrame:
        """The full history of ``ticker`` (a price frame); :class:`DataError` if none can be had."""
        if ticker not in self._frames:
            self._frames[ticker] = self._load(ticker)
        return self._frames[ticker]

    def prices_or_reason(self, ticker: str) -> tuple[pd.DataFrame | None, str]:
        """``(frame, "")``, or ``(None, reason)`` when ``ticker`` cannot be loaded: what is wrong, without the
        error's fix (a family of 40 with 18 unknown members repeated the snapshot's list of 23 eighteen times)."""
        try:
            return self.prices(ticker), ""
        except DataError as exc:
            return None, exc.message

    def _load(self, ticker: str) -> pd.DataFrame:
        if self.source == "snapshot":
            return snapshot.read(ticker)
        if self.source == "cache":
            return cache.load(ticker)
        if self.source == "yahoo":
            frame = yahoo.fetch(ticker, timeout=self.timeout)
            try:
                cache.save(frame)
            except OSError as exc:  # the fresh data is used all the same, and the piece says so
                frame.attrs["notes"].append(f"could not write the cache ({exc.strerror or exc}: {exc.filename or ''})")
            return frame
        if self.source == "local":
            return self._local(ticker)
        return self._auto(ticker)

    def _auto(self, ticker: str) -> pd.DataFrame:
        if params.offline() and self.yahoo_down is None:
            self.yahoo_down = "Yahoo Finance was skipped (offline mode: MOMENTUM_OFFLINE is set)"
        reason = self.yahoo_down
        if reason is None:
            try:
                frame = yahoo.fetch(ticker, timeout=self.timeout if self.timeout is not None else 5.0)
            except SourceUnavailable as exc:
                reason = self.yahoo_down = exc.message  # the hint (check the symbol...) is for the CLI
            else:
                try:
                    cache.save(frame)
                except OSError as exc:
                    frame.attrs["notes"].append(f"could not write the cache ({exc})")
                return frame
        return self._local(ticker, f"Yahoo could not be used: {reason.rstrip('.')}")

    def _local(self, ticker: str, why: str = "") -> pd.DataFrame:
        """The newer of the cache and the snapshot; a corrupt cache is skipped with a note."""
        candidates: list[pd.DataFrame] = []
        failed: list[DataError] = []
        if cache.has(ticker):
            try:
                candidates.append(cache.load(ticker))
            except DataError as exc:
                failed.append(exc)
        problems = [str(exc) for exc in failed]
        if snapshot.has(ticker):
            candidates.append(snapshot.read(ticker))
        if not candidates:  # a file of the cache that cannot be used is named with its own fix, not the snapshot's list
            said = [why, *(exc.message.rstrip(".") for exc in failed)]
            raise DataError(
                f"no data for {ticker}: {'; '.join(said).strip('; ') or 'not in the cache or the snapshot'}.",
                failed[0].hint
                if failed
                else f"Offline, only the bundled snapshot is available; it holds: {' '.join(snapshot.tickers())}.",
            )
        best = max(candidates, key=lambda f: f.attrs["last_date"])
        notes = (
            [f"{why}, so this run used the {best.attrs['source']} data ending {best.attrs['last_date']}"] if why else []
        )
        best.attrs["notes"][:0] = notes + problems
        return best


def load_prices(ticker: str, source: str = "snapshot") -> pd.DataFrame:
    """Shortcut: the full price frame of one ticker from one source."""
    return Market(source).prices(ticker)
