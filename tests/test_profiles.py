"""Any ticker, any moment: profiles, scenario sets and one value per quantity, on the bundled real data."""

from __future__ import annotations

import csv
import gzip
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from analysis import summary
from analysis.data import snapshot
from analysis.model.profile import assign
from analysis.params import Request
from tests.conftest import PROJECT_DIR


def closes(ticker: str) -> list[tuple[str, float]]:
    """A bundled file's (date, close) rows, read with the csv module (independently of the product)."""
    with gzip.open(PROJECT_DIR / "analysis" / "data" / "prices" / f"{ticker.replace('^', '_')}.csv.gz", "rt") as fh:
        return [(row["Date"][:10], float(row["Close"])) for row in csv.DictReader(fh) if row["Close"]]


def piece(market, ticker: str, day: str, benchmark: str = "SPY", parts=summary.PARTS) -> dict:
    return summary.build(Request.parse(ticker, benchmark, day, "snapshot"), market, parts=parts).data


#: What the random-date checks read (one value per quantity, levels on the right side): every part
#: but the comparison with five sessions back, which they do not look at.
WITHOUT_SINCE = tuple(p for p in summary.PARTS if p != "since")


@pytest.mark.parametrize(
    "ticker, kind",
    [
        ("IWM", "equity"),
        ("NVDA", "equity"),
        ("^GSPC", "equity_index"),
        ("^RUT", "equity_index"),
        ("TLT", "bond_fund"),
        ("HYG", "credit"),
        ("^TNX", "yield"),
        ("^IRX", "yield"),
        ("^VIX", "volatility"),
        ("BTC-USD", "crypto"),
        ("ETH-USD", "crypto"),
        ("^SOX", "equity_index"),
    ],
)
def test_profiles_by_list_and_rule(ticker, kind):
    assert assign(ticker).kind == kind
    assert assign(ticker).reason


def test_an_index_and_its_fund_have_no_leadership_against_each_other():
    p = assign("^GSPC", "SPY")
    assert (p.leadership, p.equivalent_to) == ("hidden", "SPY")
    assert assign("^GSPC", "IWM").leadership == "shown"


def test_btc_runs_on_its_own_calendar(market):
    """BTC-USD's 50-DMA is the mean of its last 50 daily closes (weekends included), not of 50 weekdays."""
    s = piece(market, "BTC-USD", "2021-11-10")
    rows = [c for d, c in closes("BTC-USD") if d <= "2021-11-10"]
    assert_allclose(s["sma50"], sum(rows[-50:]) / 50, rtol=1e-12)
    assert_allclose(s["sma200"], sum(rows[-200:]) / 200, rtol=1e-12)
    assert s["data"]["sessions"] > s["data"]["common_sessions"]
    stretched = next(e for sc in s["scenarios"] for e in sc["evidence"] if e["name"].startswith("BTC-USD distance"))
    assert_allclose(stretched["value"], s["pct_from_sma200"], rtol=1e-12)  # one value on page 1 and in the scorecard
    weekend = piece(market, "BTC-USD", "2022-06-18")  # a Saturday is a session for crypto
    assert weekend["as_of"] == "2022-06-18" and weekend["as_of_note"] == ""


def test_vix_is_read_as_fear(market):
    s = piece(market, "^VIX", "2020-03-16")
    assert s["profile"]["leadership"] == "hidden" and not s["profile"]["volume"]
    assert s["headline"] == "Fear is rising: ^VIX at 82.69, a record close"
    text = " ".join(sum(s["narrative"].values(), []))
    assert "dividends" not in text and "is leading SPY" not in text and "Leadership reading" not in text
    assert s["level_to_clear"]["kind"] == "at_high" and s["level_to_clear"]["at"] == "all_time"
    assert s["scenario_set"]["id"] == "volatility"
    assert not [h for h in s["history"] if h["id"].startswith("leadership")]


def test_yields_move_in_basis_points(market):
    s = piece(market, "^TNX", "2023-10-19")
    rows = dict(closes("^TNX"))
    days = sorted(d for d in rows if d <= "2023-10-19")
    year_ago = max(d for d in days if d <= "2022-10-19")
    assert_allclose(s["relative_performance"]["1y"]["ticker"], 100 * (rows["2023-10-19"] - rows[year_ago]), rtol=1e-9)
    assert "bp" in " ".join(s["narrative"]["performance"]) and s["headline"].startswith("Yields are rising")


def test_a_bond_fund_weighs_rates_and_credit(market):
    s = piece(market, "TLT", "2022-10-21")
    assert s["scenario_set"]["id"] == "bonds"
    series = {x for sc in s["scenarios"] for e in sc["evidence"] for x in e["series"]}
    assert {"^TNX", "BAMLH0A0HYM2", "T10Y3M"} <= series
    assert "not acting as a safe haven" in " ".join(s["narrative"]["leadership"])  # lagging SPY, at a 52-week low


def test_a_price_index_has_price_returns(market):
    s = piece(market, "^GSPC", "2024-07-08")
    rows = dict(closes("^GSPC"))
    start = s["relative_performance"]["1y"]["start"]
    assert_allclose(s["relative_performance"]["1y"]["ticker"], rows["2024-07-08"] / rows[start] - 1, rtol=1e-9)
    assert "without dividends" in " ".join(s["narrative"]["performance"])


def test_nvda_is_not_weighed_on_small_cap_talking_points(market):
    s = piece(market, "NVDA", "2025-04-08")
    assert s["scenario_set"]["id"] == "large_caps"
    assert "underperformed for 10 years" not in " ".join(sc["title"] for sc in s["scenarios"])
    left = [x["name"] for sc in s["scenarios"] for x in sc["left_out"]]
    assert "NVDA Leadership vs SPY" in left


CASES = [
    (t, d)
    for t in ("IWM", "QQQ", "NVDA", "TLT", "HYG", "KRE", "XLP", "^GSPC", "^VIX", "^TNX", "BTC-USD")
    for d in ("2020-03-23", "2022-10-14", "2024-07-08")
]


def one_value_problems(s: dict) -> list[str]:
    """Quantities that appear twice with two values, and evidence that measures the ticker against itself."""
    out, t, b = [], s["ticker"], s["benchmark"]
    for sc in s["scenarios"]:
        for e in sc["evidence"]:
            if len(set(e["series"])) < len(e["series"]):
                out.append(f"{e['name']} compares a series with itself")
            fixed = [x for x in e["series"] if x != t] if not e["own"] else []
            if t in fixed:
                out.append(f"{e['name']} uses {t} as independent evidence")
            if e["function"] == "relative_trend" and e["series"] == [t, b] and e["value"] is not None:
                if abs(e["value"] - s["leadership"]["value"]) > 1e-9:
                    out.append(f"Leadership {s['leadership']['value']} vs {e['value']} in '{e['name']}'")
            if (
                e["function"] == "distance_from_sma"
                and e["series"] == [t]
                and e["value"] is not None
                and "200-DMA" in e["name"]
                and abs(e["value"] - s["pct_from_sma200"]) > 1e-9
            ):
                out.append(f"distance from the 200-DMA {s['pct_from_sma200']} vs {e['value']}")
            if (
                e["function"] == "real_motion_z"
                and e["series"] == [t]
                and e["value"] is not None
                and abs(e["value"] - s["real_motion"]["z"]) > 1e-9
            ):
                out.append(f"Real Motion z {s['real_motion']['z']} vs {e['value']}")
    z, band = s["real_motion"]["z"], s["real_motion"]["band_position"]
    if z is not None and band is not None and (abs(z) > 2) != (band != "inside"):
        out.append(f"z {z:+.2f} but the band position is {band}")
    return out


def level_problems(s: dict) -> list[str]:
    lv = s["level_to_clear"]
    if lv["origin"] != "computed":
        return []
    if lv["price"] is None:
        return [] if lv["kind"] == "at_high" else ["no level and not at a high"]
    bad = []
    if lv["price"] <= s["close"]:
        bad.append(f"level {lv['price']} not above the close {s['close']}")
    if s["sma50"] is not None and lv["price"] <= s["sma50"]:
        bad.append(f"level {lv['price']} not above the 50-DMA {s['sma50']}")
    return bad


@pytest.mark.parametrize("ticker, day", CASES, ids=lambda x: str(x))
def test_one_value_per_quantity_and_levels_that_mean_something(market, ticker, day):
    s = piece(market, ticker, day, parts=WITHOUT_SINCE)  # reads the narrative and levels, not since-last
    assert one_value_problems(s) == [] and level_problems(s) == []
    text = " ".join(sum(s["narrative"].values(), [])) + " " + s["headline"]
    assert not re.search(r"\d,\d{3}\.\d{2}", text), "no cents above 1,000"
    if s["profile"]["leadership"] == "hidden":
        assert "Leadership reading" not in text and f"{ticker} is leading" not in text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(set(snapshot.tickers()) - {"SPY"})), st.floats(min_value=0.2, max_value=1.0))
@pytest.mark.slow  # several seconds in one process: the whole suite (make check) runs it
def test_random_tickers_and_dates(market, ticker, where):
    """Property: for any bundled ticker and date, no self-comparison, one value per label, a level above both."""
    frame = market.prices(ticker)
    spy = market.prices("SPY")
    common = frame.index.intersection(spy.index)
    if len(common) < 600:
        return
    day = common[int(where * (len(common) - 1))]
    if day < common[450]:
        day = common[450]
    s = piece(market, ticker, day.date().isoformat(), parts=WITHOUT_SINCE)
    assert one_value_problems(s) == [] and level_problems(s) == []


def state(s: dict) -> tuple:
    """A market state: phase, Real Motion's side of its 50-DMA, Leadership's sign (``None`` where the
    profile hides it) and the leading unusual fact (``None`` when nothing is unusual)."""
    top = (s.get("unusual") or [None])[0]
    lead = None if s["profile"]["leadership"] == "hidden" else (s["leadership"]["value"] or 0) > 0
    return s["phase"], s["real_motion"]["above_fast"], lead, top["id"] if top and top["unusual"] else None


def bare(s: dict) -> str:
    """The headline without its ticker and its numbers: only the words can tell two states apart."""
    return re.sub(r"[−+]?\d[\d,.]*%?", "#", s["headline"].replace(s["ticker"], "T"))


def test_different_states_never_share_a_headline(market):
    """Across the 33 cases, two pieces in different states never have the same headline words."""
    from analysis.model.facts import facts
    from analysis.model.study import build
    from analysis.text import narrative

    seen: dict[str, set] = {}
    for ticker, day in CASES:
        s = facts(build(market, ticker, "SPY", day), assign(ticker, "SPY"))
        s["headline"] = narrative.headline(s)
        seen.setdefault(bare(s), set()).add(state(s))
    shared = {text: states for text, states in seen.items() if len(states) > 1}
    assert not shared
    assert len(seen) >= 25  # the 33 cases hold at least 25 states; most read differently
    assert seen["Can momentum build in T?"] == {("warning", False, False, None)}  # IWM and KRE, 2024-07-08
