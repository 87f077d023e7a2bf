"""The scenario scorecard: known values at IWM vs SPY on 2024-07-08, recomputed here from the
snapshot frames; unavailable series; configuration as data; no look-ahead; the chart."""

from __future__ import annotations

import copy
import json
import os
import tomllib

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis import evidence as scenarios
from analysis import summary
from analysis.data import Market, until
from analysis.errors import InputError
from analysis.evidence import measures as evidence
from analysis.model.facts import facts as summarize
from analysis.model.study import build
from analysis.params import Request
from analysis.paths import CONFIG_DIR, PROJECT_DIR
from analysis.summary import to_json
from analysis.text import scenario_words as words

AS_OF = pd.Timestamp("2024-07-08")


def scored(market, ticker: str, day) -> dict:
    """The piece's own scorecard (with the economy and French's data it weighs), by scenario id."""
    built = summary.build(Request.parse(ticker, "SPY", pd.Timestamp(day).date(), "snapshot"), market)
    return {s["id"]: s for s in built.data["scenarios"]}


@pytest.fixture(scope="module")
def card(market):
    return scored(market, "IWM", AS_OF)


@pytest.fixture()
def bundled() -> dict:
    with open(CONFIG_DIR / "scenarios.toml", "rb") as fh:
        return tomllib.load(fh)


def item(scenario: dict, startswith: str) -> dict:
    (found,) = [e for e in scenario["evidence"] if e["name"].startswith(startswith)]
    return found


def adj(market, ticker, until_day=AS_OF) -> pd.Series:
    return market.prices(ticker)["adj_close"].loc[:until_day]


# -- known values -----------------------------------------------------------------------------


def test_ten_year_relative_return_matches_the_reference_returns(card, market):
    e = item(card["underperformance"], "10-year")
    # SOURCES.md reference: IWM +0.98604, SPY +2.38058 total return 2014-07-08..2024-07-08.
    assert_allclose(e["value"], 1.98604 / 3.38058 - 1, atol=5e-6)
    iwm, spy = adj(market, "IWM"), adj(market, "SPY")
    start = pd.Timestamp("2014-07-08")
    independent = (iwm.iloc[-1] / iwm[start]) / (spy.iloc[-1] / spy[start]) - 1
    assert_allclose(e["value"], independent, rtol=1e-12)
    assert (e["reading"], e["as_of"], e["weight"]) == ("supports", "2024-07-08", 3.0)
    assert e["value_text"] == "\u221241.3%" and e["rule"] == "supports if ≤ -5%; contradicts if ≥ 5%; else neutral"


def test_three_year_relative_return(card, market):
    iwm, spy = adj(market, "IWM"), adj(market, "SPY")
    start = iwm.index[iwm.index <= AS_OF - pd.DateOffset(years=3)][-1]
    expected = (iwm.iloc[-1] / iwm[start]) / (spy.iloc[-1] / spy[start]) - 1
    assert_allclose(item(card["underperformance"], "3-year")["value"], expected, rtol=1e-12)
    assert_allclose(expected, -0.294535, atol=1e-6)


def test_lagging_share_counts_one_year_windows(card, market):
    both = pd.concat([adj(market, "IWM"), adj(market, "SPY")], axis=1, join="inner")
    yearly = both.pct_change(252, fill_method=None)
    recent = yearly[yearly.index > AS_OF - pd.DateOffset(years=10)]
    expected = float((recent.iloc[:, 0] < recent.iloc[:, 1]).mean())
    e = item(card["underperformance"], "Share of rolling")
    assert_allclose(e["value"], expected, rtol=1e-12)
    assert_allclose(e["value"], 1832 / 2516, rtol=1e-12)
    assert e["reading"] == "supports"


def test_leadership_item_is_the_pieces_leadership(card, iwm_study):
    e = item(card["underperformance"], "IWM Leadership")
    assert_allclose(e["value"], summarize(iwm_study)["leadership"]["value"], rtol=1e-12)
    assert_allclose(e["value"], -8.039, atol=1e-3)
    assert e["reading"] == "supports"


def test_ratio_percentile_over_twenty_years(card, market):
    ratio = (adj(market, "IWM") / adj(market, "SPY")).dropna()
    window = ratio[ratio.index > AS_OF - pd.DateOffset(years=20)]
    expected = np.mean(window.to_numpy()[:-1] < window.iloc[-1])
    e = item(card["underpriced"], "IWM/SPY total-return ratio")
    assert_allclose(e["value"], expected, rtol=1e-12)
    assert_allclose(e["value"], 1 / 5032, rtol=1e-12)  # only 2024-07-05 was lower in 20 years
    assert e["reading"] == "supports" and "2024-07-05" in e["detail"]


def test_real_motion_z_score_is_the_band_s(card, market, iwm_study):
    """One definition of a momentum extreme: the z-score in the piece's own 50-day band."""
    close = market.prices("IWM")["close"].loc[:AS_OF]
    rm = 100 * (close / close.rolling(200).mean() - 1)
    last50 = rm.iloc[-50:]
    expected = (rm.iloc[-1] - last50.mean()) / last50.std(ddof=0)
    e = item(card["underpriced"], "IWM Real Motion z-score")
    assert_allclose(e["value"], expected, rtol=1e-10)
    assert_allclose(e["value"], summarize(iwm_study)["real_motion"]["z"], rtol=1e-12)
    assert_allclose(e["value"], -0.6973, atol=1e-4)
    assert e["reading"] == "neutral"  # between -1 and +1: inside the band


def test_credit_trend_hyg_vs_lqd(card, market):
    hyg, lqd = market.prices("HYG").loc[:AS_OF], market.prices("LQD").loc[:AS_OF]
    assert hyg.attrs["fully_adjusted"] and lqd.attrs["fully_adjusted"]
    ratio = (hyg["adj_close"] / lqd["adj_close"]).dropna()
    expected = 100 * (ratio.iloc[-1] / ratio.iloc[-200:].mean() - 1)
    e = item(card["recession"], "Credit: high yield vs")
    assert_allclose(e["value"], expected, rtol=1e-10)
    assert_allclose(e["value"], 0.667, atol=1e-3)
    assert e["reading"] == "contradicts" and "dividend-adjusted" in e["detail"]


def test_family_phase_balance_and_vix(card, market):
    def phase(ticker):
        close = market.prices(ticker)["close"].loc[:AS_OF]
        p, f, s = close.iloc[-1], close.iloc[-50:].mean(), close.iloc[-200:].mean()
        if f >= s:
            return "bullish" if p > f else "warning" if p >= s else "distribution"
        return "bearish" if p < f else "recovery" if p < s else "accumulation"

    phases = {t: phase(t) for t in ("XRT", "IYT", "KRE", "IBB")}
    assert phases == {"XRT": "warning", "IYT": "warning", "KRE": "warning", "IBB": "bullish"}
    e = item(card["recession"], "Modern Family")
    assert e["value"] == -0.25 and e["reading"] == "neutral"  # (0 weak - 1 bullish) / 4
    vix = item(card["recession"], "Fear gauge")
    assert_allclose(vix["value"], market.prices("^VIX")["close"][AS_OF], rtol=0)
    assert_allclose(vix["value"], 12.37, atol=1e-6)
    assert vix["reading"] == "contradicts"


def test_tallies_and_verdicts(card):
    under = card["underperformance"]
    # 8 of 9 weight measured: French's after-similar-decades median needs 3 episodes and has 2
    assert (under["score"], under["verdict"], under["available_weight"], under["missing_weight"]) == (
        1.0,
        "supported",
        8.0,
        1.0,
    )
    assert item(under, "After similar decades")["reason"] == "too few episodes"
    cheap = card["underpriced"]
    # supports: ratio percentile (2) and RSP/SPY (1); neutral: z-score (1), distance (1), book-to-market (2).
    assert (cheap["supporting_weight"], cheap["neutral_weight"], cheap["contradicting_weight"]) == (3.0, 4.0, 0.0)
    assert_allclose(cheap["score"], 3 / 7)
    valuation = item(cheap, "Valuation")
    assert valuation["reading"] == "neutral" and valuation["as_of"] == "2024-04"  # French through April 2024
    assert_allclose(valuation["value"], 0.5477, atol=1e-4)


# -- the economy, as public at the as-of date ---------------------------------------------------


def fred(series_id: str) -> dict[str, float]:
    """A bundled FRED file read independently of the product (csv module)."""
    import csv
    import gzip

    with gzip.open(PROJECT_DIR / "analysis" / "data" / "macro" / f"{series_id}.csv.gz", "rt") as fh:
        return {row["Date"]: float(row["Value"]) for row in csv.DictReader(fh)}


def test_the_curve_is_the_10y_3m_spread_public_that_morning(card):
    """On Monday 2024-07-08 the newest public T10Y3M is Friday's (published the next business day)."""
    rec = card["recession"]
    curve = item(rec, "Yield curve: 10-year minus 3-month")
    assert (curve["value"], curve["as_of"]) == (fred("T10Y3M")["2024-07-05"], "2024-07-05") == (-1.18, "2024-07-05")
    assert curve["reading"] == "supports" and "public 2024-07-08" in curve["detail"]
    assert not [e for e in rec["evidence"] if "^IRX" in e["series"]]  # the stale ^TNX - ^IRX item is gone
    sahm = item(rec, "Labour: real-time Sahm")
    assert (sahm["value"], sahm["as_of"], sahm["reading"]) == (0.43, "2024-06-01", "neutral")
    # contradicts: HYG/LQD, the spread's level, NFCI, VIX, XLY/XLP (5); supports: the curve (1); 13 weight in all
    assert (rec["total_weight"], rec["available_weight"], rec["supporting_weight"], rec["contradicting_weight"]) == (
        13.0,
        13.0,
        1.0,
        5.0,
    )
    assert_allclose(rec["score"], (1 - 5) / 13)
    assert rec["verdict"] == "leaning contradicted"


def test_a_stale_fred_series_is_unavailable_with_the_reason(market):
    rec = scored(market, "IWM", "2026-08-21")["recession"]
    curve = item(rec, "Yield curve: 10-year minus 3-month")
    assert (curve["reading"], curve["value"], curve["as_of"]) == ("unavailable", None, None)
    assert curve["reason"].startswith("T10Y3M is stale") and "2026-07-31" in curve["reason"]


def test_the_curve_in_2019(market):
    rec = scored(market, "IWM", "2019-07-08")["recession"]
    curve = item(rec, "Yield curve: 10-year minus 3-month")
    assert (curve["value"], curve["as_of"], curve["reading"]) == (
        fred("T10Y3M")["2019-07-05"],
        "2019-07-05",
        "supports",
    )
    assert rec["missing_weight"] == 0.0 and rec["available_weight"] == rec["total_weight"]


def test_at_the_last_session_every_price_series_is_current(market):
    """Every bundled price file ends on 2026-08-21 (SOURCES.md, the 2026 extension): what the
    scorecard leaves out there is FRED data that is itself stale, never a price series."""
    card = scored(market, "IWM", "2026-08-21")
    reasons = [e["reason"] for rec in card.values() for e in rec["evidence"] if e["reading"] == "unavailable"]
    assert not [r for r in reasons if "data ends" in r]
    rec = card["recession"]
    assert item(rec, "Modern Family")["reading"] != "unavailable"
    assert item(rec, "Credit: high yield vs")["reading"] != "unavailable"
    assert item(card["tech_bifurcation"], "Growth vs value")["reading"] != "unavailable"
    assert card["tech_bifurcation"]["available_weight"] == card["tech_bifurcation"]["total_weight"]
    left = {e["reason"].split(" is stale")[0] for e in rec["evidence"] if e["reading"] == "unavailable"}
    assert left == {"T10Y3M", "SAHMREALTIME"} and rec["available_weight"] == 9.0


def test_series_that_end_early_leave_too_little_evidence(market):
    """Files cut where they ended before the 2026 extension: the stale series are named and their
    weight is missing."""

    ends = {"XRT": "2026-03-31", "IYT": "2026-02-18", "LQD": "2026-03-31", "IWF": "2026-04-01", "IWD": "2026-04-01"}

    class Cut(type(market)):
        def prices(self, ticker):
            frame = super().prices(ticker)
            return until(frame, pd.Timestamp(ends[ticker])) if ticker in ends else frame

    card = scored(Cut("snapshot"), "IWM", "2026-08-21")
    rec = card["recession"]
    reasons = item(rec, "Modern Family")["reason"]
    assert "XRT data ends 2026-03-31" in reasons and "IYT data ends 2026-02-18" in reasons
    assert item(rec, "Credit: high yield vs")["reason"] == "LQD data ends 2026-03-31"
    assert rec["verdict"] == "not enough evidence"
    assert (
        item(card["tech_bifurcation"], "Growth vs value")["reason"]
        == "IWF data ends 2026-04-01; IWD data ends 2026-04-01"
    )


def test_missing_ticker_and_self_comparison_are_unavailable(market, bundled):
    config = copy.deepcopy(bundled)
    config["scenario"][1]["evidence"].append(
        {"name": "Nothing", "function": "level", "series": ["NOPE"], "supports": "> 0"}
    )
    qqq = build(market, "QQQ", "SPY", AS_OF)
    card = {s["id"]: s for s in scenarios.score(qqq, market, config)}
    tech = card["tech_bifurcation"]
    left = {x["name"]: x["reason"] for x in tech["left_out"]}
    assert (
        left["QQQ vs QQQ: relative trend"]
        == "it would measure QQQ itself: not independent evidence in a piece about QQQ"
    )
    phases = item(tech, "Tech still rising: QQQ and SMH phases")  # a list naming the ticker is weighed without it
    assert phases["name"].endswith(", without QQQ itself") and phases["series"] == ["SMH"]
    assert not [e for e in tech["evidence"] if "QQQ" in e["series"]]  # never weighed against itself
    nothing = item(tech, "Nothing")
    assert nothing["reading"] == "unavailable" and nothing["reason"].startswith("NOPE could not be loaded")
    assert tech["missing_weight"] == 1.0  # the missing series only: the self-comparisons are left out, not missing
    assert card["underperformance"]["title"] == "QQQ has underperformed for 10 years, so who cares"


# -- configuration is data ----------------------------------------------------------------------


def test_an_edited_configuration_changes_the_scorecard(iwm_study, market, bundled):
    edited = copy.deepcopy(bundled)
    recession = edited["scenario"][3]
    vix = next(e for e in recession["evidence"] if e["function"] == "level")
    vix["contradicts"] = "<= 10"  # VIX 12.37 no longer contradicts: neutral
    recession["evidence"][0]["weight"] = 4
    rec = {s["id"]: s for s in scenarios.score(iwm_study, market, edited)}["recession"]
    assert item(rec, "Fear gauge")["reading"] == "neutral"
    assert item(rec, "Fear gauge")["rule"] == "supports if ≥ 25; contradicts if ≤ 10; else neutral"
    # without the economy's readings (scored alone, no macro context) its seven FRED items are unavailable:
    # the family phases (4, neutral), credit and XLY/XLP (contradict), VIX (neutral)
    assert rec["total_weight"] == 15.0 and rec["available_weight"] == 7.0
    assert_allclose(rec["score"], (0 - 2) / 7)

    edited["scenario"] = edited["scenario"][:1]
    edited["scenario"][0]["title"] = "{ticker} vs {benchmark}: the long lag"
    only = scenarios.score(iwm_study, market, edited)
    assert [s["title"] for s in only] == ["IWM vs SPY: the long lag"]


def test_the_config_directory_override_is_read(iwm_study, market, bundled, tmp_path, monkeypatch):
    text = (CONFIG_DIR / "scenarios.toml").read_text().replace("supported = 0.6", "supported = 1.01")
    (tmp_path / "scenarios.toml").write_text(text)
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(tmp_path))
    under = scenarios.score(iwm_study, market)[0]
    assert under["score"] == 1.0 and under["verdict"] == "leaning supported"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda c: c["scenario"][0]["evidence"][0].update(function="magic"), "unknown evidence function 'magic'"),
        (lambda c: c["scenario"][0]["evidence"][0].update(params={"spam": 1}), "has no parameter spam"),
        (lambda c: c["scenario"][0]["evidence"][0].update(supports="below -5%"), "is not a comparison"),
        (lambda c: c["scenario"][0]["evidence"][0].update(name="{stock} vs SPY"), "uses {stock}"),
        (lambda c: c["scenario"][0]["evidence"][0].update(weigth=2), "unknown key weigth"),
        (lambda c: c["scenario"][0]["evidence"][0].update(params={"span": "7y"}), "is not a known span"),
        (lambda c: c["scenario"][3]["evidence"][0]["params"].update(plus=["boom"]), "holds 'boom'"),
        (lambda c: c["scenario"][1].update(id="underperformance"), "unique"),
        (lambda c: c["verdict"].update(supported=-1), "out of order"),
    ],
)
def test_invalid_configuration_is_refused_with_a_clear_message(iwm_study, market, bundled, edit, message):
    edit(bundled)
    with pytest.raises(InputError) as caught:
        scenarios.score(iwm_study, market, bundled)
    assert message in str(caught.value)


def test_unknown_function_message_lists_the_valid_ones(bundled):
    bundled["scenario"][0]["evidence"][0]["function"] = "magic"
    with pytest.raises(InputError) as caught:
        scenarios.load(bundled)
    assert all(name in str(caught.value) for name in evidence.KINDS)
    assert "scenario 1 ('underperformance'), evidence 1" in str(caught.value)


# -- no look-ahead, speed, JSON -----------------------------------------------------------------


class TruncatedMarket(Market):
    """The snapshot with every series cut at one session, as if the scorecard ran that evening."""

    def __init__(self, cut: pd.Timestamp) -> None:
        super().__init__("snapshot")
        self.cut = cut

    def prices(self, ticker: str) -> pd.DataFrame:
        return until(super().prices(ticker), self.cut)


def test_no_look_ahead(card, market):
    """Prices after the as-of date change nothing (the FRED and French series have their own tests)."""
    short = TruncatedMarket(AS_OF)
    truncated = scenarios.score(build(short, "IWM", "SPY", AS_OF), short)
    full = scenarios.score(build(market, "IWM", "SPY", AS_OF), market)
    assert json.dumps(truncated) == json.dumps(full)
    fam_full = scenarios.family(market, AS_OF)
    fam_short = scenarios.family(short, AS_OF)
    assert json.dumps(fam_full) == json.dumps(fam_short)


def test_json_shape(card):
    keys = {"id", "title", "score", "verdict", "available_weight", "missing_weight", "evidence"}
    item_keys = {"name", "value", "rule", "reading", "weight", "as_of", "detail", "reason"}
    for scenario in card.values():
        assert keys <= set(scenario)
        for e in scenario["evidence"]:
            assert item_keys <= set(e) and e["reading"] in ("supports", "contradicts", "neutral", "unavailable")
            assert (e["value"] is None) == (e["reading"] == "unavailable")
            assert (e["reason"] is None) == (e["reading"] != "unavailable")
    to_json({"scenarios": list(card.values())})  # no NaN, serialisable


def test_required_tickers_lists_every_series_once():
    names = scenarios.required_tickers(ticker="IWM", benchmark="SPY")
    assert len(names) == len(set(names))
    assert {
        "QQQ",
        "IWF",
        "IWD",
        "SMH",
        "NVDA",
        "RSP",
        "HYG",
        "LQD",
        "^VIX",
        "XLY",
        "XLP",
        "XRT",
        "IYT",
        "KRE",
        "IBB",
        "IWM",
        "SPY",
    } == set(names)  # FRED and French series are not prices
    assert "IWM" in scenarios.required_tickers()  # a family member even without the placeholder


# -- evidence functions on their own (synthetic data, said so) ---------------------------------


def test_evidence_functions_say_why_when_history_is_short():
    days = pd.bdate_range("2024-01-01", periods=100)
    a = pd.Series(np.linspace(10, 20, 100), index=days, name="AAA")
    b = pd.Series(np.linspace(10, 11, 100), index=days, name="BBB")
    assert evidence.relative_return(a, b, "1y").reason.startswith("AAA vs BBB over 1y needs 1y of history")
    assert evidence.relative_trend(a, b).value is None
    assert evidence.ratio_percentile(a, b).reason.startswith("the AAA/BBB ratio percentile needs 5 years")
    assert evidence.phase_balance([a, b], plus=["bullish"]).reason == "no phase is known (each needs 200 sessions)"
    assert evidence.spread(a, b).value == 20 - 11


# -- words and chart ----------------------------------------------------------------------------


def test_sentences_quote_the_scorecard(card):
    text = words.sentence(card["underperformance"])
    assert text.startswith(
        "“IWM has underperformed for 10 years, so who cares”: the evidence supports it"
        " (score +1.00, 8 of 9 weight measured)."
    )
    assert "\u221241.3% (IWM +98.6% vs SPY +238.1% since 2014-07-08)" in text
    assert "For: Yield curve: 10-year minus 3-month Treasury (T10Y3M), \u22121.18 pp" in words.sentence(
        card["recession"]
    )
    assert "not forecasts" in words.sentences(list(card.values()))[-1]


def test_scorecard_chart(card):
    from analysis.view.charts.scenarios import scorecard_chart

    fig = scorecard_chart(list(card.values()))
    (ax,) = fig.axes
    texts = [t.get_text() for t in ax.texts]
    assert "+1.00  supported" in texts and "\u22120.31  leaning contradicted" in texts
    assert texts.count("8 of 8 weight measured") == 1 and "13 of 13 weight measured" in texts
    weighted = sum(1 for s in card.values() for e in s["evidence"] if e["weight"])
    assert len(ax.patches) == weighted


def test_a_scenario_set_is_validated_once_per_content_and_an_edit_shows_at_once(tmp_path, monkeypatch):
    """A summary looks the seven sets up twice: the same bytes give the same validated scorecard; an
    edit of the same length, in the same instant, gives the edited one."""
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(tmp_path))
    text = (CONFIG_DIR / "scenarios.toml").read_text()
    title = scenarios.load(name="scenarios").scenarios[0].title
    (tmp_path / "scenarios.toml").write_text(text)
    first = scenarios.load(name="scenarios")
    assert scenarios.load(name="scenarios") is first and first.scenarios[0].title == title
    edited = title[:-1] + ("X" if title[-1] != "X" else "Y")  # same length
    (tmp_path / "scenarios.toml").write_text(text.replace(title, edited, 1))
    assert scenarios.load(name="scenarios").scenarios[0].title == edited
    (tmp_path / "scenarios.toml").unlink()
    os.mkfifo(tmp_path / "scenarios.toml")  # a pipe in its place is refused, not read (it would block)
    with pytest.raises(InputError, match="not a regular file"):
        scenarios.load(name="scenarios")
