"""The piece's "How this call has done": its tables and its chart, from the summary's ``track_record``.

The numbers are :mod:`analysis.model.track_record`'s, the words :mod:`analysis.text.track_words`';
the chart's series are replayed from the study (the same rule, the same counted windows).
"""

from __future__ import annotations

import pandas as pd

from analysis import fmt
from analysis.indicators.returns import years_before
from analysis.model import track_history, track_replay
from analysis.model.call import CALLS
from analysis.model.study import Study
from analysis.model.types import SummaryDict
from analysis.model.units import Units
from analysis.text import track_words
from analysis.text.measure_words import MEASURES
from analysis.view.display import FigureOutput, Html, table

DASH = "\u2014"
#: Row class of each call (the left border of its row).
ROW_CLASS = {"constructive": "bullish", "defensive": "bearish", "cautious": ""}


def _cells(u: Units, b: SummaryDict, sessions: str) -> tuple[str, ...]:
    """One row's cells after its label: sessions, n, median, middle half, hit rate, dip, edge, interval, reading."""
    if not b["n"]:
        return (sessions, "0", DASH, DASH, DASH, DASH, DASH, DASH, "none complete")
    move = lambda x: DASH if x is None else u.move(x, short=True)  # noqa: E731
    edged = b.get("edge") is not None
    return (
        sessions,
        f"{b['n']:,}",
        move(b["median"]),
        f"{move(b['q1'])} to {move(b['q3'])}",
        f"{b['hit_rate']:.0%}",
        move(b["drawdown"]),
        u.signed_edge(b["edge"]) if edged else "",
        u.interval(b["edge_low"], b["edge_high"], unit=False) if edged else "",
        track_words.reading(b, short=True) if "verdict" in b else "",
    )


def horizon_table(s: SummaryDict, h: str) -> Html:
    """Each call's counted windows at ``h`` sessions, any session's, and the simple rule's two states."""
    tr = s["track_record"]
    u = track_words.units_of(tr)
    rows, classes = [], []
    for call in reversed(CALLS):
        st = tr["states"][call]
        rows.append((call.capitalize(), *_cells(u, st["horizons"][h], f"{st['sessions']:,}")))
        classes.append(ROW_CLASS[call])
    rows.append(("Any session", *_cells(u, tr["baseline"][h], f"{tr['sessions']:,}")))
    classes.append("baseline")
    for state in ("in", "out"):
        st = tr["simple_rule"]["states"][state]
        rows.append((track_words.rule_label(s, state), *_cells(u, st["horizons"][h], f"{st['sessions']:,}")))
        classes.append("rule" if state == "in" else "")
    return table(track_words.header(s), rows, caption=track_words.caption(s, h), row_classes=classes, cls="data track")


def tables(s: SummaryDict) -> Html:
    """One table per horizon of the record ('' without a record)."""
    tr = s.get("track_record") or {}
    if not tr.get("available"):
        return Html("")
    out = Html("")
    for h in tr["horizons"]:
        out += horizon_table(s, str(h))
    return out


def chart(s: SummaryDict, study: Study, years: int = 0) -> FigureOutput | Html:
    """The graded close shaded by the call over the record (its last ``years`` years; 0: all of it),
    and the distributions after each call."""
    from analysis.view.charts.track import track_chart

    tr = s.get("track_record") or {}
    if not tr.get("available"):
        return Html("")
    p = s["profile"]
    knobs = {"kind": p["kind"], "returns": p["returns"], "leadership": p["leadership"]}
    g = track_replay.grading(p["kind"], p["returns"])
    calls = track_replay.replay(study.series, p["kind"], p["leadership"])
    start = pd.Timestamp(tr["first_session"])
    if years:
        start = max(start, years_before(study.series.index[-1], years))
    close = track_replay.graded(study.series, g)["close"].loc[start:]
    samples = {h: track_history.samples(study.series, **knobs, h=h) for h in tr["horizons"]}
    fig = track_chart(
        close,
        calls.loc[start:],
        samples,
        ticker=s["ticker"],
        graded=tr["graded_symbol"],
        units=track_words.units_of(tr),
        log=g.on != "yield",
        ylabel=MEASURES["basis_points" if g.on == "yield" else "total"].close,
        xlabels={h: track_words.measured(s, tr, str(h)) for h in tr["horizons"]},
    )
    return FigureOutput(
        fig,
        alt=f"{tr['graded_symbol']} since {fmt.date(close.index[0].date().isoformat())} shaded by {s['ticker']}'s call, and the"
        " moves that followed each call",
        caption=track_words.chart_caption(s),
    )
