"""The errors a user can cause or meet, one base class for all of them.

Every message says what was wrong and what to do about it; the command line prints
``error: <message>`` on one line and exits non-zero (see :mod:`analysis.cli`).
"""

from __future__ import annotations

from pathlib import Path

try:  # loaded now: under a tight ulimit -v, loading it when memory has run out fails too
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]


class ReportError(Exception):
    """Base class: something the user can fix. ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class InputError(ReportError):
    """A parameter is invalid (ticker, benchmark, as-of date, level, source...)."""

    exit_code = 2


class DataError(ReportError):
    """Price data is missing, malformed or too short for what was asked."""

    exit_code = 3


class SourceUnavailable(DataError):
    """A data source could not answer (network down, empty frame, timeout)."""


class RenderError(ReportError):
    """Executing the notebook or producing HTML/PDF failed."""

    exit_code = 4


class OutOfMemory(RenderError):
    """The out-of-memory killer stopped the notebook's kernel (under a control group's memory limit)."""

    exit_code = 1


class BrowserUnavailable(RenderError):
    """No headless Chromium could be found or installed: the PDF cannot be printed."""


class PublishError(ReportError):
    """The finished piece could not be written to the reports directory."""

    exit_code = 5


#: Where cgroup v1's memory controller and cgroup v2's hierarchy are mounted on Linux.
CGROUP_V1, CGROUP_V2 = Path("/sys/fs/cgroup/memory"), (Path("/sys/fs/cgroup/unified"), Path("/sys/fs/cgroup"))
#: v1's "no limit" (the largest page-aligned 64-bit number); anything from 2**60 up is none.
NO_LIMIT = 2**60


def _groups() -> list[tuple[Path, str, str]]:
    """This process's memory control group and its ancestors, each with its limit and events files."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            found += [(CGROUP_V1 / p, "memory.limit_in_bytes", "memory.oom_control") for p in _up(path)]
        elif controllers == "":
            for base in CGROUP_V2:
                if (base / path.lstrip("/") / "memory.max").exists():
                    found += [(base / p, "memory.max", "memory.events") for p in _up(path)]
                    break
    return found


def _up(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]


def memory_limit() -> tuple[int, str] | None:
    """The tightest memory limit of this process's control groups (a container's ``--memory``, a service's
    ``MemoryMax``, a group of one's own) in bytes, and the file that sets it; ``None`` without one."""
    limits = []
    for group, limit, _ in _groups():
        try:
            text = (group / limit).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < NO_LIMIT:
            limits.append((int(text), str(group / limit)))
    return min(limits) if limits else None


def oom_kills() -> int:
    """How many processes the out-of-memory killer has stopped in this process's control groups so far."""
    total = 0
    for group, _, events in _groups():
        try:
            for line in (group / events).read_text().splitlines():
                key, _, value = line.partition(" ")
                total += int(value) if key == "oom_kill" and value.strip().isdigit() else 0
        except OSError:
            continue
    return total


def out_of_memory() -> str:
    """The one line for a run that ran out of memory (exit 1): under a ``ulimit -v`` or a control group's memory
    limit, naming it."""
    limit = resource.getrlimit(resource.RLIMIT_AS)[0] if resource is not None else -1
    if limit < 0 or resource is None or limit == resource.RLIM_INFINITY:
        group = memory_limit()
        if group:
            return (
                f"out of memory: this run's control group may use at most {group[0] // 2**20} MB ({group[1]}: a"
                " container's or a service's memory limit). Raise it (docker run --memory, systemd MemoryMax=) and run"
                " again."
            )
        return "out of memory. Close other programs (or run fewer JOBS) and run again."
    return (
        f"out of memory: this process may use at most {limit // 2**20} MB of address space (ulimit -v)."
        " Raise the limit (ulimit -v unlimited, or the service's LimitAS) and run again."
    )


def say(line: str) -> None:
    """``line`` and its newline on stderr in one write. ``print`` writes the newline apart, and stderr
    writes through: under ``make -j2 summary report`` the two processes' errors shared one line."""
    import sys

    if sys.stderr is not None:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
