"""Execute a parameterized notebook with papermill (in this process, on our kernel)."""

from __future__ import annotations

import contextlib
import functools
import os
import warnings
from pathlib import Path

import nbformat
from papermill.engines import papermill_engines  # first: papermill loads .engine through its entry point

from analysis.errors import RenderError
from analysis.render.engine import MomentumEngine
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
    """The name of :class:`MomentumEngine` in papermill's registry (registered here if the
    entry point was not installed, e.g. a source tree on ``PYTHONPATH``)."""
    papermill_engines.register(ENGINE, MomentumEngine)  # a dict entry: the same class again is harmless
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
