"""Stopping on a signal: SIGINT (Ctrl-C), SIGTERM and SIGHUP all mean "stop, publish nothing more".

The command line (:func:`handled`) turns the first of these signals into :class:`Interrupted`
(a :class:`KeyboardInterrupt`, so every ``except KeyboardInterrupt`` path that Ctrl-C takes is
taken for SIGTERM and SIGHUP too); further signals are ignored while the run cleans up (kills
its kernel and Chromium, removes its staging folder), so a second Ctrl-C cannot cut the
cleanup short and leave a process or a half-written folder behind. A signal the process was
started with ignored (``nohup`` ignores SIGHUP, a background job of a non-interactive shell
ignores SIGINT) stays ignored.

Worker processes (:func:`install_worker`) note the first signal and raise only while they are
writing something (:func:`busy`): an idle worker just refuses the pieces still queued to it.
:func:`stop_pool` is how a parent stops its worker pool when it is interrupted: it asks each
worker to stop (SIGTERM), waits for them to clean up, and kills whatever is left, with the
kernels and browsers those workers started.

:func:`deferred` and :func:`check` make a critical section (publishing a piece) atomic with
respect to these signals: one that arrives inside waits, and :func:`check` raises it before
the section commits, so the caller can roll back.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator

#: The signals that stop a run.
SIGNALS = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)
#: Limits that warn with a signal before they kill, stopping a run as SIGTERM does: a CPU-time limit's soft
#: value (``ulimit -S -t``, a service's LimitCPU) sends SIGXCPU, each second, until the hard one's SIGKILL.
LIMITS = tuple(s for s in (getattr(signal, "SIGXCPU", None),) if s is not None)
#: Seconds :func:`stop_pool` gives workers to clean up before killing them.
GRACE = 20.0


class Interrupted(KeyboardInterrupt):
    """The run was stopped by ``signum`` (SIGINT, SIGTERM or SIGHUP)."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(int(signum))  # args = (signum,): picklable, it may travel back from a worker
        self.signum = int(signum)

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    def __str__(self) -> str:
        return self.name


class _State:
    def __init__(self) -> None:
        self.received: int | None = None  # the first stopping signal seen
        self.pending: int | None = None  # one that arrived inside deferred()
        self.deferring = 0
        self.busy = 0
        self.worker = False


_STATE = _State()
#: Files published by this process (``publish.publish`` appends): what an interrupt did not undo.
PUBLISHED: list = []


def received() -> int | None:
    """The signal that stopped this process, ``None`` if none has."""
    return _STATE.received


def stopping() -> bool:
    """Whether a stopping signal has been received (a worker then refuses new pieces)."""
    return _STATE.received is not None


def _raise(signum: int) -> None:
    _STATE.received = signum
    raise Interrupted(signum)


def _handler(signum: int, frame) -> None:
    if _STATE.received is not None:
        return  # already stopping: let the cleanup finish
    if _STATE.deferring:
        _STATE.pending = _STATE.pending or signum
        return
    if _STATE.worker and not _STATE.busy:
        _STATE.received = signum  # an idle worker has nothing to abandon
        return
    _raise(signum)


def _quiet_when_stopping(args) -> None:
    """``threading.excepthook`` once installed: after a stopping signal, a background thread's death is not printed.

    A signal that lands while a kernel client is starting (its heartbeat thread about to open
    a socket) shuts the kernel and its zmq context down under that thread, which then dies
    with "ZMQError: Too many open files" (seen in the batch SIGHUP test). It is a consequence
    of the stop the run already reports in one line, not a second fault; before any signal,
    thread exceptions print as always.
    """
    if _STATE.received is not None:
        return
    _THREAD_HOOK(args)


_THREAD_HOOK = threading.excepthook


def quiet_threads_when_stopping() -> None:
    """Install :func:`_quiet_when_stopping` as this process's ``threading.excepthook`` (idempotent)."""
    global _THREAD_HOOK
    if threading.excepthook is not _quiet_when_stopping:
        _THREAD_HOOK = threading.excepthook
        threading.excepthook = _quiet_when_stopping


def _install() -> dict[int, object]:
    """Our handler for every stopping signal not ignored; returns the previous handlers."""
    previous = {}
    if threading.current_thread() is not threading.main_thread():
        return previous
    quiet_threads_when_stopping()
    for signum in (*SIGNALS, *LIMITS):
        current = signal.getsignal(signum)
        if current is signal.SIG_IGN:
            continue  # nohup, or a background job: the caller asked for it to be ignored
        previous[signum] = current
        signal.signal(signum, _handler)
    return previous


@contextlib.contextmanager
def handled(final: bool = False) -> Iterator[None]:
    """For the command line: SIGTERM and SIGHUP raise :class:`Interrupted` like Ctrl-C, once.

    ``final``: the process exits when the block ends (``python -m analysis``), so these signals are then
    ignored, not given back their default action: one arriving while the interpreter shuts down, a
    moment after the last file was published, no longer kills the finished run without a word (a signal
    ignored by Python stays ignored through its shutdown, in every thread; SIGKILL still ends a hang)."""
    previous = _install()
    _STATE.received = _STATE.pending = None
    try:
        yield
    finally:
        stopped = _STATE.received is not None
        for signum, handler in previous.items():
            # Stopped by a signal, the process is about to exit: one more (a second Ctrl-C while
            # the interpreter joins its threads) must not print a traceback on the way out.
            signal.signal(signum, signal.SIG_IGN if stopped or final else handler)
        _STATE.received = _STATE.pending = None


def install_worker() -> None:
    """For a worker process (a pool initializer): stop on the first signal, raising only when :func:`busy`."""
    _STATE.worker = True
    _install()


@contextlib.contextmanager
def busy() -> Iterator[None]:
    """A worker is writing something: a stopping signal raises :class:`Interrupted` in it."""
    if _STATE.received is not None and _STATE.worker:
        raise Interrupted(_STATE.received)
    _STATE.busy += 1
    try:
        yield
    finally:
        _STATE.busy -= 1


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A critical section: a stopping signal that arrives inside waits until :func:`check` or the end."""
    _STATE.deferring += 1
    try:
        yield
    finally:
        _STATE.deferring -= 1
        if not _STATE.deferring and _STATE.pending is not None:
            signum, _STATE.pending = _STATE.pending, None
            _raise(signum)


def check() -> None:
    """Raise the signal that arrived inside :func:`deferred`, if any (call it before committing)."""
    if _STATE.pending is not None:
        signum, _STATE.pending = _STATE.pending, None
        _raise(signum)


# -- following make --------------------------------------------------------------------------------

#: Seconds between two looks at the parent ``make``.
WATCH_EVERY = 0.25


def follow_make() -> None:
    """Under ``make``, stop as on SIGTERM when make is stopped by a signal sent to it alone.

    Ctrl-C at a terminal or a terminal closing signals the whole foreground process group
    (make and this run); SIGTERM sent to make alone is forwarded to its recipe. But SIGINT or
    SIGHUP sent to the ``make`` process alone (``kill -HUP <make>``, a job-control tool) reach
    make only, which takes them to mean its children got them too: its handler resets the
    signal to its default action and waits for the recipe before dying of it, while the run
    carried on and published its piece. No recipe can change that, so the program watches its
    parent (a daemon thread, when ``MAKELEVEL`` is set and the parent is ``make``): once make no
    longer catches a stopping signal it caught when the run began (its handler is running), or
    once make is gone (``kill -9``), the run sends itself SIGTERM, the clean stop: kernels and
    browsers killed, nothing more published, one line. Linux shows another process's signal
    handling in ``/proc``; elsewhere only make's death is seen. Called by ``python -m analysis``
    only (never by a test running the command line in-process).
    """
    if "MAKELEVEL" not in os.environ or os.name != "posix":
        return
    parent = os.getppid()
    name = _read(f"/proc/{parent}/comm").strip()
    if name and name not in ("make", "gmake"):
        return  # a recipe's shell, a test runner...: not a make whose handler can be read
    caught = _caught(parent)
    threading.Thread(target=_watch_make, args=(parent, caught), name="follow-make", daemon=True).start()


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def _caught(pid: int) -> int | None:
    """The stopping signals (:data:`SIGNALS`) process ``pid`` has a handler for, as a bit mask;
    ``None`` where that cannot be read (no /proc, the process is gone)."""
    line = next((x for x in _read(f"/proc/{pid}/status").splitlines() if x.startswith("SigCgt:")), "")
    if not line:
        return None
    mask = sum(1 << (int(s) - 1) for s in SIGNALS)
    return int(line.split()[1], 16) & mask


def _watch_make(parent: int, caught: int | None) -> None:
    while True:
        time.sleep(WATCH_EVERY)
        if os.getppid() != parent:
            break  # make is gone
        now = _caught(parent)
        if caught is not None and (now is None or caught & ~now):
            break  # make's handler for a stopping signal has run: make is stopping
    os.kill(os.getpid(), signal.SIGTERM)


# -- stopping a pool of workers -----------------------------------------------------------------


def _children(pids: set[int]) -> set[int]:
    """Processes whose parent is one of ``pids`` (from /proc; empty where there is none)."""
    found = set()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) in pids:
            found.add(int(entry))
    return found


def _kill_tree(pid: int) -> None:
    """SIGKILL ``pid``, the processes it started and their process groups (kernels, Chromium)."""
    children = _children({pid})
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    for child in children:
        with contextlib.suppress(OSError):
            group = os.getpgid(child)
            if group == child:  # a group of its own (a kernel's session, Chromium's group): with its helpers
                os.killpg(group, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(child, signal.SIGKILL)


def stop_pool(pool, *, grace: float = GRACE) -> None:
    """Stop a :class:`~concurrent.futures.ProcessPoolExecutor` now: nothing queued starts, each
    worker is sent SIGTERM (it abandons its piece, cleans up and exits), and a worker still
    alive after ``grace`` seconds is killed along with the kernels and browsers it started."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            if process.is_alive():
                os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(ValueError):
            process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        with contextlib.suppress(ValueError):
            if process.is_alive():
                _kill_tree(process.pid)
                process.join(5)
