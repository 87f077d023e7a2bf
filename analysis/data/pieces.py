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
import os
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


def _unreadable(path: Path) -> bool:
    """Whether ``path`` is a file this process may not read (chmod 000, another user's): passed over, said."""
    try:
        return path.is_file() and not os.access(path, os.R_OK)
    except OSError:
        return False


#: The phases a piece can be in (``analysis.indicators.PHASES``; repeated here, the data layer reads no indicator).
_PHASES = ("bullish", "warning", "distribution", "bearish", "recovery", "accumulation")
#: The kinds of level a piece names (``analysis.indicators.levels`` and ``analysis.model.facts``; repeated here too).
_LEVEL_KINDS = (
    *(f"{tier}_{side}" for tier in ("swing", "recent", "all_time", "prior") for side in ("high", "low")),
    "high_52w",
    "low_52w",
    "sma_fast",
    "sma_slow",
    "parameter",
    "at_high",
    "at_low",
    "none",
)
#: No price, score or count a piece states is this large; a bigger one is a corrupt or forged file.
_HUGE = 1e12
#: No window a piece names (sessions behind a level: 10, 22, 252, 200...) is longer than this.
_LONGEST_WINDOW = 10_000


def _num(x, *, none: bool = True) -> bool:
    if x is None:
        return none
    # the size first: a 400-digit int cannot even be turned into a float
    return isinstance(x, int | float) and not isinstance(x, bool) and abs(x) < _HUGE and math.isfinite(x)


def _whole(x, low: int, high: float = _HUGE) -> bool:
    """A whole number from ``low`` to ``high`` (``2`` or ``2.0``, not ``2.7``, ``True`` or ``None``)."""
    return _num(x, none=False) and float(x).is_integer() and low <= x <= high


def _date_before(x, before: dt.date) -> bool:
    """An ISO date before ``before`` (the new piece's date: an earlier piece's levels were set before it)."""
    try:
        return isinstance(x, str) and dt.date.fromisoformat(x) < before
    except ValueError:
        return False


def _level_ok(level, before: dt.date) -> bool:
    """``None``, or a level an earlier piece could have named: a price, a known kind, a window and a date."""
    return level is None or (
        isinstance(level, dict)
        and _num(level.get("price"))
        and level.get("kind") in (*_LEVEL_KINDS, None)
        and (level.get("window") is None or _whole(level.get("window"), 1, _LONGEST_WINDOW))
        and (level.get("date") is None or _date_before(level.get("date"), before))
    )


def _levels_ok(summary: dict, before: dt.date) -> bool:
    levels = summary.get("levels")
    return isinstance(levels, dict) and all(
        isinstance(levels.get(side, []), list)
        and all(r is not None and _level_ok(r, before) for r in levels.get(side, []))
        for side in ("resistance", "support")
    )


def _block_ok(summary: dict, key: str, flag: str) -> bool:
    block = summary.get(key)
    return isinstance(block, dict) and block.get(flag) in (True, False, None)


def _count_ok(summary: dict) -> bool:
    c = summary.get("confirmation")
    return isinstance(c, dict) and _whole(c.get("n"), 1) and _whole(c.get("closes_above_sma50"), 0)


def _scores_ok(summary: dict) -> bool:
    scenarios = summary.get("scenarios", [])
    return isinstance(scenarios, list) and all(
        isinstance(sc, dict)
        and isinstance(sc.get("id"), str)
        and (sc.get("score") is None or (_num(sc.get("score")) and -1.0 <= sc["score"] <= 1.0))
        and (sc.get("verdict") is None or isinstance(sc.get("verdict"), str))
        for sc in scenarios
    )


def _family_ok(summary: dict) -> bool:
    family = summary.get("family", {})
    members = family.get("members", []) if isinstance(family, dict) else None
    return isinstance(members, list) and all(
        isinstance(m, dict) and isinstance(m.get("ticker"), str) and m.get("phase") in (*_PHASES, None) for m in members
    )


#: Each field "since the last piece" reads, checked in this order (``check(summary, before)``), and
#: what is said when it fails.
_CHECKS = (
    (lambda s, _: s.get("phase") in (*_PHASES, None), lambda s: f"phase {s.get('phase')!r}"),
    (lambda s, _: _num(s.get("close"), none=False), lambda s: "close is not a price"),
    (lambda s, _: _block_ok(s, "real_motion", "above_fast"), lambda s: "real_motion is not an indicator block"),
    (lambda s, _: _block_ok(s, "leadership", "above_zero"), lambda s: "leadership is not an indicator block"),
    (lambda s, _: _count_ok(s), lambda s: "confirmation is not a count"),
    (
        lambda s, before: _level_ok(s.get("level_to_clear"), before) and _level_ok(s.get("support"), before),
        lambda s: "a level is not one an earlier piece could name (a price, a kind, a window, a date before now)",
    ),
    (_levels_ok, lambda s: "the level ladders are not such levels"),
    (lambda s, _: _scores_ok(s), lambda s: "the talking points are not scores from -1 to 1"),
    (lambda s, _: _family_ok(s), lambda s: "the family is not a list of members with phases"),
)


def problem(summary: dict, schema_version: int, before: dt.date = dt.date.max) -> str | None:
    """Why ``summary`` cannot be compared with by a piece of ``before`` (a field of the wrong type or
    out of its range, another schema), else ``None``.

    Checks every field "since the last piece" reads and words (a level's kind, window and date, a
    talking point's score, the count of closes), so a hand-edited or forged file is passed over
    instead of crashing a new piece or putting "a 5 phase", "the highest close of -5 sessions" or
    "fell from +999.00" into its sentences.
    """
    if summary.get("schema_version") != schema_version:
        return f"schema version {summary.get('schema_version')!r}, not {schema_version}"
    return next((why(summary) for ok, why in _CHECKS if not ok(summary, before)), None)


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
        if summary is None and skipped is not None and _unreadable(folder / name):
            skipped.append(f"The earlier piece of {folder.name} was not compared with (its summary cannot be read).")
        if (
            summary is not None
            and summary.get("ticker") == ticker
            and summary.get("benchmark") == benchmark
            and summary.get("as_of") == folder.name
            and summary.get("knobs", {}) == knobs.changed()
        ):
            why = problem(summary, schema_version, before) if schema_version is not None else None
            if why is None and check is not None:
                why = check(summary)
            if why is None:
                return summary
            if skipped is not None:
                skipped.append(f"The earlier piece of {folder.name} was not compared with ({why}).")
    return None
