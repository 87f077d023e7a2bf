"""The work of one piece in a batch worker, the same for both engines (local processes, Dask).

A worker process (or a Dask worker's thread) keeps one :class:`~analysis.data.Market` per
source, one kept-alive :class:`~analysis.render.kernel.Kernel` and one headless Chromium
(:class:`~analysis.render.browser.Printer`); :func:`write_piece` writes one piece with them and
returns its :class:`Outcome`. :mod:`analysis.pipeline.batch` and :mod:`analysis.pipeline.distributed`
schedule it.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from analysis.errors import ReportError


@dataclass
class Outcome:
    """What became of one piece of a batch (picklable: it travels back from a worker)."""

    ticker: str  # as the user typed it
    as_of: str = ""  # the resolved session (empty if the piece failed early)
    phase: str = ""
    files: list[Path] = field(default_factory=list)
    error: str = ""  # one line; empty when the piece was written
    exit_code: int = 0
    pdf_error: str = ""
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    pid: int = 0  # the worker process that wrote it
    kernel_pid: int = 0  # the kernel it ran on (kept alive across the worker's pieces)
    browser_pid: int = 0  # the Chromium that printed its PDF (likewise)
    started: float = 0.0  # time.time() in the worker
    finished: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def seconds(self) -> float:
        return max(self.finished - self.started, 0.0)


_MARKETS: dict = {}


def worker_market(source: str):
    """This process's :class:`~analysis.data.Market` for ``source``, created once."""
    from analysis.data import Market

    if source not in _MARKETS:
        _MARKETS[source] = Market(source)
    return _MARKETS[source]


def init_worker(*sources: str) -> None:
    """Worker initializer: stop on SIGINT, SIGTERM or SIGHUP (:func:`analysis.interrupts.install_worker`),
    and create the worker's market(s) before the first piece arrives."""
    from analysis import interrupts

    interrupts.install_worker()
    for source in sources:
        worker_market(source)


_TOOLS = threading.local()  # this thread's kernel and browser (a Dask worker may run threads)
_ALL_TOOLS: list = []
#: Set when Ctrl-C reached this worker: the pieces already queued to it are then not written
#: (the parent reports "nothing was published" and exits; a worker must not go on publishing).
_INTERRUPTED = threading.Event()


def worker_tools():
    """This thread's kept-alive :class:`~analysis.render.kernel.Kernel` and
    :class:`~analysis.render.browser.Printer`, created on first use, closed at exit."""
    if not hasattr(_TOOLS, "kernel"):
        from analysis.render.browser import Printer
        from analysis.render.kernel import Kernel
        from analysis.view import ahead

        # the batch's pieces keep every core busy: a forked chart child would only add its fork
        os.environ[ahead.ENV] = "0"
        _TOOLS.kernel, _TOOLS.printer = Kernel(), Printer()
        if not _ALL_TOOLS:
            atexit.register(close_worker_tools)
        _ALL_TOOLS.append((_TOOLS.kernel, _TOOLS.printer))
    return _TOOLS.kernel, _TOOLS.printer


def close_worker_tools() -> None:
    """Stop every kernel and browser this process kept (at exit: a worker leaves no process behind)."""
    while _ALL_TOOLS:
        kernel, printer = _ALL_TOOLS.pop()
        printer.close()
        kernel.close(now=True)


def write_piece(request, root: Path, pdf: bool = True) -> Outcome:
    """Write one piece with the worker's market, kernel and browser; the user's errors become a failed outcome."""
    from analysis import interrupts
    from analysis.pipeline.report import load_summary, run

    started = time.time()
    outcome = Outcome(request.ticker, pid=os.getpid(), started=started)
    if _INTERRUPTED.is_set() or interrupts.stopping():
        outcome.error, outcome.exit_code, outcome.finished = "not written: the batch was interrupted.", 130, started
        return outcome
    kernel, printer = worker_tools()
    try:
        with interrupts.busy():
            result = run(
                request,
                root=root,
                log=outcome.warnings.append,
                pdf=pdf,
                market=worker_market(request.source),
                kernel=kernel,
                printer=printer,
            )
    except ReportError as exc:
        outcome.error, outcome.exit_code = str(exc), exc.exit_code
    except KeyboardInterrupt:
        _INTERRUPTED.set()
        raise
    else:
        outcome.kernel_pid, outcome.browser_pid = kernel.pid or 0, printer.pid or 0
        outcome.as_of, outcome.files, outcome.timings = result.as_of, result.files, result.timings
        outcome.pdf_error = result.pdf_error
        outcome.warnings += result.warnings
        summary = next((load_summary(p) for p in result.files if p.suffix == ".json"), {})
        outcome.phase = str(summary.get("phase") or "n/a")
    outcome.finished = time.time()
    return outcome


def failed(ticker: str, error: str) -> Outcome:
    """A piece that failed outside :func:`write_piece` (a worker that died, a bug): exit code 1."""
    now = time.time()
    return Outcome(ticker, error=error, exit_code=1, started=now, finished=now)


Work = Callable[..., Outcome]
