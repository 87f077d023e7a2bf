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


def test_a_yield_at_a_52_week_high_names_the_older_high_above_before_its_record(market, tmp_path):
    """^TNX 2026-08-21 closed 1 bp under its 52-week high; above that, 4.80% (January 13, 2025) is the highest
    close since October 2023, long before its 5.51% record of 2001. The box named the record next; it names
    the January 2025 high, with its span."""
    close = _frame("^TNX", "2026-08-21")["Close"]
    jan = close.loc["2025-01-01":"2025-01-31"]
    assert jan.idxmax().date().isoformat() == "2025-01-13" and round(jan.max(), 2) == 4.80
    assert close.loc["2025-01-14":].max() < jan.max()  # no later close reached it
    assert close.loc[:"2025-01-12"][close.loc[:"2025-01-12"] > jan.max()].index[-1].strftime("%Y-%m") == "2023-10"
    s = piece(market, "^TNX", "2026-08-21", tmp_path)
    rows = [(r["text"], r["what"]) for r in s["brief"]["levels"]["resistance"]]
    assert rows[:2] == [
        ("4.75%", "highest close since Jan 2025, Jul 31"),
        ("4.80%", "Jan 2025 high, the highest since Oct 2023"),
    ]


def test_a_52_week_low_merged_into_the_record_lows_zone_is_still_in_the_box(market, tmp_path):
    """TLT 2026-08-21: its 52-week low, 81.35 on August 17 (0.9% below the close), lay within 1% of its record
    low (80.65, May 2004) and the box named only the record; it lists both, the record as a third row."""
    close = _frame("TLT", "2026-08-21")["Close"]
    assert close.iloc[-252:].idxmin().date().isoformat() == "2026-08-17" and round(close.iloc[-252:].min(), 2) == 81.35
    assert round(close.min(), 2) == 80.65
    s = piece(market, "TLT", "2026-08-21", tmp_path)
    support = [r["text"] for r in s["brief"]["levels"]["support"]]
    assert support == ["82.04", "81.35", "80.65"]


def test_a_bond_funds_drawdown_also_says_how_deep_it_is_with_its_income(market, tmp_path):
    """TLT 2026-08-21 is 52.2% below its record close in price, but its interest makes up much of a
    bond fund's return: with it reinvested (Adj Close) it is 42.3% below its peak, and page one says both."""
    frame = _frame("TLT", "2026-08-21")
    price = frame["Close"].iloc[-1] / frame["Close"].max() - 1
    income = frame["Adj Close"].iloc[-1] / frame["Adj Close"].max() - 1
    assert (round(price, 3), round(income, 3)) == (-0.522, -0.423)
    s = piece(market, "TLT", "2026-08-21", tmp_path)
    said = " ".join([s["brief"]["lead"] or "", *s["brief"]["paragraphs"]])
    assert "TLT is 52.2% below its record close of 171.57 (August 4, 2020)" in said
    assert "with its income reinvested it is 42.3% below its peak" in said
