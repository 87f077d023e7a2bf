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
(f)-(i) what a user waits for (:mod:`analysis.bench_user`): set-up from the lock, ``make
    report`` with and without its appendices, the 21-piece watchlist batch, speed budgets.

It prints a table and writes ``bench/results.json``; ``bench/README.md`` explains the fields.
The machine may be shared: the load average before and after is recorded with the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from analysis.errors import ReportError
from analysis.view import ahead

AS_OF = "2024-07-08"
TICKER = "IWM"
#: The issue's targets: a piece within 2x the floor, 40 pieces/min on 2 cores, summary < 0.5 s.
TARGETS = {"piece_over_floor": 2.0, "batch_pieces_per_min": 40.0, "summary_s": 0.5}
#: The other ticker a warm piece follows (so its kernel and browser have served a piece before).
WARM_UP = "QQQ"
IMPORTS = ("nbformat", "jsonschema", "papermill", "nbconvert")


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (kernels, Chromium, workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _tree_cpu(pid: int | None) -> float:
    """CPU seconds of a running process and its descendants, including their reaped children
    (a kept kernel or browser is never reaped during the measurement, so rusage misses it)."""
    import psutil  # an ipykernel dependency

    if not pid:
        return 0.0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for proc in procs:
        try:
            t = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def _warm_cpu(kernel, printer) -> float:
    """CPU seconds so far of this process, a kept kernel and a kept browser."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime + _tree_cpu(kernel.pid) + _tree_cpu(printer.pid)


def environment() -> dict:
    """Interpreter, cores, the rfc3987-syntax check and fresh-interpreter import times."""
    import importlib.util

    imports = {}
    for name in IMPORTS:
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {name}"], capture_output=True, text=True, check=True
        ).stderr
        cumulative = [
            int(line.split("|")[1])
            for line in out.splitlines()
            if line.startswith("import time:") and line.split("|")[2].rstrip() == f" {name}"
        ]
        imports[name] = cumulative[-1] / 1e6 if cumulative else float("nan")
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).parent,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        commit = ""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "rfc3987_syntax_installed": importlib.util.find_spec("rfc3987_syntax") is not None,
        "import_s": imports,
        "commit": commit,
    }


def floor(work: Path, runs: int) -> dict:
    """(a) A one-cell notebook through :func:`execute.execute` and a blank page through a
    :class:`browser.Printer`: fresh (started and stopped for each) and warm (kept alive)."""
    import nbformat

    from analysis.paths import KERNEL_NAME
    from analysis.render import browser, execute
    from analysis.render.kernel import Kernel

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}
    source, blank = work / "one-cell.ipynb", work / "blank.html"
    nbformat.write(nb, source)
    blank.write_text("<!DOCTYPE html><html><head><title>blank</title></head><body></body></html>")
    chromium = browser.find()
    notebook_s, pdf_s, notebook_cpu, pdf_cpu = [], [], [], []
    for i in range(runs):
        # As a single piece does it (analysis.pipeline.report.run): the browser is started, not waited
        # for, before the notebook runs, prints once after it, and is closed; its start-up
        # overlaps the kernel's. The PDF part is from the notebook's end to the browser's exit.
        clock, cpu = time.perf_counter(), _cpu()
        with browser.Printer(chromium) as printer:
            if chromium:
                printer.start()
            execute.execute(source, work / f"one-cell-out-{i}.ipynb", {})
            middle, middle_cpu = time.perf_counter(), _cpu()
            if chromium:  # no whole-PDF check: a blank page's PDF is smaller than a real piece's
                (work / f"blank-{i}.pdf").write_bytes(printer.pdf_bytes(blank))
        notebook_s.append(middle - clock)
        notebook_cpu.append(middle_cpu - cpu)
        if chromium:
            pdf_s.append(time.perf_counter() - middle)
            pdf_cpu.append(_cpu() - middle_cpu)  # Chromium's CPU is counted when it is reaped, here
    warm_notebook_s, warm_pdf_s, warm_cpu = [], [], []
    with Kernel() as kernel, browser.Printer(chromium) as printer:
        for i in range(runs + 1):  # the first run starts them: not counted
            cpu = _warm_cpu(kernel, printer)
            clock = time.perf_counter()
            execute.execute(source, work / f"warm-one-cell-{i}.ipynb", {}, kernel=kernel)
            middle = time.perf_counter()
            if chromium:
                printer.pdf_bytes(blank)
            if i:
                warm_notebook_s.append(middle - clock)
                warm_pdf_s.append(time.perf_counter() - middle if chromium else 0.0)
                warm_cpu.append(_warm_cpu(kernel, printer) - cpu)
    return {
        "notebook_s": notebook_s,
        "pdf_s": pdf_s,
        "notebook_cpu_s": _median(notebook_cpu),
        "pdf_cpu_s": _median(pdf_cpu),
        "chromium": chromium,
        "floor_s": _median(notebook_s) + (_median(pdf_s) if pdf_s else 0.0),
        "warm_notebook_s": warm_notebook_s,
        "warm_pdf_s": warm_pdf_s,
        "warm_cpu_s": _median(warm_cpu),
        "warm_floor_s": _median(warm_notebook_s) + _median(warm_pdf_s),
    }


def _cells(nb_path: Path | dict) -> dict:
    """Split the executed notebook's papermill cell times (a notebook, or its file) into
    import+build, charts (the family chart apart: a warm kernel reuses it), and the rest."""
    nb = nb_path if isinstance(nb_path, dict) else json.loads(nb_path.read_text())
    split = {"import_build_s": 0.0, "charts_s": 0.0, "family_chart_s": 0.0, "other_cells_s": 0.0}
    for cell in nb["cells"]:
        seconds = (cell.get("metadata", {}).get("papermill", {}) or {}).get("duration") or 0.0
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        key = (
            "import_build_s"
            if "Piece.build" in text
            else "family_chart_s"
            if ".chart_family" in text
            else "charts_s"
            if ".chart_" in text
            else "other_cells_s"
        )
        split[key] += seconds
    return split


def _stages(results: list, cells: list[dict], cpu: list[float]) -> dict:
    stages: dict[str, list[float]] = {}
    for result in results:
        for stage, seconds in result.timings.items():
            stages.setdefault(stage, []).append(seconds)
    totals = [sum(r.timings.values()) for r in results]
    medians = {stage: _median(values) for stage, values in stages.items()}
    cell_medians = {k: _median([c[k] for c in cells]) for k in cells[0]}
    cell_medians["kernel_overhead_s"] = medians["execute"] - sum(cell_medians.values())
    return {
        "stages_s": stages,
        "stage_median_s": medians,
        "totals_s": totals,
        "piece_s": _median(totals),
        "execute_split_s": cell_medians,
        "cpu_s": _median(cpu),
    }


def piece(runs: int) -> dict:
    """(b) The IWM piece end to end, ``runs`` times fresh, then ``runs`` times warm, each into a
    fresh root; per-stage seconds and CPU (this process, the kernel, Chromium)."""
    from analysis.pipeline.report import Request, run
    from analysis.render.browser import Printer
    from analysis.render.kernel import Kernel

    def once(root: Path, **tools):
        result = run(Request.parse(TICKER, "SPY", AS_OF, "snapshot"), root=root, log=lambda *_: None, **tools)
        if result.pdf_error:
            raise ReportError(f"the benchmark piece printed no PDF: {result.pdf_error}")
        return result, _cells(result.notebook)  # as it ran: the published file leaves the clock out

    fresh, fresh_cells, fresh_cpu = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-piece-") as root:
            before = _cpu()
            result, cells = once(Path(root))
            fresh_cpu.append(_cpu() - before)
            fresh.append(result)
            fresh_cells.append(cells)
    warm, warm_cells, warm_cpu = [], [], []
    # as in a batch worker (analysis.pipeline.batch.worker_tools): no chart child on a kept kernel
    with (
        mock.patch.dict(os.environ, {ahead.ENV: "0"}),
        Kernel() as kernel,
        Printer() as printer,
        tempfile.TemporaryDirectory(prefix="bench-warm-") as root,
    ):
        run(
            Request.parse(WARM_UP, "SPY", AS_OF, "snapshot"),
            root=Path(root),
            log=lambda *_: None,
            kernel=kernel,
            printer=printer,
        )
        for i in range(runs):
            before = _warm_cpu(kernel, printer)
            result, cells = once(Path(root) / str(i), kernel=kernel, printer=printer)
            warm_cpu.append(_warm_cpu(kernel, printer) - before)
            warm.append(result)
            warm_cells.append(cells)
        kernels, browsers = kernel.started, printer.started
    out = _stages(fresh, fresh_cells, fresh_cpu)
    out["warm"] = {
        **_stages(warm, warm_cells, warm_cpu),
        "warm_up": WARM_UP,
        "kernels_started": kernels,
        "browsers_started": browsers,
    }
    return out


def batch(tickers: list[str], jobs: int) -> dict:
    """(c) The same pieces with one worker, then with ``jobs`` workers, each into a fresh root."""
    from analysis.pipeline import batch as engine

    requests, refused = engine.plan(tickers, "SPY", AS_OF, "snapshot")
    if refused:
        raise ReportError(f"bench tickers refused: {'; '.join(o.error for o in refused)}")
    out = {"tickers": [r.ticker for r in requests], "jobs": jobs}
    for label, workers in (("serial", 1), ("parallel", jobs)):
        with tempfile.TemporaryDirectory(prefix=f"bench-batch-{label}-") as root:
            before = _cpu()
            result = engine.run_batch(requests, Path(root), jobs=workers)
            cpu = _cpu() - before
        if result.failed:
            raise ReportError(f"bench batch ({label}) failed: {engine.line(result.failed[0])}")
        out[f"batch_{label}_s"] = result.seconds
        out[f"{label}_pieces_per_min"] = result.pieces_per_minute
        out[f"{label}_cpu_s_per_piece"] = cpu / len(requests)
        out[f"{label}_workers"] = result.workers
        out[f"{label}_kernels_started"] = len({(o.pid, o.kernel_pid) for o in result.outcomes})
    out["speedup"] = out["batch_serial_s"] / out["batch_parallel_s"]
    cores = os.cpu_count() or 1
    out["cpu_bound_ceiling_per_min"] = 60.0 * cores / out["parallel_cpu_s_per_piece"]
    out["cpu_s_per_piece_for_target"] = 60.0 * cores / TARGETS["batch_pieces_per_min"]
    return out


_SUMMARY_SCRIPT = """
import contextlib, io, json, sys, time
t0 = time.perf_counter()
from analysis import cli
t1 = time.perf_counter()
argv = ["summary", "--ticker", sys.argv[1], "--as-of", sys.argv[2], "--source", "snapshot"]
runs = []
for _ in range(int(sys.argv[3]) + 1):
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert cli.main(argv) == 0
    runs.append(time.perf_counter() - start)
json.loads(out.getvalue())
print(json.dumps({"import_s": t1 - t0, "first_call_s": runs[0], "calls_s": runs[1:]}))
"""


def summary(runs: int) -> dict:
    """(d) ``python -m analysis summary``: in a fresh interpreter, calls after the first; and cold."""
    out = subprocess.run(
        [sys.executable, "-c", _SUMMARY_SCRIPT, TICKER, AS_OF, str(runs)], capture_output=True, text=True, check=True
    )
    inner = json.loads(out.stdout)
    clock = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "analysis", "summary", "--ticker", TICKER, "--as-of", AS_OF, "--source", "snapshot"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return {**inner, "summary_s": _median(inner["calls_s"]), "cold_cli_s": time.perf_counter() - clock}


def verdicts(r: dict) -> dict:
    """The targets, each against what it is about: a single piece (``make report``: a fresh
    kernel and browser) against the fresh floor; a batch piece (kept kernel and browser)
    against the same fresh floor, i.e. against the start-up cost it no longer pays."""
    ratio, warm = r["piece_s"] / r["floor_s"], r["warm_piece_s"] / r["floor_s"]
    limit = TARGETS["piece_over_floor"]
    return {
        "piece_over_floor": ratio,
        "piece_within_2x_floor": ratio <= limit,
        "warm_piece_over_floor": warm,
        "warm_piece_within_2x_floor": warm <= limit,
        "batch_at_40_per_min": r["batch"]["parallel_pieces_per_min"] >= TARGETS["batch_pieces_per_min"],
        "summary_under_0_5_s": r["summary_s"] < TARGETS["summary_s"],
    }


def _piece_rows(label: str, p: dict) -> list[tuple[str, str, str, str]]:
    rows = [(f"(b) {label}: {stage}", f"{seconds:.2f} s", "", "") for stage, seconds in p["stage_median_s"].items()]
    split = p["execute_split_s"]
    return rows + [
        ("      execute: kernel overhead (start/stop, papermill)", f"{split['kernel_overhead_s']:.2f} s", "", ""),
        ("      execute: cell importing analysis, Piece.build", f"{split['import_build_s']:.2f} s", "", ""),
        ("      execute: chart cells but the family chart", f"{split['charts_s']:.2f} s", "", ""),
        ("      execute: family chart cell", f"{split['family_chart_s']:.2f} s", "", ""),
        ("      execute: text cells", f"{split['other_cells_s']:.2f} s", "", ""),
    ]


def table(r: dict) -> str:
    """The results as a plain-text table (also what bench/README.md shows)."""
    f, p, b, s, env, v = r["floor"], r["piece"], r["batch"], r["summary"], r["environment"], r["verdicts"]
    w = p["warm"]
    ok = lambda flag: "met" if flag else "MISSED"  # noqa: E731
    cores = env["cpu_count"]
    rows = [
        ("(a) fresh floor: one-cell notebook, new kernel", f"{_median(f['notebook_s']):.2f} s", "", ""),
        (
            "(a) fresh floor: blank page to PDF, Chromium started alongside",
            f"{_median(f['pdf_s']):.2f} s" if f["pdf_s"] else "no Chromium",
            "",
            "",
        ),
        ("(a) floor_s (fresh)", f"{r['floor_s']:.2f} s", "", ""),
        (
            "(a) fresh floor CPU (all processes): notebook + PDF",
            f"{f['notebook_cpu_s']:.2f} + {f['pdf_cpu_s']:.2f} s",
            "",
            "",
        ),
        (
            "(a) warm floor: same, on a kept kernel and Chromium",
            f"{_median(f['warm_notebook_s']):.2f} + {_median(f['warm_pdf_s']):.2f} s",
            "",
            f"{f['warm_floor_s']:.2f} s, CPU {f['warm_cpu_s']:.2f} s",
        ),
    ]
    rows += _piece_rows("fresh IWM piece", p)
    rows += [
        (
            f"(b) piece_s, fresh (median of {len(p['totals_s'])})",
            f"{r['piece_s']:.2f} s",
            "<= 2x fresh floor",
            f"{ok(v['piece_within_2x_floor'])} ({v['piece_over_floor']:.1f}x)",
        ),
        ("(b) CPU per fresh piece (all processes)", f"{p['cpu_s']:.2f} s", "", ""),
    ]
    rows += _piece_rows(f"warm IWM piece (after {w['warm_up']})", w)
    rows += [
        (
            f"(b) warm_piece_s (median of {len(w['totals_s'])})",
            f"{r['warm_piece_s']:.2f} s",
            "<= 2x fresh floor",
            f"{ok(v['warm_piece_within_2x_floor'])} ({v['warm_piece_over_floor']:.1f}x; {r['warm_piece_s'] / f['warm_floor_s']:.0f}x"
            " the warm floor)",
        ),
        ("(b) CPU per warm piece (this process, kernel, Chromium)", f"{w['cpu_s']:.2f} s", "", ""),
        (
            f"(c) {len(b['tickers'])} pieces, 1 worker: batch_serial_s",
            f"{r['batch_serial_s']:.1f} s",
            "",
            f"{b['serial_pieces_per_min']:.1f}/min",
        ),
        (
            f"(c) {len(b['tickers'])} pieces, {b['parallel_workers']} workers: batch_parallel_s",
            f"{r['batch_parallel_s']:.1f} s",
            f">= {TARGETS['batch_pieces_per_min']:.0f}/min on {cores} cores",
            f"{ok(v['batch_at_40_per_min'])} ({b['parallel_pieces_per_min']:.1f}/min, {b['speedup']:.2f}x,"
            f" {b['parallel_kernels_started']} kernels)",
        ),
        (
            "(c) CPU per piece in the batch",
            f"{b['parallel_cpu_s_per_piece']:.2f} s",
            "",
            f"ceiling {b['cpu_bound_ceiling_per_min']:.0f}/min on {cores} cores;"
            f" 40/min needs <= {b['cpu_s_per_piece_for_target']:.1f} s",
        ),
        (
            "(c) long batch: CPU per warm piece (b), start-up amortized",
            f"{w['cpu_s']:.2f} s",
            "",
            f"ceiling {60.0 * cores / w['cpu_s']:.0f}/min on {cores} cores",
        ),
        (
            "(d) summary once imported: summary_s",
            f"{r['summary_s'] * 1000:.0f} ms",
            "< 0.5 s",
            ok(v["summary_under_0_5_s"]),
        ),
        ("(d) summary: first call (imports pandas...)", f"{s['first_call_s']:.2f} s", "", ""),
        ("(d) summary: cold `python -m analysis summary`", f"{s['cold_cli_s']:.2f} s", "", ""),
        (
            "(e) rfc3987-syntax installed",
            "yes" if env["rfc3987_syntax_installed"] else "no",
            "no",
            ok(not env["rfc3987_syntax_installed"]),
        ),
    ]
    rows += [
        (f"(e) import {name} (fresh interpreter)", f"{seconds:.2f} s", "", "")
        for name, seconds in env["import_s"].items()
    ]
    if "user" in r:  # (f)-(i): what the user waits for (analysis.bench_user)
        from analysis import bench_user

        rows += bench_user.rows(r)
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}".rstrip() for row in rows]
    load = r["loadavg"]
    lines.append(
        f"load average (1 min) before/after: {load['before'][0]:.2f}/{load['after'][0]:.2f} on {cores} cores;"
        f" Python {env['python']}; commit {env['commit'] or '?'}"
    )
    return "\n".join(lines)


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


def main(args: argparse.Namespace) -> int:
    from analysis.pipeline.batch import split_tickers

    started = dt.datetime.now().astimezone()
    loadavg = {"before": list(os.getloadavg())}
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
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
    from analysis import bench_user
    from analysis.paths import PROJECT_DIR

    user = bench_user.measure(args.runs, args.jobs, PROJECT_DIR, say)
    loadavg["after"] = list(os.getloadavg())
    results = {
        "floor_s": fl["floor_s"],
        "warm_floor_s": fl["warm_floor_s"],
        "piece_s": pc["piece_s"],
        "warm_piece_s": pc["warm"]["piece_s"],
        "batch_serial_s": bt["batch_serial_s"],
        "batch_parallel_s": bt["batch_parallel_s"],
        "summary_s": sm["summary_s"],
        **{
            key: user[key]
            for key in (
                "setup_s",
                "report_total_s",
                "report_piece_only_s",
                "batch_per_min",
                "batch_pieces",
                "event_study_s",
                "score_family_s",
            )
        },
        "user": user,
        "floor": fl,
        "piece": pc,
        "batch": bt,
        "summary": sm,
        "environment": env,
        "targets": TARGETS,
        "loadavg": loadavg,
        "as_of": AS_OF,
        "source": "snapshot",
        "started": started.isoformat(timespec="seconds"),
        "seconds": (dt.datetime.now().astimezone() - started).total_seconds(),
    }
    results["verdicts"] = verdicts(results) | user["verdicts"]
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(table(results))
    print(f"wrote {output}")
    return 0
