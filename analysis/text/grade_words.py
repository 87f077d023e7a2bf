"""The published calls' grades in words: the index's mark, the table ``make grade`` prints and writes.

The grades are :mod:`analysis.model.published`'s (``reports/grades.json``); this phrasebook only
words them.
"""

from __future__ import annotations

from analysis.fmt import count
from analysis.model.call import CALLS
from analysis.model.types import SummaryDict
from analysis.model.units import units

#: The mark of a graded call, by its ``hit`` (``None``: a cautious call, which names no direction).
MARKS = {True: ("\u2713", "right"), False: ("\u2717", "wrong"), None: ("\u00b7", "neutral")}


def move(piece: SummaryDict, h: str) -> str:
    """``+2.3%`` / ``SPY +2.3%`` (a gauge graded on its benchmark) / ``+12 bp`` (a yield)."""
    at = piece["horizons"][h]
    text = units(piece["measure"]).move(at["move"], short=True)
    return f"{piece['graded_symbol']} {text}" if piece["graded_symbol"] != piece["ticker"] else text


def cell(piece: SummaryDict, h: str) -> str:
    """One horizon of one piece: ``✓ +2.3% to Aug 5, 2024`` / ``open, 12 sessions to go`` / ``no data``."""
    at = piece["horizons"][h]
    if at["status"] == "open":
        left = at["sessions_left"]
        return f"open, {count(left)} session{'s' if left != 1 else ''} to go"
    if at["status"] != "graded":
        return "no data on the piece's date"
    return f"{MARKS[at['hit']][0]} {move(piece, h)} to {at['end']}"


def mark(piece: SummaryDict) -> tuple[str, str]:
    """The index's mark for a piece, at the first horizon: ``(text, class)``; class ``right``, ``wrong``,
    ``neutral``, ``open`` or ``unavailable``."""
    h = next(iter(piece["horizons"]))
    at = piece["horizons"][h]
    if at["status"] == "graded":
        symbol, cls = MARKS[at["hit"]]
        return f"{symbol} {move(piece, h)} in {h} sessions", cls
    if at["status"] == "open":
        return f"open: {h} sessions not yet reached", "open"
    return "not graded: no data on its date", "unavailable"


def record_line(h: str, record: dict[str, SummaryDict]) -> str:
    """``20 sessions: constructive 3 graded, 2 right (67%); cautious 2 graded; defensive none graded yet; 2 open.``"""
    parts = []
    for call in reversed(CALLS):
        r = record[call]
        if not r["graded"]:
            parts.append(f"{call} none graded yet")
            continue
        text = f"{call} {r['graded']} graded"
        if r["hit_rate"] is not None:
            text += f", {r['right']} right ({r['hit_rate']:.0%})"
        parts.append(text)
    still = sum(r["open"] for r in record.values())
    return f"{h} sessions: " + "; ".join(parts) + (f"; {still} open." if still else ".")


HEADER = ("Date", "Ticker", "Call")


def rows(grades: SummaryDict) -> list[tuple[str, ...]]:
    """The table's rows: date, ticker (and benchmark when not the default), call, then each horizon's cell."""
    return [
        (
            p["date"],
            p["ticker"] + (f" vs {p['benchmark']}" if "_vs_" in p["stem"] else ""),
            p["call"],
            *(cell(p, h) for h in map(str, grades["horizons"])),
        )
        for p in grades["pieces"]
    ]


def header(grades: SummaryDict) -> tuple[str, ...]:
    return (*HEADER, *(f"{h} sessions" for h in grades["horizons"]))


def text_table(grades: SummaryDict) -> str:
    """The table as plain text, columns aligned (what ``make grade`` prints)."""
    table = [header(grades), *rows(grades)]
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in table)


def markdown(grades: SummaryDict) -> str:
    """``reports/grades.md``: the table, the running record per call and how the grades are made."""
    head = header(grades)
    lines = [
        "# Published calls, graded",
        "",
        f"*Data up to {grades['data_to']}; {len(grades['pieces'])} piece{'s' if len(grades['pieces']) != 1 else ''}.*",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *("| " + " | ".join(r) + " |" for r in rows(grades)),
        "",
        "## The running record",
        "",
        *(f"- {record_line(h, r)}" for h, r in grades["record"].items()),
        "",
        METHOD,
        "",
    ]
    if grades["problems"]:
        lines += ["Not graded: " + "; ".join(grades["problems"]) + ".", ""]
    return "\n".join(lines)


#: How the grades are made, under the table.
METHOD = (
    "Each call is graded on what its holder holds, from the piece's close to the close the horizon later:"
    " the ticker's own return; for a volatility index (a call for stocks) the benchmark's total return; for"
    " a yield (a call for bond holders) the yield's change in basis points, a rise a loss. \u2713: a"
    " constructive call followed by a gain, or a defensive one by a loss; \u2717: the opposite; \u00b7: a"
    " cautious call, which names no direction. A horizon the data does not reach yet is open."
    " This is a record of what followed, not investment advice."
)
