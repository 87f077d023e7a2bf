"""When an observation becomes public: one rule per series, pure functions of dates.

A FRED observation is *dated* by the period it measures (a session, a week, a month); it
is *public* from the day its source releases it. A piece as of session ``D`` (written after
that session's close) may use every observation public on or before ``D``, and nothing
else (:func:`analysis.data.series.known_by`). Each series' rule is named in
``analysis/data/macro/manifest.toml`` (``release = ...``):

``next_business_day``  Treasury and credit daily series (T10Y3M, T10Y2Y, DGS10,
    BAMLH0A0HYM2): the next business day after the observation date (the Board's H.15 and
    ICE's close are posted the following business day).
``claims_thursday``  ICSA, dated the Saturday that ends its week: the Thursday after
    (Saturday + 5 days); when that Thursday is a federal holiday (Thanksgiving, or
    Christmas, New Year's Day, July 4, Juneteenth, Veterans Day falling on a Thursday), the
    business day before, as the Labor Department does.
``bls_employment``  UNRATE and SAHMREALTIME, dated the 1st of their month: the BLS
    Employment Situation day for that month (:func:`bls_release`): usually, not always,
    the first Friday of the next month.
``nfci_wednesday``  NFCI, dated the Friday that ends its week: the Wednesday after
    (Friday + 5 days), or the next business day when that Wednesday is a holiday.
``hindsight``  USREC: the NBER dates recessions months or years after the fact, so no
    observation is ever public *as evidence at an as-of date* (:func:`released` gives NaT);
    it shades history in charts, labelled "dated in hindsight".

Business days are weekdays that are not US federal holidays as observed (pandas'
``USFederalHolidayCalendar``: a Saturday holiday is observed on the Friday before, a Sunday
one on the Monday after). Closures by executive order (e.g. 2020-12-24) are not in it: on
those days the rules may say a release came a day later than it did, never earlier.
``docs/macro.md`` gives every rule, its exceptions and why.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar

from analysis.data.kept import kept

RULES = ("next_business_day", "claims_thursday", "bls_employment", "nfci_wednesday", "hindsight")

#: Employment Situation releases that the BLS rule below does not give, by reference month:
#: the October 2013 and 2025 federal shutdowns, and the lapse of early February 2026.
#: 2025-10 had no household survey at all (no UNRATE, no SAHMREALTIME for it); should a
#: later vintage carry a value, it is dated by the first release that could have held it.
BLS_IRREGULAR = {
    "2013-09": "2013-10-22",
    "2013-10": "2013-11-08",
    "2025-09": "2025-11-20",
    "2025-10": "2025-12-16",
    "2025-11": "2025-12-16",
    "2026-01": "2026-02-11",
}
#: Weekly claims the Labor Department did not publish on their Thursday: its weekly report was
#: suspended in the shutdown of October-November 2025 (the last before it on 2025-09-25, for the
#: week ending 2025-09-20) and resumed on 2025-11-20, when "the complete data series" of the weeks
#: ending 2025-09-27 to 2025-11-08 came out with it (only the week ending 2025-10-18 leaked two days
#: earlier, "released prematurely": the rule may say a day late, never early).
CLAIMS_IRREGULAR = {str(week.date()): "2025-11-20" for week in pd.date_range("2025-09-27", "2025-11-08", freq="W-SAT")}
#: Reference months for which no figure was ever published (not "due" for staleness).
BLS_NOT_PUBLISHED = frozenset({"2025-10"})

_CALENDAR_SPAN = ("1840-01-01", "2100-12-31")


@functools.cache
def _holidays() -> np.ndarray:
    """US federal holidays as observed, 1840-2100, as sorted ``datetime64[D]``."""

    def compute() -> np.ndarray:
        days = USFederalHolidayCalendar().holidays(*_CALENDAR_SPAN)
        return np.asarray(days.values.astype("datetime64[D]"))

    return kept("holidays", b"", _CALENDAR_SPAN, compute, modules=("release.py",))  # 0.2 s in a fresh process


def _days(dates) -> np.ndarray:
    return np.asarray(pd.DatetimeIndex(dates).values.astype("datetime64[D]"))


def _index(days: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(days.astype("datetime64[ns]"))


def is_business_day(dates) -> np.ndarray:
    """True for weekdays that are not (observed) US federal holidays."""
    return np.is_busday(_days(dates), holidays=_holidays())


def next_business_day(dates) -> pd.DatetimeIndex:
    """The first business day strictly after each date (Friday -> Monday, a holiday skipped)."""
    return _index(np.busday_offset(_days(dates) + 1, 0, roll="forward", holidays=_holidays()))


def previous_business_day(dates) -> pd.DatetimeIndex:
    """The last business day strictly before each date."""
    return _index(np.busday_offset(_days(dates) - 1, 0, roll="backward", holidays=_holidays()))


def claims_release(dates) -> pd.DatetimeIndex:
    """ICSA: the Thursday after the week ending on the observation's Saturday.

    ``saturday = date + (5 - weekday) mod 7`` (the Saturday ending its week, the date itself
    for the Saturdays FRED uses), release = ``saturday + 5 days``; if that Thursday is not a
    business day, the business day before it (e.g. Thanksgiving -> Wednesday); the weeks of
    :data:`CLAIMS_IRREGULAR` on the day they came out.
    """
    days = _days(dates)
    weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday: Monday = 0
    thursday = days + ((5 - weekday) % 7) + 5
    closed = ~np.is_busday(thursday, holidays=_holidays())
    out = np.where(closed, np.busday_offset(thursday, 0, roll="backward", holidays=_holidays()), thursday)
    saturday = thursday - 5
    for week, day in CLAIMS_IRREGULAR.items():  # the shutdown's late releases
        out = np.where(saturday == np.datetime64(week), np.datetime64(day), out)
    return _index(out)


def nfci_release(dates) -> pd.DatetimeIndex:
    """NFCI: the Wednesday after the week ending on the observation's Friday (or the next business day).

    ``friday = date + (4 - weekday) mod 7``, release = ``friday + 5 days`` rolled forward to
    a business day.
    """
    days = _days(dates)
    weekday = (days.astype("int64") + 3) % 7
    wednesday = days + ((4 - weekday) % 7) + 5
    return _index(np.busday_offset(wednesday, 0, roll="forward", holidays=_holidays()))


@functools.lru_cache(maxsize=4096)
def bls_release(year: int, month: int) -> pd.Timestamp:
    """The Employment Situation day for reference month ``year-month``.

    The BLS publishes on the third Friday after the reference week, the Sunday-to-Saturday
    week that contains the 12th (its own stated practice). That is the first Friday of the
    next month in most months, but the second when the month's 12th falls early in its week
    (e.g. February 2024 -> 2024-03-08, September 2021 -> 2021-10-08). Exceptions honoured:

    * December's report moves a week later when that Friday is January 1-3 (the holiday
      schedule: 2014-01-10, 2015-01-09, 2020-01-10, 2021-01-08, 2025-01-10, 2026-01-09);
    * a Friday that is a federal holiday (July 4 observed) moves to the Thursday before
      (2020-07-02, 2025-07-03);
    * the irregular releases of :data:`BLS_IRREGULAR` (shutdowns) are taken as they happened.
    """
    key = f"{year:04d}-{month:02d}"
    if key in BLS_IRREGULAR:
        return pd.Timestamp(BLS_IRREGULAR[key])
    twelfth = pd.Timestamp(year, month, 12)
    saturday = twelfth + pd.Timedelta(days=(5 - twelfth.weekday()) % 7)
    friday = saturday + pd.Timedelta(days=20)  # Fridays after it: +6, +13, +20
    if friday.month == 1 and friday.day <= 3:
        friday += pd.Timedelta(days=7)
    elif not bool(is_business_day([friday])[0]):
        friday -= pd.Timedelta(days=1)
    return friday


def bls_releases(dates) -> pd.DatetimeIndex:
    """:func:`bls_release` for the month of each date."""
    index = pd.DatetimeIndex(dates)
    return pd.DatetimeIndex([bls_release(d.year, d.month) for d in index]).as_unit("ns")


def released(rule: str, dates) -> pd.DatetimeIndex:
    """The day each observation dated ``dates`` became public under ``rule`` (NaT for ``hindsight``)."""
    index = pd.DatetimeIndex(dates)
    if rule == "next_business_day":
        return next_business_day(index)
    if rule == "claims_thursday":
        return claims_release(index)
    if rule == "bls_employment":
        return bls_releases(index)
    if rule == "nfci_wednesday":
        return nfci_release(index)
    if rule == "hindsight":
        return pd.DatetimeIndex([pd.NaT] * len(index)).as_unit("ns")
    raise ValueError(f"unknown release rule {rule!r}; one of {', '.join(RULES)}")


def release_date(rule: str, date) -> pd.Timestamp | None:
    """The day one observation became public, or ``None`` under ``hindsight``."""
    day = released(rule, [pd.Timestamp(date)])[0]
    return None if pd.isna(day) else pd.Timestamp(day)


def _candidates(rule: str, as_of: pd.Timestamp) -> pd.DatetimeIndex:
    """The observation dates the schedule would produce in the weeks before ``as_of``."""
    if rule == "next_business_day":
        days = pd.date_range(as_of - pd.Timedelta(days=21), as_of)
        return days[is_business_day(days)]
    if rule == "claims_thursday":
        return pd.date_range(as_of - pd.Timedelta(days=42), as_of, freq="W-SAT")
    if rule == "nfci_wednesday":
        return pd.date_range(as_of - pd.Timedelta(days=42), as_of, freq="W-FRI")
    months = pd.date_range((as_of - pd.DateOffset(months=8)).replace(day=1), as_of, freq="MS")
    return months[[m.strftime("%Y-%m") not in BLS_NOT_PUBLISHED for m in months]]


def due(rule: str, as_of) -> pd.Timestamp | None:
    """The newest observation date the schedule makes public by ``as_of`` (``None`` for ``hindsight``).

    E.g. ``due("bls_employment", "2024-08-01")`` is 2024-06-01 (July's report came out
    2024-08-02), ``due("next_business_day", "2024-07-08")`` is 2024-07-05 (a Friday). Staleness
    compares a series' newest public observation with this date.
    """
    if rule == "hindsight":
        return None
    if rule not in RULES:
        raise ValueError(f"unknown release rule {rule!r}; one of {', '.join(RULES)}")
    as_of = pd.Timestamp(as_of).normalize()
    dates = _candidates(rule, as_of)
    public = dates[released(rule, dates) <= as_of]
    return pd.Timestamp(public[-1]) if len(public) else None


def count_due_after(rule: str, newest, as_of) -> int:
    """How many scheduled observations newer than ``newest`` were public by ``as_of``.

    Walks the schedule between the two dates (0 when ``newest`` is the newest due).
    """
    newest, as_of = pd.Timestamp(newest), pd.Timestamp(as_of).normalize()
    if rule == "hindsight" or newest >= as_of:
        return 0
    start = newest + pd.Timedelta(days=1)
    if rule == "next_business_day":
        dates = pd.date_range(start, as_of)
        dates = dates[is_business_day(dates)]
    elif rule in ("claims_thursday", "nfci_wednesday"):
        dates = pd.date_range(start, as_of, freq="W-SAT" if rule == "claims_thursday" else "W-FRI")
    else:
        dates = pd.date_range(start, as_of, freq="MS")
        dates = dates[[m.strftime("%Y-%m") not in BLS_NOT_PUBLISHED for m in dates]]
    return int((released(rule, dates) <= as_of).sum()) if len(dates) else 0
