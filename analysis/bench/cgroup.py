"""CPU seconds of everything the benchmark starts, read from a control group of its own.

``getrusage(RUSAGE_CHILDREN)`` counts a child's CPU only once it has been waited for, and
only through the chain of parents that waited: Chromium's renderer and zygote processes, which
outlive the browser's own wait or are reparented to init when it is killed, never reach the
benchmark's count. On this project's 2-core machine that missed about a fifth of a watchlist
piece's CPU (2.63 CPU-s a piece by ``getrusage``, 3.36 by the control group, same run).

A process put into a control group takes its future children with it, however they are
started or reparented, and the kernel keeps the group's CPU total. :func:`enter` makes a
group of its own under the cgroup v1 ``cpuacct`` hierarchy or the cgroup v2 one (whichever the
machine mounts writable, as root usually only), moves this process into it and returns its
reader; :func:`leave` moves it back and removes the group. Where neither is possible,
:func:`enter` returns ``None`` and the benchmark keeps ``getrusage`` (its results say which:
``environment.cpu_meter``).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path

#: Where the two kinds of hierarchy are mounted on Linux, and how each totals a group's CPU.
V1 = Path("/sys/fs/cgroup/cpuacct")
V2 = (Path("/sys/fs/cgroup/unified"), Path("/sys/fs/cgroup"))


def _v1_seconds(group: Path) -> float:
    return int((group / "cpuacct.usage").read_text()) / 1e9


def _v2_seconds(group: Path) -> float:
    for line in (group / "cpu.stat").read_text().splitlines():
        key, _, value = line.partition(" ")
        if key == "usage_usec":
            return int(value) / 1e6
    raise OSError(f"{group}/cpu.stat has no usage_usec")


def _current(kind: str) -> str:
    """This process's group in the ``cpuacct`` (v1) or the unified (v2, ``kind=""``) hierarchy, from /proc."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if (kind in controllers.split(",")) if kind else controllers == "":
            return path.lstrip("/")
    raise OSError(f"this process is in no {kind or 'unified'} control group")


def _candidates() -> list[tuple[Path, Callable[[Path], float]]]:
    """Each writable-looking hierarchy's group of this process, with the reader of its CPU total."""
    found: list[tuple[Path, Callable[[Path], float]]] = []
    with contextlib.suppress(OSError, ValueError):
        if (V1 / "cpuacct.usage").is_file():
            found.append((V1 / _current("cpuacct"), _v1_seconds))
    for root in V2:
        with contextlib.suppress(OSError, ValueError):
            if (root / "cgroup.controllers").is_file():
                found.append((root / _current(""), _v2_seconds))
                break
    return found


class Group:
    """A control group holding this process and what it starts; :meth:`seconds` is their CPU so far."""

    def __init__(self, path: Path, parent: Path, read: Callable[[Path], float]) -> None:
        self.path, self.parent, self._read = path, parent, read

    def seconds(self) -> float:
        return self._read(self.path)


def enter() -> Group | None:
    """Move this process into a new control group of its own; ``None`` when the machine does not allow it."""
    for base, read in _candidates():
        _sweep(base)
        path = base / f"momentum-bench-{os.getpid()}"
        try:
            path.mkdir(exist_ok=True)
            read(path)  # a group whose total cannot be read is no use
            (path / "cgroup.procs").write_text(str(os.getpid()))
        except OSError:
            with contextlib.suppress(OSError):
                path.rmdir()
            continue
        return Group(path, base, read)
    return None


def leave(group: Group | None, wait: float = 5.0) -> None:
    """Move this process back to the group it came from and remove the group, waiting up to ``wait``
    seconds for what it started to finish exiting (Chromium's last processes outlive the browser's close
    by a moment); a group still held then is left, and the next :func:`enter` removes it once empty."""
    if group is None:
        return
    with contextlib.suppress(OSError):
        (group.parent / "cgroup.procs").write_text(str(os.getpid()))
    deadline = time.monotonic() + wait
    while True:
        try:
            group.path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.monotonic() >= deadline:
                return
            time.sleep(0.05)


def _sweep(base: Path) -> None:
    """Remove the empty groups earlier runs left under ``base`` (removing a group still in use fails: kept)."""
    for stale in base.glob("momentum-bench-*"):
        with contextlib.suppress(OSError):
            stale.rmdir()
