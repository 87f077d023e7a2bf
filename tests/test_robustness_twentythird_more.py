"""Robustness, a twenty-third hostile pass (continued; sections 1-2: ``test_robustness_twentythird.py``).

3. Git and checkout contexts (about 8 cases): the product reads git in one place, ``make bench``'s ``commit`` (its
   table's "commit ...", ``bench/results.json``). Tried: this ``git worktree``, a detached HEAD, a shallow clone, no
   ``.git`` (a ``git archive`` copy), ``git`` missing from PATH, a dirty tree, the project copied inside another
   repository. **Broke (E)**: a dirty tree was stamped with its HEAD's commit as if the numbers were that commit's,
   and a copy inside another repository (a user's dotfiles or monorepo) with *that* repository's commit, numbers
   of this code attributed to a commit that holds none of it. Now "<commit>-dirty", and "" (printed "?") unless
   the repository's top folder is the project's. Held: no git, no ``.git``, a detached HEAD, a shallow clone, a
   worktree (their commit).
4. Locales beyond those tried (about 14 cases; ``localedef`` made ``tr_TR.UTF-8``, ``de_DE.UTF-8``,
   ``fr_FR.UTF-8``, ``ja_JP.UTF-8`` and ``de_DE`` ISO-8859-1): ``summary`` under each and under ``LC_ALL`` naming a
   locale not installed (the same bytes as under ``C``), a whole piece (``make report``, RESEARCH=0) under
   ``tr_TR.UTF-8`` and under ``LANG=ja_JP.UTF-8 LC_TIME=de_DE.UTF-8 LC_NUMERIC=fr_FR.UTF-8 LC_MONETARY=tr_TR.UTF-8
   LANGUAGE=fr:de``: JSON, Markdown, HTML, notebook, PNG and index byte for byte those of ``C`` (the PDF its size and
   text). All held (no library the kernel imports calls ``setlocale``; matplotlib would only under
   ``axes.formatter.use_locale``, which the project's own matplotlibrc location never sets). Noticed and left: under
   ``LC_ALL`` naming a locale not installed, each of make's recipe shells prints bash's own "warning: setlocale:
   LC_ALL: cannot change locale" (five lines for ``make summary``) beside the program's output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR

# -- 3. git --------------------------------------------------------------------------------------------------


def _git(folder: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    return subprocess.run(
        ["git", *args], cwd=folder, capture_output=True, text=True, check=True, env=env
    ).stdout.strip()


def _project_copy(where: Path) -> Path:
    """The project's tracked files as they are now (a ``git archive`` of the working tree) at ``where``: no ``.git``."""
    where.mkdir(parents=True)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_DIR, capture_output=True, check=True).stdout
    archive = subprocess.run(
        ["tar", "--null", "-T", "-", "-c"], cwd=PROJECT_DIR, input=files, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def _bench_commit(project: Path, path: str | None = None) -> str:
    """What ``make bench`` stamps for the project at ``project`` (its own copy of the bench module runs)."""
    code = "from analysis.bench import measure; print(measure.commit())"
    env = {**os.environ, "PYTHONPATH": str(project)} | ({"PATH": path} if path is not None else {})
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


pytestmark_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed here")


@pytestmark_git
@pytest.mark.process
def test_the_bench_does_not_stamp_another_repositorys_commit(tmp_path):
    """(E) the project unpacked inside a user's own repository: the bench stamped that repository's commit."""
    outer = tmp_path / "home"
    outer.mkdir()
    _git(outer, "init", "-q")
    (outer / ".bashrc").write_text("# dotfiles\n")
    _git(outer, "add", ".bashrc")
    _git(outer, "commit", "-q", "-m", "dotfiles")
    project = _project_copy(outer / "momentum")
    assert _bench_commit(project) == ""


@pytestmark_git
@pytest.mark.process
def test_the_bench_says_a_tree_with_changes_is_not_its_commit(tmp_path):
    """(E) a dirty tree was stamped as its HEAD; now "<commit>-dirty"; clean again, the commit."""
    project = _project_copy(tmp_path / "p")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "copy")
    head = _git(project, "rev-parse", "--short", "HEAD")
    assert _bench_commit(project) == head
    with open(project / "analysis" / "fmt.py", "a") as fh:
        fh.write("\n# a change\n")
    assert _bench_commit(project) == f"{head}-dirty"
    _git(project, "checkout", "-q", "--detach", "HEAD")  # held: detached, still dirty
    assert _bench_commit(project) == f"{head}-dirty"


@pytest.mark.process
def test_the_bench_without_git_or_a_checkout_stamps_nothing(tmp_path):
    """(E) held: no ``.git`` (a ``git archive`` copy), and ``git`` missing from PATH: ""."""
    project = _project_copy(tmp_path / "p")
    assert _bench_commit(project) == ""
    assert _bench_commit(PROJECT_DIR, path=str(Path(sys.executable).parent)) == ""
