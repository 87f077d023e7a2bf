"""Impossible prints in a price frame: found, repaired where the row allows it, always noted.

Part of the price contract's one validation step (:func:`analysis.data.contract.normalize`
calls :func:`impossible_prints` after its own repairs). A *print* is one of a row's
open, high, low, close. The reference for a row is the band of the closes around it,
``lo = min(close[t-1], close[t], close[t+1])`` and ``hi = max(...)`` (the first and last
rows use the closes they have). A print is impossible when

* prices (``positive=True``): it is more than :data:`FACTOR` times ``hi`` or less than
  ``lo / FACTOR`` (the largest genuine excursion in the bundled files is 2.5x: IWD's low in
  the flash crash of 2010-05-06);
* yields (``positive=False``, may be zero or negative): it lies more than
  :data:`YIELD_POINTS` percentage points outside ``[lo, hi]`` (ratios mean nothing near
  zero; the largest genuine excursion in ^TNX and ^IRX is 0.55 points, ^IRX 2007-08-20).

Repairs, each named with its date, the values and what was done in the returned notes:

1. an impossible open takes the row's close;
2. an impossible high takes ``max(open, close)``, an impossible low ``min(open, close)``;
3. a high below ``max(open, close)`` or a low above ``min(open, close)`` (so also a low
   above the high), beyond rounding (1e-6), is widened to ``max``/``min`` of open, high,
   low and close;
4. an impossible close is *flagged only*: the close is the row's one reference, so nothing
   in the row can repair it, and returns read it; the note says so.

Zero or negative prices are not screened here: the contract refuses them outright.
"""

from __future__ import annotations

import pandas as pd

#: A print this many times the closes around it (or this fraction of them) is impossible.
FACTOR = 10.0
#: A yield print this many percentage points outside the closes around it is impossible.
YIELD_POINTS = 2.0
#: Rounding slack of the consistency check (the files carry 6 decimals).
TOLERANCE = 1e-6
#: Dates listed per note before "and N more".
SHOWN = 3


def close_band(close: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``(lo, hi)``: the min and max of the previous, the same and the next row's close."""
    around = pd.concat([close.shift(1), close, close.shift(-1)], axis=1)
    return around.min(axis=1), around.max(axis=1)


def outside(values: pd.Series, lo: pd.Series, hi: pd.Series, *, positive: bool) -> pd.Series:
    """True where a print is impossible against the band ``[lo, hi]`` (see the module docstring)."""
    if positive:
        return (values > FACTOR * hi) | (values < lo / FACTOR)
    return (values > hi + YIELD_POINTS) | (values < lo - YIELD_POINTS)


def _listed(items: list[str]) -> str:
    """The first :data:`SHOWN` items joined, and how many more there were."""
    return "; ".join(items[:SHOWN]) + (f"; and {len(items) - SHOWN} more row(s)" if len(items) > SHOWN else "")


def _num(x: float) -> str:
    """A price as the files write it, without trailing zeros: ``3000.00293``, ``-0.033``."""
    return f"{x:.6f}".rstrip("0").rstrip(".")


def _band_words(positive: bool) -> str:
    return (
        f"more than {FACTOR:g}x away from the closes around it"
        if positive
        else f"more than {YIELD_POINTS:g} points outside the closes around it"
    )


def impossible_prints(frame: pd.DataFrame, *, positive: bool = True) -> tuple[pd.DataFrame, list[str]]:
    """``(repaired copy, notes)`` for a frame with float ``open, high, low, close`` columns.

    Never mutates ``frame``; returns it unchanged (and no notes) when nothing is impossible.
    """
    lo, hi = close_band(frame["close"])
    bad_open = outside(frame["open"], lo, hi, positive=positive)
    bad_high = outside(frame["high"], lo, hi, positive=positive)
    bad_low = outside(frame["low"], lo, hi, positive=positive)
    bad_close = _bad_closes(frame["close"], positive=positive)
    if not (bad_open.any() or bad_high.any() or bad_low.any() or bad_close.any() or _inconsistent(frame).any()):
        return frame, []
    out, notes, band = frame.copy(), [], _band_words(positive)
    rules = {"open": "set to the close", "high": "set to max(open, close)", "low": "set to min(open, close)"}
    for column, mask in (("open", bad_open), ("high", bad_high), ("low", bad_low)):
        if not mask.any():
            continue
        old = frame.loc[mask, column]
        if column == "open":
            out.loc[mask, "open"] = out.loc[mask, "close"]
        elif column == "high":
            out.loc[mask, "high"] = out.loc[mask, ["open", "close"]].max(axis=1)
        else:
            out.loc[mask, "low"] = out.loc[mask, ["open", "close"]].min(axis=1)
        notes.append(
            f"impossible {column} ({band}), {rules[column]}: "
            + _listed(
                [
                    f"{d.date().isoformat()} {column} {_num(old[d])} -> {_num(out.at[d, column])}"
                    f" (closes around it {_num(lo[d])}..{_num(hi[d])})"
                    for d in old.index
                ]
            )
        )
    mixed = _inconsistent(out)
    if mixed.any():
        before = out.loc[mixed, ["open", "high", "low", "close"]].copy()
        out.loc[mixed, "high"] = before.max(axis=1)
        out.loc[mixed, "low"] = before.min(axis=1)
        notes.append(
            "high below max(open, close) or low above min(open, close), widened to the row's"
            " max/min of open, high, low, close: "
            + _listed(
                [
                    f"{d.date().isoformat()} high {_num(before.at[d, 'high'])} -> {_num(out.at[d, 'high'])},"
                    f" low {_num(before.at[d, 'low'])} -> {_num(out.at[d, 'low'])}"
                    for d in before.index
                ]
            )
        )
    if bad_close.any():
        rows = frame.index[bad_close.to_numpy()]
        notes.append(
            f"impossible close ({band.replace('around it', 'before and after it')}),"
            " NOT repaired (nothing in the row can stand in for it; returns across it are wrong): "
            + _listed([f"{d.date().isoformat()} close {_num(frame.at[d, 'close'])}" for d in rows])
        )
    return out, notes


def _inconsistent(frame: pd.DataFrame) -> pd.Series:
    """High below max(open, close) or low above min(open, close) (so also low > high), beyond rounding."""
    top = frame[["open", "close"]].max(axis=1)
    bottom = frame[["open", "close"]].min(axis=1)
    slack = TOLERANCE * (1.0 + frame["close"].abs())
    return (frame["high"] < top - slack) | (frame["low"] > bottom + slack) | (frame["low"] > frame["high"] + slack)


def _bad_closes(close: pd.Series, *, positive: bool) -> pd.Series:
    """A close impossible against the closes before and after it (both must exist)."""
    around = pd.concat([close.shift(1), close.shift(-1)], axis=1)
    lo, hi = around.min(axis=1, skipna=False), around.max(axis=1, skipna=False)
    return outside(close, lo, hi, positive=positive)  # NaN at either end compares False
