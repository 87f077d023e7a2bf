"""``notebooks/phase.ipynb``: the phase of every session, from price against its two averages."""

from __future__ import annotations

from dataclasses import dataclass

from analysis import narrative, params
from analysis.display import FigureOutput, Html, table
from analysis.research import signals as sig
from analysis.research.common import Research, cell


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
            ("Since", f"{narrative.date(s['phase_since'])} ({s['phase_sessions']} sessions)" if s["phase_since"] else "n/a"),
            ("Previous phase", s["phase_previous"] or "n/a"),
            ("Close", cell(s["close"])),
            (self._fast, cell(s["sma50"])),
            (self._slow, cell(s["sma200"])),
            (f"Close vs {self._fast} / {self._slow}", f"{cell(s['pct_from_sma50'], '{:+.2%}')} / {cell(s['pct_from_sma200'], '{:+.2%}')}"),
            (f"{self._fast} above {self._slow}", cell(s["sma50_above_sma200"])),
            (f"{self._fast} / {self._slow} rising over 20 sessions", f"{cell(s['sma50_rising'])} / {cell(s['sma200_rising'])}"),
        ]
        return table([f"{s['ticker']} at the close", narrative.date(s["as_of"])], rows, cls="data glance")

    def chart(self) -> FigureOutput:
        """Close, both averages and the phase ribbon over the drawn span."""
        from analysis.charts.research import phase_history_chart

        w = self.window
        fig = phase_history_chart(w["close"], w["sma50"], w["sma200"], w["phase"], ticker=self.study.ticker,
                                  fast_label=self._fast, slow_label=self._slow)
        return FigureOutput(fig, alt=f"{self.study.ticker} close with its {self._fast} and {self._slow} and a ribbon of phases",
                            caption="Green bullish, amber warning, orange distribution, red bearish, blue recovery,"
                                    " violet accumulation. A change of colour is a change of phase.")

    def runs(self) -> Html:
        """The last :attr:`rows` runs of one phase, newest first, with the close's change over each."""
        runs = sig.phase_runs(self.series).iloc[::-1].iloc[: self.rows]
        body = [(r.phase, cell(r.start), cell(r.end), r.sessions, cell(r.change, "{:+.1%}")) for r in runs.itertuples()]
        return table(["Phase", "From", "To", "Sessions", "Close change"], body,
                     caption=f"The last {len(body)} phase runs (change from the close before the run began)")

    def stats(self) -> Html:
        """Time spent in each phase over the whole history and the return :attr:`horizon` sessions later."""
        st = sig.phase_stats(self.series, self.horizon)
        body = [(r.Index, f"{int(r.sessions):,}", cell(r.share, "{:.0%}"), cell(r.median, "{:+.2%}"), cell(r.hit_rate, "{:.0%}"))
                for r in st.itertuples()]
        return table(["Phase", "Sessions", "Share", f"Median {self.horizon}-session return", "Share positive"], body,
                     caption=f"Every session since {narrative.date(self.summary['data']['first_session'])}"
                             " (windows overlap: a description of the past, not a forecast)")

    def recent(self) -> Html:
        """The last :attr:`rows` sessions: close, both averages, phase."""
        return self.recent_table([("Close", "close", "{:,.2f}"), (self._fast, "sma50", "{:,.2f}"),
                                  (self._slow, "sma200", "{:,.2f}"), ("Phase", "phase", "{}")],
                                 caption="Recent sessions, newest first")
