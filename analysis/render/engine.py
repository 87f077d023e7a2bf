"""The papermill engine of this project: nbclient's, writing the output notebook once, without the clock.

papermill finds it through its documented extension point, the ``papermill.engine`` entry
point (``pyproject.toml``), and :func:`analysis.render.execute._engine` registers it too
for a source tree run without installing. papermill imports this module while it imports
``papermill.engines`` (entry points load then), so import papermill before this module,
as :mod:`analysis.render.execute` does.

Reproducible notebooks: the injected-parameters cell gets a fixed id (:data:`INJECTED_ID`)
and every write leaves the clock out (:func:`take_run_times`), so two runs with the same
inputs write the same bytes; the notebook in memory keeps its times (:data:`TAKEN`,
:func:`put_back`, used by :func:`analysis.render.execute.execute`).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import nbformat
from papermill.engines import NBClientEngine, NotebookExecutionManager

#: The id of papermill's injected-parameters cell (papermill draws a random one per run).
INJECTED_ID = "injected-parameters"
#: Per-run metadata left out of the written notebook, so that two runs with the same inputs
#: write the same bytes: papermill's clock times, nbclient's message times.
_RUN_TIMES = ("start_time", "end_time", "duration")
#: Run times taken out of a notebook before papermill writes it, by output path.
TAKEN: dict[str, list] = {}


def put_back(saved: list) -> None:
    """Restore what :func:`take_run_times` took."""
    for mapping, key, value in saved:
        mapping[key] = value


@contextlib.contextmanager
def without_run_times(nb: nbformat.NotebookNode):
    """``nb`` without its run times (:func:`take_run_times`) for the duration of the block."""
    saved = take_run_times(nb)
    try:
        yield
    finally:
        put_back(saved)


def take_run_times(nb: nbformat.NotebookNode) -> list:
    """Take the clock out of ``nb``: papermill's start/end times and durations (notebook and
    cells), nbclient's per-message times, the staging folder's path (replaced by the file's
    name). Returns what was taken, for :func:`put_back`: two runs with the same inputs then
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


class WriteAtEnd(NotebookExecutionManager):
    """papermill's execution manager, saving the output notebook only when papermill will not.

    papermill rewrites the output notebook at every cell's start and end, so that someone
    can watch it fill; for a piece that is some fifty serializations (and validations) of a
    notebook growing to 3 MB of embedded charts, about 1.4 CPU-seconds, for a staging copy
    nobody watches. papermill writes the finished notebook itself when the engine returns
    (success, or a cell error); this manager adds one write where papermill does not, when the
    execution raised (dead kernel, time-out, Ctrl-C: ``failed``), so that the notebook kept in
    ``reports/_failed/`` is there in every case. That write leaves the clock out.
    """

    failed = False

    def save(self, **kwargs) -> None:
        # end_time is set by notebook_complete, just before its final save.
        if self.end_time is not None and self.failed:
            with without_run_times(self.nb):
                super().save(**kwargs)


class MomentumEngine(NBClientEngine):
    """papermill's nbclient engine with :class:`WriteAtEnd` as its manager.

    Registered through papermill's documented extension point, the ``papermill.engine``
    entry point (``pyproject.toml``), and by :func:`_engine` for a source tree run without
    installing. :meth:`execute_notebook` is papermill 2.x's ``Engine.execute_notebook`` with
    the manager swapped, a fixed id for the injected-parameters cell and the run times taken
    out before papermill's own final write (into :data:`TAKEN`): that is why
    ``pyproject.toml`` bounds papermill below 2.8.
    """

    @classmethod
    def execute_notebook(
        cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False, autosave_cell_every=30, **kwargs
    ):
        for cell in nb.cells:  # the same id every run (papermill draws one at random)
            if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
                cell["id"] = INJECTED_ID
        nb_man = WriteAtEnd(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
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
            TAKEN[str(output_path)] = take_run_times(nb_man.nb)
        return nb_man.nb
