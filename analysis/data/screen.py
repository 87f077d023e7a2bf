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
4. an impossible volume (more than :data:`VOLUME_FACTOR` times the median of the
   :data:`VOLUME_WINDOW` sessions before it) is left out: set to 0, which every reader of
   volume takes as "no volume" (no volume ratio, no volume bars that day).

A close or an adj_close cannot be repaired (nothing in the row can stand in for it, and
returns and every level read it): :func:`impossible_closes` finds them and the contract
refuses the file (a data error naming the row, the value and the fix). A ``close`` (and
``adj_close``, and the ratio ``adj_close / close``, which only dividends move) is impossible

* inside the series, against the values before and after it, by the rule above;
* at either end (the first or the *last* row, which has one neighbour), against that
  neighbour by the same rule, and, for the last row, against the series' own range of daily
  moves: a move more than :data:`MOVE_MULTIPLE` times the largest of the rows before it (with
  at least :data:`MOVE_HISTORY` of them, and above :data:`MOVE_FLOOR`) is impossible too. No
  row of the 23 bundled series comes within 2x of its largest earlier move by this rule;
* anywhere (prices): a move the size of a stock split (:data:`SPLIT_RATIOS` to 1, 3:2 and 100:1 among them,
  within :data:`SPLIT_SLACK`) that is also more than :data:`SPLIT_MULTIPLE` times the largest of the
  moves before it (with at least :data:`MOVE_HISTORY` of them): a split the file does not adjust
  for, which the rules above miss (the prices stay at the new level, so both neighbours agree
  with the row, and a halving is the last row's floor). A split changes no ``adj_close / close``.
  No bundled row is more than 3.02x its largest earlier move, and none of those is split-sized; the
  split-sized ones are at most 1.14x theirs (NVDA's 35% fall of 2004-08-06, about 3:2), while a 3:2 split
  is 2.9x IWM's largest move and 3.7x SPY's.
* anywhere (the ratio ``adj_close / close``): a move above :data:`RATIO_FLOOR` (a dividend of a
  sixth of the price in one day) that is also more than :data:`MOVE_MULTIPLE` times the largest of the
  ratio's moves before it (with at least :data:`MOVE_HISTORY` of them): an adj_close 30% off its close
  on one day would otherwise make a month's total return +31% while the price rose 1%. The ratio's
  largest genuine move in the bundled files is 2.6% (KRE, 2007-12-21).

Zero or negative prices are not screened here: the contract refuses them outright.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: A print this many times the closes around it (or this fraction of them) is impossible.
FACTOR = 10.0
#: A yield print this many percentage points outside the closes around it is impossible.
YIELD_POINTS = 2.0
#: Rounding slack of the consistency check (the files carry 6 decimals).
TOLERANCE = 1e-6
#: A last row moving more than this many times the largest earlier daily move is impossible ...
MOVE_MULTIPLE = 3.0
#: ... given at least this many earlier moves ...
MOVE_HISTORY = 250
#: ... and a move above this (log of the ratio for prices, points for yields).
MOVE_FLOOR = {True: float(np.log(2.0)), False: 0.5}
#: A move of ``adj_close / close`` above this (log) is impossible when far beyond the ratio's own moves.
RATIO_FLOOR = float(np.log(1.2))
#: Split ratios (n to 1, and 1 to n: the move is the log of the ratio either way; 1.5 is a 3:2 split; 20 and 50
#: as Amazon's and Alphabet's of 2022 and Chipotle's of 2024; 100 a London listing's prices switching between pence
#: and pounds, Yahoo's known unit mix-up, which yfinance's ``repair=True`` exists for) ...
SPLIT_RATIOS = (1.5, 2, 3, 4, 5, 8, 10, 15, 20, 25, 50, 100)
#: ... a split-sized move this many times the largest move before it is a split the data does not adjust for ...
SPLIT_MULTIPLE = 2.0
#: ... and how close (in log terms, about 3%) a move must come to one to look like it.
SPLIT_SLACK = 0.03
#: A volume this many times the median volume of the sessions before it is impossible
#: (the largest genuine ratio in the bundled files is 241x: XLY, an index rebalance).
VOLUME_FACTOR = 1000.0
#: Sessions before a volume whose median it is compared with.
VOLUME_WINDOW = 50
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
    bad_volume = _bad_volumes(frame["volume"]) if "volume" in frame else pd.Series(False, index=frame.index)
    if not (bad_open.any() or bad_high.any() or bad_low.any() or bad_volume.any() or _inconsistent(frame).any()):
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
    if bad_volume.any():
        out.loc[bad_volume, "volume"] = 0.0
        notes.append(
            f"impossible volume (more than {VOLUME_FACTOR:g}x the median of the {VOLUME_WINDOW} sessions before it),"
            " left out (no volume that day): "
            + _listed([f"{d.date().isoformat()} volume {_num(frame.at[d, 'volume'])}" for d in frame.index[bad_volume]])
        )
    return out, notes


def _inconsistent(frame: pd.DataFrame) -> pd.Series:
    """High below max(open, close) or low above min(open, close) (so also low > high), beyond rounding."""
    top = frame[["open", "close"]].max(axis=1)
    bottom = frame[["open", "close"]].min(axis=1)
    slack = TOLERANCE * (1.0 + frame["close"].abs())
    return (frame["high"] < top - slack) | (frame["low"] > bottom + slack) | (frame["low"] > frame["high"] + slack)


def _bad_volumes(volume: pd.Series) -> pd.Series:
    """A volume more than :data:`VOLUME_FACTOR` times the median nonzero volume of the sessions before it."""
    before = volume.where(volume > 0).shift(1).rolling(VOLUME_WINDOW, min_periods=1).median()
    return (volume > VOLUME_FACTOR * before).fillna(False).astype(bool)


def _moves(values: pd.Series, *, positive: bool) -> pd.Series:
    """Each row's move from the row before: ``|log ratio|`` for prices, points for yields."""
    if positive:
        return np.log(values / values.shift(1)).abs()
    return (values - values.shift(1)).abs()


def bad_values(values: pd.Series, *, positive: bool) -> pd.Series:
    """Where ``values`` (a close, an adj_close or their ratio) is impossible (the module docstring)."""
    around = pd.concat([values.shift(1), values.shift(-1)], axis=1)
    lo, hi = around.min(axis=1), around.max(axis=1)  # the first and last rows: their one neighbour
    bad = outside(values, lo, hi, positive=positive)
    if len(values) > MOVE_HISTORY:
        moves = _moves(values, positive=positive).to_numpy()
        last, largest = moves[-1], np.nanmax(moves[:-1])
        if last > max(MOVE_MULTIPLE * largest, MOVE_FLOOR[positive]):
            bad.iloc[-1] = True
        if positive:
            bad |= _split_like(moves)
    return bad


def _split_like(moves: np.ndarray) -> np.ndarray:
    """Where a move (``|log ratio|``) is split-sized and more than :data:`SPLIT_MULTIPLE` times every move before it."""
    before = np.fmax.accumulate(np.nan_to_num(moves, nan=0.0))
    largest = np.concatenate([[np.nan], before[:-1]])
    largest[: MOVE_HISTORY + 1] = np.nan  # too few earlier moves to know the series' own range
    sized = np.isclose(moves[:, None], np.log(SPLIT_RATIOS)[None, :], rtol=0.0, atol=SPLIT_SLACK).any(axis=1)
    with np.errstate(invalid="ignore"):
        return sized & (moves > SPLIT_MULTIPLE * largest)


def _ratio_jumps(ratio: pd.Series) -> pd.Series:
    """Where ``adj_close / close`` moves more than :data:`RATIO_FLOOR` and :data:`MOVE_MULTIPLE` times
    every move of it before (with :data:`MOVE_HISTORY` of them): no dividend does that."""
    moves = _moves(ratio, positive=True).to_numpy()
    before = np.concatenate([[np.nan], np.fmax.accumulate(np.nan_to_num(moves, nan=0.0))[:-1]])
    before[: MOVE_HISTORY + 1] = np.nan
    with np.errstate(invalid="ignore"):
        return pd.Series((moves > RATIO_FLOOR) & (moves > MOVE_MULTIPLE * before), index=ratio.index)


def impossible_closes(frame: pd.DataFrame, *, positive: bool = True) -> list[str]:
    """The rows whose ``close``, ``adj_close`` or ratio of the two is impossible, each described
    with its date, its value and the values next to it (an empty list when none is)."""
    found = []
    ratio = frame["adj_close"] / frame["close"] if positive else None
    checks = [("close", frame["close"]), ("adj_close", frame["adj_close"])]
    if ratio is not None:
        checks.append(("adj_close/close", ratio))
    for name, values in checks:
        bad = bad_values(values, positive=positive)
        if name == "adj_close/close":
            bad |= _ratio_jumps(values)
        for d in values.index[bad.to_numpy()]:
            i = values.index.get_loc(d)
            near = [_num(values.iloc[j]) for j in (i - 1, i + 1) if 0 <= j < len(values)]
            found.append(f"{d.date().isoformat()} {name} {_num(values.iloc[i])} (next to {' and '.join(near)})")
    return found
