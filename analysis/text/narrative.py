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

from analysis.fmt import MINUS, date, pct, plain_pct, price, sessions, signed  # noqa: F401 (re-exported)
from analysis.model.types import Reading
from analysis.text import economy_words as ew
from analysis.text import level_words as lw
from analysis.text import profile_words as pw
from analysis.text import unusual_words as uw
from analysis.text.headline import _tail, headline, in_range  # noqa: F401 (re-exported)
from analysis.text.history_words import history  # noqa: F401 (re-exported)
from analysis.text.needs_words import needs, needs_sentence  # noqa: F401 (needs is re-exported)
from analysis.text.profile_words import PHASE_WORDS
from analysis.text.unusual_words import lead_sentence  # noqa: F401 (the brief's first sentence)

#: Phases in which the trend structure (50-DMA vs 200-DMA) is up / down.
UP_STRUCTURE = {"bullish", "warning", "distribution"}


def _since(iso: str | None, as_of: str) -> str:
    return "" if not iso else ("today" if iso == as_of else f"since {date(iso)}")


# -- headline and bottom line ------------------------------------------------------------------


def bottom_line(s: Reading) -> list[str]:
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
    if s["sma50"] is not None and s["close"] < s["sma50"] and lw.support_clause(s):
        out.append(f"Below its {pw.fast_name(s)}, {lw.support_clause(s)}.")
    out.append(needs_sentence(s))
    out.append(ew.lean(s))
    return [x for x in out if x]


# -- sections ------------------------------------------------------------------------------------


def relation(x: float, line: float) -> str:
    """``above``/``below``/``at``, with ``just`` when the two agree to the cent shown."""
    if x == line:
        return "at"
    side = "above" if x > line else "below"
    return f"just {side}" if price(x) == price(line) else side


def _phase_sentence(s: Reading) -> str:
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


def price_and_phase(s: Reading) -> list[str]:
    """Where the close stands against its averages, and since when."""
    out = [f"{s['ticker']}{pw.close_words(s)} {pw.quote(s, s['close'])} on {date(s['as_of'])}.", _phase_sentence(s)]
    if s["phase"] and s["phase_since"] and pw.is_level(s):
        out.append(
            f"It has been {pw.level_state(s, s['phase'])} since {date(s['phase_since'])}"
            f" ({sessions(s['phase_sessions'])})."
        )
    elif s["phase"] and s["phase_since"]:
        at_least = f"at least {date(s['phase_since'])}, its first session with a {pw.slow_name(s)}"
        text = (
            f"It has been in this phase since {at_least if s['phase_from_start'] else date(s['phase_since'])}"
            f" ({sessions(s['phase_sessions'])})"
        )
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


def _fast_line(s: Reading, rm: Reading) -> str:
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


def _rare_distance(rm: Reading) -> list[str]:
    """Inside the band but stretched by the ticker's own history (``stretch.by == "history"``): the rank."""
    st = rm["stretch"]
    if st["by"] != "history":
        return []
    high = st["side"] == "up"
    return [
        f"But the reading is {'higher' if high else 'lower'} than on {st['rarer_than']:.1%} of its sessions: the band's centre"
        f" has moved with the price, and by its own history momentum is {'stretched' if high else 'at an oversold extreme'}."
    ]


def _mean_reversion(rm: Reading, as_of: str) -> list[str]:
    """A move back inside the band within the last month, as a sentence (or none)."""
    mr = rm["mean_reversion"]
    if not (mr and mr["date"] and (dt.date.fromisoformat(as_of) - dt.date.fromisoformat(mr["date"])).days <= 31):
        return []
    side = "lower" if mr["direction"] == "up" else "upper"
    return [
        f"On {date(mr['date'])} Real Motion moved back inside its band from beyond the {side} band"
        " (a mean-reversion signal)."
    ]


def momentum(s: Reading) -> list[str]:
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
    out += _rare_distance(rm)
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


def leadership(s: Reading) -> list[str]:
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


def performance(s: Reading) -> list[str]:
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


def scenarios(s: Reading) -> list[str]:
    """One sentence per talking point from its score and strongest evidence (see :mod:`analysis.text.scenario_words`)."""
    from analysis.text import scenario_words as words

    return words.sentences(s["scenarios"], pw.slow_name(s)) if s.get("scenarios") else []


def family(s: Reading) -> list[str]:
    """The Modern Family's one-line count, as the family dashboard wrote it."""
    f = s.get("family")
    return [f["summary"]] if f and f.get("summary") else []


def data_caveats(s: Reading) -> list[str]:
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


def sections(s: Reading) -> dict[str, list[str]]:
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
