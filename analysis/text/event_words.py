"""The names of the event study's triggers and of the current state (:mod:`analysis.model.events`).

The model keeps ids and directions; the words are here, named with the piece's settings
(``fast = 20`` names the "20-DMA"). :func:`labelled` and :func:`labelled_state` give the
study's dicts their ``trigger`` / ``label`` for the JSON, the tables and the charts.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis.model.types import Reading, SummaryDict

#: Each trigger's name; ``{n}`` is confirm_n, ``{w}`` the level window, ``{f}`` the fast average's sessions.
TRIGGER_LABELS = {
    "closes_above_sma50": "{n} closes above the {f}-DMA",
    "level_cleared": "Close clears the {w}-session high",
    "real_motion_above_fast": "Real Motion crosses above its {f}-DMA",
    "leadership_above_zero": "Leadership crosses above zero",
    "leadership_above_band": "Leadership crosses above its upper band",
    "warning_to_bullish": "Phase: warning \u2192 bullish",
    "recovery_to_accumulation": "Phase: recovery \u2192 accumulation",
    "closes_below_sma50": "{n} closes below the {f}-DMA",
    "real_motion_below_fast": "Real Motion crosses below its {f}-DMA",
    "leadership_below_zero": "Leadership crosses below zero",
    "bullish_to_warning": "Phase: bullish \u2192 warning",
}


def trigger_label(trigger_id: str, *, confirm_n: int, level_window: int, fast: int) -> str:
    """``2 closes above the 50-DMA``: a trigger's name with the piece's settings."""
    return TRIGGER_LABELS[trigger_id].format(n=confirm_n, w=level_window, f=fast)


def state_words(phase: str, rm_above: bool, fast: int) -> str:
    """``warning phase, Real Motion below its 50-DMA``: the as-of session's state."""
    return f"{phase} phase, Real Motion {'above' if rm_above else 'below'} its {fast}-DMA"


def labelled(items: Sequence[Reading], *, confirm_n: int, level_window: int, fast: int) -> list[SummaryDict]:
    """The event study's items, each with its ``trigger`` name after its ``id`` (new dicts)."""
    return [
        {"id": i["id"], "trigger": trigger_label(i["id"], confirm_n=confirm_n, level_window=level_window, fast=fast)}
        | {k: v for k, v in i.items() if k != "id"}
        for i in items
    ]


def labelled_state(state: Reading | None, *, fast: int) -> SummaryDict | None:
    """The state study's dict with its ``label`` (``Now: …``) after its ``id`` (a new dict)."""
    if state is None:
        return None
    label = "Now: " + state_words(state["phase"], state["real_motion"] == "above", fast)
    return {"id": state["id"], "label": label} | {k: v for k, v in state.items() if k != "id"}
