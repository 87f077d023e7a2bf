"""Robustness, a sixth hostile pass (issue 29, "Done when"): families the five earlier passes left alone.

* bundled price files of new shapes: a 3:2 split (and a 2:3 reverse split) left unadjusted, on the
  last row and forty sessions back, for IWM and for SPY; an exact duplicate row, a duplicated last
  date with another close, every row in reverse order, a negative close or volume; a benchmark whose
  file ends a week, or two months, before the ticker's;
* values only a hostile user types: LEVEL ``nan``, ``inf``, ``-0``, ``1e308``, ``1e-320``, ``0x10``,
  ``-inf`` after ``--level``; AS_OF written the other ways people write dates; the sessions the
  exchanges closed on a weekday (the four days after 9/11, Hurricane Sandy, two state funerals,
  Christmas); symbols made of the allowed characters in disallowed places (``^``, ``=``, ``.``,
  ``^^VIX``, ``IWM^``, ``.IWM``, ``-IWM``) and well-formed ones the snapshot lacks (``BRK.B``,
  ``EURUSD=X``, ``I=WM``);
* names.toml values that are blank, absurdly long, or hold control and bidi characters;
* ``make grade`` over published pieces forged where it reads them (the as-of date, the profile);
* the environment: a FRED timeout that is no duration, a reports folder with a line break in its
  name, a price cache folder that is a file;
* real processes and faults: ``make grade`` on a read-only or full reports folder, a batch worker
  killed with SIGKILL in the middle of its piece, ``make grade`` and ``make index`` run again and
  again while a piece is written.

Each ends as the promise says: one line and the documented exit code with nothing written, or the
quiet success that is the right answer, with nothing false in the piece. The pass found eight
defects (each case's docstring says what it was); each is fixed and its test passes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import snapshot
from analysis.model import asof
from analysis.params import Knobs
from analysis.pipeline.index import scan
from analysis.text import brief
from tests import hostile
from tests.conftest import AS_OF
from tests.test_robustness_fifth import _config, _put, _rows, _text
from tests.test_robustness_fresh import run_json

SNAP = ["--source", "snapshot"]
SUMMARY = ["summary", *SNAP, "--as-of", AS_OF]
LAST = "2026-08-21"  # where every bundled series ends


def _scaled(factor: float):
    """A split left unadjusted: open, high, low, close and adj_close times ``factor``, volume as it was."""

    def edit(fields: list[str]) -> list[str]:
        return [fields[0], *(f"{float(v) * factor:.6f}" for v in fields[1:6]), *fields[6:]]

    return edit


# -- bundled price files of new shapes -------------------------------------------------------------


@pytest.mark.parametrize(
    "ticker, factor, last",
    [("IWM", 2 / 3, 1), ("IWM", 2 / 3, 40), ("IWM", 1.5, 1), ("SPY", 2 / 3, 1), ("SPY", 2 / 3, 40)],
    ids=[
        "iwm-3:2-last-row",
        "iwm-3:2-forty-back",
        "iwm-2:3-reverse-last-row",
        "spy-3:2-last-row",
        "spy-3:2-forty-back",
    ],
)
def test_a_3_2_split_left_unadjusted_is_a_data_error(capsys, no_reports, prices, ticker, factor, last):
    """Was published: IWM "deeply oversold at a 52-week low ... 32.1% below its 50-DMA", defensive (a
    3:2 split on the last row); "at a record high ... 50.1% above its 50-DMA" (a 2:3 reverse split);
    SPY "at a 52-week low" and, forty sessions back, "under pressure", with no note. The screen knew
    2, 3, 4, 5 and 10 to 1 only, at three times the series' largest earlier move."""
    text = _text(prices, ticker)
    _put(prices, _rows(text, _scaled(factor), last=last), ticker)
    day = text.splitlines()[-last].split(",")[0]
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--ticker", ticker)
    assert code == 3 and line.startswith(f"error: {ticker} (snapshot, {prices / f'{ticker}.csv.gz'}): ")
    assert f"{day} close" in line and "split" in line, line


@pytest.mark.parametrize(
    "damage, note",
    [
        (lambda h, rows: [h, *rows[:-1], rows[-2], rows[-1]], "1 duplicated date(s) (2026-08-20): kept the last row"),
        (lambda h, rows: [h, *reversed(rows)], "rows were not in date order: sorted"),
    ],
    ids=["exact-duplicate-row", "rows-in-reverse-order"],
)
def test_a_duplicated_or_reversed_file_is_the_same_data_with_its_note(prices, damage, note):
    """The same rows, so the same piece: the repair's note is the one difference."""
    plain = snapshot.read("IWM")
    header, *rows = _text(prices).splitlines()
    _put(prices, "\n".join(damage(header, rows)) + "\n")
    repaired = snapshot.read("IWM")
    assert repaired.attrs["notes"] == [note]
    pd.testing.assert_frame_equal(repaired, plain)


def test_a_duplicated_last_date_with_another_close_is_a_data_error(capsys, no_reports, prices):
    text = _text(prices)
    last = text.splitlines()[-1].split(",")
    _put(prices, text + ",".join([*last[:4], "150.0", "150.0", last[6]]) + "\n")
    code, line = hostile.cli_line(capsys, "summary", *SNAP)
    assert code == 3 and f"{LAST} close 150 " in line, line


@pytest.mark.parametrize(
    "edit, what",
    [
        (lambda f: [*f[:4], "-" + f[4], *f[5:]], "with zero or negative prices (2024-07-08)"),
        (lambda f: [*f[:6], "-5"], "with a negative volume (2024-07-08)"),
    ],
    ids=["negative-close", "negative-volume"],
)
def test_a_negative_close_or_volume_is_a_data_error_naming_the_row(capsys, no_reports, prices, edit, what):
    _put(prices, _rows(_text(prices), lambda f: edit(f) if f[0] == AS_OF else f))
    code, line = hostile.cli_line(capsys, *SUMMARY)
    assert code == 3 and f"1 row(s) {what}" in line, line


def test_a_benchmark_whose_file_ends_a_week_early_is_said(prices):
    """SPY's file cut five sessions short (to 2026-08-14): the piece of 2026-08-21 headlined "IWM leads",
    measured Leadership and the ten-year returns "to August 21, 2026" on SPY's week-old close, and said
    nothing of it but SPY's dates in the data line (the note is the piece's as_of_note, in "Data and method")."""
    _put(prices, "\n".join(_text(prices, "SPY").splitlines()[:-5]) + "\n", "SPY")
    when = asof.resolve(snapshot.read("IWM"), snapshot.read("SPY"), None)
    assert when.iso == LAST and when.note == (
        "The SPY data ends on 2026-08-14, before this session: Leadership and every comparison with SPY"
        " are as of 2026-08-14."
    )
    asked = asof.resolve(snapshot.read("IWM"), snapshot.read("SPY"), dt.date(2026, 8, 23))
    assert asked.note.startswith("The IWM data ends on 2026-08-21, before 2026-08-23;") and asked.note.endswith(
        when.note
    )
    # page one's Leadership sentence says it too, not only "Data and method" (left alone by the sixth pass)
    from analysis import summary
    from analysis.params import Request

    s = summary.build(Request.parse("IWM", "SPY", None, "snapshot")).data
    assert s["leadership"]["date"] == s["leadership"]["benchmark_end"] == "2026-08-14"
    assert any(p.startswith("Against SPY (its data end on August 14), Leadership") for p in s["brief"]["paragraphs"])


def test_a_benchmark_whose_file_ends_two_months_early_is_refused(capsys, no_reports, prices):
    _put(prices, "\n".join(_text(prices, "SPY").splitlines()[:-40]) + "\n", "SPY")
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--as-of", LAST)
    assert code == 2 and "the last session IWM and SPY share is 2026-06-25" in line, line


# -- values only a hostile user types ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("nan", "LEVEL 'nan' is not a positive price"),
        ("inf", "LEVEL 'inf' is not a positive price"),
        ("-0", "LEVEL '-0' is not a positive price"),
        ("0x10", "LEVEL '0x10' is not a number"),
        ("1e308", "LEVEL 1e+308 is far outside the prices IWM traded at"),
        ("1e-320", "LEVEL 9.99989e-321 is far outside the prices IWM traded at"),
    ],
    ids=["nan", "inf", "minus-zero", "hex", "1e308", "subnormal"],
)
def test_a_level_no_price_can_be_is_one_line(capsys, no_reports, value, expected):
    code, line = hostile.cli_line(capsys, *SUMMARY, "--level", value)
    assert code == 2 and line.startswith(f"error: {expected}"), line


@pytest.mark.parametrize("argv", [["--level", "-inf"], ["--level=-inf"]], ids=["separate", "joined"])
def test_a_level_of_minus_infinity_is_named_as_a_level(capsys, no_reports, argv):
    """`--level -inf` said "argument --level: expected one argument": argparse takes -inf for an option."""
    code, line = hostile.cli_line(capsys, *SUMMARY, *argv)
    assert code == 2 and line.startswith("error: LEVEL '-inf' is not a positive price"), line


def test_a_level_in_spaces_is_the_level():
    assert Knobs.parse(level=" 205 ").level == 205.0


@pytest.mark.parametrize("as_of", ["2024-7-8", "2024/07/08", "08/07/2024", "2024-W28", "today", "2024-07-08T"])
def test_an_as_of_written_another_way_is_one_line(capsys, no_reports, as_of):
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--as-of", as_of)
    assert code == 2 and line.startswith(f"error: AS_OF '{as_of}' is not a date. Write it as YYYY-MM-DD"), line


@pytest.mark.parametrize(
    "day, session",
    [
        ("2001-09-14", "2001-09-10"),  # closed 9/11 to 9/14
        ("2012-10-30", "2012-10-26"),  # Hurricane Sandy, two days
        ("2018-12-05", "2018-12-04"),  # President Bush's funeral
        ("2025-01-09", "2025-01-08"),  # President Carter's funeral
        ("2023-12-25", "2023-12-22"),  # Christmas, a Monday
    ],
    ids=["9-11", "sandy", "bush-funeral", "carter-funeral", "christmas"],
)
def test_a_weekday_the_exchange_closed_is_the_session_before_it(day, session):
    when = asof.resolve(snapshot.read("IWM"), snapshot.read("SPY"), dt.date.fromisoformat(day))
    assert when.iso == session
    assert (
        when.note == f"{day} was not a trading session for IWM; this piece uses the last session before it, {session}."
    )


RULE = "is not a ticker symbol: only the letters A-Z, digits and . - = (and a leading ^ for an index) are allowed."


@pytest.mark.parametrize("symbol", ["^", "=", ".", "^^VIX", "IWM^", ".IWM", "-IWM"])
def test_allowed_characters_in_the_wrong_place_are_not_a_symbol(capsys, no_reports, symbol):
    code, line = hostile.cli_line(capsys, *SUMMARY, f"--ticker={symbol}")
    assert code == 2 and line.startswith(f"error: TICKER '{symbol}' {RULE}"), line


@pytest.mark.parametrize("symbol", ["BRK.B", "EURUSD=X", "I=WM"])
def test_a_well_formed_symbol_the_snapshot_lacks_is_exit_3_with_the_list(capsys, no_reports, symbol):
    code, line = hostile.cli_line(capsys, *SUMMARY, "--ticker", symbol)
    assert code == 3 and line.startswith(f"error: the bundled snapshot has no {symbol}. It holds: BTC-USD"), line


# -- names.toml: blank, absurd, invisible ----------------------------------------------------------

NAMES = 'IWM" = "the Russell 2000 ETF"'


def _named(tmp_path, monkeypatch, value: str) -> Path:
    from tests.test_robustness_fifth import NAMES as TEXT

    return _config(tmp_path, monkeypatch, "names", TEXT.replace(NAMES, f'IWM" = {value}'))


@pytest.mark.parametrize("value", ['"   "', '"\\t\\n"'], ids=["spaces", "tab-and-line-break"])
def test_a_blank_name_writes_the_symbol_alone(capsys, tmp_path, monkeypatch, value):
    """Wrote "Cautious: IWM (   ) has been in a warning phase": only the empty name was passed over."""
    _named(tmp_path, monkeypatch, value)
    text = brief.markdown(run_json(capsys, "--as-of", AS_OF))
    assert "**Cautious: IWM has been" in text and "IWM (" not in text


@pytest.mark.parametrize(
    "value, expected",
    [
        ('"' + "x" * 100_000 + '"', "[names] IWM is 100,000 characters long"),
        ('"a\\u0000b"', "[names] IWM holds the control character U+0000"),
        ('"\\u202eFTE"', "[names] IWM holds the control character U+202E"),
        ('"fund\\u200b"', "[names] IWM holds the control character U+200B"),
    ],
    ids=["100k-characters", "nul", "right-to-left-override", "zero-width-space"],
)
def test_a_name_too_long_or_with_control_characters_is_exit_2_naming_the_file(
    capsys, no_reports, tmp_path, monkeypatch, value, expected
):
    """Each was written into the piece as it was: a 102,254-character brief, a NUL byte in the Markdown
    and the JSON, and U+202E, which shows the rest of the line reversed ("ETF" read as "FTE")."""
    path = _named(tmp_path, monkeypatch, value)
    code, line = hostile.cli_line(capsys, *SUMMARY)
    assert code == 2 and line.startswith(f"error: {path}: {expected}"), line


def test_markdown_characters_in_a_name_make_no_cell_or_heading(capsys, tmp_path, monkeypatch):
    _named(tmp_path, monkeypatch, '"# a | b"')
    text = brief.markdown(run_json(capsys, "--as-of", AS_OF))
    assert "IWM (# a \\| b)" in text


# -- make grade over forged pieces --------------------------------------------------------------------

GRADED = "2024-06-28"
_GRADED: dict[str, dict] = {}


def _graded_piece(capsys, root: Path, **fields) -> Path:
    """The IWM summary of GRADED (built once per worker) published in ``root``, with ``fields`` forged."""
    if "data" not in _GRADED:
        _GRADED["data"] = run_json(capsys, "--as-of", GRADED)
    (root / GRADED).mkdir(parents=True)
    path = root / GRADED / "IWM.json"
    path.write_text(json.dumps({**_GRADED["data"], **fields}), encoding="utf-8")
    return path


def _forged_profile(capsys, **fields) -> dict:
    if "data" not in _GRADED:
        _GRADED["data"] = run_json(capsys, "--as-of", GRADED)
    return {**_GRADED["data"]["profile"], **fields}


@pytest.mark.parametrize(
    "forged, why",
    [
        ({"as_of": "not-a-date"}, "its as_of 'not-a-date' is not a date"),
        ({"as_of": 12345}, "its as_of 12345 is not a date"),
        ({"as_of": None}, "its as_of None is not a date"),
        ({"profile": "returns"}, "its profile's returns 'bananas' are not known"),
    ],
    ids=["as-of-not-a-date", "as-of-a-number", "as-of-null", "returns-unknown"],
)
def test_grade_names_a_forged_piece_and_grades_the_others(capsys, tmp_path, forged, why):
    """An as_of that is no date ended `make grade` in pandas' DateParseError traceback; a profile whose
    returns are unknown in "error: returns must be one of total, price, points, basis_points, got
    'bananas'; pass the profile's returns.", exit 2, naming no file, and nothing was graded."""
    root = tmp_path / "reports"
    if forged == {"profile": "returns"}:
        forged = {"profile": _forged_profile(capsys, returns="bananas")}
    _graded_piece(capsys, root, **forged)
    good = root / "2024-06-21"
    good.mkdir()
    from analysis import cli
    from analysis.data import snapshot

    close = float(snapshot.read("IWM").loc["2024-06-21", "close"])  # its own close: another is an edit (22nd pass)
    (good / "IWM.json").write_text(json.dumps({**_GRADED["data"], "as_of": "2024-06-21", "close": close}))

    code = cli.main(["grade", *SNAP, "--root", str(root)])
    out = capsys.readouterr()
    assert code == 0 and out.err == "", out.err
    assert f"note: not graded: {GRADED}/IWM.json: {why}" in out.out, out.out
    grades = json.loads((root / "grades.json").read_text())
    assert [p["as_of"] for p in grades["pieces"]] == ["2024-06-21"]


@pytest.mark.parametrize(
    "forged", [{"as_of": "2099-01-01"}, {"as_of": "1990-01-01"}], ids=["as-of-after-the-data", "as-of-before-it"]
)
def test_grade_of_a_piece_dated_where_the_data_has_no_session_grades_nothing(capsys, tmp_path, forged):
    """Filed under its own date (a piece is; one whose as_of is not its folder's is a copy, passed over with
    a note since the thirteenth pass), or under 2024-06-28 as before."""
    root = tmp_path / "reports"
    path = _graded_piece(capsys, root, **forged)
    from analysis import cli

    assert cli.main(["grade", *SNAP, "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"not graded: {GRADED}/IWM.json: a piece of {forged['as_of']} in the folder of {GRADED}" in out
    own = root / forged["as_of"]
    own.mkdir()
    path.rename(own / "IWM.json")
    assert cli.main(["grade", *SNAP, "--root", str(root)]) == 0
    grades = json.loads((root / "grades.json").read_text()) if (root / "grades.json").exists() else {"pieces": []}
    assert all(h["status"] != "graded" for p in grades["pieces"] for h in p["horizons"].values())


@pytest.mark.parametrize("ticker", ["../../etc/passwd", "<b>x</b>", "ZZZZ"], ids=["path", "html", "unknown"])
def test_grade_passes_over_a_piece_whose_ticker_is_not_its_file(capsys, tmp_path, ticker):
    root = tmp_path / "reports"
    _graded_piece(capsys, root, ticker=ticker)
    from analysis import cli

    assert cli.main(["grade", *SNAP, "--root", str(root)]) == 0
    assert "no published call to grade" in capsys.readouterr().out
    assert not (root / "grades.json").exists()


# -- the environment -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "2w"])
def test_a_fred_timeout_that_is_no_duration_is_one_line_exit_2(capsys, no_reports, monkeypatch, value):
    """`MOMENTUM_FRED_TIMEOUT=abc` was a ValueError traceback as the program started (read when
    analysis.data.fred was imported), and -1 or nan were taken as they were."""
    monkeypatch.setenv("MOMENTUM_FRED_TIMEOUT", value)
    code, line = hostile.cli_line(capsys, *SUMMARY)
    assert code == 2 and line.startswith(f"error: MOMENTUM_FRED_TIMEOUT='{value}' is not a duration"), line


def test_a_reports_folder_with_a_line_break_in_its_name_is_written(capsys, tmp_path, monkeypatch):
    root = tmp_path / "a\nb"
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    from analysis import cli

    assert cli.main(["index"]) == 0 and (root / "index.html").is_file()


def test_a_price_cache_folder_that_is_a_file_is_one_line_under_source_cache(capsys, no_reports, monkeypatch, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("MOMENTUM_CACHE_DIR", str(tmp_path / "file"))
    code, line = hostile.cli_line(capsys, "summary", "--source", "cache", "--as-of", AS_OF)
    assert code == 3 and line.startswith("error: no cached Yahoo data for IWM"), line


# -- real processes and faults ------------------------------------------------------------------------


def _publish_graded(capsys, root: Path) -> None:
    _graded_piece(capsys, root)


@pytest.mark.process
@pytest.mark.parametrize("fault", ["read-only", "full"])
def test_grade_on_a_read_only_or_full_reports_folder_is_one_line_exit_5(capsys, tmp_path, fault):
    with hostile.tmpfs(tmp_path / "mnt", "2m") as root:
        _publish_graded(capsys, root)
        if fault == "read-only":
            hostile.remount(root, "ro")
        else:
            with open(root / "filler", "wb") as fh, pytest.raises(OSError):
                fh.write(b"x" * 3_000_000)
                fh.flush()
        before = hostile.tree(root)
        done = hostile.run_cli(root, "grade", *SNAP, timeout=300)
        line = hostile.one_line(done.stderr)
        assert done.returncode == 5 and line.startswith("error: "), line
        assert ("Read-only file system" if fault == "read-only" else "no space left") in line, line
        assert hostile.tree(root) == before and hostile.hidden(root) == []


def _kernel_workers(root: Path) -> list[int]:
    """The processes that started a live kernel of this run: the batch's workers, found as the kernels'
    parents (a worker's command line is not a safe mark: the interpreter flags CI passes on, -B, -X and
    -W options, can push ``spawn_main`` past what /proc shows in a glance)."""
    parents = []
    for line in hostile.leftovers(root):
        if "ipykernel" not in line:
            continue
        try:
            status = Path(f"/proc/{line.split(':')[0]}/status").read_text()
        except OSError:
            continue
        parents += [int(f.split()[1]) for f in status.splitlines() if f.startswith("PPid:")]
    return [pid for pid in parents if pid > 1]


def _batch_and_its_worker(root: Path):
    """A two-piece batch started in ``root``, and the worker that started its kernel (``[]`` when the batch
    ended before a kernel was seen)."""
    proc = hostile.start(
        root, "reports", "--tickers", "IWM", "QQQ", "--no-pdf", "--no-progress", "--jobs", "1", *SUMMARY[1:]
    )
    workers: list[int] = []
    hostile.wait_for(lambda: bool(workers.extend(_kernel_workers(root)) or workers) or proc.poll() is not None, 300)
    return proc, workers


@pytest.mark.slow
def test_a_batch_worker_killed_in_its_piece_fails_it_and_leaves_nothing(tmp_path):
    """`kill -9` of the worker once its kernel ran: both pieces FAILED, exit 1, no kernel left, but the
    worker's staging folder stayed under reports/.staging until the next run swept it, though the
    batch had seen the worker die."""
    for attempt in range(3):  # a batch that ended before its kernel was seen (a loaded machine) is run again
        root = tmp_path / f"r{attempt}"
        proc, workers = _batch_and_its_worker(root)
        if workers:
            break
        proc.communicate(timeout=300)
    assert workers, "no kernel of the batch was seen in three runs"
    assert workers[0] != proc.pid, "the kernel was started by the batch itself, not by a worker"
    os.kill(workers[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1 and err == "", err
    failed = [line for line in out.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 2 and all("its worker process died before the piece was finished" in f for f in failed)
    assert hostile.no_leftovers(root) == [] and hostile.hidden(root) == []
    assert sorted(hostile.tree(root)) == ["index.html"]


@pytest.mark.slow
def test_grade_and_index_run_again_and_again_while_a_piece_is_written(capsys, tmp_path):
    root = tmp_path / "r"
    _publish_graded(capsys, root)
    report = hostile.start(root, "report", "--no-pdf", *SUMMARY[1:])
    runs = []
    while report.poll() is None:
        runs += [hostile.run_cli(root, *argv, timeout=300) for argv in (["grade", *SNAP], ["index"])]
    out, err = report.communicate(timeout=60)
    assert report.returncode == 0, err
    assert all(r.returncode == 0 and r.stderr == "" for r in runs), [r.stderr for r in runs]
    assert len(runs) >= 2 and hostile.hidden(root) == [] and hostile.no_leftovers(root) == []
    assert {f"{AS_OF}/IWM.{x}" for x in ("html", "ipynb", "json", "md", "png")} <= set(hostile.tree(root))
    assert sorted(e.date for e in scan(root)[0]) == [GRADED, AS_OF]
    assert json.loads((root / "grades.json").read_text())["pieces"][0]["as_of"] in (GRADED, AS_OF)
