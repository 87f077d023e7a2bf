"""What the sixth cold read (and reading its pieces before it) refused, checked against the bundled CSVs."""

from __future__ import annotations

import pandas as pd

from analysis.paths import PROJECT_DIR
from tests.test_cold_read_three import _frame, piece

MACRO = PROJECT_DIR / "analysis" / "data" / "macro"


def _fred(series: str, as_of: str) -> pd.Series:
    frame = pd.read_csv(MACRO / f"{series}.csv.gz", index_col=0, parse_dates=True)
    return frame.iloc[:, 0].dropna().loc[:as_of]


def test_a_fred_reading_from_an_earlier_day_is_dated_on_page_one(market, tmp_path):
    """^TNX 2026-08-21: the high-yield spread behind the talking points is FRED's observation of August 20
    (2.75), not a reading of the piece's session; page one says so ("read +2.75 pp on August 20")."""
    spread = _fred("BAMLH0A0HYM2", "2026-08-21")
    assert spread.index[-1].date().isoformat() == "2026-08-20" and round(spread.iloc[-1], 2) == 2.75
    s = piece(market, "^TNX", "2026-08-21", tmp_path)
    assert "the high-yield spread over Treasuries read +2.75 pp on August 20 (credit)" in " ".join(
        s["brief"]["paragraphs"]
    )


def _rm(ticker: str, as_of: str) -> pd.Series:
    close = _frame(ticker, as_of)["Close"]
    return 100 * (close / close.rolling(200).mean() - 1)


def test_momentum_above_its_average_but_lower_than_a_week_ago_cools_not_builds(market, tmp_path):
    """NVDA 2026-08-21 fell four sessions running; Real Motion (10.0) is above its own 50-DMA (8.0) but
    below where it was a week earlier: the headline says momentum cools, not that it is building."""
    rm = _rm("NVDA", "2026-08-21")
    fast = rm.rolling(50).mean()
    assert rm.iloc[-1] > fast.iloc[-1] and rm.iloc[-1] < rm.iloc[-6]
    s = piece(market, "NVDA", "2026-08-21", tmp_path)
    assert abs(s["real_motion"]["change_week"] - (rm.iloc[-1] - rm.iloc[-6])) < 1e-9
    assert s["headline"] == "Momentum cools in NVDA but holds above its average: can it keep the lead?"


def test_a_lead_regained_yesterday_is_just_back_ahead_not_still_leading(market, tmp_path):
    """IWF 2008-10-10: Leadership against SPY was below zero from September 16 to October 8 and crossed back
    on October 9; the headline says IWF is "just back ahead of SPY", not "still leading"."""
    s = piece(market, "IWF", "2008-10-10", tmp_path)
    assert (s["leadership"]["last_below_zero"], s["leadership"]["streak_vs_zero"]) == ("2008-10-08", 2)
    assert s["headline"] == "IWF is deeply oversold at a 5-year low, just back ahead of SPY: capitulation?"


def _span(ticker: str, as_of: str, months: int) -> float:
    adj = _frame(ticker, as_of)["Adj Close"]
    return adj.iloc[-1] / adj.loc[: adj.index[-1] - pd.DateOffset(months=months)].iloc[-1] - 1


def test_tech_keeps_leading_is_not_supported_when_tech_and_growth_lagged_for_three_months(market, tmp_path):
    """^GSPC 2026-08-21: over three months QQQ lagged SPY by more than 3% and growth (IWF) lagged value
    (IWD) by about 11 points: "tech and growth keep leading" is no longer "leaning supported" on the
    200-day trends of QQQ, SMH and NVDA alone. Page one's context names one reading of the 10-year yield,
    not two."""
    qqq = (1 + _span("QQQ", "2026-08-21", 3)) / (1 + _span("SPY", "2026-08-21", 3)) - 1
    growth = _span("IWF", "2026-08-21", 3) - _span("IWD", "2026-08-21", 3)
    assert qqq < -0.03 and growth < -0.10
    s = piece(market, "^GSPC", "2026-08-21", tmp_path)
    tech = next(sc for sc in s["scenarios"] if sc["id"] == "tech_leads")
    assert tech["verdict"] not in ("supported", "leaning supported") and tech["score"] <= 0
    context = next(p for p in s["brief"]["paragraphs"] if p.startswith("Behind the talking points"))
    assert context.count("10-year yield") == 1 and "the 10-year yield rose 15 bp over three months" in context
