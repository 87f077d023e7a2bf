"""Robustness, an eleventh hostile pass (issue 29, "Done when"): families the ten earlier passes left alone.

* the parsed-frame cache (``.cache/frames``, :mod:`analysis.data.kept`): a kept frame replaced by a pickle of
  ``None`` or of a number, by a frame with its last close x1000, with bits flipped, by a named pipe, cut or
  edited behind its mark; the cache folder a file, a loop, ``/dev/null``;
* configuration nested thousands deep (every user TOML, and a bundled manifest);
* CSV oddities not tried before: two files concatenated (a header in the middle), a ragged row, semicolons,
  UTF-16, a lower-case header, an epoch row, a volume of 1e30; an ``Adj Close`` 30% off its close on one
  day (the last, or one inside the series) while a 10% special dividend stays a piece;
* the appendices' year knobs at their bound (100,000 years, documented as allowed) and SCORE_YEARS=0
  ("0 for all"); MONTHS=100000 for the century;
* the lab's :mod:`analysis.interactive` and the research API: negative, huge or fractional ``years``, an
  empty or plain frame, ``onsets`` of a list or of numbers, ``export`` to a folder, a full disk;
* the yfinance adapter handed a frame with two Close columns, a Series, a tuple, or a date index with NaT;
* knob spellings (``1e-400``, ``0x10``, ``0b11``, ``1_0e2``, ``-0``, ``' 205 '``, ``205.``, ``+205``) and a
  scenarios file that is ``/dev/zero``, a pipe or a folder; the reports folder's hidden folders as files or
  links out, ``grades.json`` a folder, ``grades.md`` a link out, ``index.html`` a named pipe.

68 cases: 31 held, 37 broke (one of them the test that a whole kept frame is still read), from eight
defects, all fixed (the tests below say which):

1. a kept frame was trusted as it lay: a pickle of ``None`` was an AttributeError traceback, a named pipe
   hung every run forever, and a kept frame with its last close x1000 was headlined as IWM's "largest
   one-day rise ... at a record high": a kept file now carries a mark and the SHA-256 of its pickle, is read
   only when it is a regular file, and anything else is parsed (and screened) anew;
2. a TOML nested 100,000 deep was a RecursionError traceback: now exit 2 (a manifest: exit 3) naming the file;
3. an adj_close 30% off its close on the last day made a month's total return +31% (the price rose 1%)
   with exit 0: a move of adj_close/close above 20% and three times its own largest is a data error;
4. YEARS, RM_YEARS, TRIGGER_YEARS, SCORE_YEARS, GROWTH_YEARS = 100000 (their bound) were a ValueError in
   every appendix ("year -97976 is out of range"): now the whole history;
5. SCORE_YEARS=0 (or any span longer than the history) failed the scorecard appendix with "AS_OF
   2000-06-20 leaves only 17 sessions": its history now starts where a piece can;
6. MONTHS=100000 was a NotImplementedError from the date in its own error message: now "choose a shorter MONTHS";
7. the lab's chart (``chart_spec``, ``rerun``, the explorer) took ``years=-1``, ``10**6``, ``2.5`` or an empty
   frame to an IndexError/ValueError; ``onsets`` of a list or of numbers was an AttributeError/TypeError;
   ``export`` wrote in place (a full disk left a cut CSV) and raised bare OSErrors: now InputError /
   PublishError in one sentence, and ``export`` writes beside the target and moves it over;
8. the yfinance adapter: two Close columns, a Series or a tuple were tracebacks, and a date index holding
   NaT became a piece whose last session was NaT: now one line (exit 3).
"""

from __future__ import annotations

import gzip
import os
import pickle
import signal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import DataError, InputError, PublishError, SourceUnavailable
from tests import hostile
from tests.conftest import AS_OF
from tests.test_robustness_fifth import _config, _put, _text
from tests.test_robustness_fresh import run_json

SNAP = ["--source", "snapshot"]
DEEP = "x = " + "[" * 100_000 + "]" * 100_000 + "\n"


# -- 1. the parsed-frame cache ------------------------------------------------------------------------


def _spoil_kept(path: Path, how: str, frame: pd.DataFrame) -> None:
    from analysis.data import kept

    if how == "a-pickle-of-none":
        path.write_bytes(pickle.dumps(None))
    elif how == "a-pickle-of-a-number":
        path.write_bytes(pickle.dumps(5))
    elif how in ("last-close-x1000", "last-close-x1000-behind-its-mark"):
        forged = frame.copy()
        forged.iloc[-1, forged.columns.get_loc("close")] *= 1000
        body = pickle.dumps(forged)
        keep_mark = how.endswith("mark")
        path.write_bytes(path.read_bytes()[: len(kept.MAGIC) + 32] + body if keep_mark else body)
    elif how == "bits-flipped":
        data = bytearray(path.read_bytes())
        for i in range(len(data) // 2, len(data) // 2 + 8):
            data[i] ^= 0xFF
        path.write_bytes(bytes(data))
    elif how == "cut-short":
        path.write_bytes(path.read_bytes()[:1000])
    elif how == "a-named-pipe":
        path.unlink()
        os.mkfifo(path)
    elif how == "a-folder":
        path.unlink()
        path.mkdir()


KEPT_SPOILED = [
    "a-pickle-of-none",  # broke: AttributeError traceback
    "a-pickle-of-a-number",  # broke: AttributeError traceback
    "last-close-x1000",  # broke: headlined as a record
    "last-close-x1000-behind-its-mark",
    "bits-flipped",
    "cut-short",  # held
    "a-named-pipe",  # broke: every run hung
    "a-folder",  # held
]


@pytest.mark.parametrize("how", KEPT_SPOILED)
def test_a_damaged_kept_frame_is_parsed_anew_never_used(tmp_path, monkeypatch, how):
    from analysis.data import snapshot

    monkeypatch.setenv("MOMENTUM_FRAME_CACHE_DIR", str(tmp_path / "frames"))
    snapshot._read.cache_clear()
    plain = snapshot.read("IWM")
    (path,) = (tmp_path / "frames").glob("snapshot-*.pickle")
    _spoil_kept(path, how, plain)
    snapshot._read.cache_clear()
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the read of the kept frame blocked"))
    signal.alarm(10)
    try:
        again = snapshot.read("IWM")
    finally:
        signal.alarm(0)
        snapshot._read.cache_clear()
    pd.testing.assert_frame_equal(again, plain)
    assert again.attrs == plain.attrs


def test_a_kept_frame_is_read_back_from_disk_when_whole(tmp_path, monkeypatch):
    """The mark and digest do not cost the cache its use: a whole kept frame is read, not parsed."""
    from analysis.data import kept, snapshot

    monkeypatch.setenv("MOMENTUM_FRAME_CACHE_DIR", str(tmp_path / "frames"))
    snapshot._read.cache_clear()
    snapshot.read("IWM")
    (path,) = (tmp_path / "frames").glob("snapshot-*.pickle")
    assert path.read_bytes().startswith(kept.MAGIC)
    calls = []
    assert kept._load(path) is not None
    monkeypatch.setattr(snapshot, "_parse", lambda *a, **k: calls.append(a))
    snapshot._read.cache_clear()
    snapshot.read("IWM")
    snapshot._read.cache_clear()
    assert calls == []


@pytest.mark.parametrize("where", ["a-file", "a-loop", "dev-null"])
def test_a_frame_cache_folder_that_cannot_be_one_changes_nothing(capsys, tmp_path, monkeypatch, where):
    """Held: parsed, nothing kept, nothing said."""
    target = {"a-file": tmp_path / "file", "a-loop": tmp_path / "loop", "dev-null": Path("/dev/null")}[where]
    if where == "a-file":
        target.write_text("x")
    elif where == "a-loop":
        target.symlink_to(target)
    monkeypatch.setenv("MOMENTUM_FRAME_CACHE_DIR", str(target))
    assert run_json(capsys, "--as-of", AS_OF)["ticker"] == "IWM"


# -- 2. configuration nested thousands deep -------------------------------------------------------------


@pytest.mark.parametrize("name", ["profiles", "scenarios", "family", "names"])
def test_a_config_file_nested_too_deep_is_exit_2_naming_it(capsys, no_reports, tmp_path, monkeypatch, name):
    """Broke: a RecursionError traceback from tomllib."""
    path = _config(tmp_path, monkeypatch, name, DEEP)
    code, line = hostile.cli_line(capsys, "summary", *SNAP)
    assert code == 2 and line.startswith(f"error: configuration file {path} nests") and "git checkout" in line, line


def test_a_scenarios_file_nested_too_deep_is_exit_2_naming_it(capsys, no_reports, tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text(DEEP)
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--scenarios-file", str(path))
    assert code == 2 and str(path) in line and "too deeply" in line, line


def test_a_prices_manifest_nested_too_deep_is_exit_3(capsys, no_reports, prices):
    from analysis.data import snapshot

    (prices / "manifest.toml").write_text(DEEP)
    snapshot.manifest.cache_clear()
    try:
        code, line = hostile.cli_line(capsys, "summary", *SNAP)
    finally:
        snapshot.manifest.cache_clear()
    assert code == 3 and "manifest.toml cannot be read" in line and "git checkout" in line, line


@pytest.mark.parametrize("target", ["/dev/zero", "fifo", "folder"])
def test_a_scenarios_file_that_is_no_file_is_exit_2(capsys, no_reports, tmp_path, target):
    """Held: /dev/zero, a named pipe and a folder are refused before any read (none blocks)."""
    path = {"/dev/zero": Path("/dev/zero"), "fifo": tmp_path / "s.toml", "folder": tmp_path}[target]
    if target == "fifo":
        os.mkfifo(path)
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--scenarios-file", str(path))
    assert code == 2 and ("not the path of a .toml file" in line or "not a regular file" in line), line


# -- 3. CSV oddities ------------------------------------------------------------------------------------


def _with_rows(prices, edit) -> None:
    """The file's lines as ``edit(header, rows)`` returns them (the header included)."""
    header, *rows = _text(prices).splitlines()
    _put(prices, "\n".join(edit(header, rows)) + "\n")


def _scale_adj(rows: list[str], i: int, factor: float) -> list[str]:
    i %= len(rows)
    f = rows[i].split(",")
    f[5] = f"{float(f[5]) * factor:.6f}"
    return [*rows[:i], ",".join(f), *rows[i + 1 :]]


@pytest.mark.parametrize("row", [-1, 5000], ids=["last-row", "inside-the-series"])
def test_an_adj_close_far_off_its_close_on_one_day_is_a_data_error(capsys, no_reports, prices, row):
    """Broke: adj_close x1.3 on the last day (the close untouched) published a one-month total return of
    +31.5% (the price rose 1.2%) and moved a talking point's score, exit 0, no note."""
    _with_rows(prices, lambda h, rows: [h, *_scale_adj(rows, row, 1.3)])
    code, line = hostile.cli_line(capsys, "summary", *SNAP)
    assert code == 3 and "IWM.csv.gz" in line and "adj_close/close" in line, line


def test_a_special_dividend_of_a_tenth_is_still_a_piece(capsys, prices):
    """Held, and the bound of the rule above: a ratio move of 10% in one day is a (large) dividend."""
    _with_rows(prices, lambda h, rows: [h, *_scale_adj(rows, -1, 1.1)])
    assert run_json(capsys)["ticker"] == "IWM"


CSV_REFUSED = {
    "two-files-concatenated": (lambda h, rows: [h, *rows[:3000], h, *rows[3000:]], "row 3001 ('Date')"),
    "a-ragged-row": (lambda h, rows: [h, *rows[:3000], rows[3000] + ",7,8", *rows[3001:]], "Expected 7 fields"),
    "semicolons": (lambda h, rows: [h.replace(",", ";"), *(r.replace(",", ";") for r in rows)], "'Date'"),
    "lower-case-header": (lambda h, rows: [h.lower(), *rows], "'Date'"),
}


@pytest.mark.parametrize("case", list(CSV_REFUSED))
def test_a_csv_of_another_shape_is_exit_3_naming_the_file(capsys, no_reports, prices, case):
    """Held: one line, exit 3, the file named."""
    edit, expected = CSV_REFUSED[case]
    _with_rows(prices, edit)
    code, line = hostile.cli_line(capsys, "summary", *SNAP)
    assert code == 3 and "IWM.csv.gz" in line and expected in line, line


def test_a_csv_in_utf16_is_exit_3_naming_the_file(capsys, no_reports, prices):
    _put(prices, gzip.compress(_text(prices).encode("utf-16")))
    code, line = hostile.cli_line(capsys, "summary", *SNAP)
    assert code == 3 and "IWM.csv.gz" in line and "UnicodeDecodeError" in line, line


def test_a_volume_of_1e30_on_the_last_day_is_left_out_with_a_note(capsys, prices):
    _with_rows(prices, lambda h, rows: [h, *rows[:-1], ",".join([*rows[-1].split(",")[:6], "1e30"])])
    data = run_json(capsys)
    assert any("impossible volume" in n for n in data["data"]["ticker"]["notes"])
    assert "volume" not in str(data["unusual"])


def test_an_epoch_row_before_the_history_is_a_gap_with_a_note(capsys, prices):
    _with_rows(prices, lambda h, rows: [h, "1970-01-01," + rows[0].split(",", 1)[1], *rows])
    data = run_json(capsys)
    assert any("gap of 11103 calendar days" in n for n in data["data"]["ticker"]["notes"])


# -- 4-6. the appendices' spans at their bounds ---------------------------------------------------------


@pytest.mark.parametrize(
    "name, knob",
    [
        ("real_motion", "rm_years"),
        ("phase", "years"),
        ("leadership", "years"),
        ("macro", "years"),
        ("triggers", "trigger_years"),
        ("triggers", "growth_years"),
    ],
)
def test_an_appendix_span_at_its_bound_draws_the_whole_history(name, knob):
    """Broke: 100000 (the bound every whole-number knob is documented with) was "ValueError: year -97976
    is out of range" in the appendix."""
    from analysis import api

    made = api.research(name, "IWM", AS_OF, **{knob: 100_000})
    if knob == "growth_years":
        made.chart_growth()  # from the first session on
        return
    made.chart()
    assert len(made.window) == len(made.series)


def test_the_scorecard_history_starts_where_a_piece_can():
    """Broke: SCORE_YEARS=0 ("0 for all") or longer than the history failed the scorecard appendix with
    "AS_OF 2000-06-20 leaves only 17 sessions of history for IWM" (a date nobody gave)."""
    from analysis.model.asof import MIN_SESSIONS
    from analysis.view.research.scorecard import sessions_every

    index = pd.bdate_range("2000-01-03", periods=1000)
    for years in (0, 100_000):
        picked = sessions_every(index, 21, years)
        assert picked[0] >= index[MIN_SESSIONS - 1] and picked[-1] == index[-1]
    assert sessions_every(index[:5], 21, 0).equals(index[4:5])


def test_months_past_any_history_is_one_data_error():
    """Broke: MONTHS=100000 was a NotImplementedError from the first possible date in its own message."""
    from analysis import api

    with pytest.raises(DataError) as caught:
        api.research("size", "IWM", AS_OF, months=100_000)
    assert "a 100000-month window needs 100000" in str(caught.value) and "shorter MONTHS" in str(caught.value)


# -- 7. the lab's chart and the research API --------------------------------------------------------------


@pytest.fixture(scope="module")
def iwm():
    from analysis import api

    return api.study("IWM", AS_OF)


@pytest.mark.parametrize(
    "years, expected",
    [(-1, "YEARS -1 is below 0"), (10**6, "YEARS 1000000 is above 100000"), (2.5, "YEARS 2.5 is not a whole")],
)
def test_the_lab_chart_refuses_years_the_knob_refuses(iwm, years, expected):
    """Broke: IndexError, "year -997976 is out of range", "Non-integer years ... not supported"."""
    from analysis import interactive

    with pytest.raises(InputError) as caught:
        interactive.chart_spec(iwm, years=years)
    assert str(caught.value).startswith(expected)


def test_the_lab_chart_at_the_bound_draws_everything(iwm):
    from analysis import interactive

    spec = interactive.chart_spec(iwm, years=100_000)
    assert len(spec["data"][-1]["x"]) == len(iwm)


@pytest.mark.parametrize("frame", ["empty", "plain"])
def test_the_lab_chart_of_no_study_is_an_input_error(iwm, frame):
    from analysis import interactive

    given = iwm.iloc[:0] if frame == "empty" else pd.DataFrame({"close": [1.0, 2.0]})
    with pytest.raises(InputError) as caught:
        interactive.chart_spec(given)
    assert "the chart draws a study" in str(caught.value)


@pytest.mark.parametrize(
    "condition, expected",
    [([True, False, True], "got a list"), (pd.Series([1.5, np.nan, 2.0]), "got values of type float64")],
    ids=["a-list", "numbers"],
)
def test_onsets_of_what_is_no_condition_is_an_input_error(condition, expected):
    """Broke: AttributeError ('list' object has no attribute 'astype'), TypeError (Need to pass bool-like values)."""
    from analysis import api

    with pytest.raises(InputError) as caught:
        api.onsets(condition)
    assert expected in str(caught.value)


def test_export_to_a_folder_is_one_publish_error(iwm, tmp_path):
    """Broke: IsADirectoryError."""
    from analysis import api

    with pytest.raises(PublishError) as caught:
        api.export(iwm, tmp_path)
    assert str(tmp_path) in str(caught.value) and list(tmp_path.iterdir()) == []


def test_export_on_a_full_disk_leaves_the_earlier_file_whole(iwm, tmp_path, monkeypatch):
    """Broke: the CSV was written in place, so a full disk left a cut file where the finished one was."""
    from analysis import api

    target = api.export(iwm.iloc[:10], tmp_path / "iwm.csv")
    before = target.read_bytes()

    def full(self, out, **kwargs):
        out.write("date,close\n2024-07-08,1")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    with pytest.raises(PublishError) as caught:
        api.export(iwm, target)
    assert "No space left on device" in str(caught.value)
    assert target.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["iwm.csv"]


# -- 8. the yfinance adapter ------------------------------------------------------------------------------


def _yahoo_frame() -> pd.DataFrame:
    index = pd.bdate_range("2023-01-02", periods=300)
    close = np.linspace(100, 110, 300)
    return pd.DataFrame(
        {"Open": close, "High": close + 1, "Low": close - 1, "Close": close, "Adj Close": close, "Volume": 1000},
        index=index,
    )


@pytest.mark.parametrize("shape", ["two-close-columns", "a-series", "a-tuple", "dates-with-nat"])
def test_the_yfinance_adapter_names_a_frame_it_cannot_use(monkeypatch, shape):
    """Broke: ValueError/AttributeError tracebacks; a NaT date made a piece whose last session was NaT."""
    from analysis.data import yahoo

    f = _yahoo_frame()
    given = {
        "two-close-columns": lambda: pd.concat([f, f[["Close"]]], axis=1),
        "a-series": lambda: f["Close"],
        "a-tuple": lambda: (f,),
        "dates-with-nat": lambda: f.set_axis(f.index[:-1].append(pd.DatetimeIndex([pd.NaT]))),
    }[shape]()
    monkeypatch.setattr(yahoo, "_download", lambda ticker, timeout: (given, []))
    with pytest.raises((SourceUnavailable, DataError)) as caught:
        yahoo.fetch("IWM", timeout=5)
    message = str(caught.value)
    assert "IWM" in message and "\n" not in message
    if shape == "dates-with-nat":
        assert "1 row(s) without a date: row(s) 300" in message


# -- knob spellings and the reports folder's state (held) ----------------------------------------------


@pytest.mark.parametrize(
    "option, value, expected",
    [
        ("--band-width", "1e-400", "BAND_WIDTH '1e-400' is not above zero"),
        ("--band-width", "0x10", "BAND_WIDTH '0x10' is not a number"),
        ("--fast", "0b11", "FAST '0b11' is not a whole number"),
        ("--level", "1_0e2", "LEVEL '1_0e2' is not a number"),
        ("--level", "-0", "LEVEL '-0' is not a positive price"),
    ],
)
def test_a_knob_spelled_the_python_way_is_one_line(capsys, no_reports, option, value, expected):
    code, line = hostile.cli_line(capsys, "summary", *SNAP, option, value)
    assert code == 2 and line.startswith(f"error: {expected}"), line


@pytest.mark.parametrize("value", [" 205 ", "205.", "+205"])
def test_a_level_written_another_plain_way_is_the_level(capsys, value):
    assert run_json(capsys, "--as-of", AS_OF, "--level", value)["level_to_clear"]["price"] == 205


@pytest.mark.parametrize(
    "state, expected",
    [
        ("locks-a-file", ".locks is a file, not a folder"),
        ("staging-a-file", ".staging is a file, not a folder"),
        ("staging-a-link-out", ".staging is a symbolic link to"),
        ("locks-a-link-out", ".locks is a symbolic link to"),
    ],
)
def test_the_reports_folder_s_hidden_folders_in_the_way_are_exit_5(capsys, tmp_path, monkeypatch, state, expected):
    """Held: one line, exit 5; nothing written through a link (the folder outside keeps its files)."""
    root, outside = tmp_path / "reports", tmp_path / "outside"
    root.mkdir()
    (outside / "123-abc").mkdir(parents=True)
    (outside / "123-abc" / "keep").write_text("mine")
    name = ".locks" if state.startswith("locks") else ".staging"
    if state.endswith("file"):
        (root / name).write_text("x")
    else:
        (root / name).symlink_to(outside)
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    code, line = hostile.cli_line(capsys, "export", *SNAP, "--ticker", "IWM", "--as-of", AS_OF)
    assert code == 5 and expected in line, line
    assert (outside / "123-abc" / "keep").read_text() == "mine" and len(list(outside.rglob("*"))) == 2


@pytest.mark.parametrize("state", ["index-a-named-pipe", "grades-md-a-link-out", "grades-json-a-folder"])
def test_grade_over_odd_files_replaces_them_or_says_so(capsys, tmp_path, monkeypatch, state):
    import json

    from tests.test_robustness_eighth import _piece

    root = tmp_path / "reports"
    (root / AS_OF).mkdir(parents=True)
    (root / AS_OF / "IWM.json").write_text(json.dumps(_piece(capsys)), encoding="utf-8")
    outside = tmp_path / "mine.md"
    outside.write_text("mine")
    if state == "index-a-named-pipe":
        os.mkfifo(root / "index.html")
    elif state == "grades-md-a-link-out":
        (root / "grades.md").symlink_to(outside)
    else:
        (root / "grades.json").mkdir()
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    code = __import__("analysis.cli", fromlist=["main"]).main(["grade", *SNAP])
    err = capsys.readouterr().err
    if state == "grades-json-a-folder":
        assert code == 5 and "a folder is in the way" in hostile.one_line(err)
        return
    assert code == 0 and err == ""
    assert outside.read_text() == "mine" and not (root / "grades.md").is_symlink()
    assert (root / "index.html").is_file()
