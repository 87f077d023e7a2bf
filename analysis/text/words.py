"""The words of a piece, written from its frozen reading in one pass.

:func:`word` is the text stage of :func:`analysis.summary.build`: it takes the reading (the
model's parts, frozen by :func:`analysis.model.reading.freeze`) and returns the JSON summary,
that reading with its words: the event study's trigger names, the family's summary line, each
since-last change's sentence, then the headline, the narrative and page one's brief, each
written from the reading as worded so far. Nothing here edits the reading: each step makes a
new, frozen object, and a phrasebook reads only what it is given.
"""

from __future__ import annotations

from collections.abc import Collection

from analysis.model.reading import freeze
from analysis.model.types import Reading
from analysis.text import brief, event_words, narrative, since_words
from analysis.text.headline import headline
from analysis.text.scenario_words import family_summary


def word(reading: Reading, parts: Collection[str], *, confirm_n: int, level_window: int, fast: int) -> Reading:
    """``reading`` with the words of the ``parts`` it holds (``words`` adds the headline, narrative and brief)."""
    named: dict[str, object] = {}
    if "history" in reading:
        knobs = {"confirm_n": confirm_n, "level_window": level_window, "fast": fast}
        named["history"] = event_words.labelled(reading["history"], **knobs)
        named["history_state"] = event_words.labelled_state(reading["history_state"], fast=fast)
    if "family" in reading:
        named["family"] = {**reading["family"], "summary": family_summary(reading["family"])}
    out: Reading = freeze({**reading, **named})
    if "since_last" in out:
        out = freeze({**out, "since_last": since_words.worded(out)})
    if "words" not in parts:
        return out
    out = freeze({**out, "headline": headline(out), "narrative": narrative.sections(out)})
    worded: Reading = freeze({**out, "brief": brief.brief(out)})
    return worded
