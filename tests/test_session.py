"""The day first: the as-of session's move, measured against the ticker's own history (known values
recomputed from the bundled CSVs with a plain loop)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.model.session import NOTABLE_DAY, session
from analysis.model.units import units
from analysis.paths import SNAPSHOT_DIR
from tests.golden_cases import piece as golden_piece


def _closes(ticker: str, as_of: str) -> pd.Series:
    frame = pd.read_csv(SNAPSHOT_DIR / f"{ticker.replace('^', '_')}.csv.gz", index_col=0, parse_dates=True)
    return frame.loc[:as_of, "Close"].dropna()


@pytest.mark.parametrize(
    ("ticker", "as_of", "returns"),
    [
        ("KRE", "2023-03-13", "total"),
        ("NVDA", "2020-03-16", "total"),
        ("^VIX", "2020-03-16", "points"),
        ("^TNX", "2020-08-04", "basis_points"),
    ],
)
def test_the_days_move_and_its_rank_are_the_csvs(market, ticker, as_of, returns):
    """The move in the ticker's units; its rank among the earlier moves in size, a gauge's as a fraction of
    its level (its points scale with it: ^VIX's 24.86 points on 2020-03-16 was 43%, its largest ever)."""
    close = _closes(ticker, as_of)
    u = units(returns)
    said = (close / close.shift(1) - 1) if u.is_return else u.level_scale * (close - close.shift(1))
    ranked = (close / close.shift(1) - 1) if returns in ("total", "points") else said
    moves = ranked.dropna()
    now, earlier = moves.iloc[-1], moves.iloc[:-1]
    got = session(market.prices(ticker).loc[:as_of], u)
    assert got["day"]["move"] == pytest.approx(said.iloc[-1])
    assert got["day"]["percentile"] == pytest.approx(sum(abs(m) < abs(now) for m in earlier) / len(earlier))
    same_way = [d for d, m in earlier.items() if (m <= now if now < 0 else m >= now)]
    assert got["day"]["last_as_large"] == (same_way[-1].date().isoformat() if same_way else None)
    assert got["notable_day"] == (got["day"]["percentile"] >= NOTABLE_DAY)


def test_a_crash_day_leads_page_one(market, tmp_path):
    """KRE 2023-03-13 (regional banks after SVB): the lead opens with the day, its rank and the week."""
    s = golden_piece(market, "KRE", "2023-03-13", tmp_path)
    lead = s["brief"]["lead"]
    assert lead.startswith("KRE fell 12.3% on March 13, 2023, its largest one-day fall since March 16, 2020.")
    assert "Over five sessions it is down 25.8%" in lead and s["brief"]["session_line"] == ""


def test_a_calm_day_is_said_beside_the_levels(market, tmp_path):
    s = golden_piece(market, "IWM", "2024-07-08", tmp_path)
    assert s["brief"]["session_line"] == "IWM rose 0.7% on July 8, 2024, an ordinary move for it."
    assert "IWM rose" not in s["brief"]["lead"]


def test_a_gauge_moves_in_points_and_a_yield_in_bp(market, tmp_path):
    vix = golden_piece(market, "^VIX", "2020-03-16", tmp_path)
    assert vix["brief"]["lead"].startswith(
        # ranked as a fraction of its level: February 24, 2020's +46.6% was larger (third cold read)
        "^VIX rose 24.86 points (43.0%) on March 16, 2020, a rise larger in percent than on 99.8% of its sessions,"
        " after a larger one on February 24, 2020."
    )
    tnx = golden_piece(market, "^TNX", "2020-08-04", tmp_path)
    assert tnx["brief"]["session_line"].startswith("^TNX fell 5 bp on August 4, 2020")


def test_a_rare_move_is_never_said_to_beat_all_sessions_when_one_was_larger(market, tmp_path):
    """LQD 2020-03-19 fell 4.9%, less than on March 18: its percentile rounds to 100%, but the piece
    says 99.9% (never a rounded 'all'), and names the larger day."""
    s = golden_piece(market, "LQD", "2020-03-19", tmp_path)
    lead = s["brief"]["lead"]
    assert "larger than on 99.9% of its sessions, after a larger one on March 18, 2020" in lead
    assert "100%" not in lead


def _frame(ticker: str, as_of: str) -> pd.DataFrame:
    frame = pd.read_csv(SNAPSHOT_DIR / f"{ticker.replace('^', '_')}.csv.gz", index_col=0, parse_dates=True)
    return frame.loc[:as_of].dropna(subset=["Close"])


@pytest.mark.parametrize(
    ("ticker", "as_of", "way"),
    [("SMH", "2022-10-13", "up"), ("QQQ", "2025-04-08", "down"), ("IWM", "2024-07-08", None)],
)
def test_a_session_that_turned_round_is_a_reversal(market, tmp_path, ticker, as_of, way):
    """SMH 2022-10-13 fell 4.9% to a new low and closed 3.1% higher; QQQ 2025-04-08 rose 4.6% and closed
    1.8% lower (a cold read missed both); IWM 2024-07-08 was an ordinary day. From the CSV: the swing from
    the day's extreme to the close, across the previous close, against the 95th percentile of daily moves."""
    f = _frame(ticker, as_of)
    prev, last = f["Close"].iloc[-2], f.iloc[-1]
    sizes = (f["Close"].pct_change().abs()).dropna()
    got = session(market.prices(ticker).loc[:as_of], units("total"))["reversal"]
    if way is None:
        assert got is None
        return
    extreme = last["Low"] if way == "up" else last["High"]
    assert got["way"] == way and got["extreme"] == pytest.approx(extreme)
    assert got["extreme_move"] == pytest.approx(extreme / prev - 1)
    assert got["close_move"] == pytest.approx(last["Close"] / prev - 1)
    assert got["swing"] >= sizes.quantile(NOTABLE_DAY, interpolation="linear") * 0.999
    s = golden_piece(market, ticker, as_of, tmp_path)
    went = "fell" if way == "up" else "rose"
    assert f"Intraday it {went} as much as {abs(extreme / prev - 1):.1%}" in s["brief"]["lead"]


@pytest.mark.parametrize(("ticker", "as_of"), [("IWM", "2020-03-18"), ("TLT", "2022-10-21"), ("^VIX", "2024-08-05")])
def test_the_largest_moves_are_the_csvs_up_to_as_of(market, ticker, as_of):
    """Largest by size as ranked (a gauge's as a fraction: ^VIX's largest rise to 2024-08-05 is
    2018-02-05's +116%, 20.01 points, not 2020-03-16's 24.86 points), the move in the ticker's units."""
    close = _closes(ticker, as_of)
    u = units("points" if ticker.startswith("^") else "total")
    ranked, said = close.pct_change().dropna(), (close.pct_change() if u.is_return else close.diff()).dropna()
    got = session(market.prices(ticker).loc[:as_of], u)
    for key, when in (("largest_rise", ranked.idxmax()), ("largest_fall", ranked.idxmin())):
        expected = {"move": pytest.approx(said.loc[when]), "size": pytest.approx(abs(ranked.loc[when]))}
        assert got[key] == {**expected, "date": when.date().isoformat()}
    if ticker == "^VIX":
        assert got["largest_rise"]["date"] == "2018-02-05" and got["largest_rise"]["move"] == pytest.approx(
            20.01, abs=0.01
        )
