"""The one contract every macro series (FRED ``Date,Value``) is read into, its one validation
step, what of it is public at an as-of date, and whether it is stale.

A *macro series* is a :class:`pandas.Series` of float64 values on a tz-naive, strictly
ascending, unique :class:`~pandas.DatetimeIndex` named ``date`` (the observation dates, at
midnight), named by its FRED id, with its provenance in ``series.attrs`` as for price frames:

``id``, ``title``, ``units``, ``frequency`` (daily | weekly | monthly), ``release`` (the rule
of :mod:`analysis.data.release`), ``revised`` (which vintage the values are), ``source``
(``snapshot`` | ``fred`` | ``cache``), ``source_detail`` (free text), ``first_date`` and
``last_date`` (ISO), ``notes`` (list of plain sentences: fallbacks, problems met).

Every value is finite: FRED's missing-value rows (``.`` or blank) are dropped when read.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.data import release
from analysis.data.kept import kept
from analysis.errors import DataError

#: The earliest plausible observation date (USREC starts 1854-12-01).
EARLIEST = pd.Timestamp("1850-01-01")
#: FRED's spellings of the date column: ``observation_date`` since late 2024, ``DATE`` before.
DATE_COLUMNS = ("date", "observation_date")
#: FRED's missing-value markers (holidays in daily series).
MISSING = (".", "")
#: Scheduled observations a daily series may miss (a bond-market holiday that is not a
#: federal one, such as Good Friday) before it counts as stale; weekly and monthly: none.
DAILY_SLACK = 3

#: The values each bundled series can take, with room to spare (its own extremes since 1854:
#: T10Y3M -1.89..5.18, DGS10 0.52..15.84, ICSA 162,000..6,137,000, UNRATE 2.5..14.8...). A
#: value outside is a corrupt file or download (FRED's -99999, a unit slip), never news.
PLAUSIBLE = {
    "T10Y3M": (-10.0, 10.0),
    "T10Y2Y": (-10.0, 10.0),
    "DGS10": (-5.0, 30.0),
    "BAMLH0A0HYM2": (0.0, 50.0),
    "ICSA": (10_000.0, 20_000_000.0),
    "UNRATE": (0.0, 50.0),
    "SAHMREALTIME": (-5.0, 30.0),
    "USREC": (0.0, 1.0),
    "NFCI": (-10.0, 20.0),
}

ATTRS = (
    "id",
    "title",
    "units",
    "frequency",
    "release",
    "revised",
    "source",
    "source_detail",
    "first_date",
    "last_date",
    "notes",
)


def _fail(file: str, line: int, what: str, fix: str) -> DataError:
    return DataError(f"{file} line {line}: {what}.", fix)


def parse(raw: pd.DataFrame, *, series_id: str, file: str, latest: dt.date | None = None, fix: str = "") -> pd.Series:
    """The validation step: ``raw`` (two columns, dates then values, as text) -> float Series.

    Accepts the bundled ``Date,Value`` and FRED's ``observation_date,<ID>`` (or ``DATE,<ID>``)
    headers. Drops FRED's missing-value rows (``.``, blank). Raises a one-line
    :class:`DataError` naming ``file``, the line (1 = the header) and the fix for: a header
    that is not date-then-value, a date that does not parse as ``YYYY-MM-DD``, a date not
    after the row before it (out of order or repeated), a value that is not a finite number,
    a date before :data:`EARLIEST` or after ``latest`` (default: tomorrow, UTC).
    """
    fix = fix or "Restore the file (git checkout, or delete the cache entry) or correct that row."
    columns = [str(c).strip() for c in raw.columns]
    if len(columns) != 2 or columns[0].lower() not in DATE_COLUMNS:
        raise DataError(
            f"{file}: header {','.join(columns)!r} is not Date,Value (or FRED's observation_date,{series_id}).", fix
        )
    lo, hi = PLAUSIBLE.get(series_id, (-np.inf, np.inf))
    latest_day = pd.Timestamp(latest or dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1))
    date_text = raw.iloc[:, 0].astype(str).str.strip()
    value_text = raw.iloc[:, 1].fillna("").astype(str).str.strip()
    dates = pd.to_datetime(date_text, format="%Y-%m-%d", errors="coerce")
    numbers = pd.to_numeric(value_text, errors="coerce").to_numpy(dtype=float)
    missing = value_text.isin(MISSING).to_numpy()
    day = dates.to_numpy()
    after = np.r_[True, day[1:] > day[:-1]] | np.r_[True, pd.isna(day[:-1])]
    problems = {  # check -> mask of failing rows, in the order they are reported on one line
        "date": pd.isna(day),
        "order": ~after & ~pd.isna(day),
        "range": ~pd.isna(day) & ((day < EARLIEST.to_datetime64()) | (day > latest_day.to_datetime64())),
        "value": ~missing & ~np.isfinite(numbers),
        "plausible": ~missing & np.isfinite(numbers) & ((numbers < lo) | (numbers > hi)),
    }
    first = {name: int(np.argmax(mask)) for name, mask in problems.items() if mask.any()}
    if first:
        name = min(first, key=lambda k: (first[k], list(problems).index(k)))
        i = first[name]
        shown = pd.Timestamp(day[i]).date() if name != "date" else None
        what = {
            "date": lambda: f"date {date_text.iloc[i]!r} is not a date (YYYY-MM-DD)",
            "order": lambda: (
                f"date {shown} is not after the row before it ({pd.Timestamp(day[i - 1]).date()}):"
                " dates must strictly increase, with no repeats"
            ),
            "range": lambda: f"date {shown} is out of range ({EARLIEST.date()} .. {latest_day.date()})",
            "value": lambda: f"value {value_text.iloc[i]!r} for {shown} is not a finite number",
            "plausible": lambda: (
                f"{series_id} value {value_text.iloc[i]} for {shown} is outside the plausible range {lo:g} .. {hi:g}"
                " of the series"
            ),
        }[name]()
        raise _fail(file, i + 2, what, fix)
    keep = ~missing
    index = pd.DatetimeIndex(dates[keep], name="date").as_unit("ns")
    return pd.Series(numbers[keep], index=index, name=series_id, dtype="float64")


def with_provenance(
    values: pd.Series, *, meta: dict, source: str, source_detail: str, notes: list[str] | None = None
) -> pd.Series:
    """``values`` with the contract's ``attrs`` (``meta``: the manifest entry of its id)."""
    if values.empty:
        raise DataError(f"{values.name} ({source}): no observations.", "Check the series id, or use the bundled copy.")
    out = values.copy()
    out.attrs = {
        "id": str(values.name),
        "title": meta.get("title", str(values.name)),
        "units": meta.get("units", ""),
        "frequency": meta.get("frequency", ""),
        "release": meta.get("release", ""),
        "revised": meta.get("revised", ""),
        "source": source,
        "source_detail": source_detail,
        "first_date": out.index[0].date().isoformat(),
        "last_date": out.index[-1].date().isoformat(),
        "notes": list(notes or []),
    }
    return out


def check(series: pd.Series) -> None:
    """Raise :class:`DataError` unless ``series`` meets the contract (tests and caches use it)."""
    problems = []
    if not isinstance(series.index, pd.DatetimeIndex) or series.index.tz is not None:
        problems.append("index is not a tz-naive DatetimeIndex")
    elif not (series.index.is_monotonic_increasing and series.index.is_unique):
        problems.append("dates are not strictly ascending")
    if str(series.dtype) != "float64":
        problems.append(f"dtype is {series.dtype}, not float64")
    elif len(series) and not np.isfinite(series.to_numpy()).all():
        problems.append("a value is not finite")
    missing = set(ATTRS) - set(series.attrs)
    if missing:
        problems.append(f"attrs lack {sorted(missing)}")
    if problems:
        raise DataError(f"macro series {series.name} breaks the contract: " + "; ".join(problems) + ".")


def known_since(series: pd.Series) -> pd.DatetimeIndex:
    """The day each observation became public, by the series' ``release`` rule (NaT: never as evidence)."""
    rule = series.attrs.get("release", "")
    if rule not in release.RULES:
        raise DataError(
            f"{series.name}: no release rule ({rule!r}), so what was public when cannot be told.",
            f"Add it to analysis/data/macro/manifest.toml: one of {', '.join(release.RULES)}.",
        )
    index = pd.DatetimeIndex(series.index).as_unit("ns")
    # the calendar work (holidays, BLS Fridays) takes 0.4 s in a fresh process: kept on disk by the dates it dates
    return kept("released", index.asi8.tobytes(), (rule,), lambda: release.released(rule, index), modules=RELEASE)


#: The module whose code dates a release (:func:`known_since`'s results are kept by it: :mod:`.kept`).
RELEASE = ("release.py",)


def known_by(series: pd.Series, as_of) -> pd.DataFrame:
    """The observations public on or before ``as_of``, with the day each became public.

    A frame on the observation dates (index ``date``) with columns ``value`` and
    ``known_since``; ``attrs`` are the series'. Rule: a piece as of session ``D`` is written
    after ``D``'s close and may use what was published on or before ``D``
    (``known_since <= D``). A ``hindsight`` series (USREC) yields no rows at any date.
    """
    since = known_since(series)
    mask = since.notna() & (since <= pd.Timestamp(as_of).normalize())
    frame = pd.DataFrame({"value": series.to_numpy()[mask], "known_since": since[mask]}, index=series.index[mask])
    frame.attrs = {**series.attrs, "notes": list(series.attrs.get("notes", []))}
    return frame


def visible(series: pd.Series, as_of) -> pd.Series:
    """:func:`known_by`'s values alone: the series as a reader at ``as_of`` could have had it."""
    known = known_by(series, as_of)
    out = known["value"].rename(series.name)
    out.attrs = known.attrs
    return out


def staleness(series: pd.Series, as_of) -> dict:
    """Whether the newest public observation is older than the series' schedule allows.

    Returns ``{"stale": bool, "reason": str, "newest": ISO | None, "due": ISO | None}``:
    ``due`` is the newest observation the release schedule would have published by
    ``as_of`` (:func:`analysis.data.release.due`); the series is stale when observations the
    schedule would have published after its newest one number more than the slack of its
    frequency (:data:`DAILY_SLACK` for daily series, 0 otherwise), or when nothing is
    public yet. ``reason`` says why in words ("" when not stale).
    """
    as_of = pd.Timestamp(as_of).normalize()
    rule, name = series.attrs.get("release", ""), series.name
    if rule == "hindsight":
        return {
            "stale": True,
            "reason": f"{name} is dated in hindsight: it is never evidence at an as-of date",
            "newest": None,
            "due": None,
        }
    known = known_by(series, as_of)
    expected = release.due(rule, as_of)
    due_iso = expected.date().isoformat() if expected is not None else None
    if known.empty:
        return {
            "stale": True,
            "reason": f"no {name} observation was public by {as_of.date()}"
            f" (the data starts {series.attrs.get('first_date', series.index[0].date() if len(series) else '?')})",
            "newest": None,
            "due": due_iso,
        }
    newest, since = known.index[-1], known["known_since"].iloc[-1]
    missed = release.count_due_after(rule, newest, as_of)
    slack = DAILY_SLACK if series.attrs.get("frequency") == "daily" else 0
    stale = missed > slack
    reason = ""
    if stale:
        next_due = release.release_date(rule, expected) if expected is not None else None
        reason = (
            f"{name} is stale: its newest observation public by {as_of.date()} is for {newest.date()}"
            f" (published {since.date()}), but the one for {due_iso} was due by {next_due.date()}"
            + (f"; this copy ends {series.attrs['last_date']}" if series.attrs.get("last_date") else "")
        )
    return {"stale": stale, "reason": reason, "newest": newest.date().isoformat(), "due": due_iso}
