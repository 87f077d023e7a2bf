"""What the ticker needs: the level to clear, the confirmation, the support below, in words.

The section "What <ticker> needs" of the evidence: the levels and runs of
:mod:`analysis.model.facts` (``level_to_clear``, ``support``, ``last_run_above_sma50``,
``confirmation``) written in the piece's units.
"""

from __future__ import annotations

from analysis.fmt import date
from analysis.model.levels_box import box
from analysis.model.types import Reading
from analysis.text import level_words as lw
from analysis.text import profile_words as pw


def needs_sentence(s: Reading) -> str:
    t, c, lv = s["ticker"], s["confirmation"], s["level_to_clear"]
    n, q = c["n"], pw.quoter(s)
    if s["sma50"] is None:
        return ""
    if c["confirmed"]:
        first = f"{t} has {c['closes_above_sma50']} consecutive closes above its {pw.fast_name(s)}, confirming the turn"
    elif c["closes_above_sma50"]:
        first = f"{t} has {c['closes_above_sma50']} close above its {pw.fast_name(s)}; it needs {n} in a row ({q(s['sma50'])})"
    elif pw.kind(s) == "volatility":
        first = f"A turn up in fear would show as {n} closes above its {pw.fast_name(s)} ({q(s['sma50'])})"
    elif pw.kind(s) == "yield":
        first = f"A turn up in yields would show as {n} closes above the {pw.fast_name(s)} ({q(s['sma50'])})"
    else:
        first = f"{t} needs {n} closes above its {pw.fast_name(s)} ({q(s['sma50'])})"
    if lv["price"] is None:
        return f"{first}; {_at_a_high(s)}."
    if lv["price"] > s["close"] and pw.is_level(s):
        return f"{first}; the nearest level above is {q(lv['price'])}."
    if lv["price"] > s["close"]:
        return f"{first}, and the price needs to clear {q(lv['price'])}."
    return f"{first}; it already trades above {q(lv['price'])}, the level given."


def _at_a_high(s: Reading) -> str:
    """At a high with no level to clear: what is overhead, named as page one's box names it."""
    lv, q = s["level_to_clear"], pw.quoter(s)
    at = {"all_time": "a record close", "52w": "a 52-week high"}.get(
        lv["at"], f"a {lv.get('window') or 22}-session high"
    )
    nxt = lv.get("next")
    if not (nxt and nxt["kind"] == "all_time_high"):
        return f"at {at}, there is " + (
            f"nothing overhead until {q(nxt['price'])}, {lw.level_words(nxt)}" if nxt else "nothing overhead"
        )
    # older highs than a year are not in the ladder: say what is known, the box's closes above first
    record = f"the highest close in the data is {q(nxt['price'])}, set on {date(nxt['date'])}"
    rows = box(s)["resistance"]
    if not rows:
        return f"at {at}, there is no level of the last year overhead; {record}"
    above = f"at {at}, there is no level of the last year overhead; above it: {lw.box_levels(s, 'resistance')}"
    return above if any(r["price"] == nxt["price"] for r in rows) else f"{above}; {record}"


def _run_sentence(s: Reading) -> str:
    """The current run of closes above the 50-DMA, or the last one and how long it lasted."""
    run, c = s.get("last_run_above_sma50") or {}, s["confirmation"]
    if c["confirmed"] and c["last_completed"]:
        return f"The run reached {c['n']} closes on {date(c['last_completed'])}."
    if run.get("current_run") or not run.get("last_close_above"):
        return (
            ""
            if run.get("current_run")
            else f"{s['ticker']} has not closed above its {pw.fast_name(s)} in the available history."
        )
    length = f"{run['run_sessions']}-session"
    length = ("an " if length[0] == "8" or length.startswith(("11-", "18-")) else "a ") + length
    began = f" that began on {date(run['run_start'])}" if run["run_sessions"] > 1 else ""
    return f"The last close above the {pw.fast_name(s)} was on {date(run['last_close_above'])}, the end of {length} run{began}."


#: How far above the close the highest close in the data is still named beside a nearer level to clear.
RECORD_NEAR = 0.10


def _record_beyond(s: Reading) -> str:
    """The highest close in the data, when it sits just beyond a nearer level to clear.

    A reader told "the price needs to clear 65,993" should also hear that the record close,
    two sessions old, is 4% higher (BTC-USD, 2021-11-10): it is the level the market last
    turned down from. Said only within :data:`RECORD_NEAR` of the close and when the level to
    clear is not that record itself (nor zoned with it).
    """
    lv, close = s["level_to_clear"], s["close"]
    if lv["price"] is None or lv["origin"] != "computed" or lv["price"] <= close:
        return ""
    kinds = {lv["kind"], *(r["kind"] for r in lv.get("also", []))}
    if "all_time_high" in kinds:
        return ""
    rungs = s.get("levels", {}).get("resistance", [])
    tops = [r for z in rungs for r in (z, *z.get("also", [])) if r["kind"] == "all_time_high"]
    if not tops or tops[0]["price"] > close * (1 + RECORD_NEAR):
        return ""
    top = tops[0]
    return (
        f"Beyond it, the highest close in the data is {pw.quote(s, top['price'])}, set on {date(top['date'])},"
        f" {pw.units_of(s).gap(top['price'], close)} above the last close."
    )


def needs(s: Reading) -> list[str]:
    """The triggers: N closes above the 50-DMA, the level to clear, the supports of page one's levels box."""
    t, lv = s["ticker"], s["level_to_clear"]
    out = [needs_sentence(s), _run_sentence(s)]
    if lv["price"] is not None:
        what = (
            f"{t}'s highest close of the last {lv['window']} sessions, set on {date(lv['date'])}"
            if lv["kind"] == "recent_high"
            else lw.level_words(lv, "resistance")
        )
        if lv["origin"] == "parameter":
            what = "the level given for this piece"
        away = pw.units_of(s).distance(lv["price"], s["close"])
        out.append(f"{pw.quote(s, lv['price'])} is {what}; it is {away} the last close.")
        out.append(_record_beyond(s))
    supports = box(s)["support"]
    if supports and (s.get("support") or {}).get("price") is not None:  # the box's supports, as page one names them
        plural = "s to watch are" if len(supports) > 1 else " to watch is"
        out.append(f"Below, the support{plural} {lw.box_levels(s, 'support')}.")
    elif lw.support_clause(s):
        clause = lw.support_clause(s)
        out.append(clause[0].upper() + clause[1:] + ".")
    return [x for x in out if x]
