"""The table on the command line: one ``argparse`` option per parameter, ``make help``'s list,
and the ``--jobs`` / ``JOBS`` worker count.

Each option's default is its make variable from the environment (``make`` exports them), so
``make report FAST=20`` and ``python -m analysis report --fast 20`` are the same request. Standard
library only (``make help`` runs it bare).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from analysis.params import checks
from analysis.params.request import Request
from analysis.params.table import COMMAND_LINE, KNOBS


def add_arguments(parser: argparse.ArgumentParser, *, skip: tuple[str, ...] = ()) -> None:
    """One option per identity parameter and knob, its make variable (when set) the default, so
    the command line, ``make`` and the notebooks share this one table."""
    for param in COMMAND_LINE:
        if param.name not in skip:
            shown = f"default {param.default}" if param.default != "" else "default: none"
            parser.add_argument(
                param.flag,
                default=str(os.environ.get(param.env or "", "" if param.scope == "knob" else param.default)),
                help=f"{param.help} ({shown}; make {param.env}=...)",
            )


def knob_values(args: argparse.Namespace) -> dict[str, Any]:
    """The raw knobs of parsed options (``""``: not given), for :meth:`Request.parse`."""
    return {p.name: getattr(args, p.name) for p in KNOBS if hasattr(args, p.name)}


def request(args: argparse.Namespace) -> Request:
    """The validated :class:`Request` of parsed piece options (every knob included)."""
    return Request.parse(args.ticker, args.benchmark, args.as_of, args.source, **knob_values(args))


def jobs(option: str | None, *, flag: str = "--jobs") -> int:
    """Worker processes: ``option`` (the command line's ``--jobs``) if given, else ``$JOBS``, else
    the number of cores. A bad value is named where it was typed: ``--jobs`` or ``JOBS``."""
    if option is not None:
        return checks.positive_int(option, what=flag)
    from_make = os.environ.get("JOBS", "")
    return checks.positive_int(from_make, what="JOBS") if from_make.strip() else os.cpu_count() or 1


def help_table() -> str:
    """The make variables of a piece, their defaults and meaning (``make help`` prints it)."""
    rows = [(p.env, str(p.default) if p.default != "" else "(none)", p.help) for p in COMMAND_LINE if p.env]
    return "\n".join(f"  {env:<15} {default:<9} {text}" for env, default, text in rows)
