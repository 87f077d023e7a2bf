"""``python -m analysis ...``: see :mod:`analysis.cli`.

Every file the program writes (JSON, Markdown, HTML, notebooks, caches) and everything it
prints is UTF-8, whatever the locale: under a locale that is not UTF-8 (``LC_ALL=C``,
``LC_ALL=en_US.ISO-8859-1``, even with ``PYTHONUTF8=0``) the program starts itself again in
Python's UTF-8 mode (``-X utf8``, the same process id, so signals and ``make`` see no
difference), and its kernels, workers and browser inherit ``PYTHONUTF8=1``.

Started by ``make``, the program stops when make dies (:func:`analysis.interrupts.follow_make`).
"""

import locale
import os
import sys
import warnings

from analysis.errors import out_of_memory, say  # now: under a tight ulimit -v, later may be too late


def _utf8_or_restart() -> None:
    if sys.flags.utf8_mode or locale.getencoding().lower().replace("-", "") == "utf8":
        return
    os.environ["PYTHONUTF8"] = "1"
    try:
        os.execv(sys.executable, [sys.executable, "-X", "utf8", "-m", "analysis", *sys.argv[1:]])
    except OSError:  # cannot start Python again: go on (a non-UTF-8 character may then fail to print)
        pass


def _for_want_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` or what caused it (pandas wraps numpy's error, numpy the loader's) is memory running out."""
    seen: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and cause not in seen and len(seen) < 10:
        said = str(cause).lower()
        if isinstance(cause, MemoryError) or "failed to map segment" in said or "cannot allocate memory" in said:
            return True
        seen.append(cause)
        cause = cause.__cause__ or cause.__context__
    return False


def _cannot_import(exc: ImportError) -> None:
    """One line and exit 2 when a library cannot be imported: shadowed by a folder on PYTHONPATH, or missing
    (exit 1 when it could not be loaded for want of memory: a ``ulimit -v``)."""
    if _for_want_of_memory(exc):
        say(f"error: {out_of_memory()}")
        raise SystemExit(1) from None
    say(
        f"error: the program's libraries cannot be imported ({type(exc).__name__}: {' '.join(str(exc).split())}). "
        f"Unset PYTHONPATH (now {os.environ.get('PYTHONPATH') or 'unset'!r}) or run `make setup` again."
    )
    raise SystemExit(2) from None


_utf8_or_restart()
# UTF-8 mode from here on: an open() without an encoding reads UTF-8, so PYTHONWARNDEFAULTENCODING's
# warning says nothing, and with -W error a library's (papermill's entry points) was a traceback
warnings.simplefilter("ignore", EncodingWarning)

try:
    from analysis.cli import main
    from analysis.interrupts import follow_make
except KeyboardInterrupt:  # Ctrl-C in the first instant, before the command line handles it
    raise SystemExit("interrupted (Ctrl-C): nothing was started.") from None
except ImportError as exc:  # a library shadowed (a PYTHONPATH folder holding a `pandas`) or missing
    _cannot_import(exc)
except MemoryError:  # a ulimit -v too low to load the libraries
    say(f"error: {out_of_memory()}")
    raise SystemExit(1) from None

follow_make()  # under make: if make is killed alone (kill -HUP <make>), stop as on SIGTERM
try:
    code = main(final=True)  # final: a signal during the shutdown cannot turn a finished run into a kill
except ImportError as exc:  # the commands import their libraries when first used
    _cannot_import(exc)
raise SystemExit(code)
