"""The scorecard as typed values: thresholds, evidence items, scenarios, the set, and verdicts.

:func:`analysis.evidence.rules.parse` builds a :class:`Scorecard` from the TOML configuration
(``analysis/config/scenarios.toml``); :mod:`analysis.evidence.scorecard` reads each item's
value against its thresholds (:meth:`Item.read`) and names a score's :func:`verdict`.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

from analysis.evidence.measures import KINDS, Kind

#: A series whose last session is more than this many calendar days before the as-of
#: session reads ``unavailable`` ("XRT data ends 2026-03-31"). A week absorbs holidays.
STALE_AFTER_DAYS = 7

READINGS = ("supports", "contradicts", "neutral", "unavailable")
#: Verdict cut-offs on the score, highest first; overridable in ``[verdict]``.
VERDICT_DEFAULTS = {
    "min_available_share": 0.5,
    "supported": 0.6,
    "leaning_supported": 0.2,
    "leaning_contradicted": -0.2,
    "contradicted": -0.6,
}
_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_SYMBOLS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}


@dataclass(frozen=True)
class Threshold:
    """One comparison, e.g. ``<= -0.05``."""

    op: str
    limit: float

    def met(self, value: float) -> bool:
        return _OPS[self.op](value, self.limit)

    def text(self, unit: str) -> str:
        """E.g. ``≤ -5%``, ``> 0 pts``: the limit in the unit's words, without trailing zeros."""
        limit = self.limit * 100 if unit in ("percent", "share") else self.limit
        suffix = {"percent": "%", "share": "%", "points": " pts", "sigma": "σ", "pp": " pp"}.get(unit, "")
        return f"{_SYMBOLS[self.op]} {limit:g}{suffix}"


@dataclass(frozen=True)
class Item:
    """One evidence item of a scenario, validated; ``name`` and ``series`` may hold placeholders."""

    name: str
    function: str
    series: tuple[str, ...]
    params: dict
    supports: Threshold | None
    contradicts: Threshold | None
    weight: float
    min_series: int | None
    direction: str = ""  # in words: "supports when the ticker lags its benchmark"
    applies: tuple[str, ...] = ()  # the profiles it applies to; empty: every profile of its set

    @property
    def own(self) -> bool:
        """Whether the item measures the piece's own ticker (a reading of it, not independent evidence)."""
        return "{ticker}" in self.series

    @property
    def spec(self) -> Kind:
        return KINDS[self.function]

    def rule(self) -> str:
        """The thresholds as the table shows them."""
        unit = self.spec.unit
        if unit == "none":
            return "not measurable from prices"
        parts = [
            f"{label} if {t.text(unit)}"
            for label, t in (("supports", self.supports), ("contradicts", self.contradicts))
            if t
        ]
        return "; ".join(parts) + ("; else neutral" if parts else "")

    def read(self, value: float | None) -> str:
        """``supports``, ``contradicts`` or ``neutral`` for a measured ``value`` (``unavailable`` for None)."""
        if value is None:
            return "unavailable"
        if self.supports and self.supports.met(value):
            return "supports"
        if self.contradicts and self.contradicts.met(value):
            return "contradicts"
        return "neutral"


#: When a talking point applies (``requires`` in a scenario set): conditions on the closes of the
#: piece's ticker or of named series, each a fact the talking point takes for granted. "The rally is
#: narrow" needs a rally; "tech keeps rising", tech above its slow average; "stretched and due to
#: cool", the band's stretch (the momentum paragraph's one definition); "bonds gain as stocks fall",
#: the fund in an uptrend and not in a sharp fall. A premise that is false: "does not apply", not scored.
REQUIRES = {
    "above_slow": "the close above its slow average (the 200-DMA): an uptrend",
    "below_slow": "the close at or below its slow average: a downtrend",
    "stretched": "Real Motion above its band, or inside it in the top 2% of its own readings (indicators.stretch): what the momentum paragraph calls stretched",
    "no_sharp_fall": "the last five sessions not a fall larger than on 98% of the earlier five-session spans",
}


@dataclass(frozen=True)
class Premise:
    """One condition of :data:`REQUIRES` that every one of ``series`` must meet (``{ticker}``: the piece's own)."""

    condition: str
    series: tuple[str, ...] = ("{ticker}",)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    note: str
    items: tuple[Item, ...]
    opposes: tuple[str, ...] = ()  # ids of talking points that cannot hold at the same time as this one
    requires: tuple[Premise, ...] = ()  # the talking point does not apply unless all hold


@dataclass(frozen=True)
class ScenarioSet:
    """Which pieces a scorecard is for: ``tickers`` first, then ``profiles``, else the ``default`` set."""

    id: str = "custom"
    title: str = "Scenarios"
    why: str = ""
    tickers: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    default: bool = False


@dataclass(frozen=True)
class Scorecard:
    scenarios: tuple[Scenario, ...]
    verdict: dict[str, float]
    stale_after_days: int
    set: ScenarioSet = ScenarioSet()


def verdict(score: float | None, available_share: float, cuts: dict[str, float]) -> str:
    """A short phrase for ``score``: "not enough evidence" below the minimum available share."""
    if score is None or available_share < cuts["min_available_share"]:
        return "not enough evidence"
    if score >= cuts["supported"]:
        return "supported"
    if score >= cuts["leaning_supported"]:
        return "leaning supported"
    if score > cuts["leaning_contradicted"]:
        return "mixed"
    if score > cuts["contradicted"]:
        return "leaning contradicted"
    return "contradicted"
