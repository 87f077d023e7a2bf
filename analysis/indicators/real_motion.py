"""Real Motion: a price-momentum oscillator read against its own averages and bands.

A transparent stand-in for MarketGauge's proprietary Real Motion indicator:

* ``rm    = 100 * (close / SMA200(close) - 1)`` — percent above (+) or below (-) the
  200-session average; NaN for the first 199 sessions;
* ``fast  = SMA50(rm)`` — the indicator's own "50-DMA"; NaN until 249 sessions;
* ``slow  = SMA200(rm)`` — NaN until 399 sessions;
* ``upper/lower = fast +/- 2 * std50(rm)`` (population std) — NaN until 249 sessions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.indicators.moving import rolling_std, sma


def real_motion(
    close: pd.Series, *, trend: int = 200, fast: int = 50, slow: int = 200, band_window: int = 50, width: float = 2.0
) -> pd.DataFrame:
    """Columns ``rm, fast, slow, upper, lower`` (see the module docstring for formulas)."""
    rm = 100.0 * (close / sma(close, trend) - 1.0)
    rm_fast = sma(rm, fast)
    dev = width * rolling_std(rm, band_window)
    mid = rm_fast if band_window == fast else sma(rm, band_window)
    return pd.DataFrame({"rm": rm, "fast": rm_fast, "slow": sma(rm, slow), "upper": mid + dev, "lower": mid - dev})


def divergence(rm: pd.Series, rm_fast: pd.Series, close: pd.Series, close_fast: pd.Series) -> pd.Series:
    """True where momentum and price disagree: ``sign(rm - fast) != sign(close - SMA50)``.

    E.g. price above its 50-DMA while Real Motion is below its own 50-DMA (a bearish
    divergence), or the reverse. False where either difference is NaN or exactly zero.
    """
    a = np.sign((rm - rm_fast).to_numpy(float))
    b = np.sign((close - close_fast).to_numpy(float))
    out = (a * b) < 0
    return pd.Series(out, index=rm.index, name="divergence")


def mean_reversion(rm: pd.Series, upper: pd.Series, lower: pd.Series) -> pd.Series:
    """Signal on the session Real Motion closes back inside its bands after closing outside.

    ``+1`` back inside from *below* the lower band (oversold snap-back), ``-1`` back inside
    from *above* the upper band, ``0`` otherwise (and where the bands are NaN).
    """
    below = (rm < lower).to_numpy()
    above = (rm > upper).to_numpy()
    inside = ((rm >= lower) & (rm <= upper)).to_numpy()
    prev_below = np.concatenate([[False], below[:-1]])
    prev_above = np.concatenate([[False], above[:-1]])
    signal = np.where(inside & prev_below, 1, np.where(inside & prev_above, -1, 0))
    return pd.Series(signal, index=rm.index, name="mean_reversion")


#: Real Motion inside its band is still "stretched" when its distance from the trend is this rare in
#: its own history (percentile of every earlier reading, either tail): the band's centre moves with
#: the price, so after a parabolic run or a crash the band alone calls a record distance ordinary
#: (the third cold read refused "not stretched" for BTC-USD 255% above its 200-DMA, Dec 2017).
STRETCH_PERCENTILE = 98.0
#: Readings the percentile needs before it is trusted (about two years after the trend's warm-up).
STRETCH_MIN_SESSIONS = 500


def last_as_far(values: pd.Series, *, up: bool) -> pd.Timestamp | None:
    """The index of the last value before the final one of ``values`` at least as far out as it, above
    (``up``) or below: "the most since"; ``None`` when the final value is the furthest (or alone)."""
    now, earlier = values.iloc[-1], values.iloc[:-1]
    beyond = earlier[earlier >= now] if up else earlier[earlier <= now]
    return beyond.index[-1] if len(beyond) else None


def stretch(rm: pd.Series, z: float | None, width: float) -> dict:
    """The piece's one definition of "stretched": Real Motion beyond its band (``|z| > width``), or
    inside it at a distance from the trend in the outer :data:`STRETCH_PERCENTILE` of its own history.

    ``rm`` is Real Motion up to the as-of session (its last value is now), ``z`` the band z of that
    value. Returns ``side`` (``up``/``down``/``None``), ``by`` (``band``/``history``/``None``),
    ``percentile`` (share of readings at or below now, 0-100; ``None`` with fewer than
    :data:`STRETCH_MIN_SESSIONS`), ``rarer_than`` (with a side: the share of readings less far out
    that way, a fraction) and ``since`` (the last earlier reading at least as far out the
    same way: "the furthest since"; ``None`` when it is the furthest in the data or no side),
    ``readings`` (how many there are) and ``known``: ``False`` when the band does not call it stretched
    and the history is too short to rank it, so neither "stretched" nor "not stretched" can be said
    (QQQ on 2000-03-10, 58.6% above its 200-DMA with 56 readings inside a band built from them).
    """
    values = rm.dropna()
    now = float(values.iloc[-1]) if len(values) and values.index[-1] == rm.index[-1] else None
    pct = None
    if now is not None and len(values) >= STRETCH_MIN_SESSIONS:
        pct = 100.0 * float((values.to_numpy() <= now).mean())
    side, by = None, None
    if z is not None and abs(z) > width:
        side, by = ("up" if z > 0 else "down"), "band"
    elif pct is not None and now is not None:
        if pct >= STRETCH_PERCENTILE and now > 0:
            side, by = "up", "history"
        elif pct <= 100.0 - STRETCH_PERCENTILE and now < 0:
            side, by = "down", "history"
    rarer = None if pct is None or side is None else (pct if side == "up" else 100.0 - pct) / 100.0
    since = last_as_far(values, up=side == "up") if side is not None and now is not None else None
    known = side is not None or pct is not None
    return {
        "side": side,
        "by": by,
        "percentile": pct,
        "rarer_than": rarer,
        "since": since,
        "readings": len(values),
        "known": known,
    }
