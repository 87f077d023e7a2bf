"""Hostile cases of our own (issue 16, second part): each one found something in the code as
it was, and ends now, like the issue's cases, in one line naming the problem and the fix (or
in the quiet success that is the right answer), with nothing left behind.

Real faults throughout: a real closed pipe and /dev/full for stdout, real named pipes, real
files and folders in the way, a real read-only tmpfs for the kernelspec, a real timed-out
cell; the data and configuration are the bundled ones, copied before they are spoiled.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import cli
from analysis.data import snapshot
from analysis.errors import RenderError
from analysis.notebooks import NOTEBOOKS
from analysis.paths import COMMENTARY_NOTEBOOK, SNAPSHOT_DIR, cache_dir
from analysis.pipeline.report import Request, run
from tests import hostile
from tests.conftest import AS_OF, PROJECT_DIR

SUMMARY = ["summary", "--as-of", AS_OF, "--source", "snapshot"]


def cli_line(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    return code, hostile.one_line(capsys.readouterr().err)


# -- standard output that cannot be written ----------------------------------------------------


@pytest.mark.process
def test_a_reader_that_closes_the_pipe_ends_the_summary_quietly(tmp_path):
    """`make summary | head -c 0`: was a BrokenPipeError traceback; now silent, exit 141 (SIGPIPE)."""
    env = {**os.environ, "MOMENTUM_REPORTS_DIR": str(tmp_path / "r")}
    python = subprocess.Popen(
        [sys.executable, "-m", "analysis", *SUMMARY],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=PROJECT_DIR,
        preexec_fn=hostile.default_signals,
    )
    python.stdout.close()  # the reader is gone before the summary is written
    _, err = python.communicate(timeout=120)
    assert python.returncode == 141 and err == b""


@pytest.mark.process
def test_a_full_standard_output_is_one_line(tmp_path):
    """`make summary > /dev/full`: was an OSError traceback."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "analysis", *SUMMARY],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "MOMENTUM_REPORTS_DIR": str(tmp_path / "r")},
            cwd=PROJECT_DIR,
            timeout=120,
            check=False,
        )
    assert done.returncode == 1
    assert hostile.one_line(done.stderr) == (
        "error: could not write the summary to standard output: No space left on"
        " device. Send it somewhere with room, e.g. make summary > summary.json."
    )


# -- things in the way --------------------------------------------------------------------------


@pytest.mark.process
def test_a_named_pipe_among_the_summaries_does_not_hang_the_index(tmp_path):
    """A FIFO named like a summary (reports/<date>/X.json): `make index` blocked forever reading it."""
    root = tmp_path / "r"
    (root / AS_OF).mkdir(parents=True)
    os.mkfifo(root / AS_OF / "X.json")
    done = hostile.run_cli(root, "index", timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == f"wrote {root / 'index.html'} (0 pieces)"


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_a_config_override_that_is_not_a_file_is_refused_not_ignored(capsys, tmp_path, monkeypatch, kind):
    """MOMENTUM_CONFIG_DIR/family.toml as a folder or a named pipe was silently skipped (the
    bundled family was used instead)."""
    folder = tmp_path / "config"
    folder.mkdir()
    target = folder / "family.toml"
    target.mkdir() if kind == "folder" else os.mkfifo(target)
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(folder))
    code, line = cli_line(capsys, *SUMMARY)
    assert code == 2
    assert line == (
        f"error: configuration file {target} is not a regular file. Replace it with a TOML file (or"
        " remove it to use the bundled family.toml)."
    )


@pytest.mark.parametrize(
    "what, expected",
    [
        (
            ".staging",
            "error: cannot write to {root}/.staging: {root}/.staging is a file, not a folder. Move"
            " {root}/.staging away, or set MOMENTUM_REPORTS_DIR to a writable folder (or unset it for reports/"
            " in the project).",
        ),
        (
            ".locks/2024-07-08_IWM.lock",
            "error: cannot write {root}/.locks/2024-07-08_IWM.lock: a folder is in the way."
            " Remove or rename it (e.g. rm -r '{root}/.locks/2024-07-08_IWM.lock') and run"
            " again.",
        ),
    ],
    ids=["staging-is-a-file", "lock-is-a-folder"],
)
@pytest.mark.process
def test_the_project_s_own_hidden_folders_in_the_way_say_what_to_do(tmp_path, what, expected):
    """Was 'cannot write to ...: [Errno 17] File exists' / '[Errno 21] Is a directory', no fix."""
    root = tmp_path / "r"
    (root / what).parent.mkdir(parents=True, exist_ok=True)
    (root / what).write_text("") if what == ".staging" else (root / what).mkdir()
    done = hostile.run_cli(root, "report", "--as-of", AS_OF, "--source", "snapshot", "--no-pdf")
    assert done.returncode == 5 and hostile.one_line(done.stderr) == expected.format(root=root)
    assert not (root / AS_OF).exists() and hostile.no_leftovers(root) == []


@pytest.mark.slow  # it enters execute.execute (conftest: the slow marker is honest)
def test_an_unwritable_kernelspec_folder_is_one_line(capsys, tmp_path, monkeypatch):
    """Both places a kernelspec may go are read-only (a real read-only tmpfs): was an OSError traceback."""
    from analysis.render import kernel

    with hostile.tmpfs(tmp_path / "ro", "1m", read_only=True) as ro:
        monkeypatch.setattr(kernel, "_data_dirs", lambda: [ro / "share" / "jupyter", ro / "cache"])
        monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(tmp_path / "r"))
        code, line = cli_line(capsys, "report", "--as-of", AS_OF, "--source", "snapshot", "--no-pdf")
    assert code == 4
    assert line == (
        f"error: cannot register the Jupyter kernel: cannot write a kernelspec for momentum-report under"
        f" {ro / 'share' / 'jupyter'}, {ro / 'cache'}. Make the environment's share/jupyter folder (or"
        " .cache/ in the project) writable."
    )
    assert not (tmp_path / "r" / AS_OF).exists()


# -- data files ----------------------------------------------------------------------------------


def test_a_broken_snapshot_manifest_is_one_line(capsys, tmp_path, monkeypatch):
    copy = tmp_path / "prices"
    shutil.copytree(SNAPSHOT_DIR, copy)
    (copy / "manifest.toml").write_text("kind = [\n")
    snapshot._read.cache_clear()
    snapshot.manifest.cache_clear()
    monkeypatch.setattr(snapshot, "SNAPSHOT_DIR", copy)
    try:
        code, line = cli_line(capsys, *SUMMARY)
    finally:
        snapshot._read.cache_clear()
        snapshot.manifest.cache_clear()
    assert code == 3
    assert line == (
        f"error: the bundled {copy / 'manifest.toml'} cannot be read (Invalid value (at end of"
        " document)). Restore it with `git checkout -- analysis/data/prices`."
    )


def test_a_cache_meta_with_rows_as_text_says_so(capsys):
    """Was 'corrupt: 300 rows, expected 300' (the string '300' is not the number 300)."""
    frame = snapshot.read("IWM").iloc[-300:].rename(columns={"adj_close": "Adj Close"}).rename(columns=str.title)
    frame.index.name = "Date"
    data = frame.to_csv(float_format="%.6f", date_format="%Y-%m-%d").encode()
    root = cache_dir()
    root.mkdir(parents=True)
    (root / "IWM.csv").write_bytes(data)
    (root / "IWM.json").write_text(
        json.dumps(
            {
                "ticker": "IWM",
                "fetched_at": "2026-08-21T21:00:00+00:00",
                "rows": "300",
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    )
    code, line = cli_line(capsys, "summary", "--source", "cache")
    assert code == 3 and "IWM.json gives rows = '300', not a whole number" in line


def test_yahoo_data_that_cannot_be_cached_is_used_with_a_note(monkeypatch, tmp_path):
    """SOURCE=yahoo with a cache folder that cannot be made (under /proc): was a
    FileNotFoundError traceback; the fresh download is used and the piece says why it was not kept."""
    from analysis.data import Market, yahoo

    def download(ticker, timeout):  # what yfinance returns, from the real bundled rows
        frame = snapshot.read(ticker).rename(columns={"adj_close": "Adj Close"}).rename(columns=str.title)
        frame.index.name = "Date"
        return frame, []

    monkeypatch.setattr(yahoo, "_download", download)
    monkeypatch.setenv("MOMENTUM_CACHE_DIR", "/proc/no-such-folder")
    frame = Market("yahoo", timeout=5).prices("IWM")
    assert frame.attrs["source"] == "yahoo" and frame["close"].iloc[-1] == snapshot.read("IWM")["close"].iloc[-1]
    assert frame.attrs["notes"][-1] == "could not write the cache (No such file or directory: /proc/no-such-folder)"


# -- the research command --------------------------------------------------------------------------


def test_an_empty_notebook_list_is_refused_not_run_as_nothing(capsys, tmp_path, monkeypatch):
    """`make research` with --notebooks "" wrote '0 notebooks' and exited 0."""
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(tmp_path / "r"))
    code = cli.main(["research", "--as-of", AS_OF, "--source", "snapshot", "--notebooks", ""])
    out = capsys.readouterr()
    assert code == 2 and out.out == ""
    # main's registry gained size and macro (issues 19, 20), then track_record (30): the names are its, in its order
    assert [nb.name for nb in NOTEBOOKS] == [
        "phase",
        "real_motion",
        "leadership",
        "triggers",
        "scorecard",
        "history",
        "track_record",
        "size",
        "macro",
    ]
    assert hostile.one_line(out.err) == (
        "error: --notebooks names no notebook. Name one or more of: phase,"
        " real_motion, leadership, triggers, scorecard, history, track_record, size, macro,"
        " or leave it out for all."
    )


# -- execution ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_cell_that_times_out_is_one_line_and_its_kernel_is_gone(tmp_path, monkeypatch, capfd):
    """A cell sleeping past MOMENTUM_CELL_TIMEOUT: nbclient's own log line 'Timeout waiting for
    execute reply' was printed beside the error; the kernel must not outlive the run."""
    nb = nbformat.read(COMMENTARY_NOTEBOOK, as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell("import time\ntime.sleep(300)"))
    nbformat.write(nb, tmp_path / "hang.ipynb")
    root = tmp_path / "r"
    monkeypatch.setenv("MOMENTUM_CELL_TIMEOUT", "3s")
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    with pytest.raises(RenderError) as info:
        run(
            Request.parse("IWM", "SPY", AS_OF, "snapshot"),
            root=root,
            notebook=tmp_path / "hang.ipynb",
            pdf=False,
            log=lambda *_: None,
        )
    assert str(info.value) == (
        f"notebook hang.ipynb: a cell ran longer than 3 s. The failed notebook is kept at"
        f" {root / '_failed' / (AS_OF + '_IWM.ipynb')}. Set MOMENTUM_CELL_TIMEOUT higher if"
        " the machine is slow, e.g. MOMENTUM_CELL_TIMEOUT=10m."
    )
    assert capfd.readouterr().err == ""
    assert hostile.no_leftovers(root) == [] and not (root / AS_OF).exists()


@pytest.mark.process
def test_sigterm_in_the_first_instant_is_one_line(tmp_path):
    """SIGTERM right after start, before any work: the process died without a word (exit -15).

    The summary can finish in the moment between pandas' import and the signal (a fast summary on a
    quiet machine), so up to five runs are tried: every run ends either interrupted, in one line with
    exit 143, or finished before the signal (exit 0); at least one must have been interrupted."""
    interrupted = 0
    for attempt in range(5):
        root = tmp_path / f"r{attempt}"
        proc = hostile.start(root, *SUMMARY)
        assert hostile.wait_for(
            lambda: any("-m analysis" in p for p in hostile.leftovers(root)) and _imported(proc.pid),  # noqa: B023
            timeout=60,
            every=0.01,
        )
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode in (0, 143), (proc.returncode, err)
        if proc.returncode == 143:
            assert (
                hostile.one_line(err) == "interrupted (SIGTERM): nothing was published; earlier pieces are untouched."
            )
            interrupted += 1
            break
    assert interrupted


def _imported(pid: int) -> bool:
    """Whether process ``pid`` has loaded pandas (the command line is running, the data not yet read)."""
    try:
        return "pandas" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False
