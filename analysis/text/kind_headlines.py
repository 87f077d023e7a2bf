"""The headline of the profiles whose words differ most: a volatility gauge, a yield, a bond fund.

A fear index at a record is "fear is rising", a yield's phase is what yields are doing, a bond
fund beating equities is a flight to safety. :func:`headline` returns ``None`` for the other
profiles, whose headline :mod:`analysis.text.headline` writes from the catalogue of facts.
"""

from __future__ import annotations

from analysis.model import call as calls
from analysis.model.types import Reading
from analysis.text import day_words
from analysis.text.profile_words import MOOD, extreme_words, fact, fast_name, kind, lead_fact, quote, slow_name


def _year(iso: str) -> str:
    return iso[:4]


#: Where a level stands in the headline of each mood that is not its side of the fast average: (the words, the
#: average) after the MOOD's own words (:func:`analysis.model.call.mood`).
_TURNS = {
    "turning_up": ("back above", "slow"),
    "turning_down": ("back below", "slow"),
    "pulling_back": ("still above", "fast"),
    "bouncing": ("still below", "fast"),
    "rising_fading": ("above", "fast"),
    "easing_fading": ("below", "fast"),
}


def _moving(s: Reading, up: bool) -> bool:
    """Whether the level moved ``up`` (down) over the last five sessions by more than its median five sessions:
    what "rising fast" or "fear spikes" says. ^IRX's Real Motion beyond its band read "Yields are falling fast"
    after five sessions down 0.7 bp (2018-12-24) and "rising fast" after 0.5 bp up (2020-11-09): a distance
    from the 200-DMA in percent is large for a yield near zero (the tenth cold read)."""
    week = (s.get("session") or {}).get("week")
    return bool(week and week["move"] and (week["move"] > 0) == up and week["percentile"] >= 0.5)


def _turned(s: Reading, at: str) -> str | None:
    """``Yields are turning up: ^TNX at 4.26%, back above its 200-DMA``: a level whose mood is a turn, a
    pull-back or momentum against its side of the fast average; ``None`` when it simply rises or eases."""
    mood = calls.mood(s)
    if mood not in _TURNS:
        return None
    where, average = _TURNS[mood]
    words = MOOD[kind(s)][mood]
    return f"{words[0].upper()}{words[1:]}: {at}, {where} its {slow_name(s) if average == 'slow' else fast_name(s)}"


def _volatility_headline(s: Reading, top: Reading | None) -> str:
    t, close, f = s["ticker"], s["close"], s["sma50"]
    at = f"{t} at {quote(s, close)}"
    if top and top["id"] == "vix_level":
        if top["record"] and top["side"] == "high":
            return f"Fear is rising: {at}, a record close"
        if top["record"]:  # the third cold read: "among its lowest" undersold ^VIX's lowest close (2017-11-03)
            return f"Fear has never been lower: {at}, its lowest close since {_year(top['first_date'])}"
        if top["side"] == "high":
            return f"Fear is extreme: {at}, among its highest closes since {_year(top['first_date'])}"
        return f"Fear is at a low ebb: {at}, among its lowest closes since {_year(top['first_date'])}"
    if top and top["id"] == "real_motion_z" and _moving(s, top["z"] > 0):
        return (
            f"Fear spikes: {at}, far above its trend"
            if top["z"] > 0
            else f"Fear drains away: {at}, far below its trend"
        )
    if top and top["id"].startswith("new_52w"):
        return f"Fear is {'rising' if top['id'].endswith('high') else 'receding'}: {at}, {extreme_words(s, top)}"
    if f is None:
        return f"{at}: how much fear is priced?"
    turned = _turned(s, at)
    if turned:
        return turned
    if close > f:
        return f"Fear is rising: {at}" + (", a record close" if s["level_to_clear"].get("at") == "all_time" else "")
    return f"Fear is receding: {at}, below its {fast_name(s)}"


#: A yield's headline by phase when nothing unusual leads: what yields are doing against their averages.
YIELD_PHASES = {
    "bullish": "Yields are rising: {at}",
    "warning": "Yields are easing: {at}, below its {fast}",
    "distribution": "Yields are easing: {at}, below both averages",
    "bearish": "Yields are falling: {at}, in a downtrend",
    "recovery": "Yields are turning up: {at}, still below its {slow}",
    "accumulation": "Yields are rising again: {at}, above both averages",
}


def _yield_headline(s: Reading, top: Reading | None) -> str:
    t, f = s["ticker"], s["sma50"]
    at = f"{t} at {quote(s, s['close'])}"
    extreme = fact(s, "all_time_high", "new_52w_high", "all_time_low", "new_52w_low")
    if top and top["id"] == "real_motion_z" and _moving(s, top["z"] > 0):
        fast = "rising fast" if top["z"] > 0 else "falling fast"
        return f"Yields are {fast}: {at}" + (f", {extreme_words(s, extreme)}" if extreme else "")
    if top and top["id"] in ("all_time_high", "new_52w_high", "all_time_low", "new_52w_low"):
        move = "rising" if top["id"].endswith("high") else "falling"
        return f"Yields are {move} to {extreme_words(s, top)}: {at}"
    if f is None or s["phase"] is None:
        return f"{at}: where next for yields?"
    turned = _turned(s, at)
    if turned:
        return turned
    return YIELD_PHASES[s["phase"]].format(at=at, fast=fast_name(s), slow=slow_name(s))


def _bond_headline(s: Reading, top: Reading | None) -> str:
    """A bond fund (Leadership a risk-off reading) or a high-yield fund (a risk asset)."""
    t, b, phase = s["ticker"], s["benchmark"], s["phase"]
    credit = kind(s) == "credit"
    worry = "how far will credit spreads widen?" if credit else "are yields still rising?"
    lead = (s["leadership"]["value"] or 0) > 0
    high = fact(s, "all_time_high", "new_52w_high")
    recovering = top is not None and top["id"] == "drawdown" and phase in ("recovery", "accumulation", "bullish")
    if calls.day_against_phase(s) and not recovering:  # LQD 2020-03-23 up 7.4% "in one of its deepest drawdowns"
        return day_words.day_headline(s)
    if top and top["id"] == "real_motion_z" and top["z"] < 0:
        return f"{t} is deeply oversold: " + (
            "are credit spreads near a peak?" if credit else "are yields near a peak?"
        )
    if top and top["id"] == "real_motion_z":
        if s["leadership"].get("haven") == "sought":  # a bond fund leading stocks while it holds up
            return f"A flight to safety stretches {t} above its band: how much further can bonds run?"
        return f"{t} is stretched above its band: how much further can {'credit' if credit else 'bonds'} run?"
    if top and top["id"] in ("all_time_low", "new_52w_low"):
        return f"{t} breaks down to {extreme_words(s, top)}: {worry}"
    if top and top["id"] == "drawdown":
        if recovering:
            # "climbs" on a day it fell 1.1% (LQD 2008-11-20) was noted by the fifth cold read
            fell = ((s.get("session") or {}).get("day") or {}).get("move", 0) < 0
            verb = "slips back in its recovery from" if fell else "climbs off"
            return f"{t} {verb} a deep drawdown: can {'credit' if credit else 'bonds'} keep recovering?"
        deepest = "the deepest drawdown in its history" if top["percentile"] == 1 else "one of its deepest drawdowns"
        return f"{t} is in {deepest}: {worry}"
    if high and (top is None or top is high):
        return f"{t} at {extreme_words(s, high)}: " + (
            "how tight can credit spreads get?" if credit else "are yields easing?"
        )
    fading = not s["real_motion"]["above_fast"]
    if phase in ("bullish", "recovery", "accumulation"):
        word = ("Credit is" if credit else "Bonds are") + (" bid" if phase == "bullish" else " recovering")
        return f"{word}{', but momentum is fading' if fading else ''}: can {t} keep rallying?"
    if phase in ("bearish", "distribution"):
        if credit and lead:
            return f"{t} under pressure, though holding up better than {b}: {worry}"
        return f"{t} under pressure: {worry}"
    return f"Can {t} find a floor as spreads move?" if credit else f"Can {t} find a floor?"


def headline(s: Reading) -> str | None:
    """The headline of a level, a bond fund or a credit fund (``None``: the equity headlines apply).

    Led by the catalogue's most unusual fact when it is unusual (:func:`lead_fact`), else by the
    phase: a volatility index reads as fear, a yield as yields, a fund's Leadership in its own terms.
    """
    top = lead_fact(s)
    if kind(s) == "volatility":
        return _volatility_headline(s, top)
    if kind(s) == "yield":
        return _yield_headline(s, top)
    if kind(s) in ("credit", "bond_fund"):
        return _bond_headline(s, top)
    return None
