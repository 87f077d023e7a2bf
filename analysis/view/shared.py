"""The charts that are the same for every ticker at one date: the economy, the Modern Family and the
century of small versus big.

Each is drawn once for its inputs and kept on disk (:func:`analysis.view.charts.memo.cached` with
``disk=True``, keyed on everything it draws and on the drawing code), so a second piece at the same
date, every batch worker and every test read the finished PNG. :class:`analysis.view.piece.Piece`
shows them; nothing here depends on the piece's ticker.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.data.fred import Macro
from analysis.view.charts import memo
from analysis.view.display import FigureOutput, Html

#: The FRED series the economy's chart reads.
ECONOMY_IDS = ("T10Y3M", "BAMLH0A0HYM2", "ICSA", "SAHMREALTIME", "UNRATE")


def economy_chart(store: Macro | None, as_of: str) -> FigureOutput | Html:
    """Curve, credit, claims and the Sahm rule over five years, as public at ``as_of``, recessions shaded."""
    from analysis.model import macro
    from analysis.view.charts.macro import macro_chart

    if store is None:
        return Html("")
    start = pd.Timestamp(as_of) - pd.DateOffset(years=5)
    public = {sid: macro.public(store, sid, as_of) for sid in ECONOMY_IDS}
    series = {
        "curve": public["T10Y3M"],
        "credit": public["BAMLH0A0HYM2"],
        "claims": public["ICSA"].rolling(4).mean().dropna(),
        "sahm": public["SAHMREALTIME"],
    }
    series = {k: v.loc[v.index > start] for k, v in series.items()}
    if any(v.empty for v in series.values()):
        return Html("")
    recessions, unemployment = macro.recessions(store), public["UNRATE"].loc[lambda v: v.index > start]

    def draw() -> FigureOutput:
        return FigureOutput(
            macro_chart(series, recessions, unemployment=unemployment, as_of=as_of),
            alt="The yield curve, the high-yield spread, initial claims and the Sahm rule",
            caption="FRED series as published by the piece's date; grey bands: NBER recessions,"
            " dated in hindsight (not known at the time).",
        )

    spans = [[str(a), str(b)] for a, b in recessions]
    return memo.cached("economy_chart", (series, unemployment, spans, as_of), draw, disk=True)


def family_chart(family: Mapping[str, Any], series: dict[str, pd.DataFrame]) -> FigureOutput:
    """The family's small multiples: each member's last year of closes with its averages."""
    from analysis.view.charts.scenarios import family_chart as draw_family

    alt = "The Economic Modern Family: each member's last year of closes with its 50- and 200-DMA"
    return memo.cached(
        "family_chart", (family, series, alt), lambda: FigureOutput(draw_family(family, series), alt=alt), disk=True
    )


def century_chart(summary: Mapping[str, Any]) -> FigureOutput | Html:
    """Small minus big compounded over every ten-year window since 1936, today's marked (small-cap pieces)."""
    from analysis.model import century
    from analysis.view.charts.century import rolling_premium_chart

    c = summary.get("century") or {}
    if not c.get("available"):
        return Html("")
    rolling = century.premium_history(summary["as_of"])
    percentile = c["size_premium_10y"]["percentile"]

    def draw() -> FigureOutput:
        today, worst = century.decade_marks(rolling)
        return FigureOutput(
            rolling_premium_chart(rolling, today=today, worst=worst, percentile=percentile),
            alt="Small minus big, compounded over every ten-year window since 1936, today's marked",
            caption="Kenneth French's SMB factor; only months public at the piece's date.",
        )

    return memo.cached("century_chart", (rolling, percentile), draw, disk=True)
