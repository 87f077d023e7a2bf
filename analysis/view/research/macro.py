"""``notebooks/macro.ipynb``: the economy behind the talking points, as a reader at as-of had it.

Every FRED series the piece reads, public by the as-of date (:func:`analysis.model.macro.public`),
with NBER recessions shaded (dated in hindsight); the small-cap/large-cap ratio (IWM/SPY)
against the 10-year minus 3-month curve; and the event study of "the curve un-inverts"
against the ticker's forward returns (:func:`analysis.model.macro_events.uninversion_study`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis import fmt, params
from analysis.data.fred import Macro
from analysis.indicators.returns import years_before
from analysis.model import macro, macro_events
from analysis.view.display import FigureOutput, Html, table
from analysis.view.research.common import Research
from analysis.view.research.history import parse_horizons

#: What each series is, for the history panels: id -> (title, unit, reference line).
HISTORY = {
    "T10Y3M": ("10-year minus 3-month Treasury", "percentage points", 0.0),
    "T10Y2Y": ("10-year minus 2-year Treasury", "percentage points", 0.0),
    "DGS10": ("10-year Treasury yield", "percent", None),
    "BAMLH0A0HYM2": ("High-yield spread (option-adjusted)", "percentage points", None),
    "ICSA": ("Initial claims, 4-week average", "thousands a week", None),
    "UNRATE": ("Unemployment rate", "percent", None),
    "SAHMREALTIME": ("Real-time Sahm rule", "percentage points (0.5 = trigger)", 0.5),
    "NFCI": ("Chicago Fed NFCI", "index (above 0 = tighter than average)", 0.0),
}
#: The small-cap/large-cap pair drawn against the curve.
PAIR = ("IWM", "SPY")


@dataclass
class MacroResearch(Research):
    """The macro notebook's cells. ``min_months``: inverted months before an un-inversion counts;
    ``horizons``: sessions ahead of the event study; ``min_n``: fewer events are "too few"."""

    NAME = "macro"
    KNOBS = ()
    KNOB_OF = {"horizons": "macro_horizons"}
    min_months: int = 3
    horizons: str | tuple[int, ...] = (20, 60, 120)
    min_n: int = 10
    store: Macro = field(init=False, repr=False)
    as_of: str = field(init=False)

    def __post_init__(self) -> None:
        self.min_months = params.positive_int(self.min_months, what="min_months")
        self.horizons = parse_horizons(self.horizons)
        self.min_n = params.positive_int(self.min_n, what="min_n")
        self.store = Macro.for_prices(self.market.source if self.market else "snapshot")
        self.as_of = self.summary["as_of"]

    def public(self, series_id: str) -> pd.Series:
        """``series_id`` as public at as-of (all of its history up to then)."""
        return macro.public(self.store, series_id, self.as_of)

    def _drawn(self, values: pd.Series) -> pd.Series:
        if not self.years:
            return values
        return values.loc[values.index > years_before(pd.Timestamp(self.as_of), self.years)]

    # -- the cells ------------------------------------------------------------------------------
    def readings(self) -> Html:
        """Each series' newest public value, its date and when it became public."""
        got = macro.readings(self.store, self.as_of)
        formats = {"ICSA": "{:,.0f}", "NFCI": "{:+.3f}"}
        body = [
            (
                sid,
                r["title"],
                fmt.cell(r["value"], formats.get(sid, "{:,.2f}")),
                fmt.cell(r["date"], "{}"),
                fmt.cell(r["known_since"], "{}"),
                r["stale_reason"] or ("stale" if r["stale"] else "current"),
            )
            for sid, r in got.items()
        ]
        notes = self.store.notes()
        return table(
            ["FRED id", "Series", "Value", "Observation", "Public since", "State"],
            body,
            caption=f"What a reader had on {fmt.date(self.as_of)}: the newest observation public by then"
            + (f". {' '.join(notes)}." if notes else ""),
        )

    def measures(self) -> Html:
        """The measures the evidence reads, with their values at as-of."""
        m = macro.measures(self.store, self.as_of)
        c, cr, cl, s, n = m["curve"], m["credit"], m["claims"], m["sahm"], m["nfci"]
        last = c["last_uninversion"]
        rows = [
            (
                "10y − 3m curve",
                fmt.cell(c["value"], "{:+.2f}") + " pp",
                c["date"],
                f"{'inverted' if c['inverted'] else 'not inverted'}; {c['months_inverted']} of the last {c['window_months']}"
                f" months inverted"
                + (f"; last un-inverted {last['date']} after {last['run_months']} months" if last else ""),
            ),
            (
                "High-yield spread",
                fmt.cell(cr["value"], "{:.2f}") + " pp",
                cr["date"],
                f"3-month change {fmt.cell(cr['change'], '{:+.2f}')} pp (from {cr['change_from']})",
            ),
            (
                "Initial claims, 4-week average",
                fmt.cell(cl["avg"], "{:,.0f}"),
                cl["date"],
                f"{fmt.cell(cl['pct_above_low'], '{:+.1%}')} against its 52-week low {fmt.cell(cl['low'], '{:,.0f}')} ({cl['low_date']})",
            ),
            (
                "Real-time Sahm rule",
                fmt.cell(s["value"], "{:.2f}"),
                s["date"],
                f"3-month change {fmt.cell(s['change'], '{:+.2f}')}; {'at or above' if s['triggered'] else 'below'} the 0.5 trigger",
            ),
            (
                "NFCI",
                fmt.cell(n["value"], "{:+.3f}"),
                n["date"],
                "tighter than average" if n["tighter"] else "looser than average",
            ),
        ]
        return table(
            ["Measure", "Value", "Observation", "Reading"],
            rows,
            caption="Formulas: analysis/macro.py (docs/macro.md). pp = percentage points.",
        )

    def chart(self) -> FigureOutput:
        """The piece's small multiples over the drawn span, recessions shaded."""
        from analysis.view.charts.macro import macro_chart

        claims = self.public("ICSA").rolling(4).mean().dropna()
        series = {
            "curve": self._drawn(self.public("T10Y3M")),
            "credit": self._drawn(self.public("BAMLH0A0HYM2")),
            "claims": self._drawn(claims),
            "sahm": self._drawn(self.public("SAHMREALTIME")),
        }
        fig = macro_chart(
            series, macro.recessions(self.store), unemployment=self._drawn(self.public("UNRATE")), as_of=self.as_of
        )
        return FigureOutput(fig, alt="The curve, credit, claims and the Sahm rule with recessions shaded")

    def chart_history(self) -> FigureOutput:
        """Every series over all of its public history, recessions shaded."""
        from analysis.view.charts.macro import history_chart

        panels = {}
        for sid, (title, unit, line) in HISTORY.items():
            values = self.public(sid)
            if sid == "ICSA":
                values = values.rolling(4).mean().dropna() / 1000.0
            panels[sid] = (values, title, unit, line)
        fig = history_chart(panels, macro.recessions(self.store))
        return FigureOutput(fig, alt="Each FRED series over its whole history, NBER recessions shaded")

    def ratio(self) -> pd.Series:
        """IWM/SPY total-return ratio (adjusted closes) over their common sessions up to as-of."""
        small, large = (self.market.prices(t)["adj_close"].loc[: self.as_of] for t in PAIR)
        common = small.index.intersection(large.index)
        return (small[common] / large[common]).rename("IWM/SPY")

    def chart_ratio(self) -> FigureOutput:
        """The small-cap/large-cap ratio against the curve, un-inversions marked."""
        from analysis.view.charts.macro import ratio_chart

        curve = self.public("T10Y3M")
        ratio = self.ratio()
        curve = curve.loc[curve.index >= ratio.index[0]]
        events = macro.uninversions(curve, self.min_months)
        fig = ratio_chart(self._drawn(ratio), self._drawn(curve), macro.recessions(self.store), list(events.index))
        return FigureOutput(fig, alt="IWM/SPY against the 10-year minus 3-month curve")

    def events(self) -> Html:
        """Each un-inversion up to as-of, and the ticker's total return 20/60/120 sessions after it became public."""
        study, baseline = macro_events.uninversion_study(
            self.public("T10Y3M"), self.series["adj_close"], horizons=self.horizons, min_months=self.min_months
        )
        body = [
            (
                fmt.cell(day),
                f"{fmt.cell(r.run_start)} ({r.run_months} months)",
                fmt.cell(r.known_since),
                fmt.cell(r.entry),
                *(fmt.cell(getattr(r, f"fwd{h}"), "{:+.1%}") for h in self.horizons),
            )
            for day, r in study.iterrows()
        ]
        body.append(
            (
                "Any session (baseline)",
                "",
                "",
                "",
                *(
                    f"{fmt.cell(baseline[h]['median'], '{:+.1%}')} · {fmt.cell(baseline[h]['hit_rate'], '{:.0%}')}"
                    for h in self.horizons
                ),
            )
        )
        few = len(study) < self.min_n
        return table(
            [
                "Un-inverted",
                "Inverted from",
                "Public",
                f"{self.study.ticker} entry",
                *(f"next {h} sessions" for h in self.horizons),
            ],
            body,
            row_classes=[""] * len(study) + ["baseline"],
            caption=f"{len(study)} un-inversion(s) after at least {self.min_months} inverted months in"
            f" {self.study.ticker}'s history"
            + (f": too few to read (fewer than {self.min_n})" if few else "")
            + "; n/a: the window is not complete at as-of. Baseline: median · share positive.",
        )
