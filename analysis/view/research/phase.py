"""``notebooks/phase.ipynb``: the phase of every session, from price against its two averages."""

from __future__ import annotations

from dataclasses import dataclass

from analysis import fmt, params
from analysis.model import signals as sig
from analysis.view.display import FigureOutput, Html, table
from analysis.view.research.common import Research


@dataclass
class PhaseResearch(Research):
    """The phase notebook's cells. ``horizon``: sessions ahead in :meth:`stats`."""

    NAME = "phase"
    KNOBS = ("fast", "slow")
    horizon: int = 20

    def __post_init__(self) -> None:
        self.horizon = params.positive_int(self.horizon, what="horizon")

    @property
    def _fast(self) -> str:
        return f"{self.settings.fast}-DMA"

    @property
    def _slow(self) -> str:
        return f"{self.settings.slow}-DMA"

    def state(self) -> Html:
        """The phase at as-of, since when, the previous phase and the numbers that decide it."""
        s = self.summary
        rows = [
            ("Phase", s["phase"] or "n/a"),
            ("Since", f"{fmt.date(s['phase_since'])} ({s['phase_sessions']} sessions)" if s["phase_since"] else "n/a"),
            ("Previous phase", s["phase_previous"] or "n/a"),
            ("Close", fmt.cell(s["close"])),
            (self._fast, fmt.cell(s["sma50"])),
            (self._slow, fmt.cell(s["sma200"])),
            (
                f"Close vs {self._fast} / {self._slow}",
                f"{fmt.cell(s['pct_from_sma50'], '{:+.2%}')} / {fmt.cell(s['pct_from_sma200'], '{:+.2%}')}",
            ),
            (f"{self._fast} above {self._slow}", fmt.cell(s["sma50_above_sma200"])),
            (
                f"{self._fast} / {self._slow} rising over 20 sessions",
                f"{fmt.cell(s['sma50_rising'])} / {fmt.cell(s['sma200_rising'])}",
            ),
        ]
        return table([f"{s['ticker']} at the close", fmt.date(s["as_of"])], rows, cls="data glance")

    def chart(self) -> FigureOutput:
        """Close, both averages and the phase ribbon over the drawn span."""
        from analysis.view.charts.research import phase_history_chart

        w = self.window
        fig = phase_history_chart(
            w["close"],
            w["sma_fast"],
            w["sma_slow"],
            w["phase"],
            ticker=self.study.ticker,
            fast_label=self._fast,
            slow_label=self._slow,
        )
        return FigureOutput(
            fig,
            alt=f"{self.study.ticker} close with its {self._fast} and {self._slow} and a ribbon of phases",
            caption="Green bullish, amber warning, orange distribution, red bearish, blue recovery,"
            " violet accumulation. A change of colour is a change of phase.",
        )

    def runs(self) -> Html:
        """The last :attr:`rows` runs of one phase, newest first, with the close's change over each."""
        runs = sig.phase_runs(self.series).iloc[::-1].iloc[: self.rows]
        body = [
            (r.phase, fmt.cell(r.start), fmt.cell(r.end), r.sessions, fmt.cell(r.change, "{:+.1%}"))
            for r in runs.itertuples()
        ]
        return table(
            ["Phase", "From", "To", "Sessions", "Close change"],
            body,
            caption=f"The last {len(body)} phase runs (change from the close before the run began)",
        )

    def stats(self) -> Html:
        """Time spent in each phase over the whole history and the return :attr:`horizon` sessions later."""
        st = sig.phase_stats(self.series, self.horizon)
        body = [
            (
                r.Index,
                f"{int(r.sessions):,}",
                fmt.cell(r.share, "{:.0%}"),
                fmt.cell(r.median, "{:+.2%}"),
                fmt.cell(r.hit_rate, "{:.0%}"),
            )
            for r in st.itertuples()
        ]
        return table(
            ["Phase", "Sessions", "Share", f"Median {self.horizon}-session return", "Share positive"],
            body,
            caption=f"Every session since {fmt.date(self.summary['data']['first_session'])}"
            " (windows overlap: a description of the past, not a forecast)",
        )

    def recent(self) -> Html:
        """The last :attr:`rows` sessions: close, both averages, phase."""
        return self.recent_table(
            [
                ("Close", "close", "{:,.2f}"),
                (self._fast, "sma_fast", "{:,.2f}"),
                (self._slow, "sma_slow", "{:,.2f}"),
                ("Phase", "phase", "{}"),
            ],
            caption="Recent sessions, newest first",
        )
