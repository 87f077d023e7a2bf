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
from analysis.data import Market, until
from analysis.model.asof import AsOf, resolve
from analysis.params import Settings


@dataclass
class Study:
    """What :func:`build` returns. ``series`` is indexed by the ticker's own sessions up to ``as_of``.

    ``series`` columns: ``close, adj_close, bench_close, bench_adj_close, sma_fast, sma_slow,
    phase, rm, rm_fast, rm_slow, rm_upper, rm_lower, rs, lead, lead_fast, lead_upper,
    lead_lower, closes_above``.
    """

    ticker: str
    benchmark: str
    as_of: AsOf
    settings: Settings
    prices: pd.DataFrame  # the ticker's price frame, its own sessions up to as_of
    bench: pd.DataFrame  # the benchmark's, on the same index (closes carried over days it did not trade)
    series: pd.DataFrame
    full_prices: pd.DataFrame = field(repr=False)  # the ticker's own history up to as_of (= prices)
    full_bench: pd.DataFrame = field(repr=False)  # the benchmark's own history up to as_of (not aligned)

    @property
    def common_sessions(self) -> int:
        """Sessions both series traded, up to as-of: the calendar of Leadership and relative returns."""
        return len(self.prices.index.intersection(self.full_bench.index))

    @property
    def last(self) -> pd.Series:
        """The row of :attr:`series` at the as-of session."""
        return self.series.iloc[-1]


#: Sessions a benchmark's last close is carried onto the ticker's own sessions that it did not
#: trade (a weekend for crypto, a holiday abroad); longer gaps stay empty.
CARRY = 4


def leadership_basis(prices: pd.DataFrame, bench: pd.DataFrame) -> str:
    """``adj_close`` when either file's prices are dividend-adjusted throughout, else ``close``.

    A ratio must compare like with like: a fully adjusted file's ``close`` is not the traded
    close, so both sides then use ``adj_close``; the piece and its scorecard read this one basis.
    """
    return "adj_close" if prices.attrs.get("fully_adjusted") or bench.attrs.get("fully_adjusted") else "close"


def compute(prices: pd.DataFrame, bench: pd.DataFrame, settings: Settings = Settings()) -> pd.DataFrame:
    """All indicator series of ``prices`` on its own sessions, against ``bench``; pure.

    The ticker's own indicators (averages, phase, Real Motion) use every session of
    ``prices`` (seven days a week for crypto). Leadership is computed on the sessions both
    frames share (:func:`leadership_basis`) and, like the benchmark's closes, carried at most
    :data:`CARRY` sessions onto the ticker's sessions the benchmark did not trade.
    """
    close = prices["close"]
    sma_fast = ind.sma(close, settings.fast)
    sma_slow = ind.sma(close, settings.slow)
    rm = ind.real_motion(
        close,
        trend=settings.slow,
        fast=settings.fast,
        slow=settings.slow,
        band_window=settings.fast,
        width=settings.band_width,
    )
    basis = leadership_basis(prices, bench)
    lead = (
        ind.leadership(prices[basis], bench[basis], norm=settings.slow, fast=settings.fast, width=settings.band_width)
        .reindex(close.index)
        .ffill(limit=CARRY)
    )
    carried = bench[["close", "adj_close"]].reindex(close.index).ffill(limit=CARRY)
    return pd.DataFrame(
        {
            "close": close,
            "adj_close": prices["adj_close"],
            "bench_close": carried["close"],
            "bench_adj_close": carried["adj_close"],
            "sma_fast": sma_fast,
            "sma_slow": sma_slow,
            "phase": ind.classify(close, sma_fast, sma_slow),
            "rm": rm["rm"],
            "rm_fast": rm["fast"],
            "rm_slow": rm["slow"],
            "rm_upper": rm["upper"],
            "rm_lower": rm["lower"],
            "rs": lead["rs"],
            "lead": lead["lead"],
            "lead_fast": lead["fast"],
            "lead_upper": lead["upper"],
            "lead_lower": lead["lower"],
            "closes_above": ind.consecutive_above(close, sma_fast),
            "common": close.index.isin(bench.index),  # the benchmark traded too (Leadership's own sessions)
        }
    )


def resolve_session(
    market: Market, ticker: str, benchmark: str, as_of: dt.date | str | None = None, settings: Settings = Settings()
) -> AsOf:
    """The common session a piece for ``ticker`` vs ``benchmark`` as of ``as_of`` is written at.

    Loads both series (raising the user's data errors, and :func:`_check_usable`'s: zero or
    negative closes, a ``settings.level`` far from the prices) but computes no indicator: the
    runner calls it to name the piece's folder before the notebook computes the study.
    """
    ticker = params.ticker(ticker)
    benchmark = params.benchmark(benchmark, ticker)
    t_full, b_full = market.prices(ticker), market.prices(benchmark)
    when = resolve(t_full, b_full, params.as_of(as_of))
    prices, full_bench = until(t_full, when.session), until(b_full, when.session)
    _check_usable(
        prices, full_bench.loc[full_bench.index.intersection(prices.index)], ticker, benchmark, settings, when.iso
    )
    return when


def build(
    market: Market,
    ticker: str,
    benchmark: str = "SPY",
    as_of: dt.date | str | None = None,
    settings: Settings = Settings(),
) -> Study:
    """Load both series, resolve ``as_of`` to a common session, and compute every indicator.

    ``ticker``/``benchmark``/``as_of`` are validated here too, so a notebook run by hand
    gets the same clear errors as the command line.
    """
    ticker = params.ticker(ticker)
    benchmark = params.benchmark(benchmark, ticker)
    requested = params.as_of(as_of)
    t_full, b_full = market.prices(ticker), market.prices(benchmark)
    when = resolve(t_full, b_full, requested)
    prices, full_bench = until(t_full, when.session), until(b_full, when.session)
    bench = full_bench.reindex(prices.index).ffill(limit=CARRY)
    bench.attrs = dict(b_full.attrs)
    _check_usable(
        prices, full_bench.loc[full_bench.index.intersection(prices.index)], ticker, benchmark, settings, when.iso
    )
    return Study(
        ticker=ticker,
        benchmark=benchmark,
        as_of=when,
        settings=settings,
        prices=prices,
        bench=bench,
        series=compute(prices, full_bench, settings),
        full_prices=prices,
        full_bench=full_bench,
    )


def cut(study: Study, session: pd.Timestamp) -> Study:
    """``study`` as :func:`build` would return it at an earlier ``session`` of its series, without
    loading or computing anything again: every indicator is causal, so the series up to ``session``
    is the series a build then computes (``tests/test_since_last.py`` checks it equals a fresh build).
    Raises :class:`InputError` or :class:`DataError` where a build then would (a LEVEL outside the prices
    of then, too few sessions shared with the benchmark then)."""
    when = resolve(study.full_prices, study.full_bench, session.date())
    prices, full_bench = until(study.full_prices, when.session), until(study.full_bench, when.session)
    _check_usable(
        prices,
        full_bench.loc[full_bench.index.intersection(prices.index)],
        study.ticker,
        study.benchmark,
        study.settings,
        when.iso,
    )
    return Study(
        ticker=study.ticker,
        benchmark=study.benchmark,
        as_of=when,
        settings=study.settings,
        prices=prices,
        bench=study.bench.loc[: when.session],
        series=study.series.loc[: when.session],
        full_prices=prices,
        full_bench=full_bench,
    )


#: A given LEVEL must lie within this factor of the prices the ticker traded at up to as-of.
LEVEL_FACTOR = 10.0


def _check_usable(
    prices: pd.DataFrame, bench: pd.DataFrame, ticker: str, benchmark: str, settings: Settings, as_of: str
) -> None:
    """Refuse (:class:`~analysis.errors.InputError`) what would make the piece's numbers meaningless.

    * a benchmark with zero or negative closes in the sessions used (a yield such as ^IRX):
      Leadership is a ratio of prices; likewise a ticker, unless it is a level rather than a
      price (a ``^`` symbol: a yield or an index, whose profile reads changes, not ratios, and
      which the data contract lets reach zero);
    * a ``settings.level`` outside ``[lowest close / 10, highest close * 10]`` up to as-of:
      the distance to it, and the price chart scaled to show it, would say nothing.
    """
    from analysis.errors import InputError

    checked = ([] if ticker.startswith("^") else [(ticker, "TICKER", prices)]) + [(benchmark, "BENCHMARK", bench)]
    for symbol, what, frame in checked:
        bad = frame.index[frame["close"] <= 0]
        if len(bad):
            raise InputError(
                f"{what} {symbol} has zero or negative values on {len(bad)} session(s) up to {as_of}"
                f" (first {bad[0].date().isoformat()}): the piece's indicators are ratios of prices.",
                f"Use a price series as {what} (a yield like {symbol} is not one), or an AS_OF before"
                f" {bad[0].date().isoformat()}.",
            )
    if settings.level is not None and len(prices):
        low, high, last = float(prices["close"].min()), float(prices["close"].max()), float(prices["close"].iloc[-1])
        lo, hi = low / LEVEL_FACTOR, high * LEVEL_FACTOR
        if not lo <= settings.level <= hi:
            raise InputError(
                f"LEVEL {settings.level:.6g} is far outside the prices {ticker} traded at up to {as_of}"
                f" ({low:,.2f} to {high:,.2f}): a level to clear must lie between {lo:,.2f} and {hi:,.2f}.",
                f"Give a price near the chart, e.g. LEVEL={last:.0f}, or leave LEVEL out for the 22-session high.",
            )
