"""Long-run relative performance: growth of $1 for ticker and benchmark, and their ratio."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from analysis.indicators.returns import years_before
from analysis.view.charts import margins, style


def relative_performance_chart(
    adj_close: pd.Series,
    bench_adj_close: pd.Series,
    *,
    ticker: str,
    benchmark: str,
    years: int = 10,
    total_return: bool = True,
) -> Figure:
    """Growth of $1 (log scale) over the last ``years`` and the ratio; ``total_return=False``
    when the ticker's series is a price return (an index, crypto): the title says so.

    Both inputs are adjusted closes on one index; the chart starts at the last session on or
    before ``last date - years`` (or the first session, when history is shorter).
    """
    start_target = years_before(adj_close.index[-1], years)
    start = adj_close.index[max(adj_close.index.searchsorted(start_target, side="right") - 1, 0)]
    a = adj_close.loc[start:] / adj_close.loc[start]
    b = (bench_adj_close.loc[start:] / bench_adj_close.loc[start]).ffill()
    ratio = a / b
    span_years = (a.index[-1] - a.index[0]).days / 365.25
    # each series as datetime64 and floats: matplotlib looks at a DatetimeIndex's first value by iterating
    # it, which makes pandas box up to 10,000 Timestamps per call (about 30 ms for ten years, per fill)
    (a_x, a_y), (b_x, b_y), (r_x, r_y) = ((s.index.to_numpy(), s.to_numpy()) for s in (a, b, ratio))
    with style.styled():
        fig, (top, bottom) = style.new_figure(3.9, rows=2, ratios=[2.2, 1], layout=None)
        top.plot(a_x, a_y, color=style.TICKER, lw=1.3, label=f"{ticker}  {a.iloc[-1] - 1:+,.1%}")
        top.plot(b_x, b_y, color=style.BENCH, lw=1.3, label=f"{benchmark}  {b.iloc[-1] - 1:+,.1%}")
        top.set_yscale("log")
        top.yaxis.set_major_locator(style.RoundLogLocator())
        top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:,.2f}" if v < 10 else f"${v:,.0f}"))
        top.yaxis.set_minor_formatter(NullFormatter())
        top.set_ylabel("growth of $1 (log)")
        top.legend(loc="upper left")
        bottom.plot(r_x, r_y, color=style.FAST, lw=1.2)
        bottom.axhline(1.0, color=style.MUTED, lw=0.8)
        bottom.fill_between(r_x, r_y, 1.0, where=r_y < 1, color=style.DOWN, alpha=0.12, lw=0)
        bottom.fill_between(r_x, r_y, 1.0, where=r_y >= 1, color=style.UP, alpha=0.12, lw=0)
        bottom.set_ylabel(f"{ticker} / {benchmark}")
        style.date_axis(bottom, (a.index[-1] - a.index[0]).days)
        bottom.margins(x=0.01)
        basis = "total return" if total_return else f"{ticker} price return, {benchmark} total return"
        style.title(
            top,
            f"{ticker} vs {benchmark}: {span_years:.0f} years of {basis}",
            f"Growth of $1 from {start:%d %b %Y}"
            + (", dividends reinvested" if total_return else "")
            + "; below: the ratio (1 = in line)",
        )
        margins.fit(fig, hgap=0.14)
    return fig
