"""The papermill engine of this project: nbclient's, writing the output notebook once, at the end.

papermill finds it through its documented extension point, the ``papermill.engine`` entry
point (``pyproject.toml``), and :func:`analysis.render.execute._engine` registers it too
for a source tree run without installing. papermill imports this module while it imports
``papermill.engines`` (entry points load then), so import papermill before this module,
as :mod:`analysis.render.execute` does.
"""

from __future__ import annotations

from papermill.engines import NBClientEngine, NotebookExecutionManager


class WriteAtEnd(NotebookExecutionManager):
    """papermill's execution manager, saving the output notebook only once execution has ended.

    papermill rewrites the output notebook at every cell's start and end, so that someone
    can watch it fill; for a piece that is some fifty serializations (and validations) of a
    notebook growing to 3 MB of embedded charts, about 1.4 CPU-seconds, for a staging copy
    nobody watches. papermill's final save runs in a ``finally`` (success, cell error, dead
    kernel, time-out or Ctrl-C alike), so the notebook written, and the one kept in
    ``reports/_failed/``, is the same.
    """

    def save(self, **kwargs) -> None:
        if self.end_time is not None:  # set by notebook_complete, just before its final save
            super().save(**kwargs)


class MomentumEngine(NBClientEngine):
    """papermill's nbclient engine with :class:`WriteAtEnd` as its manager.

    Registered through papermill's documented extension point, the ``papermill.engine``
    entry point (``pyproject.toml``), and by :func:`_engine` for a source tree run without
    installing. :meth:`execute_notebook` is papermill 2.x's ``Engine.execute_notebook`` with
    the manager swapped: that is why ``pyproject.toml`` bounds papermill below 2.8.
    """

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                         autosave_cell_every=30, **kwargs):
        nb_man = WriteAtEnd(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                            autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb
