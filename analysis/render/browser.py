"""Headless Chromium: find one, install one if we may, and print HTML to PDF with it.

Why Chromium directly rather than nbconvert's ``webpdf`` exporter: ``webpdf`` needs
Playwright *and* its own browser download, which machines without general network access
cannot fetch; a system Chromium prints the same HTML with the same engine, honours our
``@page`` rules (running header, page numbers, no cut charts), and is one package away on
Debian. Playwright's browser is still used when it is already there.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from analysis.errors import BrowserUnavailable, RenderError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_TIMEOUT = int(os.environ.get("MOMENTUM_PDF_TIMEOUT", "120"))
HOW_TO_GET_ONE = ("To get the PDF, install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`;"
                  " macOS: `brew install --cask chromium`) or point CHROMIUM=/path/to/chrome at one,"
                  " then run `make browser` and the report again.")
#: Flags for a quiet, offline, throw-away browser (no sync, no updates, no first-run UI).
FLAGS = ("--headless", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
         "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--no-pdf-header-footer",
         "--run-all-compositor-stages-before-draw")


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
    for pattern in ("chromium-*/chrome-linux*/chrome", "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
                    "chromium_headless_shell-*/chrome-*/headless_shell"):
        hits = sorted(glob.glob(os.path.join(cache, pattern)))
        if hits:
            return hits[-1]
    return None


def _run(cmd: list[str], timeout: int) -> bool:
    try:
        return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout).returncode == 0
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
    if _run([sys.executable, "-m", "pip", "install", "-q", "playwright"], 300) and \
            _run([sys.executable, "-m", "playwright", "install", "chromium"], 300):
        found = find()
        if found:
            return found
    if os.name == "posix" and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        log("Trying `apt-get install chromium` (running as root on Debian/Ubuntu)...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=env, timeout=600, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=env, timeout=1200, check=False)
        found = find()
    return found


def command(browser: str, html: Path, pdf: Path, profile: str) -> list[str]:
    """The Chromium command line that prints ``html`` to ``pdf``."""
    flags = list(FLAGS) + [f"--user-data-dir={profile}", f"--print-to-pdf={pdf}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox
    return [browser, *flags, html.resolve().as_uri()]


def print_pdf(html: Path, pdf: Path, *, browser: str | None = None, timeout: int = PRINT_TIMEOUT) -> Path:
    """Print ``html`` to ``pdf`` with headless Chromium; returns ``pdf``.

    Raises :class:`BrowserUnavailable` when no Chromium is found, :class:`RenderError`
    when it fails, crashes, times out or writes something that is not a whole PDF.
    """
    browser = browser or find()
    if not browser:
        raise BrowserUnavailable("no headless Chromium was found, so no PDF was printed.", HOW_TO_GET_ONE)
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="momentum-chromium-") as profile:
        proc = subprocess.Popen(command(browser, html, pdf, profile), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise RenderError(f"Chromium did not finish printing the PDF within {timeout} s.",
                              "Set MOMENTUM_PDF_TIMEOUT higher if the machine is slow.") from None
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
    ok = pdf.is_file() and pdf.stat().st_size > 1000
    if ok:
        with open(pdf, "rb") as fh:
            head = fh.read(5)
            fh.seek(-1024, os.SEEK_END)
            ok = head == b"%PDF-" and b"%%EOF" in fh.read()
    if proc.returncode != 0 or not ok:
        tail = " ".join((err or b"").decode(errors="replace").strip().splitlines()[-2:])[:300]
        pdf.unlink(missing_ok=True)
        raise RenderError(f"Chromium ({browser}) failed to print the PDF (exit {proc.returncode}). {tail}".strip(),
                          HOW_TO_GET_ONE)
    return pdf
