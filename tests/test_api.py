"""The research API (analysis.api, re-exported by the package): DataFrames and Figures from the
bundled data, equal to what the piece computes; the API reference built from its docstrings."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure
from numpy.testing import assert_allclose

import analysis
from analysis import api
from analysis.errors import InputError
from analysis.model import events
from tests.conftest import AS_OF


@pytest.fixture(scope="module")
def iwm() -> pd.DataFrame:
    return analysis.study("IWM", AS_OF)


def test_the_package_top_level_is_the_api():
    assert analysis.study is api.study and analysis.event_study is api.event_study
    assert set(analysis.API) == set(api.__all__)
    with pytest.raises(AttributeError):
        analysis.no_such_function  # noqa: B018


def test_study_is_the_piece_s_frame_and_takes_the_knobs(iwm, iwm_study):
    pd.testing.assert_frame_equal(iwm, iwm_study.series)
    assert iwm.attrs["ticker"] == "IWM" and iwm.attrs["as_of"] == AS_OF and iwm.attrs["settings"]["fast"] == 50
    fast = analysis.study("IWM", AS_OF, fast=20, slow=100)
    assert_allclose(fast["sma_fast"].iloc[-1], iwm["close"].iloc[-20:].mean(), rtol=1e-12)
    assert_allclose(fast["sma_slow"].iloc[-1], iwm["close"].iloc[-100:].mean(), rtol=1e-12)
    assert fast.attrs["settings"]["fast"] == 20
    with pytest.raises(InputError, match="FAST 0 is below 2"):
        analysis.study("IWM", AS_OF, fast=0)


def test_onsets_are_the_sessions_a_condition_starts_to_hold():
    days = pd.bdate_range("2024-01-01", periods=7)
    condition = pd.Series([True, True, False, None, True, False, True], index=days)
    assert list(analysis.onsets(condition)) == [days[4], days[6]]  # the first session is never an onset


def test_event_study_of_any_condition_equals_the_piece_s_for_its_trigger(iwm, iwm_study):
    """Turns from a warning to a bullish phase, written as a condition, give the piece's own numbers."""
    turns = analysis.onsets((iwm["phase"] == "bullish") & (iwm["phase"].shift() == "warning"))
    mask = events.phase_change(iwm["phase"], "warning", "bullish")
    assert list(turns) == list(iwm.index[mask.to_numpy()])
    mine = analysis.event_study(turns, frame=iwm)
    piece = next(t for t in events.event_study(iwm_study.series) if t["id"] == "warning_to_bullish")
    assert mine.attrs["events"] == piece["occurrences"]
    for h in (5, 20, 60):
        assert mine.loc[h].to_dict() == pytest.approx(piece["horizons"][str(h)], nan_ok=True)
    assert analysis.event_study(mask, frame=iwm).equals(mine)  # a boolean mask is the same events


def test_event_window_holds_values_around_each_event(iwm):
    turns = analysis.onsets(iwm["phase"] == "bullish")
    window = analysis.event_window(iwm["rm"], turns[-10:], k=20)
    assert window.shape == (10, 41) and list(window.columns) == list(range(-20, 21))
    last = iwm.index.get_loc(turns[-1])
    assert_allclose(window.iloc[-1][0], iwm["rm"].iloc[last], rtol=1e-12)
    assert_allclose(window.iloc[-1][-20], iwm["rm"].iloc[last - 20], rtol=1e-12)
    # 2024-06-27 is the 7th session before as-of: offsets 7 to 20 lie after it, unknown then
    assert turns[-1] == pd.Timestamp("2024-06-27") and last + 7 == len(iwm)
    assert window.iloc[-1].loc[7:].isna().all() and window.iloc[-1].loc[:6].notna().all()
    with pytest.raises(InputError, match="not a session of the frame"):
        analysis.event_window(iwm["rm"], [pd.Timestamp("2024-07-06")])  # a Saturday
    assert isinstance(analysis.window_chart(window, title="IWM Real Motion", ylabel="RM"), Figure)


def test_the_piece_s_tables_as_frames(market, tmp_path):
    data = analysis.reading("IWM", AS_OF, reports_dir=tmp_path)
    assert data["phase"] == "warning" and data["ticker"] == "IWM"
    hist = analysis.history("IWM", AS_OF)
    first = data["history"][0]
    row = hist.loc[(first["id"], 20)]
    assert row["trigger"] == first["trigger"] and row["n"] == first["horizons"]["20"]["n"]
    card = analysis.scorecard("QQQ", AS_OF)
    assert list(card["scenario"].unique()) == ["narrow_rally", "tech_leads", "rates_bite", "stretched"]
    assert card.groupby("scenario", sort=False)["score"].first().to_dict()["tech_leads"] == 1.0


def test_signals_runs_research_figures_returns_and_csv(iwm, tmp_path):
    runs = analysis.phase_runs(iwm)
    assert list(runs.columns) == ["phase", "start", "end", "sessions", "change"] and runs["phase"].iloc[-1] == "warning"
    rm = analysis.signals_of(iwm, "real_motion")
    assert set(rm["signal"]) <= {
        "crosses above its 50-DMA",
        "crosses below its 50-DMA",
        "back inside the band from below",
        "back inside the band from above",
    }
    with pytest.raises(InputError, match="no signals of kind 'x'"):
        analysis.signals_of(iwm, "x")
    research = analysis.research("real_motion", "IWM", AS_OF, rm_years=2)
    assert isinstance(research.chart().figure, Figure) and research.series.index[-1] == pd.Timestamp(AS_OF)
    assert research.window.index[0] > pd.Timestamp("2022-07-01")
    with pytest.raises(InputError, match="no research notebook is called 'nope'"):
        analysis.research("nope", "IWM")
    daily = analysis.returns(iwm)
    assert list(daily.columns) == ["IWM", "SPY"] and daily.index[0] == iwm.index[1]
    assert_allclose(daily["IWM"].iloc[-1], iwm["adj_close"].iloc[-1] / iwm["adj_close"].iloc[-2] - 1, rtol=1e-12)
    path = analysis.export(daily, tmp_path / "out" / "iwm_returns.csv")
    back = pd.read_csv(path, index_col=0, parse_dates=True)
    assert_allclose(back.to_numpy(), daily.to_numpy(), rtol=1e-12) and back.index.equals(daily.index)
    assert path.read_text().splitlines()[1].startswith(f"{daily.index[0]:%Y-%m-%d},")


# -- the API reference (make docs) ------------------------------------------------------------------


def test_make_docs_builds_a_reference_of_every_api_function_from_its_docstring(tmp_path):
    import html
    import re
    import warnings

    import pdoc
    import pdoc.render

    from tests.conftest import PROJECT_DIR

    makefile = (PROJECT_DIR / "Makefile").read_text()
    modules = re.search(r"^DOC_MODULES := (.*)$", makefile, flags=re.M).group(1).split()
    assert modules == ["analysis.api", "analysis.params", "analysis.interactive"]
    assert "-m pdoc --docformat google --no-show-source -o docs/.api.new $(DOC_MODULES)" in makefile
    pdoc.render.configure(docformat="google", show_source=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a docstring pdoc cannot read, a link it cannot resolve
        pdoc.pdoc(*modules, output_directory=tmp_path)
    page = (tmp_path / "analysis" / "api.html").read_text()
    shown = html.unescape(re.sub(r"<[^>]+>", "", page)).replace("()", "")  # a link to f reads "f()"
    for name in api.__all__:
        first = " ".join(getattr(api, name).__doc__.split("\n\n")[0].split())
        assert f'id="{name}"' in page, name
        words = re.sub(r"(:\w+:)?`+([^`]*)`+", r"\2", first).split()[:6]  # ``code`` and :func:`links` as shown
        assert re.search(r"\s+".join(map(re.escape, words)), shown), name
    assert "Knobs" in (tmp_path / "analysis" / "params.html").read_text()
    lab = (tmp_path / "analysis" / "interactive.html").read_text()  # documented without plotly installed
    assert all(f'id="{name}"' in lab for name in ("charts", "chart_spec", "explorer", "rerun", "LabOnly"))


@pytest.mark.slow
def test_the_cookbook_answers_its_questions_through_the_api(tmp_path):
    """notebooks/cookbook.ipynb, executed as a reader would (papermill, the project's kernel): every
    cell runs clean, and the answers are the API's on the bundled data."""
    from analysis.paths import NOTEBOOK_DIR
    from analysis.render import execute

    nb = execute.execute(NOTEBOOK_DIR / "cookbook.ipynb", tmp_path / "cookbook.ipynb", {"as_of": AS_OF})
    assert execute.stderr_outputs(nb) == []
    shown = {
        i: " ".join(str(o.get("data", {}).get("text/html", "")) for o in cell.get("outputs", []))
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
    }
    source = {i: nb.cells[i].source for i in shown}
    turns = next(i for i, s in source.items() if "event_window(" in s)
    assert "2024-06-27" in shown[turns] and "2023-07-11" in shown[turns]  # the last ten turns, oldest first
    chart = next(i for i, s in source.items() if "window_chart(" in s)
    assert any("image/png" in o.get("data", {}) for o in nb.cells[chart].outputs)
    faster = next(i for i, s in source.items() if "fast=20" in s)
    assert "n (fast 20)" in shown[faster] and "2 closes above the 50-DMA" in shown[faster]
    assert "narrow_rally" not in shown[next(i for i, s in source.items() if "scorecard(" in s)]  # IWM: small caps


def test_returns_refuses_a_level_whose_changes_are_not_returns():
    """^IRX near zero "returned" more than +1,000% in a day: a yield or a volatility index has changes,
    not returns; returns() says so and names the column to take them from."""
    irx = analysis.study("^IRX", as_of="2021-01-04")
    close = irx["adj_close"]
    assert (close / close.shift(1) - 1).max() > 10  # what returns() used to hand on to quantstats
    with pytest.raises(InputError, match=r"\^IRX is a level \(yield\), not a price") as info:
        analysis.returns(irx)
    assert "frame['close'].diff()" in info.value.hint
    with pytest.raises(InputError, match=r"\^VIX is a level \(volatility\)") as info:
        analysis.returns(analysis.study("IWM", benchmark="^VIX", as_of="2021-01-04"))
    assert "frame['bench_close'].diff()" in info.value.hint
