"""Where things live: the project root, the bundled snapshot, the cache and the reports.

Every path the product writes to is built here, from validated parts, and checked to stay
inside its root (:func:`inside`), so no parameter can make it write elsewhere.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from analysis.errors import InputError
from analysis.params import file_stem  # noqa: F401 (where paths are named)

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
SNAPSHOT_DIR = PACKAGE_DIR / "data" / "prices"
CONFIG_DIR = PACKAGE_DIR / "config"
TEMPLATE_DIR = PACKAGE_DIR / "render" / "templates"
NOTEBOOK_DIR = PROJECT_DIR / "notebooks"
COMMENTARY_NOTEBOOK = NOTEBOOK_DIR / "commentary.ipynb"
KERNEL_NAME = "momentum-report"
#: The lab's kernel (``make lab`` only): the report's packages plus plotly and ipywidgets
#: (``requirements-interactive.lock``), in ``.venv-lab-kernel``; :mod:`analysis.interactive` needs it.
LAB_KERNEL_NAME = "momentum-lab"
LAB_KERNEL_DISPLAY = "Python (momentum-lab: plotly, ipywidgets)"


def discard(tmp: str | Path | None) -> None:
    """Remove a temporary file named before it was made, if it was made: on a read-only file system it never
    was, and ``unlink`` would fail there too (EROFS), where ``missing_ok`` only forgives ENOENT."""
    if tmp and os.path.lexists(tmp):
        os.unlink(tmp)


#: What a file system without Unix modes answers a chmod with: a FAT, exFAT or SMB mount (EPERM for a mode
#: its mount options cannot hold), a FUSE driver that has no chmod (ENOSYS), or one that refuses it (ENOTSUP).
NO_MODES = (errno.EPERM, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP)


def plain_mode(path: str | Path) -> None:
    """Give a file made 0600 (``mkstemp``) the mode a plain ``open()`` makes, 0644; where the file system keeps no
    such modes (FAT, exFAT, SMB), the mode it gives is kept: a piece on a USB stick is no less a piece."""
    try:
        os.chmod(path, 0o644)
    except OSError as exc:
        if exc.errno not in NO_MODES:
            raise


def resolved(path: Path) -> Path:
    """``path.resolve()``; a loop of symbolic links is a :class:`~analysis.errors.PublishError`
    naming it (Python 3.11 raises RuntimeError, later ones OSError ELOOP)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        from analysis.errors import PublishError

        if not path.is_absolute() and _no_working_folder():
            raise PublishError(
                f"{path} is relative to the working folder, which no longer exists (it was deleted).",
                "Run from an existing folder (cd), or set MOMENTUM_REPORTS_DIR to an absolute path.",
            ) from None
        link = next((p for p in [path, *path.parents] if p.is_symlink() and _loops(p)), path)
        raise PublishError(
            f"{link} is a loop of symbolic links (it leads back to itself): nothing is written through it.",
            f"Replace it with a real folder (e.g. rm '{link}'), or set MOMENTUM_REPORTS_DIR to another folder.",
        ) from None


def _no_working_folder() -> bool:
    try:
        os.getcwd()
    except FileNotFoundError:
        return True
    return False


def relative(path: Path | str) -> str:
    """``path`` as the messages show it: relative to the working folder (``os.path.relpath``), or as
    it is when there is no working folder any more (a folder deleted under a running shell)."""
    try:
        return os.path.relpath(path)
    except FileNotFoundError:
        return str(path)


def _loops(link: Path) -> bool:
    try:
        os.stat(link)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def reports_dir() -> Path:
    """The reports root: ``$MOMENTUM_REPORTS_DIR`` if set (tests use a temporary one), else ``reports/``.

    A leading ``~`` is the home folder, as the shell would have made it had it not been quoted
    (``MOMENTUM_REPORTS_DIR='~/reports'`` made a folder named ``~`` in the working folder)."""
    return resolved(Path(os.environ.get("MOMENTUM_REPORTS_DIR") or PROJECT_DIR / "reports").expanduser())


def cache_dir() -> Path:
    """The yfinance cache: ``$MOMENTUM_CACHE_DIR`` if set, else ``.cache/prices`` in the project.

    Kept apart from the bundled snapshot, which is never written to.
    """
    return Path(os.environ.get("MOMENTUM_CACHE_DIR") or PROJECT_DIR / ".cache" / "prices").expanduser().resolve()


def inside(root: Path, *parts: str) -> Path:
    """``root / parts``, refusing any result that would leave ``root``.

    Parts that lead out (``..``, an absolute path) are an :class:`InputError`; a symbolic link
    inside ``root`` that leads out (``reports/2024-07-08 -> /elsewhere``) is a
    :class:`~analysis.errors.PublishError` naming the link: nothing is written through it.
    """
    root = resolved(root)
    path = resolved(root.joinpath(*parts))
    if path != root and root not in path.parents:
        lexical = Path(os.path.normpath(root.joinpath(*parts)))
        if lexical == root or root in lexical.parents:  # the parts stay inside: a link leads out
            from analysis.errors import PublishError

            link = next((p for p in [lexical, *lexical.parents] if p.is_symlink()), lexical)
            raise PublishError(
                f"{link} is a symbolic link to {os.path.realpath(link)}, outside {root}:"
                " nothing is written through it.",
                f"Replace the link with a real folder (e.g. rm '{link}'), or set MOMENTUM_REPORTS_DIR"
                " to a folder without such links.",
            )
        raise InputError(
            f"refusing to write outside {root}: {'/'.join(parts)!r}.", "Use a plain ticker symbol and an ISO date."
        )
    return path


def nameable(root: Path) -> Path:
    """``root``, refused as a :class:`~analysis.errors.PublishError` (exit 5) when the file system cannot name it: a
    folder name over 255 bytes (128 accented letters are 256), a path over 4,096 (``ENAMETOOLONG``); ``report``,
    ``research`` and ``grade`` met it as a traceback, a batch once per piece (the twenty-second pass)."""
    try:
        os.stat(root)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            from analysis.errors import PublishError

            raise PublishError(
                f"cannot write to {root}: {exc.strerror}.",
                "Set MOMENTUM_REPORTS_DIR to a writable folder (or unset it for reports/ in the project).",
            ) from None
    return root


def listing(root: Path) -> list[Path]:
    """The entries of the reports folder ``root``: one this user may not list or enter (``chmod 300``,
    ``600``) is a :class:`~analysis.errors.PublishError` (exit 5) naming it, not a traceback."""
    try:
        entries = list(root.iterdir())
        if entries:
            entries[0].lstat()  # what is in a folder is reached only through its search (x) bit
    except PermissionError as exc:
        from analysis.errors import PublishError

        raise PublishError(
            f"cannot read the reports folder {root}: {exc.strerror} (it cannot be listed or entered).",
            f"Give this user read and search permission on it (chmod u+rx '{root}'), or set MOMENTUM_REPORTS_DIR"
            " to another folder.",
        ) from None
    return entries
