"""The call in words: its label, its reason, and what would change it, in prices, both ways.

The decisions are :mod:`analysis.model.call`'s (the state, the grade, the triggers, the steps
within reach); this phrasebook only words them, one whole sentence each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from math import inf

from analysis.fmt import count, date, day, join
from analysis.model import call as calls
from analysis.model.call import REACH, Call, Trigger
from analysis.model.levels_box import box
from analysis.model.session import KNIFE_EDGE, RARE_MOVE, REACHABLE, move_size
from analysis.model.types import Reading
from analysis.text import level_words as lw
from analysis.text import profile_words as pw
from analysis.text.unusual_words import share

#: Whom a gauge's call is for (:data:`analysis.model.call.INVERTED_KINDS`).
FOR_WHOM = {"volatility": "for stocks", "yield": "for bond holders"}


# -- sentences ----------------------------------------------------------------------------------


def since_when(iso: str | None, as_of: str) -> str:
    """``since June 5`` / ``since the turn of the year`` / ``since March 3, 2023``."""
    if not iso:
        return ""
    d, a = dt.date.fromisoformat(iso), dt.date.fromisoformat(as_of)
    # the year's first sessions only (January 9 read as "the turn of the year" to the fifth cold read);
    # a December date is said as it is (QQQ: December 21)
    if d.month == 1 and d.day <= 5 and d.year == a.year:
        return "since the turn of the year"
    return f"since {d:%B} {d.day}" if d.year == a.year else f"since {date(iso)}"


def crossed_today(s: Reading, last_other: str | None) -> bool:
    """Whether a line was crossed in the as-of session itself: the last session on the other side of it
    is the session before (IWM 2024-07-16: "Leadership has not been below zero since July 15" hid a
    cross above zero that day; the fifth cold read)."""
    return last_other is not None and last_other == (s.get("session") or {}).get("previous_date")


#: How momentum and leadership read after the call's head, by (momentum up, leadership up or
#: ``None`` when Leadership is hidden).
_SIGNALS = {
    (False, None): "and momentum is down",
    (True, None): "with momentum up",
    # Leadership's line is zero (ahead of or behind the benchmark), momentum's its own 50-DMA: "both below
    # their lines" read as Leadership below its 50-DMA beside a paragraph saying it is above (seventh cold read)
    (False, False): "with momentum down and lagging {b}",
    (True, True): "with momentum up and leading {b}",
    (True, False): "with momentum up but lagging {b}",
    (False, True): "leading {b} but with momentum down",
}
#: The same with momentum at an oversold extreme (``real_motion.stretch``), where a shorter form reads better.
_OVERSOLD: dict[tuple[bool, bool | None], str] = {(False, None): "and momentum is at an oversold extreme"}


def _signals(s: Reading, st: calls.CallState) -> str:
    """``with momentum up but lagging SPY, momentum stretched above its band``: what agrees with the call."""
    key = (st.momentum, st.leading)
    side = s["real_motion"]["stretch"]["side"]
    signals = _SIGNALS[key].format(b=s["benchmark"])
    if side == "up":
        where = pw.stretched_where(s)
        band = s["real_motion"]["stretch"]["by"] == "band"  # else the price is far from its 200-DMA, not momentum
        if key == (True, None):
            return f"with momentum up and stretched {where}" if band else f"with momentum up, stretched {where}"
        return f"{signals}, {'momentum ' if band else ''}stretched {where}"
    if side == "down":
        if (
            s["real_motion"]["stretch"]["by"] != "band"
        ):  # TLT 2022-11-10: "momentum up, momentum at an oversold extreme"
            oversold = "" if pw.is_level(s) else "oversold, "  # a yield or a gauge is low, not oversold
            return f"{signals}; {s['ticker']} is {oversold}far below its {pw.slow_name(s)}"
        return _OVERSOLD.get(key, signals + ", momentum at an oversold extreme")
    return signals


def reason(s: Reading) -> str:
    """Why the call: the phase, where the close sits, and whether momentum and leadership agree."""
    t, st = pw.named(s), calls.state(s)
    if s["phase"] is None or s["sma50"] is None:
        return f"{t} has too little history for its averages, so the trend is not yet readable"
    where = f"{pw.distance(s, s['close'], s['sma50'])} its {pw.fast_name(s)}"
    if pw.is_level(s) and s["sma200"] is not None:  # a gauge has no bullish phase: say where it sits
        head = f"{t} is {where} and {pw.distance(s, s['close'], s['sma200'])} its {pw.slow_name(s)}"
    else:
        head = f"{_phase_head(s, t)}, {where}"
    mood = ""
    if calls.inverted(s):  # a turn against the fast average's side is said as the exception it is
        m = calls.mood(s)
        mood = f"{':' if m in ('rising', 'easing', 'rising_fading', 'easing_fading') else ', though'} {pw.MOOD[pw.kind(s)][m]}"
    return f"{head}, {_signals(s, st)}{mood}"


def _phase_head(s: Reading, t: str) -> str:
    """``IWM has been in a warning phase since July 1`` / ``HYG entered a bearish phase today`` / ``QQQ has
    been in a bullish phase since at least December 21, 1999, its first session with a 200-DMA``."""
    words = pw.PHASE_WORDS[s["phase"]]
    if s["phase_since"] == s["as_of"] and not s["phase_from_start"]:
        return f"{t} entered {words} today"
    since = since_when(s["phase_since"], s["as_of"])
    if s["phase_from_start"] and since:
        since = f"since at least {since.removeprefix('since ')}, its first session with a {pw.slow_name(s)}"
    return " ".join(w for w in (f"{t} has been in {words}", since) if w)


def call_label(s: Reading) -> str:
    """``Cautious`` / ``Defensive for stocks``: the call, and for whom when the close is a gauge."""
    for_whom = FOR_WHOM.get(pw.kind(s)) if calls.inverted(s) else None
    call = calls.call_of(s).capitalize()
    return f"{call} {for_whom}" if for_whom else call


def call_sentence(s: Reading) -> str:
    """The call in one sentence, with its reason."""
    return f"{call_label(s)}: {reason(s)}."


_EVENT_WORDS = {
    ("price_vs_sma_fast", "up"): "back above its {fast}",
    ("price_vs_sma_fast", "down"): "below its {fast}",
    ("price_vs_sma_slow", "up"): "back above its {slow}",
    ("price_vs_sma_slow", "down"): "below its {slow}",
    ("real_motion_vs_fast", "up"): "Real Motion over its own {fast}",
    ("real_motion_vs_fast", "down"): "Real Motion under its own {fast}",
    ("leadership_vs_zero", "up"): "Leadership above zero (if {benchmark} is unchanged)",
    ("leadership_vs_zero", "down"): "Leadership below zero (if {benchmark} is unchanged)",
}


def _event_words(s: Reading, e: Reading) -> str:
    if e["event"] == "phase":
        return f"in {pw.PHASE_WORDS[e['to']]}"
    words = _EVENT_WORDS.get((e["event"], e["direction"]))
    if not words:
        return str(e["event"]).replace("_", " ")
    return words.format(fast=pw.fast_name(s), slow=pw.slow_name(s), benchmark=s["benchmark"])


def change_sentences(s: Reading, call: Call | None = None) -> list[str]:
    """What would change the call, in prices, in both directions (next session's close).

    Each direction lists the solved closes in order of distance, up to the one that changes
    the call (or the nearest two when none does), each with what flips there. ``call`` is
    :func:`analysis.model.call.read` of ``s`` when the caller has it already.
    """
    call = call or calls.read(s)
    return [_direction_sentence(s, side, call) for side in ("up", "down")]


#: Events after which "N such closes in a row confirm the turn" applies, on the way up.
_CONFIRMED_BY_CLOSES = ("phase", "price_vs_sma_fast")


def _what(s: Reading, events: Sequence[Reading]) -> list[str]:
    """What ``events`` flip, in words, repeats merged."""
    words: list[str] = []
    for e in events:
        w = _event_words(s, e)
        if w not in words:
            words.append(w)
    return words


def _steps(s: Reading, side: str, tr: Trigger | None) -> list[tuple[float, list[str], bool, str, str]]:
    """The model's steps in ``side``'s direction, each with what it flips in words, whether a run
    of closes confirms it (a phase or the fast average), how the move to it reads against the
    ticker's sessions (:func:`_flag`) and its verb: ``keeps`` for a close that holds today's phase
    where an unchanged close would leave it, else ``puts``."""
    out = []
    for step in calls.steps(s, side, tr.price if tr else None):
        kept = all(e["event"] == "phase" and e.get("to") == s["phase"] for e in step.events)
        confirmable = not kept and any(e["event"] in _CONFIRMED_BY_CLOSES for e in step.events)
        flag = _flag(step.events[0], s["benchmark"])
        out.append((step.price, _what(s, step.events), confirmable, flag, "keeps" if kept else "puts"))
    return out


def _gap(benchmark: str, side: str) -> str:
    """``a lead over RSP`` (``up``) or ``a lag behind RSP``: a move read against the benchmark."""
    return f"a lead over {benchmark}" if side == "up" else f"a lag behind {benchmark}"


def _flag(event: Reading, benchmark: str) -> str:
    """After a next-session move: a knife-edge (no larger than the median session's,
    :data:`~analysis.model.session.KNIFE_EDGE`), a rare move within reach (:data:`RARE_MOVE`), or nothing.
    A move rare only against the benchmark says so: SPY's 0.8% on 2025-04-08 is an ordinary day for SPY, but
    a lead over RSP wider than on 97% of sessions (the eighth cold read)."""
    pct = event.get("move_percentile")
    if pct is None or KNIFE_EDGE < pct < RARE_MOVE:
        return ""
    year = event.get("of") == "year"  # ranked among the past year's moves: a quiet tape (analysis/model/reach.py)
    if pct <= KNIFE_EDGE:
        return (
            _KNIFE_EDGE.replace("most sessions move", "most sessions of the past year moved") if year else _KNIFE_EDGE
        )
    if event.get("rarity") == "relative":
        return f", {_gap(benchmark, event['direction'])} wider than on {share(pct, 'sessions')}"
    today = f" but within reach{_TODAY}" if pct > REACHABLE else ""  # reachable only in a wild tape
    among = "the past year's sessions" if year else "its sessions"
    return f", larger than on {share(pct, among)}{today}"


def _direction_sentence(s: Reading, side: str, call: Call) -> str:
    q = pw.quoter(s)
    word = "above" if side == "up" else "below"
    tr = call.quoted(s, side)  # out of one session's reach: not a trigger to quote
    steps = _steps(s, side, tr)
    if not steps:
        return _no_change(s, side, call)
    now = call.call
    parts = []
    for i, (price, what, confirmable, flag, verb) in enumerate(steps):
        last = tr is not None and i == len(steps) - 1
        subject = _subject(s, what)
        move = pw.units_of(s).move_to(s["close"], price) + flag
        at = pw.quote_apart(s, price, s["close"])[0]  # XLP 2013-05-22: "below 29.19", its close 29.1904
        if (price > s["close"]) if side == "down" else (price < s["close"]):  # the line moves past the close overnight
            at, close_q = pw.quote_apart(s, price, s["close"])  # NVDA 2016-06-24: "below 1.12 (0.3% up)", close 1.12
            move = f"even an unchanged one at {close_q}"
        if i == 0:
            text = f"A close {word} {at} next session ({move}) {verb} {subject}{join(what)}"
        else:
            text = f"a close {word} {at} ({move}) also {verb} {subject}{join(what)}"
        if confirmable and side == "up":
            c = s["confirmation"]
            if not c["confirmed"] and c["n"] > 1:
                text += f" ({count(c['n'])} such closes in a row confirm the turn)"
        text += f", and the call turns {tr.call}" if last and tr else ""
        parts.append(text)
    out = "; ".join(parts)
    if tr is None:
        out += f"; the call stays {now}"
    lv = s["level_to_clear"]
    beyond = call.beyond_reach(s, side)  # SPY 2008-09-29: no "needs to clear 126.99" when 122.75 turns the call
    if side == "up" and lv["price"] is not None and steps[-1][0] < lv["price"] < (beyond.price if beyond else inf):
        out += f". The {'level' if pw.is_level(s) else 'price'} then needs to clear {q(lv['price'])} ({_level_short(s, lv)})"
    first = next(iter(box(s)["support"]), None)  # the box's nearest, so the sentence and the box agree
    if side == "down" and first is not None and first["price"] > steps[0][0]:
        out += f". First support is {q(first['price'])} ({lw.box_words(first, 'support', s['as_of'])})"
    # the closes within reach leave the call as it is: say what does change it (the fourth cold read
    # refused SPY 2018-02-05's up-bullet, which never gave the +4.9% close that turns it constructive)
    said = frozenset(e["event"] for step in calls.steps(s, side, None) for e in step.events)
    return out[0].upper() + out[1:] + "." + (_beyond(s, side, call, said) if tr is None else "")


def _level_short(s: Reading, lv: Reading, side: str = "resistance") -> str:
    """``the June 5 high`` style: the level's kind and its date, the year only when it is not the piece's."""
    what = lw.level_words(lv, side).split(", set on")[0]
    return (
        f"{what}, {day(lv['date'], s['as_of'])}"
        if lv.get("date") and lv["kind"] not in ("sma_fast", "sma_slow")
        else what
    )


#: A reach decided by today's volatility, not history's (:mod:`analysis.model.reach`).
_TODAY = " at today's volatility"

#: After the move to a trigger no larger than an ordinary session's (:data:`analysis.model.session.KNIFE_EDGE`).
_KNIFE_EDGE = ", a knife-edge: most sessions move more"


def _tape_reach(s: Reading, side: str) -> str | None:
    """``a session's reach at today's volatility (7.8%)`` that way when the tape is wilder than history's,
    ``a session's reach in the past year (6 bp)`` when it is far quieter (:mod:`analysis.model.reach`), else ``None``."""
    ses = s.get("session") or {}
    wild = (ses.get("volatile_reach") or {}).get(side)
    if wild is not None:
        return f"a session's reach{_TODAY} ({pw.units_of(s).size(wild)})"
    if ses.get("quiet_reach") is not None:
        return f"a session's reach in the past year ({pw.units_of(s).size(ses['quiet_reach'])})"
    return None


def _reach(s: Reading, side: str) -> str:
    """``a session's reach (4.3%)``: the move all but one session in a hundred stayed within, or the tape's
    (:func:`_tape_reach`)."""
    ses = s.get("session") or {}
    if (tape := _tape_reach(s, side)) is not None:
        return tape
    if ses.get("reach") is None:
        return f"{REACH:.0%}"
    return f"a session's reach ({pw.units_of(s).size(ses['reach'])})"


def _subject(s: Reading, what: Sequence[str]) -> str:
    """``IWM `` before what a close puts it in (``back above its 50-DMA``); none before Real Motion or Leadership."""
    return "" if what[0].startswith(("Real Motion", "Leadership")) else f"{s['ticker']} "


def _beyond(s: Reading, side: str, call: Call, said: frozenset[str] = frozenset()) -> str:
    """The close that would change the call but that no session could reach: what it takes, said as the
    condition it is (``with IWM back above its 200-DMA``) and where, against the largest move the ticker
    ever made that way when it is beyond even that, else against :data:`REACHABLE` of its sessions."""
    tr = call.beyond_reach(s, side)
    if tr is None:
        return ""
    # the conditions against the averages and lines; a phase only when nothing else flips (the solver
    # gives the next phase from today's, which a close that far may have passed: BTC "below its
    # 50-DMA … and in a recovery phase" was refused)
    lines = [e for e in tr.events if e["event"] != "phase"]
    lines = [e for e in lines if e["event"] not in said] or lines  # what the closes within reach do not already do
    # the ticker's own conditions first, so "with IWM below its 200-DMA and Leadership below zero" never
    # reads as Leadership below its 200-DMA (the words after Leadership had no subject of their own)
    u = pw.units_of(s)
    what = sorted(_what(s, lines or tr.events), key=lambda w: w.startswith(("Real Motion", "Leadership")))
    # the benchmark's premise belongs to the price, not to one condition: "Leadership below zero (if SPY is
    # unchanged) (467.72, …)" read as two asides (the fifth cold read)
    premise = f" (if {s['benchmark']} is unchanged)"
    what, held = [w.replace(premise, "") for w in what], any(premise in w for w in what)
    # the close the solver found is next session's (the averages move as that close enters them): said
    # so, or HYG's "back above its 50-DMA (59.95 ...)" read as a misquote of the 50-DMA of 59.99 below
    way = "above" if side == "up" else "below"
    at = f"a close {way} {pw.quote(s, tr.price)} next session" + (f" if {s['benchmark']} is unchanged" if held else "")
    where = f"{at}, {u.gap(tr.price, s['close'])} {way} the close"
    head = f" The call turns {tr.call} only with {_subject(s, what)}{join(what)} ({where})"
    record = (s.get("session") or {}).get("largest_rise" if side == "up" else "largest_fall")
    size = abs(move_size(s["close"], tr.price, u))
    if record is not None and size > record["size"]:
        ever = "risen" if side == "up" else "fallen"
        in_percent = " in percent" if u.returns == "points" else ""  # a gauge's moves are ranked as a share
        return (
            f"{head}: further{in_percent} than {s['ticker']} has ever {ever} in one session"
            f" ({_record_size(s, record)}, {date(record['date'])}), so it is several sessions away."
        )
    if tr.relative:  # rare only against the benchmark
        gap = _gap(s["benchmark"], side)
        return f"{head}: {gap} wider than on {REACHABLE:.0%} of sessions, so several sessions away, not tomorrow's."
    if (tape := _tape_reach(s, side)) is not None:
        return f"{head}: beyond {tape}, so several sessions away, not tomorrow's."
    return f"{head}: a move larger than on {REACHABLE:.0%} of its sessions, so several sessions away, not tomorrow's."


def _record_size(s: Reading, record: Reading) -> str:
    """A largest one-session move as ranked: ``21.1%``; a gauge's in percent of its level alone (``29.6%``:
    "29.6%, 12.11 points" read as its record in points, which is another day, 17.36 on October 20, 2008: the
    tenth cold read)."""
    u = pw.units_of(s)
    if u.returns == "points":
        return f"{record['size']:.1%}"
    return u.size(record["move"])


def _extreme(s: Reading, side: str) -> str:
    """``at its highest close since May 2, 2024, when it closed at 112.40 (2.1% above)`` / ``at a record
    close, with nothing higher in the data``: where a close at a high (low) stands in its history."""
    level = s["level_to_clear"] if side == "up" else s.get("support") or {}
    since, word = level.get("since"), "highest" if side == "up" else "lowest"
    if since is None:
        return (
            "at a record close, with nothing higher in the data" if side == "up" else f"at its {word} close in the data"
        )
    return (
        f"at its {word} close since {date(since['date'])}, when it closed at {pw.quote_near(s, since['price'])}"
        f" ({pw.units_of(s).distance(since['price'], s['close'])})"
    )


def _no_change(s: Reading, side: str, call: Call) -> str:
    """When no close within reach changes the call in this direction: the levels of the box on that side."""
    tail, reach, t = _beyond(s, side, call), _reach(s, side), s["ticker"]
    tr = call.beyond_reach(s, side)
    if tr is not None and tr.relative:
        # the close that changes it is within the ticker's reach but not against its benchmark: KRE 2020-11-09
        # "no close within a session's reach (8.3%) changes the call", then a close 6.1% lower that does
        beyond = f" while {s['benchmark']} moves with it.{tail}"
    else:
        beyond = f".{tail}"
    levels = box(s)["resistance" if side == "up" else "support"]
    word, way = ("resistance", "up") if side == "up" else ("support", "down")
    if not levels:  # nothing that way in the data: a record, or the lowest close there is
        return f"{'Above' if side == 'up' else 'Below'}, {t} is {_extreme(s, side)}.{tail}"
    plural = "s to watch are" if len(levels) > 1 else " to watch is"
    if (s["level_to_clear"] if side == "up" else s.get("support") or {}).get("price") is None:  # at a high (low)
        where = f"{t} is {_extreme(s, side)}"
    else:
        where = f"the {word}{plural} {lw.box_levels(s, word)}"
    return f"{'Above' if side == 'up' else 'Below'}, {where}; no close within {reach} changes the call on the way {way}{beyond}"
