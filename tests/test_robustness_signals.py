"""Robustness against signals (issue 16, cases 2 and 9, and the 'Also' paragraph).

SIGTERM and SIGHUP to a run behave like Ctrl-C: it stops, publishes nothing more, kills its
workers, kernels and Chromium, removes its staging folder and exits non-zero with one line.
Every signal here is a real one sent to a real ``python -m analysis`` process (started with
the default handlers, see :func:`tests.hostile.start`); what is left afterwards is found by
the reports folder in the environment of every process the run started. The previous
piece (the real IWM piece of 2024-07-08, built once) must survive byte for byte.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time

import pytest

from analysis.render import publish
from tests import hostile
from tests.conftest import AS_OF

NOTHING = "nothing was published; earlier pieces are untouched."


@pytest.fixture(scope="module")
def good_piece(iwm_piece):
    """The IWM piece of 2024-07-08 (conftest's ``iwm_piece``, made once per test run): tests copy it before they write."""
    return iwm_piece[0]


@pytest.fixture
def reports(good_piece, tmp_path):
    root = tmp_path / "reports"
    shutil.copytree(good_piece, root)
    return root, hostile.tree(root)


def _kernels(root) -> list[str]:
    return [p for p in hostile.leftovers(root) if "ipykernel" in p]


def _running_notebooks(root, count: int = 1) -> None:
    """Wait until ``count`` kernels of the run are up: its pieces are executing."""
    assert hostile.wait_for(lambda: len(_kernels(root)) >= count, timeout=180), hostile.leftovers(root)


def _finished_cleanly(proc: subprocess.Popen, root, signum: int, before: dict) -> str:
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err and "leaked semaphore" not in err and "resource_tracker" not in err, err
    assert hostile.no_leftovers(root) == []
    assert hostile.hidden(root) == []
    time.sleep(2)  # a worker left running would publish after the parent is gone
    assert hostile.tree(root) == before
    return err


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_2_a_signal_to_the_batch_parent_stops_workers_kernels_and_browsers(reports, signum):
    root, before = reports
    proc = hostile.start(
        root,
        "reports",
        "--tickers",
        "IWM",
        "QQQ",
        "SMH",
        "--as-of",
        AS_OF,
        "--source",
        "snapshot",
        "--jobs",
        "2",
        "--no-progress",
    )
    _running_notebooks(root, 2)
    proc.send_signal(signum)
    err = _finished_cleanly(proc, root, signum, before)
    assert hostile.one_line(err) == f"interrupted ({signal.Signals(signum).name}): {NOTHING}"


@pytest.mark.slow
def test_2_sigterm_to_a_single_piece_is_ctrl_c(reports):
    root, before = reports
    proc = hostile.start(root, "report", "--as-of", AS_OF, "--source", "snapshot")
    _running_notebooks(root)
    proc.send_signal(signal.SIGTERM)
    err = _finished_cleanly(proc, root, signal.SIGTERM, before)
    assert hostile.one_line(err) == f"interrupted (SIGTERM): {NOTHING}"


@pytest.mark.slow
def test_2_sigterm_during_the_research_notebooks_publishes_none(reports):
    root, before = reports
    proc = hostile.start(
        root, "research", "--as-of", AS_OF, "--source", "snapshot", "--notebooks", "phase", "triggers", "--jobs", "2"
    )
    _running_notebooks(root, 2)
    proc.send_signal(signal.SIGTERM)
    err = _finished_cleanly(proc, root, signal.SIGTERM, before)
    assert hostile.one_line(err) == f"interrupted (SIGTERM): {NOTHING}"
    assert not (root / AS_OF / "research").exists()


@pytest.mark.slow
def test_a_second_ctrl_c_cannot_cut_the_cleanup_short(reports):
    """Own case: Ctrl-C twice, half a second apart (an impatient user): the second one landed
    in the cleanup and the run died of SIGINT (exit -2 instead of 130); now it is ignored
    while the run cleans up."""
    root, before = reports
    proc = hostile.start(root, "report", "--as-of", AS_OF, "--source", "snapshot")
    _running_notebooks(root)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    err = _finished_cleanly(proc, root, signal.SIGINT, before)
    assert hostile.one_line(err) == f"interrupted (Ctrl-C): {NOTHING}"


@pytest.mark.slow
def test_a_hangup_ignored_by_nohup_lets_the_run_finish(tmp_path):
    """Own case: `nohup make report` ignores SIGHUP on purpose; the run must not undo that."""
    root = tmp_path / "r"

    def nohup() -> None:
        hostile.default_signals()
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    proc = hostile.start(root, "report", "--as-of", AS_OF, "--source", "snapshot", "--no-pdf", preexec=nohup)
    _running_notebooks(root)
    proc.send_signal(signal.SIGHUP)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert (root / AS_OF / "IWM.json").is_file() and hostile.no_leftovers(root) == []


@pytest.mark.slow
def test_sigterm_to_one_worker_fails_its_piece_alone(tmp_path):
    """Own case: a signal to one worker (not the parent): its piece is one failed line (it was
    a bug report with a traceback), the other piece is written, nothing is left running."""
    import psutil

    root = tmp_path / "r"
    proc = hostile.start(
        root,
        "reports",
        "--tickers",
        "IWM",
        "QQQ",
        "--as-of",
        AS_OF,
        "--source",
        "snapshot",
        "--jobs",
        "2",
        "--no-progress",
        "--no-pdf",
    )
    _running_notebooks(root, 2)
    kernel = psutil.Process(int(_kernels(root)[0].split(":")[0]))
    worker = kernel.parent()
    assert worker.pid != proc.pid and worker.parent().pid == proc.pid
    worker.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err
    failed = [line for line in out.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1 and failed[0].endswith(
        "error: not written: its worker process was stopped (SIGTERM). Run it again."
    )
    assert len([line for line in out.splitlines() if line.startswith("ok ")]) == 1
    assert "Traceback" not in err and hostile.no_leftovers(root) == [] and hostile.hidden(root) == []


@pytest.mark.process
def test_sigterm_while_waiting_for_a_busy_lock_stops_at_once(tmp_path):
    """Own case: another run holds the piece's lock; SIGTERM to the one waiting for it."""
    root = tmp_path / "r"
    with publish.piece_lock(root, f"{AS_OF}_IWM"):
        proc = hostile.start(root, "report", "--as-of", AS_OF, "--source", "snapshot", "--no-pdf")
        line = proc.stdout.readline()
        while "waiting for it to finish" not in line:
            assert line, proc.stderr.read()
            line = proc.stdout.readline()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and hostile.one_line(err) == f"interrupted (SIGTERM): {NOTHING}"
    assert hostile.hidden(root) == [] and hostile.no_leftovers(root) == []


@pytest.mark.slow
def test_sigterm_after_some_pieces_names_what_was_published(tmp_path):
    """Own case: the batch is stopped after its first piece is written; the line says that piece
    is whole (and how to list it), and nothing else is published."""
    root = tmp_path / "r"
    proc = hostile.start(
        root,
        "reports",
        "--tickers",
        "IWM",
        "QQQ",
        "SMH",
        "--as-of",
        AS_OF,
        "--source",
        "snapshot",
        "--jobs",
        "1",
        "--no-progress",
        "--no-pdf",
    )
    first = proc.stdout.readline()
    assert first.startswith("ok     IWM"), first + proc.stderr.read()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143
    day = root / AS_OF
    got = hostile.one_line(err)
    assert got == (
        f"interrupted (SIGTERM): 5 files published before it are whole ({os.path.relpath(day / 'IWM.json')},"
        f" {os.path.relpath(day / 'IWM.md')}, {os.path.relpath(day / 'IWM.png')},"
        f" {os.path.relpath(day / 'IWM.ipynb')} ...); nothing else was published."
        " Run `make index` to list them."
    ), got
    assert sorted(hostile.tree(root)) == [f"{AS_OF}/IWM.{x}" for x in ("html", "ipynb", "json", "md", "png")]
    assert hostile.no_leftovers(root) == [] and hostile.hidden(root) == []


def test_a_thread_dying_in_the_teardown_of_a_stop_prints_nothing(monkeypatch):
    """CI saw the batch SIGHUP test print a heartbeat thread's "ZMQError: Too many open files" traceback: the
    signal shut a kernel's zmq context down while its client's thread was opening a socket. After a stopping
    signal such a death is not reported; before one, a thread's exception reaches the previous hook as always.
    (A real thread raising a real exception; the hook that would print is replaced by a recorder.)"""
    import threading

    from analysis import interrupts

    seen: list[str] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: seen.append(str(args.exc_value)))
    monkeypatch.setattr(interrupts, "_THREAD_HOOK", threading.excepthook)
    interrupts.quiet_threads_when_stopping()
    interrupts.quiet_threads_when_stopping()  # idempotent: the recorder stays the hook it defers to

    def die(text: str) -> None:
        thread = threading.Thread(target=lambda: (_ for _ in ()).throw(OSError(text)))
        thread.start()
        thread.join()

    monkeypatch.setattr(interrupts._STATE, "received", None)
    die("before any signal")
    monkeypatch.setattr(interrupts._STATE, "received", int(signal.SIGHUP))
    die("in the teardown")
    assert seen == ["before any signal"]
