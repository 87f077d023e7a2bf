"""The IWM 2024-07-08 summary, every key and value, pinned: a refactor must not change what a reader sees.

``tests/golden/IWM_2024-07-08.json`` was written by ``python -m analysis summary --ticker IWM
--as-of 2024-07-08 --source snapshot`` before the code was reorganised into stage packages.
A change that is meant to alter the piece regenerates it with the same command, run with
``MOMENTUM_REPORTS_DIR`` set to an empty folder so that ``since_last`` compares with five
sessions back as here (the diff is reviewed like code); any other difference fails here, key by key.
"""

from __future__ import annotations

import json

from analysis import summary
from analysis.params import Request
from tests.conftest import AS_OF, TESTS_DIR

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
    return [] if old == new else [f"{path}: {old!r} -> {new!r}"]


def test_iwm_summary_matches_the_golden_file(market):
    built = summary.build(Request.parse("IWM", "SPY", AS_OF, "snapshot"), market)
    text = summary.to_json(built.data)
    differences = _diff(json.loads(GOLDEN.read_text()), json.loads(text))
    assert not differences, "\n".join(differences[:40])
    assert text == GOLDEN.read_text()  # same key order and number formatting too


def test_the_golden_file_is_the_model_commentary(market):
    """The figures the July 2024 commentary states, read from the pinned file itself."""
    g = json.loads(GOLDEN.read_text())
    assert (g["ticker"], g["as_of"], g["phase"]) == ("IWM", AS_OF, "warning")
    assert round(g["level_to_clear"]["price"], 2) == 205.06
    assert g["confirmation"]["n"] == 2 and not g["confirmation"]["confirmed"]
    assert g["headline"] == "Can momentum build in IWM?"
