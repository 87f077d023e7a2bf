"""``notebooks/real_motion.ipynb``: Real Motion over a long history, its crossings and band re-entries marked."""

from __future__ import annotations

from dataclasses import dataclass

from analysis import fmt
from analysis.model import signals as sig
from analysis.view.charts import style
from analysis.view.display import FigureOutput, Html, table
from analysis.view.research.common import Research

#: Colour and marker of each Real Motion signal, in :func:`analysis.model.signals.real_motion_signals` order.
LOOK = ((style.UP, "^"), (style.DOWN, "v"), (style.UP, "D"), (style.DOWN, "D"))


@dataclass
class RealMotionResearch(Research):
    """The Real Motion notebook's cells."""

    NAME = "real_motion"
    KNOBS = ("fast", "slow", "band_width")
    KNOB_OF = {"years": "rm_years"}

    def _signals(self) -> dict:
        return sig.real_motion_signals(self.series, self.settings.fast)

    def state(self) -> Html:
        """Real Motion at as-of against its averages and band, and when its signals last fired."""
        s, rm, f = self.summary, self.summary["real_motion"], self.settings.fast
        rev = rm["mean_reversion"]
        rows = [
            ("Real Motion", fmt.cell(rm["value"], "{:+.2f}")),
            (
                f"its {f}-DMA / {self.settings.slow}-DMA",
                f"{fmt.cell(rm['fast'], '{:+.2f}')} / {fmt.cell(rm['slow'], '{:+.2f}')}",
            ),
            ("band (lower / upper)", f"{fmt.cell(rm['lower'], '{:+.2f}')} / {fmt.cell(rm['upper'], '{:+.2f}')}"),
            (f"above its {f}-DMA", f"{fmt.cell(rm['above_fast'])} ({rm['streak']} sessions)"),
            (f"last above its {f}-DMA", fmt.cell(rm["last_above_fast"], "{}")),
            (f"last below its {f}-DMA", fmt.cell(rm["last_below_fast"], "{}")),
            ("position in the band", rm["band_position"] or "n/a"),
            ("divergence from price", fmt.cell(rm["divergence"])),
            (
                "last back inside the band",
                f"{rev['date']} (from {'below' if rev['direction'] == 'up' else 'above'})" if rev else "never",
            ),
        ]
        return table([f"{s['ticker']} Real Motion", fmt.date(s["as_of"])], rows, cls="data glance")

    def chart(self) -> FigureOutput:
        """Real Motion, its averages and band over the drawn span, each signal marked."""
        from analysis.view.charts.research import signal_history_chart

        w, st, f = self.window, self.settings, self.settings.fast
        marks = [(label, sig.dates(mask), *look) for (label, mask), look in zip(self._signals().items(), LOOK)]
        fig = signal_history_chart(
            w["rm"],
            w["rm_fast"],
            w["rm_upper"],
            w["rm_lower"],
            marks=marks,
            slow=w["rm_slow"],
            title=f"{self.study.ticker} Real Motion",
            subtitle=f"100 × (close / {st.slow}-DMA − 1); its {f}-DMA, {st.slow}-DMA and ±{st.band_width:g}σ band",
            ylabel=f"% from {st.slow}-DMA",
            value_label="Real Motion",
            line_label=f"its {f}-DMA",
            slow_label=f"its {st.slow}-DMA",
            band_label=f"band: {f}-day ±{st.band_width:g}σ",
        )
        return FigureOutput(
            fig,
            alt=f"{self.study.ticker} Real Motion with its averages, band and signals",
            caption="Triangles: Real Motion crossing its fast average (up green, down red);"
            " diamonds: back inside the band (green from below, red from above).",
        )

    def signals(self) -> Html:
        """The last :attr:`rows` signals, newest first, with Real Motion and its fast average that session."""
        log = sig.fired(self._signals()).iloc[::-1].iloc[: self.rows]
        s = self.series
        body = [
            (
                fmt.cell(r.date),
                r.signal,
                fmt.cell(s.at[r.date, "rm"], "{:+.2f}"),
                fmt.cell(s.at[r.date, "rm_fast"], "{:+.2f}"),
            )
            for r in log.itertuples()
        ]
        return table(
            ["Session", "Signal", "Real Motion", f"its {self.settings.fast}-DMA"],
            body,
            caption=f"The last {len(body)} Real Motion signals",
        )

    def recent(self) -> Html:
        f = self.settings.fast
        return self.recent_table(
            [
                ("Close", "close", "{:,.2f}"),
                ("Real Motion", "rm", "{:+.2f}"),
                (f"its {f}-DMA", "rm_fast", "{:+.2f}"),
                (f"its {self.settings.slow}-DMA", "rm_slow", "{:+.2f}"),
                ("lower band", "rm_lower", "{:+.2f}"),
                ("upper band", "rm_upper", "{:+.2f}"),
            ],
            caption="Recent sessions, newest first",
        )
