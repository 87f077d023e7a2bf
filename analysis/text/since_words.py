"""Sentences for "since the last piece", written from the ``since_last`` JSON block only.

:func:`sentence` writes one change (:func:`analysis.model.since.since_last` found it);
:func:`worded` gives each change its sentence as ``text``; :func:`lines` gives the
section's sentences, most important first, or the one plain sentence that nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable

from analysis.fmt import count, day, join, signed
from analysis.model.session import RARE_MOVE, WEEK
from analysis.model.types import Reading, SummaryDict
from analysis.text import level_words as lw
from analysis.text import profile_words as pw
from analysis.text.day_words import week_start
from analysis.text.unusual_words import share

#: Where a level (a fear gauge, a yield) sits, for each phase: it has no bullish or bearish phase.
LEVEL_WORDS = {
    "bullish": "above both averages",
    "warning": "below its {fast} but above its {slow}",
    "distribution": "below both averages (the {fast} still over the {slow})",
    "bearish": "below both averages",
    "recovery": "above its {fast} but below its {slow}",
    "accumulation": "above both averages (the {fast} still under the {slow})",
}


#: A level's phase changes in which only the averages crossed: (where the level stays, which way the fast crossed).
_AVERAGES_CROSS = {
    ("accumulation", "bullish"): ("above", "above"),
    ("bullish", "accumulation"): ("above", "below"),
    ("distribution", "bearish"): ("below", "below"),
    ("bearish", "distribution"): ("below", "above"),
}


def _others(via: list[str], words: dict[str, str] | None = None) -> str:
    """The phases passed through: named when one or two, counted beyond (``four other phases``)."""
    if len(via) > 2:
        return f"{count(len(via))} other {'states' if words else 'phases'}"
    return join([words[p] if words else _phase(p) for p in via])


def _closes(n: int) -> str:
    return f"{count(n)} close" + ("" if n == 1 else "s")


def _phase(name: str) -> str:
    return pw.PHASE_WORDS.get(name, f"a {name} phase")


def _bare(name: str) -> str:
    """``a warning phase`` -> ``warning`` (for "from a bullish to a warning phase")."""
    return _phase(name).removesuffix(" phase")


def _on(iso: str | None, as_of: str) -> str:
    return f" on {day(iso, as_of)}" if iso else ""


def _then(since: Reading, as_of: str) -> str:
    """How the earlier state is named: ``in the June 28 piece`` or ``on June 28, five sessions ago``."""
    when = day(since["previous_as_of"], as_of)
    if since["against"] == "piece":
        return f"in the {when} piece"
    return f"on {when}, {count(since['sessions'])} sessions ago"


def sentence(change: Reading, s: Reading) -> str:
    """One plain sentence for one change of ``s["since_last"]["changes"]`` (``s`` the summary)."""
    kind = change["kind"]
    level = (s.get("profile") or {}).get("returns") in ("points", "basis_points")
    if kind == "phase" and level:  # a gauge has no bullish phase: where it sits against its averages
        return _level_phase(change, s)
    writer = _WRITERS.get(kind)
    if writer is None:
        raise ValueError(f"unknown since_last change kind: {kind!r}")
    return writer(change, s)


def _via(via: list[str], words: dict[str, str] | None = None) -> str:
    """``, by way of a recovery phase`` (one state passed through), ``, after …`` (more), or ''.
    A level's states are where it sat (``above both averages``): ``, after a spell above both averages``."""
    if words is not None:
        return f", after {_spells(via, words)}" if via else ""
    if len(via) == 1:
        return f", by way of {_phase(via[0])}"
    return f", after {_others(via)}" if via else ""


def _spells(via: list[str], words: dict[str, str]) -> str:
    """A level's states passed through: ``a spell above both averages``, ``spells above both averages, then
    below its 50-DMA but above its 200-DMA``, counted beyond two (``four other states``)."""
    if len(via) > 2:
        return f"{count(len(via))} other states"
    return ("a spell " if len(via) == 1 else "spells ") + ", then ".join(words[p] for p in via)


def _level_phase(change: Reading, s: Reading) -> str:
    t, as_of = s["ticker"], s["as_of"]
    name = {k: v.format(fast=pw.fast_name(s), slow=pw.slow_name(s)) for k, v in LEVEL_WORDS.items()}
    if change["back"]:
        back = f" since {day(change['date'], as_of)}" if change["date"] else ""
        return f"{t} is back {name[change['to']]}{back}, after {_spells(change['via'], name)} from {day(change['left'], as_of)}."
    crossed = _AVERAGES_CROSS.get((change["from"], change["to"]))
    if crossed and not change["via"]:  # the close stayed on its side: the averages crossed (^VIX 2024-08-05)
        where, way = crossed
        return (
            f"{t}'s {pw.fast_name(s)} crossed {way} its {pw.slow_name(s)}{_on(change['date'], as_of)},"
            f" with the level {where} both."
        )
    # the state passed through is said (a cold read refused "from below both averages to above both
    # averages on July 13" where July 13 was only the last step, the 50-DMA crossing the 200-DMA)
    via = _via(change["via"], name)
    return f"{t} moved from {name[change['from']]} to {name[change['to']]}{_on(change['date'], as_of)}{via}."


def _phase_change(change: Reading, s: Reading) -> str:
    t, as_of = s["ticker"], s["as_of"]
    if change["back"]:
        back = f" since {day(change['date'], as_of)}" if change["date"] else ""
        # XLY 2026-08-21 left accumulation on August 18 and 20, back on 19 and 21: not "a recovery phase from
        # August 18" (the tenth cold read)
        spells = change.get("spells") or 1
        away = f"{count(spells)} spells in {_others(change['via'])}" if spells > 1 else _others(change["via"])
        return f"{t} is back in {_phase(change['to'])}{back}, after {away} from {day(change['left'], as_of)}."
    via = _via(change["via"])
    return f"{t} moved from {_bare(change['from'])} to {_phase(change['to'])}{_on(change['date'], as_of)}{via}."


def _level(change: Reading, s: Reading) -> str:
    """A level to clear cleared, or a support lost (and whether the close is back on its side)."""
    t, as_of, kind = s["ticker"], s["as_of"], change["kind"]
    side = "resistance" if kind == "level_cleared" else "support"
    level = {"kind": change["level_kind"], "date": change["level_date"], "window": change["window"]}
    verb, other = ("above", "below") if kind == "level_cleared" else ("below", "above")
    named = "the level to clear" if kind == "level_cleared" else "the support"
    if change.get("beyond"):
        named = f"the nearest {side} {'over' if verb == 'above' else 'under'} its {change['beyond']['window']}-DMA"
    level_q, close_q = pw.quote_apart(s, change["price"], change["close"])
    text = (
        f"{t} closed {verb} {named} at {level_q} ({lw.level_words(level, side)})"
        f" on {day(change['date'], as_of)}, at {close_q}"
    )
    back = ""
    if change.get("back_at"):  # ^IRX 2025-04-08 closed at 4.178%, its support of December 27: not "above" it
        back = f"; it closed back at that level, {pw.quote(s, s['close'])}"
    elif change["back"]:
        back = f"; it is back {other} it at {pw.quote_apart(s, change['price'], s['close'])[1]}"
    return f"{text}{back}."


def _line_cross(change: Reading, s: Reading) -> str:
    """Real Motion crossing its fast average, or Leadership crossing zero."""
    as_of, kind = s["as_of"], change["kind"]
    line = f"its {pw.fast_name(s)}" if kind == "real_motion" else "zero"
    who = "Real Motion" if kind == "real_motion" else f"Leadership against {s['benchmark']}"
    if change["back"]:
        return (
            f"{who} crossed {'below' if change['from'] == 'above' else 'above'} {line}"
            f"{_on(change['first_date'], as_of)} and is back {change['to']} it{_on(change['date'], as_of)}."
        )
    return f"{who} crossed {change['to']} {line}{_on(change['date'], as_of)}."


def _closes_above(change: Reading, s: Reading) -> str:
    """The run of closes above the fast average: the confirmation reached, lost, or the count now."""
    t, as_of, since, fast = s["ticker"], s["as_of"], s["since_last"], pw.fast_name(s)
    n, then, now, event = change["n"], change["from"], change["to"], change["event"]
    if event == "reached":
        return (
            f"{t} completed {_closes(n)} in a row above its {fast}{_on(change['date'], as_of)}, the confirmation"
            f" it lacked {_then(since, as_of)}."
        )
    if event == "lost":
        now_words = f"it now closes below the {fast}" if now == 0 else f"a new run has {_closes(now)} so far"
        return f"{t}'s run of {_closes(then)} in a row above its {fast} ({_then(since, as_of)}) ended; {now_words}."
    if event == "reached_and_lost":
        return f"{t} completed {_closes(n)} in a row above its {fast}{_on(change['date'], as_of)}, but the run has since ended."
    return f"{t} has {_closes(now)} in a row above its {fast}, against {count(then) if then else 'none'} {_then(since, as_of)}."


def _scenario(change: Reading, s: Reading) -> str:
    verb = "rose" if change["move"] > 0 else "fell"
    now = f", now {change['verdict']}" if change.get("verdict") else ""
    return f"The score of \u201c{change['title']}\u201d {verb} from {signed(change['from'])} to {signed(change['to'])}{now}."


def _members(change: Reading) -> str:
    """``IWM (Granddad) and IYT (Transportation)``: a family change's members, with their nicknames."""
    return join(
        [f"{tk} ({nick})" if nick else tk for tk, nick in zip(change["tickers"], change["nicknames"], strict=True)]
    )


def _family(change: Reading, s: Reading) -> str:
    return f"In the Economic Modern Family, {_members(change)} moved from {_bare(change['from'])} to {_phase(change['to'])}."


#: The sentence writer of each kind of change.
_WRITERS: dict[str, Callable[[Reading, Reading], str]] = {
    "phase": _phase_change,
    "level_cleared": _level,
    "support_lost": _level,
    "real_motion": _line_cross,
    "leadership": _line_cross,
    "confirmation": _closes_above,
    "closes_above": _closes_above,
    "scenario": _scenario,
    "family": _family,
}


def worded(s: Reading) -> SummaryDict:
    """``s["since_last"]`` with each change's sentence as its ``text`` (a new block; ``s`` is left as it is)."""
    since = s["since_last"]
    return {**since, "changes": [{**change, "text": sentence(change, s)} for change in since["changes"]]}


def nothing(s: Reading) -> str:
    """The one sentence when nothing changed."""
    since = s["since_last"]
    if since["previous_as_of"] is None:  # five sessions back (summary.SINCE_SESSIONS) is too early for a piece
        # (the ticker has sessions then: too few, or before its benchmark's data begins; "no earlier session" was false)
        return (
            f"There is no earlier piece of {s['ticker']} to compare with, and none could be written five sessions back."
        )
    when = day(since["previous_as_of"], s["as_of"])
    if since["against"] == "piece":
        period = f"since the last piece ({when})"
    else:
        period = f"in the {count(since['sessions'])} sessions since {when}"
    sides = (
        "Real Motion and Leadership on the same side of their lines"
        if (s.get("profile") or {}).get("leadership") != "hidden"
        else f"Real Motion on the same side of its {pw.fast_name(s)}"
    )
    moved = _week_move(s) if since["against"] == "sessions" and since["sessions"] == WEEK else ""
    if moved:  # the week's move was the news, even with nothing the piece tracks changed; said once
        held = _levels_held(s)  # ^VIX 2018-12-24: "rose 11.55 points (47.1%) ...; but ^VIX rose 11.55 points over them"
        held = "" if held.startswith("; but") else held  # at a new extreme there was no level to hold
        return f"{moved}{_week_extreme(s)}, but nothing the piece tracks has changed: the same phase, {sides}{held}."
    return f"Nothing the piece tracks has changed {period}: the same phase, {sides}{_levels_held(s)}."


def _week_move(s: Reading) -> str:
    """``IYT rose 6.5%, more than in 95% of its earlier five-session spans`` (in the five sessions the
    heading names) when the week's move was larger than :data:`~analysis.model.session.RARE_MOVE` of its weeks
    ('' otherwise): IYT 2019-01-02 rebounded 6.5% from a 52-week low, and "nothing has changed" alone was
    refused (the seventh cold read)."""
    ses = s.get("session") or {}
    week = ses.get("week")
    if not week or week["percentile"] is None or week["percentile"] < RARE_MOVE or not week["move"]:
        return ""
    verb = "rose" if week["move"] > 0 else "fell"  # the section's heading names the five sessions
    return (
        f"{s['ticker']} {verb} {pw.units_of(s).size(week['move'], week_start(s))},"
        f" more than in {share(week['percentile'], 'its earlier five-session spans')}"
    )


def _levels_held(s: Reading) -> str:
    """``, and no level cleared or support lost`` when that is the news; after a notable five sessions
    compared with five sessions back, the move itself (the cold read refused "no support lost" for an
    index down 8.1% to a two-year low: at a low there was no support to lose)."""
    since, ses = s["since_last"], s.get("session") or {}
    week = ses.get("week")
    if since["against"] != "sessions" or not ses.get("notable_week") or not week:
        return ", and no level cleared or support lost"
    way = "fell" if week["move"] < 0 else "rose"
    move = pw.units_of(s).size(week["move"], None)
    return f"; but {s['ticker']} {way} {move} over them{_week_extreme(s)}"


def _week_extreme(s: Reading) -> str:
    """``, to its highest close since February 5`` after a notable five sessions that ended at such a close."""
    ses = s.get("session") or {}
    week = ses.get("week")
    if not ses.get("notable_week") or not week:
        return ""
    extreme = (s.get("support") if week["move"] < 0 else s.get("level_to_clear")) or {}
    low = "lowest" if week["move"] < 0 else "highest"
    return f", to its {low} close since {day(extreme['since']['date'], s['as_of'])}" if extreme.get("since") else ""


def lines(s: Reading) -> list[str]:
    """The sentences of "since the last piece", most important first (one sentence when nothing changed)."""
    since = s.get("since_last")
    if not since:
        return []
    if since["none"]:
        return [nothing(s)]
    families = [c for c in since["changes"] if c["kind"] == "family"]
    out = []
    for c in since["changes"]:
        if c["kind"] != "family":
            out.append(c.get("text") or sentence(c, s))
        elif c is families[0]:  # the family's moves in one sentence, where its first stands
            out.append(_families(families) if len(families) > 1 else c.get("text") or sentence(c, s))
    return out


def _families(changes: list[Reading]) -> str:
    """``In the Economic Modern Family, IWM (Granddad) moved from a distribution to a bearish phase, and SMH
    (Sister Semiconductors) from a bullish to a warning phase.``: one sentence for its moves of different
    phases (^IRX 2023-10-19 repeated "In the Economic Modern Family" in two sentences: the eighth cold read)."""
    parts = [
        f"{_members(change)} {'moved ' if i == 0 else ''}from {_bare(change['from'])} to {_phase(change['to'])}"
        for i, change in enumerate(changes)
    ]
    return f"In the Economic Modern Family, {', '.join(parts[:-1])}, and {parts[-1]}."
