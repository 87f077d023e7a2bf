"""Finding a headless Chromium, and installing one if we may.

Lookup order (:func:`find`): ``$CHROMIUM``, the usual names on PATH (Chromium's headless shell
first), then Playwright's browser. :func:`install` (``make browser``) tries Playwright's download,
then ``apt-get`` as root on Debian (the headless shell, else Chromium). :data:`HOW_TO_GET_ONE` tells a user what to do when neither finds one. Printing is
:class:`analysis.render.browser.Printer`'s job.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

#: Names looked for on PATH, in order. The headless shell (Debian's ``chromium-headless-shell``,
#: Google's ``chrome-headless-shell``) is Chromium's own engine without the desktop browser around
#: it: the same PDF pixels, but it starts in 0.7 s and 0.7 CPU-s against 1.3 s and 2.4 CPU-s, and
#: prints a piece for 0.48 CPU-s against 0.68 (bench/README.md, issue 32).
CANDIDATES = (
    "chromium-headless-shell",
    "chrome-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
#: Debian packages ``apt-get`` tries, in order, until one gives a browser :func:`find` sees.
APT_PACKAGES = ("chromium-headless-shell", "chromium")
HOW_TO_GET_ONE = (
    "To get the PDF, install Chromium (Debian/Ubuntu: `sudo apt-get install chromium-headless-shell`"
    " or `chromium`;"
    " macOS: `brew install --cask chromium`) or point CHROMIUM=/path/to/chrome at one,"
    " then run `make browser` and the report again."
)


def _chosen() -> str:
    """``$CHROMIUM``, a leading ``~`` read as the home folder (quoted, the shell leaves it, as it does in
    MOMENTUM_REPORTS_DIR and MOMENTUM_CONFIG_DIR, which read it so too)."""
    return os.path.expanduser(os.environ.get("CHROMIUM") or "")


def find() -> str | None:
    """Path of a usable Chromium: ``$CHROMIUM``, then the usual names on PATH, then Playwright's."""
    explicit = _chosen()
    if explicit:
        usable = os.path.isfile(explicit) and os.access(explicit, os.X_OK)  # a folder is "executable" too
        return shutil.which(explicit) or (explicit if usable else None)
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    cache = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache" / "ms-playwright")
    for pattern in (
        "chromium_headless_shell-*/chrome-*/*headless_shell",
        "chromium-*/chrome-linux*/chrome",
        "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
    ):
        hits = sorted(glob.glob(os.path.join(cache, pattern)))
        if hits:
            return hits[-1]
    return None


def missing() -> tuple[str, str]:
    """Why no Chromium was found, and what to do: a ``CHROMIUM`` that names no program is named, with the
    browser PATH would give (installing one cannot help: ``CHROMIUM`` is looked at alone)."""
    explicit = _chosen()
    if not explicit:
        return "no headless Chromium was found", HOW_TO_GET_ONE
    if os.sep not in explicit:
        why = "no program of that name on PATH"
    elif not os.path.lexists(explicit):
        why = "no such file"
    else:
        why = "a folder" if os.path.isdir(explicit) else "not a program this user can run"
    on_path = next((path for path in map(shutil.which, CANDIDATES) if path), None)
    instead = f" to print with {on_path}, found on PATH" if on_path else f" ({HOW_TO_GET_ONE})"
    return (
        f"CHROMIUM is set to {explicit!r}, {why}",
        f"Point CHROMIUM at a Chromium, or unset it{instead}; then run the report again.",
    )


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
    if found or os.environ.get("CHROMIUM"):  # one named by CHROMIUM is the only one looked at
        return found
    log("No Chromium found; trying Playwright's browser (needs network access)...")
    if _run([sys.executable, "-m", "pip", "install", "-q", "playwright"], 300) and _run(
        [sys.executable, "-m", "playwright", "install", "chromium"], 300
    ):
        found = find()
        if found:
            return found
    if os.name == "posix" and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        log("Trying `apt-get install chromium-headless-shell` (running as root on Debian/Ubuntu)...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(
            ["apt-get", "update", "-qq"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            timeout=600,
            check=False,
        )
        for package in APT_PACKAGES:  # a release without the headless shell has Chromium
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", package],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                timeout=1200,
                check=False,
            )
            found = find()
            if found:
                break
    return found
