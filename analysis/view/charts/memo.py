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
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

import pandas as pd

T = TypeVar("T")

#: Charts kept per process: a batch at one as-of date needs one.
SIZE = 4

_KEPT: OrderedDict[str, object] = OrderedDict()
#: Lookups answered from memory and lookups that drew, since :func:`clear`.
stats = {"hits": 0, "misses": 0}


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


def cached(name: str, inputs: tuple, draw: Callable[[], T]) -> T:
    """``draw()``'s result for ``(name, inputs)``, drawn on the first call and remembered.

    ``draw`` must depend on nothing but ``inputs`` (and matplotlib's rc settings), and its
    result must not be modified by callers (display objects are only read).
    """
    key = digest(name, *inputs)
    if key in _KEPT:
        stats["hits"] += 1
        _KEPT.move_to_end(key)
        return _KEPT[key]  # type: ignore[return-value]
    stats["misses"] += 1
    made = draw()
    _KEPT[key] = made
    while len(_KEPT) > SIZE:
        _KEPT.popitem(last=False)
    return made


def clear() -> None:
    """Forget every remembered chart and reset :data:`stats`."""
    _KEPT.clear()
    stats.update(hits=0, misses=0)
