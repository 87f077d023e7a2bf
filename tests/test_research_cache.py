"""Research appendices re-executed only when their inputs change (analysis.pipeline.research_cache): the
digest follows the notebook, its parameters, the package and the data up to as-of, and nothing
else; a run whose inputs are unchanged executes nothing and says so in one line."""

from __future__ import annotations

import contextlib
import io
import json
import shutil

import nbformat
import pandas as pd
import pytest

from analysis import cli
from analysis.data import Market
from analysis.notebooks import NOTEBOOKS
from analysis.params import Request
from analysis.pipeline import research_cache as cache
from analysis.pipeline.research import plan, run, up_to_date
from tests.conftest import AS_OF, PROJECT_DIR

NOTEBOOK = PROJECT_DIR / "notebooks" / "phase.ipynb"
PARAMETERS = {"ticker": "IWM", "benchmark": "SPY", "as_of": AS_OF, "source": "snapshot"}


@pytest.fixture
def copy(iwm_research, tmp_path):
    """A reports root holding a copy of the shared research run (conftest), and its files' bytes."""
    root = tmp_path / "reports"
    shutil.copytree(iwm_research[0], root)
    return root, {p.name: p.read_bytes() for p in (root / AS_OF / "research").iterdir()}


@pytest.mark.slow
def test_the_published_notebooks_record_the_digest_of_their_inputs(iwm_research, market):
    root, _ = iwm_research
    _, jobs, _ = plan(Request.parse("IWM", "SPY", AS_OF, "snapshot"), market=market)
    for job in jobs:
        recorded = cache.published_digest(root / AS_OF / "research" / f"IWM_{job.notebook.name}.ipynb")
        assert recorded == job.inputs and len(recorded) == 64


@pytest.mark.slow
def test_unchanged_inputs_execute_nothing_and_leave_the_files_as_they_were(copy):
    root, before = copy
    result = run(Request.parse("IWM", "SPY", AS_OF, "snapshot"), root=root, jobs=2)
    assert result.reused == [nb.name for nb in NOTEBOOKS] and result.files == [] and result.workers == 0
    assert {p.name: p.read_bytes() for p in (root / AS_OF / "research").iterdir()} == before


@pytest.mark.slow
def test_the_command_says_so_in_one_line(copy, monkeypatch):
    root, _ = copy
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["research", "--ticker", "IWM", "--as-of", AS_OF, "--source", "snapshot"]) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "Executing the IWM research notebooks..." and len(lines) == 2
    assert len(NOTEBOOKS) == 9  # the six indicator appendices, track_record (#30), size and macro (#19, #20)
    assert lines[1] == (
        "  9 research appendices unchanged (same notebook, parameters, package and data up to"
        f" {AS_OF}), not re-executed: {', '.join(nb.name for nb in NOTEBOOKS)} (--force runs them again)"
    )


@pytest.mark.slow
def test_a_changed_notebook_is_executed_again_and_the_others_stand(copy, tmp_path):
    """phase.ipynb gains a markdown cell: phase runs (and records its new digest); real_motion stands."""
    root, before = copy
    notebooks = tmp_path / "notebooks"
    shutil.copytree(PROJECT_DIR / "notebooks", notebooks)
    nb = nbformat.read(notebooks / "phase.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("An extra note."))
    nbformat.write(nb, notebooks / "phase.ipynb")
    request = Request.parse("IWM", "SPY", AS_OF, "snapshot")
    result = run(request, names=["phase", "real_motion"], root=root, notebook_dir=notebooks)
    assert result.reused == ["real_motion"] and sorted(p.name for p in result.files) == [
        "IWM_phase.html",
        "IWM_phase.ipynb",
    ]
    after = {p.name: p.read_bytes() for p in (root / AS_OF / "research").iterdir()}
    assert after["IWM_real_motion.ipynb"] == before["IWM_real_motion.ipynb"]
    assert after["IWM_phase.ipynb"] != before["IWM_phase.ipynb"]
    assert "An extra note." in after["IWM_phase.html"].decode()
    _, jobs, _ = plan(request, ["phase"], notebook_dir=notebooks)
    assert cache.published_digest(root / AS_OF / "research" / "IWM_phase.ipynb") == jobs[0].inputs


@pytest.mark.slow
def test_a_missing_html_or_an_older_notebook_is_not_up_to_date(copy, market):
    root, _ = copy
    _, jobs, _ = plan(Request.parse("IWM", "SPY", AS_OF, "snapshot"), ["phase", "leadership"], market=market)
    dest = root / AS_OF / "research"
    assert [up_to_date(job, dest) for job in jobs] == [True, True]
    (dest / "IWM_phase.html").unlink()
    old = json.loads((dest / "IWM_leadership.ipynb").read_text())
    del old["metadata"][cache.METADATA_KEY]  # as written before digests were recorded
    (dest / "IWM_leadership.ipynb").write_text(json.dumps(old))
    assert [up_to_date(job, dest) for job in jobs] == [False, False]


def test_the_digest_follows_the_notebook_and_its_parameters(market):
    data = cache.data_inputs(market, ["IWM", "SPY"], AS_OF)
    base = cache.digest(NOTEBOOK, PARAMETERS, data)
    assert cache.digest(NOTEBOOK, dict(reversed(list(PARAMETERS.items()))), data) == base  # order does not matter
    assert cache.digest(NOTEBOOK, {**PARAMETERS, "as_of": "2024-07-05"}, data) != base
    assert cache.digest(NOTEBOOK, {**PARAMETERS, "benchmark": "QQQ"}, data) != base
    assert cache.digest(PROJECT_DIR / "notebooks" / "leadership.ipynb", PARAMETERS, data) != base
    assert cache.digest(NOTEBOOK, PARAMETERS, cache.data_inputs(market, ["IWM", "QQQ"], AS_OF)) != base


def test_the_data_digest_reads_the_rows_up_to_as_of_only():
    """On the bundled IWM history (a copy altered for the test): a row after as-of changes nothing,
    a close on or before it does, and so does the frame's source."""
    frame = Market("snapshot").prices("IWM")
    base = cache.data_digest(frame, AS_OF)
    later = frame.copy()
    later.attrs = dict(frame.attrs)
    later.loc[later.index > pd.Timestamp(AS_OF), "close"] *= 1.01
    assert cache.data_digest(later, AS_OF) == base
    changed = frame.copy()
    changed.attrs = dict(frame.attrs)
    changed.loc[pd.Timestamp(AS_OF), "close"] += 0.01
    assert cache.data_digest(changed, AS_OF) != base
    assert cache.data_digest(frame, "2024-07-05") != base
    elsewhere = frame.copy()
    elsewhere.attrs = {**frame.attrs, "source": "cache"}
    assert cache.data_digest(elsewhere, AS_OF) != base


def test_the_package_fingerprint_names_the_version_the_source_and_the_libraries():
    import analysis

    fingerprint = cache.package_fingerprint()
    assert fingerprint.startswith(f"analysis {analysis.__version__} ")
    assert all(f"{name}==" in fingerprint for name in cache.LIBRARIES)
    assert len(fingerprint.split()[2]) == 64  # the source digest


def test_an_edit_to_the_package_changes_the_fingerprint_and_new_prices_do_not(tmp_path, monkeypatch):
    import analysis

    package = tmp_path / "analysis"
    shutil.copytree(PROJECT_DIR / "analysis", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(analysis, "__file__", str(package / "__init__.py"))
    fingerprint = cache.package_fingerprint.__wrapped__
    base = fingerprint()
    (package / "data" / "prices" / "IWM.csv.gz").write_bytes(b"counted through the data instead")
    assert fingerprint() == base
    with open(package / "__init__.py", "a") as fh:
        fh.write("\n# an edit\n")
    assert fingerprint() != base


@pytest.mark.process
def test_make_report_runs_the_appendices_in_the_report_command_unless_research_is_0():
    import subprocess

    def recipe(*args: str) -> str:
        return subprocess.run(
            ["make", "-n", "report", *args], capture_output=True, text=True, cwd=PROJECT_DIR, check=True
        ).stdout

    assert "-m analysis report --research" in recipe()
    assert "-m analysis report" in recipe("RESEARCH=0") and "--research" not in recipe("RESEARCH=0")
    assert cli.parser().parse_args(["report", "--research"]).research is True


def test_the_economy_and_century_data_count_too():
    """The macro and size appendices read FRED's series and the monthly research files: a FRED
    reading published between two as-of dates (T10Y3M, bundled, daily) changes the digest;
    the same inputs give the same digest."""
    from analysis.data.fred import Macro

    t10y3m = Macro("snapshot").series("T10Y3M")
    assert len(t10y3m.loc["2024-07-06":AS_OF]) >= 1  # at least one reading in between
    base = cache.context_inputs("snapshot", AS_OF)
    assert cache.context_inputs("snapshot", AS_OF) == base and len(base) == 64
    assert cache.context_inputs("snapshot", "2024-07-05") != base
