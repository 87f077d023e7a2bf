"""Robustness, a twentieth hostile pass (continued; families and findings: ``test_robustness_twentieth.py``).

3. Batch composition: TICKERS with newlines, tabs, commas and spaces mixed, blank entries and trailing
   separators, ``iwm``/``IWM``/`` IWM ,`` (one piece), ``^vix`` (^VIX), ``_VIX``, ``../x`` twice and ``IWM.``
   (one line each, the batch's exit 1), and 200 entries (the 23 bundled series and 177 unknown, in random
   order with every separator; 23 written, 177 one-line failures, exit 1, the index lists the 23): held.
   Noticed and left: ``../x`` given twice is two failed lines (valid duplicates are dropped), and
   ``IWM.`` reads "the bundled snapshot has no IWM.. It holds: ...".
4. Set-up lifecycle: ``PIP_INDEX_URL`` and ``UV_INDEX_URL`` bogus, ``UV_OFFLINE=1``, ``PIP_NO_INDEX=1
   UV_NO_CACHE=1``, ``PIP_REQUIRE_VIRTUALENV=1``, ``VIRTUAL_ENV``, ``UV_PYTHON`` and ``PYTHON`` pointing
   nowhere on a set-up project (``make summary``: no reinstall, ~1.2 s); PATH without Chromium (the piece
   without its PDF, one warning, exit 0); a ``git archive`` copy set up, its ``make setup`` stopped with
   SIGINT after the venv and ``make report`` again (the steps left are done; JSON, Markdown and HTML the same
   bytes as the work tree's: nothing depends on git); that copy made read-only (``chmod -R a-w``, root
   without capabilities) with reports elsewhere (report with its appendices, summary, index, grade): held.
   **Broke (D)**: a venv from an older lock, rebuilt with no registry and no uv cache, was deleted before
   the new one failed to install, leaving a venv without pandas. Now the working venv is put aside
   (``.venv.old``) and back when the install fails, and kept when an install is interrupted.
5. Data changing under a run: the frame cache is keyed by the file's bytes (and the parsing code), not
   its time or size, so a file touched forward or back, or rewritten with the same size and time, is
   parsed again exactly when its bytes changed: held (by reading ``data/kept.py``). **Broke (C)** (by
   reading ``pipeline/report.py``): a piece without AS_OF resolved its session in the runner (its folder,
   its PDF's "As of") and again in the kernel from a second read of the prices, so a row added between the
   two (a fetch writing the cache) published a 2024-07-08 folder holding a piece as of 2024-07-09. Now the
   runner refuses a notebook whose session is not the one it began with: nothing published, exit 3.
"""

from __future__ import annotations

import os
import subprocess

import nbformat
import pytest

from analysis.errors import DataError
from tests.conftest import PROJECT_DIR


def test_a_piece_whose_data_changed_under_it_is_not_published(tmp_path):
    """(C) the kernel's summary is as of a later session than the runner resolved."""
    from analysis.params import Request
    from analysis.pipeline import report
    from analysis.view.display import JsonOutput

    request = Request.parse("IWM", "SPY", None, "snapshot")
    nb = nbformat.v4.new_notebook()
    out = nbformat.v4.new_output("display_data", {JsonOutput.MIME: {"as_of": "2024-07-09", "ticker": "IWM"}})
    nb.cells.append(nbformat.v4.new_code_cell("summary", outputs=[out]))
    result = report.Published(request, "2024-07-08", [])
    with pytest.raises(DataError) as caught:
        report._stage_files(nb, tmp_path, tmp_path / "2024-07-08", request, "2024-07-08", None, result, None)
    said = str(caught.value)
    assert "changed while the IWM piece was written" in said and "2024-07-09" in said and "Run it again" in said
    assert list(tmp_path.iterdir()) == []


def test_tickers_mixed_separators_and_spellings_are_one_piece_each():
    """Held: newlines, tabs, commas, spaces, blanks and case: IWM and ^VIX once each, the bad ones named."""
    from analysis.pipeline.batch import plan, split_tickers

    given = "iwm,\tIWM ,\n^vix\n_VIX,,  ../x IWM.  ,\n"
    requests, refused = plan(split_tickers(given), None, "2024-07-08", "snapshot")
    assert [r.ticker for r in requests] == ["IWM", "^VIX", "IWM."]
    assert [o.ticker for o in refused] == ["_VIX", "../x"]


@pytest.mark.process
@pytest.mark.parametrize("interrupted", [False, True])
def test_a_venv_whose_new_lock_cannot_be_installed_is_kept(tmp_path, interrupted):
    """(D) a lock that cannot be installed (offline: no index) keeps the venv that worked, its files whole;
    after an interrupted install (the working venv aside, a half-made one in its place) too."""
    venv, lock = tmp_path / "venv", tmp_path / "new.lock"
    working = tmp_path / "venv.old" if interrupted else venv
    (working / "bin").mkdir(parents=True)
    (working / "working").write_text("the venv that ran yesterday's pieces")
    if interrupted:
        (venv / "bin").mkdir(parents=True)
        (venv / "half-made").write_text("")
    lock.write_text("nonexistent-package-for-a-test==1.0 --hash=sha256:" + "0" * 64 + "\n")
    env = {**os.environ, "MAKEFLAGS": "", "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = subprocess.run(
        ["make", "-s", f"VENV={venv}", f"LOCK={lock}", "USE_UV=0", "setup"],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_DIR,
        timeout=600,
        check=False,
    )
    assert done.returncode != 0
    assert f"kept the earlier {venv}" in done.stdout, done.stdout[-2000:]
    assert (venv / "working").read_text() == "the venv that ran yesterday's pieces"
    assert not (tmp_path / "venv.old").exists() and not (venv / "half-made").exists()


def test_an_error_line_is_one_write(monkeypatch):
    """``make -s -j2 -k summary report TICKER=../x`` printed the two processes' errors on one line (make check,
    2026-12-08): ``print`` wrote the newline apart on a stderr that writes through."""
    import io
    import sys

    from analysis.errors import say

    class Counting(io.StringIO):
        writes: list[str] = []

        def write(self, text: str) -> int:
            self.writes.append(text)
            return super().write(text)

    monkeypatch.setattr(sys, "stderr", Counting())
    say("error: one line")
    assert Counting.writes == ["error: one line\n"]


def test_research_says_a_note_as_the_piece_does(capsys):
    """Noticed in earlier notes: the same SOURCE=auto fallback was "note:" from the piece and "warning:" from
    its appendices; a notebook's stderr stays a warning."""
    from analysis import cli
    from analysis.pipeline.research import ResearchRun

    said = "SOURCE=auto: Yahoo Finance could not be reached, so the piece uses the newest local data."
    cli._say(ResearchRun("2024-07-08", [], 0.0, 1, warnings=["phase: a notebook wrote this"], notes=[said]))
    out = capsys.readouterr()
    assert out.out == f"note: {said}\n" and out.err == "warning: phase: a notebook wrote this\n"
