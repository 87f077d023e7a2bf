"""The Economic Modern Family dashboard: each member's phase, momentum, leadership and returns.

Members, nicknames and the benchmark are data (``analysis/config/family.toml``). Each
member is read at the as-of session from data up to that session only; a member whose data
ends more than ``stale_after_days`` calendar days before it is still shown, at its own last
session, but marked ``stale`` with that date and left out of the summary counts. The
indicators are the piece's own (:func:`analysis.model.study.compute`), so a member's numbers
equal those of its own piece on the same day. In files whose open/high/low/close are
dividend-adjusted (``fully_adjusted``), ``close`` is not the traded close; phases, Real
Motion and Leadership are ratios and barely move with that scale, but the price shown is
the adjusted one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import config as config_files
from analysis import indicators as ind
from analysis import params
from analysis.data import Market, until
from analysis.errors import InputError
from analysis.evidence.card import STALE_AFTER_DAYS
from analysis.model.facts import iso, num
from analysis.model.study import compute

#: Sessions each small-multiples panel shows (about a year).
CHART_SESSIONS = 250
_KEYS = {"benchmark", "member", "stale_after_days"}
_MEMBER_KEYS = {"ticker", "nickname", "role"}


def members(config: dict | None = None) -> tuple[list[dict], str, int]:
    """Validated ``(members, benchmark, stale_after_days)`` of a family configuration (default: the file)."""
    where = "the family configuration" if config is not None else str(config_files.path("family"))
    config = config_files.load("family") if config is None else config
    unknown = sorted(set(config) - _KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key {', '.join(unknown)}.", f"Keys are: {', '.join(sorted(_KEYS))}.")
    raw = config.get("member")
    if not isinstance(raw, list) or not raw:
        raise InputError(f"{where} lists no members.", 'Add [[member]] tables with ticker = "...".')
    out, seen = [], set()
    for i, member in enumerate(raw, 1):
        bad = sorted(set(member) - _MEMBER_KEYS) if isinstance(member, dict) else ["(not a table)"]
        if bad:
            raise InputError(
                f"{where}, member {i}: unknown key {', '.join(bad)}.",
                f"Member keys are: {', '.join(sorted(_MEMBER_KEYS))}.",
            )
        if "ticker" in member and not isinstance(member["ticker"], str):
            raise InputError(
                f"{where}, member {i}: ticker = {member['ticker']!r} is not a symbol.",
                'Write it as text: ticker = "IWM".',
            )
        if not str(member.get("ticker") or "").strip():
            raise InputError(
                f"{where}, member {i} has no ticker.",
                'Add a line ticker = "IWM" (a Yahoo symbol) to that [[member]] table.',
            )
        symbol = params.ticker(member.get("ticker"), what=f"{where}, member {i}: ticker", example='ticker = "IWM"')
        if symbol in seen:
            raise InputError(f"{where}: {symbol} is listed twice.", "Keep one [[member]] per ticker.")
        seen.add(symbol)
        out.append({"ticker": symbol, "nickname": str(member.get("nickname", "")), "role": str(member.get("role", ""))})
    if not isinstance(config.get("benchmark", "SPY"), str):
        raise InputError(
            f"{where}: benchmark = {config['benchmark']!r} is not a symbol.", 'Write it as text: benchmark = "SPY".'
        )
    benchmark = params.ticker(config.get("benchmark", "SPY"), what=f"{where}: benchmark", example='benchmark = "SPY"')
    if benchmark in seen:
        raise InputError(
            f"{where}: {benchmark} is the family's benchmark and one of its members: Leadership against"
            " itself is always zero.",
            "Remove that [[member]], or measure the family against another benchmark.",
        )
    stale = config.get("stale_after_days", STALE_AFTER_DAYS)
    if isinstance(stale, bool) or not isinstance(stale, int) or stale < 0:
        raise InputError(
            f"{where}: stale_after_days = {stale!r} is not a whole number of days.", "E.g. stale_after_days = 7."
        )
    return out, benchmark, stale


def _blank(member: dict, status: str, reason: str) -> dict:
    keys = (
        "phase",
        "phase_since",
        "close",
        "sma50",
        "sma200",
        "rm",
        "rm_fast",
        "rm_above_fast",
        "lead",
        "lead_above_zero",
        "return_1m",
        "return_3m",
        "as_of",
        "last_date",
    )
    return {**member, "status": status, "stale": True, "fully_adjusted": None, **dict.fromkeys(keys), "reason": reason}


def _member(
    member: dict, market: Market, bench: pd.DataFrame | None, benchmark: str, as_of: pd.Timestamp, stale_after_days: int
) -> tuple[dict, pd.DataFrame | None]:
    symbol = member["ticker"]
    frame, why = market.prices_or_reason(symbol)
    if frame is None:
        return _blank(member, "missing", f"{symbol} could not be loaded: {why.rstrip('.')}"), None
    cut = until(frame, as_of)
    if cut.empty:
        return _blank(member, "missing", f"{symbol} data starts {iso(frame.index[0])}, after {iso(as_of)}"), None
    last = cut.index[-1]
    stale = (as_of - last).days > stale_after_days
    if bench is not None:
        b = until(bench, last)
        common = cut.index.intersection(b.index)
        series = compute(cut.loc[common], b.loc[common])
    else:
        series = compute(cut, cut).assign(rs=float("nan"), lead=float("nan"), lead_fast=float("nan"))
    row = series.iloc[-1]
    rm, rm_fast, lead = num(row["rm"]), num(row["rm_fast"]), num(row["lead"])
    reason = None
    if stale:
        reason = (
            f"{symbol} data ends {iso(last)}"
            if last == frame.index[-1]
            else f"{symbol} has no data between {iso(last)} and {iso(as_of)}"
        )
    elif bench is None:
        reason = f"no {benchmark} data at {iso(as_of)}: Leadership not computed"
    return {
        **member,
        "status": "stale" if stale else "current",
        "stale": stale,
        "fully_adjusted": bool(frame.attrs.get("fully_adjusted")),
        "phase": row["phase"],
        "phase_since": iso(ind.phase_since(series["phase"])),
        "close": num(row["close"]),
        "sma50": num(row["sma_fast"]),
        "sma200": num(row["sma_slow"]),
        "rm": rm,
        "rm_fast": rm_fast,
        "rm_above_fast": None if rm is None or rm_fast is None else rm > rm_fast,
        "lead": lead,
        "lead_above_zero": None if lead is None else lead > 0,
        "return_1m": ind.total_return(cut["adj_close"], ind.SPANS["1m"]),
        "return_3m": ind.total_return(cut["adj_close"], ind.SPANS["3m"]),
        "as_of": iso(series.index[-1]),
        "last_date": iso(last),
        "reason": reason,
    }, series[["close", "sma_fast", "sma_slow", "phase"]]


def _compute(market: Market, as_of: pd.Timestamp, benchmark: str | None, config: dict | None):
    listed, configured, stale_after_days = members(config)
    benchmark = params.ticker(benchmark, what="benchmark") if benchmark else configured
    as_of = pd.Timestamp(as_of)
    bench, _ = market.prices_or_reason(benchmark)
    if bench is not None:
        bench = until(bench, as_of)
        if bench.empty or (as_of - bench.index[-1]).days > stale_after_days:
            bench = None
    rows = [_member(m, market, bench, benchmark, as_of, stale_after_days) for m in listed]
    return benchmark, as_of, rows


def _counts(members_: list[dict]) -> dict[str, int]:
    """Current members per phase, in :data:`~analysis.indicators.PHASES` order (phases with none left out)."""
    current = [m for m in members_ if m["status"] == "current" and m["phase"]]
    counts = {p: sum(m["phase"] == p for m in current) for p in ind.PHASES}
    return {p: n for p, n in counts.items() if n}


@dataclass
class Family:
    """The family at one session, computed once: the JSON and the chart's series."""

    data: dict
    series: dict[str, pd.DataFrame]


def evaluate(
    market: Market,
    as_of: pd.Timestamp,
    benchmark: str | None = None,
    config: dict | None = None,
    sessions: int = CHART_SESSIONS,
) -> Family:
    """The ``family`` JSON (:func:`family`) and the series :func:`family_series` draws, in one pass."""
    benchmark, as_of, rows = _compute(market, as_of, benchmark, config)
    listed = [row for row, _ in rows]
    data = {"benchmark": benchmark, "as_of": iso(as_of), "members": listed, "counts": _counts(listed)}
    return Family(data, {row["ticker"]: series.iloc[-sessions:] for row, series in rows if series is not None})


def family(market: Market, as_of: pd.Timestamp, benchmark: str | None = None, config: dict | None = None) -> dict:
    """The ``family`` JSON: ``{benchmark, as_of, members: [...], counts, summary}``.

    Each member: ``ticker, nickname, role, status (current|stale|missing), stale, phase,
    phase_since, close, sma50, sma200, rm, rm_fast, rm_above_fast, lead, lead_above_zero,
    return_1m, return_3m, as_of (the session its values are from), last_date,
    fully_adjusted, reason``. ``benchmark`` defaults to the configuration's (SPY).
    ``counts`` counts current members only; the sentence ``summary`` is the text layer's
    (:func:`analysis.text.scenario_words.family_summary`), added by :func:`analysis.summary.build`.
    """
    return evaluate(market, as_of, benchmark, config).data


def family_series(
    market: Market,
    as_of: pd.Timestamp,
    benchmark: str | None = None,
    config: dict | None = None,
    sessions: int = CHART_SESSIONS,
) -> dict[str, pd.DataFrame]:
    """For the small-multiples chart: each member's last ``sessions`` rows of ``close, sma_fast, sma_slow, phase``.

    Keyed by ticker in configuration order; a member without data is left out. A stale
    member's rows end at its own last session.
    """
    return evaluate(market, as_of, benchmark, config, sessions).series
