"""Writing finished files into ``reports/`` so that a reader never sees half a piece.

* Files are produced in a staging directory inside the reports root (same filesystem). Each
  staging folder is named after the process that owns it (``.staging/<pid>-...``) and holds
  an ``.owner`` file that process keeps locked: a folder whose lock is free has no live owner
  (its run was killed) and is swept away when the next run starts.
* :func:`publish` moves a piece's files into place whole or not at all: every file is moved
  with :func:`os.replace` (atomic: the previous file stays until the new one is whole); if any
  move fails, or a stopping signal (Ctrl-C, SIGTERM, SIGHUP) arrives before the last, the
  files already moved are rolled back to their previous versions (kept as hard links in the
  staging folder), so the previous piece survives byte for byte.
* One lock per piece (``reports/.locks/``): a second run of the same piece waits its turn.
* A failed notebook is kept under ``reports/_failed/`` for debugging.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from analysis import interrupts
from analysis.errors import PublishError
from analysis.paths import NO_MODES, inside
from analysis.render.oserrors import explain

OWNER = ".owner"
#: A staging folder this many seconds old whose owner lock is free (or missing) has no live owner.
STALE_AFTER = 10.0
#: A staging folder from before owner files existed (``tmpXXXX``) is removed this many seconds old.
LEGACY_STALE_AFTER = 3600.0


@contextlib.contextmanager
def piece_lock(
    root: Path, name: str, *, wait: float | None = None, log=None, what: str | None = None
) -> Iterator[None]:
    """Hold the lock of piece ``name`` (e.g. ``2024-07-08_IWM``), waiting up to ``wait`` s
    (default ``$MOMENTUM_LOCK_WAIT``, 900); ``what`` names the locked thing to a user (default ``name``)."""
    if wait is None:
        from analysis import params

        wait = params.seconds("MOMENTUM_LOCK_WAIT")
    try:
        lock_dir = inside(root, ".locks")
        lock_dir.mkdir(parents=True, exist_ok=True)
        fh = open(lock_dir / f"{name}.lock", "a+", encoding="utf-8")
    except OSError as exc:
        raise explain(exc, root) from None
    with fh:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise PublishError(
                        f"another run is still writing {what or name} after {wait:g} s.",
                        "Wait for it to finish, or stop it, and run again.",
                    ) from None
                if log and not told:
                    log(f"another run is writing {what or name}; waiting for it to finish...")
                    told = True
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# -- staging folders and their owners -----------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but not ours to signal
    return True


def _owner_is_gone(folder: Path, now: float) -> bool:
    """Whether ``folder`` (in ``.staging``) belongs to no live process.

    The owner holds a lock on ``folder/.owner`` for as long as it runs (the kernel releases it
    when the process dies, however it dies). A free lock means no owner, unless the folder was
    made a moment ago and its owner is about to take the lock: then the pid in its name must be gone
    too, or the folder's time more than :data:`STALE_AFTER` from now (ahead too: a clock that moved).
    """
    try:  # a folder dated ahead of the clock (set back since, or copied from a machine ahead) is no newer
        age = abs(now - folder.stat().st_mtime)
    except OSError:
        return False
    pid = folder.name.partition("-")[0]
    if not pid.isdigit():  # made before owner files existed
        return age > LEGACY_STALE_AFTER
    try:
        fd = os.open(folder / OWNER, os.O_RDONLY)
    except FileNotFoundError:
        fd = None
    except OSError:
        return False
    if fd is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # locked: its owner is alive
        finally:
            os.close(fd)
    return age > STALE_AFTER or not _pid_alive(int(pid))


def sweep(base: Path) -> list[Path]:
    """Remove the staging folders in ``base`` that no live process owns; returns what was removed."""
    removed = []
    now = time.time()
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    for folder in entries:
        if folder.is_dir() and not folder.is_symlink() and _owner_is_gone(folder, now):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def sweep_staging(root: Path) -> list[Path]:
    """:func:`sweep` ``root/.staging`` and remove it when empty; never raises (a clean-up step).

    A batch parent calls it once its workers are gone: one killed in its clean-up (still
    busy after :data:`analysis.interrupts.GRACE`) could not remove its own folder."""
    base = Path(root) / ".staging"
    if not base.is_dir() or base.is_symlink():
        return []
    removed = sweep(base)
    with contextlib.suppress(OSError):  # not empty: another run is staging
        base.rmdir()
    return removed


def _claim(base: Path) -> tuple[Path, int]:
    """A new folder ``base/<pid>-XXXX`` with a locked ``.owner`` file; returns it and the lock's fd."""
    for attempt in range(5):
        base.mkdir(parents=True, exist_ok=True)
        if attempt == 0:
            sweep(base)
        try:
            path = Path(tempfile.mkdtemp(dir=base, prefix=f"{os.getpid()}-"))
            break
        except FileNotFoundError:  # another run removed the empty base just now
            continue
    else:
        raise OSError(errno.ENOENT, "the staging folder keeps disappearing", str(base))
    fd = os.open(path / OWNER, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n".encode())
    except BaseException:  # OSError, or a stopping signal (Interrupted) arriving just now
        os.close(fd)
        shutil.rmtree(path, ignore_errors=True)
        raise
    return path, fd


@contextlib.contextmanager
def staging(root: Path) -> Iterator[Path]:
    """A fresh staging directory under ``root/.staging``; removed afterwards, whatever happens.

    Stale folders of killed runs are swept first (see :func:`sweep`); ``.staging`` itself is
    removed when the last run using it is done.
    """
    try:
        base = inside(root, ".staging")
        path, owner = _claim(base)
    except OSError as exc:
        raise explain(exc, root) from None
    try:
        yield path
    finally:
        # the lock goes first: a FUSE mount (a FAT stick's driver, sshfs) keeps a removed file that is still open
        # as a hidden one until it is closed, and the folder would stay (no sweeper takes it: its pid is alive)
        os.close(owner)
        shutil.rmtree(path, ignore_errors=True)
        with contextlib.suppress(OSError):  # not empty: another run is staging too
            base.rmdir()


# -- publishing a piece whole -----------------------------------------------------------------


def _check_targets(files: list[Path], dest: Path) -> None:
    """Refuse, before anything moves, what would make a move fail half-way (a folder in the way)."""
    for src in files:
        target = dest / src.name
        if target.is_dir() and not target.is_symlink():
            raise PublishError(
                f"cannot publish into {dest}: {target} is a folder, where the piece's {src.suffix}"
                " file belongs. Nothing was changed.",
                f"Remove or rename that folder (e.g. rm -r '{target}') and run again.",
            )


def _keep_previous(target: Path, keep: Path) -> Path | None:
    """A hard link (else a copy) of the file now at ``target``, in folder ``keep``; ``None`` if there is none."""
    if not os.path.lexists(target):
        return None
    keep.mkdir(exist_ok=True)
    backup = keep / target.name
    try:
        os.link(target, backup, follow_symlinks=False)  # a symlink is kept as the link itself
    except OSError as exc:
        if exc.errno != errno.EXDEV:  # no hard links here (FAT, exFAT: EPERM)
            _copy(target, backup)
        else:  # the destination is on another file system: keep the old file beside it
            backup = target.with_name(f".{target.name}.{os.getpid()}.previous")
            os.link(target, backup, follow_symlinks=False)
    return backup


def _copy(target: Path, backup: Path) -> None:
    """``shutil.copy2``, with the mode and times kept only where the file system keeps them: on FAT a chmod is
    EPERM or ENOSYS, and the piece before could never be replaced."""
    shutil.copyfile(target, backup, follow_symlinks=False)
    try:
        shutil.copystat(target, backup, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in NO_MODES:
            raise


def _move(src: Path, target: Path) -> None:
    """``os.replace``, or across file systems a copy beside ``target`` renamed over it."""
    try:
        os.replace(src, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        incoming = target.with_name(f".{target.name}.{os.getpid()}.incoming")
        try:
            shutil.copyfile(src, incoming)
            os.replace(incoming, target)
        finally:
            incoming.unlink(missing_ok=True)


def _roll_back(moved: list[tuple[Path, Path | None]]) -> list[str]:
    """Put every moved file's previous version back (or remove it if it is new); returns what failed."""
    failed = []
    for target, backup in reversed(moved):
        try:
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        except OSError as exc:
            failed.append(f"{target.name} ({exc.strerror or exc})")
    return failed


def publish(files: list[Path], dest: Path, *, remove: tuple[str, ...] = ()) -> list[Path]:
    """Move staged ``files`` into ``dest``: all of them or, on any failure, none; returns the new paths.

    Each move is an :func:`os.replace`. ``remove`` names files of the previous piece in
    ``dest`` that the new one does not replace (a PDF that could not be printed this time):
    they are removed in the same step, so the folder never mixes two runs. If a move fails,
    or Ctrl-C, SIGTERM or SIGHUP arrives before the last is done, the files already moved or
    removed are put back as they were and the error (a :class:`PublishError`, or the
    interrupt) is raised: the previous piece survives byte for byte. The previous versions
    are hard links in the staging folder of ``files``.
    """
    if not files:
        return []
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise explain(exc, dest) from None
    _check_targets(files, dest)
    keep = files[0].parent / ".previous"
    moved: list[tuple[Path, Path | None]] = []
    removed: list[tuple[Path, Path]] = []
    current = dest
    with interrupts.deferred():
        try:
            for src in files:
                current = dest / src.name
                backup = _keep_previous(current, keep)
                _move(src, current)
                moved.append((current, backup))
            for name in remove:
                current = dest / name
                backup = _keep_previous(current, keep)
                if backup is not None:
                    current.unlink()
                    removed.append((current, backup))
            interrupts.check()  # a signal that came in meanwhile undoes the piece, here, before it counts
        except BaseException as exc:
            failed = _roll_back(moved + removed)
            if failed:
                raise PublishError(
                    f"publishing into {dest} failed at {current.name} ({exc}), and"
                    f" {', '.join(failed)} could not be put back: the folder mixes two runs.",
                    "Run the same command again to write the whole piece.",
                ) from None
            if isinstance(exc, OSError):
                error = explain(exc, dest)
                error.hint = f"Nothing was published (the previous files are as they were). {error.hint}"
                raise error from None
            raise
        finally:
            for _target, backup in moved + removed:
                if backup is not None and backup.parent == dest:
                    backup.unlink(missing_ok=True)
    out = [target for target, _ in moved]
    interrupts.PUBLISHED.extend(out)
    return out


def keep_failed(notebook: Path, root: Path, name: str) -> Path | None:
    """Copy a failed executed notebook to ``root/_failed/<name>.ipynb``; ``None`` if impossible."""
    if not notebook.is_file():
        return None
    try:
        target = inside(root, "_failed", f"{name}.ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, target)
        return target
    except OSError:
        return None
