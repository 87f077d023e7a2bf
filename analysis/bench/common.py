"""What the benchmark's parts share: its fixed inputs, its targets and its CPU clocks."""

from __future__ import annotations

import resource
import statistics

AS_OF = "2024-07-08"
TICKER = "IWM"
#: Issue 32's targets (the ones that count; with set-up in 10 s and a warm ``make report`` no slower
#: than quantstats' tear sheet, :mod:`analysis.bench.user`): a single piece within 3x the fresh floor,
#: 45 pieces/min on 2 cores, the summary in 0.3 s once imported.
TARGETS = {"piece_over_floor": 3.0, "batch_pieces_per_min": 45.0, "summary_s": 0.3}
#: How the table names the issue whose targets count.
ISSUE = "issue 32"
#: The other ticker a warm piece follows (so its kernel and browser have served a piece before).
WARM_UP = "QQQ"
IMPORTS = ("nbformat", "jsonschema", "papermill", "nbconvert")


#: The benchmark's own control group while it measures (:mod:`analysis.bench.cgroup`), else ``None``.
GROUP = None


def cpu_meter() -> str:
    """How CPU seconds are counted: ``cgroup`` (everything started, exactly) or ``getrusage`` (an undercount)."""
    return "cgroup" if GROUP is not None else "getrusage"


def _cpu() -> float:
    """CPU seconds used so far by this process and everything it started: its control group's total
    (:data:`GROUP`), else ``getrusage`` of this process and its finished children (kernels, Chromium,
    workers), which misses descendants nobody waited for (Chromium's renderers)."""
    if GROUP is not None:
        return GROUP.seconds()
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def ok(flag: bool) -> str:
    """A verdict in the table's words."""
    return "met" if flag else "MISSED"


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
    """CPU seconds so far of this process, a kept kernel and a kept browser (with :data:`GROUP`: of
    everything the benchmark started, which at that moment is those three)."""
    if GROUP is not None:
        return GROUP.seconds()
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime + _tree_cpu(kernel.pid) + _tree_cpu(printer.pid)
