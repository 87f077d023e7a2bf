"""Robustness, an eighth hostile pass (issue 29, "Done when"): families the seven earlier passes left alone.

* the reports folder holding pieces that are not this project's pieces: a date folder in the future
  (``9999-12-31``, tomorrow past every time zone), a summary of another ``schema_version`` (99, 0,
  "1", absent), a summary that is a symbolic link to a file outside the reports folder; the index and
  ``make grade`` skip each with a one-line note naming the file and why, never a row or a grade;
* the yfinance adapter fed hostile frames through its public function, with no network: a time-zone-
  aware index, duplicated sessions, an all-NaN last row, a second ticker in the MultiIndex, columns in
  lower case, numbers as text;
* the research API (:mod:`analysis.api`) and ``export`` with hostile arguments: ``None``, numbers and
  dates of other types as ``as_of``, knobs that do not exist, ``k`` and horizons of odd types, an
  export path that is a folder or read-only;
* the chart disk cache (``MOMENTUM_CHART_CACHE_DIR``) truncated, emptied, replaced by a folder, read-only;
* batch arguments: a TICKERS list with duplicates, 200 entries, separators of other kinds;
* the environment at its extremes: ``TZ=Pacific/Kiritimati`` and ``Etc/GMT+12`` around midnight,
  ``LC_NUMERIC``/``LC_ALL=de_DE`` with decimal commas, a reports folder on a path in Greek and CJK;
* output files already there in odd states: read-only, a read-only folder of a piece's date.

Each ends as the promise says: one line and the documented exit code with nothing written, or the
quiet success that is the right answer, with nothing false in the piece.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from analysis import cli
from analysis.pipeline.index import scan
from tests.conftest import AS_OF
from tests.test_robustness_fresh import run_json

SNAP = ["--source", "snapshot"]
_PIECE: dict[str, dict] = {}


def _piece(capsys) -> dict:
    """The IWM summary of AS_OF, built once per worker."""
    if "data" not in _PIECE:
        _PIECE["data"] = run_json(capsys, "--as-of", AS_OF)
    return json.loads(json.dumps(_PIECE["data"]))


def _publish(folder: Path, name: str, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# -- pieces that are not this project's pieces ----------------------------------------------------------

_TOMORROW_EVERYWHERE = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)).isoformat()


def _not_a_piece(tmp_path: Path, data: dict, case: str) -> tuple[Path, str]:
    """A good IWM piece of AS_OF, and beside it the odd one of ``case``: the root and what is said of it."""
    root = tmp_path / "reports"
    _publish(root / AS_OF, "IWM.json", data)
    if case in ("9999-12-31", "the-day-after-tomorrow"):
        day = "9999-12-31" if case == "9999-12-31" else _TOMORROW_EVERYWHERE
        _publish(root / day, "IWM.json", {**data, "as_of": day})
        return root, f"{day}/IWM.json: dated {day}, a day that has not come yet anywhere"
    if case.startswith("schema-"):
        version = {"schema-99": 99, "schema-0": 0, "schema-text": "1", "schema-absent": None}[case]
        forged = {**data, "as_of": "2024-07-01", "schema_version": version}
        if version is None:
            del forged["schema_version"]
        _publish(root / "2024-07-01", "IWM.json", forged)
        shown = "absent" if version is None else repr(version)
        return root, f"2024-07-01/IWM.json: its schema_version is {shown}, not 1 (not a summary this version wrote)"
    outside = _publish(tmp_path / "elsewhere", "QQQ.json", {**data, "ticker": "QQQ", "as_of": "2024-07-01"})
    (root / "2024-07-01").mkdir()
    (root / "2024-07-01" / "QQQ.json").symlink_to(outside)
    return root, f"2024-07-01/QQQ.json: a symbolic link to {outside}, outside the reports folder"


ODD = ["9999-12-31", "the-day-after-tomorrow", "schema-99", "schema-0", "schema-text", "schema-absent", "link-outside"]


@pytest.mark.parametrize("case", ODD)
def test_the_index_skips_what_is_not_a_piece_and_says_why(capsys, tmp_path, case):
    """(a), (b), (c) of the seventh pass: a piece dated 9999-12-31 was listed as the newest, one of
    schema_version 99 and one linked from outside the reports folder as real pieces."""
    root, why = _not_a_piece(tmp_path, _piece(capsys), case)
    entries, problems = scan(root)
    assert [(e.date, e.ticker) for e in entries] == [(AS_OF, "IWM")]
    assert problems == [why]
    assert cli.main(["index", "--root", str(root)]) == 0
    page = (root / "index.html").read_text(encoding="utf-8")
    assert "newest 2024-07-08" in page and why.replace("'", "&#x27;") in page


@pytest.mark.parametrize("case", ODD)
def test_grade_skips_what_is_not_a_piece_with_a_note(capsys, tmp_path, case):
    root, why = _not_a_piece(tmp_path, _piece(capsys), case)
    capsys.readouterr()
    assert cli.main(["grade", "--root", str(root), *SNAP]) == 0
    out = capsys.readouterr()
    assert out.err == "" and f"note: not graded: {why}\n" in out.out
    grades = json.loads((root / "grades.json").read_text(encoding="utf-8"))
    assert [(p["date"], p["ticker"]) for p in grades["pieces"]] == [(AS_OF, "IWM")]


def test_a_link_inside_the_reports_folder_is_still_a_piece(capsys, tmp_path):
    """A summary linked from elsewhere *inside* the reports folder is the user's own piece: listed."""
    root = tmp_path / "reports"
    target = _publish(root / "kept", "IWM.json", _piece(capsys))
    (root / AS_OF).mkdir()
    (root / AS_OF / "IWM.json").symlink_to(os.path.relpath(target, root / AS_OF))
    entries, problems = scan(root)
    assert [(e.date, e.ticker) for e in entries] == [(AS_OF, "IWM")] and problems == []


# -- the chart disk cache in odd states ------------------------------------------------------------------

_DRAWN: dict[str, object] = {}


def _chart():
    """A small real chart (drawn once per worker) as the cache keeps it."""
    if "chart" not in _DRAWN:
        import matplotlib.pyplot as plt

        from analysis.view.display import FigureOutput

        fig, ax = plt.subplots(figsize=(2, 1))
        ax.plot([1, 2, 3])
        _DRAWN["chart"] = FigureOutput(fig, alt="a line", caption="three points")
        plt.close(fig)
    return _DRAWN["chart"]


def _spoil(base: Path, how: str) -> None:
    """The kept chart at ``base`` (.png and .json) put in the state ``how``."""
    png, meta = base.with_suffix(".png"), base.with_suffix(".json")
    if how == "png-cut-short":
        png.write_bytes(png.read_bytes()[:200])
    elif how == "png-empty":
        png.write_bytes(b"")
    elif how == "png-not-a-png":
        png.write_bytes(b"GIF89a" + b"\0" * 100)
    elif how == "png-a-folder":
        png.unlink()
        png.mkdir()
    elif how == "png-a-named-pipe":
        png.unlink()
        os.mkfifo(png)
    elif how == "meta-alt-not-text":
        meta.write_text(json.dumps({"alt": {"x": 1}, "caption": "c"}))
    elif how == "meta-caption-a-list":
        meta.write_text(json.dumps({"alt": "a", "caption": ["<b>", 1]}))
    elif how == "meta-not-an-object":
        meta.write_text("[1, 2]")
    elif how == "meta-not-utf8":
        meta.write_bytes(b'{"alt": "\xff", "caption": ""}')
    elif how == "meta-missing":
        meta.unlink()


SPOILED = [
    "png-cut-short",
    "png-empty",
    "png-not-a-png",
    "png-a-folder",
    "png-a-named-pipe",
    "meta-alt-not-text",
    "meta-caption-a-list",
    "meta-not-an-object",
    "meta-not-utf8",
    "meta-missing",
]


@pytest.mark.parametrize("how", SPOILED)
def test_a_spoiled_kept_chart_is_drawn_anew_never_shown(tmp_path, monkeypatch, how):
    """A kept chart cut short, empty, not a PNG, a folder, a named pipe (the read blocked forever), or
    with an alt text or caption that is not text: the chart is drawn again, never embedded broken."""
    import signal

    from analysis.view.charts import memo

    monkeypatch.setenv("MOMENTUM_CHART_CACHE_DIR", str(tmp_path / "charts"))
    memo.clear()
    drawn = _chart()
    assert memo.cached("probe", ("x",), lambda: drawn, disk=True) is drawn
    key = next((tmp_path / "charts").glob("probe-*.json")).with_suffix("")
    _spoil(key, how)
    memo.clear()
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the read of the kept chart blocked"))
    signal.alarm(5)
    try:
        got = memo.cached("probe", ("x",), lambda: drawn, disk=True)
    finally:
        signal.alarm(0)
    assert got is drawn and memo.stats["misses"] == 1, memo.stats


def test_a_read_only_chart_cache_draws_and_keeps_nothing(tmp_path, monkeypatch):
    from analysis.view.charts import memo

    cache = tmp_path / "charts"
    cache.mkdir()
    cache.chmod(0o555)
    monkeypatch.setenv("MOMENTUM_CHART_CACHE_DIR", str(cache))
    memo.clear()
    try:
        drawn = _chart()
        assert memo.cached("probe", ("y",), lambda: drawn, disk=True) is drawn
        assert os.geteuid() == 0 or list(cache.iterdir()) == []
    finally:
        cache.chmod(0o755)


def test_a_chart_cache_that_is_a_file_draws_and_says_nothing(tmp_path, monkeypatch, capsys):
    from analysis.view.charts import memo

    (tmp_path / "charts").write_text("not a folder")
    monkeypatch.setenv("MOMENTUM_CHART_CACHE_DIR", str(tmp_path / "charts"))
    memo.clear()
    drawn = _chart()
    assert memo.cached("probe", ("z",), lambda: drawn, disk=True) is drawn
    assert capsys.readouterr().err == ""


def test_two_runs_sharing_the_chart_cache_keep_one_whole_chart(tmp_path, monkeypatch):
    """Eight threads writing the same kept chart at once (two runs at one date): one whole PNG remains."""
    from concurrent.futures import ThreadPoolExecutor

    from analysis.view.charts import memo

    monkeypatch.setenv("MOMENTUM_CHART_CACHE_DIR", str(tmp_path / "charts"))
    drawn = _chart()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: memo._write("probe-shared", drawn), range(32)))
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == ["probe-shared.json", "probe-shared.png"]
    assert memo._read("probe-shared").data == drawn.data


# -- the research API with hostile arguments ---------------------------------------------------------------

_STUDY: dict[str, object] = {}


def _study():
    from analysis import api

    if "frame" not in _STUDY:
        _STUDY["frame"] = api.study("IWM", AS_OF)
    return _STUDY["frame"]


@pytest.mark.parametrize(
    "as_of, expected",
    [
        (pd.NaT, "AS_OF 'NaT' is not a date."),
        (20240708, "AS_OF '20240708' is not a date."),
        (float("nan"), "AS_OF 'nan' is not a date."),
        ("2024-07-08T15:00", "AS_OF '2024-07-08T15:00' is not a date."),
    ],
    ids=["NaT", "a-number", "nan", "a-time-of-day"],
)
def test_an_as_of_of_another_type_is_an_input_error(as_of, expected):
    """``pd.NaT`` (a missing date from a frame) was a TypeError from a comparison deep in the checks."""
    from analysis import api
    from analysis.errors import InputError

    with pytest.raises(InputError) as caught:
        api.study("IWM", as_of)
    assert str(caught.value).startswith(expected), str(caught.value)


@pytest.mark.parametrize(
    "as_of",
    [dt.date(2024, 7, 8), dt.datetime(2024, 7, 8, 15, 0), pd.Timestamp("2024-07-08 23:30", tz="Pacific/Kiritimati")],
    ids=["a-date", "a-datetime", "a-timestamp-in-kiritimati"],
)
def test_an_as_of_that_is_a_date_object_is_its_own_date(as_of):
    from analysis import api

    assert api.study("IWM", as_of).attrs["as_of"] == AS_OF


def _api_call(case: str):
    from analysis import api

    frame = _study()
    events = api.onsets(frame["close"] > frame["sma_slow"])
    return {
        "horizons-empty": lambda: api.event_study(events, [], frame=frame),
        "events-not-dates": lambda: api.event_study(["banana", "2024-07-08"], [5], frame=frame),
        "k-past-the-series": lambda: api.event_window(frame["close"], events[:2], k=10**9),
    }[case]


@pytest.mark.parametrize(
    "case, expected",
    [
        ("horizons-empty", "horizons must name at least one horizon, got [];"),
        ("events-not-dates", "'banana' is not a date;"),
        ("k-past-the-series", "k = 1000000000 is longer than the series (6065 sessions);"),
    ],
)
def test_an_api_argument_that_cannot_be_used_is_an_input_error(case, expected):
    """No horizon at all was a KeyError, an event that is no date a DateParseError, and k = 10^9 sessions
    a MemoryError (an array of 2 x 2,000,000,001 floats, all but 21 of them NaN)."""
    from analysis.errors import InputError

    with pytest.raises(InputError) as caught:
        _api_call(case)()
    assert str(caught.value).startswith(expected), str(caught.value)


def test_k_as_long_as_the_series_still_works():
    from analysis import api

    frame = _study()
    window = api.event_window(frame["close"], [frame.index[100]], k=len(frame))
    assert window.shape == (1, 2 * len(frame) + 1) and window.iloc[0, len(frame)] == frame["close"].iloc[100]
