"""The commentary piece: what each cell of ``notebooks/commentary.ipynb`` shows.

:class:`Piece` ties a study, its summary and the narrative to display objects, one method
per notebook cell, so the notebook stays a list of one-line calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis import charts, params
from analysis.data import Market
from analysis.display import FigureOutput, Html, JsonOutput, esc, paragraphs, table
from analysis.study import Settings, Study, build
from analysis.summary import summarize


def _fmt_date(iso: str | None) -> str:
    import datetime as dt

    return "n/a" if not iso else dt.date.fromisoformat(iso).strftime("%B %-d, %Y")


@dataclass
class Piece:
    """Everything one piece shows. Build it with :meth:`build`."""

    study: Study
    summary: dict
    source_note: str = ""

    @classmethod
    def build(cls, ticker: str = "IWM", benchmark: str = "SPY", as_of: str = "", source: str = "snapshot",
              level: float = 0.0, confirm_n: int = 2, source_note: str = "") -> "Piece":
        """Load data from ``source`` and compute the study and summary for the piece."""
        settings = Settings(confirm_n=params.positive_int(confirm_n, what="confirm_n"),
                            level=params.level(level) if level else None)
        market = Market(params.source(source))
        study = build(market, ticker, benchmark, as_of or None, settings)
        summary = summarize(study)
        notes = [source_note] if source_note else []
        summary["data"]["run_notes"] = notes
        return cls(study=study, summary=summary, source_note=source_note)

    # -- text -------------------------------------------------------------------------------
    def masthead(self) -> Html:
        s = self.summary
        title = f"{s['ticker']} momentum commentary"
        dateline = f"As of {_fmt_date(s['as_of'])} · {s['ticker']} vs {s['benchmark']}"
        return Html(f'<header class="masthead"><p class="kicker">Market momentum</p><h1>{esc(title)}</h1>'
                    f'<p class="dateline">{esc(dateline)}</p></header>')

    def data_note(self) -> Html:
        s, d = self.summary, self.summary["data"]
        t, b = d["ticker"], d["benchmark"]
        lines = [f"Data: {t['source_detail']}; {s['ticker']} through {t['last_date']},"
                 f" {s['benchmark']} through {b['last_date']} ({b['source']})."]
        if s["as_of_note"]:
            lines.append(s["as_of_note"])
        lines += d["run_notes"] + t["notes"] + b["notes"]
        return paragraphs(lines, cls="data-note")

    def key_figures(self) -> Html:
        s = self.summary
        rm, ld, lv = s["real_motion"], s["leadership"], s["level_to_clear"]

        def f(x, fmt="{:,.2f}"):
            return "n/a" if x is None else fmt.format(x)

        rows = [
            ("Close", f(s["close"])),
            ("50-DMA", f(s["sma50"])),
            ("200-DMA", f(s["sma200"])),
            ("Phase", f"{s['phase'] or 'n/a'} since {_fmt_date(s['phase_since'])}"),
            ("Real Motion / its 50-DMA", f"{f(rm['value'], '{:+.2f}')} / {f(rm['fast'], '{:+.2f}')}"),
            (f"Leadership vs {s['benchmark']}", f(ld["value"], "{:+.2f}")),
            ("Closes above the 50-DMA", str(s["closes_above_sma50"])),
            ("Level to clear", f(lv["price"])),
        ]
        return table(["Measure", "Value"], rows, caption=f"Key figures at the close of {_fmt_date(s['as_of'])}",
                     cls="data key-figures")

    # -- charts -----------------------------------------------------------------------------
    def chart_price(self) -> FigureOutput:
        st, s = self.study, self.summary
        fig = charts.price_chart(st.prices, st.series["sma50"], st.series["sma200"], st.series["phase"],
                                 ticker=st.ticker, level=s["level_to_clear"]["price"])
        return FigureOutput(fig, alt=f"{st.ticker} daily candlestick chart with 50- and 200-day moving averages")

    def chart_momentum(self) -> FigureOutput:
        st = self.study
        rm = st.series[["rm", "rm_fast", "rm_slow", "rm_upper", "rm_lower"]]
        rm = rm.set_axis(["rm", "fast", "slow", "upper", "lower"], axis=1)
        return FigureOutput(charts.real_motion_chart(rm, ticker=st.ticker),
                            alt=f"{st.ticker} Real Motion with its 50-DMA, 200-DMA and bands")

    def chart_leadership(self) -> FigureOutput:
        st = self.study
        lead = st.series[["lead", "lead_fast", "lead_upper", "lead_lower"]]
        lead = lead.set_axis(["lead", "fast", "upper", "lower"], axis=1)
        return FigureOutput(charts.leadership_chart(lead, ticker=st.ticker, benchmark=st.benchmark),
                            alt=f"{st.ticker} leadership versus {st.benchmark} with zero line and bands")

    def chart_performance(self) -> FigureOutput:
        st = self.study
        fig = charts.relative_performance_chart(st.series["adj_close"], st.series["bench_adj_close"],
                                                ticker=st.ticker, benchmark=st.benchmark)
        return FigureOutput(fig, alt=f"Growth of $1 in {st.ticker} and {st.benchmark}")

    # -- machine-readable -------------------------------------------------------------------
    def summary_output(self) -> JsonOutput:
        return JsonOutput(self.summary)


def required_tickers(ticker: str, benchmark: str) -> list[str]:
    """Every series a piece for ``ticker`` vs ``benchmark`` reads (prefetched under SOURCE=auto)."""
    return list(dict.fromkeys([ticker, benchmark]))
