"""What history says: each trigger's edge over any session at one horizon, with its 90% interval."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from analysis import fmt
from analysis.errors import InputError
from analysis.model.units import units
from analysis.text.measure_words import MEASURES
from analysis.view.charts import margins, style

#: Bar colour of a trigger whose ``n`` is below the study's ``min_n`` (verdict ``too few``).
TOO_FEW = "#e5e7eb"
#: Bar colour of an edge whose 90% interval spans zero (verdict ``no edge``).
NO_EDGE = "#9ca3af"
#: Bar colour by verdict (:func:`analysis.model.events.verdict`).
VERDICT_COLORS = {"positive edge": style.UP, "negative edge": style.DOWN, "no edge": NO_EDGE, "too few": TOO_FEW}


def _tick(value: float, _pos: object = None) -> str:
    """An axis tick of an edge: ``+0.5``, ``−2``, ``0`` (no trailing zeros, a typographic minus)."""
    if abs(value) < 1e-12:
        return "0"
    text = f"{abs(value):.2f}".rstrip("0").rstrip(".")
    return (fmt.MINUS if value < 0 else "+") + text


def history_chart(
    history: list[dict],
    *,
    ticker: str,
    horizon: str = "20",
    state: dict | None = None,
    returns: str = "total",
) -> Figure:
    """Horizontal bars: each trigger's edge over any session at ``horizon`` sessions, with its 90% interval.

    ``history`` is :func:`analysis.model.events.event_study`'s list and ``state`` (optional)
    :func:`analysis.model.events.state_study`'s dict, drawn as a last row under its label.
    The bar is the ``edge`` (the trigger's median forward move minus the median of every
    session), the error bar its bootstrap 90% interval (``edge_low`` to ``edge_high``); the bar
    is coloured by the ``verdict``: green a positive edge, red a negative one, grey no edge
    (the interval spans zero), light grey too few to read. Each row is annotated with ``n``
    and the median itself; a row with ``n = 0`` gets a note and no bar. ``returns`` (the
    profile's measure) sets the units: percentage points of return, points, or basis points.
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
    u = units(returns)
    rows = [(item["trigger"], item["horizons"][horizon]) for item in history]
    if state is not None:
        rows.append((state["label"].replace(", ", ",\n", 1), state["horizons"][horizon]))  # two lines
    y = list(range(len(rows)))[::-1]  # first trigger at the top, the current state at the bottom
    drawn = [(yi, h) for yi, (_, h) in zip(y, rows) if h.get("edge") is not None]
    with style.styled():
        fig, (ax,) = style.new_figure(1.6 + 0.27 * len(rows), layout=None)
        _bars(ax, drawn, u.scale)
        _annotations(ax, y, rows, u)
        _frame(ax, y, rows, drawn, u.scale, has_state=state is not None)
        base = rows[0][1]
        baseline = "" if base["baseline_median"] is None else f" ({u.move(base['baseline_median'], short=True)})"
        ax.set_xlabel(
            f"edge ({u.symbol}): the median {MEASURES[returns].axis} {horizon} sessions after, minus any session's{baseline}"
        )
        _legend(fig)
        style.title(
            ax,
            f"What history says: {ticker}, {horizon} sessions on",
            "Edge over any session, with its 90% interval; overlaps counted once",
        )
        margins.fit(fig)
    return fig


def _bars(ax, drawn: list[tuple[int, dict]], scale: float) -> None:
    """Each edge as a bar coloured by its verdict, with its 90% interval (none for a too-few row)."""
    for yi, h in drawn:
        ax.barh(yi, scale * h["edge"], height=0.62, color=VERDICT_COLORS[h["verdict"]], zorder=2)
        if h["verdict"] == "too few":
            continue
        ax.errorbar(
            scale * h["edge"],
            yi,
            xerr=[[scale * (h["edge"] - h["edge_low"])], [scale * (h["edge_high"] - h["edge"])]],
            fmt="none",
            ecolor=style.INK,
            elinewidth=0.9,
            capsize=2.2,
            zorder=3,
        )


def _annotations(ax, y: list[int], rows: list[tuple[str, dict]], u) -> None:
    """Each row's n and median beside the axes, under a small header."""
    for yi, (_, h) in zip(y, rows):
        if h["median"] is None:
            text = "none complete yet"
        else:
            text = f"{h['n']:>4}  {u.move(h['median'], short=True):>8}" + ("  too few" if h["too_few"] else "")
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
        "   n    median",
        xy=(1.02, len(rows) - 0.4),
        xycoords=("axes fraction", "data"),
        va="bottom",
        ha="left",
        fontsize=7,
        family="DejaVu Sans Mono",
        color=style.MUTED,
    )


def _frame(
    ax, y: list[int], rows: list[tuple[str, dict]], drawn: list[tuple[int, dict]], scale: float, *, has_state: bool
) -> None:
    """The zero line, the row labels (the state's in bold), and limits that hold every read interval."""
    # a too-few row gets its bar but no interval (not to be read), and does not stretch the axis with one
    read = [h for _, h in drawn if h["verdict"] != "too few"]
    values = [scale * v for h in read for v in (h["edge_low"], h["edge_high"])]
    values += [scale * h["edge"] for _, h in drawn]
    lo, hi = min(values + [0.0]), max(values + [0.0])
    span = (hi - lo) or 1.0
    if has_state:
        ax.axhline(0.5, color=style.MUTED, lw=0.6, zorder=1)
    ax.axvline(0, color=style.INK, lw=1.0, zorder=1)
    ax.set_yticks(y, [label for label, _ in rows])
    ax.tick_params(axis="y", length=0, labelsize=7.5, labelcolor=style.INK)
    if has_state:
        ax.get_yticklabels()[-1].set_fontweight("bold")
    ax.grid(axis="y", visible=False)
    ax.set_xlim(lo - 0.06 * span, hi + 0.06 * span)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.xaxis.set_major_formatter(FuncFormatter(_tick))


def _legend(fig: Figure) -> None:
    handles = [
        Patch(color=style.UP, label="positive edge"),
        Patch(color=style.DOWN, label="negative edge"),
        Patch(color=NO_EDGE, label="no edge (interval spans 0)"),
        Patch(color=TOO_FEW, label="too few (no interval)"),
        Line2D([], [], color=style.INK, lw=0.9, marker="|", markersize=6, label="90% bootstrap interval"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=6.5)
