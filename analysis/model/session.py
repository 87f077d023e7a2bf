"""The day itself: what the as-of session did, measured against the ticker's own history.

A strategist's piece opens with the session it is dated: how far the close moved (in the
ticker's units: a percentage for a price, points for a volatility index, bp for a yield), how
unusual that move is for this ticker, and when it last moved as much the same way; the same for
the last five sessions. :func:`session` decides all of it from the prices up to the as-of
session (no look-ahead); the words are :mod:`analysis.text.day_words`'.

A move is *notable* when it is larger than on :data:`NOTABLE_DAY` of the ticker's earlier
sessions (one session in twenty), a five-session move when larger than on :data:`NOTABLE_WEEK`
of its earlier five-session spans: rare enough that a reader expects the piece to say so.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from analysis.data.contract import GAP_DAYS
from analysis.model import reach
from analysis.model.types import SummaryDict
from analysis.model.units import Units

#: A day's move is notable beyond this share of the ticker's earlier daily moves (in size).
NOTABLE_DAY = 0.95
#: A five-session move is notable beyond this share of the earlier five-session moves.
NOTABLE_WEEK = 0.98
#: Sessions in "a week".
WEEK = 5
#: The closes before the as-of session kept for page one's levels after a notable move.
RECENT = 10
#: A next-session trigger is quoted as tomorrow's event only when the move to it is no larger than
#: this share of the ticker's own one-session moves. Beyond it (one session in a hundred, two or three
#: a year) the close is a level several sessions away: the cold read refused an 8.3% next-session
#: move for a Treasury fund (its 99th percentile is 2.1%) and 17-20% for a stock or crypto, while
#: IWM's 4.5% fall to a defensive call (98.5th percentile) is a trigger a trader watches.
REACHABLE = 0.99
#: A next-session trigger no further than the median session's move is on a knife-edge: half of all
#: sessions move more, so noise alone can flip the call.
KNIFE_EDGE = 0.5
#: A next-session trigger further than this share of the ticker's sessions moved is within reach but
#: uncommon, and says so (XLP 2024-10-18: +1.8%, larger than on 94% of its sessions, read as an everyday
#: trigger to the fifth cold read).
RARE_MOVE = 0.9


def across_gap(index: pd.Index, span: int = 1) -> pd.Series:
    """Whether each row's last ``span`` steps cross a gap in the data longer than :data:`GAP_DAYS`
    calendar days (a trading halt, a file with months missing): a move across one is no session's move."""
    if not isinstance(index, pd.DatetimeIndex):
        return pd.Series(False, index=index)
    days = np.diff(index.as_unit("ns").asi8) // 86_400_000_000_000  # whole calendar days from the row before
    gaps = np.cumsum(np.concatenate(([False], days > GAP_DAYS))[: len(index)])  # gaps up to each row
    before = np.concatenate((np.zeros(min(span, len(gaps)), dtype=gaps.dtype), gaps[: max(len(gaps) - span, 0)]))
    return pd.Series(gaps - before > 0, index=index)  # a gap among the row's last ``span`` steps


def moves(close: pd.Series, units: Units, span: int = 1) -> pd.Series:
    """Each session's move over ``span`` sessions as the ticker measures it: a fraction of the
    earlier close for a price, the change in points or bp (:attr:`Units.level_scale`) for a level;
    ``NaN`` across a gap in the data (:func:`across_gap`): six months of a halt are not a day's move."""
    moved = close / close.shift(span) - 1.0 if units.is_return else units.level_scale * (close - close.shift(span))
    return moved.mask(across_gap(close.index, span))


def ranked_moves(close: pd.Series, units: Units, span: int = 1) -> pd.Series:
    """The moves a session is ranked by: :func:`moves`, but a gauge's as a fraction of its earlier
    level. A volatility index's points scale with its level: 6.6 points at 80 was an ordinary day in
    November 2008 (8.9%), larger than 99% of its point moves since 1990 (the third cold read)."""
    if units.returns != "points":
        return moves(close, units, span)
    return (close / close.shift(span) - 1.0).mask(across_gap(close.index, span))


def _read(series: pd.Series, ranked: pd.Series, overlap: int = 0) -> SummaryDict | None:
    """The last move of ``series``, its percentile in size among the earlier ones, and the last
    earlier session with a move as large the same way (``None`` when it is the largest), both read on
    ``ranked`` (:func:`ranked_moves`). The ``overlap`` moves just before the last share part of its
    span and are not compared."""
    valid = ranked[series.notna()].dropna()
    if len(valid) < 2 + overlap or valid.index[-1] != ranked.index[-1]:  # none now (across a gap): no move to read
        return None
    now, earlier = float(valid.iloc[-1]), valid.iloc[: len(valid) - 1 - overlap]
    size = np.abs(earlier.to_numpy(float))
    same_way = earlier[(earlier <= now) if now < 0 else (earlier >= now)] if now != 0 else earlier.iloc[0:0]
    return {
        "move": float(series.loc[valid.index[-1]]),
        "percentile": float((size < abs(now)).mean()),
        "n": len(earlier),
        "last_as_large": same_way.index[-1].date().isoformat() if len(same_way) else None,
        "first_date": valid.index[0].date().isoformat(),
    }


def _dated(closes: pd.Series, when: pd.Timestamp) -> SummaryDict:
    return {"price": float(closes.loc[when]), "date": when.date().isoformat()}


def _finite(x: object) -> float | None:
    value = float(x)  # type: ignore[arg-type]
    return value if np.isfinite(value) else None


def day_sizes(prices: pd.DataFrame, units: Units) -> np.ndarray:
    """The size of every one-session move of ``prices`` (up to as-of), sorted: the ticker's own
    scale for how far one session can carry it."""
    return np.sort(np.abs(ranked_moves(prices["close"].astype(float), units).dropna().to_numpy(float)))


def move_size(close: float, price: float, units: Units) -> float:
    """The size of a next-session move from ``close`` to ``price``, as :func:`ranked_moves` ranks it."""
    relative = units.is_return or units.returns == "points"
    return abs(price / close - 1.0) if relative else abs(units.level_scale * (price - close))


def in_units(size: float, close: float, units: Units) -> float:
    """A size on the :func:`ranked_moves` scale in the ticker's units at ``close`` (a gauge's fraction in points)."""
    return size * close if units.returns == "points" else size


def percentile(sizes: np.ndarray, size: float) -> float | None:
    """The share of ``sizes`` (sorted) smaller than ``size``; ``None`` without history."""
    return float(np.searchsorted(sizes, size, side="left") / len(sizes)) if len(sizes) else None


def _notable(sizes: np.ndarray, previous: float | None, units: Units) -> float | None:
    """A notable day's move (:data:`NOTABLE_DAY`) in the ticker's units from the previous close."""
    if not len(sizes) or previous is None:
        return None
    return in_units(float(np.quantile(sizes, NOTABLE_DAY)), previous, units)


def _reversal(last: pd.Series, previous: float | None, units: Units, notable: float | None) -> SummaryDict | None:
    """The session turned round: it traded at least half a notable day's move (:data:`NOTABLE_DAY`) on
    one side of the previous close, closed on the other, and swung from that extreme to the close by
    a notable day's move; or (``kind: recovery``) it closed the same way but gave back at least half of
    an intraday move of twice a notable day's. ``{way, kind, extreme, extreme_move, close_move, swing}``
    in the ticker's units;
    ``None`` otherwise (or without a high and low). SMH 2022-10-13 fell 4.9% to a new low and closed
    3.1% higher; HYG 2020-03-23, up 0.5% before closing 1.6% lower, is no reversal. A series whose
    notable move is 0 (a flat close: nothing ever moved) has no reversal."""
    if previous is None or not notable:
        return None

    def move(price: object) -> float | None:
        x = _finite(price)
        if x is None:
            return None
        return x / previous - 1.0 if units.is_return else units.level_scale * (x - previous)

    close = move(last["close"])
    for way, column, sign in (("up", "low", -1.0), ("down", "high", 1.0)):
        extreme = move(last[column])
        if close is None or extreme is None:
            return None
        crossed = sign * close <= 0 and sign * extreme >= notable / 2
        # a washout (a blow-off) closing the same way: twice a notable day intraday, then half of it given
        # back by the close (IBB 2015-08-24: down 16.4% intraday, closed down 4.4%: third cold read)
        recovered = (
            sign * close > 0 and sign * extreme >= 2 * notable and sign * (extreme - close) >= sign * extreme / 2
        )
        if (crossed or recovered) and sign * (extreme - close) >= notable:
            return {
                "way": way,
                "kind": "reversal" if crossed else "recovery",
                "extreme": float(last[column]),
                "extreme_move": extreme,
                "close_move": close,
                "swing": abs(close - extreme),
            }
    return None


#: Rows needed before a day's high (low) beyond every earlier one is a record worth a sentence.
RECORD_ROWS = 250


def _record_turn(
    prices: pd.DataFrame, previous: float | None, ranked: pd.Series, sizes: np.ndarray
) -> SummaryDict | None:
    """A session that traded beyond every earlier high (low) in the data and closed the other way from the
    previous close, by at least the median session's move: ``{way, extreme, record, record_date}`` (``way`` the
    close's: ``down`` from a record high). SPY 2013-05-22 traded at 169.07, above its intraday record of 167.80,
    and closed 0.7% lower: "an ordinary move for it" (the eleventh cold read). ``None`` otherwise, or with
    under :data:`RECORD_ROWS` rows."""
    moved = _finite(ranked.iloc[-1]) if len(ranked) else None
    if previous is None or len(prices) < RECORD_ROWS or not {"high", "low"} <= set(prices.columns):
        return None
    if moved is None or not len(sizes) or abs(moved) < float(np.quantile(sizes, KNIFE_EDGE)):
        return None
    last, before = prices.iloc[-1], prices.iloc[:-1]
    for way, column, sign in (("down", "high", 1.0), ("up", "low", -1.0)):
        x, earlier = _finite(last[column]), before[column].dropna()
        if x is None or earlier.empty:
            continue
        when = cast(pd.Timestamp, earlier.idxmax() if sign > 0 else earlier.idxmin())
        if sign * (x - float(earlier.loc[when])) > 0 and sign * (float(last["close"]) - previous) < 0:
            return {
                "way": way,
                "extreme": x,
                "record": float(earlier.loc[when]),
                "record_date": when.date().isoformat(),
            }
    return None


def _largest(daily: pd.Series, ranked: pd.Series, *, up: bool) -> SummaryDict | None:
    """The largest one-session rise (``up``) or fall up to the as-of session by ``ranked``
    (:func:`ranked_moves`), with its move in the ticker's units (:func:`moves`), its ``size`` on the
    ranked scale and its date: the farthest one session has ever carried the ticker that way."""
    side = ranked[ranked > 0] if up else ranked[ranked < 0]
    if side.empty:
        return None
    when = cast(pd.Timestamp, side.idxmax() if up else side.idxmin())
    return {"move": float(daily.loc[when]), "size": abs(float(side.loc[when])), "date": when.date().isoformat()}


def session(prices: pd.DataFrame, units: Units) -> SummaryDict:
    """The as-of session of ``prices`` (the ticker's own rows up to as-of): its ``day`` and ``week``
    moves read against history, the day's range and gap as fractions of the previous close, and
    whether either move is ``notable``. Moves are ``None`` with too little history."""
    close = prices["close"].astype(float)
    sizes = day_sizes(prices, units)
    daily, ranked = moves(close, units), ranked_moves(close, units)
    day, week = _read(daily, ranked), _read(moves(close, units, WEEK), ranked_moves(close, units, WEEK))
    now = float(close.iloc[-1])
    tape = reach.tape(ranked, sizes, REACHABLE)
    recent = close.iloc[-1 - WEEK : -1]
    previous = float(close.iloc[-2]) if len(close) > 1 else None
    last = prices.iloc[-1]
    notable = _notable(sizes, previous, units)
    halted = bool(across_gap(prices.index).iloc[-1])  # the previous row is weeks back: no opening gap to read
    gap = _finite(last["open"] / previous - 1.0) if previous and not halted else None
    out: SummaryDict = {
        "date": prices.index[-1].date().isoformat(),
        "previous_date": prices.index[-2].date().isoformat() if len(prices) > 1 else None,
        "close": float(close.iloc[-1]),
        "previous_close": previous,
        "day": day,
        "week": week,
        "recent_high": _dated(recent, cast(pd.Timestamp, recent.idxmax())) if len(recent) else None,
        "recent_low": _dated(recent, cast(pd.Timestamp, recent.idxmin())) if len(recent) else None,
        "recent_closes": [_dated(close, cast(pd.Timestamp, d)) for d in close.index[-1 - RECENT : -1]],
        "range": _finite((last["high"] - last["low"]) / previous) if previous else None,
        "gap": gap,
        "open": _finite(last["open"]),
        "from_open": _finite(last["close"] / last["open"] - 1.0) if _finite(last["open"]) else None,
        # an opening gap as large as a notable day's move (a price: a level's open is no quote a reader uses);
        # XRT 2020-11-09 opened 5.0% higher above its record and closed 3.6% below its open (seventh cold read)
        "gap_notable": bool(units.is_return and gap is not None and notable and abs(gap) >= notable),
        "notable_day": bool(day and day["percentile"] >= NOTABLE_DAY),
        "reach": in_units(float(np.quantile(sizes, REACHABLE)), now, units) if len(sizes) else None,
        "volatile_reach": {way: None if x is None else in_units(x, now, units) for way, x in tape.volatile.items()},
        "quiet_reach": None if tape.quiet is None else in_units(tape.quiet, now, units),
        "typical": in_units(float(np.quantile(sizes, KNIFE_EDGE)), now, units) if len(sizes) else None,
        "reversal": _reversal(last, previous, units, notable),
        "record_turn": _record_turn(prices, previous, ranked, sizes),
        "largest_rise": _largest(daily, ranked, up=True),
        "largest_fall": _largest(daily, ranked, up=False),
        "notable_week": bool(
            week and week["percentile"] >= NOTABLE_WEEK and abs(week["move"]) > abs(day["move"] if day else 0)
        ),
    }
    out["span"] = _span(close, units, day, out["notable_week"])
    out["notable_span"] = out["span"] is not None
    return out


#: The spans between a day and a week read for a sharp turn the week hides (^TNX's 28 bp in two sessions
#: on 2025-04-08: 11 bp that day and 11 bp over the week, after a fall to 3.99%).
SPANS = (2, 3, 4)


def _span(close: pd.Series, units: Units, day: SummaryDict | None, notable_week: bool) -> SummaryDict | None:
    """The move over the last 2-4 sessions (:data:`SPANS`) the most unusual among earlier moves of its span,
    with its ``sessions``, when it is notable as a week's is (:data:`NOTABLE_WEEK`), the same way as the day
    and larger than it, and the week is not already the news; ``None`` otherwise. The moves just before it,
    which share part of its span, are not compared."""
    if day is None or day["move"] == 0 or notable_week:
        return None
    best = None
    for n in SPANS:
        read = _read(moves(close, units, n), ranked_moves(close, units, n), overlap=n - 1)
        if read is None or read["percentile"] < NOTABLE_WEEK or (read["move"] > 0) != (day["move"] > 0):
            continue
        if abs(read["move"]) > abs(day["move"]) and (best is None or read["percentile"] > best["percentile"]):
            best = {**read, "sessions": n}
    return best


def notable_move(ses: SummaryDict) -> bool:
    """Whether the session's day, week or a shorter span (:func:`_span`) moved notably."""
    return bool(ses.get("notable_day") or ses.get("notable_week") or ses.get("notable_span"))
