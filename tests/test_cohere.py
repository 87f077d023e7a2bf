"""Talking points that cohere: opposites are weighed against each other, a talking point that needs a
rally does not apply without one, and "stretched" is the band everywhere (real data, golden cases)."""

from __future__ import annotations

import json

import pytest

from analysis.errors import InputError
from analysis.evidence import rules
from analysis.evidence.scorecard import SUPPORTING, cohere
from tests.golden_cases import CASES, GOLDEN_DIR


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.stem)
def test_no_two_opposite_talking_points_are_both_supported(case):
    s = json.loads((GOLDEN_DIR / f"{case.stem}.json").read_text())
    by_id = {sc["id"]: sc for sc in s["scenarios"]}
    for sc in s["scenarios"]:
        for other in sc["opposes"]:
            assert not (sc["verdict"] in SUPPORTING and by_id[other]["verdict"] in SUPPORTING), (sc["id"], other)


def test_a_volatility_spike_does_not_both_fade_and_spread():
    """^VIX 2020-03-16: 'the spike fades' and 'stress spreads' both scored +1.00; the piece says the
    evidence does not decide between them instead of supporting both."""
    s = json.loads((GOLDEN_DIR / "^VIX_2020-03-16.json").read_text())
    fades, spreads = (next(sc for sc in s["scenarios"] if sc["id"] == i) for i in ("spike_fades", "stress_spreads"))
    assert (fades["verdict"], spreads["verdict"]) == ("split", "split")
    assert fades["weighed_against"] == "stress_spreads" and fades["score"] == spreads["score"] == 1.0
    assert "the evidence does not decide between them" in s["brief"]["scenario_line"]


def test_a_higher_score_outweighs_its_opposite():
    a = {"id": "a", "score": 0.8, "verdict": "supported", "opposes": ["b"], "weighed_against": None}
    b = {"id": "b", "score": 0.4, "verdict": "leaning supported", "opposes": [], "weighed_against": None}
    out = cohere([a, b])
    assert [sc["verdict"] for sc in out] == ["supported", "outweighed"] and out[1]["weighed_against"] == "a"
    assert b["verdict"] == "leaning supported"  # the input is left as it was


def test_a_rally_talking_point_does_not_apply_at_a_bear_market_low():
    """^GSPC 2022-10-12, 25% below its record and below its 200-DMA: 'the rally is narrow' and
    'stretched and due a pullback' are not scored."""
    s = json.loads((GOLDEN_DIR / "^GSPC_2022-10-12.json").read_text())
    idle = {sc["id"]: sc for sc in s["scenarios"] if not sc["applies"]}
    assert set(idle) == {"narrow_rally", "stretched"}
    assert all(sc["score"] is None and sc["verdict"] == "does not apply" for sc in idle.values())
    assert s["close"] < s["sma200"]
    assert "do not apply now: ^GSPC is below its 200-DMA, not in an uptrend" in s["brief"]["scenario_line"]


def test_stretched_is_the_band_in_every_scenario_set():
    from analysis.config import path

    for name in ("scenarios_crypto", "scenarios_large_caps"):
        card = rules.parse(__import__("tomllib").loads(path(name).read_text()), name)
        stretched = next(sc for sc in card.scenarios if sc.id == "stretched")
        z = next(item for item in stretched.items if item.function == "real_motion_z")
        assert (z.supports.op, z.supports.limit) == (">=", 2.0)
        assert stretched.requires == (rules.Premise("above_slow"), rules.Premise("stretched"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"opposes": ["nowhere"]}, "opposes names no scenario nowhere"),
        ({"requires": "sideways"}, "requires = 'sideways'"),
        ({"requires": ["above_slow", "sideways"]}, "is not a condition"),
        ({"requires": {"condition": "above_slow", "series": "QQQ"}}, "requires names its series as a list"),
        ({"requires": {"condition": "above_slow", "of": ["QQQ"]}}, "is not a condition"),
    ],
)
def test_a_bad_opposes_or_requires_is_refused(change, message):
    config = {
        "scenario": [
            {
                "id": "one",
                "title": "One",
                "evidence": [
                    {"name": "x", "function": "level", "series": ["SPY"], "supports": "> 0", "contradicts": "< 0"}
                ],
                **change,
            }
        ]
    }
    with pytest.raises(InputError, match=message):
        rules.parse(config, "test")
