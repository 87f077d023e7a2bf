"""The batch (``make reports`` / ``make family``): real pieces in parallel worker processes, one
line per piece, failures isolated, exit code, index rebuilt. Plus fast checks of the planning
and of how a crashed worker or a bug is reported, with stand-in work functions."""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
from pathlib import Path

import pytest

from analysis import cli
from analysis.pipeline import batch
from analysis.pipeline.batch import Outcome
from tests.conftest import AS_OF, shared

TICKERS = ["IWM", "QQQ", "ZZZZ", "../x"]


def _args(*argv: str):
    return cli.parser().parse_args(["reports", *argv])


def _mixed_batch(root: Path) -> tuple:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        mp.setenv("MOMENTUM_REPORTS_DIR", str(root))
        result = batch.run_command(
            _args("--tickers", *TICKERS, "--as-of", AS_OF, "--source", "snapshot", "--jobs", "2", "--no-progress")
        )
    return result, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """One real batch, two good pieces and two bad tickers, on two workers; stdout captured
    (made once per test run, whichever xdist worker asks first: conftest.shared)."""
    root, (result, out, err) = shared(tmp_path_factory, "mixed-batch", _mixed_batch)
    by_ticker = {o.ticker: o for o in result.outcomes}
    return root, result, by_ticker, out, err


@pytest.mark.slow
def test_good_pieces_ran_at_the_same_time_in_different_worker_processes(mixed):
    _, result, by, _, _ = mixed
    iwm, qqq = by["IWM"], by["QQQ"]
    assert iwm.ok and qqq.ok
    assert len({iwm.pid, qqq.pid, os.getpid()}) == 3  # two workers, neither of them this process
    assert iwm.started < qqq.finished and qqq.started < iwm.finished  # their runs overlapped
    assert result.workers == 2


@pytest.mark.slow
def test_each_piece_json_is_the_summary_of_its_ticker(mixed):
    from analysis.view.piece import Piece

    root, _, by, _, _ = mixed
    for ticker in ("IWM", "QQQ"):
        published = json.loads((root / AS_OF / f"{ticker}.json").read_text())
        expected = Piece.build(ticker, "SPY", AS_OF, "snapshot").summary
        assert (published["ticker"], published["benchmark"], published["as_of"]) == (ticker, "SPY", AS_OF)
        assert {k: published[k] for k in ("phase", "phase_since")} == {k: expected[k] for k in ("phase", "phase_since")}
        for key in ("close", "sma50", "sma200"):
            assert published[key] == pytest.approx(expected[key], rel=1e-9), key
        assert by[ticker].phase == published["phase"]
    assert json.loads((root / AS_OF / "IWM.json").read_text())["phase"] == "warning"  # the model commentary's day


@pytest.mark.slow
def test_bad_tickers_fail_alone_and_the_batch_exits_non_zero(mixed):
    root, result, by, _, _ = mixed
    assert result.exit_code == 1
    assert [o.ticker for o in result.failed] == ["../x", "ZZZZ"]
    assert by["../x"].exit_code == 2 and "is not a ticker symbol" in by["../x"].error
    assert by["ZZZZ"].exit_code == 3 and "ZZZZ" in by["ZZZZ"].error and by["ZZZZ"].pid != os.getpid()
    for ticker in ("IWM", "QQQ"):
        names = {p.name for p in by[ticker].files}
        assert {f"{ticker}.json", f"{ticker}.html", f"{ticker}.ipynb"} <= names
        assert all((root / AS_OF / name).is_file() for name in names)
    assert sorted(p.name for p in (root / AS_OF).iterdir() if p.stem in ("ZZZZ", "x")) == []
    assert not list(root.glob("**/ZZZZ*"))


@pytest.mark.slow
def test_one_line_per_piece_then_a_footer_and_the_index(mixed):
    root, _, _, out, _ = mixed
    lines = out.strip().splitlines()
    assert len(lines) == len(TICKERS) + 2
    pieces = {line.split()[1]: line for line in lines[:4]}
    assert set(pieces) == set(TICKERS)
    for ticker in ("IWM", "QQQ"):
        assert pieces[ticker].startswith("ok ") and AS_OF in pieces[ticker] and f"{ticker}.{{json," in pieces[ticker]
    assert " warning " in pieces["IWM"]
    for bad in ("ZZZZ", "../x"):
        assert pieces[bad].startswith("FAILED ") and "error: " in pieces[bad]
    assert lines[4].startswith("4 pieces in ") and "2 written" in lines[4] and "2 failed" in lines[4]
    assert lines[5].startswith("index: ") and Path(lines[5][len("index: ") :]).resolve() == root / "index.html"
    page = (root / "index.html").read_text()
    assert 'href="2024-07-08/IWM.html"' in page and 'href="2024-07-08/QQQ.pdf"' in page and "ZZZZ" not in page


@pytest.mark.slow
def test_one_worker_keeps_one_kernel_and_one_browser_for_all_its_pieces(mixed, tmp_path):
    """One worker, two pieces: the second runs on the first's kernel and Chromium, in a fresh
    session (execution counts from 1), and writes the same JSON as the two-worker batch; the
    kernel and the browser are gone once the batch is over."""
    import nbformat
    import psutil

    mixed_root = mixed[0]
    requests, _ = batch.plan(["QQQ", "IWM"], "SPY", AS_OF, "snapshot")
    result = batch.run_batch(requests, tmp_path, jobs=1)
    qqq, iwm = result.outcomes
    assert qqq.ok and iwm.ok and qqq.pid == iwm.pid != os.getpid()
    assert qqq.kernel_pid == iwm.kernel_pid != 0 and qqq.browser_pid == iwm.browser_pid != 0
    assert not iwm.pdf_error and "IWM.pdf" in {p.name for p in iwm.files}
    for ticker in ("QQQ", "IWM"):
        nb = nbformat.read(tmp_path / AS_OF / f"{ticker}.ipynb", as_version=4)
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1))
        assert (tmp_path / AS_OF / f"{ticker}.json").read_bytes() == (
            mixed_root / AS_OF / f"{ticker}.json"
        ).read_bytes()
    assert not psutil.pid_exists(iwm.kernel_pid) and not psutil.pid_exists(iwm.browser_pid)  # stopped and reaped


# -- fast checks, no notebooks -------------------------------------------------------------------


def test_plan_validates_each_ticker_on_its_own_and_drops_duplicates():
    requests, refused = batch.plan(batch.split_tickers("iwm, QQQ IWM ../x"), "SPY", AS_OF, "snapshot")
    assert [r.ticker for r in requests] == ["IWM", "QQQ"]
    assert [(o.ticker, o.exit_code) for o in refused] == [("../x", 2)]
    assert requests[0].as_of.isoformat() == AS_OF and requests[0].source == "snapshot"


def test_family_reads_its_members_and_benchmark_from_the_config(tmp_path, monkeypatch):
    (tmp_path / "family.toml").write_text('benchmark = "QQQ"\n[[member]]\nticker = "IWM"\n[[member]]\nticker = "XRT"\n')
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(tmp_path))
    assert batch.family_tickers() == (["IWM", "XRT"], "QQQ")
    (tmp_path / "family.toml").write_text('benchmark = "SPY"\n')
    with pytest.raises(batch.InputError, match="lists no members"):
        batch.family_tickers()


def test_bundled_family_config_is_a_list_of_valid_tickers():
    tickers, benchmark = batch.family_tickers()
    requests, refused = batch.plan(tickers, benchmark, AS_OF, "snapshot")
    assert refused == [] and len(requests) == len(tickers) >= 5


def test_jobs_must_be_a_positive_number(capsys):
    assert cli.main(["reports", "--tickers", "IWM", "--jobs", "0", "--no-progress"]) == 2
    assert "--jobs" in capsys.readouterr().err


def _stand_in(request, root, pdf):
    """Work function for the fast tests: QQQ kills its worker, SMH hits a bug, others 'succeed'."""
    if request.ticker == "QQQ":
        time.sleep(0.5)
        os._exit(9)
    if request.ticker == "SMH":
        raise ZeroDivisionError("stand-in bug")
    now = time.time()
    return Outcome(
        request.ticker,
        as_of=AS_OF,
        phase="bullish",
        files=[root / AS_OF / f"{request.ticker}.json"],
        pid=os.getpid(),
        started=now,
        finished=now,
    )


def test_a_bug_in_one_piece_is_reported_with_its_traceback_and_the_others_finish(tmp_path, capsys):
    requests, _ = batch.plan(["IWM", "SMH", "XRT"], "SPY", AS_OF, "snapshot")
    result = batch.run_batch(requests, tmp_path, jobs=2, work=_stand_in)
    assert [o.ok for o in result.outcomes] == [True, False, True]
    assert result.exit_code == 1
    assert "ZeroDivisionError" in result.outcomes[1].error and "a bug" in result.outcomes[1].error
    err = capsys.readouterr().err
    assert "stand-in bug" in err and "_stand_in" in err  # the worker's traceback, not hidden


def test_a_worker_that_dies_fails_its_pieces_with_a_clear_message(tmp_path):
    requests, _ = batch.plan(["QQQ"], "SPY", AS_OF, "snapshot")
    result = batch.run_batch(requests, tmp_path, jobs=1, work=_stand_in)
    assert result.exit_code == 1
    assert "worker process died" in result.outcomes[0].error


def test_a_worker_interrupted_by_ctrl_c_writes_none_of_its_queued_pieces(tmp_path, monkeypatch):
    """Ctrl-C reaches the workers too: the piece running is abandoned (nothing published) and
    the ones already queued to that worker are refused, not written after the parent has gone."""
    import threading

    import analysis.pipeline.report
    from analysis.pipeline import work

    calls = []

    def interrupted(request, **kwargs):
        calls.append(request.ticker)
        raise KeyboardInterrupt

    monkeypatch.setattr(work, "_INTERRUPTED", threading.Event())
    monkeypatch.setattr(work, "worker_tools", lambda: (None, None))
    monkeypatch.setattr(analysis.pipeline.report, "run", interrupted)
    iwm, qqq = batch.plan(["IWM", "QQQ"], "SPY", AS_OF, "snapshot")[0]
    with pytest.raises(KeyboardInterrupt):
        work.write_piece(iwm, tmp_path)
    refused = work.write_piece(qqq, tmp_path)
    assert calls == ["IWM"] and refused.exit_code == 130 and "interrupted" in refused.error
    assert not list(tmp_path.iterdir())


def test_line_formats_success_and_failure():
    ok = Outcome("IWM", as_of=AS_OF, phase="warning", files=[], started=10.0, finished=17.5)
    ok.files = [Path("/r") / AS_OF / f"IWM.{ext}" for ext in ("json", "ipynb", "html", "pdf")]
    assert batch.line(ok).split() == [
        "ok",
        "IWM",
        AS_OF,
        "warning",
        "7.5",
        "s",
        f"/r/{AS_OF}/IWM.{{json,ipynb,html,pdf}}",
    ]
    bad = Outcome("ZZZZ", error="no data for\nZZZZ.", exit_code=3)
    assert batch.line(bad).endswith("error: no data for ZZZZ.") and batch.line(bad).startswith("FAILED ZZZZ")
