"""The summary: everything the piece says, at the as-of session, as one JSON-ready dict.

It is the single source of truth for the text: the narrative, the tables and the JSON file
all read it, so the words cannot drift from the numbers. Key names and meanings are
documented in ``docs/summary.md`` (schema version :data:`SCHEMA_VERSION`). Dates are ISO
strings; values that cannot be computed (too little history) are ``None``; returns are
fractions (0.986 means +98.6%).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from analysis import indicators as ind
from analysis.study import Study

SCHEMA_VERSION = 1


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


def _above(a: float | None, b: float | None) -> bool | None:
    return None if a is None or b is None else a > b


def _provenance(frame: pd.DataFrame) -> dict:
    keys = ("source", "source_detail", "first_date", "last_date", "fully_adjusted", "price_only", "notes")
    return {k: frame.attrs.get(k) for k in keys}


def streak(mask: pd.Series) -> int:
    """How many sessions in a row, ending at the last one, ``mask`` has been True (0 if not now)."""
    values = mask.fillna(False).astype(bool).to_numpy()[::-1]
    return int(values.argmin()) if not values.all() else int(values.size)


def _real_motion(s: pd.DataFrame) -> dict:
    last = s.iloc[-1]
    value, fast = num(last["rm"]), num(last["rm_fast"])
    above = (s["rm"] > s["rm_fast"]) & s["rm_fast"].notna()
    below = (s["rm"] < s["rm_fast"]) & s["rm_fast"].notna()
    in_band = (s["rm"] >= s["rm_lower"]) & (s["rm"] <= s["rm_upper"])
    div = ind.divergence(s["rm"], s["rm_fast"], s["close"], s["sma50"])
    rev = ind.mean_reversion(s["rm"], s["rm_upper"], s["rm_lower"])
    last_rev = ind.last_true(rev != 0)
    return {
        "value": value, "fast": fast, "slow": num(last["rm_slow"]),
        "upper": num(last["rm_upper"]), "lower": num(last["rm_lower"]),
        "above_fast": _above(value, fast),
        "above_slow": _above(value, num(last["rm_slow"])),
        "last_above_fast": iso(ind.last_true(above)),
        "last_below_fast": iso(ind.last_true(below)),
        "streak": streak(above) if value is not None and fast is not None and value > fast else streak(below),
        "band_position": None if num(last["rm_upper"]) is None else (
            "above" if value > last["rm_upper"] else "below" if value < last["rm_lower"] else "inside"),
        "last_outside_band": iso(ind.last_true(~in_band & s["rm_upper"].notna())),
        "divergence": bool(div.iloc[-1]) if fast is not None and num(last["sma50"]) is not None else None,
        "mean_reversion": None if last_rev is None else {
            "date": iso(last_rev), "direction": "up" if rev.loc[last_rev] > 0 else "down"},
    }


def _leadership(s: pd.DataFrame) -> dict:
    last = s.iloc[-1]
    value = num(last["lead"])
    known = s["lead"].notna()
    return {
        "value": value, "fast": num(last["lead_fast"]),
        "upper": num(last["lead_upper"]), "lower": num(last["lead_lower"]),
        "above_zero": None if value is None else value > 0,
        "above_upper": _above(value, num(last["lead_upper"])),
        "above_fast": _above(value, num(last["lead_fast"])),
        "streak_vs_zero": None if value is None else streak((s["lead"] > 0) if value > 0 else (s["lead"] <= 0) & known),
        "last_above_zero": iso(ind.last_true((s["lead"] > 0) & known)),
        "last_below_zero": iso(ind.last_true((s["lead"] < 0) & known)),
        "last_above_upper": iso(ind.last_true(s["lead"] > s["lead_upper"])),
        "ratio": num(last["rs"]),
    }


def _returns(study: Study) -> dict:
    out = {}
    for label, span in ind.SPANS.items():
        start = ind.span_start(study.series.index, span)
        out[label] = {
            "ticker": ind.total_return(study.series["adj_close"], span),
            "benchmark": ind.total_return(study.series["bench_adj_close"], span),
            "start": iso(start),
        }
    return out


def _unavailable(s: pd.DataFrame) -> list[str]:
    last = s.iloc[-1]
    checks = {"sma200": "sma200", "phase": "phase", "real_motion": "rm", "real_motion_fast": "rm_fast",
              "real_motion_slow": "rm_slow", "leadership": "lead", "leadership_fast": "lead_fast"}
    return [name for name, column in checks.items() if last[column] is None or pd.isna(last[column])]


def summarize(study: Study) -> dict:
    """The summary dict of a :class:`~analysis.study.Study` (see ``docs/summary.md``)."""
    s, cfg = study.series, study.settings
    last = s.iloc[-1]
    close, sma50, sma200 = num(last["close"]), num(last["sma50"]), num(last["sma200"])
    phases = s["phase"]
    runs = ind.phase_runs(phases)
    if cfg.level is not None:
        level = {"price": cfg.level, "date": None, "origin": "parameter", "window": None}
    else:
        price, date = ind.level_to_clear(s["close"], cfg.level_window)
        level = {"price": price, "date": iso(date), "origin": "computed", "window": cfg.level_window}
    level["distance"] = None if close is None else level["price"] / close - 1.0
    last_n = ind.last_run_completed(s["close"], s["sma50"], cfg.confirm_n)
    return {
        "schema_version": SCHEMA_VERSION,
        "ticker": study.ticker,
        "benchmark": study.benchmark,
        "as_of": study.as_of.iso,
        "as_of_requested": None if study.as_of.requested is None else study.as_of.requested.isoformat(),
        "as_of_note": study.as_of.note,
        "source": study.prices.attrs.get("source"),
        "data": {"ticker": _provenance(study.prices), "benchmark": _provenance(study.bench),
                 "sessions": len(s), "first_session": iso(s.index[0])},
        "close": close,
        "sma50": sma50,
        "sma200": sma200,
        "pct_from_sma50": None if sma50 is None else close / sma50 - 1.0,
        "pct_from_sma200": None if sma200 is None else close / sma200 - 1.0,
        "sma50_rising": _above(sma50, num(s["sma50"].iloc[-21]) if len(s) > 21 else None),
        "sma200_rising": _above(sma200, num(s["sma200"].iloc[-21]) if len(s) > 21 else None),
        "sma50_above_sma200": _above(sma50, sma200),
        "phase": last["phase"],
        "phase_since": iso(ind.phase_since(phases)),
        "phase_sessions": int(runs["sessions"].iloc[-1]) if len(runs) and last["phase"] is not None else None,
        "phase_previous": runs["phase"].iloc[-2] if len(runs) > 1 else None,
        "real_motion": _real_motion(s),
        "leadership": _leadership(s),
        "closes_above_sma50": int(last["closes_above"]),
        "last_two_closes_above_sma50": iso(ind.last_run_completed(s["close"], s["sma50"], 2)),
        "confirmation": {"n": cfg.confirm_n, "closes_above_sma50": int(last["closes_above"]),
                         "confirmed": int(last["closes_above"]) >= cfg.confirm_n, "last_completed": iso(last_n)},
        "level_to_clear": level,
        "relative_performance": _returns(study),
        "unavailable": _unavailable(s),
    }


def _not_finite(value: Any, path: str = "") -> str | None:
    """The key path (``real_motion.value``) of the first infinite or NaN number in ``value``, if any."""
    if isinstance(value, float) and not math.isfinite(value):
        return path or "(top)"
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _not_finite(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


def to_json(summary: dict) -> str:
    """Stable, pretty JSON text; a number that is not finite is a :class:`~analysis.errors.DataError`
    naming its key (JSON has no infinity, and the piece must not state one)."""
    try:
        return json.dumps(summary, indent=2, allow_nan=False, ensure_ascii=False) + "\n"
    except ValueError:
        from analysis.errors import DataError

        where = _not_finite(summary) or "a value"
        raise DataError(f"the summary of {summary.get('ticker', 'the piece')} has a number that is not finite at"
                        f" {where}: the price data behind it is corrupt (an infinite or absurd price?).",
                        "Check the data, or use SOURCE=snapshot for the bundled data.") from None
