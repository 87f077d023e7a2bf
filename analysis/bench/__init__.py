"""benchmark (not a test): floor, one piece per stage, batch serial vs parallel, summary -> bench/results.json

``make bench`` measures, in one run on this machine, with fixed inputs (the bundled snapshot,
as of 2024-07-08) into temporary reports roots:

(a) the floor, on the set-ups pieces use: *fresh* (what ``make report`` pays: a one-cell
    notebook through :func:`analysis.render.execute.execute` on a kernel papermill starts
    and stops, a blank page printed by a :class:`~analysis.render.browser.Printer` started
    and closed for it) and *warm* (what a batch worker pays per piece after its first: the
    same notebook on a kept :class:`~analysis.render.kernel.Kernel`, the same page on a
    kept Printer);
(b) one full IWM piece, per stage (data, execute, html, pdf, publish), over ``--runs`` runs:
    *fresh* (``analysis.pipeline.report.run`` as ``make report`` calls it) and *warm* (on a kept
    kernel and browser after another piece, as in a batch worker), with the notebook's own
    per-cell times (papermill records them) to show where ``execute`` goes, and the CPU
    seconds of every process involved;
(c) the batch (``$TICKERS``, seven pieces by default) with one worker, then with one per core,
    with the CPU seconds each piece costs (which bounds what more workers could give);
(d) ``python -m analysis summary`` for one ticker: once imported, and cold from the shell;
(e) the start-up trap: whether ``rfc3987-syntax`` is installed, and the import times of
    nbformat, jsonschema, papermill and nbconvert in a fresh interpreter;
(f)-(i) what a user waits for (:mod:`analysis.bench.user`): set-up from the lock, ``make
    report`` with and without its appendices, the 21-piece watchlist batch, speed budgets.

It prints a table and writes ``bench/results.json``; ``bench/README.md`` explains the fields.
The machine may be shared: the load average before and after is recorded with the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

from analysis.bench import cgroup, common
from analysis.bench.common import AS_OF, TARGETS, TICKER
from analysis.bench.measure import batch, environment, floor, piece, summary
from analysis.bench.readout import table, verdicts
from analysis.pipeline.index import write_whole


def add_arguments(p: argparse.ArgumentParser) -> None:
    from analysis.paths import PROJECT_DIR
    from analysis.pipeline.batch import DEFAULT_TICKERS

    p.add_argument(
        "--runs", type=int, default=3, help="repetitions of the floor, the piece and the summary (default 3)"
    )
    p.add_argument(
        "--tickers",
        default=os.environ.get("TICKERS") or DEFAULT_TICKERS,
        help=f'pieces of the batch measurement (default $TICKERS or "{DEFAULT_TICKERS}")',
    )
    p.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="workers of the parallel batch (default: cores)"
    )
    p.add_argument("--output", default=str(PROJECT_DIR / "bench" / "results.json"), help="where to write the results")


#: The user-facing numbers (:mod:`analysis.bench.user`) that the results also carry at the top level.
USER_KEYS = (
    "setup_s",
    "report_total_s",
    "report_piece_only_s",
    "batch_per_min",
    "batch_pieces",
    "event_study_s",
    "score_family_s",
    "track_record_s",
)


def measure_all(args: argparse.Namespace, say) -> dict:
    """Every measurement, (a) to (i), in order: ``{"environment", "floor", "piece", "batch", "summary", "user"}``."""
    from analysis.bench import user
    from analysis.paths import PROJECT_DIR
    from analysis.pipeline.batch import split_tickers

    say("bench: environment and import times...")
    env = environment()
    with tempfile.TemporaryDirectory(prefix="bench-") as work:
        say(f"bench: (a) floor, {args.runs} runs...")
        import nbconvert  # noqa: F401  (imported before the clocks start, as in a batch worker)
        import papermill  # noqa: F401

        fl = floor(Path(work), args.runs)
    say(f"bench: (b) {TICKER} piece, {args.runs} runs fresh, then {args.runs} warm...")
    pc = piece(args.runs)
    tickers = split_tickers(args.tickers)
    say(f"bench: (c) {len(tickers)} pieces, 1 worker then {args.jobs}...")
    bt = batch(tickers, args.jobs)
    say("bench: (d) summary...")
    sm = summary(args.runs)
    waits = user.measure(args.runs, args.jobs, PROJECT_DIR, say)
    return {"environment": env, "floor": fl, "piece": pc, "batch": bt, "summary": sm, "user": waits}


def collect(m: dict, loadavg: dict, started: dt.datetime) -> dict:
    """What ``bench/results.json`` holds: the headline numbers, every measurement, the verdicts."""
    fl, pc, bt, sm, user = m["floor"], m["piece"], m["batch"], m["summary"], m["user"]
    out = {
        "floor_s": fl["floor_s"],
        "warm_floor_s": fl["warm_floor_s"],
        "piece_s": pc["piece_s"],
        "warm_piece_s": pc["warm"]["piece_s"],
        "batch_serial_s": bt["batch_serial_s"],
        "batch_parallel_s": bt["batch_parallel_s"],
        "summary_s": sm["summary_s"],
        **{key: user[key] for key in USER_KEYS},
        "user": user,
        "floor": fl,
        "piece": pc,
        "batch": bt,
        "summary": sm,
        "environment": m["environment"],
        "targets": TARGETS,
        "loadavg": loadavg,
        "as_of": AS_OF,
        "source": "snapshot",
        "started": started.isoformat(timespec="seconds"),
        "seconds": (dt.datetime.now().astimezone() - started).total_seconds(),
    }
    out["verdicts"] = verdicts(out) | user["verdicts"]
    return out


def checked(args: argparse.Namespace) -> Path:
    """The arguments checked before any measuring (a bench runs for minutes): ``--runs`` and ``--jobs`` at
    least 1, ``--tickers`` naming pieces, ``--output`` a file in a folder that is, or can be made, writable.
    Returns the output's path; a bad one is an :class:`~analysis.errors.InputError` (one line, exit 2)."""
    from analysis.errors import InputError
    from analysis.pipeline.batch import plan, split_tickers

    for name, value in (("--runs", args.runs), ("--jobs", args.jobs)):
        if value < 1:
            raise InputError(f"{name} {value} is below 1.", f"Give {name} 1 or more.")
    if not split_tickers(args.tickers):
        raise InputError("--tickers (TICKERS) names no pieces.", 'Give symbols, e.g. TICKERS="IWM QQQ".')
    _, refused = plan(split_tickers(args.tickers), "SPY", AS_OF, "snapshot")
    if refused:  # else found by the batch stage, minutes in
        raise InputError(refused[0].error)
    if not str(args.output).strip():
        raise InputError("--output is empty.", "Give a file's path, e.g. bench/results.json.")
    output = Path(args.output)
    if output.is_dir():
        raise InputError(f"--output {output} is a folder.", "Give a file's path, e.g. bench/results.json.")
    folder = output.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the nearest folder that exists: the rest is made at the end
    try:
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise InputError(f"--output {output} cannot be written: {folder}: {why}.", "Give a writable path.") from None
    return output


def main(args: argparse.Namespace) -> int:
    output = checked(args)
    started = dt.datetime.now().astimezone()
    loadavg = {"before": list(os.getloadavg())}
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    common.GROUP = cgroup.enter()  # CPU of everything the bench starts, where the machine allows
    try:
        measured = measure_all(args, say)
    finally:
        cgroup.leave(common.GROUP)
        common.GROUP = None
    loadavg["after"] = list(os.getloadavg())
    out = collect(measured, loadavg, started)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_whole(output, json.dumps(out, indent=2, default=str) + "\n")  # no half file if stopped while writing
    print(table(out))
    print(f"wrote {output}")
    return 0
