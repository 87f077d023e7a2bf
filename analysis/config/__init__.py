"""User-editable configuration: TOML files in ``analysis/config/``.

Scenarios, the Economic Modern Family and thresholds are data, not code: edit the files,
or point ``MOMENTUM_CONFIG_DIR`` at a folder holding your own copies (a file missing there
falls back to the bundled one).
"""

from __future__ import annotations

import copy
import errno
import os
import tomllib
from pathlib import Path

from analysis.errors import InputError
from analysis.params.checks import shown
from analysis.paths import CONFIG_DIR


def path(name: str) -> Path:
    """Where config ``name`` (e.g. ``"family"``) is read from.

    ``$MOMENTUM_CONFIG_DIR/<name>.toml`` when that file exists, else the bundled one; a
    ``MOMENTUM_CONFIG_DIR`` that is not a folder is an error (a typo would otherwise silently
    fall back to the bundled configuration).
    """
    override = os.path.expanduser(os.environ.get("MOMENTUM_CONFIG_DIR") or "")  # '~/cfg' quoted: the home folder
    if not override:
        return CONFIG_DIR / f"{name}.toml"
    what = f"MOMENTUM_CONFIG_DIR {shown(override, 160)}"
    fix = "Point it at a folder holding your scenarios.toml and/or family.toml, or unset it."
    if not (_exists(Path(override), what, fix) and Path(override).is_dir()):
        raise InputError(f"{what} is not a folder.", fix)
    if _exists(Path(override) / f"{name}.toml", what, fix):
        return Path(override) / f"{name}.toml"  # a folder or a pipe of that name is refused by load()
    return CONFIG_DIR / f"{name}.toml"


def _exists(target: Path, what: str, fix: str) -> bool:
    """Whether ``target`` exists; a path the system cannot look up (a name over 255 bytes, a path
    over 4096: pathlib raises ENAMETOOLONG) is an :class:`InputError` naming ``what``."""
    try:
        os.stat(target)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise InputError(f"{what} is too long to look up ({len(os.fsencode(target))} bytes).", fix) from None
        return False
    except ValueError:  # a NUL in the path: no file has that name
        return False
    return True


#: Parsed files by their bytes: a build reads the same few files a score of times (the file is
#: still read each time, so an edit shows at once; only the parsing is not repeated).
_PARSED: dict[bytes, dict] = {}


def _parsed(raw: bytes) -> dict:
    if raw not in _PARSED:
        # a byte-order mark (Notepad's "UTF-8 with BOM") is no part of the TOML: read past it
        _PARSED[raw] = tomllib.loads(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    return _PARSED[raw]


def load(name: str, file: str | Path | None = None) -> dict:
    """The parsed TOML of config ``name`` (or of ``file``); a clear error if it is broken."""
    target = Path(file) if file else path(name)
    mine = f"Give the path of a TOML file of your own (a copy of analysis/config/{name}*.toml), or leave it out."
    if _exists(target, f"configuration file {shown(str(target), 160)}", mine) and not target.is_file():
        raise InputError(
            f"configuration file {target} is not a regular file.",
            f"Replace it with a TOML file (or remove it to use the bundled {name}.toml).",
        )
    try:
        with open(target, "rb") as fh:
            raw = fh.read()
        return copy.deepcopy(_parsed(raw))  # a copy: a caller may edit what it reads
    except FileNotFoundError:
        raise InputError(  # a file the user named is theirs to give; a bundled one is git's to restore
            f"configuration file {target} does not exist.",
            mine if file else f"Restore it with `git checkout -- analysis/config/{name}.toml`.",
        ) from None
    except OSError as exc:
        raise InputError(
            f"configuration file {target} cannot be read: {exc.strerror or exc}.", "It must be a readable TOML file."
        ) from None
    except UnicodeDecodeError as exc:
        line = target.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError(
            f"configuration file {target} is not UTF-8 text: byte 0x{exc.object[exc.start]:02x} on line {line}.",
            "Save it as UTF-8 (TOML files must be UTF-8).",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            f"configuration file {target} is not valid TOML: {exc}.", "Fix the line it names (see https://toml.io)."
        ) from None
    except RecursionError:  # tables or arrays nested thousands deep: no configuration is
        raise InputError(
            f"configuration file {target} nests its tables or arrays too deeply to read.",
            f"Restore it with `git checkout -- analysis/config/{name}.toml` (or a copy of it) and edit from there.",
        ) from None
