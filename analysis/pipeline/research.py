"""Executing the research notebooks: one papermill run and one HTML export per notebook,
several at once in worker processes, then one atomic publish into ``reports/<as-of>/research/``.

1. validate and load the data once (:func:`analysis.pipeline.report.prepare`: every user error
   surfaces before a kernel starts, and ``SOURCE=auto`` fetches once, then runs on ``local``);
2. execute each notebook in a staging directory, injecting every parameter of the table (the
   knobs asked for, else their defaults: a value saved in the notebook is never published,
   :mod:`analysis.pipeline.cells`);
3. export each to HTML with the piece's template (the formula cells stay, code is hidden);
   (a notebook whose published copy was made from the same inputs, :mod:`analysis.pipeline.research_cache`,
   is not executed again: its copy stands);
4. if every notebook ran, move all files into place (:func:`analysis.render.publish.publish`)
   under one lock per ticker and date; if any failed, publish nothing, keep the failed
   notebooks in ``reports/_failed/`` and raise one error that names each failure.

Why processes: a notebook is ~1 s of kernel start-up and imports, 1-4 s of computing and
drawing in the kernel, and ~0.5 s of HTML export in the parent; run one after the other,
much of that is waiting. Measured for the six notebooks (IWM, 2024-07-08, snapshot) on a
2-core machine shared with other jobs: 24-36 s with ``jobs=1``, 16-21 s with 2 workers,
15-16 s with 3. Workers are ``spawn``-ed (no inherited kernels or threads) and cost ~1 s
each to import papermill, so one notebook, or ``jobs=1``, runs in-process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from analysis.data import Market
from analysis.errors import InputError, OutOfMemory, RenderError, ReportError, oom_kills, out_of_memory
from analysis.notebooks import NOTEBOOKS, RESEARCH_DIR, Notebook, file_name
from analysis.params import Request
from analysis.paths import NOTEBOOK_DIR, inside, listing, nameable, reports_dir
from analysis.pipeline import cells
from analysis.pipeline import research_cache as cache
from analysis.pipeline.pool import process_pool
from analysis.pipeline.report import prepare
from analysis.render import execute, publish
from analysis.summary import required_tickers


@dataclass(frozen=True)
class Job:
    """One notebook to execute (picklable: it travels to a worker process)."""

    notebook: Notebook
    path: Path  # the source notebook
    parameters: dict  # exactly what papermill injects
    stem: str  # the piece's file stem (IWM, IWM_vs_QQQ)
    ticker: str
    as_of: str
    inputs: str = ""  # digest of everything it is made from (analysis.pipeline.research_cache)


@dataclass
class Done:
    """What became of one job: its staged files, or an error (one line) and the partial notebook."""

    name: str
    files: list[Path] = field(default_factory=list)
    error: str = ""
    partial: Path | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class ResearchRun:
    """A published research run."""

    as_of: str
    files: list[Path]
    seconds: float
    workers: int
    #: What its notebooks wrote to stderr (a bug to fix).
    warnings: list[str] = field(default_factory=list)
    #: What the reader of the console should know, as a piece's notes: a source that fell back, a cell lacking a knob.
    notes: list[str] = field(default_factory=list)
    #: Seconds each notebook took (execute + HTML), by name.
    timings: dict[str, float] = field(default_factory=dict)
    #: Notebooks not executed because their published copy was made from the same inputs.
    reused: list[str] = field(default_factory=list)


def select(names: Sequence[str] | None = None) -> list[Notebook]:
    """The notebooks to run, in :data:`NOTEBOOKS` order; an unknown name is an :class:`InputError`."""
    if names is None or (not isinstance(names, str) and not list(names)):
        return list(NOTEBOOKS)
    known = {nb.name: nb for nb in NOTEBOOKS}
    wanted = [n.strip() for item in names for n in item.replace(",", " ").split()]
    if not wanted:  # `--notebooks ""`: ran nothing and said "0 notebooks"
        raise InputError(
            "--notebooks names no notebook.", f"Name one or more of: {', '.join(known)}, or leave it out for all."
        )
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise InputError(
            f"no research notebook is called {', '.join(map(repr, unknown))}.",
            f"Use one or more of: {', '.join(known)}.",
        )
    return [nb for nb in NOTEBOOKS if nb.name in wanted]


def plan(
    request: Request,
    names: Sequence[str] | None = None,
    *,
    market: Market | None = None,
    notebook_dir: Path = NOTEBOOK_DIR,
) -> tuple[str, list[Job], list[str]]:
    """Load the data, resolve the as-of session and build one :class:`Job` per notebook.

    Returns ``(as_of, jobs, notes)``. Each notebook gets every parameter of the table:
    ``ticker, benchmark, as_of`` (the resolved session, so every notebook shows the same day),
    ``source``, and every knob of the request (as the piece used them); a parameters cell that
    does not declare exactly the table's is refused (:func:`analysis.pipeline.cells.check`);
    and the digest of its inputs, from the data ``market`` holds (the run's).
    """
    notebooks = select(names)
    market = market or Market(request.source)
    prepared = prepare(request, market)
    shared = request.research_parameters(prepared.as_of, prepared.parameters["source"])
    notes = list(prepared.notes)
    data = cache.data_inputs(market, required_tickers(request.ticker, request.benchmark), prepared.as_of)
    data += cache.context_inputs(shared["source"], prepared.as_of)
    jobs = []
    for nb in notebooks:
        path = notebook_dir / f"{nb.name}.ipynb"
        if not path.is_file():
            raise RenderError(f"the research notebook {path} is missing.", "Restore it from git.")
        execute.check_notebook(path)  # a corrupt one is a clear error, before any kernel starts
        notes += cells.check(path, nb.name)
        inputs = cache.digest(path, shared, data)
        jobs.append(Job(nb, path, dict(shared), request.stem, request.ticker, prepared.as_of, inputs))
    return prepared.as_of, jobs, notes


def execute_job(job: Job, stage: Path) -> Done:
    """Execute one notebook into ``stage`` and export its HTML; a user-fixable failure becomes ``Done.error``."""
    from analysis import interrupts
    from analysis.render import execute, html

    clock = time.perf_counter()
    done = Done(job.notebook.name)
    nb_path = stage / file_name(job.stem, job.notebook.name, ".ipynb")
    html_path = stage / file_name(job.stem, job.notebook.name, ".html")
    try:
        with interrupts.busy():
            nb = execute.execute(job.path, nb_path, job.parameters)
        html_path.write_text(
            html.to_html(
                nb,
                title=f"{job.ticker} · {job.notebook.title} ({job.as_of})",
                header_left=f"{job.ticker} research · {job.notebook.title}",
                header_right=f"As of {job.as_of}",
            ),
            encoding="utf-8",
        )
    except ReportError as exc:
        done.error, done.partial = str(exc), nb_path
        return done
    except OSError as exc:  # a full disk while the notebook or its HTML was written
        done.error = str(publish.explain(exc, stage))
        return done
    if job.inputs:
        cache.record(nb_path, job.inputs)
    done.warnings = [f"{job.notebook.name}: {w}" for w in execute.stderr_outputs(nb)]
    done.files = [nb_path, html_path]
    done.seconds = time.perf_counter() - clock
    return done


def execute_all(jobs: list[Job], stage: Path, workers: int) -> list[Done]:
    """Run every job, ``workers`` at a time in ``spawn``-ed processes (in-process when 1); results in job order."""
    from analysis import interrupts

    if workers <= 1:
        return [execute_job(job, stage) for job in jobs]
    pool = process_pool(workers, initializer=interrupts.install_worker, alone="with JOBS=1")
    killed_before = oom_kills()
    try:
        futures = [pool.submit(execute_job, job, stage) for job in jobs]
        return [future.result() for future in futures]
    except BrokenProcessPool:  # a worker killed (kill -9, the out-of-memory killer) or unable to start
        if oom_kills() > killed_before:
            raise OutOfMemory(f"a research notebook's worker was stopped: {out_of_memory()}") from None
        raise RenderError(
            "a research worker process died before its notebooks were finished (killed, or out of memory?),"
            " so none was published.",
            "Run it again, with fewer JOBS if memory is short.",
        ) from None
    except KeyboardInterrupt:
        interrupts.stop_pool(pool)  # the workers stop their notebooks and kernels too
        raise
    finally:
        pool.shutdown()


def up_to_date(job: Job, dest: Path) -> bool:
    """Whether ``dest`` holds this notebook's HTML and executed copy made from the same inputs."""
    nb_path = dest / file_name(job.stem, job.notebook.name, ".ipynb")
    return (
        bool(job.inputs)
        and (dest / file_name(job.stem, job.notebook.name, ".html")).is_file()
        and cache.published_digest(nb_path) == job.inputs
    )


def run(
    request: Request,
    *,
    names: Sequence[str] | None = None,
    jobs: int | None = None,
    root: Path | None = None,
    market: Market | None = None,
    notebook_dir: Path = NOTEBOOK_DIR,
    force: bool = False,
) -> ResearchRun:
    """Execute the research notebooks for ``request`` and publish them; returns what was written.

    Files: ``<root>/<as-of>/research/<STEM>_<name>.ipynb`` and ``.html`` for each notebook.
    A notebook whose published copy was made from the same inputs (:func:`up_to_date`) is not
    executed again unless ``force``: it is listed in ``ResearchRun.reused``, not in ``files``.
    Raises a :class:`~analysis.errors.ReportError` for what the user can fix; when a
    notebook fails, nothing is published (an earlier good run stays as it was).
    """
    clock = time.perf_counter()
    root = nameable(root or reports_dir())
    if root.is_dir():
        listing(root)  # one this user cannot list or enter: exit 5, not a traceback
    as_of, planned, notes = plan(request, names, market=market, notebook_dir=notebook_dir)
    dest = inside(root, as_of, RESEARCH_DIR)
    reused = [] if force else [job.notebook.name for job in planned if up_to_date(job, dest)]
    planned = [job for job in planned if job.notebook.name not in reused]
    if not planned:
        return ResearchRun(as_of, [], time.perf_counter() - clock, 0, notes=notes, reused=reused)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(planned)))
    with publish.piece_lock(root, f"{as_of}_{request.stem}_research"), publish.staging(root) as stage:
        results = execute_all(planned, stage, workers)
        failed = [d for d in results if d.error]
        if failed:
            lines = []
            for d in failed:
                kept = publish.keep_failed(d.partial, root, f"{as_of}_{request.stem}_{d.name}") if d.partial else None
                lines.append(d.error + (f" (the failed notebook is kept at {kept})" if kept else ""))
            raise RenderError(
                f"{len(failed)} of {len(results)} research notebooks failed, so none was published: " + "; ".join(lines)
            )
        files = publish.publish([f for d in results for f in d.files], dest)
    return ResearchRun(
        as_of,
        files,
        time.perf_counter() - clock,
        workers,
        warnings=[w for d in results for w in d.warnings],
        notes=notes,
        timings={d.name: d.seconds for d in results},
        reused=reused,
    )
