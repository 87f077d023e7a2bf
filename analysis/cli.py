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


def _add_piece_args(p: argparse.ArgumentParser) -> None:
    env = os.environ.get
    p.add_argument("--ticker", default=env("TICKER", "IWM"), help="symbol to write about (default IWM)")
    p.add_argument("--benchmark", default=env("BENCHMARK") or "SPY", help="benchmark for leadership (default SPY)")
    p.add_argument("--as-of", default=env("AS_OF", ""), help="ISO date; default: the latest session")
    p.add_argument("--source", default=env("SOURCE") or "auto", help="auto | snapshot | yahoo | cache | local")
    p.add_argument("--level", default=env("LEVEL", ""), help="price level to clear (default: 22-session high)")
    p.add_argument("--confirm-n", default=env("CONFIRM_N") or "2", help="closes above the 50-DMA that confirm")


def _report(args: argparse.Namespace) -> int:
    from analysis import params
    from analysis.data import Market
    from analysis.report import Request, run

    request = Request.parse(args.ticker, args.benchmark, args.as_of, args.source, args.level, args.confirm_n)
    print(f"Writing the {request.ticker} piece...", flush=True)
    market = Market(request.source)
    result = run(request, pdf=not args.no_pdf, market=market)
    for warning in result.warnings:
        print(f"warning: the notebook wrote to stderr: {warning}", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}")
    for path in result.files:
        print(f"  wrote {os.path.relpath(path)}")
    if args.research:  # in this process: its imports and data are loaded already
        from analysis import research
        from analysis.research.run import run as run_research

        print(f"Executing the {request.ticker} research notebooks...", flush=True)
        jobs = os.environ.get("JOBS")
        research.say(run_research(request, market=market, jobs=params.positive_int(jobs, what="JOBS") if jobs else None))
    from analysis.index import write_index

    print(f"  index {os.path.relpath(write_index())}")
    if result.pdf_error:
        print(f"warning: PDF not written: {result.pdf_error}", file=sys.stderr)
    return 0


def _summary(args: argparse.Namespace) -> int:
    from analysis.piece import Piece
    from analysis.report import Request
    from analysis.summary import to_json

    request = Request.parse(args.ticker, args.benchmark, args.as_of, args.source, args.level, args.confirm_n)
    piece = Piece.build(request.ticker, request.benchmark, args.as_of, request.source, request.level or 0.0,
                        request.confirm_n)
    sys.stdout.write(to_json(piece.summary))
    return 0


def _setup(args: argparse.Namespace) -> int:
    from analysis.render import browser
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
    "reports": "analysis.batch",
    "index": "analysis.index",
    "bench": "analysis.bench",
    "research": "analysis.research",
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.split("\n\n")[0])
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("report", help="write reports/<as-of>/<TICKER>.{ipynb,html,pdf,json}")
    _add_piece_args(p)
    p.add_argument("--no-pdf", action="store_true", help="skip printing the PDF")
    p.add_argument("--research", action="store_true",
                   help="then the research appendices (as `make research`; those whose inputs are unchanged stand)")
    p.set_defaults(func=_report)
    p = sub.add_parser("summary", help="print the piece's JSON summary (no notebook, no rendering)")
    _add_piece_args(p)
    p.set_defaults(func=_summary)
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
