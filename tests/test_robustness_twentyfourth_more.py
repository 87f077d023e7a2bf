"""Robustness, a twenty-fourth hostile pass (continued; sections 1-2: ``test_robustness_twentyfourth.py``).

3. Makefile targets not hammered before (about 25 cases): ``make docs`` (a file where ``docs/api`` belongs, a
   folder it cannot write, ``ulimit -f``), ``make strip`` (clean, after a notebook's ``.py`` pair was edited, a
   notebook cut short), ``make lab LAB_ARGS=--help`` with no package index (pip's own error lines, then "pip
   install failed (full log: ...)", as ``make setup``'s), ``make lock`` offline (``UV_OFFLINE=1``: uv's three
   refusals, exit 2, no lock touched), ``make help`` under ``TERM=dumb``, ``TERM=``, ``COLUMNS`` of 5, -3, abc and
   100000, ``LINES=0`` and a pseudo-terminal 20 columns wide (the same text), ``make clean`` while a piece runs.
   **Broke (G)**: ``make docs`` was pdoc's traceback (``NotADirectoryError``, ``PermissionError``, ``OSError:
   [Errno 27] File too large``) and, over the limit, left a half-written ``docs/api`` (its ``analysis/`` folder,
   no index.html). Now it builds beside ``docs/api`` and swaps it in whole: one line naming pdoc's error, and
   ``docs/api`` as it was. **Broke (H)**: ``make strip`` silently threw away an edit to a notebook's ``.py``
   pair (the readable side the README offers for diffs): ``nbconvert --clear-output --inplace`` rewrote every
   notebook first, newer than its script then, so ``jupytext --sync`` took the notebook's side and overwrote the
   script, exit 0. Now the pairs are synced first, then cleared, then synced again: the edit reaches both. A
   notebook cut short was nbconvert's traceback; now one line. **Broke (I)**: ``make clean`` (or any ``rm`` of
   ``reports/.staging``) while a piece was written: "cannot write to .../reports: output folder
   .../.staging/<run> doesn't exist.. Set MOMENTUM_REPORTS_DIR to a writable folder", exit 5: the folder was
   writable. Now "the staging folder ... was removed while the piece was written (by another program: make
   clean, or an rm of reports/.staging), so nothing was published", exit 5. Noticed and left: ``make clean`` itself
   then stops at "rm: cannot remove '.cache': Directory not empty" when the piece writes into ``.cache`` as it
   deletes it (run it again); ``make lock`` runs its three resolutions even after the first fails.
4. ``taskset -c 0`` with ``JOBS=8`` (held: three pieces on one core, byte for byte the pieces of two cores).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests import hostile
from tests.conftest import PROJECT_DIR

AS_OF = "2024-07-08"
SNAP = ("--source", "snapshot")

# -- 3. make docs, make strip, make help, make clean ------------------------------------------------------------


def _make_elsewhere(folder: Path, *args: str, limit: int | None = None, env: dict | None = None):
    """The project's Makefile run in ``folder`` (its own ``docs/`` and ``notebooks/``) with the project's venv, as
    ``make -f <project>/Makefile VENV=<project>/.venv <args>``; skips when that would build a venv."""
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy(PROJECT_DIR / name, folder / name)  # the venv's stamp is named after both
    base = ["make", "-s", "-f", str(PROJECT_DIR / "Makefile"), f"VENV={PROJECT_DIR / '.venv'}"]
    cksum = subprocess.run(
        "cat pyproject.toml requirements.lock | cksum", shell=True, cwd=folder, capture_output=True, text=True
    ).stdout.split()[0]
    if not (PROJECT_DIR / ".venv" / f".installed-{cksum}").exists():
        pytest.skip("the project's .venv has no stamp for this lock: make would build one")

    def limited() -> None:
        hostile.default_signals()
        if limit is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [*base, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        preexec_fn=limited,
        timeout=600,
        check=False,
    )


def _docs(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    return tmp_path / "docs" / "api"


def _error_line(stderr: str, prefix: str) -> str:
    """The one line a recipe printed (make's own "make: *** [...] Error 1" beside it, as documented)."""
    lines = [line for line in stderr.splitlines() if line.strip() and not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert lines[0].startswith(prefix), lines[0]
    return lines[0]


@pytest.mark.slow
def test_make_docs_over_the_file_size_limit_is_one_line_and_leaves_no_half_reference(tmp_path):
    """(G) pdoc's traceback, "OSError: [Errno 27] File too large", and ``docs/api/analysis/`` without an index."""
    api = _docs(tmp_path)
    done = _make_elsewhere(tmp_path, "docs", limit=20 * 1024)
    line = _error_line(
        done.stderr + done.stdout, "error: the API reference was not built (OSError: [Errno 27] File too large"
    )
    assert done.returncode == 2 and line.endswith("docs/api is as it was.")
    assert not api.exists() and sorted(p.name for p in api.parent.iterdir()) == []


@pytest.mark.slow
def test_make_docs_with_a_file_in_the_way_writes_the_reference(tmp_path):
    """(G) ``NotADirectoryError: [Errno 20] Not a directory: 'docs/api/analysis'`` traceback; now built and swapped in."""
    api = _docs(tmp_path)
    api.write_text("a note of the user's\n")
    done = _make_elsewhere(tmp_path, "docs")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert (api / "index.html").is_file() and (api / "analysis" / "api.html").is_file()
    assert sorted(p.name for p in api.parent.iterdir()) == ["api"]


@pytest.mark.slow
def test_make_docs_in_a_folder_it_cannot_write_is_one_line_and_keeps_the_old_reference(tmp_path):
    """(G) ``PermissionError`` traceback. Root without its capabilities (``setpriv``), so the mode binds it."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to drop the capabilities")
    api = _docs(tmp_path)
    api.mkdir()
    (api / "index.html").write_text("the reference built before\n")
    (tmp_path / "docs").chmod(0o555)
    try:
        for name in ("pyproject.toml", "requirements.lock"):
            shutil.copy(PROJECT_DIR / name, tmp_path / name)
        done = subprocess.run(
            [
                "setpriv",
                "--securebits=+noroot,+noroot_locked,+no_setuid_fixup,+no_setuid_fixup_locked",
                "--inh-caps=-all",
                "--ambient-caps=-all",
                "--bounding-set=-all",
                "make",
                "-s",
                "-f",
                str(PROJECT_DIR / "Makefile"),
                f"VENV={PROJECT_DIR / '.venv'}",
                "docs",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        (tmp_path / "docs").chmod(0o755)
    _error_line(done.stderr + done.stdout, "error: the API reference was not built (PermissionError: [Errno 13]")
    assert done.returncode == 2 and (api / "index.html").read_text() == "the reference built before\n"


def _notebooks(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("phase.ipynb", "phase.py"):
        shutil.copy2(PROJECT_DIR / "notebooks" / name, folder / name)
    return folder


@pytest.mark.slow
def test_make_strip_keeps_an_edit_to_a_notebooks_py_pair(tmp_path):
    """(H) the edit to ``phase.py`` was overwritten by the notebook's old text, exit 0, nothing said."""
    folder = _notebooks(tmp_path)
    script = (folder / "phase.py").read_text()
    assert "# # Research: phases\n" in script
    (folder / "phase.py").write_text(script.replace("# # Research: phases\n", "# # Research: phases, edited\n", 1))
    done = _make_elsewhere(tmp_path, "strip")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "# # Research: phases, edited\n" in (folder / "phase.py").read_text()
    cells = json.loads((folder / "phase.ipynb").read_text())["cells"]
    assert any("# Research: phases, edited" in "".join(c["source"]) for c in cells)
    assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code")


@pytest.mark.slow
def test_make_strip_on_clean_notebooks_changes_nothing(tmp_path):
    """Held: committed notebooks (no outputs, pairs in sync) come out byte for byte."""
    folder = _notebooks(tmp_path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    done = _make_elsewhere(tmp_path, "strip")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.slow
def test_make_strip_on_a_notebook_cut_short_is_one_line(tmp_path):
    """(H) nbconvert's ``NotJSONError`` traceback; now one line, the notebook untouched."""
    folder = _notebooks(tmp_path)
    cut = (folder / "phase.ipynb").read_bytes()[:300]
    (folder / "phase.ipynb").write_bytes(cut)
    done = _make_elsewhere(tmp_path, "strip")
    _error_line(done.stderr + done.stdout, "error: make strip stopped (nbformat.reader.NotJSONError")
    assert done.returncode == 2 and (folder / "phase.ipynb").read_bytes() == cut


@pytest.mark.process
@pytest.mark.parametrize(
    "env",
    [
        {"TERM": "dumb"},
        {"TERM": ""},
        {"COLUMNS": "5"},
        {"COLUMNS": "-3"},
        {"COLUMNS": "abc"},
        {"COLUMNS": "100000"},
        {"LINES": "0"},
    ],
)
def test_make_help_reads_the_same_on_any_terminal(env):
    """Held: the targets and the knobs' table, the same text whatever the terminal says of itself."""
    plain = subprocess.run(["make", "-s", "help"], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)
    odd = subprocess.run(
        ["make", "-s", "help"], cwd=PROJECT_DIR, capture_output=True, text=True, env={**os.environ, **env}, timeout=120
    )
    assert plain.returncode == odd.returncode == 0 and odd.stderr == "" and odd.stdout == plain.stdout


@pytest.mark.slow
def test_the_staging_folder_removed_under_a_piece_is_said_as_such(tmp_path):
    """(I) "cannot write to <root>: output folder <staging> doesn't exist.. Set MOMENTUM_REPORTS_DIR to a writable
    folder", exit 5: the folder was writable; ``make clean`` (or an rm) had removed the staging folder."""
    root = tmp_path / "r"
    proc = hostile.start(root, "report", "--no-pdf", *SNAP, "--as-of", AS_OF)
    assert hostile.wait_for(lambda: (root / ".staging").is_dir() and any((root / ".staging").iterdir()), 120)
    time.sleep(2)  # the kernel is running the piece
    shutil.rmtree(root / ".staging")
    out, err = proc.communicate(timeout=300)
    line = hostile.one_line(err)
    assert (
        proc.returncode == 5
        and line.startswith("error: the staging folder ")
        and "was removed while the piece was written" in line
    ), line
    assert "writable" not in line and not (root / AS_OF).exists() and hostile.no_leftovers(root) == []


# -- 4. one core ---------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_batch_of_eight_workers_pinned_to_one_core_writes_the_same_pieces(tmp_path):
    """Held: ``taskset -c 0`` and ``--jobs 8`` for three pieces: the JSON and Markdown of two free cores."""
    if not shutil.which("taskset"):
        pytest.skip("no taskset")
    pinned, free = tmp_path / "pinned", tmp_path / "free"
    args = ("reports", "--no-pdf", *SNAP, "--as-of", AS_OF, "--tickers", "IWM QQQ SMH")
    one = hostile.run_cli(pinned, *args, "--jobs", "8", prefix=("taskset", "-c", "0"))
    two = hostile.run_cli(free, *args, "--jobs", "2")
    assert one.returncode == two.returncode == 0, one.stdout + one.stderr
    for name in ("IWM.json", "QQQ.json", "SMH.json", "IWM.md"):
        assert (pinned / AS_OF / name).read_bytes() == (free / AS_OF / name).read_bytes(), name
