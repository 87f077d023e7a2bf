"""Headless Chromium: find one, install one if we may, and print HTML to PDF with it.

Why Chromium directly rather than nbconvert's ``webpdf`` exporter: ``webpdf`` needs
Playwright *and* its own browser download, which machines without general network access
cannot fetch; a system Chromium prints the same HTML with the same engine, honours our
``@page`` rules (running header, page numbers, no cut charts), and is one package away on
Debian. Playwright's browser is still used when it is already there.

Printing goes through the DevTools protocol over a pipe (:class:`Printer`), with the options
Chromium's own ``--print-to-pdf`` uses: a batch worker keeps one browser for all its pieces,
a single piece starts one as its notebook starts running (:meth:`Printer.start`) and closes
it when done. Same code, same PDF.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import glob
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from analysis.errors import BrowserUnavailable, RenderError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HOW_TO_GET_ONE = (
    "To get the PDF, install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`;"
    " macOS: `brew install --cask chromium`) or point CHROMIUM=/path/to/chrome at one,"
    " then run `make browser` and the report again."
)
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
#: ``Page.printToPDF`` options: exactly what ``chromium --headless --print-to-pdf
#: --no-pdf-header-footer`` sends (Chromium's headless_command.js), so the PDF is the same.
PRINT_OPTIONS = {
    "displayHeaderFooter": False,
    "generateTaggedPDF": True,
    "printBackground": True,
    "preferCSSPageSize": True,
}


def find() -> str | None:
    """Path of a usable Chromium: ``$CHROMIUM``, then the usual names on PATH, then Playwright's."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return shutil.which(explicit) or (explicit if os.access(explicit, os.X_OK) else None)
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    cache = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache" / "ms-playwright")
    for pattern in (
        "chromium-*/chrome-linux*/chrome",
        "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
        "chromium_headless_shell-*/chrome-*/headless_shell",
    ):
        hits = sorted(glob.glob(os.path.join(cache, pattern)))
        if hits:
            return hits[-1]
    return None


def _run(cmd: list[str], timeout: int) -> bool:
    try:
        return (
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout).returncode == 0
        )
    except (OSError, subprocess.TimeoutExpired):
        return False


def install(*, log=print) -> str | None:
    """Try to obtain a Chromium: Playwright's browser (needs network), then ``apt-get`` as root on Debian.

    Returns the path found afterwards, or ``None``. Each attempt is bounded in time.
    """
    import sys

    found = find()
    if found:
        return found
    log("No Chromium found; trying Playwright's browser (needs network access)...")
    if _run([sys.executable, "-m", "pip", "install", "-q", "playwright"], 300) and _run(
        [sys.executable, "-m", "playwright", "install", "chromium"], 300
    ):
        found = find()
        if found:
            return found
    if os.name == "posix" and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        log("Trying `apt-get install chromium` (running as root on Debian/Ubuntu)...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(
            ["apt-get", "update", "-qq"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            timeout=600,
            check=False,
        )
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            timeout=1200,
            check=False,
        )
        found = find()
    return found


def _whole_pdf(path: Path) -> bool:
    """Whether ``path`` looks like a complete PDF of a real page (header, size, end marker)."""
    if not path.is_file() or path.stat().st_size <= 1000:
        return False
    with open(path, "rb") as fh:
        head = fh.read(5)
        fh.seek(-1024, os.SEEK_END)
        return head == b"%PDF-" and b"%%EOF" in fh.read()


class _Gone(Exception):
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
        "error while loading shared libraries",
        "Chromium's libraries are missing or broken: reinstall it (Debian/Ubuntu:"
        " `sudo apt-get install --reinstall chromium`), then run `make browser` and the report again.",
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
    return HOW_TO_GET_ONE


class _Chromium:
    """A headless Chromium process and its DevTools pipe: JSON messages ended by NUL bytes,
    commands written to the browser's fd 3, answers and events read from its fd 4."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._dir = tempfile.mkdtemp(prefix="momentum-chromium-")
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
                os.environ,
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
        if not now and self.alive():
            try:
                self.send("Browser.close")
            except _Gone:
                pass
        self.reap(0 if now else 5)
        for fd in (self._out, self._in):
            with contextlib.suppress(OSError):  # already gone
                os.close(fd)
        shutil.rmtree(self._dir, ignore_errors=True)

    def stderr_text(self) -> str:
        """What the browser wrote on stderr, without Chromium's own line prefix
        ("[15347:15347:1206/224412.174512:ERROR:chrome/.../x.cc:1046] "), which says nothing to a reader."""
        try:
            with open(self._log, "rb") as fh:
                lines = fh.read().decode(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return "\n".join(re.sub(r"^\[\d+:\d+:[\d/.]+:\w+:[^\]]*\]\s*", "", line) for line in lines)

    def stderr_tail(self) -> str:
        return " ".join(self.stderr_text().splitlines()[-2:])[:300]

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
            raise _Gone from exc
        return self._next_id

    def receive(self, deadline: float) -> dict:
        """The next message; :class:`TimeoutError` at ``deadline``, :class:`_Gone` at end of pipe."""
        while (end := self._buffer.find(b"\0")) < 0:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise _Gone
            self.answered = True
            self._buffer += chunk
        message = json.loads(self._buffer[:end])
        del self._buffer[: end + 1]
        return message

    def call(self, method: str, params: dict | None, session: str | None, deadline: float) -> dict:
        """Send a command and return its ``result``; events that arrive meanwhile are kept."""
        number = self.send(method, params, session)
        while True:
            message = self.receive(deadline)
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method} answered {message['error'].get('message', message['error'])}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

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


def _high(fds: tuple[int, int]) -> tuple[int, int]:
    moved = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
    for fd in fds:
        os.close(fd)
    return moved


class Printer:
    """One headless Chromium kept running, printing pages to PDF through the DevTools protocol.

    The browser is started on the first print (``--remote-debugging-pipe``: no port, no
    extra dependency). Each print opens the page in a new tab, waits for its ``load`` event,
    prints it with :data:`PRINT_OPTIONS` and closes the tab, as ``--print-to-pdf`` does.
    A browser that crashes, hangs or answers with an error is killed, and the error says
    what happened (the caller keeps the HTML); the next print starts a new browser. One
    per thread; :meth:`close` (or ``with Printer() as printer:``) quits it.
    """

    def __init__(self, browser: str | None = None, *, timeout: float | None = None) -> None:
        from analysis import params

        self.browser = browser
        #: Seconds a print may take: ``timeout``, else ``$MOMENTUM_PDF_TIMEOUT`` (default 120).
        self.timeout = params.seconds("MOMENTUM_PDF_TIMEOUT") if timeout is None else timeout
        self.started = 0  # browsers started so far
        self._chromium: _Chromium | None = None

    @property
    def pid(self) -> int | None:
        """The running browser's process id, ``None`` when none is running."""
        return self._chromium.pid if self._chromium is not None and self._chromium.alive() else None

    def print_pdf(self, html: Path, pdf: Path) -> Path:
        """Print ``html`` to ``pdf``; returns ``pdf``.

        Raises :class:`BrowserUnavailable` when no Chromium is found, :class:`RenderError`
        when it fails, crashes, times out or returns something that is not a whole PDF.
        """
        pdf.unlink(missing_ok=True)
        pdf.write_bytes(self.pdf_bytes(html))
        if not _whole_pdf(pdf):
            pdf.unlink(missing_ok=True)
            self.close(now=True)
            raise RenderError(f"Chromium ({self._path()}) printed something that is not a whole PDF.", HOW_TO_GET_ONE)
        return pdf

    def start(self) -> bool:
        """Start the browser now, without waiting for it, unless one is running; True if one is.

        A warm-up: called before a notebook runs, Chromium's start-up overlaps the
        execution on another core instead of following it. Failures are left to the print,
        which starts the browser again and reports them (no Chromium, cannot start...).
        """
        if self._chromium is not None and self._chromium.alive():
            return True
        try:
            self._launch(self._path())
        except (BrowserUnavailable, OSError):
            return False
        return True

    def _launch(self, path: str) -> _Chromium:
        """A new browser in place of the old one (killed, if any)."""
        self.close(now=True)
        self._chromium = _Chromium(path)
        self.started += 1
        return self._chromium

    def pdf_bytes(self, html: Path) -> bytes:
        """The PDF of ``html`` as Chromium returns it (unchecked: a blank page is tiny)."""
        path = self._path()
        deadline = time.monotonic() + self.timeout
        try:
            if self._chromium is None or not self._chromium.alive():
                self._launch(path).call("Browser.getVersion", None, None, deadline)
            return self._print(self._chromium, Path(html).resolve().as_uri(), deadline)
        except _Gone:
            chromium, self._chromium = self._chromium, None
            chromium.reap(5)
            tail, said = chromium.stderr_tail(), chromium.stderr_text()
            chromium.close(now=True)
            code = chromium.returncode
            how = f"killed by {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit {code}"
            if chromium.answered:  # it ran, and stopped in the middle: installing it again would not help
                raise RenderError(
                    f"Chromium ({path}) failed to print the PDF ({how}): it stopped while printing. {tail}".strip(),
                    "It is installed and had started; something stopped it (killed, or out of"
                    " memory?). Run the report again: the next print starts a new browser.",
                ) from None
            raise RenderError(
                f"Chromium ({path}) failed to print the PDF ({how}). {tail}".strip(), hint_for(said)
            ) from None
        except TimeoutError:
            self.close(now=True)
            raise RenderError(
                f"Chromium did not finish printing the PDF within {self.timeout:g} s.",
                "Set MOMENTUM_PDF_TIMEOUT higher if the machine is slow.",
            ) from None
        except RuntimeError as exc:
            self.close(now=True)
            raise RenderError(f"Chromium ({path}) failed to print the PDF: {exc}.", HOW_TO_GET_ONE) from None
        except OSError as exc:
            self.close(now=True)
            raise RenderError(f"Chromium ({path}) could not be started: {exc}.", HOW_TO_GET_ONE) from None
        except BaseException:
            self.close(now=True)  # interrupted mid-conversation: the pipe's state is unknown
            raise

    @staticmethod
    def _print(chromium: _Chromium, url: str, deadline: float) -> bytes:
        chromium.events.clear()
        target = chromium.call("Target.createTarget", {"url": "about:blank"}, None, deadline)["targetId"]
        session = chromium.call("Target.attachToTarget", {"targetId": target, "flatten": True}, None, deadline)[
            "sessionId"
        ]
        chromium.call("Page.enable", None, session, deadline)
        chromium.call("Page.setLifecycleEventsEnabled", {"enabled": True}, session, deadline)
        navigation = chromium.call("Page.navigate", {"url": url}, session, deadline)
        if navigation.get("errorText"):
            raise RuntimeError(f"opening {url} failed ({navigation['errorText']})")

        def loaded_or_lost(event: dict) -> bool:
            method, params = event.get("method"), event.get("params", {})
            if (
                method in ("Inspector.targetCrashed", "Inspector.detached")
                and event.get("sessionId") == session
                or method == "Target.detachedFromTarget"
                and params.get("sessionId") == session
            ):
                raise RuntimeError(f"the page's renderer stopped while loading {url} ({method})")
            # Lifecycle events of the blank tab are replayed when enabled: only this navigation's count.
            return (
                method == "Page.lifecycleEvent"
                and params.get("name") == "load"
                and params.get("loaderId") == navigation.get("loaderId")
            )

        chromium.wait_for(loaded_or_lost, deadline)
        data = chromium.call("Page.printToPDF", PRINT_OPTIONS, session, deadline)["data"]
        chromium.call("Target.closeTarget", {"targetId": target}, None, deadline)
        return base64.b64decode(data)

    def _path(self) -> str:
        path = self.browser or find()
        if not path:
            raise BrowserUnavailable("no headless Chromium was found, so no PDF was printed.", HOW_TO_GET_ONE)
        return path

    def close(self, *, now: bool = False) -> None:
        """Quit the browser (``now``: kill it); a no-op when none is running."""
        chromium, self._chromium = self._chromium, None
        if chromium is not None:
            chromium.close(now=now)

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
