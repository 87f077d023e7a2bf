"""The benchmark's rows for what a user waits for (``make bench`` adds them to :mod:`analysis.bench`):

(f) set-up: ``make setup`` into a fresh venv in a temporary folder, from the lock, as the first
    ``make report`` of a fresh clone does it (uv when it can be had, else pip) -> ``setup_s``;
(g) ``make report`` as the user runs it, in a fresh process: the piece alone (``RESEARCH=0``)
    -> ``report_piece_only_s``, and the piece with its research appendices, warm (published
    once before, so unchanged inputs leave them standing) -> ``report_total_s``;
(h) the watchlist batch: every bundled series that can make a piece at the bench's date
    against SPY (the default TICKERS, the family, the indices and funds; at least 21), one
    worker per core -> ``batch_pieces`` and the steady-state ``batch_per_min`` (each worker's
    pieces after its first, over the time from its first piece's end to its last's);
(i) the speed budgets that used to be asserted in the unit suite: the event study (100 ms)
    and the scorecard with the family (500 ms) once the data are loaded, best of three; and the
    call's track record (issue 30: the call replayed on a whole history and graded, under a
    second) for IWM, SPY, TLT, ^VIX and BTC-USD, each from its study over the whole bundled
    history (and with the study's own build, from the loaded data).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.bench import quantstats
from analysis.bench.common import AS_OF, ISSUE, _cpu, ok
from analysis.bench.common import TARGETS as PIECE_TARGETS

#: The issue's targets for these rows.
TARGETS = {
    "setup_s": 10.0,
    "report_total_over_piece": 1.3,
    "batch_per_min": 45.0,
    "batch_pieces": 21,
    "event_study_s": 0.1,
    "score_family_s": 0.5,
    "track_record_s": 1.0,
}
#: The single piece's target against the fresh floor (:data:`analysis.bench.common.TARGETS`).
PIECE_TARGET = PIECE_TARGETS["piece_over_floor"]
#: The tickers whose track record is timed (issue 30), each against its default benchmark.
TRACK_TICKERS = ("IWM", "SPY", "TLT", "^VIX", "BTC-USD")


def setup(project: Path) -> dict:
    """(f) ``make -s setup`` with ``VENV`` in a new temporary folder; seconds, and uv or pip."""
    base = getattr(sys, "_base_executable", sys.executable)
    with tempfile.TemporaryDirectory(prefix="bench-setup-") as tmp:
        venv = Path(tmp) / "venv"
        clock = time.perf_counter()
        out = subprocess.run(
            ["make", "-s", "setup", f"VENV={venv}", f"PYTHON={base}"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=900,
        )
        seconds = time.perf_counter() - clock
        log = (venv / "install.log").read_text(errors="replace")[-2000:] if (venv / "install.log").is_file() else ""
    installer = "uv" if "installed with" in out.stdout and "uv" in out.stdout.split("installed with", 1)[1] else "pip"
    return {
        "setup_s": seconds if out.returncode == 0 else float("nan"),
        "installer": installer,
        "ok": out.returncode == 0,
        "output": out.stdout[-1000:] + out.stderr[-1000:],
        "log_tail": log,
    }


def _report(root: Path, research: bool) -> float:
    """One ``python -m analysis report`` (``make report``'s command) into ``root``; its seconds."""
    cmd = [sys.executable, "-m", "analysis", "report", "--ticker", "IWM", "--as-of", AS_OF, "--source", "snapshot"]
    env = {**os.environ, "MOMENTUM_REPORTS_DIR": str(root), "MOMENTUM_OFFLINE": "1"}
    clock = time.perf_counter()
    subprocess.run(cmd + (["--research"] if research else []), env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - clock


def report(runs: int) -> dict:
    """(g) The IWM piece alone and with its appendices (after one untimed run that publishes
    them: its seconds are ``cold_total_s``), ``runs`` times each, alternating."""
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        root = Path(tmp)
        cold = _report(root, research=True)
        piece, total = [], []
        for _ in range(runs):
            piece.append(_report(root, research=False))
            total.append(_report(root, research=True))
    out = {
        "cold_total_s": cold,
        "piece_only_runs_s": piece,
        "total_runs_s": total,
        "report_piece_only_s": statistics.median(piece),
        "report_total_s": statistics.median(total),
    }
    out["total_over_piece"] = out["report_total_s"] / out["report_piece_only_s"]
    return out


def watchlist(benchmark: str = "SPY") -> tuple[list[str], dict[str, str]]:
    """Every bundled series but ``benchmark`` that can make a piece at the bench's date, and why the others cannot."""
    from analysis.data import Market, snapshot
    from analysis.errors import ReportError
    from analysis.pipeline.report import Request, prepare

    market, ok, refused = Market("snapshot"), [], {}
    for ticker in snapshot.tickers():
        if ticker == benchmark:
            continue
        try:
            prepare(Request.parse(ticker, benchmark, AS_OF, "snapshot"), market)
            ok.append(ticker)
        except ReportError as exc:
            refused[ticker] = str(exc)
    return ok, refused


def steady_per_min(outcomes: list) -> float:
    """Pieces per minute once every worker is warm: for each worker (pid), its pieces after its
    first over the time from the end of its first to the end of its last, summed over workers."""
    by_worker: dict[int, list[float]] = {}
    for o in outcomes:
        if o.ok:
            by_worker.setdefault(o.pid, []).append(o.finished)
    rate = 0.0
    for ends in by_worker.values():
        ends.sort()
        if len(ends) > 1 and ends[-1] > ends[0]:
            rate += 60.0 * (len(ends) - 1) / (ends[-1] - ends[0])
    return rate


def batch(jobs: int) -> dict:
    """(h) The watchlist through ``analysis.pipeline.batch.run_batch`` with ``jobs`` workers, into a temporary root."""
    from analysis.pipeline import batch as engine

    tickers, refused = watchlist()
    requests, _ = engine.plan(tickers, "SPY", AS_OF, "snapshot")
    with tempfile.TemporaryDirectory(prefix="bench-watchlist-") as root:
        cpu = _cpu()
        result = engine.run_batch(requests, Path(root), jobs=jobs)
        cpu = _cpu() - cpu
    return {
        "tickers": tickers,
        "refused": refused,
        "jobs": result.workers,
        "batch_pieces": len(requests),
        "failed": {o.ticker: o.error for o in result.failed},
        "seconds": result.seconds,
        "wall_per_min": result.pieces_per_minute,
        "batch_per_min": steady_per_min(result.outcomes),
        "cpu_s_per_piece": cpu / max(len(requests), 1),
    }


def budgets() -> dict:
    """(i) Best of three: the event study of IWM's history, and the scorecard plus the family, data loaded."""
    from analysis import evidence as scenarios
    from analysis.data import Market
    from analysis.model import events as history
    from analysis.model.study import build
    from analysis.summary import required_tickers

    market = Market("snapshot")
    study = build(market, "IWM", "SPY", AS_OF)
    for ticker in required_tickers("IWM", "SPY"):
        market.prices_or_reason(ticker)

    def best(fn) -> float:
        times = []
        for _ in range(3):
            clock = time.perf_counter()
            fn()
            times.append(time.perf_counter() - clock)
        return min(times)

    return {
        "event_study_s": best(lambda: history.event_study(study.series)),
        "score_family_s": best(lambda: (scenarios.score(study, market), scenarios.family(market, study.as_of.session))),
        **track_records(market, best),
    }


def track_records(market, best) -> dict:
    """Best of three per ticker of :data:`TRACK_TICKERS`: the track record of its whole bundled history
    from its study (``record_s``: what a piece pays on top of its study) and with the study's build
    (``with_study_s``: from the loaded data); ``track_record_s`` is the slowest ``record_s``."""
    from analysis import params
    from analysis.model import profile, track_record
    from analysis.model.study import build

    per = {}
    for ticker in TRACK_TICKERS:
        benchmark = params.default_benchmark(ticker)
        kind = profile.assign(ticker, benchmark, quote_type=lambda _symbol: None)
        study = build(market, ticker, benchmark)
        per[ticker] = {
            "sessions": len(study.series),
            "record_s": best(lambda: track_record.for_study(study, kind)),  # noqa: B023 (called at once)
            "with_study_s": best(lambda: track_record.for_study(build(market, ticker, benchmark), kind)),  # noqa: B023
        }
    return {"track_record_s": max(t["record_s"] for t in per.values()), "track_record": per}


def measure(runs: int, jobs: int, project: Path, say=lambda text: None) -> dict:
    """All four, in order; the top-level numbers and the verdicts against :data:`TARGETS` included."""
    say("bench: (f) set-up, a fresh venv from the lock...")
    st = setup(project)
    say(f"bench: (g) make report, piece alone and with its appendices, {runs} runs each...")
    rp = report(runs)
    say("bench: (h) the watchlist batch...")
    bt = batch(jobs)
    say("bench: (i) speed budgets...")
    bd = budgets()
    say(f"bench: (j) quantstats {quantstats.VERSION} HTML tear sheet, same data (its own throwaway venv)...")
    qs = quantstats.measure()
    out = {
        "setup_s": st["setup_s"],
        "report_total_s": rp["report_total_s"],
        "report_piece_only_s": rp["report_piece_only_s"],
        "batch_per_min": bt["batch_per_min"],
        "batch_pieces": bt["batch_pieces"],
        **bd,
        "setup": st,
        "report": rp,
        "watchlist": bt,
        "quantstats": qs,
    }
    out["verdicts"] = {
        "setup_within_10_s": st["ok"] and st["setup_s"] <= TARGETS["setup_s"],
        "report_total_within_1_3x_piece": rp["total_over_piece"] <= TARGETS["report_total_over_piece"],
        "batch_at_45_per_min": bt["batch_per_min"] >= TARGETS["batch_per_min"],
        "batch_of_21_or_more": bt["batch_pieces"] >= TARGETS["batch_pieces"],
        "event_study_within_budget": bd["event_study_s"] <= TARGETS["event_study_s"],
        "score_family_within_budget": bd["score_family_s"] <= TARGETS["score_family_s"],
        "track_record_within_budget": bd["track_record_s"] <= TARGETS["track_record_s"],
    }
    return out


def rows(r: dict) -> list[tuple[str, str, str, str]]:
    """The table rows of :func:`measure`'s results, ``r["user"]`` (the same four columns as
    :func:`analysis.bench.readout.table`), and the single piece against its target (3x the floor)."""
    u, cores = r["user"], r["environment"]["cpu_count"]
    v, st, rp, bt = u["verdicts"], u["setup"], u["report"], u["watchlist"]
    qs = quantstats.row(u["report_total_s"], u.get("quantstats") or {"reason": "not measured in this run"})
    ratio = r["piece_s"] / r["floor_s"]
    return [
        (
            "(b) piece_s against the fresh floor",
            f"{ratio:.1f}x",
            f"<= {PIECE_TARGET:g}x ({ISSUE})",
            ok(ratio <= PIECE_TARGET),
        ),
        (
            "(f) setup_s: make setup, fresh venv from the lock",
            f"{u['setup_s']:.1f} s",
            f"<= {TARGETS['setup_s']:g} s ({ISSUE})",
            f"{ok(v['setup_within_10_s'])} (with {st['installer']})",
        ),
        ("(g) report_piece_only_s: make report RESEARCH=0", f"{u['report_piece_only_s']:.2f} s", "", ""),
        (
            "(g) report_total_s: make report, appendices unchanged",
            f"{u['report_total_s']:.2f} s",
            "<= 1.3x piece only",
            f"{ok(v['report_total_within_1_3x_piece'])} ({rp['total_over_piece']:.2f}x)",
        ),
        ("(g) make report, appendices executed (first run)", f"{rp['cold_total_s']:.2f} s", "", ""),
        (
            f"(h) watchlist: batch_pieces on {bt['jobs']} workers",
            f"{bt['batch_pieces']}",
            ">= 21",
            ok(v["batch_of_21_or_more"]) + (f" ({len(bt['failed'])} failed)" if bt["failed"] else ""),
        ),
        (
            "(h) watchlist: batch_per_min, steady state",
            f"{u['batch_per_min']:.1f}/min",
            f">= {TARGETS['batch_per_min']:g}/min on {cores} cores ({ISSUE})",
            f"{ok(v['batch_at_45_per_min'])} (wall {bt['wall_per_min']:.1f}/min over {bt['seconds']:.0f} s;"
            f" CPU {bt['cpu_s_per_piece']:.2f} s per piece)",
        ),
        (
            "(i) event study of IWM's history, best of 3",
            f"{u['event_study_s'] * 1000:.0f} ms",
            "<= 100 ms",
            ok(v["event_study_within_budget"]),
        ),
        (
            "(i) scorecard + family, data loaded, best of 3",
            f"{u['score_family_s'] * 1000:.0f} ms",
            "<= 500 ms",
            ok(v["score_family_within_budget"]),
        ),
        qs,
        *_track_rows(u),
    ]


def _track_rows(u: dict) -> list[tuple[str, str, str, str]]:
    """(i) The track record of each ticker's whole history, and the slowest against the budget."""
    if "track_record" not in u:  # results written before issue 30
        return []
    rows = [
        (
            f"(i) track record of {ticker}'s whole history ({t['sessions']:,} sessions)",
            f"{t['record_s'] * 1000:.0f} ms",
            "",
            f"{t['with_study_s'] * 1000:.0f} ms with its study",
        )
        for ticker, t in u["track_record"].items()
    ]
    return rows + [
        (
            "(i) track record: track_record_s, the slowest, best of 3",
            f"{u['track_record_s'] * 1000:.0f} ms",
            "< 1 s",
            ok(u["verdicts"]["track_record_within_budget"]),
        )
    ]
