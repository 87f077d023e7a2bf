"""Execute a parameterized notebook with papermill (in this process, on our kernel)."""

from __future__ import annotations

import contextlib
import functools
import logging
import warnings
from pathlib import Path

import nbformat

from analysis.errors import RenderError
from analysis.render.kernel import Kernel, ensure_kernel, kernel_manager_class

#: The papermill engine :func:`execute` uses (see :func:`_engine`).
ENGINE = "momentum"
#: The id of papermill's injected-parameters cell (papermill draws a random one per run).
INJECTED_ID = "injected-parameters"
#: Per-run metadata left out of the written notebook, so that two runs with the same inputs
#: write the same bytes: papermill's clock times, nbclient's message times.
_RUN_TIMES = ("start_time", "end_time", "duration")


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


def execute(notebook: Path, output: Path, parameters: dict, *, cwd: Path | None = None,
            kernel: Kernel | None = None) -> nbformat.NotebookNode:
    """Run ``notebook`` with ``parameters`` (only through papermill) and write it to ``output``.

    Without ``kernel``, papermill starts a fresh kernel and shuts it down afterwards. With a
    :class:`~analysis.render.kernel.Kernel` (a batch worker's), the notebook runs on that
    kept-alive kernel in a fresh session; after any failure the kernel is replaced.

    Raises :class:`RenderError` naming the failing cell (number, first line, error) when a
    cell raises, and saying so when the kernel dies or a cell times out; ``output`` then
    holds the partly executed notebook for debugging.
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    timeout = cell_timeout()
    check_notebook(notebook)
    try:
        name = ensure_kernel()
    except OSError as exc:
        raise RenderError(f"cannot register the Jupyter kernel: {exc}.",
                          "Make the environment's share/jupyter folder (or .cache/ in the project) writable.") from None
    cwd = cwd or notebook.parent
    session = kernel.session(cwd) if kernel is not None else contextlib.nullcontext()
    try:
        with session as km, warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            how = {"km": km} if km is not None else {"kernel_manager_class": kernel_manager_class()}
            try:
                nb = pm.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name=name,
                                         engine_name=_engine(), progress_bar=False, log_output=False,
                                         execution_timeout=timeout, cwd=str(cwd), **how)
            finally:
                taken = _TAKEN.pop(str(output), [])
            _put_back(taken)  # the file is written without them; the notebook in memory keeps them
    except PapermillExecutionError as exc:
        first = next((line for line in exc.source.splitlines() if line.strip()), "")
        evalue = " ".join(str(exc.evalue).split())  # a multi-line message, on one line
        raise RenderError(f"notebook {notebook.name}: cell {exc.exec_count} (`{first[:80]}`) raised"
                          f" {exc.ename}: {evalue[:300] + ('...' if len(evalue) > 300 else '')}") from None
    except DeadKernelError as exc:
        raise RenderError(f"notebook {notebook.name}: the kernel died while running ({exc}).",
                          "It may have run out of memory; try again.") from None
    except CellTimeoutError:
        raise RenderError(f"notebook {notebook.name}: a cell ran longer than {timeout:g} s.",
                          "Set MOMENTUM_CELL_TIMEOUT higher if the machine is slow, e.g. MOMENTUM_CELL_TIMEOUT=10m.") from None
    return nb


class _TimeoutNoise:
    """A logging filter: nbclient logs "Timeout waiting for execute reply" through papermill's
    logger (on stderr, beside our own one-line error that says the same)."""

    @staticmethod
    def filter(record) -> bool:
        return not str(record.getMessage()).startswith("Timeout waiting for execute reply")


@functools.cache
def _engine() -> str:
    """Register (once) and name papermill's nbclient engine, writing the output notebook once.

    papermill rewrites the output notebook at every cell's start and end, so that someone
    can watch it fill; for a piece that is some fifty serializations (and validations) of a
    notebook growing to 3 MB of embedded charts, about 1.4 CPU-seconds, for a staging copy
    nobody watches. papermill writes the finished notebook itself when the engine returns
    (success, or a cell error); this engine adds one write where papermill does not, when the
    execution raised (dead kernel, time-out, Ctrl-C), so that the notebook kept in
    ``reports/_failed/`` is there in every case. Each write leaves the clock out
    (:func:`_take_run_times`) and the injected-parameters cell has a fixed id
    (:data:`INJECTED_ID`): the same inputs give the same bytes.
    """
    from papermill.engines import (
        NBClientEngine,
        NotebookExecutionManager,
        papermill_engines,
    )

    class WriteAtEnd(NotebookExecutionManager):
        failed = False

        def save(self, **kwargs) -> None:
            # end_time is set by notebook_complete, just before its final save. On success and
            # on a cell error papermill writes the notebook itself afterwards; only when the
            # execution raised (dead kernel, time-out, Ctrl-C) is this save the one copy.
            if self.end_time is not None and self.failed:
                with _without_run_times(self.nb):
                    super().save(**kwargs)

    class Engine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                             autosave_cell_every=30, **kwargs):
            # papermill 2.x's Engine.execute_notebook, with the manager above.
            for cell in nb.cells:  # the same id every run (papermill draws one at random)
                if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
                    cell["id"] = INJECTED_ID
            nb_man = WriteAtEnd(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                                autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            except BaseException:
                nb_man.failed = True
                raise
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
                # papermill's own final write must not carry the clock either: the times are
                # taken out here and put back into the notebook in memory by execute().
                _TAKEN[str(output_path)] = _take_run_times(nb_man.nb)
            return nb_man.nb

    papermill_engines.register(ENGINE, Engine)
    logging.getLogger("papermill").addFilter(_TimeoutNoise())
    return ENGINE


#: Run times taken out of a notebook before papermill writes it, by output path (see _engine).
_TAKEN: dict[str, list] = {}


def _put_back(saved: list) -> None:
    for mapping, key, value in saved:
        mapping[key] = value


@contextlib.contextmanager
def _without_run_times(nb: nbformat.NotebookNode):
    """``nb`` without its run times (:func:`_take_run_times`) for the duration of the block."""
    saved = _take_run_times(nb)
    try:
        yield
    finally:
        _put_back(saved)


def _take_run_times(nb: nbformat.NotebookNode) -> list:
    """Take the clock out of ``nb``: papermill's start/end times and durations (notebook and
    cells), nbclient's per-message times, the staging folder's path (replaced by the file's
    name). Returns what was taken, for :func:`_put_back`: two runs with the same inputs then
    write the same bytes, and the notebook in memory (``Result.notebook``) keeps its times."""
    saved = []

    def take(mapping: dict, key: str) -> None:
        if key in mapping:
            saved.append((mapping, key, mapping.pop(key)))

    papermill_meta = nb.metadata.get("papermill", {})
    for key in _RUN_TIMES:
        take(papermill_meta, key)
    if "output_path" in papermill_meta:
        saved.append((papermill_meta, "output_path", papermill_meta["output_path"]))
        papermill_meta["output_path"] = Path(papermill_meta["output_path"]).name
    for cell in nb.cells:
        for key in _RUN_TIMES:
            take(cell.metadata.get("papermill", {}), key)
        take(cell.metadata, "execution")
    return saved


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


def find_output(nb: nbformat.NotebookNode, mime: str) -> object | None:
    """The first display output carrying ``mime`` (e.g. the JSON summary), or ``None``."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if mime in data:
                return data[mime]
    return None
