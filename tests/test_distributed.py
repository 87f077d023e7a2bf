"""The optional Dask engine (``--engine dask``): the same pieces, written by Dask worker processes
on a local cluster. Skipped when Dask is not installed (``pip install '.[scale]'``)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys

import pytest

from analysis.pipeline import batch
from tests.conftest import AS_OF

needs_dask = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="Dask is an optional extra, not installed here: pip install '.[scale]'",
)


@needs_dask
@pytest.mark.slow
def test_a_local_dask_cluster_writes_the_pieces_and_isolates_a_bad_one(tmp_path, capsys):
    requests, _ = batch.plan(["IWM", "ZZZZ"], "SPY", AS_OF, "snapshot")
    result = batch.run_batch(requests, tmp_path, jobs=2, engine="dask", pdf=False)
    iwm, bad = result.outcomes
    assert result.engine == "dask" and result.exit_code == 1
    assert iwm.ok and iwm.pid not in (0, os.getpid())  # written by a Dask worker process
    assert json.loads((tmp_path / AS_OF / "IWM.json").read_text())["phase"] == "warning"
    assert sorted(p.name for p in (tmp_path / AS_OF).iterdir()) == [
        "IWM.html",
        "IWM.ipynb",
        "IWM.json",
        "IWM.md",
        "IWM.png",
    ]
    assert bad.exit_code == 3 and "ZZZZ" in bad.error


def _bug(request, root, pdf):
    raise ZeroDivisionError("stand-in bug on a Dask worker")


@needs_dask
@pytest.mark.slow  # several seconds in one process: the whole suite (make check) runs it
def test_a_bug_on_a_dask_worker_is_reported_not_hidden(tmp_path, capsys):
    requests, _ = batch.plan(["IWM"], "SPY", AS_OF, "snapshot")
    result = batch.run_batch(requests, tmp_path, jobs=1, engine="dask", work=_bug)
    assert result.exit_code == 1 and "ZeroDivisionError" in result.outcomes[0].error
    assert "stand-in bug on a Dask worker" in capsys.readouterr().err


@needs_dask
def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    from analysis.errors import SourceUnavailable
    from analysis.pipeline import distributed

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", "1s")
    requests, _ = batch.plan(["IWM"], "SPY", AS_OF, "snapshot")
    with pytest.raises(SourceUnavailable, match="cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'"):
        batch.run_batch(requests, tmp_path, engine="dask", scheduler="tcp://127.0.0.1:9")


def test_without_dask_the_engine_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # makes `import dask.distributed` fail
    requests, _ = batch.plan(["IWM"], "SPY", AS_OF, "snapshot")
    with pytest.raises(batch.InputError, match=r"needs Dask.*pip install 'momentum-report\[scale\]'"):
        batch.run_batch(requests, tmp_path, engine="dask")


class _MemoryStore:
    """A stand-in object store for papermill's I/O registry, registered the way s3:// is."""

    blobs: dict[str, str] = {}

    @classmethod
    def read(cls, path):
        return cls.blobs[path]

    @classmethod
    def write(cls, buf, path):
        cls.blobs[path] = buf

    @classmethod
    def listdir(cls, path):
        return [p for p in cls.blobs if p.startswith(path)]

    @classmethod
    def pretty_path(cls, path):
        return path


@pytest.mark.slow
def test_papermill_reads_and_writes_notebooks_through_a_registered_storage_scheme(monkeypatch):
    """docs/scaling.md's object-storage recipe relies on papermill's I/O handlers (s3://, gs://,
    abs://...): a notebook read from and written to a URL. Here the store is in memory (no
    network on this machine); the handler protocol and the papermill call are the real ones."""
    import nbformat
    import papermill as pm
    from papermill.iorw import papermill_io

    from analysis.render.kernel import ensure_kernel, kernel_manager_class

    monkeypatch.setattr(papermill_io, "_handlers", list(papermill_io._handlers))
    papermill_io.register("mem://", _MemoryStore)
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("print(x * 7)"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": ensure_kernel(), "display_name": "Python", "language": "python"}
    _MemoryStore.blobs = {"mem://bucket/in/one.ipynb": nbformat.writes(nb)}
    pm.execute_notebook(
        "mem://bucket/in/one.ipynb",
        "mem://bucket/runs/2024-07-08/one.ipynb",
        parameters={"x": 6},
        kernel_name=ensure_kernel(),
        kernel_manager_class=kernel_manager_class(),
        progress_bar=False,
    )
    out = nbformat.reads(_MemoryStore.blobs["mem://bucket/runs/2024-07-08/one.ipynb"], as_version=4)
    assert out.cells[-1].outputs[0]["text"] == "42\n"
