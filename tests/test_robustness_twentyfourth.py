"""Robustness, a twenty-fourth hostile pass: families the twenty-three earlier passes left alone.

Cases tried by hand (see the README's sentence for the count), then kept here where cheap; each section says what
held and what broke, the defects (A, B, ...) with the test that failed before the fix. Sections 3-4:
``test_robustness_twentyfourth_more.py``.

1. The economy and the research data as their publishers send them (about 45 cases, in this process; FRED's and
   French's answers are served by a real HTTP server on loopback, ``fred.URL`` pointed at it). Held (17): FRED's
   CSV with ``observation_date`` and with the older ``DATE``, ``.`` and blank for a missing value, CRLF, a
   byte-order mark, blank lines after the last row, a quoted header, the id in lower case, a value at the edge of
   the plausible range (T10Y3M at 10); refused in one line naming the row: ``NaN``, ``#N/A``, ``ND``, a time of
   day, a third column, no rows, only dots. A weekly series dated on another weekday (claims on a Friday or a
   Wednesday, NFCI on a Monday or a Saturday) is dated from the Saturday or Friday that ends its week, never
   earlier (6). French's zip (12, derived from the bundled factors and said so): a preamble, the annual block
   after the monthly one, the copyright footer, CRLF, a header with a trailing comma or leading spaces, tabs,
   the annual block first, no footer, read; ``-99.99`` or ``-999`` in a required column, a month skipped, a row
   cut mid-way, a preamble without its blank line: refused in one line, the bundled copy used with a note.
   Shiller's CAPE has no live route (a month written ``1871.1`` cannot reach the product); trailing months
   without CAPE are dropped and the piece says the month it had (``through``). The vintages are documented
   (docs/century.md, docs/macro.md). **Broke (B)**: a download cut short (the connection closed before the
   ``Content-Length`` or the last chunk: ``http.client.IncompleteRead``), or a garbled status line
   (``BadStatusLine``), is no ``OSError``, so it passed FRED's and French's ``except`` and was a traceback from
   any piece with ``SOURCE=auto`` online. Now "FRED could not be reached (the answer was cut short after 54
   bytes)", and the bundled copy with a note. **Broke (C)**: a FRED answer that fails the screen (a value
   ``#N/A``) left the series out of the piece, "Try again later, or use the bundled copy", while ``auto`` had the
   bundled copy at hand (French's ``auto`` already fell back). Now it is used, with a note saying why.
2. OS limits not tried before (about 30 cases, real processes): **Broke (A)**: ``ulimit -n 64`` (the fifth pass
   tried 16 on a summary and 40 on a piece, where the kernel dies as it starts): the kernel starts, then its
   first cell fails for want of a descriptor: "cell 1 (...) raised CellExecutionError (with no message)", exit 4,
   for ``report`` and every piece of a batch. Now the line names the limit ("The limit on open files is 64
   (ulimit -n): raise it"). Held: 128 and 256 for a piece, 128 for a batch of three with two workers and for
   the research run, 16 for ``index`` and ``grade``; ``ulimit -f`` of 200 KB, 1.7 MB and 3 MB for a piece (exit 5,
   naming the limit, nothing published). **Broke (F)**: ``/dev/shm`` read-only, full (a 4 KB tmpfs) or missing
   (a mount namespace as root): a batch and the research run, whose pools keep their locks there, were an
   ``OSError: [Errno 30] Read-only file system`` traceback, or "could not write to standard output: No space
   left on device" (the ``ENOSPC`` names no file, so it was taken for a full disk under the output). Now one
   line naming /dev/shm, exit 1, nothing written (and for ``--engine dask``, whose local cluster's nannies failed
   to start with their own logged tracebacks). Held: a single piece under each (Chromium copes), and the
   research run with JOBS=1. **Broke (D)**: a kernel whose interpreter this user may not run (the project run by
   another user than the one who made ``.venv``, here a venv linking into ``/root``; a noexec mount) was
   "cannot write to .venv/bin/python: Permission denied. Make the reports directory writable", exit 5. Now
   "the Jupyter kernel could not be started: cannot run ...: Permission denied", exit 4, with what to do.
   **Broke (E)**: a research worker killed (``kill -9``, as the out-of-memory killer does) was a
   ``BrokenProcessPool`` traceback (a batch worker's death was already one line). Now one line, exit 4 (exit 1
   naming the limit when a control group's killer did it), nothing published. Not tried: ``ulimit -u`` (the
   init namespace's root is never held to it, and another user cannot run this machine's venv, see D).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import fred, french_files, monthly, release
from analysis.errors import DataError, RenderError, SourceUnavailable
from analysis.paths import PACKAGE_DIR
from tests import hostile
from tests.conftest import PROJECT_DIR

AS_OF = "2024-07-08"
SNAP = ("--source", "snapshot")

# -- 1. FRED and French as they answer ---------------------------------------------------------------------------


def _bundled_fred(series_id: str) -> list[str]:
    """The bundled series' rows (real data), without the header."""
    text = gzip.decompress((PACKAGE_DIR / "data" / "macro" / f"{series_id}.csv.gz").read_bytes()).decode()
    return text.splitlines()[1:]


def _rows(edit=lambda rows: rows) -> str:
    return "\n".join(edit(_bundled_fred("T10Y3M")))


def _last(value: str):
    return lambda rows: [*rows[:-1], f"{rows[-1].split(',')[0]},{value}"]


READ = {  # FRED's spellings of the same series (real rows, re-headed or re-punctuated by the test)
    "observation_date": lambda: "observation_date,T10Y3M\n" + _rows(),
    "DATE": lambda: "DATE,T10Y3M\n" + _rows(),
    "dots": lambda: (
        "observation_date,T10Y3M\n"
        + _rows(lambda r: [x if i % 50 else x.split(",")[0] + ",." for i, x in enumerate(r)])
    ),
    "blank": lambda: (
        "observation_date,T10Y3M\n" + _rows(lambda r: [x if i % 50 else x.split(",")[0] + "," for i, x in enumerate(r)])
    ),
    "crlf": lambda: ("observation_date,T10Y3M\n" + _rows()).replace("\n", "\r\n"),
    "bom": lambda: "\ufeffobservation_date,T10Y3M\n" + _rows(),
    "blank_lines_after": lambda: "observation_date,T10Y3M\n" + _rows() + "\n\n\n",
    "quoted_header": lambda: '"observation_date","T10Y3M"\n' + _rows(),
    "lower_case_id": lambda: "observation_date,t10y3m\n" + _rows(),
    "plausible_edge": lambda: "observation_date,T10Y3M\n" + _rows(_last("10")),
}


@pytest.mark.parametrize("name", READ)
def test_fred_answers_in_every_spelling_are_read(name):
    """Held: each spelling reads as the same series (its last date the bundled copy's)."""
    series = fred.from_csv(READ[name](), "T10Y3M")
    assert series.attrs["last_date"] == "2026-07-31" and series.notna().all()


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("NaN", "'NaN' for 2026-07-31 is not a finite number"),
        ("#N/A", "'#N/A'"),
        ("ND", "'ND'"),
        ("10.01", "plausible"),
    ],
)
def test_a_fred_value_that_is_no_number_is_one_line_naming_the_row(value, said):
    """Held: refused with the line of the download (the header is line 1)."""
    with pytest.raises(DataError) as caught:
        fred.from_csv("observation_date,T10Y3M\n" + _rows(_last(value)), "T10Y3M")
    line = str(caught.value)
    assert "\n" not in line and "line 11148" in line and said in line, line


@pytest.mark.parametrize("body", ["observation_date,T10Y3M\n", "observation_date,T10Y3M\n2024-01-02,.\n2024-01-03,.\n"])
def test_a_fred_answer_without_observations_is_one_line(body):
    with pytest.raises(DataError, match="no observations"):
        fred.from_csv(body, "T10Y3M")


@pytest.mark.parametrize(
    ("rule", "day", "public"),
    [
        ("claims_thursday", "2024-07-05", "2024-07-11"),  # a Friday: the week ends on Saturday the 6th
        ("claims_thursday", "2024-07-03", "2024-07-11"),
        ("claims_thursday", "2024-07-06", "2024-07-11"),
        ("nfci_wednesday", "2024-07-01", "2024-07-10"),
        ("nfci_wednesday", "2024-07-05", "2024-07-10"),
        ("nfci_wednesday", "2024-07-06", "2024-07-17"),  # a Saturday: the next week's Friday
    ],
)
def test_a_weekly_observation_dated_on_another_weekday_is_never_public_early(rule, day, public):
    """Held: dated from the Saturday (claims) or Friday (NFCI) that ends its week, never before its release."""
    assert str(release.released(rule, [day])[0].date()) == public


@contextlib.contextmanager
def _server(answer: bytes) -> Iterator[str]:
    """A real HTTP server on loopback that reads a request and sends ``answer`` (bytes as they go on the wire),
    then closes the connection; yields its address."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


BODY = b"observation_date,T10Y3M\n2024-01-02,1.0\n2024-01-03,1.1\n"
CUT = {  # answers a dropped connection or a broken server leaves
    "short_content_length": b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + BODY,
    "chunk_never_ended": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n" % len(BODY) + BODY + b"\r\n",
    "garbled_chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + BODY,
    "garbled_status": b"GARBAGE\r\n\r\n",
}


@pytest.mark.parametrize("name", CUT)
def test_a_fred_download_cut_short_is_unreachable_not_a_traceback(monkeypatch, name):
    """(B) ``http.client.IncompleteRead`` / ``BadStatusLine`` went past ``except OSError``: a traceback."""
    with _server(CUT[name]) as address:
        monkeypatch.setattr(fred, "URL", address + "/?id={id}")
        with pytest.raises(fred.FredUnreachable) as caught:
            fred.download("T10Y3M", timeout=5)
    line = str(caught.value)
    assert line.startswith("FRED could not be reached (") and "\n" not in line, line


@pytest.mark.parametrize("name", CUT)
def test_a_french_download_cut_short_is_one_line(name):
    """(B) the same for French's zip files."""
    with _server(CUT[name]) as address, pytest.raises(SourceUnavailable) as caught:
        french_files.download(address + "/x.zip", timeout=5)
    assert "\n" not in str(caught.value) and "the bundled copy is used meanwhile" in str(caught.value)


def test_auto_falls_back_to_the_bundled_series_when_fred_cuts_its_answer(monkeypatch, tmp_path):
    """(B) was a traceback from ``Macro("auto")``; now the bundled copy, with a note saying why."""
    monkeypatch.delenv("MOMENTUM_OFFLINE", raising=False)
    monkeypatch.setenv("MOMENTUM_FRED_CACHE_DIR", str(tmp_path / "fred"))
    with _server(CUT["short_content_length"]) as address:
        monkeypatch.setattr(fred, "URL", address + "/?id={id}")
        series, why = fred.Macro("auto").maybe("T10Y3M")
    assert why == "" and series.attrs["source"] == "snapshot" and series.attrs["last_date"] == "2026-07-31"
    assert series.attrs["notes"][0].startswith("FRED could not be reached (the answer was cut short after 54 bytes)")


def test_auto_uses_the_bundled_series_when_freds_answer_fails_the_screen(monkeypatch, tmp_path):
    """(C) a value FRED sent as ``#N/A`` left T10Y3M out of the piece ("Try again later, or use the bundled copy")
    though ``auto`` had the bundled copy; now it is used, and the note says why. Nothing reaches the cache."""
    monkeypatch.delenv("MOMENTUM_OFFLINE", raising=False)
    monkeypatch.setenv("MOMENTUM_FRED_CACHE_DIR", str(tmp_path / "fred"))
    bad = b"observation_date,T10Y3M\n2024-01-02,1.0\n2024-01-03,#N/A\n"
    with _server(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(bad) + bad) as address:
        monkeypatch.setattr(fred, "URL", address + "/?id={id}")
        series, why = fred.Macro("auto").maybe("T10Y3M")
    assert why == "" and series is not None and series.attrs["source"] == "snapshot"
    note = series.attrs["notes"][0]
    assert note.startswith("FRED's answer could not be used (FRED's T10Y3M download line 3: value '#N/A'"), note
    assert note.endswith("so this piece uses the bundled T10Y3M series ending 2026-07-31")
    assert not (tmp_path / "fred").exists()


def test_auto_falls_back_to_the_bundled_french_file_when_the_download_is_cut(monkeypatch):
    """(B) ``ResearchData("auto")`` let the ``IncompleteRead`` through; now the bundled copy, said."""
    monkeypatch.delenv("MOMENTUM_OFFLINE", raising=False)
    with _server(CUT["short_content_length"]) as address:
        monkeypatch.setitem(monthly.entry("ff_factors_monthly"), "live", address + "/F-F_Research_Data_Factors_CSV.zip")
        store = monthly.ResearchData("auto", timeout=5)
        frame = store.frame("ff_factors_monthly")
    assert frame.attrs["source"] == "bundled"
    assert any("the answer was cut short" in n and "the bundled copy" in n for n in store.notes), store.notes


def _french_zip(text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("F-F_Research_Data_Factors.CSV", text.encode("latin-1"))
    return out.getvalue()


def _french_text(shape: str) -> str:
    """DERIVED: the bundled 202506 factors rewritten in the shape of French's own CSV (``YYYYMM``, padded cells),
    with a preamble, the annual block and the footer, then edited as ``shape`` says."""
    table = pd.read_csv(
        io.BytesIO(gzip.decompress((monthly.RESEARCH_DIR / "ff_factors_monthly.csv.gz").read_bytes())), dtype=str
    )
    rows = [f"{d.replace('-', '')},{a:>8},{b:>8},{c:>8},{e:>8}" for d, a, b, c, e in table.itertuples(index=False)]
    preamble = "This file was created using the 202506 CRSP database.\nThe 1-month TBill rate data until 202405 are from Ibbotson Associates.\n"
    annual = "\n Annual Factors: January-December \n,Mkt-RF,SMB,HML,RF\n  1927,   29.47,   -2.46,   -3.75,    3.12\n"
    footer = "\nCopyright 2025 Eugene F. Fama and Kenneth R. French\n"
    header = ",Mkt-RF,SMB,HML,RF"
    edits = {
        "standard": lambda: (header, rows, annual),
        "trailing_comma": lambda: (header + ",", [r + "," for r in rows], annual),
        "spaced_header": lambda: ("   " + header, rows, annual),
        "tabs": lambda: (header, [r.replace(",", ",\t") for r in rows], annual),
        "minus_99_99": lambda: (header, [*rows[:-1], rows[-1].rsplit(",", 1)[0] + ",  -99.99"], annual),
        "minus_999": lambda: (header, [rows[0].rsplit(",", 1)[0] + ",    -999", *rows[1:]], annual),
        "a_month_skipped": lambda: (header, rows[:100] + rows[101:], annual),
        "cut_mid_row": lambda: (header, [*rows[:-1], rows[-1][:9]], ""),
    }
    if shape == "no_blank_line":
        return preamble + header + "\n" + "\n".join(rows) + annual + footer
    head, body, tail = edits[shape]()
    return preamble + "\n" + head + "\n" + "\n".join(body) + "\n" + tail + footer


@pytest.mark.parametrize("shape", ["standard", "trailing_comma", "spaced_header", "tabs"])
def test_french_files_in_their_own_shape_are_read(shape):
    frame = french_files.from_zip(_french_zip(_french_text(shape)), "ff_factors_monthly")
    assert (frame.attrs["first"], frame.attrs["last"], frame.attrs["vintage"]) == ("1926-07", "2025-06", "CRSP 202506")
    assert list(frame.columns) == ["Mkt-RF", "SMB", "HML", "RF"] and not frame.isna().any().any()


@pytest.mark.parametrize(
    ("shape", "said"),
    [
        ("minus_99_99", "line 1189 (2025-06): RF is missing"),
        ("minus_999", "line 2 (1926-07): RF is missing"),
        ("a_month_skipped", "skips 1 month(s)"),
        ("cut_mid_row", "row 202506 has 1 values for 4 columns"),
        ("no_blank_line", "no monthly section titled '(untitled)'"),
    ],
)
def test_french_files_not_to_be_trusted_are_one_line(shape, said):
    """Held: refused in one line (``auto`` then uses the bundled copy, with the line as its note)."""
    with pytest.raises(DataError) as caught:
        french_files.from_zip(_french_zip(_french_text(shape)), "ff_factors_monthly")
    assert said in str(caught.value) and "\n" not in str(caught.value), caught.value


# -- 2. OS limits --------------------------------------------------------------------------------------------------


def _limited(**limits: int):
    """``preexec_fn``: the default signals, then each ``RLIMIT_<name>`` set to its value (soft and hard)."""

    def apply() -> None:
        hostile.default_signals()
        for name, value in limits.items():
            resource.setrlimit(getattr(resource, f"RLIMIT_{name.upper()}"), (value, value))

    return apply


def _cli(
    root: Path, *args: str, preexec=hostile.default_signals, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "MOMENTUM_REPORTS_DIR": str(root)},
        cwd=PROJECT_DIR,
        preexec_fn=preexec,
        timeout=600,
        check=False,
    )
    return done


@pytest.mark.slow
def test_a_piece_under_64_open_files_names_the_limit(tmp_path, monkeypatch):
    """(A) "cell 1 (...) raised CellExecutionError (with no message)", exit 4: the limit was not named. Under load
    the kernel may instead wait on a socket it cannot open until the cell times out: that is named too."""
    monkeypatch.setenv("MOMENTUM_CELL_TIMEOUT", "90s")
    root = tmp_path / "r"
    done = _cli(root, "report", "--no-pdf", *SNAP, "--as-of", AS_OF, preexec=_limited(nofile=64))
    line = hostile.one_line(done.stderr)
    assert done.returncode == 4 and "The limit on open files is 64 (ulimit -n): raise it" in line, line
    assert not (root / AS_OF).exists() and hostile.no_leftovers(root) == []


@pytest.mark.slow
def test_every_piece_of_a_batch_under_64_open_files_names_the_limit(tmp_path, monkeypatch):
    """(A) the same in each worker of a batch."""
    monkeypatch.setenv("MOMENTUM_CELL_TIMEOUT", "90s")
    root = tmp_path / "r"
    done = _cli(
        root,
        "reports",
        "--no-pdf",
        *SNAP,
        "--as-of",
        AS_OF,
        "--tickers",
        "IWM QQQ",
        "--jobs",
        "2",
        preexec=_limited(nofile=64),
    )
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED")]
    assert done.returncode == 1 and len(failed) == 2, done.stdout + done.stderr
    assert all("The limit on open files is 64 (ulimit -n)" in line for line in failed), failed
    assert not (root / AS_OF).exists() and hostile.no_leftovers(root) == []


@pytest.mark.slow
def test_a_piece_under_128_open_files_is_written(tmp_path):
    """Held: 128 descriptors are enough for a piece (kernel, sockets, fonts)."""
    root = tmp_path / "r"
    done = _cli(root, "report", "--no-pdf", *SNAP, "--as-of", AS_OF, preexec=_limited(nofile=128))
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert (root / AS_OF / "IWM.html").is_file()


@pytest.mark.process
@pytest.mark.parametrize("command", ["index", "grade"])
def test_index_and_grade_under_16_open_files_hold(tmp_path, command):
    """Held: they read one summary at a time."""
    root = tmp_path / "r"
    (root / AS_OF).mkdir(parents=True)
    done = _cli(root, command, preexec=_limited(nofile=16))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


@pytest.mark.slow
def test_a_piece_over_the_file_size_limit_is_exit_5_and_nothing_published(tmp_path):
    """Held: ``ulimit -f`` of 3 MB (the notebook is 3.4 MB): one line naming the limit, nothing published."""
    root = tmp_path / "r"
    done = _cli(root, "report", "--no-pdf", *SNAP, "--as-of", AS_OF, preexec=_limited(fsize=3 * 2**20))
    line = hostile.one_line(done.stderr)
    assert done.returncode == 5 and "ulimit -f" in line, line
    assert not (root / AS_OF).exists() and hostile.hidden(root) == [] and hostile.no_leftovers(root) == []


SHM = {  # what /dev/shm is in the run's own mount namespace
    "read-only": "mount -t tmpfs -o ro,size=1m tmpfs /dev/shm",
    "full": "mount -t tmpfs -o size=4k tmpfs /dev/shm",
    "missing": (
        'mkdir -p "$OLD" && mount --bind /dev "$OLD" && mount -t tmpfs -o size=1m tmpfs /dev'
        ' && for f in null zero urandom random full; do touch /dev/$f && mount --bind "$OLD/$f" /dev/$f; done'
        " && ln -s /proc/self/fd /dev/fd"
    ),
}
SAID_SHM = {"read-only": "is read-only", "full": "is full", "missing": "is missing"}


def _shm(kind: str, old: Path) -> tuple[str, ...]:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and unshare for a mount namespace of the run's own")
    script = f'mount --make-rprivate / && {SHM[kind]} && exec "$@"'
    return ("env", f"OLD={old}", "unshare", "-m", "sh", "-c", script, "sh")


@pytest.mark.process
@pytest.mark.parametrize("kind", SHM)
@pytest.mark.parametrize("command", ["reports", "dask", "research"])
def test_worker_pools_without_a_usable_dev_shm_are_one_line(tmp_path, kind, command):
    """(F) a traceback (``OSError: [Errno 30] Read-only file system``, ``FileNotFoundError``; Dask's "Nanny failed
    to start" after its own logged tracebacks) or "could not write to standard output: No space left on device":
    now one line naming /dev/shm, exit 1, nothing written."""
    root = tmp_path / "r"
    args = {
        "reports": ["reports", "--tickers", "IWM QQQ", "--jobs", "2"],
        "dask": ["reports", "--tickers", "IWM QQQ", "--jobs", "2", "--engine", "dask"],
        "research": ["research", "--ticker", "IWM", "--jobs", "2"],
    }[command]
    done = _cli(root, *args, *SNAP, "--as-of", AS_OF, prefix=_shm(kind, tmp_path / "dev"))
    # left: distributed warns in four lines when another Dask (a parallel test's) holds port 8787
    kept = [
        x for x in done.stderr.splitlines() if "8787" not in x and "cluster running?" not in x and "on port" not in x
    ]
    line = hostile.one_line("\n".join(x for x in kept if x.strip() != "warnings.warn("))
    assert done.returncode == 1, done.stderr
    assert line.startswith(
        f"error: cannot start worker processes: the shared-memory folder /dev/shm, where their locks live, {SAID_SHM[kind]}"
    ), line
    assert hostile.tree(root) == {} and hostile.hidden(root) == []


@pytest.mark.slow
def test_a_single_piece_without_a_writable_dev_shm_is_written(tmp_path):
    """Held: a piece needs no pool, and Chromium copes with a read-only /dev/shm (the PDF is printed)."""
    root = tmp_path / "r"
    done = _cli(root, "report", *SNAP, "--as-of", AS_OF, prefix=_shm("read-only", tmp_path / "dev"))
    assert done.returncode == 0 and (root / AS_OF / "IWM.pdf").is_file(), done.stderr


@pytest.mark.slow
def test_a_kernel_whose_interpreter_cannot_be_run_is_not_blamed_on_the_reports_folder(tmp_path):
    """(D) ``exec`` of the kernel's interpreter failing (EACCES) was "cannot write to .venv/bin/python: Permission
    denied. Make the reports directory writable", exit 5. The manager the runner uses, given a real file without
    the execute bit as the kernel's interpreter."""
    import asyncio

    from jupyter_client.kernelspec import KernelSpec

    from analysis.render.kernel import kernel_manager_class

    interpreter = tmp_path / "python"
    interpreter.write_text("not a program\n")
    interpreter.chmod(0o644)
    manager = kernel_manager_class()()
    manager._kernel_spec = KernelSpec(
        argv=[str(interpreter), "-m", "ipykernel_launcher", "-f", "{connection_file}"], language="python"
    )
    with pytest.raises(RenderError) as caught:
        asyncio.run(manager._async_start_kernel())
    line = str(caught.value)
    assert line.startswith(f"the Jupyter kernel could not be started: cannot run {interpreter}: Permission denied."), (
        line
    )
    assert caught.value.exit_code == 4 and "reports directory" not in line


@pytest.mark.slow
def test_a_research_worker_killed_is_one_line_and_nothing_published(tmp_path):
    """(E) ``kill -9`` of a research worker was a ``BrokenProcessPool`` traceback, exit 1."""
    root = tmp_path / "r"
    proc = hostile.start(root, "research", *SNAP, "--ticker", "IWM", "--as-of", AS_OF, "--jobs", "2", "--force")

    def worker() -> int | None:
        for pid in os.listdir("/proc"):
            if pid.isdigit() and int(pid) != proc.pid:
                with contextlib.suppress(OSError):
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                    status = Path(f"/proc/{pid}/status").read_text()
                    if b"spawn_main" in cmdline and f"PPid:\t{proc.pid}\n" in status:
                        return int(pid)
        return None

    assert hostile.wait_for(lambda: worker() is not None, 120), proc.communicate()
    time.sleep(3)  # inside its first notebook
    os.kill(worker(), signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    line = hostile.one_line(err)
    assert proc.returncode == 4 and line.startswith(
        "error: a research worker process died before its notebooks were finished"
    ), line
    assert not (root / AS_OF).exists() and hostile.hidden(root) == [] and hostile.no_leftovers(root) == []


def test_a_cell_timing_out_under_a_tight_open_file_limit_names_the_limit(tmp_path, monkeypatch):
    """Found when this file ran under `make check` on a loaded machine: with ``ulimit -n 64`` the kernel waited on a
    socket it could not open until the cell timed out, and the line said "Set MOMENTUM_CELL_TIMEOUT higher"."""
    import resource

    from nbclient.exceptions import CellTimeoutError

    from analysis.errors import RenderError
    from analysis.render import execute

    monkeypatch.setattr(resource, "getrlimit", lambda which: (64, 64))
    with pytest.raises(RenderError) as caught:
        with execute._failures_explained(tmp_path / "commentary.ipynb", 90):
            raise CellTimeoutError("timed out")
    assert "a cell ran longer than 90 s" in str(caught.value)
    assert "The limit on open files is 64 (ulimit -n)" in str(caught.value) + str(caught.value.hint)
