"""The day in words: what the as-of session did, and how unusual that is for this ticker.

Decisions are :func:`analysis.model.session.session`'s (the moves, their percentiles, the last
session with a move as large, whether the day or the week is notable); sizes are written by
the piece's :class:`~analysis.model.units.Units`.
"""

from __future__ import annotations

import datetime as dt

from analysis.fmt import date, day
from analysis.model.session import notable_move
from analysis.model.types import Reading
from analysis.text import profile_words as pw
from analysis.text.unusual_words import share

#: A larger move this many calendar days back or fewer is part of the same episode: how rare the move is, not
#: "its largest since".
EPISODE_DAYS = 31


def _same_episode(when: str, as_of: str) -> bool:
    return (dt.date.fromisoformat(as_of) - dt.date.fromisoformat(when)).days <= EPISODE_DAYS


def rank_words(move: Reading, what: str, as_of: str, gauge: bool = False) -> str:
    """``its largest one-day fall since October 15, 2008`` / ``… in the data, which begin in 1990``; when a
    larger one came within the last month (the same episode), how rare it is instead. A gauge's moves are
    ranked as a fraction of its level, and say so (``its largest one-day rise in percent since …``): ^VIX's
    +16.00 points of 2011-08-08 was its largest rise in percent since February 2007, in points since
    October 2008 (the fifth cold read)."""
    way = "rise" if move["move"] > 0 else "fall"
    ranked = f"{way} in percent" if gauge else way
    when = move["last_as_large"]
    if when is None:
        return f"its largest {what} {ranked} in the data, which begin in {move['first_date'][:4]}"
    if _same_episode(when, as_of):
        spans = "sessions" if what == "one-day" else f"{what} spans"
        larger = "larger in percent" if gauge else "larger"  # ^VIX's 24.86 points of 2020-03-16, after 7.95 (46.6%)
        return (
            f"a {way} {larger} than on {share(move['percentile'], f'its {spans}')}, after a larger one on {date(when)}"
        )
    return f"its largest {what} {ranked} since {date(when)}"


def _ordinary(percentile: float) -> str:
    if percentile < 0.25:
        return "a quiet session for it"
    if percentile < 0.8:
        return "an ordinary move for it"
    return f"a larger move than on {share(percentile, 'its sessions')}"


def day_sentence(s: Reading) -> str:
    """``KRE fell 12.3% on March 13, 2023, its largest one-day fall since March 16, 2020.`` plus the
    five sessions when they are the news; '' with too little history."""
    ses = s.get("session") or {}
    day = ses.get("day")
    if not day:
        return ""
    u, t = pw.units_of(s), s["ticker"]
    verb = "rose" if day["move"] > 0 else "fell" if day["move"] < 0 else "was unchanged"
    size = "" if day["move"] == 0 else f" {u.size(day['move'], ses['previous_close'])}"
    when = f"on {date(ses['date'])}"
    gauge = u.returns == "points"
    tail = rank_words(day, "one-day", s["as_of"], gauge) if ses["notable_day"] else _ordinary(day["percentile"])
    text = f"{t} {verb}{size} {when}, {tail}."
    week = ses.get("week")
    if ses.get("notable_week") and week:
        direction = "up" if week["move"] > 0 else "down"
        before = week_start(s)
        both_records = week["last_as_large"] is None and ses["notable_day"] and day["last_as_large"] is None
        rank = "also the largest in the data" if both_records else rank_words(week, "five-session", s["as_of"], gauge)
        text += f" Over five sessions it is {direction} {u.size(week['move'], before)}, {rank}."
    return text + span_sentence(s) + gap_sentence(s) + reversal_sentence(s) + record_turn_sentence(s)


SPAN_WORDS = {2: "two", 3: "three", 4: "four"}


def span_sentence(s: Reading) -> str:
    """`` Over two sessions it is up 28 bp, its largest two-session rise since February 5, 2024.``: a
    sharp turn the day and the week hide (:func:`analysis.model.session._span`); '' when there is none."""
    ses = s.get("session") or {}
    span = ses.get("span")
    if not span:
        return ""
    u, n = pw.units_of(s), span["sessions"]
    start = float(ses["close"] / (1 + span["move"]) if u.is_return else ses["close"] - span["move"] / u.level_scale)
    what = f"{SPAN_WORDS[n]}-session"
    rank = rank_words(span, what, s["as_of"], u.returns == "points")
    return f" Over {SPAN_WORDS[n]} sessions it is {'up' if span['move'] > 0 else 'down'} {u.size(span['move'], start)}, {rank}."


def week_start(s: Reading) -> float:
    """The close five sessions back, from the week's move in the ticker's units (a fraction for a price,
    points or bp for a level): what a gauge's week is a share of."""
    ses, u = s["session"], pw.units_of(s)
    move = ses["week"]["move"]
    return float(ses["close"] / (1 + move) if u.is_return else ses["close"] - move / u.level_scale)


def day_headline(s: Reading, question: str | None = None) -> str:
    """``HYG falls 1.6%, its largest one-day fall since December 2015: can the uptrend hold?``: the
    headline when the day ran against the phase (:func:`analysis.model.call.day_against_phase`)."""
    ses, u = s["session"], pw.units_of(s)
    day = ses["day"]
    verb = "falls" if day["move"] < 0 else "jumps"
    question = question or ("can the uptrend hold?" if day["move"] < 0 else "a turn, or a bounce?")
    way = ("fall" if day["move"] < 0 else "rise") + (" in percent" if u.returns == "points" else "")
    when = day["last_as_large"]
    if when is None:
        ranked = f", its largest one-day {way} in the data"
    elif not _same_episode(when, s["as_of"]):  # a headline's date: its month
        ranked = f", its largest one-day {way} since {dt.date.fromisoformat(when):%B %Y}"
    else:  # a larger one came within the month: the size alone
        ranked = ""
    return f"{s['ticker']} {verb} {u.size(day['move'], ses['previous_close'])}{ranked}: {question}"


def gap_sentence(s: Reading) -> str:
    """`` It opened 5.0% higher, at 51.90, and closed 3.6% below its open.`` when the opening gap was as
    large as a notable day's move (:func:`analysis.model.session.session`'s ``gap_notable``); '' otherwise."""
    ses = s.get("session") or {}
    if not ses.get("gap_notable") or ses.get("reversal"):  # a reversal's sentence says how the session turned
        return ""
    opened, after = ses["open"], ses["from_open"]
    if opened is None or after is None:
        return ""
    side = "below" if after < 0 else "above"
    closed = f"closed {abs(after):.1%} {side} its open" if round(abs(after), 3) else "closed at its open"
    return f" It opened {abs(ses['gap']):.1%} {'higher' if ses['gap'] > 0 else 'lower'}, at {pw.quote(s, opened)}, and {closed}."


def reversal_sentence(s: Reading) -> str:
    """`` Intraday it fell as much as 3.8%, to 85.21, before closing 3.1% higher: a 7.1% swing.``
    when the session turned round (:func:`analysis.model.session._reversal`); '' otherwise."""
    r = (s.get("session") or {}).get("reversal")
    if not r:
        return ""
    u, previous = pw.units_of(s), s["session"]["previous_close"]
    went = "fell" if r["way"] == "up" else "rose"
    crossed = r.get("kind", "reversal") == "reversal"
    closed = ("higher" if r["way"] == "up" else "lower") if crossed else ("lower" if r["way"] == "up" else "higher")
    share = f"{r['swing'] / abs(r['extreme_move']):.0%}"
    what = (
        "a reversal"
        if crossed
        else f"it won back {share} of the intraday fall"
        if r["way"] == "up"
        else f"it gave back {share} of the intraday rise"
    )
    return (
        f" Intraday it {went} as much as {u.size(r['extreme_move'], previous)}, to {pw.quote(s, r['extreme'])},"
        f" before closing {u.size(r['close_move'], previous)} {closed}: {what}."
    )


def record_turn_sentence(s: Reading) -> str:
    """`` It traded at 169.07, above its intraday record of 167.80 (May 21), before closing lower: a reversal
    from a record.`` (:func:`analysis.model.session._record_turn`); '' otherwise."""
    ses = s.get("session") or {}
    r = ses.get("record_turn")
    if not r:
        return ""
    q, up = pw.quoter(s), r["way"] == "up"
    where = f"{'below' if up else 'above'} its intraday {'low' if up else 'record'} of {q(r['record'])}"
    return (
        f" It traded at {q(r['extreme'])}, {where} ({day(r['record_date'], s['as_of'])}), before closing"
        f" {'higher' if up else 'lower'}: a reversal from a {'low' if up else 'record'}."
    )


def notable(s: Reading) -> bool:
    """Whether the day (or the week) is the news page one leads with."""
    ses = s.get("session") or {}
    return bool(notable_move(ses) or ses.get("reversal") or ses.get("gap_notable") or ses.get("record_turn"))
