"""``make grade``: every published call graded on what followed it (analysis/pipeline/grade.py,
analysis/model/published.py), over a reports folder with pieces at several past dates.

The pieces are the summaries ``make report`` publishes (``summary.build``, written as
``<root>/<date>/<stem>.json``); the outcomes are recomputed by hand from the bundled CSV files.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis import cli, summary
from analysis.data import Market
from analysis.data.snapshot import SNAPSHOT_DIR
from analysis.model import published
from analysis.model.track_record import grading
from analysis.params import Request, stem
from analysis.paths import file_stem
from analysis.pipeline import grade
from analysis.pipeline.index import scan
from tests.conftest import AS_OF, PROJECT_DIR

#: The published pieces: IWM at a constructive, a defensive and a cautious session, a volatility
#: index (graded on SPY), a yield (in bp) and a piece a week before the data ends (open).
PIECES = (
    ("IWM", "2022-08-16"),
    ("IWM", "2022-09-30"),
    ("IWM", AS_OF),
    ("^VIX", "2020-03-16"),
    ("^TNX", "2020-08-04"),
    ("IWM", "2026-08-14"),
)


def _adj(ticker: str, column: str = "Adj Close") -> pd.Series:
    with gzip.open(SNAPSHOT_DIR / f"{file_stem(ticker)}.csv.gz", "rt") as fh:
        return pd.read_csv(fh, index_col="Date", parse_dates=True)[column]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A reports folder with the pieces' summaries as published, one written before the brief, one corrupt."""
    root = tmp_path_factory.mktemp("graded")
    market = Market("snapshot")
    for ticker, day in PIECES:
        data = summary.build(Request.parse(ticker, "SPY", day, "snapshot"), market, reports_dir=root / "none").data
        (root / day).mkdir(exist_ok=True)
        (root / day / f"{stem(ticker, 'SPY')}.json").write_text(summary.to_json(data), encoding="utf-8")
    old = {
        "ticker": "QQQ",
        "benchmark": "SPY",
        "as_of": "2019-06-14",
        "phase": "bullish",
        "headline": "old",
        "schema_version": 1,
    }
    (root / "2019-06-14").mkdir()
    (root / "2019-06-14" / "QQQ.json").write_text(json.dumps(old))
    (root / "2019-06-14" / "XLP.json").write_text("{not json")
    return root


@pytest.fixture(scope="module")
def grades(folder):
    return grade.grade(folder, Market("snapshot"))


def _piece(grades: dict, ticker: str, day: str) -> dict:
    return next(p for p in grades["pieces"] if p["ticker"] == ticker and p["date"] == day)


def test_the_pieces_calls_are_those_published(folder, grades):
    calls = {(p["ticker"], p["date"]): p["call"] for p in grades["pieces"]}
    for ticker, day in PIECES:
        published_call = json.loads((folder / day / f"{stem(ticker, 'SPY')}.json").read_text())["brief"]["call"]
        assert calls[(ticker, day)] == published_call
    assert [calls[("IWM", d)] for d, _ in ((PIECES[0][1], 0), (PIECES[1][1], 1), (AS_OF, 2))] == [
        "constructive",
        "defensive",
        "cautious",
    ]
    assert ("QQQ", "2019-06-14") not in calls  # written before the brief: no call to grade
    assert [p["date"] for p in grades["pieces"]] == sorted((p["date"] for p in grades["pieces"]), reverse=True)


def test_a_call_is_graded_on_its_own_return_recomputed_from_the_csv(grades):
    adj = _adj("IWM")
    for day, call in (("2022-08-16", "constructive"), ("2022-09-30", "defensive"), (AS_OF, "cautious")):
        p = _piece(grades, "IWM", day)
        pos = adj.index.get_loc(pd.Timestamp(day))
        for h in (20, 60):
            at = p["horizons"][str(h)]
            move = adj.iloc[pos + h] / adj.iloc[pos] - 1
            assert at["status"] == "graded" and at["end"] == adj.index[pos + h].date().isoformat()
            assert_allclose(at["move"], move, rtol=1e-12)
            assert at["hit"] == {"constructive": move > 0, "defensive": move < 0, "cautious": None}[call]
            spy = _adj("SPY")
            bench = spy.loc[adj.index[pos + h]] / spy.loc[pd.Timestamp(day)] - 1
            assert_allclose(at["relative"], move - bench, rtol=1e-12)
    # IWM fell 9.0% in the 20 sessions after the constructive call of 2022-08-16: marked wrong
    assert _piece(grades, "IWM", "2022-08-16")["mark_class"] == "wrong"


def test_a_gauge_is_graded_on_spy_and_a_yield_in_basis_points(grades):
    vix, tnx = _piece(grades, "^VIX", "2020-03-16"), _piece(grades, "^TNX", "2020-08-04")
    spy = _adj("SPY")
    pos = spy.index.get_loc(pd.Timestamp("2020-03-16"))
    assert vix["graded_symbol"] == "SPY" and vix["call"] == "defensive"
    assert_allclose(vix["horizons"]["20"]["move"], spy.iloc[pos + 20] / spy.iloc[pos] - 1, rtol=1e-12)
    assert vix["horizons"]["20"]["hit"] is False  # SPY rose 19% after the defensive call of the crash's low
    close = _adj("^TNX", "Close")
    pos = close.index.get_loc(pd.Timestamp("2020-08-04"))
    assert (tnx["measure"], tnx["holder_gains"]) == ("basis_points", "falls")
    assert_allclose(tnx["horizons"]["60"]["move"], 100 * (close.iloc[pos + 60] - close.iloc[pos]), rtol=1e-12)
    assert tnx["horizons"]["20"]["relative"] is None


def test_a_horizon_the_data_does_not_reach_is_open(grades):
    p = _piece(grades, "IWM", "2026-08-14")
    adj = _adj("IWM")
    left = adj.index.get_loc(pd.Timestamp("2026-08-14")) + 20 - (len(adj) - 1)
    assert p["horizons"]["20"] == {
        "status": "open",
        "end": None,
        "move": None,
        "relative": None,
        "hit": None,
        "sessions_left": left,
    }
    assert left == 15 and p["mark_class"] == "open"


def test_the_running_record_counts_each_call(grades):
    record = grades["record"]["20"]
    graded = [p for p in grades["pieces"] if p["horizons"]["20"]["status"] == "graded"]
    for call in ("constructive", "cautious", "defensive"):
        mine = [p["horizons"]["20"] for p in graded if p["call"] == call]
        assert record[call]["graded"] == len(mine)
        if call != "cautious":
            assert record[call]["right"] == sum(m["hit"] for m in mine)
    assert record["constructive"]["open"] == 1 and record["cautious"]["hit_rate"] is None
    returns = [p["horizons"]["20"]["move"] for p in graded if p["call"] == "defensive" and p["measure"] == "total"]
    assert_allclose(record["defensive"]["median_return"], np.median(returns), rtol=1e-12)
    assert grades["problems"] == [
        "2019-06-14/XLP.json: JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    ]


def test_the_command_prints_the_table_writes_the_files_and_marks_the_index(folder, tmp_path, capsys):
    import shutil

    root = tmp_path / "reports"
    shutil.copytree(folder, root)
    assert cli.main(["grade", "--root", str(root), "--source", "snapshot"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["Date", "Ticker", "Call", "20", "sessions", "60", "sessions"]
    assert out[1].startswith("2026-08-14  IWM     constructive  open, 15 sessions to go")
    assert (
        "20 sessions: constructive 2 graded, 0 right (0%); cautious 1 graded; defensive 2 graded, 0 right (0%); 1 open."
        in out
    )
    written = json.loads((root / "grades.json").read_text())
    assert written == json.loads(json.dumps(grade.grade(root, Market("snapshot"))))
    assert "| 2022-09-30 | IWM | defensive |" in (root / "grades.md").read_text()
    entries, _ = scan(root)
    marks = {(e.date, e.ticker): e.grade for e in entries}
    assert marks[("2020-03-16", "^VIX")] == ("\u2717 SPY +19.0% in 20 sessions", "wrong")
    assert marks[("2026-08-14", "IWM")] == ("open: 20 sessions not yet reached", "open")
    assert marks[("2019-06-14", "QQQ")] == ("", "")  # no call, no mark
    assert 'class="grade grade-wrong">\u2717 SPY +19.0% in 20 sessions</span>' in (root / "index.html").read_text()


def test_a_missing_or_foreign_grades_file_leaves_the_index_unmarked(tmp_path):
    assert grade.read_marks(tmp_path) == {}
    (tmp_path / "grades.json").write_text('{"pieces": [{"date": 1}], "x": "<script>"}')
    assert grade.read_marks(tmp_path) == {}


def test_published_outcome_of_a_date_the_series_lacks_is_unavailable():
    frame = pd.DataFrame(
        {"close": [1.0, 2.0], "adj_close": [1.0, 2.0]}, index=pd.to_datetime(["2024-01-02", "2024-01-03"])
    )
    out = published.outcome(frame, None, as_of="2024-01-05", call="constructive", g=grading("equity", "total"))
    assert out["20"]["status"] == "unavailable" and out["20"]["sessions_left"] is None


@pytest.mark.process
def test_make_grade_over_a_reports_folder(folder, tmp_path):
    import shutil

    root = tmp_path / "reports"
    shutil.copytree(folder, root)
    env = {**os.environ, "MOMENTUM_REPORTS_DIR": str(root), "SOURCE": "snapshot"}
    out = subprocess.run(["make", "-s", "grade"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "2020-03-16  ^VIX    defensive     \u2717 SPY +19.0% to 2020-04-14" in out.stdout
    assert (root / "grades.json").is_file() and (root / "grades.md").is_file()
    assert "grade-wrong" in (root / "index.html").read_text()
