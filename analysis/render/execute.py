"""Execute a parameterized notebook with papermill (in this process, on our kernel)."""

from __future__ import annotations

import contextlib
import functools
import os
import warnings
from pathlib import Path

import nbformat

from analysis.errors import RenderError
from analysis.render.kernel import Kernel, ensure_kernel, kernel_manager_class

#: Seconds one cell may run before the execution is abandoned.
CELL_TIMEOUT = int(os.environ.get("MOMENTUM_CELL_TIMEOUT", "300"))
#: The papermill engine :func:`execute` uses (see :func:`_engine`).
ENGINE = "momentum"


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

    name = ensure_kernel()
    cwd = cwd or notebook.parent
    session = kernel.session(cwd) if kernel is not None else contextlib.nullcontext()
    try:
        with session as km, warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            how = {"km": km} if km is not None else {"kernel_manager_class": kernel_manager_class()}
            nb = pm.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name=name,
                                     engine_name=_engine(), progress_bar=False, log_output=False,
                                     execution_timeout=CELL_TIMEOUT, cwd=str(cwd), **how)
    except PapermillExecutionError as exc:
        first = next((line for line in exc.source.splitlines() if line.strip()), "")
        raise RenderError(f"notebook {notebook.name}: cell {exc.exec_count} (`{first[:80]}`) raised"
                          f" {exc.ename}: {exc.evalue}") from None
    except DeadKernelError as exc:
        raise RenderError(f"notebook {notebook.name}: the kernel died while running ({exc}).",
                          "It may have run out of memory; try again.") from None
    except CellTimeoutError:
        raise RenderError(f"notebook {notebook.name}: a cell ran longer than {CELL_TIMEOUT} s.",
                          "Set MOMENTUM_CELL_TIMEOUT higher if the machine is slow.") from None
    return nb


@functools.cache
def _engine() -> str:
    """Register (once) and name papermill's nbclient engine, writing the output notebook once.

    papermill rewrites the output notebook at every cell's start and end, so that someone
    can watch it fill; for a piece that is some fifty serializations (and validations) of a
    notebook growing to 3 MB of embedded charts, about 1.4 CPU-seconds, for a staging copy
    nobody watches. This engine writes it when execution ends, which papermill does in a
    ``finally`` (success, cell error, dead kernel, time-out or Ctrl-C alike), so the
    notebook written, and the one kept in ``reports/_failed/``, is the same.
    """
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class WriteAtEnd(NotebookExecutionManager):
        def save(self, **kwargs) -> None:
            if self.end_time is not None:  # set by notebook_complete, just before its final save
                super().save(**kwargs)

    class Engine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                             autosave_cell_every=30, **kwargs):
            # papermill 2.x's Engine.execute_notebook, with the manager above.
            nb_man = WriteAtEnd(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                                autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(ENGINE, Engine)
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


def find_output(nb: nbformat.NotebookNode, mime: str) -> object | None:
    """The first display output carrying ``mime`` (e.g. the JSON summary), or ``None``."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if mime in data:
                return data[mime]
    return None
