"""The words the printed piece puts around its tables and charts: captions, notes, the method note.

The view (:mod:`analysis.view.piece`, :mod:`analysis.view.tables`) lays these out; it writes
none of its own. Each function takes the summary and returns whole sentences.
"""

from __future__ import annotations

from analysis import fmt
from analysis.model.types import Reading
from analysis.text import profile_words as pw
from analysis.text.measure_words import MEASURES

#: The piece's last word.
DISCLAIMER = (
    "This piece is generated automatically from public daily prices. It describes what the data"
    " shows; it is not investment advice and not a forecast. Past patterns do not guarantee"
    " future results."
)

#: The levels box's row when a side has no level: no close in the data lies that way.
EMPTY_BOX = {"resistance": "no higher close in the data", "support": "no lower close in the data"}

#: How the history table reads each verdict.
READINGS = {"positive edge": "edge", "negative edge": "negative edge", "no edge": "no edge", "too few": "too few"}


def performance_caption(s: Reading) -> str:
    """The long view's caption: what the returns are (or that a level has changes, not returns)."""
    if pw.is_level(s):
        return f"Change of the level to {fmt.date(s['as_of'])} (no returns: nobody holds it)"
    if s["profile"]["total_return"]:
        return f"Total return (dividends reinvested) to {fmt.date(s['as_of'])}"
    words = pw.return_words(s)
    return (
        f"{words[0].upper()}{words[1:]} of {s['ticker']}; total return of {s['benchmark']}; to {fmt.date(s['as_of'])}"
    )


def history_caption(s: Reading) -> str:
    """The history table's caption: n, median, edge and its interval, in the piece's units."""
    u = pw.units_of(s)
    return (
        f"20 sessions after each trigger. n: non-overlapping occurrences with a complete window. Median:"
        f" their {MEASURES[s['profile']['returns']].axis}. Edge: that median minus any session\u2019s, in {u.name},"
        " with its 90% bootstrap interval; no edge when the interval spans zero, too few under n 10"
    )


def scenario_caption(number: int, sc: Reading) -> str:
    """A talking point's table caption: its score, verdict, the weight measured and what was left out."""
    head = "n/a" if sc["score"] is None else fmt.signed(sc["score"])
    left = "; ".join(f"{x['name']} ({x['reason']})" for x in sc["left_out"])
    return (
        f"{number}. {sc['title']}: score {head}, {sc['verdict']}; {sc['available_weight']:g} of"
        f" {sc['total_weight']:g} weight measured"
        + (
            f". {sc['note'].rstrip('.') if left else sc['note']}" if sc["note"] else ""
        )  # one full stop before "Left out"
        + (f". Left out: {left}" if left else "")
    )


def family_note(adjusted: list[str]) -> str:
    """Which members' files are dividend-adjusted throughout ('' when none)."""
    if not adjusted:
        return ""
    return (
        f"Note: in the data for {', '.join(adjusted)}, open, high, low and close are all"
        " dividend-adjusted, so their levels are not the traded prices; phases and changes read the same."
    )


def method_lines(s: Reading, caveats: list[str]) -> list[str]:
    """The method note: the as-of note, the profile, the data's provenance and notes, how the indicators are
    defined and, once the piece's figures are traced, how many are (:func:`traced_line`)."""
    d = s["data"]
    t, b, p = d["ticker"], d["benchmark"], s["profile"]
    lines = [s["as_of_note"]] if s["as_of_note"] else []
    shared = "Leadership and relative returns use" if p["leadership"] != "hidden" else "comparisons with"
    lines.append(
        f"Profile: {p['title']} ({p['reason']}). Its own indicators use its own {d['sessions']:,} sessions;"
        f" {shared} the {d['common_sessions']:,} sessions it shares with {s['benchmark']}."
    )
    lines.append(
        f"Data: {t['source_detail']}. The {s['ticker']} series runs {t['first_date']} to {t['last_date']}"
        f" and {s['benchmark']} {b['first_date']} to {b['last_date']} ({b['source']}); this piece uses"
        f" only data up to {s['as_of']}."
    )
    lines += d["run_notes"] + t["notes"] + b["notes"] + caveats
    lines.append(
        f"Method: phases compare the close with its {pw.fast_name(s)[:-4]}- and {pw.slow_name(s)[:-4]}-session"
        f" moving averages; Real Motion is the close's percentage distance from its {pw.slow_name(s)}, read"
        f" against its own {pw.fast_name(s)} and ±2σ bands"
        " (outside the band, |z| > 2, is a momentum extreme);"
        " Leadership is the ticker/benchmark ratio's percentage distance from its own 200-session"
        " average. These are public, transparent stand-ins for MarketGauge's proprietary phases, Real"
        " Motion and Triple Play Leadership indicators."
    )
    return lines + ([traced_line(s["claims"])] if s.get("claims") else [])


def traced_line(c: Reading) -> str:
    """How many figures of the piece's text are traced to the data (the ``claims`` block, :mod:`analysis.text.claims`)."""
    how = (
        "each to the value it states and to where that value is in the summary (the claims of its JSON),"
        " within the precision it is printed with"
    )
    if not c["untraced"]:
        head = f"Figures: all {c['figures']:,} figures in this piece's sentences (here and in its JSON) are traced to the data, {how}."
    else:
        head = (
            f"Figures: {c['traced']:,} of the {c['figures']:,} figures in this piece's sentences (here and in its"
            f" JSON) are traced to the data, {how}; the other {len(c['untraced']):,} are listed as untraced in its JSON."
        )
    return head + " The tables print the summary's values as they are."
