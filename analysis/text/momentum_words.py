"""Page one's momentum paragraph: Real Motion against its own 50-DMA and, in words, against its band
and its history (:func:`analysis.indicators.stretch`, decided in the reading; z stays in the evidence)."""

from __future__ import annotations

import datetime as dt

from analysis.fmt import date, day
from analysis.model.types import Reading
from analysis.text import profile_words as pw
from analysis.text import unusual_words
from analysis.text.call_words import crossed_today, since_when

#: How Real Motion's band reads after its line, in words (z stays in the evidence pages), by the
#: reading's ``stretch`` (side, by): beyond the band, or inside it at a distance rare in its history.
_BAND = {
    ("up", "band"): "; it is above its band: momentum is stretched, {since}",
    ("down", "band"): "; it is below its band: an oversold extreme, {since}",
    ("up", "history"): "; it is inside its band, but {ticker} {rare}: momentum is stretched",
    ("down", "history"): "; it is inside its band, but {ticker} {rare}: an oversold extreme",
    (None, "up"): "; it is inside its band: momentum is with the trend without being stretched",
    # the close below its 50-DMA (NVDA 2019-08-05 fell through it): momentum up is no trend's (ninth cold read)
    (None, "up_against"): "; it is inside its band: momentum is up, though {ticker} is below its {fast}",
    (None, "down"): "; it is inside its band: momentum is down, but it is not at an extreme either",
    (None, "short"): "; it is inside its band, but {readings} sessions of Real Motion are too few to rank:"
    " whether it is stretched cannot be said yet",
}


def _band(s: Reading) -> tuple[str | None, str] | None:
    """The key of :data:`_BAND`: the reading's stretch, or ``(None, up|down)`` inside the band; ``None`` unknown."""
    rm = s["real_motion"]
    if rm["z"] is None:
        return None
    st = rm["stretch"]
    if st["side"]:
        return st["side"], str(st["by"])
    if not st["known"]:
        return None, "short"
    if rm["above_fast"]:
        below = s["sma50"] is not None and s["close"] < s["sma50"]
        return None, "up_against" if below else "up"
    return None, "down"


def _extreme_since(s: Reading) -> str:
    """How rare Real Motion's extreme is. Beyond the band it is the distance from the band that is ranked
    (``the furthest above its band since March 2020``, ``… in the data``): "the most in the data" alone read
    as the highest Real Motion ever (IWM 2024-07-16, 15.7 against 40+ in 2021). Inside the band it is the
    distance from the slow average (``the most since May 2021``, in :func:`_rare`'s parentheses)."""
    rm = s["real_motion"]
    by_band = rm["stretch"]["by"] == "band"
    when = rm["z_since"] if by_band else rm["stretch"]["since"]
    what = f"the furthest {'above' if rm['stretch']['side'] == 'up' else 'below'} its band" if by_band else "the most"
    if not when:
        return f"{what} in the data"
    if (dt.date.fromisoformat(s["as_of"]) - dt.date.fromisoformat(when)).days <= 31:  # part of the same episode
        return f"though {'not as far as' if by_band else 'less than'} on {day(when, s['as_of'])}"
    return f"{what} since {date(when)}"


def _rare(s: Reading) -> str:
    """``is further above its 200-DMA than on 99% of its sessions (the most since May 2021)``, or
    ``is the furthest below its 200-DMA in the data``: a distance the band calls ordinary, ranked."""
    st = s["real_motion"]["stretch"]
    side = "above" if st["side"] == "up" else "below"
    if st["since"] is None:
        return f"is the furthest {side} its {pw.slow_name(s)} in the data"
    return (
        f"is further {side} its {pw.slow_name(s)} than on {unusual_words.share(st['rarer_than'], 'its sessions')}"
        f" ({_extreme_since(s)})"
    )


def _momentum_line(s: Reading) -> str:
    """``Real Motion has not been above its own 50-DMA since June 5`` (its values stay in the evidence)."""
    rm, as_of = s["real_motion"], s["as_of"]
    # the dates are the last session on the other side of the line: "not ... since" says exactly that
    side, other, last = (
        ("above", "below", rm["last_below_fast"]) if rm["above_fast"] else ("below", "above", rm["last_above_fast"])
    )
    if crossed_today(s, last):
        return f"Real Motion crossed {side} its own {pw.fast_name(s)} today"
    since = since_when(last, as_of)
    return (
        f"Real Motion has not been {other} its own {pw.fast_name(s)} {since}"
        if since
        else f"Real Motion is {side} its own {pw.fast_name(s)}"
    )


def momentum_paragraph(s: Reading) -> str:
    """Real Motion against its own 50-DMA and its band, in words: how rare an extreme is, not its z."""
    rm = s["real_motion"]
    if rm["value"] is None or rm["fast"] is None:
        return f"Real Motion needs more history before its own {pw.fast_name(s)} can be read."
    band = _band(s)
    clause = (
        ""
        if band is None
        else _BAND[band].format(  # only a distance stretched by history is ranked (rarer_than is set)
            since=_extreme_since(s),
            ticker=s["ticker"],
            rare=_rare(s) if band[1] == "history" else "",
            readings=rm["stretch"]["readings"],
            fast=pw.fast_name(s),
        )
    )
    return f"{_momentum_line(s)}{clause}."
