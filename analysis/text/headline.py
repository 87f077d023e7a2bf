"""The headline: led by what is unusual, else by the phase; a question when momentum is unproven.

:func:`headline` is the piece's title. A profile with words of its own (a fear gauge, a yield,
a bond or credit fund) is written by :func:`analysis.text.kind_headlines.headline`; every
other piece by the tables here: one writer per unusual fact that can lead
(:data:`_FACT_HEADLINES`) and one per phase (:data:`_PHASE_HEADLINES`).
"""

from __future__ import annotations

from collections.abc import Callable

from analysis.model import call as calls
from analysis.model.types import Reading
from analysis.text import day_words, kind_headlines
from analysis.text import profile_words as pw
from analysis.text.profile_words import PHASE_WORDS

#: Averages within this fraction of each other, and the close within it of both: a range.
RANGE = 0.02


#: Leadership on the same side of zero for at most this many sessions has just crossed: not "still leading".
FRESH = 3


def _tail(s: Reading, leading: str, lagging: str) -> str:
    """``leading`` or ``lagging`` (with ``{b}`` the benchmark) by Leadership's sign; '' where it is hidden.

    A crossing of zero in the last :data:`FRESH` sessions is said as one ("just back ahead of SPY",
    "just slipped behind SPY"), whatever the phrase the headline had for a lasting lead or lag."""
    ld = s["leadership"]
    value = ld["value"]
    if s["profile"]["leadership"] == "hidden" or value is None:
        return ""
    phrase = leading if value > 0 else lagging
    if phrase and 0 < (ld.get("streak_vs_zero") or FRESH + 1) <= FRESH:
        phrase = ", just back ahead of {b}" if value > 0 else ", just slipped behind {b}"
    return phrase.format(b=s["benchmark"])


def building(s: Reading) -> bool:
    """Momentum is building: Real Motion above its own 50-DMA and not lower than a week ago."""
    rm = s["real_motion"]
    return bool(rm["above_fast"]) and (rm.get("change_week") or 0.0) >= 0


#: A price's median session under this is calmer than any bundled series (LQD's is 0.24%): its range is scaled down.
CALM_SESSION = 0.002


def in_range(s: Reading) -> bool:
    """Nothing trending: the 50- and 200-DMA within :data:`RANGE` of each other and the close within it of both;
    for a price calmer than :data:`CALM_SESSION` (a currency pair's 0.03%) within as many of its own median
    sessions as 2% is of 0.2% (a pair at a record after weeks of trend was "range-bound")."""
    close, f, slow = s["close"], s["sma50"], s["sma200"]
    if f is None or slow is None:
        return False
    typical = float((s.get("session") or {}).get("typical") or 0.0)
    calm = pw.units_of(s).is_return and 0 < typical < CALM_SESSION
    width = RANGE * typical / CALM_SESSION if calm else RANGE
    return all(abs(a / b - 1) < width for a, b in ((f, slow), (close, f), (close, slow)))


def _fact_headline(s: Reading, top: Reading) -> str | None:
    """The headline led by an unusual fact (``None``: the phase decides)."""
    side = s["real_motion"]["stretch"]["side"]  # the piece's one extreme (model.facts), led by the top fact
    if side == "down":
        return _oversold_headline(s, top)
    if side == "up":
        return _stretched_headline(s, top)
    writer = _FACT_HEADLINES.get(top["id"])
    return writer(s, top) if writer else None


def _oversold_headline(s: Reading, top: Reading) -> str:
    t, opening = s["ticker"], _opening(s, top)
    low = pw.fact(s, "all_time_low", "new_52w_low")
    first = f"{opening} is deeply oversold" if opening else f"{t} is deeply oversold"
    if top["id"] in ("all_time_low", "new_52w_low"):
        first = f"{opening}, deeply oversold"
    elif low and not opening:
        first += f" at {pw.extreme_words(s, low)}"
    return f"{first}{_tail(s, ', but still leading {b}', ' and lagging {b}')}: capitulation?"


def _stretched_headline(s: Reading, top: Reading) -> str:
    t, opening = s["ticker"], _opening(s, top)
    high = pw.fact(s, "all_time_high", "new_52w_high")
    where = pw.stretched_where(s)
    first = f"{opening} is stretched {where}" if opening else f"{t} is stretched {where}"
    if top["id"] in ("all_time_high", "new_52w_high"):
        first = f"{opening}, stretched {where}"
    elif high and not opening:
        first = f"{t} is stretched {where} at {pw.extreme_words(s, high)}"
    return f"{first}{_tail(s, ', leading {b}', ', though lagging {b}')}: how far can momentum carry it?"


def _breakdown_headline(s: Reading, top: Reading) -> str:
    t = s["ticker"]
    return f"{t} breaks down to {pw.extreme_words(s, top)}{_tail(s, ', though still leading {b}', ', lagging {b}')}: where is support?"


def _drawdown_headline(s: Reading, top: Reading) -> str:
    t, deepest = s["ticker"], _deepest(top)
    if s["phase"] in ("recovery", "accumulation", "bullish"):
        return f"{t} climbs out of {deepest}{_tail(s, ', leading {b}', ', lagging {b}')}: can the recovery last?"
    return f"{t} is in {deepest}{_tail(s, ', though still leading {b}', ', lagging {b}')}: where is the floor?"


#: A day's move must be larger than this share of the ticker's sessions for its volume to be "heavy selling"
#: (buying): SMH's 2.0x volume on an ordinary 1.1% fall (2020-11-09) was no washout (the tenth cold read).
HEAVY_DAY = 0.8


def _heavy(s: Reading) -> bool:
    """Whether the day moved enough for its volume to read as heavy selling or buying (:data:`HEAVY_DAY`)."""
    day = (s.get("session") or {}).get("day")
    return day is not None and day["percentile"] >= HEAVY_DAY


def _volume_headline(s: Reading, top: Reading) -> str | None:
    if not _heavy(s):
        return None  # the phase decides
    t, tail = s["ticker"], _tail(s, ", leading {b}", ", lagging {b}")
    if top["change"] < 0:
        return f"Heavy selling in {t}{tail}: a washout or the start of a slide?"
    return f"Heavy buying in {t}{tail}: is momentum building?"


def _phase_change_headline(s: Reading, top: Reading) -> str:
    return (
        f"{s['ticker']} enters {PHASE_WORDS[top['to']]}{_tail(s, ', leading {b}', ', lagging {b}')}: what comes next?"
    )


def _record_headline(s: Reading, top: Reading) -> str:
    return _high_headline(s, top, bool(s["real_motion"]["above_fast"]))


#: The headline writer of each unusual fact that can lead a piece.
_FACT_HEADLINES: dict[str, Callable[[Reading, Reading], str | None]] = {
    "all_time_low": _breakdown_headline,
    "new_52w_low": _breakdown_headline,
    "all_time_high": _record_headline,
    "new_52w_high": _record_headline,
    "divergence": lambda s, top: _divergence_headline(s, top),
    "drawdown": _drawdown_headline,
    "volume": _volume_headline,
    "phase_change": _phase_change_headline,
}


def _opening(s: Reading, top: Reading) -> str | None:
    """How a headline opens on the leading fact when Real Motion is beyond its band (``None``: on the extreme)."""
    t, fid = s["ticker"], top["id"]
    if fid in ("all_time_low", "new_52w_low"):
        return f"{t} sinks to {pw.extreme_words(s, top)}"
    if fid in ("all_time_high", "new_52w_high"):
        return f"{t} climbs to {pw.extreme_words(s, top)}"
    if fid == "drawdown":
        return f"{t}, in {_deepest(top)},"
    if fid == "volume":  # heavy only on a day that moved (IYT 2014-10-15: +0.3%)
        if not _heavy(s):
            return None
        return f"Heavy {'selling' if top['change'] < 0 else 'buying'} in {t}, and it"
    if fid == "phase_change":
        return f"{t} enters {PHASE_WORDS[top['to']]} and"
    return None


#: Sessions of history before "its largest one-day fall in the data" is headline news.
RECORD_DAY_HISTORY = 500


def _record_day(s: Reading, led: str) -> str:
    """``After its largest one-day fall in the data, QQQ is …``: a headline led by a fact, opened by the
    day when the day is the ticker's largest move that way in its data (the third cold read missed
    QQQ's -12.0% of 2020-03-16 in the headline); ``led`` as it is otherwise."""
    day = (s.get("session") or {}).get("day")
    if not (day and day["last_as_large"] is None and day["n"] >= RECORD_DAY_HISTORY and led.startswith(s["ticker"])):
        return led
    way = ("fall" if day["move"] < 0 else "rise") + (" in percent" if pw.units_of(s).returns == "points" else "")
    return f"After its largest one-day {way} in the data, {led}"


def _deepest(drawdown: Reading) -> str:
    return "the deepest drawdown in its history" if drawdown["percentile"] >= 1 else "one of its deepest drawdowns"


def _high_headline(s: Reading, high: Reading, rm_up: bool) -> str:
    t, at = s["ticker"], pw.extreme_words(s, high)
    if rm_up:
        return (
            f"{s['ticker']} at {at}{_tail(s, ', leading {b}', ', though lagging {b}')}: how far can momentum carry it?"
        )
    return f"{t} at {at}{_tail(s, ', leading {b}', ', trailing {b}')}, but momentum lags: time to be selective?"


def _divergence_headline(s: Reading, div: Reading) -> str:
    t = s["ticker"]
    if div["kind"] == "bearish":
        return f"{t} makes a 52-week high without momentum{_tail(s, ', leading {b}', ', lagging {b}')}: a warning sign?"
    return (
        f"Momentum turns up in {t} before the price{_tail(s, ' as it leads {b}', ', though it lags {b}')}:"
        f" can it retake its {pw.fast_name(s)}?"
    )


def headline(s: Reading) -> str:
    """A title led by what is unusual, else by the state; the model's question when momentum is unproven.

    In order: the catalogue's most unusual fact when it is unusual (capitulation when Real Motion
    is below its band, breakdown, new highs, divergence, a deep drawdown, heavy volume, a phase
    change); a range (the averages and the close within 2% of each other); a new high or a
    divergence that is not unusual; then the phase, Real Motion's side and Leadership's sign.
    A profile with its own words (a fear gauge, a yield, a bond or credit fund) is written by
    :func:`analysis.text.kind_headlines.headline`.
    """
    special = kind_headlines.headline(s)
    if special:
        return special
    t, phase = s["ticker"], s["phase"]
    rm_up = bool(s["real_motion"]["above_fast"])
    top = pw.lead_fact(s)
    led = _fact_headline(s, top) if top else None
    if led:
        return _record_day(s, led)
    if in_range(s):
        return f"{t} is range-bound{_tail(s, ', leading {b}', ', lagging {b}')}: which way will it break?"
    high, div = pw.fact(s, "all_time_high", "new_52w_high"), pw.fact(s, "divergence")
    if div:
        return _divergence_headline(s, div)
    if high:
        return _high_headline(s, high, rm_up)
    if calls.day_against_phase(s):
        return day_words.day_headline(s)
    writer = _PHASE_HEADLINES.get(phase)
    return writer(s) if writer else f"Can momentum build in {t}?"


def _bullish_headline(s: Reading) -> str:
    t, rm_up = s["ticker"], bool(s["real_motion"]["above_fast"])
    cools = f"Momentum cools in {t} but holds above its average"  # above its 50-DMA, lower than a week ago
    if s["profile"]["leadership"] == "hidden" or s["leadership"]["value"] is None:  # none to read: no lead, no lag
        if rm_up:
            return (
                f"Momentum is building in {t}: how far can it carry?"
                if building(s)
                else f"{cools}: can the trend hold?"
            )
        return f"{t} is in a bullish phase, but momentum is fading"
    if (s["leadership"]["value"] or 0) > 0:
        if rm_up:
            return (
                f"Momentum is building in {t}: can it lead from here?"
                if building(s)
                else f"{cools}: can it keep the lead?"
            )
        return f"{t} leads, but momentum is fading: time to be selective?"
    return (
        f"{t} is in a bullish phase: can it start to lead?"
        if rm_up
        else f"{t} lags {s['benchmark']} as momentum fades: can the bullish phase hold?"
    )


def _fading(s: Reading) -> str:
    return "" if s["real_motion"]["above_fast"] else ", but momentum is fading"


def _warning_headline(s: Reading) -> str:
    t = s["ticker"]
    if (s["leadership"]["value"] or 0) > 0 and s["profile"]["leadership"] != "hidden":
        return f"{t} still leads {s['benchmark']}: can momentum build?"
    return f"Can momentum build in {t}?"


#: The headline of each phase when nothing unusual leads.
_PHASE_HEADLINES: dict[str, Callable[[Reading], str]] = {
    "bullish": _bullish_headline,
    "recovery": lambda s: (
        f"{s['ticker']} attempts a recovery{_fading(s)}{_tail(s, ', leading {b}', '')}: can it clear its {pw.slow_name(s)}?"
    ),
    "accumulation": lambda s: (
        f"{s['ticker']} is repairing its trend{_fading(s)}{_tail(s, ' and leads {b}', '')}: can momentum build?"
    ),
    "distribution": lambda s: (
        day_words.day_headline(s, "where is support?")
        if (s.get("session") or {}).get("notable_day") and s["session"]["day"]["move"] < 0  # KRE 2016-06-24: -7.2%
        else f"{s['ticker']} slips below its {pw.slow_name(s)}{_tail(s, ' but still leads {b}', '')}: can the uptrend hold?"
        if s.get("phase_turn") == "down"  # a fresh break; days old it "slips" no more (XRT 2014-10-15)
        else f"{s['ticker']} is below its {pw.slow_name(s)}{_tail(s, ', though still leading {b}', ', lagging {b}')}:"
        " is the uptrend over?"
    ),
    "bearish": lambda s: (
        f"{s['ticker']} under pressure{_tail(s, ', though still leading {b}', '')}: what would turn it around?"
    ),
    "warning": _warning_headline,
}
