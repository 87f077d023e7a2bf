"""What is unusual about a ticker now: a small catalogue of facts, each scored for how rare it is.

:func:`catalogue` reads a :class:`~analysis.model.study.Study` (closes, volume, Real Motion,
phases up to the as-of session, so no look-ahead) and returns the JSON ``unusual`` list, the
most unusual fact first. The headline and the bottom line lead with the first fact when it is
unusual (:func:`is_unusual`).

**The score** (0..1, comparable across facts) is the share of comparable sessions that were
*less* unusual than today:

* the Real Motion z-score under a normal reading, ``score = 2 Phi(|z|) - 1 = erf(|z| / sqrt 2)``
  (the share of a normal distribution within ``|z|`` standard deviations);
* a measure (the drawdown, the volume ratio, the volatility index's level): its empirical
  percentile in the ticker's own earlier sessions, the share of them with a less extreme value
  (two-sided for the volatility level: a record low of fear is as rare as a record high);
* an event (a new 52-week high, a phase change this week, a divergence): ``1 - frequency``,
  one minus the share of the ticker's own sessions (with the history the event needs, up to
  and including today) on which the same event held.

A fact is *unusual* when its score exceeds :data:`UNUSUAL` ``= 2 Phi(2) - 1 ~ 0.9545``: rarer
than about one session in 22; for Real Motion that is exactly ``|z| > 2``, outside the band,
the piece's one definition of a momentum extreme. Facts that are measured every session (the
z-score, the drawdown, the volume ratio, the volatility level) are listed whatever their score;
events only when they happened. Keys of each fact are in ``docs/summary.md``.
"""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np
import pandas as pd

from analysis import indicators as ind
from analysis.model.profile import Profile
from analysis.model.study import Study
from analysis.model.types import Reading, SummaryDict

#: The score above which a fact is unusual: 2 Phi(2) - 1, so that Real Motion's is |z| > 2.
UNUSUAL = math.erf(2.0 / math.sqrt(2.0))
#: A phase change "this week": the current phase began at most this many sessions ago.
WEEK = 5
#: Sessions of the volume average today's volume is compared with (the sessions before today).
VOLUME_WINDOW = 50
#: A volume at least this multiple of its 50-day average is unusual whatever its percentile.
VOLUME_RATIO = 2.0


def _iso(ts: object) -> str | None:
    return None if ts is None else pd.Timestamp(cast(str, ts)).date().isoformat()


def _f(x: object) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(cast(float, x))


def is_unusual(fact: Reading | None) -> bool:
    """Whether a fact's score exceeds :data:`UNUSUAL` (``False`` for ``None``)."""
    return fact is not None and fact.get("score") is not None and fact["score"] > UNUSUAL


def z_score(z: float) -> float:
    """``2 Phi(|z|) - 1``: the share of a normal distribution closer to its mean than ``z``."""
    return math.erf(abs(z) / math.sqrt(2.0))


def share_below(earlier: np.ndarray, today: float) -> float | None:
    """The share of ``earlier`` values (NaN dropped) strictly below ``today``; ``None`` if none are known."""
    earlier = earlier[~np.isnan(earlier)]
    return None if earlier.size == 0 else float(np.mean(earlier < today))


def rarity(mask: pd.Series, known: pd.Series) -> float:
    """``1 - frequency``: one minus the share of the ``known`` sessions on which ``mask`` held."""
    n = int(known.sum())
    return 1.0 - float((mask & known).sum()) / n if n else 0.0


def _fact(fact_id: str, score: float, **fields: Any) -> SummaryDict:
    return {"id": fact_id, "score": float(score), "unusual": score > UNUSUAL, **fields}


def real_motion_fact(z: float | None) -> SummaryDict | None:
    """Real Motion's z-score against its band (``|z| > 2``: outside the band)."""
    if z is None:
        return None
    band = "above" if z > 2 else "below" if z < -2 else "inside"
    return _fact("real_motion_z", z_score(z), z=float(z), band=band, extreme=abs(z) > 2)


def extremes(close: pd.Series, year: int) -> list[SummaryDict]:
    """A record close (``all_time_high``/``all_time_low``) or a 52-week one (``new_52w_high``/``low``).

    Closes up to as-of; a fact needs at least ``year`` sessions of history, and the frequency of
    the event is counted over the sessions that have them. A record subsumes the 52-week fact.
    ``previous``/``previous_date``: the extreme close before today and when it was set.
    """
    if len(close) <= year:
        return []
    known = pd.Series(np.arange(len(close)) >= year, index=close.index)
    out = []
    for side, better in (("high", np.greater_equal), ("low", np.less_equal)):
        ever = close.cummax() if side == "high" else close.cummin()
        window = close.rolling(year, min_periods=year).max() if side == "high" else close.rolling(year).min()
        record = pd.Series(better(close.to_numpy(), ever.to_numpy()), index=close.index)
        yearly = pd.Series(better(close.to_numpy(), window.to_numpy()), index=close.index)
        before = close.iloc[:-1]
        if record.iloc[-1]:
            prev_date = before.idxmax() if side == "high" else before.idxmin()
            fid, mask = f"all_time_{side}", record
        elif yearly.iloc[-1]:
            span = before.iloc[-(year - 1) :]
            prev_date = span.idxmax() if side == "high" else span.idxmin()
            fid, mask = f"new_52w_{side}", yearly
        else:
            continue
        out.append(
            _fact(
                fid,
                rarity(mask, known),
                close=float(close.iloc[-1]),
                previous=float(close.loc[cast(pd.Timestamp, prev_date)]),
                previous_date=_iso(prev_date),
                first_date=_iso(close.index[0]),
                **(_broken_record(close, record, side) if fid.startswith("all_time") else {}),
            )
        )
    return out


#: Records less than this many sessions apart are one run of records (one breakout).
RUN_GAP = 22


def _broken_record(close: pd.Series, record: pd.Series, side: str) -> SummaryDict:
    """At a record close: the record that stood before this run of records began, and when the run
    broke it (``broken``, ``broken_date``, ``broken_on``): IWM on 2021-11-08 was at a record, but the
    level a strategist names is the March 2021 record it cleared on November 2."""
    at = np.flatnonzero(record.to_numpy())
    start = len(at) - 1
    while start > 0 and at[start] - at[start - 1] < RUN_GAP:
        start -= 1
    first = int(at[start])
    before = close.iloc[:first]
    if before.empty:
        return {}
    when = cast(pd.Timestamp, before.idxmax() if side == "high" else before.idxmin())
    return {"broken": float(before.loc[when]), "broken_date": _iso(when), "broken_on": _iso(close.index[first])}


#: A total-return drawdown this much shallower than the price's is worth a reader's knowing (TLT 2026-08-21:
#: 52.2% below its record close, 42.3% with its interest reinvested; the sixth cold read).
INCOME_GAP = 0.02


def drawdown(close: pd.Series, adj_close: pd.Series | None = None) -> SummaryDict | None:
    """How far the close is below its highest close so far, and how deep that is in the ticker's history.

    ``drawdown = close / max(close so far) - 1`` (a negative fraction); the score is the share
    of earlier sessions whose drawdown was shallower. ``None`` at a record close (no drawdown).
    With ``adj_close`` (a fund whose income is part of its return), ``with_income`` is the same
    drawdown of the dividend-adjusted closes when it is :data:`INCOME_GAP` or more shallower, else ``None``.
    """
    peak = close.cummax()
    dd = (close / peak - 1.0).to_numpy(float)
    if len(dd) < 2 or dd[-1] >= 0:
        return None
    score = share_below(-dd[:-1], -dd[-1])
    income = None
    if adj_close is not None and adj_close.notna().iloc[-1]:
        income = float(adj_close.iloc[-1] / adj_close.cummax().iloc[-1] - 1.0)
        income = income if income - dd[-1] >= INCOME_GAP else None
    return _fact(
        "drawdown",
        score or 0.0,
        drawdown=float(dd[-1]),
        high=float(peak.iloc[-1]),
        high_date=_iso(close.idxmax()),
        percentile=score,
        first_date=_iso(close.index[0]),
        with_income=income,
    )


def phase_change(phases: pd.Series) -> SummaryDict | None:
    """A phase that began within the last :data:`WEEK` sessions (``from`` -> ``to``, ``date``, ``sessions``).

    The score is one minus the share of sessions that lay within :data:`WEEK` sessions of any
    phase change: a change of phase is common (the close crosses an average), so this fact is
    rarely unusual on its own; ``averages`` says whether the 50-DMA crossed the 200-DMA.
    """
    runs = ind.phase_runs(phases)
    if len(runs) < 2 or phases.iloc[-1] is None or int(runs["sessions"].iloc[-1]) > WEEK:
        return None
    frm, to = runs["phase"].iloc[-2], runs["phase"].iloc[-1]
    valid = phases.notna()
    changed = valid & valid.shift(fill_value=False) & (phases != phases.shift())
    recent = changed.astype(float).rolling(WEEK, min_periods=1).max().astype(bool)
    up = {"bullish", "warning", "distribution"}
    return _fact(
        "phase_change",
        rarity(recent, valid),
        **{
            "from": frm,
            "to": to,
            "date": _iso(runs["start"].iloc[-1]),
            "sessions": int(runs["sessions"].iloc[-1]),
            "averages": (frm in up) != (to in up),
        },
    )


def volume(prices: pd.DataFrame, window: int = VOLUME_WINDOW) -> SummaryDict | None:
    """Today's volume against the mean of the ``window`` sessions before it.

    ``ratio = volume / mean(previous window volumes)``; the score is the share of earlier
    sessions with a lower ratio; ``change``: the session's price change (a fraction); ``spike``:
    a ratio of at least :data:`VOLUME_RATIO` or an unusual score. ``None`` without a usable volume (zero or missing in the window).
    """
    if "volume" not in prices or len(prices) <= window + 1:
        return None
    vol = prices["volume"].astype(float).where(lambda v: v > 0)
    if vol.iloc[-(window + 1) :].isna().any():
        return None
    average = vol.shift().rolling(window, min_periods=window).mean()
    ratio = (vol / average).to_numpy(float)
    score = share_below(ratio[:-1], ratio[-1])
    if score is None:
        return None
    return _fact(
        "volume",
        score,
        volume=float(vol.iloc[-1]),
        average=float(average.iloc[-1]),
        ratio=float(ratio[-1]),
        percentile=score,
        change=float(prices["close"].iloc[-1] / prices["close"].iloc[-2] - 1.0),
        spike=bool(ratio[-1] >= VOLUME_RATIO or score > UNUSUAL),
    )


def fear_level(close: pd.Series) -> SummaryDict | None:
    """A volatility index's level against all its earlier closes (two-sided: extreme fear or calm).

    ``percentile``: the share of earlier closes below today's; ``score = |2 percentile - 1|``;
    ``record``: the highest close so far.
    """
    p = share_below(close.to_numpy(float)[:-1], float(close.iloc[-1]))
    if p is None:
        return None
    return _fact(
        "vix_level",
        abs(2 * p - 1),
        close=float(close.iloc[-1]),
        percentile=p,
        side="high" if p >= 0.5 else "low",
        record=bool(close.iloc[-1] > close.iloc[:-1].max() if p >= 0.5 else close.iloc[-1] < close.iloc[:-1].min()),
        first_date=_iso(close.index[0]),
    )


#: Sessions the close may spend above its 50-DMA after momentum turned up and still be "momentum first".
POKES = 2


def _momentum_turned_first(rm_up: pd.Series, below: pd.Series) -> bool:
    """Whether momentum turned up before the price: since Real Motion last crossed above its own 50-DMA, the
    close spent at most :data:`POKES` sessions above its 50-DMA (BTC-USD 2022-10-14: one, on October 4). Not
    so when the close fell through its 50-DMA under momentum that was already up: NVDA on 2019-08-05, above
    it all July, fell 6.5% through it and was headlined "Momentum turns up in NVDA before the price" (the
    ninth cold read)."""
    values = rm_up.to_numpy(bool)
    start = len(values) - 1
    while start > 0 and values[start - 1]:
        start -= 1
    return int((~below.iloc[start:].to_numpy(bool)).sum()) <= POKES


def divergences(s: pd.DataFrame, year: int) -> list[SummaryDict]:
    """Price and momentum disagreeing, each scored by how often the same kind held before.

    ``bearish``: the close is a 52-week high while Real Motion is below its own 50-DMA;
    ``bullish``: the close is below its 50-DMA while Real Motion is above its own 50-DMA.
    """
    close, rm, fast = s["close"], s["rm"], s["rm_fast"]
    known = fast.notna() & s["sma_fast"].notna()
    high = close >= close.rolling(year, min_periods=year).max()
    kinds = {
        "bearish": high & (rm < fast),
        "bullish": (close < s["sma_fast"]) & (rm > fast),
    }
    out = []
    for kind, mask in kinds.items():
        if kind == "bullish" and bool(mask.iloc[-1]) and not _momentum_turned_first(rm > fast, close < s["sma_fast"]):
            continue
        if bool(mask.iloc[-1]) and bool(known.iloc[-1]):
            out.append(
                _fact(
                    "divergence",
                    rarity(mask, known),
                    kind=kind,
                    rm=float(rm.iloc[-1]),
                    rm_fast=float(fast.iloc[-1]),
                    close=float(close.iloc[-1]),
                    sma50=_f(s["sma_fast"].iloc[-1]),
                )
            )
    return out


def catalogue(study: Study, profile: Profile, z: float | None) -> list[SummaryDict]:
    """Every fact of the catalogue that holds at the as-of session, the most unusual first.

    ``z`` is the summary's ``real_motion.z`` (one value per quantity). A volatility index gets
    ``vix_level`` instead of the records (its 52-week highs and lows stay) and the drawdown of a price; a level (a yield, a volatility
    index) has no drawdown; volume is read only where the profile has it.
    """
    s, close = study.series, study.series["close"]
    facts = [real_motion_fact(z), phase_change(s["phase"]), *divergences(s, profile.year)]
    if profile.kind == "volatility":
        facts += [fear_level(close)] + [f for f in extremes(close, profile.year) if f["id"].startswith("new_52w")]
    else:
        facts += extremes(close, profile.year)
        if not profile.level:
            facts.append(drawdown(close, s["adj_close"] if profile.total_return else None))
    if profile.volume:
        facts.append(volume(study.prices))
    found = [f for f in facts if f is not None]
    return sorted(found, key=lambda f: -f["score"])
