"""Charts drawn ahead in a forked child (analysis.view.ahead): the same bytes, or drawn here.

The piece's own check is on real data: the IWM piece of 2024-07-08 drawn with and without
the child gives byte-identical outputs. The rest exercises the child's failure paths with
small jobs of their own (no chart needed to show that a failure falls back).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

from analysis.view import ahead
from analysis.view.piece import AHEAD, EARLY, Piece
from tests.conftest import AS_OF

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="draws ahead on Linux only")


def _gone(pid: int) -> bool:
    """The process is neither running nor a zombie waiting to be reaped."""
    return not os.path.exists(f"/proc/{pid}")


def _bundles(piece: Piece) -> list[dict]:
    return [getattr(piece, name)()._repr_mimebundle_() for name in (*EARLY, *AHEAD)]


@pytest.mark.slow  # several seconds in one process: the whole suite (make check) runs it
def test_the_childs_charts_are_the_bytes_drawn_here(monkeypatch):
    monkeypatch.setenv(ahead.ENV, "1")
    forked = Piece.build("IWM", "SPY", AS_OF, "snapshot", draw_ahead=True)
    assert forked.drawn_ahead is not None and forked.drawn_ahead.pid > 0
    assert forked.drawn_early is not None and forked.drawn_early.pid not in (0, forked.drawn_ahead.pid)
    pid, early = forked.drawn_ahead.pid, forked.drawn_early.pid
    here = Piece.build("IWM", "SPY", AS_OF, "snapshot")
    assert here.drawn_ahead is None and here.drawn_early is None
    from_child = _bundles(forked)
    drawn_here = _bundles(here)
    assert [b["image/png"] for b in from_child] == [b["image/png"] for b in drawn_here]
    assert [b["text/html"] for b in from_child] == [b["text/html"] for b in drawn_here]
    assert all(len(b["image/png"]) > 10_000 for b in from_child)  # real charts, not empty images
    assert forked.drawn_ahead._results == {}  # each was handed out, not drawn again
    assert forked.drawn_early._results == {}
    assert _gone(pid) and _gone(early)


def test_off_when_the_environment_says_so(monkeypatch):
    monkeypatch.setenv(ahead.ENV, "0")
    assert not ahead.enabled()
    assert ahead.start({"x": lambda: 1}) is None
    assert Piece.build("IWM", "SPY", AS_OF, "snapshot", draw_ahead=True).drawn_ahead is None


def test_a_failing_job_is_drawn_here_and_the_others_still_come_back(monkeypatch):
    monkeypatch.setenv(ahead.ENV, "1")
    child = ahead.start({"boom": lambda: 1 / 0, "ok": lambda: {"value": 42}})
    assert child.take("boom") is None  # the parent draws it and shows the ZeroDivisionError itself
    assert child.take("ok") == {"value": 42}
    assert child.take("ok") is None  # handed out once
    assert child.take("never asked") is None


def test_a_job_that_warns_or_prints_is_drawn_here_so_its_words_reach_the_notebook(monkeypatch):
    import warnings

    def warns():
        warnings.warn("a chart's warning", UserWarning, stacklevel=1)
        return 1

    def prints():
        print("a chart's message")
        return 2

    monkeypatch.setenv(ahead.ENV, "1")
    child = ahead.start({"warns": warns, "prints": prints, "quiet": lambda: 3})
    assert child.take("warns") is None and child.take("prints") is None
    assert child.take("quiet") == 3


def test_an_answer_that_cannot_be_sent_falls_back_for_every_job(monkeypatch):
    monkeypatch.setenv(ahead.ENV, "1")
    child = ahead.start({"ok": lambda: 1, "unpicklable": lambda: lambda: None})
    assert child.take("ok") is None and child.take("unpicklable") is None
    assert _gone(child.pid)


def test_a_slow_child_is_killed_and_reaped(monkeypatch):
    monkeypatch.setenv(ahead.ENV, "1")
    child = ahead.start({"slow": lambda: time.sleep(60)})
    started = time.monotonic()
    assert child.take("slow", timeout=0.5) is None
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 10
    while not _gone(child.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(child.pid)


@pytest.mark.process
def test_the_child_dies_with_its_parent(tmp_path):
    """A kernel killed mid-piece (a time-out, SIGKILL) must not leave its chart child running."""
    script = textwrap.dedent(
        """
        import os, sys, time
        os.environ["MOMENTUM_DRAW_AHEAD"] = "1"
        from analysis.view import ahead
        child = ahead.start({"slow": lambda: time.sleep(60)})
        print(child.pid, flush=True)
        time.sleep(60)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        child_pid = int(parent.stdout.readline())
        assert not _gone(child_pid)
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while not _gone(child_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        # the orphan is re-parented and reaped by init once SIGKILL'd (PR_SET_PDEATHSIG)
        assert _gone(child_pid) or _state(child_pid) == "Z"
    finally:
        parent.kill()


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return ""


@pytest.mark.slow  # a piece's summary and two charts in a child
def test_page_ones_charts_come_from_the_child_forked_mid_build(monkeypatch):
    """The early child (forked once the study and its facts exist) answers for page one's chart and the
    growth of $1: the piece takes them from it and never draws them itself."""
    monkeypatch.setenv(ahead.ENV, "1")
    forked = Piece.build("IWM", "SPY", AS_OF, "snapshot", draw_ahead=True)
    monkeypatch.setattr(Piece, "_brief_chart", lambda self: pytest.fail("drawn again in the kernel"))
    monkeypatch.setattr(Piece, "_chart_performance", lambda self: pytest.fail("drawn again in the kernel"))
    shown = [getattr(forked, name)()._repr_mimebundle_() for name in EARLY]
    assert all(len(b["image/png"]) > 10_000 for b in shown)
