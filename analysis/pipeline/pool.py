"""The pool of worker processes a batch and the research run use, or one line saying why it cannot be made.

A pool's queues are guarded by POSIX semaphores, which live in ``/dev/shm`` on Linux: where it is
missing, full or read-only (a container or a sandbox that mounts none, or a tiny one; AWS Lambda has
none) Python's :class:`~concurrent.futures.ProcessPoolExecutor` fails as it is made, with an
``OSError`` naming no file: a traceback, or "could not write to standard output: No space left on
device" when the error was taken for a full disk under the output.
"""

from __future__ import annotations

import errno
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from analysis.errors import ReportError

#: What each error says about /dev/shm.
_SHM = {
    errno.EROFS: "is read-only",
    errno.ENOSPC: "is full",
    errno.ENOENT: "is missing",
    errno.EACCES: "cannot be written by this user",
    errno.EPERM: "cannot be written by this user",
    errno.ENOSYS: "is not available on this system",
}


class NoWorkers(ReportError):
    """Worker processes cannot be started (their shared locks cannot be made): exit 1, as for memory."""

    exit_code = 1


def process_pool(
    workers: int, *, initializer: Callable | None = None, initargs: tuple = (), alone: str = ""
) -> ProcessPoolExecutor:
    """A :class:`ProcessPoolExecutor` of ``workers`` ``spawn``-ed processes, or :class:`NoWorkers` (one line).

    ``alone`` is how to run without a pool, for the hint (e.g. "with JOBS=1").
    """
    try:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=initializer,
            initargs=initargs,
        )
    except OSError as exc:
        raise no_workers(exc, alone) from None


def no_workers(exc: OSError, alone: str = "") -> NoWorkers:
    """The one line for worker processes whose locks could not be made in /dev/shm (``exc``)."""
    said = _SHM.get(exc.errno or 0, f"cannot be used ({exc.strerror or exc})")
    return NoWorkers(
        f"cannot start worker processes: the shared-memory folder /dev/shm, where their locks live, {said}"
        f" ({exc.strerror or exc}).",
        "Give the system a writable /dev/shm (a container: docker run --shm-size=64m)"
        + (f", or run {alone}" if alone else "")
        + ", and run again.",
    )


def os_cause(exc: BaseException) -> OSError | None:
    """The :class:`OSError` at the root of ``exc``'s chain (Dask's "Nanny failed to start" wraps it), or ``None``."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OSError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return None
