"""The charts of the piece that need only its study and facts: page one's chart and the growth of $1.

They are drawn from what :func:`analysis.summary.build` has once the study and its facts exist, so
the piece can fork their drawing mid-build (:data:`analysis.view.piece.EARLY`); the summary given
may be that early one (unworded facts) or the finished one: the charts read the same keys.
"""

from __future__ import annotations

from analysis.model.study import Study
from analysis.text import profile_words as pw
from analysis.text.measure_words import MEASURES
from analysis.view.display import FigureOutput, Html


def brief(st: Study, s: dict) -> FigureOutput:
    """The combined daily chart: candles, averages and volume; Real Motion; Leadership; one time axis."""
    from analysis.view.charts.brief import brief_chart

    lv = s["level_to_clear"]
    shown = s["profile"]["leadership"] != "hidden"
    fig = brief_chart(
        st.prices,
        st.series,
        ticker=st.ticker,
        benchmark=st.benchmark,
        settings=st.settings,
        level=lv["price"],
        level_label="level to clear" if lv["origin"] == "computed" else "given level",
        volume=s["profile"]["volume"],
        leadership=shown,
        ylabel=MEASURES[s["profile"]["returns"]].close,
        extra=pw.units_of(s).extra,
    )
    return FigureOutput(
        fig,
        alt=f"{st.ticker} daily candlesticks with its {st.settings.fast}- and {st.settings.slow}-DMA, Real Motion"
        + (f" and Leadership versus {st.benchmark}" if shown else ""),
    )


def growth(st: Study, s: dict) -> FigureOutput | Html:
    """The growth of $1 in the ticker and its benchmark over the longest of 10, 5, 3 and 1 years both
    have, and their ratio ('' for a level nobody holds)."""
    from analysis.view import charts

    if not s["profile"]["holdable"] and pw.is_level(s):
        return Html("")  # a level nobody holds has no growth of $1
    rp = s["relative_performance"]
    years = next(
        (
            int(k[:-1])
            for k in ("10y", "5y", "3y", "1y")
            if rp[k]["ticker"] is not None and rp[k]["benchmark"] is not None
        ),
        1,
    )
    column = "adj_close" if s["profile"]["total_return"] else "close"
    fig = charts.relative_performance_chart(
        st.series[column],
        st.series["bench_adj_close"],
        years=years,
        ticker=st.ticker,
        benchmark=st.benchmark,
        total_return=s["profile"]["total_return"],
    )
    return FigureOutput(fig, alt=f"Growth of $1 in {st.ticker} and {st.benchmark}, and their ratio")
