"""A century of small versus big: the size premium, the valuation spread and CAPE, as of a date.

Pure functions on monthly frames (:mod:`analysis.data.monthly`), and :func:`century`, which
reads the research files public at ``as_of`` and returns the JSON block ``century``
(``docs/century.md`` gives every formula). Conventions: returns are fractions (``-0.208`` =
-20.8%), percentiles are shares in [0, 1], months are ``"YYYY-MM"``. French's returns come in
percent per month; ``r`` below is that number.

Every figure uses only months public at ``as_of`` (:func:`analysis.data.monthly.published_by`:
French's month M from the 15th of M+2, Shiller's once M has ended). *through* is the last
month so used; it can differ between the blocks, because the files end at different months.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, cast

import numpy as np
import pandas as pd

from analysis.data.monthly import Lag, ResearchData, published_by
from analysis.errors import DataError
from analysis.model.types import SummaryDict

#: Months in a "decade" (the window of the size premium) and in the "following five years".
WINDOW = 120
AHEAD = 60
#: Fewer similar decades than this and ``after_similar`` says "too few episodes".
MIN_EPISODES = 3
SMALL = ("SMALL LoBM", "ME1 BM2", "SMALL HiBM")
BIG = ("BIG LoBM", "ME2 BM2", "BIG HiBM")
TOO_FEW = "too few episodes"


def compounded(returns_pct: pd.Series) -> float:
    """``prod(1 + r/100) - 1`` over all of ``returns_pct`` (percent per month); NaN if any is NaN."""
    return float(np.prod(1.0 + returns_pct.to_numpy(dtype=float) / 100.0) - 1.0)


def rolling_compounded(returns_pct: pd.Series, months: int = WINDOW) -> pd.Series:
    """Every ``months``-month compounded return, ``prod(1 + r/100) - 1`` over months ``t-months+1 .. t``.

    Indexed by the window's last month ``t``; the first ``months - 1`` months, which end no
    full window, are left out (so SMB since 1926-07 gives windows ending 1936-06 on).
    """
    growth = 1.0 + returns_pct.to_numpy(dtype=float) / 100.0
    if len(growth) < months:
        return pd.Series([], index=returns_pct.index[:0], dtype=float, name=returns_pct.name)
    windows = np.lib.stride_tricks.sliding_window_view(growth, months).prod(axis=1) - 1.0
    return pd.Series(windows, index=returns_pct.index[months - 1 :], name=returns_pct.name)


def share_at_or_below(values: pd.Series, value: float) -> float:
    """The percentile used throughout: ``#{v in values : v <= value} / #values`` (NaN dropped)."""
    clean = values.dropna().to_numpy(dtype=float)
    return float((clean <= value).sum() / len(clean))


def decile(share: float) -> int:
    """The decile (1..10) of a reading whose :func:`share_at_or_below` is ``share``: ``ceil(10 * share)``, at least 1."""
    return max(1, min(10, math.ceil(round(10.0 * share, 12))))


def valuation_ratio(bm: pd.DataFrame) -> pd.Series:
    """Small against big by book-to-market: ``mean(BE/ME of SMALL LoBM, ME1 BM2, SMALL HiBM) /
    mean(BE/ME of BIG LoBM, ME2 BM2, BIG HiBM)``, every month.

    The equal mean of the three is how SMB averages the same portfolios' returns. Above 1:
    small stocks carry more book per dollar of price than big ones (are cheaper by this measure).
    """
    return (bm[list(SMALL)].mean(axis=1) / bm[list(BIG)].mean(axis=1)).rename("small_vs_big_bm")


def similar_episodes(
    rolling: pd.Series, returns_pct: pd.Series, *, months: int = WINDOW, ahead: int = AHEAD
) -> list[SummaryDict]:
    """Earlier decades in the same decile as the last one, and the ``ahead`` months after each.

    ``rolling`` holds every ``months``-month window ending at or before *through* (its last
    entry is today's). A window is *similar* when its :func:`decile` within ``rolling`` equals
    today's, and *complete* when its following ``ahead`` months are all public (end + ahead <=
    through). From those, non-overlapping ones are taken in date order: the earliest, then the
    next that ends at least ``months`` months later, and so on. Each is ``{end, value,
    next_5y}`` with ``next_5y = prod(1 + r/100) - 1`` over months end+1 .. end+ahead.
    """
    if rolling.empty:
        return []
    target = decile(share_at_or_below(rolling, float(rolling.iloc[-1])))
    through = rolling.index[-1]
    ranks = pd.Series(rolling.to_numpy(), index=rolling.index).rank(method="max") / len(rolling)
    chosen: list[SummaryDict] = []
    for (month, value), rank in zip(rolling.items(), ranks.to_numpy()):
        end = cast(pd.Period, month)
        if end + ahead > through or decile(float(rank)) != target:
            continue
        if chosen and end < pd.Period(chosen[-1]["end"], freq="M") + months:
            continue
        following = returns_pct.loc[end + 1 : end + ahead]
        chosen.append({"end": str(end), "value": float(value), "next_5y": compounded(following)})
    return chosen


def episodes_summary(episodes: list[SummaryDict], decile_today: int) -> SummaryDict:
    """``after_similar``: the episodes, their count, and the median, min and max of ``next_5y``,
    or ``note: "too few episodes"`` (and null statistics) when fewer than :data:`MIN_EPISODES`."""
    after = [e["next_5y"] for e in episodes]
    enough = len(after) >= MIN_EPISODES
    return {
        "decile": decile_today,
        "episodes": episodes,
        "n": len(after),
        "median": float(np.median(after)) if enough else None,
        "min": float(min(after)) if enough else None,
        "max": float(max(after)) if enough else None,
        "note": None if enough else TOO_FEW,
    }


def worst_decades(rolling: pd.Series, n: int = 3, apart: int = WINDOW) -> list[tuple[pd.Period, float]]:
    """The ``n`` worst decades that do not overlap: the lowest window, then the lowest ending at
    least ``apart`` months (default: a whole window) from every one taken, and so on; in date
    order, ``(end month, value)``."""
    taken: list[tuple[pd.Period, float]] = []
    for month, value in rolling.dropna().sort_values().items():
        if len(taken) == n:
            break
        end = cast(pd.Period, month)
        if all(abs((end - t).n) >= apart for t, _ in taken):
            taken.append((end, float(value)))
    return sorted(taken)


def decade_marks(
    rolling: pd.Series, n: int = 3, months: int = WINDOW
) -> tuple[tuple[pd.Period, float], list[tuple[pd.Period, float]]]:
    """What the chart marks: today's window ``(through, value)``, and those of the ``n``
    :func:`worst_decades` that are in the bottom decile of all windows and do not overlap
    today's (today's is marked already, not labelled twice)."""
    through = rolling.index[-1]
    worst = [
        (end, value)
        for end, value in worst_decades(rolling, n, months)
        if (through - end).n >= months and share_at_or_below(rolling, value) <= 0.1
    ]
    return (through, float(rolling.iloc[-1])), worst


# -- the JSON block ---------------------------------------------------------------------------


def size_premium(smb_pct: pd.Series, months: int = WINDOW) -> SummaryDict:
    """``size_premium_10y``: the last window's compounded SMB, its share of all windows at or
    below it, the month it ends (*through*), the number of windows, the month the first one ends
    (*windows_from*) and SMB's first month (*data_from*)."""
    rolling = rolling_compounded(smb_pct, months)
    value = float(rolling.iloc[-1])
    return {
        "value": value,
        "percentile": share_at_or_below(rolling, value),
        "through": str(rolling.index[-1]),
        "windows": len(rolling),
        "windows_from": str(rolling.index[0]),
        "data_from": str(smb_pct.index[0]),
    }


def valuation(bm: pd.DataFrame) -> SummaryDict:
    """``valuation_small_vs_big``: :func:`valuation_ratio` at *through* and its share of all months since
    the first (*data_from*, 1926-07) at or below it."""
    ratio = valuation_ratio(bm)
    value = float(ratio.iloc[-1])
    return {
        "value": value,
        "percentile": share_at_or_below(ratio, value),
        "through": str(ratio.index[-1]),
        "data_from": str(ratio.index[0]),
    }


def cape_reading(shiller: pd.DataFrame) -> SummaryDict:
    """``cape``: Shiller's CAPE at *through* and its share of all months since 1881-01 at or below it."""
    cape = shiller["CAPE"].dropna()
    value = float(cape.iloc[-1])
    return {"value": value, "percentile": share_at_or_below(cape, value), "through": str(cape.index[-1])}


def public(store: ResearchData, name: str, as_of: str | dt.date | pd.Timestamp) -> pd.DataFrame:
    """The months of ``name`` public at ``as_of``; :class:`DataError` when there are none."""
    frame = published_by(store.frame(name), as_of)
    if frame.empty:
        raise DataError(
            f"no month of {name} was public on {pd.Timestamp(as_of).date()} (it starts {frame.attrs['first']}).",
            "Choose a later as-of date.",
        )
    return frame


def premium_history(
    as_of: str | dt.date | pd.Timestamp, store: ResearchData | None = None, months: int = WINDOW
) -> pd.Series:
    """Every ``months``-month compounded SMB public at ``as_of`` (the chart's series)."""
    store = store or ResearchData("bundled")
    return rolling_compounded(public(store, "ff_factors_monthly", as_of)["SMB"], months)


def _first_day_hint(first_month: Any, months: int) -> str:
    """When a ``months``-month window starting at ``first_month`` is public; a window no date can
    hold (MONTHS=100000 ends after the year 9999) is told to be shorter instead."""
    try:
        first_day = Lag.of("ff_factors_monthly").public_from(first_month + months - 1).date()
    except (ValueError, OverflowError, NotImplementedError):
        return "Choose a shorter MONTHS: no date has that many months of SMB before it."
    return f"Choose an as-of date from {first_day} on."


def century(
    as_of: str | dt.date | pd.Timestamp, store: ResearchData | None = None, *, months: int = WINDOW, ahead: int = AHEAD
) -> SummaryDict:
    """The ``century`` block: size premium, valuation spread, CAPE and what followed similar decades.

    ``{"size_premium_10y": {value, percentile, through, windows},
       "valuation_small_vs_big": {value, percentile, through},
       "cape": {value, percentile, through},
       "after_similar": {decile, episodes: [{end, value, next_5y}], n, median, min, max, note}}``

    Only months public at ``as_of`` are read (``store``: where the files come from, default
    the bundled copies). ``months`` and ``ahead`` (120 and 60) are the window and the months
    after it; the keys keep their names whatever they are. :class:`DataError` while fewer
    than ``months`` months of SMB are public (before 1936-08-15 for 120).
    """
    store = store or ResearchData("bundled")
    smb = public(store, "ff_factors_monthly", as_of)["SMB"]
    if len(smb) < months:
        raise DataError(
            f"only {len(smb)} months of SMB were public on {pd.Timestamp(as_of).date()}; a {months}-month"
            f" window needs {months}.",
            _first_day_hint(smb.index[0], months),
        )
    premium = size_premium(smb, months)
    rolling = rolling_compounded(smb, months)
    return {
        "size_premium_10y": premium,
        "valuation_small_vs_big": valuation(public(store, "six_portfolios_bm", as_of)),
        "cape": cape_reading(public(store, "shiller_cape", as_of)),
        "after_similar": episodes_summary(
            similar_episodes(rolling, smb, months=months, ahead=ahead), decile(premium["percentile"])
        ),
    }
