"""Sentences for the piece's "Four scenarios" section, written from the ``scenarios`` JSON only.

No number is computed here: each sentence quotes the score, the weights and the strongest
measured evidence (``value_text`` and ``detail``) exactly as :func:`analysis.evidence.score`
reported them.
"""

from __future__ import annotations

from analysis.fmt import signed
from analysis.model.types import Reading, SummaryDict

#: How a verdict reads in a sentence.
PHRASES = {
    "supported": "the evidence supports it",
    "leaning supported": "the evidence leans in its favour",
    "mixed": "the evidence is mixed",
    "leaning contradicted": "the evidence leans against it",
    "contradicted": "the evidence contradicts it",
    "not enough evidence": "there is not enough current evidence to weigh it",
    "split": "the evidence supports it exactly as much as its opposite, so it decides neither",
    "outweighed": "the evidence supports it, but supports its opposite more",
    "does not apply": "it does not apply now",
}

#: What a talking point with ``requires`` is said of.
_NEEDS = {
    "above_slow": "since it is said of a rally and the close is below its slow average",
    "below_slow": "since it is said of a decline and the close is above its slow average",
}

DISCLAIMER = (
    "Scores are tallies of the evidence listed, each read against a stated threshold;"
    " they are not forecasts and not probabilities."
)


def _strongest(evidence: list[SummaryDict], reading: str) -> SummaryDict | None:
    found = [e for e in evidence if e["reading"] == reading and e["weight"] > 0]
    return max(found, key=lambda e: e["weight"]) if found else None


def _cite(item: Reading) -> str:
    first = item["detail"].split("; ")[0] if item["detail"] else ""
    return f"{item['name']}, {item['value_text']}" + (f" ({first})" if first else "")


def sentence(scenario: Reading) -> str:
    """One sentence (or two) for one scenario: verdict, score, weight measured, strongest evidence, gaps."""
    score, verdict = scenario["score"], scenario["verdict"]
    measured = f"{scenario['available_weight']:g} of {scenario['total_weight']:g} weight measured"
    head = f"“{scenario['title']}”: {PHRASES[verdict]}"
    if verdict == "does not apply":
        head += f", {_NEEDS.get(str(scenario.get('requires')), 'its condition is not met')}"
    head += f" (score {signed(score)}, {measured})." if score is not None else f" ({measured})."
    if verdict == "does not apply":  # shown, not weighed: no evidence is cited for or against it
        return head
    parts = [head]
    ev = scenario["evidence"]
    lead = _strongest(ev, "supports" if (score or 0) >= 0 else "contradicts")
    other = _strongest(ev, "contradicts" if (score or 0) >= 0 else "supports")
    if lead:
        parts.append(f"{'For' if lead['reading'] == 'supports' else 'Against'}: {_cite(lead)}.")
    if other:
        parts.append(f"{'For' if other['reading'] == 'supports' else 'Against'}: {_cite(other)}.")
    missing = [e for e in ev if e["reading"] == "unavailable" and e["weight"] > 0]
    if missing:
        parts.append("Not measured: " + "; ".join(f"{e['name']} ({e['reason']})" for e in missing) + ".")
    return " ".join(parts)


def sentences(scenarios: list[SummaryDict]) -> list[str]:
    """One entry per scenario, then the reminder that scores are tallies, not forecasts."""
    return [sentence(s) for s in scenarios] + [DISCLAIMER]


def family_summary(family: Reading) -> str:
    """The family in one or two sentences: phases of the current members, who leads, who is not counted."""
    members, benchmark = family["members"], family["benchmark"]
    current = [m for m in members if m["status"] == "current" and m["phase"]]
    if not current:
        text = "No member has current data."
    else:
        parts = [
            f"{n} {p} ({', '.join(m['ticker'] for m in current if m['phase'] == p)})"
            for p, n in family["counts"].items()
        ]
        text = (
            f"Of {len(current)} member{'s' if len(current) != 1 else ''} with current data: " + "; ".join(parts) + "."
        )
        leading = [m["ticker"] for m in current if m["lead_above_zero"]]
        text += f" {len(leading)} of {len(current)} lead {benchmark} (Leadership above zero)."
    others = [m for m in members if m["status"] != "current"]
    if others:
        text += (
            " Not counted: "
            + ", ".join(f"{m['ticker']} ({m['reason'].removeprefix(m['ticker'] + ' ')})" for m in others)
            + "."
        )
    return text
