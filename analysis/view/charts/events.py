"""What history says: each trigger's median forward return against the baseline, one horizon."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from analysis import fmt
from analysis.errors import InputError
from analysis.view.charts import style

#: Bar colour of a trigger whose ``n`` is below the study's ``min_n``.
TOO_FEW = "#d1d5db"


def history_chart(history: list[dict], *, ticker: str, horizon: str = "20") -> Figure:
    """Horizontal bars: each trigger's median ``horizon``-session return, the baseline as a line.

    ``history`` is :func:`analysis.model.events.event_study`'s list. One bar per trigger with at
    least one counted occurrence (green bullish, red bearish, grey when ``too_few``); each
    row is annotated with ``n`` and the hit rate; a trigger with ``n = 0`` gets a row with a
    note and no bar. The dashed line is the baseline median over every session.
    """
    if not history:
        raise InputError(
            "history_chart got an empty history list;", "pass analysis.model.events.event_study(study.series)."
        )
    if horizon not in history[0]["horizons"]:
        raise InputError(
            f"horizon {horizon!r} is not in the event study (it has {', '.join(history[0]['horizons'])});",
            "pass one of those, as a string.",
        )
    rows = [(item, item["horizons"][horizon]) for item in history]
    labels = [item["trigger"] for item, _ in rows]
    y = list(range(len(rows)))[::-1]  # first trigger at the top
    baseline = rows[0][1]["baseline_median"]
    drawn = [(yi, item, h) for yi, (item, h) in zip(y, rows) if h["median"] is not None]
    values = [h["median"] * 100 for _, _, h in drawn] + ([baseline * 100] if baseline is not None else [])
    lo, hi = min(values + [0.0]), max(values + [0.0])
    span = (hi - lo) or 1.0
    with style.styled():
        fig, (ax,) = style.new_figure(1.4 + 0.27 * len(rows))
        for yi, item, h in drawn:
            color = TOO_FEW if h["too_few"] else style.UP if item["direction"] == "bullish" else style.DOWN
            ax.barh(yi, h["median"] * 100, height=0.62, color=color, zorder=2)
        for yi, (_, h) in zip(y, rows):
            if h["median"] is None:
                text = "none complete yet"
            else:
                text = f"{h['n']:>4}   {h['hit_rate']:>4.0%}" + ("  too few" if h["too_few"] else "")
            ax.annotate(
                text,
                xy=(1.02, yi),
                xycoords=("axes fraction", "data"),
                va="center",
                ha="left",
                fontsize=7,
                family="DejaVu Sans Mono",
                color=style.MUTED if h["too_few"] else style.INK,
            )
        ax.annotate(
            "   n    hit",
            xy=(1.02, len(rows) - 0.4),
            xycoords=("axes fraction", "data"),
            va="bottom",
            ha="left",
            fontsize=7,
            family="DejaVu Sans Mono",
            color=style.MUTED,
        )
        if baseline is not None:
            ax.axvline(baseline * 100, color=style.INK, lw=1.0, ls="--", zorder=3)
        ax.axvline(0, color=style.MUTED, lw=0.8, zorder=1)
        ax.set_yticks(y, labels)
        ax.tick_params(axis="y", length=0, labelsize=7.5, labelcolor=style.INK)
        ax.grid(axis="y", visible=False)
        ax.set_xlim(lo - 0.06 * span, hi + 0.06 * span)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.xaxis.set_major_formatter(FuncFormatter(fmt.tick_pct))
        ax.set_xlabel(f"median total return {horizon} sessions after the trigger")
        handles = [
            Patch(color=style.UP, label="bullish trigger"),
            Patch(color=style.DOWN, label="bearish trigger"),
            Patch(color=TOO_FEW, label="too few to read"),
        ]
        if baseline is not None:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=style.INK,
                    lw=1.0,
                    ls="--",
                    label=f"all sessions {baseline:+.1%}, hit {rows[0][1]['baseline_hit_rate']:.0%}",
                )
            )
        fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=7)
        style.title(
            ax,
            f"What history says: {ticker}, {horizon} sessions after each trigger",
            "All past occurrences up to as-of, overlaps counted once; hit = share of gains",
        )
    return fig
