"""The JSON summary: the commentary's claims under the documented keys; as-of resolution."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.data import until
from analysis.errors import DataError, InputError
from analysis.model.facts import facts as summarize
from analysis.model.study import build
from analysis.summary import to_json
from tests.conftest import PROJECT_DIR


@pytest.fixture(scope="module")
def summary(iwm_study):
    return summarize(iwm_study)


def test_acceptance_values(summary):
    s = summary
    assert (s["ticker"], s["benchmark"], s["as_of"], s["source"]) == ("IWM", "SPY", "2024-07-08", "snapshot")
    assert_allclose([s["close"], s["sma50"], s["sma200"]], [202.279999, 202.76139956, 193.055300575], atol=1e-6)
    assert s["phase"] == "warning"
    assert s["real_motion"]["above_fast"] is False and s["real_motion"]["last_above_fast"] == "2024-06-05"
    lead = s["leadership"]
    assert lead["value"] < 0 and lead["last_above_zero"] == "2024-01-02"
    assert lead["value"] < lead["upper"] and lead["last_above_upper"] == "2023-12-28"
    assert s["closes_above_sma50"] == 0 and s["last_two_closes_above_sma50"] == "2024-06-28"
    assert_allclose(s["level_to_clear"]["price"], 205.059998, atol=1e-6)
    assert s["level_to_clear"]["date"] == "2024-06-05"
    ten = s["relative_performance"]["10y"]
    assert_allclose([ten["ticker"], ten["benchmark"]], [0.98604, 2.38058], atol=5e-6)


def test_documented_keys_are_present(summary):
    for key in (
        "ticker",
        "benchmark",
        "as_of",
        "source",
        "close",
        "sma50",
        "sma200",
        "phase",
        "phase_since",
        "real_motion",
        "leadership",
        "closes_above_sma50",
        "last_two_closes_above_sma50",
        "level_to_clear",
        "relative_performance",
    ):
        assert key in summary
    assert set(summary["real_motion"]) >= {"value", "fast", "slow", "upper", "lower", "last_above_fast"}
    assert set(summary["leadership"]) >= {"value", "fast", "upper", "lower", "last_above_zero", "last_above_upper"}
    assert set(summary["level_to_clear"]) >= {"price", "date"}
    assert list(summary["relative_performance"]) == ["1m", "3m", "1y", "3y", "5y", "10y"]
    assert set(summary["relative_performance"]["1y"]) >= {"ticker", "benchmark"}


def test_json_is_strict_and_round_trips(summary):
    text = to_json(summary)
    assert json.loads(text) == json.loads(json.dumps(summary))
    assert "NaN" not in text


def test_non_trading_day_resolves_to_the_session_before(market):
    study = build(market, "IWM", "SPY", "2024-07-06")  # a Saturday
    assert study.as_of.iso == "2024-07-05"
    assert "2024-07-06 was not a trading session" in study.as_of.note


def test_default_as_of_is_the_last_common_session(market):
    assert build(market, "SMH", "SPY").as_of.iso == "2026-08-21"  # every bundled file ends there

    class Cut(type(market)):  # SMH as its file was before the 2026 extension
        def prices(self, ticker):
            frame = super().prices(ticker)
            return until(frame, pd.Timestamp("2026-07-02")) if ticker == "SMH" else frame

    assert build(Cut("snapshot"), "SMH", "SPY").as_of.iso == "2026-07-02"  # SMH's data ends earlier than SPY's


@pytest.mark.parametrize(
    "as_of, message",
    [
        ("1995-01-03", "before the first session IWM and SPY share"),
        ("2000-09-01", "leaves only .* sessions of history"),
        ("2026-10-15", "after the end of the data"),
    ],
)
def test_as_of_outside_the_data_is_refused(market, as_of, message):
    with pytest.raises(InputError, match=message):
        build(market, "IWM", "SPY", as_of)


def test_short_history_leaves_indicators_null(market):
    """200-249 sessions: the 200-DMA exists, Real Motion's own 50-DMA does not yet."""
    study = build(market, "IWM", "SPY", "2001-04-20")
    s = summarize(study)
    assert s["sma200"] is not None and s["real_motion"]["fast"] is None and s["leadership"]["fast"] is None
    assert "real_motion_fast" in s["unavailable"] and "real_motion_slow" in s["unavailable"]
    assert s["relative_performance"]["1y"]["ticker"] is None  # less than a year of history


def test_too_little_common_history(market):
    with pytest.raises(DataError, match="share only"):
        from analysis.model.asof import resolve

        t = market.prices("IWM").iloc[:150]
        resolve(t, market.prices("SPY"), None)


@pytest.mark.process
def test_cli_prints_the_same_json(summary):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "summary",
            "--ticker",
            "IWM",
            "--benchmark",
            "SPY",
            "--as-of",
            "2024-07-08",
            "--source",
            "snapshot",
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=True,
    )
    printed = json.loads(out.stdout)
    for key in ("close", "sma50", "phase", "real_motion", "leadership", "level_to_clear", "relative_performance"):
        assert printed[key] == json.loads(to_json(summary))[key]
    assert out.stderr == ""


@pytest.mark.process
def test_make_summary_for_the_default_benchmark_itself_uses_rsp_and_a_named_spy_is_refused():
    """`make ... TICKER=SPY` (the Makefile leaves BENCHMARK empty) writes SPY vs RSP; BENCHMARK=SPY exits 2."""
    env = {k: v for k, v in os.environ.items() if k not in ("BENCHMARK", "MAKEFLAGS", "MFLAGS")}
    make = ["make", "-s", "--no-print-directory", "summary", "TICKER=SPY", "AS_OF=2024-07-08", "SOURCE=snapshot"]
    out = subprocess.run(make, capture_output=True, text=True, cwd=PROJECT_DIR, env=env)
    assert out.returncode == 0, out.stderr
    printed = json.loads(out.stdout)
    assert (printed["ticker"], printed["benchmark"], printed["as_of"]) == ("SPY", "RSP", "2024-07-08")
    assert printed["data"]["run_notes"][0].startswith("Benchmark: RSP, the equal-weight S&P 500")
    refused = subprocess.run([*make, "BENCHMARK=SPY"], capture_output=True, text=True, cwd=PROJECT_DIR, env=env)
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: BENCHMARK SPY is the same as TICKER")


@pytest.mark.process
def test_cli_error_is_one_line_and_non_zero():
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "summary", "--ticker", "IWM;rm -rf", "--source", "snapshot"],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
    )
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("error: TICKER 'IWM;rm -rf' is not a ticker symbol")


def test_as_of_future(market):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(InputError, match="in the future"):
        build(market, "IWM", "SPY", tomorrow)
