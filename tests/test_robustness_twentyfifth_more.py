"""Robustness, a twenty-fifth hostile pass, continued (see ``test_robustness_twentyfifth.py``).

2. Price rows that contradict themselves, in a file a user brings (``SOURCE=local``; each file is the bundled
   IWM's rows up to 2024-07-08, derived, with the edit the case says). Held (12): a last row whose high is below
   its low, whose close is above its high or below its low is widened to the row's own max/min with a note naming
   the row and both values, and the day's sentences read the close; an open of 0 or below, a negative volume, a
   close of 10^15 and an ``adj_close/close`` ratio jumping 20% on the last row are refused in one line naming the
   row, exit 3; a NaN close on the last row is dropped with a note, the piece dated the session before and saying
   so; a volume of 10^15 on the last row is left out with a note; a high equal to the close on every row is
   widened where it is below the open, in one note; open, high and low equal to the close on every row (an old
   index file's shape) is a piece with nothing repaired to say.
"""

from __future__ import annotations

import gzip

import pytest

from analysis import cli
from analysis.text import brief
from tests import hostile
from tests.test_robustness_fifteenth import PRICES, _bring
from tests.test_robustness_fresh import run_json

AS_OF = "2024-07-08"
ROWS = [r for r in gzip.decompress((PRICES / "IWM.csv.gz").read_bytes()).decode().splitlines()[1:] if r[:10] <= AS_OF]


def _last(column: int, value) -> list[str]:
    """IWM's rows with the last row's ``column`` (0 date, 1 open, ... 6 volume) set to ``value(fields)``."""
    fields = ROWS[-1].split(",")
    fields[column] = str(value(fields))
    return [*ROWS[:-1], ",".join(fields)]


def _every(columns: tuple[int, ...]) -> list[str]:
    """IWM's rows with ``columns`` set to the close on every row (an old index file's shape)."""
    out = []
    for row in ROWS:
        fields = row.split(",")
        for c in columns:
            fields[c] = fields[4]
        out.append(",".join(fields))
    return out


WIDENED = {
    "high-below-low": (_last(2, lambda f: float(f[3]) - 1), "high 200.839996 -> 202.509995, low 201.839996 -> 200.839996"),
    "close-above-high": (_last(4, lambda f: float(f[2]) * 1.03), "high 203.699997 -> 209.810997"),
    "close-below-low": (_last(4, lambda f: float(f[3]) * 0.97), "low 201.839996 -> 195.784796"),
}  # fmt: skip


@pytest.mark.parametrize("rows, said", list(WIDENED.values()), ids=list(WIDENED))
def test_a_last_row_that_contradicts_itself_is_widened_with_a_note(capsys, no_reports, price_cache, rows, said):
    _bring(price_cache, "MINE", rows)
    data = run_json(capsys, "--source", "local", "--ticker", "MINE", "--as-of", AS_OF)
    (note,) = data["data"]["ticker"]["notes"]
    assert note.startswith("MINE: high below max(open, close) or low above min(open, close), widened") and said in note
    assert data["as_of"] == AS_OF and data["session"]["close"] == pytest.approx(float(rows[-1].split(",")[4]))


REFUSED = {
    "open-0": (_last(1, lambda f: 0), "1 row(s) with zero or negative prices (2024-07-08)"),
    "open-negative": (_last(1, lambda f: -5), "1 row(s) with zero or negative prices (2024-07-08)"),
    "volume-negative": (_last(6, lambda f: -1000), "1 row(s) with a negative volume (2024-07-08)"),
    "close-10^15": (_last(4, lambda f: "1e15"), "1 row(s) with a price above 1e+12 (2024-07-08)"),
    "adj-ratio-jump": (_last(5, lambda f: float(f[5]) * 1.2), "2024-07-08 adj_close/close 1.174233"),
}


@pytest.mark.parametrize("rows, said", list(REFUSED.values()), ids=list(REFUSED))
def test_a_last_row_no_session_could_print_is_one_line_exit_3(capsys, no_reports, price_cache, rows, said):
    _bring(price_cache, "MINE", rows)
    code = cli.main(["summary", "--source", "local", "--ticker", "MINE", "--as-of", AS_OF])
    line = hostile.one_line(capsys.readouterr().err)
    assert code == 3 and line.startswith("error: no data for MINE: MINE (cache, ") and said in line, line


def test_a_last_close_of_nan_is_dropped_and_the_piece_says_its_day(capsys, no_reports, price_cache):
    _bring(price_cache, "MINE", _last(4, lambda f: "NaN"))
    data = run_json(capsys, "--source", "local", "--ticker", "MINE", "--as-of", AS_OF)
    assert data["data"]["ticker"]["notes"] == ["1 row(s) without a close (2024-07-08): dropped"]
    assert data["as_of"] == "2024-07-05" and "this piece uses its last session, 2024-07-05" in data["as_of_note"]


def test_rows_of_one_price_are_a_piece_with_nothing_repaired(capsys, no_reports, price_cache):
    """Open, high and low equal to the close on every row (an old index file's shape)."""
    _bring(price_cache, "MINE", _every((1, 2, 3)))
    data = run_json(capsys, "--source", "local", "--ticker", "MINE", "--as-of", AS_OF)
    assert data["data"]["ticker"]["notes"] == [] and data["session"]["date"] == AS_OF
    assert "MINE closed at 202.28" in brief.markdown(data)


@pytest.mark.parametrize(
    "rows, said",
    [
        (_last(6, lambda f: 10**15), "MINE: impossible volume (more than 1000x the median of the 50 sessions before it), left out"),
        (_every((2,)), "MINE: high below max(open, close) or low above min(open, close), widened"),
    ],
    ids=["volume-10^15", "high-equals-close-every-row"],
)  # fmt: skip
def test_rows_odd_but_repairable_are_a_piece_saying_what_was_repaired(capsys, no_reports, price_cache, rows, said):
    """A high equal to the close on every row is below the open on about half of them: widened, said once."""
    _bring(price_cache, "MINE", rows)
    data = run_json(capsys, "--source", "local", "--ticker", "MINE", "--as-of", AS_OF)
    (note,) = data["data"]["ticker"]["notes"]
    assert note.startswith(said) and data["session"]["date"] == AS_OF
    assert "MINE closed at 202.28" in brief.markdown(data)
