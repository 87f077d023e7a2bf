"""The words that depend on what the piece describes: its asset profile (``s["profile"]``).

A volatility index rising is fear rising, not leadership; a yield moves in basis points and
is nobody's holding; a bond fund beating equities is a flight to safety; a price index pays
no dividends. Every function takes the summary and returns text; numbers come from it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable

from analysis import config as config_files
from analysis import fmt
from analysis.errors import InputError
from analysis.fmt import date, signed
from analysis.model.types import Reading, SummaryDict
from analysis.model.units import Units, for_piece
from analysis.params import Settings

#: The longest plain name (names.toml): it is read in brackets after the symbol.
NAME_MAX = 80
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
    "volatility": {
        "rising": "fear is rising",
        "easing": "fear is receding",
        "turning_up": "fear is turning up",
        "turning_down": "fear is turning down",
        "pulling_back": "fear is pulling back",
        "bouncing": "fear is jumping back",
        "rising_fading": "the rise in fear is losing steam",
        "easing_fading": "the fall in fear is losing steam",
    },
    "yield": {
        "rising": "yields are rising",
        "easing": "yields are easing",
        "turning_up": "yields are turning up",
        "turning_down": "yields are turning down",
        "pulling_back": "yields are pulling back",
        "bouncing": "yields are jumping back",
        "rising_fading": "the rise in yields is losing steam",
        "easing_fading": "the fall in yields is losing steam",
    },
}


def kind(s: Reading) -> str:
    return str(s["profile"]["kind"])


def fast_name(s: Reading) -> str:
    """The fast average's name from the piece's settings: ``50-DMA`` (``20-DMA`` with ``fast = 20``)."""
    return f"{(s.get('settings') or {}).get('fast', Settings.fast)}-DMA"


def slow_name(s: Reading) -> str:
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
    return _checked_name(ticker, names[ticker]) if ticker in names else None


#: The zero-width non-joiner and joiner: format characters that Persian words, Indic scripts and emoji
#: sequences (a family, a flag with a skin tone) need; unlike a right-to-left override they reorder nothing.
_JOINERS = frozenset("\u200c\u200d")


def _checked_name(ticker: str, name: str) -> str | None:
    """``name`` on one line, ``None`` when blank; :class:`InputError` naming the file and the entry when it
    is too long to read in brackets or holds a control character (a NUL, a right-to-left override that
    shows the rest of the line reversed, a zero-width space)."""
    where = f"{config_files.path('names')}: [names] {ticker}"
    if len(name) > NAME_MAX:
        raise InputError(
            f"{where} is {len(name):,} characters long.",
            f'A plain name is read in brackets after the symbol: keep it under {NAME_MAX}, e.g. "KRE" = "regional banks".',
        )
    hidden = next(
        (c for c in name if not c.isspace() and c not in _JOINERS and unicodedata.category(c) in ("Cc", "Cf")), None
    )
    if hidden is not None:
        raise InputError(f"{where} holds the control character U+{ord(hidden):04X}.", "Write the name as plain text.")
    return " ".join(name.split()) or None


def named(s: Reading) -> str:
    """``KRE (regional banks)``: the ticker with its plain name, for its first mention on page one."""
    name = plain_name(s["ticker"])
    return f"{s['ticker']} ({name})" if name else s["ticker"]


def units_of(s: Reading) -> Units:
    """The piece's :class:`~analysis.model.units.Units`: how its closes, moves and distances are written."""
    return for_piece(s["profile"]["returns"], s.get("close"), (s.get("session") or {}).get("typical"))


def is_level(s: Reading) -> bool:
    """A level (a yield, a volatility index), not a price anybody holds."""
    return units_of(s).is_level


def quote(s: Reading, x: float) -> str:
    """A close or an average as the profile quotes it (:meth:`Units.quote`)."""
    return units_of(s).quote(x)


def quote_apart(s: Reading, a: float, b: float) -> tuple[str, str]:
    """``a`` and ``b`` quoted with one more decimal when the usual quote makes them look equal (a yield's
    close 0.4 bp under a support: "below 1.46% at 1.46%" was refused by the fourth cold read)."""
    qa, qb = quote(s, a), quote(s, b)
    if qa != qb or a == b:
        return qa, qb
    if units_of(s).is_yield:
        return units_of(s).quote(a, 1), units_of(s).quote(b, 1)
    more = units_of(s).extra
    return fmt.price(a, more + max(2, 4 - fmt.price_decimals(a))), fmt.price(
        b, more + max(2, 4 - fmt.price_decimals(b))
    )


def quote_near(s: Reading, price: float) -> str:
    """A level quoted beside the close: one more decimal when the usual quote makes it the close's
    (^TNX 2007-06-12: a support at 5.245% under a 5.248% close read "5.25%, 0 bp away")."""
    return quote_apart(s, price, s["close"])[0]


def quoter(s: Reading) -> Callable[[float], str]:
    """:func:`quote` bound to the piece ``s`` (``q = quoter(s); q(205.06)``)."""
    return units_of(s).quote


def level_change(s: Reading, x: float) -> str:
    """A change of a level in its unit (:meth:`Units.level_change`)."""
    return units_of(s).level_change(x)


def lead_fact(s: Reading) -> SummaryDict | None:
    """The most unusual fact of the summary's ``unusual`` catalogue when it is unusual, else ``None``."""
    facts = s.get("unusual") or []
    return facts[0] if facts and facts[0]["unusual"] else None


def fact(s: Reading, *ids: str) -> SummaryDict | None:
    """The first fact of the catalogue with one of ``ids``, unusual or not (``None`` when none holds)."""
    return next((f for f in s.get("unusual") or [] if f["id"] in ids), None)


def extreme_words(s: Reading, f: Reading) -> str:
    """``a record high`` / ``a 16-year high`` / ``a 52-week low`` for an extreme-close fact: the years
    back to the last close beyond it when that is two or more (a cold read found "a 52-week high"
    undersold the 10-year yield's highest close since 2007)."""
    kind, side = f["id"].rsplit("_", 1)
    if kind == "all_time":
        return f"a record {side}"
    since = ((s.get("level_to_clear") if side == "high" else s.get("support")) or {}).get("since")
    if since:
        days = (dt.date.fromisoformat(s["as_of"]) - dt.date.fromisoformat(since["date"])).days
        years, months = days // 365, days * 12 // 365
        if years >= 2:
            article = "an" if str(years).startswith("8") or years in (11, 18) else "a"
            return f"{article} {years}-year {side}"
        if months >= 15:  # "a 52-week low" undersold BTC's lowest close in 18 months (2022-06-13: ninth cold read)
            article = "an" if str(months).startswith("8") or months in (11, 18) else "a"
            return f"{article} {months}-month {side}"
    return f"a 52-week {side}"


def level_phase_sentence(s: Reading) -> str:
    """For a level: where it stands against its averages, in the profile's words."""
    t, close, f, slow = s["ticker"], s["close"], s["sma50"], s["sma200"]
    up, down = MOOD[kind(s)]["rising"], MOOD[kind(s)]["easing"]
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


#: A bond fund's lead over the benchmark, by ``leadership.haven`` (:mod:`analysis.model.haven`).
_HAVEN = {
    "sought": "money is seeking safety",
    "falling_less": "{t} is falling less than {b}, not rising as a safe haven",
    "falling": "{t} fell more than {b} over five sessions, not acting as a safe haven",
}


def haven(s: Reading) -> str:
    """What a bond fund's lead over the benchmark says: ``money is seeking safety`` only while it holds up."""
    return _HAVEN[s["leadership"].get("haven") or "sought"].format(t=s["ticker"], b=s["benchmark"])


def leadership_line(s: Reading) -> str:
    """The bottom line's word on Leadership, as the profile reads it ('' when it means nothing)."""
    t, b, value = s["ticker"], s["benchmark"], s["leadership"]["value"]
    mode = s["profile"]["leadership"]
    if value is None or mode == "hidden":
        return ""
    if mode == "risk_off":
        if value > 0:
            signal = ", a risk-off signal." if s["leadership"].get("haven", "sought") == "sought" else "."
            return f"{t} is outperforming {b} (Leadership {signed(value)}, above the zero line): {haven(s)}{signal}"
        return (
            f"{t} is lagging {b} (Leadership {signed(value)}, below the zero line): bonds are not acting as a"
            " safe haven."
        )
    word = "leading" if value > 0 else "lagging"
    return (
        f"{t} is {word} {b}: its Leadership reading is {signed(value)}"
        f" ({'above' if value > 0 else 'below'} the zero line)."
    )


def close_words(s: Reading) -> str:
    """``closed at`` for a traded close; ``'s dividend-adjusted close was`` where the file holds no traded close."""
    return "'s dividend-adjusted close was" if adjusted(s) else " closed at"


def adjusted(s: Reading) -> bool:
    """Whether the ticker's file holds dividend-adjusted closes only (no traded close to quote)."""
    return bool(s["data"]["ticker"].get("fully_adjusted"))


def dateline(s: Reading) -> str:
    """``July 8, 2024 · IWM vs SPY · daily data``; ``…, dividend-adjusted prices`` where every price on
    the page is one (a cold read refused IYT's adjusted levels quoted as traded closes)."""
    tail = ", dividend-adjusted prices" if adjusted(s) else ""
    return f"{date(s['as_of'])} · {s['ticker']} vs {s['benchmark']} · daily data{tail}"


def level_heading(s: Reading) -> str:
    """The levels box's column: ``Level``, or ``Level (dividend-adjusted)``."""
    return "Level (dividend-adjusted)" if adjusted(s) else "Level"


def stretched_where(s: Reading) -> str:
    """Where stretched momentum is: ``above its band``, or ``far above its 200-DMA`` when the band
    calls it ordinary but the distance is rare in the ticker's history (``real_motion.stretch.by``)."""
    by = s["real_motion"]["stretch"]["by"]
    return "above its band" if by == "band" else f"far above its {slow_name(s)}"


def distance(s: Reading, close: float, average: float) -> str:
    """How far the close is from an average in the piece's units (:meth:`Units.from_average`)."""
    return units_of(s).from_average(close, average)


def hidden_leadership(s: Reading) -> list[str]:
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


def level_performance(s: Reading) -> list[str]:
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


def level_state(s: Reading, phase: str) -> str:
    """Where a level sits in ``phase`` (:data:`LEVEL_STATES`), with the piece's averages named."""
    return LEVEL_STATES[phase].format(fast=fast_name(s), slow=slow_name(s))


def return_words(s: Reading) -> str:
    """What the ticker's returns are, in a parenthesis."""
    if s["profile"]["returns"] == "total" and not s["profile"]["total_return"]:  # the model: no Adj Close in the data
        return f"price return: the {s['ticker']} data has no dividend-adjusted close"
    if s["profile"]["returns"] == "total":
        return "total return, dividends reinvested"
    if kind(s) == "equity_index":
        return f"price return: {s['ticker']} is a price index, without dividends"
    return "price return"
