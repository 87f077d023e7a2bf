"""Code, types and documentation of the summary JSON agree (analysis/schema/, docs/*.md).

A real piece's JSON must have exactly the keys the TypedDicts declare, at every depth, and
every declared key must be explained in the docs; a new key written by the code but not
declared or documented fails here.
"""

from __future__ import annotations

import re
import types
import typing

import pytest

from analysis import schema, summary
from analysis.params import Request
from analysis.schema import claims, evidence, levels, market, signals, since, track, words
from tests.conftest import AS_OF, PROJECT_DIR

#: Where each part of the schema is documented.
DOCS = {
    "summary.md": (
        schema.Summary,
        market.Data,
        market.Provenance,
        signals.RealMotion,
        signals.Leadership,
        signals.Confirmation,
        levels.Level,
        signals.SpanReturn,
        words.Narrative,
        signals.MeanReversion,
        market.Profile,
        levels.Support,
        levels.Ladders,
        levels.Run,
        schema.ScenarioSet,
        signals.Unusual,
        since.SinceLast,
        since.SinceChange,
        since.SinceAverage,
        track.TrackRecord,
        track.TrackState,
        track.TrackHorizon,
        track.TrackRelative,
        track.TrackSample,
        track.TrackBaseline,
        track.TrackChanges,
        track.SimpleRule,
        track.Spread,
        track.Spreads,
        claims.Claims,
        claims.ClaimSentence,
        claims.ClaimFigure,
        claims.Untraced,
    ),
    "scenarios.md": (evidence.Scenario, evidence.Evidence, evidence.Family, evidence.Member, evidence.LeftOut),
    "history.md": (evidence.Trigger, evidence.Horizon, evidence.HistoryState),
}


def _is_typeddict(kind) -> bool:
    return isinstance(kind, type) and issubclass(kind, dict) and hasattr(kind, "__annotations__")


def check(value, kind, path="$") -> list[str]:
    """Every place ``value`` departs from the annotation ``kind``."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return []
        kind = next(a for a in args if a is not type(None))
        origin, args = typing.get_origin(kind), typing.get_args(kind)
    if _is_typeddict(kind):
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {type(value).__name__}"]
        hints = typing.get_type_hints(kind)
        out = [f"{path}.{k}: not declared in analysis.schema.{kind.__name__}" for k in value.keys() - hints.keys()]
        out += [f"{path}.{k}: declared but missing" for k in kind.__required_keys__ - value.keys()]
        for k in hints.keys() & value.keys():
            out += check(value[k], hints[k], f"{path}.{k}")
        return out
    if origin is list:
        return [d for i, v in enumerate(value) for d in check(v, args[0], f"{path}[{i}]")]
    if origin is dict:
        return [d for k, v in value.items() for d in check(v, args[1], f"{path}.{k}")]
    if kind is float:
        return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else [f"{path}: not a number"]
    if kind is typing.Any:
        return []
    return [] if isinstance(value, kind) else [f"{path}: expected {kind.__name__}, got {type(value).__name__}"]


@pytest.fixture(scope="module")
def pieces(market):
    """The model piece, a young ticker (too little history for the slow averages) and a bond fund."""
    wanted = [
        ("IWM", AS_OF),
        ("IWM", "2001-03-16"),
        ("TLT", "2022-10-21"),
        ("^VIX", "2020-03-16"),
        ("BTC-USD", "2021-11-10"),
    ]
    return {f"{t} {d}": summary.build(Request.parse(t, "SPY", d, "snapshot"), market).data for t, d in wanted}


def test_real_pieces_have_exactly_the_declared_keys(pieces):
    for name, data in pieces.items():
        problems = check(data, schema.Summary)
        assert not problems, f"{name}:\n" + "\n".join(problems[:30])


def test_the_checker_can_fail(pieces):
    data = dict(pieces[f"IWM {AS_OF}"])
    data["surprise"] = 1
    data["real_motion"] = {k: v for k, v in data["real_motion"].items() if k != "streak"}
    assert check(data, schema.Summary) == [
        "$.surprise: not declared in analysis.schema.Summary",
        "$.real_motion.streak: declared but missing",
    ]


@pytest.mark.parametrize("doc", list(DOCS))
def test_every_declared_key_is_documented(doc):
    text = re.sub(r"```.*?```", "", (PROJECT_DIR / "docs" / doc).read_text(), flags=re.S)
    quoted = {word for span in re.findall(r"`([^`\n]+)`", text) for word in re.findall(r"[A-Za-z0-9_]+", span)}
    missing = [
        f"{kind.__name__}.{key}" for kind in DOCS[doc] for key in typing.get_type_hints(kind) if key not in quoted
    ]
    assert not missing, f"docs/{doc} does not explain: {', '.join(missing)}"
