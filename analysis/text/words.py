"""The words of a piece, written from its frozen reading in one pass, by a phrasebook.

:func:`word` is the text stage of :func:`analysis.summary.build`: it takes the reading (the
model's parts, frozen by :func:`analysis.model.reading.freeze`) and returns the JSON summary,
that reading with its words: the event study's trigger names, the family's summary line, each
since-last change's sentence, then the headline, the narrative and page one's brief, each
written from the reading as worded so far; last, the claims: every figure of that text traced to
the value it states (:mod:`analysis.text.claims`). Nothing here edits the reading: each step
makes a new, frozen object, and a phrasebook reads only what it is given.

The words come from a :class:`Phrasebook`, looked up by language in :data:`PHRASEBOOKS`. The
model's decisions hold no English, so a new language is one more phrasebook registered with
:func:`register` (``tests/test_reading.py`` registers a toy one); English is the one shipped.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from analysis.errors import InputError
from analysis.model.reading import freeze
from analysis.model.types import Reading, SummaryDict
from analysis.text import brief, claims, event_words, narrative, since_words, track_words
from analysis.text.headline import headline
from analysis.text.scenario_words import family_summary


@dataclass(frozen=True)
class Phrasebook:
    """Everything a piece says in one language, as functions of the reading (or a part of it)."""

    #: the event study's items, each with its ``trigger`` name (``confirm_n``, ``level_window``, ``fast``)
    triggers: Callable[[Sequence[Reading], int, int, int], list[SummaryDict]]
    #: the state study with its ``label`` (``fast``)
    state: Callable[[Reading | None, int], SummaryDict | None]
    #: the Economic Modern Family in a sentence or two
    family: Callable[[Reading], str]
    #: ``since_last`` with each change's ``text``
    changes: Callable[[Reading], SummaryDict]
    #: the title
    headline: Callable[[Reading], str]
    #: the evidence sections' text (``narrative``)
    narrative: Callable[[Reading], SummaryDict]
    #: page one (``brief``)
    brief: Callable[[Reading], SummaryDict]


ENGLISH = Phrasebook(
    triggers=lambda items, confirm_n, level_window, fast: event_words.labelled(
        items, confirm_n=confirm_n, level_window=level_window, fast=fast
    ),
    state=lambda state, fast: event_words.labelled_state(state, fast=fast),
    family=family_summary,
    changes=since_words.worded,
    headline=headline,
    narrative=lambda s: {
        **narrative.sections(s),
        **({"track_record": track_words.section(s)} if "track_record" in s else {}),
    },
    brief=brief.brief,
)

#: The phrasebooks by language: one entry each; the pieces are written in ``"en"``.
PHRASEBOOKS: dict[str, Phrasebook] = {"en": ENGLISH}


def register(language: str, book: Phrasebook) -> None:
    """Make ``book`` the phrasebook of ``language`` (``word(..., language=language)``)."""
    PHRASEBOOKS[language] = book


def phrasebook(language: str) -> Phrasebook:
    """The phrasebook of ``language``; an :class:`~analysis.errors.InputError` naming the known ones."""
    if language not in PHRASEBOOKS:
        raise InputError(
            f"no phrasebook for the language {language!r};", f"use one of {', '.join(sorted(PHRASEBOOKS))}."
        )
    return PHRASEBOOKS[language]


def word(
    reading: Reading,
    parts: Collection[str],
    *,
    confirm_n: int,
    level_window: int,
    fast: int,
    language: str = "en",
) -> Reading:
    """``reading`` with the words of the ``parts`` it holds (``words`` adds the headline, narrative and brief)."""
    book = phrasebook(language)
    named: SummaryDict = {}
    if "history" in reading:
        named["history"] = book.triggers(reading["history"], confirm_n, level_window, fast)
        named["history_state"] = book.state(reading["history_state"], fast)
    if "family" in reading:
        named["family"] = {**reading["family"], "summary": book.family(reading["family"])}
    out: Reading = freeze({**reading, **named})
    if "since_last" in out:
        out = freeze({**out, "since_last": book.changes(out)})
    if "words" not in parts:
        return out
    out = freeze({**out, "headline": book.headline(out), "narrative": book.narrative(out)})
    out = freeze({**out, "brief": book.brief(out)})
    worded: Reading = freeze({**out, "claims": claims.claims(out)})  # every figure of the text, traced
    return worded
