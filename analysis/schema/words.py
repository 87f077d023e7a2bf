"""The summary's words: the narrative's sections and page one's brief. :mod:`analysis.schema`
assembles the parts into the :class:`~analysis.schema.Summary`."""

from __future__ import annotations

from typing import TypedDict

from analysis.schema.evidence import Date


class Narrative(TypedDict):
    bottom_line: list[str]
    price_and_phase: list[str]
    momentum: list[str]
    leadership: list[str]
    needs: list[str]
    performance: list[str]
    century: list[str]
    economy: list[str]
    scenarios: list[str]
    family: list[str]
    history: list[str]
    caveats: list[str]
    track_record: list[str]  # "How this call has done" (analysis/text/track_words.py)


class BriefLevel(TypedDict):
    price: float
    text: str  # the price as the piece quotes it
    what: str  # the kind of level in words: "a swing low", "the 50-DMA"
    date: Date | None  # when it was set (None for an average)


class CallChange(TypedDict):
    direction: str  # up | down
    price: float  # next session's close that changes the call (solved exactly)
    distance_pct: float  # fraction from the last close
    call: str  # the call it changes to
    move_percentile: float | None  # share of the ticker's one-session moves smaller than the move to it
    reachable: bool | None  # whether a session can carry the ticker there (analysis/model/reach.py)


class Brief(TypedDict):
    call: str  # constructive | cautious | defensive (for a fear gauge or a yield: for stocks / bond holders)
    call_label: str  # the call as page one heads it: "Cautious", "Defensive for stocks"
    call_reason: str  # why, as a sentence of its own
    call_sentence: str  # the two in one sentence: "<call_label>: <reason>."
    would_change: list[CallChange]
    change_sentences: list[str]  # up, then down
    track_line: str  # how calls like today's have done, in one line ("" without a record)
    lead: str  # the day when it is notable, then the most unusual fact, in a sentence each ("" when neither)
    session_line: str  # the day in one sentence, beside the levels, when it is not in the lead ("" then)
    paragraphs: list[str]  # price, momentum, leadership
    scenario_line: str
    since_last: list[str]  # the top two changes since the last piece (the top one when the column is full)
    levels: dict[str, list[BriefLevel]]  # resistance, support
    compact: bool  # page one is long: set compact when printed (text.brief.COMPACT_WORDS)
