"""Command line: ``python -m analysis <command>`` (the Makefile calls these).

Commands: ``report`` (one piece), ``summary`` (its JSON, no notebook), ``setup`` (kernel and
browser), ``browser`` (find or install Chromium), and those of :data:`PLUGINS` (batch,
index page, grading the published calls, benchmark), each in its own module. Every user error ends with one line,
``error: <what was wrong>. <how to fix it>``, and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import importlib.util
import os
import re
import signal
import sys
from collections.abc import Sequence

from analysis.errors import PublishError, ReportError, say
from analysis.notebooks import NOTEBOOKS
from analysis.params import add_arguments
from analysis.params import request as request  # the validated Request of parsed piece options (every knob)
from analysis.paths import relative


def _research_switch(value: str | None) -> None:
    """``make report``'s RESEARCH (exported to this process): 0 or 1. ``RESEARCH=no`` ran the appendices
    silently, as only 0 turns them off (the ninth hostile pass)."""
    from analysis.errors import InputError

    if value is not None and value.strip() not in ("", "0", "1"):
        raise InputError(
            f"RESEARCH={value!r} is neither 0 nor 1.",
            "Use RESEARCH=0 to skip the research appendices, or RESEARCH=1 (the default) to write them.",
        )


def _report(args: argparse.Namespace) -> int:
    from analysis.data import Market
    from analysis.pipeline.report import run

    wanted = request(args)
    _research_switch(os.environ.get("RESEARCH"))
    print(f"Writing the {wanted.ticker} piece...", flush=True)
    market = Market(wanted.source)
    result = run(wanted, pdf=not args.no_pdf, market=market, appendices=True if args.research else None)
    for warning in result.warnings:
        say(f"warning: the notebook wrote to stderr: {warning}")
    for note in result.notes:
        print(f"note: {note}")
    for path in result.files:
        print(f"  wrote {relative(path)}")
    if args.research:  # in this process: its imports and data are loaded already
        from analysis import params
        from analysis.pipeline.research import run as run_research

        print(f"Executing the {wanted.ticker} research notebooks...", flush=True)
        _say(run_research(wanted, market=market, jobs=params.jobs(None)))
    from analysis.pipeline.index import index_after, write_index

    print(f"  index {relative(index_after(write_index, 'the piece is'))}")
    if result.pdf_error:
        say(f"warning: PDF not written: {result.pdf_error}")
    return 0


def _summary(args: argparse.Namespace) -> int:
    from analysis import summary

    if sys.stdout is None:  # `>&-`: nowhere to write, said before any work is done (exit 5: nothing published)
        raise PublishError(
            "there is no standard output to write the summary to (it is closed).",
            "Send it somewhere, e.g. make summary > summary.json.",
        )
    text = summary.to_json(summary.build(request(args)).data)
    try:
        _write_all(text)
    except BrokenPipeError:
        raise  # the reader went away (`make summary | head`): main() ends quietly
    except OSError as exc:  # > /dev/full, a full disk
        raise ReportError(
            f"could not write the summary to standard output: {exc.strerror or exc}.",
            "Send it somewhere with room, e.g. make summary > summary.json.",
        ) from None
    return 0


def _write_all(text: str) -> None:
    """``text`` on standard output, every byte or an :class:`OSError`: Python's buffered writer takes a
    short write (a file-size limit, ``ulimit -f``) as the whole and drops the rest without a word."""
    out = getattr(sys.stdout, "buffer", None)
    if out is None:  # a text-only stream (a test's capture): it takes the text whole
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    sys.stdout.flush()
    data = memoryview(text.encode("utf-8"))
    while data:
        written = out.write(data)
        data = data[written if written is not None else len(data) :]
    out.flush()


def _research(args: argparse.Namespace) -> int:
    from analysis import params
    from analysis.pipeline.research import run, select

    wanted = request(args)
    jobs = params.jobs(args.jobs)  # a bad $JOBS is named JOBS, a bad --jobs is named --jobs
    select(args.notebooks)  # a bad --notebooks is refused before anything is printed
    print(f"Executing the {wanted.ticker} research notebooks...", flush=True)
    result = run(wanted, names=args.notebooks, jobs=jobs, force=args.force)
    _say(result)
    return 0


def _say(result) -> None:
    """Print what a research run (:class:`analysis.pipeline.research.Result`) wrote, or that its copies stand."""
    for warning in result.warnings:
        say(f"warning: {warning}")
    for note in result.notes:  # as the piece's ("note:"): the same fallback was a note there, a warning here
        print(f"note: {note}")
    for path in result.files:
        print(f"  wrote {relative(path)}")
    if result.reused:
        n = len(result.reused)
        print(
            f"  {n} research appendi{'ces' if n != 1 else 'x'} unchanged (same notebook, parameters, package and"
            f" data up to {result.as_of}), not re-executed: {', '.join(result.reused)} (--force runs them again)"
        )
    if result.files:
        n = len(result.files) // 2
        print(
            f"{n} notebook{'s' * (n != 1)} in {result.seconds:.1f} s on {result.workers} worker"
            f"{'s' * (result.workers != 1)}"
        )


def _setup(args: argparse.Namespace) -> int:
    from analysis.render.kernel import ensure_kernel

    print(f"Jupyter kernel: {ensure_kernel()} -> {sys.executable}")
    return _browser(args)


def _browser(args: argparse.Namespace) -> int:
    from analysis.render.chromium_install import find, install, missing

    found = find() if not args.install else install()
    if found:
        print(f"Chromium for PDFs: {found}")
    else:
        why, hint = missing()
        say(f"warning: {why}: pieces get HTML only. {hint}")
    return 0


#: Commands implemented in their own modules. Each module defines ``add_arguments(parser)``
#: and ``main(args) -> int`` and keeps its heavy imports inside functions; its docstring's
#: first line is the command's help.
PLUGINS = {
    "reports": "analysis.pipeline.batch",
    "index": "analysis.pipeline.index",
    "grade": "analysis.pipeline.grade",
    "export": "analysis.pipeline.export",
    "bench": "analysis.bench",
}


#: A value that starts with '-' but is no option: a number argparse does not take for one (``-inf``, ``-1e3``).
_NEGATIVE = re.compile(r"-(\d|\.\d|inf|nan)", re.IGNORECASE)


def _negatives_joined(args: Sequence[str]) -> list[str]:
    """``--level -inf`` as ``--level=-inf``: argparse reads a value that starts with '-' as an option unless it
    is a plain negative number, and said "--level: expected one argument" where one was given."""
    out: list[str] = []
    for arg in args:
        if out and out[-1].startswith("--") and "=" not in out[-1] and _NEGATIVE.match(arg):
            out[-1] = f"{out[-1]}={arg}"
        else:
            out.append(arg)
    return out


class _Parser(argparse.ArgumentParser):
    """argparse's refusals as :class:`~analysis.errors.InputError` (one line, exit 2), not its
    usage block, its own ``prog: error:`` line and a ``SystemExit``."""

    def error(self, message: str):  # type: ignore[override]
        from analysis.errors import InputError

        choice = re.match(r"argument command: invalid choice: ('.*?') \(choose from", message)
        if choice or message.startswith("the following arguments are required: command"):
            commands = ", ".join(self._commands())
            what = f"unknown command {choice.group(1)}." if choice else "no command given."
            raise InputError(what, f"Use one of: {commands} (e.g. python -m analysis report --ticker IWM).")
        raise InputError(f"{message}.", f"Run `{self.prog} --help` for the options.")

    def _print_message(self, message: str, file=None) -> None:  # type: ignore[no-untyped-def]
        """As argparse's, but ``--help > out.txt`` on a full disk is said (argparse swallowed the OSError:
        exit 0, nothing written); a reader gone (``--help | head -1``) stays quiet."""
        out = file or sys.stderr
        if message and out is not None:
            with contextlib.suppress(BrokenPipeError):
                out.write(message)

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        from analysis.errors import InputError

        parsed, extras = self.parse_known_args(_negatives_joined(sys.argv[1:] if args is None else args), namespace)
        if extras:  # argparse's own error names the top parser; the help that lists them is the command's
            command = getattr(parsed, "command", None)
            prog = f"{self.prog} {command}" if command else self.prog
            raise InputError(f"unrecognized arguments: {' '.join(extras)}.", f"Run `{prog} --help` for the options.")
        return parsed

    def _commands(self) -> list[str]:
        return (
            [name for action in self._subparsers._group_actions for name in action.choices] if self._subparsers else []
        )


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="python -m analysis", description=(__doc__ or "").split("\n\n")[0])  # None under python -OO
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("report", help="write reports/<as-of>/<TICKER>.{ipynb,html,pdf,json}")
    add_arguments(p)
    p.add_argument("--no-pdf", action="store_true", help="skip printing the PDF")
    p.add_argument(
        "--research",
        action="store_true",
        help="then the research appendices (as `make research`; those whose inputs are unchanged stand)",
    )
    p.set_defaults(func=_report)
    p = sub.add_parser("summary", help="print the piece's JSON summary (no notebook, no rendering)")
    add_arguments(p)
    p.set_defaults(func=_summary)
    p = sub.add_parser(
        "research", help="execute the research notebooks (one per indicator) into reports/<as-of>/research/"
    )
    add_arguments(p)
    p.add_argument(
        "--notebooks",
        nargs="+",
        default=None,
        metavar="NAME",
        help=f"only these research notebooks (default: all of {', '.join(nb.name for nb in NOTEBOOKS)})",
    )
    p.add_argument(
        "--jobs",
        default=None,
        help="notebooks executed at once, each in its own process (default $JOBS or the number of cores)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="execute every notebook, even one whose published copy was made from the same inputs",
    )
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


def one_line(text: object) -> str:
    """``text`` on one line: newlines and runs of spaces (a cell's multi-line error...) become one space."""
    return " ".join(str(text).split())


def _interrupted(exc: KeyboardInterrupt) -> tuple[str, int]:
    """The line and exit code (128 + the signal) for a run stopped by Ctrl-C, SIGTERM or SIGHUP."""
    from analysis import interrupts

    signum = getattr(exc, "signum", signal.SIGINT)
    name = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
    if name == "SIGXCPU":
        name += ": the CPU-time limit, ulimit -t, ran out"
    done = interrupts.PUBLISHED
    if done:
        shown = ", ".join(relative(p) for p in done[:4]) + (" ..." if len(done) > 4 else "")
        what = (
            f"{len(done)} file{'s' * (len(done) != 1)} published before it are whole ({shown});"
            " nothing else was published. Run `make index` to list them."
        )
    else:
        what = "nothing was published; earlier pieces are untouched."
    return f"interrupted ({name}): {what}", 128 + signum


def _stdout_failed(exc: OSError) -> bool:
    """Whether ``exc`` is a write to standard output failing (a full disk names no file: this program's
    own files' errors do, or are said as a :class:`~analysis.errors.PublishError`); if so, what is left in
    its buffer is dropped, so Python does not fail again when it flushes at exit."""
    if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO) or exc.filename or sys.stdout is None:
        return False
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return True


def main(argv: Sequence[str] | None = None, *, final: bool = False) -> int:
    """The command line; ``final`` when the process ends with it (see :func:`analysis.interrupts.handled`)."""
    from analysis import interrupts

    interrupts.PUBLISHED.clear()
    try:
        with interrupts.handled(final):
            args = parser().parse_args(argv)
            from analysis import params

            params.check_environment()  # MOMENTUM_CELL_TIMEOUT=5x is refused now, not after the work
            code = args.func(args)
            if sys.stdout is not None:  # None: no standard output at all (pythonw, a closed descriptor)
                sys.stdout.flush()  # `> out.txt` on a full disk is said here, not lost at exit
            return code
    except BrokenPipeError:
        # Whoever read our output stopped (`| head`): say nothing, as cat and grep do, and keep
        # Python from failing again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except ReportError as exc:
        say(f"error: {one_line(exc)}")
        return exc.exit_code
    except OSError as exc:
        if not _stdout_failed(exc):
            raise
        say(  # grade or index > a file on a full disk: was a traceback (the files it wrote are whole)
            f"error: could not write to standard output: {exc.strerror or exc}. Send it somewhere with room."
        )
        return 1
    except MemoryError:  # a ulimit -v: one line naming it, not a traceback
        from analysis.errors import out_of_memory

        say(f"error: {out_of_memory()}")
        return 1
    except KeyboardInterrupt as exc:
        line, code = _interrupted(exc)
        say(line)
        return code
