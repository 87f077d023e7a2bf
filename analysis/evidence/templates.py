"""The text a scenarios file holds (titles, notes, names, directions): plain text and a template of
``{ticker}`` and ``{benchmark}`` only, checked when the file is read (:mod:`analysis.evidence.rules`)."""

from __future__ import annotations

import string
import unicodedata

from analysis.errors import InputError
from analysis.params.checks import shown

PLACEHOLDERS = ("ticker", "benchmark")


def plain(text: str, where: str) -> str:
    """``text`` unless it holds a control or format character (a NUL, a right-to-left override that
    shows the rest of the line reversed, a zero-width space): :class:`InputError` naming it."""
    hidden = next((c for c in text if not c.isspace() and unicodedata.category(c) in ("Cc", "Cf")), None)
    if hidden is not None:
        raise InputError(
            f"{where}: {shown(text)} holds the control character U+{ord(hidden):04X}.", "Write it as plain text."
        )
    return text


def placeholders(text: str, where: str) -> str:
    """``text``, plain (:func:`plain`), if it is a template of :data:`PLACEHOLDERS` only."""
    plain(text, where)
    braces = "Write braces only around {ticker} or {benchmark}; double them ({{ }}) for a literal brace."
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise InputError(f"{where}: {text!r} is not a valid template ({exc}).", braces) from None
    unknown = fields - set(PLACEHOLDERS)
    if unknown:
        raise InputError(
            f"{where}: {text!r} uses {', '.join('{' + f + '}' for f in sorted(unknown))}.",
            "The only placeholders are {ticker} and {benchmark}.",
        )
    try:  # a conversion or format spec ({ticker!x}, {ticker:%}) fails only when it is filled in
        text.format(ticker="IWM", benchmark="SPY")
    except (ValueError, TypeError, IndexError, KeyError) as exc:
        raise InputError(f"{where}: {text!r} is not a valid template ({exc}).", braces) from None
    return text
