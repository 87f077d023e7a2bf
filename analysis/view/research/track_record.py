"""``notebooks/track_record.ipynb``: how the call has done, over the whole record, with its own knobs.

The same :func:`analysis.model.track_record.record` the piece's "How this call has done" reads,
on a study built with the notebook's windows and at its horizons, so a changed average shows
its effect on every call's record; then the record year by year and the call's latest changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis import fmt, params
from analysis.model import track_history, track_record
from analysis.model.call import CALLS
from analysis.text import track_words
from analysis.view import track
from analysis.view.display import FigureOutput, Html, paragraphs, table
from analysis.view.research.common import Research
from analysis.view.research.history import parse_horizons


@dataclass
class TrackRecordResearch(Research):
    """The track-record notebook's cells. ``horizons``: sessions ahead to measure (``"20 60"``);
    ``min_n``: fewer counted windows are "too few"."""

    NAME = "track_record"
    KNOBS = ("fast", "slow", "band_width")
    KNOB_OF = {"horizons": "track_horizons", "years": "track_years"}
    horizons: str | tuple[int, ...] = (20, 60)
    min_n: int = 10
    years: int = 0  # years of history the chart draws (0: the whole record)
    record: dict = field(init=False, repr=False)  # analysis.model.track_record.record's dict

    def __post_init__(self) -> None:
        self.horizons = parse_horizons(self.horizons)
        self.min_n = params.positive_int(self.min_n, what="min_n")
        p = self.summary["profile"]
        self.record = track_record.record(
            self.series,
            kind=p["kind"],
            returns=p["returns"],
            leadership=p["leadership"],
            ticker=self.study.ticker,
            benchmark=self.study.benchmark,
            year=p["year"],
            horizons=self.horizons,
            min_n=self.min_n,
        )

    @property
    def _s(self) -> dict:
        """The facts summary with the record, as the phrasebook reads a piece's."""
        return {**self.summary, "track_record": self.record}

    @property
    def _knobs(self) -> dict:
        p = self.summary["profile"]
        return {"kind": p["kind"], "returns": p["returns"], "leadership": p["leadership"]}

    def verdict(self) -> Html:
        """The piece's words on the record: what was replayed, each horizon, the reader's rule, the verdict."""
        paras = track_words.section(self._s)
        return paragraphs(paras) + (
            paragraphs([track_words.method(self.record)]) if self.record.get("available") else Html("")
        )

    def tables(self) -> Html:
        """Per horizon: each call's counted windows, any session's, and the simple rule's two states."""
        return track.tables(self._s)

    def chart(self) -> FigureOutput | Html:
        """The graded close shaded by the call (the whole record, or the last :attr:`years`), and the distributions."""
        return track.chart(self._s, self.study, years=self.years)

    def by_year(self) -> Html:
        """Year by year: the share of each call, how often it changed, and the graded series' move."""
        tr, u = self.record, track_words.units_of(self.record)
        if not tr.get("available"):
            return Html("")
        years = track_history.yearly(self.series, **self._knobs)
        body = [
            (
                str(year),
                f"{int(row['sessions']):,}",
                *(f"{row[c]:.0%}" for c in reversed(CALLS)),
                f"{int(row['changes']):,}",
                u.move(row["move"], short=True),
            )
            for year, row in years.iloc[::-1].iterrows()
        ]
        return table(
            ["Year", "Sessions", *(c.capitalize() for c in reversed(CALLS)), "Changes", f"{tr['graded_symbol']} move"],
            body,
            caption=f"The call year by year, newest first ({track_words.measured(self._s, tr, 'year').split(' ', 1)[1]})",
        )

    def changes(self) -> Html:
        """The last :attr:`rows` changes of the call, newest first, with the graded move that followed."""
        tr, u = self.record, track_words.units_of(self.record)
        if not tr.get("available"):
            return Html("")
        h = self.horizons[0]
        log = track_history.changes(self.series, **self._knobs, h=h).iloc[::-1].iloc[: self.rows]
        body = [
            (
                fmt.cell(day),
                f"{r['from']} \u2192 {r['to']}",
                "open" if r["move"] != r["move"] else u.move(r["move"], short=True),
            )
            for day, r in log.iterrows()
        ]
        return table(
            ["Session", "Call", f"next {h} sessions"],
            body,
            caption=f"The last {len(body)} changes of the call (open: the window is not complete at as-of)",
        )
