"""Shared fixtures. Tests never touch the network: a guard refuses any non-local connection.

`make test` runs the suite on several pytest-xdist workers. What is expensive to make and only
read afterwards (the IWM piece, the research run) is made once for the whole run, whichever
worker asks first, and read by the others (:func:`shared`); a test that changes such files
works on its own copy.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.data import Market
from analysis.model.study import build

TESTS_DIR = Path(__file__).resolve().parent
PROJECT_DIR = TESTS_DIR.parent
#: The model commentary's date.
AS_OF = "2024-07-08"


@pytest.fixture(autouse=True)
def signal_handlers_restored():
    """Each test ends with the stopping signals' handlers it began with: a run stopped by a signal leaves
    them ignored (``interrupts.handled``, as a process about to exit should), and a later test in the same
    worker process then found SIGTERM ignored, so its own signal never arrived (the whole suite, once)."""
    import signal

    stopping = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    before = {signum: signal.getsignal(signum) for signum in stopping}
    yield
    for signum, handler in before.items():
        if handler is not None:
            signal.signal(signum, handler)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any test that tries to open an Internet connection (Unix sockets and loopback are fine)."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if host not in ("127.0.0.1", "::1", "localhost"):
                raise OSError(f"network access attempted in a test: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse_dns(socket.getaddrinfo))
    # yfinance talks through libcurl (C), which the socket guard cannot see: SOURCE=auto is
    # told it is offline, here and in every subprocess a test starts.
    monkeypatch.setenv("MOMENTUM_OFFLINE", "1")


#: Fixtures that execute notebooks (and print a PDF): a test that uses one, even through
#: another fixture, must be marked slow (checked in pytest_runtest_setup).
SLOW_FIXTURES = {"iwm_piece", "iwm_research", "mixed"}


def pytest_runtest_setup(item):
    """The slow marker is honest: a test not marked slow may not use a fixture that executes
    notebooks (:data:`SLOW_FIXTURES`) nor execute one itself (see ``slow_marker_is_honest``)."""
    if item.get_closest_marker("slow") is None:
        used = SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
        if used:
            pytest.fail(f"{item.nodeid} uses {', '.join(sorted(used))}, which execute notebooks: mark it slow")


@pytest.fixture(autouse=True)
def slow_marker_is_honest(request, monkeypatch):
    """In a test not marked slow, executing a notebook (in this process) fails the test."""
    if request.node.get_closest_marker("slow") is None:
        from analysis.render import execute

        def refuse(notebook, *args, **kwargs):
            raise AssertionError(f"{request.node.nodeid} executes {notebook}: mark it @pytest.mark.slow")

        monkeypatch.setattr(execute, "execute", refuse)


def tier_of(argv) -> str | None:
    """The marker a test needs to start the command ``argv``: ``slow`` for a browser or a
    Jupyter kernel, ``process`` for the program itself (any Python interpreter, ``make``),
    ``None`` for a cheap tool (pdftotext, git, mount...)."""
    args = [str(a) for a in ([argv] if isinstance(argv, str | os.PathLike) else argv)]
    words = " ".join(args).split()
    if not words:
        return None
    program = os.path.basename(words[0])
    if "chrom" in program or "ipykernel" in " ".join(words):
        return "slow"
    if (
        program.startswith("python")
        or program == "make"
        or os.path.realpath(words[0]) == os.path.realpath(sys.executable)
    ):
        return "process"
    return None


@pytest.fixture(autouse=True)
def process_marker_is_honest(request, monkeypatch):
    """The two tiers stay honest: a test may start a browser or a kernel only if marked ``slow``,
    and the program (``python -m analysis``, ``make``, any interpreter) only if marked ``slow``
    or ``process``. ``make test`` runs the tests marked neither, in-process, in a minute."""
    marks = {m for m in ("slow", "process") if request.node.get_closest_marker(m) is not None}
    if "slow" in marks:
        return
    real_init = subprocess.Popen.__init__

    def guarded(self, args, *rest, **kwargs):
        needed = tier_of(args)
        if needed and needed not in marks:
            raise AssertionError(f"{request.node.nodeid} starts {args!r}: mark it @pytest.mark.{needed}")
        real_init(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", guarded)


def _refuse_dns(real):
    def guarded(host, *args, **kwargs):
        if host not in (None, "localhost", "127.0.0.1", "::1", ""):
            raise socket.gaierror(f"DNS lookup attempted in a test: {host!r}")
        return real(host, *args, **kwargs)

    return guarded


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory, monkeypatch):
    """Each test gets its own empty cache and reports directories."""
    base = tmp_path_factory.mktemp("dirs")
    monkeypatch.setenv("MOMENTUM_CACHE_DIR", str(base / "cache"))
    # the shared charts are keyed on what they draw, so every test of a worker may reuse them
    monkeypatch.setenv("MOMENTUM_CHART_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "charts"))
    # parsed price files, keyed on their bytes and the parsing code (analysis/data/kept.py): likewise
    monkeypatch.setenv("MOMENTUM_FRAME_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "frames"))
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(base / "reports"))
    return base


@pytest.fixture
def no_reports(tmp_path, monkeypatch):
    """A reports folder that must still not exist when the test is done: nothing was written."""
    root = tmp_path / "reports"
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    yield root
    assert not root.exists()


@pytest.fixture
def price_cache(tmp_path, monkeypatch):
    """An empty price cache (``MOMENTUM_CACHE_DIR``) a test brings files into (``SOURCE=local``)."""
    monkeypatch.setenv("MOMENTUM_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def prices(tmp_path, monkeypatch):
    """A copy of the bundled snapshot the test may damage; the loader reads it instead."""
    from analysis.data import snapshot
    from tests.hostile import bundled_copy

    with bundled_copy(snapshot, "SNAPSHOT_DIR", tmp_path / "prices", monkeypatch) as copy:
        yield copy


def shared(tmp_path_factory, name: str, make: Callable[[Path], object]) -> tuple[Path, object]:
    """``make(root)`` run once per test run, across xdist workers: ``(root, what it returned)``.

    The first worker to ask runs it, under an exclusive lock, into ``<run's temp dir>/shared/
    <name>/`` and pickles its result there; the others wait for the lock and read both. Without
    xdist the run's temp dir is this process's. Built offline (``MOMENTUM_OFFLINE=1``), as the
    tests run; if ``make`` raises, nothing is recorded and the next worker tries again (and fails
    the same way, in its own tests). Callers must not change the files: copy them first.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the workers' basetemps are popen-gw0, popen-gw1... in one run's folder
    folder = base / "shared" / name
    folder.mkdir(parents=True, exist_ok=True)
    done = folder / "result.pickle"
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                root = folder / "root"
                shutil.rmtree(root, ignore_errors=True)
                root.mkdir()
                with pytest.MonkeyPatch.context() as mp:
                    mp.setenv("MOMENTUM_OFFLINE", "1")
                    result = make(root)
                done.write_bytes(pickle.dumps(result))
            return folder / "root", pickle.loads(done.read_bytes())
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def iwm_piece(tmp_path_factory):
    """The IWM piece as of the model commentary's date (with its PDF where Chromium exists),
    published by ``analysis.pipeline.report.run`` as ``make report`` does: ``(reports root, Result)``."""
    from analysis.pipeline.report import Request, run

    return shared(
        tmp_path_factory,
        "iwm-piece",
        lambda root: run(Request.parse("IWM", "SPY", AS_OF, "snapshot"), root=root, log=lambda *_: None),
    )


@pytest.fixture(scope="session")
def iwm_research(tmp_path_factory):
    """The six research notebooks for IWM vs SPY as of the same date, published by
    ``analysis.pipeline.research.run`` on two workers as ``make research`` does: ``(root, Result)``."""
    from analysis.pipeline.report import Request
    from analysis.pipeline.research import run

    return shared(
        tmp_path_factory,
        "iwm-research",
        lambda root: run(Request.parse("IWM", "SPY", AS_OF, "snapshot"), root=root, jobs=2),
    )


@pytest.fixture(scope="session")
def market() -> Market:
    return Market("snapshot")


@pytest.fixture(scope="session")
def iwm_study(market):
    """IWM vs SPY as of the model commentary's date, from the bundled snapshot."""
    return build(market, "IWM", "SPY", AS_OF)


def chromium_or_skip() -> str:
    """The Chromium path; on CI (CI=true) a missing browser fails the test instead of skipping it."""
    from analysis.render import chromium_install

    found = chromium_install.find()
    if not found:
        if os.environ.get("CI"):
            pytest.fail("no Chromium on a CI machine: .ci/run should have installed it")
        pytest.skip("no headless Chromium here (make browser installs one)")
    return found


def poppler_or_skip() -> None:
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("no poppler-utils on a CI machine: .ci/run should have installed it")
        pytest.skip("poppler-utils (pdftotext) not installed")


#: Injected into a copy of a page: counts what a reader would miss (broken images, script
#: errors, console.error calls) and what is there (rows, links, images), in the page title.
_PROBE = (
    "<script>window.__errors=[];window.addEventListener('error',e=>__errors.push(String(e.message||e.type)),true);"
    "const _ce=console.error;console.error=(...a)=>{__errors.push(a.join(' '));_ce(...a);};"
    "window.addEventListener('load',()=>{const bad=[...document.images].filter(i=>!i.complete||i.naturalWidth===0);"
    "document.title='PROBE images='+document.images.length+' broken='+bad.length+' errors='+__errors.length"
    "+' rows='+document.querySelectorAll('tbody tr').length+' links='+document.links.length;});</script>"
)


def render_in_chromium(page: Path, profile: Path) -> tuple[dict[str, int], str]:
    """Open ``page`` in headless Chromium through a probed copy; returns the probe's counts and
    the rendered DOM.

    The copy lives beside ``profile``, never beside ``page`` (which may be a tree shared by the
    whole run, that other tests copy and fingerprint); a ``<base>`` pointing at the page's folder
    makes its relative links and images resolve as they do in the original."""
    import re
    import subprocess

    from analysis.render.devtools import FLAGS

    browser = chromium_or_skip()
    probed = profile.with_name(f"probe-{page.name}")
    base = f'<base href="{page.parent.as_uri()}/">'
    probed.write_text(page.read_text().replace("<head>", "<head>" + base + _PROBE, 1))
    try:
        out = subprocess.run(
            [
                browser,
                *FLAGS,
                "--no-sandbox",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                probed.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        probed.unlink()
    title = re.search(r"<title>(PROBE[^<]*)</title>", out.stdout)
    assert title, out.stderr[-500:]
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", title.group(1))}, out.stdout


def laid_out_for_print(page: Path, expression: str):
    """``expression`` evaluated in ``page`` laid out for print at A4's width between margins (680px): how wide
    things are where Chromium prints them (its print shrinks every page to fit the widest)."""
    import time

    from analysis.render.devtools import Chromium

    chromium = Chromium(chromium_or_skip())
    try:
        deadline = time.monotonic() + 60
        chromium.call("Browser.getVersion", None, None, deadline)
        target = chromium.call("Target.createTarget", {"url": "about:blank"}, None, deadline)["targetId"]
        sid = chromium.call("Target.attachToTarget", {"targetId": target, "flatten": True}, None, deadline)["sessionId"]
        chromium.call("Page.enable", None, sid, deadline)
        chromium.call("Page.setLifecycleEventsEnabled", {"enabled": True}, sid, deadline)
        chromium.call("Emulation.setEmulatedMedia", {"media": "print"}, sid, deadline)
        metrics = {"width": 680, "height": 998, "deviceScaleFactor": 1, "mobile": False}
        chromium.call("Emulation.setDeviceMetricsOverride", metrics, sid, deadline)
        navigation = chromium.call("Page.navigate", {"url": page.as_uri()}, sid, deadline)
        chromium.wait_for(
            lambda e: (
                e.get("method") == "Page.lifecycleEvent"
                and e["params"].get("name") == "load"
                and e["params"].get("loaderId") == navigation.get("loaderId")
            ),
            deadline,
        )
        said = chromium.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, sid, deadline)
        return said["result"]["value"]
    finally:
        chromium.close(now=True)
