"""Robustness, a fifteenth hostile pass (issue 29, "Done when"): families the fourteen earlier passes left alone.

Cases tried by hand, then kept here where cheap; the summary of what held and broke is at the top of each
section, the defects (A-F) with the test that failed before the fix.

1. Price files a user brings for a ticker the snapshot lacks (``SOURCE=local``, the cache folder): a future
   that settled below zero, sub-penny prices, prices near 10^6, a 10:1 split left unadjusted, weekly and
   monthly rows, a six-month halt inside the file and just before its last row.
   **Broke (A)**: a young history whose Real Motion is beyond its band (fewer than 500 readings to rank) was a
   TypeError traceback, for the bundled IWM on 2001-09-06 as for QQQ, NVDA, KRE and BTC-USD in their first
   years (89 of 860 early dates). **Broke (B)**: weekly and monthly rows were pieces: "daily data", each
   week's move a day's, a 50-week average a "50-DMA" (monthly ones crashed as in A). **Broke (C)**: the last
   row six months after the one before it was "its largest one-day rise in the data". **Broke (D)**:
   sub-penny prices were quoted "0.00" (every trigger and level alike). **Broke (E)**: a file of the cache
   that cannot be used, for a ticker the snapshot lacks, ended "... another SOURCE.. Offline, only the
   bundled snapshot is available; it holds: ..." (the snapshot's list, not the file's fix), and a negative
   price was called corrupt data.
2. Benchmarks (9): one whose data starts after the window (IWM against BTC-USD in 2005, RSP in early 2003:
   one line, exit 2, naming the first shared session), one that started days before the as-of, ^VIX as
   benchmark, ``iwm`` and ``^VIX`` equal to the ticker (held). **Broke (F)**: with too few shared sessions
   for Leadership (None), a bullish phase with momentum fading was headlined "NVDA lags BTC-USD as
   momentum fades" (2014-09-17): an unknown Leadership read as a lag.
3. Per-process limits not tried (4): a soft CPU-time limit (``ulimit -S -t``, SIGXCPU) on ``summary`` and
   on ``report`` at 2 and 3 CPU-seconds (3 held: the piece). **Broke (G)**: the summary died silently with
   exit 152 (SIGXCPU's default), and the kernel killed by its inherited limit was "It may have run out of
   memory; try again". Now SIGXCPU stops a run as SIGTERM does, in one line naming ``ulimit -t``, and a dead
   kernel's hint names the CPU-time limit when there is one.
4. File systems of other kinds (7): the reports folder on an ext2 image (a piece and the index held), on a
   read-only bind mount (one line, exit 5: held), TMPDIR on a noexec, nosuid tmpfs (the piece and its PDF:
   held); the kept frames, the chart memo and the price cache on a read-only bind mount (as root, chmod
   cannot make a folder read-only; a mount can). **Broke (H)**: ``summary`` and ``report`` were an OSError
   traceback (EROFS): the temporary file, named before it is made, was "removed" in ``finally`` with
   ``unlink(missing_ok=True)``, which forgives ENOENT only; the kept frames, the chart memo and the cache's
   writer now remove it only if it exists (``paths.discard``), as the export did.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from analysis import cli, fmt
from analysis.text import brief
from tests import hostile
from tests.conftest import PROJECT_DIR
from tests.test_robustness_fresh import run_json

HEADER = "Date,Open,High,Low,Close,Adj Close,Volume"
PRICES = Path(__file__).resolve().parents[1] / "analysis" / "data" / "prices"


def _iwm_rows() -> list[str]:
    import gzip

    return gzip.decompress((PRICES / "IWM.csv.gz").read_bytes()).decode().splitlines()[1:]


def _scaled(rows: list[str], k: float) -> list[str]:
    """IWM's rows with every price times ``k`` (the volume as it was)."""
    out = []
    for row in rows:
        f = row.split(",")
        out.append(",".join([f[0], *(f"{float(x) * k:.10g}" for x in f[1:6]), f[6]]))
    return out


def _bring(folder: Path, ticker: str, rows: list[str]) -> Path:
    """``rows`` as the cache's file for ``ticker``, with the metadata a download writes (checksum, rows)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = "\n".join([HEADER, *rows]).encode() + b"\n"
    stem = ticker.replace("^", "_")
    (folder / f"{stem}.csv").write_bytes(data)
    meta = {"ticker": ticker, "fetched_at": "2026-08-22T00:00:00+00:00", "rows": len(pd.read_csv(io.BytesIO(data)))}
    (folder / f"{stem}.json").write_text(json.dumps({**meta, "sha256": hashlib.sha256(data).hexdigest()}))
    return folder / f"{stem}.csv"


def _local(capsys, ticker: str, *args: str) -> tuple[int, str]:
    code = cli.main(["summary", "--source", "local", "--ticker", ticker, *args])
    return code, hostile.one_line(capsys.readouterr().err)


# -- 1. price files a user brings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "ticker, as_of, side",
    [("IWM", "2001-09-06", "below"), ("QQQ", "2000-04-04", "below"), ("NVDA", "2000-01-27", "below")],
)
def test_a_young_history_beyond_its_band_is_a_piece(capsys, no_reports, ticker, as_of, side):
    """Broke (A): ``_rare`` was worded for every band clause, and with fewer than 500 readings its share is
    None: ``'>=' not supported between NoneType and int``. Beyond the band the rank is not needed."""
    data = run_json(capsys, "--ticker", ticker, "--as-of", as_of)
    assert data["real_motion"]["stretch"]["by"] == "band" and data["real_motion"]["stretch"]["rarer_than"] is None
    assert f"it is {side} its band" in brief.markdown(data)


@pytest.mark.parametrize("every, days", [(5, 7), (21, 30)], ids=["weekly", "monthly"])
def test_weekly_or_monthly_rows_are_refused_naming_their_spacing(capsys, no_reports, price_cache, every, days):
    """Broke (B): weekly rows were a piece of "daily data" whose every week was "a day"; monthly ones a
    TypeError. Now one line, exit 3, naming the median spacing and asking for daily prices."""
    _bring(price_cache, "WKLY", _iwm_rows()[::every])
    code, line = _local(capsys, "WKLY")
    assert code == 3 and f"its rows are a median {days} calendar days apart (weekly or monthly prices?)" in line, line
    assert "Give daily prices" in line and "Offline, only the bundled snapshot" not in line


def test_a_last_row_after_a_six_month_halt_is_no_days_move(capsys, no_reports, price_cache):
    """Broke (C): the close after a 130-session gap was "its largest one-day rise in the data" and led the
    headline; a move across a gap of more than two weeks is now no session's move (day and gap unread)."""
    rows = _iwm_rows()
    _bring(price_cache, "HALT", [*rows[:-130], rows[-1]])
    code = cli.main(["summary", "--source", "local", "--ticker", "HALT"])
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert code == 0 and out.err == ""
    assert data["session"]["day"] is None and data["session"]["gap"] is None and not data["session"]["gap_notable"]
    assert "one-day" not in data["headline"] and "one-day" not in brief.markdown(data)
    assert any("a gap of 189 calendar days in the data before 2026-08-21" in n for n in data["data"]["ticker"]["notes"])


def test_a_six_month_halt_inside_the_file_is_a_piece_with_a_note(capsys, no_reports, price_cache):
    """Held: the largest moves of the history are not the halt's; the gap is in the notes."""
    rows = _iwm_rows()
    _bring(price_cache, "HALT", [*rows[:-400], *rows[-274:]])
    data = run_json(capsys, "--source", "local", "--ticker", "HALT")
    assert data["session"]["largest_rise"]["date"] == "2020-03-24"
    assert any("a gap of" in n for n in data["data"]["ticker"]["notes"])


@pytest.mark.parametrize(
    "k, close, level",
    [(1e-6, "0.0002023", "0.0002051"), (1e-4, "0.02023", "0.02051"), (3000, "606,840", "615,180")],
    ids=["0.0002", "0.02", "brk-a"],
)
def test_sub_penny_and_near_a_million_are_quoted_apart(capsys, no_reports, price_cache, k, close, level):
    """Broke (D) below a cent: "closed at 0.00", every trigger and level "0.00". Held near 10^6 (BRK-A)."""
    _bring(price_cache, "ODD", _scaled(_iwm_rows(), k))
    data = run_json(capsys, "--source", "local", "--ticker", "ODD", "--as-of", "2024-07-08")
    text = brief.markdown(data)
    assert f"ODD closed at {close}," in text and f"needs to clear {level} (the highest close of 22 sessions" in text
    assert " 0.00 " not in text and " 0.00," not in text


def test_price_quotes_keep_four_significant_digits_below_one():
    """D's rule: none from 1,000, two from 1, four significant digits below 1; evidence values keep two."""
    assert [fmt.price(x) for x in (5573.4, 205.061, 0.4512, 0.000212, 0.0)] == [
        "5,573",
        "205.06",
        "0.4512",
        "0.0002120",
        "0.00",
    ]
    assert fmt.level(0.5150) == "0.52"


def test_a_ten_for_one_split_in_a_brought_file_names_the_file_and_its_fix(capsys, no_reports, price_cache):
    """Broke (E): "... or use another SOURCE.. Offline, only the bundled snapshot is available; it holds:
    BTC-USD HYG ...", the snapshot's list for a file the user brought. Now the file's own fix, once."""
    rows = _iwm_rows()
    path = _bring(price_cache, "SPLT", [*rows[:-40], *_scaled(rows[-40:], 0.1)])
    code, line = _local(capsys, "SPLT")
    assert code == 3 and str(path) in line and "2026-06-26 close 29.982999" in line, line
    assert ".." not in line.replace(str(path), "") and "Offline, only the bundled snapshot" not in line


def test_a_negative_settlement_is_refused_for_what_it_is(capsys, no_reports, price_cache):
    """Broke (E): WTI's May 2020 future settled at -37.63; "The data is corrupt" named the wrong cause."""
    rows = _iwm_rows()
    rows[-60] = f"{rows[-60].split(',')[0]},-30,10,-40,-37.63,-37.63,1000"
    _bring(price_cache, "CL=F", rows)
    code, line = _local(capsys, "CL=F")
    assert code == 3 and "1 row(s) with zero or negative prices (2026-05-28)" in line, line
    assert "must stay above zero" in line and "corrupt" not in line


def test_intraday_bars_are_refused_not_read_as_their_last_bar(capsys, no_reports, price_cache):
    """Broke (B): 390 minute bars a day were "duplicated dates: kept the last row", so the day's open, high
    and low were its last minute's and its volume a 390th. Now one line, exit 3, naming a day."""
    rows = []
    for row in _iwm_rows()[-300:]:
        day, price = row.split(",")[0], row.split(",")[4]
        rows += [f"{day} {h}:00:00,{price},{price},{price},{price},{price},100" for h in (10, 11, 12, 13, 14, 15)]
    _bring(price_cache, "MINS", rows)
    code, line = _local(capsys, "MINS")
    assert code == 3 and "1800 rows at different times of the same days (e.g. 2025-06-12: intraday bars?)" in line
    assert line.endswith("Give daily prices (one row per trading session), or use another SOURCE."), line


def test_a_file_given_twice_is_still_duplicated_days_not_intraday(capsys, no_reports, price_cache):
    """Held: the same rows twice (a concatenated download) keep their last rows, with a note."""
    rows = _iwm_rows()
    _bring(price_cache, "TWICE", [*rows, *rows])
    data = run_json(capsys, "--source", "local", "--ticker", "TWICE", "--as-of", "2024-07-08")
    assert any("duplicated date(s)" in n for n in data["data"]["ticker"]["notes"])


# -- 2. benchmarks whose data starts late, gauges, the ticker itself -----------------------------------


@pytest.mark.parametrize(
    "as_of, benchmark, first",
    [("2005-01-03", "BTC-USD", "2014-09-17"), ("2003-01-02", "RSP", "2003-05-01")],
)
def test_a_benchmark_that_starts_after_the_window_names_the_first_shared_session(
    capsys, no_reports, as_of, benchmark, first
):
    """Held: one line, exit 2, the first session both series share."""
    code, line = hostile.cli_line(capsys, "summary", "--source", "snapshot", "--as-of", as_of, "--benchmark", benchmark)
    assert code == 2 and f"before the first session IWM and {benchmark} share ({first})" in line, line


@pytest.mark.parametrize(
    "ticker, benchmark, as_of, headline",
    [
        ("NVDA", "BTC-USD", "2014-09-17", "NVDA is in a bullish phase, but momentum is fading"),
        ("IWM", "RSP", "2003-05-15", "Momentum is building in IWM: how far can it carry?"),
    ],
)
def test_leadership_not_yet_readable_is_neither_a_lead_nor_a_lag(
    capsys, no_reports, ticker, benchmark, as_of, headline
):
    """Broke (F): a Leadership of None was taken as 0, "lags" (NVDA 2014-09-17 against a coin three days old)."""
    data = run_json(capsys, "--ticker", ticker, "--benchmark", benchmark, "--as-of", as_of)
    assert data["leadership"]["value"] is None and data["headline"] == headline, data["headline"]


@pytest.mark.parametrize("ticker, benchmark", [("IWM", "iwm"), ("^VIX", "^vix")], ids=["lower-case-twin", "gauge-twin"])
def test_a_benchmark_spelled_as_the_ticker_in_another_case_is_refused(capsys, no_reports, ticker, benchmark):
    """Held: one line, exit 2."""
    code, line = hostile.cli_line(
        capsys, "summary", "--ticker", ticker, "--benchmark", benchmark, "--as-of", "2024-07-08"
    )
    assert code == 2 and "is the same as TICKER" in line, line


def test_a_gauge_as_benchmark_is_a_piece(capsys, no_reports):
    """Held: IWM against ^VIX is a strict piece."""
    data = run_json(capsys, "--benchmark", "^VIX", "--as-of", "2024-07-08")
    assert data["benchmark"] == "^VIX" and data["headline"]


# -- 3. per-process limits: a soft CPU-time limit (SIGXCPU) -----------------------------------------------


def _soft_cpu(seconds: int):
    """``preexec_fn``: a soft CPU-time limit of ``seconds`` (SIGXCPU), the hard one a minute later (SIGKILL)."""
    import resource

    def limit() -> None:
        hostile.default_signals()
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 60))

    return limit


@pytest.mark.process
def test_a_soft_cpu_limit_stops_the_run_in_one_line(tmp_path):
    """Broke (G): exit 152 and nothing said. Now one line naming ulimit -t, nothing written. The limit (1 CPU-s)
    is past the imports (0.8 CPU-s) and before BTC-USD's reading is done with no kept frames (1.9 CPU-s)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis", "summary", "--source", "snapshot", "--ticker", "BTC-USD"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={
            **os.environ,
            "MOMENTUM_REPORTS_DIR": str(tmp_path / "reports"),
            "MOMENTUM_FRAME_CACHE_DIR": str(tmp_path / "k"),
        },
        cwd=PROJECT_DIR,
        preexec_fn=_soft_cpu(1),
    )
    _, err = proc.communicate(timeout=120)
    line = hostile.one_line(err)
    assert proc.returncode == 128 + signal.SIGXCPU, (proc.returncode, err)
    assert line.startswith("interrupted (SIGXCPU: the CPU-time limit, ulimit -t, ran out): nothing was published")
    assert not (tmp_path / "reports").exists()


def test_a_kernel_that_died_under_a_cpu_limit_is_said_to_have(monkeypatch):
    """Broke (G): "It may have run out of memory; try again" for a kernel its inherited ulimit -t killed."""
    import resource

    from analysis.render import execute

    limits = {resource.RLIMIT_CPU: (2, 62), resource.RLIMIT_AS: (resource.RLIM_INFINITY,) * 2}
    monkeypatch.setattr(resource, "getrlimit", lambda which: limits.get(which, (resource.RLIM_INFINITY,) * 2))
    assert "at most 2 s (ulimit -t), and the kernel inherits it" in execute._died_hint()
    limits[resource.RLIMIT_CPU] = (resource.RLIM_INFINITY,) * 2
    monkeypatch.setattr("analysis.errors.memory_limit", lambda: None)  # a container's limit would be named instead
    assert execute._died_hint().startswith("It may have run out of memory. Close other programs")


# -- 4. file systems of other kinds: read-only bind mounts, ext2, noexec ------------------------------------


@contextlib.contextmanager
def _read_only(path: Path):
    """``path`` (a new empty folder) bind-mounted read-only on itself; skips where mounting is refused."""
    path.mkdir(parents=True, exist_ok=True)
    for args in (["--bind", str(path), str(path)], ["-o", "remount,bind,ro", str(path)]):
        done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            subprocess.run(["umount", str(path)], capture_output=True, check=False)
            pytest.skip(f"cannot bind-mount read-only here ({done.stderr.strip()}): needs root and mount")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], capture_output=True, check=False)


def test_a_read_only_frame_cache_is_read_around(capsys, no_reports, tmp_path, monkeypatch):
    """Broke (H): an OSError traceback (EROFS from the unlink of a temporary file never made)."""
    with _read_only(tmp_path / "frames") as frames:
        monkeypatch.setenv("MOMENTUM_FRAME_CACHE_DIR", str(frames))
        data = run_json(capsys, "--ticker", "KRE", "--as-of", "2023-03-13")
    assert data["session"]["day"]["move"] == pytest.approx(-0.1229, abs=5e-4)


def test_a_read_only_chart_memo_and_price_cache_keep_nothing_and_fail_nothing(tmp_path, monkeypatch):
    """Broke (H): the chart memo's and the cache's writers raised EROFS from their clean-up."""
    from matplotlib.figure import Figure

    from analysis.data import cache as price_cache
    from analysis.data import snapshot
    from analysis.view.charts import memo
    from analysis.view.display import FigureOutput

    with _read_only(tmp_path / "ro") as folder:
        monkeypatch.setenv("MOMENTUM_CHART_CACHE_DIR", str(folder))
        monkeypatch.setenv("MOMENTUM_CACHE_DIR", str(folder))
        memo._write("key", FigureOutput(Figure(figsize=(1, 1)), alt="a chart"))  # nothing kept, nothing raised
        with pytest.raises(OSError) as raised:
            price_cache.save(snapshot.read("IWM"))
        assert raised.value.errno == 30 and not any(folder.iterdir())  # EROFS, said in the piece's notes


@contextlib.contextmanager
def _ext2(path: Path):
    """A 64 MB ext2 image loop-mounted at ``path``; skips where mkfs.ext2 or a loop mount is refused."""
    image = path.with_suffix(".img")
    with open(image, "wb") as fh:
        fh.truncate(64 * 2**20)
    path.mkdir(parents=True, exist_ok=True)
    for command in (["mkfs.ext2", "-q", str(image)], ["mount", "-o", "loop", str(image), str(path)]):
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
        except OSError as exc:
            pytest.skip(f"cannot make an ext2 image here ({exc})")
        if done.returncode != 0:
            pytest.skip(f"cannot make an ext2 image here ({done.stderr.strip()}): needs root, mkfs.ext2 and loop")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], capture_output=True, check=False)


@pytest.mark.slow
def test_a_piece_on_ext2_with_tmpdir_a_noexec_tmpfs_is_whole(tmp_path):
    """Held: the reports folder on an ext2 image, TMPDIR on a noexec, nosuid tmpfs (the kernel's and
    Chromium's sockets and profile): the piece, its PDF and the index, nothing left in TMPDIR or staging."""
    short = Path(tempfile.mkdtemp(prefix="t15-", dir="/tmp"))  # a socket's path holds 107 bytes: not pytest's
    with _ext2(tmp_path / "ext2") as disk, hostile.tmpfs(short, "64m") as tmp:
        hostile.remount(tmp, "noexec,nosuid,nodev")
        root = disk / "reports"
        done = hostile.run_cli(
            root, "report", "--source", "snapshot", "--as-of", "2024-07-08", env={"TMPDIR": str(tmp)}
        )
        assert done.returncode == 0 and "warning" not in done.stderr, done.stderr
        assert {"IWM.html", "IWM.pdf", "IWM.json", "IWM.md"} <= {p.name for p in (root / "2024-07-08").iterdir()}
        assert (root / "index.html").is_file() and not hostile.hidden(root) and not hostile.no_leftovers(root)
        assert not any(tmp.iterdir())
    short.rmdir()
