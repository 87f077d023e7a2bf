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
5. Memory control groups (cgroup v1 here, as root: a group of the test's own with ``memory.limit_in_bytes``; about 7
   cases): a whole piece under 3000, 400, 370, 340 and 300 MB (it peaks near 425 MB with the page cache). **Broke
   (F)**: from 370 MB down the out-of-memory killer stopped the kernel: "the kernel died while running (Kernel
   died) ... It may have run out of memory. Close other programs (or run fewer JOBS)", exit 4: a container's or
   a service's limit (the usual way memory is limited now) was never named, and closing other programs cannot help
   under it. Now the group's own out-of-memory count says it was the killer: exit 1, "the kernel was stopped: out
   of memory: this run's control group may use at most 300 MB (<its memory.limit_in_bytes>: a container's or a
   service's memory limit). Raise it ...", the failed notebook kept, nothing published, no process left. Held: 400
   MB and up (the piece whole); the browser was never the one killed (the kernel's peak comes first).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import hostile
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


# -- 5. a memory control group -------------------------------------------------------------------------------


@contextlib.contextmanager
def _memory_group(tmp_path: Path, megabytes: int):
    """A cgroup v1 memory group of this test's own limited to ``megabytes`` (its path); skips where there is none
    this user may make (no root, cgroup v2 only, a container)."""
    base = Path("/sys/fs/cgroup/memory")
    group = base / f"momentum-test-{os.getpid()}-{tmp_path.name}"
    try:
        group.mkdir()
        (group / "memory.limit_in_bytes").write_text(str(megabytes * 2**20))
    except OSError as exc:
        pytest.skip(f"cannot make a cgroup v1 memory group here ({exc}): it needs root and a writable hierarchy")
    try:
        yield group
    finally:
        for _ in range(50):
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.2)


def _into(group: Path):
    def enter() -> None:
        hostile.default_signals()
        (group / "cgroup.procs").write_text(str(os.getpid()))

    return enter


@pytest.mark.process
def test_out_of_memory_names_a_control_groups_limit(tmp_path):
    """(F) the line for running out of memory named only a ``ulimit -v``; under a control group's limit it said
    "Close other programs", which cannot help."""
    with _memory_group(tmp_path, 2000) as group:
        code = "from analysis.errors import out_of_memory; print(out_of_memory())"
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, preexec_fn=_into(group), timeout=120
        )
    assert done.stdout.startswith("out of memory: this run's control group may use at most 2000 MB ("), done.stdout
    assert f"{group}/memory.limit_in_bytes: a container's or a service's memory limit" in done.stdout


@pytest.mark.slow
def test_a_kernel_stopped_by_the_out_of_memory_killer_is_said_so(tmp_path):
    """(F) a piece in a group of 300 MB: the killer stops the kernel. It was "the kernel died ... It may have run
    out of memory. Close other programs", exit 4; now exit 1 naming the limit, nothing published, nothing left."""
    root = tmp_path / "reports"
    with _memory_group(tmp_path, 300) as group:
        args = ("report", "--ticker", "IWM", "--as-of", "2024-07-08", "--source", "snapshot")
        proc = subprocess.Popen(
            [sys.executable, "-m", "analysis", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "MOMENTUM_REPORTS_DIR": str(root)},
            cwd=PROJECT_DIR,
            preexec_fn=_into(group),
        )
        _, err = proc.communicate(timeout=600)
        assert hostile.no_leftovers(root) == []
    line = hostile.one_line(err)
    if proc.returncode == 0:
        pytest.skip("the piece fitted in 300 MB here: nothing was killed")
    assert proc.returncode == 1, line
    assert line.startswith("error: notebook commentary.ipynb: the kernel was stopped: out of memory: this run's")
    assert "at most 300 MB" in line and "Close other programs" not in line, line
    assert not (root / "2024-07-08").exists() and hostile.hidden(root) == []


# -- 4. locales ------------------------------------------------------------------------------------------------


def _installed(name: str) -> bool:
    import locale

    saved = locale.setlocale(locale.LC_ALL)
    try:
        locale.setlocale(locale.LC_ALL, name)
        return True
    except locale.Error:
        return False
    finally:
        locale.setlocale(locale.LC_ALL, saved)


def _needs(*names: str) -> None:
    missing = [n for n in names if not _installed(n)]
    if missing:
        pytest.skip(f"locale(s) {', '.join(missing)} not installed here (localedef -i tr_TR -f UTF-8 tr_TR.UTF-8 ...)")


def _summary_under(tmp_path: Path, env: dict) -> subprocess.CompletedProcess:
    args = ("summary", "--source", "snapshot", "--as-of", "2024-07-08")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        env={**base, "MOMENTUM_REPORTS_DIR": str(tmp_path / "r"), **env},
        cwd=PROJECT_DIR,
        timeout=300,
    )


@pytest.mark.process
@pytest.mark.parametrize(
    "env",
    [
        {"LC_ALL": "tr_TR.UTF-8"},
        {"LC_ALL": "de_DE.UTF-8"},
        {"LC_ALL": "ja_JP.UTF-8"},
        {"LANG": "C.UTF-8", "LC_TIME": "fr_FR.UTF-8", "LC_NUMERIC": "de_DE.UTF-8", "LANGUAGE": "fr:de"},
        {"LC_ALL": "xx_YY.UTF-8"},  # not installed anywhere: the C locale, and Python's UTF-8 mode
    ],
    ids=["tr", "de", "ja", "categories", "missing"],
)
def test_the_summary_is_the_same_bytes_in_every_locale(tmp_path, env):
    """Held: the JSON under Turkish (dotless i: "IWM".lower() is not "ıwm" in Python), German and Japanese locales,
    categories set apart and a locale that is not installed, against ``LC_ALL=C``: every date and month name in
    English, every number with a point."""
    _needs(*(v for k, v in env.items() if k.startswith("LC_") and v != "xx_YY.UTF-8"))
    plain, local = _summary_under(tmp_path, {"LC_ALL": "C"}), _summary_under(tmp_path, env)
    assert local.returncode == 0 and local.stderr == b"", local.stderr[-400:]
    assert local.stdout == plain.stdout
    assert b"July 8, 2024" in local.stdout


@pytest.mark.slow
def test_a_piece_in_mixed_locales_is_the_bytes_of_the_shared_one(tmp_path, iwm_piece):
    """Held: ``python -m analysis report`` under ``LANG=ja_JP.UTF-8 LC_TIME=de_DE.UTF-8 LC_NUMERIC=fr_FR.UTF-8
    LC_MONETARY=tr_TR.UTF-8 LANGUAGE=fr:de`` writes the JSON, the Markdown brief, the HTML and the notebook of the
    piece built in this test run's own locale, byte for byte."""
    _needs("ja_JP.UTF-8", "de_DE.UTF-8", "fr_FR.UTF-8", "tr_TR.UTF-8")
    shared_root, _ = iwm_piece
    root = tmp_path / "reports"
    env = {"LANG": "ja_JP.UTF-8", "LC_TIME": "de_DE.UTF-8", "LC_NUMERIC": "fr_FR.UTF-8"}
    env |= {"LC_MONETARY": "tr_TR.UTF-8", "LANGUAGE": "fr:de", "MOMENTUM_REPORTS_DIR": str(root)}
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    args = ("report", "--ticker", "IWM", "--as-of", "2024-07-08", "--source", "snapshot", "--no-pdf")
    done = subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        env={**base, **env},
        cwd=PROJECT_DIR,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-600:]
    for name in ("IWM.json", "IWM.md", "IWM.html", "IWM.ipynb"):
        assert (root / "2024-07-08" / name).read_bytes() == (shared_root / "2024-07-08" / name).read_bytes(), name
