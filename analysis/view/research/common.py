"""What every research notebook shares: the study behind it, the span it draws, its header.

A research notebook builds one :class:`Research` subclass (``PhaseResearch.build(...)``)
from its parameters and then calls one method per cell; each method returns a display
object (:mod:`analysis.view.display`). Every notebook takes every knob of the table
(:class:`~analysis.params.Knobs`): the study's (windows, band width, confirmation count, level)
are the :class:`~analysis.model.study.Settings` of the study, so a changed window changes every
number and chart of the notebook, exactly as it would change the piece; a notebook's own knobs
(horizons, spans, rows...) fill the subclass's fields of the same name (:attr:`Research.KNOB_OF`);
the others are only recorded (the header names every knob that differs from its default, and
the file stem carries them, as the piece's does).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import pandas as pd

from analysis import fmt
from analysis.data import Market
from analysis.indicators.returns import years_before
from analysis.model.study import Study
from analysis.notebooks import file_name, stem
from analysis.params import KNOBS, Knobs, Request, Settings
from analysis.summary import build as build_summary
from analysis.view.display import Html, table
from analysis.view.research.masthead import masthead

#: How an appendix says where its knobs are changed.
CHANGE_A_KNOB = (
    "To change a knob: make research FAST=20 (or any knob of make help) publishes files named after it"
    " (IWM_fast20_...) beside the default ones; to experiment, make lab opens working copies in"
    " notebooks/scratch/: edit the parameters cell, run all cells."
)

#: How each knob of :class:`~analysis.model.study.Settings` reads in a header.
KNOB_WORDS = {
    "fast": lambda s: f"fast average {s.fast} sessions",
    "slow": lambda s: f"slow average {s.slow} sessions",
    "band_width": lambda s: f"bands ±{s.band_width:g}σ over {s.fast} sessions",
    "confirm_n": lambda s: f"confirmation {s.confirm_n} closes",
    "level_window": lambda s: f"level window {s.level_window} sessions",
    "level": lambda s: f"level {s.level:,.2f} (given)" if s.level else "level: the highest close of that window",
}


@dataclass
class Research:
    """A study, its summary and what of it a research notebook shows. Build it with :meth:`build`."""

    #: The notebook (``notebooks/<NAME>.ipynb``) this class serves, and the knobs its header lists.
    NAME: ClassVar[str] = ""
    KNOBS: ClassVar[tuple[str, ...]] = ()
    #: The knob each field of a subclass takes when it is not named like the knob (``years`` of
    #: the Real Motion notebook is ``rm_years``).
    KNOB_OF: ClassVar[dict[str, str]] = {}
    #: The parts of :func:`analysis.summary.build` the notebook reads.
    PARTS: ClassVar[tuple[str, ...]] = ("facts",)

    study: Study
    summary: dict
    years: int = 10  # years of history drawn (0: all of it)
    rows: int = 10  # rows in the recent-values tables
    market: Market | None = field(default=None, repr=False)  # where the data came from (other tickers load from it)
    request: Request | None = field(default=None, repr=False)  # what was asked for, every knob included

    @classmethod
    def build(
        cls,
        ticker: str = "IWM",
        benchmark: str = "SPY",
        as_of: str = "",
        source: str = "snapshot",
        *,
        market: Market | None = None,
        **knobs: Any,
    ) -> Research:
        """Validate ``knobs`` (any knob of :data:`analysis.params.KNOBS` by name; one left out is
        at its default), load ``source`` and compute the study; the subclass's fields named like
        a knob (or mapped in :attr:`KNOB_OF`) take its value."""
        request = Request.parse(ticker, benchmark, as_of, source, **knobs)
        model = build_summary(request, market, parts=cls.PARTS)
        return cls(
            study=model.study, summary=model.data, market=model.market, request=request, **cls.own(request.knobs)
        )

    @classmethod
    def own(cls, knobs: Knobs) -> dict[str, Any]:
        """The fields of this class that knobs fill: ``{field: value}``."""
        names = {p.name for p in KNOBS}
        out = {}
        for f in fields(cls):
            knob = cls.KNOB_OF.get(f.name, f.name)
            if f.init and knob in names:
                out[f.name] = getattr(knobs, knob)
        return out

    # -- what the subclasses read -------------------------------------------------------------
    @property
    def series(self) -> pd.DataFrame:
        """Every indicator series of the study (all sessions up to as-of)."""
        return self.study.series

    @property
    def settings(self) -> Settings:
        return self.study.settings

    @property
    def window(self) -> pd.DataFrame:
        """The rows of :attr:`series` drawn: the last :attr:`years` years (all of them for 0)."""
        s = self.series
        if not self.years:
            return s
        return s.loc[s.index > years_before(s.index[-1], self.years)]

    @property
    def knobs(self) -> Knobs:
        """Every knob this notebook was run with."""
        return self.request.knobs if self.request is not None else Knobs()

    @property
    def stem(self) -> str:
        """The piece's file stem (``IWM``, ``IWM_fast20``): this appendix is ``<stem>_<NAME>``."""
        return stem(self.study.ticker, self.study.benchmark, self.knobs.tag)

    def recent_table(self, columns: list[tuple[str, str, str]], caption: str) -> Html:
        """The last :attr:`rows` sessions, newest first: ``columns`` are ``(header, column, format)``."""
        last = self.series.iloc[::-1].iloc[: self.rows]
        body = [
            [f"{day:%Y-%m-%d}"] + [fmt.cell(row[col], spec) for _, col, spec in columns] for day, row in last.iterrows()
        ]
        return table(["Session"] + [h for h, _, _ in columns], body, caption=caption)

    # -- the header every research notebook opens with -----------------------------------------
    def header(self) -> Html:
        """Title, as-of date, data, the knobs used, and links to the piece and the other research notebooks."""
        s = self.summary
        data = s["data"]
        dateline = (
            f"As of {fmt.date(s['as_of'])} · {s['ticker']} vs {s['benchmark']} · {data['sessions']:,}"
            f" common sessions from {fmt.date(data['first_session'])}"
        )
        drawn = (
            f"all {data['sessions']:,} sessions"
            if not self.years
            else "the last year"
            if self.years == 1
            else f"the last {self.years} years"
        )
        knobs = [KNOB_WORDS[k](self.settings) for k in self.KNOBS]
        notes = [
            f"Knobs: {'; '.join(knobs)}. Charts draw {drawn}; tables list the last {self.rows} rows."
            if knobs
            else f"Charts draw {drawn}; tables list the last {self.rows} rows.",
            f"Data: {data['ticker']['source_detail']}." + (f" {s['as_of_note']}" if s["as_of_note"] else ""),
            CHANGE_A_KNOB,
        ]
        changed = self.knobs.note(
            self.NAME, file_name(self.stem, self.NAME, ""), file_name(self.default_stem, self.NAME, "")
        )
        return masthead(self.NAME, s["ticker"], s["as_of"], self.stem, dateline, notes, changed)

    @property
    def default_stem(self) -> str:
        return stem(self.study.ticker, self.study.benchmark)
