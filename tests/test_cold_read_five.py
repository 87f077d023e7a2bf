"""What the fifth cold read (and reading its pieces before it) refused, checked against the bundled CSVs."""

from __future__ import annotations

import pandas as pd

from tests.test_cold_read_three import _frame, piece


def _month(ticker: str, as_of: str) -> float:
    """Total return over the calendar month to ``as_of`` (the last close on or before the same day a month
    earlier), from the dividend-adjusted closes."""
    adj = _frame(ticker, as_of)["Adj Close"]
    start = adj.loc[: (adj.index[-1] - pd.DateOffset(months=1))].iloc[-1]
    return adj.iloc[-1] / start - 1


def test_the_bifurcation_is_not_supported_in_a_month_small_caps_led(market, tmp_path):
    """IWM 2024-07-16, after its 11.5% five-session rise: QQQ lagged IWM by about 8% over the month, so
    "tech and growth keep rising; the bifurcation continues" leans supported on the 200-day trends but is
    no longer "supported" (+1.00), as it was on July 8 when QQQ had led by about 7%."""
    lag = (1 + _month("QQQ", "2024-07-16")) / (1 + _month("IWM", "2024-07-16")) - 1
    assert lag < -0.02
    late = piece(market, "IWM", "2024-07-16", tmp_path / "late")
    tech = next(s for s in late["scenarios"] if s["id"] == "tech_bifurcation")
    month = next(e for e in tech["evidence"] if e["name"].startswith("Last month"))
    assert month["reading"] == "contradicts" and abs(month["value"] - lag) < 0.005
    assert tech["verdict"] == "leaning supported"
    early = piece(market, "IWM", "2024-07-08", tmp_path / "early")
    assert next(s for s in early["scenarios"] if s["id"] == "tech_bifurcation")["verdict"] == "supported"
