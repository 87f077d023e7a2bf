"""Run a batch on Dask workers: ``python -m analysis reports --engine dask [--scheduler ADDRESS]``.

The same work as the local engine: every task is :func:`analysis.pipeline.work.write_piece`, i.e.
the same :func:`analysis.pipeline.report.run` call (papermill's Python API, in the worker process),
and each worker process keeps one market, so a series is loaded once per worker. Without
``--scheduler`` a :class:`~dask.distributed.LocalCluster` is started on this machine
(processes, one thread each, loopback only, no dashboard); with one, the batch goes to a
running cluster, whose workers must have this project installed and see the reports root
(a shared filesystem). ``docs/scaling.md`` explains when and how.

Dask is an optional extra (``pip install 'momentum-report[scale]'``), imported only here.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from analysis.errors import InputError, SourceUnavailable
from analysis.pipeline.pool import no_workers, os_cause
from analysis.pipeline.work import Outcome, Work, failed, write_piece

#: How long to wait for a ``--scheduler`` to answer; ``None``: ``$MOMENTUM_DASK_TIMEOUT`` (default 15 s).
CONNECT_TIMEOUT: str | None = None
HOW_TO_INSTALL = (
    "Install it with `pip install 'momentum-report[scale]'` (or `pip install \"dask[distributed]\"`"
    " into the project's environment), or use the default --engine local."
)


def _client(scheduler: str | None, workers: int):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            "--engine dask needs Dask (dask[distributed]), which is not installed.", HOW_TO_INSTALL
        ) from None
    if scheduler:
        from analysis import params

        timeout = CONNECT_TIMEOUT or f"{params.seconds('MOMENTUM_DASK_TIMEOUT'):g}s"
        try:
            return Client(scheduler, timeout=timeout), None
        except OSError as exc:
            raise SourceUnavailable(
                f"cannot reach the Dask scheduler at {scheduler!r} ({exc}).",
                "Check the address (tcp://host:8786), or drop --scheduler to use a"
                " local cluster. MOMENTUM_DASK_TIMEOUT sets how long to wait"
                f" (now {timeout}).",
            ) from None
    nanny = logging.getLogger("distributed.nanny")  # its "Failed to start process" and traceback: said below
    level = nanny.level
    nanny.setLevel(logging.CRITICAL)
    try:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=40,
        )
    except (OSError, RuntimeError) as exc:  # RuntimeError: "Nanny failed to start", from an OSError (/dev/shm)
        cause = os_cause(exc)
        if cause is None:
            raise
        raise no_workers(cause, "each piece on its own (make report)") from None
    finally:
        nanny.setLevel(level)
    return Client(cluster), cluster


def _failed(future, ticker: str) -> Outcome:
    """A task that raised or lost its worker, as a failed outcome; a bug's traceback goes to stderr."""
    from distributed.scheduler import KilledWorker

    exc = future.exception()
    if isinstance(exc, KilledWorker):
        error = (
            "the Dask workers running it died repeatedly (killed, or out of memory?)."
            " Run it again with fewer workers, or give them more memory."
        )
    else:
        traceback.print_exception(type(exc), exc, future.traceback(), file=sys.stderr)
        error = (
            f"unexpected {type(exc).__name__} on a Dask worker: {exc} (a bug: the traceback is above;"
            " please report it)."
        )
    return failed(ticker, error)


def run_dask(
    requests: list,
    root: Path,
    *,
    jobs: int,
    pdf: bool = True,
    scheduler: str | None = None,
    done: Callable[[Outcome], None] = lambda o: None,
    work: Work = write_piece,
) -> list[Outcome]:
    """Run ``work(request, root, pdf)`` for every request as Dask tasks; outcomes in request order.

    ``jobs`` is the number of local workers (ignored with ``scheduler``, whose cluster decides).
    A task that fails does not stop the others; Dask's own retry of a task whose worker died
    applies (``distributed.scheduler.allowed-failures``).
    """
    if not requests:
        return []
    client, cluster = _client(scheduler, max(1, min(jobs, len(requests))))
    from dask.distributed import as_completed

    outcomes: dict[int, Outcome] = {}
    try:
        futures = {
            client.submit(work, request, root, pdf, pure=False, key=f"piece-{i}-{request.stem}"): i
            for i, request in enumerate(requests)
        }
        for future in as_completed(futures):
            i = futures[future]
            if future.status == "finished":
                outcomes[i] = future.result()
            elif future.status == "error":
                outcomes[i] = _failed(future, requests[i].ticker)
            else:
                outcomes[i] = failed(requests[i].ticker, f"the Dask task was {future.status}; run it again.")
            done(outcomes[i])
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return [outcomes[i] for i in range(len(requests))]
