"""How numbers and dates read, everywhere: sentences, tables, chart labels, evidence rows.

The one formatting module. Every function takes a plain value (``None`` where a table may
show a missing number) and returns text; nothing here knows about markets, so every layer
may use it. Signs use a typographic minus (:data:`MINUS`); thousands are separated.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd

MINUS = "\u2212"
MISSING = "n/a"


def date(iso: str | None) -> str:
    """``2024-07-08`` -> ``July 8, 2024``."""
    day = dt.date.fromisoformat(iso)
    return f"{day:%B} {day.day}, {day.year}"


def day(iso: str | None, as_of: str) -> str:
    """``July 1`` when in the as-of year, else ``July 1, 2023`` ('' for no date); a month of monthly
    data (``2025-06``) is ``June 2025``."""
    if not iso:
        return ""
    if len(iso) == 7:  # the French factors' and other monthly readings: IWM against ^RUT crashed on it
        return f"{dt.date.fromisoformat(iso + '-01'):%B %Y}"
    d = dt.date.fromisoformat(iso)
    return f"{d:%B} {d.day}" if iso[:4] == as_of[:4] else date(iso)


#: Small counts in words: ``no`` closes, ``two`` sessions.
COUNTS = {0: "no", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


def count(n: int) -> str:
    """``two`` for 2, ``12`` for 12."""
    return COUNTS.get(n, str(n))


def join(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def level(x: float) -> str:
    """A series' value in evidence, whatever its unit (a yield's 0.52, an index's 5,573): two decimals, none
    from 1,000. A ticker's own closes and levels are :func:`price`."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.2f}"


def price_decimals(x: float) -> int:
    """The decimals :func:`price` quotes ``x`` with: none from 1,000, two from 1, and below 1 four
    significant digits, as sub-penny quotes are written (``0.04512``; two decimals made every level of a
    0.0002 stock "0.00")."""
    size = abs(x)
    if size >= 1000:
        return 0
    if size >= 1 or not math.isfinite(size) or size == 0:
        return 2
    return 3 - math.floor(math.log10(size))


def price(x: float, extra: int = 0) -> str:
    """A price or level by magnitude, thousands separated: ``205.06``, ``5,573`` (no cents above 1,000),
    ``0.0002100``; ``extra`` decimals more."""
    return f"{x:,.{price_decimals(x) + extra}f}"


def signed(x: float, digits: int = 2) -> str:
    """``+4.78`` / ``−8.04`` (a typographic minus; ``+0.00`` rather than ``−0.00``)."""
    text = f"{abs(x):,.{digits}f}"
    return (MINUS if x < 0 and float(text.replace(",", "")) != 0 else "+") + text


def pct(fraction: float, digits: int = 1) -> str:
    """A fraction as a signed percentage: ``0.986`` -> ``+98.6%``."""
    return signed(100 * fraction, digits) + "%"


def plain_pct(fraction: float, digits: int = 1) -> str:
    """A magnitude as an unsigned percentage: ``-0.0137`` -> ``1.4%``."""
    return f"{abs(100 * fraction):,.{digits}f}%"


def tick_pct(value: float, _pos: object = None) -> str:
    """An axis tick for a value already in percent: ``+1.25%``, ``-0.5%``, ``0%`` (no trailing zeros)."""
    if abs(value) < 1e-12:
        return "0%"
    return f"{value:+.2f}".rstrip("0").rstrip(".") + "%"


def sessions(n: int) -> str:
    """``1 session`` / ``5 sessions``."""
    return f"{n} session" + ("" if n == 1 else "s")


def number(x: float | None, spec: str = "{:,.2f}") -> str:
    """``spec`` applied to ``x``, :data:`MISSING` for ``None``."""
    return MISSING if x is None else spec.format(x)


def cell(x: object, spec: str = "{:,.2f}") -> str:
    """A table cell: :data:`MISSING` for a missing number, ISO for a timestamp, yes/no for a bool."""
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NaT:
        return MISSING
    if isinstance(x, pd.Timestamp):
        return x.date().isoformat()
    if isinstance(x, bool):
        return "yes" if x else "no"
    return spec.format(x)


#: How an evidence value reads by its unit (see :class:`analysis.evidence.measures.Kind`).
UNITS = {
    "percent": lambda v: pct(v),
    "share": lambda v: f"{v:.1%}",
    "points": lambda v: f"{signed(v)} pts",
    "sigma": lambda v: f"{signed(v)}σ",
    "balance": lambda v: signed(v),
    "pp": lambda v: f"{signed(v)} pp",
    "level": lambda v: f"{v:,.2f}",
    "bp": lambda v: f"{signed(v, 0)} bp",
    "corr": lambda v: signed(v),
    "months": lambda v: f"{v:,.0f} months",
}


def value(x: float | None, unit: str) -> str:
    """An evidence value as its table shows it, by ``unit``; :data:`MISSING` for ``None``."""
    if x is None or unit == "none":
        return MISSING
    return UNITS[unit](x)


#: What a Markdown renderer reads as markup inside running text: raw HTML (``<script>``), links
#: and images (``[x](javascript:...)``), a table cell's end (``|``) and the escape itself.
_MARKDOWN_MARKUP = re.compile(r"([\\<>\[\]|*_`])")
#: A line break inside running text (with the spaces around it): in Markdown it ends the paragraph
#: or starts a heading or a list ("\n# Buy now"); one space instead.
_LINE_BREAK = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]\s*")


def markdown_text(value: object) -> object:
    """``value`` safe as Markdown text: every string in it (through dicts and lists) on one line, with
    a backslash before ``\\ < > [ ] | * _`` and the backtick, so a renderer shows those characters and
    makes no tag, emphasis, code span, link, table cell or heading of them (CommonMark's escapes);
    anything else is returned as it is.

    Configuration files reach the Markdown brief (a scenario's title, a profile's name): as
    the HTML escapes them, so does this, and a brief without such characters is unchanged.
    """
    if isinstance(value, str):
        return _MARKDOWN_MARKUP.sub(r"\\\1", _LINE_BREAK.sub(" ", value))
    if isinstance(value, dict):
        return {k: markdown_text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [markdown_text(v) for v in value]
    return value
