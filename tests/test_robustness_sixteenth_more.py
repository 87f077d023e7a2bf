"""Robustness, the sixteenth pass continued (sections 4 and 5; the pass's summary is at the top of
``test_robustness_sixteenth.py``): the yfinance adapter given frames of odd but real days, and standard
streams closed early. All held; they join the suite.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

SNAP = ["--source", "snapshot"]


# -- 4. the yfinance adapter given frames of odd but real days (yf.download runs for real on a stand-in) ----


def _odd(how: str):
    """A change to the daily frame yfinance's Ticker.history returns, as Yahoo returns it on such a day."""
    import numpy as np

    def stamped_intraday(f):  # the live session's row, stamped at the minute of the request
        return f.set_axis(
            pd.DatetimeIndex([*f.index[:-1], f.index[-1] + pd.Timedelta(hours=10, minutes=31)], name="Date")
        )

    return {
        "delisted-empty-with-columns": lambda f: f.iloc[0:0],
        "renamed-nothing-left": lambda f: f.iloc[:-300],
        "the-last-row-repeated-twice": lambda f: pd.concat([f, f.iloc[[-1]], f.iloc[[-1]]]),
        "the-last-values-frozen-for-three-sessions": lambda f: f.assign(
            Close=f["Close"].where(f.index < f.index[-3], f["Close"].iloc[-4])
        ),
        "prices-as-formatted-strings": lambda f: f.map(lambda x: f"{x:.6f}"),
        "dividends-and-splits-columns": lambda f: f.assign(Dividends=0.0, **{"Stock Splits": 0.0}),
        "the-live-row-stamped-intraday": stamped_intraday,
        "volume-all-nan": lambda f: f.assign(Volume=np.nan),
        "one-row": lambda f: f.iloc[[-1]],
    }[how]


@pytest.mark.parametrize(
    "how, expected",
    [
        ("delisted-empty-with-columns", "Yahoo returned no data for IWM. Check the symbol on finance.yahoo.com"),
        ("renamed-nothing-left", "Yahoo returned no data for IWM."),
        ("the-last-row-repeated-twice", "2024-07-08"),
        ("the-last-values-frozen-for-three-sessions", "2024-07-08"),
        ("prices-as-formatted-strings", "2024-07-08"),
        ("dividends-and-splits-columns", "2024-07-08"),
        ("the-live-row-stamped-intraday", "2024-07-08"),
        ("volume-all-nan", "2024-07-08"),
        ("one-row", "2024-07-08"),
    ],
)
@pytest.mark.parametrize("auto_adjust", [True, False], ids=["no-adj-close", "with-adj-close"])
def test_the_yfinance_adapter_reads_an_odd_day_s_frame_or_names_it(monkeypatch, how, expected, auto_adjust):
    """Held, each with and without 'Adj Close' (auto_adjust=True drops it; the note says returns are
    price-only): a delisted or renamed symbol is one line naming the symbol; a repeated last row is kept
    once, with a note; strings are numbers; yfinance's extra columns are ignored; an intraday stamp is the day."""
    import yfinance.multi

    from analysis.data import yahoo
    from analysis.errors import ReportError
    from tests.test_yahoo import FakeTicker, history_frame

    change = _odd(how)

    class Odd(FakeTicker):
        def history(self, **kwargs):
            return change(history_frame(kwargs.get("auto_adjust", True) if not auto_adjust else True))

    monkeypatch.setattr(yfinance.multi, "Ticker", Odd)
    try:
        frame = yahoo.fetch("IWM", timeout=10)
    except ReportError as exc:
        assert str(exc).startswith(expected) and "\n" not in str(exc), str(exc)
        return
    assert frame.index[-1].date().isoformat() == expected and frame.index.is_unique
    assert frame["close"].dtype == "float64" and frame["close"].iloc[-1] == pytest.approx(
        201.880005 if how == "the-last-values-frozen-for-three-sessions" else 202.279999
    )
    notes = frame.attrs["notes"]
    assert any("no Adj Close" in n for n in notes) == auto_adjust, notes
    if how == "the-last-row-repeated-twice":
        assert "2 duplicated date(s) (2024-07-08, 2024-07-08): kept the last row" in notes


# -- 5. standard streams: a pipe closed early, a dumb terminal --------------------------------------------


@pytest.mark.process
@pytest.mark.parametrize("command", [["summary", "--ticker", "^VIX"], ["grade"]], ids=["summary", "grade"])
def test_a_pipe_closed_after_ten_bytes_is_silent(tmp_path, command):
    """Held: ``make summary | head -c 10`` and ``make grade | head -c 10``: exit 141 (SIGPIPE), no traceback,
    nothing on stderr (pass one tried ``head -c 0`` on summary only)."""
    import subprocess
    import sys

    from tests import hostile

    env = {**os.environ, "MOMENTUM_REPORTS_DIR": str(tmp_path), "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis", *command, *SNAP],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=hostile.PROJECT_DIR,
        preexec_fn=hostile.default_signals,
    )
    assert proc.stdout is not None and proc.stderr is not None
    head = proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) in (0, 141, -13) and len(head) == 10
    assert err == b"", err
