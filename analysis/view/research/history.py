"""``notebooks/history.ipynb``: the event study of the piece's triggers, with its own horizons and knobs.

The same :func:`analysis.model.events.event_study` the piece's "What history says" section
reads, on a study built with the notebook's knobs, so a changed window, confirmation count
or horizon shows its effect on every trigger's record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis import fmt, params
from analysis.errors import InputError
from analysis.model import events as history
from analysis.model import signals as sig
from analysis.text import event_words
from analysis.view.display import FigureOutput, Html, table
from analysis.view.research.common import Research


def parse_horizons(text: str | tuple[int, ...]) -> tuple[int, ...]:
    """``"5 20 60"`` or ``"5,20,60"`` -> ``(5, 20, 60)``: whole numbers of sessions >= 1, duplicates dropped."""
    items = text.replace(",", " ").split() if isinstance(text, str) else list(text)
    if not items:
        raise InputError("horizons is empty.", "Give sessions ahead, e.g. horizons 5 20 60.")
    return tuple(dict.fromkeys(params.positive_int(h, what="a horizon") for h in items))


@dataclass
class HistoryResearch(Research):
    """The event-study notebook's cells.

    ``horizons``: sessions ahead to measure (``"5 20 60"``); ``horizon``: the one charted
    (added to ``horizons`` if missing); ``min_n``: fewer counted occurrences are "too few".
    """

    NAME = "history"
    KNOBS = ("fast", "slow", "confirm_n", "level_window")
    horizons: str | tuple[int, ...] = (5, 20, 60)
    horizon: int = 20
    min_n: int = 10
    events: list[dict] = field(init=False, repr=False)  # analysis.model.events.event_study's list
    fired: dict = field(init=False, repr=False)  # trigger id -> sessions it fired on

    def __post_init__(self) -> None:
        self.horizon = params.positive_int(self.horizon, what="horizon")
        self.horizons = tuple(dict.fromkeys(parse_horizons(self.horizons) + (self.horizon,)))
        self.min_n = params.positive_int(self.min_n, what="min_n")
        st = self.settings
        self.events = event_words.labelled(
            history.event_study(
                self.series,
                horizons=self.horizons,
                min_n=self.min_n,
                confirm_n=st.confirm_n,
                level_window=st.level_window,
            ),
            confirm_n=st.confirm_n,
            level_window=st.level_window,
            fast=st.fast,
        )
        self.fired = history.occurrences(self.series, confirm_n=st.confirm_n, level_window=st.level_window)

    def _labels(self) -> dict[str, str]:
        return {item["id"]: item["trigger"] for item in self.events}

    def table(self) -> Html:
        """Each trigger's record: last fired, then per horizon the median return, share positive and n."""

        def text(h: dict) -> str:
            if not h["n"]:
                return "none complete"
            return f"{fmt.pct(h['median'])} · {h['hit_rate']:.0%} · n {h['n']}" + (" (too few)" if h["too_few"] else "")

        rows, classes = [], []
        for item in self.events:
            rows.append(
                (
                    item["trigger"],
                    item["occurrences"],
                    fmt.cell(item["last_occurrence"], "{}"),
                    *(text(item["horizons"][str(h)]) for h in self.horizons),
                )
            )
            classes.append("unavailable" if item["horizons"][str(self.horizon)]["too_few"] else item["direction"])
        base = self.events[0]["horizons"]
        rows.append(
            (
                "Any session (baseline)",
                base[str(self.horizons[0])]["baseline_n"],
                "",
                *(
                    "n/a"
                    if base[str(h)]["baseline_median"] is None
                    else f"{fmt.pct(base[str(h)]['baseline_median'])} · {base[str(h)]['baseline_hit_rate']:.0%}"
                    for h in self.horizons
                ),
            )
        )
        classes.append("baseline")
        return table(
            ["Trigger", "Occurrences", "Last fired", *(f"{h} sessions" for h in self.horizons)],
            rows,
            row_classes=classes,
            cls="data history",
            caption=f"Median total return after the trigger · share positive · n (non-overlapping, complete"
            f" windows; fewer than {self.min_n} is too few to read)",
        )

    def chart(self) -> FigureOutput:
        """Each trigger's median return :attr:`horizon` sessions later against the baseline (the piece's chart)."""
        from analysis.view.charts.events import history_chart

        fig = history_chart(self.events, ticker=self.study.ticker, horizon=str(self.horizon))
        return FigureOutput(
            fig,
            alt=f"{self.study.ticker}: median {self.horizon}-session return after each trigger against the baseline",
        )

    def chart_occurrences(self) -> FigureOutput:
        """When each trigger fired over the drawn span, one row per trigger under the close."""
        from analysis.view.charts.research import occurrences_chart

        labels = self._labels()
        directions = {item["trigger"]: item["direction"] for item in self.events}
        fig = occurrences_chart(
            self.window["close"], {labels[k]: v for k, v in self.fired.items()}, directions, ticker=self.study.ticker
        )
        return FigureOutput(fig, alt=f"{self.study.ticker}: the sessions each trigger fired on")

    def recent(self) -> Html:
        """The last :attr:`rows` trigger sessions, newest first, with the returns that followed (if complete)."""
        labels = self._labels()
        index = self.series.index
        log = sig.fired({labels[k]: pd.Series(index.isin(v), index=index) for k, v in self.fired.items()})
        log = log.iloc[::-1].iloc[: self.rows]
        fwd = {h: history.forward_return(self.series["adj_close"], h) for h in self.horizons}
        body = [
            (fmt.cell(r.date), r.signal, *(fmt.cell(fwd[h].at[r.date], "{:+.2%}") for h in self.horizons))
            for r in log.itertuples()
        ]
        return table(
            ["Session", "Trigger", *(f"next {h} sessions" for h in self.horizons)],
            body,
            caption=f"The last {len(body)} trigger sessions (n/a: the window is not complete at as-of)",
        )
