"""The research API: the project's numbers as pandas DataFrames and matplotlib Figures.

A new question should take a few lines, not a reading of the source. Everything here is the
code the pieces use (:mod:`analysis.model`, :mod:`analysis.summary`, :mod:`analysis.view`),
on the bundled data by default, with the same knobs as ``make`` and the notebooks
(:data:`analysis.params.KNOBS`: ``fast=20``, ``band_width=2.5``...)::

    import analysis

    iwm = analysis.study("IWM", "2024-07-08")               # every indicator series, one row a session
    turns = analysis.onsets(iwm["phase"] == "bullish")      # the sessions the phase turned bullish
    analysis.event_window(iwm["rm"], turns[-10:], k=20)     # Real Motion from 20 sessions before to 20 after
    analysis.event_study(turns, frame=iwm)                  # what followed them, against any session

No look-ahead: a frame built as of a session holds data up to that session only, and an event
study counts only windows that end by it. Returns are total returns (dividends reinvested) unless
``returns`` says otherwise (``price``; ``points`` or ``basis_points`` for a level). Statistics
describe the past; none is a forecast.

Functions:

* :func:`study`, :func:`reading`: the indicator frame and the piece's whole summary;
* :func:`onsets`, :func:`event_study`, :func:`event_window`: any condition a researcher writes;
* :func:`history`, :func:`scorecard`, :func:`phase_runs`, :func:`signals_of`: the piece's own tables;
* :func:`research`: a research notebook's object (its charts' ``.figure`` are Figures);
  :func:`window_chart`: a Figure of an event window;
* :func:`returns`, :func:`export`: daily returns and CSV files for other tools.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import API
from analysis.data import Market
from analysis.errors import InputError
from analysis.indicators import daily_returns
from analysis.model import forward, signals
from analysis.model import study as studies
from analysis.params import Request

__all__ = list(API)  # the names the package re-exports (analysis.API)

_MARKETS: dict[str, Market] = {}


def _market(source: str) -> Market:
    """One :class:`~analysis.data.Market` per price source in this process (each series loads once)."""
    if source not in _MARKETS:
        _MARKETS[source] = Market(source)
    return _MARKETS[source]


def _request(ticker: str, as_of: Any, benchmark: str | None, source: str, knobs: dict[str, Any]) -> Request:
    return Request.parse(ticker, benchmark, as_of, source, **knobs)


def _frame(frame: Any, needs: tuple[str, ...], what: str) -> pd.DataFrame:
    """``frame`` when it is a DataFrame on dates holding the columns ``needs`` (a :func:`study`'s);
    else an :class:`InputError` saying what ``what`` takes."""
    kind = type(frame).__name__
    if isinstance(frame, pd.DataFrame) and isinstance(frame.index, pd.DatetimeIndex):
        missing = [c for c in needs if c not in frame.columns]
        if not missing and not (frame.index.is_monotonic_increasing and frame.index.is_unique):  # runs backwards
            raise InputError(
                f"{what} takes a frame with its sessions in order, each once;", "sort it: frame.sort_index()."
            )
        if not missing:
            return frame
        kind = f"a DataFrame without {', '.join(missing)}"
    elif isinstance(frame, pd.DataFrame):
        kind = "a DataFrame not indexed by date"
    raise InputError(f"{what} takes a frame of analysis.study(), got {kind};", 'pass e.g. analysis.study("IWM").')


def study(
    ticker: str, as_of: str | None = None, *, benchmark: str | None = None, source: str = "snapshot", **knobs: Any
) -> pd.DataFrame:
    """Every indicator series of ``ticker`` against ``benchmark``, one row per session up to ``as_of``.

    Args:
        ticker: a symbol in Yahoo's spelling (``"IWM"``, ``"^VIX"``, ``"BTC-USD"``).
        as_of: ``"YYYY-MM-DD"``; ``None`` for the latest session of the data.
        benchmark: ``None`` for the piece's default (SPY; RSP for SPY itself).
        source: ``"snapshot"`` (the bundled data, the default), ``"auto"``, ``"cache"``, ``"yahoo"``.
        **knobs: any knob of :data:`analysis.params.KNOBS` (``fast=20``, ``slow=100``, ``band_width=2.5``).

    Returns:
        The study's frame (:class:`analysis.model.study.Study`): ``close, adj_close, bench_close,
        bench_adj_close, sma_fast, sma_slow, phase, rm, rm_fast, rm_slow, rm_upper, rm_lower, rs,
        lead, lead_fast, lead_upper, lead_lower, closes_above, common``. ``attrs`` records
        ``ticker``, ``benchmark``, ``as_of`` and ``settings`` (the study's knobs).

    Raises:
        analysis.errors.InputError: a bad symbol, date or knob (the message says how to fix it).
    """
    request = _request(ticker, as_of, benchmark, source, knobs)
    built = studies.build(_market(request.source), request.ticker, request.benchmark, request.as_of, request.settings)
    frame = built.series.copy()
    frame.attrs = {
        "ticker": built.ticker,
        "benchmark": built.benchmark,
        "as_of": built.as_of.iso,
        "settings": dataclasses.asdict(built.settings),
    }
    return frame


def reading(
    ticker: str,
    as_of: str | None = None,
    *,
    benchmark: str | None = None,
    source: str = "snapshot",
    reports_dir: str | Path | None = None,
    **knobs: Any,
) -> dict:
    """The piece's whole reading of ``ticker`` as of ``as_of``: the JSON summary a piece publishes.

    Every number and sentence the piece states (``phase``, ``real_motion``, ``brief``,
    ``scenarios``, ``history``...; keys and meanings: ``docs/summary.md``), computed by
    :func:`analysis.summary.build` without a notebook. Its "since the last piece" compares with
    the newest earlier piece in ``reports_dir`` (default: the project's ``reports/``), else with
    five sessions back. Arguments as :func:`study`.
    """
    from analysis import summary

    request = _request(ticker, as_of, benchmark, source, knobs)
    if reports_dir is not None and not isinstance(reports_dir, str | Path):
        raise InputError(f"reports_dir {reports_dir!r} is not a folder's path;", 'pass e.g. "reports", or None.')
    return summary.build(request, _market(request.source), reports_dir=reports_dir).data


def onsets(condition: pd.Series) -> pd.DatetimeIndex:
    """The sessions on which ``condition`` starts to hold: true there, not true the session before.

    ``condition`` is a boolean Series on a study's sessions, e.g. ``frame["phase"] == "bullish"``
    (turns to a bullish phase) or ``frame["rm"] > frame["rm_fast"]`` (Real Motion crossing above
    its fast line). Missing values count as false; the first session is never an onset (the
    session before it is unknown). An event, not a state: the event studies count onsets.
    """
    if not isinstance(condition, pd.Series):
        raise InputError(
            f"onsets needs a Series of true and false on a study's sessions, got a {type(condition).__name__};",
            'pass e.g. onsets(frame["phase"] == "bullish").',
        )
    try:
        holds = condition.astype("boolean").fillna(False).to_numpy(bool)
    except (TypeError, ValueError):
        raise InputError(
            f"onsets needs a condition of true and false, got values of type {condition.dtype};",
            'compare a column to make one, e.g. onsets(frame["rm"] > 0).',
        ) from None
    if not isinstance(condition.index, pd.DatetimeIndex):  # its onsets would be row numbers read as 1970 dates
        raise InputError(
            "onsets needs a Series on a study's sessions, got one not indexed by date;",
            'pass e.g. onsets(frame["phase"] == "bullish").',
        )
    before = np.concatenate([[True], holds[:-1]])
    return pd.DatetimeIndex(condition.index[holds & ~before], name="event")


def _positions(events: pd.Series | Iterable[Any], index: pd.DatetimeIndex) -> np.ndarray:
    """Row numbers in ``index`` of ``events`` (a boolean mask on it, or dates in it), in order."""
    if isinstance(events, pd.Series) and events.dtype == bool:
        mask = events.reindex(index, fill_value=False).to_numpy(bool)
        return np.flatnonzero(mask)
    dates = pd.DatetimeIndex([_date(x) for x in events])
    found = index.get_indexer(dates)
    if (found < 0).any():
        missing = dates[found < 0][:3]
        raise InputError(
            f"{', '.join(d.date().isoformat() for d in missing)} {'is' if len(missing) == 1 else 'are'} not a session"
            " of the frame.",
            "Give events on the frame's own sessions (onsets(condition) finds them).",
        )
    return np.unique(found)


def _date(value: Any) -> pd.Timestamp:
    """An event's date, or :class:`InputError` naming what is not one."""
    try:
        return pd.Timestamp(value)
    except (TypeError, ValueError):
        raise InputError(
            f"{value!r} is not a date;", "give events as dates (YYYY-MM-DD) or a boolean Series."
        ) from None


def event_study(
    events: pd.Series | Iterable[Any],
    horizons: Sequence[int] = (5, 20, 60),
    *,
    frame: pd.DataFrame,
    returns: str = "total",
    min_n: int = 10,
) -> pd.DataFrame:
    """What followed ``events``, per horizon, against any session: the piece's event study for any condition.

    Args:
        events: the sessions of the events, a boolean Series on ``frame``'s sessions (true on
            each event) or dates (e.g. :func:`onsets`).
        horizons: sessions ahead at which the move is measured.
        frame: a frame of :func:`study` (its ``adj_close``/``close`` give the moves).
        returns: ``total`` (``adj_close``), ``price`` (``close``), ``points`` or ``basis_points``.
        min_n: fewer counted events than this are ``too_few`` (verdict ``too few``).

    Returns:
        One row per horizon: ``n`` events counted (windows complete and, per horizon, not
        overlapping: one is counted only ``h`` sessions or more after the last counted one),
        ``median`` and ``hit_rate`` (share above zero) of their moves; ``baseline_median``,
        ``baseline_hit_rate``, ``baseline_n`` of every session with a complete window; ``edge``
        (median minus baseline median) with its bootstrap 90% interval ``edge_low``/``edge_high``
        and ``verdict``; ``overlapping`` and ``open`` (window past the last session) events left out.
    """
    frame = _frame(frame, ("close",), "event_study")
    positions = _positions(events, frame.index)
    hs = forward.check_horizons(list(horizons), min_n)
    moves, baseline = forward.forward_and_baseline(frame, hs, returns)
    boot = {"min_n": min_n, "level": forward.LEVEL, "resamples": forward.RESAMPLES, "seed": forward.SEED}
    rows = [{"horizon": h, **forward.horizon_stats(positions, moves[h], h, baseline[h], **boot)} for h in hs]
    out = pd.DataFrame(rows).set_index("horizon")
    out.attrs["events"] = int(positions.size)
    return out


def event_window(values: pd.Series, events: pd.Series | Iterable[Any], k: int = 10) -> pd.DataFrame:
    """``values`` from ``k`` sessions before to ``k`` sessions after each event.

    One row per event (indexed by its session), one column per offset ``-k .. +k`` (0 is the
    event's session); offsets beyond either end of ``values`` are NaN. ``events`` as in
    :func:`event_study`. ``frame.mean()`` is the average path, ``frame.sub(frame[0], axis=0)``
    the path relative to the event's session.
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
        raise InputError(f"k must be a whole number of sessions >= 0, got {k!r};", "pass e.g. k=10.")
    if k > len(values):  # every column past the series would be NaN, and 10^9 of them a MemoryError
        raise InputError(f"k = {k} is longer than the series ({len(values)} sessions);", f"pass k <= {len(values)}.")
    positions = _positions(events, pd.DatetimeIndex(values.index))
    offsets = np.arange(-k, k + 1)
    at = positions[:, None] + offsets[None, :]
    data = np.full(at.shape, np.nan)
    inside = (at >= 0) & (at < len(values))
    data[inside] = values.to_numpy(float)[at[inside]]
    index = pd.DatetimeIndex(values.index[positions], name="event")
    return pd.DataFrame(data, index=index, columns=pd.Index(offsets, name="offset"))


def window_chart(window: pd.DataFrame, *, title: str, ylabel: str = "") -> Figure:
    """A Figure of an :func:`event_window`: each event's path (thin) and their median (bold), the event at 0."""
    from analysis.view.charts.research import window_chart as draw

    if not isinstance(window, pd.DataFrame) or window.empty or not pd.api.types.is_numeric_dtype(window.columns):
        raise InputError(
            f"window_chart draws an event window, got {type(window).__name__ if window is not None else None};",
            'pass analysis.event_window(frame["rm"], events) (with at least one event).',
        )
    return draw(window, title=str(title), ylabel=str(ylabel))


def history(
    ticker: str, as_of: str | None = None, *, benchmark: str | None = None, source: str = "snapshot", **knobs: Any
) -> pd.DataFrame:
    """The piece's "What history says" as a table: every trigger's record, one row per (trigger, horizon).

    Columns: ``trigger`` (the piece's words), ``direction``, ``occurrences``, ``last_occurrence``,
    then :func:`event_study`'s per horizon. Arguments as :func:`study`.
    """
    from analysis import summary

    request = _request(ticker, as_of, benchmark, source, knobs)
    data = summary.build(request, _market(request.source), parts=("facts", "history")).data
    rows = [
        {"id": t["id"], "trigger": t["trigger"], "direction": t["direction"], "occurrences": t["occurrences"]}
        | {"last_occurrence": t["last_occurrence"], "horizon": int(h), **stats}
        for t in data["history"]
        for h, stats in t["horizons"].items()
    ]
    return pd.DataFrame(rows).set_index(["id", "horizon"])


def scorecard(
    ticker: str, as_of: str | None = None, *, benchmark: str | None = None, source: str = "snapshot", **knobs: Any
) -> pd.DataFrame:
    """The piece's talking points as a table: one row per evidence item, with its talking point's score.

    Columns: ``scenario``, ``title``, ``score``, ``verdict`` (the talking point's), then the
    item's ``name``, ``value``, ``value_text``, ``rule``, ``reading`` and ``weight``. The piece's
    own scenario set (its profile's, or the ``scenarios_file`` knob's). Arguments as :func:`study`.
    """
    from analysis import summary

    request = _request(ticker, as_of, benchmark, source, knobs)
    data = summary.build(request, _market(request.source), parts=("facts", "scenarios")).data
    keys = ("name", "value", "value_text", "rule", "reading", "weight")
    rows = [
        {"scenario": sc["id"], "title": sc["title"], "score": sc["score"], "verdict": sc["verdict"]}
        | {k: e[k] for k in keys}
        for sc in data["scenarios"]
        for e in sc["evidence"]
    ]
    return pd.DataFrame(rows)


def phase_runs(frame: pd.DataFrame) -> pd.DataFrame:
    """Each run of one phase in a :func:`study` frame: ``phase, start, end, sessions, change`` (the
    close's change over the run, from the close before it began)."""
    return signals.phase_runs(_frame(frame, ("phase", "close"), "phase_runs"))


def signals_of(frame: pd.DataFrame, kind: str = "real_motion") -> pd.DataFrame:
    """The signals a research appendix marks, one row per (session, signal): ``date, signal``.

    ``kind``: ``real_motion`` (crossing its fast line, back inside its band), ``leadership``
    (crossing zero, leaving its band) or ``triggers`` (n closes above or below the fast average,
    the level cleared), with the frame's own knobs (``frame.attrs["settings"]``)."""
    needs = {"real_motion": "rm rm_fast rm_upper rm_lower", "leadership": "lead lead_upper lead_lower"}
    frame = _frame(frame, tuple(needs.get(kind, "close sma_fast").split()), "signals_of")
    settings = frame.attrs.get("settings", {})
    fast = settings.get("fast", 50)
    masks = {
        "real_motion": lambda: signals.real_motion_signals(frame, fast),
        "leadership": lambda: signals.leadership_signals(frame),
        "triggers": lambda: signals.trigger_signals(
            frame,
            fast=fast,
            confirm_n=settings.get("confirm_n", 2),
            level_window=settings.get("level_window", 22),
            level=settings.get("level"),
        ),
    }
    if kind not in masks:
        raise InputError(f"no signals of kind {kind!r};", f"use one of: {', '.join(masks)}.")
    return signals.fired(masks[kind]())


def research(
    name: str,
    ticker: str,
    as_of: str | None = None,
    *,
    benchmark: str | None = None,
    source: str = "snapshot",
    **knobs: Any,
) -> Any:
    """The object behind ``notebooks/<name>.ipynb`` (``phase``, ``real_motion``, ``leadership``,
    ``triggers``, ``scorecard``, ``history``, ``size``, ``macro``), built as the notebook builds it.

    Its ``series`` (and ``window``, the span drawn) are DataFrames; each chart method returns an
    output whose ``.figure`` is the matplotlib Figure (``research("real_motion", "IWM").chart().figure``);
    the other methods return the HTML the appendix shows. Arguments as :func:`study`.
    """
    from importlib import import_module

    from analysis.notebooks import NOTEBOOKS

    names = [nb.name for nb in NOTEBOOKS]
    if name not in names:
        raise InputError(f"no research notebook is called {name!r};", f"use one of: {', '.join(names)}.")
    module = import_module(f"analysis.view.research.{name}")
    cls = next(v for v in vars(module).values() if isinstance(v, type) and getattr(v, "NAME", None) == name)
    return cls.build(ticker, benchmark, as_of or "", source, **knobs)


def returns(frame: pd.DataFrame, *, total: bool = True) -> pd.DataFrame:
    """Daily returns of a :func:`study` frame's ticker and benchmark, a column each (named by their
    symbols), the first session dropped: the shape quantstats (a column) and vectorbt take.
    ``total``: from adjusted closes (dividends reinvested), else from traded closes. A level (a yield,
    a volatility index) has changes, not returns: an :class:`~analysis.errors.InputError` says so."""
    from analysis.model import profile

    which = ("adj_close", "bench_adj_close") if total else ("close", "bench_close")
    frame = _frame(frame, which, "returns")
    ticker, benchmark = frame.attrs.get("ticker", "ticker"), frame.attrs.get("benchmark", "benchmark")
    for symbol in (ticker, benchmark):
        assigned = profile.assign(symbol) if isinstance(symbol, str) and symbol not in ("ticker", "benchmark") else None
        if assigned is not None and assigned.level:  # ^IRX near zero "returned" over 1,000% in a day
            raise InputError(
                f"{symbol} is a level ({assigned.kind}), not a price: its daily changes are not returns (a yield near zero"
                " doubles in a day).",
                f"Take its changes instead, e.g. frame['{'close' if symbol == ticker else 'bench_close'}'].diff();"
                " returns() is for prices someone can hold.",
            )
    return daily_returns(*(frame[c] for c in which)).set_axis([ticker, benchmark], axis=1)


def export(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` (a study, an event window, :func:`returns`...) as CSV at ``path``; returns the path.

    Dates as ``YYYY-MM-DD``, numbers with full precision, the index as the first column."""
    from analysis.render.export import write_csv

    return write_csv(frame, path)
