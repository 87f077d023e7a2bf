"""When observations become public: known values on both sides of real release dates.

Each case takes a real observation of the bundled FRED files (read here with the csv module,
independently of the loader) and checks that it is unknown the day before its release and
known on the release day; the release days are the sources' actual ones.
"""

from __future__ import annotations

import csv
import gzip
import io

import pandas as pd
import pytest

from analysis.data import macro_snapshot, release
from analysis.data.series import known_by


def bundled(series_id: str) -> dict[str, float]:
    """date -> value of a bundled file, read with the csv module."""
    text = gzip.decompress(macro_snapshot.path(series_id).read_bytes()).decode()
    return {row["Date"]: float(row["Value"]) for row in csv.DictReader(io.StringIO(text))}


#: (series, observation date, the day before its release, the release day): real releases.
BOUNDARIES = [
    ("SAHMREALTIME", "2024-07-01", "2024-08-01", "2024-08-02"),  # July 2024 jobs report, Friday 2024-08-02
    ("SAHMREALTIME", "2024-06-01", "2024-07-04", "2024-07-05"),  # June 2024 report
    ("UNRATE", "2024-07-01", "2024-08-01", "2024-08-02"),
    ("UNRATE", "2024-02-01", "2024-03-07", "2024-03-08"),  # second Friday: the 12th fell early in its week
    ("UNRATE", "2024-12-01", "2025-01-09", "2025-01-10"),  # December report a week later (holidays)
    ("UNRATE", "2025-06-01", "2025-07-02", "2025-07-03"),  # Thursday: July 4 was a Friday
    ("UNRATE", "2025-09-01", "2025-11-19", "2025-11-20"),  # delayed by the 2025 shutdown
    ("SAHMREALTIME", "2025-11-01", "2025-12-15", "2025-12-16"),
    ("ICSA", "2024-06-29", "2024-07-02", "2024-07-03"),  # Wednesday: July 4 was a Thursday
    ("ICSA", "2024-07-06", "2024-07-10", "2024-07-11"),
    ("ICSA", "2024-11-23", "2024-11-26", "2024-11-27"),  # Wednesday before Thanksgiving
    ("NFCI", "2024-06-28", "2024-07-02", "2024-07-03"),
    ("NFCI", "2024-06-14", "2024-06-19", "2024-06-20"),  # Thursday: Juneteenth was a Wednesday
    ("T10Y3M", "2024-07-05", "2024-07-07", "2024-07-08"),  # Friday's close, public Monday
    ("T10Y3M", "2024-07-03", "2024-07-04", "2024-07-05"),  # July 4 skipped
    ("BAMLH0A0HYM2", "2024-07-05", "2024-07-05", "2024-07-08"),
    ("DGS10", "2024-07-05", "2024-07-07", "2024-07-08"),
]


@pytest.mark.parametrize(("series_id", "observed", "before", "on"), BOUNDARIES)
def test_an_observation_is_unknown_the_day_before_its_release_and_known_on_the_day(series_id, observed, before, on):
    series = macro_snapshot.read(series_id)
    day = pd.Timestamp(observed)
    assert observed in bundled(series_id)
    assert day not in known_by(series, before).index
    known = known_by(series, on)
    assert known.index[-1] == day  # and it is the newest public observation that day
    assert known.at[day, "value"] == bundled(series_id)[observed]
    assert known.at[day, "known_since"] == pd.Timestamp(on)


def test_the_july_2024_sahm_reading_crosses_the_trigger_with_the_report():
    sahm = macro_snapshot.read("SAHMREALTIME")
    assert known_by(sahm, "2024-08-01")["value"].iloc[-1] == 0.43
    assert known_by(sahm, "2024-08-02")["value"].iloc[-1] == 0.53 == bundled("SAHMREALTIME")["2024-07-01"]


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [
        (2024, 7, "2024-08-02"),
        (2024, 6, "2024-07-05"),
        (2024, 2, "2024-03-08"),
        (2021, 9, "2021-10-08"),
        (2023, 2, "2023-03-10"),
        (2023, 3, "2023-04-07"),
        (2024, 10, "2024-11-01"),
        (2023, 8, "2023-09-01"),
        (2024, 12, "2025-01-10"),
        (2019, 12, "2020-01-10"),
        (2020, 12, "2021-01-08"),
        (2022, 12, "2023-01-06"),
        (2025, 6, "2025-07-03"),
        (2020, 6, "2020-07-02"),
        (2013, 9, "2013-10-22"),
        (2025, 9, "2025-11-20"),
    ],
)
def test_bls_release_days(year, month, day):
    assert release.bls_release(year, month) == pd.Timestamp(day)


def test_usrec_is_never_evidence():
    usrec = macro_snapshot.read("USREC")
    assert known_by(usrec, "2026-12-01").empty
    assert release.release_date("hindsight", "2020-03-01") is None and release.due("hindsight", "2024-07-08") is None


@pytest.mark.parametrize(
    ("rule", "as_of", "expected"),
    [
        ("next_business_day", "2024-07-08", "2024-07-05"),
        ("next_business_day", "2024-07-05", "2024-07-03"),
        ("claims_thursday", "2024-07-08", "2024-06-29"),
        ("claims_thursday", "2024-07-11", "2024-07-06"),
        ("bls_employment", "2024-08-01", "2024-06-01"),
        ("bls_employment", "2024-08-02", "2024-07-01"),
        ("bls_employment", "2025-12-01", "2025-09-01"),  # October 2025 was never published, November's was due 12-16
        ("nfci_wednesday", "2024-07-08", "2024-06-28"),
    ],
)
def test_due_is_the_newest_observation_the_schedule_made_public(rule, as_of, expected):
    assert release.due(rule, as_of) == pd.Timestamp(expected)


@pytest.mark.parametrize("series_id", macro_snapshot.ids())
def test_no_observation_is_public_before_its_period_ends_or_after_the_date_asked(series_id):
    series = macro_snapshot.read(series_id)
    for as_of in pd.date_range("1990-01-03", "2026-11-30", freq="173D"):
        known = known_by(series, as_of)
        assert (known["known_since"] <= as_of).all()
        assert (known["known_since"] > known.index).all()  # published after the day it is dated
        later = series.index[series.index > (known.index[-1] if len(known) else pd.Timestamp.min)]
        assert (
            not len(later)
            or release.released(series.attrs["release"], later[:1])[0] > as_of
            or pd.isna(release.released(series.attrs["release"], later[:1])[0])
        )


def test_release_days_are_business_days_except_none():
    days = release.released("claims_thursday", pd.date_range("2000-01-01", "2026-12-31", freq="W-SAT"))
    assert release.is_business_day(days).all()
    days = release.released("nfci_wednesday", pd.date_range("2000-01-07", "2026-12-31", freq="W-FRI"))
    assert release.is_business_day(days).all()
    assert release.next_business_day(["2021-12-30"])[0] == pd.Timestamp("2022-01-03")  # New Year observed Friday 12-31


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="unknown release rule 'weekly'"):
        release.released("weekly", ["2024-01-01"])
