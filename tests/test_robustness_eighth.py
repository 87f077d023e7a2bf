"""Robustness, an eighth hostile pass (issue 29, "Done when"): families the seven earlier passes left alone.

First, three things the seventh pass noticed and left: the index and ``make grade`` listed (and graded)
a piece in a ``9999-12-31`` date folder as the newest, a summary of ``schema_version`` 99, and a summary
that is a symbolic link to a file outside the reports folder. Now each (and a date folder after today in
every time zone, a ``schema_version`` of 0, ``"1"`` or none) is skipped with a one-line note naming the
file and why. Then the new families:

* the chart disk cache (``MOMENTUM_CHART_CACHE_DIR``): a kept PNG cut short, empty, of another format, a
  folder or a named pipe, its alt text or caption not text, its JSON not an object, not UTF-8 or
  missing; the cache read-only, a file, or written by eight threads at once;
* the research API (:mod:`analysis.api`): ``as_of`` as ``pd.NaT``, a number, NaN, a time of day, a
  date, a datetime, a Timestamp in Kiritimati; no horizon, events that are no dates, ``k`` past the series;
* the yfinance adapter fed hostile frames through ``yf.download`` itself (no network): an index in
  Tokyo or UTC, stamped at the close, reversed, numbers as text, an all-NaN last row, duplicated
  sessions, lower-case columns, a close of zero;
* ``make csv`` (``python -m analysis export``): a folder where a CSV belongs, a file where ``data/``
  belongs, a future AS_OF, FAST above SLOW, read-only earlier CSVs;
* a batch's TICKERS list: duplicates in four spellings, tabs and empty commas, a semicolon, 200 entries;
* the environment: TZ at UTC+14 and UTC-12, a German (decimal-comma) locale that is not installed.

The pass found nine defects, each fixed (the case's docstring says what it was): the three above; a
kept chart cut short, not a PNG, empty or with words that are not text was embedded broken, and a named
pipe in its place blocked the run forever; ``pd.NaT`` as ``as_of``, no horizon, an event that is no date
and ``k = 10^9`` were a TypeError, a KeyError, a DateParseError and a MemoryError.
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


# -- the yfinance adapter fed hostile frames (yf.download runs for real on a stand-in Ticker) -------------


def _shaped(how: str):
    """A change to the daily frame yfinance's Ticker.history returns (tz-aware, exchange time)."""
    import numpy as np

    def tz(zone):
        return lambda f: f.set_axis(f.index.tz_convert(zone))

    def last_row_nan(f):
        f = f.copy()
        f.iloc[-1] = np.nan
        return f

    return {
        "index-in-tokyo": tz("Asia/Tokyo"),
        "index-in-utc": tz("UTC"),
        "stamped-at-the-close": lambda f: f.set_axis(f.index + pd.Timedelta(hours=15, minutes=59)),
        "rows-reversed": lambda f: f.iloc[::-1],
        "numbers-as-text": lambda f: f.astype(str),
        "all-nan-last-row": last_row_nan,
        "duplicated-sessions": lambda f: pd.concat([f, f.iloc[-3:]]),
        "lower-case-columns": lambda f: f.rename(columns=str.lower),
        "a-close-of-zero": lambda f: f.assign(Close=f["Close"].where(f.index != f.index[-1], 0.0)),
    }[how]


@pytest.mark.parametrize(
    "how, expected",
    [
        ("index-in-tokyo", "2024-07-08"),
        ("index-in-utc", "2024-07-08"),
        ("stamped-at-the-close", "2024-07-08"),
        ("rows-reversed", "2024-07-08"),
        ("numbers-as-text", "2024-07-08"),
        ("all-nan-last-row", "2024-07-05"),
        ("duplicated-sessions", "yfinance failed for IWM: InvalidIndexError"),
        ("lower-case-columns", "Yahoo returned no closing prices for IWM."),
        ("a-close-of-zero", "IWM (yahoo): 1 row(s) with zero or negative prices (2024-07-08)."),
    ],
)
def test_the_yfinance_adapter_reads_or_names_a_hostile_frame(monkeypatch, how, expected):
    """Each shape is read to the right sessions (the last one dropped with a note when it holds no
    close) or refused in one line naming what is wrong; never a session on the wrong day or a zero close."""
    import yfinance.multi

    from analysis.data import yahoo
    from analysis.errors import ReportError
    from tests.test_yahoo import FakeTicker, history_frame

    change = _shaped(how)

    class Hostile(FakeTicker):
        def history(self, **kwargs):
            return change(history_frame(kwargs.get("auto_adjust", True)))

    monkeypatch.setattr(yfinance.multi, "Ticker", Hostile)
    try:
        frame = yahoo.fetch("IWM", timeout=10)
    except ReportError as exc:
        assert str(exc).startswith(expected), str(exc)
        return
    assert frame.index[-1].date().isoformat() == expected and frame.index.tz is None
    assert frame["close"].notna().all() and (frame["close"] > 0).all()
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert (frame.index.day_of_week < 5).all() and (frame.index == frame.index.normalize()).all()
    if how == "all-nan-last-row":
        assert frame.attrs["notes"] == ["1 row(s) without a close (2024-07-08): dropped"]


# -- make csv (python -m analysis export) with hostile arguments and files in the way --------------------


@pytest.mark.parametrize(
    "case, code, expected",
    [
        ("a-folder-where-the-csv-belongs", 5, "is a folder, where the piece's .csv file belongs. Nothing was changed."),
        ("a-file-where-data-belongs", 5, "data is a file, not a folder."),
        ("a-future-as-of", 2, "error: AS_OF 2099-01-02 is in the future"),
        ("fast-above-slow", 2, "error: FAST 300 is not below SLOW 200"),
    ],
)
def test_make_csv_with_something_in_the_way_is_one_line(capsys, tmp_path, monkeypatch, case, code, expected):
    root = tmp_path / "reports"
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    data = root / AS_OF / "data"
    argv: list[str] = []
    if case == "a-folder-where-the-csv-belongs":
        (data / "IWM_series.csv").mkdir(parents=True)
    elif case == "a-file-where-data-belongs":
        data.parent.mkdir(parents=True)
        data.write_text("x")
    elif case == "a-future-as-of":
        argv = ["--as-of", "2099-01-02"]
    else:
        argv = ["--fast", "300"]
    assert cli.main(["export", *SNAP, "--ticker", "IWM", "--as-of", AS_OF, *argv]) == code
    out = capsys.readouterr()
    assert out.err.count("\n") == 1 and expected in out.err, out.err
    assert not list(root.glob("*/data/*.csv")) if case != "a-folder-where-the-csv-belongs" else True
    assert "IWM_returns.csv" not in {p.name for p in root.rglob("*")}


def test_make_csv_over_read_only_earlier_files_replaces_them_whole(capsys, tmp_path, monkeypatch):
    root = tmp_path / "reports"
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    data = root / AS_OF / "data"
    data.mkdir(parents=True)
    for name in ("IWM_series.csv", "IWM_returns.csv"):
        (data / name).write_text("old")
        (data / name).chmod(0o444)
    assert cli.main(["export", *SNAP, "--ticker", "IWM", "--as-of", AS_OF]) == 0
    assert capsys.readouterr().err == ""
    assert all((data / n).read_text().startswith("date,") for n in ("IWM_series.csv", "IWM_returns.csv"))


# -- a batch's TICKERS list ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tickers, stems, refused",
    [
        ("IWM iwm IWM, iwm", ["IWM"], []),
        ("IWM\tQQQ\nSMH ,, ", ["IWM", "QQQ", "SMH"], []),
        ("IWM;QQQ SMH", ["SMH"], ["IWM;QQQ"]),
        (" ".join(f"Z{i}" for i in range(200)), [f"Z{i}" for i in range(200)], []),
    ],
    ids=["duplicates-in-four-spellings", "tabs-newlines-and-empty-commas", "a-semicolon", "200-entries"],
)
def test_a_tickers_list_is_planned_once_per_piece(tickers, stems, refused):
    """Duplicates in any case make one piece; 200 symbols are 200 pieces planned at once (each is then
    refused or written on its own); a symbol glued with ``;`` is one refused entry, named as typed."""
    from analysis.pipeline.batch import plan, split_tickers

    requests, out = plan(split_tickers(tickers), None, AS_OF, "snapshot")
    assert [r.stem for r in requests] == stems
    assert [o.ticker for o in out] == refused and all("TICKERS" in o.error for o in out)


# -- the environment at its extremes ---------------------------------------------------------------------------


@pytest.mark.process
@pytest.mark.parametrize(
    "env",
    [
        {"TZ": "Pacific/Kiritimati"},
        {"TZ": "Etc/GMT+12"},
        {"LC_ALL": "de_DE.UTF-8", "LC_NUMERIC": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"},
    ],
    ids=["utc+14", "utc-12", "a-german-locale-not-installed"],
)
def test_the_summary_is_the_same_at_the_ends_of_the_clock_and_in_german(capsys, tmp_path, env):
    """The JSON of a process at UTC+14, at UTC-12 and under a decimal-comma locale (not installed here:
    Python's C fallback) is byte for byte the JSON of this process: no date shifted, no comma."""
    from tests import hostile

    done = hostile.run_cli(tmp_path / "reports", "summary", *SNAP, "--as-of", AS_OF, env=env, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert json.loads(done.stdout) == _piece(capsys)
