"""User-editable configuration: TOML files in ``analysis/config/``.

Scenarios, the Economic Modern Family and thresholds are data, not code: edit the files,
or point ``MOMENTUM_CONFIG_DIR`` at a folder holding your own copies (a file missing there
falls back to the bundled one).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from analysis.errors import InputError
from analysis.paths import CONFIG_DIR


def path(name: str) -> Path:
    """Where config ``name`` (e.g. ``"family"``) is read from."""
    override = os.environ.get("MOMENTUM_CONFIG_DIR")
    if override and (Path(override) / f"{name}.toml").is_file():
        return Path(override) / f"{name}.toml"
    return CONFIG_DIR / f"{name}.toml"


def load(name: str, file: str | Path | None = None) -> dict:
    """The parsed TOML of config ``name`` (or of ``file``); a clear error if it is broken."""
    target = Path(file) if file else path(name)
    try:
        with open(target, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(f"configuration file {target} does not exist.",
                         f"Restore it with `git checkout -- analysis/config/{name}.toml`.") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"configuration file {target} is not valid TOML: {exc}.",
                         "Fix the line it names (see https://toml.io).") from None
