"""The economy behind the talking points: readings and measures of FRED series, as known at a date.

Everything here is a pure function of series that were *public* at the as-of date
(:func:`analysis.data.series.known_by`: a piece as of session ``D`` uses the observations
published on or before ``D``), so no reading can run ahead of what a reader had that day.
The measures take a plain float Series of such observations (see :func:`public`) and return
plain dicts (ISO dates, floats, ``None`` where there is nothing to measure), ready for JSON.

* :func:`readings` - per FRED id: the newest public value, its date, when it became public,
  title, units, stale (and why);
* :func:`curve` (T10Y3M), :func:`credit` (BAMLH0A0HYM2), :func:`claims` (ICSA),
  :func:`sahm` (SAHMREALTIME), :func:`nfci` (NFCI): the measures the evidence reads, each
  with its formula in its docstring; :func:`measures` computes all of them at a date;
* :func:`uninversions` - every "the curve un-inverts" event (what followed each:
  :func:`analysis.model.macro_events.uninversion_study`), and :func:`recessions` - NBER
  recession spans for shading (dated in hindsight: never evidence).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any, TypeAlias, cast

import numpy as np
import pandas as pd

from analysis.data.fred import Macro
from analysis.data.series import known_by, staleness
from analysis.model.types import SummaryDict

#: A session as the callers pass it: a Timestamp, a date or an ISO string.
AsOfDate: TypeAlias = pd.Timestamp | dt.date | str

#: The series a piece reads as evidence (USREC is hindsight only, so it is not here).
EVIDENCE_IDS = ("T10Y3M", "T10Y2Y", "DGS10", "BAMLH0A0HYM2", "ICSA", "UNRATE", "SAHMREALTIME", "NFCI")
#: The Sahm rule's trigger: the 3-month average unemployment rate 0.5 points above its 12-month low.
SAHM_TRIGGER = 0.5
#: How recession shading is labelled wherever it is drawn.
RECESSION_LABEL = "NBER recessions, dated in hindsight"


def _iso(day: Any) -> str | None:
    return None if day is None or pd.isna(day) else pd.Timestamp(day).date().isoformat()


def num(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def public(store: Macro, series_id: str, as_of: AsOfDate) -> pd.Series:
    """The observations of ``series_id`` public by ``as_of``, as a float Series (attrs kept)."""
    known = known_by(store.series(series_id), as_of)
    out = known["value"].rename(series_id)
    out.attrs = known.attrs
    return out


def readings(store: Macro, as_of: AsOfDate, ids: tuple[str, ...] = EVIDENCE_IDS) -> dict[str, SummaryDict]:
    """Per FRED id, what a reader at ``as_of`` had: ``{id: {value, date, known_since, title,
    units, stale, stale_reason, source, revised}}``.

    ``value`` is the newest observation public by ``as_of``, ``date`` its observation date,
    ``known_since`` the day it was published (ISO strings). A series that cannot be loaded,
    or with nothing public yet, has ``value``/``date``/``known_since`` ``None`` and
    ``stale`` True with the reason.
    """
    out: dict[str, SummaryDict] = {}
    for series_id in ids:
        series, why = store.maybe(series_id)
        if series is None:
            out[series_id] = {
                "value": None,
                "date": None,
                "known_since": None,
                "title": series_id,
                "units": "",
                "stale": True,
                "stale_reason": why,
                "source": None,
                "revised": "",
            }
            continue
        known = known_by(series, as_of)
        state = staleness(series, as_of)
        last = known.iloc[-1] if len(known) else None
        out[series_id] = {
            "value": None if last is None else float(last["value"]),
            "date": None if last is None else _iso(known.index[-1]),
            "known_since": None if last is None else _iso(last["known_since"]),
            "title": series.attrs["title"],
            "units": series.attrs["units"],
            "stale": state["stale"],
            "stale_reason": state["reason"],
            "source": series.attrs["source"],
            "revised": series.attrs["revised"],
        }
    return out


# --- the yield curve ---------------------------------------------------------------------------


def monthly_mean(values: pd.Series) -> pd.Series:
    """Calendar-month averages of the observations (index: the 1st of each month; NaN-free)."""
    return values.resample("MS").mean().dropna()


def inverted_run_before(values: pd.Series) -> pd.Series:
    """For each observation, the run of consecutive complete months before its month whose average is below 0.

    ``run[t]`` = the number of months ``m-1, m-2, ...`` (``m`` = the month of ``t``) with
    ``mean < 0``, back to the first that is not; only months before ``t``'s are counted, so it
    uses nothing after ``t``. A month without observations ends a run.
    """
    means = values.resample("MS").mean()
    below = (means < 0).to_numpy()
    run = np.zeros(len(below), dtype=int)
    for i in range(1, len(below)):
        run[i] = run[i - 1] + 1 if below[i - 1] else 0
    by_month = pd.Series(run, index=means.index)
    return pd.Series(
        by_month.reindex(cast(pd.DatetimeIndex, values.index).to_period("M").to_timestamp()).to_numpy(),
        index=values.index,
    )


def uninversions(values: pd.Series, min_months: int = 3) -> pd.DataFrame:
    """Every "the curve un-inverts" event: back above 0 after at least ``min_months`` inverted months.

    An event is the first observation ``t`` with ``value[t] > 0`` while
    :func:`inverted_run_before` ``>= min_months``, once per run (a run is identified by its
    first month; blips above 0 later in the same run, or the next sessions, do not fire
    again). Monthly averages, not single days, define the inversion, so one noisy session
    does not end it. Index: the event's observation date; columns ``run_start`` (first
    inverted month), ``run_months``. Uses only observations up to each event.
    """
    runs = inverted_run_before(values).to_numpy()
    # only the observations that could fire are visited (a few per un-inversion, not every day)
    candidates = np.flatnonzero((values.to_numpy() > 0) & (runs >= min_months))
    days = cast(pd.DatetimeIndex, values.index[candidates])
    months = days.to_period("M").to_timestamp()
    rows, fired = [], set()
    for day, month, run in zip(days, months, runs[candidates]):
        start = month - pd.DateOffset(months=int(run))
        if start in fired:
            continue
        fired.add(start)
        rows.append((day, start, int(run)))
    frame = pd.DataFrame(rows, columns=["date", "run_start", "run_months"]).set_index("date")
    return frame


def curve(values: pd.Series, *, window_months: int = 24, min_months: int = 3) -> SummaryDict:
    """The 10-year minus 3-month curve (T10Y3M, percentage points) at its newest observation.

    * ``value``, ``date``: the newest observation; ``inverted``: ``value < 0``;
    * ``months_inverted``: of the ``window_months`` complete calendar months before the
      newest observation's month, those whose average is below 0 (of ``window_months``);
    * ``inverted_months`` / ``inverted_since``: the current run of consecutive such months
      ending with the last complete month (0 / ``None`` when the last month was not inverted);
    * ``last_uninversion``: the newest :func:`uninversions` event up to the newest observation,
      ``{date, run_start, run_months}`` or ``None``, and ``months_since_uninversion``
      (calendar months from it to the newest observation).
    ``None`` everywhere when ``values`` is empty.
    """
    out: SummaryDict = {
        "value": None,
        "date": None,
        "inverted": None,
        "months_inverted": None,
        "window_months": window_months,
        "inverted_months": 0,
        "inverted_since": None,
        "last_uninversion": None,
        "months_since_uninversion": None,
        "min_months": min_months,
    }
    if values.empty:
        return out
    day = values.index[-1]
    month = day.to_period("M").to_timestamp()
    means = monthly_mean(values)
    window = means[(means.index < month) & (means.index >= month - pd.DateOffset(months=window_months))]
    run = int(inverted_run_before(values).iloc[-1])
    events = uninversions(values, min_months)
    out.update(
        value=float(values.iloc[-1]),
        date=_iso(day),
        inverted=bool(values.iloc[-1] < 0),
        months_inverted=int((window < 0).sum()),
        inverted_months=run,
        inverted_since=_iso(month - pd.DateOffset(months=run)) if run else None,
    )
    if len(events):
        last = events.iloc[-1]
        out["last_uninversion"] = {
            "date": _iso(events.index[-1]),
            "run_start": _iso(last["run_start"]),
            "run_months": int(last["run_months"]),
        }
        out["months_since_uninversion"] = (day.year - events.index[-1].year) * 12 + day.month - events.index[-1].month
    return out


# --- credit, labour, financial conditions ---------------------------------------------------------


def change_over(values: pd.Series, months: int) -> tuple[float | None, str | None]:
    """``value[now] - value[then]``, ``then`` the newest observation on or before now minus ``months`` calendar months."""
    if values.empty:
        return None, None
    earlier = values.loc[: values.index[-1] - pd.DateOffset(months=months)]
    if earlier.empty:
        return None, None
    return round(float(values.iloc[-1] - earlier.iloc[-1]), 10), _iso(earlier.index[-1])


def credit(values: pd.Series, *, months: int = 3) -> SummaryDict:
    """High-yield option-adjusted spread (BAMLH0A0HYM2, percentage points).

    ``value``/``date``: the newest observation; ``change``: ``value - value[then]`` with
    ``then`` the newest observation on or before ``date - months`` calendar months
    (``change_from`` its date); ``None`` when there is no such observation.
    """
    change, since = change_over(values, months)
    return {
        "value": num(values.iloc[-1]) if len(values) else None,
        "date": _iso(values.index[-1]) if len(values) else None,
        "change": change,
        "change_from": since,
        "months": months,
    }


def claims(values: pd.Series, *, avg_weeks: int = 4, low_weeks: int = 52) -> SummaryDict:
    """Initial claims (ICSA, weekly): the ``avg_weeks``-week average against its ``low_weeks``-week low.

    ``avg = mean(ICSA over the last avg_weeks observations)``; ``low`` = the minimum of that
    average over the last ``low_weeks`` observations, the newest included (``low_date`` the
    week it was set); ``pct_above_low = avg / low - 1``. ``None`` until ``avg_weeks``
    observations exist; the low uses the weeks there are (at least one average).
    """
    out: SummaryDict = {
        "value": None,
        "date": None,
        "avg": None,
        "low": None,
        "low_date": None,
        "pct_above_low": None,
        "avg_weeks": avg_weeks,
        "low_weeks": low_weeks,
    }
    if values.empty:
        return out
    avg = values.rolling(avg_weeks).mean()
    window = avg.iloc[-low_weeks:].dropna()
    out.update(value=float(values.iloc[-1]), date=_iso(values.index[-1]))
    if pd.isna(avg.iloc[-1]) or window.empty:
        return out
    low_day = window.idxmin()
    out.update(
        avg=float(avg.iloc[-1]),
        low=float(window.min()),
        low_date=_iso(low_day),
        pct_above_low=float(avg.iloc[-1] / window.min() - 1.0),
    )
    return out


def sahm(values: pd.Series, *, months: int = 3) -> SummaryDict:
    """Real-time Sahm rule indicator (SAHMREALTIME, percentage points; 0.5 is the trigger).

    ``value``/``date``: the newest observation; ``change``: ``value - value[then]`` with
    ``then`` the newest observation on or before ``date - months`` months (``change_from``);
    ``triggered``: ``value >= 0.5`` (:data:`SAHM_TRIGGER`).
    """
    change, since = change_over(values, months)
    value = num(values.iloc[-1]) if len(values) else None
    return {
        "value": value,
        "date": _iso(values.index[-1]) if len(values) else None,
        "change": change,
        "change_from": since,
        "months": months,
        "trigger": SAHM_TRIGGER,
        "triggered": None if value is None else bool(value >= SAHM_TRIGGER - 1e-12),
    }


def nfci(values: pd.Series) -> SummaryDict:
    """Chicago Fed NFCI (weekly, average 0): ``value``/``date`` and ``tighter`` = ``value > 0``
    (financial conditions tighter than their average since 1971)."""
    value = num(values.iloc[-1]) if len(values) else None
    return {
        "value": value,
        "date": _iso(values.index[-1]) if len(values) else None,
        "tighter": None if value is None else bool(value > 0),
    }


#: Each measure, the series it reads and the function.
MEASURES: dict[str, tuple[str, Callable[[pd.Series], SummaryDict]]] = {
    "curve": ("T10Y3M", curve),
    "credit": ("BAMLH0A0HYM2", credit),
    "claims": ("ICSA", claims),
    "sahm": ("SAHMREALTIME", sahm),
    "nfci": ("NFCI", nfci),
}


def measures(store: Macro, as_of: AsOfDate) -> dict[str, SummaryDict]:
    """Every measure of :data:`MEASURES` over what was public at ``as_of``.

    ``{name: {...the measure's fields..., id, known_since, stale, stale_reason, started}}``, where
    ``known_since`` is the publication day of the newest observation used and ``started`` whether
    any observation was public by ``as_of`` (False before a series' first release: not stale, not
    yet published). A series that cannot be loaded gives ``{id, value: None, stale: True,
    stale_reason, started: None}``.
    """
    out: dict[str, SummaryDict] = {}
    for name, (series_id, function) in MEASURES.items():
        series, why = store.maybe(series_id)
        if series is None:
            out[name] = {
                "id": series_id,
                "value": None,
                "date": None,
                "known_since": None,
                "stale": True,
                "stale_reason": why,
                "started": None,
            }
            continue
        known = known_by(series, as_of)
        state = staleness(series, as_of)
        out[name] = {
            "started": len(known) > 0,
            **function(known["value"]),
            "id": series_id,
            "known_since": _iso(known["known_since"].iloc[-1]) if len(known) else None,
            "stale": state["stale"],
            "stale_reason": state["reason"],
        }
    return out


def recessions(store: Macro) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """NBER recession spans from USREC, for shading only (:data:`RECESSION_LABEL`: dated in hindsight).

    ``[(start, end), ...]``: ``start`` the 1st of the first month with USREC = 1, ``end`` the
    last day of the last such month of the run. Never use these at an as-of date: the NBER
    announces peaks and troughs months or years later.
    """
    usrec = store.series("USREC")
    flags = (usrec > 0.5).to_numpy()
    spans, start = [], None
    for day, flag in zip(usrec.index, flags):
        if flag and start is None:
            start = day
        elif not flag and start is not None:
            spans.append((start, day - pd.Timedelta(days=1)))
            start = None
    if start is not None:
        spans.append((start, usrec.index[-1] + pd.offsets.MonthEnd(0)))
    return spans
