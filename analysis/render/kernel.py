"""The Jupyter kernel papermill runs: registered from this interpreter, never a user-wide one.

The kernelspec lives in ``<sys.prefix>/share/jupyter/kernels/<name>`` (in the project's
``.venv`` for ``make``, in the conda env for conda users) and that directory is put first on
``JUPYTER_PATH`` for this process, so a same-named kernel elsewhere cannot shadow it.

A single piece lets papermill start and stop its own kernel. A batch worker holds a
:class:`Kernel` instead: one kernel process kept alive across its pieces, reset to a fresh
session before each (see the class).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from analysis.errors import RenderError
from analysis.paths import KERNEL_NAME, LAB_KERNEL_DISPLAY, LAB_KERNEL_NAME, PROJECT_DIR


def _data_dirs() -> list[Path]:
    return [Path(sys.prefix) / "share" / "jupyter", PROJECT_DIR / ".cache" / "jupyter"]


#: What JupyterLab's launcher and kernel menu call each kernel.
DISPLAY_NAMES = {
    KERNEL_NAME: "Python (momentum-report)",
    LAB_KERNEL_NAME: LAB_KERNEL_DISPLAY,
}


def _spec(name: str) -> dict:
    return {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": DISPLAY_NAMES.get(name, f"Python ({name})"),
        "language": "python",
        "metadata": {"debugger": True},
        "env": {"PYTHONWARNINGS": "ignore::DeprecationWarning"},
    }


#: Folders of the kernel's own, in the project's ``.cache``: matplotlib's configuration and
#: font cache (``MPLCONFIGDIR``) and IPython's profile (``IPYTHONDIR``).
PRIVATE_DIRS = {"MPLCONFIGDIR": "matplotlib", "IPYTHONDIR": "ipython"}


def private_dirs(base: Path = PROJECT_DIR / ".cache" / "kernel") -> dict[str, str]:
    """``MPLCONFIGDIR`` and ``IPYTHONDIR`` for this process and the kernels it starts: fixed
    folders under ``base``, made if need be; ``{}`` if they cannot be made or written.

    By default both live under ``$HOME``. Where it cannot be written (``HOME=/proc/nonexistent``,
    a service account), matplotlib made a random ``/tmp/matplotlib-XXXX`` folder in every kernel
    and wrote a warning naming it into the notebook (and the HTML), IPython warned on stderr,
    and no two pieces were the same bytes. With folders of its own the kernel also reads no
    user's ``matplotlibrc`` or IPython start-up files: a piece looks the same for everyone.
    """
    found = {}
    for variable, name in PRIVATE_DIRS.items():
        folder = base / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return {}
        if not os.access(folder, os.W_OK | os.X_OK):
            return {}
        found[variable] = str(folder)
    return found


def _project_first() -> None:
    """With a ``PYTHONPATH`` set, put the project's folder first on it, for the kernels this process
    starts: a folder on it holding another ``analysis`` package reached the kernel (started in
    ``notebooks/``) before the project's own (the ninth hostile pass). Without one, nothing changes."""
    found = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    root = str(PROJECT_DIR)
    if found and found[0] != root:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *(p for p in found if p != root)])


def ensure_kernel(name: str = KERNEL_NAME) -> str:
    """Make sure kernelspec ``name`` runs *this* interpreter; returns ``name``.

    Writes the spec if it is missing or points elsewhere (first writable data dir of
    :func:`_data_dirs`), and prepends that data dir to ``JUPYTER_PATH``. Sets the kernel's
    private folders (:func:`private_dirs`) in this process's environment, which kernels inherit.
    """
    os.environ.update(private_dirs())
    _project_first()
    wanted = _spec(name)
    for base in _data_dirs():
        spec_file = base / "kernels" / name / "kernel.json"
        try:
            current = json.loads(spec_file.read_text()) if spec_file.is_file() else None
            if current != wanted:
                spec_file.parent.mkdir(parents=True, exist_ok=True)
                spec_file.write_text(json.dumps(wanted, indent=1))
        except OSError:
            continue
        paths = [str(base)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != str(base)]
        os.environ["JUPYTER_PATH"] = os.pathsep.join(paths)
        return name
    raise OSError(f"cannot write a kernelspec for {name} under {', '.join(map(str, _data_dirs()))}")


def kernel_manager_class():
    """A kernel manager whose kernel talks over IPC (Unix sockets in a private temp dir).

    No TCP port is opened (nothing on the network, even on loopback) and ipykernel's
    "running over TCP without encryption" warning is not printed on every run. What the
    kernel process writes to stderr is discarded unless ``MOMENTUM_DEBUG_KERNEL`` is set:
    errors inside cells reach the notebook and the runner's message anyway. Its clients are
    :class:`~analysis.render.ready.ReadyClient` (ready without 0.2 s of silence first).
    """
    import shutil
    import subprocess
    import tempfile

    from jupyter_client.manager import AsyncKernelManager
    from traitlets import Type

    from analysis.render.ready import ReadyClient

    class ReadyKernelManager(AsyncKernelManager):
        # ready when the kernel has answered, without jupyter_client's 0.2 s of IOPub silence
        client_factory = Type(ReadyClient, klass=ReadyClient)

    if os.name != "posix":
        return ReadyKernelManager

    class IPCKernelManager(ReadyKernelManager):
        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            self._ipc_dir = tempfile.mkdtemp(prefix="momentum-kernel-")
            too_long(self._ipc_dir)
            self.transport = "ipc"
            self.ip = os.path.join(self._ipc_dir, "k")

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
            # The kernel's own log lines (start-up chatter, or noise while it is shut down
            # after Ctrl-C) stay off the user's terminal; MOMENTUM_DEBUG_KERNEL=1 shows them.
            if not os.environ.get("MOMENTUM_DEBUG_KERNEL"):
                kw.setdefault("stderr", subprocess.DEVNULL)
            try:
                await super()._async_launch_kernel(kernel_cmd, **kw)
            except OSError as exc:  # its interpreter could not be run: not the reports folder's fault
                raise cannot_launch(exc, kernel_cmd[0]) from None

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart)
            if not restart:
                shutil.rmtree(self._ipc_dir, ignore_errors=True)

    return IPCKernelManager


def cannot_launch(exc: OSError, program: str) -> RenderError:
    """The one line for a kernel whose interpreter could not be started (``exec`` failed)."""
    import errno

    fix = {
        errno.EACCES: "This user may not run it (its mode, a folder above it this user cannot enter, a noexec"
        " mount): run as the user who made the environment, or rebuild it where this user can (make setup).",
        errno.EAGAIN: "Too many processes are running for this user (ulimit -u): raise the limit, or run fewer"
        " JOBS, and run again.",
        errno.ENOENT: "The environment is incomplete: rebuild it (rm -rf .venv; make setup).",
    }.get(exc.errno or 0, "Run again with MOMENTUM_DEBUG_KERNEL=1 to see why.")
    return RenderError(f"the Jupyter kernel could not be started: cannot run {program}: {exc.strerror or exc}.", fix)


#: The longest path a Unix socket may have (108 bytes with its NUL on Linux, 104 on macOS), less the
#: kernel's own ``/k-<port>`` after its folder.
SOCKET_PATH_MAX = 103 - len("/k-65535")


def too_long(folder: str) -> None:
    """:class:`RenderError` (and ``folder`` removed) when the kernel's sockets in ``folder`` would have
    too long a path: a deep TMPDIR made zmq's "File name too long" traceback."""
    if len(os.fsencode(folder)) > SOCKET_PATH_MAX:
        os.rmdir(folder)
        raise RenderError(
            f"TMPDIR ({os.path.dirname(folder)}) is too long a path for the kernel's sockets (a Unix socket's"
            " path holds at most 107 bytes).",
            "Set TMPDIR to a shorter folder, e.g. TMPDIR=/tmp, then run the report again.",
        )


#: Every kernel keeps its IPython history in memory, as nbclient starts them: no SQLite file
#: shared (and locked) between worker processes.
HISTORY_IN_MEMORY = "--HistoryManager.hist_file=:memory:"
#: Seconds a kernel may take to start and answer, and a namespace reset to finish.
START_TIMEOUT = 60
RESET_TIMEOUT = 30

#: Run (silently, out of the history) in a kept kernel before each piece after its first: the
#: state a fresh kernel would start the piece in. ``reset(new_session=True)`` empties the
#: namespace and restarts the execution counts at 1; the working directory is the piece's;
#: resetting the warning filters to themselves forgets which warnings were already shown
#: (each module's registry is versioned by the filters), so a warning appears in every piece
#: that triggers it, as with a fresh kernel. Imported modules stay: that is the saving.
#: What survives the reset is the kernel's own: modules, their caches. It is collected (the
#: reset's display hook collects before the namespace is emptied, so the last piece's cycles
#: are still there), then ``gc.freeze()`` moves it out of the collector's sight, so the next
#: piece's collections, and the next reset's, walk that piece's objects only (a full
#: collection of the warm kernel's heap took 0.1 CPU-s; about 0.1 CPU-s a piece saved).
_FRESH_SESSION = """\
def __momentum_fresh_session(cwd):
    import gc, os, warnings
    get_ipython().reset(new_session=True, aggressive=False)
    os.chdir(cwd)
    filters = warnings.filters[:]
    warnings.resetwarnings()
    warnings.filters[:] = filters
    warnings.onceregistry.clear()
    gc.collect()
    gc.freeze()
__momentum_fresh_session({cwd!r})
"""


class Kernel:
    """One kernel kept alive across the pieces a worker writes, in a fresh session for each.

    Pass it to :func:`analysis.render.execute.execute` (``kernel=``): the first piece starts
    the kernel (our kernelspec, IPC sockets, in-memory history: what papermill would start);
    each later piece runs on the same process after :data:`_FRESH_SESSION` (empty namespace,
    execution counts from 1, the piece's working directory, warnings shown afresh). What a
    piece saves is the kernel's start and stop and the imports its first cell repeats.
    Imported modules keep their module-level state: caches of immutable inputs (the bundled
    snapshot's reader, :mod:`analysis.view.charts.memo`, keyed on everything a chart reads) are
    meant to carry over; a notebook that changed global library state outside a context
    (e.g. ``matplotlib.rcParams``) would carry that over too, which the piece's notebook
    does not (tests compare a kept kernel's files with a fresh one's).

    A kernel is never reused after anything went wrong in it: a cell error, a dead kernel, a
    time-out, Ctrl-C or a failed reset each shut it down, and the next piece starts a new
    one. Nor when this process's environment has changed since it started (a fresh kernel
    would inherit the new one, e.g. another ``MOMENTUM_CACHE_DIR``). Not thread-safe: one per
    thread. :meth:`close` (or ``with Kernel() as kernel:``) shuts it down.
    """

    def __init__(self, name: str = KERNEL_NAME) -> None:
        self.name = name
        self.started = 0  # kernels started so far
        self.pieces = 0  # pieces run on the current kernel
        self._km = None
        self._env: dict[str, str] = {}

    @property
    def pid(self) -> int | None:
        """The process id of the current kernel, ``None`` when none is running."""
        return getattr(self._km.provisioner, "pid", None) if self._km is not None and self._km.provisioner else None

    @contextlib.contextmanager
    def session(self, cwd: Path) -> Iterator:
        """A started kernel manager in a fresh session, for papermill's ``km=``.

        On leaving, the clients papermill opened on it are closed; if the block raised, the
        kernel is shut down (the next session starts a new one).
        """
        km = self._ready(Path(cwd))
        clean = False
        try:
            yield km
            clean = True
        except BaseException as exc:
            if not isinstance(exc, Exception):  # Ctrl-C (or exit) stopped the event loop mid-step
                _cancel_interrupted_tasks()
            raise
        finally:
            for client in km.clients:
                client.stop_channels()
            km.clients.clear()
            if clean:
                self.pieces += 1
            else:
                self.close(now=True)

    def _ready(self, cwd: Path):
        from jupyter_core.utils import run_sync

        km = self._km
        if km is not None and (dict(os.environ) != self._env or not run_sync(km.is_alive)()):
            self.close(now=True)
            km = None
        if km is not None and self.pieces:
            try:
                self._fresh_session(km, cwd)
            except (RuntimeError, TimeoutError):
                self.close(now=True)  # a kernel that cannot be reset is replaced, never reused
                km = None
        return km if km is not None else self._start(cwd)

    def _start(self, cwd: Path):
        from jupyter_core.utils import run_sync

        ensure_kernel(self.name)
        km = _kept_manager_class()(kernel_name=self.name)
        run_sync(km.start_kernel)(extra_arguments=[HISTORY_IN_MEMORY], cwd=str(cwd))
        self._km, self._env, self.pieces = km, dict(os.environ), 0
        self.started += 1
        client = km.client()
        try:
            client.start_channels()
            run_sync(client.wait_for_ready)(timeout=START_TIMEOUT)
        except RuntimeError as exc:
            self.close(now=True)
            raise RenderError(
                f"the Jupyter kernel {self.name} did not become ready ({exc}).",
                "Run MOMENTUM_DEBUG_KERNEL=1 make report to see its start-up errors.",
            ) from None
        finally:
            client.stop_channels()
            km.clients.clear()
        return km

    @staticmethod
    def _fresh_session(km, cwd: Path) -> None:
        from jupyter_core.utils import run_sync

        client = km.client()
        try:
            client.start_channels()
            reply = run_sync(client.execute_interactive)(
                _FRESH_SESSION.format(cwd=str(cwd)), silent=True, timeout=RESET_TIMEOUT, output_hook=lambda msg: None
            )
        finally:
            client.stop_channels()
            km.clients.clear()
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"resetting the kernel failed: {reply['content'].get('evalue', '')}")

    def close(self, *, now: bool = False) -> None:
        """Shut the kernel down (``now``: kill it rather than ask it to exit); a no-op without one."""
        from jupyter_core.utils import run_sync

        km, self._km, self.pieces = self._km, None, 0
        if km is None:
            return
        try:
            run_sync(km.shutdown_kernel)(now=now)
        except RuntimeError as exc:  # as nbclient: a kernel that is already gone is fine
            if "No kernel is running" not in str(exc):
                raise

    def __enter__(self) -> Kernel:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _cancel_interrupted_tasks() -> None:
    """Cancel the coroutines a Ctrl-C left pending on this thread's event loop.

    KeyboardInterrupt leaves nbclient's cell-execution coroutines suspended on the loop that
    papermill runs them on; shutting the kernel down runs that loop again, they would wake
    up, find the kernel gone and log "Task exception was never retrieved" tracebacks.
    """
    import asyncio

    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


def _kept_manager_class():
    """:func:`kernel_manager_class` that remembers the clients made on it (papermill makes
    one per piece and, on a kernel it does not own, leaves it open: its heartbeat thread
    and sockets would pile up across pieces), so :meth:`Kernel.session` can close them."""
    base = kernel_manager_class()

    class KeptKernelManager(base):
        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            self.clients: list = []

        def client(self, **kwargs):
            made = super().client(**kwargs)
            self.clients.append(made)
            return made

    return KeptKernelManager
