"""Parsed data files kept on disk between processes, so a fresh process does not parse them again.

Reading a bundled price file is cheap; checking it is not: :func:`analysis.data.contract.normalize`
screens every session for impossible prints (22-35 ms a file). A fresh kernel reads 17 of them
for one piece (0.35-0.5 s before its first cell can chart anything), and every test process,
``make summary`` and research notebook does the same again. :func:`kept` keeps the finished
frame as a pickle under :func:`directory`, named by a digest of everything that made it: the
file's bytes, the arguments it was parsed with, the source of the modules that parse it, and
the pandas and numpy versions. Any change to one of those parses anew, so a kept frame is
never a stale one; a file that cannot be read or written is parsed (never an error), and a
file that fails to parse is never kept (its error is raised every time, as before).

A kept file is :data:`MAGIC`, the SHA-256 of the pickle and the pickle. One that is not a regular
file (a named pipe would block the read forever), lacks the mark, or whose pickle does not match its
digest (cut short, a flipped bit, edited by hand) is not read: the file is parsed and checked anew,
so a damaged cache never hands a frame the screen did not pass.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import secrets
import stat
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: The first bytes of every kept file (then the pickle's SHA-256, then the pickle).
MAGIC = b"momentum-kept 1\n"


def directory() -> Path:
    """Where parsed frames are kept: ``$MOMENTUM_FRAME_CACHE_DIR``, else ``.cache/frames`` in the project."""
    from analysis.paths import PROJECT_DIR

    return Path(os.environ.get("MOMENTUM_FRAME_CACHE_DIR") or PROJECT_DIR / ".cache" / "frames").expanduser()


@cache
def _code(modules: tuple[str, ...]) -> bytes:
    """The source of the parsing modules (their file names in ``analysis/data``) and the library versions."""
    import numpy
    import pandas

    here = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{pandas.__version__} {numpy.__version__}".encode())
    for name in sorted(modules):
        h.update(name.encode() + (here / name).read_bytes())
    return h.digest()


def kept(kind: str, data: bytes, args: tuple, parse: Callable[[], T], *, modules: tuple[str, ...]) -> T:
    """``parse()``'s result for the file content ``data`` parsed with ``args`` by ``modules``,
    from disk when an earlier process kept it, else parsed now and kept.

    ``parse`` must depend on nothing but ``data``, ``args`` and the code of ``modules``; callers
    must copy the result before changing it (as they do with their in-memory caches).
    """
    h = hashlib.sha256(_code(modules) + repr((kind, args)).encode())
    h.update(data)
    path = directory() / f"{kind}-{h.hexdigest()}.pickle"
    found = _load(path)
    if found is not None:
        return found  # type: ignore[no-any-return]
    made = parse()
    _keep(path, made)
    return made


def _load(path: Path) -> object:
    """What the kept file at ``path`` holds, or None when it is missing, not a regular file, or damaged."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            data = fh.read()
    except OSError:
        return None
    head, digest, body = data[: len(MAGIC)], data[len(MAGIC) : len(MAGIC) + 32], data[len(MAGIC) + 32 :]
    if head != MAGIC or hashlib.sha256(body).digest() != digest:
        return None
    try:
        return pickle.loads(body)
    except Exception:  # noqa: BLE001 - a pickle this code did not write: parsed anew
        return None


def _keep(path: Path, made: object) -> None:
    """Write ``made`` to ``path`` atomically (a reader sees the whole pickle or none)."""
    from analysis.paths import discard

    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        body = pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)
        tmp = str(path.parent / f".{path.stem[:24]}.{secrets.token_hex(6)}.tmp")  # named before it exists
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(MAGIC + hashlib.sha256(body).digest() + body)
        os.replace(tmp, path)
        tmp = ""
    except (OSError, pickle.PicklingError):  # a read-only or full disk: parsed, just not kept
        pass
    finally:  # failed or stopped: no temporary file left behind
        if tmp:
            discard(tmp)
