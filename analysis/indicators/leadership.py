"""Leadership: the ticker's strength relative to a benchmark, against its own norm.

A transparent stand-in for MarketGauge's Triple Play Leadership. With both series aligned
on their common sessions:

* ``rs    = close / close_benchmark`` (the relative-strength ratio);
* ``lead  = 100 * (rs / SMA200(rs) - 1)`` — zero means in line with its 200-session norm,
  above zero means leading; NaN for the first 199 sessions;
* ``fast  = SMA50(lead)``; ``upper/lower = fast +/- 2 * std50(lead)`` (population std).
"""

from __future__ import annotations

import pandas as pd

from analysis.indicators.moving import bands, sma


def leadership(
    close: pd.Series, benchmark_close: pd.Series, *, norm: int = 200, fast: int = 50, width: float = 2.0
) -> pd.DataFrame:
    """Columns ``rs, lead, fast, upper, lower`` on the two series' common sessions."""
    a, b = close.align(benchmark_close, join="inner")
    rs = a / b
    lead = 100.0 * (rs / sma(rs, norm) - 1.0)
    band = bands(lead, fast, width)
    return pd.DataFrame({"rs": rs, "lead": lead, "fast": band["mid"], "upper": band["upper"], "lower": band["lower"]})
