"""Parameter validation: every bad value is named with its fix."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis import params
from analysis.errors import InputError


@pytest.mark.parametrize("raw, clean", [("iwm", "IWM"), (" QQQ ", "QQQ"), ("^vix", "^VIX"), ("BTC-USD", "BTC-USD"),
                                        ("BRK.B", "BRK.B"), ("EURUSD=X", "EURUSD=X")])
def test_valid_tickers(raw, clean):
    assert params.ticker(raw) == clean


@pytest.mark.parametrize("raw, message", [
    ("", "TICKER is empty"),
    ("   ", "TICKER is empty"),
    ("../x", "not a ticker symbol"),
    ("IWM;rm -rf", "not a ticker symbol"),
    ("a/b", "not a ticker symbol"),
    ("$(reboot)", "not a ticker symbol"),
    ("X" * 40, "40 characters long"),
    ("IW M", "not a ticker symbol"),
])
def test_bad_tickers_name_the_problem_and_the_fix(raw, message):
    with pytest.raises(InputError, match=message) as info:
        params.ticker(raw)
    assert "TICKER=IWM" in str(info.value)


def test_benchmark_equal_to_ticker_is_refused():
    with pytest.raises(InputError, match="BENCHMARK IWM is the same as TICKER"):
        params.benchmark("iwm", "IWM")


@pytest.mark.parametrize("raw", ["2024-13-01", "July 8", "2024/07/08", "20240708", "2024-02-30"])
def test_unparseable_dates(raw):
    with pytest.raises(InputError, match="is not a date.*YYYY-MM-DD"):
        params.as_of(raw)


def test_future_date_is_refused():
    with pytest.raises(InputError, match="in the future"):
        params.as_of("2030-01-02", today=dt.date(2026, 11, 23))


def test_empty_date_means_latest():
    assert params.as_of("") is None and params.as_of(None) is None
    assert params.as_of("2024-07-08") == dt.date(2024, 7, 8)


@pytest.mark.parametrize("raw", ["abc", "0", "-5", "nan", "inf"])
def test_level_must_be_a_positive_number(raw):
    with pytest.raises(InputError, match="LEVEL"):
        params.level(raw)


def test_level_parses():
    assert params.level("205") == 205.0 and params.level("") is None


def test_unknown_source_lists_the_known_ones():
    with pytest.raises(InputError, match="SOURCE 'bloomberg' is not known.*auto, snapshot, yahoo"):
        params.source("bloomberg")
    assert params.source(None) == "auto" and params.source("Snapshot") == "snapshot"


def test_tickers_list():
    assert params.tickers("iwm, qqq IWM") == ["IWM", "QQQ"]
    with pytest.raises(InputError, match="TICKERS is empty"):
        params.tickers("  ")
