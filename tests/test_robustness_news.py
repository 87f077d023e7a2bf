"""Robustness, third pass (issue 29): bad data never becomes news.

Every case starts from the real bundled files, copied to a temporary folder and damaged there
(the bundled files themselves are never touched), and runs the command line in this process.
An impossible close or adj_close (the last row included) is a data error naming the file, the
row, the value and the fix; an impossible volume is left out with a note; a macro or research
value outside its series' plausible range, or a bundled macro file that does not match its
checksum, is a data error too.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import cli
from analysis import summary as summary_module
from analysis.data import fred_cache, macro_snapshot, monthly, series, snapshot
from analysis.errors import DataError
from tests import hostile

FIELDS = ("Date", "Open", "High", "Low", "Close", "Adj Close", "Volume")


def damage(folder: Path, stem: str, row: int, columns: tuple[str, ...], factor: float) -> tuple[str, dict]:
    """Multiply ``columns`` of data row ``row`` (Python index: -1 is the last) of ``<stem>.csv.gz``
    by ``factor``; the row's date and its original values."""
    path = folder / f"{stem}.csv.gz"
    frame = pd.read_csv(io.BytesIO(gzip.decompress(path.read_bytes())), dtype=str)
    i = frame.index[row]
    before = {c: float(frame.at[i, c]) for c in columns}
    for c in columns:
        frame.at[i, c] = f"{before[c] * factor:.6f}"
    path.write_bytes(gzip.compress(frame.to_csv(index=False).encode()))
    return frame.at[i, "Date"], before


def summary(capsys, *args: str) -> dict:
    assert cli.main(["summary", "--source", "snapshot", *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    "row, columns, named",
    [
        (-1, FIELDS[1:6], "close"),  # the whole last row x1000: was "stretched above its band at a record high"
        (-1, ("Close",), "close"),
        (-40, ("Close",), "close"),  # a spike inside the window: was flagged "NOT repaired" and published
        (-40, ("Adj Close",), "adj_close"),  # was "Over 10 years IWM returned +198,504.3%"
        (-1, ("Adj Close",), "adj_close"),
    ],
)
def test_1_an_impossible_close_or_adj_close_is_a_data_error_naming_file_row_and_value(
    capsys, no_reports, prices, row, columns, named
):
    day, before = damage(prices, "IWM", row, columns, 1000.0)
    code, line = hostile.cli_line(capsys, "summary", "--source", "snapshot", "--ticker", "IWM")
    assert code == 3
    value = before["Close" if named == "close" else "Adj Close"] * 1000
    assert line.startswith(f"error: IWM (snapshot, {prices / 'IWM.csv.gz'}): ")
    assert f"{day} {named} {value:.6f}".rstrip("0").rstrip(".") in line
    assert line.endswith("The data is corrupt: fix or delete those rows (or the file), or use another SOURCE.")


def test_1_the_same_file_makes_report_fail_before_anything_is_written(capsys, no_reports, prices):
    damage(prices, "IWM", -1, FIELDS[1:6], 1000.0)
    code, line = hostile.cli_line(capsys, "report", "--source", "snapshot", "--ticker", "IWM", "--no-pdf")
    assert code == 3 and "impossible value" in line


def test_1_a_last_close_far_beyond_the_series_own_daily_moves_is_impossible(capsys, no_reports, prices):
    """Triple the last close (under the 10x band, but IWM never moved more than 15% in a day)."""
    day, _ = damage(prices, "IWM", -1, ("Close", "Adj Close"), 3.0)
    code, line = hostile.cli_line(capsys, "summary", "--source", "snapshot", "--ticker", "IWM")
    assert code == 3 and f"{day} close" in line


def test_1_a_genuine_large_last_move_is_not_refused(capsys, prices):
    """The screen is not a straitjacket: the largest one-day move of the history (IWM 2020-03-16,
    -14%), repeated on the last day, passes."""
    day, before = damage(prices, "IWM", -1, ("Open", "High", "Low", "Close", "Adj Close"), 0.86)
    assert summary(capsys, "--ticker", "IWM")["as_of"] == day


def test_1_an_impossible_volume_is_left_out_with_a_note_not_made_news(capsys, prices):
    day, _ = damage(prices, "IWM", -1, ("Volume",), 1000.0)
    got = summary(capsys, "--ticker", "IWM")
    notes = got["data"]["ticker"]["notes"]
    assert any(n.startswith("IWM: impossible volume") and day in n and "left out" in n for n in notes), notes
    assert "volume" not in json.dumps(got["unusual"])
    frame = snapshot.read("IWM")
    assert frame["volume"].iloc[-1] == 0.0


def test_1_every_bundled_file_passes_the_screen_untouched_but_irx_s_one_known_high():
    noted = {t: [n for n in snapshot.read(t).attrs["notes"] if "impossible" in n] for t in snapshot.tickers()}
    assert {t: len(n) for t, n in noted.items() if n} == {"^IRX": 1}


# -- macro and research values --------------------------------------------------------------------


@pytest.fixture
def macro(tmp_path, monkeypatch):
    monkeypatch.setattr(summary_module, "_MACRO_STORES", {})  # the process's FRED loaders, read before
    with hostile.bundled_copy(macro_snapshot, "MACRO_DIR", tmp_path / "macro", monkeypatch) as copy:
        yield copy


def _macro_text(series_id: str, value: str, row: int = -1) -> tuple[str, str]:
    text = gzip.decompress(macro_snapshot.path(series_id).read_bytes()).decode()
    lines = text.splitlines()
    data_rows = [i for i, line in enumerate(lines) if line and line[0].isdigit()]
    i = data_rows[row]
    day = lines[i].split(",")[0]
    lines[i] = f"{day},{value}"
    return "\n".join(lines) + "\n", day


def test_1_a_bundled_macro_file_that_does_not_match_its_checksum_is_left_out_with_its_reason(capsys, macro):
    """T10Y3M = -99999 in the bundled copy was printed as "spread was -99,999.00 points": now the
    series is unavailable, with the reason and the fix, and its value is nowhere in the piece."""
    text, _ = _macro_text("T10Y3M", "-99999", row=-30)
    (macro / "T10Y3M.csv.gz").write_bytes(gzip.compress(text.encode()))
    got = summary(capsys, "--ticker", "IWM")
    reason = (
        "analysis/data/macro/T10Y3M.csv.gz does not match its checksum in manifest.toml (edited or"
        " truncated). Restore it with `git checkout -- analysis/data/macro`."
    )
    assert got["macro"]["T10Y3M"]["value"] is None and got["macro"]["T10Y3M"]["stale_reason"] == reason
    assert got["economy"]["curve"]["value"] is None
    assert "-99999" not in json.dumps(got) and "99,999.00" not in json.dumps(got, ensure_ascii=False)


@pytest.mark.parametrize(
    "series_id, value", [("T10Y3M", "-99999"), ("DGS10", "999"), ("ICSA", "-5"), ("USREC", "2"), ("UNRATE", "101")]
)
def test_1_a_macro_value_outside_its_plausible_range_is_a_data_error(series_id, value):
    text, day = _macro_text(series_id, value, row=-3)
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    with pytest.raises(DataError) as caught:
        series.parse(raw, series_id=series_id, file="x.csv", fix="Fix it.")
    lo, hi = series.PLAUSIBLE[series_id]
    assert str(caught.value) == (
        f"x.csv line {len(raw) - 1}: {series_id} value {value} for {day} is outside the plausible range"
        f" {lo:g} .. {hi:g} of the series. Fix it."
    )


def test_1_a_cached_fred_series_with_an_impossible_value_is_not_used(capsys, no_reports, monkeypatch):
    """Live and cached FRED data get the same range check: a cache entry with a valid checksum
    over T10Y3M = -99999 is refused, and a local run falls back to the bundled copy with a note."""
    text, _ = _macro_text("T10Y3M", "-99999")
    data = text.encode()
    csv_path, meta_path = fred_cache._paths("T10Y3M")
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    csv_path.write_bytes(data)
    rows = sum(1 for line in text.splitlines()[1:] if line.split(",")[1] not in ("", "."))
    meta_path.write_text(
        json.dumps(
            {"fetched_at": "2026-08-22T00:00:00+00:00", "rows": rows, "sha256": hashlib.sha256(data).hexdigest()}
        )
    )
    with pytest.raises(DataError, match="outside the plausible range"):
        fred_cache.load("T10Y3M", macro_snapshot.manifest()["T10Y3M"])


@pytest.mark.parametrize("name, column, value", [("ff_factors_monthly", "SMB", "-150"), ("shiller_cape", "CAPE", "0")])
def test_1_a_research_value_outside_its_plausible_range_is_a_data_error(name, column, value):
    frame = monthly.bundled(name)
    table = pd.read_csv(io.BytesIO(monthly.to_csv(frame)), dtype=str, keep_default_na=False)
    table.loc[len(table) - 2, column] = value
    with pytest.raises(DataError) as caught:
        monthly.from_table(table, name=name, where="x.csv", hint="Fix it.")
    month = table.at[len(table) - 2, "Date"]
    assert f"x.csv line {len(table)} ({month}): {column} is {value}, outside the plausible range" in str(caught.value)


# -- defect 5: what the piece says about the calendar is true -------------------------------------


def test_5_an_as_of_after_the_data_ends_says_the_data_ends_not_that_the_day_was_no_session(capsys):
    """AS_OF=2026-08-24, a Monday after the data ends on Friday 2026-08-21, said "2026-08-24 was
    not a trading session for IWM"."""
    got = summary(capsys, "--ticker", "IWM", "--as-of", "2026-08-24")
    assert got["as_of"] == "2026-08-21"
    assert got["as_of_note"] == (
        "The IWM data ends on 2026-08-21, before 2026-08-24; this piece uses its last session, 2026-08-21."
    )


@pytest.mark.parametrize("how", ["deleted", "NaN"])
def test_5_a_missing_or_nan_row_on_a_day_the_benchmark_traded_says_the_row_is_missing(capsys, prices, how):
    path = prices / "IWM.csv.gz"
    frame = pd.read_csv(io.BytesIO(gzip.decompress(path.read_bytes())), dtype=str)
    row = frame.index[frame["Date"] == "2024-07-08"][0]
    if how == "deleted":
        frame = frame.drop(index=row)
    else:
        frame.loc[row, list(FIELDS[1:])] = ""
    path.write_bytes(gzip.compress(frame.to_csv(index=False).encode()))
    got = summary(capsys, "--ticker", "IWM", "--as-of", "2024-07-08")
    assert got["as_of"] == "2024-07-05"
    assert got["as_of_note"] == (
        "The IWM data has no row for 2024-07-08, a session SPY traded; this piece uses the last session"
        " before it, 2024-07-05."
    )


def test_5_a_weekend_is_still_not_a_trading_session(capsys):
    got = summary(capsys, "--ticker", "IWM", "--as-of", "2024-07-07")
    assert got["as_of_note"] == (
        "2024-07-07 was not a trading session for IWM; this piece uses the last session before it, 2024-07-05."
    )
