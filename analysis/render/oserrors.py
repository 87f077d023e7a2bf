"""The one-line error for an :class:`OSError` met while publishing (:func:`explain`): what happened, in
the user's terms (a full disk, a protected file, a sticky folder, a file in the way...), and what to do.
:mod:`analysis.render.publish` and the index raise it."""

from __future__ import annotations

import errno
import os
import pwd
import stat
from pathlib import Path

from analysis.errors import PublishError

_RENAMED = (errno.EISDIR, errno.EACCES, errno.EPERM, errno.EROFS)
_FIX_DIR = "Set MOMENTUM_REPORTS_DIR to a writable folder (or unset it for reports/ in the project)."


#: What a piece needs free while it is written (README: "about 10 MB").
PIECE_ROOM = 10_000_000


def _statvfs(path: Path) -> os.statvfs_result | None:
    """``os.statvfs`` of the file system holding ``path`` (its nearest existing folder), if any answers."""
    for folder in (path, *path.parents):
        try:
            return os.statvfs(folder)
        except OSError:
            continue
    return None


def _out_of_inodes(path: Path) -> bool:
    """Whether the file system holding ``path`` (its nearest existing folder) has blocks free but no
    inode left: a write then fails with ENOSPC, "no space left on device", with space to spare."""
    found = _statvfs(path)
    return found is not None and found.f_files > 0 and found.f_favail == 0 and found.f_bavail > 0


def _full_but_refused(exc: OSError, path: Path) -> PublishError | None:
    """EPERM from a file system with less free than a piece needs: a FAT stick's FUSE driver (fusefat) says
    "Operation not permitted" for a write that does not fit, where the kernel says ENOSPC."""
    found = _statvfs(path)
    free = found.f_bavail * found.f_frsize if found is not None else None
    if exc.errno != errno.EPERM or free is None or free >= PIECE_ROOM:
        return None
    return PublishError(
        f"no space left on the device holding {path}: {free / 1e6:.1f} MB free, and the file system refused"
        f' a write ("{exc.strerror}", as a FAT driver says when it is full).',
        "Free some disk space (a piece needs about 10 MB while it is written) and run again.",
    )


def _sticky_owner(where: Path) -> str | None:
    """The user owning ``where`` when a sticky folder keeps this one from replacing it (``None`` otherwise)."""
    try:
        folder, owner = where.parent.stat(), where.stat().st_uid
    except OSError:
        return None
    if not folder.st_mode & stat.S_ISVTX or os.geteuid() in (owner, folder.st_uid):
        return None
    try:
        return pwd.getpwuid(owner).pw_name
    except KeyError:
        return f"uid {owner}"


def _denied(exc: OSError, where: Path) -> PublishError:
    """EACCES, EPERM or EROFS: a sticky folder of another user, a protected file, or a folder that cannot be written."""
    code = exc.errno
    owner = _sticky_owner(where) if code == errno.EPERM else None
    if owner is not None:  # chmod +t: only the file's (or the folder's) owner may replace it
        return PublishError(
            f"cannot replace {where}: {exc.strerror} (it belongs to another user, {owner}, and its folder has"
            " the sticky bit: only the file's owner may replace it).",
            f"Run as {owner}, or have the file moved away (or the bit removed: chmod -t '{where.parent}'), and"
            " run again.",
        )
    if code == errno.EPERM and where.exists() and os.access(where.parent, os.W_OK):
        return PublishError(  # the folder is writable: the file itself is protected (chattr +i, +a)
            f"cannot replace {where}: {exc.strerror} (the file is protected, e.g. immutable or append-only).",
            f"Remove the protection (lsattr shows it; chattr -i -a '{where}') or move the file away, and run again.",
        )
    return PublishError(
        f"cannot write to {where}: {exc.strerror}.",
        "Make the reports directory writable (or set MOMENTUM_REPORTS_DIR to one that is).",
    )


#: What FAT, exFAT and Windows' file systems refuse in a name (a FUSE driver says EPERM, the kernel's vfat EINVAL).
FAT_FORBIDS = frozenset('"*:<>?\\|')


def _unnameable(exc: OSError, where: Path) -> PublishError | None:
    """A name the file system refused (``MOMENTUM_REPORTS_DIR=<a FAT stick>/r:1``), not a folder it cannot write."""
    if exc.errno not in (errno.EPERM, errno.EINVAL):
        return None
    named = next((p for p in (where, *where.parents) if FAT_FORBIDS & set(p.name) and not os.path.lexists(p)), None)
    if named is None:
        return None
    chars = ", ".join(sorted(FAT_FORBIDS & set(named.name)))
    return PublishError(
        f"cannot create {named}: the file system refused its name ({exc.strerror}): it holds {chars}, which FAT,"
        " exFAT and Windows' file systems do not allow in a name.",
        "Set MOMENTUM_REPORTS_DIR to a folder named without them, and run again.",
    )


def explain(exc: OSError, path: Path) -> PublishError:
    """The one-line error for an :class:`OSError` met while writing ``path``: what happened and what to do."""
    code = exc.errno
    # A rename names its source (a hidden temporary file) and its target, the file the user knows.
    named = exc.filename2 if code in _RENAMED and getattr(exc, "filename2", None) else exc.filename
    where = Path(named) if named else Path(path)
    refused = _unnameable(exc, where)
    if refused is not None:
        return refused
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _full_but_refused(exc, Path(path)) or _denied(exc, where)
    if code == errno.ENOSPC and _out_of_inodes(where):
        return PublishError(
            f"no free inodes (file entries) left on the device holding {path} (writing {where.name}),"
            " though it has space.",
            "Delete files you do not need there (many small ones: a cache, old pieces) or give the file system"
            " more inodes (a tmpfs: mount -o remount,nr_inodes=...), and run again.",
        )
    if code in (errno.ENOSPC, errno.EDQUOT):
        return PublishError(
            f"no space left on the device holding {path} (writing {where.name}).",
            "Free some disk space (a piece needs about 10 MB while it is written) and run again.",
        )
    if code == errno.EFBIG:  # the folder is fine: a limit on the size of any file (ulimit -f) stopped it
        return PublishError(
            f"cannot write {where}: it is larger than this process may write ({exc.strerror}: a file-size limit).",
            "Raise the limit (ulimit -f unlimited, or the service's LimitFSIZE) and run again.",
        )
    if code in (errno.ENOTDIR, errno.EEXIST):
        blocker = next((p for p in reversed([where, *where.parents]) if p.exists() and not p.is_dir()), where)
        special = not blocker.is_file() or str(blocker).startswith(("/dev/", "/proc/", "/sys/"))
        kind = "a device or special file" if special else "a file"
        move = "" if special else f"Move {blocker} away, or "
        return PublishError(
            f"cannot write to {where}: {blocker} is {kind}, not a folder.",
            f"{move}{_FIX_DIR[0].lower() if move else _FIX_DIR[0]}{_FIX_DIR[1:]}",
        )
    if code == errno.EISDIR:
        return PublishError(
            f"cannot write {where}: a folder is in the way.",
            f"Remove or rename it (e.g. rm -r '{where}') and run again.",
        )
    if code == errno.ENOENT:
        return PublishError(
            f"cannot create {where}: a folder on that path does not exist and cannot be made"
            " (a special file system such as /proc or /dev?).",
            _FIX_DIR,
        )
    if code == errno.EXDEV:
        return PublishError(
            f"cannot move files into {where}: it is on another file system than the staging folder.",
            "Keep the reports folder on one file system (no mount point inside it).",
        )
    return PublishError(f"cannot write to {where}: {exc.strerror or exc}.", _FIX_DIR)
