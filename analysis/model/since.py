"""What changed since the last piece: two summaries compared, and the sessions between them.

:func:`since_last` is pure. It takes the current summary, an earlier one (a published piece,
or the state some sessions back, built by :func:`analysis.summary.build` without look-ahead)
and ``rows``, the study's series after the earlier as-of session up to the current one (so a
level cleared, or Real Motion crossing and crossing back, between the two is seen). It
returns the ``since_last`` block of the JSON without sentences (the text layer,
:mod:`analysis.text.since_words`, writes each change's ``text``):

``{"against": "piece" | "sessions", "previous_as_of", "sessions", "changes": [...], "none"}``

Each change is ``{"kind", "rank", ...fields}``; :data:`RANKS` orders the kinds (bigger is
more important: phase > a level cleared or a support lost > Real Motion > the confirmation
of closes > Leadership > a scenario > the Modern Family > the count of closes). A key the
earlier summary lacks (an older schema) leaves its kind out rather than failing.
"""

from __future__ import annotations

import math
from typing import Any, cast

import pandas as pd

from analysis.model.types import Reading, SummaryDict

#: A scenario's score must move at least this much (scores run from -1 to 1), and its verdict
#: change, to be a change.
SCENARIO_MOVE = 0.25

#: Importance of each kind of change (bigger first). A "there and back" (crossed and crossed
#: back, a phase left and returned to) ranks a little lower than a change that stands.
RANKS = {
    "phase": 100.0,
    "level_cleared": 90.0,
    "support_lost": 85.0,
    "real_motion": 70.0,
    "confirmation": 65.0,
    "leadership": 60.0,
    "scenario": 50.0,  # + the size of the move (at most 2)
    "family": 40.0,  # + a tenth per member
    "closes_above": 20.0,
}
BACK_AGAIN = 5.0  # taken off the rank of a change that was undone before the current session

#: An earlier piece's close may differ this much (relative) from the data's close that day (a
#: re-fetched series rounds differently); more is other data (a split since) or an edit.
CLOSE_TOLERANCE = 0.01


def disagreement(previous: Reading, closes: pd.Series, ticker: str) -> str | None:
    """Why an earlier piece's numbers are not this data's (so comparing with it would make news of
    an edit or of another series), or ``None``.

    ``closes`` are the ticker's closes up to now. The piece's close must be the data's close on
    its as-of session, and every level it names (the level to clear, the support, the ladders)
    must lie where a level can: the piece's levels are closes or averages of closes, and a
    LEVEL given is refused outside ``LEVEL_FACTOR`` times the range of closes up to then
    (:func:`analysis.model.study._check_usable`); "closed above the level to clear at -1.00"
    was a since-last headline from a hand-edited file.
    """
    from analysis.model.study import LEVEL_FACTOR

    day = pd.Timestamp(previous["as_of"])
    closes = closes.dropna()
    if day not in closes.index:
        return f"the data has no {ticker} close on {previous['as_of']}"
    actual, said = float(closes.loc[day]), float(previous["close"])
    if not math.isclose(said, actual, rel_tol=CLOSE_TOLERANCE):
        return f"its close {said:,.2f} is not the data's close on that day, {actual:,.2f}: other data, or an edit"
    upto = closes.loc[:day]
    low, high = float(upto.min()), float(upto.max())
    lo = low / LEVEL_FACTOR if low > 0 else low * LEVEL_FACTOR
    hi = high * LEVEL_FACTOR if high > 0 else high / LEVEL_FACTOR
    ladders = previous.get("levels") or {}
    named = [
        previous.get("level_to_clear"),
        previous.get("support"),
        *ladders.get("resistance", []),
        *ladders.get("support", []),
    ]
    for level in named:
        price = (level or {}).get("price")
        if price is not None and not lo <= float(price) <= hi:
            return (
                f"its level {float(price):,.2f} is far outside the prices {ticker} traded at up to then"
                f" ({low:,.2f} to {high:,.2f})"
            )
    return None


def _iso(ts: Any) -> str:
    return pd.Timestamp(ts).date().isoformat()


def _flips(then: bool | None, states: pd.Series) -> list[pd.Timestamp]:
    """The sessions at which a boolean state differs from the last known state before it, starting from ``then``.

    ``states`` holds True/False, or NaN where the state is unknown (skipped).
    """
    out: list[pd.Timestamp] = []
    last = then
    for when, state in states.items():
        if pd.isna(state):
            continue
        state = bool(state)
        if last is not None and state != last:
            out.append(cast(pd.Timestamp, when))
        last = state
    return out


def _side(above: bool) -> str:
    return "above" if above else "below"


#: A line crossed and crossed back within fewer sessions than this is a flicker of the indicator, not a
#: change a reader can act on (^VIX 2017: Real Motion above its 50-DMA on Oct 30, below it on Oct 31).
FLICKER = 3


def _sessions_between(states: pd.Series, first: pd.Timestamp, last: pd.Timestamp) -> int:
    """Sessions of ``states`` from ``first`` to ``last`` (0 when the same session)."""
    return int(states.index.searchsorted(last)) - int(states.index.searchsorted(first))


def _crossing(kind: str, then: bool | None, now: bool | None, states: pd.Series) -> SummaryDict | None:
    """A crossing of a line (Real Motion's 50-DMA, Leadership's zero) between the two summaries, if any."""
    if then is None or now is None:
        return None
    flips = _flips(then, states)
    if now == then and not flips:
        return None
    back = now == then
    if back and _sessions_between(states, flips[0], flips[-1]) < FLICKER:
        return None
    return {
        "kind": kind,
        "rank": RANKS[kind] - (BACK_AGAIN if back else 0.0),
        "from": _side(then),
        "to": _side(now),
        "date": _iso(flips[-1]) if flips else None,
        "first_date": _iso(flips[0]) if flips else None,
        "crossings": len(flips),
        "back": back,
    }


def _phase(current: Reading, previous: Reading, rows: pd.DataFrame, after: str) -> SummaryDict | None:
    then, now = previous.get("phase"), current.get("phase")
    if then is None or now is None:
        return None
    between = rows["phase"].dropna().tolist()
    runs = [p for i, p in enumerate(between) if i == 0 or p != between[i - 1]]
    if now != then:
        since = current.get("phase_since")
        return {
            "kind": "phase",
            "rank": RANKS["phase"],
            "from": then,
            "to": now,
            "date": since if since and since > after else None,
            "via": list(dict.fromkeys(p for p in runs[:-1] if p not in (then, now))),
            "back": False,
        }
    away = [p for p in runs if p != then]
    if not away:
        return None
    other = rows.index[rows["phase"].notna() & (rows["phase"] != then)]
    return {
        "kind": "phase",
        "rank": RANKS["phase"] - BACK_AGAIN,
        "from": then,
        "to": now,
        "date": current.get("phase_since"),  # when it returned
        "via": list(dict.fromkeys(away)),
        "left": _iso(other[0]),
        "spells": sum(1 for i, p in enumerate(runs) if p != then and (i == 0 or runs[i - 1] == then)),
        "back": True,
    }


AVERAGES = ("sma_fast", "sma_slow")


def fixed_level(level: Reading | None, ladder: list[SummaryDict], side: str) -> tuple[Reading | None, Reading | None]:
    """The price level a piece named on ``side`` (``resistance`` or ``support``) that a later close can clear or lose.

    ``level`` is the piece's level to clear or nearest support. An average (the 50- or
    200-DMA) moves every day and a close across it is a phase change already, so in its place
    comes the nearest fixed rung of the piece's ``ladder`` beyond it (at or above a
    resistance, at or below a support); the second value is the average passed over.
    ``(None, None)`` when there is no price (at a high or a low).
    """
    if not level or level.get("price") is None:
        return None, None
    if level.get("kind") not in AVERAGES:
        return level, None
    price = float(level["price"])
    beyond = [
        r
        for r in ladder
        if r.get("kind") not in AVERAGES and (r["price"] >= price if side == "resistance" else r["price"] <= price)
    ]
    return (beyond[0] if beyond else None), level


#: The earlier piece closed at a high or a low (its level is ``at_high``/``at_low``): its own close is
#: the level a later close passes, as the rung kind that names it (NVDA 2018-12-17 closed at a 52-week
#: low and made four lower lows in the next five sessions, which "no support lost" hid: third cold read).
#: A one-month high or low is left out: a hair beyond it is noise ("below 0.58% … at 0.58%" for ^TNX).
_AT_EXTREME = {
    ("at_low", "all_time"): "all_time_low",
    ("at_low", "52w"): "low_52w",
    ("at_high", "all_time"): "all_time_high",
    ("at_high", "52w"): "high_52w",
}


def _at_extreme(previous: Reading, key: str) -> Reading | None:
    """The earlier piece's close as a level, when it closed at a high or low (else ``None``)."""
    lv = previous.get(key) or {}
    kind = _AT_EXTREME.get((str(lv.get("kind")), str(lv.get("at"))))
    if kind is None or previous.get("close") is None:
        return None
    return {"price": float(previous["close"]), "date": previous["as_of"], "kind": kind, "window": lv.get("window")}


def _level(kind: str, previous: Reading, closes: pd.Series, now: float | None) -> SummaryDict | None:
    """The earlier piece's level to clear exceeded by a close since (``level_cleared``), or its support
    lost; the earlier close itself when the piece was at a high or a low (:func:`_at_extreme`)."""
    side, key = ("resistance", "level_to_clear") if kind == "level_cleared" else ("support", "support")
    ladder = (previous.get("levels") or {}).get(side) or []
    level, beyond = fixed_level(previous.get(key), ladder, side)
    level = level or _at_extreme(previous, key)
    if level is None or closes.empty:
        return None
    price = float(level["price"])
    hits = closes[closes > price] if kind == "level_cleared" else closes[closes < price]
    if hits.empty:
        return None
    back = now is not None and ((now <= price) if kind == "level_cleared" else (now >= price))
    return {
        "kind": kind,
        "rank": RANKS[kind] - (BACK_AGAIN if back else 0.0),
        "price": price,
        "level_kind": level.get("kind"),
        "level_date": level.get("date"),
        "window": level.get("window"),
        "beyond": None
        if beyond is None
        else {"kind": beyond["kind"], "window": beyond.get("window"), "price": float(beyond["price"])},
        "date": _iso(hits.index[0]),
        "close": float(hits.iloc[0]),
        "back": bool(back),
        "back_at": bool(back and now == price),  # closed on the level itself: neither side of it
    }


def _closes(current: Reading, previous: Reading, after: str) -> SummaryDict | None:
    """The run of closes above the 50-DMA: a confirmation reached or lost, or a count that matters."""
    then_c, now_c = previous.get("confirmation"), current.get("confirmation")
    if not then_c or not now_c:
        return None
    n = int(now_c["n"])
    then, now = int(then_c["closes_above_sma50"]), int(now_c["closes_above_sma50"])
    completed = now_c.get("last_completed")
    reached_since = bool(completed and completed > after)
    was, is_ = then >= n, now >= n
    if not was and is_:
        event = "reached"
    elif was and not is_:
        event = "lost"
    elif not was and not is_ and reached_since:
        event = "reached_and_lost"
    elif then != now and min(then, now) < n:
        event = "count"
    else:
        return None
    kind = "closes_above" if event == "count" else "confirmation"
    return {
        "kind": kind,
        "rank": RANKS[kind] - (BACK_AGAIN if event == "reached_and_lost" else 0.0),
        "event": event,
        "n": n,
        "from": then,
        "to": now,
        "date": completed if reached_since else None,
    }


def _scenarios(current: Reading, previous: Reading) -> list[SummaryDict]:
    now = {s["id"]: s for s in current.get("scenarios") or [] if s.get("score") is not None}
    out = []
    for old in previous.get("scenarios") or []:
        new = now.get(old.get("id"))
        if new is None or old.get("score") is None:
            continue
        move = float(new["score"]) - float(old["score"])
        # a score that moves but leaves the verdict where it was is no news (issue 28: a talking
        # point's tally moving from +0.00 to -1.00 was reported as if it were what happened)
        if abs(move) >= SCENARIO_MOVE - 1e-9 and old.get("verdict") != new.get("verdict"):
            out.append(
                {
                    "kind": "scenario",
                    "rank": RANKS["scenario"] + abs(move),
                    "id": new["id"],
                    "title": new.get("title", new["id"]),
                    "from": float(old["score"]),
                    "to": float(new["score"]),
                    "move": move,
                    "verdict": new.get("verdict"),
                    "from_verdict": old.get("verdict"),
                }
            )
    return out


def _family(current: Reading, previous: Reading) -> list[SummaryDict]:
    """Members of the Modern Family whose phase changed (both sides current), grouped by from -> to.

    The piece's own ticker is left out: its phase change is the ``phase`` change.
    """
    old = {m["ticker"]: m for m in (previous.get("family") or {}).get("members", [])}
    groups: dict[tuple[str, str], list[SummaryDict]] = {}
    for m in (current.get("family") or {}).get("members", []):
        before = old.get(m["ticker"])
        if m["ticker"] == current.get("ticker") or before is None:
            continue
        if m.get("status") != "current" or before.get("status") != "current":
            continue
        if m.get("phase") and before.get("phase") and m["phase"] != before["phase"]:
            groups.setdefault((before["phase"], m["phase"]), []).append(m)
    return [
        {
            "kind": "family",
            "rank": RANKS["family"] + len(members) / 10,
            "from": then,
            "to": now,
            "tickers": [m["ticker"] for m in members],
            "nicknames": [m.get("nickname", "") for m in members],
        }
        for (then, now), members in groups.items()
    ]


def since_last(current: Reading, previous: Reading, rows: pd.DataFrame, *, against: str = "piece") -> SummaryDict:
    """The ``since_last`` block: what changed from ``previous`` to ``current`` (changes most important first).

    ``rows`` are the study's series rows strictly after ``previous["as_of"]`` up to and
    including ``current["as_of"]`` (columns ``close``, ``phase``, ``rm``, ``rm_fast``,
    ``lead`` and, optionally, ``common``: the sessions the benchmark traded). Leadership is
    left out when the profile hides it; scenarios and the family only when both summaries
    have them. ``changes[].text`` is not written here.
    """
    after = previous["as_of"]
    changes: list[SummaryDict] = []
    phase = _phase(current, previous, rows, after)
    changes += [phase] if phase else []
    for kind in ("level_cleared", "support_lost"):
        found = _level(kind, previous, rows["close"].dropna(), current.get("close"))
        changes += [found] if found else []
    rm_then, rm_now = (previous.get("real_motion") or {}), (current.get("real_motion") or {})
    known = rows["rm"].notna() & rows["rm_fast"].notna()
    rm_states = (rows["rm"] > rows["rm_fast"]).where(known)
    found = _crossing("real_motion", rm_then.get("above_fast"), rm_now.get("above_fast"), rm_states)
    changes += [found] if found else []
    found = _closes(current, previous, after)
    changes += [found] if found else []
    if (current.get("profile") or {}).get("leadership") != "hidden":
        lead_rows = rows[rows["common"].astype(bool)] if "common" in rows else rows
        lead_states = (lead_rows["lead"] > 0).where(lead_rows["lead"].notna())
        lead_then, lead_now = (previous.get("leadership") or {}), (current.get("leadership") or {})
        found = _crossing("leadership", lead_then.get("above_zero"), lead_now.get("above_zero"), lead_states)
        changes += [found] if found else []
    changes += _scenarios(current, previous)
    changes += _family(current, previous)
    changes.sort(key=lambda c: -c["rank"])  # stable: equal ranks keep the order above
    return {
        "against": against,
        "previous_as_of": after,
        "sessions": int(len(rows)),
        "changes": changes,
        "none": not changes,
    }
