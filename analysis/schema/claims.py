"""The shape of ``claims``: every figure of the piece's text traced to a value of the summary
(:mod:`analysis.text.claims`; ``docs/summary.md``)."""

from __future__ import annotations

from typing import TypedDict


class ClaimFigure(TypedDict):
    value: str  # the figure as printed: "0.2%", "March 18, 2024", "two"
    path: str  # where its value is in this summary: "pct_from_sma50", "pct(sma50, session.close)", "len(scenarios)"


class ClaimSentence(TypedDict):
    where: str  # the sentence's place: "brief.paragraphs[0]", "narrative.history[2]", "caption.history", "method[1]"
    sentence: str
    figures: list[ClaimFigure]  # in the order printed


class Untraced(TypedDict):
    where: str
    sentence: str
    value: str  # the figure as printed, which no value of the summary matches


class Claims(TypedDict):
    figures: int  # figures in the piece's text
    traced: int  # of them, traced to a value of the summary
    constants: dict[str, float]  # the method's constants the text states (the 90% interval ...), by name
    names: dict[str, str]  # names with a digit the text uses ("the Russell 2000 ETF"), by what they name
    sentences: list[ClaimSentence]  # every sentence with a figure, each figure with its path
    untraced: list[Untraced]  # the figures nothing matched (none in a published piece: tests/test_claims.py)
