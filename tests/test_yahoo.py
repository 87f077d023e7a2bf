"""The yfinance adapter and the cache, against the frames yfinance 1.x really builds.

No network: ``yfinance.multi.Ticker`` is replaced by a stand-in whose ``history()`` returns
what yfinance's PriceHistory returns for a daily request (a tz-aware ``Date`` index and
Open/High/Low/Close/Adj Close/Volume, real IWM rows from the snapshot), so ``yf.download``
itself - its threading, MultiIndex assembly, tz handling and empty-frame-on-failure path -
runs for real and hands our adapter the exact shapes it would in production.
"""

from __future__ import annotations

import time

import pandas as pd
import pytest
import yfinance as yf
import yfinance.multi

from analysis.data import Market, cache, check, snapshot, yahoo
from analysis.errors import DataError, SourceUnavailable

IWM = snapshot.read("IWM").loc["2024-06-03":"2024-07-08"]


def history_frame(auto_adjust: bool) -> pd.DataFrame:
    """Real IWM rows shaped like ``Ticker.history(interval='1d')``: tz-aware index named Date."""
    frame = IWM.rename(columns={"adj_close": "Adj Close"}).rename(columns=str.title)
    frame.index = frame.index.tz_localize("America/New_York")
    frame.index.name = "Date"
    frame.attrs = {}
    cols = (
        ["Open", "High", "Low", "Close", "Volume"]
        if auto_adjust
        else ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
    )
    return frame[cols]


class FakeTicker:
    """Stands in for yfinance.Ticker; ``behaviour`` is 'ok', 'raise' or 'sleep'."""

    behaviour = "ok"

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self._price_history = type("PH", (), {"_last_error": None})()

    def history(self, **kwargs) -> pd.DataFrame:
        if self.behaviour == "raise":
            raise ConnectionError("Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com")
        if self.behaviour == "dns":  # what yfinance 1.x's curl_cffi session raises with no DNS
            from curl_cffi.requests.exceptions import DNSError

            raise DNSError(
                "Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com."
                " See https://curl.se/libcurl/c/libcurl-errors.html first for more details."
            )
        if self.behaviour == "sleep":
            time.sleep(3)
        return history_frame(kwargs.get("auto_adjust", True))


@pytest.fixture
def fake_yahoo(monkeypatch):
    monkeypatch.delenv("MOMENTUM_OFFLINE")  # these tests drive SOURCE=auto through the stand-in below
    monkeypatch.setattr(yfinance.multi, "Ticker", FakeTicker)
    monkeypatch.setattr(FakeTicker, "behaviour", "ok")
    return FakeTicker


def test_download_shape_is_multiindex_price_ticker(fake_yahoo):
    df = yf.download("IWM", period="max", auto_adjust=False, progress=False, threads=False)
    assert isinstance(df.columns, pd.MultiIndex)
    assert list(df.columns.names) == ["Price", "Ticker"]
    assert ("Adj Close", "IWM") in df.columns and df.index.tz is None
    raw = yahoo.from_download(df, "IWM")
    assert list(raw.columns) == ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
    assert raw.loc["2024-07-08", "Close"] == pytest.approx(202.279999)


def test_download_without_adj_close_gives_price_only_frame(fake_yahoo):
    df = yf.download("IWM", period="max", auto_adjust=True, progress=False, threads=False)
    assert ("Adj Close", "IWM") not in df.columns
    frame = yahoo.from_download(df, "IWM")
    assert "Adj Close" not in frame.columns


def test_group_by_ticker_and_flat_shapes_are_handled(fake_yahoo):
    by_ticker = yf.download("IWM", period="max", auto_adjust=False, progress=False, threads=False, group_by="ticker")
    assert list(by_ticker.columns.names) == ["Ticker", "Price"]
    flat = yf.download("IWM", period="max", auto_adjust=False, progress=False, threads=False, multi_level_index=False)
    assert not isinstance(flat.columns, pd.MultiIndex)
    for df in (by_ticker, flat):
        assert yahoo.from_download(df, "IWM").loc["2024-07-08", "Close"] == pytest.approx(202.279999)


def test_the_empty_frame_yfinance_returns_on_failure_is_refused(fake_yahoo):
    fake_yahoo.behaviour = "raise"
    df = yf.download("IWM", period="max", auto_adjust=False, progress=False, threads=False)
    assert df.empty and ("Close", "IWM") in df.columns  # yfinance's own failure shape
    with pytest.raises(SourceUnavailable, match="no data for IWM"):
        yahoo.from_download(df, "IWM")


def test_a_frame_for_another_ticker_is_refused(fake_yahoo):
    df = yf.download("QQQ", period="max", auto_adjust=False, progress=False, threads=False)
    with pytest.raises(SourceUnavailable, match="not IWM"):
        yahoo.from_download(df, "IWM")


def test_fetch_returns_a_contract_frame(fake_yahoo):
    frame = yahoo.fetch("IWM", timeout=2)
    check(frame)
    assert frame.attrs["source"] == "yahoo" and frame.attrs["last_date"] == "2024-07-08"
    pd.testing.assert_series_equal(frame["close"], IWM["close"], check_names=False, check_freq=False)


def test_fetch_names_the_failure_when_yfinance_fails(fake_yahoo):
    fake_yahoo.behaviour = "raise"
    with pytest.raises(SourceUnavailable, match="(?i)could not resolve host"):
        yahoo.fetch("IWM", timeout=2)


def test_no_network_is_told_apart_from_an_unknown_symbol(fake_yahoo):
    fake_yahoo.behaviour = "dns"
    with pytest.raises(SourceUnavailable) as caught:
        yahoo.fetch("IWM", timeout=2)
    err = caught.value
    assert err.message == "Yahoo Finance could not be reached (could not resolve host: query2.finance.yahoo.com)."
    assert "network connection" in err.hint and "symbol" not in str(err)


def test_network_failure_reads_yfinance_failure_logs():
    dns = (
        "1 Failed download:\n['IWM']: DNSError('Failed to perform, curl: (6) Could not resolve host:"
        " query2.finance.yahoo.com. See https://curl.se/libcurl/c/libcurl-errors.html first for more details.')"
    )
    timeout = "['IWM']: Timeout('Failed to perform, curl: (28) Operation timed out after 8002 milliseconds with 0 bytes received')"
    glossed = (
        "['IWM']: DNSError('Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com"
        " (Domain name not found). See https://curl.se/libcurl/c/libcurl-errors.html first for more details.')"
    )
    delisted = "1 Failed download:\n['ZZZZ']: YFTzMissingError('possibly delisted; no timezone found')"
    assert yahoo.network_failure([dns]) == "could not resolve host: query2.finance.yahoo.com"
    assert yahoo.network_failure([glossed]) == "could not resolve host: query2.finance.yahoo.com"
    assert yahoo.network_failure([timeout]) == "operation timed out after 8002 milliseconds with 0 bytes received"
    assert yahoo.network_failure([delisted]) is None and yahoo.network_failure([]) is None


def test_fetch_gives_up_after_its_deadline(fake_yahoo):
    fake_yahoo.behaviour = "sleep"
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="did not answer"):
        yahoo.fetch("IWM", timeout=0.2)
    assert time.monotonic() - started < 2.5


def test_cache_round_trip_and_provenance(fake_yahoo):
    frame = yahoo.fetch("IWM", timeout=2)
    cache.save(frame)
    back = cache.load("IWM")
    check(back)
    assert back.attrs["source"] == "cache" and "fetched" in back.attrs["source_detail"]
    pd.testing.assert_frame_equal(back, frame, check_freq=False, atol=1e-6)


def test_truncated_cache_is_detected(fake_yahoo):
    path = cache.save(yahoo.fetch("IWM", timeout=2))
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(DataError, match="corrupt: checksum mismatch"):
        cache.load("IWM")


def test_auto_falls_back_to_the_snapshot_with_a_note(fake_yahoo):
    fake_yahoo.behaviour = "raise"
    market = Market("auto", timeout=1)
    frame = market.prices("IWM")
    assert frame.attrs["source"] == "snapshot"
    assert "Yahoo could not be used" in frame.attrs["notes"][0]
    assert market.yahoo_down.startswith("Yahoo Finance could not be reached") and "symbol" not in market.yahoo_down
    # the failure is remembered: the next ticker does not wait for Yahoo again
    fake_yahoo.behaviour = "sleep"
    started = time.monotonic()
    assert market.prices("SPY").attrs["source"] == "snapshot"
    assert time.monotonic() - started < 1


def test_auto_skips_a_corrupt_cache_and_says_so(fake_yahoo):
    path = cache.save(yahoo.fetch("IWM", timeout=2))
    path.write_text("garbage")
    fake_yahoo.behaviour = "raise"
    frame = Market("auto", timeout=1).prices("IWM")
    assert frame.attrs["source"] == "snapshot"
    assert any("corrupt" in n for n in frame.attrs["notes"])


def test_auto_uses_yahoo_and_refreshes_the_cache(fake_yahoo):
    frame = Market("auto", timeout=2).prices("IWM")
    assert frame.attrs["source"] == "yahoo"
    assert cache.load("IWM").attrs["last_date"] == "2024-07-08"


def test_unknown_ticker_offline_lists_the_snapshot(fake_yahoo):
    fake_yahoo.behaviour = "raise"
    with pytest.raises(DataError, match=r"no data for ZZZZ.*holds: .*IWM"):
        Market("auto", timeout=1).prices("ZZZZ")


def test_offline_mode_skips_yahoo(fake_yahoo, monkeypatch):
    monkeypatch.setenv("MOMENTUM_OFFLINE", "1")
    fake_yahoo.behaviour = "sleep"  # would take 3 s if it were called
    started = time.monotonic()
    frame = Market("auto", timeout=5).prices("IWM")
    assert time.monotonic() - started < 1
    assert "offline mode" in frame.attrs["notes"][0]
