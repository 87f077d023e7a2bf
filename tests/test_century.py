"""The ``century`` block, recomputed independently from the bundled CSVs with the csv module and
plain Python (not with analysis.model.century), for the model commentary's date and dates in 1999,
2000 and 2024; and the proof that no month after the publication horizon is read."""

from __future__ import annotations

import csv
import gzip
import math
import statistics

import pandas as pd
import pytest

from analysis.data.monthly import Lag, ResearchData
from analysis.errors import DataError
from analysis.model import century as cy
from tests.conftest import AS_OF, PROJECT_DIR

RESEARCH = PROJECT_DIR / "analysis" / "data" / "research"


def read(name: str) -> list[dict[str, str]]:
    with gzip.open(RESEARCH / f"{name}.csv.gz", "rt", newline="") as fh:
        return list(csv.DictReader(fh))


def horizon(as_of: str, months: int, day: int) -> str:
    """The last month public at as_of: month M from day `day` of month M+`months` (integer month arithmetic)."""
    y, m, d = (int(x) for x in as_of.split("-"))
    index = y * 12 + (m - 1) - months - (1 if d < day else 0)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def product(values: list[float]) -> float:
    out = 1.0
    for v in values:
        out *= 1.0 + v / 100.0
    return out - 1.0


def expected(as_of: str) -> dict:
    """The century block by hand, from the CSV text."""
    french, shiller = horizon(as_of, 2, 15), horizon(as_of, 1, 1)
    ff = [r for r in read("ff_factors_monthly") if r["Date"] <= french]
    smb = [float(r["SMB"]) for r in ff]
    months = [r["Date"] for r in ff]
    windows = [product(smb[i - 119 : i + 1]) for i in range(119, len(smb))]
    ends = months[119:]
    n = len(windows)
    below = [sum(w <= x for w in windows) for x in windows]  # windows at or below each one
    dec = [max(1, (10 * k + n - 1) // n) for k in below]  # ceil(10 k / n), exactly
    episodes, last = [], None
    for i, end in enumerate(ends):
        j = i + 119  # index of the window's last month in smb
        if j + 60 > len(smb) - 1 or dec[i] != dec[-1] or (last is not None and j < last + 120):
            continue
        episodes.append({"end": end, "value": windows[i], "next_5y": product(smb[j + 1 : j + 61])})
        last = j
    after = sorted(e["next_5y"] for e in episodes)
    bm = [r for r in read("six_portfolios_bm") if r["Date"] <= french]
    ratio = [
        sum(float(r[c]) for c in ("SMALL LoBM", "ME1 BM2", "SMALL HiBM"))
        / sum(float(r[c]) for c in ("BIG LoBM", "ME2 BM2", "BIG HiBM"))
        for r in bm
    ]
    cape = [(r["Date"], float(r["CAPE"])) for r in read("shiller_cape") if r["CAPE"] and r["Date"] <= shiller]
    enough = len(after) >= 3
    return {
        "size_premium_10y": {
            "value": windows[-1],
            "percentile": below[-1] / n,
            "through": ends[-1],
            "windows": n,
            "windows_from": ends[0],
            "data_from": months[0],
        },
        "valuation_small_vs_big": {
            "value": ratio[-1],
            "percentile": sum(x <= ratio[-1] for x in ratio) / len(ratio),
            "through": bm[-1]["Date"],
            "data_from": bm[0]["Date"],
        },
        "cape": {
            "value": cape[-1][1],
            "percentile": sum(c <= cape[-1][1] for _, c in cape) / len(cape),
            "through": cape[-1][0],
        },
        "after_similar": {
            "decile": dec[-1],
            "episodes": episodes,
            "n": len(episodes),
            "median": statistics.median(after) if enough else None,
            "min": after[0] if enough else None,
            "max": after[-1] if enough else None,
            "note": None if enough else "too few episodes",
        },
    }


def close(actual, wanted, path="century"):
    """Equal structure; floats to 1e-12 relative."""
    if isinstance(wanted, dict):
        assert set(actual) == set(wanted), path
        for key in wanted:
            close(actual[key], wanted[key], f"{path}.{key}")
    elif isinstance(wanted, list):
        assert len(actual) == len(wanted), path
        for i, (a, w) in enumerate(zip(actual, wanted)):
            close(a, w, f"{path}[{i}]")
    elif isinstance(wanted, float):
        assert actual == pytest.approx(wanted, rel=1e-12, abs=1e-15), path
    else:
        assert actual == wanted, path


@pytest.mark.parametrize("as_of", [AS_OF, "2024-07-15", "2000-03-10", "1999-06-30", "2026-05-21"])
def test_century_equals_the_hand_computation_from_the_csvs(as_of):
    close(cy.century(as_of), expected(as_of))


def test_the_model_commentarys_day_in_numbers():
    """As of 2024-07-08 French's last public month is 2024-04 (May counts from 2024-07-15), Shiller's 2024-06.

    SMB compounded over 2014-05..2024-04 is -20.8%, at or above only 90 of the 1,055 ten-year
    windows since 1936-06 (8.5%, the bottom decile); two earlier decades were in that decile
    without overlapping (to 1955-06 and to 1990-10), too few to summarise. Small caps' book-to-market
    over big caps' is 1.131, the 55th percentile since 1926: not cheap by this measure. CAPE 34.8,
    the 97th percentile since 1881.
    """
    c = cy.century(AS_OF)
    p = c["size_premium_10y"]
    assert (p["through"], p["windows"]) == ("2024-04", 1055) and p["percentile"] == 90 / 1055
    assert p["value"] == pytest.approx(-0.2080656, abs=1e-7)
    v = c["valuation_small_vs_big"]
    assert v["through"] == "2024-04" and v["value"] == pytest.approx(1.13056, abs=1e-5)
    assert v["percentile"] == pytest.approx(0.5477, abs=1e-4)
    assert c["cape"]["through"] == "2024-06" and c["cape"]["value"] == pytest.approx(34.8105, abs=1e-4)
    assert c["cape"]["percentile"] == pytest.approx(0.9727, abs=1e-4)
    a = c["after_similar"]
    assert a["decile"] == 1 and [e["end"] for e in a["episodes"]] == ["1955-06", "1990-10"]
    assert a["note"] == "too few episodes" and a["median"] is None and a["n"] == 2
    assert [round(e["next_5y"], 4) for e in a["episodes"]] == [0.1418, 0.1929]


def test_a_week_later_may_is_public_and_three_similar_decades_are_summarised():
    a = cy.century("2024-07-15")["after_similar"]
    assert a["decile"] == 2 and [e["end"] for e in a["episodes"]] == ["1955-01", "1990-08", "2000-08"]
    assert (round(a["median"], 4), round(a["min"], 4), round(a["max"], 4)) == (0.1539, 0.0634, 0.4437)
    assert a["note"] is None


# -- no look-ahead ------------------------------------------------------------------------------


class Altered(ResearchData):
    """The bundled files with every month from ``shift`` months before the horizon on set to 1e6 (synthetic, on purpose)."""

    def __init__(self, as_of: str, shift: int = 0) -> None:
        super().__init__("bundled")
        self.as_of, self.shift = as_of, shift

    def frame(self, name: str) -> pd.DataFrame:
        frame = super().frame(name)
        later = frame.index > Lag.of(name).horizon(self.as_of) - self.shift
        frame.loc[later, :] = 1e6
        return frame


@pytest.mark.parametrize("as_of", [AS_OF, "2000-03-10", "1999-06-30"])
def test_no_month_after_the_publication_horizon_is_read(as_of):
    """Months after the horizon changed beyond recognition: the same block. The horizon month
    itself changed: a different block (so this test can tell)."""
    assert cy.century(as_of, Altered(as_of)) == cy.century(as_of)
    assert cy.century(as_of, Altered(as_of, shift=1)) != cy.century(as_of)


def test_every_through_is_at_or_before_its_files_horizon():
    for as_of in (AS_OF, "2000-03-10", "2026-05-21"):
        c = cy.century(as_of)
        french = Lag(2, 15).horizon(as_of)
        assert pd.Period(c["size_premium_10y"]["through"], "M") <= french
        assert pd.Period(c["valuation_small_vs_big"]["through"], "M") <= french
        assert pd.Period(c["cape"]["through"], "M") <= Lag(1, 1).horizon(as_of)
        assert all(pd.Period(e["end"], "M") + 60 <= french for e in c["after_similar"]["episodes"])


def test_before_the_first_public_decade_is_a_data_error():
    with pytest.raises(DataError, match=r"only 119 months of SMB were public on 1936-08-14.*from 1936-08-15 on"):
        cy.century("1936-08-14")
    assert cy.century("1936-08-15")["size_premium_10y"] == {
        "value": pytest.approx(0.2760846),
        "percentile": 1.0,
        "through": "1936-06",
        "windows": 1,
        "windows_from": "1936-06",
        "data_from": "1926-07",
    }


# -- the pure functions -------------------------------------------------------------------------


def test_rolling_compounded_starts_with_the_first_full_window():
    smb = ResearchData().frame("ff_factors_monthly")["SMB"]
    rolling = cy.rolling_compounded(smb)
    assert rolling.index[0] == pd.Period("1936-06", "M") and len(rolling) == len(smb) - 119
    first = [float(r["SMB"]) for r in read("ff_factors_monthly")[:120]]
    assert rolling.iloc[0] == pytest.approx(product(first), rel=1e-13)
    assert cy.rolling_compounded(smb.iloc[:50]).empty


def test_decile_and_share_follow_their_formulas():
    values = pd.Series([3.0, 1.0, 2.0, 2.0, float("nan")])
    assert cy.share_at_or_below(values, 2.0) == 0.75 and cy.share_at_or_below(values, 0.5) == 0.0
    assert [cy.decile(s) for s in (0.0, 0.01, 0.1, 0.1000001, 0.5, 0.95, 1.0)] == [1, 1, 1, 2, 5, 10, 10]
    assert cy.decile(90 / 1055) == 1 and cy.decile(113 / 1056) == 2


def test_worst_decades_do_not_overlap_and_today_is_not_labelled_twice():
    """To 2024-04 the three worst non-overlapping decades end 1956-04 (-34.7%), 1999-03 (-41.4%,
    the worst since 1926) and 2024-03 (-22.3%, overlapping today's, so marked as today's only)."""
    rolling = cy.premium_history(AS_OF)
    worst = cy.worst_decades(rolling)
    assert [(str(m), round(v, 4)) for m, v in worst] == [
        ("1956-04", -0.3471),
        ("1999-03", -0.4138),
        ("2024-03", -0.2227),
    ]
    assert worst[1][1] == rolling.min()
    assert all((b - a).n >= 120 for (a, _), (b, _) in zip(worst, worst[1:]))
    today, labelled = cy.decade_marks(rolling)
    assert str(today[0]) == "2024-04" and today[1] == rolling.iloc[-1]
    assert [str(m) for m, _ in labelled] == ["1956-04", "1999-03"]
    assert [str(m) for m, _ in cy.decade_marks(cy.premium_history("2000-03-10"))[1]] == ["1956-04"]


def test_too_few_episodes_is_said_so():
    one = [{"end": "1955-06", "value": -0.2, "next_5y": 0.1}]
    assert cy.episodes_summary(one, 1) == {
        "decile": 1,
        "episodes": one,
        "n": 1,
        "median": None,
        "min": None,
        "max": None,
        "note": "too few episodes",
    }
    three = one + [
        {"end": "1990-10", "value": -0.25, "next_5y": 0.3},
        {"end": "2000-08", "value": -0.1, "next_5y": -0.2},
    ]
    summary = cy.episodes_summary(three, 1)
    assert (summary["median"], summary["min"], summary["max"], summary["note"]) == (0.1, -0.2, 0.3, None)
    assert math.isclose(
        cy.valuation_ratio(ResearchData().frame("six_portfolios_bm")).iloc[0],
        (0.5070 + 1.0809 + 3.1784) / (0.4517 + 1.0146 + 2.2390),
    )


# -- the charts and the research notebook's cells -----------------------------------------------


def test_the_rolling_premium_chart_draws_the_series_and_labels_its_marks():
    from matplotlib.figure import Figure

    from analysis.view.charts.century import rolling_premium_chart

    rolling = cy.premium_history(AS_OF)
    today, worst = cy.decade_marks(rolling)
    fig = rolling_premium_chart(
        rolling, today=today, worst=worst, percentile=90 / 1055, recessions=[("2007-12-01", "2009-06-30")]
    )
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    line = max(ax.get_lines(), key=lambda line: len(line.get_xdata()))
    assert list(line.get_ydata()) == rolling.tolist()
    texts = [t.get_text() for t in ax.texts]
    assert texts[:-1] == [
        "decade to Apr 1956: -35%",
        "decade to Mar 1999: -41%",
        "10 years to Apr 2024: -20.8%\nbottom 9% of 1,055 decades",
    ]
    assert (
        texts[-1] == "Fama/French SMB (small minus big) compounded over 120 months, windows ending Jun 1936 to Apr 2024"
    )
    assert len(ax.patches) == 1  # the one recession given; none by default
    assert not rolling_premium_chart(rolling, today=today).axes[0].patches


def test_the_size_decile_chart_compounds_each_decile_from_1926():
    from analysis.data.monthly import published_by
    from analysis.view.charts.century import size_decile_growth_chart

    me = published_by(ResearchData().frame("me_portfolios_monthly"), AS_OF)
    rows = [r for r in read("me_portfolios_monthly") if r["Date"] <= "2024-04"]
    fig = size_decile_growth_chart(me)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert (
        labels[0] == f"smallest 10%  ${1 + product([float(r['Lo 10']) for r in rows]):,.0f}" == "smallest 10%  $50,387"
    )
    assert labels[-1] == f"biggest 10%  ${1 + product([float(r['Hi 10']) for r in rows]):,.0f}" == "biggest 10%  $9,349"
    assert fig.axes[0].get_yscale() == "log"


def test_the_size_research_cells_read_the_century_block():
    from analysis.view.research.size import SizeResearch

    r = SizeResearch.build("IWM", "SPY", AS_OF, "snapshot")
    glance = str(r.glance())
    assert "<td>10-year size premium (SMB)</td><td>-20.8%</td><td>Apr 2024</td>" in glance
    assert "<td>CAPE (Shiller)</td><td>34.8</td><td>Jun 2024</td>" in glance
    assert "<td>after similar decades (decile 1, 2 episodes)</td><td>too few episodes</td>" in glance
    assert "<td>since Jan 1951</td><td>880</td><td>1.108</td><td>0.945</td><td>1.269</td><td>71.0%</td>" in str(
        r.valuation_table()
    )
    assert "<td>correlation</td><td>0.9993</td>" in str(r.vintage_check())
    header = str(r.header())
    assert 'href="../IWM.html"' in header and "French&#x27;s data through Apr 2024" in header
    five = SizeResearch.build("IWM", "SPY", AS_OF, "snapshot", months=60)
    assert (
        "<td>5-year size premium (SMB)</td>" in str(five.glance()) and five.block["size_premium_10y"]["windows"] == 1115
    )
    latest = SizeResearch.build(as_of="")
    assert latest.as_of == "2025-08-15" and latest.block["size_premium_10y"]["through"] == "2025-06"
