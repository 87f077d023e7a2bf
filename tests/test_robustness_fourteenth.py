"""Robustness, a fourteenth hostile pass (issue 29, "Done when"): families the thirteen earlier passes left alone.

Cases tried (command; what the README promises; what happened), by family. CASES_PLACEHOLDER
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import cache, kept
from analysis.render import export
from analysis.view.charts import memo

# -- 1. a stop the instant a temporary file is made, in the export and cache writers -------------------------


def _stopped_after_open(monkeypatch):
    """``os.open`` that makes the file and is then stopped (Ctrl-C's KeyboardInterrupt lands right after the
    system call, before the caller knows the temporary file's name)."""
    real = os.open

    def then_stopped(path, *args, **kwargs):
        fd = real(path, *args, **kwargs)
        if str(path).endswith(".tmp"):
            os.close(fd)
            raise KeyboardInterrupt
        return fd

    monkeypatch.setattr(os, "open", then_stopped)


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame({"close": [1.0, 2.0]}, index=pd.to_datetime(["2024-07-05", "2024-07-08"]))
    frame.index.name = "Date"
    return frame


def _through_export(folder: Path) -> None:
    export.write_csv(_frame(), folder / "iwm.csv")


def _through_cache(folder: Path) -> None:
    cache._atomic_write(folder / "IWM.csv", b"Date,Close\n")


def _through_kept(folder: Path) -> None:
    kept._keep(folder / "IWM.pickle", {"a": 1})


def _through_memo(folder: Path) -> None:
    from analysis.view.display import FigureOutput

    os.environ["MOMENTUM_CHART_CACHE_DIR"] = str(folder)
    try:
        memo._write("k" * 20, FigureOutput.from_png(b"\x89PNG", alt="a", caption="c"))
    finally:
        del os.environ["MOMENTUM_CHART_CACHE_DIR"]


WRITERS = {"export": _through_export, "cache": _through_cache, "kept": _through_kept, "memo": _through_memo}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_stop_the_instant_a_temporary_file_is_made_leaves_nothing(tmp_path, monkeypatch, writer):
    """Broke (step 1 of this pass, what the thirteenth noted): ``fd, tmp = tempfile.mkstemp(...)`` made the
    file before its name was known, so a stop there left ``.IWM.csv.*.tmp`` behind for ever."""
    folder = tmp_path / "out"
    folder.mkdir()
    _stopped_after_open(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        WRITERS[writer](folder)
    assert sorted(p.name for p in folder.rglob("*")) == []


def test_a_chart_kept_on_a_full_disk_leaves_no_temporary_file(tmp_path, monkeypatch):
    """Broke: the chart memo's ``_write`` caught the OSError of a full disk but left its ``.tmp`` file."""
    from analysis.view.display import FigureOutput

    real = os.fdopen

    class Full:
        def __init__(self, fd):
            self.out = real(fd, "wb")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.out.close()

        def write(self, data):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Full(fd))
    monkeypatch.setenv("MOMENTUM_CHART_CACHE_DIR", str(tmp_path))
    memo._write("k" * 20, FigureOutput.from_png(b"\x89PNG", alt="a", caption="c"))
    assert sorted(p.name for p in tmp_path.rglob("*")) == []
