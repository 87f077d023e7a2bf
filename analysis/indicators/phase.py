"""Market phases from price and its 50- and 200-session moving averages.

A public stand-in for MarketGauge's six phases. With P = close, F = SMA50, S = SMA200:

============  =================  ==========================================
F >= S         P > F              ``bullish``
F >= S         S <= P <= F        ``warning`` (the commentary's "caution")
F >= S         P < S              ``distribution``
F < S          P < F              ``bearish``
F < S          F <= P < S         ``recovery``
F < S          P >= S             ``accumulation``
============  =================  ==========================================

The six cases are exhaustive and exclusive whenever F and S exist.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PHASES = ("bullish", "warning", "distribution", "bearish", "recovery", "accumulation")


def classify(close: pd.Series, fast: pd.Series, slow: pd.Series) -> pd.Series:
    """Phase name for each session (object dtype); ``None`` where F or S is NaN."""
    p, f, s = close.to_numpy(float), fast.to_numpy(float), slow.to_numpy(float)
    up = f >= s
    conditions = [
        up & (p > f),
        up & (p >= s) & (p <= f),
        up & (p < s),
        ~up & (p < f),
        ~up & (p >= f) & (p < s),
        ~up & (p >= s),
    ]
    names = np.select(conditions, PHASES, default="")
    names = np.where(np.isnan(f) | np.isnan(s) | np.isnan(p), None, names)
    return pd.Series(names, index=close.index, dtype=object, name="phase")


def phase_runs(phases: pd.Series) -> pd.DataFrame:
    """Consecutive runs of one phase: columns ``phase, start, end, sessions`` (None rows dropped)."""
    valid = phases.dropna()
    if valid.empty:
        return pd.DataFrame(columns=["phase", "start", "end", "sessions"])
    values = valid.to_numpy()
    # a run starts where the phase differs from the previous valid session's (and at the first)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    ends = np.r_[starts[1:] - 1, len(values) - 1]
    return pd.DataFrame(
        {
            "phase": values[starts],
            "start": list(valid.index[starts]),
            "end": list(valid.index[ends]),
            "sessions": (ends - starts + 1).astype(np.int64),
        }
    )


def phase_since(phases: pd.Series) -> pd.Timestamp | None:
    """The session on which the current (last) phase began; ``None`` if the last phase is unknown.

    A phase "begins" on the first session of the unbroken run of that phase that ends at the
    last row; a session with an unknown phase breaks a run.
    """
    if phases.empty or phases.iloc[-1] is None:
        return None
    current = phases.iloc[-1]
    differs = (phases != current).to_numpy()
    breaks = np.flatnonzero(differs)
    start = breaks[-1] + 1 if breaks.size else 0
    return phases.index[start]
