"""The words of the piece, written from the summary alone.

Every function takes the summary dict (see :mod:`analysis.model.facts`) and returns plain-text
sentences; each sentence states a fact with its number and date, and a sentence is left out
when the data behind it is missing. No number is computed here beyond formatting and
comparing values the summary already holds, so the words cannot drift from the numbers.
All phrasing lives in this module (tests in ``tests/test_narrative.py`` run it over every
phase, both signs and missing history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from analysis.fmt import MINUS, date, pct, plain_pct, price, sessions, signed  # noqa: F401 (re-exported)
from analysis.text import economy_words as ew
from analysis.text import event_words
from analysis.text import profile_words as pw
from analysis.text import unusual_words as uw
from analysis.text.measure_words import MEASURES
from analysis.text.profile_words import PHASE_WORDS
from analysis.text.unusual_words import lead_sentence  # noqa: F401 (the brief's first sentence)

#: Phases in which the trend structure (50-DMA vs 200-DMA) is up / down.
UP_STRUCTURE = {"bullish", "warning", "distribution"}


def _since(iso: str | None, as_of: str) -> str:
    return "" if not iso else ("today" if iso == as_of else f"since {date(iso)}")


# -- headline and bottom line ------------------------------------------------------------------


#: Averages within this fraction of each other, and the close within it of both: a range.
RANGE = 0.02


def _tail(s: dict, leading: str, lagging: str) -> str:
    """``leading`` or ``lagging`` (with ``{b}`` the benchmark) by Leadership's sign; '' where it is hidden."""
    value = s["leadership"]["value"]
    if s["profile"]["leadership"] == "hidden" or value is None:
        return ""
    return (leading if value > 0 else lagging).format(b=s["benchmark"])


def in_range(s: dict) -> bool:
    """Nothing trending: the 50- and 200-DMA within :data:`RANGE` of each other and the close within it of both."""
    close, f, slow = s["close"], s["sma50"], s["sma200"]
    if f is None or slow is None:
        return False
    return all(abs(a / b - 1) < RANGE for a, b in ((f, slow), (close, f), (close, slow)))


def _fact_headline(s: dict, top: dict) -> str | None:
    """The headline led by an unusual fact (``None``: the phase decides)."""
    z = s["real_motion"]["z"]
    if z is not None and z < -2:  # Real Motion outside its band (the piece's one extreme), led by the top fact
        return _oversold_headline(s, top)
    if z is not None and z > 2:
        return _stretched_headline(s, top)
    writer = _FACT_HEADLINES.get(top["id"])
    return writer(s, top) if writer else None


def _oversold_headline(s: dict, top: dict) -> str:
    t, opening = s["ticker"], _opening(s["ticker"], top)
    low = pw.fact(s, "all_time_low", "new_52w_low")
    first = f"{opening} is deeply oversold" if opening else f"{t} is deeply oversold"
    if top["id"] in ("all_time_low", "new_52w_low"):
        first = f"{opening}, deeply oversold"
    elif low and not opening:
        first += f" at {pw.extreme_words(low)}"
    return f"{first}{_tail(s, ', but still leading {b}', ' and lagging {b}')}: capitulation?"


def _stretched_headline(s: dict, top: dict) -> str:
    t, opening = s["ticker"], _opening(s["ticker"], top)
    high = pw.fact(s, "all_time_high", "new_52w_high")
    first = f"{opening} is stretched above its band" if opening else f"{t} is stretched above its band"
    if top["id"] in ("all_time_high", "new_52w_high"):
        first = f"{opening}, stretched above its band"
    elif high and not opening:
        first = f"{t} is stretched above its band at {pw.extreme_words(high)}"
    return f"{first}{_tail(s, ', leading {b}', ', though lagging {b}')}: how far can momentum carry it?"


def _breakdown_headline(s: dict, top: dict) -> str:
    t = s["ticker"]
    return f"{t} breaks down to {pw.extreme_words(top)}{_tail(s, ', though still leading {b}', ', lagging {b}')}: where is support?"


def _drawdown_headline(s: dict, top: dict) -> str:
    t, deepest = s["ticker"], _deepest(top)
    if s["phase"] in ("recovery", "accumulation", "bullish"):
        return f"{t} climbs out of {deepest}{_tail(s, ', leading {b}', ', lagging {b}')}: can the recovery last?"
    return f"{t} is in {deepest}{_tail(s, ', though still leading {b}', ', lagging {b}')}: where is the floor?"


def _volume_headline(s: dict, top: dict) -> str:
    t, tail = s["ticker"], _tail(s, ", leading {b}", ", lagging {b}")
    if top["change"] < 0:
        return f"Heavy selling in {t}{tail}: a washout or the start of a slide?"
    return f"Heavy buying in {t}{tail}: is momentum building?"


def _phase_change_headline(s: dict, top: dict) -> str:
    return (
        f"{s['ticker']} enters {PHASE_WORDS[top['to']]}{_tail(s, ', leading {b}', ', lagging {b}')}: what comes next?"
    )


def _record_headline(s: dict, top: dict) -> str:
    return _high_headline(s, top, bool(s["real_motion"]["above_fast"]))


#: The headline writer of each unusual fact that can lead a piece.
_FACT_HEADLINES: dict[str, Callable[[dict, dict], str]] = {
    "all_time_low": _breakdown_headline,
    "new_52w_low": _breakdown_headline,
    "all_time_high": _record_headline,
    "new_52w_high": _record_headline,
    "divergence": lambda s, top: _divergence_headline(s, top),
    "drawdown": _drawdown_headline,
    "volume": _volume_headline,
    "phase_change": _phase_change_headline,
}


def _opening(t: str, top: dict) -> str | None:
    """How a headline opens on the leading fact when Real Motion is beyond its band (``None``: on the extreme)."""
    fid = top["id"]
    if fid in ("all_time_low", "new_52w_low"):
        return f"{t} sinks to {pw.extreme_words(top)}"
    if fid in ("all_time_high", "new_52w_high"):
        return f"{t} climbs to {pw.extreme_words(top)}"
    if fid == "drawdown":
        return f"{t}, in {_deepest(top)},"
    if fid == "volume":
        return f"Heavy {'selling' if top['change'] < 0 else 'buying'} in {t}, and it"
    if fid == "phase_change":
        return f"{t} enters {PHASE_WORDS[top['to']]} and"
    return None


def _deepest(drawdown: dict) -> str:
    return "the deepest drawdown in its history" if drawdown["percentile"] >= 1 else "one of its deepest drawdowns"


def _high_headline(s: dict, high: dict, rm_up: bool) -> str:
    t, at = s["ticker"], pw.extreme_words(high)
    if rm_up:
        return (
            f"{s['ticker']} at {at}{_tail(s, ', leading {b}', ', though lagging {b}')}: how far can momentum carry it?"
        )
    return f"{t} at {at}{_tail(s, ', leading {b}', ', trailing {b}')}, but momentum lags: time to be selective?"


def _divergence_headline(s: dict, div: dict) -> str:
    t = s["ticker"]
    if div["kind"] == "bearish":
        return f"{t} makes a 52-week high without momentum{_tail(s, ', leading {b}', ', lagging {b}')}: a warning sign?"
    return (
        f"Momentum turns up in {t} before the price{_tail(s, ' as it leads {b}', ', though it lags {b}')}:"
        f" can it retake its {pw.fast_name(s)}?"
    )


def headline(s: dict) -> str:
    """A title led by what is unusual, else by the state; the model's question when momentum is unproven.

    In order: the catalogue's most unusual fact when it is unusual (capitulation when Real Motion
    is below its band, breakdown, new highs, divergence, a deep drawdown, heavy volume, a phase
    change); a range (the averages and the close within 2% of each other); a new high or a
    divergence that is not unusual; then the phase, Real Motion's side and Leadership's sign.
    A profile with its own words (a fear gauge, a yield, a bond or credit fund) is written by
    :func:`analysis.text.profile_words.headline`.
    """
    special = pw.headline(s)
    if special:
        return special
    t, phase = s["ticker"], s["phase"]
    rm_up = bool(s["real_motion"]["above_fast"])
    top = pw.lead_fact(s)
    led = _fact_headline(s, top) if top else None
    if led:
        return led
    if in_range(s):
        return f"{t} is range-bound{_tail(s, ', leading {b}', ', lagging {b}')}: which way will it break?"
    high, div = pw.fact(s, "all_time_high", "new_52w_high"), pw.fact(s, "divergence")
    if div:
        return _divergence_headline(s, div)
    if high:
        return _high_headline(s, high, rm_up)
    writer = _PHASE_HEADLINES.get(phase)
    return writer(s) if writer else f"Can momentum build in {t}?"


def _bullish_headline(s: dict) -> str:
    t, rm_up = s["ticker"], bool(s["real_motion"]["above_fast"])
    if s["profile"]["leadership"] == "hidden":
        return (
            f"Momentum is building in {t}: how far can it carry?"
            if rm_up
            else f"{t} is in a bullish phase, but momentum is fading"
        )
    if (s["leadership"]["value"] or 0) > 0:
        return (
            f"Momentum is building in {t}: can it lead from here?"
            if rm_up
            else f"{t} leads, but momentum is fading: time to be selective?"
        )
    return (
        f"{t} is in a bullish phase: can it start to lead?"
        if rm_up
        else f"{t} lags {s['benchmark']} as momentum fades: can the bullish phase hold?"
    )


def _fading(s: dict) -> str:
    return "" if s["real_motion"]["above_fast"] else ", but momentum is fading"


def _warning_headline(s: dict) -> str:
    t = s["ticker"]
    if (s["leadership"]["value"] or 0) > 0 and s["profile"]["leadership"] != "hidden":
        return f"{t} still leads {s['benchmark']}: can momentum build?"
    return f"Can momentum build in {t}?"


#: The headline of each phase when nothing unusual leads.
_PHASE_HEADLINES: dict[str, Callable[[dict], str]] = {
    "bullish": _bullish_headline,
    "recovery": lambda s: (
        f"{s['ticker']} attempts a recovery{_fading(s)}{_tail(s, ', leading {b}', '')}: can it clear its {pw.slow_name(s)}?"
    ),
    "accumulation": lambda s: (
        f"{s['ticker']} is repairing its trend{_fading(s)}{_tail(s, ' and leads {b}', '')}: can momentum build?"
    ),
    "distribution": lambda s: (
        f"{s['ticker']} slips below its {pw.slow_name(s)}{_tail(s, ' but still leads {b}', '')}: can the uptrend hold?"
    ),
    "bearish": lambda s: (
        f"{s['ticker']} under pressure{_tail(s, ', though still leading {b}', '')}: what would turn it around?"
    ),
    "warning": _warning_headline,
}


def bottom_line(s: dict) -> list[str]:
    """Three to four sentences a reader can stop after, led by the most unusual fact when there is one.

    :func:`lead_sentence` comes first when the catalogue's first fact is unusual, then a sentence on
    volume when it is unusual (:func:`analysis.text.unusual_words.volume_sentence`), then the state.
    """
    out = [lead_sentence(s), uw.volume_sentence(s), _phase_sentence(s)]
    rm = s["real_motion"]
    if rm["value"] is not None and rm["fast"] is not None and s["sma50"] is not None:
        pair = f"({signed(rm['value'])} vs {signed(rm['fast'])})"
        price_up, noun = s["close"] > s["sma50"], "level" if pw.is_level(s) else "price"
        if price_up and rm["above_fast"]:
            out.append(f"Momentum backs the {noun}: Real Motion is above its own {pw.fast_name(s)} {pair}.")
        elif not price_up and not rm["above_fast"]:
            out.append(f"Momentum has not turned either: Real Motion is below its own {pw.fast_name(s)} {pair}.")
        elif price_up:
            out.append(
                f"Momentum lags the {noun}: Real Motion is below its own {pw.fast_name(s)} {pair}"
                f" although the {noun} is above its {pw.fast_name(s)}."
            )
        else:
            out.append(
                f"Momentum is turning ahead of the {noun}: Real Motion is above its own {pw.fast_name(s)} {pair}"
                f" while the {noun} is still below its {pw.fast_name(s)}."
            )
    out.append(pw.leadership_line(s))
    if s["sma50"] is not None and s["close"] < s["sma50"] and pw.support_clause(s):
        out.append(f"Below its {pw.fast_name(s)}, {pw.support_clause(s)}.")
    out.append(_needs_sentence(s))
    out.append(ew.lean(s))
    return [x for x in out if x]


# -- sections ------------------------------------------------------------------------------------


def relation(x: float, line: float) -> str:
    """``above``/``below``/``at``, with ``just`` when the two agree to the cent shown."""
    if x == line:
        return "at"
    side = "above" if x > line else "below"
    return f"just {side}" if price(x) == price(line) else side


def _phase_sentence(s: dict) -> str:
    if pw.is_level(s):
        return pw.level_phase_sentence(s)
    t, phase = s["ticker"], s["phase"]
    close, f, slow = s["close"], s["sma50"], s["sma200"]
    if phase is None or f is None or slow is None:
        return f"{t} closed at {price(close)}; there is not enough history yet for its {pw.fast_name(s)[:-4]}- and {pw.slow_name(s)} phase."
    words = PHASE_WORDS[phase]
    rel50, rel200 = relation(close, f), relation(close, slow)
    if phase == "bullish":
        return f"{t} is in {words}: above its {pw.fast_name(s)} ({price(f)}), which is above its {pw.slow_name(s)} ({price(slow)})."
    if phase == "warning":
        return (
            f"{t} sits in {words}, a caution signal: {rel50} its {pw.fast_name(s)} ({price(f)})"
            f" but {rel200} its {pw.slow_name(s)} ({price(slow)})."
        )
    if phase == "distribution":
        return (
            f"{t} is in {words}: below both its {pw.fast_name(s)} ({price(f)}) and its {pw.slow_name(s)} ({price(slow)}),"
            f" while the {pw.fast_name(s)} is still above the {pw.slow_name(s)}."
        )
    if phase == "bearish":
        return f"{t} is in {words}: below its {pw.fast_name(s)} ({price(f)}), which is below its {pw.slow_name(s)} ({price(slow)})."
    if phase == "recovery":
        return (
            f"{t} is in {words}: {rel50} its {pw.fast_name(s)} ({price(f)}) but below its {pw.slow_name(s)} ({price(slow)}),"
            f" with the {pw.fast_name(s)} still under the {pw.slow_name(s)}."
        )
    return (
        f"{t} is in {words}: {rel200} its {pw.slow_name(s)} ({price(slow)}) and {rel50} its {pw.fast_name(s)} ({price(f)}),"
        f" though the {pw.fast_name(s)} has not yet crossed above the {pw.slow_name(s)}."
    )


def price_and_phase(s: dict) -> list[str]:
    """Where the close stands against its averages, and since when."""
    out = [f"{s['ticker']}{pw.close_words(s)} {pw.quote(s, s['close'])} on {date(s['as_of'])}.", _phase_sentence(s)]
    if s["phase"] and s["phase_since"] and pw.is_level(s):
        out.append(
            f"It has been {pw.level_state(s, s['phase'])} since {date(s['phase_since'])}"
            f" ({sessions(s['phase_sessions'])})."
        )
    elif s["phase"] and s["phase_since"]:
        text = f"It has been in this phase since {date(s['phase_since'])} ({sessions(s['phase_sessions'])})"
        if s["phase_previous"]:
            text += f", after {PHASE_WORDS[s['phase_previous']]}"
        out.append(text + ".")
    if s["pct_from_sma200"] is not None and s["sma50_rising"] is not None:
        trend = "rising" if s["sma50_rising"] else "falling"
        out.append(
            f"The close is {pw.distance(s, s['close'], s['sma50'])} the {pw.fast_name(s)} and"
            f" {pw.distance(s, s['close'], s['sma200'])} the {pw.slow_name(s)}; the {pw.fast_name(s)} is {trend} over the last 20 sessions."
        )
    return out


def _fast_line(s: dict, rm: dict) -> str:
    """Real Motion against its own 50-DMA: just crossed, held for how long, or not cleared since when."""
    if rm["above_fast"]:
        if rm["streak"] <= 3 and rm["last_below_fast"]:
            return (
                f"It has just crossed above its {pw.fast_name(s)} ({signed(rm['fast'])}), {sessions(rm['streak'])} ago"
                f" after being below it until {date(rm['last_below_fast'])}."
            )
        return f"It is above its {pw.fast_name(s)} ({signed(rm['fast'])}) and has been for {sessions(rm['streak'])}."
    if rm["last_above_fast"]:
        return (
            f"Real Motion has not cleared its {pw.fast_name(s)} ({signed(rm['fast'])}) since {date(rm['last_above_fast'])}"
            f" ({sessions(rm['streak'])} below it)."
        )
    return f"Real Motion is below its {pw.fast_name(s)} ({signed(rm['fast'])}) and has not been above it in the available history."


#: Real Motion against its band, by ``band_position``.
_BAND_LINES = {
    "inside": "It is inside its band ({lower} to {upper}): no momentum extreme.",
    "above": "It is above its upper band ({upper}): momentum is stretched to the upside.",
    "below": "It is below its lower band ({lower}): momentum is stretched to the downside, where snap-backs often start.",
}


def _mean_reversion(rm: dict, as_of: str) -> list[str]:
    """A move back inside the band within the last month, as a sentence (or none)."""
    mr = rm["mean_reversion"]
    if not (mr and mr["date"] and (dt.date.fromisoformat(as_of) - dt.date.fromisoformat(mr["date"])).days <= 31):
        return []
    side = "lower" if mr["direction"] == "up" else "upper"
    return [
        f"On {date(mr['date'])} Real Motion moved back inside its band from beyond the {side} band"
        " (a mean-reversion signal)."
    ]


def momentum(s: dict) -> list[str]:
    """Real Motion against its 50-DMA and bands."""
    t, rm, as_of = s["ticker"], s["real_motion"], s["as_of"]
    if rm["value"] is None:
        return [f"Real Motion needs 200 sessions of history; {t} does not have them yet."]
    out = [f"Real Motion, {t}'s distance from its {pw.slow_name(s)} in percent, reads {signed(rm['value'])}."]
    if rm["fast"] is None:
        cfg = s.get("settings") or {"fast": 50, "slow": 200}
        out.append(
            f"Its own {pw.fast_name(s)} needs {cfg['slow'] + cfg['fast'] - 1} sessions of history and is not available yet."
        )
        return out
    out.append(_fast_line(s, rm))
    band = _BAND_LINES.get(rm["band_position"])
    if band:
        out.append(band.format(lower=signed(rm["lower"]), upper=signed(rm["upper"])))
    if rm["divergence"]:
        price_side = "above" if s["close"] > s["sma50"] else "below"
        rm_side = "above" if rm["above_fast"] else "below"
        out.append(
            f"Note the divergence: price is {price_side} its {pw.fast_name(s)} while Real Motion is {rm_side} its own."
        )
    out += _mean_reversion(rm, as_of)
    if rm["slow"] is not None:
        out.append(
            f"Against its slower {pw.slow_name(s)} ({signed(rm['slow'])}) it is {'above' if rm['above_slow'] else 'below'}."
        )
    return out


def leadership(s: dict) -> list[str]:
    """Leadership versus the benchmark: zero line and band."""
    t, b, ld = s["ticker"], s["benchmark"], s["leadership"]
    if s["profile"]["leadership"] == "hidden":
        return pw.hidden_leadership(s)
    if ld["value"] is None:
        return [f"Leadership against {b} needs 200 sessions of common history; {t} does not have them yet."]
    if s["profile"]["leadership"] == "risk_off":
        out = [pw.leadership_line(s)]
    elif ld["value"] > 0:
        out = [
            f"{t} is leading {b}: Leadership is {signed(ld['value'])}, above the zero line"
            f" for {sessions(ld['streak_vs_zero'])}."
        ]
    else:
        since = f" since {date(ld['last_above_zero'])}" if ld["last_above_zero"] else " in the available history"
        out = [f"{t} is lagging {b}: Leadership is {signed(ld['value'])} and has not been above zero{since}."]
    if s["data"]["common_sessions"] < s["data"]["sessions"]:
        out.append(
            f"Leadership is read on the {s['data']['common_sessions']:,} sessions {t} and {b} both traded;"
            f" {t}'s own indicators use all its {s['data']['sessions']:,} sessions."
        )
    if ld["upper"] is not None:
        if ld["above_upper"]:
            out.append(f"It is above its upper band ({signed(ld['upper'])}): relative strength is surging.")
        elif ld["lower"] is not None and ld["value"] < ld["lower"]:
            out.append(f"It is below its lower band ({signed(ld['lower'])}): a relative extreme to the downside.")
        else:
            when = f"; the last close above it was on {date(ld['last_above_upper'])}" if ld["last_above_upper"] else ""
            out.append(f"It is below its upper band ({signed(ld['upper'])}){when}.")
        out.append(
            f"Its own {pw.fast_name(s)} is {signed(ld['fast'])}; Leadership is {'above' if ld['above_fast'] else 'below'} it,"
            f" so relative momentum is {'improving' if ld['above_fast'] else 'still deteriorating'}."
        )
    return out


def _needs_sentence(s: dict) -> str:
    t, c, lv = s["ticker"], s["confirmation"], s["level_to_clear"]
    n, q = c["n"], lambda x: pw.quote(s, x)
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
        at = {"all_time": "a record close", "52w": "a 52-week high"}.get(
            lv["at"], f"a {lv.get('window') or 22}-session high"
        )
        nxt = lv.get("next")
        if nxt and nxt["kind"] == "all_time_high":  # older highs than a year are not in the ladder: say what is known
            overhead = (
                f"no level of the last year overhead; the highest close in the data is {q(nxt['price'])},"
                f" set on {date(nxt['date'])}"
            )
        else:
            overhead = f"nothing overhead until {q(nxt['price'])}, {pw.level_words(nxt)}" if nxt else "nothing overhead"
        return f"{first}; at {at}, there is {overhead}."
    if lv["price"] > s["close"] and pw.is_level(s):
        return f"{first}; the nearest level above is {q(lv['price'])}."
    if lv["price"] > s["close"]:
        return f"{first}, and the price needs to clear {q(lv['price'])}."
    return f"{first}; it already trades above {q(lv['price'])}, the level given."


def _run_sentence(s: dict) -> str:
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


def _record_beyond(s: dict) -> str:
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
        f" {plain_pct(top['price'] / close - 1)} above the last close."
    )


def needs(s: dict) -> list[str]:
    """The triggers: N closes above the 50-DMA, the level to clear, the nearest support."""
    t, lv = s["ticker"], s["level_to_clear"]
    out = [_needs_sentence(s), _run_sentence(s)]
    if lv["price"] is not None:
        where = "above" if lv["price"] > s["close"] else "below"
        what = (
            f"{t}'s highest close of the last {lv['window']} sessions, set on {date(lv['date'])}"
            if lv["kind"] == "recent_high"
            else pw.level_words(lv, "resistance")
        )
        if lv["origin"] == "parameter":
            what = "the level given for this piece"
        out.append(f"{pw.quote(s, lv['price'])} is {what}; it is {plain_pct(lv['distance'])} {where} the last close.")
        out.append(_record_beyond(s))
    if pw.support_clause(s):
        clause = pw.support_clause(s)
        out.append(clause[0].upper() + clause[1:] + ".")
    return [x for x in out if x]


def performance(s: dict) -> list[str]:
    """Total returns against the benchmark over the spans that exist."""
    if pw.is_level(s):
        return pw.level_performance(s)
    t, b, rp = s["ticker"], s["benchmark"], s["relative_performance"]
    if s["profile"].get("equivalent_to"):
        spans = [f"{pct(rp[k]['ticker'])} over {k}" for k in ("1y", "3y", "5y", "10y") if rp[k]["ticker"] is not None]
        if not spans:
            return []
        return [
            f"{t} returned {', '.join(spans)} ({pw.return_words(s)}); against {b}, which tracks the same"
            " market, the difference is only dividends and fees."
        ]
    out = []
    both = [
        k
        for k in ("1m", "3m", "1y", "3y", "5y", "10y")
        if rp[k]["ticker"] is not None and rp[k]["benchmark"] is not None
    ]
    longest = next((k for k in ("10y", "5y", "3y", "1y") if k in both), None)
    if longest is None:
        return [f"{t} and {b} share less than a year of history, too short for long-run comparisons."]
    a, c = rp[longest]["ticker"], rp[longest]["benchmark"]
    span = longest.replace("y", "")
    verb = "trailing" if a < c else "outperforming"
    out.append(
        f"Over {span} year{'s' if span != '1' else ''} {t} returned {pct(a)} against {b}'s {pct(c)}"
        f" ({pw.return_words(s)}{'' if s['profile']['total_return'] else f'; {b} total return'}), {verb} by {abs(100 * (a - c)):,.1f} percentage points."
    )
    lagged = [k for k in both if rp[k]["ticker"] < rp[k]["benchmark"]]
    known = both
    if len(known) > 1:
        out.append(
            f"It lagged {b} over {len(lagged)} of the {len(known)} spans measured ({', '.join(lagged)})."
            if lagged
            else f"It beat {b} over every span measured ({', '.join(known)})."
        )
    return out


def _move(s: dict, x: float) -> str:
    return pw.units_of(s).move(x)


def _interval(s: dict, h: dict) -> str:
    return pw.units_of(s).interval(h["edge_low"], h["edge_high"])


def _edge_clause(s: dict, h: dict) -> str:
    """``a median 20-session total return of +1.7%, 0.5 percentage points above any session's (90% interval
    +0.1 to +1.0 percentage points, n 110)``: an edge clear of zero, in words."""
    side = "above" if h["edge"] > 0 else "below"
    return (
        f"a median 20-session {MEASURES[s['profile']['returns']].clause} of {_move(s, h['median'])},"
        f" {pw.units_of(s).edge(h['edge'])} {side} any session's (90% interval {_interval(s, h)}, n {h['n']})"
    )


def _an_edge(h: dict) -> str:
    return "an edge" if h["verdict"] == "positive edge" else "a negative edge"


def history(s: dict) -> list[str]:
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


def _confirmation(s: dict, confirm: dict) -> list[str]:
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


def _other_triggers(s: dict, others: list[dict]) -> list[str]:
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


def _other_horizons(items: list[dict]) -> list[str]:
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


def _state_history(s: dict, state: dict | None) -> list[str]:
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


def scenarios(s: dict) -> list[str]:
    """One sentence per talking point from its score and strongest evidence (see :mod:`analysis.text.scenario_words`)."""
    from analysis.text import scenario_words as words

    return words.sentences(s["scenarios"]) if s.get("scenarios") else []


def family(s: dict) -> list[str]:
    """The Modern Family's one-line count, as the family dashboard wrote it."""
    f = s.get("family")
    return [f["summary"]] if f and f.get("summary") else []


def data_caveats(s: dict) -> list[str]:
    """Provenance a careful reader needs: adjustments, price-only returns, fallbacks."""
    out = []
    for role in ("ticker", "benchmark"):
        d = s["data"][role]
        name = s[role]
        if d.get("fully_adjusted"):
            out.append(
                f"In the bundled {name} file all prices are dividend-adjusted, so its levels sit below"
                " the traded prices of the day; ratios, phases and returns are unaffected in kind."
            )
        if d.get("price_only"):
            out.append(f"{name} has no dividend-adjusted close in the source: its returns are price-only.")
    return out


def sections(s: dict) -> dict[str, list[str]]:
    """Every text section of the piece, keyed as in the JSON ``narrative`` block."""
    return {
        "bottom_line": bottom_line(s),
        "price_and_phase": price_and_phase(s),
        "momentum": momentum(s),
        "leadership": leadership(s),
        "needs": needs(s),
        "performance": performance(s),
        "century": ew.century(s),
        "economy": ew.economy(s),
        "scenarios": scenarios(s),
        "family": family(s),
        "history": history(s),
        "caveats": data_caveats(s),
    }
