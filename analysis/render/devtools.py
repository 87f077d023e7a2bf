"""A headless Chromium process and its DevTools pipe (``--remote-debugging-pipe``: no port, no
extra dependency).

:class:`Chromium` starts the browser with :data:`FLAGS`, sends commands and reads answers and
events; :class:`Gone` says the browser closed its end of the pipe; :func:`hint_for` turns
what it wrote on stderr into what to do (:data:`CAUSES`). What to print and how is
:class:`analysis.render.browser.Printer`'s job.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import signal
import tempfile
import time

from analysis.render.chromium_install import HOW_TO_GET_ONE

#: Flags for a quiet, offline, throw-away browser (no sync, no updates, no first-run UI).
#: Never a headless *command* switch (``--print-to-pdf``, ``--no-pdf-header-footer``,
#: ``--dump-dom``...): with one, Chromium runs that command and exits, which would end a kept
#: browser after its first page. The printer passes the print options per page instead.
FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--run-all-compositor-stages-before-draw",
)


#: The desktop build's socket, ``<TMPDIR>/org.chromium.Chromium.XXXXXX/SingletonSocket``, and the most bytes a
#: Unix socket's path holds.
_SOCKET_TAIL = b"/org.chromium.Chromium.XXXXXX/SingletonSocket"
_SOCKET_PATH_MAX = 107

#: Chromium's prefix on a line it logs, its level the group (:meth:`Chromium._logged`).
_PREFIX = re.compile(r"^\[(?:\d+:\d+:)?\d{4}/\d+\.\d+:(\w+):[^\]]*\]\s*")


class Gone(Exception):
    """The browser closed its end of the pipe (it exited or crashed)."""


#: What Chromium's own last words on stderr mean, and what to do: (a phrase it writes, the hint).
#: Checked before :data:`HOW_TO_GET_ONE`, which is right only when the browser is missing or broken.
CAUSES = (
    (
        "Failed to create socket directory",
        "Chromium could not create its socket folder under TMPDIR ({tmpdir}): set TMPDIR to a folder"
        " that exists and is writable (or unset it), then run the report again.",
    ),
    (
        "Socket path too long",
        "TMPDIR ({tmpdir}) is too long a path for Chromium's socket (a Unix socket's path holds at most"
        " 107 bytes): set TMPDIR to a shorter folder, e.g. TMPDIR=/tmp, then run the report again.",
    ),
    (
        "error while loading shared libraries",
        "Chromium's libraries are missing or broken: reinstall it (Debian/Ubuntu:"
        " `sudo apt-get install --reinstall chromium-headless-shell`, or `chromium`, the one in use), then run `make browser` and the report again.",
    ),
    (
        "No space left on device",
        "The disk holding TMPDIR ({tmpdir}) or /dev/shm is full: free some space, then run the report again.",
    ),
)


def hint_for(said: str) -> str:
    """The hint that fits what Chromium wrote on stderr (:data:`CAUSES`), else :data:`HOW_TO_GET_ONE`."""
    for phrase, hint in CAUSES:
        if phrase in said:
            return hint.format(tmpdir=os.environ.get("TMPDIR") or "/tmp")
    import resource

    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit != resource.RLIM_INFINITY:  # Chromium reserves tens of GB of address space at start
        return (
            f"This process may use at most {limit // 2**20} MB of address space (ulimit -v), far less than"
            " Chromium reserves: raise the limit (ulimit -v unlimited), then run the report again."
        )
    return HOW_TO_GET_ONE


class Chromium:
    """A headless Chromium process and its DevTools pipe: JSON messages ended by NUL bytes,
    commands written to the browser's fd 3, answers and events read from its fd 4."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._dir = tempfile.mkdtemp(prefix="momentum-chromium-")
        env = dict(os.environ)
        if _keeps_its_tmpdir(path, self._dir):
            env["TMPDIR"] = self._dir
        self._log = os.path.join(self._dir, "stderr.log")
        flags = [*FLAGS, f"--user-data-dir={os.path.join(self._dir, 'profile')}", "--remote-debugging-pipe"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            flags.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox
        # Pipe ends are moved above fd 10 first, so placing them on 3 and 4 in the child
        # cannot overwrite one with the other; dup2 clears close-on-exec on the copies.
        to_browser, commands = _high(os.pipe())
        answers, from_browser = _high(os.pipe())
        null = os.open(os.devnull, os.O_RDWR)
        log = os.open(self._log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            # Its own process group: Ctrl-C in the terminal reaches us, not the browser, and
            # a kill takes its helper processes along.
            self.pid = os.posix_spawn(
                path,
                [path, *flags],
                env,
                setpgroup=0,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, null, 0),
                    (os.POSIX_SPAWN_DUP2, null, 1),
                    (os.POSIX_SPAWN_DUP2, log, 2),
                    (os.POSIX_SPAWN_DUP2, to_browser, 3),
                    (os.POSIX_SPAWN_DUP2, from_browser, 4),
                ],
            )
        except OSError:
            for fd in (commands, answers):
                os.close(fd)
            shutil.rmtree(self._dir, ignore_errors=True)
            raise
        finally:
            for fd in (to_browser, from_browser, null, log):
                os.close(fd)
        self._out, self._in = commands, answers
        self.answered = False  # it has answered at least once: it started (and is installed)
        self._buffer = bytearray()
        self._next_id = 0
        self.returncode: int | None = None
        self.events: list[dict] = []

    # -- the process ---------------------------------------------------------------------
    def alive(self) -> bool:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode is None

    def reap(self, wait: float) -> None:
        """Wait up to ``wait`` s for the browser to exit, then kill its process group."""
        deadline = time.monotonic() + wait
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        if self.alive():
            with contextlib.suppress(OSError):  # already gone
                os.killpg(self.pid, signal.SIGKILL)
            self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])

    def close(self, *, now: bool = False) -> None:
        """Ask the browser to quit (``now``: kill it), reap it, remove its profile."""
        asked = not now and self.alive()
        if asked:
            try:
                self.send("Browser.close")
            except Gone:  # it had just gone on its own
                asked = False
        self.reap(0 if now else 5)
        if not asked:
            self._end_helpers()
        for fd in (self._out, self._in):
            with contextlib.suppress(OSError):  # already gone
                os.close(fd)
        shutil.rmtree(self._dir, ignore_errors=True)

    def _end_helpers(self) -> None:
        """A browser killed, or gone on its own, may leave its helpers (zygote, GPU process, renderers: its process
        group) running for seconds, writing in its profile while it is removed: they are killed and waited for
        (a second at most: an orphan no init reaps stays a zombie)."""
        deadline = time.monotonic() + 1
        with contextlib.suppress(OSError):  # none left
            os.killpg(self.pid, signal.SIGKILL)
            while _group_lives(self.pid) and time.monotonic() < deadline:
                time.sleep(0.01)

    def _logged(self) -> list[tuple[str, str]]:
        """The lines the browser wrote on stderr, each as (its level, its text), without Chromium's own line
        prefix, which says nothing to a reader: "[15347:15347:1206/224412.174512:ERROR:chrome/.../x.cc:1046] "
        from the browser, "[1207/203221.287701:WARNING:media/.../x.cc:1655] " from the headless shell.
        A line without one (the loader's, a launcher script's) has the level ""."""
        try:
            with open(self._log, "rb") as fh:
                lines = fh.read().decode(errors="replace").strip().splitlines()
        except OSError:
            return []
        said = [(m.group(1), line[m.end() :]) if (m := _PREFIX.match(line)) else ("", line) for line in lines]
        return [(level, text) for level, text in said if text.strip()]

    def stderr_text(self) -> str:
        """What the browser wrote on stderr, without Chromium's line prefixes (:meth:`_logged`)."""
        return "\n".join(text for _, text in self._logged())

    def stderr_tail(self, *, started: bool = False) -> str:
        """Its last two lines worth quoting, as a sentence: a warning never is (the shell warns of no GPU
        devices on every start), nor, when it had ``started``, an error it logged (a missing D-Bus) rather
        than a fatal one. A fatal line, when there is one, is the cause: what it logged after (crashpad missing a
        cpufreq file, its helpers' broken pipes) is not quoted."""
        logged = self._logged()
        quiet = ("INFO", "WARNING", "VERBOSE", "ERROR") if started else ("INFO", "WARNING", "VERBOSE")
        fatal = [text.strip() for level, text in logged if level == "FATAL"]
        tail = " ".join(fatal[-2:] or [text.strip() for level, text in logged if level not in quiet][-2:])[:300]
        return tail + "." if tail and tail[-1] not in ".!?" else tail

    # -- the protocol --------------------------------------------------------------------
    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._out, data) :]
        except (BrokenPipeError, OSError) as exc:
            raise Gone from exc
        return self._next_id

    def receive(self, deadline: float) -> dict:
        """The next message; :class:`TimeoutError` at ``deadline``, :class:`Gone` at end of pipe."""
        while (end := self._buffer.find(b"\0")) < 0:
            left = deadline - time.monotonic()  # past the deadline: one look at what is there
            if not select.select([self._in], [], [], max(left, 0))[0]:
                raise TimeoutError
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise Gone
            self.answered = True
            self._buffer += chunk
        raw = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        try:
            message = json.loads(raw)
        except ValueError:  # not JSON, not UTF-8: a CHROMIUM that is no browser, or one gone mad
            message = None
        if not isinstance(message, dict):
            raise RuntimeError(f"it answered {raw[:40]!r}, not a DevTools message (a JSON object)")
        return message

    def call(self, method: str, params: dict | None, session: str | None, deadline: float) -> dict:
        """Send a command and return its ``result``; events that arrive meanwhile are kept."""
        number = self.send(method, params, session)
        while True:
            message = self.receive(deadline)
            if message.get("id") == number:
                error, result = message.get("error"), message.get("result", {})
                if error is not None:
                    raise Refused(
                        f"{method} answered {error.get('message', error) if isinstance(error, dict) else error}"
                    )
                if not isinstance(result, dict):
                    raise RuntimeError(f"{method} answered {str(result)[:40]}, not a JSON object")
                return result
            if "method" in message:
                self.events.append(message)

    def arrived(self) -> list[dict]:
        """The events that have arrived so far (kept and in the pipe), without waiting; they stay kept."""
        with contextlib.suppress(TimeoutError):
            while True:
                message = self.receive(time.monotonic())
                if "method" in message:
                    self.events.append(message)
        return list(self.events)

    def wait_for(self, wanted, deadline: float) -> dict:
        """The first event (kept or new) for which ``wanted(event)`` is true."""
        while True:
            while self.events:
                event = self.events.pop(0)
                if wanted(event):
                    return event
            message = self.receive(deadline)
            if "method" in message:
                self.events.append(message)


class Refused(RuntimeError):
    """A DevTools command answered with an error: the browser works, and refused this command."""


def field(result: dict, key: str, method: str, kind: type = str):
    """``result[key]``, of type ``kind``: a :class:`RuntimeError` naming ``method`` when an answer lacks it."""
    value = result.get(key)
    if not isinstance(value, kind):
        raise RuntimeError(f"{method} answered no {key}")
    return value


def _keeps_its_tmpdir(path: str, folder: str) -> bool:
    """Whether the browser at ``path`` gets ``folder`` (its own, removed with it) as TMPDIR. What it puts there
    (shared memory files under --disable-dev-shm-usage, the desktop build's socket folder) is then removed even
    when it is killed mid-write. The headless shell keeps no socket: always. The desktop build: when its socket
    fits under ``folder``; otherwise TMPDIR as given (and :data:`CAUSES` names it when that is too long too)."""
    name = os.path.basename(path)
    if "headless-shell" in name or "headless_shell" in name:
        return True
    return len(os.fsencode(folder)) + len(_SOCKET_TAIL) <= _SOCKET_PATH_MAX


def _group_lives(group: int) -> bool:
    """Whether a process of ``group`` still runs: on Linux, one that is no zombie (an orphan's zombie waits for
    init, which may be slow to reap it, and writes nothing); elsewhere, any process of it."""
    if not os.path.isdir("/proc/self"):
        os.killpg(group, 0)  # OSError (ESRCH) when none is left
        return True
    for stat in os.listdir("/proc"):
        if stat.isdigit():
            try:
                with open(f"/proc/{stat}/stat", "rb") as fh:
                    state, _, pgrp = fh.read().rsplit(b")", 1)[1].split()[:3]
            except (OSError, ValueError):  # gone meanwhile
                continue
            if int(pgrp) == group and state != b"Z":
                return True
    return False


def _high(fds: tuple[int, int]) -> tuple[int, int]:
    moved = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
    for fd in fds:
        os.close(fd)
    return moved
