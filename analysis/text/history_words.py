"""What history says, in words: each trigger's edge over any session, with its 90% interval and n.

The numbers are :func:`analysis.model.events.event_study`'s; the moves are written in the
piece's units (:class:`analysis.model.units.Units`) and named by its measure
(:mod:`analysis.text.measure_words`).
"""

from __future__ import annotations

from analysis.fmt import date
from analysis.model.types import Reading, SummaryDict
from analysis.text import event_words
from analysis.text import profile_words as pw
from analysis.text.measure_words import MEASURES


def _move(s: Reading, x: float) -> str:
    return pw.units_of(s).move(x)


def _interval(s: Reading, h: Reading) -> str:
    return pw.units_of(s).interval(h["edge_low"], h["edge_high"])


def _edge_clause(s: Reading, h: Reading) -> str:
    """``a median 20-session total return of +1.7%, 0.5 percentage points above any session's (90% interval
    +0.1 to +1.0 percentage points, n 110)``: an edge clear of zero, in words."""
    side = "above" if h["edge"] > 0 else "below"
    return (
        f"a median 20-session {MEASURES[s['profile']['returns']].clause} of {_move(s, h['median'])},"
        f" {pw.units_of(s).edge(h['edge'])} {side} any session's (90% interval {_interval(s, h)}, n {h['n']})"
    )


def _an_edge(h: Reading) -> str:
    return "an edge" if h["verdict"] == "positive edge" else "a negative edge"


def history(s: Reading) -> list[str]:
    """What followed each trigger before, as an edge over any session with its 90% interval, always with n.

    A trigger whose interval spans zero is said plainly to have shown no edge; one whose
    interval excludes zero gets its edge and interval in words; too few occurrences are not
    read. The current state (``history_state``) gets its own sentence. Moves are named and
    measured as the profile measures them (a return, or a change in points or basis points).
    """
    items = s.get("history") or []
    if not items:
        return []
    t, as_of = s["ticker"], s["as_of"]
    base = items[0]["horizons"]["20"]
    if base["baseline_median"] is None:
        return [f"{t}'s history up to {date(as_of)} is too short for 20-session forward moves."]
    what = MEASURES[s["profile"]["returns"]].name
    out = [
        f"For each trigger, every past occurrence in {t}'s history up to {date(as_of)}: its median {what}"
        f" 20 sessions later, set against the {_move(s, base['baseline_median'])} of any session. The difference"
        " is the trigger's edge, and its 90% interval comes from resampling the occurrences: when the interval"
        " spans zero, the trigger has shown no edge."
    ]
    confirm = next((i for i in items if i["id"] == "closes_above_sma50"), None)
    out += _confirmation(s, confirm) if confirm else []
    others = [i for i in items if i is not confirm and not i["horizons"]["20"]["too_few"]]
    out += _other_triggers(s, others)
    out += _other_horizons(items)
    out += _state_history(s, s.get("history_state"))
    out.append(
        "Occurrences within the horizon of one already counted are counted once, and n under 10 is too few to"
        " read. This is what happened before, not a forecast."
    )
    return out


def _confirmation(s: Reading, confirm: Reading) -> list[str]:
    """What followed the confirmation (N closes above the fast average), at 20 sessions."""
    t, h, move = s["ticker"], confirm["horizons"]["20"], MEASURES[s["profile"]["returns"]].clause
    if h["verdict"] == "no edge":
        return [
            f"The confirmation, {confirm['trigger']}, has shown no edge in {t}'s history: after its {h['n']}"
            f" non-overlapping occurrences the median 20-session {move} was {_move(s, h['median'])}, against"
            f" {_move(s, h['baseline_median'])} for any session, and the 90% interval of the difference"
            f" ({_interval(s, h)}) spans zero."
        ]
    if h["verdict"] in ("positive edge", "negative edge"):
        return [
            f"The confirmation, {confirm['trigger']}, has shown {_an_edge(h)} in {t}'s history: {_edge_clause(s, h)}."
        ]
    if h["n"]:
        return [
            f"There are only {h['n']} non-overlapping confirmations ({confirm['trigger']}) with a complete"
            " 20-session window: too few to read."
        ]
    return []


def _other_triggers(s: Reading, others: list[SummaryDict]) -> list[str]:
    """The other triggers with enough occurrences: each edge in words, the rest counted as no edge."""
    edged = [i for i in others if i["horizons"]["20"]["verdict"] in ("positive edge", "negative edge")]
    out = [
        f"\u201c{i['trigger']}\u201d has shown {_an_edge(i['horizons']['20'])}: {_edge_clause(s, i['horizons']['20'])}."
        for i in edged
    ]
    flat = len(others) - len(edged)
    if len(others) == 1 and flat:
        out.append(
            "The other trigger with enough occurrences has shown no edge at 20 sessions: its interval spans zero."
        )
    elif others and not edged:
        out.append(
            f"None of the other {len(others)} triggers with enough occurrences has shown an edge at 20 sessions"
            f" in {s['ticker']}'s history: every 90% interval spans zero."
        )
    elif flat:
        out.append(
            f"The other {flat} trigger{'s' if flat > 1 else ''} with enough occurrences"
            f" {'have' if flat > 1 else 'has'} shown no edge at 20 sessions: {'their' if flat > 1 else 'its'}"
            f" 90% interval{'s span' if flat > 1 else ' spans'} zero."
        )
    return out


def _other_horizons(items: list[SummaryDict]) -> list[str]:
    """Edges clear of zero at the horizons other than 20 sessions (the first three, then a count)."""
    elsewhere: dict[tuple[str, str], list[str]] = {}
    for i in items:
        for k, h in i["horizons"].items():
            if k != "20" and h["verdict"] in ("positive edge", "negative edge"):
                elsewhere.setdefault((i["trigger"], _an_edge(h)), []).append(k)
    if not elsewhere:
        return []
    parts = [
        f"\u201c{name}\u201d, {kind} at {' and '.join(ks)} sessions" for (name, kind), ks in list(elsewhere.items())[:3]
    ]
    more = len(elsewhere) - len(parts)
    return [
        "At the other horizons, intervals clear of zero: "
        + "; ".join(parts)
        + (f"; and {more} more" if more else "")
        + "."
    ]


def _state_history(s: Reading, state: Reading | None) -> list[str]:
    """What followed sessions in today's state (phase and Real Motion's side), at 20 sessions."""
    if not state:
        return []
    t, h, move = s["ticker"], state["horizons"]["20"], MEASURES[s["profile"]["returns"]].clause
    now = event_words.state_words(
        state["phase"], state["real_motion"] == "above", (s.get("settings") or {}).get("fast", 50)
    )
    if h["verdict"] == "too few":
        return [
            f"Sessions like today ({now}) are too few in {t}'s history to read: {h['n']} non-overlapping ones"
            " with a complete 20-session window."
        ]
    if h["verdict"] == "no edge":
        return [
            f"Sessions like today ({now}) have shown no edge: the {h['n']} non-overlapping ones with a complete"
            f" window were followed by a median 20-session {move} of {_move(s, h['median'])}, and the 90%"
            f" interval of the difference from any session ({_interval(s, h)}) spans zero."
        ]
    return [f"Sessions like today ({now}) have shown {_an_edge(h)}: {_edge_clause(s, h)}."]
