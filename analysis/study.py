"""A *study*: every indicator series for one ticker against one benchmark, up to one session.

:func:`build` is the single place that loads, aligns, truncates (no look-ahead) and
computes; the summary, the narrative, the charts and the notebooks all read its result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from analysis import indicators as ind
from analysis import params
from analysis.asof import AsOf, resolve
from analysis.data import Market, until


@dataclass(frozen=True)
class Settings:
    """The knobs of a study; defaults are the commentary's."""

    fast: int = 50          # sessions in the fast moving average (the "50-DMA")
    slow: int = 200         # sessions in the slow moving average (the "200-DMA")
    band_width: float = 2.0  # band half-width in standard deviations
    confirm_n: int = 2      # closes above the 50-DMA that confirm ("two closes above")
    level_window: int = 22  # sessions looked back for the level to clear (about a month)
    level: float | None = None  # a level to clear given by the user instead of the computed one


@dataclass
class Study:
    """What :func:`build` returns. ``series`` is indexed by the common sessions up to ``as_of``.

    ``series`` columns: ``close, adj_close, bench_close, bench_adj_close, sma50, sma200,
    phase, rm, rm_fast, rm_slow, rm_upper, rm_lower, rs, lead, lead_fast, lead_upper,
    lead_lower, closes_above``.
    """

    ticker: str
    benchmark: str
    as_of: AsOf
    settings: Settings
    prices: pd.DataFrame      # the ticker's price frame, common sessions only, up to as_of
    bench: pd.DataFrame       # the benchmark's, same index
    series: pd.DataFrame
    full_prices: pd.DataFrame = field(repr=False)  # the ticker's own history up to as_of (not aligned)
    full_bench: pd.DataFrame = field(repr=False)

    @property
    def last(self) -> pd.Series:
        """The row of :attr:`series` at the as-of session."""
        return self.series.iloc[-1]


def compute(prices: pd.DataFrame, bench: pd.DataFrame, settings: Settings = Settings()) -> pd.DataFrame:
    """All indicator series for two aligned price frames (same index); pure."""
    close = prices["close"]
    sma_fast = ind.sma(close, settings.fast)
    sma_slow = ind.sma(close, settings.slow)
    rm = ind.real_motion(close, trend=settings.slow, fast=settings.fast, slow=settings.slow,
                         band_window=settings.fast, width=settings.band_width)
    lead = ind.leadership(close, bench["close"], norm=settings.slow, fast=settings.fast, width=settings.band_width)
    return pd.DataFrame({
        "close": close,
        "adj_close": prices["adj_close"],
        "bench_close": bench["close"],
        "bench_adj_close": bench["adj_close"],
        "sma50": sma_fast,
        "sma200": sma_slow,
        "phase": ind.classify(close, sma_fast, sma_slow),
        "rm": rm["rm"], "rm_fast": rm["fast"], "rm_slow": rm["slow"],
        "rm_upper": rm["upper"], "rm_lower": rm["lower"],
        "rs": lead["rs"], "lead": lead["lead"], "lead_fast": lead["fast"],
        "lead_upper": lead["upper"], "lead_lower": lead["lower"],
        "closes_above": ind.consecutive_above(close, sma_fast),
    })


def build(market: Market, ticker: str, benchmark: str = "SPY", as_of: dt.date | str | None = None,
          settings: Settings = Settings()) -> Study:
    """Load both series, resolve ``as_of`` to a common session, and compute every indicator.

    ``ticker``/``benchmark``/``as_of`` are validated here too, so a notebook run by hand
    gets the same clear errors as the command line.
    """
    ticker = params.ticker(ticker)
    benchmark = params.benchmark(benchmark, ticker)
    requested = params.as_of(as_of)
    t_full, b_full = market.prices(ticker), market.prices(benchmark)
    when = resolve(t_full, b_full, requested)
    sessions = t_full.index.intersection(b_full.index)
    sessions = sessions[sessions <= when.session]
    prices = t_full.loc[sessions]
    bench = b_full.loc[sessions]
    prices.attrs, bench.attrs = dict(t_full.attrs), dict(b_full.attrs)
    _check_usable(prices, bench, ticker, benchmark, settings, when.iso)
    return Study(ticker=ticker, benchmark=benchmark, as_of=when, settings=settings,
                 prices=prices, bench=bench, series=compute(prices, bench, settings),
                 full_prices=until(t_full, when.session), full_bench=until(b_full, when.session))


#: A given LEVEL must lie within this factor of the prices the ticker traded at up to as-of.
LEVEL_FACTOR = 10.0


def _check_usable(prices: pd.DataFrame, bench: pd.DataFrame, ticker: str, benchmark: str, settings: Settings,
                  as_of: str) -> None:
    """Refuse (:class:`~analysis.errors.InputError`) what would make the piece's numbers meaningless.

    * a series with zero or negative closes in the sessions used (a yield such as ^IRX):
      Real Motion and Leadership are ratios of prices;
    * a ``settings.level`` outside ``[lowest close / 10, highest close * 10]`` up to as-of:
      the distance to it, and the price chart scaled to show it, would say nothing.
    """
    from analysis.errors import InputError

    for symbol, what, frame in ((ticker, "TICKER", prices), (benchmark, "BENCHMARK", bench)):
        bad = frame.index[frame["close"] <= 0]
        if len(bad):
            raise InputError(f"{what} {symbol} has zero or negative values on {len(bad)} session(s) up to {as_of}"
                             f" (first {bad[0].date().isoformat()}): the piece's indicators are ratios of prices.",
                             f"Use a price series as {what} (a yield like {symbol} is not one), or an AS_OF before"
                             f" {bad[0].date().isoformat()}.")
    if settings.level is not None and len(prices):
        low, high, last = float(prices["close"].min()), float(prices["close"].max()), float(prices["close"].iloc[-1])
        lo, hi = low / LEVEL_FACTOR, high * LEVEL_FACTOR
        if not lo <= settings.level <= hi:
            raise InputError(f"LEVEL {settings.level:.6g} is far outside the prices {ticker} traded at up to {as_of}"
                             f" ({low:,.2f} to {high:,.2f}): a level to clear must lie between {lo:,.2f} and {hi:,.2f}.",
                             f"Give a price near the chart, e.g. LEVEL={last:.0f}, or leave LEVEL out for the"
                             " 22-session high.")
