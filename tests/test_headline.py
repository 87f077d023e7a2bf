"""The headline and the bottom line lead with what is unusual (analysis/model/unusual.py, analysis/text).

Two kinds of cases. Constructed series: SYNTHETIC prices and volumes made here with numpy
(fixed seeds; a steady rally to a record, a collapse, a slow slide to a 52-week low, a rebound
after a fall, a flat noisy range, a price high with fading Real Motion, a volume spike), read
through the product's own study, facts and words, each asserting the exact headline and the
leading unusual fact. And the bundled real data, with values checked against the raw files.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.data import Market
from analysis.model import unusual
from analysis.model.facts import facts
from analysis.model.profile import assign
from analysis.model.study import build
from analysis.text import narrative
from analysis.text import profile_words as pw
from tests.conftest import PROJECT_DIR

# -- synthetic series (constructed here, never in the product) ----------------------------------


def _frame(close: np.ndarray, volume: np.ndarray | None = None) -> pd.DataFrame:
    """A synthetic OHLCV frame on business days from 2010: high/low 0.5% around the close."""
    idx = pd.bdate_range("2010-01-04", periods=len(close))
    c = pd.Series(np.asarray(close, float), index=idx)
    v = np.full(len(c), 1e6) if volume is None else np.asarray(volume, float)
    return pd.DataFrame(
        {"open": c, "high": c * 1.005, "low": c * 0.995, "close": c, "adj_close": c, "volume": v}, index=idx
    )


def _noise(n: int, seed: int, sd: float) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(n) * sd


def _path(*legs: tuple[int, float, float], seed: int = 20) -> np.ndarray:
    """Synthetic closes from 100: each leg ``(sessions, total log change, daily noise sd)``."""
    out, level = [], 100.0
    for i, (n, total, sd) in enumerate(legs):
        leg = level * np.exp(np.linspace(0, total, n + 1)[1:] + _noise(n, seed + i, sd))
        out.append(leg)
        level = leg[-1]
    return np.concatenate(out)


def _flat(n: int = 1500) -> np.ndarray:
    """A synthetic range around 100: a slow sine wave plus noise."""
    return 100 * np.exp(0.03 * np.sin(np.arange(n) / 40) + _noise(n, 1, 0.004))


def synthetic_piece(close: np.ndarray, volume: np.ndarray | None = None) -> dict:
    """The facts of the synthetic ticker SYN against a synthetic benchmark BEN (a gentle noisy rise)."""
    bench = 100 * np.exp(np.cumsum(0.0002 + _noise(len(close), 7, 0.004)))
    market = Market("snapshot")
    market._frames = {"SYN": _frame(close, volume), "BEN": _frame(bench)}
    return facts(build(market, "SYN", "BEN"))


def _rally() -> np.ndarray:
    flat = _flat()
    rally = flat[-1] * np.exp(np.linspace(0, 0.12, 120) + _noise(120, 2, 0.003))
    c = np.concatenate([flat, rally])
    c[-1] = c.max() * 1.002
    return c


def _divergence() -> np.ndarray:
    base = 100 * np.exp(_noise(900, 9, 0.004))
    sharp = base[-1] * np.exp(np.linspace(0, 0.25, 60) + _noise(60, 10, 0.003))
    slow = sharp[-1] * np.exp(np.linspace(0, 0.005, 150) + _noise(150, 11, 0.003))
    c = np.concatenate([base, sharp, slow])
    c[-1] = c.max() * 1.001
    return c


def _volume_spike() -> tuple[np.ndarray, np.ndarray]:
    c = _flat()
    c[-1] = c[-2] * 0.99
    v = 1e6 * np.exp(_noise(len(c), 12, 0.2))
    v[-1] = 6e6
    return c, v


def _leading(s: dict) -> str | None:
    top = pw.lead_fact(s)
    return top["id"] if top else None


#: Each constructed case: its closes (and volumes), the leading unusual fact and the exact headline.
SYNTHETIC = {
    "new highs": (
        lambda: (_rally(), None),
        "all_time_high",
        # a steady rally's distance from its 200-DMA is in the top 2% of its history: stretched by it
        "SYN climbs to a record high, stretched far above its 200-DMA, leading BEN: how far can momentum carry it?",
    ),
    "capitulation": (
        lambda: (_path((700, 0.6, 0.004), (80, -0.7, 0.004), (500, 0.9, 0.004), (12, -0.22, 0.002)), None),
        "real_motion_z",
        "SYN is deeply oversold and lagging BEN: capitulation?",
    ),
    "capitulation at a record drawdown": (
        lambda: (np.concatenate([_flat(), _flat()[-1] * np.exp(np.linspace(0, -0.35, 15))]), None),
        "drawdown",
        "SYN, in the deepest drawdown in its history, is deeply oversold and lagging BEN: capitulation?",
    ),
    "breakdown": (
        lambda: (
            _path(
                (700, 0.6, 0.004),
                (10, -0.6, 0.004),
                (60, 0.6, 0.004),
                (800, 0.3, 0.004),
                (250, -0.03, 0.006),
                (40, -0.12, 0.006),
            ),
            None,
        ),
        "new_52w_low",
        "SYN breaks down to a 2-year low, lagging BEN: where is support?",
    ),
    "deep drawdown": (
        lambda: (
            _path(
                (700, 0.6, 0.004),
                (10, -0.6, 0.004),
                (60, 0.6, 0.004),
                (800, 0.3, 0.004),
                (250, -0.03, 0.006),
                (30, -0.15, 0.006),
            ),
            None,
        ),
        "drawdown",
        "SYN is in one of its deepest drawdowns, lagging BEN: where is the floor?",
    ),
    "recovery attempt": (
        lambda: (_path((900, 0.3, 0.004), (120, -0.25, 0.004), (60, 0.07, 0.004)), None),
        None,
        "SYN attempts a recovery: can it clear its 200-DMA?",
    ),
    "range": (
        lambda: (100 * np.exp(_noise(1500, 8, 0.008)), None),
        None,
        "SYN is range-bound, just back ahead of BEN: which way will it break?",
    ),
    "divergence": (
        lambda: (_divergence(), None),
        "divergence",
        "SYN makes a 52-week high without momentum, leading BEN: a warning sign?",
    ),
    "heavy volume": (
        _volume_spike,
        "volume",
        "Heavy selling in SYN, lagging BEN: a washout or the start of a slide?",
    ),
}


@pytest.fixture(scope="module")
def constructed():
    return {name: synthetic_piece(*make()) for name, (make, _, _) in SYNTHETIC.items()}


@pytest.mark.parametrize("name", list(SYNTHETIC))
def test_every_variant_on_a_constructed_series(constructed, name):
    s = constructed[name]
    _, leading, expected = SYNTHETIC[name]
    assert (_leading(s), narrative.headline(s)) == (leading, expected)
    assert [f["score"] for f in s["unusual"]] == sorted((f["score"] for f in s["unusual"]), reverse=True)


def test_the_constructed_states_behind_the_headlines(constructed):
    """The states the variants rest on: Real Motion beyond -2 at the capitulation, a range of flat averages."""
    cap = constructed["capitulation"]
    assert cap["real_motion"]["z"] < -2 and cap["real_motion"]["band_position"] == "below"
    assert constructed["breakdown"]["real_motion"]["z"] > -2  # a breakdown, not yet an extreme
    assert (
        constructed["recovery attempt"]["phase"] == "recovery"
        and constructed["recovery attempt"]["real_motion"]["above_fast"]
    )
    assert narrative.in_range(constructed["range"]) and not narrative.in_range(constructed["new highs"])
    div = pw.fact(constructed["divergence"], "divergence")
    assert div["kind"] == "bearish" and div["rm"] < div["rm_fast"]
    assert pw.fact(constructed["divergence"], "all_time_high")  # the price is at its high
    vol = pw.fact(constructed["heavy volume"], "volume")
    assert vol["spike"] and vol["percentile"] == 1.0 and vol["change"] < 0


def test_the_lead_sentence_and_volume_sentence_on_constructed_series(constructed):
    highs = constructed["new highs"]
    top = pw.lead_fact(highs)
    assert narrative.lead_sentence(highs) == (
        f"SYN closed at {narrative.price(top['close'])}, its highest close in the data since 2010,"
        f" above the {narrative.price(top['previous'])} of {narrative.date(top['previous_date'])}."
    )
    assert narrative.bottom_line(highs)[0] == narrative.lead_sentence(highs)
    vol = constructed["heavy volume"]
    ratio = pw.fact(vol, "volume")["ratio"]
    assert narrative.bottom_line(vol)[0] == (
        f"Volume was {ratio:.1f} times its 50-session average on a down day,"
        " a ratio higher than on all its earlier sessions."
    )
    assert narrative.lead_sentence(constructed["range"]) is None  # nothing unusual: no lead
    assert narrative.bottom_line(constructed["range"])[0].startswith("SYN is in an accumulation phase")


# -- the score scale -------------------------------------------------------------------------


def test_the_threshold_is_real_motions_band():
    """|z| > 2 is the one definition of extreme: the score threshold is 2 Phi(2) - 1."""
    assert_allclose(unusual.UNUSUAL, 0.9544997361, rtol=1e-9)
    assert not unusual.real_motion_fact(2.0)["unusual"] and not unusual.real_motion_fact(-2.0)["extreme"]
    assert unusual.real_motion_fact(-2.001)["unusual"] and unusual.real_motion_fact(-2.001)["band"] == "below"
    assert_allclose(unusual.real_motion_fact(1.0)["score"], 0.6826894921, rtol=1e-9)


def test_percentiles_and_rarity_are_shares_of_sessions():
    assert unusual.share_below(np.array([1.0, 2.0, np.nan, 4.0]), 3.0) == 2 / 3
    assert unusual.share_below(np.array([np.nan]), 3.0) is None
    mask = pd.Series([True, False, False, True, False])
    known = pd.Series([False, True, True, True, True])
    assert unusual.rarity(mask, known) == 0.75  # the event held on 1 of the 4 known sessions


# -- real bundled data -------------------------------------------------------------------------


def rows(ticker: str) -> list[dict]:
    """A bundled file's rows up to its end, read with the csv module (independently of the product)."""
    path = PROJECT_DIR / "analysis" / "data" / "prices" / f"{ticker.replace('^', '_')}.csv.gz"
    with gzip.open(path, "rt") as fh:
        return [r for r in csv.DictReader(fh) if r["Close"]]


def real(market, ticker: str, day: str, benchmark: str = "SPY") -> dict:
    return facts(build(market, ticker, benchmark, day), assign(ticker, benchmark))


def test_iwm_keeps_the_model_commentarys_headline(market):
    """IWM 2024-07-08: warning phase, 0.2% below the 50-DMA, RM below its 50-DMA, nothing extreme."""
    s = real(market, "IWM", "2024-07-08")
    assert narrative.headline(s) == "Can momentum build in IWM?"
    assert _leading(s) is None and narrative.lead_sentence(s) is None
    assert abs(s["real_motion"]["z"]) < 2 and not s["real_motion"]["above_fast"]
    assert narrative.bottom_line(s)[0].startswith("IWM sits in a warning phase")
    assert pw.fact(s, "volume")["ratio"] < 1 and not pw.fact(s, "volume")["spike"]


def test_vix_at_its_record_close(market):
    s = real(market, "^VIX", "2020-03-16")
    closes = [float(r["Close"]) for r in rows("^VIX") if r["Date"][:10] <= "2020-03-16"]
    assert closes[-1] == max(closes) and closes[-1] > max(closes[:-1])
    top = pw.lead_fact(s)
    assert (top["id"], top["record"], top["score"], top["close"]) == ("vix_level", True, 1.0, closes[-1])
    assert not pw.fact(s, "all_time_high", "drawdown", "volume")  # a fear gauge: no records of a price, no volume
    assert narrative.headline(s) == "Fear is rising: ^VIX at 82.69, a record close"
    assert narrative.lead_sentence(s) == "^VIX closed at 82.69, its highest close in the data since 1990."


def test_vix_a_week_later_is_extreme_but_not_a_record(market):
    s = real(market, "^VIX", "2020-03-23")
    closes = [float(r["Close"]) for r in rows("^VIX") if r["Date"][:10] <= "2020-03-23"]
    share = sum(c < closes[-1] for c in closes[:-1]) / (len(closes) - 1)
    top = pw.lead_fact(s)
    assert top["id"] == "vix_level" and not top["record"]
    assert_allclose(top["percentile"], share, rtol=1e-12)
    assert narrative.headline(s) == "Fear is extreme: ^VIX at 61.59, among its highest closes since 1990"


def test_nvda_at_a_2024_record_high(market):
    s = real(market, "NVDA", "2024-06-18")
    closes = [float(r["Close"]) for r in rows("NVDA") if r["Date"][:10] <= "2024-06-18"]
    high = pw.fact(s, "all_time_high")
    assert high["close"] == closes[-1] > max(closes[:-1]) and high["previous"] == max(closes[:-1])
    assert high["previous_date"] == "2024-06-14"
    assert _leading(s) == "real_motion_z" and s["real_motion"]["z"] > 2  # stretched above its band, too
    assert (
        narrative.headline(s)
        == "NVDA is stretched above its band at a record high, leading SPY: how far can momentum carry it?"
    )


def test_spy_capitulation_in_march_2020(market):
    s = real(market, "SPY", "2020-03-23", "QQQ")
    assert _leading(s) == "real_motion_z" and s["real_motion"]["z"] < -2
    raw = [r for r in rows("SPY") if r["Date"][:10] <= "2020-03-23"]
    last = float(raw[-1]["Close"])
    lower = next(r["Date"][:10] for r in reversed(raw[:-1]) if float(r["Close"]) < last)  # the last lower close
    years = (dt.date(2020, 3, 23) - dt.date.fromisoformat(lower)).days // 365
    assert years == 3  # SPY's lowest close since late 2016: "a 3-year low", not just "a 52-week low"
    assert narrative.headline(s) == "SPY is deeply oversold at a 3-year low and lagging QQQ: capitulation?"
    assert narrative.lead_sentence(s) == (
        "Real Motion is 2.5 band deviations below its own 50-DMA (z −2.53), below its lower band: a momentum extreme."
    )
    volumes = [float(r["Volume"]) for r in raw]
    ratio = volumes[-1] / (sum(volumes[-51:-1]) / 50)
    vol = pw.fact(s, "volume")
    assert_allclose(vol["ratio"], ratio, rtol=1e-12)
    assert ratio > 2 and vol["spike"]
    assert narrative.bottom_line(s)[1] == (
        f"Volume was {ratio:.1f} times its 50-session average on a down day,"
        f" a ratio higher than on {vol['percentile']:.0%} of its earlier sessions."
    )
    low = pw.fact(s, "new_52w_low")
    closes = [float(r["Close"]) for r in raw]
    assert low["close"] == closes[-1] == min(closes[-252:])


def test_tlt_in_the_deepest_drawdown_of_its_history(market):
    s = real(market, "TLT", "2022-10-14")
    closes = [float(r["Close"]) for r in rows("TLT") if r["Date"][:10] <= "2022-10-14"]
    peak, dd = -math.inf, []
    for c in closes:
        peak = max(peak, c)
        dd.append(c / peak - 1)
    top = pw.lead_fact(s)
    assert top["id"] == "drawdown" and top["percentile"] == 1.0 and dd[-1] < min(dd[:-1])
    assert_allclose(top["drawdown"], dd[-1], rtol=1e-12)
    assert narrative.headline(s) == "TLT is in the deepest drawdown in its history: are yields still rising?"


def test_a_bullish_divergence_in_bitcoin(market):
    s = real(market, "BTC-USD", "2022-10-14")
    div = pw.fact(s, "divergence")
    assert div["kind"] == "bullish" and not div["unusual"] and _leading(s) is None
    assert s["close"] < s["sma50"] and s["real_motion"]["above_fast"]
    assert (
        narrative.headline(s)
        == "Momentum turns up in BTC-USD before the price, though it lags SPY: can it retake its 50-DMA?"
    )
