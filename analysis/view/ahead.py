"""Charts drawn ahead, in a forked child, while the kernel draws the others.

A single piece (``make report``) runs its cells one after another on one core while the
second core idles (Chromium has started by then and waits for the page). The piece's
charts need nothing but the finished summary, so right after :meth:`Piece.build
<analysis.view.piece.Piece.build>` a child forked from the kernel draws some of them
(:data:`analysis.view.piece.AHEAD`) and sends their finished display objects back
through a pipe; the kernel draws the rest meanwhile and takes each forked one when its
cell comes. The child runs the same code on the same data (fork copies the process), so
the PNG bytes are the ones the kernel would have drawn itself (``tests/test_ahead.py``).

It is an optimisation only, never a second source of truth: if the child cannot be forked,
fails, dies, or has not answered within :data:`WAIT_S`, the kernel draws the chart itself,
so any error surfaces in the chart's own cell as usual. So does a chart whose drawing
warned or printed anything in the child: its words would otherwise be lost (the child has
no way to the notebook), and a warning in a piece is reported to its user. The child dies
with its parent (``PR_SET_PDEATHSIG``), so a kernel that is killed leaves nothing running.

When it is used (:func:`enabled`): on Linux (fork is safe there; macOS frameworks are not
fork-safe and Windows has none), with two cores or more, unless ``MOMENTUM_DRAW_AHEAD=0``.
A batch worker sets that (:func:`analysis.pipeline.work.worker_tools`): its pieces already
keep every core busy, so a child would only add its fork to each piece's CPU.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import pickle
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Mapping

#: Seconds the kernel waits for a forked chart before drawing it itself.
WAIT_S = 120.0
#: The environment variable that turns drawing ahead off ("0").
ENV = "MOMENTUM_DRAW_AHEAD"


def enabled() -> bool:
    """Whether :func:`start` forks: Linux, two cores or more, ``MOMENTUM_DRAW_AHEAD`` not ``0``."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return sys.platform.startswith("linux") and cores >= 2 and os.environ.get(ENV, "1") != "0"


class Ahead:
    """The results of jobs run in a forked child; :meth:`take` one by name, or ``None``.

    ``None`` means "draw it yourself": the job failed, the child died or was too slow, or
    the name was never asked for. Each result is handed out once.
    """

    def __init__(self, jobs: Mapping[str, Callable[[], object]]) -> None:
        self.names = tuple(jobs)
        self._results: dict[str, object] = {}
        self._done = threading.Event()
        self.pid = 0
        read, write = os.pipe()
        # The child, short-lived, keeps what exists now (modules, the summary) out of its collector's
        # sight: its collections neither walk it (0.05 CPU-s) nor touch, and so copy, the pages it
        # shares with its parent. The parent unfreezes at once: a kernel a reader re-runs the piece in
        # must still collect the earlier pieces' figures once they are dropped.
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:
            gc.unfreeze()
            os.close(read)
            os.close(write)
            self._done.set()
            return
        if pid:
            gc.unfreeze()
        if pid == 0:  # the child: draw, send, and leave without running the parent's exit code
            code = 0
            try:
                os.close(read)
                _die_with_parent()
                out = {}
                for name, job in jobs.items():
                    said = io.StringIO()
                    try:
                        with (
                            warnings.catch_warnings(record=True) as caught,
                            contextlib.redirect_stdout(said),
                            contextlib.redirect_stderr(said),
                        ):
                            made = job()
                    except BaseException:  # noqa: BLE001 - the parent draws it again and shows the error
                        continue
                    if not caught and not said.getvalue():  # else the parent draws it, and warns where it should
                        out[name] = made
                payload = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(payload)
            except BaseException:  # noqa: BLE001
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        self.pid = pid
        # a thread reads the answer and reaps the child even if nobody takes a result
        threading.Thread(target=self._collect, args=(read, pid), name="draw-ahead", daemon=True).start()

    def _collect(self, read: int, pid: int) -> None:
        try:
            with os.fdopen(read, "rb") as pipe:
                payload = pipe.read()
            self._results = pickle.loads(payload) if payload else {}
        except Exception:  # noqa: BLE001 - a broken answer: the parent draws everything
            self._results = {}
        finally:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            self._done.set()

    def take(self, name: str, timeout: float = WAIT_S) -> object | None:
        """The child's result for ``name`` (waiting up to ``timeout`` seconds), else ``None``."""
        if name not in self.names:
            return None
        if not self._done.wait(timeout):
            self.stop()
            return None
        return self._results.pop(name, None)

    def stop(self) -> None:
        """Kill the child if it is still drawing (its results are dropped)."""
        if self.pid and not self._done.is_set():
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def start(jobs: Mapping[str, Callable[[], object]]) -> Ahead | None:
    """Run ``jobs`` in a forked child when :func:`enabled`, else ``None`` (draw them in order)."""
    return Ahead(jobs) if enabled() and jobs else None


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``)."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)
