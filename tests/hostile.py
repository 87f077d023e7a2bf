"""Helpers for the robustness tests: real processes, real signals, real file systems.

* :func:`start` runs ``python -m analysis ...`` as a user would, with the default handlers of
  SIGINT, SIGTERM and SIGHUP restored in the child: a test run started as a background job of
  a non-interactive shell (some CI runners and editors) inherits SIGINT *ignored*, and a
  Ctrl-C sent to the child would otherwise be lost.
* :func:`leftovers` lists the processes still alive that a run started (workers, kernels,
  Chromium), found by the reports folder in their environment: every one of them inherits it.
* :func:`tmpfs` mounts a small tmpfs (a real full disk, or read-only), or skips saying why.
* :func:`stand_in_browser` is the source of a Python "Chromium" that speaks the DevTools pipe until asked
  to print.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR


def default_signals() -> None:
    """``preexec_fn``: the child starts with the default SIGINT, SIGTERM and SIGHUP handlers."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def start(
    root: Path, *args: str, env: dict | None = None, preexec=default_signals, prefix: tuple[str, ...] = ()
) -> subprocess.Popen:
    """``python -m analysis <args>`` writing into ``root``, stdout and stderr captured; ``prefix`` runs it
    through another command (``setpriv ...``)."""
    environment = {**os.environ, "MOMENTUM_REPORTS_DIR": str(root), **(env or {})}
    return subprocess.Popen(
        [*prefix, sys.executable, "-m", "analysis", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=PROJECT_DIR,
        preexec_fn=preexec,
    )


def run_cli(
    root: Path, *args: str, env: dict | None = None, timeout: float = 600, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """Run ``python -m analysis <args>`` to the end (through ``prefix``, if given); its exit code, stdout and stderr."""
    proc = start(root, *args, env=env, prefix=prefix)
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def wait_for(predicate, timeout: float = 120.0, every: float = 0.05) -> bool:
    """Poll ``predicate`` until it is true (True) or ``timeout`` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def _environ(pid: str) -> bytes:
    try:
        with open(f"/proc/{pid}/environ", "rb") as fh:
            return fh.read()
    except OSError:
        return b""


def leftovers(root: Path) -> list[str]:
    """Live processes (not this one, not zombies) whose environment names ``root`` as the reports folder."""
    marker = f"MOMENTUM_REPORTS_DIR={root}".encode() + b"\0"
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        if marker in b"\0" + _environ(pid):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    command = fh.read().replace(b"\0", b" ").decode(errors="replace")
                found.append(f"{pid}: {command[:120]}")
            except OSError:
                continue
    return found


def no_leftovers(root: Path, timeout: float = 15.0) -> list[str]:
    """``[]`` once every process a run started has gone (waits up to ``timeout``), else what is left."""
    wait_for(lambda: not leftovers(root), timeout)
    return leftovers(root)


def tree(root: Path) -> dict[str, str]:
    """Every visible file under ``root`` with its SHA-256 (hidden staging/lock folders left out)."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


def hidden(root: Path) -> list[str]:
    """What a run left in hidden places: staging folders, half-moved or kept-aside files."""
    found = [str(p.relative_to(root)) for p in (root / ".staging").rglob("*")] if (root / ".staging").exists() else []
    found += [
        str(p.relative_to(root))
        for p in root.rglob(".*")
        if p.name not in (".staging", ".locks") and ".locks" not in p.parts and ".staging" not in p.parts
    ]
    return found


def one_line(err: str) -> str:
    """The single line a failed run printed on stderr (asserting there is exactly one, and no traceback)."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def cli_line(capsys, *args: str) -> tuple[int, str]:
    """Run the command line in this process; its exit code and the one line it wrote to stderr."""
    from analysis import cli

    code = cli.main(list(args))
    return code, one_line(capsys.readouterr().err)


@contextlib.contextmanager
def tmpfs(path: Path, size: str, *, read_only: bool = False, inodes: int | None = None) -> Iterator[Path]:
    """A tmpfs of ``size`` (e.g. ``"8m"``, and at most ``inodes`` files and folders) mounted at
    ``path``; skips the test where mounting is refused."""
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "") + (f",nr_inodes={inodes}" if inodes else "")
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot mount a tmpfs here ({exc}): a real full or read-only disk needs root and mount")
    if done.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here ({done.stderr.strip() or done.returncode}):"
            " a real full or read-only disk needs root and mount"
        )
    try:
        yield path
    finally:
        unmount(path)


def unmount(path: Path) -> None:
    """Unmount ``path``, trying for ten seconds while a process still holds a file there."""
    for _ in range(50):
        if subprocess.run(["umount", str(path)], capture_output=True, check=False).returncode == 0:
            break
        time.sleep(0.2)


@contextlib.contextmanager
def bundled_copy(module, attr: str, copy: Path, monkeypatch) -> Iterator[Path]:
    """A copy of a bundled data folder (``module.<attr>``, e.g. the price snapshot) at ``copy``,
    which ``module``'s cached reader (``_read``) reads instead while the block runs: a test may
    damage it, the bundled files are never touched."""
    shutil.copytree(getattr(module, attr), copy)
    module._read.cache_clear()
    monkeypatch.setattr(module, attr, copy)
    try:
        yield copy
    finally:
        module._read.cache_clear()


def remount(path: Path, options: str) -> None:
    """Change a mounted tmpfs's options (e.g. ``"ro"``)."""
    subprocess.run(["mount", "-o", f"remount,{options}", str(path)], check=True, capture_output=True)


_STAND_IN = """\
import json, os, signal, sys
{preamble}
buffer = b""
while chunk := os.read(3, 65536):
    buffer += chunk
    while b"\\0" in buffer:
        raw, _, buffer = buffer.partition(b"\\0")
        message = json.loads(raw)
        if message["method"] == "Page.printToPDF":
{at_print}
        result = {{"Target.createTarget": {{"targetId": "T"}}, "Target.attachToTarget": {{"sessionId": "S"}},
                  "Page.navigate": {{"frameId": "T", "loaderId": "L"}}}}.get(message["method"], {{}})
        os.write(4, json.dumps({{"id": message["id"], "result": result}}).encode() + b"\\0")
        if message["method"] == "Page.navigate":
            os.write(4, json.dumps({{"method": "Page.lifecycleEvent", "sessionId": "S",
                                   "params": {{"frameId": "T", "loaderId": "L", "name": "load"}}}}).encode() + b"\\0")
"""


def stand_in_browser(at_print: str, preamble: str = "") -> str:
    """The source of a Python stand-in for Chromium: it answers the DevTools pipe (fd 3 in, fd 4 out: a tab,
    its session, a navigation and its load event) until asked to print, then runs ``at_print`` (e.g. kills
    itself); ``preamble`` runs first (e.g. writes on stderr as Chromium logs)."""
    return _STAND_IN.format(preamble=preamble, at_print=textwrap.indent(at_print, " " * 12))
