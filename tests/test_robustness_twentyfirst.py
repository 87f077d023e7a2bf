"""Robustness, a twenty-first hostile pass: families the twenty earlier passes left alone.

Cases tried by hand, then kept here where cheap; each section says what held and what broke, the defects
(A, B, ...) with the test that failed before the fix.

1. The printing path of the headless shell (PDFs printed by ``chromium-headless-shell``, found first;
   ``CHROMIUM=`` overrides; the printing tab runs no script). **Broke (A)**: ``make report
   CHROMIUM=/usr/bin/chromium`` printed with the headless shell all the same: every variable given on
   make's command line but the piece's own (TICKER, the knobs...) was dropped from the program's environment
   since make took them literally (the ninth pass's ``override``: an overridden variable is no longer
   exported), so ``CHROMIUM=``, ``MOMENTUM_PDF_TIMEOUT=``, ``MOMENTUM_REPORTS_DIR=`` and the batch's own
   ``JOBS=`` and ``ENGINE=`` (which ``make help`` offers: ``[JOBS=n] [ENGINE=dask]``) did nothing, in
   silence: ``make reports JOBS=abc`` wrote the pieces, ``make index MOMENTUM_REPORTS_DIR=...`` wrote the
   project's ``reports/index.html``. Now each is exported as it was given (still literally). **Broke (B)**:
   a ``CHROMIUM`` that names no program (no such file, a name not on PATH, a folder, a pipe) was "no
   headless Chromium was found ... install Chromium ... or point CHROMIUM=/path/to/chrome at one", with the
   headless shell installed and CHROMIUM pointing elsewhere; ``make browser`` then ran ``pip install
   playwright`` and, as root, ``apt-get update`` and ``apt-get install`` of a browser it had, which cannot
   help (CHROMIUM is looked at alone); and a folder was "found" (``os.access`` calls a folder executable),
   to fail later. Now the line names CHROMIUM, what it is, and the browser PATH would give instead.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import PROJECT_DIR

# -- 1. the printing path ----------------------------------------------------------------------------------------


def _make(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MAKEFLAGS": "", **(env or {})}
    environment.pop("MOMENTUM_REPORTS_DIR", None)
    return subprocess.run(
        ["make", "-s", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=PROJECT_DIR,
        timeout=300,
        check=False,
    )


@pytest.mark.process
def test_jobs_given_on_makes_command_line_reaches_the_batch():
    """(A) ``make reports JOBS=abc``: it wrote the pieces with one worker a core; now JOBS is read, and refused."""
    done = _make("reports", "TICKERS=IWM", "JOBS=abc", "AS_OF=2024-07-08", "SOURCE=snapshot", "RESEARCH=0")
    assert done.returncode == 2 and done.stderr.startswith("error: JOBS 'abc' is not a whole number"), done.stderr


@pytest.mark.process
def test_engine_given_on_makes_command_line_reaches_the_batch():
    """(A) ``make reports ENGINE=bogus`` ran the local engine in silence."""
    done = _make("reports", "TICKERS=IWM", "ENGINE=bogus", "AS_OF=2024-07-08", "SOURCE=snapshot", "RESEARCH=0")
    assert done.returncode == 2 and "'bogus' is not an engine" in done.stderr, done.stderr


@pytest.mark.process
def test_the_reports_folder_given_on_makes_command_line_is_the_one_written(tmp_path):
    """(A) ``make index MOMENTUM_REPORTS_DIR=...`` wrote the project's own reports/index.html."""
    done = _make("index", f"MOMENTUM_REPORTS_DIR={tmp_path / 'r'}")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r" / "index.html").is_file()


@pytest.mark.process
def test_chromium_given_on_makes_command_line_is_the_one_asked(tmp_path):
    """(A) ``make browser CHROMIUM=...`` looked on PATH instead and named the headless shell."""
    done = _make("browser", f"CHROMIUM={tmp_path / 'none'}")
    assert done.stderr.startswith(f"warning: CHROMIUM is set to '{tmp_path / 'none'}', no such file"), done.stderr


@pytest.mark.process
def test_a_value_on_makes_command_line_is_still_taken_literally(tmp_path):
    """(A) held: exporting them keeps the ninth pass's rule: a ``$(shell ...)`` is a value, never run."""
    marker = tmp_path / "ran"
    done = _make("index", f"MOMENTUM_REPORTS_DIR=$(shell touch {marker})")
    assert not marker.exists(), done.stderr


@pytest.mark.parametrize("kind", ["no-such-file", "a-name-not-on-path", "a-folder", "a-pipe", "not-executable"])
def test_a_chromium_that_names_no_program_is_named(tmp_path, monkeypatch, kind):
    """(B) the warning named no CHROMIUM and told the user to install what was installed."""
    from analysis.errors import BrowserUnavailable
    from analysis.render import chromium_install
    from analysis.render.browser import Printer

    target = {"a-name-not-on-path": "chromium-of-nobody"}.get(kind, str(tmp_path / "chrome"))
    if kind == "a-folder":
        os.mkdir(target)
    elif kind == "a-pipe":
        os.mkfifo(target)
    elif kind == "not-executable":
        open(target, "w").close()
    monkeypatch.setenv("CHROMIUM", target)
    assert chromium_install.find() is None
    with pytest.raises(BrowserUnavailable) as caught:
        Printer()._path()
    said = f"{caught.value} {caught.value.hint}"
    assert said.startswith(f"CHROMIUM is set to {target!r}, ") and "install Chromium" not in said, said
    assert "or unset it" in said


def test_installing_is_not_tried_when_chromium_names_the_browser(monkeypatch):
    """(B) ``make browser`` with CHROMIUM pointing nowhere ran pip and apt-get: nothing they install is looked at."""
    from analysis.render import chromium_install

    monkeypatch.setenv("CHROMIUM", "/no/such/chrome")
    monkeypatch.setattr(chromium_install, "_run", lambda *a, **k: pytest.fail("an install was tried"))
    monkeypatch.setattr(chromium_install.subprocess, "run", lambda *a, **k: pytest.fail("apt-get was run"))
    assert chromium_install.install(log=lambda *_: None) is None
