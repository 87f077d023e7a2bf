"""Validators: each turns a raw value (from make, the command line or a notebook) into a clean one.

Each returns the clean value or raises :class:`~analysis.errors.InputError` naming the bad
value and how to fix it. Also the file-name rule of a piece (:func:`stem`). Standard library only.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re

from analysis.errors import InputError

#: Letters, digits and Yahoo's punctuation (``^VIX``, ``BRK-B``, ``BTC-USD``, ``EURUSD=X``, ``RDS.A``).
TICKER_MAX = 16
TICKER_PATTERN = re.compile(rf"^\^?[A-Z0-9][A-Z0-9.\-=]{{0,{TICKER_MAX - 1}}}$")  # the length is checked apart
SOURCES = ("auto", "snapshot", "yahoo", "cache", "local")
#: The benchmark of a piece unless the user names another.
DEFAULT_BENCHMARK = "SPY"
#: The benchmark of a piece about :data:`DEFAULT_BENCHMARK` itself unless the user names another:
#: the equal-weight S&P 500. Against the same 500 companies held equally, the cap-weighted
#: index's Leadership reads breadth (its largest members carrying it, or the average stock
#: keeping up), a question about the S&P 500 itself; small caps (IWM) would mirror the IWM
#: piece, and the Nasdaq-100 (QQQ) shares its largest holdings.
SELF_BENCHMARK = "RSP"


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
        raise InputError(
            f"{what} {raw[:20]!r}... is {len(raw)} characters long; a ticker has at most {TICKER_MAX}.", fix
        )
    symbol = raw.upper()  # ASCII first: "ıwm".upper() is "IWM" and "ß".upper() is "SS"
    if not raw.isascii() or not TICKER_PATTERN.match(symbol):
        raise InputError(
            f"{what} {shown(raw)} is not a ticker symbol: only the letters A-Z, digits and . - = "
            "(and a leading ^ for an index) are allowed.",
            fix if example else f"Give a symbol, e.g. {what}=IWM or {what}=^VIX.",
        )
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


def default_benchmark(ticker_symbol: str) -> str:
    """The benchmark of a piece about ``ticker_symbol`` when the user names none: SPY, and for
    SPY itself the equal-weight S&P 500 (:data:`SELF_BENCHMARK`), so no default is refused."""
    return SELF_BENCHMARK if ticker_symbol == DEFAULT_BENCHMARK else DEFAULT_BENCHMARK


def benchmark_note(ticker_symbol: str, benchmark_symbol: str) -> str:
    """Why a piece about the usual benchmark is measured against :data:`SELF_BENCHMARK` ("" for
    any other pair). A function of the pair alone, so every layer (and a notebook that gets the
    benchmark from the runner) says the same."""
    if (ticker_symbol, benchmark_symbol) != (DEFAULT_BENCHMARK, SELF_BENCHMARK):
        return ""
    return (
        f"Benchmark: {SELF_BENCHMARK}, the equal-weight S&P 500, because this piece is about {DEFAULT_BENCHMARK},"
        " the usual benchmark. Both hold the same 500 companies, so Leadership here reads breadth: above zero,"
        " the largest companies are carrying the index; below zero, the average stock is keeping up or leading."
        f" Give BENCHMARK= to measure {DEFAULT_BENCHMARK} against another series."
    )


def benchmark(value: str | None, ticker_symbol: str) -> str:
    """A validated benchmark that differs from the ticker; empty or ``None`` is the default
    for the ticker (:func:`default_benchmark`). A benchmark the user names equal to the ticker
    is refused."""
    raw = "" if value is None else str(value).strip()
    if not raw:
        return default_benchmark(ticker_symbol)
    symbol = ticker(raw, what="BENCHMARK")
    if symbol == ticker_symbol:
        other = default_benchmark(symbol)
        raise InputError(
            f"BENCHMARK {symbol} is the same as TICKER: leadership against itself is always zero.",
            f"Pick another benchmark, e.g. BENCHMARK={other}, or leave BENCHMARK out for {other}.",
        )
    return symbol


def as_of(value: str | dt.date | None, *, today: dt.date | None = None) -> dt.date | None:
    """An ISO date (``YYYY-MM-DD``) not in the future, or ``None`` for "the latest session"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime) and value == value:  # pd.NaT is a datetime, and not a date
        day = value.date()
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    else:
        text = str(value).strip()
        try:
            if isinstance(value, dt.datetime) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise InputError(
                f"AS_OF {shown(text)} is not a date.",
                "Write it as YYYY-MM-DD, e.g. AS_OF=2024-07-08, or leave it out for the latest session.",
            ) from None
    today = today or dt.date.today()
    if day > today:
        raise InputError(
            f"AS_OF {day.isoformat()} is in the future (today is {today.isoformat()}).",
            "Use a past date, or leave AS_OF out for the latest session.",
        )
    return day


#: A number as a user writes one: ASCII digits, an optional sign, point and exponent (and the
#: words float() reads, nan and inf, which the range check refuses); not ``2_05`` or ``２０５``.
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(nan|inf|infinity)", re.ASCII | re.IGNORECASE)
_WHOLE = re.compile(r"([+-]?\d+)(?:\.0*)?", re.ASCII)  # 20 or 20.0: the same whole number


def level(value: str | float | None) -> float | None:
    """A positive price level that overrides the computed level to clear, or ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, str) and not _DECIMAL.fullmatch(value.strip())):
            raise ValueError(value)  # float() also reads 2_05 as 205, full-width digits, and True as 1
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(
            f"LEVEL {shown(value)} is not a number.", "Give a price, e.g. LEVEL=205, or leave it out."
        ) from None
    if not math.isfinite(number) or number <= 0:
        raise InputError(
            f"LEVEL {shown(value)} is not a positive price.",
            "Give a price above zero, e.g. LEVEL=205, or leave it out.",
        )
    return number


def source(value: str | None) -> str:
    """One of ``auto`` (default), ``snapshot``, ``yahoo``, ``cache`` or ``local`` (see :mod:`analysis.data`)."""
    name = (value or "auto").strip().lower() if isinstance(value, str | None) else repr(value)
    if name not in SOURCES:
        raise InputError(f"SOURCE {shown(value)} is not known.", f"Use one of: {', '.join(SOURCES)}.")
    return name


def positive_int(value: str | int, *, what: str, minimum: int = 1, maximum: int | None = None, why: str = "") -> int:
    """A whole number of at least ``minimum`` and at most ``maximum`` (windows, confirmation counts...).

    ``why`` says in the error why the maximum is what it is."""
    wanted = f"a whole number from {minimum} to {maximum}" if maximum is not None else f"a whole number >= {minimum}"
    try:
        text = str(value).strip()
        if isinstance(value, numbers.Real) and not isinstance(value, int) and float(value).is_integer():
            text = str(int(value))  # 20.0 (papermill's -p, a notebook, np.linspace) is 20; 20.5 is not
        whole = _WHOLE.fullmatch(text)
        if not whole:
            raise ValueError(text)  # int() also reads 1_0 as 10 and non-ASCII digits
        number = int(whole[1])
    except ValueError:
        raise InputError(f"{what} {shown(value)} is not a whole number.", f"Give {wanted}.") from None
    if number < minimum:
        raise InputError(f"{what} {number} is below {minimum}.", f"Give {wanted}.")
    if maximum is not None and number > maximum:
        digits = str(number) if number < 10**12 else f"{str(number)[:12]}... ({len(str(number))} digits)"
        raise InputError(f"{what} {digits} is above {maximum}{why}.", f"Give {wanted}.")
    return number


def positive_float(value: float | str, *, what: str, least: float = 0.0, most: float = math.inf) -> float:
    """A finite number above zero (band widths...), from ``least`` to ``most`` when they are given."""
    try:
        if isinstance(value, bool) or (isinstance(value, str) and not _DECIMAL.fullmatch(value.strip())):
            raise ValueError(value)  # float() also reads 2_05 as 205, full-width digits, and True as 1
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} {value!r} is not a number.", f"Give a number above zero, e.g. {what}=2.") from None
    if not math.isfinite(number) or number <= 0:
        raise InputError(f"{what} {value!r} is not above zero.", f"Give a number above zero, e.g. {what}=2.")
    if not least <= number <= most:  # 1e-300 is written "0" in a file name and a note; 1e300 in 301 digits
        raise InputError(
            f"{what} {shown(value)} is outside {least:g} .. {most:g}.", f"Give a number in that range, e.g. {what}=2."
        )
    return number


def runner_values(source_note: object, appendices: object) -> tuple[str, bool]:
    """The two parameters only the runner sets, checked when a user sets them (``papermill -p
    source_note 5`` passes an int, ``-p appendices no`` the text "no", which is true)."""
    if not isinstance(source_note, str | None):
        raise InputError(f"source_note {shown(source_note)} is not text.", "Leave it out: the runner sets it.")
    if not isinstance(appendices, bool):
        raise InputError(
            f"appendices {shown(appendices)} is not True or False.", "Leave it out: the runner sets it (True or False)."
        )
    return source_note or "", appendices


def file_stem(ticker: str) -> str:
    """The file-name form of a (validated) ticker: Yahoo's ``^VIX`` is saved as ``_VIX``."""
    return ticker.replace("^", "_")


def stem(ticker: str, benchmark: str | None = None, knobs: str = "") -> str:
    """A piece's file stem for validated symbols: ``IWM`` against its default benchmark
    (:func:`default_benchmark`: ``SPY`` for SPY vs RSP), else ``IWM_vs_QQQ``; with knobs that
    differ from the defaults their tag follows (``IWM_fast20``, ``IWM_vs_QQQ_fast20_slow100``:
    :attr:`analysis.params.Knobs.tag`), so such a piece never overwrites the default one. The one
    place the rule is written: the piece, its research appendices and the runner all name their
    files with it."""
    base = file_stem(ticker)
    if benchmark is not None and benchmark != default_benchmark(ticker):
        base = f"{base}_vs_{file_stem(benchmark)}"
    return f"{base}_{knobs}" if knobs else base


#: The most sessions (or months, years, occurrences) a whole-number knob may be: about four centuries
#: of sessions, longer than any history (a larger window only overflows; it reads nothing more).
WHOLE_MAX = 100_000
WHOLE_WHY = ": no history is that long"


def horizons(value: str | tuple[int, ...] | list[int], *, what: str = "HORIZONS") -> str:
    """Sessions ahead, ``"5 20 60"`` (spaces or commas): whole numbers >= 1, duplicates dropped,
    written back as ``"5 20 60"``."""
    items = value.replace(",", " ").split() if isinstance(value, str) else [str(v) for v in value]
    if not items:
        raise InputError(f"{what} is empty.", f'Give sessions ahead, e.g. {what}="5 20 60".')
    clean = dict.fromkeys(positive_int(h, what=f"{what} entry", maximum=WHOLE_MAX, why=WHOLE_WHY) for h in items)
    return " ".join(str(h) for h in clean)


#: What a scenarios file's name may hold in a file stem (``scenarios-mine``).
_NAME = re.compile(r"[^A-Za-z0-9-]+")


def scenarios_file(value: str | None) -> str:
    """A scenarios TOML file of one's own (relative to the project folder, or absolute), or ``""``
    for the piece's own set. Only its form is checked here; it is read (and refused with the
    reason, exit 2) where it is used."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if not text.endswith(".toml") or any(c in text for c in "\n\r\0"):
        raise InputError(
            f"SCENARIOS_FILE {shown(text)} is not the path of a .toml file.",
            "Give a scenarios file, e.g. SCENARIOS_FILE=my_scenarios.toml (a copy of"
            " analysis/config/scenarios.toml), or leave it out for the piece's own set.",
        )
    return text


def scenarios_tag(path: str) -> str:
    """The file-stem form of a scenarios file: ``scenarios-<its name>``."""
    name = _NAME.sub("-", path.rsplit("/", 1)[-1].removesuffix(".toml")).strip("-")[:40]
    return f"scenarios-{name or 'file'}"
