"""The macro-series contract: the bundle matches SOURCES.md and its manifest, the one validation
step refuses bad rows with one line naming the file, the line and the fix, staleness."""

from __future__ import annotations

import gzip
import hashlib
import re

import pandas as pd
import pytest

from analysis.data import macro_snapshot
from analysis.data.series import check, known_by, parse, staleness, visible
from analysis.errors import DataError

SOURCES = (macro_snapshot.MACRO_DIR / "SOURCES.md").read_text()


def _summary_table() -> dict[str, dict]:
    """SOURCES.md's summary: id -> title, units, rows, first, last."""
    rows = {}
    for line in SOURCES.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 8 and cells[0].endswith(".csv"):
            rows[cells[0].removesuffix(".csv")] = {
                "title": cells[1],
                "units": cells[2],
                "rows": int(cells[4]),
                "first": cells[5],
                "last": cells[6],
            }
    return rows


TABLE = _summary_table()


def test_the_bundle_holds_the_nine_series_of_sources_md():
    assert (
        sorted(TABLE)
        == sorted(macro_snapshot.ids())
        == sorted(p.name.removesuffix(".csv.gz") for p in macro_snapshot.MACRO_DIR.glob("*.csv.gz"))
    )
    assert len(TABLE) == 9


@pytest.mark.parametrize("series_id", sorted(TABLE))
def test_each_file_is_the_documented_csv_byte_for_byte(series_id):
    data = gzip.decompress(macro_snapshot.path(series_id).read_bytes())
    entry = macro_snapshot.manifest()[series_id]
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert f"sha256: `{entry['sha256']}`" in SOURCES  # the same checksum as the data's own SOURCES.md
    assert data.startswith(b"Date,Value\n")


@pytest.mark.parametrize("series_id", sorted(TABLE))
def test_each_series_loads_to_the_contract_with_the_documented_span(series_id):
    series = macro_snapshot.read(series_id)
    check(series)
    facts, entry = TABLE[series_id], macro_snapshot.manifest()[series_id]
    assert len(series) == facts["rows"] == entry["rows"]
    assert series.attrs["first_date"] == facts["first"] == entry["first"]
    assert series.attrs["last_date"] == facts["last"] == entry["last"]
    assert facts["title"].startswith(entry["title"]) and entry["units"] == facts["units"]
    assert series.attrs["source"] == "snapshot" and series.attrs["notes"] == []
    assert series.attrs["release"] in (
        "next_business_day",
        "claims_thursday",
        "bls_employment",
        "nfci_wednesday",
        "hindsight",
    )


def test_reading_returns_a_copy():
    a = macro_snapshot.read("UNRATE")
    a.iloc[0] = -1.0
    a.attrs["notes"].append("x")
    b = macro_snapshot.read("UNRATE")
    assert b.iloc[0] == 3.4 and b.attrs["notes"] == []


# -- the validation step: synthetic rows (test-only data), each refused on one line ---------------


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [("2024-01-02", "1"), ("2024-13-01", "2")],
            r"^X\.csv line 3: date '2024-13-01' is not a date \(YYYY-MM-DD\)\. ",
        ),
        ([("2024-01-02", "1"), ("2024-01-02", "2")], r"^X\.csv line 3: date 2024-01-02 is not after the row before it"),
        (
            [("2024-01-03", "1"), ("2024-01-02", "2")],
            r"^X\.csv line 3: date 2024-01-02 is not after the row before it \(2024-01-03\)",
        ),
        ([("2024-01-02", "abc")], r"^X\.csv line 2: value 'abc' for 2024-01-02 is not a finite number\. "),
        (
            [("2024-01-02", "1"), ("2024-01-03", "inf")],
            r"^X\.csv line 3: value 'inf' for 2024-01-03 is not a finite number",
        ),
        ([("1800-01-02", "1")], r"^X\.csv line 2: date 1800-01-02 is out of range \(1850-01-01 \.\. "),
        ([("2099-01-02", "1")], r"^X\.csv line 2: date 2099-01-02 is out of range"),
    ],
)
def test_bad_rows_are_refused_with_the_file_the_line_and_the_fix(rows, message):
    raw = pd.DataFrame(rows, columns=["Date", "Value"])
    with pytest.raises(DataError, match=message) as info:
        parse(raw, series_id="X", file="X.csv", fix="Restore X.csv.")
    assert str(info.value).endswith("Restore X.csv.") and "\n" not in str(info.value)


def test_a_header_that_is_not_date_value_is_refused():
    raw = pd.DataFrame([("1", "2", "3")], columns=["a", "b", "c"])
    with pytest.raises(DataError, match=r"^X\.csv: header 'a,b,c' is not Date,Value"):
        parse(raw, series_id="X", file="X.csv")


def test_missing_values_are_dropped_and_fred_headers_accepted():
    raw = pd.DataFrame(
        [("2024-07-03", "-1.11"), ("2024-07-04", "."), ("2024-07-05", ""), ("2024-07-08", "-1.18")],
        columns=["observation_date", "T10Y3M"],
    )
    values = parse(raw, series_id="T10Y3M", file="f")
    assert list(values.index.strftime("%Y-%m-%d")) == ["2024-07-03", "2024-07-08"]
    assert list(values) == [-1.11, -1.18] and values.name == "T10Y3M" and str(values.dtype) == "float64"


# -- what is public, and staleness ----------------------------------------------------------------


def test_known_by_keeps_provenance_and_visible_is_its_values():
    t10y3m = macro_snapshot.read("T10Y3M")
    known = known_by(t10y3m, "2024-07-08")
    assert list(known.columns) == ["value", "known_since"] and known.attrs["id"] == "T10Y3M"
    assert known.index[-1] == pd.Timestamp("2024-07-05")
    seen = visible(t10y3m, "2024-07-08")
    assert seen.index.equals(known.index) and seen.iloc[-1] == -1.18 and seen.attrs["title"] == t10y3m.attrs["title"]


def test_nothing_is_stale_on_the_model_commentarys_day():
    for series_id in macro_snapshot.ids():
        state = staleness(macro_snapshot.read(series_id), "2024-07-08")
        if series_id == "USREC":
            assert state["stale"] and "hindsight" in state["reason"]
        else:
            assert state == {"stale": False, "reason": "", "newest": state["due"], "due": state["due"]}


def test_a_series_that_ends_early_is_stale_with_the_reason_in_words():
    state = staleness(macro_snapshot.read("SAHMREALTIME"), "2026-08-21")
    assert state["stale"] and state["newest"] == "2026-04-01" and state["due"] == "2026-07-01"
    assert state["reason"] == (
        "SAHMREALTIME is stale: its newest observation public by 2026-08-21 is for 2026-04-01"
        " (published 2026-05-08), but the one for 2026-07-01 was due by 2026-08-07;"
        " this copy ends 2026-04-01"
    )
    t10y3m = staleness(macro_snapshot.read("T10Y3M"), "2026-08-21")
    assert t10y3m["stale"] and "this copy ends 2026-07-31" in t10y3m["reason"]
    assert not staleness(macro_snapshot.read("T10Y2Y"), "2026-08-21")["stale"]  # its 2026-08-20 close is out 08-21


def test_a_daily_series_may_miss_a_few_sessions_before_it_is_stale():
    t10y3m = macro_snapshot.read("T10Y3M")  # ends 2026-07-31, public 2026-08-03
    assert not staleness(t10y3m, "2026-08-06")["stale"]  # 08-03, 08-04, 08-05 due: 3 missed, the slack
    assert staleness(t10y3m, "2026-08-07")["stale"]


def test_the_unpublished_october_2025_figure_does_not_make_unemployment_stale():
    unrate = macro_snapshot.read("UNRATE")
    state = staleness(unrate, "2025-12-01")  # September's figure came 2025-11-20; November's is due 2025-12-16
    assert (state["stale"], state["newest"], state["due"]) == (False, "2025-09-01", "2025-09-01")
    assert known_by(unrate, "2025-12-16").index[-1] == pd.Timestamp("2025-11-01")


def test_before_a_series_starts_nothing_is_public():
    state = staleness(macro_snapshot.read("BAMLH0A0HYM2"), "1990-01-02")
    assert state["stale"] and re.fullmatch(
        r"no BAMLH0A0HYM2 observation was public by 1990-01-02 \(the data starts"
        r" 1996-12-31\)",
        state["reason"],
    )
