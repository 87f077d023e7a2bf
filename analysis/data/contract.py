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

import pandas as pd

from analysis.data.screen import impossible_prints
from analysis.errors import DataError

COLUMNS = ("open", "high", "low", "close", "adj_close", "volume")
PRICE_COLUMNS = ("open", "high", "low", "close", "adj_close")
#: A gap between two sessions longer than this many calendar days is noted in the provenance.
GAP_DAYS = 14

_ALIASES = {
    "date": "date", "datetime": "date",
    "open": "open", "high": "high", "low": "low", "close": "close", "volume": "volume",
    "adj close": "adj_close", "adj_close": "adj_close", "adjclose": "adj_close",
}


def _rename(raw: pd.DataFrame) -> pd.DataFrame:
    renamed = {c: _ALIASES.get(str(c).strip().lower(), str(c)) for c in raw.columns}
    return raw.rename(columns=renamed)


def _dates(dates) -> str:
    shown = ", ".join(pd.Timestamp(d).date().isoformat() for d in list(dates)[:3])
    return shown + (" ..." if len(dates) > 3 else "")


def normalize(raw: pd.DataFrame, *, ticker: str, source: str, source_detail: str = "",
              fully_adjusted: bool = False, positive: bool = True) -> pd.DataFrame:
    """Return ``raw`` as a price frame (see the module docstring); never mutates ``raw``.

    Repairs, each recorded in ``attrs["notes"]``: unsorted rows are sorted; rows with no
    close are dropped; duplicated dates keep their last row; a missing ``Adj Close`` is
    replaced by ``Close`` (returns become price-only); missing open/high/low take the close;
    missing volume is 0; impossible prints (a high 10x the closes around it, a low above the
    high...) are repaired or flagged, naming the ticker and date
    (:func:`analysis.data.screen.impossible_prints`). Refuses (:class:`DataError`) a frame
    without a date index or a close column, with no rows, or - when ``positive`` (all but
    yields) - with zero or negative prices.
    """
    frame = _rename(raw)
    if "date" in frame.columns:
        frame = frame.set_index("date")
    where = f"{ticker} ({source})"
    if "close" not in frame.columns:
        raise DataError(f"{where}: no Close column; found {', '.join(map(str, frame.columns)) or 'none'}.",
                        "Expected Date,Open,High,Low,Close,Adj Close,Volume.")
    try:
        index = pd.DatetimeIndex(pd.to_datetime(frame.index))
    except (ValueError, TypeError) as exc:
        raise DataError(f"{where}: dates could not be read ({exc}).", "Dates must be ISO, e.g. 2024-07-08.") from None
    if index.tz is not None:
        index = index.tz_localize(None)
    notes: list[str] = []
    frame = frame.copy()
    frame.index = index.normalize().as_unit("ns")
    frame.index.name = "date"
    price_only = "adj_close" not in frame.columns
    if price_only:
        frame["adj_close"] = frame["close"]
        notes.append("no Adj Close in the source: returns are price-only (dividends not included)")
    for column in ("open", "high", "low"):
        if column not in frame.columns:
            frame[column] = frame["close"]
    if "volume" not in frame.columns:
        frame["volume"] = 0.0
    frame = frame[list(COLUMNS)].apply(pd.to_numeric, errors="coerce").astype("float64")

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
        frame[column] = frame[column].fillna(frame["close"])
    frame["volume"] = frame["volume"].fillna(0.0)

    bad = (frame[list(PRICE_COLUMNS)] <= 0).any(axis=1)
    if positive and bad.any():
        raise DataError(f"{where}: {int(bad.sum())} row(s) with zero or negative prices ({_dates(frame.index[bad])}).",
                        "The data is corrupt: fix or delete the file, or use another SOURCE.")
    frame, screened = impossible_prints(frame, positive=positive)
    notes += [f"{ticker}: {note}" for note in screened]
    gaps = frame.index.to_series().diff().dt.days
    long_gaps = gaps[gaps > GAP_DAYS]
    for day, days in long_gaps.items():
        notes.append(f"a gap of {int(days)} calendar days in the data before {day.date().isoformat()}")

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
