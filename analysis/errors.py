"""The errors a user can cause or meet, one base class for all of them.

Every message says what was wrong and what to do about it; the command line prints
``error: <message>`` on one line and exits non-zero (see :mod:`analysis.cli`).
"""

from __future__ import annotations


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
