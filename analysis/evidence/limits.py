"""The ranges an evidence item's parameters and thresholds may take (:mod:`analysis.evidence.rules` calls these).

A parameter past its range was a traceback (``window = 2.5``, ``years = 0`` or ``inf``) or, worse, a number
read as evidence that the words misdescribe: a correlation "over 0 common sessions" taken over the whole
history, a week's move from the first row (``sessions = -1``), a median return "over 0 sessions". So each
parameter of :mod:`analysis.evidence.measures` has a range here, and two thresholds that one value can meet
both (``supports = "<= 0.5"``, ``contradicts = ">= -0.5"``) are refused: the value would read "supports" in
silence. Every refusal is an :class:`~analysis.errors.InputError` naming the item and the range.
"""

from __future__ import annotations

import inspect
import math

from analysis.errors import InputError
from analysis.evidence.card import Threshold

#: The most sessions a window may span (as the command line's SLOW and LEVEL_WINDOW).
SESSIONS_MAX = 100_000
#: The most years a look-back may span: the bundled histories start in 1927, and a date 100 years before
#: the earliest of them is still one pandas can hold.
YEARS_MAX = 100

#: Whole-number parameters: their lowest and highest value and what they count.
WHOLE = {
    "window": (1, SESSIONS_MAX, "sessions"),
    "norm": (1, SESSIONS_MAX, "sessions"),
    "fast": (2, SESSIONS_MAX, "sessions"),  # a one-session average has no band (its deviation is zero)
    "slow": (3, SESSIONS_MAX, "sessions"),
    "sessions": (1, SESSIONS_MAX, "sessions"),
    "horizon": (1, SESSIONS_MAX, "sessions"),
    "years": (1, YEARS_MAX, "years"),
    "min_years": (0, YEARS_MAX, "years"),
}
#: A correlation needs two returns: over one it is not a number.
WHOLE_BY_FUNCTION = {("correlation", "window"): (2, SESSIONS_MAX, "sessions")}

#: The numeric fields of each economy measure an item may read (analysis/model/macro.py, century.py).
MACRO_FIELDS = {
    "curve": ("value", "months_inverted", "inverted_months", "months_since_uninversion"),
    "credit": ("value", "change"),
    "claims": ("value", "avg", "low", "pct_above_low"),
    "sahm": ("value", "change"),
    "nfci": ("value",),
    "size_premium_10y": ("value", "percentile"),
    "valuation_small_vs_big": ("value", "percentile"),
    "cape": ("value", "percentile"),
    "after_similar": ("median", "min", "max", "n"),
}


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check(raw: dict, name: str, signature: inspect.Signature, where: str) -> None:
    """Each of ``raw`` (an item's ``params`` for function ``name``) inside its range; ``fast`` below ``slow``."""
    for key, value in raw.items():
        _one(key, value, name, where)
    if "fast" in signature.parameters and "slow" in signature.parameters:
        fast = raw.get("fast", signature.parameters["fast"].default)
        slow = raw.get("slow", signature.parameters["slow"].default)
        if fast >= slow:
            raise InputError(
                f"{where}: {name} parameter fast = {fast} is not below slow = {slow}.",
                "The fast average must be shorter than the slow one, e.g. params = { fast = 50, slow = 200 }.",
            )


def _one(key: str, value: object, name: str, where: str) -> None:
    said = f"{where}: {name} parameter {key} = {value!r}"
    bounds = WHOLE_BY_FUNCTION.get((name, key)) or WHOLE.get(key)
    if bounds is not None:
        low, high, unit = bounds
        if not _whole(value) or not low <= value <= high:
            raise InputError(
                f"{said} is not a whole number from {low} to {high:,} ({unit}).", f"E.g. {key} = {max(low, 1) * 10}."
            )
    elif key == "width" and not (_number(value) and 0.01 <= value <= 100):
        raise InputError(f"{said} is not a number from 0.01 to 100 (standard deviations).", "E.g. width = 2.")
    elif key == "band" and not (_number(value) and 0 < value < 1):
        raise InputError(
            f"{said} is not a number above 0 and below 1 (a fraction of today's level).", "E.g. band = 0.15."
        )
    elif key == "scale" and not (_number(value) and value != 0):
        raise InputError(f"{said} is not a finite number other than 0.", "E.g. scale = 100.")
    elif key == "what" and not (isinstance(value, str) and value.strip()):
        raise InputError(f"{said} is not text.", 'E.g. what = "valuation multiples are not in the price data".')


def field(raw: dict, measure: str, where: str) -> None:
    """An economy item's ``field`` one of its measure's numeric fields (:data:`MACRO_FIELDS`)."""
    value = raw.get("field", "value")
    if value not in MACRO_FIELDS[measure]:
        raise InputError(
            f"{where}: field = {value!r} is not a field of {measure}.",
            f"Use one of: {', '.join(MACRO_FIELDS[measure])}.",
        )


def _example(supports: Threshold, contradicts: Threshold) -> float | None:
    """A value meeting both thresholds, or ``None`` when none does."""
    s_low, c_low = supports.op in (">", ">="), contradicts.op in (">", ">=")
    if s_low == c_low:  # both bound from one side: everything past the farther limit meets both
        return max(supports.limit, contradicts.limit) + 1 if s_low else min(supports.limit, contradicts.limit) - 1
    below, above = (contradicts, supports) if s_low else (supports, contradicts)  # below: "<" or "<="
    if above.limit < below.limit:
        return (above.limit + below.limit) / 2
    if above.limit == below.limit and below.op == "<=" and above.op == ">=":
        return above.limit
    return None


def apart(supports: Threshold | None, contradicts: Threshold | None, where: str) -> None:
    """:class:`InputError` when one value could meet both thresholds: it would read "supports" in silence."""
    if supports is None or contradicts is None:
        return
    value = _example(supports, contradicts)
    if value is not None:
        raise InputError(
            f'{where}: a value of {value:g} meets both supports = "{supports.op} {supports.limit:g}"'
            f' and contradicts = "{contradicts.op} {contradicts.limit:g}".',
            'Keep the two apart, e.g. supports = "<= -0.05" and contradicts = ">= 0.05": a value between them reads neutral.',
        )
