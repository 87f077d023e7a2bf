"""The facts of a study at its as-of session: the first, price-only part of the summary.

:func:`analysis.summary.build` assembles the whole summary from these facts and the other
parts; key names and meanings are in ``docs/summary.md`` (schema version :data:`SCHEMA_VERSION`). Dates are ISO
strings; values that cannot be computed (too little history) are ``None``; returns are
fractions (0.986 means +98.6%).
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any, cast

import pandas as pd

from analysis import indicators as ind
from analysis.indicators import levels as lv
from analysis.indicators.rungs import last_close_beyond
from analysis.model.haven import haven
from analysis.model.next_session import what_would_change
from analysis.model.profile import Profile, assign
from analysis.model.session import WEEK, session
from analysis.model.study import Study, leadership_basis
from analysis.model.types import SummaryDict
from analysis.model.units import units
from analysis.model.unusual import catalogue
from analysis.schema import SCHEMA_VERSION


def iso(value: Any) -> str | None:
    """ISO date string of a timestamp/date, ``None`` for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    return pd.Timestamp(value).date().isoformat()


def num(value: Any) -> float | None:
    """A plain float, ``None`` for NaN/None."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


#: Where the close sits in each phase: above both averages (2), between them (1), below both (0).
TIER = {"bullish": 2, "accumulation": 2, "warning": 1, "recovery": 1, "distribution": 0, "bearish": 0}
#: A phase entered at most this many sessions ago by the close crossing an average is a fresh turn.
TURN_SESSIONS = 3


def _phase(phases: pd.Series) -> SummaryDict:
    """The current phase, since when (and whether that is the data's start), for how long, the one before,
    and ``phase_turn``: ``up`` (``down``) when the close entered it within :data:`TURN_SESSIONS` sessions by
    crossing an average upward (downward), else ``None`` (a cross of the averages themselves is no turn)."""
    runs, now = ind.phase_runs(phases), phases.iloc[-1]
    sessions = int(runs["sessions"].iloc[-1]) if len(runs) and now is not None else None
    previous = runs["phase"].iloc[-2] if len(runs) > 1 else None
    turn = None
    if sessions is not None and sessions <= TURN_SESSIONS and previous in TIER and now in TIER:
        turn = "up" if TIER[now] > TIER[previous] else "down" if TIER[now] < TIER[previous] else None
    return {
        "phase": now,
        "phase_since": iso(ind.phase_since(phases)),
        "phase_from_start": _from_start(phases),
        "phase_sessions": sessions,
        "phase_previous": previous,
        "phase_turn": turn,
    }


def _from_start(phases: pd.Series) -> bool:
    """Whether the current phase has held since the first session with a phase (the slow average's
    first): its start is then where the data allow one, not a turn (QQQ 2000-03-10, "bullish since
    December 21, 1999", its 200th session)."""
    since, known = ind.phase_since(phases), phases.dropna()
    return since is not None and len(known) > 0 and since == known.index[0]


def _above(a: float | None, b: float | None) -> bool | None:
    return None if a is None or b is None else a > b


def _provenance(frame: pd.DataFrame) -> SummaryDict:
    keys = ("source", "source_detail", "first_date", "last_date", "fully_adjusted", "price_only", "notes")
    return {k: frame.attrs.get(k) for k in keys}


def streak(mask: pd.Series) -> int:
    """How many sessions in a row, ending at the last one, ``mask`` has been True (0 if not now)."""
    values = mask.fillna(False).astype(bool).to_numpy()[::-1]
    return int(values.argmin()) if not values.all() else int(values.size)


def band_z(value: float | None, fast: float | None, upper: float | None, width: float) -> float | None:
    """How many band standard deviations ``value`` is from its fast average: ``(value - fast) / sigma``,
    ``sigma = (upper - fast) / width``. The one measure of a momentum extreme: ``|z| > width``
    is exactly "outside the band" (docs/indicators.md)."""
    if value is None or fast is None or upper is None or upper == fast:
        return None
    return (value - fast) / ((upper - fast) / width)


def _z_since(s: pd.DataFrame, width: float) -> str | None:
    """The last earlier session whose band z was at least as far out the same way as the last one's
    (``None`` when it is the furthest in the data, or the last z is unknown): "the most oversold since"."""
    sigma = (s["rm_upper"] - s["rm_fast"]) / width
    z = ((s["rm"] - s["rm_fast"]) / sigma.where(sigma != 0)).dropna()
    if z.empty or z.index[-1] != s.index[-1]:
        return None
    return iso(ind.last_as_far(z, up=z.iloc[-1] > 0))


def _real_motion(s: pd.DataFrame, width: float) -> SummaryDict:
    last = s.iloc[-1]
    value, fast = num(last["rm"]), num(last["rm_fast"])
    above = (s["rm"] > s["rm_fast"]) & s["rm_fast"].notna()
    below = (s["rm"] < s["rm_fast"]) & s["rm_fast"].notna()
    in_band = (s["rm"] >= s["rm_lower"]) & (s["rm"] <= s["rm_upper"])
    div = ind.divergence(s["rm"], s["rm_fast"], s["close"], s["sma_fast"])
    rev = ind.mean_reversion(s["rm"], s["rm_upper"], s["rm_lower"])
    last_rev = ind.last_true(rev != 0)
    z = band_z(value, fast, num(last["rm_upper"]), width)
    stretch = ind.stretch(s["rm"], z, width)
    return {
        "value": value,
        "fast": fast,
        "slow": num(last["rm_slow"]),
        "upper": num(last["rm_upper"]),
        "lower": num(last["rm_lower"]),
        "z": z,
        "z_since": _z_since(s, width),
        "change_week": num(s["rm"].iloc[-1] - s["rm"].iloc[-1 - WEEK]) if len(s) > WEEK else None,
        "stretch": {**stretch, "since": iso(stretch["since"])},
        "above_fast": _above(value, fast),
        "above_slow": _above(value, num(last["rm_slow"])),
        "last_above_fast": iso(ind.last_true(above)),
        "last_below_fast": iso(ind.last_true(below)),
        "streak": streak(above) if value is not None and fast is not None and value > fast else streak(below),
        "band_position": None
        if num(last["rm_upper"]) is None
        else ("above" if value > last["rm_upper"] else "below" if value < last["rm_lower"] else "inside"),
        "last_outside_band": iso(ind.last_true(~in_band & s["rm_upper"].notna())),
        "divergence": bool(div.iloc[-1]) if fast is not None and num(last["sma_fast"]) is not None else None,
        "mean_reversion": None
        if last_rev is None
        else {"date": iso(last_rev), "direction": "up" if rev.loc[last_rev] > 0 else "down"},
    }


def _leadership(s: pd.DataFrame) -> SummaryDict:
    s = s[s["common"]] if "common" in s else s  # counted on the sessions both series traded
    last = s.iloc[-1]
    value = num(last["lead"])
    known = s["lead"].notna()
    return {
        "date": iso(s.index[-1]) if len(s) else None,  # the last session both traded (Friday, for crypto on a Sunday)
        "value": value,
        "fast": num(last["lead_fast"]),
        "upper": num(last["lead_upper"]),
        "lower": num(last["lead_lower"]),
        "above_zero": None if value is None else value > 0,
        "above_upper": _above(value, num(last["lead_upper"])),
        "above_fast": _above(value, num(last["lead_fast"])),
        "streak_vs_zero": None if value is None else streak((s["lead"] > 0) if value > 0 else (s["lead"] <= 0) & known),
        "last_above_zero": iso(ind.last_true((s["lead"] > 0) & known)),
        "last_below_zero": iso(ind.last_true((s["lead"] < 0) & known)),
        "last_above_upper": iso(ind.last_true(s["lead"] > s["lead_upper"])),
        "ratio": num(last["rs"]),
        "week": num(s["rs"].iloc[-1] / s["rs"].iloc[-1 - WEEK] - 1) if len(s) > WEEK else None,
    }


def _haven(study: Study, profile: Profile, lead: float | None) -> str | None:
    """For a bond fund (Leadership a risk-off reading): what its lead over the benchmark says this
    session (:func:`analysis.model.haven.haven`); ``None`` for other profiles."""
    if profile.leadership != "risk_off":
        return None
    return haven(lead, study.prices["close"], study.bench["close"], units(profile.returns))


def change(values: pd.Series, span: pd.DateOffset, returns: str) -> float | None:
    """The change of ``values`` over ``span`` as the profile measures it.

    ``total``/``price``: a fraction (``values`` are adjusted or traded closes);
    ``points``: the level's difference; ``basis_points``: 100 x the difference of a yield
    quoted in percent (``^TNX`` 4.25 -> 4.35 is +10 bp). ``None`` when history is shorter.
    """
    start = ind.span_start(cast(pd.DatetimeIndex, values.index), span)
    if start is None:
        return None
    if returns in ("total", "price"):
        return float(values.iloc[-1] / values.loc[start] - 1.0)
    return float(units(returns).level_scale * (values.iloc[-1] - values.loc[start]))


def _returns(study: Study, profile: Profile) -> SummaryDict:
    """Each span's change of the ticker (its own sessions, by its profile) and the benchmark's total return."""
    own = study.series["adj_close" if profile.total_return else "close"]
    bench = study.full_bench["adj_close"]
    out: SummaryDict = {}
    for label, span in ind.SPANS.items():
        out[label] = {
            "ticker": change(own, span, profile.returns),
            "benchmark": ind.total_return(bench, span),
            "start": iso(ind.span_start(cast(pd.DatetimeIndex, own.index), span)),
        }
    return out


def _levels(study: Study, profile: Profile) -> tuple[SummaryDict, SummaryDict, SummaryDict, SummaryDict]:
    """The ladders, the level to clear, the nearest support and the last run above the 50-DMA."""
    s, cfg = study.series, study.settings
    args = (study.prices["high"], study.prices["low"], s["close"], s["sma_fast"], s["sma_slow"])
    kw: dict[str, Any] = {"lookback": profile.year, "recent": cfg.level_window, "fast": cfg.fast, "slow": cfg.slow}
    ladders = lv.ladders(*args, **kw)
    close = float(s["close"].iloc[-1])
    level: SummaryDict
    if cfg.level is not None:
        level = {
            "price": cfg.level,
            "date": None,
            "kind": "parameter",
            "window": None,
            "also": [],
            "at": None,
            "next": None,
            "note": "the level given by the user",
            "origin": "parameter",
        }
    else:
        level = {**lv.level_to_clear(*args, **kw), "origin": "computed"}
    level["distance"] = None if level["price"] is None else level["price"] / close - 1.0
    support = lv.nearest_support(*args, **kw)
    support["distance"] = None if support["price"] is None else support["price"] / close - 1.0
    # at a high or a low: how far back the close is the highest (lowest), and that earlier close
    level["since"] = _with_extreme(
        s["close"], last_close_beyond(s["close"], "high") if level["price"] is None else None
    )
    support["since"] = _with_extreme(
        s["close"], last_close_beyond(s["close"], "low") if support["price"] is None else None
    )
    return (
        {"resistance": ladders["resistance"], "support": ladders["support"]},
        level,
        support,
        lv.last_run_above(s["close"], s["sma_fast"]),
    )


def _unavailable(s: pd.DataFrame) -> list[str]:
    last = s.iloc[-1]
    checks = {
        "sma200": "sma_slow",
        "phase": "phase",
        "real_motion": "rm",
        "real_motion_fast": "rm_fast",
        "real_motion_slow": "rm_slow",
        "leadership": "lead",
        "leadership_fast": "lead_fast",
    }
    return [name for name, column in checks.items() if last[column] is None or pd.isna(last[column])]


#: Sessions either side of "the last lower (higher) close" searched for the extreme of that episode.
EPISODE = 22
#: An average is rising when above its value this many sessions earlier ("rising over the last 20 sessions").
RISING = 20


def _with_extreme(close: pd.Series, since: SummaryDict | None) -> SummaryDict | None:
    """``since`` (:func:`analysis.indicators.rungs.last_close_beyond`) with ``extreme``: the lowest
    (highest) close within :data:`EPISODE` sessions of it, the level of that episode a reader
    remembers (IWM's 94.79 of February 11, 2016, not the 99.95 a week later that the close just
    undercut), no later than the session before the as-of one."""
    if since is None:
        return None
    earlier = close.iloc[:-1].dropna()
    at = int(earlier.index.searchsorted(pd.Timestamp(since["date"])))
    window = earlier.iloc[max(0, at - EPISODE) : at + EPISODE + 1]
    low = since["price"] < close.iloc[-1]
    when = cast(pd.Timestamp, window.idxmin() if low else window.idxmax())
    return {**since, "extreme": {"price": float(window.loc[when]), "date": when.date().isoformat()}}


def _data(study: Study) -> SummaryDict:
    """``data``: where the ticker's and the benchmark's prices came from, and how much history there is."""
    return {
        "ticker": _provenance(study.prices),
        "benchmark": _provenance(study.bench),
        "sessions": len(study.series),
        "first_session": iso(study.series.index[0]),
        "common_sessions": study.common_sessions,
        "leadership_basis": leadership_basis(study.prices, study.full_bench),
    }


#: What only a piece's own session needs: an earlier state read for "what changed" (:func:`facts`
#: with ``earlier=True``) leaves them out, a fifth of a summary's time (the since-last fallback).
OWN_SESSION = ("session", "data", "what_would_change", "relative_performance", "unusual")


def facts(study: Study, profile: Profile | None = None, *, earlier: bool = False) -> SummaryDict:
    """The values of a :class:`~analysis.model.study.Study` at its as-of session: the first part
    of the summary (:func:`analysis.summary.build` adds the rest; keys in ``docs/summary.md``).
    ``earlier``: the state "what changed" compares with (:mod:`analysis.model.since` reads the phase,
    levels, momentum and leadership), without the keys of :data:`OWN_SESSION`."""
    profile = profile or assign(study.ticker)
    s, cfg = study.series, study.settings
    last = s.iloc[-1]
    close, sma50, sma200 = float(last["close"]), num(last["sma_fast"]), num(last["sma_slow"])
    ladders, level, support, run = _levels(study, profile)
    last_n = ind.last_run_completed(s["close"], s["sma_fast"], cfg.confirm_n)
    real_motion = _real_motion(s, cfg.band_width)
    leadership = {**_leadership(s), "benchmark_end": study.as_of.bench_end}
    out: SummaryDict = {
        "schema_version": SCHEMA_VERSION,
        "ticker": study.ticker,
        "benchmark": study.benchmark,
        "as_of": study.as_of.iso,
        "as_of_requested": None if study.as_of.requested is None else study.as_of.requested.isoformat(),
        "as_of_note": study.as_of.note,
        "source": study.prices.attrs.get("source"),
        # total returns only where the data has a dividend-adjusted close (a price-only file's are price returns)
        "profile": {
            **profile.to_json(),
            "total_return": profile.total_return and not study.prices.attrs.get("price_only"),
        },
        "settings": asdict(cfg),
        "session": None,
        "data": None,
        "close": close,
        "sma50": sma50,
        "sma200": sma200,
        "pct_from_sma50": None if sma50 is None else close / sma50 - 1.0,
        "pct_from_sma200": None if sma200 is None else close / sma200 - 1.0,
        "sma50_rising": _above(sma50, num(s["sma_fast"].iloc[-RISING - 1]) if len(s) > RISING + 1 else None),
        "sma200_rising": _above(sma200, num(s["sma_slow"].iloc[-RISING - 1]) if len(s) > RISING + 1 else None),
        "sma50_above_sma200": _above(sma50, sma200),
        **_phase(s["phase"]),
        "real_motion": real_motion,
        "leadership": {**leadership, "haven": _haven(study, profile, leadership["value"])},
        "closes_above_sma50": int(last["closes_above"]),
        "last_two_closes_above_sma50": iso(ind.last_run_completed(s["close"], s["sma_fast"], 2)),
        "confirmation": {
            "n": cfg.confirm_n,
            "closes_above_sma50": int(last["closes_above"]),
            "confirmed": int(last["closes_above"]) >= cfg.confirm_n,
            "last_completed": iso(last_n),
        },
        "level_to_clear": level,
        "support": support,
        "levels": ladders,
        "last_run_above_sma50": run,
        "what_would_change": None,
        "relative_performance": None,
        "unavailable": _unavailable(s),
        "unusual": None,
    }
    if not earlier:  # filled in place: the keys keep their order in the JSON
        out.update(_own_session(study, profile, real_motion["z"]))
    return out


def _own_session(study: Study, profile: Profile, z: float | None) -> SummaryDict:
    """The keys of :data:`OWN_SESSION`: what only the piece's own session needs."""
    measure = units(profile.returns)
    return {
        "session": session(study.prices, measure),
        "data": _data(study),
        "what_would_change": what_would_change(study, measure),
        "relative_performance": _returns(study, profile),
        "unusual": catalogue(study, profile, z),
    }
