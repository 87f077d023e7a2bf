"""Command line: ``python -m analysis <command>`` (the Makefile calls these).

Commands: ``report`` (one piece), ``summary`` (its JSON, no notebook), ``setup`` (kernel and
browser), ``browser`` (find or install Chromium), and those of :data:`PLUGINS` (batch,
index page, benchmark, research notebooks), each in its own module. Every user error ends with one line,
``error: <what was wrong>. <how to fix it>``, and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence

from analysis.errors import ReportError
from analysis.notebooks import NOTEBOOKS
from analysis.params import Request, add_arguments


def request(args: argparse.Namespace) -> Request:
    """The validated :class:`~analysis.params.Request` of parsed piece options."""
    return Request.parse(args.ticker, args.benchmark, args.as_of, args.source, args.level, args.confirm_n)


def _report(args: argparse.Namespace) -> int:
    from analysis.pipeline.report import run

    wanted = request(args)
    print(f"Writing the {wanted.ticker} piece...", flush=True)
    result = run(wanted, pdf=not args.no_pdf)
    for warning in result.warnings:
        print(f"warning: the notebook wrote to stderr: {warning}", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}")
    for path in result.files:
        print(f"  wrote {os.path.relpath(path)}")
    from analysis.pipeline.index import write_index

    print(f"  index {os.path.relpath(write_index())}")
    if result.pdf_error:
        print(f"warning: PDF not written: {result.pdf_error}", file=sys.stderr)
    return 0


def _summary(args: argparse.Namespace) -> int:
    from analysis import summary

    sys.stdout.write(summary.to_json(summary.build(request(args)).data))
    return 0


def _research(args: argparse.Namespace) -> int:
    from analysis import params
    from analysis.pipeline.research import run

    wanted = request(args)
    jobs = params.positive_int(args.jobs, what="--jobs")
    print(f"Executing the {wanted.ticker} research notebooks...", flush=True)
    result = run(wanted, names=args.notebooks, jobs=jobs)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for path in result.files:
        print(f"  wrote {os.path.relpath(path)}")
    n = len(result.files) // 2
    print(f"{n} notebook{'s' * (n != 1)} in {result.seconds:.1f} s on {result.workers} worker"
          f"{'s' * (result.workers != 1)}")
    return 0


def _setup(args: argparse.Namespace) -> int:
    from analysis.render.kernel import ensure_kernel

    print(f"Jupyter kernel: {ensure_kernel()} -> {sys.executable}")
    return _browser(args)


def _browser(args: argparse.Namespace) -> int:
    from analysis.render import browser

    found = browser.find() if not args.install else browser.install()
    if found:
        print(f"Chromium for PDFs: {found}")
    else:
        print(f"warning: no headless Chromium: pieces get HTML only. {browser.HOW_TO_GET_ONE}", file=sys.stderr)
    return 0


#: Commands implemented in their own modules. Each module defines ``add_arguments(parser)``
#: and ``main(args) -> int`` and keeps its heavy imports inside functions; its docstring's
#: first line is the command's help.
PLUGINS = {
    "reports": "analysis.pipeline.batch",
    "index": "analysis.pipeline.index",
    "bench": "analysis.bench",
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.split("\n\n")[0])
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("report", help="write reports/<as-of>/<TICKER>.{ipynb,html,pdf,json}")
    add_arguments(p)
    p.add_argument("--no-pdf", action="store_true", help="skip printing the PDF")
    p.set_defaults(func=_report)
    p = sub.add_parser("summary", help="print the piece's JSON summary (no notebook, no rendering)")
    add_arguments(p)
    p.set_defaults(func=_summary)
    p = sub.add_parser("research", help="execute the research notebooks (one per indicator) into reports/<as-of>/research/")
    add_arguments(p)
    p.add_argument("--notebooks", nargs="+", default=None, metavar="NAME",
                   help=f"only these research notebooks (default: all of {', '.join(nb.name for nb in NOTEBOOKS)})")
    p.add_argument("--jobs", default=os.environ.get("JOBS") or str(os.cpu_count() or 1),
                   help="notebooks executed at once, each in its own process (default $JOBS or the number of cores)")
    p.set_defaults(func=_research)
    p = sub.add_parser("setup", help="register the Jupyter kernel and look for Chromium")
    p.add_argument("--install", action="store_true", help="try to install Chromium if none is found")
    p.set_defaults(func=_setup)
    p = sub.add_parser("browser", help="find (or with --install, install) headless Chromium")
    p.add_argument("--install", action="store_true")
    p.set_defaults(func=_browser)
    for command, module_name in PLUGINS.items():
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        p = sub.add_parser(command, help=(module.__doc__ or command).strip().splitlines()[0])
        module.add_arguments(p)
        p.set_defaults(func=module.main)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted: nothing was published; earlier pieces are untouched.", file=sys.stderr)
        return 130
