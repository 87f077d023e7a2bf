"""The one price-frame contract every source is normalized to, and its validation.

A *price frame* is a :class:`pandas.DataFrame` with

* a tz-naive, strictly ascending, unique :class:`~pandas.DatetimeIndex` named ``date``
  (one row per trading session, at midnight);
* float columns ``open, high, low, close, adj_close, volume`` in that order, no NaN in
  ``close``/``adj_close``, all prices > 0;
* provenance in ``frame.attrs``: ``ticker``, ``source`` (``snapshot`` | ``yahoo`` | ``cache``),
  ``source_detail`` (free text), ``first_date`` and ``last_date`` (ISO strings),
  ``fully_adjusted`` (True when open/high/low/close are dividend-adjusted too, so ``close`` is
  not the traded close), ``price_only`` (True when the source had no Adj Close and
  ``adj_close`` is a copy of ``close``), and ``notes``: what normalization repaired.

Conventions downstream: price indicators read ``close``; returns read ``adj_close``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.data.screen import FACTOR, YIELD_POINTS, impossible_closes, impossible_prints
from analysis.errors import DataError

COLUMNS = ("open", "high", "low", "close", "adj_close", "volume")
PRICE_COLUMNS = ("open", "high", "low", "close", "adj_close")
#: A gap between two sessions longer than this many calendar days is noted in the provenance.
GAP_DAYS = 14
#: Rows a median of more than this many calendar days apart are not daily prices (a long weekend is 4).
SPARSE_DAYS = 4
#: No traded price reaches a trillion: a larger value is a corrupt file (and would overflow
#: the squares and products the indicators take).
MAX_PRICE = 1e12
#: A close repeated this many sessions in a row is a frozen feed, not a market (the bundled series'
#: longest run is 18, ^IRX near zero in 2011-2015; a listed fund's is 3).
FROZEN_RUN = 50

_ALIASES = {
    "date": "date",
    "datetime": "date",
    "open": "open",
    "high": "high",
    "low": "low",
    "close": "close",
    "volume": "volume",
    "adj close": "adj_close",
    "adj_close": "adj_close",
    "adjclose": "adj_close",
}


def _rename(raw: pd.DataFrame) -> pd.DataFrame:
    renamed = {c: _ALIASES.get(str(c).strip().lower(), str(c)) for c in raw.columns}
    return raw.rename(columns=renamed)


def _dates(dates) -> str:
    shown = ", ".join(pd.Timestamp(d).date().isoformat() for d in list(dates)[:3])
    return shown + (" ..." if len(dates) > 3 else "")


#: A stamp's UTC offset after its time of day (``2024-03-25 00:00:00+01:00``, ``...Z``).
_OFFSET = r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|[+-]\d{2}:?\d{2})$"


def _parse(dates: pd.Series) -> pd.DatetimeIndex:
    """ISO 8601 dates (NaT where unreadable). Stamps with different UTC offsets, as a tz-aware frame of a European or
    Australian listing saves them across a change of daylight-saving time (``+00:00`` in winter, ``+01:00`` in
    summer), are read at their local wall time, as a single offset is: the session's own date."""
    try:
        return pd.DatetimeIndex(pd.to_datetime(dates, format="ISO8601", errors="coerce", utc=False))
    except ValueError:  # "Mixed timezones detected": each stamp's own wall time
        local = dates.astype(str).str.strip().str.replace(_OFFSET, r"\1", regex=True)
        return pd.DatetimeIndex(pd.to_datetime(local, format="ISO8601", errors="coerce", utc=False))


def _index(raw: pd.Index, where: str) -> pd.DatetimeIndex:
    """The rows' dates as a tz-naive DatetimeIndex at midnight (ns); :class:`DataError` naming the
    rows whose date cannot be read (not ISO, or outside pandas' range, 1677-2262)."""
    if isinstance(raw, pd.DatetimeIndex):
        index = raw
        bad = np.flatnonzero(index.isna())
        if bad.size:  # a frame handed over with missing dates (NaT): the rows cannot be placed
            raise DataError(
                f"{where}: {bad.size} row(s) without a date: row(s) {', '.join(str(i + 1) for i in bad[:3])}"
                + (" ..." if bad.size > 3 else "")
                + ".",
                "Every row needs its session's date: fix or delete those rows (or use another SOURCE).",
            )
    else:
        index = _parse(pd.Series(raw, dtype=object))
        bad = np.flatnonzero(index.isna())
        if bad.size:
            shown = ", ".join(f"row {i + 1} ({str(raw[i])[:24]!r})" for i in bad[:3]) + (" ..." if bad.size > 3 else "")
            raise DataError(
                f"{where}: {bad.size} row(s) with a date that cannot be read: {shown}.",
                "Dates must be YYYY-MM-DD between 1677 and 2262, e.g. 2024-07-08: fix or delete those"
                " rows (or the file).",
            )
    if index.tz is not None:
        index = index.tz_localize(None)
    _refuse_intraday(index, where)
    try:
        return index.normalize().as_unit("ns")
    except (ValueError, OverflowError):  # outside pandas' nanosecond range
        bad = [i for i, day in enumerate(index) if not pd.Timestamp("1677-09-22") <= day <= pd.Timestamp("2262-04-11")]
        shown = ", ".join(f"row {i + 1} ({index[i].date().isoformat()})" for i in bad[:3]) + (
            " ..." if len(bad) > 3 else ""
        )
        raise DataError(
            f"{where}: {len(bad)} row(s) dated outside 1677-2262: {shown}.", "Fix or delete those rows (or the file)."
        ) from None


def normalize(
    raw: pd.DataFrame,
    *,
    ticker: str,
    source: str,
    source_detail: str = "",
    fully_adjusted: bool = False,
    positive: bool = True,
    origin: str = "",
) -> pd.DataFrame:
    """Return ``raw`` as a price frame (see the module docstring); never mutates ``raw``.

    Repairs, each recorded in ``attrs["notes"]``: unsorted rows are sorted; rows with no
    close are dropped; duplicated dates keep their last row; a missing ``Adj Close`` is
    replaced by ``Close`` (returns become price-only; so is an Adj Close column without a number);
    missing open/high/low take the close; missing or unreadable volume is 0; impossible prints (a
    high 10x the closes around it, a low above the high, a volume 1000x the usual...) are repaired
    or left out, naming the ticker and date
    (:func:`analysis.data.screen.impossible_prints`). Refuses (:class:`DataError`) a frame
    without a date index or a close column, with no rows, with a row whose date cannot be read,
    or with values no real series has (:func:`_refuse_corrupt`: infinite, above
    :data:`MAX_PRICE`, zero or negative prices when ``positive`` - all but yields -, negative
    volume, dates in the future) or an impossible close or adj_close, the last row's included
    (:func:`analysis.data.screen.impossible_closes`). ``origin`` (a file) is named in those errors.
    """
    frame = _rename(raw)
    if "date" in frame.columns:
        frame = frame.set_index("date")
    where = f"{ticker} ({source}{', ' + origin if origin else ''})"  # origin: the file, named in errors
    if "close" not in frame.columns:
        raise DataError(
            f"{where}: no Close column; found {', '.join(map(str, frame.columns)) or 'none'}.",
            "Expected Date,Open,High,Low,Close,Adj Close,Volume.",
        )
    index = _index(frame.index, where)
    notes: list[str] = []
    frame = frame.copy()
    frame.index = index
    frame.index.name = "date"
    frame, price_only = _columns(frame, notes)
    frame = _repair(frame, notes, where)
    _refuse_corrupt(frame, where, positive, clock=source != "snapshot")
    _refuse_sparse(frame.index, where)
    _refuse_impossible(frame, where, positive)
    frame, screened = impossible_prints(frame, positive=positive)
    notes += [f"{ticker}: {note}" for note in screened]
    notes += _gaps(frame.index)
    frame.attrs = {
        "ticker": ticker,
        "source": source,
        "source_detail": source_detail,
        "first_date": frame.index[0].date().isoformat(),
        "last_date": frame.index[-1].date().isoformat(),
        "fully_adjusted": bool(fully_adjusted),
        "price_only": bool(price_only),
        "notes": notes,
    }
    return frame


def _columns(frame: pd.DataFrame, notes: list[str]) -> tuple[pd.DataFrame, bool]:
    """The contract's columns, as floats, and whether returns are price-only: a missing Adj Close
    (or one without a single number in it) is the close, missing open/high/low the close, missing
    volume 0, each noted; what cannot be read as a number is NaN."""
    if "adj_close" in frame.columns and pd.to_numeric(frame["adj_close"], errors="coerce").isna().all():
        frame = frame.drop(columns="adj_close")  # a column left empty: no dividend-adjusted close at all
    price_only = "adj_close" not in frame.columns
    if price_only:
        frame["adj_close"] = frame["close"]
        notes.append("no Adj Close in the source: returns are price-only (dividends not included)")
    missing = [column for column in ("open", "high", "low") if column not in frame.columns]
    for column in missing:
        frame[column] = frame["close"]
    if missing:
        names = [c.title() for c in missing]
        listed = ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]
        notes.append(f"no {listed} in the source: the close stands in (the candles show closes only)")
    if "volume" not in frame.columns:  # 0 is "no volume" to every reader: no ratio, no bars, said here
        frame["volume"] = 0.0
        notes.append("no Volume in the source: volume is not read (no volume ratio, no volume bars)")
    return frame[list(COLUMNS)].apply(pd.to_numeric, errors="coerce").astype("float64"), price_only


def _repair(frame: pd.DataFrame, notes: list[str], where: str) -> pd.DataFrame:
    """Rows sorted by date, the last of duplicated dates kept, rows without a close dropped and
    gaps in the other columns filled, each repair noted; :class:`DataError` when no row is left."""
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
        notes.append("rows were not in date order: sorted")
    dupes = frame.index.duplicated(keep="last")
    if dupes.any():
        notes.append(f"{int(dupes.sum())} duplicated date(s) ({_dates(frame.index[dupes])}): kept the last row")
        frame = frame[~dupes]
    missing = frame["close"].isna()
    if missing.any():
        notes.append(f"{int(missing.sum())} row(s) without a close ({_dates(frame.index[missing])}): dropped")
        frame = frame[~missing]
    if frame.empty:
        raise DataError(f"{where}: no rows with prices.", "Check the ticker, or try another SOURCE.")
    adj_missing = frame["adj_close"].isna()
    if adj_missing.any():
        frame.loc[adj_missing, "adj_close"] = frame.loc[adj_missing, "close"]
        notes.append(f"{int(adj_missing.sum())} row(s) without Adj Close took Close")
    for column in ("open", "high", "low"):
        gaps = frame[column].isna()
        if gaps.any():
            notes.append(
                f"{int(gaps.sum())} row(s) without {column} ({_dates(frame.index[gaps])}): the close stands in"
            )
        frame[column] = frame[column].fillna(frame["close"])
    unread = frame["volume"].isna()
    if unread.any():  # an empty or unreadable cell ('1.2M'): no volume that day, said
        notes.append(f"{int(unread.sum())} row(s) without volume ({_dates(frame.index[unread])}): no volume that day")
    frame["volume"] = frame["volume"].fillna(0.0)
    return frame


def _gaps(index: pd.DatetimeIndex) -> list[str]:
    """A note for each gap between sessions longer than :data:`GAP_DAYS` calendar days."""
    gaps = index.to_series().diff().dt.days
    long_gaps = gaps[gaps > GAP_DAYS]
    return [
        f"a gap of {int(days)} calendar days in the data before {day.date().isoformat()}"
        for day, days in long_gaps.items()
    ]


def _frozen(close: pd.Series) -> pd.Series:
    """The rows whose close repeats that of each of the :data:`FROZEN_RUN` sessions before them."""
    same = close.diff().eq(0)
    return same.groupby((~same).cumsum()).cumsum() >= FROZEN_RUN


def _refuse_corrupt(frame: pd.DataFrame, where: str, positive: bool, *, clock: bool = True) -> None:
    """:class:`DataError` naming the first rows that no real price series has: infinite or absurd
    values, zero or negative prices (``positive``: all but yields), negative volume, future dates
    (``clock``: not in the bundled snapshot, whose dates git vouches for; a clock set behind them
    called it corrupt, or not, as its parsed frame was kept or not: the twentieth hostile pass)."""
    fix = "The data is corrupt: fix or delete those rows (or the file), or use another SOURCE."
    values = frame[list(COLUMNS)]
    checks = [
        (~np.isfinite(values).all(axis=1), "with an infinite value"),
        ((frame[list(PRICE_COLUMNS)].abs() > MAX_PRICE).any(axis=1), f"with a price above {MAX_PRICE:.0e}"),
        ((frame[list(PRICE_COLUMNS)] <= 0).any(axis=1) if positive else None, "with zero or negative prices"),
        (frame["volume"] < 0, "with a negative volume"),
        (_frozen(frame["close"]), f"repeating the close of the {FROZEN_RUN} sessions before them (a frozen feed)"),
        # a day of slack: a UTC-dated series (BTC-USD) can show tomorrow's session in the evening
        (frame.index > pd.Timestamp(dt.date.today() + dt.timedelta(days=1)) if clock else None, "dated in the future"),
    ]
    for bad, what in checks:
        if bad is not None and bad.any():
            hint = NOT_POSITIVE if what == "with zero or negative prices" else fix
            raise DataError(f"{where}: {int(bad.sum())} row(s) {what} ({_dates(frame.index[bad])}).", hint)


#: The hint for rows that are not one a session (weekly, monthly, intraday).
DAILY = "Give daily prices (one row per trading session), or use another SOURCE."
#: The hint for a price at or below zero, which may be real (WTI's May 2020 future settled at -37.63)
#: but cannot be read: every move, band and ratio here is a fraction of a price above zero.
NOT_POSITIVE = (
    "A price series here must stay above zero (moves are read as fractions of the close; a future that"
    " settled below zero, as WTI's did in April 2020, cannot be): fix or delete those rows, or use another SOURCE."
)


def _refuse_intraday(index: pd.DatetimeIndex, where: str) -> None:
    """:class:`DataError` for rows that share a date at different times of day: intraday bars, whose last
    bar of a day would stand for the day (its open, high, low and a 390th of its volume)."""
    stamps = index.unique()  # a file given twice repeats its rows, not its days' times
    if stamps.normalize().has_duplicates:
        day = stamps[stamps.normalize().duplicated()][0]
        raise DataError(
            f"{where}: {len(index)} rows at different times of the same days (e.g. {day.date().isoformat()}:"
            f" intraday bars?); a piece reads one row per session.",
            DAILY,
        )


def _refuse_sparse(index: pd.DatetimeIndex, where: str) -> None:
    """:class:`DataError` for rows a median of more than :data:`SPARSE_DAYS` calendar days apart: weekly or
    monthly prices, whose every move a piece would call a day's and whose 50 rows it would call a 50-DMA."""
    if len(index) < 3:
        return
    step = float(index.to_series().diff().dt.days.median())
    if step > SPARSE_DAYS:
        raise DataError(
            f"{where}: its rows are a median {step:g} calendar days apart (weekly or monthly prices?), from"
            f" {index[0].date().isoformat()} to {index[-1].date().isoformat()}; a piece reads one row per session.",
            DAILY,
        )


def _refuse_impossible(frame: pd.DataFrame, where: str, positive: bool) -> None:
    """:class:`DataError` naming the rows whose close or adj_close is impossible
    (:func:`analysis.data.screen.impossible_closes`): nothing can repair them, and a piece
    would make news of them (a record high, a return of +198,504%)."""
    found = impossible_closes(frame, positive=positive)
    if found:
        rule = (
            f"more than {FACTOR:g}x away from the rows next to it" if positive else f"more than {YIELD_POINTS:g} points"
        )
        raise DataError(
            f"{where}: {len(found)} impossible value(s) ({rule}, or far beyond the series' own daily moves,"
            f" like a split the data does not adjust for):"
            f" {'; '.join(found[:3])}{' ...' if len(found) > 3 else ''}.",
            "The data is corrupt: fix or delete those rows (or the file), or use another SOURCE.",
        )


def check(frame: pd.DataFrame) -> None:
    """Raise :class:`DataError` unless ``frame`` meets the contract (used by tests and caches)."""
    problems = []
    if tuple(frame.columns) != COLUMNS:
        problems.append(f"columns {list(frame.columns)} != {list(COLUMNS)}")
    if not isinstance(frame.index, pd.DatetimeIndex) or frame.index.tz is not None:
        problems.append("index is not a tz-naive DatetimeIndex")
    elif not (frame.index.is_monotonic_increasing and frame.index.is_unique):
        problems.append("dates are not strictly ascending")
    if any(str(t) != "float64" for t in frame.dtypes):
        problems.append("columns are not all float64")
    if len(frame) and frame[["close", "adj_close"]].isna().any().any():
        problems.append("NaN in close/adj_close")
    missing = {"ticker", "source", "last_date"} - set(frame.attrs)
    if missing:
        problems.append(f"attrs lack {sorted(missing)}")
    if problems:
        raise DataError("price frame breaks the contract: " + "; ".join(problems) + ".")


def until(frame: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Rows up to and including ``as_of`` (no look-ahead), provenance kept."""
    cut = frame.loc[: pd.Timestamp(as_of)]
    cut.attrs = dict(frame.attrs)
    return cut
