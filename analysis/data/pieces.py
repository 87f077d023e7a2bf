"""Published pieces read back: the newest earlier summary of a ticker against a benchmark.

A piece is published as ``<reports>/<YYYY-MM-DD>/<STEM>.json`` (the folder is its as-of
session, the stem :func:`analysis.params.stem`); :func:`previous_piece` finds the one a new
piece compares itself with ("since the last piece"). Only reading happens here: nothing is
written, and a file that cannot be read as a summary is passed over, never an error (a broken
old piece must not stop a new one).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from pathlib import Path

from analysis.params import Knobs, stem
from analysis.paths import reports_dir as default_reports_dir

#: A summary larger than this is not read (a real one is about 100 kB).
MAX_BYTES = 20_000_000

_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _folders(root: Path) -> list[tuple[dt.date, Path]]:
    """The dated folders of ``root`` (``YYYY-MM-DD`` names that are real dates), newest first."""
    out = []
    try:  # a root that cannot be read (a name too long, no permission) has no earlier piece
        if not root.is_dir():
            return []
        for folder in root.iterdir():
            if folder.is_dir() and _DATE_DIR.match(folder.name):
                try:
                    out.append((dt.date.fromisoformat(folder.name), folder))
                except ValueError:
                    continue
    except OSError:
        return []
    return sorted(out, reverse=True)


def _read(path: Path) -> dict | None:
    """The JSON object in ``path``, or ``None`` when it is not a readable, reasonably sized JSON object."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):  # ValueError: bad JSON, a 5,000-digit int
        return None
    return value if isinstance(value, dict) else None


#: The phases a piece can be in (``analysis.indicators.PHASES``; repeated here, the data layer reads no indicator).
_PHASES = ("bullish", "warning", "distribution", "bearish", "recovery", "accumulation")
#: No price, score or count a piece states is this large; a bigger one is a corrupt or forged file.
_HUGE = 1e12


def _num(x, *, none: bool = True) -> bool:
    if x is None:
        return none
    # the size first: a 400-digit int cannot even be turned into a float
    return isinstance(x, int | float) and not isinstance(x, bool) and abs(x) < _HUGE and math.isfinite(x)


def _level_ok(level) -> bool:
    return level is None or (
        isinstance(level, dict)
        and _num(level.get("price"))
        and (level.get("kind") is None or isinstance(level.get("kind"), str))
        and (level.get("window") is None or _num(level.get("window"), none=False))
    )


def problem(summary: dict, schema_version: int) -> str | None:
    """Why ``summary`` cannot be compared with (a field of the wrong type, another schema), else ``None``.

    Checks every field "since the last piece" reads, so a hand-edited or forged file is passed
    over instead of crashing a new piece or putting "a 5 phase" into its sentences.
    """
    if summary.get("schema_version") != schema_version:
        return f"schema version {summary.get('schema_version')!r}, not {schema_version}"
    if summary.get("phase") not in (*_PHASES, None):
        return f"phase {summary.get('phase')!r}"
    if not _num(summary.get("close"), none=False):
        return "close is not a price"
    for key, flags in (("real_motion", ("above_fast",)), ("leadership", ("above_zero",))):
        block = summary.get(key)
        if not isinstance(block, dict) or any(block.get(f) not in (True, False, None) for f in flags):
            return f"{key} is not an indicator block"
    c = summary.get("confirmation")
    if not isinstance(c, dict) or not _num(c.get("n"), none=False) or not _num(c.get("closes_above_sma50"), none=False):
        return "confirmation is not a count"
    if not (_level_ok(summary.get("level_to_clear")) and _level_ok(summary.get("support"))):
        return "a level is not a price"
    levels = summary.get("levels")
    if not isinstance(levels, dict) or not all(
        isinstance(levels.get(side, []), list) and all(_level_ok(r) and r is not None for r in levels.get(side, []))
        for side in ("resistance", "support")
    ):
        return "the level ladders are not prices"
    scenarios = summary.get("scenarios", [])
    if not isinstance(scenarios, list) or not all(
        isinstance(sc, dict) and isinstance(sc.get("id"), str) and _num(sc.get("score")) for sc in scenarios
    ):
        return "the talking points are not scores"
    family = summary.get("family", {})
    members = family.get("members", []) if isinstance(family, dict) else None
    if not isinstance(members, list) or not all(
        isinstance(m, dict) and isinstance(m.get("ticker"), str) and m.get("phase") in (*_PHASES, None) for m in members
    ):
        return "the family is not a list of members with phases"
    return None


def previous_piece(
    ticker: str,
    benchmark: str,
    as_of: dt.date | str,
    reports_dir: Path | str | None = None,
    *,
    schema_version: int | None = None,
    skipped: list[str] | None = None,
    check: Callable[[dict], str | None] | None = None,
    knobs: Knobs | None = None,
) -> dict | None:
    """The summary of the newest piece for ``ticker`` against ``benchmark`` (and ``knobs``) dated strictly before ``as_of``.

    Looks in ``reports_dir`` (default: :func:`analysis.paths.reports_dir`, i.e.
    ``$MOMENTUM_REPORTS_DIR`` or ``reports/``) for ``<YYYY-MM-DD>/<STEM>.json`` with the
    folder's date before ``as_of``, newest first, and returns the first whose JSON says the
    same ticker, benchmark, as-of date and knobs as its name (a piece against another benchmark,
    or with other knobs, has another stem and is never used: ``IWM_fast20`` is not the earlier
    piece of ``IWM``, nor ``IWM`` of ``IWM_fast20``; the summary's ``knobs``, absent at the
    defaults, must say the same). ``None`` when there is none. Symbols are compared as
    given (validated, upper-case). With ``schema_version``, a file that fails :func:`problem`
    is passed over too, and why is appended to ``skipped`` (for the piece's data notes); so is
    one whose numbers ``check`` (a summary passing :func:`problem`) says are not the data's.
    """
    root = Path(reports_dir) if reports_dir is not None else default_reports_dir()
    before = dt.date.fromisoformat(str(as_of)[:10])  # a date, a Timestamp or an ISO string
    knobs = knobs or Knobs()
    name = f"{stem(ticker, benchmark, knobs.tag)}.json"
    for day, folder in _folders(root):
        if day >= before:
            continue
        summary = _read(folder / name)
        if (
            summary is not None
            and summary.get("ticker") == ticker
            and summary.get("benchmark") == benchmark
            and summary.get("as_of") == folder.name
            and summary.get("knobs", {}) == knobs.changed()
        ):
            why = problem(summary, schema_version) if schema_version is not None else None
            if why is None and check is not None:
                why = check(summary)
            if why is None:
                return summary
            if skipped is not None:
                skipped.append(f"The earlier piece of {folder.name} was not compared with ({why}).")
    return None
