"""Robustness of publishing (issue 16): a piece is published whole or not at all.

Each case ends with one line naming the problem and the fix, a non-zero exit where the run
cannot go on, nothing left in hidden folders, and the previous piece byte for byte intact.
Real faults: a folder where a file belongs, a real signal in the middle of a publish, a
tmpfs mounted inside the reports folder (another file system), a real SIGKILL.
The unit cases move small made-up files (no market data in them); the others use the real
IWM piece of 2024-07-08, built once per test run (conftest).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis import interrupts
from analysis.errors import PublishError
from analysis.pipeline.report import Request
from analysis.render import publish
from tests import hostile
from tests.conftest import AS_OF, PROJECT_DIR, chromium_or_skip, poppler_or_skip

PIECE = ("IWM.json", "IWM.ipynb", "IWM.html", "IWM.pdf")


@pytest.fixture(scope="module")
def good_piece(iwm_piece):
    """The IWM piece of 2024-07-08 (with its PDF where Chromium exists), the previous good piece:
    conftest's ``iwm_piece``, made once per test run; tests copy it before they write."""
    return iwm_piece[0]


@pytest.fixture
def reports(good_piece, tmp_path):
    root = tmp_path / "reports"
    shutil.copytree(good_piece, root)
    return root, hostile.tree(root)


def _staged(tmp_path: Path, texts: dict[str, str]) -> list[Path]:
    """Made-up staged files (a test of moving files, not of their content)."""
    stage = tmp_path / "stage"
    stage.mkdir(exist_ok=True)
    for name, text in texts.items():
        (stage / name).write_text(text)
    return [stage / name for name in texts]


def _contents(folder: Path) -> dict[str, str]:
    return {
        p.name: (f"-> {os.readlink(p)}" if p.is_symlink() else p.read_text())
        for p in sorted(folder.iterdir())
        if not p.name.startswith(".")
    }


# -- case 1: a failed publish leaves a half-replaced piece ----------------------------------------


@pytest.mark.slow
def test_1_a_folder_where_the_pdf_belongs_publishes_nothing_of_the_new_piece(reports):
    """The issue's steps: a folder where the piece's PDF belongs, then a piece with LEVEL=210.
    Before: exit 5 'Is a directory' with IWM.json/.ipynb/.html already replaced."""
    chromium_or_skip()  # without a browser the new piece has no PDF to collide with
    root, before = reports
    day = root / AS_OF
    # LEVEL=210 is a piece of its own now (issue 31: IWM_level210.*, never written over IWM.*):
    # the folder is made where its PDF belongs, beside the earlier IWM piece, which stays as it was
    (day / "IWM_level210.pdf").mkdir()
    before = hostile.tree(root)
    done = hostile.run_cli(root, "report", "--as-of", AS_OF, "--source", "snapshot", "--level", "210")
    line = hostile.one_line(done.stderr)
    assert done.returncode == 5
    assert line == (
        f"error: cannot publish into {day}: {day / 'IWM_level210.pdf'} is a folder, where the piece's .pdf"
        f" file belongs. Nothing was changed. Remove or rename that folder (e.g. rm -r '{day / 'IWM_level210.pdf'}')"
        " and run again."
    )
    assert hostile.tree(root) == before  # nothing of IWM_level210, and IWM as it was
    assert hostile.hidden(root) == [] and hostile.no_leftovers(root) == []


def test_1_a_move_that_fails_half_way_rolls_every_moved_file_back(tmp_path, monkeypatch):
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "a.json").write_text("old a")
    (dest / "b.ipynb").write_text("old b")
    files = _staged(tmp_path, {"a.json": "new a", "b.ipynb": "new b", "c.html": "new c", "d.pdf": "new d"})
    real = os.replace
    calls = []

    def third_fails(src, dst):
        calls.append(Path(dst).name)
        if len(calls) == 3:
            raise OSError(28, os.strerror(28), str(dst))
        return real(src, dst)

    monkeypatch.setattr(publish.os, "replace", third_fails)
    with pytest.raises(
        PublishError,
        match=r"no space left .* Nothing was published \(the previous files are as"
        r" they were\)\. Free some disk space",
    ):
        publish.publish(files, dest)
    assert calls[:3] == ["a.json", "b.ipynb", "c.html"]
    assert _contents(dest) == {"a.json": "old a", "b.ipynb": "old b"}  # c.html (new) removed again


def test_1_a_real_sigterm_in_the_middle_of_a_publish_undoes_it(tmp_path, monkeypatch):
    """A real SIGTERM to this process after the second move: the signal waits, the publish is
    rolled back before it counts, then the run stops (Interrupted, as for Ctrl-C)."""
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "a.json").write_text("old a")
    files = _staged(tmp_path, {"a.json": "new a", "b.html": "new b", "c.pdf": "new c"})
    real = publish._move

    def move_then_signal(src, target):
        real(src, target)
        if target.name == "b.html":
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(publish, "_move", move_then_signal)
    with interrupts.handled(), pytest.raises(interrupts.Interrupted) as info:
        publish.publish(files, dest)
    assert info.value.signum == signal.SIGTERM
    assert _contents(dest) == {"a.json": "old a"}
    assert signal.getsignal(signal.SIGTERM) is not interrupts._handler  # restored afterwards


def test_a_symlinked_file_in_the_piece_is_put_back_as_the_link_it_was(tmp_path, monkeypatch):
    """Own case: a target that is a symbolic link (to a file outside) is replaced, never written
    through; after a rollback it is the same link again, and the file it points at is untouched."""
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours")
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "a.json").symlink_to(outside)
    files = _staged(tmp_path, {"a.json": "new a", "b.html": "new b"})
    real = os.replace

    def second_fails(src, dst):
        if Path(dst).name == "b.html":
            raise OSError(13, os.strerror(13), str(dst))
        return real(src, dst)

    monkeypatch.setattr(publish.os, "replace", second_fails)
    with pytest.raises(PublishError, match="Permission denied"):
        publish.publish(files, dest)
    assert _contents(dest) == {"a.json": f"-> {outside}"} and outside.read_text() == "not ours"
    monkeypatch.setattr(publish.os, "replace", real)
    publish.publish(_staged(tmp_path, {"a.json": "new a", "b.html": "new b"}), dest)
    assert _contents(dest) == {"a.json": "new a", "b.html": "new b"} and outside.read_text() == "not ours"


@pytest.mark.slow
def test_1_research_appendices_publish_whole_too(reports):
    """The research notebooks publish the same way: a folder in the way of the second one's
    HTML publishes none of them, and the previous appendices stay."""
    from analysis.pipeline.research import run as research

    root, _ = reports
    folder = root / AS_OF / "research"
    folder.mkdir()
    (folder / "IWM_phase.html").write_text("the previous appendix")
    (folder / "IWM_triggers.html").mkdir()
    before = hostile.tree(root)
    with pytest.raises(PublishError, match=r"IWM_triggers.html is a folder.*Nothing was changed") as info:
        research(Request.parse("IWM", "SPY", AS_OF, "snapshot"), names=["phase", "triggers"], jobs=1, root=root)
    assert "\n" not in str(info.value)
    assert hostile.tree(root) == before and hostile.hidden(root) == []


# -- staging: cleaned on every exit path, stale ones swept ----------------------------------------

_HOLD = """
import sys, time
from pathlib import Path
from analysis.render import publish
with publish.staging(Path(sys.argv[1])) as stage:
    (stage / "IWM.ipynb").write_bytes(b"x" * 100000)
    print(stage, flush=True)
    time.sleep(600)
"""


@pytest.mark.process
def test_9_a_killed_run_s_staging_is_swept_by_the_next_run(tmp_path):
    """A real SIGKILL leaves a staging folder (nothing can clean up after kill -9); the next run
    sees that its owner lock is free and removes it. A live run's folder is left alone."""
    root = tmp_path / "r"
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(PROJECT_DIR))}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _HOLD, str(root)], stdout=subprocess.PIPE, text=True, env=env, cwd=PROJECT_DIR
        )
        for _ in range(2)
    ]
    killed, alive = (Path(p.stdout.readline().strip()) for p in procs)
    try:
        assert killed.name.startswith(f"{procs[0].pid}-") and (killed / ".owner").is_file()
        procs[0].kill()
        procs[0].wait(30)
        assert killed.is_dir()  # left behind
        with publish.staging(root) as mine:
            assert not killed.exists() and alive.is_dir() and mine.is_dir()
    finally:
        procs[1].kill()
        procs[1].wait(30)
    with publish.staging(root):
        assert not alive.exists()
    assert not (root / ".staging").exists()  # removed once empty


def _staging_folders(root: Path) -> list[Path]:
    base = root / ".staging"
    return [f for f in base.iterdir() if (f / ".owner").is_file()] if base.is_dir() else []


def _stubborn_or_quick(request, root: Path, pdf: bool):
    """Batch work for the test below (run in a spawned worker): QQQ stages a file, then ignores
    SIGTERM, as a worker stuck in its clean-up would; IWM returns once QQQ is staging."""
    from analysis.pipeline.batch import Outcome

    if request.ticker == "QQQ":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        with publish.staging(root) as stage:
            (stage / "QQQ.ipynb").write_bytes(b"x" * 1000)
            time.sleep(120)
    deadline = time.monotonic() + 60
    while not _staging_folders(root) and time.monotonic() < deadline:
        time.sleep(0.05)
    return Outcome(request.ticker)


def test_9_a_batch_worker_killed_in_its_clean_up_leaves_no_staging(tmp_path, monkeypatch):
    """A stop (here Ctrl-C, raised as the first piece is reported) sends each worker SIGTERM;
    one that has not exited after the grace period is killed, and cannot remove its own
    staging folder: the parent sweeps it once its workers are gone (seen once under load in
    the SIGTERM batch test). Real processes and a real kill; the grace is cut to half a second."""
    import functools

    from analysis.pipeline import batch

    monkeypatch.setattr(interrupts, "stop_pool", functools.partial(interrupts.stop_pool, grace=0.5))
    root = tmp_path / "r"
    root.mkdir()
    requests = [Request.parse(t, "SPY", AS_OF, "snapshot") for t in ("IWM", "QQQ")]

    def stop(outcome):
        assert _staging_folders(root), "the stubborn worker should be staging by now"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.run_local(requests, root, jobs=2, pdf=False, done=stop, work=_stubborn_or_quick)
    assert not (root / ".staging").exists()


def test_9_an_old_staging_folder_from_before_owner_files_is_swept_once_old(tmp_path):
    base = tmp_path / ".staging"
    legacy, recent = base / "tmpabc123", base / "tmpdef456"
    for folder in (legacy, recent):
        folder.mkdir(parents=True)
        (folder / "IWM.ipynb").write_bytes(b"x" * 1000)
    two_hours_ago = time.time() - 7200
    os.utime(legacy, (two_hours_ago, two_hours_ago))
    with publish.staging(tmp_path):
        assert not legacy.exists() and recent.is_dir()


# -- case 13: hints that were wrong or missing --------------------------------------------------


@pytest.mark.process
def test_13_a_symlinked_date_folder_is_named_as_the_link_it_is(tmp_path):
    root, elsewhere = tmp_path / "r", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / AS_OF).symlink_to(elsewhere)
    done = hostile.run_cli(root, "report", "--as-of", AS_OF, "--source", "snapshot", "--no-pdf")
    assert done.returncode == 5
    assert hostile.one_line(done.stderr) == (
        f"error: {root / AS_OF} is a symbolic link to {elsewhere}, outside {root}: nothing is written through it."
        f" Replace the link with a real folder (e.g. rm '{root / AS_OF}'), or set MOMENTUM_REPORTS_DIR to a folder"
        " without such links."
    )
    assert not any(elsewhere.iterdir()) and hostile.hidden(root) == []


@pytest.mark.parametrize(
    "where, expected",
    [
        (
            "file",
            "error: cannot write to {root}/.locks: {root} is a file, not a folder. Move {root} away, or set"
            " MOMENTUM_REPORTS_DIR to a writable folder (or unset it for reports/ in the project).",
        ),
        (
            "/dev/null",
            "error: cannot write to /dev/null/.locks: /dev/null is a device or special file, not a folder."
            " Set MOMENTUM_REPORTS_DIR to a writable folder (or unset it for reports/ in the project).",
        ),
        (
            "/proc/self",
            "error: cannot create /proc/{pid}/.locks: a folder on that path does not exist and cannot be"
            " made (a special file system such as /proc or /dev?). Set MOMENTUM_REPORTS_DIR to a writable"
            " folder (or unset it for reports/ in the project).",
        ),
    ],
    ids=["reports-is-a-file", "dev-null", "proc-self"],
)
@pytest.mark.process
def test_13_a_reports_folder_that_is_no_folder_says_what_to_do(tmp_path, where, expected):
    root = tmp_path / "reports" if where == "file" else Path(where)
    if where == "file":
        root.write_text("not a folder")
    proc = hostile.start(root, "report", "--as-of", AS_OF, "--source", "snapshot", "--no-pdf")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 5
    assert hostile.one_line(err) == expected.format(root=root, pid=proc.pid)
    if where == "file":
        assert root.read_text() == "not a folder"


def test_13_a_date_folder_on_another_file_system_is_published_all_the_same(tmp_path):
    """Own case for 'a cross-device rename gives one line with no fix': the date folder is a
    tmpfs mounted inside the reports folder (renames from .staging fail with EXDEV); the files
    are copied beside their targets and renamed over them, the old ones kept until the end."""
    root = tmp_path / "r"
    with hostile.tmpfs(root / "day", "4m") as day:
        (day / "a.json").write_text("old a")
        stage = root / ".staging" / "x"
        stage.mkdir(parents=True)
        (stage / "a.json").write_text("new a")
        (stage / "b.html").write_text("new b")
        out = publish.publish([stage / "a.json", stage / "b.html"], day)
        assert [p.name for p in out] == ["a.json", "b.html"]
        assert _contents(day) == {"a.json": "new a", "b.html": "new b"}
        assert sorted(p.name for p in day.iterdir()) == ["a.json", "b.html"]  # no .incoming / .previous left


@pytest.mark.slow
def test_13_index_html_being_a_folder_says_the_piece_is_published(reports):
    root, _ = reports
    (root / "index.html").unlink(missing_ok=True)
    (root / "index.html").mkdir()
    done = hostile.run_cli(root, "report", "--as-of", AS_OF, "--source", "snapshot", "--no-pdf")
    assert done.returncode == 5
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: the piece is published, but the index was not updated: cannot write {root / 'index.html'}:"
        f" a folder is in the way. Remove or rename it (e.g. rm -r '{root / 'index.html'}') and run"
        " again. Then run `make index`."
    ]
    assert "  wrote " in done.stdout and "Traceback" not in done.stderr


@pytest.mark.slow
def test_13_no_pdf_removes_the_older_pdf_so_the_piece_is_whole(reports):
    """Issue 29: the older PDF (LEVEL 205.06) was left beside a piece saying "clear 210.00", and
    the index linked both; now it is removed in the same step as the piece is published (a piece
    is whole, from one run; since issue 31 a LEVEL writes a piece of its own, so the new run here
    is the same piece without its PDF)."""
    root, before = reports
    if f"{AS_OF}/IWM.pdf" not in before:
        chromium_or_skip()  # the previous piece has a PDF only where a browser printed it
    # the same piece again, without its PDF (a LEVEL is a piece of its own now, IWM_level210: issue 31)
    done = hostile.run_cli(root, "report", "--as-of", AS_OF, "--source", "snapshot", "--no-pdf")
    assert done.returncode == 0, done.stderr
    assert hostile.one_line(done.stderr) == (
        f"warning: PDF not written: --no-pdf was given. The PDF of an earlier run, {root / AS_OF / 'IWM.pdf'},"
        " was removed: it did not match this piece."
    )
    after = hostile.tree(root)
    assert f"{AS_OF}/IWM.pdf" not in after and after[f"{AS_OF}/IWM.json"] == before[f"{AS_OF}/IWM.json"]
    assert "IWM.pdf" not in (root / "index.html").read_text()


@pytest.mark.slow
def test_29_a_pdf_chromium_cannot_print_for_its_tmpdir_leaves_no_stale_pdf_and_names_tmpdir(reports):
    """`TMPDIR=/nonexistent/tmp make report ... LEVEL=210` after a run with the default level:
    JSON, Markdown, HTML and notebook said "clear 210.00", the old PDF 205.06, and the hint said
    "install Chromium" when Chromium itself had said "Failed to create socket directory".
    Since the browser's TMPDIR is its own folder (made where Python's tempfile falls back to), a missing
    TMPDIR prints; one too long for the desktop build's socket still cannot, and is the case here."""
    from tests.test_robustness_seventh import _tmpdir

    root, before = reports
    chromium_or_skip()
    # Chromium's desktop build needs a socket folder under TMPDIR; its headless shell, found first when
    # installed, needs none and prints (test_the_headless_shell_prints_without_a_tmpdir)
    full = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not full:
        pytest.skip("no desktop Chromium here: only it needs TMPDIR")
    done = hostile.run_cli(
        root, "report", "--as-of", AS_OF, "--source", "snapshot", env={"TMPDIR": "/nonexistent/tmp", "CHROMIUM": full}
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert (root / AS_OF / "IWM.pdf").read_bytes().startswith(b"%PDF")  # printed again
    long = _tmpdir(66)
    try:
        # the same piece again, its PDF failing (a LEVEL is a piece of its own now, IWM_level210: issue 31)
        done = hostile.run_cli(
            root, "report", "--as-of", AS_OF, "--source", "snapshot", env={"TMPDIR": str(long), "CHROMIUM": full}
        )
    finally:
        shutil.rmtree(long.parent, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    line = hostile.one_line(done.stderr)
    assert line.startswith("warning: PDF not written: Chromium (") and "Socket path too long" in line, line
    assert f"TMPDIR ({long}) is too long a path for Chromium's socket" in line
    assert "install Chromium" not in line and "was removed: it did not match this piece" in line
    after = hostile.tree(root)
    assert f"{AS_OF}/IWM.pdf" not in after
    assert after[f"{AS_OF}/IWM.json"] == before[f"{AS_OF}/IWM.json"]  # the rest of the piece is published
    assert "IWM.pdf" not in (root / "index.html").read_text()


@pytest.mark.slow
def test_the_headless_shell_prints_without_a_tmpdir(tmp_path, monkeypatch):
    """Chromium's headless shell keeps no socket folder: with TMPDIR missing it still prints the page."""
    from analysis.render.browser import Printer

    shell = shutil.which("chromium-headless-shell") or shutil.which("chrome-headless-shell")
    if not shell:
        pytest.skip("no Chromium headless shell here")
    poppler_or_skip()
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html><body><h1>NO-TMPDIR</h1></body></html>", encoding="utf-8")
    monkeypatch.setenv("TMPDIR", str(tmp_path / "nonexistent"))
    with Printer(shell) as printer:
        printer.print_pdf(page, tmp_path / "page.pdf")
    text = subprocess.run(["pdftotext", str(tmp_path / "page.pdf"), "-"], capture_output=True, text=True).stdout
    assert text.strip() == "NO-TMPDIR"


def test_29_publish_removes_a_stale_file_in_the_same_step_and_puts_it_back_on_an_interrupt(tmp_path, monkeypatch):
    day = tmp_path / "reports" / "day"
    day.mkdir(parents=True)
    for name, text in {"a.json": "old a", "a.pdf": "old pdf"}.items():
        (day / name).write_text(text)
    publish.publish(_staged(tmp_path, {"a.json": "new a"}), day, remove=("a.pdf", "never.there"))
    assert _contents(day) == {"a.json": "new a"}

    (day / "a.pdf").write_text("old pdf")

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(publish.interrupts, "check", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish.publish(_staged(tmp_path, {"a.json": "newer a"}), day, remove=("a.pdf",))
    assert _contents(day) == {"a.json": "new a", "a.pdf": "old pdf"}
