"""Robustness, a seventh hostile pass (issue 29, "Done when"): families the six earlier passes left alone.

* the knobs at and past their bounds: windows of 1 and 2, a fast average equal to or above the slow
  one, windows of 10^25 sessions, a slow average longer than any history, a level window of one
  session, band widths of 0, -1, 1e-300 and 1e300, a horizon of a million sessions;
* a scenarios file (``SCENARIOS_FILE``) hostile but parseable: weights of 0 everywhere, of 1e308 and
  5e-324, thresholds no value can meet and one of 1e999, verdict cut-offs all at 0, a scenario id
  repeated or not ASCII, ``opposes`` in a cycle of three or naming the same id twice, a right-to-left
  override in a title, a NUL in a note, an unknown placeholder in a ``direction``;
* FRED copies in the cache (``SOURCE=local``) of odd shapes: months of gap, a last row a year in the
  future, a repeated last date, a value just inside and just outside its plausible range, both ways;
* the reports folder holding odd earlier pieces: a summary whose file name is not UTF-8, one of
  another schema version, one whose HTML is missing, one that is a symbolic link to a file outside,
  date folders that are no date (``2024-02-30``, ``2024-07-08 copy``), a summary cut short;
* the environment and signals: a working folder deeper than PATH_MAX with a relative reports folder,
  a TMPDIR with spaces in its name, short or too long for Chromium's or the kernel's sockets, SIGTERM to ``make grade`` at every step of its publishing,
  including the instant after its last file is written.

Each ends as the promise says: one line and the documented exit code with nothing written, or the
quiet success that is the right answer, with nothing false in the piece. The pass found eleven defects
(each case's docstring says what it was); each is fixed and its test passes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import summary
from analysis.config import __file__ as _config_init
from analysis.data import macro_snapshot
from analysis.pipeline.index import scan
from analysis.text import brief
from tests import hostile
from tests.conftest import AS_OF
from tests.test_robustness_fresh import run_json

SNAP = ["--source", "snapshot"]
SUMMARY = ["summary", *SNAP, "--as-of", AS_OF]
SCENARIOS = Path(_config_init).parent / "scenarios.toml"


def _quiet_piece(capsys, *argv: str) -> dict:
    """The summary (exit 0, nothing on stderr, strict JSON) and no placeholder in its brief."""
    data = run_json(capsys, "--as-of", AS_OF, *argv)
    text = brief.markdown(data)
    assert not re.search(r"\b(nan|None|inf)\b", text), text
    return data


# -- the knobs at and past their bounds ---------------------------------------------------------------

HUGE = "1" + "0" * 25


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["--fast", "1", "--slow", "2", "--confirm-n", "1"], "FAST 1 is below 2"),
        (["--slow", HUGE], "SLOW 100000000000... (26 digits) is above 100000: no history is that long"),
        (["--level-window", HUGE], "LEVEL_WINDOW 100000000000... (26 digits) is above 100000"),
        (["--horizons", "5 1000000"], "HORIZONS entry 1000000 is above 100000"),
        (["--band-width", "1e-300"], "BAND_WIDTH '1e-300' is outside 0.01 .. 100"),
        (["--band-width", "1e300"], "BAND_WIDTH '1e300' is outside 0.01 .. 100"),
        (["--fast", "50", "--slow", "50"], "FAST 50 is not below SLOW 50"),
        (["--fast", "60", "--slow", "50"], "FAST 60 is not below SLOW 50"),
        (["--band-width", "0"], "BAND_WIDTH '0' is not above zero"),
        (["--band-width", "-1"], "BAND_WIDTH '-1' is not above zero"),
        (["--confirm-n", "0"], "CONFIRM_N 0 is below 1"),
    ],
    ids=[
        "fast-1-slow-2",
        "slow-10^25",
        "level-window-10^25",
        "horizon-a-million",
        "band-1e-300",
        "band-1e300",
        "fast-equals-slow",
        "fast-above-slow",
        "band-0",
        "band-negative",
        "confirm-0",
    ],
)
def test_a_knob_past_its_bound_is_one_line_exit_2(capsys, no_reports, argv, expected):
    """Were tracebacks: FAST=1 a ZeroDivisionError in solve.real_motion_cross (a one-session average has
    no band and no turn), SLOW and LEVEL_WINDOW of 10^25 an OverflowError in pandas' rolling window; a
    band of 1e-300 was written "bands ±0σ" and named IWM_band0, one of 1e300 made a 310-digit file name."""
    code, line = hostile.cli_line(capsys, *SUMMARY, *argv)
    assert code == 2 and line.startswith(f"error: {expected}"), line


@pytest.mark.parametrize(
    "argv",
    [
        ["--fast", "2", "--slow", "3", "--confirm-n", "2"],
        ["--slow", "100000"],
        ["--level-window", "1"],
        ["--level-window", "100000"],
        ["--band-width", "0.01"],
        ["--band-width", "100"],
    ],
    ids=["fast-2-slow-3", "slow-longer-than-history", "level-window-1", "level-window-100000", "band-0.01", "band-100"],
)
def test_a_knob_at_its_bound_is_a_piece(capsys, argv):
    data = _quiet_piece(capsys, *argv)
    assert data["knobs"]


def test_a_slow_average_longer_than_the_history_is_said_not_invented(capsys):
    text = brief.markdown(_quiet_piece(capsys, "--slow", "100000"))
    assert "its 100000-DMA needs more history" in text and "too little history for its averages" in text


# -- a scenarios file, hostile but parseable -----------------------------------------------------------


def _scenarios(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = SCENARIOS.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


WEIGHTS = [("weight = 3", "weight = {w}"), ("weight = 2", "weight = {w}"), ("weight = 1\n", "weight = {w}\n")]


def _weights(value: str) -> list[tuple[str, str]]:
    return [(old, new.format(w=value)) for old, new in WEIGHTS]


FIRST = 'direction = "supports when {ticker} returned at least 5% less'


@pytest.mark.parametrize(
    "edits, expected",
    [
        (_weights("1e308"), "evidence 1 ('10-year total return, {ticker} relative to {benchmark}'): weight = 1e+308 is"),
        ([('supports = "<= -0.05"', 'supports = "<= -1e999"')], "supports = '<= -1e999' is not a finite number"),
        ([('title = "{ticker} has underperformed', 'title = "{ticker} \\u202ehas underperformed')], "U+202E"),
        ([('note = "Measures whether', 'note = "Meas\\u0000ures whether')], "holds the control character U+0000"),
        ([(FIRST, FIRST.replace("{ticker}", "{tickr}"))], "direction: 'supports when {tickr} returned"),
        ([('id = "underpriced"', 'id = "underperformance"')], "id must be a unique lower-case word"),
        ([('id = "underpriced"', 'id = "sous_évalué"')], "id must be a unique lower-case word, got 'sous_évalué'"),
    ],
    ids=["weight-1e308", "threshold-1e999", "rtl-override-in-title", "nul-in-note", "unknown-placeholder-in-direction",
         "repeated-id", "non-ascii-id"],
)  # fmt: skip
def test_a_hostile_scenarios_file_is_exit_2_naming_it(capsys, no_reports, tmp_path, edits, expected):
    """Weights of 1e308 were exit 3, "the price data behind it is corrupt" (two of them sum to inf, and
    the score was NaN); a threshold of 1e999 was read as infinity and printed "supports if ≤ -inf%"; a
    right-to-left override in a title and a NUL in a note went into the JSON and the brief (names.toml
    refused them; the scenarios file did not); ``{tickr}`` in a direction was a KeyError traceback."""
    path = _scenarios(tmp_path, *edits)
    code, line = hostile.cli_line(capsys, *SUMMARY, "--scenarios-file", str(path))
    assert code == 2 and line.startswith(f"error: {path}") and expected in line, line


def _verdicts(capsys, tmp_path, *edits) -> list[dict]:
    path = _scenarios(tmp_path, *edits)
    return _quiet_piece(capsys, "--scenarios-file", str(path))["scenarios"]


def test_weights_of_zero_everywhere_are_not_enough_evidence(capsys, tmp_path):
    assert {(s["score"], s["verdict"]) for s in _verdicts(capsys, tmp_path, *_weights("0"))} == {
        (None, "not enough evidence")
    }


def test_the_smallest_weight_there_is_still_weighs(capsys, tmp_path):
    assert all(s["score"] is not None for s in _verdicts(capsys, tmp_path, *_weights("5e-324")))


def test_a_threshold_no_value_can_meet_never_supports(capsys, tmp_path):
    scenarios = _verdicts(capsys, tmp_path, ('supports = "<= -0.05"', 'supports = "< -1e300"'))
    items = [e for s in scenarios for e in s["evidence"] if "-1e+302%" in e["rule"]]
    assert items and all(e["reading"] != "supports" for e in items)


@pytest.mark.parametrize(
    "old, new",
    [
        (
            "supported = 0.6\nleaning_supported = 0.2\nleaning_contradicted = -0.2\ncontradicted = -0.6",
            "supported = 0\nleaning_supported = 0\nleaning_contradicted = 0\ncontradicted = 0",
        ),
        ("min_available_share = 0.5", "min_available_share = 0"),
    ],
    ids=["cut-offs-all-zero", "min-available-share-zero"],
)
def test_verdict_cut_offs_at_their_edges_give_a_verdict_for_every_score(capsys, tmp_path, old, new):
    known = {"supported", "leaning supported", "neutral", "leaning contradicted", "contradicted", "not enough evidence"}
    scenarios = _verdicts(capsys, tmp_path, (old, new))
    assert {s["verdict"] for s in scenarios} <= known | {"does not apply", "outweighed", "split"}


CYCLE = [
    ('id = "underperformance"', 'id = "underperformance"\nopposes = ["tech_bifurcation"]'),
    ('id = "tech_bifurcation"', 'id = "tech_bifurcation"\nopposes = ["underpriced"]'),
    ('id = "underpriced"', 'id = "underpriced"\nopposes = ["underperformance"]'),
]
TWICE = [('id = "underperformance"', 'id = "underperformance"\nopposes = ["tech_bifurcation", "tech_bifurcation"]')]


@pytest.mark.parametrize("edits", [CYCLE, TWICE], ids=["opposes-in-a-cycle-of-three", "opposes-the-same-id-twice"])
def test_opposites_in_a_cycle_or_named_twice_are_never_both_supported(capsys, tmp_path, edits):
    by_id = {s["id"]: s for s in _verdicts(capsys, tmp_path, *edits)}
    supporting = ("supported", "leaning supported")
    for s in by_id.values():
        for other in s["opposes"]:
            assert not (s["verdict"] in supporting and by_id[other]["verdict"] in supporting), (s["id"], other)


# -- FRED copies in the cache of odd shapes (SOURCE=local) ------------------------------------------------

T10Y3M = gzip.decompress(macro_snapshot.path("T10Y3M").read_bytes()).decode()
DAY = "\n2024-07-05,-1.18\n"  # the observation a piece of AS_OF reads


def _fred_cache(tmp_path, monkeypatch, text: str) -> Path:
    """``text`` as the cached T10Y3M download, with a metadata file that matches it."""
    root = tmp_path / "fred"
    root.mkdir()
    data = text.encode()
    rows = sum(1 for line in text.splitlines()[1:] if line.split(",")[1] not in (".", ""))
    meta = {
        "id": "T10Y3M",
        "fetched_at": "2026-08-22T00:00:00+00:00",
        "rows": rows,
        "last_date": text.strip().splitlines()[-1].split(",")[0],
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    (root / "T10Y3M.csv").write_bytes(data)
    (root / "T10Y3M.json").write_text(json.dumps(meta))
    monkeypatch.setenv("MOMENTUM_FRED_CACHE_DIR", str(root))
    monkeypatch.setattr(summary, "_MACRO_STORES", {})  # the process's FRED loaders, one per source
    return root / "T10Y3M.csv"


def _local(capsys) -> dict:
    from analysis import cli

    assert cli.main(["summary", "--source", "local", "--as-of", AS_OF]) == 0
    out = capsys.readouterr()
    assert out.err == "", out.err
    return json.loads(out.out)


@pytest.mark.parametrize(
    "text, why",
    [
        (T10Y3M + "2099-01-02,1.0\n", "date 2099-01-02 is out of range"),
        (T10Y3M + T10Y3M.strip().splitlines()[-1] + "\n", "is not after the row before it"),
        (T10Y3M.replace(DAY, "\n2024-07-05,10.01\n"), "T10Y3M value 10.01 for 2024-07-05 is outside the plausible"),
        (T10Y3M.replace(DAY, "\n2024-07-05,-10.01\n"), "T10Y3M value -10.01 for 2024-07-05 is outside the plausible"),
    ],
    ids=["last-row-in-2099", "last-date-repeated", "just-above-the-range", "just-below-the-range"],
)
def test_a_cached_fred_copy_that_breaks_the_contract_is_left_for_the_bundled_one_with_a_note(
    capsys, tmp_path, monkeypatch, text, why
):
    path = _fred_cache(tmp_path, monkeypatch, text)
    data = _local(capsys)
    assert (data["macro"]["T10Y3M"]["source"], data["macro"]["T10Y3M"]["value"]) == ("snapshot", -1.18)
    assert any(n.startswith(f"{path} line ") and why in n for n in data["data"]["run_notes"]), data["data"]["run_notes"]


@pytest.mark.parametrize("value", ["9.99", "-9.99"], ids=["just-inside-above", "just-inside-below"])
def test_a_cached_value_just_inside_its_range_is_used(capsys, tmp_path, monkeypatch, value):
    _fred_cache(tmp_path, monkeypatch, T10Y3M.replace(DAY, f"\n2024-07-05,{value}\n"))
    reading = _local(capsys)["macro"]["T10Y3M"]
    assert (reading["value"], reading["source"], reading["date"]) == (float(value), "cache", "2024-07-05")


def test_a_cached_fred_copy_with_a_gap_of_twenty_years_reads_stale(capsys, tmp_path, monkeypatch):
    header, *rows = T10Y3M.strip().splitlines()
    _fred_cache(tmp_path, monkeypatch, "\n".join([header, rows[0], rows[len(rows) // 2], rows[-1]]) + "\n")
    reading = _local(capsys)["macro"]["T10Y3M"]
    assert reading["stale"] and reading["source"] == "cache"
    assert reading["stale_reason"].startswith("T10Y3M is stale: its newest observation public by 2024-07-08 is for")


# -- the reports folder holding odd earlier pieces ------------------------------------------------------

_PIECE: dict[str, dict] = {}


def _piece(capsys) -> dict:
    if "data" not in _PIECE:
        _PIECE["data"] = run_json(capsys, "--as-of", AS_OF)
    return _PIECE["data"]


def _publish(root: Path, folder: str | bytes, name: str | bytes, data: dict | str) -> Path:
    here = os.path.join(os.fsencode(root), os.fsencode(folder))
    os.makedirs(here, exist_ok=True)
    path = os.path.join(here, os.fsencode(name))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(data if isinstance(data, str) else json.dumps(data))
    return Path(os.fsdecode(path))


@pytest.mark.parametrize("command", ["index", "grade"])
def test_a_summary_whose_file_name_is_not_utf8_is_named_not_a_crash(capsys, tmp_path, command):
    """``IWM\\xff.json`` in a date folder: `make index` and `make grade` ended in a UnicodeEncodeError
    traceback (quote() and the page cannot hold the undecodable name), and the index was not written."""
    root = tmp_path / "reports"
    _publish(root, AS_OF, "IWM.json", _piece(capsys))
    _publish(root, "2024-07-09", b"IWM\xff.json", {**_piece(capsys), "as_of": "2024-07-09"})
    from analysis import cli

    code = cli.main([command, "--root", str(root), *(SNAP if command == "grade" else [])])
    out = capsys.readouterr()
    assert code == 0 and out.err == "", out.err
    page = (root / "index.html").read_text(encoding="utf-8")
    assert "2024-07-09/IWM\ufffd.json: its name is not UTF-8" in page
    assert [e.date for e in scan(root)[0]] == [AS_OF]


def test_odd_earlier_pieces_are_listed_for_what_they_are(capsys, tmp_path):
    root, data = tmp_path / "reports", _piece(capsys)
    _publish(root, AS_OF, "IWM.json", data)
    (root / AS_OF / "IWM.html").write_text("<p>the piece</p>")
    _publish(root, "2024-07-01", "IWM.json", {**data, "as_of": "2024-07-01", "schema_version": 99})  # no HTML
    outside = _publish(tmp_path / "elsewhere", ".", "QQQ.json", {**data, "ticker": "QQQ", "as_of": "2024-06-21"})
    (root / "2024-06-21").mkdir()
    (root / "2024-06-21" / "QQQ.json").symlink_to(outside)
    for folder in ("2024-02-30", "2024-07-08 copy"):
        _publish(root, folder, "IWM.json", data)
    _publish(root, "2024-06-28", "IWM.json", json.dumps(data)[:5000])
    entries, problems = scan(root)
    # another schema version and a link to a file outside are not pieces (the eighth pass): said, not listed
    assert [(e.date, e.ticker, e.html) for e in entries] == [(AS_OF, "IWM", f"{AS_OF}/IWM.html")]
    assert [p.split(":")[0] for p in problems] == ["2024-06-21/QQQ.json", "2024-06-28/IWM.json", "2024-07-01/IWM.json"]
    assert problems[1].startswith("2024-06-28/IWM.json: JSONDecodeError"), problems


# -- the environment and signals ---------------------------------------------------------------------------


@pytest.mark.process
def test_a_working_folder_deeper_than_path_max_is_one_line_exit_5(tmp_path):
    """25 folders of 200 letters (5,000 characters, past Linux's PATH_MAX of 4,096), made and entered
    one at a time, and a relative reports folder: no path to it can be opened, and the run says so."""
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        for _ in range(25):
            os.mkdir("d" * 200, dir_fd=fd)
            deeper = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = deeper
        done = subprocess.run(
            [sys.executable, "-m", "analysis", "index"],
            capture_output=True,
            text=True,
            cwd=f"/proc/self/fd/{fd}",
            pass_fds=(fd,),
            env={**os.environ, "MOMENTUM_REPORTS_DIR": "r"},
            timeout=120,
        )
    finally:
        os.close(fd)
    line = hostile.one_line(done.stderr)
    assert done.returncode == 5 and "File name too long" in line and "Set MOMENTUM_REPORTS_DIR" in line, line


def test_chromium_s_socket_path_too_long_is_told_as_tmpdir():
    from analysis.render.devtools import hint_for

    said = (
        "FATAL:process_singleton_posix.cc:315] Socket path too long: /tmp/long/org.chromium.Chromium.x/SingletonSocket"
    )
    assert hint_for(said).startswith("TMPDIR (") and "too long a path for Chromium's socket" in hint_for(said)


def _tmpdir(length: int) -> Path:
    """A new folder under /tmp with spaces in its name and a path of ``length`` characters."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="h 7 ", dir="/tmp"))
    spaced = folder / ("x y " * 40)[: length - len(str(folder)) - 1].rstrip()
    spaced.mkdir()
    return spaced


@pytest.mark.slow
@pytest.mark.parametrize("length", [20, 66, 100], ids=["short", "too-long-for-chromium", "too-long-for-the-kernel"])
def test_a_tmpdir_with_spaces_prints_the_pdf_or_says_it_is_too_long(tmp_path, length):
    """A TMPDIR of 66 characters leaves Chromium's socket (``<TMPDIR>/org.chromium.Chromium.XXXXXX/
    SingletonSocket``) over 107 bytes: the warning said "To get the PDF, install Chromium", where Chromium's
    own last words were "Socket path too long". One of 100 did the same to the kernel's sockets: a
    ZMQError "File name too long" traceback, exit 1. (The headless shell keeps no socket: it prints,
    test_robustness_twentyfirst.py.)"""
    import shutil

    from tests.conftest import chromium_or_skip

    chromium_or_skip()
    env = {}
    if length == 66:  # only the desktop build keeps a socket under TMPDIR (the headless shell, found first, prints)
        full = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not full:
            pytest.skip("no desktop Chromium here: only it keeps a socket under TMPDIR")
        env["CHROMIUM"] = full
    spaced, root = _tmpdir(length), tmp_path / "r"
    try:
        done = hostile.run_cli(root, "report", *SUMMARY[1:], env={"TMPDIR": str(spaced), **env}, timeout=600)
        if length == 100:
            line = hostile.one_line(done.stderr)
            assert done.returncode == 4 and line.startswith(f"error: TMPDIR ({spaced}) is too long a path"), line
            assert hostile.tree(root) == {
                f"_failed/{AS_OF}_IWM.ipynb": hostile.tree(root)[f"_failed/{AS_OF}_IWM.ipynb"]
            }
        elif length == 66:
            line = hostile.one_line(done.stderr)
            assert done.returncode == 0 and line.startswith("warning: PDF not written: "), line
            assert f"TMPDIR ({spaced}) is too long a path for Chromium's socket" in line, line
            assert not (root / AS_OF / "IWM.pdf").exists() and (root / AS_OF / "IWM.html").is_file()
        else:
            assert (done.returncode, done.stderr) == (0, "")
            assert (root / AS_OF / "IWM.pdf").read_bytes().startswith(b"%PDF")
        assert hostile.no_leftovers(root) == []
    finally:
        shutil.rmtree(spaced.parent, ignore_errors=True)


def _graded_root(capsys, tmp_path) -> Path:
    root = tmp_path / "reports"
    _publish(root, AS_OF, "IWM.json", _piece(capsys))
    return root


def _grade_until(root: Path, marker: bytes) -> tuple[subprocess.Popen, bytes, str]:
    """``make grade`` sent SIGTERM the moment its output shows ``marker``: its exit, output and stderr."""
    proc = hostile.start(root, "grade", *SNAP, env={"PYTHONUNBUFFERED": "1"})
    fd, out = proc.stdout.fileno(), b""
    while marker not in out:
        chunk = os.read(fd, 1)
        if not chunk:
            break
        out += chunk
    proc.send_signal(signal.SIGTERM)
    rest, err = proc.communicate(timeout=120)
    return proc, out + rest.encode(), err


@pytest.mark.process
@pytest.mark.parametrize("marker", [b"20 sessions:", b"grades.json\n", b"grades.md\n", b"index.html\n"])
def test_sigterm_at_each_step_of_grade_is_said_truly(capsys, tmp_path, marker):
    """SIGTERM the instant ``wrote .../index.html`` was printed: half the time the process died of the
    signal with no line at all (Python gives the signal its default action back while it shuts down),
    the other half it said "interrupted (SIGTERM): nothing was published" though grades.json,
    grades.md and index.html were: neither says what happened. Now the run either finishes (0) or says
    which files it published before it stopped (143)."""
    root = _graded_root(capsys, tmp_path)
    proc, out, err = _grade_until(root, marker)
    written = [name for name in ("grades.json", "grades.md", "index.html") if (root / name).exists()]
    assert proc.returncode in (0, 128 + signal.SIGTERM), (proc.returncode, err)
    if proc.returncode == 0:
        assert err == "" and written == ["grades.json", "grades.md", "index.html"]
    else:
        line = hostile.one_line(err)
        said = re.findall(r"(grades\.json|grades\.md|index\.html)", line)
        assert line.startswith("interrupted (SIGTERM): ") and sorted(said) == sorted(written), (line, written)
    assert hostile.hidden(root) == []
    if written:
        assert json.loads((root / "grades.json").read_text())["pieces"]
