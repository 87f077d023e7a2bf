"""Golden pieces: the summary and the Markdown brief of every case in :mod:`tests.golden_cases`
(one or more per profile kind, calm and extreme moments), every key, value and word pinned.

``tests/golden/IWM_2024-07-08.json`` was first written by ``python -m analysis summary --ticker IWM
--as-of 2024-07-08 --source snapshot`` before the code was reorganised into stage packages; the
other cases were pinned before the reading was moved into the model. They are built in-process
(``make test`` catches a text regression of any kind of piece). A change that is meant to alter
a piece regenerates them with ``python -m tests.golden_cases`` (``since_last`` compares with five
sessions back, as a first piece does); the diff is reviewed like code, and the commit says why.
"""

from __future__ import annotations

import json
import math
import re

import pytest

from tests.conftest import AS_OF, TESTS_DIR
from tests.golden_cases import CASES, GOLDEN_DIR, build

GOLDEN = TESTS_DIR / "golden" / f"IWM_{AS_OF}.json"


def _diff(old, new, path="$"):
    """Every path at which two JSON values differ (keys missing on either side included)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = [f"{path}.{k}: only in the golden file" for k in old.keys() - new.keys()]
        out += [f"{path}.{k}: not in the golden file" for k in new.keys() - old.keys()]
        for k in old.keys() & new.keys():
            out += _diff(old[k], new[k], f"{path}.{k}")
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in _diff(a, b, f"{path}[{i}]")]
    if isinstance(old, float) and isinstance(new, float) and math.isclose(old, new, rel_tol=ULPS, abs_tol=ULPS):
        return []
    return [] if old == new else [f"{path}: {old!r} -> {new!r}"]


#: Floats that differ in their last bits are the same value: a sum's order (BLAS, SIMD alignment) moves the
#: last digit of a correlation (BTC-USD 2021-11-10: 0.21691809275416557 and ...565 on one machine).
ULPS = 1e-12
_LONG_FLOAT = re.compile(r"-?\d+\.\d{12,}(?:e-?\d+)?")


def _rounded(text: str) -> str:
    """The JSON text with every long float written to 11 significant digits (key order and the rest kept)."""
    return _LONG_FLOAT.sub(lambda m: f"{float(m.group()):.11g}", text)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.stem)
def test_the_piece_matches_its_golden_files(case, market):
    kind, text, md = build(case, market)
    assert kind == case.kind, f"{case.stem} stands for the {case.kind} profile, but is read as {kind}"
    differences = _diff(json.loads((GOLDEN_DIR / f"{case.stem}.json").read_text()), json.loads(text))
    assert not differences, "\n".join(differences[:40])
    # same key order and number formatting too, to the last bits of a float
    assert _rounded(text) == _rounded((GOLDEN_DIR / f"{case.stem}.json").read_text())
    assert md == (GOLDEN_DIR / f"{case.stem}.md").read_text(encoding="utf-8")


def test_every_profile_kind_has_a_golden_piece():
    from analysis.model import profile

    assert {c.kind for c in CASES} == set(profile.KINDS)
    assert sorted(p.name for p in GOLDEN_DIR.iterdir()) == sorted(
        f"{c.stem}.{ext}" for c in CASES for ext in ("json", "md")
    )


def test_the_golden_file_is_the_model_commentary(market):
    """The figures the July 2024 commentary states, read from the pinned file itself."""
    g = json.loads(GOLDEN.read_text())
    assert (g["ticker"], g["as_of"], g["phase"]) == ("IWM", AS_OF, "warning")
    assert round(g["level_to_clear"]["price"], 2) == 205.06
    assert g["confirmation"]["n"] == 2 and not g["confirmation"]["confirmed"]
    assert g["headline"] == "Can momentum build in IWM?"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.stem)
def test_the_markdown_brief_is_page_one_complete(case):
    """Every sentence page one prints (the call, its triggers, the lead, the paragraphs, the talking
    points, what changed) is in the Markdown brief, so its 'That is …' always follows the lead."""
    s = json.loads((GOLDEN_DIR / f"{case.stem}.json").read_text())
    md = (GOLDEN_DIR / f"{case.stem}.md").read_text(encoding="utf-8")
    b = s["brief"]
    parts = [b["call_sentence"], *b["change_sentences"], b["lead"], *b["paragraphs"], b["scenario_line"]]
    assert all(p in md for p in parts if p)
    if b["lead"]:
        assert md.index(b["lead"]) < md.index(b["paragraphs"][0])


def test_floats_are_compared_to_their_last_bits_only():
    """A last-digit difference passes; a difference in the eleventh significant digit fails."""
    assert _diff({"v": 0.21691809275416557}, {"v": 0.21691809275416565}) == []
    assert _diff({"v": 0.21691809275416557}, {"v": 0.2169180928}) != []
    a, b = '{"v": 0.21691809275416557}', '{"v": 0.21691809275416565}'
    assert _rounded(a) == _rounded(b) and _rounded(a) != _rounded('{"v": 0.2169180937}')
