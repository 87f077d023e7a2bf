"""Validation of what a user types: tickers, dates, levels, sources.

Each function returns the clean value or raises :class:`~analysis.errors.InputError` with a
message that names the bad value and says how to fix it. Nothing here touches data or disk.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re

from analysis.errors import InputError

#: Letters, digits and Yahoo's punctuation (``^VIX``, ``BRK-B``, ``BTC-USD``, ``EURUSD=X``, ``RDS.A``).
TICKER_MAX = 16
TICKER_PATTERN = re.compile(rf"^\^?[A-Z0-9][A-Z0-9.\-=]{{0,{TICKER_MAX - 1}}}$")  # the length is checked apart
SOURCES = ("auto", "snapshot", "yahoo", "cache", "local")


def shown(value: object, limit: int = 40) -> str:
    """``repr(value)``, cut to about ``limit`` characters: a message echoes what was typed, on one line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def ticker(value: str | None, *, what: str = "TICKER", example: str | None = None) -> str:
    """Upper-cased, validated ticker symbol (``"iwm"`` -> ``"IWM"``).

    ``example`` is how the fix is written where the symbol comes from (default ``{what}=IWM``;
    a configuration file passes ``ticker = "IWM"``).
    """
    raw = "" if value is None else str(value).strip()
    fix = f"Give a symbol, e.g. {example}." if example else f"Give a symbol, e.g. {what}=IWM."
    if not raw:
        raise InputError(f"{what} is empty.", fix)
    if len(raw) > TICKER_MAX:
        raise InputError(f"{what} {raw[:20]!r}... is {len(raw)} characters long;"
                         f" a ticker has at most {TICKER_MAX}.", fix)
    symbol = raw.upper()
    if not TICKER_PATTERN.match(symbol):
        raise InputError(f"{what} {shown(raw)} is not a ticker symbol: only letters, digits and . - = "
                         "(and a leading ^ for an index) are allowed.",
                         fix if example else f"Give a symbol, e.g. {what}=IWM or {what}=^VIX.")
    return symbol


def tickers(values: str | list[str] | None, *, what: str = "TICKERS") -> list[str]:
    """A space- or comma-separated list of tickers, validated, duplicates dropped, order kept."""
    items = values.replace(",", " ").split() if isinstance(values, str) else list(values or [])
    if not items:
        raise InputError(f"{what} is empty.", f'Give symbols, e.g. {what}="IWM QQQ SMH".')
    out: list[str] = []
    for item in items:
        symbol = ticker(item, what=what)
        if symbol not in out:
            out.append(symbol)
    return out


def benchmark(value: str | None, ticker_symbol: str) -> str:
    """A validated benchmark that differs from the ticker."""
    symbol = ticker(value, what="BENCHMARK")
    if symbol == ticker_symbol:
        other = "QQQ" if symbol == "SPY" else "SPY"
        raise InputError(f"BENCHMARK {symbol} is the same as TICKER: leadership against itself is"
                         " always zero.", f"Pick another benchmark, e.g. BENCHMARK={other}.")
    return symbol


def as_of(value: str | dt.date | None, *, today: dt.date | None = None) -> dt.date | None:
    """An ISO date (``YYYY-MM-DD``) not in the future, or ``None`` for "the latest session"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise InputError(f"AS_OF {shown(text)} is not a date.",
                             "Write it as YYYY-MM-DD, e.g. AS_OF=2024-07-08, or leave it out for the latest session.") from None
    today = today or dt.date.today()
    if day > today:
        raise InputError(f"AS_OF {day.isoformat()} is in the future (today is {today.isoformat()}).",
                         "Use a past date, or leave AS_OF out for the latest session.")
    return day


def level(value: str | float | None) -> float | None:
    """A positive price level that overrides the computed level to clear, or ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"LEVEL {shown(value)} is not a number.", "Give a price, e.g. LEVEL=205, or leave it out.") from None
    if not math.isfinite(number) or number <= 0:
        raise InputError(f"LEVEL {shown(value)} is not a positive price.", "Give a price above zero, e.g. LEVEL=205, or leave it out.")
    return number


def source(value: str | None) -> str:
    """One of ``auto`` (default), ``snapshot``, ``yahoo``, ``cache`` or ``local`` (see :mod:`analysis.data`)."""
    name = (value or "auto").strip().lower()
    if name not in SOURCES:
        raise InputError(f"SOURCE {shown(value)} is not known.", f"Use one of: {', '.join(SOURCES)}.")
    return name


def positive_int(value: str | int, *, what: str, minimum: int = 1) -> int:
    """A whole number of at least ``minimum`` (windows, confirmation counts...)."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError(f"{what} {shown(value)} is not a whole number.", f"Give a whole number >= {minimum}.") from None
    if number < minimum:
        raise InputError(f"{what} {number} is below {minimum}.", f"Give a whole number >= {minimum}.")
    return number


_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(s|m|h)?\s*$", re.IGNORECASE)
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600}
#: The numeric environment variables: name -> (default seconds, minimum seconds).
DURATIONS = {"MOMENTUM_CELL_TIMEOUT": (300.0, 1.0), "MOMENTUM_PDF_TIMEOUT": (120.0, 1.0),
             "MOMENTUM_LOCK_WAIT": (900.0, 0.0), "MOMENTUM_YAHOO_TIMEOUT": (8.0, 0.1),
             "MOMENTUM_DASK_TIMEOUT": (15.0, 0.1)}
#: A week: longer waits are typing mistakes (and overflow some timers).
MAX_SECONDS = 7 * 24 * 3600.0


def seconds(name: str) -> float:
    """The duration in environment variable ``name`` (one of :data:`DURATIONS`), in seconds.

    ``300``, ``300s``, ``5m``, ``1.5h``; unset or empty means the default. Anything else, or a
    value below the variable's minimum or above a week, is an :class:`InputError` naming it.
    """
    default, minimum = DURATIONS[name]
    raw = os.environ.get(name, "")
    if not raw.strip():
        return default
    match = _DURATION.match(raw)
    value = float(match.group(1)) * _UNIT[(match.group(2) or "").lower()] if match else None
    if value is None or not minimum <= value <= MAX_SECONDS:
        raise InputError(f"{name}={shown(raw)} is not a duration from {minimum:g} s to a week.",
                         f"Give seconds, or a number with s, m or h, e.g. {name}={default:g} or {name}=10m;"
                         " or unset it for the default.")
    return value


def check_environment() -> None:
    """Validate every numeric environment variable now (the command line does, before any work)."""
    for name in DURATIONS:
        seconds(name)
