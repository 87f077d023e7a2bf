"""Writing finished files into ``reports/`` so that a reader never sees half a piece.

* Files are produced in a staging directory inside the reports root (same filesystem) and
  moved into place with :func:`os.replace`, which is atomic: the previous good file stays
  until the new one is whole.
* One lock per piece (``reports/.locks/``): a second run of the same piece waits its turn.
* A failed notebook is kept under ``reports/_failed/`` for debugging.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from analysis.errors import PublishError
from analysis.paths import inside

LOCK_WAIT = int(os.environ.get("MOMENTUM_LOCK_WAIT", "900"))


def _explain(exc: OSError, path: Path) -> PublishError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PublishError(f"cannot write to {path}: {exc.strerror}.",
                            "Make the reports directory writable (or set MOMENTUM_REPORTS_DIR to one that is).")
    if exc.errno == errno.ENOSPC:
        return PublishError(f"no space left on the device holding {path}.", "Free some disk space and run again.")
    return PublishError(f"cannot write to {path}: {exc}.")


@contextlib.contextmanager
def piece_lock(root: Path, name: str, *, wait: int = LOCK_WAIT, log=None) -> Iterator[None]:
    """Hold the lock of piece ``name`` (e.g. ``2024-07-08_IWM``), waiting up to ``wait`` s."""
    try:
        lock_dir = inside(root, ".locks")
        lock_dir.mkdir(parents=True, exist_ok=True)
        fh = open(lock_dir / f"{name}.lock", "a+")
    except OSError as exc:
        raise _explain(exc, root) from None
    with fh:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise PublishError(f"another run is still writing {name} after {wait} s.",
                                       "Wait for it to finish, or stop it, and run again.") from None
                if log and not told:
                    log(f"another run is writing {name}; waiting for it to finish...")
                    told = True
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def staging(root: Path) -> Iterator[Path]:
    """A fresh staging directory under ``root/.staging``; removed afterwards, whatever happens."""
    try:
        base = inside(root, ".staging")
        base.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(dir=base))
    except OSError as exc:
        raise _explain(exc, root) from None
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def publish(files: list[Path], dest: Path) -> list[Path]:
    """Move staged ``files`` into ``dest`` atomically, one by one; returns the new paths."""
    out = []
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for src in files:
            target = dest / src.name
            os.replace(src, target)
            out.append(target)
    except OSError as exc:
        raise _explain(exc, dest) from None
    return out


def keep_failed(notebook: Path, root: Path, name: str) -> Path | None:
    """Copy a failed executed notebook to ``root/_failed/<name>.ipynb``; ``None`` if impossible."""
    if not notebook.is_file():
        return None
    try:
        target = inside(root, "_failed", f"{name}.ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, target)
        return target
    except OSError:
        return None
