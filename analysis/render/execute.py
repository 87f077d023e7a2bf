"""Execute a parameterized notebook with papermill (in this process, on our kernel)."""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import nbformat
from papermill.engines import papermill_engines  # first: papermill loads .engine through its entry point

from analysis.errors import OutOfMemory, RenderError, oom_kills, out_of_memory
from analysis.render.engine import INJECTED_ID, TAKEN, MomentumEngine, put_back  # noqa: F401 (INJECTED_ID: the API)
from analysis.render.kernel import Kernel, ensure_kernel, kernel_manager_class

#: The papermill engine :func:`execute` uses (see :func:`_engine`).
ENGINE = "momentum"


def cell_timeout() -> float:
    """Seconds one cell may run before the execution is abandoned: ``$MOMENTUM_CELL_TIMEOUT`` (default 300)."""
    from analysis import params

    return params.seconds("MOMENTUM_CELL_TIMEOUT")


def check_notebook(path: Path) -> None:
    """Raise :class:`RenderError` unless ``path`` is a readable notebook (before a kernel starts)."""
    from nbformat.reader import NotJSONError

    restore = _restore_hint(path)
    if Path(path).exists() and not Path(path).is_file():  # a folder, or a pipe that would block the read
        raise RenderError(f"the notebook {path} is not a regular file.", restore)
    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except FileNotFoundError:
        raise RenderError(f"the notebook {path} is missing.", restore) from None
    except OSError as exc:
        raise RenderError(f"the notebook {path} cannot be read: {exc.strerror or exc}.", restore) from None
    except (NotJSONError, nbformat.ValidationError, ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise RenderError(f"the notebook {path} is not a valid notebook ({reason}).", restore) from None


def _restore_hint(path: Path) -> str:
    from analysis.paths import PROJECT_DIR

    try:
        return f"Restore it with `git checkout -- {Path(path).resolve().relative_to(PROJECT_DIR)}`."
    except ValueError:
        return "Give the path of a Jupyter notebook (nbformat 4)."


def execute(
    notebook: Path, output: Path, parameters: dict, *, cwd: Path | None = None, kernel: Kernel | None = None
) -> nbformat.NotebookNode:
    """Run ``notebook`` with ``parameters`` (only through papermill) and write it to ``output``.

    Without ``kernel``, papermill starts a fresh kernel and shuts it down afterwards. With a
    :class:`~analysis.render.kernel.Kernel` (a batch worker's), the notebook runs on that
    kept-alive kernel in a fresh session; after any failure the kernel is replaced.

    Raises :class:`RenderError` naming the failing cell (number, first line, error) when a
    cell raises, and saying so when the kernel dies or a cell times out; ``output`` then
    holds the partly executed notebook for debugging.
    """
    import papermill as pm

    timeout = cell_timeout()
    check_notebook(notebook)
    name = _kernel_name()
    cwd = cwd or notebook.parent
    session = kernel.session(cwd) if kernel is not None else contextlib.nullcontext()
    with _failures_explained(notebook, timeout), session as km, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        how = {"km": km} if km is not None else {"kernel_manager_class": kernel_manager_class()}
        try:
            nb = pm.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                kernel_name=name,
                engine_name=_engine(),
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
                cwd=str(cwd),
                **how,
            )
        finally:
            taken = TAKEN.pop(str(output), [])
        put_back(taken)  # the file is written without them; the notebook in memory keeps them
    return nb


def _kernel_name() -> str:
    """The project's kernel, registered if need be (:func:`~analysis.render.kernel.ensure_kernel`);
    :class:`RenderError` when it cannot be."""
    try:
        return ensure_kernel()
    except OSError as exc:
        raise RenderError(
            f"cannot register the Jupyter kernel: {exc}.",
            "Make the environment's share/jupyter folder (or .cache/ in the project) writable.",
        ) from None


@contextlib.contextmanager
def _failures_explained(notebook: Path, timeout: float) -> Iterator[None]:
    """A failed execution of ``notebook`` as a :class:`RenderError`: the cell that raised (its
    number, first line and error), a kernel that died, a cell that ran longer than ``timeout`` s."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    killed_before = oom_kills()
    try:
        yield
    except PapermillExecutionError as exc:
        first = next((line for line in exc.source.splitlines() if line.strip()), "")
        ename, evalue = (_one_line(str(x)[:1000]) for x in (exc.ename, exc.evalue))  # "Bad\nName", a NUL, 5 MB
        long = len(evalue) > 300 or len(str(exc.evalue)) > 1000
        said = f": {evalue[:300] + ('...' if long else '')}" if evalue else " (with no message)"
        raise RenderError(
            f"notebook {notebook.name}: cell {exc.exec_count} (`{_printable(first)[:80]}`) raised {ename}{said}",
            _files_hint(),  # a kernel that started under a tight ulimit -n fails its first import or socket
        ) from None
    except DeadKernelError as exc:
        if oom_kills() > killed_before:  # the kernel, stopped by the out-of-memory killer of a control group
            raise OutOfMemory(f"notebook {notebook.name}: the kernel was stopped: {out_of_memory()}") from None
        raise RenderError(
            f"notebook {notebook.name}: the kernel died while running ({exc}).", _files_hint() or _died_hint()
        ) from None
    except RuntimeError as exc:  # jupyter_client: "Kernel died before replying to kernel_info"
        if "kernel" not in str(exc).lower():
            raise
        raise RenderError(f"notebook {notebook.name}: the kernel died as it started ({exc}).", _start_hint()) from None
    except CellTimeoutError:  # under a tight ulimit -n a kernel may wait on a socket it cannot open
        raise RenderError(
            f"notebook {notebook.name}: a cell ran longer than {timeout:g} s.",
            _files_hint() or "Set MOMENTUM_CELL_TIMEOUT higher if the machine is slow, e.g. MOMENTUM_CELL_TIMEOUT=10m.",
        ) from None
    except Exception as exc:  # under a tight ulimit -n the kernel's sockets fail in any way ("Invalid Signature")
        if (
            isinstance(exc, RenderError)
            or (isinstance(exc, OSError) and exc.errno != errno.EMFILE)
            or not _files_hint()
        ):
            raise
        said = _one_line(f"{type(exc).__name__}: {exc}")[:200]
        raise RenderError(
            f"notebook {notebook.name}: the kernel's connection failed ({said}).", _files_hint()
        ) from None


def _one_line(text: object) -> str:
    """``text`` on one line of printable characters: whitespace runs as one space, a control character escaped."""
    return _printable(" ".join(str(text).split()))


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _died_hint() -> str:
    """Why a kernel may have died mid-run: the CPU-time limit it inherited when there is one (it sends
    SIGXCPU, then SIGKILL), else memory (:func:`analysis.errors.out_of_memory`, naming a ``ulimit -v``)."""
    import resource

    seconds = resource.getrlimit(resource.RLIMIT_CPU)[0]
    if seconds != resource.RLIM_INFINITY and seconds >= 0:
        return (
            f"Each process of the run may compute for at most {seconds} s (ulimit -t), and the kernel inherits it:"
            " raise the limit (ulimit -t unlimited, or the service's LimitCPU) and run again."
        )
    return f"It may have run {out_of_memory()}"


def _start_hint() -> str:
    """What to do about a kernel that dies as it starts: the open-file limit when it is tight, else its own log."""
    return _files_hint() or "Run again with MOMENTUM_DEBUG_KERNEL=1 to see the kernel's own error."


def _files_hint() -> str:
    """The open-file limit when it is too tight for a kernel (its sockets, modules and matplotlib's fonts), else ""."""
    import resource

    files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if 0 <= files < 256:
        return f"The limit on open files is {files} (ulimit -n): raise it, e.g. ulimit -n 1024, and run again."
    return ""


class _SaidAgain:
    """A logging filter: nbclient logs "Timeout waiting for execute reply", "Kernel died
    while waiting for execute reply." and "Error occurred while starting new kernel client ..."
    through papermill's logger (on stderr, beside our own one-line error, which says the same
    and what to do)."""

    SAID = (
        "Timeout waiting for execute reply",
        "Kernel died while waiting for execute reply",
        "Error occurred while starting new kernel client",
        # the runner injects every knob of the table; a notebook declares those it uses and hands the
        # others on (analysis.params.parameters): they are expected, not a mistake to warn about
        "Passed unknown parameter",
    )

    @staticmethod
    def filter(record) -> bool:
        return not str(record.getMessage()).startswith(_SaidAgain.SAID)


@functools.cache
def _engine() -> str:
    """The name of :class:`~analysis.render.engine.MomentumEngine` in papermill's registry
    (registered here if the entry point was not installed, e.g. a source tree on
    ``PYTHONPATH``); nbclient's time-out and dead-kernel log lines are filtered out (:class:`_SaidAgain`)."""
    papermill_engines.register(ENGINE, MomentumEngine)  # a dict entry: the same class again is harmless
    logging.getLogger("papermill").addFilter(_SaidAgain())
    return ENGINE


def stderr_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """Text that cells wrote to stderr (warnings, logs): should be empty in a clean run."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append(f"cell {i}: {out.get('text', '').strip()[:300]}")
            if out.get("output_type") == "error":
                found.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
    return found


def tagged_output(nb: nbformat.NotebookNode, tag: str, mime: str) -> object | None:
    """The first output carrying ``mime`` of the first cell tagged ``tag`` (the brief's chart), or ``None``."""
    for cell in nb.cells:
        if tag in cell.get("metadata", {}).get("tags", []):
            for out in cell.get("outputs", []):
                if mime in out.get("data", {}):
                    return out["data"][mime]
    return None


def find_output(nb: nbformat.NotebookNode, mime: str) -> object | None:
    """The first display output carrying ``mime`` (e.g. the JSON summary), or ``None``."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if mime in data:
                return data[mime]
    return None
