"""How the call has done, in words: page one's line, the evidence section, the method note.

The numbers and every judgement (the verdict of each interval, whether an edge went the way
the call says) are :func:`analysis.model.track_record.record`'s, in the summary's
``track_record``; this phrasebook only words them. A state whose 90% interval spans zero is
said to have shown "no edge", and only such a state: the words read ``verdict``, which
:func:`analysis.model.forward.verdict` sets from the interval alone.
"""

from __future__ import annotations

import datetime as dt

from analysis.fmt import date, join
from analysis.model.call import CALLS
from analysis.model.types import Reading, SummaryDict
from analysis.model.units import Units, units
from analysis.text.call_words import FOR_WHOM
from analysis.text.measure_words import MEASURES

#: The horizon page one speaks of.
PAGE_ONE = "20"

#: How a verdict reads after "…: ", by (for the holder, as_called): an edge clear of zero is ``better`` or
#: ``worse`` for the holder (the model's ``holder``: a yield's fall is better for a bond holder).
READING = {
    ("no edge", None): "no edge",
    ("too few", None): "too few to read",
    ("better", True): "better than after any session, as the call says",
    ("worse", True): "worse than after any session, as the call warns",
    ("better", False): "better than after any session, so the call's warning has not paid off",
    ("worse", False): "worse than after any session, so the call has not paid off",
    ("better", None): "better than after any session",
    ("worse", None): "worse than after any session",
}
#: The same in a table's Reading column.
SHORT = {
    ("no edge", None): "no edge",
    ("too few", None): "too few",
    ("better", True): "as called",
    ("worse", True): "as called",
    ("better", False): "against the call",
    ("worse", False): "against the call",
    ("better", None): "better than any",
    ("worse", None): "worse than any",
}

#: The percentiles the track record's box plots whisker to (the chart draws them, the caption says them).
WHISKERS = (5, 95)


def reading(block: Reading, short: bool = False) -> str:
    """The words of one state's verdict at one horizon (:data:`READING`, or :data:`SHORT` for a table): an edge
    by the model's ``holder`` (a block without one, relative to the benchmark, is better when positive)."""
    verdict = block["verdict"]
    if verdict in ("no edge", "too few"):
        return (SHORT if short else READING)[(verdict, None)]
    holder = block.get("holder") or ("better" if verdict == "positive edge" else "worse")
    return (SHORT if short else READING)[(holder, block.get("as_called"))]


def _tr(s: Reading) -> SummaryDict | None:
    tr = s.get("track_record")
    return tr if tr and tr.get("available") else None


def units_of(tr: Reading) -> Units:
    """The units the graded moves are written in (the record's ``measure``)."""
    return units(tr["measure"])


def whom(s: Reading) -> str:
    """`` for stocks`` / `` for bond holders`` after a gauge's call; '' otherwise."""
    return f" {FOR_WHOM[s['profile']['kind']]}" if s["profile"]["kind"] in FOR_WHOM else ""


def measured(s: Reading, tr: Reading, h: str) -> str:
    """``20-session total return`` / ``20-session SPY total return`` / ``20-session change in the yield``."""
    if tr["graded_on"] == "yield":
        return f"{h}-session change in the yield"
    if tr["graded_on"] == "benchmark":
        return f"{h}-session {tr['graded_symbol']} {MEASURES[tr['measure']].clause}"
    return f"{h}-session {MEASURES[tr['measure']].clause}"


def since(tr: Reading, as_of: str) -> str:
    """``Since 2001`` / ``Since May 2023`` (a record younger than two calendar years)."""
    first = dt.date.fromisoformat(tr["first_session"])
    if dt.date.fromisoformat(as_of).year - first.year >= 2:
        return f"Since {first.year}"
    return f"Since {first:%B} {first.year}"


def _n(block: Reading) -> str:
    return f"n {block['n']:,}"


# -- page one -------------------------------------------------------------------------------------


def brief_line(s: Reading) -> str:
    """Page one's one line: ``Since 2001, cautious calls like today's were followed by a median
    20-session total return of +1.6%, against +1.3% after any session: no edge (n 199).``"""
    tr = _tr(s)
    if tr is None or tr["call"] is None:
        return ""
    block, base = tr["states"][tr["call"]]["horizons"][PAGE_ONE], tr["baseline"][PAGE_ONE]
    head = f"{since(tr, s['as_of'])}, {tr['call']} calls{whom(s)} like today's"
    if block["verdict"] == "too few" or base["median"] is None:
        return f"{head} are too few to read at {PAGE_ONE} sessions ({_n(block)})."
    u = units_of(tr)
    d = u.adaptive_digits(block["median"], base["median"])  # ^IRX's −0.4 and +0.2 bp both read "+0 bp"
    return (
        f"{head} were followed by a median {measured(s, tr, PAGE_ONE)} of {u.move(block['median'], digits=d)},"
        f" against {u.move(base['median'], digits=d)} after any session: {reading(block)} ({_n(block)})."
    )


# -- the evidence section -------------------------------------------------------------------------


def _shares(tr: Reading) -> str:
    """``constructive on 36% of them, cautious on 43% and defensive on 21%``."""
    parts = [f"{c} on {tr['states'][c]['share']:.0%}" for c in reversed(CALLS) if tr["states"][c]["share"] is not None]
    return (parts[0] + " of them" + (", " + join(parts[1:]) if parts[1:] else "")) if parts else ""


def _graded_on(s: Reading, tr: Reading) -> str:
    """What a gauge's call is graded on, in one sentence ('' for a price)."""
    if tr["graded_on"] == "benchmark":
        return (
            f" A call{whom(s)} is graded on {tr['graded_symbol']}, the market {s['ticker']} speaks for:"
            f" its total return, not the gauge's points."
        )
    if tr["graded_on"] == "yield":
        return (
            f" A call{whom(s)} is graded on the change in {s['ticker']} in basis points, a rise being a loss"
            " for the holder (the yield's own history is longer than any Treasury fund's, and free of a fund's duration)."
        )
    return ""


def intro(s: Reading, tr: Reading) -> str:
    """What was replayed, how often each call was given, how often it changed and how long it lasted."""
    ch = tr["changes"]
    today = (
        f" Today's {tr['call']} call has held for {tr['call_sessions']:,} session{'s' if tr['call_sessions'] != 1 else ''}."
        if tr["call"]
        else ""
    )
    return (
        f"The call's rule, replayed on every session of {s['ticker']}'s history from {date(tr['first_session'])}"
        f" with only the data up to each one ({tr['sessions']:,} sessions): {_shares(tr)}."
        f" The call changed {ch['per_year']:.1f} times a year, and a call lasted a median {ch['median_run']:g}"
        f" session{'s' if ch['median_run'] != 1 else ''}.{today}{_graded_on(s, tr)}"
    )


def medians(s: Reading, tr: Reading, h: str) -> str:
    """``At 20 sessions, the median total return was +0.5% after constructive calls, +1.6% after cautious
    and +1.5% after defensive ones, against +1.3% after any session.``"""
    u, base = units_of(tr), tr["baseline"][h]
    if base["median"] is None:
        return f"{s['ticker']}'s record is too short for {h}-session windows."
    parts = [
        f"{u.move(b['median'])} after {c}"
        for c in reversed(CALLS)
        if (b := tr["states"][c]["horizons"][h])["median"] is not None
    ]
    what = measured(s, tr, h).split(" ", 1)[1]
    return f"At {h} sessions, the median {what} was {join(parts)} calls, against {u.move(base['median'])} after any session."


def _interval(u: Units, b: Reading) -> str:
    return f"90% interval of the difference {u.interval(b['edge_low'], b['edge_high'])}, {_n(b)}"


def edges(s: Reading, tr: Reading, h: str) -> list[str]:
    """Each call with an interval clear of zero at ``h`` sessions in words; the others said to show no edge."""
    u = units_of(tr)
    blocks = {c: tr["states"][c]["horizons"][h] for c in reversed(CALLS)}
    found = [c for c, b in blocks.items() if b["verdict"] in ("positive edge", "negative edge")]
    flat = [c for c, b in blocks.items() if b["verdict"] == "no edge"]
    few = [c for c, b in blocks.items() if b["verdict"] == "too few"]
    what = measured(s, tr, h)
    out = [f"After {c} calls, the {what} was {reading(blocks[c])} ({_interval(u, blocks[c])})." for c in found]
    if flat:
        many = len(flat) > 1
        out.append(
            f"{join([c.capitalize() if i == 0 else c for i, c in enumerate(flat)])} calls"
            f" {'have' if many else 'has'} shown no edge at {h} sessions: {'their' if many else 'its'}"
            f" 90% interval{'s span' if many else ' spans'} zero."
        )
    if few:
        out.append(f"There are too few {join(few)} calls with a complete {h}-session window to read.")
    return out


def relative(s: Reading, tr: Reading) -> str:
    """Against the benchmark: the calls whose relative edge is clear of zero, or that none is."""
    if tr["graded_on"] != "ticker" or tr["states"][CALLS[0]]["horizons"][PAGE_ONE]["relative"] is None:
        return ""
    u, b = units_of(tr), s["benchmark"]
    clear = [
        f"{c} calls at {h} sessions ({u.edge(blk['edge'])} {'better' if blk['edge'] > 0 else 'worse'} than any"
        f" session; {_interval(u, blk)})"
        for h in map(str, tr["horizons"])
        for c in reversed(CALLS)
        if (blk := tr["states"][c]["horizons"][h]["relative"])["verdict"] in ("positive edge", "negative edge")
    ]
    if not clear:
        return f"Against {b}, no call has shown an edge at either horizon: every interval spans zero."
    return f"Against {b}, the relative return had an edge clear of zero only for {join(clear)}; every other interval spans zero."


def verdict(s: Reading, tr: Reading) -> str:
    """The record in one honest sentence: no edge, an edge as called, against it, or both."""
    cells = [(c, h, tr["states"][c]["horizons"][h]) for h in map(str, tr["horizons"]) for c in reversed(CALLS)]
    right = [f"{c} calls at {h} sessions" for c, h, b in cells if b["as_called"] is True]
    wrong = [f"{c} calls at {h} sessions" for c, h, b in cells if b["as_called"] is False]
    if not right and not wrong:
        return (
            f"The verdict: no edge as called. The call describes {s['ticker']}'s trend as it stands; in its history"
            f" it has not told the next {join([str(h) for h in tr['horizons']])} sessions apart from any others"
            " in the direction it names."
        )
    if right and not wrong:
        return f"The verdict: an edge as called after {join(right)}; no edge as called elsewhere."
    if wrong and not right:
        return (
            f"The verdict: where the record is clear of zero it runs against the call ({join(wrong)}):"
            " read the call as a description of the trend, not a forecast."
        )
    return f"The verdict is mixed: an edge as called after {join(right)}, against the call after {join(wrong)}."


def _rule_words(s: Reading, tr: Reading) -> str:
    """``holding IWM while it closes above its 200-day average`` / a yield's and a gauge's forms."""
    w = tr["simple_rule"]["window"]
    if tr["graded_on"] == "yield":
        return f"holding bonds while {s['ticker']} is below its {w}-day average"
    return f"holding {tr['graded_symbol']} while it closes above its {w}-day average"


#: How a spread's verdict reads after its interval.
SPREAD_READING = {"no edge": "no edge", "too few": "too few to read"}


def _compare(u: Units, sp: Reading, these: str, those: str) -> str:
    """``the windows it held were 1.2 percentage points worse for the holder than those it sat out (90%
    interval −2.5 to +0.1 percentage points: no edge)``."""
    if sp["spread"] is None:
        return f"{these} and {those} are too few to compare"
    side = "better" if sp["spread"] >= 0 else "worse"
    reading = SPREAD_READING.get(sp["verdict"], "clear of zero")
    return (
        f"{these} were {u.edge(sp['spread'])} {side} for the holder than {those}"
        f" (90% interval {u.interval(sp['low'], sp['high'])}: {reading})"
    )


def simple_rule(s: Reading, tr: Reading, h: str = PAGE_ONE) -> str:
    """The reader's alternative (Faber's rule) set against the call, at ``h`` sessions."""
    rule, u = tr["simple_rule"], units_of(tr)
    held = rule["states"]["in"]["share"]
    if held is None:
        return ""
    sp = tr["spread"][h]
    what = "bonds" if tr["graded_on"] == "yield" else tr["graded_symbol"]
    return (
        f"The rule a reader would use instead, {_rule_words(s, tr)} (Faber's), held {what} on {held:.0%} of"
        f" these sessions and changed {rule['changes']['per_year']:.1f} times a year. At {h} sessions,"
        f" {_compare(u, sp['rule'], 'the windows it held', 'those it sat out')};"
        f" {_compare(u, sp['call'], 'the windows after constructive calls', 'those after defensive ones')}."
    )


#: The method in one paragraph, for the section and for "Data and method".
METHOD = (
    "Each past call is the piece's own rule applied to the data up to that session. Windows are counted"
    " without overlap (a session counts only {h} sessions after the last one counted, as in \u201cWhat history"
    " says\u201d): a call holds for days or weeks, and neighbouring sessions share most of their window, so"
    " counting them all would count the same weeks many times, and the intervals would look surer than they"
    " are; a block bootstrap would keep every session but needs a block length chosen by hand. The 90% intervals"
    " resample the counted windows {resamples:,} times. This is what happened before, not a forecast."
)


def method(tr: Reading, h: str = PAGE_ONE) -> str:
    return METHOD.format(h=h, resamples=tr["resamples"])


def section(s: Reading) -> list[str]:
    """The paragraphs of "How this call has done", in order: what was replayed, each horizon, the
    benchmark and the reader's rule, the verdict (``[]`` without a record). The method is one line
    of "Data and method" (:func:`method_line`); the research notebook states it whole (:func:`method`)."""
    tr = s.get("track_record")
    if not tr:
        return []
    if not tr.get("available"):
        return [f"{s['ticker']}'s history up to {date(s['as_of'])} is too short to replay the call: {tr['reason']}."]
    out = [intro(s, tr)]
    for h in (str(h) for h in tr["horizons"]):
        found = edges(s, tr, h) if tr["baseline"][h]["median"] is not None else []
        out.append(" ".join([medians(s, tr, h), *found]))
    out.append(" ".join(x for x in (relative(s, tr), simple_rule(s, tr)) if x))
    out.append(verdict(s, tr))
    return [x for x in out if x]


def method_line(s: Reading) -> str:
    """One line for "Data and method": what the track record grades and how it samples."""
    tr = _tr(s)
    if tr is None:
        return ""
    on = {
        "ticker": f"{s['ticker']}'s own {MEASURES[tr['measure']].name}",
        "benchmark": f"{tr['graded_symbol']}'s total return (a gauge's call is for stocks)",
        "yield": f"the change in {s['ticker']} in basis points (a yield's call is for bond holders; a rise is a loss)",
    }[tr["graded_on"]]
    return (
        f"How this call has done: the call replayed on every session from {date(tr['first_session'])} with only"
        f" the data up to it, graded on {on}; non-overlapping windows, 90% bootstrap intervals of the median's"
        " difference from any session's (a block bootstrap was not used: it needs a block length chosen by hand)."
    )


# -- the table ------------------------------------------------------------------------------------


def caption(s: Reading, h: str) -> str:
    """The caption of the table at ``h`` sessions."""
    tr = s["track_record"]
    worst = header(s)[6].lower()
    return (
        f"{measured(s, tr, h).capitalize()} after each call since {date(tr['first_session'])}, windows"
        f" without overlap. Gained: share of windows the holder gained in; {worst}: median of each window's"
        " worst move against the holder; edge: the median's difference from any session's"
    )


def rule_label(s: Reading, state: str) -> str:
    """``IWM above its 200-day`` (the simple rule's ``in``: above its 200-day average) / ``… below …`` (``out``)."""
    tr = s["track_record"]
    rule = tr["simple_rule"]
    side = rule["side"] if state == "in" else ("below" if rule["side"] == "above" else "above")
    symbol = s["ticker"] if tr["graded_on"] == "yield" else tr["graded_symbol"]
    return f"{symbol} {side} its {rule['window']}-day"


def header(s: Reading) -> tuple[str, ...]:
    """The table's header; the worst move against a bond holder is a rise of the yield, a price's a dip."""
    worst = "Worst rise" if s["track_record"]["graded_on"] == "yield" else "Worst dip"
    return ("Call", "Sessions", "n", "Median", "Middle half", "Gained", worst, "Edge", "90% interval", "Reading")


def chart_caption(s: Reading) -> str:
    """Under the chart: what the shading and the boxes are."""
    tr = s["track_record"]
    return (
        f"Green constructive, amber cautious, red defensive{whom(s)}. Boxes: the middle half of the counted"
        f" windows' {MEASURES[tr['measure']].axis if tr['graded_on'] != 'yield' else 'change in the yield'},"
        f" whiskers from percentile {WHISKERS[0]} to percentile {WHISKERS[1]}; dashed line: any session's median."
    )
