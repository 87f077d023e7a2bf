"""Scenario scorecard and Economic Modern Family charts, from the finished JSON and series.

:func:`scorecard_chart` reads the summary's ``scenarios`` list only; :func:`family_chart`
reads the ``family`` dict and :func:`analysis.evidence.family_series`. Neither computes
anything beyond layout.
"""

from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import fmt
from analysis.view.charts import margins, style

#: How each reading is drawn in the scorecard's bars.
READING_STYLE = {
    "supports": {"facecolor": style.UP, "edgecolor": "white", "label": "supports"},
    "neutral": {"facecolor": "#d1d5db", "edgecolor": "white", "label": "neutral"},
    "contradicts": {"facecolor": style.DOWN, "edgecolor": "white", "label": "contradicts"},
    "unavailable": {"facecolor": "white", "hatch": "////", "edgecolor": "#9ca3af", "label": "unavailable (missing)"},
}


def scorecard_chart(scenarios: list[dict]) -> Figure:
    """One bar per scenario: its configured weight split by reading, with the score and verdict.

    Each bar spans the scenario's total weight (100%): green supports, grey neutral, red
    contradicts, hatched unavailable, one segment per evidence item (thin white gaps
    between items). The score ``(supports - contradicts) / available`` and the verdict are
    written beside it.
    """
    n = len(scenarios)
    with style.styled():
        fig, (ax,) = style.new_figure(0.95 * n + 1.0, layout=None)
        for row, scenario in enumerate(scenarios):
            _scorecard_bar(ax, n - 1 - row, row, scenario)
        _scorecard_frame(fig, ax, n)
        margins.fit(fig)
    return fig


def _scorecard_bar(ax, y: int, row: int, scenario: dict) -> None:
    """One scenario's bar at height ``y``: its segments, title, score and verdict, weight measured."""
    total = scenario["total_weight"] or 1.0
    left = 0.0
    for reading in READING_STYLE:
        for item in scenario["evidence"]:
            if item["reading"] != reading or not item["weight"]:
                continue
            width = item["weight"] / total
            look = {k: v for k, v in READING_STYLE[reading].items() if k != "label"}
            ax.barh(y, width, left=left, height=0.42, linewidth=0.6, **look)
            left += width
    ax.text(
        0,
        y + 0.3,
        textwrap.shorten(f"{row + 1}. {scenario['title']}", 92, placeholder="…"),
        fontsize=8.3,
        fontweight="bold",
        color=style.INK,
        va="bottom",
    )
    score = scenario["score"]
    verdict = scenario["verdict"]
    color = (
        style.MUTED
        if score is None or verdict == "not enough evidence"
        else (style.UP if score > 0 else style.DOWN if score < 0 else style.INK)
    )
    score_text = "n/a" if score is None else fmt.signed(score)
    ax.text(1.03, y + 0.05, f"{score_text}  {verdict}", color=color, fontsize=8.3, fontweight="bold", va="center")
    ax.text(
        1.03,
        y - 0.22,
        f"{_w(scenario['available_weight'])} of {_w(total)} weight measured",
        color=style.MUTED,
        fontsize=7,
        va="center",
    )


def _scorecard_frame(fig: Figure, ax, n: int) -> None:
    """The scorecard's axes, legend and title, around its ``n`` bars."""
    ax.set_xlim(0, 1.42)
    ax.set_ylim(-0.55, n - 0.3)
    ax.set_yticks([])
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.grid(False)
    ax.tick_params(axis="x", length=0)
    ax.set_xlabel("share of each scenario's configured evidence weight", loc="left")
    handles = [Patch(linewidth=0.6, **s) for s in READING_STYLE.values()]
    fig.legend(handles=handles, loc="outside lower center", ncol=4)
    style.title(
        ax,
        f"{n} talking points, weighed against the data",
        "Score = (supporting − contradicting weight) / weight measured, from −1 to +1;"
        " an evidence tally, not a forecast",
    )


def _w(x: float) -> str:
    return f"{x:g}"


def _panel(ax, data: pd.DataFrame) -> None:
    style.shade_phases(ax, data["phase"], alpha=0.16)
    ax.plot(data.index, data["sma_slow"], color=style.SLOW, lw=1.0)
    ax.plot(data.index, data["sma_fast"], color=style.FAST, lw=1.0)
    ax.plot(data.index, data["close"], color=style.TICKER, lw=1.0)


def family_chart(family: dict, series: dict[str, pd.DataFrame], columns: int = 3) -> Figure:
    """Small multiples: each member's last closes with its 50- and 200-DMA, shaded by phase.

    ``family`` is :func:`analysis.evidence.family`'s dict, ``series`` its
    :func:`~analysis.evidence.family_series`. Panel titles give ticker, nickname, phase
    and Leadership. All panels share the x range of the current members' last ``sessions``
    ending at the as-of date, so a stale member's line stops early; its panel says "stale:
    data ends <date>" in red.
    """
    members = family["members"]
    rows = int(np.ceil(len(members) / columns))
    with style.styled():
        fig = Figure(figsize=(style.WIDTH, 1.95 * rows + 0.9), dpi=style.DPI, layout="constrained")
        axes = fig.subplots(rows, columns, squeeze=False).ravel()
        present: list[str] = []
        as_of = pd.Timestamp(family["as_of"])
        starts = [d.index[0] for m, d in series.items() if not d.empty and d.index[-1] == as_of]
        start = min(starts) if starts else min((d.index[0] for d in series.values() if not d.empty), default=as_of)
        for ax, member in zip(axes, members):
            data = series.get(member["ticker"])
            head = f"{member['ticker']}" + (f" · {member['nickname']}" if member["nickname"] else "")
            ax.set_title(head, loc="left", fontsize=8.5)
            if data is None or data.empty:
                _no_data(ax, member)
                continue
            _member(ax, member, data, (start, as_of))
            present += [p for p in data["phase"].dropna().unique() if p not in present]
        for ax in axes[len(members) :]:
            ax.set_visible(False)
        _family_frame(fig, family, present)
    return fig


def _no_data(ax, member: dict) -> None:
    """A member without data: its panel says why, in red, without axes."""
    ax.text(
        0.5,
        0.5,
        member["reason"] or "no data",
        ha="center",
        va="center",
        wrap=True,
        transform=ax.transAxes,
        color=style.DOWN,
        fontsize=7.5,
    )
    ax.set_xticks([])
    ax.set_yticks([])


def _member(ax, member: dict, data: pd.DataFrame, span: tuple[pd.Timestamp, pd.Timestamp]) -> None:
    """One member's panel over ``span`` (start, as-of): lines, its phase and Leadership, a stale mark."""
    start, as_of = span
    _panel(ax, data)
    lead = member["lead"]
    line = (member["phase"] or "phase n/a") + ("" if lead is None else f" · Leadership {lead:+.1f}")
    ax.text(
        0.01,
        0.97,
        line,
        transform=ax.transAxes,
        fontsize=7,
        va="top",
        color=style.INK,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8},
    )
    if member["stale"]:
        _stale(ax, member, as_of)
    quarters = mdates.MonthLocator(bymonth=(1, 4, 7, 10))
    ax.xaxis.set_major_locator(quarters)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(quarters))
    ax.tick_params(labelsize=6.5)
    ax.set_xlim(start, as_of + pd.Timedelta(days=3))


def _stale(ax, member: dict, as_of: pd.Timestamp) -> None:
    """A stale member: the sessions it misses hatched, and "stale: data ends <date>" in red."""
    ax.axvspan(
        pd.Timestamp(member["last_date"]),
        as_of,
        facecolor="#f3f4f6",
        edgecolor=style.GRID,
        hatch="///",
        lw=0,
        zorder=0,
    )
    ax.text(
        0.99,
        0.03,
        f"stale: data ends {pd.Timestamp(member['last_date']):%d %b %Y}",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=7,
        color=style.DOWN,
        fontweight="bold",
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": style.DOWN},
    )


def _family_frame(fig: Figure, family: dict, present: list[str]) -> None:
    """The family chart's legend (lines, then the phases drawn) and title."""
    handles = [
        Line2D([], [], color=c, lw=1.2, label=t)
        for c, t in ((style.TICKER, "close"), (style.FAST, "50-DMA"), (style.SLOW, "200-DMA"))
    ]
    handles += [Patch(color=style.PHASE_COLORS[p], alpha=0.4, label=p) for p in present]
    fig.legend(handles=handles, loc="outside lower center", ncol=int(np.ceil(len(handles) / 2)))
    fig.suptitle(
        f"The Economic Modern Family, {pd.Timestamp(family['as_of']):%d %B %Y}",
        x=0.01,
        ha="left",
        fontsize=10,
        fontweight="bold",
        color=style.INK,
    )
