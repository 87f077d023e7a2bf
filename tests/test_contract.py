"""The price-frame contract: what normalization repairs, what it refuses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data import COLUMNS, check, normalize, until
from analysis.errors import DataError


def raw_frame(n: int = 5, start: str = "2024-01-02") -> pd.DataFrame:
    """Synthetic Yahoo-style rows (test-only data)."""
    dates = pd.bdate_range(start, periods=n)
    close = np.linspace(100, 104, n)
    return pd.DataFrame(
        {
            "Date": dates,
            "Open": close - 0.5,
            "High": close + 1,
            "Low": close - 1,
            "Close": close,
            "Adj Close": close * 0.9,
            "Volume": np.arange(n) * 1000,
        }
    )


def test_normalized_frame_meets_the_contract():
    frame = normalize(raw_frame(), ticker="T", source="snapshot")
    check(frame)
    assert tuple(frame.columns) == COLUMNS
    assert frame.index.name == "date"
    assert frame.attrs["first_date"] == "2024-01-02" and frame.attrs["last_date"] == "2024-01-08"
    assert frame.attrs["notes"] == []
    assert frame["adj_close"].iloc[0] == pytest.approx(90.0)


def test_input_is_not_mutated():
    raw = raw_frame()
    before = raw.copy()
    normalize(raw, ticker="T", source="snapshot")
    pd.testing.assert_frame_equal(raw, before)


def test_unsorted_and_duplicated_dates_are_repaired_and_noted():
    raw = raw_frame()
    shuffled = pd.concat([raw.iloc[[3, 1, 0, 2, 4]], raw.iloc[[2]].assign(Close=999.0)])
    frame = normalize(shuffled, ticker="T", source="snapshot")
    check(frame)
    assert len(frame) == 5
    assert frame.loc["2024-01-04", "close"] == 999.0  # the last of the duplicated rows wins
    assert any("sorted" in n for n in frame.attrs["notes"])
    assert any("duplicated" in n and "2024-01-04" in n for n in frame.attrs["notes"])


def test_rows_without_close_are_dropped_and_noted():
    raw = raw_frame()
    raw.loc[2, ["Open", "High", "Low", "Close", "Adj Close"]] = np.nan
    frame = normalize(raw, ticker="T", source="snapshot")
    assert len(frame) == 4 and pd.Timestamp("2024-01-04") not in frame.index
    assert any("without a close" in n for n in frame.attrs["notes"])


def test_missing_adj_close_means_price_only_returns():
    frame = normalize(raw_frame().drop(columns=["Adj Close"]), ticker="T", source="yahoo")
    assert frame.attrs["price_only"] is True
    assert (frame["adj_close"] == frame["close"]).all()
    assert any("price-only" in n for n in frame.attrs["notes"])


@pytest.mark.parametrize("bad", [0.0, -3.0])
def test_zero_or_negative_prices_are_refused(bad):
    raw = raw_frame()
    raw.loc[1, "Low"] = bad
    with pytest.raises(DataError, match="zero or negative prices.*2024-01-03"):
        normalize(raw, ticker="T", source="snapshot")


def test_wrong_columns_are_refused_with_what_was_found():
    raw = raw_frame().rename(columns={"Close": "Last"})
    with pytest.raises(DataError, match="no Close column; found .*Last"):
        normalize(raw, ticker="T", source="snapshot")


def test_unreadable_dates_are_refused():
    raw = raw_frame()
    raw["Date"] = ["2024-01-02", "yesterday", "2024-01-04", "2024-01-05", "2024-01-08"]
    # issue 16, case 8: the row and its value are named (no pandas advice about format=)
    with pytest.raises(DataError, match=r"1 row\(s\) with a date that cannot be read: row 2 \('yesterday'\)"):
        normalize(raw, ticker="T", source="snapshot")


def test_a_gap_of_weeks_is_noted():
    raw = raw_frame(10)
    raw = raw.drop(index=range(3, 3)).copy()
    raw.loc[5:, "Date"] = raw.loc[5:, "Date"] + pd.Timedelta(days=30)
    frame = normalize(raw, ticker="T", source="snapshot")
    assert any("gap of" in n for n in frame.attrs["notes"])


def test_timezone_aware_index_becomes_naive_midnight():
    raw = raw_frame().set_index("Date")
    raw.index = raw.index.tz_localize("America/New_York") + pd.Timedelta(hours=0)
    frame = normalize(raw, ticker="T", source="yahoo")
    assert frame.index.tz is None
    assert (frame.index == frame.index.normalize()).all()


def test_check_rejects_a_frame_that_breaks_the_contract():
    frame = normalize(raw_frame(), ticker="T", source="snapshot")
    with pytest.raises(DataError, match="dates are not strictly ascending"):
        broken = frame.iloc[::-1]
        broken.attrs = frame.attrs
        check(broken)


def test_until_cuts_at_the_session_and_keeps_provenance():
    frame = normalize(raw_frame(), ticker="T", source="snapshot")
    cut = until(frame, pd.Timestamp("2024-01-04"))
    assert cut.index[-1] == pd.Timestamp("2024-01-04") and len(cut) == 3
    assert cut.attrs["ticker"] == "T"
