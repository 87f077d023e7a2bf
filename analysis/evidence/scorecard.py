"""The scorecard: every scenario's evidence measured at the as-of session, read and tallied.

For each item: the series it names are taken from the study (the piece's ticker and
benchmark) or the market, cut at the as-of session (no look-ahead), and checked for
staleness; the evidence function measures; the item's thresholds read the value. Then

    score = (supporting weight - contradicting weight) / available weight      in [-1, 1]

where *available* is the weight of the items that could be measured (neutral ones
included). Unavailable items are never counted as zero: their weight is reported as
``missing_weight`` and, when less than half of the weight is available, the verdict is
"not enough evidence". Scores are evidence tallies, not forecasts.
"""

from __future__ import annotations

import functools
import math

import pandas as pd

from analysis import fmt
from analysis import indicators as ind
from analysis.data import Market, until
from analysis.evidence.card import READINGS, VERDICT_DEFAULTS, Item, Premise, Scorecard, verdict
from analysis.evidence.measures import Measure, distance_from_sma, real_motion_z
from analysis.model.haven import sharp_fall, week_move
from analysis.model.study import Study
from analysis.params import Settings


def _day(ts: pd.Timestamp) -> str:
    return pd.Timestamp(ts).date().isoformat()


class _Frames:
    """Price frames cut at the as-of session, each looked up once per scorecard."""

    def __init__(self, study: Study, market: Market, stale_after_days: int, macro: dict | None = None) -> None:
        self.study, self.market, self.stale_after_days = study, market, stale_after_days
        self.macro = macro or {}  # the economy's measures public at as-of (analysis.model.macro.measures)
        self.as_of = study.as_of.session
        self._cache: dict[str, tuple[pd.DataFrame | None, str]] = {
            study.ticker: (study.full_prices, ""),
            study.benchmark: (study.full_bench, ""),
        }

    def get(self, symbol: str) -> tuple[pd.DataFrame | None, str]:
        """``(frame up to as-of, "")`` or ``(None, reason)`` when missing, not started yet or stale."""
        if symbol not in self._cache:
            self._cache[symbol] = self._load(symbol)
        return self._cache[symbol]

    def _load(self, symbol: str) -> tuple[pd.DataFrame | None, str]:
        frame, why = self.market.prices_or_reason(symbol)
        if frame is None:
            return None, f"{symbol} could not be loaded: {why.rstrip('.')}"
        cut = until(frame, self.as_of)
        if cut.empty:
            return None, f"{symbol} data starts {_day(frame.index[0])}, after {_day(self.as_of)}"
        last = cut.index[-1]
        if (self.as_of - last).days > self.stale_after_days:
            if last == frame.index[-1]:
                return None, f"{symbol} data ends {_day(last)}"
            return None, f"{symbol} has no data between {_day(last)} and {_day(self.as_of)}"
        return cut, ""


def _column(basis: str, frames: list[pd.DataFrame]) -> str:
    if basis == "matched":
        return "adj_close" if any(f.attrs.get("fully_adjusted") for f in frames) else "close"
    return basis


def _basis_note(basis: str, column: str, symbols: list[str], frames: list[pd.DataFrame]) -> str:
    adjusted = [s for s, f in zip(symbols, frames) if f.attrs.get("fully_adjusted")]
    if not adjusted:
        return ""
    files = "/".join(adjusted) + (" file is" if len(adjusted) == 1 else " files are")
    if basis == "matched":
        return f"total-return basis for both sides: the {files} dividend-adjusted"
    if column == "close":
        return f"{'/'.join(adjusted)}: dividend-adjusted closes, not the traded ones"
    return ""


def _entry(
    item: Item,
    name: str,
    symbols: list[str],
    *,
    value: float | None = None,
    detail: str = "",
    reason: str | None = None,
    as_of: str | None = None,
    direction: str = "",
) -> dict:
    reading = "unavailable" if reason is not None else item.read(value)
    return {
        "name": name,
        "function": item.function,
        "series": symbols,
        "value": value,
        "value_text": fmt.value(value, item.spec.unit) if reason is None else "n/a",
        "rule": item.rule(),
        "reading": reading,
        "weight": item.weight,
        "as_of": as_of,
        "detail": detail,
        "reason": reason,
        "direction": direction,
        "own": item.own,
    }


def measure(item: Item, frames: _Frames, ticker: str, benchmark: str) -> dict:
    """One evidence dict: ``{name, function, series, value, value_text, rule, reading, weight, as_of, detail, reason}``."""
    name = item.name.format(ticker=ticker, benchmark=benchmark)
    symbols = [s.format(ticker=ticker, benchmark=benchmark) for s in item.series]
    if item.spec.series == "many" and ticker in item.series:  # a list naming the piece's ticker: weighed without it
        symbols = [s for s in symbols if s != ticker]
        name = f"{name}, without {ticker} itself"
    entry = functools.partial(_entry, direction=item.direction.format(ticker=ticker, benchmark=benchmark))
    spec = item.spec
    if spec.series == "macro":
        result = spec.function(frames.macro, **item.params)
        if result.value is None:
            return entry(item, name, symbols, reason=result.reason)
        reading = frames.macro[item.params["measure"]]
        observed = reading.get("date") or reading.get("through")
        return entry(item, name, symbols, value=result.value, detail=result.detail, as_of=observed)
    if spec.series == "none":
        return entry(item, name, symbols, reason=spec.function(**item.params).reason)
    repeated = sorted({s for s in symbols if symbols.count(s) > 1})
    if repeated:
        about = f" (this piece is about {ticker})" if ticker in repeated else ""
        return entry(item, name, symbols, reason=f"compares {', '.join(repeated)} with itself{about}")
    loaded = [(s, *frames.get(s)) for s in symbols]
    fresh = [(s, f) for s, f, _ in loaded if f is not None]
    problems = [why for _, f, why in loaded if f is None]
    need = len(symbols) if item.min_series is None else item.min_series
    if len(fresh) < need:
        return entry(item, name, symbols, reason="; ".join(problems))
    used_symbols, used = [s for s, _ in fresh], [f for _, f in fresh]
    column = _column(spec.basis, used)
    data = [f[column].rename(s) for s, f in fresh]
    result: Measure = (
        spec.function(data, **item.params) if spec.series == "many" else spec.function(*data, **item.params)
    )
    notes = [
        n
        for n in (
            _basis_note(spec.basis, column, used_symbols, used),
            ("left out: " + "; ".join(problems)) if problems else "",
        )
        if n
    ]
    detail = "; ".join([result.detail, *notes]) if result.detail else "; ".join(notes)
    if result.value is None:
        return entry(item, name, symbols, detail=detail, reason=result.reason or "could not be computed")
    if not math.isfinite(result.value):
        return entry(
            item,
            name,
            symbols,
            detail=detail,
            reason=f"the value is not a finite number ({result.value}): a series is zero where it divides",
        )
    return entry(item, name, symbols, value=result.value, detail=detail, as_of=_day(min(f.index[-1] for f in used)))


def tally(evidence: list[dict], cuts: dict[str, float]) -> dict:
    """Weights by reading, the score and the verdict of one scenario's evidence dicts."""
    weight = {r: sum(e["weight"] for e in evidence if e["reading"] == r) for r in READINGS}
    total = sum(weight.values())
    available = total - weight["unavailable"]
    score = (weight["supports"] - weight["contradicts"]) / available if available > 0 else None
    return {
        "score": score,
        "verdict": verdict(score, available / total if total else 0.0, cuts),
        "available_weight": available,
        "missing_weight": weight["unavailable"],
        "total_weight": total,
        "supporting_weight": weight["supports"],
        "contradicting_weight": weight["contradicts"],
        "neutral_weight": weight["neutral"],
    }


def left_out(item: Item, ticker: str, benchmark: str, profile: str) -> str | None:
    """Why ``item`` is not weighed in this piece (``None``: it is).

    An item applies only to the profiles it names; and an item never measures the piece's
    ticker through a fixed symbol (``QQQ`` in a QQQ piece would be the ticker judging itself,
    not independent evidence), nor compares two series that are the same.
    """
    if item.applies and profile not in item.applies:
        return f"it applies to {', '.join(p.replace('_', ' ') for p in item.applies)} pieces only"
    fixed = [s for s in item.series if s not in ("{ticker}", "{benchmark}")]
    if ticker in fixed and not (item.spec.series == "many" and len(fixed) - 1 >= (item.min_series or 1)):
        return f"it would measure {ticker} itself: not independent evidence in a piece about {ticker}"
    symbols = [s.format(ticker=ticker, benchmark=benchmark) for s in item.series]
    if len(set(symbols)) < len(symbols):
        return f"it would compare {', '.join(sorted({s for s in symbols if symbols.count(s) > 1}))} with itself"
    return None


def evaluate(
    card: Scorecard, study: Study, market: Market, profile: str = "equity", macro: dict | None = None
) -> list[dict]:
    """The ``scenarios`` list of the JSON summary for a validated scorecard, for a piece of ``profile``;
    ``macro`` holds the economy's measures public at the as-of date (for the ``economy_*`` items)."""
    frames = _Frames(study, market, card.stale_after_days, macro)
    t, b = study.ticker, study.benchmark
    out = []
    for scenario in card.scenarios:
        weighed = [item for item in scenario.items if left_out(item, t, b, profile) is None]
        evidence = [measure(item, frames, t, b) for item in weighed]
        applies, unmet, unread = premises(scenario.requires, frames)
        out.append(
            {
                "id": scenario.id,
                "title": scenario.title.format(ticker=t, benchmark=b),
                **(tally(evidence, card.verdict) if applies else _not_applying(evidence, applies)),
                "applies": applies,
                "requires": [
                    {"condition": p.condition, "series": [s.format(ticker=t, benchmark=b) for s in p.series]}
                    for p in scenario.requires
                ],
                "unmet": unmet,
                "unread": unread,
                "opposes": list(scenario.opposes),
                "weighed_against": None,
                "note": scenario.note.format(ticker=t, benchmark=b),
                "evidence": evidence,
                "left_out": [
                    {"name": item.name.format(ticker=t, benchmark=b), "reason": left_out(item, t, b, profile)}
                    for item in scenario.items
                    if item not in weighed
                ],
            }
        )
    return cohere(out)


def premises(requires: tuple[Premise, ...], frames: _Frames) -> tuple[bool | None, list[dict], list[dict]]:
    """Whether a talking point applies (``None``: a series its premises read cannot be read), the
    premises that do not hold: ``{condition, series, values}``, the series that fail and their values
    (the distance from the slow average, the band z or the five-session move, by condition), and the
    series that could not be read at all: ``{series, reason}`` (missing, stale; not a short history)."""
    t, b, unknown, unmet, unread = frames.study.ticker, frames.study.benchmark, False, [], {}
    for premise in requires:
        failing: dict[str, float | None] = {}
        for symbol in (s.format(ticker=t, benchmark=b) for s in premise.series):
            frame, why = frames.get(symbol)
            if frame is None:
                unread[symbol] = why
            holds, value = (None, None) if frame is None else _holds(premise.condition, frame, frames.study.settings)
            unknown |= holds is None
            if holds is False:
                failing[symbol] = value
        if failing:
            unmet.append({"condition": premise.condition, "series": list(failing), "values": list(failing.values())})
    read = [{"series": symbol, "reason": why} for symbol, why in unread.items()]
    return (False if unmet else None if unknown else True), unmet, read


def _holds(condition: str, frame: pd.DataFrame, settings: Settings) -> tuple[bool | None, float | None]:
    """Whether the closes of ``frame`` meet ``condition`` (:data:`card.REQUIRES`), and the value read;
    with the piece's own windows, so the piece's ticker reads exactly as its reading does."""
    close = frame["close"].astype(float)
    if condition == "no_sharp_fall":
        sharp = sharp_fall(close)
        return (None if sharp is None else not sharp), week_move(close)
    if condition == "stretched":  # the piece's one definition (indicators.stretch), as its momentum sentence reads it
        z = real_motion_z(close, fast=settings.fast, slow=settings.slow, width=settings.band_width).value
        if z is None:
            return None, None
        rm = ind.real_motion(
            close, trend=settings.slow, fast=settings.fast, slow=settings.slow, band_window=settings.fast
        )
        st = ind.stretch(rm["rm"], z, settings.band_width)
        return (st["side"] == "up" if st["known"] else None), z
    distance = distance_from_sma(close, settings.slow).value
    if distance is None:
        return None, None
    return (distance > 0) == (condition == "above_slow"), distance


def _not_applying(evidence: list[dict], applies: bool | None) -> dict:
    """The tally of a talking point that does not apply now (or whose premises cannot be read): shown, not scored."""
    verdict = "does not apply" if applies is False else "not enough evidence"
    return {**tally(evidence, {**VERDICT_DEFAULTS}), "score": None, "verdict": verdict}


#: Verdicts that count as support when two opposite talking points are weighed against each other.
SUPPORTING = ("supported", "leaning supported")


def cohere(scenarios: list[dict]) -> list[dict]:
    """Opposite talking points (``opposes``) cannot both be supported: where both are, the higher score
    keeps its verdict and the other is ``outweighed`` by it; at equal scores both are ``split``. Each
    loser (or both) names the other in ``weighed_against``. New dicts; the input is left as it is."""
    by_id = {sc["id"]: dict(sc) for sc in scenarios}
    for sc in scenarios:
        for other_id in sc["opposes"]:
            a, b = by_id[sc["id"]], by_id.get(other_id)
            if b is None or a["verdict"] not in SUPPORTING or b["verdict"] not in SUPPORTING:
                continue
            if a["score"] == b["score"]:
                a.update(verdict="split", weighed_against=b["id"])
                b.update(verdict="split", weighed_against=a["id"])
            else:
                loser, winner = (a, b) if a["score"] < b["score"] else (b, a)
                loser.update(verdict="outweighed", weighed_against=winner["id"])
    return [by_id[sc["id"]] for sc in scenarios]
