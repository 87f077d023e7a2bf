"""The lab's interactive charts and knob widgets (analysis/interactive.py) and the kernel they need.

plotly and ipywidgets live in the lab's kernel only (.venv-lab-kernel, `make lab`), not in .venv
where these tests run: the figure is checked as the data plotly is given (chart_spec: every
line's x and y against the study's columns on the bundled IWM data, a 50-DMA against the CSV
itself, the phase shading run by run), the missing libraries as the one-line error a user
meets, and the report's environment as free of them (its lock, and the imports of analysis)."""

from __future__ import annotations

import ast
import importlib
import inspect
import sys
import tomllib

import nbformat
import numpy as np
import pandas as pd
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import analysis
from analysis import interactive as ix
from analysis.errors import InputError
from analysis.paths import SNAPSHOT_DIR
from tests.conftest import AS_OF, PROJECT_DIR
from tests.test_lock import _entries

PYPROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())
LAB_KERNEL_LOCK = PROJECT_DIR / "requirements-interactive.lock"
#: Libraries of interactive charts that must never reach the report's kernel.
LAB_ONLY = {"plotly", "ipywidgets", "widgetsnbextension", "jupyterlab-widgets", "ipympl", "anywidget"}


@pytest.fixture(scope="module")
def frame():
    return analysis.study("IWM", AS_OF)


@pytest.fixture(scope="module")
def spec(frame):
    return ix.chart_spec(frame, years=10)


def _lines(spec) -> dict[str, dict]:
    return {t["meta"]: t for t in spec["data"] if "meta" in t}


# -- the figure as data ----------------------------------------------------------------------------


def test_every_line_is_the_studys_column_on_one_shared_time_axis(frame, spec):
    window = frame.loc[frame.index > pd.Timestamp(AS_OF) - pd.DateOffset(years=10)]
    lines = _lines(spec)
    assert set(lines) == {
        *("close", "sma_fast", "sma_slow"),
        *("rm", "rm_fast", "rm_slow", "rm_upper", "rm_lower"),
        *("lead", "lead_fast", "lead_upper", "lead_lower"),
    }
    for column, trace in lines.items():
        assert trace["x"].equals(window.index), column
        np.testing.assert_array_equal(trace["y"], window[column].to_numpy(float), err_msg=column)
        assert trace["xaxis"] == "x"  # one time axis: zooming one panel zooms all three
    panels = {c: t["yaxis"] for c, t in lines.items()}
    assert panels["close"] == panels["sma_slow"] == "y" and panels["rm_upper"] == "y2" and panels["lead"] == "y3"
    layout = spec["layout"]
    assert layout["hovermode"] == "x unified" and layout["hoversubplots"] == "axis"  # one label, every panel
    assert layout["xaxis"]["anchor"] == "y3" and all(layout[f"yaxis{n}"]["anchor"] == "x" for n in ("", "2", "3"))
    domains = [layout[f"yaxis{n}"]["domain"] for n in ("3", "2", "")]
    assert all(low[1] < high[0] for low, high in zip(domains, domains[1:]))  # stacked, not overlapping


def test_the_hover_shows_the_50_dma_the_csv_gives(spec):
    """The price panel's 50-DMA on 2024-07-08 is the mean of IWM's last 50 closes in the bundled CSV."""
    csv = pd.read_csv(SNAPSHOT_DIR / "IWM.csv.gz", index_col="Date", parse_dates=True)
    closes = csv["Close"].loc[:AS_OF]
    hover = ix.last_values(spec, AS_OF)
    assert hover["sma_fast"] == pytest.approx(closes.iloc[-50:].mean(), abs=1e-9)
    assert hover["sma_fast"] == pytest.approx(202.7614, abs=5e-5)
    assert hover["sma_slow"] == pytest.approx(closes.iloc[-200:].mean(), abs=1e-9)
    assert hover["close"] == closes.iloc[-1]


def test_bands_are_filled_between_their_edges_and_leadership_has_its_zero_line(spec):
    data = spec["data"]
    for prefix in ("rm", "lead"):
        lower = next(i for i, t in enumerate(data) if t.get("meta") == f"{prefix}_lower")
        assert data[lower + 1]["meta"] == f"{prefix}_upper" and data[lower + 1]["fill"] == "tonexty"
        assert "fill" not in data[lower]
    zero = [s for s in spec["layout"]["shapes"] if s["type"] == "line"]
    assert [(s["yref"], s["y0"], s["y1"], s["x0"], s["x1"]) for s in zero] == [("y3", 0, 0, 0, 1)]


def test_the_phase_is_shaded_run_by_run_without_gaps(frame, spec):
    window = frame.loc[_lines(spec)["close"]["x"]]
    rects = [s for s in spec["layout"]["shapes"] if s["type"] == "rect"]
    assert len(rects) == len(ix.api.phase_runs(window)) > 50
    assert rects[0]["x0"] == window.index[0] and rects[-1]["x1"] == window.index[-1]
    assert all(a["x1"] == b["x0"] for a, b in zip(rects, rects[1:]))
    for rect in rects:
        phase = window.at[rect["x0"], "phase"]
        assert rect["fillcolor"] == ix.style.PHASE_COLORS[phase] and rect["yref"] == "y domain"
    keys = {t["name"] for t in spec["data"] if t.get("legendgroup") == "phase"}
    assert keys == {f"phase: {p}" for p in window["phase"].dropna().unique()}


def test_years_zero_draws_the_whole_history(frame):
    assert _lines(ix.chart_spec(frame, years=0))["rm"]["x"].equals(frame.index)


# -- the same view with other knobs ----------------------------------------------------------------


def test_rerun_builds_the_chart_and_the_view_again_with_the_knobs_given():
    spec, table = ix.rerun("IWM", AS_OF, fast=20, band_width=2.5)
    csv = pd.read_csv(SNAPSHOT_DIR / "IWM.csv.gz", index_col="Date", parse_dates=True)["Close"].loc[:AS_OF]
    assert ix.last_values(spec, AS_OF)["sma_fast"] == pytest.approx(csv.iloc[-20:].mean(), abs=1e-9)
    assert "20/200-DMA, band ±2.5σ" in spec["layout"]["title"]["text"]
    assert "its 20-DMA" in table and "Real Motion" in table  # the Real Motion notebook's state table
    _, leadership = ix.rerun("IWM", AS_OF, view="leadership")
    assert "leadership" in leadership and "its 50-DMA" in leadership


def test_rerun_refuses_a_bad_knob_or_view_in_one_line():
    with pytest.raises(InputError, match="FAST 250 is not below SLOW 200") as bad:
        ix.rerun("IWM", AS_OF, fast=250)
    assert "\n" not in str(bad.value)
    with pytest.raises(InputError, match="no interactive view 'size'"):
        ix.rerun("IWM", AS_OF, view="size")


def test_sliders_start_at_the_tables_defaults():
    specs = ix.sliders(("fast", "slow", "band_width", "confirm_n"))
    assert {n: s["value"] for n, s in specs.items()} == {"fast": 50, "slow": 200, "band_width": 2.0, "confirm_n": 2}
    assert all(s["min"] <= s["value"] <= s["max"] for s in specs.values())
    assert specs["fast"]["help"] == analysis.params.BY_NAME["fast"].help
    with pytest.raises(InputError, match="no slider for horizons"):
        ix.sliders(("fast", "horizons"))


# -- without the lab's libraries -------------------------------------------------------------------


@pytest.mark.parametrize("call", ["charts", "explorer"])
def test_without_the_lab_libraries_a_chart_or_widget_says_run_make_lab(monkeypatch, frame, call):
    for name in ("plotly", "plotly.graph_objects", "ipywidgets"):
        monkeypatch.setitem(sys.modules, name, None)  # as in the report's kernel (None: import fails)
    with pytest.raises(ix.LabOnly) as missing:
        ix.charts(frame) if call == "charts" else ix.explorer("IWM", AS_OF)
    message = str(missing.value)
    assert "\n" not in message and "make lab" in message and "momentum-lab" in message
    assert message.split()[0] in ("plotly", "ipywidgets") and isinstance(missing.value, ImportError)


class _Recorder:
    """A meta-path finder that notes every attempt to import a lab library, and finds nothing."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ix.LIBRARIES:
            self.seen.append(name)
        return None


def test_importing_analysis_imports_no_lab_library(monkeypatch, frame):
    """The package and this module are imported again (not from sys.modules) with a finder that
    notes any attempt to import plotly or ipywidgets; building a figure's data tries neither."""
    recorder = _Recorder()
    monkeypatch.setattr(sys, "meta_path", [recorder, *sys.meta_path])
    for name in [m for m in sys.modules if m.split(".")[0] in ix.LIBRARIES]:
        monkeypatch.delitem(sys.modules, name)
    importlib.reload(analysis)
    importlib.reload(ix)
    ix.chart_spec(frame, years=1)
    ix.sliders()
    assert recorder.seen == []
    with pytest.raises(ix.LabOnly):
        ix.charts(frame)  # ...which is how the finder is known to see them
    assert recorder.seen and recorder.seen[0].split(".")[0] == "plotly"


def test_no_module_of_analysis_imports_a_lab_library_by_name():
    """Only :func:`analysis.interactive.lab_library` imports them, by name, when a figure or a widget is made."""
    found = []
    for path in (PROJECT_DIR / "analysis").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if not any(name in text for name in ix.LIBRARIES):
            continue  # (parsing every module would take most of a second)
        for node in ast.walk(ast.parse(text)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ix.LIBRARIES]
    assert found == []


# -- the kernels: the report's stays as it is, the lab's adds a hashed extra ------------------------


def test_the_reports_lock_and_dependencies_hold_no_lab_library():
    assert LAB_ONLY.isdisjoint(name for name, *_ in _entries())
    declared = PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["test"]
    assert LAB_ONLY.isdisjoint(canonicalize_name(Requirement(r).name) for r in declared)


def test_the_lab_kernel_is_the_reports_lock_plus_a_hashed_interactive_extra():
    """requirements-interactive.lock pins pyproject's `interactive` extra with hashes, and every
    package it shares with requirements.lock at the same version with the same hashes: the lab's
    kernel runs what the report's does, plus plotly and ipywidgets."""
    extra = {
        canonicalize_name(e.name): e
        for e in map(Requirement, PYPROJECT["project"]["optional-dependencies"]["interactive"])
    }
    lab = {name: (version, sorted(hashes)) for name, version, _, hashes in _entries(LAB_KERNEL_LOCK)}
    report = {name: (version, sorted(hashes)) for name, version, _, hashes in _entries()}
    assert set(extra) == {"plotly", "ipywidgets"} and all(hashes for _, hashes in lab.values())
    assert all(lab[name][0] in req.specifier for name, req in extra.items())
    assert {name: lab[name] for name in lab.keys() & report.keys()} == {
        name: report[name] for name in lab.keys() & report.keys()
    }
    assert set(lab) - set(report) <= LAB_ONLY | {"narwhals"}  # what the lab adds, and nothing else
    makefile = (PROJECT_DIR / "Makefile").read_text()
    assert f"LAB_KERNEL_REQS := {' '.join(PYPROJECT['project']['optional-dependencies']['interactive'])}" in makefile
    assert "--require-hashes -r $(LOCK) -r $(LAB_KERNEL_LOCK)" in makefile
    command = "uv pip compile - -c requirements.lock --universal --python-version 3.11 --generate-hashes"
    assert LAB_KERNEL_LOCK.read_text().splitlines()[1].strip("# ").strip() == f"{command} -o {LAB_KERNEL_LOCK.name}"
    assert f"{command.removeprefix('uv ').replace('requirements.lock', '$(LOCK)')} -o $(LAB_KERNEL_LOCK)" in makefile


def test_the_lab_kernel_is_named_and_the_scratch_copies_open_on_it(tmp_path):
    from analysis.notebooks import scratch_copies
    from analysis.render.kernel import _spec

    assert _spec("momentum-lab")["display_name"] == "Python (momentum-lab: plotly, ipywidgets)"
    assert _spec("momentum-report")["display_name"] == "Python (momentum-report)"
    (tmp_path / "real_motion.ipynb").write_text((PROJECT_DIR / "notebooks" / "real_motion.ipynb").read_text())
    scratch_copies(tmp_path)
    assert (
        nbformat.read(tmp_path / "scratch" / "real_motion.ipynb", as_version=4).metadata.kernelspec.name
        == "momentum-lab"
    )
    committed = nbformat.read(PROJECT_DIR / "notebooks" / "real_motion.ipynb", as_version=4)
    assert committed.metadata.kernelspec.name == "momentum-report"  # what make report runs


# -- the lab notebook ------------------------------------------------------------------------------


def test_the_explore_notebook_is_thin_and_calls_what_the_module_has():
    """notebooks/explore.ipynb runs on the lab's kernel, which the tests do not have: each call it
    makes on `interactive` is a function of the module taking the keywords it is given."""
    nb = nbformat.read(PROJECT_DIR / "notebooks" / "explore.ipynb", as_version=4)
    assert nb.metadata.kernelspec.name == "momentum-lab"
    tree = ast.parse("\n".join(c.source for c in nb.cells if c.cell_type == "code"))
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and getattr(n.func.value, "id", "") == "interactive"
    ]
    assert {c.func.attr for c in calls} == {"charts", "chart_spec", "last_values", "explorer"}
    for call in calls:
        signature = inspect.signature(getattr(ix, call.func.attr))
        signature.bind(*[None] * len(call.args), **{k.arg: None for k in call.keywords})
