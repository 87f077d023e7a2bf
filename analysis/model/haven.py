"""A fund's own week, read before its lead over stocks is called a flight to safety.

A bond fund's Leadership above zero (profile ``leadership = "risk_off"``) reads as money seeking
safety only while the fund itself holds up. A second cold read refused "money is seeking safety"
for LQD on 2020-03-20: it had just fallen 13.3% in five sessions, its worst five sessions on
record, and led SPY only because SPY fell 15%. :func:`haven` says which it is; the words are the
text's. :func:`sharp_fall` is the one rule for "the fund fell hard this week", shared with the
scorecard's ``no_sharp_fall`` premise ("the recession bid: bonds gain as stocks fall").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.model.session import NOTABLE_WEEK, WEEK, moves, percentile
from analysis.model.units import Units, units

#: The unit of a price's move: a fraction of the earlier close.
RETURN = units("price")


def week_move(close: pd.Series, unit: Units = RETURN) -> float | None:
    """The last five-session move of ``close`` as :func:`analysis.model.session.moves` measures it."""
    week = moves(close.astype(float), unit, WEEK).dropna()
    return float(week.iloc[-1]) if len(week) else None


def sharp_fall(close: pd.Series, unit: Units = RETURN) -> bool | None:
    """Whether the last five sessions of ``close`` are a fall larger than on :data:`NOTABLE_WEEK` of the
    earlier five-session spans (the rule the day paragraph uses for a notable week); ``None`` with too
    little history."""
    week = moves(close.astype(float), unit, WEEK).dropna()
    if len(week) < 2:
        return None
    now = float(week.iloc[-1])
    share = percentile(np.sort(np.abs(week.iloc[:-1].to_numpy(float))), abs(now))
    return bool(now < 0 and share is not None and share >= NOTABLE_WEEK)


def haven(lead: float | None, fund: pd.Series, stocks: pd.Series, unit: Units = RETURN) -> str | None:
    """What a fund's lead over stocks (``lead`` > 0) says on its as-of session: ``sought`` (money seeking
    safety: the fund is not in a sharp five-session fall), ``falling_less`` (it fell hard, stocks harder),
    ``falling`` (it fell hard, stocks did not fall more); ``None`` without a lead. ``fund`` and ``stocks``
    are closes on the same sessions."""
    if lead is None or lead <= 0:
        return None
    if not sharp_fall(fund, unit):
        return "sought"
    mine, theirs = week_move(fund, unit), week_move(stocks, unit)
    return "falling_less" if mine is not None and theirs is not None and theirs < mine else "falling"
