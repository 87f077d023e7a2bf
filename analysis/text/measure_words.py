"""What a forward move is called, by the profile's measure (``profile.returns``).

The unit itself (percent, points, bp) and its digits are :class:`analysis.model.units.Units`;
this phrasebook only names the measure, in the three places it is named.
"""

from __future__ import annotations

from typing import NamedTuple


class Measure(NamedTuple):
    name: str  #: opening a sentence: ``its median change in basis points``
    clause: str  #: inside one: ``a median 20-session change of +12 bp``
    axis: str  #: on a chart axis or in a caption, compact: ``change in bp``
    close: str  #: the close's own axis on the price chart: ``Price``, ``Level``, ``Yield, %``


MEASURES = {
    "total": Measure("total return", "total return", "total return", "Price"),
    "price": Measure("price return", "price return", "price return", "Price"),
    "points": Measure("change in points", "change", "change in points", "Level"),
    "basis_points": Measure("change in basis points", "change", "change in bp", "Yield, %"),
}
