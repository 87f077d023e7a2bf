"""``notebooks/triggers.ipynb``: the piece's price triggers marked on the close, and relative performance by span."""

from __future__ import annotations

from dataclasses import dataclass

from analysis import fmt, params
from analysis.model import signals as sig
from analysis.view.charts import style
from analysis.view.display import FigureOutput, Html, table
from analysis.view.research.common import Research

#: Colour and marker of each trigger, in :func:`analysis.model.signals.trigger_signals` order.
LOOK = ((style.UP, "^"), (style.DOWN, "v"), (style.LEVEL, "D"))


@dataclass
class TriggersResearch(Research):
    """The triggers notebook's cells; ``growth_years``: the span of the growth-of-$1 chart (0: all)."""

    NAME = "triggers"
    KNOBS = ("fast", "confirm_n", "level_window", "level")
    KNOB_OF = {"years": "trigger_years"}
    growth_years: int = 10

    def __post_init__(self) -> None:
        self.growth_years = params.positive_int(self.growth_years, what="growth_years", minimum=0)

    def _signals(self) -> dict:
        st = self.settings
        return sig.trigger_signals(
            self.series, fast=st.fast, confirm_n=st.confirm_n, level_window=st.level_window, level=st.level
        )

    def state(self) -> Html:
        """Closes above the fast average, the confirmation, and the level to clear at as-of."""
        s, st = self.summary, self.settings
        conf, lv = s["confirmation"], s["level_to_clear"]
        origin = f"highest close of the last {lv['window']} sessions, set {lv['date']}" if lv["date"] else "given"
        rows = [
            ("Close", fmt.cell(s["close"])),
            (f"{st.fast}-DMA", fmt.cell(s["sma50"])),
            (f"closes in a row above the {st.fast}-DMA", f"{conf['closes_above_sma50']} (needs {conf['n']})"),
            ("confirmed", fmt.cell(conf["confirmed"])),
            (f"last run of {conf['n']} closes above completed", fmt.cell(conf["last_completed"], "{}")),
            ("level to clear", f"{fmt.cell(lv['price'])} ({origin})"),
            ("distance to the level", fmt.cell(lv["distance"], "{:+.2%}")),
        ]
        return table([f"{s['ticker']} triggers", fmt.date(s["as_of"])], rows, cls="data glance")

    def chart(self) -> FigureOutput:
        """The close and its fast average over the drawn span, each trigger marked, the level to clear."""
        from analysis.view.charts.research import triggers_chart

        w, st, lv = self.window, self.settings, self.summary["level_to_clear"]
        marks = [(label, sig.dates(mask), *look) for (label, mask), look in zip(self._signals().items(), LOOK)]
        fig = triggers_chart(
            w["close"],
            w["sma_fast"],
            marks=marks,
            ticker=self.study.ticker,
            line_label=f"{st.fast}-DMA",
            level=lv["price"],
            level_label="level to clear" if lv["date"] else "given level",
        )
        return FigureOutput(
            fig,
            alt=f"{self.study.ticker} close with its {st.fast}-DMA, triggers marked and the level to clear",
            caption="Green: a run of closes above the average completed; red: below; violet: a close"
            " through the level. Dashed: today's level to clear.",
        )

    def signals(self) -> Html:
        """The last :attr:`rows` trigger sessions, newest first, with the close and the fast average."""
        log = sig.fired(self._signals()).iloc[::-1].iloc[: self.rows]
        s = self.series
        body = [
            (fmt.cell(r.date), r.signal, fmt.cell(s.at[r.date, "close"]), fmt.cell(s.at[r.date, "sma_fast"]))
            for r in log.itertuples()
        ]
        return table(
            ["Session", "Trigger", "Close", f"{self.settings.fast}-DMA"],
            body,
            caption=f"The last {len(body)} trigger sessions",
        )

    def recent(self) -> Html:
        """The last :attr:`rows` sessions: close, fast average, closes in a row above it, the level to clear."""
        st = self.settings
        s = self.series.assign(level=sig.level_line(self.series["close"], st.level_window))
        last = s.iloc[::-1].iloc[: self.rows]
        body = [
            (f"{d:%Y-%m-%d}", fmt.cell(r.close), fmt.cell(r.sma_fast), int(r.closes_above), fmt.cell(r.level))
            for d, r in last.iterrows()
        ]
        return table(
            ["Session", "Close", f"{st.fast}-DMA", "Closes above it", f"{st.level_window}-session high"],
            body,
            caption="Recent sessions, newest first",
        )

    # -- relative performance -----------------------------------------------------------------
    def returns(self) -> Html:
        """Total return of ticker and benchmark over 1 month to 10 years (dividends reinvested)."""
        t, b = self.study.ticker, self.study.benchmark
        r = sig.span_returns(self.series["adj_close"], self.series["bench_adj_close"])
        body = [
            (
                span,
                fmt.cell(x.ticker, "{:+.1%}"),
                fmt.cell(x.benchmark, "{:+.1%}"),
                fmt.cell(100 * x.difference, "{:+.1f} pts"),
                fmt.cell(x.start),
            )
            for span, x in zip(r.index, r.itertuples())
        ]
        return table(
            ["Span", t, b, "Difference", "From"],
            body,
            caption=f"Total return to {fmt.date(self.summary['as_of'])}, dividends reinvested",
        )

    def chart_returns(self) -> FigureOutput:
        from analysis.view.charts.research import span_returns_chart

        t, b = self.study.ticker, self.study.benchmark
        r = sig.span_returns(self.series["adj_close"], self.series["bench_adj_close"])
        return FigureOutput(
            span_returns_chart(r, ticker=t, benchmark=b), alt=f"Total return of {t} and {b} over each span"
        )

    def chart_growth(self) -> FigureOutput:
        """Growth of $1 over the drawn span and the ratio (the piece's long-view chart, same function)."""
        from analysis.view import charts

        t, b = self.study.ticker, self.study.benchmark
        years = self.growth_years or int((self.series.index[-1] - self.series.index[0]).days / 365.25) + 1
        fig = charts.relative_performance_chart(
            self.series["adj_close"], self.series["bench_adj_close"], ticker=t, benchmark=b, years=years
        )
        return FigureOutput(fig, alt=f"Growth of $1 in {t} and {b} over {years} years, and their ratio")
