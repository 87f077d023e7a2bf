"""``notebooks/size.ipynb``: a century of small versus big, the appendix behind the long view's size-premium chart.

Every number is :func:`analysis.model.century.century` (the piece's ``century`` block) or one of
its pure functions, on the research files public at ``as_of``; the ticker and benchmark only
name the piece this appendix belongs to (French's and Shiller's data do not depend on them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis import fmt, params
from analysis.data.monthly import Lag, ResearchData, published_by, research_source
from analysis.fmt import cell
from analysis.model import century as cy
from analysis.notebooks import file_name, stem
from analysis.params import Knobs
from analysis.view.display import FigureOutput, Html, table
from analysis.view.research.common import CHANGE_A_KNOB
from analysis.view.research.masthead import masthead


@dataclass
class SizeResearch:
    """The size notebook's cells. Build it with :meth:`build`; each method returns a display object."""

    NAME = "size"
    ticker: str
    benchmark: str
    as_of: str  # ISO date every figure is "as of"
    store: ResearchData = field(repr=False)
    months: int = cy.WINDOW
    ahead: int = cy.AHEAD
    knobs: Knobs = field(default_factory=Knobs, repr=False)  # every knob asked for (months and ahead among them)
    block: dict = field(init=False, repr=False)  # the century block (analysis.model.century.century)
    smb: pd.Series = field(init=False, repr=False)  # SMB, percent a month, public at as_of
    rolling: pd.Series = field(init=False, repr=False)

    @classmethod
    def build(
        cls,
        ticker: str = "IWM",
        benchmark: str = "SPY",
        as_of: str = "",
        source: str = "snapshot",
        **knobs: object,
    ) -> SizeResearch:
        """Validate the knobs (any of :data:`analysis.params.KNOBS`; this notebook reads ``months`` and
        ``ahead``) and read the files; ``source`` is the piece's price source (snapshot reads the
        bundled copies); ``as_of`` empty: the day the newest month of SMB became public."""
        clean = Knobs.parse(**knobs)
        store = ResearchData(research_source(params.source(source)))
        day = params.as_of(as_of) if as_of else None
        if day is None:
            last = store.frame("ff_factors_monthly").index[-1]
            day = Lag.of("ff_factors_monthly").public_from(last).date()
        return cls(
            params.ticker(ticker),
            params.benchmark(benchmark, ticker),
            day.isoformat(),
            store,
            clean.months,
            clean.ahead,
            clean,
        )

    def __post_init__(self) -> None:
        self.block = cy.century(self.as_of, self.store, months=self.months, ahead=self.ahead)
        self.smb = cy.public(self.store, "ff_factors_monthly", self.as_of)["SMB"]
        self.rolling = cy.rolling_compounded(self.smb, self.months)

    def _frame(self, name: str) -> pd.DataFrame:
        return published_by(self.store.frame(name), self.as_of)

    @property
    def _span(self) -> str:
        """``10 years`` (or ``90 months``)."""
        return f"{self.months // 12} years" if self.months % 12 == 0 else f"{self.months} months"

    @property
    def _window(self) -> str:
        """``10-year`` (or ``90-month``), as an adjective."""
        return f"{self.months // 12}-year" if self.months % 12 == 0 else f"{self.months}-month"

    # -- the cells --------------------------------------------------------------------------------
    def header(self) -> Html:
        """Title, as-of date, the files and their months, the lags, and links to the piece and the other appendices."""
        b = self.block
        dateline = (
            f"As of {fmt.date(self.as_of)} · French's data through {_month(b['size_premium_10y']['through'])}"
            f" · Shiller's through {_month(b['cape']['through'])}"
        )
        files = [
            self.store.frame(n).attrs
            for n in ("ff_factors_monthly", "six_portfolios_bm", "me_portfolios_monthly", "shiller_cape")
        ]
        notes = [
            "Data: " + "; ".join(f"{a['title']} ({a['vintage']}, {a['source']})" for a in files) + ".",
            "Lags: French's month M is used from the 15th of month M+2 (he posts about six weeks after a month"
            " ends), Shiller's once M has ended, so nothing here was unknown on the as-of date.",
            *self.store.notes,
            CHANGE_A_KNOB,
        ]
        piece = stem(self.ticker, self.benchmark, self.knobs.tag)
        changed = self.knobs.note(
            self.NAME, file_name(piece, self.NAME, ""), file_name(stem(self.ticker, self.benchmark), self.NAME, "")
        )
        return masthead(self.NAME, self.ticker, self.as_of, piece, dateline, notes, changed)

    def glance(self) -> Html:
        """The century block as the piece reads it."""
        p, v, c, a = (self.block[k] for k in ("size_premium_10y", "valuation_small_vs_big", "cape", "after_similar"))
        after = (
            a["note"]
            if a["note"]
            else f"median {fmt.pct(a['median'])}, from {fmt.pct(a['min'])} to {fmt.pct(a['max'])}"
        )
        rows = [
            (f"{self._window} size premium (SMB)", cell(p["value"], "{:+.1%}"), _month(p["through"])),
            ("share of all windows at or below it", cell(p["percentile"], "{:.1%}"), f"{p['windows']:,} windows"),
            ("small / big book-to-market", cell(v["value"], "{:.3f}"), _month(v["through"])),
            ("share of months since 1926 at or below it", cell(v["percentile"], "{:.1%}"), ""),
            ("CAPE (Shiller)", cell(c["value"], "{:.1f}"), _month(c["through"])),
            ("share of months since 1881 at or below it", cell(c["percentile"], "{:.1%}"), ""),
            (f"after similar decades (decile {a['decile']}, {a['n']} episodes)", after, ""),
        ]
        return table(
            ["Reading", "Value", "Through"],
            rows,
            cls="data glance",
            caption=f"As of {fmt.date(self.as_of)}: the piece's century block",
        )

    def growth_chart(self) -> FigureOutput:
        from analysis.view.charts.century import size_decile_growth_chart

        me = self._frame("me_portfolios_monthly")
        return FigureOutput(
            size_decile_growth_chart(me),
            alt="Growth of $1 in each NYSE size decile since 1926, log scale",
            caption="Value-weighted returns with dividends, compounded monthly; the thick lines are the"
            " smallest and the biggest tenth of stocks.",
        )

    def growth_table(self) -> Html:
        """Each size decile: growth of $1 and its annual rate, since 1926 and over the last window."""
        me = self._frame("me_portfolios_monthly")
        body = []
        for column in ("Lo 10", "Dec 2", "Dec 3", "Dec 4", "Dec 5", "Dec 6", "Dec 7", "Dec 8", "Dec 9", "Hi 10"):
            total, recent = cy.compounded(me[column]), cy.compounded(me[column].iloc[-self.months :])
            body.append(
                (
                    column,
                    f"${1 + total:,.0f}",
                    cell((1 + total) ** (12 / len(me)) - 1, "{:+.1%}"),
                    cell(recent, "{:+.1%}"),
                    cell((1 + recent) ** (12 / self.months) - 1, "{:+.1%}"),
                )
            )
        return table(
            ["Size decile", "$1 became", "a year", f"last {self._span}", "a year"],
            body,
            caption=f"{_month(str(me.index[0]))} to {_month(str(me.index[-1]))} (smallest: Lo 10; biggest: Hi 10)",
        )

    def premium_chart(self) -> FigureOutput:
        from analysis.view.charts.century import rolling_premium_chart

        today, worst = cy.decade_marks(self.rolling, months=self.months)
        fig = rolling_premium_chart(
            self.rolling, today=today, worst=worst, percentile=self.block["size_premium_10y"]["percentile"]
        )
        return FigureOutput(
            fig,
            alt=f"SMB compounded over every {self._window} window since the first full one",
            caption="Green: small beat big over the window; red: big beat small. Windows overlap,"
            " so neighbouring points share most of their months.",
        )

    def windows_table(self) -> Html:
        """The distribution of all windows: each decile's range and the number of windows in it."""
        r = self.rolling
        ranks = r.rank(method="max") / len(r)
        deciles = ranks.map(cy.decile)
        today = self.block["after_similar"]["decile"]
        body = [
            (
                f"{d}" + (" (today)" if d == today else ""),
                int((deciles == d).sum()),
                cell(r[deciles == d].min(), "{:+.1%}"),
                cell(r[deciles == d].max(), "{:+.1%}"),
            )
            for d in range(1, 11)
        ]
        return table(
            ["Decile", "Windows", "From", "To"],
            body,
            caption=f"All {len(r):,} {self._window} windows of SMB ending {_month(str(r.index[0]))} to"
            f" {_month(str(r.index[-1]))}, by decile",
        )

    def valuation_chart(self) -> FigureOutput:
        from analysis.view.charts.century import valuation_chart

        ratio = cy.valuation_ratio(self._frame("six_portfolios_bm"))
        v = self.block["valuation_small_vs_big"]
        fig = valuation_chart(ratio, today=(ratio.index[-1], v["value"]), percentile=v["percentile"])
        return FigureOutput(
            fig,
            alt="Book-to-market of small over big stocks, monthly since 1926",
            caption="The ratio steps each July, when French re-forms the portfolios on new book"
            " equity; within a year only the value weights move.",
        )

    def valuation_table(self) -> Html:
        """The ratio at *through* against its history since 1926 and since 1951 (after the 1940s' higher regime)."""
        ratio = cy.valuation_ratio(self._frame("six_portfolios_bm"))
        value = float(ratio.iloc[-1])
        rows = []
        for since in (str(ratio.index[0]), "1951-01"):
            part = ratio.loc[pd.Period(since, "M") :]
            rows.append(
                (
                    f"since {_month(since)}",
                    f"{len(part):,}",
                    cell(part.median(), "{:.3f}"),
                    cell(part.min(), "{:.3f}"),
                    cell(part.max(), "{:.3f}"),
                    cell(cy.share_at_or_below(part, value), "{:.1%}"),
                )
            )
        return table(
            ["Months", "n", "Median", "Min", "Max", f"share at or below {value:.3f}"],
            rows,
            caption=f"Small / big book-to-market at {_month(str(ratio.index[-1]))} against its history",
        )

    def forward_table(self) -> Html:
        """The similar decades and the following ``ahead`` months of SMB, with their median and range."""
        a = self.block["after_similar"]
        body = [(_month(e["end"]), cell(e["value"], "{:+.1%}"), cell(e["next_5y"], "{:+.1%}")) for e in a["episodes"]]
        body.append(
            (
                "median (range)",
                "",
                a["note"] if a["note"] else f"{fmt.pct(a['median'])} ({fmt.pct(a['min'])} to {fmt.pct(a['max'])})",
            )
        )
        return table(
            ["Decade to", f"SMB over the {self._span}", f"SMB over the next {self.ahead} months"],
            body,
            caption=f"Earlier non-overlapping {self._window} windows in decile {a['decile']}, as today's, whose next"
            f" {self.ahead} months were public by {fmt.date(self.as_of)}",
        )

    def vintage_check(self) -> Html:
        """SMB of the factor file against SMB rebuilt from the six portfolios (another vintage)."""
        six = self._frame("six_portfolios_monthly")
        rebuilt = six[list(cy.SMALL)].mean(axis=1) - six[list(cy.BIG)].mean(axis=1)
        both = pd.concat([self.smb, rebuilt], axis=1, join="inner").dropna()
        last = both.iloc[-self.months :]
        rows = [
            ("months compared", f"{len(both):,}"),
            ("correlation", cell(both.iloc[:, 0].corr(both.iloc[:, 1]), "{:.4f}")),
            (
                "mean absolute difference, points a month",
                cell((both.iloc[:, 0] - both.iloc[:, 1]).abs().mean(), "{:.3f}"),
            ),
            (
                f"{self._span} to {_month(str(last.index[-1]))}: factor file / rebuilt",
                f"{cy.compounded(last.iloc[:, 0]):+.2%} / {cy.compounded(last.iloc[:, 1]):+.2%}",
            ),
        ]
        vintages = f"{self.smb.attrs.get('vintage', '?')} factors against {six.attrs['vintage']} portfolios"
        return table(
            ["Vintage check", vintages],
            rows,
            cls="data glance",
            caption="SMB is the mean return of the three small portfolios minus that of the three big ones",
        )


def _month(iso: str) -> str:
    """``2024-04`` -> ``Apr 2024``."""
    return f"{pd.Period(iso, 'M').to_timestamp():%b %Y}"
