"""A research frame written as a CSV file, whole or not at all (:func:`analysis.api.export`)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pandas as pd

from analysis.errors import InputError, PublishError
from analysis.paths import discard, plain_mode


def write_csv(frame: pd.DataFrame | pd.Series, path: str | Path) -> Path:
    """Write ``frame`` as CSV at ``path`` and return the path: dates as ``YYYY-MM-DD``, numbers with
    full precision, the index as the first column. Written beside the target and moved over it, so a
    full disk or a stop leaves no cut file; a device, pipe or socket at ``path`` is refused, never
    replaced; a bad path is an :class:`InputError`, a failed write a :class:`PublishError`."""
    if not isinstance(path, str | os.PathLike) or not str(path).strip() or "\0" in str(path):
        raise InputError(f"export writes a CSV file, and {path!r} is no path;", 'pass one, e.g. "iwm.csv".')
    if not isinstance(frame, pd.DataFrame | pd.Series):
        raise InputError(
            f"export writes a DataFrame or Series, got {type(frame).__name__};", "pass analysis.study(...)."
        )
    target, tmp = Path(path), ""
    try:  # written beside the target and moved over it: a full disk or a stop leaves no cut CSV
        if target.exists() and not (target.is_file() or target.is_dir()):  # through a link too (/dev/stdout)
            raise PublishError(  # a device, pipe or socket: the CSV moved over it would replace it (root: /dev/null)
                f"cannot write {target}: it is a device, pipe or socket, not a file; nothing was written there.",
                "Give the path of a CSV file.",
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = str(target.parent / f".{target.name[:40]}.{secrets.token_hex(6)}.tmp")  # named before it exists:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # a stop at any instant leaves none
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            frame.to_csv(out, date_format="%Y-%m-%d")
        plain_mode(tmp)  # as a plain open() would have made it (mkstemp makes 0600)
        os.replace(tmp, target)
    except OSError as exc:
        raise PublishError(
            f"cannot write {target}: {exc.strerror or exc}; nothing was written there.",
            "Give the path of a file in a writable folder with room for it.",
        ) from None
    finally:
        discard(tmp)
    return target
