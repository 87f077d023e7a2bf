"""Robustness, a twenty-third hostile pass: families the twenty-two earlier passes left alone.

Cases tried by hand (see the README's sentence for the count), then kept here where cheap; each section says what
held and what broke, the defects (A, B, ...) with the test that failed before the fix. Sections 3-6:
``test_robustness_twentythird_more.py``.

1. yfinance frames of yfinance 1.7 as ``yf.download`` builds them (``yfinance.multi.Ticker`` replaced by a stand-in
   whose ``history()`` returns bundled rows, so yfinance's own assembly runs): **Broke (A)**: during trading hours
   Yahoo answers a daily request with a row for today whose close is the last trade (yfinance merges the live quote
   in: ``utils.fix_Yahoo_returning_live_separate``). ``make report`` at 14:30 New York time, with no AS_OF, wrote a
   piece dated today from a mid-session price ("IWM fell 1.2% on July 8"), and cached that row as the day's close
   for every later ``SOURCE=cache``/``local`` piece and ``make grade``. Now a row dated the exchange's today (its
   time zone from the download, ``ignore_tz=False``; New York when none) is left out before 18:00 there, and always
   on a seven-day calendar (a coin's day ends at midnight), with a note; a download of only that row is one line.
   Held: after 18:00 New York the day's row is kept; a row of a Tokyo listing checked in Tokyo's time.
   Held (about 14 cases, ``yahoo.fetch`` given each frame): ``auto_adjust=True`` (no Adj Close: price-only, said),
   ``(Price, Ticker)`` columns holding three tickers, ``group_by="ticker"``, ``actions=True`` (Dividends, Stock
   Splits, Capital Gains), ``repair=True``'s ``Repaired?``, a flat frame (``multi_level_index=False``), a lower-case
   ticker level, indexes in New York, London, Tokyo and Kiritimati (each session its own date), a day given twice
   (the last kept, said). A stamp at 23:00 the day before a change of daylight-saving time cannot come from
   yfinance 1.7 (its daily bars are put at midnight in the exchange's zone: ``history.py``).
   **Broke (C)**: that one-row download (a listing's first day) was "error: NEWCO and SPY share only 1 sessions".
2. Yahoo's symbol grammar across exchanges and asset kinds, as files a user brings (``SOURCE=local``), derived from
   bundled series in the test and said so: ``ES=F`` (SPY x10), ``EURUSD=X`` (a twentieth of SPY's moves), ``A``,
   ``F``, ``BRK-B``, ``0700.HK`` on a Hong Kong calendar (no rows on Lunar New Year, rows on US holidays), a coin
   quoted in euros (``BTC-EUR``: BTC-USD x0.92); ``make summary TICKER=ES=F``, ``TICKER==F``, ``TICKER=ES==F``,
   ``make report TICKER=ES=F`` (files ``ES=F.*``, linked from the index). **Broke (B)**: ``BTC-EUR``, which no
   symbol rule names a coin, took the default profile's year of 252 sessions, 36 weeks of a seven-day calendar:
   on 2023-04-11 "BTC-EUR at a 52-week high ... at a 52-week high, there is no level of the last year overhead;
   above it: 29,249 (high close, May 31, 2022)", a close of ten months before. Now a series trading at weekends
   counts 365 sessions a year (:func:`analysis.model.profile.on_calendar`), whatever its profile, and says so in
   the profile's reason. Held: a Hong Kong session on the Fourth of July ("0700.HK rose 0.5% on July 4, 2024, an
   ordinary move for it"), its Lunar New Year ("no row for 2024-02-12, a session SPY traded"), every file name with
   ``=``. **Broke (D)**: a file a user saved from a tz-aware yfinance frame of a European, Australian or New Zealand
   listing (``yf.download("VOD.L", ignore_tz=False).to_csv()``: ``+00:00`` in winter, ``+01:00`` in summer) was a
   traceback, "ValueError: Mixed timezones detected. Pass utc=True", from ``summary``, ``report`` and a batch; each
   stamp is now read at its own wall time, as a single offset was. Noticed and left: the same bars converted to
   UTC (Tokyo's midnight is 15:00 UTC the day before, London's summer midnight 23:00) date every session a day
   early, Monday's bar on a Sunday: the file's own instants, read as its dates. **Broke (G)**: a London listing's
   file whose prices switch from pence to pounds (Yahoo's known 100x unit mix-up: ``VOD.L`` at 79.11 then 0.79)
   was read: "VOD.L fell 99.0% on June 3, 2024, its largest one-day fall in the data ... 99.0% below its record
   close", and so would an unadjusted 20:1 or 50:1 split (Amazon and Alphabet 2022, Chipotle 2024): the split
   screen knew ratios up to 10. Now 8, 15, 20, 25, 50 and 100 too (exit 3 naming the row); no bundled row comes
   near. Held: one row in pounds amid pence, first or last (exit 3, the row named). Also noticed and left: a future or a currency pair is read as "a stock or equity fund, the default" (its
   "total return, dividends reinvested" is its price's: no dividend in the file): a ``[[rule]]`` is the user's;
   "A is deeply oversold" reads oddly for Agilent.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from analysis import cli
from analysis.paths import SNAPSHOT_DIR
from tests import hostile


def bundled(name: str) -> pd.DataFrame:
    """A bundled series as its CSV holds it (real data)."""
    raw = gzip.decompress((SNAPSHOT_DIR / f"{name}.csv.gz").read_bytes())
    return pd.read_csv(io.BytesIO(raw), parse_dates=["Date"], index_col="Date")


# -- 1. a download during trading hours ---------------------------------------------------------------------------


def _yahoo(monkeypatch, frames: dict[str, pd.DataFrame], now: dt.datetime):
    """``yf.download`` runs for real over a stand-in ``Ticker`` whose ``history()`` returns ``frames[symbol]`` (its
    index localized as yfinance localizes a daily bar: midnight in the exchange's zone); the clock is ``now``."""
    import yfinance.multi

    from analysis.data import yahoo

    class Ticker:
        def __init__(self, symbol: str) -> None:
            self.symbol = symbol
            self._price_history = type("PH", (), {"_last_error": None})()

        def history(self, **kwargs) -> pd.DataFrame:
            return frames[self.symbol].copy()

    monkeypatch.delenv("MOMENTUM_OFFLINE", raising=False)
    monkeypatch.setattr(yfinance.multi, "Ticker", Ticker)
    monkeypatch.setattr(yahoo, "_now", lambda: now, raising=False)


def _bars(name: str, until: str, zone: str = "America/New_York") -> pd.DataFrame:
    """SYNTHETIC only in its time stamps: the bundled ``name`` up to ``until`` as yfinance's daily history (index at
    midnight in ``zone``, named Date)."""
    frame = bundled(name).loc[:until]
    frame.index = frame.index.tz_localize(zone)
    frame.index.name = "Date"
    return frame


def _yahoo_summary(capsys, ticker: str, *extra: str) -> tuple[int, dict | None, str]:
    code = cli.main(["summary", "--source", "yahoo", "--ticker", ticker, *extra])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 else None), out.err


def _at(day: str, hour: int, zone: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, minute=30, tzinfo=ZoneInfo(zone))


def test_a_session_still_in_progress_is_not_written_about_as_a_finished_one(capsys, monkeypatch, price_cache):
    """(A) at 14:30 New York time on 2024-07-08, Yahoo's answer ends with that day's row (its close the last trade).
    The piece was as of 2024-07-08 and the row cached as its close; now it is as of 2024-07-05, says why, and the
    cache holds no row of the day in progress."""
    frames = {"IWM": _bars("IWM", "2024-07-08"), "SPY": _bars("SPY", "2024-07-08")}
    _yahoo(monkeypatch, frames, _at("2024-07-08", 14, "America/New_York"))
    code, data, err = _yahoo_summary(capsys, "IWM")
    assert code == 0, err
    assert data["as_of"] == "2024-07-05", data["as_of"]
    notes = " ".join(data["data"]["ticker"]["notes"])
    assert "IWM: the session of 2024-07-08 was still in progress when Yahoo was asked" in notes, notes
    cached = (price_cache / "IWM.csv").read_text()
    assert "2024-07-05" in cached and "2024-07-08" not in cached


def test_a_finished_session_is_kept(capsys, monkeypatch, price_cache):
    """(A) held: at 18:30 New York time the day's row is the day's close: the piece is as of that day."""
    frames = {"IWM": _bars("IWM", "2024-07-08"), "SPY": _bars("SPY", "2024-07-08")}
    _yahoo(monkeypatch, frames, _at("2024-07-08", 18, "America/New_York"))
    code, data, err = _yahoo_summary(capsys, "IWM")
    assert code == 0 and data["as_of"] == "2024-07-08", err
    assert not any("in progress" in n for n in data["data"]["ticker"]["notes"])


def test_a_tokyo_listing_is_checked_in_tokyos_time(monkeypatch):
    """(A) SYNTHETIC (IWM's rows stamped in Tokyo, as 7203.T's are): at 10:30 in Tokyo on 2024-07-08 (21:30 the day
    before in New York) the row of 2024-07-08 is Tokyo's session in progress, left out; in New York's time it would
    have looked like tomorrow's."""
    from analysis.data import yahoo

    frames = {"7203.T": _bars("IWM", "2024-07-08", "Asia/Tokyo")}
    _yahoo(monkeypatch, frames, _at("2024-07-08", 10, "Asia/Tokyo"))
    frame = yahoo.fetch("7203.T", timeout=5)
    assert frame.index[-1] == pd.Timestamp("2024-07-05"), frame.index[-1]


def test_a_coins_day_is_in_progress_until_midnight(monkeypatch):
    """(A) BTC-USD's day is UTC's (yfinance stamps it so): at 23:30 UTC its row of the day is still moving."""
    from analysis.data import yahoo

    _yahoo(monkeypatch, {"BTC-USD": _bars("BTC-USD", "2024-07-08", "UTC")}, _at("2024-07-08", 23, "UTC"))
    assert yahoo.fetch("BTC-USD", timeout=5).index[-1] == pd.Timestamp("2024-07-07")


def test_a_download_of_only_the_session_in_progress_is_one_line(capsys, monkeypatch, no_reports):
    """(A) a new listing's first day, asked for during it: one row, in progress. One line, exit 3, the reason."""
    frames = {"NEWCO": _bars("IWM", "2024-07-08").iloc[-1:], "SPY": _bars("SPY", "2024-07-08")}
    _yahoo(monkeypatch, frames, _at("2024-07-08", 11, "America/New_York"))
    code, line = hostile.cli_line(capsys, "summary", "--source", "yahoo", "--ticker", "NEWCO")
    assert code == 3 and "only the session of 2024-07-08 for NEWCO, still in progress" in line, line


def test_a_one_row_history_is_one_session_not_one_sessions(capsys, price_cache):
    """(C) "NEWCO and SPY share only 1 sessions"."""
    from tests.test_robustness_twentysecond import bring

    bring(price_cache, "NEWCO", bundled("SPY").loc["2024-07-08":"2024-07-08"])
    code, line = hostile.cli_line(capsys, "summary", "--source", "local", "--ticker", "NEWCO")
    assert code == 3 and "share only 1 session;" in line, line


# -- 2. Yahoo's symbols, brought as files ---------------------------------------------------------------------


def _local(capsys, ticker: str, as_of: str) -> dict:
    code = cli.main(["summary", "--source", "local", "--ticker", ticker, "--as-of", as_of])
    out = capsys.readouterr()
    assert code == 0 and out.err == "", out.err
    return json.loads(out.out)


def test_a_coin_quoted_in_euros_counts_a_year_of_its_own_calendar(capsys, price_cache):
    """(B) SYNTHETIC, BTC-USD x0.92 brought as BTC-EUR (no rule names it a coin: the default profile). On 2023-04-11
    its close was the highest of 252 rows (36 weeks) but not of a year: "BTC-EUR at a 52-week high ... there is no
    level of the last year overhead; above it: 29,249 (high close, May 31, 2022)". Its year is now 365 sessions, as
    BTC-USD's: the same headline and levels."""
    from tests.test_robustness_twentysecond import bring

    btc = bundled("BTC-USD")
    eur = btc.copy()
    eur[["Open", "High", "Low", "Close", "Adj Close"]] *= 0.92
    bring(price_cache, "BTC-EUR", eur)
    bring(price_cache, "BTC-USD", btc)
    data, usd = _local(capsys, "BTC-EUR", "2023-04-11"), _local(capsys, "BTC-USD", "2023-04-11")
    assert "52-week" not in data["headline"], data["headline"]
    assert data["headline"] == usd["headline"].replace("BTC-USD", "BTC-EUR")
    assert data["profile"]["kind"] == "equity" and data["profile"]["year"] == 365
    assert data["profile"]["reason"].endswith("it trades every day of the week, so a year is 365 sessions")
    assert [lv["what"] for lv in data["brief"]["levels"]["support"]] == [
        lv["what"] for lv in usd["brief"]["levels"]["support"]
    ]


@pytest.mark.parametrize("ticker", ["ES=F", "A", "BRK-B", "0700.HK"])
def test_yahoos_symbols_on_an_exchange_calendar_keep_an_exchanges_year(capsys, price_cache, ticker):
    """(B) held at the edge: SYNTHETIC, SPY brought under each symbol: a weekday calendar keeps 252 sessions a year;
    the piece's words are SPY's with the symbol changed."""
    from tests.test_robustness_twentysecond import bring

    bring(price_cache, ticker, bundled("SPY"))
    bring(price_cache, "IWM", bundled("IWM"))
    data = _local(capsys, ticker, "2024-08-05")
    assert data["profile"]["year"] == 252 and "every day" not in data["profile"]["reason"]
    assert data["headline"] == f"{ticker} is deeply oversold and lagging SPY: capitulation?", data["headline"]


def _bring_stamped(folder, ticker: str, frame: pd.DataFrame, zone: str) -> None:
    """``frame`` saved as pandas saves a tz-aware frame in ``zone`` (the offset after each stamp), with the cache's
    metadata (``SOURCE=local``)."""
    import hashlib

    frame = frame.copy()
    frame.index = frame.index.tz_localize(zone)
    data = frame.rename_axis("Date").to_csv(float_format="%.6f").encode()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ticker}.csv").write_bytes(data)
    meta = {"ticker": ticker, "fetched_at": "2026-08-22T00:00:00+00:00", "rows": len(frame)}
    (folder / f"{ticker}.json").write_text(json.dumps({**meta, "sha256": hashlib.sha256(data).hexdigest()}))


@pytest.mark.parametrize("zone", ["Europe/London", "Europe/Berlin", "Pacific/Auckland", "Asia/Tokyo"])
def test_a_file_saved_with_offsets_that_change_with_daylight_saving_is_read(capsys, price_cache, zone):
    """(D) SYNTHETIC, SPY's rows stamped at midnight in ``zone`` and saved by pandas ("1993-01-29 00:00:00+00:00",
    "2024-10-25 00:00:00+01:00"): a traceback, "Mixed timezones detected", where the zone changes its offset; now
    each session keeps its date (Tokyo, one offset all year, held)."""
    spy = bundled("SPY")
    _bring_stamped(price_cache, "VOD.L", spy, zone)
    data = _local(capsys, "VOD.L", "2024-08-05")
    assert data["as_of"] == "2024-08-05" and abs(data["close"] - spy.loc["2024-08-05", "Close"]) < 1e-5


@pytest.mark.process
def test_a_file_saved_with_changing_offsets_is_read_by_the_program(tmp_path, price_cache):
    """(D) the same as a user runs it: ``python -m analysis summary`` printed a 40-line traceback."""
    import os

    _bring_stamped(price_cache, "VOD.L", bundled("SPY"), "Europe/London")
    done = hostile.run_cli(
        tmp_path / "reports",
        *("summary", "--source", "local", "--ticker", "VOD.L", "--as-of", "2024-03-25"),
        env={"MOMENTUM_CACHE_DIR": os.environ["MOMENTUM_CACHE_DIR"]},
        timeout=300,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr[-600:]
    assert json.loads(done.stdout)["as_of"] == "2024-03-25"


@pytest.mark.parametrize(
    "ratio, why",
    [(0.01, "pence to pounds"), (100, "pounds to pence"), (1 / 20, "a 20:1 split"), (1 / 50, "a 50:1 split")],
)
def test_prices_that_change_units_or_split_unadjusted_are_refused(capsys, price_cache, ratio, why):
    """(G) SYNTHETIC, SPY x0.15 (a London listing in pence) with every price from 2024-06-03 times ``ratio``: read as
    a 99% fall ("VOD.L fell 99.0% on June 3, 2024, its largest one-day fall in the data"); now exit 3 naming the
    row, for any as-of."""
    from tests.test_robustness_twentysecond import bring

    pence = bundled("SPY")
    pence[["Open", "High", "Low", "Close", "Adj Close"]] *= 0.15
    pence.loc["2024-06-03":, ["Open", "High", "Low", "Close", "Adj Close"]] *= ratio
    bring(price_cache, "VOD.L", pence)
    code, line = hostile.cli_line(capsys, "summary", "--source", "local", "--ticker", "VOD.L", "--as-of", "2024-08-05")
    assert code == 3 and "2024-06-03 close" in line and "fix or delete those rows" in line, (why, line)


def _download_frame(shape: str) -> pd.DataFrame:
    """SYNTHETIC only in shape: real IWM rows as ``yf.download`` 1.7 returns them with the options named."""
    fields = ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
    frame = bundled("IWM").loc["2023-01-03":"2024-07-08"]
    zone = {"london": "Europe/London", "tokyo": "Asia/Tokyo", "kiritimati": "Pacific/Kiritimati"}.get(shape)
    frame.index = frame.index.tz_localize(zone or "America/New_York")
    frame.index.name = "Date"
    if shape == "auto-adjust":
        fields.remove("Adj Close")
    extra = {"actions": {"Dividends": 0.0, "Stock Splits": 0.0, "Capital Gains": 0.0}, "repair": {"Repaired?": False}}
    frame = frame[fields].assign(**extra.get(shape, {}))
    symbols = {"several": ["SPY", "IWM", "QQQ"], "lower": ["iwm"]}.get(shape, ["IWM"])
    wide = pd.concat({s: frame for s in symbols}, axis=1, names=["Ticker", "Price"])
    if shape != "group-by-ticker":
        wide = wide.swaplevel(0, 1, axis=1).rename_axis(["Price", "Ticker"], axis=1)
    return wide.droplevel(1, axis=1) if shape == "flat" else wide


@pytest.mark.parametrize(
    "shape",
    [
        "auto-adjust",
        "several",
        "group-by-ticker",
        "actions",
        "repair",
        "flat",
        "lower",
        "london",
        "tokyo",
        "kiritimati",
    ],
)
def test_yfinance_17s_frames_are_read(monkeypatch, shape):
    """Held: each shape gives IWM's own rows, sessions on their dates; without Adj Close, price-only and said."""
    from analysis.data import yahoo

    given = _download_frame(shape)
    monkeypatch.setattr(yahoo, "_download", lambda ticker, timeout: (given, []))
    frame = yahoo.fetch("IWM", timeout=5)
    assert frame.index[-1] == pd.Timestamp("2024-07-08") and len(frame) == len(given)
    assert abs(frame["close"].iloc[-1] - bundled("IWM").loc["2024-07-08", "Close"]) < 1e-9
    assert frame.attrs["price_only"] is (shape == "auto-adjust")


@pytest.mark.process
@pytest.mark.parametrize(
    "given, ticker", [("TICKER=ES=F", "ES=F"), ("TICKER=es=f", "ES=F"), ("TICKER=EURUSD=X", "EURUSD=X")]
)
def test_make_takes_an_equals_sign_inside_a_ticker(tmp_path, given, ticker):
    """Held: make splits ``TICKER=ES=F`` at its first ``=``; SYNTHETIC files (SPY's rows) under those symbols."""
    import os
    import subprocess

    from tests.conftest import PROJECT_DIR
    from tests.test_robustness_twentysecond import bring

    cache = tmp_path / "cache"
    bring(cache, ticker, bundled("SPY"))
    env = {**os.environ, "MOMENTUM_CACHE_DIR": str(cache), "MOMENTUM_REPORTS_DIR": str(tmp_path / "r")}
    command = ["make", "-s", "summary", given, "AS_OF=2024-07-08", "SOURCE=local"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=PROJECT_DIR, timeout=300)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert json.loads(done.stdout)["ticker"] == ticker
