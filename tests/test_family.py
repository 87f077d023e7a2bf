"""The Economic Modern Family dashboard: known phases at 2024-07-08, every member current at the
data's end and a stale member when its file ends earlier, configuration as data, the chart series
and the small-multiples chart."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis import evidence as scenarios
from analysis.data import until
from analysis.data.snapshot import manifest
from analysis.errors import InputError
from analysis.model.facts import facts as summarize
from analysis.model.study import build
from analysis.text.scenario_words import family_summary

AS_OF = pd.Timestamp("2024-07-08")
LAST = pd.Timestamp("2026-08-21")


@pytest.fixture(scope="module")
def july(market):
    fam = scenarios.family(market, AS_OF)
    return fam, {m["ticker"]: m for m in fam["members"]}


@pytest.fixture(scope="module")
def latest(market):
    fam = scenarios.family(market, LAST)
    return fam, {m["ticker"]: m for m in fam["members"]}


def phase_by_hand(close: pd.Series) -> str:
    p, f, s = close.iloc[-1], close.iloc[-50:].mean(), close.iloc[-200:].mean()
    if f >= s:
        return "bullish" if p > f else "warning" if p >= s else "distribution"
    return "bearish" if p < f else "recovery" if p < s else "accumulation"


def test_members_and_order_come_from_the_config(july):
    fam, _ = july
    assert [m["ticker"] for m in fam["members"]] == ["IWM", "XRT", "IYT", "KRE", "SMH", "IBB"]
    assert [m["nickname"] for m in fam["members"]][:2] == ["Granddad", "Granny"]
    assert fam["benchmark"] == "SPY" and fam["as_of"] == "2024-07-08"


def test_known_phases_at_the_model_commentarys_date(july, market):
    _, by = july
    for ticker in ("XRT", "KRE", "SMH"):
        close = market.prices(ticker)["close"].loc[:AS_OF]
        assert by[ticker]["phase"] == phase_by_hand(close)
    assert (by["XRT"]["phase"], by["SMH"]["phase"], by["IBB"]["phase"]) == ("warning", "bullish", "bullish")
    assert all(not m["stale"] and m["status"] == "current" and m["last_date"] == "2024-07-08" for m in by.values())
    assert july[0]["counts"] == {"bullish": 2, "warning": 4}


def test_granddad_equals_the_iwm_piece(july, iwm_study):
    iwm = july[1]["IWM"]
    s = summarize(iwm_study)
    assert (iwm["phase"], iwm["phase_since"]) == (s["phase"], s["phase_since"]) == ("warning", "2024-07-01")
    assert_allclose(
        [iwm["rm"], iwm["rm_fast"], iwm["lead"]],
        [s["real_motion"]["value"], s["real_motion"]["fast"], s["leadership"]["value"]],
        rtol=1e-12,
    )
    assert iwm["rm_above_fast"] is False and iwm["lead_above_zero"] is False


def test_returns_and_leadership_recomputed(july, market):
    xrt = july[1]["XRT"]
    adj = market.prices("XRT")["adj_close"].loc[:AS_OF]
    month = adj.index[adj.index <= AS_OF - pd.DateOffset(months=1)][-1]
    quarter = adj.index[adj.index <= AS_OF - pd.DateOffset(months=3)][-1]
    assert_allclose(xrt["return_1m"], adj.iloc[-1] / adj[month] - 1, rtol=1e-12)
    assert_allclose(xrt["return_3m"], adj.iloc[-1] / adj[quarter] - 1, rtol=1e-12)
    # XRT's file is dividend-adjusted throughout, so Leadership compares adjusted closes on both sides
    both = pd.concat([market.prices("XRT")["adj_close"], market.prices("SPY")["adj_close"]], axis=1, join="inner").loc[
        :AS_OF
    ]
    ratio = both.iloc[:, 0] / both.iloc[:, 1]
    assert_allclose(xrt["lead"], 100 * (ratio.iloc[-1] / ratio.iloc[-200:].mean() - 1), rtol=1e-10)
    assert_allclose(xrt["lead"], -7.4212, atol=1e-4)


def test_fully_adjusted_files_are_flagged(july):
    for ticker, member in july[1].items():
        assert member["fully_adjusted"] is (ticker in manifest()["fully_adjusted"])
    assert july[1]["XRT"]["fully_adjusted"] and not july[1]["IWM"]["fully_adjusted"]


def test_every_member_is_current_at_the_last_session(latest, market):
    """The bundled files all end on 2026-08-21 (SOURCES.md, 'Extension to a common last date')."""
    fam, by = latest
    for ticker, m in by.items():
        assert (m["stale"], m["status"], m["last_date"], m["reason"]) == (False, "current", "2026-08-21", None)
        assert m["phase"] == phase_by_hand(market.prices(ticker)["close"])
    assert fam["counts"] == {"bullish": 3, "warning": 3}
    assert family_summary(fam).startswith(
        "Of 6 members with current data: 3 bullish (IWM, IYT, IBB); 3 warning (XRT, KRE, SMH)."
    )


@pytest.fixture(scope="module")
def xrt_ends_early(market):
    """The snapshot with XRT cut at 2026-03-31 (where its file ended before the 2026 extension):
    a member whose data ends before the piece's date."""

    class Cut(type(market)):
        def prices(self, ticker):
            frame = super().prices(ticker)
            return until(frame, pd.Timestamp("2026-03-31")) if ticker == "XRT" else frame

    return Cut("snapshot")


@pytest.fixture(scope="module")
def stale(xrt_ends_early):
    fam = scenarios.family(xrt_ends_early, LAST)
    return fam, {m["ticker"]: m for m in fam["members"]}


def test_a_member_whose_data_ends_earlier_is_stale(stale):
    fam, by = stale
    xrt = by["XRT"]
    assert (xrt["stale"], xrt["status"], xrt["last_date"], xrt["as_of"]) == (True, "stale", "2026-03-31", "2026-03-31")
    assert xrt["reason"] == "XRT data ends 2026-03-31"
    assert not by["IWM"]["stale"] and by["IWM"]["last_date"] == "2026-08-21" and by["IWM"]["reason"] is None
    assert fam["counts"] == {"bullish": 3, "warning": 2}
    text = family_summary(fam)
    assert "Of 5 members with current data: 3 bullish (IWM, IYT, IBB)" in text
    assert "Not counted: XRT (data ends 2026-03-31)" in text


def test_stale_member_is_read_at_its_own_last_session(stale, xrt_ends_early):
    xrt = stale[1]["XRT"]
    close = xrt_ends_early.prices("XRT")["close"]
    assert xrt["phase"] == phase_by_hand(close) == "distribution"
    assert_allclose(xrt["close"], close.iloc[-1], rtol=0)


def test_edited_configuration(market):
    config = {"benchmark": "QQQ", "member": [{"ticker": "kre", "nickname": "Banks"}, {"ticker": "NOPE"}]}
    fam = scenarios.family(market, AS_OF, config=config)
    kre, nope = fam["members"]
    assert fam["benchmark"] == "QQQ" and (kre["ticker"], kre["nickname"]) == ("KRE", "Banks")
    both = pd.concat([market.prices("KRE")["close"], market.prices("QQQ")["close"]], axis=1, join="inner").loc[:AS_OF]
    ratio = both.iloc[:, 0] / both.iloc[:, 1]
    assert_allclose(kre["lead"], 100 * (ratio.iloc[-1] / ratio.iloc[-200:].mean() - 1), rtol=1e-10)
    assert (
        nope["status"] == "missing" and nope["phase"] is None and nope["reason"].startswith("NOPE could not be loaded")
    )
    # the benchmark argument wins over the configuration's
    assert scenarios.family(market, AS_OF, "SPY", config)["benchmark"] == "SPY"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"member": []}, "lists no members"),
        ({"member": [{"ticker": "IWM", "nick": "x"}]}, "unknown key nick"),
        ({"member": [{"ticker": "IWM"}, {"ticker": "iwm"}]}, "IWM is listed twice"),
        ({"member": [{"ticker": "../x"}]}, "is not a ticker symbol"),
        ({"members": [{"ticker": "IWM"}]}, "unknown key members"),
    ],
)
def test_invalid_family_configuration(market, config, message):
    with pytest.raises(InputError) as caught:
        scenarios.family(market, AS_OF, config=config)
    assert message in str(caught.value)


def test_series_for_the_chart(market):
    series = scenarios.family_series(market, LAST)
    assert list(series) == ["IWM", "XRT", "IYT", "KRE", "SMH", "IBB"]
    assert all(len(d) == 250 and list(d.columns) == ["close", "sma_fast", "sma_slow", "phase"] for d in series.values())
    assert all(d.index[-1] == LAST for d in series.values())
    assert_allclose(series["SMH"]["sma_fast"].iloc[-1], market.prices("SMH")["close"].iloc[-50:].mean(), rtol=1e-12)


def test_family_has_no_look_ahead(market, july):
    class Cut(type(market)):
        def prices(self, ticker):
            return until(super().prices(ticker), AS_OF)

    assert json.dumps(scenarios.family(Cut("snapshot"), AS_OF)) == json.dumps(july[0])


def test_family_chart_marks_stale_members(stale, xrt_ends_early):
    from analysis.view.charts.scenarios import family_chart

    fig = family_chart(stale[0], scenarios.family_series(xrt_ends_early, LAST))
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in visible][:2] == ["IWM · Granddad", "XRT · Granny"]
    texts = {ax.get_title(loc="left").split(" ·")[0]: [t.get_text() for t in ax.texts] for ax in visible}
    assert "stale: data ends 31 Mar 2026" in texts["XRT"]
    assert not any(t.startswith("stale") for t in texts["IWM"])
    assert "bullish · Leadership +2.8" in texts["IWM"]


def test_piece_for_a_family_member_matches_its_row(market, july):
    smh = summarize(build(market, "SMH", "SPY", AS_OF))
    row = july[1]["SMH"]
    assert (row["phase"], row["phase_since"]) == (smh["phase"], smh["phase_since"])
    assert_allclose(row["lead"], smh["leadership"]["value"], rtol=1e-12)
