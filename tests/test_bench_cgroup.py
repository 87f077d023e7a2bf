"""The benchmark's CPU meter (analysis.bench.cgroup): a control group counts what getrusage misses.

Needs a writable cgroup hierarchy (root on Linux); skipped elsewhere, where the bench says it
counts with getrusage (``environment.cpu_meter``).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

import pytest

from analysis.bench import cgroup, common

#: A grandchild that burns about half a CPU-second after its parent has exited: nobody waits for
#: it, as nobody waits for a Chromium renderer whose browser was killed.
ORPHAN = (
    "import os, sys, time\n"
    "if os.fork():\n"
    "    os._exit(0)\n"
    "end = time.process_time() + 0.5\n"
    "while time.process_time() < end: pass\n"
    "open(sys.argv[1], 'w').close()\n"
)


def _rusage() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@pytest.mark.process
def test_a_group_counts_an_orphan_that_getrusage_never_sees(tmp_path):
    group = cgroup.enter()
    if group is None:
        pytest.skip("no writable control group here (not root, or no cgroup hierarchy)")
    try:
        assert group.path.name == f"momentum-bench-{os.getpid()}"
        assert str(os.getpid()) in (group.path / "cgroup.procs").read_text().split()
        before, rusage_before = group.seconds(), _rusage()
        done = tmp_path / "done"
        subprocess.run([sys.executable, "-c", ORPHAN, str(done)], check=True)
        deadline = time.monotonic() + 30
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert done.exists(), "the orphan never finished"
        counted, missed = group.seconds() - before, _rusage() - rusage_before
        assert counted >= 0.45  # the orphan's half second, and the interpreters' start-up
        assert counted - missed >= 0.4  # getrusage saw the child that exited, not its orphan
    finally:
        cgroup.leave(group)
    assert not group.path.exists()
    assert str(os.getpid()) in (group.path.parent / "cgroup.procs").read_text().split()


def test_the_bench_says_which_meter_counted_and_uses_the_group_while_it_measures(monkeypatch):
    assert common.cpu_meter() == "getrusage" and common.GROUP is None

    class Fixed:
        def seconds(self) -> float:
            return 123.5

    monkeypatch.setattr(common, "GROUP", Fixed())
    assert common.cpu_meter() == "cgroup"
    assert common._cpu() == 123.5
    assert common._warm_cpu(None, None) == 123.5


@pytest.mark.process
def test_a_group_left_by_an_earlier_run_is_swept_and_leave_waits_for_stragglers():
    """A group an earlier run could not remove (Chromium's last processes were still exiting) is removed by
    the next run once empty; leave() waits for a child still exiting instead of leaving its group behind."""
    group = cgroup.enter()
    if group is None:
        pytest.skip("no writable control group here (not root, or no cgroup hierarchy)")
    stale = group.parent / "momentum-bench-999999999"
    cgroup.leave(group)
    stale.mkdir()  # as an earlier run left it: empty
    straggler = None
    try:
        group = cgroup.enter()
        assert group is not None and not stale.exists()
        straggler = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1.0)"])
        cgroup.leave(group, wait=10)  # the child holds the group for about a second
        assert not group.path.exists()
    finally:
        if straggler is not None:
            straggler.wait()
        if stale.exists():
            stale.rmdir()
