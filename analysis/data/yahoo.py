"""The yfinance adapter: Yahoo daily bars, fetched with ``auto_adjust=False``.

``yf.download`` returns (yfinance 1.x, one ticker, ``multi_level_index=True``) a frame whose
columns are a MultiIndex named ``('Price', 'Ticker')``, e.g. ``('Adj Close', 'IWM')``, with a
tz-naive ``Date`` index. On failure it does not raise: it logs and returns an *empty* frame
with those same columns. With ``auto_adjust=True`` (or for some instruments) ``Adj Close`` is
absent. :func:`from_download` handles each of these shapes explicitly; :func:`fetch` calls
yfinance under a hard deadline, with its warnings and log lines kept off the user's screen
and folded into the error message instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import threading
import warnings
from collections.abc import Iterator

import pandas as pd

from analysis.data.contract import normalize
from analysis.data.snapshot import signed
from analysis.errors import SourceUnavailable

#: Seconds yfinance may take per HTTP request, and for the whole fetch.
REQUEST_TIMEOUT: float | None = None  # None: $MOMENTUM_YAHOO_TIMEOUT (default 8 s), read when a request is made
_FIELDS = ("Open", "High", "Low", "Close", "Adj Close", "Volume")

#: The hour, in the exchange's own time, by which its day is over: past every close Yahoo quotes (NYSE 16:00,
#: XETRA 17:30, B3 17:55; CME's futures day ends at 17:00 Chicago time, 18:00 in New York). Before it, a row dated
#: the exchange's today is the session in progress, its "close" the last trade (yfinance merges the live quote in).
SETTLED_HOUR = 18
#: The time zone of a download that gives none (yfinance's ``ignore_tz=True``): Yahoo's US listings.
DEFAULT_ZONE = "America/New_York"

#: Exception names yfinance's failure log carries when the network, not the symbol, failed
#: (curl_cffi's DNSError/Timeout/ConnectionError..., requests' equivalents).
_NETWORK_ERRORS = re.compile(
    r"\b(DNSError|ConnectionError|ConnectTimeout|Timeout|ProxyError|SSLError|"
    r"CertificateVerifyError|ReadTimeout)\("
)
#: curl's own wording of the failure, e.g. "Could not resolve host: query2.finance.yahoo.com".
_CURL_REASON = re.compile(r"curl: \(\d+\) (.+?)(?:\. See |'\)|\"\)|$)")


def network_failure(log_lines: list[str]) -> str | None:
    """What went wrong on the network, from yfinance's failure log, or ``None`` if it was not that.

    yfinance does not raise when a request fails: it logs ``['IWM']: DNSError('Failed to
    perform, curl: (6) Could not resolve host: ...')`` and returns an empty frame. Telling a
    network failure from an unknown symbol matters for the advice: check the connection,
    not the ticker.
    """
    text = "\n".join(log_lines)
    if not _NETWORK_ERRORS.search(text):
        return None
    reason = _CURL_REASON.search(text)
    if not reason:
        return "no connection"
    # curl may add its own gloss, "... yahoo.com (Domain name not found)": the host says enough
    return re.sub(r"\s*\([^()]*\)$", "", reason.group(1).strip()).lower()


def from_download(df: pd.DataFrame | None, ticker: str) -> pd.DataFrame:
    """One ticker's columns out of a ``yf.download`` frame, with plain field names.

    Accepts the MultiIndex shapes of ``group_by='column'`` (levels ``Price, Ticker``) and
    ``group_by='ticker'`` (``Ticker, Price``) and the flat shape of
    ``multi_level_index=False``. Raises :class:`SourceUnavailable` for ``None``, an empty
    frame, a frame without the ticker, or one whose closes are all missing.
    """
    if df is None or df.empty:
        raise SourceUnavailable(
            f"Yahoo returned no data for {ticker}.", "Check the symbol on finance.yahoo.com, or use SOURCE=snapshot."
        )
    columns = df.columns
    if isinstance(columns, pd.MultiIndex):
        names = list(columns.names)
        if "Ticker" in names:
            level = names.index("Ticker")
        else:  # unnamed levels: the ticker level is the one that does not hold field names
            level = 0 if set(columns.get_level_values(1)) & set(_FIELDS) else 1
        symbols = list(dict.fromkeys(columns.get_level_values(level)))
        match = [s for s in symbols if str(s).upper() == ticker.upper()]
        if not match:
            raise SourceUnavailable(f"Yahoo's answer holds {symbols}, not {ticker}.")
        frame = df.xs(match[0], axis=1, level=level)
    else:
        frame = df
    frame = frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    if "Close" not in frame.columns or frame["Close"].isna().all():
        raise SourceUnavailable(
            f"Yahoo returned no closing prices for {ticker}.",
            "Check the symbol on finance.yahoo.com, or use SOURCE=snapshot.",
        )
    frame.index.name = "Date"
    return frame[[c for c in _FIELDS if c in frame.columns]]


def _now() -> dt.datetime:
    """The time now (UTC-aware): what the rows of a download are checked against (a test sets it)."""
    return dt.datetime.now(dt.UTC)


def unfinished(index: pd.DatetimeIndex, now: dt.datetime | None = None) -> str | None:
    """The ISO date of the last row when it is a session still in progress, else ``None``.

    Yahoo answers a daily request during trading hours with a row for today whose close is the last
    trade. A row dated the exchange's today (in the download's own time zone, else New York's) is
    still in progress before :data:`SETTLED_HOUR` there, and always on a seven-day calendar (a coin's
    day ends at midnight).
    """
    if not len(index):
        return None
    from zoneinfo import ZoneInfo

    zone = index.tz or ZoneInfo(DEFAULT_ZONE)
    local = (now or _now()).astimezone(zone)
    last = index[-1]
    day = (last.tz_convert(zone) if last.tzinfo else last).date()
    if day != local.date():
        return None
    weekends = bool((pd.DatetimeIndex(index[-30:]).day_of_week >= 5).any())
    return day.isoformat() if weekends or local.hour < SETTLED_HOUR else None


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage().strip())


@contextlib.contextmanager
def quiet() -> Iterator[list[str]]:
    """yfinance's log lines (and warnings) kept off the user's screen, collected in the list yielded.

    yfinance logs through the ``yfinance`` logger ("Cookie/crumb fetch failed (DNSError),
    continuing without crumb", "1 Failed download: ..."); with no handler configured, Python
    prints those on stderr, beside the program's one-line error, or under a successful run.
    Every call into yfinance goes through here; what it logged can explain a failure.
    """
    logger = logging.getLogger("yfinance")
    handler = _Collect()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield handler.lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def _download(ticker: str, timeout: float) -> tuple[pd.DataFrame | None, list[str]]:
    import yfinance as yf  # imported here: it is slow to import and only this path needs it

    with quiet() as lines:
        df = yf.download(
            ticker,
            period="max",
            interval="1d",
            auto_adjust=False,
            actions=False,
            progress=False,
            threads=False,
            timeout=timeout,
            multi_level_index=True,
            ignore_tz=False,  # the exchange's time zone: a row dated its today may be a session in progress
        )
    return df, lines


def fetch(ticker: str, *, timeout: float | None = None) -> pd.DataFrame:
    """Full daily history of ``ticker`` from Yahoo as a price frame (``source='yahoo'``).

    Bounded: gives up after about ``3 * timeout`` seconds in all. Raises
    :class:`SourceUnavailable` naming the reason (no network, timeout, unknown symbol...).
    """
    if timeout is None:
        from analysis import params

        timeout = REQUEST_TIMEOUT if REQUEST_TIMEOUT is not None else params.seconds("MOMENTUM_YAHOO_TIMEOUT")
    box: dict = {}

    def work() -> None:
        try:
            box["result"] = _download(ticker, timeout)
        except Exception as exc:  # handed to the caller below, named, with its cause chained
            box["error"] = exc

    # A daemon thread: if Yahoo hangs past the deadline we stop waiting, and the stuck
    # request cannot keep the process alive at exit.
    worker = threading.Thread(target=work, name=f"yfinance-{ticker}", daemon=True)
    worker.start()
    worker.join(3 * timeout)
    if worker.is_alive():
        raise SourceUnavailable(f"Yahoo did not answer for {ticker} within {3 * timeout:.0f} s.")
    if "error" in box:
        exc = box["error"]
        raise SourceUnavailable(f"yfinance failed for {ticker}: {type(exc).__name__}: {exc}") from exc
    df, log_lines = box["result"]
    try:
        raw = from_download(df, ticker)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:  # a shape yfinance never made
        raise SourceUnavailable(
            f"Yahoo's answer for {ticker} is not a price table ({type(exc).__name__}: {' '.join(str(exc).split())[:160]}).",
            "Try again later, or use SOURCE=snapshot.",
        ) from None
    except SourceUnavailable as exc:
        network = network_failure(log_lines)
        if network:
            raise SourceUnavailable(
                f"Yahoo Finance could not be reached ({network}).",
                "Check the network connection (or proxy), or use SOURCE=snapshot.",
            ) from exc
        reason = next((line for line in reversed(log_lines) if line), "")
        if reason:
            exc.message = f"{exc.message} ({reason.splitlines()[-1][:200]})"
        raise
    return _settled(raw, ticker)


def _settled(raw: pd.DataFrame, ticker: str) -> pd.DataFrame:
    """The download as a price frame, without a last row that is today's session still in progress
    (:func:`unfinished`: its close a mid-session price), which a note then names."""
    open_day = unfinished(raw.index) if isinstance(raw.index, pd.DatetimeIndex) else None
    if open_day and len(raw) == 1:
        raise SourceUnavailable(
            f"Yahoo returned only the session of {open_day} for {ticker}, still in progress: no finished session.",
            "Try again after the close, or use SOURCE=snapshot.",
        )
    if open_day:
        raw = raw.iloc[:-1]
    frame = normalize(
        raw,
        ticker=ticker,
        source="yahoo",
        source_detail="Yahoo Finance via yfinance (auto_adjust=False)",
        positive=not signed(ticker),
    )  # ^IRX, ^TNX...: yields can be zero or negative
    if open_day:
        frame.attrs["notes"].append(
            f"{ticker}: the session of {open_day} was still in progress when Yahoo was asked: its row is left out"
        )
    return frame
