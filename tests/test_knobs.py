"""One set of knobs everywhere (issue 31): the table, the request, the file stems, what the runner
injects, what a first page says, since-last and the index with knobbed pieces.

In-process and on the bundled data; the notebooks executed with knobs are in
``tests/test_knobs_run.py`` (slow).
"""

from __future__ import annotations

import dataclasses
import json
import re

import nbformat
import pytest

from analysis import params, schema, summary
from analysis.data.pieces import previous_piece
from analysis.errors import InputError, RenderError
from analysis.notebooks import NOTEBOOKS
from analysis.params import Knobs, Request
from analysis.pipeline import cells
from analysis.pipeline.index import scan
from analysis.pipeline.research import plan
from tests.conftest import AS_OF, PROJECT_DIR
from tests.test_schema import check

OUTPUTS = {"piece", *(nb.name for nb in NOTEBOOKS)}


# -- the table ------------------------------------------------------------------------------------


def test_every_knob_has_one_field_one_default_one_tag_and_one_make_variable():
    fields = {f.name: f.default for f in dataclasses.fields(Knobs)}
    assert list(fields) == [p.name for p in params.KNOBS]
    for p in params.KNOBS:
        assert fields[p.name] == (None if p.name == "level" else p.default), p.name
        assert p.env == p.name.upper() and p.flag == "--" + p.name.replace("_", "-")
        assert p.used_by and set(p.used_by) <= OUTPUTS, p.name
        assert "{}" in p.phrase
    tags = [p.tag for p in params.KNOBS]
    assert len(set(tags)) == len(tags)
    makefile = (PROJECT_DIR / "Makefile").read_text()
    listed = re.search(r"^KNOBS := ((?:.*\\\n)*.*)$", makefile, flags=re.M).group(1).replace("\\\n", " ").split()
    assert listed == [p.env for p in params.KNOBS]
    assert "export TICKER BENCHMARK AS_OF SOURCE TICKERS RESEARCH $(KNOBS)" in makefile


def test_every_notebook_uses_the_knobs_the_table_says_it_does():
    """A knob's ``used_by`` names a notebook only if that notebook's view reads it (by name or mapped)."""
    from analysis.view.research import history, leadership, macro, phase, real_motion, scorecard, triggers

    classes = [
        phase.PhaseResearch,
        real_motion.RealMotionResearch,
        leadership.LeadershipResearch,
        triggers.TriggersResearch,
        scorecard.ScorecardResearch,
        history.HistoryResearch,
        macro.MacroResearch,
    ]
    study = {"level", "confirm_n", "fast", "slow", "band_width", "level_window"}
    for cls in classes:
        filled = {cls.KNOB_OF.get(name, name) for name in cls.own(Knobs())}
        said = {p.name for p in params.KNOBS if cls.NAME in p.used_by}
        assert filled - study <= said and said - study <= filled, cls.NAME


# -- validation: the project's one-line errors ----------------------------------------------------


@pytest.mark.parametrize(
    "knobs, message",
    [
        ({"fast": "abc"}, "FAST 'abc' is not a whole number. Give a whole number from 2 to 100000."),
        ({"fast": "0"}, "FAST 0 is below 2."),
        ({"fast": "250"}, "FAST 250 is not below SLOW 200"),
        ({"fast": "20", "confirm_n": "30"}, "CONFIRM_N 30 is above FAST 20"),
        ({"band_width": "-1"}, "BAND_WIDTH '-1' is not above zero"),
        ({"horizons": "5 x"}, "HORIZONS entry 'x' is not a whole number"),
        ({"months": "6"}, "MONTHS 6 is below 12"),
        ({"scenarios_file": "mine.txt"}, "SCENARIOS_FILE 'mine.txt' is not the path of a .toml file"),
        ({"fsat": "20"}, "'fsat' is not a knob. Use one of: level, confirm_n, fast"),
    ],
)
def test_a_bad_knob_is_one_line_naming_it_and_the_fix(knobs, message):
    with pytest.raises(InputError) as info:
        Request.parse("IWM", **knobs)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_unset_values_are_the_defaults_and_values_are_cleaned():
    assert Knobs.parse(fast="", slow=None, level=0.0, horizons="") == Knobs()
    k = Knobs.parse(fast=" 20 ", band_width="2.50", horizons="60,5 5", level="205")
    assert (k.fast, k.band_width, k.horizons, k.level) == (20, 2.5, "60 5", 205.0)
    assert Knobs.parse(fast=50, slow=200).changed() == {}


# -- file stems -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ticker, benchmark, knobs, expected",
    [
        ("IWM", None, {}, "IWM"),
        ("IWM", None, {"fast": 50, "confirm_n": 2}, "IWM"),  # a knob given at its default changes nothing
        ("IWM", None, {"fast": 20}, "IWM_fast20"),
        ("IWM", "QQQ", {"fast": 20, "slow": 100}, "IWM_vs_QQQ_fast20_slow100"),
        ("^VIX", None, {"band_width": 2.5, "level_window": 10}, "_VIX_band2.5_window10"),
        ("IWM", None, {"level": "205.5", "confirm_n": 3}, "IWM_level205.5_confirm3"),
        ("SPY", None, {"horizons": "10 30"}, "SPY_horizons10-30"),
        ("IWM", None, {"scenarios_file": "my dir/My Set.toml"}, "IWM_scenarios-My-Set"),
    ],
)
def test_a_piece_with_knobs_off_their_defaults_is_named_after_them(ticker, benchmark, knobs, expected):
    request = Request.parse(ticker, benchmark, **knobs)
    assert request.stem == expected
    assert request.default_stem == params.stem(request.ticker, request.benchmark)


def test_the_first_page_note_names_the_knobs_with_their_defaults_and_whom_they_change():
    request = Request.parse("IWM", fast=20, rows=5)
    assert request.knob_note("piece") == (
        "Written with knobs that differ from the defaults: fast average 20 sessions (default 50)."
        " Also set for the research appendices, not used here: 5 rows in the recent tables (default 10)."
        " Its files are named IWM_fast20_rows5; the default ones IWM."
    )
    assert request.knobs.phrases("size") == []
    assert Request.parse("IWM").knob_note() == ""


# -- what the runner injects ---------------------------------------------------------------------


def test_the_piece_gets_every_parameter_of_the_table():
    injected = Request.parse("IWM", "SPY", AS_OF, "snapshot", fast="20").notebook_parameters()
    assert list(injected) == [p.name for p in params.PARAMETERS]
    assert (injected["fast"], injected["slow"], injected["level"], injected["rows"]) == (20, 200, 0.0, 10)


def _notebooks(tmp_path, edit=None):
    """A copy of ``notebooks/`` in ``tmp_path``; ``edit(name, cell)`` may change a parameters cell."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for path in (PROJECT_DIR / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        if edit:
            cell.source = edit(path.stem, cell.source)
        nbformat.write(nb, folder / path.name)
    return folder


def test_research_jobs_inject_every_knob_whatever_a_notebook_holds(tmp_path, market):
    """A knob saved in a committed notebook (an experiment, autosaved) never reaches the published
    appendix: the runner injects the value asked for, and says the notebook's was ignored."""
    folder = _notebooks(
        tmp_path, lambda name, src: src.replace("fast: int = 50", "fast: int = 20") if name == "real_motion" else src
    )
    request = Request.parse("IWM", "SPY", AS_OF, "snapshot", slow="150")
    _, jobs, notes = plan(request, market=market, notebook_dir=folder)
    assert [j.notebook.name for j in jobs] == [nb.name for nb in NOTEBOOKS]
    for job in jobs:
        assert job.parameters == request.research_parameters(AS_OF, "snapshot"), job.notebook.name
        assert (job.parameters["fast"], job.parameters["slow"], job.stem) == (50, 150, "IWM_slow150")
    assert [n for n in notes if "fast = 20" in n] == [
        "real_motion.ipynb's parameters cell holds fast = 20, not the table's defaults: ignored, every knob is"
        " injected (to publish with another value, ask for it, e.g. make research FAST=20; experiment in"
        " notebooks/scratch/, make lab)."
    ]


@pytest.mark.parametrize(
    "edit, says",
    [
        (lambda src: src.replace("fast: int = 50", "fast2: int = 20"), "lacks fast; declares fast2, which"),
        (lambda src: "\n".join(line for line in src.splitlines() if not line.startswith("rows:")), "lacks rows:"),
    ],
    ids=["renamed", "deleted"],
)
def test_a_parameters_cell_the_runner_cannot_fill_is_refused_before_any_kernel(tmp_path, edit, says):
    folder = _notebooks(tmp_path, lambda name, src: edit(src) if name == "phase" else src)
    with pytest.raises(RenderError) as info:
        cells.check(folder / "phase.ipynb", "phase")
    assert says in str(info.value) and "git checkout -- notebooks/phase.ipynb" in str(info.value)
    assert cells.check(PROJECT_DIR / "notebooks" / "phase.ipynb", "phase") == []


# -- the piece says so, and the JSON keeps its default form ---------------------------------------


def test_a_knobbed_summary_records_its_knobs_and_a_default_one_does_not(market, tmp_path):
    plain = summary.build(Request.parse("IWM", "SPY", AS_OF, "snapshot"), market, reports_dir=tmp_path).data
    fast = summary.build(Request.parse("IWM", "SPY", AS_OF, "snapshot", fast=20), market, reports_dir=tmp_path).data
    assert "knobs" not in plain and fast["knobs"] == {"fast": 20} and fast["settings"]["fast"] == 20
    assert check(fast, schema.Summary) == [] == check(plain, schema.Summary)
    assert "20-DMA" in " ".join(fast["brief"]["paragraphs"]) and "50-DMA" not in " ".join(fast["brief"]["paragraphs"])
    from analysis.text import brief

    md = brief.markdown(fast)
    assert md.splitlines()[4] == (
        "> Written with knobs that differ from the defaults: fast average 20 sessions (default 50)."
        " Its files are named IWM_fast20; the default ones IWM."
    )
    assert not brief.markdown(plain).splitlines()[4].startswith(">")


# -- since the last piece, and the index --------------------------------------------------------


def _publish(root, data, stem):
    folder = root / data["as_of"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.json").write_text(summary.to_json(data))


def test_a_knobbed_piece_is_never_the_earlier_piece_of_a_default_one_nor_the_reverse(market, tmp_path):
    earlier = "2024-06-28"
    plain = summary.build(Request.parse("IWM", "SPY", earlier, "snapshot"), market, reports_dir=tmp_path / "x").data
    fast = summary.build(
        Request.parse("IWM", "SPY", earlier, "snapshot", fast=20), market, reports_dir=tmp_path / "x"
    ).data
    _publish(tmp_path, fast, "IWM_fast20")
    _publish(tmp_path, {**fast}, "IWM")  # misfiled: the name says default, the JSON says fast 20
    assert previous_piece("IWM", "SPY", AS_OF, tmp_path) is None
    assert previous_piece("IWM", "SPY", AS_OF, tmp_path, knobs=Knobs(fast=20))["knobs"] == {"fast": 20}
    now = summary.build(Request.parse("IWM", "SPY", AS_OF, "snapshot"), market, reports_dir=tmp_path).data
    assert now["since_last"]["against"] == "sessions"
    _publish(tmp_path, plain, "IWM")
    assert previous_piece("IWM", "SPY", AS_OF, tmp_path, knobs=Knobs(fast=30)) is None
    fast_now = summary.build(Request.parse("IWM", "SPY", AS_OF, "snapshot", fast=20), market, reports_dir=tmp_path).data
    assert (fast_now["since_last"]["against"], fast_now["since_last"]["previous_as_of"]) == ("piece", earlier)


def test_the_index_lists_a_knobbed_piece_after_its_default_one_and_says_its_knobs(tmp_path):
    folder = tmp_path / AS_OF
    folder.mkdir()
    base = {
        "ticker": "IWM",
        "benchmark": "SPY",
        "as_of": AS_OF,
        "phase": "warning",
        "headline": "h",
        "schema_version": 1,
    }
    for stem, extra in (("IWM_fast20", {"knobs": {"fast": 20}}), ("IWM", {}), ("IWM_vs_QQQ", {"benchmark": "QQQ"})):
        (folder / f"{stem}.json").write_text(json.dumps({**base, **extra}))
    entries, _ = scan(tmp_path)
    assert [(e.stem, e.knobs) for e in entries] == [("IWM", ""), ("IWM_fast20", "fast 20"), ("IWM_vs_QQQ", "")]
    from analysis.pipeline.index import render

    assert '<span class="knobs">fast 20</span>' in render(entries)


# -- make lab: experiments in working copies ------------------------------------------------------


def test_make_lab_opens_working_copies_git_ignores_and_keeps_them(tmp_path):
    from analysis.notebooks import scratch_copies

    folder = tmp_path / "notebooks"
    folder.mkdir()
    for path in (PROJECT_DIR / "notebooks").glob("*.ipynb"):
        (folder / path.name).write_bytes(path.read_bytes())
    made = scratch_copies(folder)
    assert sorted(p.name for p in made) == sorted(p.name for p in folder.glob("*.ipynb"))
    copy = nbformat.read(folder / "scratch" / "real_motion.ipynb", as_version=4)
    assert "jupytext" not in copy.metadata and copy.cells == nbformat.read(folder / "real_motion.ipynb", 4).cells
    (folder / "scratch" / "real_motion.ipynb").write_text("my experiment")
    assert scratch_copies(folder) == [] and (folder / "scratch" / "real_motion.ipynb").read_text() == "my experiment"
    assert "notebooks/scratch/" in (PROJECT_DIR / ".gitignore").read_text().splitlines()
    makefile = (PROJECT_DIR / "Makefile").read_text()
    assert "scratch_copies()" in makefile and "--notebook-dir=notebooks/scratch" in makefile
