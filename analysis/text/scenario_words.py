"""Sentences for the piece's "Four scenarios" section, written from the ``scenarios`` JSON only.

No number is computed here: each sentence quotes the score, the weights and the strongest
measured evidence (``value_text`` and ``detail``) exactly as :func:`analysis.evidence.score`
reported them.
"""

from __future__ import annotations

from collections.abc import Callable

from analysis.fmt import join, plain_pct, signed
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


def _fell(u: Reading, slow: str, many: bool) -> str:
    return f"fell {join([plain_pct(-(v or 0)) for v in u['values']])} in five sessions"


#: What a false premise (``unmet``) says about its series: the predicate after their names.
_UNMET: dict[str, Callable[[Reading, str, bool], str]] = {
    "above_slow": lambda u, slow, many: (
        f"are below their {slow}s, not in an uptrend" if many else f"is below its {slow}, not in an uptrend"
    ),
    "below_slow": lambda u, slow, many: (
        f"are above their {slow}s, not in a decline" if many else f"is above its {slow}, not in a decline"
    ),
    "stretched": lambda u, slow, many: (
        "are not stretched, their Real Motion not above their bands"
        if many
        else f"is not stretched, its Real Motion {'below' if (u['values'][0] or 0) < -2 else 'inside'} its band"
    ),
    "no_sharp_fall": _fell,
}


def unmet_words(scenario: Reading, slow: str, first: bool = False) -> str:
    """Why a talking point does not apply now, from its false premises (``slow``: the slow average's name;
    ``first``: the first false premise only, as page one says it): ``QQQ and SMH are below their 200-DMAs,
    not in an uptrend``; ``LQD is below its 200-DMA, not in an uptrend, and fell 13.3% in five sessions``."""
    parts, last = [], None
    for u in scenario["unmet"][:1] if first else scenario["unmet"]:
        who = join(list(u["series"]))
        said = _UNMET[u["condition"]](u, slow, len(u["series"]) > 1)
        parts.append(said if who == last else f"{who} {said}")
        last = who
    return ", and ".join(parts)


def unscored(none: list[SummaryDict], name: Callable[[SummaryDict, bool], str]) -> str:
    """The clauses of page one's talking-points line on those not scored (``none``; ``name(sc, score)``
    names one): a premise whose series cannot be read (missing or stale: its reason), a premise with
    too little history, and too little current data; each clause with its leading space."""

    def names(group: list[SummaryDict]) -> str:
        return f"talking point{'s' if len(group) > 1 else ''} " + join([name(sc, False) for sc in group])

    line = ""
    unknown = [sc for sc in none if sc.get("applies", True) is None]
    for sc in (sc for sc in unknown if sc.get("unread")):  # not a matter of history: the series cannot be read
        line += f" Cannot tell whether {names([sc])} applies now: {'; '.join(u['reason'] for u in sc['unread'])}."
    if short := [sc for sc in unknown if not sc.get("unread")]:
        line += f" Too little history to tell whether {names(short)} {'applies' if len(short) == 1 else 'apply'} now."
    if weigh := [sc for sc in none if sc not in unknown]:
        line += f" Too little current data to weigh {names(weigh)}."
    return line


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


def sentence(scenario: Reading, slow: str = "200-DMA") -> str:
    """One sentence (or two) for one scenario: verdict, score, weight measured, strongest evidence, gaps."""
    score, verdict = scenario["score"], scenario["verdict"]
    measured = f"{scenario['available_weight']:g} of {scenario['total_weight']:g} weight measured"
    head = f"“{scenario['title']}”: {PHRASES[verdict]}"
    if verdict == "does not apply":
        head += f", since {unmet_words(scenario, slow)}"
    elif scenario.get("unread"):  # a premise's series cannot be read: whether it applies is unknown
        head += f", since whether it applies cannot be told: {'; '.join(u['reason'] for u in scenario['unread'])}"
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


def sentences(scenarios: list[SummaryDict], slow: str = "200-DMA") -> list[str]:
    """One entry per scenario, then the reminder that scores are tallies, not forecasts."""
    return [sentence(s, slow) for s in scenarios] + [DISCLAIMER]


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
