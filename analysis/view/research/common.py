"""What every research notebook shares: the study behind it, the span it draws, its header.

A research notebook builds one :class:`Research` subclass (``PhaseResearch.build(...)``)
from its parameters and then calls one method per cell; each method returns a display
object (:mod:`analysis.view.display`). The knobs (windows, band width, confirmation count, level)
are the :class:`~analysis.model.study.Settings` of the study, so a changed window changes every
number and chart of the notebook, exactly as it would change the piece.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import pandas as pd

from analysis import fmt, params
from analysis.data import Market
from analysis.model.study import Study
from analysis.notebooks import stem
from analysis.params import Request, Settings
from analysis.summary import build as build_summary
from analysis.view.display import Html, table
from analysis.view.research.masthead import masthead

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

    study: Study
    summary: dict
    years: int = 10  # years of history drawn (0: all of it)
    rows: int = 10  # rows in the recent-values tables
    market: Market | None = field(default=None, repr=False)  # where the data came from (other tickers load from it)

    @classmethod
    def build(
        cls,
        ticker: str = "IWM",
        benchmark: str = "SPY",
        as_of: str = "",
        source: str = "snapshot",
        *,
        fast: int = 50,
        slow: int = 200,
        band_width: float = 2.0,
        confirm_n: int = 2,
        level_window: int = 22,
        level: float = 0.0,
        years: int = 10,
        rows: int = 10,
        market: Market | None = None,
        **options,
    ) -> Research:
        """Validate the knobs, load ``source`` and compute the study; ``options`` are the subclass's own fields."""
        settings = Settings.parse(
            fast=fast, slow=slow, band_width=band_width, confirm_n=confirm_n, level_window=level_window, level=level
        )
        request = Request.parse(ticker, benchmark, as_of, source, None, confirm_n)
        model = build_summary(request, market, settings=settings, parts=("facts",))
        return cls(
            study=model.study,
            summary=model.data,
            years=params.BY_NAME["years"].validate(years),
            rows=params.BY_NAME["rows"].validate(rows),
            market=model.market,
            **options,
        )

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
        return s.loc[s.index > s.index[-1] - pd.DateOffset(years=self.years)]

    @property
    def stem(self) -> str:
        return stem(self.study.ticker, self.study.benchmark)

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
            "To change a knob: make lab, open this notebook, edit its parameters cell, run all cells.",
        ]
        return masthead(self.NAME, s["ticker"], s["as_of"], self.stem, dateline, notes)
