"""``notebooks/leadership.ipynb``: Leadership against the benchmark, its zero and band crossings marked."""

from __future__ import annotations

from dataclasses import dataclass

from analysis import fmt
from analysis.model import signals as sig
from analysis.view.charts import style
from analysis.view.display import FigureOutput, Html, table
from analysis.view.research.common import Research

#: Colour and marker of each Leadership signal, in :func:`analysis.model.signals.leadership_signals` order.
LOOK = ((style.UP, "^"), (style.DOWN, "v"), (style.UP, "D"), (style.DOWN, "D"))


@dataclass
class LeadershipResearch(Research):
    """The Leadership notebook's cells."""

    NAME = "leadership"
    KNOBS = ("fast", "slow", "band_width")

    def state(self) -> Html:
        """Leadership at as-of against zero, its average and band, and when it last crossed them."""
        s, ld, f = self.summary, self.summary["leadership"], self.settings.fast
        rows = [
            (f"Leadership vs {s['benchmark']}", fmt.cell(ld["value"], "{:+.2f}")),
            (f"its {f}-DMA", fmt.cell(ld["fast"], "{:+.2f}")),
            ("band (lower / upper)", f"{fmt.cell(ld['lower'], '{:+.2f}')} / {fmt.cell(ld['upper'], '{:+.2f}')}"),
            (f"ratio {s['ticker']} / {s['benchmark']}", fmt.cell(ld["ratio"], "{:.4f}")),
            ("above zero (leading)", f"{fmt.cell(ld['above_zero'])} ({ld['streak_vs_zero']} sessions)"),
            ("last above zero", fmt.cell(ld["last_above_zero"], "{}")),
            ("last below zero", fmt.cell(ld["last_below_zero"], "{}")),
            ("last above its upper band", fmt.cell(ld["last_above_upper"], "{}")),
        ]
        return table([f"{s['ticker']} leadership", fmt.date(s["as_of"])], rows, cls="data glance")

    def chart(self) -> FigureOutput:
        """Leadership, its fast average and band over the drawn span, zero and band crossings marked."""
        from analysis.view.charts.research import signal_history_chart

        w, st, t, b = self.window, self.settings, self.study.ticker, self.study.benchmark
        marks = [
            (label, sig.dates(mask), *look)
            for (label, mask), look in zip(sig.leadership_signals(self.series).items(), LOOK)
        ]
        fig = signal_history_chart(
            w["lead"],
            w["lead_fast"],
            w["lead_upper"],
            w["lead_lower"],
            marks=marks,
            title=f"{t} leadership vs {b}",
            subtitle=f"100 × ({t}/{b} / its {st.slow}-session average − 1); above zero: leading",
            ylabel=f"% vs {st.slow}-day norm",
            value_label=f"Leadership vs {b}",
            line_label=f"its {st.fast}-DMA",
            band_label=f"band: {st.fast}-day ±{st.band_width:g}σ",
            zero_label="zero: in line with its norm",
        )
        return FigureOutput(
            fig,
            alt=f"{t} Leadership versus {b} with zero line, band and crossings",
            caption="Triangles: crossing zero (up green, down red); diamonds: crossing the upper"
            " band upward (green) or the lower band downward (red).",
        )

    def signals(self) -> Html:
        """The last :attr:`rows` crossings, newest first, with Leadership and its band that session."""
        log = sig.fired(sig.leadership_signals(self.series)).iloc[::-1].iloc[: self.rows]
        s = self.series
        body = [
            (
                fmt.cell(r.date),
                r.signal,
                fmt.cell(s.at[r.date, "lead"], "{:+.2f}"),
                f"{fmt.cell(s.at[r.date, 'lead_lower'], '{:+.2f}')} / {fmt.cell(s.at[r.date, 'lead_upper'], '{:+.2f}')}",
            )
            for r in log.itertuples()
        ]
        return table(
            ["Session", "Signal", "Leadership", "band"], body, caption=f"The last {len(body)} Leadership crossings"
        )

    def recent(self) -> Html:
        return self.recent_table(
            [
                ("Ratio", "rs", "{:.4f}"),
                ("Leadership", "lead", "{:+.2f}"),
                (f"its {self.settings.fast}-DMA", "lead_fast", "{:+.2f}"),
                ("lower band", "lead_lower", "{:+.2f}"),
                ("upper band", "lead_upper", "{:+.2f}"),
            ],
            caption="Recent sessions, newest first",
        )
