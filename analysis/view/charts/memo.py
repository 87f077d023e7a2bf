"""Charts remembered by their inputs, so a chart that repeats across pieces is drawn once.

The Economic Modern Family's small multiples depend on the as-of date, the family
configuration and the members' data, not on the piece's ticker: every piece of a batch at
one date shows the same chart. A batch worker runs its pieces on one kept-alive kernel, so
:func:`cached` can draw that chart for the first piece and hand the same finished output
to the others.

The key is a digest of everything the drawing reads: the chart's name, its inputs
(JSON-like values by their canonical JSON, pandas frames by their content, index, columns
and dtypes) and matplotlib's rc settings. Any difference (another date, another
configuration, other data, a changed style) draws anew, so a remembered chart is never the
wrong one. At most :data:`SIZE` charts are kept, least recently used first out.

Charts that are the same for every ticker at one date (the family, the economy, the century of
small versus big) are also kept on disk (``disk=True``): a finished PNG with its alt text and
caption under :func:`directory`, named by the digest, which then also covers the code that draws
(:data:`CODE`: the chart modules' source and matplotlib's version). A second ``make report`` at
the same date, every batch worker and every test read the PNG instead of drawing it again; a
file that cannot be read or written is drawn and, if possible, written anew (never an error).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

T = TypeVar("T")

#: Charts kept per process: a batch at one as-of date needs one.
SIZE = 4

_KEPT: OrderedDict[str, object] = OrderedDict()
#: Lookups answered from memory, lookups that drew, and lookups read from disk, since :func:`clear`.
stats = {"hits": 0, "misses": 0, "disk": 0}


def digest(name: str, *inputs: object) -> str:
    """A SHA-256 hex digest of ``name``, ``inputs`` and matplotlib's rc settings."""
    import matplotlib

    h = hashlib.sha256(name.encode())
    for value in inputs:
        _feed(h, value)
    # The raw stored values: reading rcParams["backend"] through the mapping would import
    # pyplot and pick a backend, which a PNG drawn from a Figure never uses.
    rc = sorted((k, repr(v)) for k, v in dict.items(matplotlib.rcParams) if not k.startswith("backend"))
    h.update(repr(rc).encode())
    return h.hexdigest()


def _feed(h, value: object) -> None:
    if isinstance(value, dict) and any(isinstance(v, (pd.DataFrame, pd.Series)) for v in value.values()):
        for key, item in value.items():  # e.g. {ticker: frame}, in order
            h.update(b"\x00key" + json.dumps(key).encode())
            _feed(h, item)
    elif isinstance(value, (pd.DataFrame, pd.Series)):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        h.update(b"\x00frame" + repr((list(frame.columns), [str(t) for t in frame.dtypes], frame.index.name)).encode())
        h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    else:
        h.update(b"\x00json" + json.dumps(value, sort_keys=True, allow_nan=True).encode())


@cache
def code_version() -> str:
    """A digest of the code that draws a chart: the chart and display modules' source, matplotlib's version."""
    import matplotlib

    here = Path(__file__).resolve().parent
    h = hashlib.sha256(matplotlib.__version__.encode())
    for path in sorted([*here.glob("*.py"), here.parent / "display.py"]):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def directory() -> Path:
    """Where the shared charts are kept: ``$MOMENTUM_CHART_CACHE_DIR``, else ``.cache/charts`` in the project."""
    from analysis.paths import PROJECT_DIR

    return Path(os.environ.get("MOMENTUM_CHART_CACHE_DIR") or PROJECT_DIR / ".cache" / "charts").expanduser()


def _read(key: str) -> Any:
    """The chart kept on disk under ``key``, or ``None`` when there is none (or it cannot be read)."""
    from analysis.view.display import FigureOutput

    base = directory() / key
    try:
        meta = json.loads(_regular(base.with_suffix(".json")).decode("utf-8"))
        data = _regular(base.with_suffix(".png"))
    except (OSError, ValueError, RecursionError):
        return None
    if not (
        _whole_png(data) and isinstance(meta, dict) and all(isinstance(meta.get(k), str) for k in ("alt", "caption"))
    ):
        return None  # cut short, not a PNG, or words that are not text: drawn anew, never embedded
    return FigureOutput.from_png(data, alt=meta["alt"], caption=meta["caption"])


#: A kept chart is a few hundred kB; a file far larger is not one (and is not read).
MAX_BYTES = 20_000_000


def _regular(path: Path) -> bytes:
    """The bytes of ``path`` when it is a regular file of a sane size (a named pipe would block the
    read forever, a folder cannot be read); :class:`OSError` otherwise."""
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            raise OSError(f"{path} is not a kept chart")
        return fh.read()


def _whole_png(data: bytes) -> bool:
    """Whether ``data`` is a PNG from its signature to its last chunk (IEND): not cut short, not another format."""
    return data.startswith(b"\x89PNG\r\n\x1a\n") and data[-12:-4] == b"\x00\x00\x00\x00IEND"


def _write(key: str, made: object) -> None:
    """Keep ``made`` on disk when it is a chart; the PNG first, the JSON that makes it readable last."""
    from analysis.view.display import FigureOutput

    if not isinstance(made, FigureOutput):
        return
    from analysis.paths import discard

    base, tmp = directory() / key, None
    try:
        base.parent.mkdir(parents=True, exist_ok=True)
        for suffix, data in (
            (".png", made.data),
            (".json", json.dumps({"alt": made.alt, "caption": made.caption}).encode()),
        ):
            tmp = base.parent / f".{key[:12]}.{secrets.token_hex(6)}.tmp"  # named before it exists
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                out.write(data)
            os.replace(tmp, base.with_suffix(suffix))
            tmp = None
    except OSError:  # a read-only or full disk: the chart was drawn, it is just not kept
        return
    finally:  # failed or stopped: no temporary file left behind
        if tmp:
            discard(tmp)


def cached(name: str, inputs: tuple, draw: Callable[[], T], *, disk: bool = False) -> T:
    """``draw()``'s result for ``(name, inputs)``, drawn on the first call and remembered (on
    disk too with ``disk``, keyed also on :func:`code_version`).

    ``draw`` must depend on nothing but ``inputs`` (and matplotlib's rc settings), and its
    result must not be modified by callers (display objects are only read).
    """
    key = digest(name, *inputs, *((code_version(),) if disk else ()))
    if key in _KEPT:
        stats["hits"] += 1
        _KEPT.move_to_end(key)
        return _KEPT[key]  # type: ignore[return-value]
    found = _read(f"{name}-{key}") if disk else None
    if found is not None:
        stats["disk"] += 1
        made = found
    else:
        stats["misses"] += 1
        made = draw()
        if disk:
            _write(f"{name}-{key}", made)
    _KEPT[key] = made
    while len(_KEPT) > SIZE:
        _KEPT.popitem(last=False)
    return made


def clear() -> None:
    """Forget every remembered chart and reset :data:`stats`."""
    _KEPT.clear()
    stats.update(hits=0, misses=0, disk=0)
