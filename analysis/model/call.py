"""The call and what would change it: decided here, once, from the facts of the as-of session.

The call is a rule on four facts (:class:`CallState`): the phase, the close against both
averages, Real Motion against its own fast average, and the sign of Leadership where it is
shown (:func:`grade`). For a gauge (a fear index, a yield) a rising trend is bad news for its
holder, so the reader's call is the grade turned over (:func:`call_of`).

What would change it is exact: :func:`triggers` replays the solved next-session closes of
``what_would_change`` (:mod:`analysis.indicators.solve`) through the same rule, so "defensive
below 193.12" means a close of 193.11 tomorrow turns the rule's answer defensive.
:func:`steps` lists the solved closes a reader meets on the way to it. Nothing here writes
English: :mod:`analysis.text.brief` words these decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from analysis.model.session import KNIFE_EDGE, REACHABLE
from analysis.model.types import Reading, SummaryDict

#: The three calls, from worst to best for a holder of the asset.
CALLS = ("defensive", "cautious", "constructive")

#: Profiles whose close is a gauge read against something else: the call is for that holder.
INVERTED_KINDS = ("volatility", "yield")

#: What each solved event flips in the state the call reads.
FLIPS = {
    "price_vs_sma_fast": "above_fast",
    "price_vs_sma_slow": "above_slow",
    "real_motion_vs_fast": "momentum",
    "leadership_vs_zero": "leading",
}

#: Without the ticker's own distribution of moves (a piece written before it was kept), a
#: next-session close further than this from the last one is not a trigger a reader can use.
REACH = 0.25


@dataclass(frozen=True)
class CallState:
    """The four facts the call reads at a session (``leading`` is ``None`` when Leadership is hidden)."""

    phase: str | None
    above_fast: bool
    above_slow: bool
    momentum: bool
    leading: bool | None


@dataclass(frozen=True)
class Trigger:
    """The nearest solved close in one direction that changes the call, and what flips there."""

    direction: str  # up | down
    price: float
    distance_pct: float  # from the close, as a fraction
    call: str  # the call after such a close
    events: tuple[Reading, ...]  # the ``what_would_change`` entries a close beyond ``price`` flips
    move_percentile: float | None = None  # share of the ticker's one-session moves smaller than the move to it
    reachable: bool | None = None  # whether a session can carry the ticker there (:mod:`analysis.model.reach`)

    @property
    def relative(self) -> bool:
        """Whether the move to it is rare only against the benchmark (``rarity`` of its event at ``price``)."""
        return any(e.get("rarity") == "relative" for e in self.events if e["price"] == self.price)

    @property
    def knife_edge(self) -> bool:
        """Inside an ordinary session's move: half of all sessions move further (:data:`KNIFE_EDGE`)."""
        return self.move_percentile is not None and self.move_percentile <= KNIFE_EDGE

    def to_json(self) -> SummaryDict:
        return {
            "direction": self.direction,
            "price": self.price,
            "distance_pct": self.distance_pct,
            "call": self.call,
            "move_percentile": self.move_percentile,
            "reachable": self.reachable,
        }


@dataclass(frozen=True)
class Step:
    """One solved close on the way in a direction, with the events that flip there (equal prices merged)."""

    price: float
    events: tuple[Reading, ...]


def _percentile(events: Sequence[Reading], price: float) -> float | None:
    """The ``move_percentile`` the model gave the solved close at ``price`` (``None`` when unknown)."""
    found = [e.get("move_percentile") for e in events if e["price"] == price]
    return found[0] if found and found[0] is not None else None


def _reachable(events: Sequence[Reading], price: float) -> bool | None:
    """The ``reachable`` the model gave the solved close at ``price`` (``None`` when unknown)."""
    return next((e.get("reachable") for e in events if e["price"] == price), None)


def state(s: Reading) -> CallState:
    """The :class:`CallState` of a summary's as-of session."""
    lead = s["leadership"]["value"]
    shown = s["profile"]["leadership"] == "shown" and lead is not None
    return CallState(
        phase=s["phase"],
        above_fast=s["sma50"] is not None and s["close"] > s["sma50"],
        above_slow=s["sma200"] is not None and s["close"] > s["sma200"],
        momentum=bool(s["real_motion"]["above_fast"]),
        leading=(lead > 0) if shown else None,
    )


def grade(st: CallState) -> str:
    """The call on the trend itself, before any inversion for a gauge.

    * constructive: a bullish phase with Real Motion above its own fast average; or above both
      averages with momentum and leadership (when shown) both up;
    * defensive: a bearish or distribution phase with Real Motion below its fast average; or
      below both averages with momentum down;
    * cautious: everything between (a warning phase, a recovery, momentum and price disagreeing).
    """
    up = st.above_fast and st.above_slow
    if (st.phase == "bullish" and st.momentum) or (up and st.momentum and st.leading is not False):
        return "constructive"
    if (st.phase in ("bearish", "distribution") and not st.momentum) or (
        not st.above_fast and not st.above_slow and not st.momentum
    ):
        return "defensive"
    return "cautious"


def inverted(s: Reading) -> bool:
    """Whether the piece's close is a gauge whose rise is bad news for the reader."""
    return s["profile"]["kind"] in INVERTED_KINDS


def mood(s: Reading) -> str:
    """How a level moves, for its words: ``rising`` (``easing``) on its side of the fast average, or
    ``turning_up`` (``turning_down``) when the close just crossed back over its slow average the other way
    (``phase_turn``) while still on the far side of the fast one: ^TNX on 2025-04-08, up 28 bp in two
    sessions and back above its 200-DMA but below its 50-DMA, was not "easing" (the eighth cold read). A notable
    day (or 2-4 session span) against its side of the fast average is ``pulling_back`` (``bouncing``): ^VIX
    on 2025-04-09, down 35.8%, its largest fall in percent in the data, was not "fear is rising"; nor was a
    reversal against its side (^VIX 2022-09-28, up 7.0% intraday and closed 7.4% lower: the eleventh)."""
    above = state(s).above_fast
    turn = s.get("phase_turn")
    if turn == "up" and not above:
        return "turning_up"
    if turn == "down" and above:
        return "turning_down"
    ses = s.get("session") or {}
    move = (
        (ses.get("span") or ses.get("day") or {}).get("move")
        if ses.get("notable_span") or ses.get("notable_day")
        else None
    )
    rev = ses.get("reversal") or {}
    if not move and rev.get("kind") == "reversal":  # ^VIX 2022-09-28: up 7.0% intraday, closed 7.4% lower
        move = rev["close_move"]
    if move and (move < 0) == above:  # a notable move today against its side: ^VIX's record fall of 2025-04-09
        return "pulling_back" if above else "bouncing"
    if state(s).momentum != above:  # momentum against its side: ^TNX 2021-11-08 "momentum is down: yields are rising"
        return "rising_fading" if above else "easing_fading"
    return "rising" if above else "easing"


#: The phases a price's headline reads as a rise (the close above an average rising), and as a fall.
UP_PHASES = ("bullish", "accumulation", "recovery")
DOWN_PHASES = ("bearish", "distribution")


def day_against_phase(s: Reading) -> bool:
    """Whether the session's notable day ran against its phase (a notable fall in a rising phase, a notable
    rise in a falling one): the headline then leads with the day. HYG fell 1.6% on 2016-06-24, its largest
    fall since December 2015, under "Credit is bid"; KRE fell 7.2% under "KRE slips below its 200-DMA" (the
    ninth cold read)."""
    ses = s.get("session") or {}
    day = ses.get("day")
    if not (ses.get("notable_day") and day and day["move"]):
        return False
    return (s["phase"] in UP_PHASES and day["move"] < 0) or (s["phase"] in DOWN_PHASES and day["move"] > 0)


def call_of(s: Reading, st: CallState | None = None) -> str:
    """The call for the reader: for a gauge (a fear index, a yield) rising is bad news for its holder."""
    g = grade(st or state(s))
    if inverted(s):
        return CALLS[len(CALLS) - 1 - CALLS.index(g)]
    return g


def _after(s: Reading, price: float, side: str) -> CallState:
    """The state after a next-session close just above (``side="up"``) or below ``price``."""
    st = state(s)
    for e in s["what_would_change"]:
        hit = price > e["price"] if side == "up" else price < e["price"]
        if e["direction"] != side or not hit:
            continue
        if e["event"] == "phase":
            st = replace(st, phase=e["to"])
        elif e["event"] in FLIPS and getattr(st, FLIPS[e["event"]]) is not None:
            st = _flip(st, FLIPS[e["event"]], side == "up")
    return st


def _flip(st: CallState, name: str, up: bool) -> CallState:
    """``st`` with one of its booleans (``above_fast``, ``above_slow``, ``momentum``, ``leading``) set to ``up``."""
    if name == "above_fast":
        return replace(st, above_fast=up)
    if name == "above_slow":
        return replace(st, above_slow=up)
    if name == "momentum":
        return replace(st, momentum=up)
    return replace(st, leading=up)


def _ahead(s: Reading, side: str) -> list[SummaryDict]:
    """The solved events in ``side``'s direction, nearest first: at or beyond the close, or short of it when
    an unchanged close already flips the signal (a close on an average that moves overnight)."""
    sign = 1 if side == "up" else -1
    return sorted((e for e in s["what_would_change"] if e["direction"] == side), key=lambda e: sign * e["price"])


def triggers(s: Reading) -> dict[str, Trigger | None]:
    """For each direction, the nearest solved close that changes the call (:class:`Trigger`); ``None``
    when no solved close in that direction does (the call is then the best or worst it can be, or
    held by a signal no single close can flip)."""
    now, close = call_of(s), s["close"]
    out: dict[str, Trigger | None] = {}
    for side, sign in (("up", 1), ("down", -1)):
        ahead = _ahead(s, side)
        out[side] = None
        for p in sorted({e["price"] for e in ahead}, key=lambda p: sign * p):
            probe = p + sign * 1e-6 * max(1.0, abs(p))
            after = call_of(s, _after(s, probe, side))
            if after != now:
                flipped = tuple(e for e in ahead if sign * (probe - e["price"]) > 0)
                out[side] = Trigger(side, p, p / close - 1, after, flipped, _percentile(ahead, p), _reachable(ahead, p))
                break
    return out


def within_reach(s: Reading, price: float, move_percentile: float | None = None, reachable: bool | None = None) -> bool:
    """Whether a next-session close at ``price`` is one a session can reach: as the model decided
    (``reachable``, :mod:`analysis.model.reach`), else its move no larger than all but the largest
    :data:`REACHABLE` share of the ticker's own one-session moves (a Treasury fund's 8% is out of reach,
    crypto's 12% is not); :data:`REACH` of the close without that history."""
    if reachable is not None:
        return reachable
    if move_percentile is not None:
        return move_percentile <= REACHABLE
    return bool(abs(price / s["close"] - 1) <= REACH)


def steps(s: Reading, side: str, until: float | None) -> list[Step]:
    """The solved closes within reach in ``side``'s direction, nearest first, up to ``until`` (the
    trigger's price) or the nearest two when no close changes the call."""
    sign = 1 if side == "up" else -1
    by_price: dict[float, list[SummaryDict]] = {}
    for e in _ahead(s, side):
        if until is not None and sign * (e["price"] - until) > 0:
            break
        by_price.setdefault(round(e["price"], 6), []).append(e)
    found = [Step(p, tuple(events)) for p, events in by_price.items()]
    found = found if until is not None else found[:2]
    return [
        st
        for st in found
        if within_reach(s, st.price, st.events[0].get("move_percentile"), st.events[0].get("reachable"))
    ]


@dataclass(frozen=True)
class Call:
    """The call of a piece and what would change it, in both directions."""

    call: str
    grade: str
    state: CallState
    inverted: bool
    up: Trigger | None
    down: Trigger | None

    def trigger(self, side: str) -> Trigger | None:
        return self.up if side == "up" else self.down

    def quoted(self, s: Reading, side: str) -> Trigger | None:
        """The trigger in ``side``'s direction when a reader can act on it next session, else ``None``."""
        tr = self.trigger(side)
        return tr if tr is not None and within_reach(s, tr.price, tr.move_percentile, tr.reachable) else None

    def beyond_reach(self, s: Reading, side: str) -> Trigger | None:
        """The trigger in ``side``'s direction when it exists but no session could reach it: a level to regain."""
        tr = self.trigger(side)
        return tr if tr is not None and self.quoted(s, side) is None else None


def read(s: Reading) -> Call:
    """The :class:`Call` of a summary: its state, grade, call and triggers, decided once."""
    st = state(s)
    found = triggers(s)
    return Call(call_of(s, st), grade(st), st, inverted(s), found["up"], found["down"])
