"""execute the research notebooks (one per indicator) into reports/<as-of>/research/

``make research TICKER=IWM [AS_OF=...]`` comes here. Every notebook of :data:`NOTEBOOKS`
(``notebooks/<name>.ipynb``) is executed with papermill for one ticker, benchmark and
as-of date, exported to HTML with the piece's template and published atomically as
``reports/<as-of>/research/<STEM>_<name>.{ipynb,html}`` (see :mod:`analysis.research.run`).
The notebooks are thin: each calls one module of this package (``analysis.research.phase``
for ``phase.ipynb``...), which computes with :mod:`analysis` and returns display objects.

This module stays light (no pandas, no papermill): the command line imports it to build
its parser, and the piece imports :func:`appendix_links` to link to the research files.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Notebook:
    """One research notebook: ``notebooks/<name>.ipynb``, what it shows and which chart of the piece it backs."""

    name: str
    title: str
    behind: str  # the piece's chart (or section) this notebook lets a reader dig into


#: The research notebooks, in the order they are listed (and linked from the piece).
NOTEBOOKS: tuple[Notebook, ...] = (
    Notebook("phase", "Phases: price against its fast and slow averages",
             "the daily price chart (phase shading, moving averages)"),
    Notebook("real_motion", "Real Motion: momentum against its own averages and bands",
             "the Real Motion chart"),
    Notebook("leadership", "Leadership against the benchmark",
             "the Leadership chart"),
    Notebook("triggers", "Triggers and relative performance",
             "the level to clear, the closes above the 50-DMA and the long-view chart"),
    Notebook("scorecard", "Scenarios: the scorecard over time, and the Economic Modern Family",
             "the scenario scorecard chart and the Economic Modern Family chart"),
    Notebook("history", "What history says: an event study of the triggers",
             "the 'What history says' chart (what followed each trigger before)"),
)

RESEARCH_DIR = "research"


def stem(ticker: str, benchmark: str = "SPY") -> str:
    """The piece's file stem for validated symbols: ``IWM`` against SPY, else ``IWM_vs_QQQ``.

    The same rule as :attr:`analysis.report.Request.stem` (a test checks they agree), here
    so that the piece can name its appendices without importing the renderer.
    """
    from analysis.paths import file_stem

    return file_stem(ticker) if benchmark == "SPY" else f"{file_stem(ticker)}_vs_{file_stem(benchmark)}"


def file_name(piece_stem: str, name: str, suffix: str = ".html") -> str:
    """``<STEM>_<notebook><suffix>``, the name of a research file in ``reports/<as-of>/research/``."""
    return f"{piece_stem}_{name}{suffix}"


def appendix_links(piece_stem: str) -> list[tuple[str, str, str]]:
    """``(title, href, behind)`` for each research notebook's HTML, relative to the piece's HTML.

    The piece is ``reports/<as-of>/<STEM>.html``; its research files are in the
    ``research/`` folder next to it, so ``href`` is ``research/<STEM>_<name>.html``.
    """
    return [(nb.title, f"{RESEARCH_DIR}/{file_name(piece_stem, nb.name)}", nb.behind) for nb in NOTEBOOKS]


def add_arguments(p: argparse.ArgumentParser) -> None:
    from analysis.cli import _add_piece_args

    _add_piece_args(p)
    names = [nb.name for nb in NOTEBOOKS]
    p.add_argument("--notebooks", nargs="+", default=None, metavar="NAME",
                   help=f"only these research notebooks (default: all of {', '.join(names)})")
    p.add_argument("--jobs", default=os.environ.get("JOBS") or str(os.cpu_count() or 1),
                   help="notebooks executed at once, each in its own process (default $JOBS or the number of cores)")
    p.add_argument("--force", action="store_true",
                   help="execute every notebook, even one whose published copy was made from the same inputs")


def main(args: argparse.Namespace) -> int:
    from analysis import params
    from analysis.report import Request
    from analysis.research.run import run

    request = Request.parse(args.ticker, args.benchmark, args.as_of, args.source, args.level, args.confirm_n)
    jobs = params.positive_int(args.jobs, what="--jobs")
    print(f"Executing the {request.ticker} research notebooks...", flush=True)
    result = run(request, names=args.notebooks, jobs=jobs, force=args.force)
    say(result)
    return 0


def say(result) -> None:
    """Print what a research run (:class:`analysis.research.run.Result`) wrote, or that its copies stand."""
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for path in result.files:
        print(f"  wrote {os.path.relpath(path)}")
    if result.reused:
        n = len(result.reused)
        print(f"  {n} research appendi{'ces' if n != 1 else 'x'} unchanged (same notebook, parameters, package and"
              f" data up to {result.as_of}), not re-executed: {', '.join(result.reused)} (--force runs them again)")
    if result.files:
        n = len(result.files) // 2
        print(f"{n} notebook{'s' * (n != 1)} in {result.seconds:.1f} s on {result.workers} worker"
              f"{'s' * (result.workers != 1)}")
