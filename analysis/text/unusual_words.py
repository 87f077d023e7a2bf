"""One sentence for a fact of the ``unusual`` catalogue (:mod:`analysis.model.unusual`).

:func:`lead_sentence` is the bottom line's first sentence (and the brief's): the most unusual
fact, when it is unusual, with its number and date. :func:`volume_sentence` says so when volume
is unusual. Numbers come from the summary; nothing is computed here beyond formatting.
"""

from __future__ import annotations

from analysis.fmt import date, plain_pct, signed
from analysis.model.types import Reading
from analysis.text import profile_words as pw


def share(p: float, what: str) -> str:
    """A share of sessions: ``97% of its earlier sessions``, ``all its earlier sessions`` (never a rounded 100%)."""
    if p >= 1:
        return f"all {what}"
    text = f"{p:.0%}"
    return f"{text if text != '100%' else f'{min(p, 0.999):.1%}'} of {what}"


def _extreme(s: Reading, f: Reading) -> str:
    t, q = s["ticker"], pw.quoter(s)
    side = f["id"].rsplit("_", 1)[1]
    word, past = ("highest", "above") if side == "high" else ("lowest", "below")
    if f["id"].startswith("all_time"):
        return (
            f"{t}{pw.close_words(s)} {q(f['close'])}, its {word} close in the data since {f['first_date'][:4]},"
            f" {past} the {q(f['previous'])} of {date(f['previous_date'])}."
        )
    return (
        f"{t}{pw.close_words(s)} {q(f['close'])}, its {word} close in 52 weeks,"
        f" {past} the {q(f['previous'])} of {date(f['previous_date'])}."
    )


def fact_sentence(s: Reading, f: Reading) -> str:
    """The sentence of one fact of the catalogue (any score)."""
    t, q = s["ticker"], pw.quoter(s)
    fid = f["id"]
    if fid == "real_motion_z":
        where = {"above": "above its upper band", "below": "below its lower band", "inside": "inside its band"}
        return (
            f"Real Motion is {abs(f['z']):.1f} band deviations {'above' if f['z'] > 0 else 'below'} its own"
            f" {pw.fast_name(s)} (z {signed(f['z'])}), {where[f['band']]}"
            + (": a momentum extreme." if f["extreme"] else ".")
        )
    if fid.startswith(("all_time", "new_52w")):
        return _extreme(s, f)
    if fid == "drawdown":
        depth = (
            f"the deepest in the data, which begin in {f['first_date'][:4]}"
            if f["percentile"] >= 1
            else f"deeper than on {share(f['percentile'], 'its earlier sessions')}"
        )
        income = f.get("with_income")
        tail = f"; with its income reinvested it is {plain_pct(income)} below its peak" if income is not None else ""
        return f"{t} is {plain_pct(f['drawdown'])} below its record close of {q(f['high'])} ({date(f['high_date'])}), {depth}{tail}."
    if fid == "phase_change":
        if pw.is_level(s):
            return f"Since {date(f['date'])} {t} has been {pw.level_state(s, f['to'])}."
        cross = f" as the {pw.fast_name(s)} crossed the {pw.slow_name(s)}" if f["averages"] else ""
        return (
            f"{t} entered {pw.PHASE_WORDS[f['to']]} on {date(f['date'])}{cross}, leaving {pw.PHASE_WORDS[f['from']]}."
        )
    if fid == "volume":
        return volume_words(f)
    if fid == "divergence" and f["kind"] == "bearish":
        return (
            f"{t} closed at a 52-week high while Real Motion is below its own {pw.fast_name(s)}"
            f" ({signed(f['rm'])} vs {signed(f['rm_fast'])}): momentum does not confirm the price."
        )
    if fid == "divergence":
        return (
            f"Real Motion is above its own {pw.fast_name(s)} ({signed(f['rm'])} vs {signed(f['rm_fast'])}) while {t}"
            f" is still below its {pw.fast_name(s)} ({q(f['sma50'])}): momentum is turning before the price."
        )
    if fid == "vix_level":
        since = f["first_date"][:4]
        if f["record"]:
            word = "highest" if f["side"] == "high" else "lowest"
            return f"{t}{pw.close_words(s)} {q(f['close'])}, its {word} close in the data since {since}."
        if f["side"] == "high":
            return f"{t}{pw.close_words(s)} {q(f['close'])}, higher than on {share(f['percentile'], 'its sessions')} since {since}."
        return f"{t}{pw.close_words(s)} {q(f['close'])}, lower than on {share(1 - f['percentile'], 'its sessions')} since {since}."
    return ""


def volume_words(f: Reading) -> str:
    """``Volume was 2.1 times its 50-session average on a down day, a ratio higher than on 97% of earlier sessions.``"""
    day = "a down day" if f["change"] < 0 else "an up day" if f["change"] > 0 else "an unchanged day"
    return (
        f"Volume was {f['ratio']:.1f} times its 50-session average on {day},"
        f" a ratio higher than on {share(f['percentile'], 'its earlier sessions')}."
    )


def lead_sentence(s: Reading) -> str | None:
    """The most unusual fact in one sentence, when the catalogue's first fact is unusual; else ``None``."""
    top = pw.lead_fact(s)
    return fact_sentence(s, top) or None if top else None


def volume_sentence(s: Reading) -> str | None:
    """A sentence on volume when it is unusual (at least twice its 50-session average, or an unusual
    ratio) and not already the lead; else ``None``."""
    f = pw.fact(s, "volume")
    if not f or not f["spike"] or f is pw.lead_fact(s):
        return None
    return volume_words(f)
