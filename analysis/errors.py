"""The errors a user can cause or meet, one base class for all of them.

Every message says what was wrong and what to do about it; the command line prints
``error: <message>`` on one line and exits non-zero (see :mod:`analysis.cli`).
"""

from __future__ import annotations

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


class BrowserUnavailable(RenderError):
    """No headless Chromium could be found or installed: the PDF cannot be printed."""


class PublishError(ReportError):
    """The finished piece could not be written to the reports directory."""

    exit_code = 5


def out_of_memory() -> str:
    """The one line for a run that ran out of memory (exit 1): under a ``ulimit -v``, naming it."""
    limit = resource.getrlimit(resource.RLIMIT_AS)[0] if resource is not None else -1
    if limit < 0 or resource is None or limit == resource.RLIM_INFINITY:
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
