"""The price screen for impossible prints: the real bad row that nothing caught, the bundled files,
and (synthetic, said so) each repair and flag."""

from __future__ import annotations

import csv
import gzip
import io

import numpy as np
import pandas as pd
import pytest

from analysis.data import normalize, snapshot
from analysis.data.screen import FACTOR, YIELD_POINTS, impossible_closes, impossible_prints
from analysis.paths import SNAPSHOT_DIR

#: Real rows of the ^IRX copy the project shipped until 2026 (DuDuBot/MMF2025 data/^IRX.csv @ 6e16858,
#: analysis/data/prices/_IRX.csv.gz before this change): Open = High = 3000.00293 on 2021-03-19.
EARLIER_IRX = """Date,Open,High,Low,Close,Adj Close,Volume
2021-03-16,0.020000,0.020000,0.008000,0.008000,0.008000,0
2021-03-17,0.005000,0.015000,0.005000,0.008000,0.008000,0
2021-03-18,0.005000,0.005000,0.003000,0.003000,0.003000,0
2021-03-19,3000.002930,3000.002930,0.003000,0.005000,0.005000,0
2021-03-22,0.005000,0.005000,0.005000,0.005000,0.005000,0
2021-03-23,0.010000,0.010000,0.010000,0.010000,0.010000,0
"""


def test_the_3000_print_in_the_earlier_irx_is_repaired_and_noted():
    raw = pd.read_csv(io.StringIO(EARLIER_IRX), index_col="Date", parse_dates=["Date"])
    frame = normalize(raw, ticker="^IRX", source="snapshot", positive=False)
    day = pd.Timestamp("2021-03-19")
    assert (frame.at[day, "open"], frame.at[day, "high"], frame.at[day, "low"], frame.at[day, "close"]) == (
        0.005,
        0.005,
        0.003,
        0.005,
    )
    assert frame.attrs["notes"] == [
        "^IRX: impossible open (more than 2 points outside the closes around it), set to the close:"
        " 2021-03-19 open 3000.00293 -> 0.005 (closes around it 0.003..0.005)",
        "^IRX: impossible high (more than 2 points outside the closes around it), set to max(open, close):"
        " 2021-03-19 high 3000.00293 -> 0.005 (closes around it 0.003..0.005)",
    ]
    other = frame.drop(day)
    assert (
        other[["open", "high", "low", "close"]].to_numpy() == raw.drop(day)[["Open", "High", "Low", "Close"]].to_numpy()
    ).all()


def test_the_bundled_irx_keeps_its_fixed_row_and_repairs_its_one_spurious_high():
    text = gzip.decompress((SNAPSHOT_DIR / "_IRX.csv.gz").read_bytes()).decode()
    raw = {r["Date"]: r for r in csv.DictReader(io.StringIO(text))}
    assert (raw["2021-03-19"]["Open"], raw["2021-03-19"]["High"]) == ("0.003000", "0.010000")
    assert raw["2020-03-25"]["High"] == "3.390000"
    frame = snapshot.read("^IRX")
    assert frame.at[pd.Timestamp("2021-03-19"), "high"] == 0.01
    assert frame.at[pd.Timestamp("2020-03-25"), "high"] == -0.033  # max(open -0.033, close -0.070)
    assert len(frame) == 9185 and frame.attrs["first_date"] == "1990-01-18" and frame.attrs["last_date"] == "2026-08-21"


def test_genuine_extremes_are_left_alone():
    """IWD's low of 2010-05-06 (the flash crash, 2.5x below the closes around it) and ^VIX's
    2024-08-05 high are real: the largest excursions in the bundled files stay untouched."""
    iwd = snapshot.read("IWD")
    assert (
        iwd.attrs["notes"] == []
        and iwd.at[pd.Timestamp("2010-05-06"), "low"] < iwd.at[pd.Timestamp("2010-05-06"), "close"] / 2
    )
    assert snapshot.read("^VIX").attrs["notes"] == []


# -- each rule on synthetic rows (test-only data) ---------------------------------------------------


def synthetic(n: int = 6) -> pd.DataFrame:
    close = np.linspace(100.0, 105.0, n)
    index = pd.bdate_range("2024-01-02", periods=n, name="date")
    return pd.DataFrame(
        {"open": close - 0.5, "high": close + 1, "low": close - 1, "close": close, "adj_close": close, "volume": 0.0},
        index=index,
    )


def test_a_high_100x_its_neighbours_is_clipped_to_max_open_close():
    frame = synthetic()
    frame.iloc[2, frame.columns.get_loc("high")] = 101.0 * 100
    out, notes = impossible_prints(frame)
    assert out.iloc[2]["high"] == max(frame.iloc[2]["open"], frame.iloc[2]["close"])
    assert (
        len(notes) == 1
        and notes[0].startswith(f"impossible high (more than {FACTOR:g}x away")
        and "2024-01-04" in notes[0]
    )
    assert frame.iloc[2]["high"] == 10100.0  # the input is not mutated


def test_a_low_above_the_high_is_widened_to_the_rows_range():
    frame = synthetic()
    frame.iloc[3, frame.columns.get_loc("low")] = frame.iloc[3]["high"] + 0.5
    out, notes = impossible_prints(frame)
    row = frame.iloc[3]
    assert out.iloc[3]["high"] == row["low"] and out.iloc[3]["low"] == min(row["open"], row["close"])
    assert notes == [
        f"high below max(open, close) or low above min(open, close), widened to the row's max/min of open,"
        f" high, low, close: 2024-01-05 high {row['high']:g} -> {row['low']:g}, low {row['low']:g} ->"
        f" {min(row['open'], row['close']):g}"
    ]


def test_a_close_far_from_both_neighbours_is_not_repaired_but_found_for_the_contract_to_refuse():
    frame = synthetic()
    frame.iloc[2, frame.columns.get_loc("close")] = 0.9
    out, notes = impossible_prints(frame)
    assert out.iloc[2]["close"] == 0.9 and not any("close" in n.split(" ")[1] for n in notes)
    found = impossible_closes(frame)
    assert [f.split(" ")[1] for f in found] == ["close", "adj_close/close"] and found[0].startswith(
        "2024-01-04 close 0.9 "
    )


def test_the_last_close_is_screened_against_the_one_before_it():
    frame = synthetic()
    frame.iloc[-1, frame.columns.get_loc("close")] = frame["close"].iloc[-2] * (FACTOR + 1)
    assert impossible_closes(frame)[0].startswith(f"{frame.index[-1].date()} close ")


@pytest.mark.parametrize("jump", [YIELD_POINTS * 0.9, YIELD_POINTS * 1.1])
def test_yields_are_screened_in_points(jump):
    frame = synthetic() / 25  # about 4%, like ^TNX
    frame.iloc[2, frame.columns.get_loc("high")] = frame["close"].iloc[1:4].max() + jump
    _, notes = impossible_prints(frame, positive=False)
    assert bool(notes) == (jump > YIELD_POINTS)
