"""Charts remembered by their inputs (analysis.view.charts.memo): the family chart is drawn once per
as-of date and reused by every ticker's piece, and never where any input differs."""

from __future__ import annotations

import matplotlib
import pytest

from analysis.view.charts import memo
from analysis.view.piece import Piece
from tests.conftest import AS_OF


@pytest.fixture(autouse=True)
def empty_memo(tmp_path, monkeypatch):
    """An empty memory and an empty chart folder: these tests count what is drawn."""
    monkeypatch.setenv("MOMENTUM_CHART_CACHE_DIR", str(tmp_path / "charts"))
    memo.clear()
    yield
    memo.clear()


def test_the_family_chart_is_reused_at_the_same_as_of_and_equals_a_fresh_drawing():
    iwm = Piece.build("IWM", "SPY", AS_OF, "snapshot")
    qqq = Piece.build("QQQ", "SPY", AS_OF, "snapshot")
    first = iwm.chart_family()
    assert qqq.chart_family() is first and memo.stats == {"hits": 1, "misses": 1, "disk": 0}
    memo.clear()
    redrawn = qqq.chart_family()
    assert redrawn is not first and redrawn.data == first.data and redrawn.alt == first.alt
    assert first.data[:8] == b"\x89PNG\r\n\x1a\n"


def _family_keys(monkeypatch, *pieces) -> list[str]:
    """The memo key each piece's family chart is looked up under, recorded instead of drawn."""
    keys: list[str] = []

    def record(name, inputs, draw, *, disk=False):
        keys.append(memo.digest(name, *inputs, *((memo.code_version(),) if disk else ())))
        return None

    monkeypatch.setattr(memo, "cached", record)
    for piece in pieces:
        piece._chart_family()
    return keys


def test_another_as_of_date_or_family_configuration_is_another_key(tmp_path, monkeypatch):
    """The quick tier's check of the two tests below (make check draws the charts): the family
    chart's key, as the piece asks the memo, changes with the as-of date and the configuration,
    and not with the ticker."""
    today = [Piece.build(t, "SPY", AS_OF, "snapshot") for t in ("IWM", "QQQ")]
    earlier = Piece.build("IWM", "SPY", "2024-06-28", "snapshot")
    (tmp_path / "family.toml").write_text(
        'benchmark = "SPY"\n[[member]]\nticker = "IWM"\nnickname = "Granddad"\n'
        '[[member]]\nticker = "XRT"\nnickname = "Granny"\n'
    )
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(tmp_path))
    configured = Piece.build("IWM", "SPY", AS_OF, "snapshot")
    iwm, qqq, then, other = _family_keys(monkeypatch, *today, earlier, configured)
    assert iwm == qqq and len({iwm, then, other}) == 3


@pytest.mark.slow  # draws two family charts (3 CPU-s); the key test above runs in make test
def test_another_as_of_date_draws_its_own_family_chart():
    today = Piece.build("IWM", "SPY", AS_OF, "snapshot").chart_family()
    earlier = Piece.build("IWM", "SPY", "2024-06-28", "snapshot").chart_family()
    assert earlier is not today and earlier.data != today.data
    assert memo.stats == {"hits": 0, "misses": 2, "disk": 0}


@pytest.mark.slow  # draws two family charts (3 CPU-s); the key test above runs in make test
def test_another_family_configuration_draws_anew(tmp_path, monkeypatch):
    before = Piece.build("IWM", "SPY", AS_OF, "snapshot").chart_family()
    (tmp_path / "family.toml").write_text(
        'benchmark = "SPY"\n[[member]]\nticker = "IWM"\nnickname = "Granddad"\n'
        '[[member]]\nticker = "XRT"\nnickname = "Granny"\n'
    )
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(tmp_path))
    after = Piece.build("IWM", "SPY", AS_OF, "snapshot").chart_family()
    assert after is not before and after.data != before.data and memo.stats["hits"] == 0


def test_the_key_covers_frames_by_content_and_the_matplotlib_style():
    import pandas as pd

    frame = pd.DataFrame({"close": [1.0, 2.0]}, index=pd.to_datetime(["2024-07-05", "2024-07-08"]))
    key = memo.digest("c", {"as_of": AS_OF}, {"IWM": frame})
    assert memo.digest("c", {"as_of": AS_OF}, {"IWM": frame.copy()}) == key
    assert memo.digest("c", {"as_of": AS_OF}, {"IWM": frame * 1.0001}) != key
    assert memo.digest("c", {"as_of": AS_OF}, {"QQQ": frame}) != key
    assert memo.digest("c", {"as_of": "2024-06-28"}, {"IWM": frame}) != key
    with matplotlib.rc_context({"lines.linewidth": 3.0}):
        assert memo.digest("c", {"as_of": AS_OF}, {"IWM": frame}) != key
    assert memo.digest("c", {"as_of": AS_OF}, {"IWM": frame}) == key


def test_only_a_few_charts_are_kept():
    for i in range(memo.SIZE + 2):
        memo.cached("n", (i,), lambda: object())
    memo.cached("n", (0,), lambda: object())
    assert memo.stats == {"hits": 0, "misses": memo.SIZE + 3, "disk": 0}
