"""Print HTML to PDF with headless Chromium (:class:`Printer`).

Finding and installing a Chromium is :mod:`analysis.render.chromium_install`; the browser
process and its DevTools pipe are :mod:`analysis.render.devtools`.

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
import os
import signal
import time
from pathlib import Path

from analysis.errors import BrowserUnavailable, RenderError
from analysis.render.chromium_install import HOW_TO_GET_ONE, find, missing
from analysis.render.devtools import Chromium, Gone, Refused, field, hint_for

#: ``Page.printToPDF`` options: exactly what ``chromium --headless --print-to-pdf
#: --no-pdf-header-footer`` sends (Chromium's headless_command.js), so the PDF is the same.
PRINT_OPTIONS = {
    "displayHeaderFooter": False,
    "generateTaggedPDF": True,
    "printBackground": True,
    "preferCSSPageSize": True,
}


class _PageFailed(RuntimeError):
    """The browser answered, and this page did not print: it failed to open, its renderer stopped, or the
    print was refused (a page that navigated away): the page's trouble, not the browser's installation."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


class _TabLost(_PageFailed):
    """The tab's renderer stopped while the page loaded."""


def _whole_pdf(path: Path) -> bool:
    """Whether ``path`` looks like a complete PDF of a real page (header, size, end marker)."""
    if not path.is_file() or path.stat().st_size <= 1000:
        return False
    with open(path, "rb") as fh:
        head = fh.read(5)
        fh.seek(-1024, os.SEEK_END)
        return head == b"%PDF-" and b"%%EOF" in fh.read()


def _lost(event: dict, session: str) -> bool:
    """Whether a DevTools ``event`` says the tab of ``session`` is gone (its renderer crashed, or it was closed)."""
    method = event.get("method")
    if method in ("Inspector.targetCrashed", "Inspector.detached"):
        return event.get("sessionId") == session
    return method == "Target.detachedFromTarget" and event.get("params", {}).get("sessionId") == session


def _how(code: int | None) -> str:
    """How a browser ended, from its exit status: a launcher script that runs it without ``exec`` (Debian's
    ``chromium-headless-shell``) reports its kill by a signal N as exit 128+N."""
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    if code is not None and 128 < code < 128 + signal.NSIG and code - 128 in signal.valid_signals():
        return f"killed by {signal.Signals(code - 128).name}, exit {code} from its launcher script"
    return f"exit {code}"


def _gone(chromium: Chromium, path: str) -> RenderError:
    """The error for a browser that closed its pipe: reaped, what it said quoted where it says why."""
    chromium.reap(5)
    tail, said = chromium.stderr_tail(started=chromium.answered), chromium.stderr_text()
    chromium.close(now=True)
    how = _how(chromium.returncode)
    if chromium.answered:  # it ran, and stopped in the middle: installing it again would not help
        return RenderError(
            f"Chromium ({path}) failed to print the PDF ({how}): it stopped while printing. {tail}".strip(),
            "It is installed and had started; something stopped it (killed, or out of"
            " memory?). Run the report again: the next print starts a new browser.",
        )
    return RenderError(f"Chromium ({path}) failed to print the PDF ({how}). {tail}".strip(), hint_for(said))


class Printer:
    """One headless Chromium kept running, printing pages to PDF through the DevTools protocol.

    The browser is started on the first print (``--remote-debugging-pipe``: no port, no
    extra dependency). Each print opens the page in the browser's tab (one, kept from page to
    page: :meth:`_tab`), waits for its ``load`` event and prints it with :data:`PRINT_OPTIONS`,
    as ``--print-to-pdf`` does.
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
        self._chromium: Chromium | None = None
        self._session: str | None = None  # the DevTools session of the tab it prints in (:meth:`_tab`)
        self._target = ""  # and the tab's target id

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
        data = self.pdf_bytes(html)
        pdf.write_bytes(data)
        if not _whole_pdf(pdf):
            pdf.unlink(missing_ok=True)
            if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:  # a PDF of a blank page: the page's fault
                raise RenderError(
                    f"Chromium printed {Path(html).name} as a blank page ({len(data)} bytes).",
                    f"Chromium works; the page has nothing to print: check {html} (empty, or hidden in print).",
                )
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

    def _launch(self, path: str) -> Chromium:
        """A new browser in place of the old one (killed, if any)."""
        self.close(now=True)
        self._chromium = Chromium(path)
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
        except Gone:
            chromium, self._chromium, self._session = self._chromium, None, None
            raise _gone(chromium, path) from None
        except _PageFailed as exc:
            self.close(now=True)  # the tab's state is unknown: the next page gets a new browser
            raise RenderError(
                f"Chromium ({path}) failed to print the PDF: {exc}.",
                f"{exc.hint} It printed nothing of {Path(html).name}; run the report again.",
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

    def _tab(self, chromium: Chromium, deadline: float) -> str:
        """The session of the tab this browser prints in, opened on first use and kept for the next pages.

        A new tab per page would start a new renderer process per page (about 0.2 CPU-s, a fifth of
        a piece's print); pages are static, self-contained files, so one page leaves nothing the next
        one reads. A new browser gets a new tab (:meth:`_launch` forgets the old one)."""
        if self._session is not None and any(_lost(event, self._session) for event in chromium.arrived()):
            with contextlib.suppress(RuntimeError):  # its renderer died between two pages: a new tab
                chromium.call("Target.closeTarget", {"targetId": self._target}, None, deadline)
            self._session = None
        if self._session is None:
            created = chromium.call("Target.createTarget", {"url": "about:blank"}, None, deadline)
            self._target = field(created, "targetId", "Target.createTarget")
            session = chromium.call(
                "Target.attachToTarget", {"targetId": self._target, "flatten": True}, None, deadline
            )
            self._session = field(session, "sessionId", "Target.attachToTarget")
            chromium.call("Page.enable", None, self._session, deadline)
            chromium.call("Page.setLifecycleEventsEnabled", {"enabled": True}, self._session, deadline)
            # A piece holds no script (templates/momentum): one that runs could only move or stall the
            # page being printed (the headless shell's print may never answer after an onload navigation)
            chromium.call("Emulation.setScriptExecutionDisabled", {"value": True}, self._session, deadline)
        return self._session

    def _print(self, chromium: Chromium, url: str, deadline: float) -> bytes:
        """The page printed in the kept tab; once more in a new tab when the kept one's renderer is found dead
        only while this page loads (killed between two pages, its notice came after :meth:`_tab` looked)."""
        fresh = self._session is None
        try:
            return self._print_in_tab(chromium, url, deadline)
        except _TabLost:
            if fresh:
                raise
            with contextlib.suppress(RuntimeError):
                chromium.call("Target.closeTarget", {"targetId": self._target}, None, deadline)
            self._session = None
            return self._print_in_tab(chromium, url, deadline)

    def _print_in_tab(self, chromium: Chromium, url: str, deadline: float) -> bytes:
        session = self._tab(chromium, deadline)
        chromium.events.clear()
        navigation = chromium.call("Page.navigate", {"url": url}, session, deadline)
        if navigation.get("errorText"):
            raise _PageFailed(
                f"opening {url} failed ({navigation['errorText']})",
                "Chromium works (it answered); the file could not be opened.",
            )

        def loaded_or_lost(event: dict) -> bool:
            method, params = event.get("method"), event.get("params", {})
            if _lost(event, session):
                raise _TabLost(
                    f"the page's renderer stopped while loading {url} ({method})",
                    "Chromium works (it answered); the tab printing this page was stopped (killed, or out of memory?).",
                )
            # Lifecycle events of the blank tab are replayed when enabled: only this navigation's count.
            return (
                method == "Page.lifecycleEvent"
                and params.get("name") == "load"
                and params.get("loaderId") == navigation.get("loaderId")
            )

        chromium.wait_for(loaded_or_lost, deadline)
        try:
            printed = chromium.call("Page.printToPDF", PRINT_OPTIONS, session, deadline)
        except Refused as exc:  # "Printing failed": a page that navigated away while it was printed
            raise _PageFailed(
                str(exc), "Chromium works (it answered); did the page navigate away while it was printed?"
            ) from None
        data = field(printed, "data", "Page.printToPDF")
        try:
            return base64.b64decode(data, validate=True)
        except ValueError:  # binascii.Error
            raise RuntimeError("Page.printToPDF answered data that is not base64") from None

    def _path(self) -> str:
        path = self.browser or find()
        if not path:
            why, hint = missing()
            raise BrowserUnavailable(f"{why}, so no PDF was printed.", hint)
        return path

    def close(self, *, now: bool = False) -> None:
        """Quit the browser (``now``: kill it); a no-op when none is running."""
        chromium, self._chromium, self._session = self._chromium, None, None
        if chromium is not None:
            chromium.close(now=now)

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
