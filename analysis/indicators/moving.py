"""Moving averages and Bollinger-style bands."""

from __future__ import annotations

import pandas as pd


def sma(series: pd.Series, window: int) -> pd.Series:
    """Simple moving average: mean of the last ``window`` values, the current one included.

    NaN until ``window`` non-missing values exist (and wherever the window holds a NaN).
    """
    return series.rolling(window, min_periods=window).mean()


def rolling_std(series: pd.Series, window: int) -> pd.Series:
    """Population standard deviation (ddof=0) of the last ``window`` values; NaN as :func:`sma`."""
    return series.rolling(window, min_periods=window).std(ddof=0)


def bands(series: pd.Series, window: int = 50, width: float = 2.0) -> pd.DataFrame:
    """Bollinger bands: ``mid = SMA_w(x)``, ``upper/lower = mid +/- width * std_w(x)`` (ddof=0).

    Returns columns ``mid, upper, lower``; NaN until ``window`` values exist.
    """
    mid = sma(series, window)
    dev = width * rolling_std(series, window)
    return pd.DataFrame({"mid": mid, "upper": mid + dev, "lower": mid - dev})
