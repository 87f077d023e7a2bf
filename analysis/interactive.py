"""Interactive charts and knob widgets for JupyterLab: ``make lab``'s kernel only.

The piece's three main charts, price (with its fast and slow averages and the phase shaded),
Real Motion (with its fast average and band) and Leadership (with its zero line and band), as
one plotly figure: three panels on one time axis, zoom and pan with the mouse, one hover label
for the session under it with every line's value. And a widget that builds a study again with
other knobs (``fast``, ``slow``, ``band_width``...) from sliders and redraws the figure and a
research view's table (:func:`explorer`), through :mod:`analysis.api`::

    from analysis import interactive

    frame = analysis.study("IWM", "2024-07-08")
    interactive.charts(frame)                    # a plotly Figure: zoom, hover
    interactive.explorer("IWM", "2024-07-08")    # sliders for fast, slow and band_width

plotly and ipywidgets are in the lab's kernel (``momentum-lab``: the report's packages plus
``requirements-interactive.lock``), never in the report's (``.venv``), so the pieces and their
PDFs stay matplotlib's. This module imports them only when a figure or a widget is made:
importing it (or :mod:`analysis`) needs neither, and without them those calls raise
:class:`LabOnly` with one line saying to run ``make lab``. What the figure shows is built
first as plain data (:func:`chart_spec`, plotly's figure format: ``data`` traces and a
``layout``), which needs no plotly and is what the tests read.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from analysis import api
from analysis.errors import InputError, ReportError
from analysis.indicators.returns import years_before
from analysis.params import BY_NAME
from analysis.paths import LAB_KERNEL_DISPLAY
from analysis.view.charts import style

#: The libraries the lab's kernel adds (pyproject's ``interactive`` extra).
LIBRARIES = ("plotly", "ipywidgets")

#: Each panel: its y axis and the share of the figure's height it takes (top to bottom).
PANELS = {"price": ("y", (0.47, 1.0)), "rm": ("y2", (0.245, 0.435)), "lead": ("y3", (0.0, 0.21))}

#: The research views :func:`explorer` can show beside the charts (their ``state()`` table).
VIEWS = ("real_motion", "leadership", "phase")

#: Slider range and step of each knob :func:`explorer` offers (its default comes from the table).
SLIDERS: dict[str, tuple[float, float, float]] = {
    "fast": (5, 150, 1),
    "slow": (20, 400, 5),
    "band_width": (0.5, 4.0, 0.25),
    "confirm_n": (1, 10, 1),
    "level_window": (5, 120, 1),
}


class LabOnly(ImportError):
    """A library of the lab's kernel is missing: this kernel is the report's (or another)."""


def lab_library(name: str) -> ModuleType:
    """Import ``name`` (``plotly.graph_objects``, ``ipywidgets``...) or raise :class:`LabOnly` in one line."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        top = name.split(".")[0]
        raise LabOnly(
            f"{top} is not installed in this kernel: interactive charts run in the lab's kernel;"
            f' run make lab and choose "{LAB_KERNEL_DISPLAY}" (Kernel > Change Kernel).'
        ) from None


# -- the figure as data ----------------------------------------------------------------------------


def _window(frame: pd.DataFrame, years: Any) -> pd.DataFrame:
    """The last ``years`` years of ``frame`` (all of it for 0), as the research notebooks draw; a
    frame that is no study, or ``years`` that the YEARS knob refuses, is an :class:`InputError`."""
    years = BY_NAME["years"].validate(years)  # type: ignore[misc]  # a whole number from 0 to 100,000
    if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.DatetimeIndex) or frame.empty:
        raise InputError(
            "the chart draws a study: a DataFrame with a row per session,",
            'e.g. analysis.study("IWM"), with at least one session.',
        )
    if not years:
        return frame
    return frame.loc[frame.index > years_before(frame.index[-1], years)]


def _line(w: pd.DataFrame, column: str, name: str, panel: str, color: str, **look: Any) -> dict[str, Any]:
    """One line of ``w[column]`` on ``panel``; its hover shows the value (``look``: dash, width, fmt)."""
    fmt = look.pop("fmt", "+.2f")
    line = {"color": color, "width": look.pop("width", 1.3), "dash": look.pop("dash", "solid")}
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "meta": column,  # the frame's column it draws (plotly keeps it; tests and last_values read it)
        "x": w.index,
        "y": w[column].to_numpy(float),
        "xaxis": "x",
        "yaxis": PANELS[panel][0],
        "line": line,
        "hovertemplate": f"%{{y:{fmt}}}",
        **look,
    }


def _band(w: pd.DataFrame, prefix: str, label: str, panel: str) -> list[dict[str, Any]]:
    """The band between ``<prefix>_lower`` and ``<prefix>_upper``, filled, both edges in the hover."""
    lower = _line(w, f"{prefix}_lower", label, panel, style.BAND, width=0.5, legendgroup=prefix, showlegend=False)
    upper = _line(w, f"{prefix}_upper", label, panel, style.BAND, width=0.5, legendgroup=prefix)
    upper.update(fill="tonexty", fillcolor="rgba(147, 197, 253, 0.28)", hovertemplate="%{y:+.2f} (upper)")
    lower["hovertemplate"] = "%{y:+.2f} (lower)"
    return [lower, upper]


def _price(w: pd.DataFrame, fast: int, slow: int) -> list[dict[str, Any]]:
    close = _line(w, "close", "close", "price", style.TICKER, fmt=",.2f", width=1.4)
    close.update(customdata=w["phase"].fillna("n/a").to_numpy(str), hovertemplate="%{y:,.2f} (%{customdata})")
    return [
        _line(w, "sma_fast", f"{fast}-DMA", "price", style.FAST, fmt=",.2f"),
        _line(w, "sma_slow", f"{slow}-DMA", "price", style.SLOW, fmt=",.2f"),
        close,
    ]


def _oscillators(w: pd.DataFrame, fast: int, slow: int, band: float, benchmark: str) -> list[dict[str, Any]]:
    label = f"band: {fast}-day ±{band:g}σ"
    return [
        *_band(w, "rm", f"Real Motion {label}", "rm"),
        _line(w, "rm_fast", f"Real Motion's {fast}-DMA", "rm", style.FAST, dash="dash"),
        _line(w, "rm_slow", f"Real Motion's {slow}-DMA", "rm", style.SLOW, dash="dot", width=1.0),
        _line(w, "rm", "Real Motion", "rm", style.TICKER),
        *_band(w, "lead", f"Leadership {label}", "lead"),
        _line(w, "lead_fast", f"Leadership's {fast}-DMA", "lead", style.FAST, dash="dash"),
        _line(w, "lead", f"Leadership vs {benchmark}", "lead", style.TICKER),
    ]


def phase_spans(w: pd.DataFrame) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """``(phase, from, to)`` of each run of one phase in ``w``: from its first session to the next
    run's first (the last run to the last session), so the shading leaves no gaps."""
    runs = api.phase_runs(w)
    starts = list(runs["start"])
    ends = starts[1:] + [w.index[-1]]
    return [(phase, start, end) for phase, start, end in zip(runs["phase"], starts, ends)]


def _shapes(w: pd.DataFrame) -> list[dict[str, Any]]:
    """The phase shading of the price panel and Leadership's zero line."""
    shading = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "y domain",
            "x0": start,
            "x1": end,
            "y0": 0,
            "y1": 1,
            "fillcolor": style.PHASE_COLORS.get(phase, style.GRID),
            "opacity": 0.16,
            "line": {"width": 0},
            "layer": "below",
        }
        for phase, start, end in phase_spans(w)
    ]
    zero = {"type": "line", "xref": "x domain", "yref": "y3", "x0": 0, "x1": 1, "y0": 0, "y1": 0}
    return [*shading, {**zero, "line": {"color": style.INK, "width": 1}}]


def _phase_keys(w: pd.DataFrame) -> list[dict[str, Any]]:
    """A legend entry (no data) per phase the window shows, in its colour."""
    shown = [p for p in style.PHASE_COLORS if (w["phase"] == p).any()]
    return [
        {
            "type": "scatter",
            "mode": "markers",
            "x": [None],
            "y": [None],
            "name": f"phase: {p}",
            "legendgroup": "phase",
            "marker": {"symbol": "square", "size": 11, "color": style.PHASE_COLORS[p], "opacity": 0.5},
            "hoverinfo": "skip",
        }
        for p in shown
    ]


def _axes() -> dict[str, Any]:
    """One time axis under the three panels (zoomed by the range buttons too), a y axis per panel."""
    buttons = [{"count": n, "label": f"{n}y", "step": "year", "stepmode": "backward"} for n in (1, 3, 5)]
    titles = {"price": "price", "rm": "Real Motion (%)", "lead": "Leadership (%)"}
    axes: dict[str, Any] = {
        "xaxis": {
            "anchor": "y3",
            "type": "date",
            "showspikes": True,
            "spikemode": "across",
            "spikethickness": 1,
            "rangeselector": {"buttons": [*buttons, {"step": "all", "label": "all"}], "y": 1.0, "yanchor": "bottom"},
        }
    }
    for panel, (axis, domain) in PANELS.items():
        axes[axis.replace("y", "yaxis")] = {"domain": list(domain), "anchor": "x", "title": {"text": titles[panel]}}
    return axes


def chart_spec(frame: pd.DataFrame, *, years: int = 10) -> dict[str, Any]:
    """The interactive chart of a :func:`analysis.study` frame as plotly's figure data (no plotly needed).

    Three panels on one shared time axis, the last ``years`` years (0: all): price with its fast
    and slow averages and the phase shaded; Real Motion with its fast and slow averages and band;
    Leadership with its fast average, band and zero line. Every line's ``x`` is the frame's index
    and its ``y`` the frame's column; the hover shows them all for one session (``x unified``).
    Labels name the frame's own knobs (``frame.attrs["settings"]``).
    """
    s = frame.attrs.get("settings", {})
    fast, slow, band = s.get("fast", 50), s.get("slow", 200), s.get("band_width", 2.0)
    ticker, benchmark = frame.attrs.get("ticker", "ticker"), frame.attrs.get("benchmark", "benchmark")
    w = _window(frame, years)
    data = [*_phase_keys(w), *_price(w, fast, slow), *_oscillators(w, fast, slow, band, benchmark)]
    knobs = f"{fast}/{slow}-DMA, band ±{band:g}σ"
    layout = {
        "title": {
            "text": f"{ticker} vs {benchmark}, to {w.index[-1]:%Y-%m-%d}: price, Real Motion, Leadership ({knobs})"
        },
        "height": 820,
        "template": "plotly_white",
        "hovermode": "x unified",
        "hoversubplots": "axis",  # one hover label for the three panels
        "legend": {"orientation": "h", "y": -0.06, "traceorder": "normal"},
        "margin": {"l": 70, "r": 20, "t": 80, "b": 40},
        "shapes": _shapes(w),
        **_axes(),
    }
    return {"data": data, "layout": layout}


def charts(frame: pd.DataFrame, *, years: int = 10) -> Any:
    """:func:`chart_spec` as a ``plotly.graph_objects.Figure``: zoom (drag, the 1y/3y/5y/all
    buttons), pan, hover; double-click to reset. Needs the lab's kernel (:class:`LabOnly`)."""
    go = lab_library("plotly.graph_objects")
    return go.Figure(chart_spec(frame, years=years))


# -- a research view again, with other knobs -------------------------------------------------------


def sliders(names: Sequence[str] = ("fast", "slow", "band_width")) -> dict[str, dict[str, Any]]:
    """Each knob's slider: ``min``, ``max``, ``step``, ``value`` (the table's default) and its help."""
    unknown = [n for n in names if n not in SLIDERS]
    if unknown:
        raise InputError(f"no slider for {', '.join(unknown)};", f"use some of: {', '.join(SLIDERS)}.")
    return {
        n: {"min": lo, "max": hi, "step": step, "value": BY_NAME[n].default, "help": BY_NAME[n].help}
        for n, (lo, hi, step) in ((n, SLIDERS[n]) for n in names)
    }


def rerun(
    ticker: str, as_of: str | None = None, *, view: str = "real_motion", years: int = 10, **options: Any
) -> tuple[dict[str, Any], str]:
    """The study and research ``view`` built again with ``options`` (knobs, ``benchmark``, ``source``):
    ``(chart_spec, the view's state table as HTML)``. What :func:`explorer` shows on each change."""
    if view not in VIEWS:
        raise InputError(f"no interactive view {view!r};", f"use one of: {', '.join(VIEWS)}.")
    frame = api.study(ticker, as_of, **options)
    table = api.research(view, ticker, as_of, **options).state()
    return chart_spec(frame, years=years), str(table)


def _values(controls: dict[str, Any]) -> dict[str, Any]:
    """The sliders' values as knobs: whole numbers stay whole."""
    return {n: (int(c.value) if float(SLIDERS[n][2]).is_integer() else float(c.value)) for n, c in controls.items()}


def explorer(
    ticker: str = "IWM",
    as_of: str | None = None,
    *,
    knobs: Sequence[str] = ("fast", "slow", "band_width"),
    view: str = "real_motion",
    years: int = 10,
    **options: Any,
) -> Any:
    """Sliders for ``knobs`` over the interactive chart and research ``view``'s table: moving one
    builds the study again (:func:`rerun`) and redraws both. A knob the table refuses (a fast
    average not shorter than the slow one) shows its one-line message instead. ``options``:
    ``benchmark``, ``source``, other knobs held fixed. Returns an ``ipywidgets.VBox`` (lab kernel)."""
    widgets = lab_library("ipywidgets")
    go = lab_library("plotly.graph_objects")
    specs = sliders(knobs)
    controls = {
        n: (widgets.IntSlider if float(s["step"]).is_integer() else widgets.FloatSlider)(
            value=s["value"], min=s["min"], max=s["max"], step=s["step"], description=n, continuous_update=False
        )
        for n, s in specs.items()
    }
    out = widgets.Output()

    def draw(_change: Any = None) -> None:
        # The outputs are set whole (no flicker), not captured with `with out:`, which holds a
        # headless run (papermill, nbclient) of a figure this size until its time-out.
        try:
            spec, table = rerun(ticker, as_of, view=view, years=years, **options, **_values(controls))
        except ReportError as exc:
            out.outputs = ({"output_type": "stream", "name": "stdout", "text": f"error: {exc}\n"},)
            return
        figure = go.Figure(spec)._repr_mimebundle_()  # plotly's own bundle for this kernel's renderer
        out.outputs = tuple(
            {"output_type": "display_data", "data": d, "metadata": {}} for d in (figure, {"text/html": table})
        )

    for control in controls.values():
        control.observe(draw, names="value")
    draw()
    return widgets.VBox([widgets.HBox(list(controls.values())), out])


def last_values(spec: dict[str, Any], when: Any) -> dict[str, float]:
    """Each line's value on session ``when`` in a :func:`chart_spec`, by the frame's column it draws
    (``{"close": ..., "sma_fast": ..., "rm": ...}``): what the hover shows for that session.

    ``when`` is a date (``"2024-07-08"``, a ``date``, a ``Timestamp`` or a ``numpy.datetime64``); one that
    is no date, or no session the chart draws (a weekend, a day outside its years), is an :class:`InputError`."""
    traces = spec.get("data") if isinstance(spec, dict) else None
    lines = [
        t
        for t in (traces if isinstance(traces, list) else [])
        if isinstance(t, dict)
        and isinstance(t.get("x"), pd.DatetimeIndex)
        and len(t["x"])
        and {"meta", "y"} <= t.keys()
    ]
    if not lines:
        raise InputError(
            "last_values reads a chart, and the spec given draws no line;", "pass interactive.chart_spec(frame)."
        )
    day = _day(when)
    sessions = lines[0]["x"]
    if day not in sessions:
        raise InputError(
            f"{day:%Y-%m-%d} is not a session the chart draws (it draws {sessions[0]:%Y-%m-%d}"
            f" to {sessions[-1]:%Y-%m-%d}, trading days only);",
            f"give one of its sessions, e.g. the last, {sessions[-1]:%Y-%m-%d}.",
        )
    return {t["meta"]: float(np.asarray(t["y"])[t["x"].get_loc(day)]) for t in lines if day in t["x"]}


def _day(when: Any) -> pd.Timestamp:
    """``when`` as a day: an ISO date string, a ``date``, a ``Timestamp`` or a ``datetime64`` (not NaT,
    not a number)."""
    if isinstance(when, np.datetime64) and not np.isnat(when):
        when = np.datetime_as_string(when, unit="D")  # a day in any year numpy writes, or refused below
    if isinstance(when, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", when.strip(), re.ASCII):
        try:
            return pd.Timestamp(dt.date.fromisoformat(when.strip()))
        except ValueError:
            pass
    elif isinstance(when, dt.date) and when == when:  # pd.NaT is a date, and not equal to itself
        return pd.Timestamp(when).normalize().tz_localize(None)
    raise InputError(f"when {str(when)[:40]!r} is not a date;", 'write it as YYYY-MM-DD, e.g. "2024-07-08".')
