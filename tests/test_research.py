"""Research notebooks: every one executed with papermill for IWM vs SPY at 2024-07-08, each
showing a known value of the model commentary's day; the runner behind ``make research``;
the signals and charts behind them; ``make lab``'s command line."""

from __future__ import annotations

import ast
import base64
import re
import subprocess
import sys

import nbformat
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analysis import summary
from analysis.errors import InputError, RenderError
from analysis.model import events as history
from analysis.model import signals as sig
from analysis.model.facts import facts as summarize
from analysis.notebooks import NOTEBOOKS, appendix_links, file_name, stem
from analysis.pipeline.report import Request
from analysis.pipeline.research import run, select
from analysis.render import execute
from analysis.view.charts import research as rc
from analysis.view.research.scorecard import score_history, sessions_every, verdict_changes
from tests.conftest import AS_OF, PROJECT_DIR

NOTEBOOK_DIR = PROJECT_DIR / "notebooks"

#: What each executed research notebook must show (HTML fragments of its outputs), from the
#: model commentary's day: phase "warning", Real Motion last above its 50-DMA on 2024-06-05,
#: Leadership last above zero 2024-01-02 and above its upper band 2023-12-28, the two-close
#: run completed 2024-06-28, the level 205.06 set 2024-06-05, 10-year total returns +98.6% / +238.1%
#: (so IWM's 10-year return relative to SPY is 1.98604 / 3.38058 - 1 = -41.3%).
KNOWN = {
    "phase": [
        "<td>Phase</td><td>warning</td>",
        "<td>Since</td><td>July 1, 2024 (5 sessions)</td>",
        "<td>50-DMA</td><td>202.76</td>",
        "<td>200-DMA</td><td>193.06</td>",
        "<td>2024-07-08</td><td>202.28</td><td>202.76</td><td>193.06</td><td>warning</td>",
    ],
    "real_motion": [
        "<td>Real Motion</td><td>+4.78</td>",
        "<td>last above its 50-DMA</td><td>2024-06-05</td>",
        "<td>2024-06-05</td><td>crosses above its 50-DMA</td>",
    ],
    "leadership": [
        "<td>Leadership vs SPY</td><td>-8.04</td>",
        "<td>last above zero</td><td>2024-01-02</td>",
        "<td>last above its upper band</td><td>2023-12-28</td>",
    ],
    "triggers": [
        "<td>last run of 2 closes above completed</td><td>2024-06-28</td>",
        "<td>level to clear</td><td>205.06 (highest close of the last 22 sessions, set 2024-06-05)</td>",
        "<td>10y</td><td>+98.6%</td><td>+238.1%</td>",
    ],
    "scorecard": [
        "<td>10-year total return, IWM relative to SPY</td><td>IWM, SPY</td><td>\u221241.3%</td>",  # typographic minus (main 03b8eb8)
        "<td>IWM · Granddad</td><td>warning</td><td>below</td><td>-8.04</td>",
    ],
    "history": [
        re.compile(r"<td>2 closes above the 50-DMA</td><td>\d+</td><td>2024-06-28</td>"),
        re.compile(r"<td>Leadership crosses below zero</td><td>\d+</td><td>2024-01-03</td>"),
    ],
    # the call's record as the piece states it (tests/test_track_record.py recomputes the defensive
    # median by hand): 1,250 defensive sessions, 95 counted windows, a median of +1.5%
    "track_record": [
        "<td>Defensive</td><td>1,250</td><td>95</td><td>+1.5%</td>",
        "<td>2024-06-06</td><td>constructive \u2192 cautious</td>",
    ],
    # French's data through 2024-04 (May is public from 2024-07-15), recomputed in tests/test_century.py:
    # SMB over 2014-05..2024-04 -20.8%, 90 of 1,055 windows at or below it; two similar decades.
    "size": [
        "<td>10-year size premium (SMB)</td><td>-20.8%</td><td>Apr 2024</td>",
        "<td>share of all windows at or below it</td><td>8.5%</td><td>1,055 windows</td>",
        "<td>small / big book-to-market</td><td>1.131</td><td>Apr 2024</td>",
        "<td>Jun 1955</td><td>-21.0%</td><td>+14.2%</td>",
        "<td>Oct 1990</td><td>-25.1%</td><td>+19.3%</td>",
    ],
    # FRED as public on 2024-07-08: Friday's curve -1.18 (public Monday), the June Sahm reading 0.43
    # (jobs report 2024-07-05); 20 of 24 months inverted; the 2019 un-inversion, public 2019-10-15.
    "macro": [
        "<td>T10Y3M</td><td>10-Year Treasury Constant Maturity Minus 3-Month Treasury Constant Maturity</td>"
        "<td>-1.18</td><td>2024-07-05</td><td>2024-07-08</td><td>current</td>",
        "<td>SAHMREALTIME</td><td>Real-time Sahm Rule Recession Indicator</td><td>0.43</td><td>2024-06-01</td>"
        "<td>2024-07-05</td>",
        "inverted; 20 of the last 24 months inverted; last un-inverted 2019-10-11 after 5 months",
        "<td>2019-10-11</td><td>2019-05-01 (5 months)</td><td>2019-10-15</td><td>2019-10-15</td>",
    ],
}


def shows(fragment: str | re.Pattern, html: str) -> bool:
    """A literal fragment, or a pattern where a number is not a known value (occurrence counts)."""
    return bool(fragment.search(html)) if isinstance(fragment, re.Pattern) else fragment in html


def outputs_html(nb: nbformat.NotebookNode) -> str:
    """Every text/html output of an executed notebook, concatenated."""
    return "".join(
        out.get("data", {}).get("text/html", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    )


# -- the notebooks, executed as `make research` does -----------------------------------------------


@pytest.fixture(scope="module")
def published(iwm_research):
    """`make research` for IWM on two workers (made once per test run: conftest)."""
    return iwm_research


def test_every_notebook_is_executed_by_the_piece_or_the_research_run():
    """commentary.ipynb is executed and checked by tests/test_report.py, cookbook.ipynb by
    tests/test_api.py; every other one is here, but explore.ipynb, which needs the lab's kernel
    (plotly, ipywidgets): tests/test_interactive.py checks what it calls."""
    on_disk = {p.stem for p in NOTEBOOK_DIR.glob("*.ipynb")}
    assert on_disk == {"commentary", "cookbook", "explore"} | {nb.name for nb in NOTEBOOKS}
    assert set(KNOWN) == {nb.name for nb in NOTEBOOKS}


@pytest.mark.slow
def test_research_run_publishes_every_notebook_and_its_html(published):
    root, result = published
    expected = sorted(f"IWM_{nb.name}{ext}" for nb in NOTEBOOKS for ext in (".ipynb", ".html"))
    assert sorted(p.name for p in (root / AS_OF / "research").iterdir()) == expected
    assert sorted(p.name for p in result.files) == expected and result.as_of == AS_OF
    assert result.workers == 2 and result.warnings == []
    assert not any((root / ".staging").glob("*"))  # robust removes its owned staging folder, .staging too when empty


@pytest.mark.slow
@pytest.mark.parametrize("name", [nb.name for nb in NOTEBOOKS])
def test_each_notebook_shows_its_known_value(published, name):
    root, _ = published
    nb = nbformat.read(root / AS_OF / "research" / f"IWM_{name}.ipynb", as_version=4)
    assert execute.stderr_outputs(nb) == []
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'ticker = "IWM"' in injected.source and f'as_of = "{AS_OF}"' in injected.source
    assert 'source = "snapshot"' in injected.source
    shown = outputs_html(nb)
    for fragment in KNOWN[name]:
        assert shows(fragment, shown), f"{name}: {fragment!r} not shown"
    html = (root / AS_OF / "research" / f"IWM_{name}.html").read_text()
    assert shows(KNOWN[name][0], html)
    assert re.search(rf"<title>IWM · [^<]* \({AS_OF}\)</title>", html)
    assert "<h2" in html and "stand-in" in html  # the formula cell is kept, with its caveat
    assert "make research runs it" not in html and "Change a parameter below" not in html  # the `remove` cell is not
    assert 'href="../IWM.html"' in html
    images = re.findall(r'<img[^>]*src="data:image/png;base64,([^"]+)"', html)
    assert images and all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)


@pytest.mark.slow
def test_the_piece_links_resolve_to_the_published_research(published):
    root, _ = published
    piece_dir = root / AS_OF  # the piece is reports/<as-of>/IWM.html
    links = appendix_links("IWM")
    assert [href for _, href, _ in links] == [f"research/IWM_{nb.name}.html" for nb in NOTEBOOKS]
    assert all((piece_dir / href).is_file() for _, href, _ in links)


@pytest.mark.slow
def test_a_changed_window_changes_what_the_notebook_shows(tmp_path):
    """fast=20 instead of 50: the 20-DMA is 201.22 and IWM closes above it, so the phase is bullish."""
    nb = execute.execute(
        NOTEBOOK_DIR / "phase.ipynb",
        tmp_path / "phase.ipynb",
        {"ticker": "IWM", "as_of": AS_OF, "source": "snapshot", "fast": 20, "years": 1},
    )
    shown = outputs_html(nb)
    assert "<td>Phase</td><td>bullish</td>" in shown and "<td>20-DMA</td><td>201.22</td>" in shown
    assert "<td>2024-07-08</td><td>202.28</td><td>201.22</td><td>193.06</td><td>bullish</td>" in shown
    assert "Charts draw the last year;" in shown


@pytest.mark.slow
def test_a_failing_notebook_publishes_nothing_and_is_kept(tmp_path):
    broken_dir = tmp_path / "notebooks"
    broken_dir.mkdir()
    nb = nbformat.read(NOTEBOOK_DIR / "phase.ipynb", as_version=4)
    built = next(i for i, c in enumerate(nb.cells) if "PhaseResearch.build" in c.source)
    nb.cells.insert(built + 1, nbformat.v4.new_code_cell("research.chart(no_such_argument=1)"))  # fails early
    nbformat.write(nb, broken_dir / "phase.ipynb")
    root = tmp_path / "reports"
    with pytest.raises(RenderError, match=r"1 of 1 research notebooks failed.*phase\.ipynb.*TypeError"):
        run(Request.parse("IWM", "SPY", AS_OF, "snapshot"), names=["phase"], root=root, notebook_dir=broken_dir)
    assert not (root / AS_OF).exists()
    assert (root / "_failed" / f"{AS_OF}_IWM_phase.ipynb").is_file()


# -- the command line ----------------------------------------------------------------------------


@pytest.mark.process
def test_unknown_notebook_name_is_a_one_line_error(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "MOMENTUM_REPORTS_DIR": str(tmp_path), "MOMENTUM_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "research", "--source", "snapshot", "--notebooks", "phse"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "error: no research notebook is called 'phse'. Use one or more of: phase, real_motion, leadership,"
        " triggers, scorecard, history, track_record, size, macro."
    ]
    assert not any(tmp_path.iterdir())


def test_select_keeps_the_registry_order_and_accepts_commas():
    assert [nb.name for nb in select(["triggers,phase"])] == ["phase", "triggers"]
    assert [nb.name for nb in select(None)] == [nb.name for nb in NOTEBOOKS]
    with pytest.raises(InputError):
        select(["commentary"])


@pytest.mark.parametrize("ticker, benchmark", [("IWM", "SPY"), ("IWM", "QQQ"), ("^RUT", "SPY"), ("SPY", "^GSPC")])
def test_file_stem_agrees_with_the_piece(ticker, benchmark):
    assert stem(ticker, benchmark) == Request.parse(ticker, benchmark).stem
    assert file_name(stem(ticker, benchmark), "phase") == f"{Request.parse(ticker, benchmark).stem}_phase.html"


def test_research_notebooks_only_call_analysis_research():
    """Thin notebooks: the facade of the same name, and the table's ``parameters`` (which hands every
    parameter it was given to the facade's build); no def, class or lambda anywhere."""
    for nb_meta in NOTEBOOKS:
        nb = nbformat.read(NOTEBOOK_DIR / f"{nb_meta.name}.ipynb", as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        tree = ast.parse(code)
        imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
        assert [(i.module) for i in imports] == ["analysis.params", f"analysis.view.research.{nb_meta.name}"]
        assert [a.name for a in imports[0].names] == ["parameters"]
        assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda))]
        assert nb.metadata["kernelspec"]["name"] == "momentum-report"


@pytest.mark.process
def test_make_lab_runs_jupyterlab_from_its_own_env_with_the_lab_kernel():
    """The server (.venv-lab) finds the lab's kernel and its plotly and widget extensions
    (.venv-lab-kernel), and the report's kernel (.venv), and opens notebooks on the lab's."""
    out = subprocess.run(["make", "-n", "lab"], capture_output=True, text=True, cwd=PROJECT_DIR, check=True).stdout
    command = next(line for line in out.replace("\\\n", " ").splitlines() if "jupyter lab" in line)
    assert f"JUPYTER_PATH={PROJECT_DIR}/.venv-lab-kernel/share/jupyter:{PROJECT_DIR}/.venv/share/jupyter" in command
    assert ".venv-lab/bin/jupyter lab" in command and "--notebook-dir=notebooks/scratch" in command
    assert "--MappingKernelManager.default_kernel_name=momentum-lab" in command
    assert """ensure_kernel("momentum-lab")""" in out and "ensure_kernel()" in out


# -- signals: known values at 2024-07-08 ----------------------------------------------------------


@pytest.fixture(scope="module")
def s(iwm_study):
    return iwm_study.series


def last(mask: pd.Series) -> str:
    return sig.dates(mask)[-1].date().isoformat()


def test_real_motion_signals_agree_with_the_summary(iwm_study, s):
    rm = summarize(iwm_study)["real_motion"]
    found = sig.real_motion_signals(s)
    assert last(found["crosses above its 50-DMA"]) == rm["last_above_fast"] == "2024-06-05"
    assert last(found["crosses below its 50-DMA"]) == "2024-06-06"
    assert last(found["back inside the band from below"]) == rm["mean_reversion"]["date"] == "2024-04-23"
    assert last(found["back inside the band from above"]) == "2023-12-27"


def test_leadership_signals_known_dates(s):
    found = sig.leadership_signals(s)
    assert last(found["crosses below zero"]) == "2024-01-03"  # the session after it was last above zero
    assert last(found["crosses above its upper band"]) == "2023-12-13"
    above = (s["lead"] > s["lead_upper"]).loc["2023-12-13":"2023-12-29"]
    assert above.iloc[:-1].all() and not above.iloc[-1]  # above the band through 2023-12-28, as the piece says
    assert last(found["crosses below its lower band"]) == "2024-06-13"


def test_trigger_signals_known_dates_and_a_given_level(s):
    found = sig.trigger_signals(s)
    assert list(found) == ["2 closes above the 50-DMA", "2 closes below the 50-DMA", "clears its 22-session high"]
    assert last(found["2 closes above the 50-DMA"]) == "2024-06-28"
    assert last(found["2 closes below the 50-DMA"]) == "2024-07-02"
    assert last(found["clears its 22-session high"]) == "2024-05-14"
    given = sig.trigger_signals(s, fast=50, confirm_n=3, level=205.06)
    assert list(given)[0] == "3 closes above the 50-DMA" and last(given["closes above 205.06"]) == "2024-05-31"
    three = s.index.get_indexer(sig.dates(given["3 closes above the 50-DMA"]))
    two = s.index.get_indexer(sig.dates(found["2 closes above the 50-DMA"]))
    assert len(three) and np.isin(three - 1, two).all()  # a run reaches 3 the session after it reached 2


def test_phase_runs_compound_to_the_whole_move(s, iwm_study):
    runs = sig.phase_runs(s)
    assert runs.iloc[-1]["phase"] == "warning" and runs.iloc[-1]["start"] == pd.Timestamp("2024-07-01")
    assert runs.iloc[-1]["sessions"] == 5
    first = s["close"].iloc[s.index.get_loc(runs.iloc[0]["start"]) - 1]  # the close before the first run
    assert_allclose(np.prod(1 + runs["change"].to_numpy()), s["close"].iloc[-1] / first, rtol=1e-12)


def test_phase_stats_count_every_session(s):
    st = sig.phase_stats(s, 20)
    known = s["phase"].notna()
    assert list(st.index) == ["bullish", "warning", "distribution", "bearish", "recovery", "accumulation"]
    assert st["sessions"].sum() == known.sum() and st["sessions"]["warning"] == 833
    assert_allclose(st["share"].sum(), 1.0, rtol=1e-12)
    assert st["n"].sum() == known.sum() - 20  # the last 20 sessions have no complete window
    fwd = history.forward_return(s["adj_close"], 20)
    assert_allclose(st.loc["bearish", "median"], fwd[s["phase"] == "bearish"].median(), rtol=1e-12)


def test_span_returns_and_level_line_known_values(s):
    r = sig.span_returns(s["adj_close"], s["bench_adj_close"])
    assert list(r.index) == ["1m", "3m", "1y", "3y", "5y", "10y"]
    assert_allclose([r.loc["10y", "ticker"], r.loc["10y", "benchmark"]], [0.98604, 2.38058], atol=5e-6)
    assert r.loc["10y", "start"] == pd.Timestamp("2014-07-08")
    level = sig.level_line(s["close"], 22)
    assert_allclose(level.iloc[-1], 205.059998, atol=1e-6) and level.iloc[:21].isna().all()


def test_fired_orders_by_date_then_by_signal():
    idx = pd.date_range("2024-01-01", periods=4, freq="D")
    log = sig.fired({"b": pd.Series([False, True, False, True], idx), "a": pd.Series([False, True, True, False], idx)})
    assert list(zip(log["date"].dt.day, log["signal"])) == [(2, "b"), (2, "a"), (3, "a"), (4, "b")]


# -- charts -------------------------------------------------------------------------------------


def test_phase_history_chart_draws_price_and_one_ribbon_span_per_run(s):
    w = s.loc["2019-07-09":]
    fig = rc.phase_history_chart(w["close"], w["sma_fast"], w["sma_slow"], w["phase"], ticker="IWM")
    ax, ribbon = fig.axes[:2]
    close_line = next(line for line in ax.get_lines() if line.get_label() == "close")
    assert_allclose(np.asarray(close_line.get_ydata(), float), w["close"].to_numpy())
    assert len(ribbon.patches) == len(sig.phase_runs(w)) and ax.get_yscale() == "log"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any(t.startswith("warning (") for t in legend)


def test_signal_chart_marks_each_signal_on_the_series(s):
    w = s.loc["2022-07-08":]
    found = sig.real_motion_signals(s)
    marks = [(label, sig.dates(mask), "g", "^") for label, mask in found.items()]
    fig = rc.signal_history_chart(
        w["rm"],
        w["rm_fast"],
        w["rm_upper"],
        w["rm_lower"],
        marks=marks,
        title="t",
        subtitle="s",
        ylabel="y",
        value_label="Real Motion",
        line_label="fast",
        band_label="band",
    )
    ax = fig.axes[0]
    up = next(line for line in ax.get_lines() if line.get_label().startswith("crosses above its 50-DMA"))
    expected = sig.dates(found["crosses above its 50-DMA"])
    expected = expected[expected >= w.index[0]]
    assert up.get_label() == f"crosses above its 50-DMA ({len(expected)})"
    assert_allclose(np.asarray(up.get_ydata(), float), w["rm"].loc[expected].to_numpy())


def test_triggers_and_span_and_occurrence_charts(s):
    w = s.loc["2022-07-08":]
    fig = rc.triggers_chart(
        w["close"], w["sma_fast"], marks=[], ticker="IWM", level=205.06, level_label="level to clear"
    )
    assert any(line.get_label() == "level to clear 205.06" for line in fig.axes[0].get_lines())
    r = sig.span_returns(s["adj_close"], s["bench_adj_close"])
    fig = rc.span_returns_chart(r, ticker="IWM", benchmark="SPY")
    widths = sorted(round(p.get_width(), 3) for p in fig.axes[0].patches)
    assert 98.604 in widths and 238.058 in widths
    occ = {"x": pd.DatetimeIndex(["2010-01-04", "2023-01-03", "2024-07-08"])}
    fig = rc.occurrences_chart(w["close"], occ, {"x": "bullish"}, ticker="IWM")
    assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == ["x (2)"]  # 2010 is outside the span


# -- the scorecard's history ------------------------------------------------------------------------


def test_sessions_every_counts_back_from_as_of(s):
    picked = sessions_every(s.index, 21, 1)
    assert picked[-1] == pd.Timestamp(AS_OF) and len(picked) == 12
    positions = s.index.get_indexer(picked)
    assert (np.diff(positions) == 21).all() and picked[0] > pd.Timestamp("2023-07-08")
    # 0: all of them from the first session a piece can be written on (the 200th: eleventh pass)
    assert len(sessions_every(s.index, 250, 0)) == len([d for d in s.index[::-1][::250] if d >= s.index[199]])


def test_score_history_is_the_scorecard_as_of_each_session(market, iwm_study, s):
    """Each session's row is what the piece of that day scores (its set, its economy): the old
    appendix scored without the piece's economy and said 'underpriced' +0.60 where the piece said +0.43."""
    days = sessions_every(s.index, 63, 1)
    h = score_history(market, "IWM", "SPY", days)
    assert list(dict.fromkeys(h["session"])) == list(days) and len(h) == 4 * len(days)
    piece = summary.build(Request.parse("IWM", "SPY", AS_OF, "snapshot"), market, parts=("facts", "scenarios"))
    now = {sc["id"]: sc for sc in piece.data["scenarios"]}
    assert now["underpriced"]["score"] == pytest.approx(3 / 7)
    for row in h[h["session"] == pd.Timestamp(AS_OF)].itertuples():
        assert (row.score, row.verdict) == (now[row.id]["score"], now[row.id]["verdict"])
    assert h.loc[(h["session"] == pd.Timestamp(AS_OF)) & (h["id"] == "underperformance"), "score"].item() == 1.0


def test_verdict_changes_mark_only_the_session_of_a_change():
    days = pd.DatetimeIndex(["2024-01-02", "2024-02-01", "2024-03-01", "2024-04-01"])
    h = pd.DataFrame(
        {
            "session": days,
            "id": "x",
            "title": "x",
            "score": [0.7, 0.7, 0.3, 0.7],
            "verdict": ["supported", "supported", "leaning supported", "supported"],
            "available_weight": 1.0,
        }
    )
    assert list(verdict_changes(h)["x"]) == [days[2], days[3]]


#: One ticker of every profile kind, and of every scenario set: (ticker, profile kind, scenario set).
EVERY_KIND = [
    ("IWM", "equity", "small_caps"),
    ("QQQ", "equity", "large_caps"),
    ("XRT", "equity", "sectors"),
    ("^GSPC", "equity_index", "large_caps"),
    ("TLT", "bond_fund", "bonds"),
    ("HYG", "credit", "bonds"),
    ("^TNX", "yield", "yields"),
    ("^VIX", "volatility", "volatility"),
    ("BTC-USD", "crypto", "crypto"),
]


def _weighed(scores: list[dict]) -> list[tuple]:
    """What a scorecard weighs: each talking point's score and verdict, each item's reading and weight."""
    return [
        (
            sc["id"],
            sc["score"],
            sc["verdict"],
            [(e["name"], e["value"], e["reading"], e["weight"]) for e in sc["evidence"]],
        )
        for sc in scores
    ]


@pytest.mark.parametrize("ticker, kind, set_id", EVERY_KIND, ids=[t for t, _, _ in EVERY_KIND])
def test_the_scorecard_appendix_weighs_the_piece_s_talking_points(market, ticker, kind, set_id):
    """The appendix scored the small-cap set for QQQ (and without the piece's economy): now, for every
    profile kind, it weighs the piece's own talking points with the piece's scores, at as-of and in
    its history's as-of row."""
    from analysis.view.research.scorecard import ScorecardResearch

    piece = summary.build(Request.parse(ticker, None, AS_OF, "snapshot"), market, parts=("facts", "scenarios")).data
    research = ScorecardResearch.build(ticker, None, AS_OF, "snapshot", market=market, score_years=1, step=400)
    assert (piece["profile"]["kind"], piece["scenario_set"]["id"], research.card.set.id) == (kind, set_id, set_id)
    assert _weighed(research.scenarios) == _weighed(piece["scenarios"]) != []
    h = research.history
    assert list(h["session"].unique()) == [pd.Timestamp(piece["as_of"])]
    assert [(r.id, None if pd.isna(r.score) else r.score, r.verdict) for r in h.itertuples()] == [
        (sc["id"], sc["score"], sc["verdict"]) for sc in piece["scenarios"]
    ]
    assert piece["scenario_set"]["title"] in str(research.setup())
