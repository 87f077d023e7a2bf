"""The scorecard's rules: the TOML configuration validated into typed items (:mod:`analysis.evidence.card`).

A configuration (``analysis/config/scenarios.toml``; schema in ``docs/scenarios.md``) lists
scenarios, each with evidence items. An item names an evidence ``function`` (one of
:mod:`analysis.evidence.measures`), the series it reads (``{ticker}`` and ``{benchmark}``
stand for the piece's own), the function's parameters, a ``weight`` and two thresholds
written as comparisons: ``supports = "<= -0.05"``, ``contradicts = ">= 0.05"``. A value
meeting neither reads ``neutral``. Everything a user can get wrong raises
:class:`~analysis.errors.InputError` naming the scenario, the item and the valid choices.
"""

from __future__ import annotations

import inspect
import math
import re

from analysis import params
from analysis.errors import InputError
from analysis.evidence import limits
from analysis.evidence.card import (
    REQUIRES,
    STALE_AFTER_DAYS,
    VERDICT_DEFAULTS,
    Item,
    Premise,
    Scenario,
    ScenarioSet,
    Scorecard,
    Threshold,
)
from analysis.evidence.measures import KINDS, Kind
from analysis.evidence.templates import placeholders as _placeholders

_COMPARISON = re.compile(r"^\s*(<=|>=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
_ITEM_KEYS = {
    "name",
    "function",
    "series",
    "params",
    "supports",
    "contradicts",
    "weight",
    "min_series",
    "direction",
    "applies",
}
_SET_KEYS = {"id", "title", "why", "tickers", "profiles", "default"}
#: The asset profiles an item may apply to (analysis/config/profiles.toml).
PROFILE_KINDS = ("equity", "equity_index", "bond_fund", "credit", "yield", "volatility", "crypto")
_SCENARIO_KEYS = {"id", "title", "note", "evidence", "opposes", "requires"}
#: The largest weight an item may carry: the tally adds weights, and a sum past the largest float
#: is no score (1e308 twice is inf, and inf/inf is NaN).
WEIGHT_MAX = 1000


def _known_keys(raw: dict, keys: set[str], where: str, what: str) -> None:
    """:class:`InputError` naming the keys of ``raw`` that are not ``keys`` (``what``: whose keys they are)."""
    unknown = sorted(set(raw) - keys)
    if unknown:
        raise InputError(f"{where}: unknown key {', '.join(unknown)}.", f"{what} keys are: {', '.join(sorted(keys))}.")


def _threshold(raw: object, where: str, key: str) -> Threshold | None:
    if raw is None:
        return None
    match = _COMPARISON.match(raw) if isinstance(raw, str) else None
    if not match:
        raise InputError(
            f"{where}: {key} = {raw!r} is not a comparison.",
            f'Write it as an operator and a number, e.g. {key} = "<= -0.05" (operators: < <= > >=).',
        )
    number = float(match.group(2))
    if not math.isfinite(number):  # 1e999 reads as inf: "supports if <= -inf%"
        raise InputError(
            f"{where}: {key} = {raw!r} is not a finite number.", f'Write a number, e.g. {key} = "<= -0.05".'
        )
    return Threshold(match.group(1), number)


def _series(raw: object, kind: Kind, where: str) -> tuple[str, ...]:
    if kind.series == "macro":
        if not isinstance(raw, list) or len(raw) != 1 or not isinstance(raw[0], str):
            raise InputError(
                f"{where}: an economy item names its FRED series once, got series = {raw!r}.",
                'E.g. series = ["T10Y3M"].',
            )
        return (raw[0],)
    if kind.series == "none":
        if raw:
            raise InputError(
                f"{where}: this function reads no series, but series = {raw!r}.", "Remove the series line."
            )
        return ()
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        raise InputError(
            f"{where}: series must be a list of tickers, got {raw!r}.", 'E.g. series = ["{ticker}", "{benchmark}"].'
        )
    need = {"one": 1, "pair": 2}.get(kind.series)
    if (need and len(raw) != need) or not raw:
        raise InputError(
            f"{where}: this function needs {need or 'at least one'} series, got {len(raw)}.",
            'E.g. series = ["QQQ", "{ticker}"].',
        )
    return _symbols(raw, where)


def _symbols(raw: list[str], where: str) -> tuple[str, ...]:
    """Each of ``raw`` a placeholder (``{ticker}``, ``{benchmark}``) or a valid ticker."""
    out = []
    for symbol in raw:
        _placeholders(symbol, where)
        out.append(
            symbol
            if symbol in ("{ticker}", "{benchmark}")
            else params.ticker(symbol, what=f"{where}: series", example='series = ["{ticker}", "SPY"]')
        )
    return tuple(out)


def _params(raw: object, name: str, kind: Kind, where: str) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InputError(f"{where}: params must be a table, got {raw!r}.", 'E.g. params = { span = "10y" }.')
    signature = inspect.signature(kind.function)
    data_args = {"one": 1, "pair": 2, "many": 1, "none": 0, "macro": 1}[kind.series]
    allowed = list(signature.parameters)[data_args:]
    unknown = sorted(set(raw) - set(allowed))
    if unknown:
        raise InputError(
            f"{where}: {name} has no parameter {', '.join(unknown)}.", f"Its parameters are: {', '.join(allowed)}."
        )
    for key, choices in kind.choices.items():
        values = raw.get(key, [])
        bad = [v for v in (values if isinstance(values, list) else [values]) if v not in choices]
        if bad or not isinstance(values, list):
            raise InputError(
                f"{where}: {key} = {values!r} holds {', '.join(map(repr, bad)) or 'a non-list'}.",
                f"Give a list of: {', '.join(choices)}.",
            )
    if "span" in raw:
        from analysis.indicators import SPANS

        if raw["span"] not in SPANS:
            raise InputError(
                f"{where}: span = {raw['span']!r} is not a known span.", f"Use one of: {', '.join(SPANS)}."
            )
    missing = [p for p in allowed if signature.parameters[p].default is inspect.Parameter.empty and p not in raw]
    if missing:
        raise InputError(f"{where}: {name} needs parameter {', '.join(missing)}.", "Add it under params.")
    limits.check(raw, name, signature, where)
    return dict(raw)


_MACRO_MEASURES = {
    "curve",
    "credit",
    "claims",
    "sahm",
    "nfci",
    "size_premium_10y",
    "valuation_small_vs_big",
    "cape",
    "after_similar",
}


def _item(raw: dict, where: str) -> Item:
    if not isinstance(raw, dict):
        raise InputError(
            f"{where} is not a table.", "Write each item as [[scenario.evidence]] with name, function, ...."
        )
    _known_keys(raw, _ITEM_KEYS, where, "Item")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{where} has no name.", 'Give each item a name = "...".')
    where = f"{where} ({name!r})"
    _placeholders(name, where)
    fname = raw.get("function")
    if fname not in KINDS:
        raise InputError(
            f"{where}: unknown evidence function {fname!r}.", f"Valid ones: {', '.join(KINDS)} (see docs/scenarios.md)."
        )
    kind = KINDS[fname]
    weight = raw.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= WEIGHT_MAX:
        raise InputError(f"{where}: weight = {weight!r} is not a number from 0 to {WEIGHT_MAX:,}.", "E.g. weight = 1.")
    supports, contradicts = _thresholds(raw, kind, where)
    series = _series(raw.get("series"), kind, where)
    min_series = _min_series(raw.get("min_series"), kind, series, where)
    direction = raw.get("direction", "")
    if not isinstance(direction, str):
        raise InputError(
            f"{where}: direction = {direction!r} is not text.", 'E.g. direction = "supports when X lags Y".'
        )
    _placeholders(direction, f"{where}: direction")
    applies = _profiles(raw.get("applies", []), where, "applies")
    return Item(
        name=name,
        function=fname,
        series=series,
        params=_params(raw.get("params"), fname, kind, where),
        supports=supports,
        contradicts=contradicts,
        weight=float(weight),
        min_series=min_series,
        direction=direction,
        applies=applies,
    )


def _thresholds(raw: dict, kind: Kind, where: str) -> tuple[Threshold | None, Threshold | None]:
    """An item's ``supports`` and ``contradicts``; an economy item's measure is checked first."""
    supports = _threshold(raw.get("supports"), where, "supports")
    contradicts = _threshold(raw.get("contradicts"), where, "contradicts")
    if kind.series == "macro":
        measure = (raw.get("params") or {}).get("measure")
        if measure not in _MACRO_MEASURES:
            raise InputError(
                f"{where}: params.measure = {measure!r} is not a macro measure.",
                f"Use one of: {', '.join(sorted(_MACRO_MEASURES))}.",
            )
        limits.field(raw["params"], measure, where)
    if kind.series != "none" and supports is None and contradicts is None:
        raise InputError(
            f"{where} has neither a supports nor a contradicts threshold, so it can only read neutral.",
            'Add e.g. supports = "< 0" and contradicts = "> 0".',
        )
    limits.apart(supports, contradicts, where)
    return supports, contradicts


def _min_series(min_series: object, kind: Kind, series: tuple[str, ...], where: str) -> int | None:
    if min_series is not None and (
        kind.series != "many" or not isinstance(min_series, int) or not 1 <= min_series <= len(series)
    ):
        raise InputError(
            f"{where}: min_series = {min_series!r} is not allowed here.",
            f"Only a function of a list of series takes it, as a whole number from 1 to the number of series ({len(series)}).",
        )
    return min_series


def _profiles(raw: object, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(p, str) and p in PROFILE_KINDS for p in raw):
        raise InputError(
            f"{where}: {key} = {raw!r} is not a list of profiles.", f"Use a list of: {', '.join(PROFILE_KINDS)}."
        )
    return tuple(raw)


def _set(raw: object, where: str) -> ScenarioSet:
    if raw is None:
        return ScenarioSet()
    if not isinstance(raw, dict) or set(raw) - _SET_KEYS:
        raise InputError(f"{where}: [set] has unknown keys.", f"[set] keys are: {', '.join(sorted(_SET_KEYS))}.")
    texts = {k: raw.get(k, "") for k in ("id", "title", "why")}
    if not all(isinstance(v, str) for v in texts.values()) or not re.fullmatch(r"[a-z][a-z0-9_]*", texts["id"]):
        raise InputError(
            f"{where}: [set] needs an id (a lower-case word), a title and a why.",
            'E.g. id = "bonds", title = "Bonds", why = "{ticker} is a bond fund".',
        )
    tickers = raw.get("tickers", [])
    if not isinstance(tickers, list):
        raise InputError(f"{where}: [set] tickers = {tickers!r} is not a list.", 'E.g. tickers = ["IWM", "^RUT"].')
    default = raw.get("default", False)
    if not isinstance(default, bool):
        raise InputError(f"{where}: [set] default = {default!r} is not true or false.", "E.g. default = false.")
    return ScenarioSet(
        id=texts["id"],
        title=_placeholders(texts["title"], where),
        why=_placeholders(texts["why"], where),
        tickers=tuple(params.ticker(t, what=f"{where}: [set] tickers") for t in tickers),
        profiles=_profiles(raw.get("profiles", []), f"{where}: [set]", "profiles"),
        default=default,
    )


def parse(config: dict, where: str = "the scenarios configuration") -> Scorecard:
    """Validate a parsed ``scenarios.toml`` (``where`` names it in messages) into a :class:`Scorecard`."""
    raw_scenarios = config.get("scenario")
    if not isinstance(raw_scenarios, list) or not raw_scenarios:
        raise InputError(f"{where} lists no scenarios.", "Add [[scenario]] tables (see docs/scenarios.md).")
    scenarios, seen = [], set()
    for i, raw in enumerate(raw_scenarios, 1):
        scenarios.append(_scenario(raw, f"{where}, scenario {i}", seen))
    unknown = sorted({o for sc in scenarios for o in sc.opposes} - seen)
    if unknown:
        raise InputError(
            f"{where}: opposes names no scenario {', '.join(unknown)}.", f"Ids: {', '.join(sorted(seen))}."
        )
    verdict = _verdict(config.get("verdict", {}), where)
    stale = config.get("stale_after_days", STALE_AFTER_DAYS)
    if isinstance(stale, bool) or not isinstance(stale, int) or stale < 0:
        raise InputError(
            f"{where}: stale_after_days = {stale!r} is not a whole number of days.", "E.g. stale_after_days = 7."
        )
    return Scorecard(
        scenarios=tuple(scenarios), verdict=verdict, stale_after_days=stale, set=_set(config.get("set"), where)
    )


def _scenario(raw: object, here: str, seen: set[str]) -> Scenario:
    """One ``[[scenario]]`` (``here`` names it), its id not among ``seen`` (added to it)."""
    sid = raw.get("id") if isinstance(raw, dict) else None
    here += f" ({sid!r})" if sid else ""
    if not isinstance(sid, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", sid) or sid in seen:
        raise InputError(f"{here}: id must be a unique lower-case word, got {sid!r}.", 'E.g. id = "recession".')
    seen.add(sid)
    _known_keys(raw, _SCENARIO_KEYS, here, "Scenario")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InputError(f"{here} has no title.", 'Give it a title = "..." ({ticker} may appear in it).')
    items = raw.get("evidence")
    if not isinstance(items, list) or not items:
        raise InputError(f"{here} has no evidence.", "Add [[scenario.evidence]] items under it.")
    opposes = raw.get("opposes", [])
    if not isinstance(opposes, list) or not all(isinstance(o, str) and o != sid for o in opposes):
        raise InputError(f"{here}: opposes = {opposes!r} is not a list of other ids.", 'E.g. opposes = ["slowdown"].')
    return Scenario(
        id=sid,
        title=_placeholders(title, here),
        note=_placeholders(str(raw.get("note", "")), here),
        items=tuple(_item(item, f"{here}, evidence {j}") for j, item in enumerate(items, 1)),
        opposes=tuple(opposes),
        requires=_requires(raw.get("requires"), here),
    )


def _requires(raw: object, here: str) -> tuple[Premise, ...]:
    """A scenario's ``requires``: a condition of :data:`REQUIRES` on the piece's own close, a table
    ``{ condition = "above_slow", series = ["QQQ", "SMH"] }`` naming whose closes, or a list of them."""
    if raw is None:
        return ()
    out = []
    for one in raw if isinstance(raw, list) else [raw]:
        condition = one.get("condition") if isinstance(one, dict) else one
        if (
            not isinstance(condition, str)
            or condition not in REQUIRES
            or (isinstance(one, dict) and set(one) - {"condition", "series"})
        ):
            raise InputError(
                f"{here}: requires = {raw!r} is not a condition.",
                f"Use one of {', '.join(REQUIRES)}, a table such as"
                ' { condition = "above_slow", series = ["QQQ"] }, or a list of them.',
            )
        if not isinstance(one, dict) or "series" not in one:
            out.append(Premise(condition))
            continue
        series = one["series"]
        if not isinstance(series, list) or not series or not all(isinstance(s, str) for s in series):
            raise InputError(
                f"{here}: requires names its series as a list of tickers, got {series!r}.",
                'E.g. series = ["QQQ", "SMH"].',
            )
        out.append(Premise(condition, _symbols(series, f"{here}: requires")))
    return tuple(out)


def _verdict(given: object, where: str) -> dict[str, float]:
    """The verdict cut-offs: the defaults with the ``[verdict]`` table's numbers over them, in order."""
    verdict = dict(VERDICT_DEFAULTS)
    if not isinstance(given, dict):
        raise InputError(
            f"{where}: verdict = {given!r} is not a table.",
            "Write the cut-offs under a [verdict] header, e.g. supported = 0.6.",
        )
    unknown = sorted(set(given) - set(verdict))
    if unknown:
        raise InputError(f"{where}: [verdict] has no key {', '.join(unknown)}.", f"Keys: {', '.join(verdict)}.")
    for key, value in given.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(
                f"{where}: [verdict] {key} = {value!r} is not a number.",
                f"Give a number between -1 and 1, e.g. {key} = {VERDICT_DEFAULTS[key]}.",
            )
        verdict[key] = float(value)
    cuts = [verdict[k] for k in ("supported", "leaning_supported", "leaning_contradicted", "contradicted")]
    if cuts != sorted(cuts, reverse=True) or not 0 <= verdict["min_available_share"] <= 1:
        raise InputError(
            f"{where}: [verdict] cut-offs {verdict} are out of order.",
            "Need supported >= leaning_supported >= leaning_contradicted >= contradicted, and"
            " min_available_share between 0 and 1.",
        )
    return verdict
