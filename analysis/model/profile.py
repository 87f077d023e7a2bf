"""Asset profiles: what kind of thing a piece describes, and so what it may say about it.

A profile (``analysis/config/profiles.toml``) decides the calendar of the ticker's own
indicators, how its performance is measured (total return, price return, or a change in
points or basis points for a level nobody holds), whether it has volume, and what its
Leadership against the benchmark means (leadership, a risk-off signal, or nothing).
:func:`assign` finds a ticker's profile: explicit lists, then symbol rules, then (online,
cached) yfinance's quote type, then the default; it always says why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

import pandas as pd

from analysis import config as config_files
from analysis.errors import InputError
from analysis.model.types import Reading, SummaryDict
from analysis.model.units import RETURNS

KINDS = ("equity", "equity_index", "bond_fund", "credit", "yield", "volatility", "crypto")
LEADERSHIP = ("shown", "risk_off", "hidden")


@dataclass(frozen=True)
class Profile:
    """One asset profile, as the JSON ``profile`` block shows it (plus what the text needs)."""

    kind: str
    title: str
    reason: str
    calendar: str
    returns: str
    volume: bool
    leadership: str
    holdable: bool
    year: int  # sessions in a year of this calendar: 252 on an exchange, 365 for crypto
    equivalent_to: str | None = None  # the benchmark, when it tracks the same market (Leadership is then hidden)

    @property
    def total_return(self) -> bool:
        return self.returns == "total"

    @property
    def level(self) -> bool:
        """A level (a yield, a volatility index), not a price: changes in points, no growth of $1."""
        return self.returns in ("points", "basis_points")

    def to_json(self) -> SummaryDict:
        out = asdict(self)
        out["total_return"] = self.total_return
        return out


def _where() -> str:
    return str(config_files.path("profiles"))


def _profiles(config: Reading) -> dict[str, SummaryDict]:
    raw = config.get("profile")
    if not isinstance(raw, dict) or set(raw) != set(KINDS):
        raise InputError(
            f"{_where()}: [profile.*] must define exactly {', '.join(KINDS)}.",
            "Restore the file with `git checkout -- analysis/config/profiles.toml`.",
        )
    for kind, p in raw.items():
        if p.get("returns") not in RETURNS or p.get("leadership") not in LEADERSHIP or p.get("calendar") != "own":
            raise InputError(
                f"{_where()}: [profile.{kind}] has returns={p.get('returns')!r},"
                f" leadership={p.get('leadership')!r}, calendar={p.get('calendar')!r}.",
                f"Use returns one of {', '.join(RETURNS)}, leadership one of {', '.join(LEADERSHIP)},"
                ' calendar = "own".',
            )
        if not isinstance(p.get("volume"), bool) or not isinstance(p.get("holdable"), bool):
            raise InputError(
                f"{_where()}: [profile.{kind}] volume and holdable must be true or false.", "E.g. volume = true."
            )
        title = p.get("title", kind)
        if not isinstance(title, str) or not title.strip():
            raise InputError(
                f"{_where()}: [profile.{kind}] title = {title!r} is not a name.",
                'Give each profile a title, e.g. title = "stock or equity fund".',
            )
        year = p.get("year", 252)
        if not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 366:
            raise InputError(
                f"{_where()}: [profile.{kind}] year = {year!r} is not a whole number of sessions between 1 and 366.",
                "E.g. year = 252 (an exchange) or year = 365 (crypto).",
            )
    return raw


def _make(config: Reading, kind: str, reason: str) -> Profile:
    p = _profiles(config)[kind]
    return Profile(
        kind=kind,
        title=str(p.get("title", kind)),
        reason=reason,
        calendar=p["calendar"],
        returns=p["returns"],
        volume=p["volume"],
        leadership=p["leadership"],
        holdable=p["holdable"],
        year=int(p.get("year", 252)),
    )


#: Sessions in a year of a series that trades every day of the week (a coin, whatever its symbol).
EVERY_DAY_YEAR = 365


def on_calendar(profile: Profile, sessions: pd.DatetimeIndex) -> Profile:
    """``profile`` with its year counted on the data's own calendar: a series whose last year of rows trades at
    weekends (a quarter of its rows or more on a Saturday or a Sunday: a coin quoted in euros, ``BTC-EUR``, which
    no symbol rule names) has :data:`EVERY_DAY_YEAR` sessions a year, not an exchange's 252, so its "52-week"
    high is a year's. The reason says so."""
    last = sessions[sessions >= sessions[-1] - pd.Timedelta(days=EVERY_DAY_YEAR)] if len(sessions) else sessions
    if profile.year >= EVERY_DAY_YEAR or len(last) < 28 or (last.day_of_week >= 5).mean() < 0.25:
        return profile
    reason = f"{profile.reason}; it trades every day of the week, so a year is {EVERY_DAY_YEAR} sessions"
    return replace(profile, year=EVERY_DAY_YEAR, reason=reason)


def equivalent(ticker: str, benchmark: str | None, config: Reading) -> bool:
    """Whether ``ticker`` and ``benchmark`` track the same market (``[equivalent]`` of the configuration)."""
    pairs = config.get("equivalent") or {}
    for symbol, same in pairs.items():  # a string would match as text ("XSPYZ" holds "SPY"), a number fail
        if not (isinstance(same, list) and all(isinstance(x, str) for x in same)):
            raise InputError(
                f"{_where()}: [equivalent] {symbol} = {same!r} is not a list of symbols.",
                f'E.g. "{symbol}" = ["SPY", "VOO"].',
            )
    return bool(benchmark) and (benchmark in pairs.get(ticker, []) or ticker in pairs.get(benchmark, []))


def assign(
    ticker: str,
    benchmark: str | None = None,
    *,
    config: Reading | None = None,
    quote_type: Callable[[str], str | None] | None = None,
) -> Profile:
    """The profile of ``ticker`` (against ``benchmark``) and why: explicit list, symbol rule, quote type, or the default.

    ``quote_type`` (online only) returns yfinance's ``quoteType`` for a symbol, or ``None``.
    When the benchmark tracks the same market as the ticker (``^GSPC`` and ``SPY``), the
    profile's Leadership is ``hidden``.
    """
    config = config_files.load("profiles") if config is None else config
    found = _find(ticker, config, quote_type)
    if equivalent(ticker, benchmark, config):
        return replace(found, leadership="hidden", equivalent_to=benchmark)
    return found


def _find(ticker: str, config: Reading, quote_type: Callable[[str], str | None] | None) -> Profile:
    for kind, listed in (config.get("assign") or {}).items():
        if kind not in KINDS:
            raise InputError(
                f"{_where()}: [assign] names an unknown profile {kind!r}.", f"Use one of {', '.join(KINDS)}."
            )
        if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
            raise InputError(
                f"{_where()}: [assign] {kind} = {listed!r} is not a list of symbols.", f'E.g. {kind} = ["HYG", "JNK"].'
            )
        if ticker in listed:
            title = _profiles(config)[kind].get("title", kind)
            return _make(config, kind, f"{ticker} is listed as {_article(title)} in the profiles configuration")
    for rule in config.get("rule") or []:
        try:
            matched = re.search(rule["pattern"], ticker)
        except (KeyError, TypeError, re.error) as exc:
            raise InputError(
                f"{_where()}: a [[rule]] has a bad pattern ({exc}).",
                "Each [[rule]] needs pattern = '<regex>', profile and why.",
            ) from None
        if matched:
            if rule.get("profile") not in KINDS:
                raise InputError(
                    f"{_where()}: rule {rule['pattern']!r} names an unknown profile.", f"Use one of {', '.join(KINDS)}."
                )
            return _make(config, rule["profile"], f"{rule.get('why', 'a symbol rule')} ({ticker})")
    found = quote_type(ticker) if quote_type else None
    mapped = (config.get("quote_type") or {}).get(found or "")
    if mapped in KINDS:
        return _make(config, mapped, f"Yahoo Finance lists {ticker} as {found}")
    default = config.get("default", "equity")
    if default not in KINDS:
        raise InputError(f"{_where()}: default = {default!r} is not a profile.", f"Use one of {', '.join(KINDS)}.")
    title = str(_profiles(config)[default].get("title", default))
    return _make(
        config,
        default,
        f"{ticker} is in no list of the profiles configuration and no symbol rule"
        f" matched, so it is read as {_article(title)}, the default",
    )


def _article(name: str) -> str:
    return ("an " if name[0].lower() in "aeiou" else "a ") + name
