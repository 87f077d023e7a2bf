"""Macro readings and measures: known values on the model commentary's day (IWM, 2024-07-08),
recomputed here with the csv module from the bundled files, and no look-ahead at any date."""

from __future__ import annotations

import csv
import gzip
import io
import statistics

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis.data import macro_snapshot
from analysis.data.fred import Macro
from analysis.data.series import known_by
from analysis.model import macro, macro_events

AS_OF = "2024-07-08"


def rows(series_id: str) -> list[tuple[str, float]]:
    text = gzip.decompress(macro_snapshot.path(series_id).read_bytes()).decode()
    return [(r["Date"], float(r["Value"])) for r in csv.DictReader(io.StringIO(text))]


@pytest.fixture(scope="module")
def store() -> Macro:
    return Macro("snapshot")


def test_readings_on_the_model_commentarys_day(store):
    """On the morning-of-close basis: Friday 2024-07-05's close is public Monday 07-08; the June jobs
    report (2024-07-05) gives Sahm 0.43 and unemployment 4.1; claims for the week to 06-29 came out
    Wednesday 07-03 (July 4 was a Thursday); NFCI for 06-28 on Wednesday 07-03."""
    got = macro.readings(store, AS_OF)
    assert list(got) == list(macro.EVIDENCE_IDS)
    expected = {
        "T10Y3M": (-1.18, "2024-07-05", "2024-07-08"),
        "T10Y2Y": (-0.32, "2024-07-05", "2024-07-08"),
        "DGS10": (4.28, "2024-07-05", "2024-07-08"),
        "BAMLH0A0HYM2": (3.27, "2024-07-05", "2024-07-08"),
        "ICSA": (238000.0, "2024-06-29", "2024-07-03"),
        "UNRATE": (4.1, "2024-06-01", "2024-07-05"),
        "SAHMREALTIME": (0.43, "2024-06-01", "2024-07-05"),
        "NFCI": (-0.382, "2024-06-28", "2024-07-03"),
    }
    for series_id, (value, date, since) in expected.items():
        reading = got[series_id]
        assert dict(rows(series_id))[date] == value
        assert (reading["value"], reading["date"], reading["known_since"]) == (value, date, since), series_id
        assert reading["stale"] is False and reading["stale_reason"] == ""
        assert reading["title"] == macro_snapshot.manifest()[series_id]["title"]
        assert reading["units"] == macro_snapshot.manifest()[series_id]["units"]
    assert set(got["T10Y3M"]) == {
        "value",
        "date",
        "known_since",
        "title",
        "units",
        "stale",
        "stale_reason",
        "source",
        "revised",
    }


def test_the_curve_had_been_inverted_for_twenty_months(store):
    """Monthly means of T10Y3M, recomputed: every month from November 2022 to June 2024 below zero."""
    by_month: dict[str, list[float]] = {}
    for day, value in rows("T10Y3M"):
        if day < "2024-07-01":
            by_month.setdefault(day[:7], []).append(value)
    window = [m for m in sorted(by_month) if m >= "2022-07"]
    assert len(window) == 24
    below = [m for m in window if statistics.fmean(by_month[m]) < 0]
    assert below[0] == "2022-11" and len(below) == 20
    c = macro.curve(macro.public(store, "T10Y3M", AS_OF))
    assert (c["value"], c["date"], c["inverted"]) == (-1.18, "2024-07-05", True)
    assert (c["months_inverted"], c["window_months"], c["inverted_months"], c["inverted_since"]) == (
        20,
        24,
        20,
        "2022-11-01",
    )
    assert c["last_uninversion"] == {"date": "2019-10-11", "run_start": "2019-05-01", "run_months": 5}


def test_the_curve_uninverts_in_december_2024_after_25_months(store):
    events = macro.uninversions(macro.public(store, "T10Y3M", "2026-12-01"))
    assert pd.Timestamp("2019-10-11") in events.index and pd.Timestamp("2024-12-13") in events.index
    assert events.loc["2024-12-13", "run_months"] == 25
    assert dict(rows("T10Y3M"))["2024-12-13"] > 0 >= dict(rows("T10Y3M"))["2024-12-12"]
    after = macro.curve(macro.public(store, "T10Y3M", "2025-01-31"))
    assert after["last_uninversion"]["date"] == "2024-12-13" and after["months_since_uninversion"] == 1
    assert after["inverted_months"] == 0 and after["inverted_since"] is None


def test_credit_claims_sahm_and_nfci_on_the_model_commentarys_day(store):
    m = macro.measures(store, AS_OF)
    hy = dict(rows("BAMLH0A0HYM2"))
    assert (m["credit"]["value"], m["credit"]["change_from"]) == (3.27, "2024-04-05")
    assert_allclose(m["credit"]["change"], hy["2024-07-05"] - hy["2024-04-05"], atol=1e-9)  # +0.09
    icsa = [(d, v) for d, v in rows("ICSA") if d <= "2024-06-29"]
    averages = [
        (icsa[i][0], statistics.fmean(v for _, v in icsa[i - 3 : i + 1])) for i in range(len(icsa) - 52, len(icsa))
    ]
    low_day, low = min(averages, key=lambda a: a[1])
    claims = m["claims"]
    assert (claims["date"], claims["value"], claims["low_date"]) == ("2024-06-29", 238000.0, low_day)
    assert_allclose(
        [claims["avg"], claims["low"], claims["pct_above_low"]],
        [averages[-1][1], low, averages[-1][1] / low - 1],
        rtol=1e-12,
    )
    assert_allclose(claims["avg"], 236750.0) and low_day == "2024-01-13"
    sahm = m["sahm"]
    assert (sahm["value"], sahm["date"], sahm["change_from"], sahm["triggered"]) == (
        0.43,
        "2024-06-01",
        "2024-03-01",
        False,
    )
    assert_allclose(sahm["change"], 0.43 - dict(rows("SAHMREALTIME"))["2024-03-01"], atol=1e-9)  # +0.13, rising
    assert (m["nfci"]["value"], m["nfci"]["date"], m["nfci"]["tighter"]) == (-0.382, "2024-06-28", False)
    assert {k: m[k]["known_since"] for k in m} == {
        "curve": "2024-07-08",
        "credit": "2024-07-08",
        "claims": "2024-07-03",
        "sahm": "2024-07-05",
        "nfci": "2024-07-03",
    }


def test_the_sahm_rule_triggers_with_the_july_2024_report(store):
    assert macro.measures(store, "2024-08-01")["sahm"]["triggered"] is False
    after = macro.measures(store, "2024-08-02")["sahm"]
    assert (after["value"], after["date"], after["triggered"]) == (0.53, "2024-07-01", True)


def test_recessions_are_the_nber_spans_for_shading_only(store):
    spans = macro.recessions(store)
    assert spans[-4:] == [
        (pd.Timestamp("1990-08-01"), pd.Timestamp("1991-03-31")),
        (pd.Timestamp("2001-04-01"), pd.Timestamp("2001-11-30")),
        (pd.Timestamp("2008-01-01"), pd.Timestamp("2009-06-30")),
        (pd.Timestamp("2020-03-01"), pd.Timestamp("2020-04-30")),
    ]
    months = sum(v for _, v in rows("USREC"))
    assert months == sum((e.year - s.year) * 12 + e.month - s.month + 1 for s, e in spans)
    assert macro.RECESSION_LABEL == "NBER recessions, dated in hindsight"
    assert "USREC" not in macro.EVIDENCE_IDS


class Spoiled:
    """A store whose series carry absurd values wherever they were not yet public at ``as_of``."""

    def __init__(self, base: Macro, as_of: str) -> None:
        self.base, self.as_of = base, as_of

    def series(self, series_id: str) -> pd.Series:
        series = self.base.series(series_id).copy()
        series.attrs = dict(self.base.series(series_id).attrs)
        public = known_by(series, self.as_of).index
        series[~series.index.isin(public)] = 1e6
        return series

    def maybe(self, series_id: str):
        return self.series(series_id), ""


@pytest.mark.parametrize(
    "as_of", ["2001-01-22", "2008-09-15", "2019-10-11", "2020-04-03", AS_OF, "2024-08-02", "2024-12-13", "2025-11-20"]
)
def test_no_reading_or_measure_sees_an_observation_before_it_was_public(store, as_of):
    spoiled = Spoiled(store, as_of)
    assert macro.readings(spoiled, as_of) == macro.readings(store, as_of)
    assert macro.measures(spoiled, as_of) == macro.measures(store, as_of)
    for reading in macro.readings(store, as_of).values():
        assert reading["known_since"] is None or reading["known_since"] <= as_of


def test_empty_history_gives_none_not_zero():
    empty = pd.Series([], dtype=float, index=pd.DatetimeIndex([], name="date"))
    assert macro.curve(empty)["value"] is None and macro.claims(empty)["avg"] is None
    assert macro.sahm(empty)["triggered"] is None and macro.nfci(empty)["tighter"] is None
    assert macro.credit(empty)["change"] is None


def test_a_series_that_cannot_be_loaded_reads_unavailable():
    got = macro.readings(Macro("cache"), AS_OF, ids=("T10Y3M",))["T10Y3M"]
    assert got["value"] is None and got["stale"] is True and got["stale_reason"].startswith("no cached FRED data")


def adj_closes(ticker: str) -> list[tuple[str, float]]:
    from analysis.paths import SNAPSHOT_DIR, file_stem

    text = gzip.decompress((SNAPSHOT_DIR / f"{file_stem(ticker)}.csv.gz").read_bytes()).decode()
    return [(r["Date"], float(r["Adj Close"])) for r in csv.DictReader(io.StringIO(text))]


def test_iwm_after_the_curve_uninverted_known_values(store):
    """Events public by 2024-07-08 in IWM's history; entry at the close of the day each became public."""
    from analysis.data import Market

    iwm = Market("snapshot").prices("IWM")["adj_close"].loc[:AS_OF]
    events, baseline = macro_events.uninversion_study(macro.public(store, "T10Y3M", AS_OF), iwm)
    assert [d.date().isoformat() for d in events.index] == ["2001-01-22", "2007-05-30", "2019-10-11"]
    assert [d.date().isoformat() for d in events["entry"]] == [
        "2001-01-23",
        "2007-05-31",
        "2019-10-15",
    ]  # 10-14: Columbus Day
    closes = [(d, v) for d, v in adj_closes("IWM") if d <= AS_OF]
    at = [d for d, _ in closes].index("2019-10-15")
    for h in (20, 60, 120):
        assert_allclose(events.loc["2019-10-11", f"fwd{h}"], closes[at + h][1] / closes[at][1] - 1, rtol=1e-12)
    returns = [closes[i + 60][1] / closes[i][1] - 1 for i in range(len(closes) - 60)]
    assert baseline[60]["n"] == len(returns)
    assert_allclose(baseline[60]["median"], statistics.median(returns), rtol=1e-12)
    assert_allclose(baseline[60]["hit_rate"], sum(r > 0 for r in returns) / len(returns), rtol=1e-12)


def test_an_event_whose_window_is_open_has_no_return(store):
    from analysis.data import Market

    iwm = Market("snapshot").prices("IWM")["adj_close"].loc[:"2025-01-31"]
    events, _ = macro_events.uninversion_study(macro.public(store, "T10Y3M", "2025-01-31"), iwm)
    last = events.iloc[-1]
    assert events.index[-1] == pd.Timestamp("2024-12-13") and last["entry"] == pd.Timestamp("2024-12-16")
    assert pd.notna(last["fwd20"]) and pd.isna(last["fwd60"]) and pd.isna(last["fwd120"])
