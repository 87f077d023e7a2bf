"""write several pieces in parallel (TICKERS, or --family), then rebuild reports/index.html

``make reports TICKERS="IWM QQQ SMH"`` and ``make family`` come here. Each piece is the
same :func:`analysis.pipeline.report.run` call as ``make report`` (papermill's Python API, in
process), executed in a pool of worker processes, one per core by default. Every worker
holds one :class:`~analysis.data.Market`, so each price series is read once per worker,
not once per piece; one kept-alive kernel (:class:`~analysis.render.kernel.Kernel`, reset
to a fresh session before each piece, replaced after any failure); and one headless
Chromium (:class:`~analysis.render.browser.Printer`), so a piece pays neither a kernel
start nor a browser start after the worker's first (:mod:`analysis.pipeline.work`).

A piece that fails (a bad ticker, missing data, a notebook error) is reported on its own
line and the others still finish; the exit code is 1 if any piece failed. Afterwards the
index page is regenerated (:func:`analysis.pipeline.index.write_index`).

``--engine dask`` runs the same call on Dask workers instead (see :mod:`analysis.pipeline.distributed`
and ``docs/scaling.md``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from analysis import params
from analysis.errors import InputError, ReportError
from analysis.pipeline.work import Outcome, Work, failed, init_worker, write_piece

DEFAULT_TICKERS = "IWM QQQ SMH XRT IYT KRE IBB"
ENGINES = ("local", "dask")


@dataclass
class Batch:
    """A finished batch: one outcome per requested piece, in the order asked."""

    outcomes: list[Outcome]
    seconds: float
    workers: int
    engine: str = "local"

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    @property
    def pieces_per_minute(self) -> float:
        """Pieces written per minute of wall-clock time (failed ones do not count)."""
        written = len(self.outcomes) - len(self.failed)
        return 60.0 * written / self.seconds if self.seconds > 0 else 0.0


# -- planning (parent process) --------------------------------------------------------------


def split_tickers(value: str | Sequence[str]) -> list[str]:
    """``"IWM, qqq IWM"`` or ``["IWM", "QQQ"]`` -> items as typed, blanks dropped (no validation)."""
    items = [value] if isinstance(value, str) else list(value)
    return [t for item in items for t in item.replace(",", " ").split()]


def family_tickers() -> tuple[list[str], str | None]:
    """The Economic Modern Family's tickers and benchmark, from ``analysis/config/family.toml``."""
    from analysis import config
    from analysis.evidence.family import members

    listed, benchmark, _ = members()  # validated: a member without a ticker is named, with the fix
    given = "benchmark" in config.load("family")  # else --benchmark (BENCHMARK) applies
    return [m["ticker"] for m in listed], benchmark if given else None


def plan(
    tickers: Iterable[str],
    benchmark: str | None = None,
    as_of: str | None = None,
    source: str | None = None,
    **knobs: object,
) -> tuple[list, list[Outcome]]:
    """Validate each ticker into a :class:`~analysis.pipeline.report.Request`; returns ``(requests, refused)``.

    ``knobs`` are the knobs of every piece (``fast=20``: each piece is then ``<TICKER>_fast20``).

    A bad ticker does not stop the batch: it becomes a failed :class:`Outcome`. Duplicates
    (after upper-casing) are dropped, the order is kept. What every piece shares (AS_OF, SOURCE,
    CONFIRM_N) is checked first: a bad one is the batch's :class:`~analysis.errors.InputError`
    (one line, exit 2, nothing written), not one failed piece per ticker.
    """
    from analysis import params
    from analysis.params import PIECE_PARAMETERS, Request

    check = {p.name: p.validate for p in PIECE_PARAMETERS}
    for name, value in (("as_of", as_of), ("source", source)):
        check[name](value)
    params.Knobs.parse(**knobs)  # a bad knob is the whole batch's error (exit 2), not one line per ticker
    requests, refused, seen = [], [], set()
    for raw in tickers:
        now = time.time()
        try:
            params.ticker(raw, what="TICKERS")  # so a bad one is named as the TICKERS entry it is
            request = Request.parse(raw, benchmark, as_of, source, **knobs)
        except ReportError as exc:
            refused.append(
                Outcome(
                    raw, error=str(exc), exit_code=exc.exit_code, pid=os.getpid(), started=now, finished=time.time()
                )
            )
            continue
        if request.stem not in seen:
            seen.add(request.stem)
            requests.append(request)
    return requests, refused


# -- the pool (parent process; each piece's work: analysis.pipeline.work) -------------------


#: How a piece whose worker process died begins its error.
WORKER_DIED = "its worker process died before the piece was finished"


def collect(future: Future, ticker: str) -> Outcome:
    """The outcome of a finished future; a crashed worker or a bug becomes a failed outcome.

    Nothing is hidden: a bug's traceback (the worker's, for a process pool) goes to stderr.
    """
    exc = future.exception()
    if exc is None:
        return future.result()
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(exc, KeyboardInterrupt):  # the worker alone got SIGINT, SIGTERM or SIGHUP
        error = f"not written: its worker process was stopped ({exc or 'interrupted'}). Run it again."
    elif isinstance(exc, BrokenProcessPool):
        error = (
            f"{WORKER_DIED} (killed, or out of memory?); the pieces still running with it are lost too."
            " Run them again, with fewer --jobs if memory is short."
        )
    else:
        traceback.print_exception(exc, file=sys.stderr)
        error = (
            f"unexpected {type(exc).__name__} while writing it: {exc} (a bug: the traceback is"
            " above; please report it)."
        )
    return failed(ticker, error)


def run_local(
    requests: list,
    root: Path,
    *,
    jobs: int,
    pdf: bool = True,
    done: Callable[[Outcome], None] = lambda o: None,
    work: Work = write_piece,
) -> list[Outcome]:
    """Run ``work(request, root, pdf)`` for every request in ``jobs`` worker processes.

    Workers are started with ``spawn`` (no inherited threads or kernels, same on Linux and
    macOS). ``done`` is called in this process as each piece finishes. Ctrl-C, SIGTERM or
    SIGHUP stop the pool (:func:`analysis.interrupts.stop_pool`): nothing more starts, the
    workers abandon their pieces (nothing of them is published) and exit, with their kernels
    and browsers.
    """
    from concurrent.futures import as_completed

    from analysis import interrupts
    from analysis.pipeline.pool import process_pool
    from analysis.render import publish

    if not requests:
        return []
    pool = process_pool(
        max(1, min(jobs, len(requests))),
        initializer=init_worker,
        initargs=tuple(sorted({r.source for r in requests})),
        alone="each piece on its own (make report)",
    )
    outcomes: dict[int, Outcome] = {}
    try:
        futures = {pool.submit(work, request, root, pdf): i for i, request in enumerate(requests)}
        for future in as_completed(futures):
            i = futures[future]
            outcomes[i] = collect(future, requests[i].ticker)
            done(outcomes[i])
    except KeyboardInterrupt:
        interrupts.stop_pool(pool)
        publish.sweep_staging(root)  # what a worker killed in its clean-up left
        raise
    pool.shutdown()
    if any(o.error.startswith(WORKER_DIED) for o in outcomes.values()):
        publish.sweep_staging(root)  # a worker killed in its piece (kill -9, out of memory) left its staging
    return [outcomes[i] for i in range(len(requests))]


def run_batch(
    requests: list,
    root: Path,
    *,
    jobs: int | None = None,
    pdf: bool = True,
    engine: str = "local",
    scheduler: str | None = None,
    done: Callable[[Outcome], None] = lambda o: None,
    work: Work = write_piece,
) -> Batch:
    """Write every requested piece into ``root``; never raises for one piece's failure."""
    jobs = jobs or os.cpu_count() or 1
    clock = time.perf_counter()
    if engine == "dask":
        from analysis.pipeline import distributed

        outcomes = distributed.run_dask(requests, root, jobs=jobs, pdf=pdf, done=done, scheduler=scheduler, work=work)
    elif engine == "local":
        outcomes = run_local(requests, root, jobs=jobs, pdf=pdf, done=done, work=work)
    else:
        raise InputError(f"--engine {engine!r} is not an engine.", f"Use one of: {', '.join(ENGINES)}.")
    return Batch(outcomes, time.perf_counter() - clock, workers=min(jobs, max(len(requests), 1)), engine=engine)


# -- reporting ------------------------------------------------------------------------------


def _where(path: Path) -> str:
    from analysis.paths import relative

    rel = relative(path)
    return str(path) if rel.startswith("..") else rel


def line(outcome: Outcome) -> str:
    """One line per piece: status, ticker, as-of, phase, seconds, then the files or the error."""
    head = (
        f"{'ok' if outcome.ok else 'FAILED':<6} {outcome.ticker[:16]:<10} {outcome.as_of or '-':<10}"
        f" {outcome.phase or '-':<12} {outcome.seconds:6.1f} s  "
    )
    if not outcome.ok:
        return head + "error: " + " ".join(outcome.error.split())
    first = outcome.files[0]
    exts = ",".join(p.suffix.lstrip(".") for p in outcome.files)
    tail = _where(first.with_suffix("")) + (f".{{{exts}}}" if len(outcome.files) > 1 else first.suffix)
    if outcome.pdf_error:
        tail += f"  (no PDF: {' '.join(outcome.pdf_error.split())})"
    return head + tail


def footer(batch: Batch) -> str:
    n, bad = len(batch.outcomes), len(batch.failed)
    return (
        f"{n} piece{'s' * (n != 1)} in {batch.seconds:.1f} s on {batch.workers} {batch.engine} worker"
        f"{'s' * (batch.workers != 1)}: {n - bad} written ({batch.pieces_per_minute:.1f}/min)"
        + (f", {bad} failed" if bad else "")
    )


# -- command line ---------------------------------------------------------------------------


def add_arguments(p: argparse.ArgumentParser) -> None:
    env = os.environ.get
    p.add_argument(
        "--tickers",
        nargs="+",
        default=None,
        help=f'symbols, space- or comma-separated (default $TICKERS or "{DEFAULT_TICKERS}")',
    )
    p.add_argument(
        "--family",
        action="store_true",
        help="the Economic Modern Family from analysis/config/family.toml (its benchmark too)",
    )
    params.add_arguments(p, skip=("ticker", "level"))
    p.add_argument(
        "--jobs",
        default=None,
        help="worker processes (default $JOBS or the number of cores)",
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default=env("ENGINE") or "local",
        help="local processes (default) or dask (pip install '.[scale]'; see docs/scaling.md)",
    )
    p.add_argument(
        "--scheduler",
        default=env("DASK_SCHEDULER") or None,
        help="with --engine dask: address of a running scheduler (default: a local cluster)",
    )
    p.add_argument("--no-pdf", action="store_true", help="skip printing the PDFs")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def run_command(args: argparse.Namespace) -> Batch:
    """Plan, run, print one line per piece and a footer, rebuild the index; returns the batch."""
    from tqdm import tqdm

    from analysis import interrupts, params
    from analysis.paths import nameable, reports_dir
    from analysis.pipeline.index import write_index

    jobs = params.jobs(args.jobs)  # a bad $JOBS is named JOBS, a bad --jobs is named --jobs
    benchmark = args.benchmark
    if args.family:
        tickers, family_benchmark = family_tickers()
        benchmark = family_benchmark or benchmark
    else:
        # Only an unset TICKERS means the default: `make reports TICKERS=""` is an empty list.
        given = args.tickers if args.tickers is not None else os.environ.get("TICKERS")
        tickers = split_tickers(DEFAULT_TICKERS if given is None else given)
        if not tickers:
            raise InputError(
                "TICKERS is set but lists no symbol.",
                f'Give symbols, e.g. make reports TICKERS="IWM QQQ", or leave TICKERS out for the'
                f" default ({DEFAULT_TICKERS}).",
            )
    requests, refused = plan(tickers, benchmark, args.as_of, args.source, **params.knob_values(args))
    root = nameable(reports_dir())
    bar = tqdm(
        total=len(requests) + len(refused),
        unit="piece",
        file=sys.stderr,
        dynamic_ncols=True,
        disable=True if args.no_progress else None,
        desc="pieces",
    )

    def done(outcome: Outcome) -> None:
        # recorded before it is said: a signal right after the "ok" line must still name these files
        interrupts.PUBLISHED.extend(outcome.files)  # what an interrupt later does not undo
        bar.write(line(outcome), file=sys.stdout)
        bar.update(1)

    for outcome in refused:
        done(outcome)
    with bar:
        batch = run_batch(
            requests, root, jobs=jobs, pdf=not args.no_pdf, engine=args.engine, scheduler=args.scheduler, done=done
        )
    batch.outcomes = refused + batch.outcomes
    print(footer(batch))
    from analysis.pipeline.index import index_after

    index = index_after(
        write_index, "the pieces written are" if len(batch.failed) < len(batch.outcomes) else None, root
    )
    print(f"index: {_where(index)}")
    return batch


def main(args: argparse.Namespace) -> int:
    return run_command(args).exit_code
