"""The bundled data's ``manifest.toml`` files (prices, FRED series, research files), read one way.

A manifest that is missing, not TOML, not UTF-8 or of the wrong shape is a :class:`DataError`
(exit 3) naming the file, why, and how to restore it: never a traceback, and never an input error
that blames the user's ticker for a damaged bundle.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

from analysis.errors import DataError


def load(path: Path, restore: str, wrong: Callable[[dict], str]) -> dict:
    """The parsed TOML at ``path``; ``wrong(found)`` says what is amiss with its shape ("" if nothing)."""
    try:
        with open(path, "rb") as fh:
            found = tomllib.load(fh)
        problem = wrong(found)
        if problem:
            raise TypeError(problem)
    except (OSError, ValueError, TypeError, RecursionError) as exc:  # TOMLDecodeError, UnicodeDecodeError: ValueErrors
        raise DataError(f"the bundled {path} cannot be read ({' '.join(str(exc).split())}).", restore) from None
    return found


def tables_with(entries: object, key: str, what: str) -> str:
    """ "" if ``entries`` is a non-empty table of tables, each with a string ``key``; else why not."""
    if not isinstance(entries, dict) or not entries:
        return f"it lists no {what}"
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not isinstance(entry.get(key), str):
            return f'[{name}] is not a table with {key} = "..."'
    return ""
