"""Long-history charts of the research notebooks, each indicator with its signals marked.

Like every chart here: finished series in (already cut to the span to draw), a
:class:`~matplotlib.figure.Figure` out, nothing computed but the drawing. A *mark* is
``(label, dates, color, marker)``: a symbol is drawn on the plotted series at each of
``dates`` that falls in the window, and the legend says how many there are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, NullFormatter, PercentFormatter

from analysis.indicators import phase_runs
from analysis.view.charts import style
from analysis.view.charts.panels import last_value, oscillator

Mark = tuple[str, pd.DatetimeIndex, str, str]


def _marks(ax: Axes, values: pd.Series, marks: Sequence[Mark]) -> None:
    """Draw each mark's symbols on ``values`` at its dates (those in the window only)."""
    for label, when, color, marker in marks:
        when = pd.DatetimeIndex(when)
        when = when[when.isin(values.index)]
        y = values.reindex(when)
        ax.plot(
            when,
            y.to_numpy(float),
            ls="none",
            marker=marker,
            ms=3.6,
            color=color,
            mec="white",
            mew=0.3,
            label=f"{label} ({len(when)})",
            zorder=4,
        )


def _log_price_axis(ax: Axes) -> None:
    """Log scale with round price ticks, fewer per decade as the range widens (:func:`style.log_ticks`)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(style.RoundLogLocator())
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 10 else f"{v:,.2f}".rstrip("0").rstrip("."))
    )
    ax.yaxis.set_minor_formatter(NullFormatter())


def _span(index: pd.DatetimeIndex) -> str:
    return f"{index[0]:%b %Y} to {index[-1]:%d %b %Y}"


def phase_history_chart(
    close: pd.Series,
    fast: pd.Series,
    slow: pd.Series,
    phases: pd.Series,
    *,
    ticker: str,
    fast_label: str = "50-DMA",
    slow_label: str = "200-DMA",
) -> Figure:
    """Close (log scale) with its two averages, and a ribbon of the phase of every session.

    The top panel is shaded by phase as well; the ribbon below shows one coloured span per
    run of a phase (:func:`analysis.indicators.phase_runs`), so changes of phase are the
    signals. All inputs share one index, the window to draw.
    """
    runs = phase_runs(phases)
    with style.styled():
        fig, (ax, rib) = style.new_figure(4.4, rows=2, ratios=[5, 0.55])
        ax.plot(close.index, close, color=style.TICKER, lw=0.9, label="close")
        ax.plot(fast.index, fast, color=style.FAST, lw=1.0, label=fast_label)
        ax.plot(slow.index, slow, color=style.SLOW, lw=1.0, label=slow_label)
        _log_price_axis(ax)
        ends = list(runs["start"].iloc[1:]) + [close.index[-1]]  # each run lasts until the next begins
        for run, end in zip(runs.itertuples(), ends):
            color = style.PHASE_COLORS[run.phase]
            ax.axvspan(run.start, end, color=color, alpha=0.10, lw=0, zorder=0)
            rib.axvspan(run.start, end, color=color, alpha=0.9, lw=0)
        last_value(ax, close, f"{close.iloc[-1]:,.2f}")
        ax.set_ylabel("close (log)")
        rib.set_yticks([])
        rib.grid(False)
        rib.set_ylabel("phase", rotation=0, ha="right", va="center")
        style.date_axis(rib, (close.index[-1] - close.index[0]).days)
        ax.margins(x=0.01)
        present = [p for p in dict.fromkeys(phases.dropna())]
        handles = ax.get_legend_handles_labels()[0]
        handles += [
            Patch(color=style.PHASE_COLORS[p], alpha=0.9, label=f"{p} ({int((runs['phase'] == p).sum())} runs)")
            for p in present
        ]
        fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 5))
        style.title(
            ax,
            f"{ticker}: phases, {_span(close.index)}",
            f"Close vs its {fast_label} and {slow_label}; ribbon: the phase of each session",
        )
    return fig


def signal_history_chart(
    value: pd.Series,
    line: pd.Series,
    upper: pd.Series,
    lower: pd.Series,
    *,
    marks: Sequence[Mark],
    title: str,
    subtitle: str,
    ylabel: str,
    value_label: str,
    line_label: str,
    band_label: str,
    slow: pd.Series | None = None,
    slow_label: str = "",
    zero_label: str = "",
) -> Figure:
    """An oscillator over a long history: its line, band, optional slow line, zero, and signals marked.

    Used for Real Motion and Leadership. ``marks`` are drawn on ``value``.
    """
    with style.styled():
        fig, (ax,) = style.new_figure(3.6)
        oscillator(
            ax,
            value,
            line,
            upper,
            lower,
            value_label=value_label,
            fast_label=line_label,
            band=band_label,
            slow=slow,
            slow_label=slow_label,
            zero_label=zero_label,
            lw=0.9,
        )
        _marks(ax, value, marks)
        ax.set_ylabel(ylabel)
        style.date_axis(ax, (value.index[-1] - value.index[0]).days)
        ax.margins(x=0.01)
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=3)
        style.title(ax, title, subtitle)
    return fig


def triggers_chart(
    close: pd.Series,
    line: pd.Series,
    *,
    marks: Sequence[Mark],
    ticker: str,
    line_label: str = "50-DMA",
    level: float | None = None,
    level_label: str = "",
) -> Figure:
    """Close and its fast average with the trigger sessions marked on the close, and the level to clear."""
    with style.styled():
        fig, (ax,) = style.new_figure(3.8)
        ax.plot(close.index, close, color=style.TICKER, lw=0.9, label="close")
        ax.plot(line.index, line, color=style.FAST, lw=1.0, label=line_label)
        if level is not None:
            ax.axhline(level, color=style.LEVEL, lw=1.0, ls=(0, (5, 3)), label=f"{level_label} {level:,.2f}".strip())
        _marks(ax, close, marks)
        last_value(ax, close, f"{close.iloc[-1]:,.2f}")
        ax.set_ylabel("close")
        style.date_axis(ax, (close.index[-1] - close.index[0]).days)
        ax.margins(x=0.01)
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=3)
        style.title(
            ax,
            f"{ticker}: triggers, {_span(close.index)}",
            f"Sessions each trigger fired, marked on the close; line: the {line_label}",
        )
    return fig


def span_returns_chart(returns: pd.DataFrame, *, ticker: str, benchmark: str) -> Figure:
    """Total return of ticker and benchmark over each span, side by side (``returns``: columns
    ``ticker, benchmark`` as fractions, indexed by span label, e.g. :func:`analysis.model.signals.span_returns`)."""
    y = np.arange(len(returns))[::-1]
    with style.styled():
        fig, (ax,) = style.new_figure(1.2 + 0.38 * len(returns))
        ax.barh(y + 0.19, returns["ticker"] * 100, height=0.36, color=style.TICKER, label=ticker, zorder=2)
        ax.barh(y - 0.19, returns["benchmark"] * 100, height=0.36, color=style.BENCH, label=benchmark, zorder=2)
        for yi, (t, b) in zip(y, returns[["ticker", "benchmark"]].to_numpy(float)):
            for offset, v in ((0.19, t), (-0.19, b)):
                ax.annotate(
                    f"{v:+,.1%}",
                    xy=(v * 100, yi + offset),
                    xytext=(3 if v >= 0 else -3, 0),
                    textcoords="offset points",
                    va="center",
                    ha="left" if v >= 0 else "right",
                    fontsize=7,
                )
        ax.axvline(0, color=style.MUTED, lw=0.8)
        ax.set_yticks(y, list(returns.index))
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.margins(x=0.12)
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2)
        style.title(ax, f"{ticker} vs {benchmark}: total return by span", "Dividends reinvested, to the as-of close")
    return fig


def occurrences_chart(
    close: pd.Series, occurrences: Mapping[str, pd.DatetimeIndex], directions: Mapping[str, str], *, ticker: str
) -> Figure:
    """Every session each trigger fired, one row per trigger under the close (log scale).

    ``occurrences`` maps a trigger's label to its dates (e.g. :func:`analysis.model.events.occurrences`
    relabelled); ``directions`` maps it to ``"bullish"`` (green) or ``"bearish"`` (red).
    """
    labels = list(occurrences)
    with style.styled():
        fig, (ax, rows) = style.new_figure(2.2 + 0.2 * len(labels), rows=2, ratios=[2.2, 0.2 * len(labels) + 0.3])
        ax.plot(close.index, close, color=style.TICKER, lw=0.9)
        _log_price_axis(ax)
        ax.set_ylabel("close (log)")
        shown = {}
        for i, label in enumerate(labels):
            when = pd.DatetimeIndex(occurrences[label])
            when = shown[label] = when[(when >= close.index[0]) & (when <= close.index[-1])]
            color = style.UP if directions.get(label) == "bullish" else style.DOWN
            rows.plot(
                when,
                np.full(len(when), len(labels) - 1 - i),
                ls="none",
                marker="|",
                ms=6,
                mew=0.9,
                color=color,
                label=label,
            )
        rows.set_yticks(range(len(labels))[::-1], [f"{lab} ({len(shown[lab])})" for lab in labels])
        rows.tick_params(axis="y", length=0, labelsize=6.5, labelcolor=style.INK)
        rows.set_ylim(-0.7, len(labels) - 0.3)
        rows.grid(axis="y", visible=False)
        style.date_axis(rows, (close.index[-1] - close.index[0]).days)
        ax.margins(x=0.01)
        style.title(
            ax,
            f"{ticker}: when each trigger fired, {_span(close.index)}",
            "One tick per session it fired; green bullish, red bearish; (n) in this span",
        )
    return fig


#: One colour per scenario line of :func:`score_history_chart`, in order.
SCENARIO_COLORS = (style.FAST, style.SLOW, style.LEVEL, style.UP, style.TICKER, style.DOWN)


def score_history_chart(
    scores: pd.DataFrame, changes: Mapping[str, pd.DatetimeIndex], cuts: Mapping[str, float], *, step: int
) -> Figure:
    """Each scenario's score (a column of ``scores``, indexed by session) from -1 to +1 over time.

    Dotted lines mark the verdict cut-offs of ``cuts`` (``supported``, ``leaning_supported``,
    ``leaning_contradicted``, ``contradicted``); a dot marks each session of ``changes[column]``
    (the verdict changed there). A missing score (not enough evidence) leaves a gap.
    """
    with style.styled():
        fig, (ax,) = style.new_figure(3.4)
        for name in ("supported", "leaning_supported", "leaning_contradicted", "contradicted"):
            ax.axhline(cuts[name], color=style.MUTED, lw=0.6, ls=":")
            ax.annotate(
                name.replace("_", " "),
                xy=(1.0, cuts[name]),
                xycoords=("axes fraction", "data"),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=6.5,
                color=style.MUTED,
            )
        ax.axhline(0, color=style.MUTED, lw=0.8)
        for i, column in enumerate(scores.columns):
            color = SCENARIO_COLORS[i % len(SCENARIO_COLORS)]
            values = scores[column].astype(float)
            ax.plot(values.index, values, color=color, lw=1.1, drawstyle="steps-post", label=column)
            when = pd.DatetimeIndex(changes.get(column, []))
            ax.plot(
                when,
                values.reindex(when).to_numpy(float),
                ls="none",
                marker="o",
                ms=3.5,
                color=color,
                mec="white",
                mew=0.4,
            )
        ax.set_ylim(-1.08, 1.08)
        ax.set_ylabel("score")
        style.date_axis(ax, (scores.index[-1] - scores.index[0]).days)
        ax.margins(x=0.01)
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=1, fontsize=7)
        style.title(
            ax,
            "The scorecard over time",
            f"Each scenario's score, re-computed every {step} sessions from the data of that day; dots: verdict changed",
        )
    return fig


def window_chart(window: pd.DataFrame, *, title: str, ylabel: str = "") -> Figure:
    """An event window (:func:`analysis.api.event_window`: one row per event, one column per offset
    in sessions): each event's path as a thin line, their median in bold, the event's session at 0."""
    offsets = np.asarray(window.columns, dtype=float)
    with style.styled():
        fig, (ax,) = style.new_figure(3.4)
        for _, path in window.iterrows():
            ax.plot(offsets, path.to_numpy(float), color=style.BENCH, lw=0.7, alpha=0.8)
        ax.plot(offsets, window.median(axis=0).to_numpy(float), color=style.TICKER, lw=2.0, label="median")
        ax.axvline(0, color=style.MUTED, lw=0.8, ls="--")
        ax.set_xlabel("sessions from the event")
        ax.set_ylabel(ylabel)
        ax.legend(loc="upper left", frameon=False)
        style.title(ax, title, f"{len(window)} events; thin lines: each event, bold: their median")
    return fig
