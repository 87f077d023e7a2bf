"""Validation of what a user types: tickers, dates, levels, sources.

Each function returns the clean value or raises :class:`~analysis.errors.InputError` with a
message that names the bad value and says how to fix it. Nothing here touches data or disk.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from analysis.errors import InputError

#: Letters, digits and Yahoo's punctuation (``^VIX``, ``BRK-B``, ``BTC-USD``, ``EURUSD=X``, ``RDS.A``).
TICKER_PATTERN = re.compile(r"^\^?[A-Z0-9][A-Z0-9.\-=]{0,14}$")
TICKER_MAX = 16
SOURCES = ("auto", "snapshot", "yahoo", "cache", "local")


def ticker(value: str | None, *, what: str = "TICKER") -> str:
    """Upper-cased, validated ticker symbol (``"iwm"`` -> ``"IWM"``)."""
    raw = "" if value is None else str(value).strip()
    if not raw:
        raise InputError(f"{what} is empty.", f"Give a symbol, e.g. {what}=IWM.")
    if len(raw) > TICKER_MAX:
        raise InputError(f"{what} {raw[:20]!r}... is {len(raw)} characters long;"
                         f" a ticker has at most {TICKER_MAX}.", f"Give a symbol, e.g. {what}=IWM.")
    symbol = raw.upper()
    if not TICKER_PATTERN.match(symbol):
        raise InputError(f"{what} {raw!r} is not a ticker symbol: only letters, digits and . - = "
                         "(and a leading ^ for an index) are allowed.",
                         f"Give a symbol, e.g. {what}=IWM or {what}=^VIX.")
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
        raise InputError(f"BENCHMARK {symbol} is the same as TICKER: leadership against itself is"
                         " always zero.", "Pick another benchmark, e.g. BENCHMARK=SPY (or QQQ when TICKER=SPY).")
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
            raise InputError(f"AS_OF {text!r} is not a date.",
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
        raise InputError(f"LEVEL {value!r} is not a number.", "Give a price, e.g. LEVEL=205, or leave it out.") from None
    if not math.isfinite(number) or number <= 0:
        raise InputError(f"LEVEL {value!r} is not a positive price.", "Give a price above zero, e.g. LEVEL=205, or leave it out.")
    return number


def source(value: str | None) -> str:
    """One of ``auto`` (default), ``snapshot``, ``yahoo``, ``cache`` or ``local`` (see :mod:`analysis.data`)."""
    name = (value or "auto").strip().lower()
    if name not in SOURCES:
        raise InputError(f"SOURCE {value!r} is not known.", f"Use one of: {', '.join(SOURCES)}.")
    return name


def positive_int(value: str | int, *, what: str, minimum: int = 1) -> int:
    """A whole number of at least ``minimum`` (windows, confirmation counts...)."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError(f"{what} {value!r} is not a whole number.", f"Give a whole number >= {minimum}.") from None
    if number < minimum:
        raise InputError(f"{what} {number} is below {minimum}.", f"Give a whole number >= {minimum}.")
    return number
