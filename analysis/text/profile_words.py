"""The words that depend on what the piece describes: its asset profile (``s["profile"]``).

A volatility index rising is fear rising, not leadership; a yield moves in basis points and
is nobody's holding; a bond fund beating equities is a flight to safety; a price index pays
no dividends. Every function takes the summary and returns text; numbers come from it.
"""

from __future__ import annotations

import datetime as dt

from analysis import config as config_files
from analysis.errors import InputError
from analysis.fmt import date, signed
from analysis.model.units import Units, units
from analysis.params import Settings

#: How the six phases read in a sentence: ``a bearish phase``.
PHASE_WORDS = {
    "bullish": "a bullish phase",
    "warning": "a warning phase",
    "distribution": "a distribution phase",
    "bearish": "a bearish phase",
    "recovery": "a recovery phase",
    "accumulation": "an accumulation phase",
}

#: How a rising and a falling level read, for the profiles whose close is a level.
MOOD = {
    "volatility": ("fear is rising", "fear is receding"),
    "yield": ("yields are rising", "yields are easing"),
}


def kind(s: dict) -> str:
    return s["profile"]["kind"]


def fast_name(s: dict) -> str:
    """The fast average's name from the piece's settings: ``50-DMA`` (``20-DMA`` with ``fast = 20``)."""
    return f"{(s.get('settings') or {}).get('fast', Settings.fast)}-DMA"


def slow_name(s: dict) -> str:
    """The slow average's name from the piece's settings: ``200-DMA``."""
    return f"{(s.get('settings') or {}).get('slow', Settings.slow)}-DMA"


def plain_name(ticker: str) -> str | None:
    """The plain name of ``ticker`` from ``names.toml`` (``regional banks`` for KRE), if it has one."""
    names = config_files.load("names").get("names", {})
    if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
        raise InputError(
            f"{config_files.path('names')}: [names] must map tickers to plain names (text).",
            'E.g. "KRE" = "regional banks".',
        )
    return names.get(ticker)


def named(s: dict) -> str:
    """``KRE (regional banks)``: the ticker with its plain name, for its first mention on page one."""
    name = plain_name(s["ticker"])
    return f"{s['ticker']} ({name})" if name else s["ticker"]


def units_of(s: dict) -> Units:
    """The piece's :class:`~analysis.model.units.Units`: how its closes, moves and distances are written."""
    return units(s["profile"]["returns"])


def is_level(s: dict) -> bool:
    """A level (a yield, a volatility index), not a price anybody holds."""
    return units_of(s).is_level


def quote(s: dict, x: float) -> str:
    """A close or an average as the profile quotes it (:meth:`Units.quote`)."""
    return units_of(s).quote(x)


def level_change(s: dict, x: float) -> str:
    """A change of a level in its unit (:meth:`Units.level_change`)."""
    return units_of(s).level_change(x)


def lead_fact(s: dict) -> dict | None:
    """The most unusual fact of the summary's ``unusual`` catalogue when it is unusual, else ``None``."""
    facts = s.get("unusual") or []
    return facts[0] if facts and facts[0]["unusual"] else None


def fact(s: dict, *ids: str) -> dict | None:
    """The first fact of the catalogue with one of ``ids``, unusual or not (``None`` when none holds)."""
    return next((f for f in s.get("unusual") or [] if f["id"] in ids), None)


def extreme_words(f: dict) -> str:
    """``a record high`` / ``a 52-week low`` for an extreme-close fact."""
    kind, side = f["id"].rsplit("_", 1)
    return f"a {'record' if kind == 'all_time' else '52-week'} {side}"


def _year(iso: str) -> str:
    return iso[:4]


def _volatility_headline(s: dict, top: dict | None) -> str:
    t, close, f = s["ticker"], s["close"], s["sma50"]
    at = f"{t} at {quote(s, close)}"
    if top and top["id"] == "vix_level":
        if top["record"]:
            return f"Fear is rising: {at}, a record close"
        if top["side"] == "high":
            return f"Fear is extreme: {at}, among its highest closes since {_year(top['first_date'])}"
        return f"Fear is at a low ebb: {at}, among its lowest closes since {_year(top['first_date'])}"
    if top and top["id"] == "real_motion_z":
        return (
            f"Fear spikes: {at}, far above its trend"
            if top["z"] > 0
            else f"Fear drains away: {at}, far below its trend"
        )
    if top and top["id"].startswith("new_52w"):
        return f"Fear is {'rising' if top['id'].endswith('high') else 'receding'}: {at}, {extreme_words(top)}"
    if f is None:
        return f"{at}: how much fear is priced?"
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


def _yield_headline(s: dict, top: dict | None) -> str:
    t, f = s["ticker"], s["sma50"]
    at = f"{t} at {quote(s, s['close'])}"
    extreme = fact(s, "all_time_high", "new_52w_high", "all_time_low", "new_52w_low")
    if top and top["id"] == "real_motion_z":
        fast = "rising fast" if top["z"] > 0 else "falling fast"
        return f"Yields are {fast}: {at}" + (f", {extreme_words(extreme)}" if extreme else "")
    if top and top["id"] in ("all_time_high", "new_52w_high", "all_time_low", "new_52w_low"):
        move = "rising" if top["id"].endswith("high") else "falling"
        return f"Yields are {move} to {extreme_words(top)}: {at}"
    if f is None or s["phase"] is None:
        return f"{at}: where next for yields?"
    return YIELD_PHASES[s["phase"]].format(at=at, fast=fast_name(s), slow=slow_name(s))


def _bond_headline(s: dict, top: dict | None) -> str:
    """A bond fund (Leadership a risk-off reading) or a high-yield fund (a risk asset)."""
    t, b, phase = s["ticker"], s["benchmark"], s["phase"]
    credit = kind(s) == "credit"
    worry = "how far will credit spreads widen?" if credit else "are yields still rising?"
    lead = (s["leadership"]["value"] or 0) > 0
    high = fact(s, "all_time_high", "new_52w_high")
    if top and top["id"] == "real_motion_z" and top["z"] < 0:
        return f"{t} is deeply oversold: " + (
            "are credit spreads near a peak?" if credit else "are yields near a peak?"
        )
    if top and top["id"] == "real_motion_z":
        if lead and not credit:
            return f"A flight to safety stretches {t} above its band: how much further can bonds run?"
        return f"{t} is stretched above its band: how much further can {'credit' if credit else 'bonds'} run?"
    if top and top["id"] in ("all_time_low", "new_52w_low"):
        return f"{t} breaks down to {extreme_words(top)}: {worry}"
    if top and top["id"] == "drawdown":
        if phase in ("recovery", "accumulation", "bullish"):
            return f"{t} climbs off a deep drawdown: can {'credit' if credit else 'bonds'} keep recovering?"
        deepest = "the deepest drawdown in its history" if top["percentile"] == 1 else "one of its deepest drawdowns"
        return f"{t} is in {deepest}: {worry}"
    if high and (top is None or top is high):
        return f"{t} at {extreme_words(high)}: " + (
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


def headline(s: dict) -> str | None:
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


def level_phase_sentence(s: dict) -> str:
    """For a level: where it stands against its averages, in the profile's words."""
    t, close, f, slow = s["ticker"], s["close"], s["sma50"], s["sma200"]
    up, down = MOOD[kind(s)]
    if f is None or slow is None:
        return f"{t} closed at {quote(s, close)}; there is not enough history yet for its {fast_name(s)[:-4]}- and {slow_name(s)}."
    side50, side200 = ("above" if close > f else "below"), ("above" if close > slow else "below")
    if close > f and close > slow:
        mood = f"{up}, in the short and the long run"
    elif close < f and close < slow:
        mood = f"{down}, in the short and the long run"
    elif close > f:
        mood = f"{up} in the short run, from below its long-run trend"
    else:
        mood = f"{down} in the short run, within a long-run rise"
    return f"{t} is {side50} its {fast_name(s)} ({quote(s, f)}) and {side200} its {slow_name(s)} ({quote(s, slow)}): {mood}."


def leadership_line(s: dict) -> str:
    """The bottom line's word on Leadership, as the profile reads it ('' when it means nothing)."""
    t, b, value = s["ticker"], s["benchmark"], s["leadership"]["value"]
    mode = s["profile"]["leadership"]
    if value is None or mode == "hidden":
        return ""
    if mode == "risk_off":
        if value > 0:
            return (
                f"{t} is outperforming {b} (Leadership {signed(value)}, above the zero line): money is"
                " seeking safety, a risk-off signal."
            )
        return (
            f"{t} is lagging {b} (Leadership {signed(value)}, below the zero line): bonds are not acting as a"
            " safe haven."
        )
    word = "leading" if value > 0 else "lagging"
    return (
        f"{t} is {word} {b}: its Leadership reading is {signed(value)}"
        f" ({'above' if value > 0 else 'below'} the zero line)."
    )


def close_words(s: dict) -> str:
    """``closed at`` for a traded close; ``'s dividend-adjusted close was`` where the file holds no traded close."""
    return "'s dividend-adjusted close was" if s["data"]["ticker"].get("fully_adjusted") else " closed at"


def distance(s: dict, x: float, line: float) -> str:
    """How far ``x`` is from ``line`` in the piece's units (:meth:`Units.distance`)."""
    return units_of(s).distance(x, line)


def hidden_leadership(s: dict) -> list[str]:
    """What the Leadership section says when Leadership means nothing for this profile."""
    t, b = s["ticker"], s["benchmark"]
    if s["profile"].get("equivalent_to"):
        return [
            f"{t} and {b} track the same market: Leadership of one against the other measures only dividends"
            " and fees, so this piece does not read it. Choose another benchmark to read leadership."
        ]
    if kind(s) == "volatility":
        return [f"{t} rising against {b} is fear, not leadership, so this piece does not read it as Leadership."]
    return [f"A yield has no leadership against an equity fund such as {b}, so this piece does not show it."]


def level_performance(s: dict) -> list[str]:
    """How far the level moved over the spans that exist (no returns: nobody holds it)."""
    t, rp = s["ticker"], s["relative_performance"]
    known = [k for k in ("1m", "3m", "1y", "3y", "5y", "10y") if rp[k]["ticker"] is not None]
    if not known:
        return [f"{t} has less than a month of history."]
    parts = [f"{level_change(s, rp[k]['ticker'])} over {k}" for k in known]
    out = [f"{t} is a level, not a holding, so its history is read as changes: " + ", ".join(parts) + "."]
    year = rp["1y"]["ticker"]
    if year is not None:
        noun = "Fear" if kind(s) == "volatility" else "Yields"
        out.append(
            f"Since {date(rp['1y']['start'])}, {t} has moved {level_change(s, year)}:"
            f" {noun.lower()} {'rose' if year > 0 else 'fell'} over the year."
        )
    return out


#: For a level, each phase as what the level is doing against its averages.
LEVEL_STATES = {
    "bullish": "above both averages, with the {fast} over the {slow}",
    "warning": "below its {fast} but above its {slow}",
    "distribution": "below both averages, with the {fast} still over the {slow}",
    "bearish": "below both averages, with the {fast} under the {slow}",
    "recovery": "above its {fast} but below its {slow}",
    "accumulation": "above both averages, with the {fast} still under the {slow}",
}


def level_state(s: dict, phase: str) -> str:
    """Where a level sits in ``phase`` (:data:`LEVEL_STATES`), with the piece's averages named."""
    return LEVEL_STATES[phase].format(fast=fast_name(s), slow=slow_name(s))


def return_words(s: dict) -> str:
    """What the ticker's returns are, in a parenthesis."""
    if s["profile"]["returns"] == "total" and not s["profile"]["total_return"]:  # the model: no Adj Close in the data
        return f"price return: the {s['ticker']} data has no dividend-adjusted close"
    if s["profile"]["returns"] == "total":
        return "total return, dividends reinvested"
    if kind(s) == "equity_index":
        return f"price return: {s['ticker']} is a price index, without dividends"
    return "price return"


#: A level further than this below the close is too far to call "the next support".
FAR = 0.25


def support_clause(s: dict) -> str:
    """The nearest support below the close, with its date and kind; at a low, how far back the close
    is the lowest and where the last lower close was ('' without history)."""
    sp = s.get("support") or {}
    if sp.get("price") is None:
        since = sp.get("since")
        if since:
            return (
                f"it is at its lowest close since {date(since['date'])}, when it closed at"
                f" {quote(s, since['price'])}, {distance(s, since['price'], s['close'])}"
            )
        return "it is at its lowest close in the data" if sp.get("at") else ""
    return (
        f"the nearest support is {quote(s, sp['price'])} ({level_words(sp, 'support')}),"
        f" {distance(s, sp['price'], s['close'])}"
    )


def _extreme_words(at: str) -> str:
    return {"all_time": "record", "52w": "52-week", "recent": "one-month"}.get(at, at)


def _kind_words(kind_: str, window: int | None, side: str) -> str:
    return {
        "swing_high": "a former swing high" if side == "support" else "a swing high",
        "swing_low": "a former swing low" if side == "resistance" else "a swing low",
        "recent_high": f"the highest close of {window} sessions",
        "recent_low": f"the lowest close of {window} sessions",
        "high_52w": "the 52-week high",
        "low_52w": "the 52-week low",
        "all_time_high": "the highest close in the data",
        "all_time_low": "the lowest close in the data",
        "sma_fast": f"the {window}-DMA",
        "sma_slow": f"the {window}-DMA",
        "parameter": "the level given",
    }.get(kind_, kind_.replace("_", " "))


def level_words(lv: dict, side: str = "resistance") -> str:
    """How a level was found: ``a swing high, set on June 5, 2024`` (no date for an average)."""
    what = _kind_words(lv["kind"], lv.get("window"), side)
    dated = lv.get("date") and lv["kind"] not in ("sma_fast", "sma_slow")
    return what + (f", set on {date(lv['date'])}" if dated else "")


_BOX_WORDS = {
    "recent_high": "{w}-session high",
    "recent_low": "{w}-session low",
    "swing_high": "swing high",
    "swing_low": "swing low",
    "high_52w": "52-week high",
    "low_52w": "52-week low",
    "all_time_high": "highest close",
    "all_time_low": "lowest close",
    "sma_fast": "{w}-DMA",
    "sma_slow": "{w}-DMA",
    "parameter": "level given",
    "last_close_above": "last higher close",
    "last_close_below": "last lower close",
    "former_record": "former record close",
}
#: The close before a notable session, by the side it now stands on.
_BEFORE = {"resistance": "close before the fall", "support": "close before the jump"}


def box_words(rung: dict, side: str, as_of: str) -> str:
    """``22-session high, Jun 5`` / ``former swing high, Mar 2023``: a level's kind and date, compact."""
    words = _BEFORE[side] if rung["kind"] == "previous_close" else _BOX_WORDS.get(rung["kind"])
    what = (words or rung["kind"].replace("_", " ")).format(w=rung.get("window"))
    if (rung["kind"] == "swing_high" and side == "support") or (rung["kind"] == "swing_low" and side == "resistance"):
        what = "former " + what
    if rung["kind"] in ("sma_fast", "sma_slow") or not rung.get("date"):
        return what
    d, a = dt.date.fromisoformat(rung["date"]), dt.date.fromisoformat(as_of)
    return f"{what}, {d:%b} {d.day}" if d.year == a.year else f"{what}, {d:%b %Y}"
