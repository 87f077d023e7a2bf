"""One piece a user asked for: its symbols and date (:class:`Request`) and its knobs (:class:`Knobs`).

:class:`Knobs` are every knob of the table (:data:`analysis.params.table.KNOBS`), validated;
:class:`Settings` the subset a study computes with. A request's :attr:`Request.stem` names
its files and carries the knobs that differ from their defaults (``IWM_fast20``), and
:meth:`Request.notebook_parameters` is exactly what the runner injects: every parameter,
so a notebook's own defaults never decide what is published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from analysis.errors import InputError
from analysis.params import checks
from analysis.params.table import BY_NAME, KNOBS


def _default(name: str) -> Any:
    value = BY_NAME[name].default
    return None if name == "level" else value


@dataclass(frozen=True)
class Settings:
    """The knobs of a study; defaults are the commentary's (and :data:`~analysis.params.PARAMETERS`')."""

    fast: int = 50  # sessions in the fast moving average (the "50-DMA")
    slow: int = 200  # sessions in the slow moving average (the "200-DMA")
    band_width: float = 2.0  # band half-width in standard deviations
    confirm_n: int = 2  # closes above the 50-DMA that confirm ("two closes above")
    level_window: int = 22  # sessions looked back for the level to clear (about a month)
    level: float | None = None  # a level to clear given by the user instead of the computed one

    @classmethod
    def parse(cls, **raw: Any) -> Settings:
        """Validate raw knob values (strings from a notebook or the command line) by the table."""
        return Knobs.parse(**{f.name: raw[f.name] for f in fields(cls) if f.name in raw}).settings


@dataclass(frozen=True)
class Knobs:
    """Every knob of the table, validated; a field's default is the table's (``level``: ``None``).

    Build with :meth:`parse` (raw values; ``None`` or ``""`` is the default). :meth:`changed`
    lists those that differ from their defaults: :attr:`tag` names them in file stems and
    :meth:`phrases` in words.
    """

    level: float | None = _default("level")
    confirm_n: int = _default("confirm_n")
    fast: int = _default("fast")
    slow: int = _default("slow")
    band_width: float = _default("band_width")
    level_window: int = _default("level_window")
    horizon: int = _default("horizon")
    horizons: str = _default("horizons")
    macro_horizons: str = _default("macro_horizons")
    track_horizons: str = _default("track_horizons")
    min_months: int = _default("min_months")
    months: int = _default("months")
    ahead: int = _default("ahead")
    min_n: int = _default("min_n")
    years: int = _default("years")
    rm_years: int = _default("rm_years")
    trigger_years: int = _default("trigger_years")
    score_years: int = _default("score_years")
    track_years: int = _default("track_years")
    growth_years: int = _default("growth_years")
    rows: int = _default("rows")
    step: int = _default("step")
    scenarios_file: str = _default("scenarios_file")

    @classmethod
    def parse(cls, **raw: Any) -> Knobs:
        """Validate raw knob values by the table; an unknown name, a bad value or a bad pair
        (a fast average not shorter than the slow one...) is an :class:`InputError`."""
        unknown = [name for name in raw if name not in BY_NAME or BY_NAME[name].scope != "knob"]
        if unknown:
            raise InputError(
                f"{', '.join(map(repr, unknown))} {'is not a knob' if len(unknown) == 1 else 'are not knobs'}.",
                f"Use one of: {', '.join(p.name for p in KNOBS)} (analysis/params/table.py).",
            )
        clean = {name: _clean(name, value) for name, value in raw.items() if not _unset(name, value)}
        knobs = cls(**clean)
        knobs._check_pairs()
        return knobs

    def _check_pairs(self) -> None:
        if self.fast >= self.slow:
            raise InputError(
                f"FAST {self.fast} is not below SLOW {self.slow}: the phases read a fast average against a slower one.",
                f"Give a fast average shorter than the slow one, e.g. FAST={min(50, self.slow - 1)} SLOW={self.slow}.",
            )
        if self.confirm_n > self.fast:
            raise InputError(
                f"CONFIRM_N {self.confirm_n} is above FAST {self.fast}: a run of closes longer than the fast"
                " average's own window confirms no turn.",
                f"Give CONFIRM_N from 1 to {self.fast}.",
            )

    @property
    def settings(self) -> Settings:
        """The study's knobs."""
        return Settings(**{f.name: getattr(self, f.name) for f in fields(Settings)})

    def changed(self) -> dict[str, Any]:
        """``{name: value}`` of the knobs that differ from their defaults, in table order."""
        return {p.name: getattr(self, p.name) for p in KNOBS if getattr(self, p.name) != _default(p.name)}

    @property
    def tag(self) -> str:
        """The changed knobs in a file stem: ``fast20_slow100`` (``""`` for the defaults)."""
        return "_".join(BY_NAME[name].stem_part(value) for name, value in self.changed().items())

    def phrases(self, output: str | None = None) -> list[str]:
        """Each changed knob in words with its default: ``fast average 20 sessions (default 50)``.

        With ``output`` (``piece`` or a research notebook's name), only the knobs that change it."""
        return [
            f"{BY_NAME[name].says(value)} (default {BY_NAME[name].text(BY_NAME[name].default) or 'none'})"
            for name, value in self.changed().items()
            if output is None or output in BY_NAME[name].used_by
        ]

    def note(self, output: str, stem: str, default_stem: str) -> str:
        """What a first page says when knobs differ from their defaults ("" when none does)."""
        if not self.changed():
            return ""
        own, others = self.phrases(output), [p for p in self.phrases() if p not in self.phrases(output)]
        parts = [f"Written with knobs that differ from the defaults: {'; '.join(own)}." if own else ""]
        if others:
            whose = "the research appendices" if output == "piece" else "the piece or the other appendices"
            parts.append(f"{'Also' if own else 'Knobs'} set for {whose}, not used here: {'; '.join(others)}.")
        parts.append(f"Its files are named {stem}; the default ones {default_stem}.")
        return " ".join(p for p in parts if p)

    def notebook_values(self) -> dict[str, Any]:
        """Every knob as a notebook's parameters cell takes it (``level``: 0.0 for none)."""
        return {p.name: (self.level or 0.0) if p.name == "level" else getattr(self, p.name) for p in KNOBS}


def _unset(name: str, value: Any) -> bool:
    """``None``, an empty string, and a ``level`` of 0 (a notebook's "none") leave a knob at its default."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    return name == "level" and not isinstance(value, str) and value == 0


def _clean(name: str, value: Any) -> Any:
    check = BY_NAME[name].validate
    return check(value) if check is not None else value


#: The longest file stem a piece may have, in bytes: its longest file, ``.<stem>_track_record.ipynb.<pid>.previous``
#: (kept aside while it is replaced), adds 37 bytes, and no file system takes a name over 255.
MAX_STEM = 200


def _check_stem(stem: str, knobs: Knobs) -> None:
    """Refuse knobs whose file names no file system would take (``HORIZONS="1 2 ... 120"``: a 379-byte stem
    failed at the lock with "File name too long. Set MOMENTUM_REPORTS_DIR ...", exit 5)."""
    size = len(stem.encode())
    if size <= MAX_STEM:
        return
    parts = {name: BY_NAME[name].stem_part(value) for name, value in knobs.changed().items()}
    if "level" in parts and size - len(parts["level"].encode()) - 1 <= MAX_STEM:
        return  # LEVEL=1e308: refused with the prices it is far from, once they are read (a level is a price)
    longest = max(parts, key=lambda name: len(parts[name]), default="")
    variable = BY_NAME[longest].env or longest.upper() if longest else "TICKER"
    raise InputError(
        f"the knobs given make the piece's file names too long: {stem[:40]}... is {size} bytes, and a piece's"
        f" stem may be at most {MAX_STEM} (a file name at most 255);",
        f"give {variable} fewer or shorter values (its part of the name is {len(parts.get(longest, ''))} bytes).",
    )


@dataclass(frozen=True)
class Request:
    """One piece a user asked for, validated (see :meth:`parse`)."""

    ticker: str
    benchmark: str = checks.DEFAULT_BENCHMARK
    as_of: dt.date | None = None
    source: str = "auto"
    knobs: Knobs = field(default_factory=Knobs)

    @classmethod
    def parse(
        cls,
        ticker: str,
        benchmark: str | None = None,
        as_of: str | dt.date | None = None,
        source: str | None = None,
        level: str | float | None = None,
        confirm_n: str | int | None = None,
        **knobs: Any,
    ) -> Request:
        """Validate raw strings (from make, the command line or a notebook) into a request;
        ``knobs`` are the other knobs of the table by name (``fast=20``)."""
        symbol = checks.ticker(ticker)
        return cls(
            ticker=symbol,
            benchmark=checks.benchmark(benchmark, symbol),
            as_of=checks.as_of(as_of),
            source=checks.source(source),
            knobs=Knobs.parse(level=level, confirm_n=confirm_n, **knobs),
        )

    def __post_init__(self) -> None:
        _check_stem(self.stem, self.knobs)

    @property
    def level(self) -> float | None:
        return self.knobs.level

    @property
    def confirm_n(self) -> int:
        return self.knobs.confirm_n

    @property
    def settings(self) -> Settings:
        return self.knobs.settings

    @property
    def stem(self) -> str:
        """File name without extension: ``IWM`` (against SPY), ``IWM_vs_QQQ``, ``IWM_fast20``."""
        return checks.stem(self.ticker, self.benchmark, self.knobs.tag)

    @property
    def default_stem(self) -> str:
        """The stem of the same piece with every knob at its default."""
        return checks.stem(self.ticker, self.benchmark)

    @property
    def benchmark_note(self) -> str:
        """Why the benchmark is not the usual one, when the default chose it ("" otherwise)."""
        return checks.benchmark_note(self.ticker, self.benchmark)

    def knob_note(self, output: str = "piece") -> str:
        """The first page's word on knobs that differ from their defaults ("" when none does)."""
        return self.knobs.note(output, self.stem, self.default_stem)

    def research_parameters(self, as_of: str, source: str) -> dict[str, Any]:
        """Exactly what the runner injects into a research notebook: every parameter but the runner's."""
        return {
            "ticker": self.ticker,
            "benchmark": self.benchmark,
            "as_of": as_of,
            "source": source,
            **self.knobs.notebook_values(),
        }

    def notebook_parameters(self, source: str | None = None, source_note: str = "", appendices: bool = False) -> dict:
        """Exactly what papermill injects into a piece's notebook: every parameter of the table."""
        as_of = self.as_of.isoformat() if self.as_of else ""
        return {
            **self.research_parameters(as_of, source or self.source),
            "source_note": source_note,
            "appendices": appendices,
        }
