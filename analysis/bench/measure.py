"""The benchmark's measurements (a)-(e): the floor, one piece per stage, the batch, the summary, the environment."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from analysis.bench import common
from analysis.bench.common import AS_OF, IMPORTS, TARGETS, TICKER, WARM_UP, _cpu, _median, _warm_cpu
from analysis.errors import ReportError
from analysis.view import ahead


def _git(project: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=project, timeout=10)
    return done.stdout.strip() if done.returncode == 0 else ""


def commit(project: Path = Path(__file__).resolve().parents[2]) -> str:
    """The commit the measured code is (short), ``<commit>-dirty`` when the tree has changes to tracked files, and
    ``""`` when that cannot be said: no git, no repository, or a repository whose top folder is not the project's
    (a copy inside a user's own repository would be stamped with that repository's commit)."""
    try:
        top = _git(project, "rev-parse", "--show-toplevel")
        if not top or Path(top).resolve() != project.resolve():
            return ""
        head = _git(project, "rev-parse", "--short", "HEAD")
        dirty = _git(project, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return f"{head}-dirty" if head and dirty else head


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
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "rfc3987_syntax_installed": importlib.util.find_spec("rfc3987_syntax") is not None,
        "import_s": imports,
        "commit": commit(),
        "cpu_meter": common.cpu_meter(),
    }


def floor(work: Path, runs: int) -> dict:
    """(a) A one-cell notebook through :func:`execute.execute` and a blank page through a
    :class:`browser.Printer`: fresh (started and stopped for each) and warm (kept alive)."""
    import nbformat

    from analysis.paths import KERNEL_NAME
    from analysis.render import browser, chromium_install, execute
    from analysis.render.kernel import Kernel

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}
    source, blank = work / "one-cell.ipynb", work / "blank.html"
    nbformat.write(nb, source)
    blank.write_text("<!DOCTYPE html><html><head><title>blank</title></head><body></body></html>")
    chromium = chromium_install.find()
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
    import+build, charts (the family chart apart: a warm kernel reuses it), and the rest.

    A chart cell is a ``.chart_`` call or any cell whose output embeds a PNG: page one and the
    sections that show their chart under their heading (century, economy, scorecard) draw too."""
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
            if ".chart_" in text or _draws(cell)
            else "other_cells_s"
        )
        split[key] += seconds
    return split


def _draws(cell: dict) -> bool:
    """Whether a cell's output shows a chart (a PNG of its own, or one embedded in its HTML)."""
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        html = data.get("text/html", "")
        if "image/png" in data or "data:image/png" in ("".join(html) if isinstance(html, list) else html):
            return True
    return False


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
    # as in a batch worker (analysis.pipeline.work.worker_tools): no chart child on a kept kernel
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
        code = cli.main(argv)  # not in an assert: PYTHONOPTIMIZE=1 would strip the very call measured
    if code:
        raise SystemExit(code)
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
