"""Durations in the environment (``MOMENTUM_CELL_TIMEOUT=10m``...), parsed and checked once, by name; and the
offline switch (``MOMENTUM_OFFLINE``)."""

from __future__ import annotations

import os
import re

from analysis.errors import InputError
from analysis.params.checks import shown

_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(s|m|h)?\s*$", re.IGNORECASE | re.ASCII)  # not ١٠ (as the knobs)
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600}
#: The numeric environment variables: name -> (default seconds, minimum seconds).
DURATIONS = {
    "MOMENTUM_CELL_TIMEOUT": (300.0, 1.0),
    "MOMENTUM_PDF_TIMEOUT": (120.0, 1.0),
    "MOMENTUM_LOCK_WAIT": (900.0, 0.0),
    "MOMENTUM_YAHOO_TIMEOUT": (8.0, 0.1),
    "MOMENTUM_FRED_TIMEOUT": (8.0, 0.1),
    "MOMENTUM_DASK_TIMEOUT": (15.0, 0.1),
}
#: A week: longer waits are typing mistakes (and overflow some timers).
MAX_SECONDS = 7 * 24 * 3600.0


def seconds(name: str) -> float:
    """The duration in environment variable ``name`` (one of :data:`DURATIONS`), in seconds.

    ``300``, ``300s``, ``5m``, ``1.5h``; unset or empty means the default. Anything else, or a
    value below the variable's minimum or above a week, is an :class:`InputError` naming it.
    """
    default, minimum = DURATIONS[name]
    raw = os.environ.get(name, "")
    if not raw.strip():
        return default
    match = _DURATION.match(raw)
    value = float(match.group(1)) * _UNIT[(match.group(2) or "").lower()] if match else None
    if value is None or not minimum <= value <= MAX_SECONDS:
        raise InputError(
            f"{name}={shown(raw)} is not a duration from {minimum:g} s to a week.",
            f"Give seconds, or a number with s, m or h, e.g. {name}={default:g} or {name}=10m;"
            " or unset it for the default.",
        )
    return value


def offline() -> bool:
    """Whether ``MOMENTUM_OFFLINE`` says to skip the network: ``1``; unset, empty or ``0`` is online
    (``0`` is off, as for RESEARCH and MOMENTUM_DRAW_AHEAD); anything else is an :class:`InputError`."""
    raw = os.environ.get("MOMENTUM_OFFLINE", "").strip()
    if raw not in ("", "0", "1"):
        raise InputError(
            f"MOMENTUM_OFFLINE={shown(raw)} is neither 0 nor 1.",
            "Set MOMENTUM_OFFLINE=1 to skip the network, or unset it (or 0) to use it.",
        )
    return raw == "1"


def check_environment() -> None:
    """Validate every numeric environment variable, and MOMENTUM_OFFLINE, now (the command line does,
    before any work)."""
    for name in DURATIONS:
        seconds(name)
    offline()
