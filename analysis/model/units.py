"""How a ticker's numbers are written: the one place a unit is chosen.

A profile measures performance as a ``total`` or ``price`` return (a fraction, written in
percent), or as a change of a level nobody holds: ``points`` (a volatility index) or
``basis_points`` (a yield quoted in percent: 4.25 -> 4.35 is +10 bp). :func:`units` turns
that choice into a :class:`Units`, which every layer uses to write a close, a move, a
distance, an edge and an interval: the words, the tables and the charts read the same object,
so a yield's distance can never be written in percent in one place and in bp in another.

The stored numbers follow :mod:`analysis.model.facts` and :mod:`analysis.model.events`: a
return is a fraction; a level's change is already in its unit (bp or points).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from analysis import fmt
from analysis.errors import InputError


def _at_least(value: float, digits: int, unit: str) -> str:
    """``value`` (not negative) with ``digits`` decimals and its ``unit``; a nonzero value that would read
    as zero is ``less than 0.1%`` (``1 bp``, ``0.01 points``): SPY's -0.003% of 2026-08-10 was "fell 0.0%"."""
    written = f"{value:,.{digits}f}"
    if value > 0 and not written.strip("0.,"):
        return f"less than {10**-digits:.{digits}f}{unit}"
    return f"{written}{unit}"


#: The profiles' measures (``profiles.toml``: ``returns``).
RETURNS = ("total", "price", "points", "basis_points")


@dataclass(frozen=True)
class Units:
    """How one profile's numbers are written (see :func:`units`)."""

    returns: str  #: total | price | points | basis_points
    scale: float  #: a stored move times this is the number written (100: a fraction in percentage points)
    digits: int  #: the decimals a move and an edge are written with
    name: str  #: the unit of an edge in a sentence: ``percentage points``, ``points``, ``bp``
    symbol: str  #: the same in a table or on an axis: ``pp``, ``pts``, ``bp``
    level_scale: float  #: a difference of two closes times this is a level's change (100: a yield's bp)
    extra: int = 0  #: decimals a close is quoted with beyond :func:`analysis.fmt.price`'s (:func:`for_piece`)

    @property
    def is_return(self) -> bool:
        """A price someone holds: moves are returns, written in percent."""
        return self.returns in ("total", "price")

    @property
    def is_level(self) -> bool:
        """A level (a yield, a volatility index), not a price: moves are changes in points or bp."""
        return not self.is_return

    @property
    def is_yield(self) -> bool:
        return self.returns == "basis_points"

    # -- a close, a level ---------------------------------------------------------------------

    def quote(self, x: float, extra: int = 0) -> str:
        """A close or an average as quoted: ``4.25%`` for a yield (``0.035%`` under 0.1%: ^IRX's 0.035% close,
        its 0.038% 50-DMA and its 0.030% 200-DMA all read "0.04%" in 2021: the ninth cold read), else a price
        (no cents above 1,000, :attr:`extra` decimals more for a calm pair); ``extra`` decimals more still."""
        if self.is_yield:
            return f"{x:,.{(3 if abs(x) < 0.1 else 2) + extra}f}%"
        return fmt.price(x, self.extra + extra)

    def level_change(self, x: float) -> str:
        """A level's change already in its unit: ``+45 bp`` (a yield), ``+12.30 points`` (a volatility index)."""
        return f"{fmt.signed(x, 0)} bp" if self.is_yield else f"{fmt.signed(x)} points"

    # -- from a close to another price --------------------------------------------------------

    def from_average(self, close: float, average: float) -> str:
        """Where the close sits against an average: :meth:`distance`, but a gauge in points alone
        (``50.20 points above``): a percent of the average ("163.7% above its 200-DMA") was refused
        by the third cold read, as no gauge can fall by it; the average's own level is beside it."""
        if self.returns == "points":
            return f"{abs(close - average):,.2f} points {'above' if close >= average else 'below'}"
        return self.distance(close, average)

    def gap(self, x: float, line: float) -> str:
        """How far ``x`` is from ``line``, unsigned: ``43 bp`` for a yield, ``24.17 points or 62.6%``
        for a gauge (points first: the cold read refused a volatility index "168.2% above its
        50-DMA" beside a reach in points), else ``2.1%`` of ``line``."""
        if self.is_yield:
            bp = abs(self.level_scale * (x - line))
            return "less than 1 bp" if bp < 0.5 else f"{bp:,.0f} bp"  # never "0 bp away"
        pct = "less than 0.1%" if abs(x / line - 1) < 0.0005 else fmt.plain_pct(x / line - 1)
        if self.is_level:  # ^VIX 2009-03-09: "0.02 points or 0.0% down" (the eleventh cold read)
            return f"{_at_least(abs(x - line), 2, ' points')} or {pct}"
        return pct

    def distance(self, x: float, line: float) -> str:
        """``2.1% above`` / ``43 bp below``: where ``x`` sits against ``line`` (``less than 0.1%`` when close)."""
        return f"{self.gap(x, line)} {'above' if x >= line else 'below'}"

    def move_to(self, close: float, price: float) -> str:
        """A next session's move from ``close`` to ``price``: ``0.3% up``, ``43 bp down``."""
        return f"{self.gap(price, close)} {'up' if price >= close else 'down'}"

    def size(self, move: float, close: float | None = None) -> str:
        """The size of a session's move, unsigned: ``5.9%``; ``24.86 points (43.0%)`` for a gauge
        (with its share of the earlier ``close``); ``5 bp`` for a yield."""
        if self.is_return:
            return _at_least(100 * abs(move), 1, "%")
        if self.is_yield:
            return _at_least(abs(move), 0, " bp")
        share = f" ({_at_least(100 * abs(move / close), 1, '%')})" if close else ""
        return f"{_at_least(abs(move), 2, ' points')}{share}"

    # -- forward moves and edges (the event study) --------------------------------------------

    def adaptive_digits(self, *xs: float) -> int:
        """:attr:`digits`, or one or two more when a nonzero number would otherwise read as zero (``+0 bp``)."""
        for extra in range(3):
            if all(x == 0 or abs(self.scale * x) >= 0.5 * 10 ** -(self.digits + extra) for x in xs):
                return self.digits + extra
        return self.digits + 2

    def move(self, x: float, *, short: bool = False, digits: int | None = None) -> str:
        """A forward move as measured: ``+1.7%`` (a return), ``+0.85 points`` / ``pts``, ``+12 bp``; ``digits``
        (e.g. :meth:`adaptive_digits`) instead of the measure's own."""
        d = self.digits if digits is None else digits
        if self.is_return:
            return fmt.pct(x, d)
        return f"{fmt.signed(self.scale * x, d)} {self.symbol if short else self.name}"

    def edge(self, x: float) -> str:
        """The size of an edge, unsigned: ``0.5 percentage points``, ``1.20 points``, ``12 bp``."""
        return f"{abs(self.scale * x):,.{self.adaptive_digits(x)}f} {self.name}"

    def signed_edge(self, x: float) -> str:
        """An edge as a table shows it: ``+0.5 pp``, ``+1.20 pts``, ``+12 bp``."""
        return f"{fmt.signed(self.scale * x, self.adaptive_digits(x))} {self.symbol}"

    def interval(self, low: float, high: float, *, unit: bool = True) -> str:
        """``−0.2 to +1.6 percentage points``: a 90% interval of an edge (a bound never reads as a zero it
        is not: ``−9.8 to −0.2``, not ``−10 to +0``); ``unit=False`` for a table column."""
        d = self.adaptive_digits(low, high)
        text = f"{fmt.signed(self.scale * low, d)} to {fmt.signed(self.scale * high, d)}"
        return f"{text} {self.name}" if unit else text


_UNITS = {
    "total": Units("total", 100.0, 1, "percentage points", "pp", 1.0),
    "price": Units("price", 100.0, 1, "percentage points", "pp", 1.0),
    "points": Units("points", 1.0, 2, "points", "pts", 1.0),
    "basis_points": Units("basis_points", 1.0, 0, "bp", "bp", 100.0),
}


#: The most decimals a close is quoted with beyond :func:`analysis.fmt.price`'s.
MOST_EXTRA = 3


def for_piece(returns: str, close: float | None, typical: float | None) -> Units:
    """:func:`units`, quoting closes with the decimals a typical session moves them by: a currency pair near
    1.22 whose median session is 0.0003 was "closed at 1.22, 1.3% below its 50-DMA (1.24) and 1.0% below its
    200-DMA (1.24)" (the twenty-second pass); a quote shows the median move (``typical``, in the units of
    :func:`analysis.model.session.ranked_moves`) in its last decimal: 1.2245, 1.2402."""
    u = units(returns)
    if u.is_yield or not close or not typical or not (close > 0 and typical > 0) or close == float("inf"):
        return u
    move = typical * close if u.is_return else typical  # a gauge's typical session is in points already
    needed = math.ceil(-math.log10(move)) if move < 1 else 0
    extra = min(MOST_EXTRA, needed - fmt.price_decimals(close))
    return replace(u, extra=extra) if extra > 0 else u


def units(returns: str) -> Units:
    """The :class:`Units` of a profile's ``returns`` (``profile.returns``)."""
    try:
        return _UNITS[returns]
    except KeyError:
        raise InputError(
            f"returns {returns!r} is not a profile's measure;", f"pass one of {', '.join(RETURNS)} (profile.returns)."
        ) from None
