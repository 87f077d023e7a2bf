"""The parameters a user sets, declared once: their validation, the table, the request.

* validators (:func:`ticker`, :func:`as_of`, :func:`level` ...) return the clean value or
  raise :class:`~analysis.errors.InputError` naming the bad value and how to fix it;
* :data:`PARAMETERS` is the one table of every parameter (name, type, default, help,
  validator, make variable): the command line's options, ``make help``, the notebooks'
  parameters cells (checked by ``tests/test_params.py``) and :class:`Request` derive from it;
* :class:`Settings` are the study's knobs and :class:`Request` one validated piece.

Adding a parameter is one :class:`Parameter` row here plus its use. Nothing here touches
data or disk, and only the standard library is imported (``make help`` runs it bare).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

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
_WHOLE = re.compile(r"[+-]?\d+", re.ASCII)


def level(value: str | float | None) -> float | None:
    """A positive price level that overrides the computed level to clear, or ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, str) and not _DECIMAL.fullmatch(value.strip()):
            raise ValueError(value)  # float() also reads 2_05 as 205 and full-width digits
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
    name = (value or "auto").strip().lower()
    if name not in SOURCES:
        raise InputError(f"SOURCE {shown(value)} is not known.", f"Use one of: {', '.join(SOURCES)}.")
    return name


def positive_int(value: str | int, *, what: str, minimum: int = 1, maximum: int | None = None, why: str = "") -> int:
    """A whole number of at least ``minimum`` and at most ``maximum`` (windows, confirmation counts...).

    ``why`` says in the error why the maximum is what it is."""
    wanted = f"a whole number from {minimum} to {maximum}" if maximum is not None else f"a whole number >= {minimum}"
    try:
        text = str(value).strip()
        if not _WHOLE.fullmatch(text):
            raise ValueError(text)  # int() also reads 1_0 as 10 and non-ASCII digits
        number = int(text)
    except ValueError:
        raise InputError(f"{what} {shown(value)} is not a whole number.", f"Give {wanted}.") from None
    if number < minimum:
        raise InputError(f"{what} {number} is below {minimum}.", f"Give {wanted}.")
    if maximum is not None and number > maximum:
        digits = str(number) if number < 10**12 else f"{str(number)[:12]}... ({len(str(number))} digits)"
        raise InputError(f"{what} {digits} is above {maximum}{why}.", f"Give {wanted}.")
    return number


def jobs(option: str | None, *, flag: str = "--jobs") -> int:
    """Worker processes: ``option`` (the command line's ``--jobs``) if given, else ``$JOBS``, else
    the number of cores. A bad value is named where it was typed: ``--jobs`` or ``JOBS``."""
    if option is not None:
        return positive_int(option, what=flag)
    from_make = os.environ.get("JOBS", "")
    return positive_int(from_make, what="JOBS") if from_make.strip() else os.cpu_count() or 1


def positive_float(value: float | str, *, what: str) -> float:
    """A finite number above zero (band widths...)."""
    try:
        if isinstance(value, str) and not _DECIMAL.fullmatch(value.strip()):
            raise ValueError(value)  # float() also reads 2_05 as 205 and full-width digits
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} {value!r} is not a number.", f"Give a number above zero, e.g. {what}=2.") from None
    if not math.isfinite(number) or number <= 0:
        raise InputError(f"{what} {value!r} is not above zero.", f"Give a number above zero, e.g. {what}=2.")
    return number


def file_stem(ticker: str) -> str:
    """The file-name form of a (validated) ticker: Yahoo's ``^VIX`` is saved as ``_VIX``."""
    return ticker.replace("^", "_")


def stem(ticker: str, benchmark: str | None = None) -> str:
    """A piece's file stem for validated symbols: ``IWM`` against its default benchmark
    (:func:`default_benchmark`: ``SPY`` for SPY vs RSP), else ``IWM_vs_QQQ``. The one place the
    rule is written: the piece, its research appendices and the runner all name their files with it."""
    if benchmark is None or benchmark == default_benchmark(ticker):
        return file_stem(ticker)
    return f"{file_stem(ticker)}_vs_{file_stem(benchmark)}"


# -- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """One parameter: how it is named, typed, defaulted, explained and validated, once.

    ``default`` is what the command line and ``make`` use; ``notebook_default`` the value a
    notebook's parameters cell shows when it differs (a notebook opened by hand reads the
    bundled data, so its ``source`` is ``snapshot``); ``env`` is the make variable; ``scope``
    says who takes it: ``piece`` (every piece and its appendices) or ``research`` (knobs of
    the research notebooks, defaults per notebook in ``notebook_defaults``).
    """

    name: str
    type: type
    default: Any
    help: str
    validate: Callable[[Any], Any] | None = None
    env: str | None = None
    notebook_default: Any = None
    scope: str = "piece"
    notebook_defaults: dict[str, Any] = field(default_factory=dict)

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def default_in(self, notebook: str) -> Any:
        """The default this parameter shows in ``notebooks/<notebook>.ipynb``."""
        if notebook in self.notebook_defaults:
            return self.notebook_defaults[notebook]
        return self.default if self.notebook_default is None else self.notebook_default


#: The most closes CONFIRM_N may ask for: the fast average's own window (as LEVEL must lie near
#: the prices traded, a run longer than the average it is measured against confirms nothing).
CONFIRM_MAX = 50
CONFIRM_WHY = f": a run of closes longer than the {CONFIRM_MAX}-DMA's own window confirms no turn"


def _what(name: str):
    return lambda v: positive_int(v, what=name)


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "ticker",
        str,
        "IWM",
        "symbol to write about, in Yahoo's spelling (IWM, QQQ, ^RUT, BTC-USD)",
        ticker,
        env="TICKER",
    ),
    Parameter(
        "benchmark",
        str,
        "",
        f"leadership and relative returns are measured against it; empty for {DEFAULT_BENCHMARK}"
        f" ({SELF_BENCHMARK}, the equal-weight S&P 500, in a piece about {DEFAULT_BENCHMARK})",
        None,
        env="BENCHMARK",
        notebook_default=DEFAULT_BENCHMARK,
    ),
    Parameter(
        "as_of",
        str,
        "",
        "ISO date (YYYY-MM-DD) the piece is written as of; empty for the latest session",
        as_of,
        env="AS_OF",
    ),
    Parameter(
        "source",
        str,
        "auto",
        "price data: auto (Yahoo, else local), snapshot (bundled), local, cache or yahoo",
        source,
        env="SOURCE",
        notebook_default="snapshot",
    ),
    Parameter(
        "level",
        float,
        "",
        "price the ticker needs to clear; empty (0 in a notebook) for the computed level",
        level,
        env="LEVEL",
        notebook_default=0.0,
    ),
    Parameter(
        "confirm_n",
        int,
        2,
        "consecutive closes above the 50-DMA that confirm a turn",
        lambda v: positive_int(v, what="CONFIRM_N", maximum=CONFIRM_MAX, why=CONFIRM_WHY),
        env="CONFIRM_N",
    ),
    Parameter(
        "source_note", str, "", "set by the runner: why the auto source fell back to local data", None, scope="runner"
    ),
    Parameter(
        "appendices",
        bool,
        False,
        "set by the runner: the research appendices are written beside this piece (links shown)",
        None,
        scope="runner",
    ),
    # knobs of the research notebooks (each notebook's parameters cell shows those it uses)
    Parameter("fast", int, 50, "sessions in the fast moving average (the 50-DMA)", _what("fast"), scope="research"),
    Parameter("slow", int, 200, "sessions in the slow moving average (the 200-DMA)", _what("slow"), scope="research"),
    Parameter(
        "band_width",
        float,
        2.0,
        "band half-width in standard deviations",
        lambda v: positive_float(v, what="band_width"),
        scope="research",
    ),
    Parameter(
        "level_window",
        int,
        22,
        "sessions looked back for the level a close must clear",
        _what("level_window"),
        scope="research",
    ),
    Parameter("horizon", int, 20, "sessions ahead for the forward return shown", _what("horizon"), scope="research"),
    Parameter(
        "horizons",
        str,
        "5 20 60",
        "sessions ahead at which returns are measured, separated by spaces",
        None,
        scope="research",
        notebook_defaults={"macro": "20 60 120", "track_record": "20 60"},
    ),
    Parameter(
        "min_months",
        int,
        3,
        "inverted months (monthly average below 0) before an un-inversion counts",
        _what("min_months"),
        scope="research",
    ),
    Parameter(
        "months",
        int,
        120,
        "months in a window of the size premium (120 months: ten years)",
        _what("months"),
        scope="research",
    ),
    Parameter(
        "ahead",
        int,
        60,
        "months after a similar window whose SMB is compounded (60: five years)",
        _what("ahead"),
        scope="research",
    ),
    Parameter(
        "min_n",
        int,
        10,
        "fewer counted occurrences than this are marked too few to read",
        _what("min_n"),
        scope="research",
    ),
    Parameter(
        "years",
        int,
        10,
        "years of history the charts draw; 0 for all of it",
        lambda v: positive_int(v, what="years", minimum=0),
        scope="research",
        notebook_defaults={"scorecard": 3, "real_motion": 5, "triggers": 2, "track_record": 0},
    ),
    Parameter(
        "growth_years",
        int,
        10,
        "years of the growth-of-one-dollar chart; 0 for all of it",
        lambda v: positive_int(v, what="growth_years", minimum=0),
        scope="research",
    ),
    Parameter(
        "rows",
        int,
        10,
        "rows in the recent tables",
        _what("rows"),
        scope="research",
        notebook_defaults={"scorecard": 12},
    ),
    Parameter(
        "step",
        int,
        21,
        "sessions between two scorecards of the history (21 is about a month)",
        _what("step"),
        scope="research",
    ),
    Parameter(
        "config",
        str,
        "",
        "a scenarios TOML file of your own, relative to the project folder; empty for the project's",
        None,
        scope="research",
    ),
)

_benchmark = benchmark  # Request.parse's arguments shadow the validators' names
BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}
PIECE_PARAMETERS = tuple(p for p in PARAMETERS if p.scope == "piece")


@dataclass(frozen=True)
class Settings:
    """The knobs of a study; defaults are the commentary's (and :data:`PARAMETERS`')."""

    fast: int = 50  # sessions in the fast moving average (the "50-DMA")
    slow: int = 200  # sessions in the slow moving average (the "200-DMA")
    band_width: float = 2.0  # band half-width in standard deviations
    confirm_n: int = 2  # closes above the 50-DMA that confirm ("two closes above")
    level_window: int = 22  # sessions looked back for the level to clear (about a month)
    level: float | None = None  # a level to clear given by the user instead of the computed one

    @classmethod
    def parse(cls, **raw: Any) -> Settings:
        """Validate raw knob values (strings from a notebook or the command line) by the table."""
        clean = {}
        for f in fields(cls):
            if f.name in raw:
                value = raw[f.name]
                if f.name == "level":
                    clean["level"] = level(value) if value else None
                else:
                    clean[f.name] = BY_NAME[f.name].validate(value)
        return cls(**clean)


@dataclass(frozen=True)
class Request:
    """One piece a user asked for, validated (see :meth:`parse`)."""

    ticker: str
    benchmark: str = DEFAULT_BENCHMARK
    as_of: dt.date | None = None
    source: str = "auto"
    level: float | None = None
    confirm_n: int = 2

    @classmethod
    def parse(
        cls,
        ticker: str,
        benchmark: str | None = None,
        as_of: str | dt.date | None = None,
        source: str | None = None,
        level: str | float | None = None,
        confirm_n: str | int = 2,
    ) -> Request:
        """Validate raw strings (from make, the command line or a notebook) into a request."""
        check = {p.name: p.validate for p in PIECE_PARAMETERS}
        symbol = check["ticker"](ticker)
        return cls(
            ticker=symbol,
            benchmark=_benchmark(benchmark, symbol),
            as_of=check["as_of"](as_of),
            source=check["source"](source),
            level=check["level"](level or None),
            confirm_n=check["confirm_n"](confirm_n),
        )

    @property
    def settings(self) -> Settings:
        return Settings(confirm_n=self.confirm_n, level=self.level)

    @property
    def stem(self) -> str:
        """File name without extension: ``IWM`` (against SPY) or ``IWM_vs_QQQ``."""
        return stem(self.ticker, self.benchmark)

    @property
    def benchmark_note(self) -> str:
        """Why the benchmark is not the usual one, when the default chose it ("" otherwise)."""
        return benchmark_note(self.ticker, self.benchmark)

    def notebook_parameters(self, source: str | None = None, source_note: str = "", appendices: bool = False) -> dict:
        """Exactly what papermill injects into a piece's notebook."""
        return {
            "ticker": self.ticker,
            "benchmark": self.benchmark,
            "as_of": self.as_of.isoformat() if self.as_of else "",
            "source": source or self.source,
            "level": self.level or 0.0,
            "confirm_n": self.confirm_n,
            "source_note": source_note,
            "appendices": appendices,
        }


def add_arguments(parser, *, skip: tuple[str, ...] = ()) -> None:
    """One ``argparse`` option per piece parameter, its make variable (when set) the default,
    so the command line, ``make`` and the notebooks share this one table."""
    for param in PIECE_PARAMETERS:
        if param.name not in skip:
            shown = f"default {param.default}" if param.default != "" else "default: none"
            parser.add_argument(
                param.flag,
                default=str(os.environ.get(param.env, param.default)),
                help=f"{param.help} ({shown}; make {param.env}=...)",
            )


_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(s|m|h)?\s*$", re.IGNORECASE)
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600}
#: The numeric environment variables: name -> (default seconds, minimum seconds).
DURATIONS = {
    "MOMENTUM_CELL_TIMEOUT": (300.0, 1.0),
    "MOMENTUM_PDF_TIMEOUT": (120.0, 1.0),
    "MOMENTUM_LOCK_WAIT": (900.0, 0.0),
    "MOMENTUM_YAHOO_TIMEOUT": (8.0, 0.1),
    "MOMENTUM_DASK_TIMEOUT": (15.0, 0.1),
}
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
        raise InputError(
            f"{name}={shown(raw)} is not a duration from {minimum:g} s to a week.",
            f"Give seconds, or a number with s, m or h, e.g. {name}={default:g} or {name}=10m;"
            " or unset it for the default.",
        )
    return value


def check_environment() -> None:
    """Validate every numeric environment variable now (the command line does, before any work)."""
    for name in DURATIONS:
        seconds(name)


def help_table() -> str:
    """The make variables of a piece, their defaults and meaning (``make help`` prints it)."""
    rows = [(p.env, str(p.default) if p.default != "" else "(none)", p.help) for p in PIECE_PARAMETERS if p.env]
    return "\n".join(f"  {env:<10} {default:<9} {text}" for env, default, text in rows)


if __name__ == "__main__":
    print(help_table())
