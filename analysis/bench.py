"""benchmark (not a test): floor, one piece per stage, batch serial vs parallel, summary -> bench/results.json

``make bench`` measures, in one run on this machine, with fixed inputs (the bundled snapshot,
as of 2024-07-08) into temporary reports roots:

(a) the floor: a one-cell notebook through the same kernel set-up as a piece
    (:func:`analysis.render.execute.execute`), plus a blank page printed to PDF by the same
    Chromium with the same flags;
(b) one full IWM piece, per stage (data, execute, html, pdf, publish), over ``--runs`` runs,
    with the notebook's own per-cell times (papermill records them) to show where
    ``execute`` goes;
(c) the batch (``$TICKERS``, seven pieces by default) with one worker, then with one per core,
    with the CPU seconds each piece costs (which bounds what more workers could give);
(d) ``python -m analysis summary`` for one ticker: once imported, and cold from the shell;
(e) the start-up trap: whether ``rfc3987-syntax`` is installed, and the import times of
    nbformat, jsonschema, papermill and nbconvert in a fresh interpreter;
(f) a what-if, not how pieces are made today: the commentary notebook executed by papermill
    on one kernel kept alive across pieces (``km=``, namespace reset in between), as a batch
    worker could, and whether its summary is identical to a fresh kernel's.

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

from analysis.errors import ReportError

AS_OF = "2024-07-08"
TICKER = "IWM"
#: The issue's targets: a piece within 2x the floor, 40 pieces/min on 2 cores, summary < 0.5 s.
TARGETS = {"piece_over_floor": 2.0, "batch_pieces_per_min": 40.0, "summary_s": 0.5}
IMPORTS = ("nbformat", "jsonschema", "papermill", "nbconvert")


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (kernels, Chromium, workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def environment() -> dict:
    """Interpreter, cores, the rfc3987-syntax check and fresh-interpreter import times."""
    import importlib.util

    imports = {}
    for name in IMPORTS:
        out = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {name}"],
                             capture_output=True, text=True, check=True).stderr
        cumulative = [int(line.split("|")[1]) for line in out.splitlines()
                      if line.startswith("import time:") and line.split("|")[2].rstrip() == f" {name}"]
        imports[name] = cumulative[-1] / 1e6 if cumulative else float("nan")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).parent, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        commit = ""
    return {"python": platform.python_version(), "platform": platform.platform(), "cpu_count": os.cpu_count(),
            "rfc3987_syntax_installed": importlib.util.find_spec("rfc3987_syntax") is not None,
            "import_s": imports, "commit": commit}


def floor(work: Path, runs: int) -> dict:
    """(a) A one-cell notebook through :func:`execute.execute`; a blank page through the same Chromium."""
    import nbformat

    from analysis.paths import KERNEL_NAME
    from analysis.render import browser, execute

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}
    source, blank = work / "one-cell.ipynb", work / "blank.html"
    nbformat.write(nb, source)
    blank.write_text("<!DOCTYPE html><html><head><title>blank</title></head><body></body></html>")
    chromium = browser.find()
    notebook_s, pdf_s, notebook_cpu, pdf_cpu = [], [], [], []
    for i in range(runs):
        clock, cpu = time.perf_counter(), _cpu()
        execute.execute(source, work / f"one-cell-out-{i}.ipynb", {})
        notebook_s.append(time.perf_counter() - clock)
        notebook_cpu.append(_cpu() - cpu)
        if chromium:
            # What print_pdf does (a browser started, one page printed, the browser closed),
            # minus its sanity check: a blank page's PDF is smaller than a real piece's.
            clock, cpu = time.perf_counter(), _cpu()
            with browser.Printer(chromium) as printer:
                (work / f"blank-{i}.pdf").write_bytes(printer.pdf_bytes(blank))
            pdf_s.append(time.perf_counter() - clock)
            pdf_cpu.append(_cpu() - cpu)
    return {"notebook_s": notebook_s, "pdf_s": pdf_s, "notebook_cpu_s": _median(notebook_cpu),
            "pdf_cpu_s": _median(pdf_cpu), "chromium": chromium,
            "floor_s": _median(notebook_s) + (_median(pdf_s) if pdf_s else 0.0)}


def _cells(nb_path: Path) -> dict:
    """Split the executed notebook's papermill cell times into import+build, charts, and the rest."""
    nb = json.loads(nb_path.read_text())
    split = {"import_build_s": 0.0, "charts_s": 0.0, "other_cells_s": 0.0}
    for cell in nb["cells"]:
        seconds = (cell.get("metadata", {}).get("papermill", {}) or {}).get("duration") or 0.0
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        key = ("import_build_s" if "Piece.build" in text else "charts_s" if ".chart_" in text else "other_cells_s")
        split[key] += seconds
    return split


def piece(runs: int) -> dict:
    """(b) The IWM piece end to end, ``runs`` times, each into a fresh root; per-stage seconds."""
    from analysis.report import Request, run

    stages: dict[str, list[float]] = {}
    totals, cells, cpu = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-piece-") as root:
            before = _cpu()
            result = run(Request.parse(TICKER, "SPY", AS_OF, "snapshot"), root=Path(root), log=lambda *_: None)
            cpu.append(_cpu() - before)
            if result.pdf_error:
                raise ReportError(f"the benchmark piece printed no PDF: {result.pdf_error}")
            for stage, seconds in result.timings.items():
                stages.setdefault(stage, []).append(seconds)
            totals.append(sum(result.timings.values()))
            cells.append(_cells(next(p for p in result.files if p.suffix == ".ipynb")))
    medians = {stage: _median(values) for stage, values in stages.items()}
    cell_medians = {k: _median([c[k] for c in cells]) for k in cells[0]}
    cell_medians["kernel_overhead_s"] = medians["execute"] - sum(cell_medians.values())
    return {"stages_s": stages, "stage_median_s": medians, "totals_s": totals, "piece_s": _median(totals),
            "execute_split_s": cell_medians, "cpu_s": _median(cpu)}


def batch(tickers: list[str], jobs: int) -> dict:
    """(c) The same pieces with one worker, then with ``jobs`` workers, each into a fresh root."""
    from analysis import batch as engine

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
    out["speedup"] = out["batch_serial_s"] / out["batch_parallel_s"]
    cores = os.cpu_count() or 1
    out["cpu_bound_ceiling_per_min"] = 60.0 * cores / out["parallel_cpu_s_per_piece"]
    return out


def warm_kernel(tickers: list[str]) -> dict:
    """(f) What-if: papermill on one kept-alive kernel (``km=``), ``reset`` between pieces.

    Not how :func:`analysis.report.run` works today (each piece starts a fresh kernel); this
    measures what a batch worker holding one kernel would save, and checks the summary it
    produces for the second piece equals the one computed without a kernel.
    """
    import papermill as pm
    from jupyter_client.blocking import BlockingKernelClient
    from jupyter_core.utils import run_sync

    from analysis.display import JsonOutput
    from analysis.paths import COMMENTARY_NOTEBOOK
    from analysis.piece import Piece
    from analysis.render.execute import find_output
    from analysis.render.kernel import ensure_kernel, kernel_manager_class
    from analysis.report import Request, prepare

    name = ensure_kernel()
    km = kernel_manager_class()(kernel_name=name)
    clock = time.perf_counter()
    run_sync(km.start_kernel)()
    start_s, execute_s, reset_s, summaries = time.perf_counter() - clock, [], [], []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-warm-") as work:
            for ticker in tickers:
                parameters = prepare(Request.parse(ticker, "SPY", AS_OF, "snapshot")).parameters
                clock = time.perf_counter()
                nb = pm.execute_notebook(str(COMMENTARY_NOTEBOOK), str(Path(work) / f"{ticker}.ipynb"),
                                         parameters=parameters, kernel_name=name, km=km, progress_bar=False,
                                         log_output=False, cwd=str(COMMENTARY_NOTEBOOK.parent))
                execute_s.append(time.perf_counter() - clock)
                summaries.append(find_output(nb, JsonOutput.MIME))
                clock = time.perf_counter()
                client = BlockingKernelClient()
                client.load_connection_info(km.get_connection_info())
                client.start_channels()
                client.execute_interactive("get_ipython().reset(new_session=True, aggressive=False)",
                                           store_history=False, timeout=30, output_hook=lambda msg: None)
                client.stop_channels()
                reset_s.append(time.perf_counter() - clock)
    finally:
        run_sync(km.shutdown_kernel)(now=True)
    reference = json.loads(json.dumps(Piece.build(tickers[1], "SPY", AS_OF, "snapshot").summary))
    return {"tickers": tickers, "kernel_start_s": start_s, "execute_s": execute_s, "reset_s": reset_s,
            "warm_execute_s": _median(execute_s[1:]), "second_summary_identical": summaries[1] == reference}


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
    out = subprocess.run([sys.executable, "-c", _SUMMARY_SCRIPT, TICKER, AS_OF, str(runs)],
                         capture_output=True, text=True, check=True)
    inner = json.loads(out.stdout)
    clock = time.perf_counter()
    subprocess.run([sys.executable, "-m", "analysis", "summary", "--ticker", TICKER, "--as-of", AS_OF,
                    "--source", "snapshot"], stdout=subprocess.DEVNULL, check=True)
    return {**inner, "summary_s": _median(inner["calls_s"]), "cold_cli_s": time.perf_counter() - clock}


def verdicts(r: dict) -> dict:
    ratio = r["piece_s"] / r["floor_s"]
    return {"piece_over_floor": ratio, "piece_within_2x_floor": ratio <= TARGETS["piece_over_floor"],
            "batch_at_40_per_min": r["batch"]["parallel_pieces_per_min"] >= TARGETS["batch_pieces_per_min"],
            "summary_under_0_5_s": r["summary_s"] < TARGETS["summary_s"]}


def table(r: dict) -> str:
    """The results as a plain-text table (also what bench/README.md shows)."""
    f, p, b, s, env, v = r["floor"], r["piece"], r["batch"], r["summary"], r["environment"], r["verdicts"]
    ok = lambda flag: "met" if flag else "MISSED"  # noqa: E731
    cores = env["cpu_count"]
    rows = [
        ("(a) floor: one-cell notebook, same kernel set-up", f"{_median(f['notebook_s']):.2f} s", "", ""),
        ("(a) floor: blank page to PDF, same Chromium", f"{_median(f['pdf_s']):.2f} s" if f["pdf_s"] else "no Chromium", "", ""),
        ("(a) floor_s", f"{r['floor_s']:.2f} s", "", ""),
        ("(a) floor CPU (all processes): notebook + PDF", f"{f['notebook_cpu_s']:.2f} + {f['pdf_cpu_s']:.2f} s", "", ""),
    ]
    rows += [(f"(b) IWM piece: {stage}", f"{seconds:.2f} s", "", "") for stage, seconds in p["stage_median_s"].items()]
    split = p["execute_split_s"]
    rows += [("      execute: kernel start and stop", f"{split['kernel_overhead_s']:.2f} s", "", ""),
             ("      execute: cell importing analysis, Piece.build", f"{split['import_build_s']:.2f} s", "", ""),
             ("      execute: chart cells", f"{split['charts_s']:.2f} s", "", ""),
             ("      execute: text cells", f"{split['other_cells_s']:.2f} s", "", "")]
    rows += [
        (f"(b) piece_s (median of {len(p['totals_s'])})", f"{r['piece_s']:.2f} s", "<= 2x floor",
         f"{ok(v['piece_within_2x_floor'])} ({v['piece_over_floor']:.1f}x)"),
        ("(b) CPU per piece (all processes)", f"{p['cpu_s']:.2f} s", "", ""),
        (f"(c) {len(b['tickers'])} pieces, 1 worker: batch_serial_s", f"{r['batch_serial_s']:.1f} s",
         "", f"{b['serial_pieces_per_min']:.1f}/min"),
        (f"(c) {len(b['tickers'])} pieces, {b['parallel_workers']} workers: batch_parallel_s",
         f"{r['batch_parallel_s']:.1f} s", f">= {TARGETS['batch_pieces_per_min']:.0f}/min on {cores} cores",
         f"{ok(v['batch_at_40_per_min'])} ({b['parallel_pieces_per_min']:.1f}/min, {b['speedup']:.2f}x)"),
        ("(c) CPU per piece in the batch", f"{b['parallel_cpu_s_per_piece']:.2f} s", "",
         f"ceiling {b['cpu_bound_ceiling_per_min']:.0f}/min on {cores} cores"),
        ("(d) summary once imported: summary_s", f"{r['summary_s'] * 1000:.0f} ms", "< 0.5 s", ok(v["summary_under_0_5_s"])),
        ("(d) summary: first call (imports pandas...)", f"{s['first_call_s']:.2f} s", "", ""),
        ("(d) summary: cold `python -m analysis summary`", f"{s['cold_cli_s']:.2f} s", "", ""),
        ("(e) rfc3987-syntax installed", "yes" if env["rfc3987_syntax_installed"] else "no", "no",
         ok(not env["rfc3987_syntax_installed"])),
    ]
    rows += [(f"(e) import {name} (fresh interpreter)", f"{seconds:.2f} s", "", "") for name, seconds in env["import_s"].items()]
    w = r.get("warm_kernel")
    if w:
        rows += [("(f) what-if: execute on a kept-alive kernel", f"{w['warm_execute_s']:.2f} s", "",
                  f"vs {p['stage_median_s']['execute']:.2f} s fresh; reset {_median(w['reset_s']):.2f} s;"
                  f" summary identical: {'yes' if w['second_summary_identical'] else 'NO'}")]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}".rstrip() for row in rows]
    load = r["loadavg"]
    lines.append(f"load average (1 min) before/after: {load['before'][0]:.2f}/{load['after'][0]:.2f} on {cores} cores;"
                 f" Python {env['python']}; commit {env['commit'] or '?'}")
    return "\n".join(lines)


def add_arguments(p: argparse.ArgumentParser) -> None:
    from analysis.batch import DEFAULT_TICKERS
    from analysis.paths import PROJECT_DIR

    p.add_argument("--runs", type=int, default=3, help="repetitions of the floor, the piece and the summary (default 3)")
    p.add_argument("--tickers", default=os.environ.get("TICKERS") or DEFAULT_TICKERS,
                   help=f'pieces of the batch measurement (default $TICKERS or "{DEFAULT_TICKERS}")')
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers of the parallel batch (default: cores)")
    p.add_argument("--output", default=str(PROJECT_DIR / "bench" / "results.json"), help="where to write the results")


def main(args: argparse.Namespace) -> int:
    from analysis.batch import split_tickers

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
    say(f"bench: (b) {TICKER} piece, {args.runs} runs...")
    pc = piece(args.runs)
    tickers = split_tickers(args.tickers)
    say(f"bench: (c) {len(tickers)} pieces, 1 worker then {args.jobs}...")
    bt = batch(tickers, args.jobs)
    say("bench: (d) summary...")
    sm = summary(args.runs)
    say("bench: (f) what-if: one kept-alive kernel...")
    wk = warm_kernel(tickers[:3] if len(tickers) >= 3 else [TICKER, "QQQ", "SMH"])
    loadavg["after"] = list(os.getloadavg())
    results = {
        "floor_s": fl["floor_s"], "piece_s": pc["piece_s"], "batch_serial_s": bt["batch_serial_s"],
        "batch_parallel_s": bt["batch_parallel_s"], "summary_s": sm["summary_s"],
        "floor": fl, "piece": pc, "batch": bt, "summary": sm, "warm_kernel": wk, "environment": env, "targets": TARGETS,
        "loadavg": loadavg, "as_of": AS_OF, "source": "snapshot",
        "started": started.isoformat(timespec="seconds"),
        "seconds": (dt.datetime.now().astimezone() - started).total_seconds(),
    }
    results["verdicts"] = verdicts(results)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(table(results))
    print(f"wrote {output}")
    return 0
