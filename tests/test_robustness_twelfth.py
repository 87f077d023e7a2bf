"""Robustness, a twelfth hostile pass (issue 29, "Done when"): families the eleven earlier passes left alone.

Begun with five defects a first go at this pass found (each fixed, a test below):

1. a MOMENTUM_CONFIG_DIR, or a scenarios file, whose name the system cannot look up (a component over
   255 bytes, a path over 4096) was an OSError traceback (pathlib raises ENAMETOOLONG): now exit 2 naming
   it; a scenarios file of one's own that does not exist said "Restore it with git checkout -- ..." (a
   bundled file's fix), now "give the path of a TOML file of your own";
2. the lab's ``interactive.last_values`` given a weekend, a day outside the chart, ``None``, ``NaT`` or a
   spec that is no chart returned ``{}`` or raised KeyError/TypeError: now an InputError in one sentence
   (a weekend names the chart's sessions and its last); a ``numpy.datetime64`` is a date;
3. a whole-number knob given as ``20.0`` (papermill's ``-p fast 20.0``, ``--fast 20.0``, a notebook's
   ``np.float64``) was "FAST 20.0 is not a whole number": now 20, as ``205.`` is a LEVEL (20.5 still refused);
4. ``make grade`` that published grades.json and grades.md and then failed on index.html said only
   "cannot write index.html", as if nothing had been published: now "grades.json and grades.md are
   published, but the index was not updated: ... Then run `make index`", as report and batch say;
5. a file of the piece made immutable or append-only (``chattr +i``, ``+a``) said "cannot write to
   <hidden temporary file>: Operation not permitted. Make the reports directory writable" (the folder
   was writable): now it names the file the user knows and says it is protected, and how to lift it.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import InputError, PublishError
from tests import hostile
from tests.conftest import AS_OF
from tests.test_robustness_fresh import run_json

SNAP = ["--source", "snapshot"]
SUMMARY = ["summary", *SNAP, "--as-of", AS_OF]


# -- 1. a configuration path too long to look up ---------------------------------------------------


@pytest.mark.parametrize("shape", ["a-name-of-300-bytes", "a-path-of-5000-bytes"])
def test_a_config_dir_too_long_to_look_up_is_one_line(capsys, no_reports, tmp_path, monkeypatch, shape):
    """Broke: OSError [Errno 36] File name too long, a traceback, from pathlib's is_dir()."""
    long = tmp_path / ("c" * 300) if shape == "a-name-of-300-bytes" else tmp_path.joinpath(*["d" * 200] * 25)
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(long))
    code, line = hostile.cli_line(capsys, *SUMMARY)
    assert code == 2, line
    assert line.startswith("error: MOMENTUM_CONFIG_DIR '") and "is too long to look up (" in line, line
    assert line.endswith("Point it at a folder holding your scenarios.toml and/or family.toml, or unset it."), line
    assert len(line) < 400  # the path is shown cut, not whole


def test_a_scenarios_file_too_long_to_look_up_is_one_line(capsys, no_reports):
    code, line = hostile.cli_line(capsys, *SUMMARY, "--scenarios-file", "s" * 300 + ".toml")
    assert code == 2 and "is too long to look up" in line, line
    assert line.endswith(
        "Give the path of a TOML file of your own (a copy of analysis/config/scenarios*.toml), or leave it out."
    )


def test_a_scenarios_file_of_ones_own_that_is_missing_is_not_told_to_git_checkout(capsys, no_reports, tmp_path):
    """Broke: "Restore it with `git checkout -- analysis/config/scenarios.toml`", for a file git never had."""
    missing = tmp_path / "mine.toml"
    code, line = hostile.cli_line(capsys, *SUMMARY, "--scenarios-file", str(missing))
    assert code == 2 and line.startswith(f"error: configuration file {missing} does not exist."), line
    assert "git checkout" not in line and "a TOML file of your own" in line


# -- 2. interactive.last_values --------------------------------------------------------------------


@pytest.fixture(scope="module")
def chart():
    import analysis
    from analysis import interactive

    return interactive.chart_spec(analysis.study("IWM", AS_OF), years=1)


@pytest.mark.parametrize(
    "when, expected",
    [
        ("2024-07-06", "2024-07-06 is not a session the chart draws (it draws 2023-07-10 to 2024-07-08"),  # {}
        ("1999-01-04", "1999-01-04 is not a session the chart draws"),  # {}: before the chart's year
        (None, "when 'None' is not a date"),  # {} (pd.Timestamp(None) is NaT)
        (pd.NaT, "when 'NaT' is not a date"),
        (20240708, "when '20240708' is not a date"),  # a number pandas reads as nanoseconds: {}
        ("yesterday", "when 'yesterday' is not a date"),  # ValueError traceback
        ("2024-02-30", "when '2024-02-30' is not a date"),
        ("２０２４-07-08", "is not a date"),
        (np.datetime64("NaT"), "when 'NaT' is not a date"),
    ],
)
def test_last_values_refuses_a_day_the_chart_does_not_draw(chart, when, expected):
    from analysis import interactive

    with pytest.raises(InputError) as caught:
        interactive.last_values(chart, when)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("spec", [{}, [], None, {"data": []}, {"data": 5}, {"data": [{"meta": "x"}]}, "chart"])
def test_last_values_refuses_a_spec_that_is_no_chart(spec):
    """Broke: {} for three of them, KeyError 'x', TypeError 'int' object is not iterable."""
    from analysis import interactive

    with pytest.raises(InputError, match="the spec given draws no line; pass interactive.chart_spec"):
        interactive.last_values(spec, AS_OF)


@pytest.mark.parametrize(
    "when",
    [
        AS_OF,
        f" {AS_OF} ",
        dt.date(2024, 7, 8),
        dt.datetime(2024, 7, 8, 15, 30),
        pd.Timestamp(AS_OF, tz="Pacific/Kiritimati"),
        np.datetime64(AS_OF),  # broke: "is not a date"
        np.datetime64(f"{AS_OF}T13:00"),
    ],
)
def test_last_values_reads_a_date_written_any_plain_way(chart, when):
    from analysis import interactive

    assert interactive.last_values(chart, when) == interactive.last_values(chart, AS_OF)
    assert len(interactive.last_values(chart, when)) == 12


# -- 3. a whole number written with a point -----------------------------------------------------


@pytest.mark.parametrize("value", ["20.0", "20.", " 20.000 ", "+20.0"])
def test_a_whole_number_knob_written_with_a_point_is_that_number(capsys, value):
    """Broke: FAST '20.0' is not a whole number (papermill's -p fast 20.0 passes a float)."""
    assert run_json(capsys, "--as-of", AS_OF, "--fast", value) == run_json(capsys, "--as-of", AS_OF, "--fast", "20")


@pytest.mark.parametrize("value", [20.0, np.float64(20.0), np.int64(20)])
def test_a_whole_number_knob_given_as_a_float_in_python_is_that_number(value):
    from analysis import params

    assert params.positive_int(value, what="FAST", minimum=2) == 20
    assert type(params.positive_int(value, what="FAST", minimum=2)) is int


@pytest.mark.parametrize("value", [20.5, "20.5", "20.01", True, float("nan"), float("inf"), "20.0.0", ".0", "2e1"])
def test_a_knob_that_is_no_whole_number_is_still_refused(value):
    from analysis import params

    with pytest.raises(InputError, match="is not a whole number|is below"):
        params.positive_int(value, what="FAST", minimum=2)


# -- 4 and 5. grade's index, and files made immutable ----------------------------------------------


@pytest.fixture
def graded(capsys, tmp_path) -> Path:
    """A reports folder with one IWM piece of 2024-06-28, graded once (grades.json, grades.md, index.html)."""
    root = tmp_path / "reports"
    (root / "2024-06-28").mkdir(parents=True)
    (root / "2024-06-28" / "IWM.json").write_text(json.dumps(run_json(capsys, "--as-of", "2024-06-28")))
    from analysis import cli

    assert cli.main(["grade", *SNAP, "--root", str(root)]) == 0
    capsys.readouterr()
    return root


def _chattr(flag: str, path: Path) -> None:
    done = subprocess.run(["chattr", flag, str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr {flag} is refused here ({done.stderr.strip()}): needs root and ext4 or the like")


@pytest.mark.parametrize(
    "name, flag, expected",
    [
        ("grades.json", "+i", "error: cannot replace {path}: Operation not permitted (the file is protected"),
        ("grades.md", "+a", "error: cannot replace {path}: Operation not permitted (the file is protected"),
        (
            "index.html",
            "+i",
            "error: grades.json and grades.md are published, but the index was not updated: cannot replace {path}:",
        ),
    ],
)
def test_grade_names_a_protected_file_and_what_it_published(capsys, graded, name, flag, expected):
    """Broke: "cannot write to <root>/.grades-k2j1.tmp: Operation not permitted. Make the reports directory
    writable" (it was), and for index.html no word that grades.json and grades.md were published."""
    from analysis import cli

    path = graded / name
    before = hostile.tree(graded)
    _chattr(flag, path)
    try:
        code, line = hostile.cli_line(capsys, "grade", *SNAP, "--root", str(graded))
    finally:
        _chattr(flag.replace("+", "-"), path)
    assert code == 5 and line.startswith(expected.format(path=path)), line
    assert f"chattr -i -a '{path}'" in line and line.endswith("run again." if name != "index.html" else "make index`.")
    assert hostile.tree(graded)[name] == before[name] and hostile.hidden(graded) == []
    assert cli.main(["grade", *SNAP, "--root", str(graded)]) == 0  # lifted: it runs


def test_a_piece_file_made_immutable_keeps_the_previous_piece_whole(tmp_path):
    from analysis.render import publish

    day, stage = tmp_path / "reports" / AS_OF, tmp_path / "reports" / ".staging" / "x"
    day.mkdir(parents=True)
    stage.mkdir(parents=True)
    for name in ("IWM.json", "IWM.html"):
        (day / name).write_text(f"old {name}")
        (stage / name).write_text(f"new {name}")
    _chattr("+i", day / "IWM.html")
    try:
        with pytest.raises(PublishError) as caught:
            publish.publish([stage / "IWM.json", stage / "IWM.html"], day)
    finally:
        _chattr("-i", day / "IWM.html")
    assert str(caught.value).startswith(
        f"cannot replace {day / 'IWM.html'}: Operation not permitted (the file is protected"
    )
    assert "Nothing was published" in str(caught.value)
    assert {p.name: p.read_text() for p in day.iterdir()} == {"IWM.json": "old IWM.json", "IWM.html": "old IWM.html"}


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_a_refused_rename_names_its_target_not_the_hidden_temporary(tmp_path, code):
    from analysis.render import publish

    error = OSError(code, os.strerror(code), str(tmp_path / ".grades-x1.tmp"), None, str(tmp_path / "grades.json"))
    said = str(publish.explain(error, tmp_path / "grades.json"))
    assert said.startswith(f"cannot write to {tmp_path / 'grades.json'}: {os.strerror(code)}."), said
