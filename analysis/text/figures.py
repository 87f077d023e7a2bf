"""The figures of a text: every number, date, name with a digit and count in words, as printed.

:func:`figures` reads a sentence the way a reader checks it against the data: ``1,234.56``,
``−0.4%`` (a typographic minus or a hyphen), ``+12 bp``, ``24.19 points``, ``2.3 times``,
``±2σ``; ``March 18, 2020``, ``Mar 16``, ``Feb 2016``, ``2024-07-08``, ``2024-04``, the bound ``less than 0.1%``; names such as
``T10Y3M`` or ``10y``; and the counts the phrasebook writes as words, ``two`` to ``ten``. Each
:class:`Figure` keeps what it states: its value, its decimals (its precision), its unit and
whether it carries a sign. :mod:`analysis.text.claims` traces each to the summary.

Not read as figures, on purpose: the word ``one`` (as often a pronoun as a count) and ordinals
(``first``).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
#: Counts the phrasebook writes as words (:data:`analysis.fmt.COUNTS`, and ``ten``).
WORD_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_MONTH = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_FIGURE = re.compile(
    r"(?P<iso>(?<![\w-])\d{4}-\d{2}(?:-\d{2})?(?![\w-]))"
    rf"|(?P<date>\b{_MONTH}(?:\s(?P<day>\d{{1,2}})(?!\d|\.\d))?(?:,?\s(?P<year>\d{{4}}))?(?![\w]))"
    r"|(?P<name>\b(?=[\w^]*\d)(?=[\w^]*[A-Za-z])[\w^]+)"
    r"|(?P<sign>[+\u2212\u00b1]|(?<![\w.)\]-])-)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<unit>%|\u03c3|\s?bp\b|\s(?:percentage points|points|pts|pp|times)\b)?"
    rf"|(?P<word>\b(?i:{'|'.join(WORD_COUNTS)})\b)"
)
#: ``−0.2 to +1.6 percentage points``: the first bound is in the second's unit.
_RANGE = re.compile(r"^\s+to\s+$")
#: ``less than 0.1%``: the words before a bound (a figure of one unit of its last decimal).
_BOUND = re.compile(r"\bless than $")


@dataclass(frozen=True)
class Figure:
    """One figure as printed: its text, where it is and what it states."""

    text: str
    kind: str  #: number | date | name | count
    start: int
    end: int
    value: float = 0.0  #: a number's or a count's value as printed
    decimals: int = 0
    unit: str = ""  #: % | bp | points | pts | pp | percentage points | times | σ | ''
    signed: bool = False  #: printed with a sign (+, −): only a value of that sign matches
    date: tuple[int, int, int] = (0, 0, 0)  #: (year, month, day), 0 where not printed
    bound: bool = False  #: ``less than 0.1%``: a nonzero value that prints as zero (:mod:`analysis.model.units`)


def _figure(m: re.Match[str]) -> Figure | None:
    at = {"text": m.group(0), "start": m.start(), "end": m.end()}
    if m["iso"]:
        y, mo, d = ([int(x) for x in m["iso"].split("-")] + [0])[:3]
        return Figure(kind="date", date=(y, mo, d), **at)  # type: ignore[arg-type]
    if m["date"]:
        if not (m["day"] or m["year"]):
            return None  # a month's name alone ("May") is not a date
        month = _MONTHS.index(m["month"][:3].lower()) + 1
        return Figure(kind="date", date=(int(m["year"] or 0), month, int(m["day"] or 0)), **at)  # type: ignore[arg-type]
    if m["name"]:
        return Figure(kind="name", **at)  # type: ignore[arg-type]
    if m["word"]:
        return Figure(kind="count", value=WORD_COUNTS[m["word"].lower()], **at)  # type: ignore[arg-type]
    digits, sign = m["num"].replace(",", ""), m["sign"] or ""
    return Figure(
        kind="number",
        value=float(digits) * (-1 if sign in ("\u2212", "-") else 1),
        decimals=len(digits.partition(".")[2]),
        unit=(m["unit"] or "").strip(),
        signed=sign in ("+", "\u2212", "-"),
        **at,  # type: ignore[arg-type]
    )


def figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order (see the module's docstring for what counts)."""
    found = [f for f in map(_figure, _FIGURE.finditer(text)) if f is not None]
    for i in range(len(found) - 1):  # a range's first bound takes the unit of its second
        a, b = found[i], found[i + 1]
        if a.kind == b.kind == "number" and not a.unit and b.unit and _RANGE.match(text[a.end : b.start]):
            found[i] = dataclasses.replace(a, unit=b.unit)
    return [dataclasses.replace(f, bound=True) if _BOUND.search(text, 0, f.start) else f for f in found]


_SENTENCE = re.compile(r"(?<=[.?!])\s+(?=[A-Z\u201c(])")


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences (after ``.``, ``?`` or ``!`` and before a capital)."""
    return [s for s in _SENTENCE.split(text) if s]
