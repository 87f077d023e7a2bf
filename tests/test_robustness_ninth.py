"""Robustness, a ninth hostile pass (issue 29, "Done when"): families the eight earlier passes left alone.

* ``make`` itself given hostile variables: a ``$(shell ...)`` in TICKER, AS_OF, JOBS or an unrelated
  variable on make's command line (and in the environment), quotes, ``#``, spaces, line breaks and
  backslashes in TICKER and AS_OF;
* ``make`` in odd states: a venv whose stamp is there but whose Python is deleted or a dangling link;
  ``make clean`` with a date folder that is a link to a folder outside, and folders named ``-rf`` or
  with spaces;
* the bundled data's three manifests edited: the prices' (a checksum wrong, an entry missing from
  ``[kind]`` or ``fully_adjusted``, an extra file it does not list, ``fully_adjusted`` a string), the FRED
  series' and the research files' (not TOML, missing, empty, an entry that is no table, no checksum);
* the interpreter's environment: PYTHONPATH shadowing ``pandas`` (and ``analysis`` under a kernel),
  ``PYTHONWARNINGS=error``, ``PYTHONDEVMODE=1``, ``PYTHONHASHSEED`` values, ``PYTHONIOENCODING=ascii``,
  ``PYTHONSAFEPATH=1``.

The pass found five defects, each fixed (the case's docstring says what it was): make expanded a
``$(shell ...)`` typed as a value on its command line (it ran the command; ``TICKER=$(shell ...)IWM``
then wrote IWM's piece, exit 0); ``make clean`` followed a date folder that is a link and emptied the
folder outside the project; a venv whose Python was gone was never rebuilt (``make`` ran a missing
interpreter); a damaged FRED or research manifest was a traceback (or, empty, an exit 2 blaming the
series); a PYTHONPATH folder shadowing ``pandas`` was a traceback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis import summary
from analysis.data import macro_snapshot, monthly, monthly_frame, snapshot
from tests.conftest import AS_OF, PROJECT_DIR
from tests.hostile import bundled_copy, cli_line, one_line, run_cli
from tests.test_robustness_fresh import run_json

MAKE = ["make", "-s", "--no-print-directory"]
SNAP = ["--source", "snapshot"]


def _make(*args: str, env: dict | None = None, cwd: Path = PROJECT_DIR, timeout: float = 120):
    environment = {**os.environ, **(env or {})}
    return subprocess.run([*MAKE, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout)


# --- make's variables ------------------------------------------------------------------------------

SHELL_VALUES = [
    ("TICKER", "$(shell touch {mark})IWM"),
    ("AS_OF", "$(shell touch {mark})"),
    ("JOBS", "$(shell touch {mark})"),
    ("UNRELATED", "$(shell touch {mark})"),
    ("TICKERS", "IWM $(shell touch {mark})"),
]


@pytest.mark.process
@pytest.mark.parametrize("name,value", SHELL_VALUES, ids=[n for n, _ in SHELL_VALUES])
def test_a_shell_call_typed_as_a_make_value_is_never_run(tmp_path, name, value):
    """Broke: make expanded `$(shell ...)` in a command-line value when exporting it to the recipe, so the
    command ran (and TICKER=$(shell ...)IWM then published IWM's summary, exit 0). Now every value given on
    make's command line is taken literally, as one from the environment always was."""
    mark = tmp_path / "ran"
    done = _make("summary", "SOURCE=snapshot", f"AS_OF={AS_OF}", f"{name}={value.format(mark=mark)}")
    assert not mark.exists(), done.stderr
    if name in ("TICKER", "AS_OF"):
        assert done.returncode == 2 and done.stderr.startswith("error: "), done.stderr


@pytest.mark.process
def test_a_shell_call_in_the_environment_is_never_run(tmp_path):
    """Held: a value from the environment is not expanded by make; validation refuses it."""
    mark = tmp_path / "ran"
    done = _make("summary", "SOURCE=snapshot", env={"TICKER": f"$(shell touch {mark})IWM"})
    assert not mark.exists() and done.returncode == 2 and "TICKER" in done.stderr.splitlines()[0]


ODD_VALUES = [
    ("AS_OF", '2024-07-08"', "AS_OF"),
    ("AS_OF", "2024-07-08'", "AS_OF"),
    ("AS_OF", "2024-07-08 # comment", "AS_OF"),
    ("TICKER", "I WM", "TICKER"),
    ("TICKER", "IWM\nQQQ", "TICKER"),
    ("TICKER", "IWM#x", "TICKER"),
    ("TICKER", "\\IWM", "TICKER"),
    ("CONFIRM_N", "$$x", "CONFIRM_N"),
]


@pytest.mark.process
@pytest.mark.parametrize("name,value,named", ODD_VALUES, ids=[repr(v) for _, v, _ in ODD_VALUES])
def test_quotes_comments_and_breaks_in_make_values_are_one_error(name, value, named):
    """Held: the value reaches validation intact (make's `#`, quotes and `\\` do not cut or join it)."""
    done = _make("summary", "SOURCE=snapshot", f"AS_OF={AS_OF}", f"{name}={value}")
    first = done.stderr.splitlines()[0]
    assert done.returncode == 2 and first.startswith(f"error: {named} ") and "Traceback" not in done.stderr


# --- make in odd states ----------------------------------------------------------------------------


def _stamp(venv: Path) -> Path:
    out = _make("--eval", "print-stamp: ; @echo $(STAMP)", "print-stamp", f"VENV={venv}").stdout.strip()
    return Path(out)


@pytest.mark.process
@pytest.mark.parametrize("python", ["missing", "dangling", "not-python"])
def test_a_venv_without_a_working_python_is_rebuilt(tmp_path, python):
    """Broke: with the stamp present, a venv whose Python was deleted (or is a link to a removed
    interpreter) was taken as built, and every target ran a missing program. Now it is rebuilt."""
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    stamp = _stamp(venv)
    stamp.touch()
    if python == "dangling":
        (venv / "bin" / "python").symlink_to(tmp_path / "gone" / "python3")
    elif python == "not-python":
        (venv / "bin" / "python").write_text("not a program")
    planned = _make("-n", "summary", f"VENV={venv}").stdout
    assert f"rm -rf {venv}" in planned and "Setting up" in planned


@pytest.mark.process
def test_a_working_venv_is_not_rebuilt():
    """Held: the project's own venv is used as is."""
    planned = _make("-n", "summary").stdout
    assert "Setting up" not in planned and "-m analysis summary" in planned


def _clean(tmp_path: Path) -> tuple[Path, Path]:
    project, outside = tmp_path / "project", tmp_path / "archive"
    (project / "reports").mkdir(parents=True)
    outside.mkdir()
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy(PROJECT_DIR / name, project / name)
    (outside / "kept.txt").write_text("mine")
    return project, outside


@pytest.mark.process
def test_make_clean_never_empties_a_folder_a_date_folder_links_to(tmp_path):
    """Broke: `rm -rf reports/*/` followed reports/2024-07-08 -> ~/archive and deleted the archive's files.
    Now each date folder is removed by its own name: the link goes, the folder outside stays whole."""
    project, outside = _clean(tmp_path)
    (project / "reports" / "2024-07-08").symlink_to(outside)
    done = _make("-f", str(PROJECT_DIR / "Makefile"), "clean", cwd=project)
    assert done.returncode == 0, done.stderr
    assert (outside / "kept.txt").read_text() == "mine"
    assert not os.path.lexists(project / "reports" / "2024-07-08")


@pytest.mark.process
@pytest.mark.parametrize("name", ["-rf", "a b", "--no-preserve-root"])
def test_make_clean_removes_date_folders_of_odd_names_and_keeps_the_rest(tmp_path, name):
    """Held: folders named like options or with spaces are removed; files beside them stay."""
    project, _ = _clean(tmp_path)
    (project / "reports" / name / "x").mkdir(parents=True)
    (project / "reports" / "notes.md").write_text("keep")
    done = _make("-f", str(PROJECT_DIR / "Makefile"), "clean", cwd=project)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (project / "reports").iterdir()) == ["notes.md"]


# --- the bundled manifests -------------------------------------------------------------------------


def _edit(path: Path, how: str) -> None:
    text = path.read_text()
    if how == "not toml":
        path.write_text("[[[\n")
    elif how == "missing":
        path.unlink()
    elif how == "empty":
        path.write_text("")
    elif how == "entry a string":
        path.write_text('T10Y3M = "x"\nfiles = "x"\n')
    elif how == "no checksum":
        path.write_text(re.sub(r'(?m)^sha256 = "[0-9a-f]+"\n', "", text, count=1))
    elif how == "wrong checksum":
        path.write_text(re.sub(r'sha256 = "[0-9a-f]+"', 'sha256 = "' + "0" * 64 + '"', text, count=1))


def _fresh_caches() -> None:
    for module in (macro_snapshot, monthly_frame, snapshot):
        module.manifest.cache_clear()
    monthly._bundled.cache_clear()
    summary._MACRO_STORES.clear()


DAMAGE = ["not toml", "missing", "empty", "entry a string", "no checksum", "wrong checksum"]


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_fred_manifest_leaves_the_economy_out_and_says_why(capsys, tmp_path, monkeypatch, how):
    """Broke (not TOML, missing, an entry that is no table: a traceback; empty: exit 2 blaming T10Y3M
    with an empty list). Now the manifest is read as the prices' one is: a DataError naming the file and
    `git checkout`, which leaves the economy out of the piece with that reason; the price call stands."""
    with bundled_copy(macro_snapshot, "MACRO_DIR", tmp_path / "macro", monkeypatch) as copy:
        _edit(copy / "manifest.toml", how)
        _fresh_caches()
        try:
            data = run_json(capsys, "--as-of", AS_OF)
        finally:
            _fresh_caches()
    text = json.dumps(data)
    assert data["ticker"] == "IWM" and ("manifest.toml" in text or "checksum" in text)


@pytest.mark.parametrize("how", ["not toml", "missing", "empty", "entry a string", "no checksum"])
def test_a_damaged_research_manifest_leaves_the_century_out_and_says_why(capsys, tmp_path, monkeypatch, how):
    """Broke (not TOML, missing, no `files`: a traceback; `files` a string: exit 2, "no research file is
    called 'ff_factors_monthly'. Use one of: x."). Now the century section is left out naming the file."""
    monkeypatch.setattr(monthly_frame, "RESEARCH_DIR", tmp_path / "research")
    shutil.copytree(PROJECT_DIR / "analysis" / "data" / "research", tmp_path / "research")
    _edit(tmp_path / "research" / "manifest.toml", how)
    _fresh_caches()
    try:
        data = run_json(capsys, "--as-of", AS_OF)
    finally:
        _fresh_caches()
    century = data.get("century", {})
    assert century.get("available") is False and "manifest.toml" in century.get("reason", ""), century


PRICE_EDITS = {
    "wrong checksum": lambda t: re.sub(r'(?m)^"?IWM"? = "[0-9a-f]{64}"', 'IWM = "' + "0" * 64 + '"', t),
    "TNX not in [kind]": lambda t: t.replace('"^TNX" = "yield"\n', ""),
    "NVDA not fully adjusted": lambda t: t.replace('"NVDA", ', ""),
}


@pytest.mark.parametrize("how", list(PRICE_EDITS))
def test_an_edited_prices_manifest_still_reads_every_file(capsys, tmp_path, monkeypatch, how):
    """Held: the loader does not check the prices' checksums (tests do, README); an entry missing from
    [kind] or fully_adjusted only changes the file's notes. A piece is still written for each."""
    with bundled_copy(snapshot, "SNAPSHOT_DIR", tmp_path / "prices", monkeypatch) as copy:
        path = copy / "manifest.toml"
        path.write_text(PRICE_EDITS[how](path.read_text()))
        _fresh_caches()
        try:
            for ticker in ("IWM", "^TNX", "NVDA"):
                assert run_json(capsys, "--ticker", ticker, "--as-of", AS_OF)["ticker"] == ticker
        finally:
            _fresh_caches()


def test_a_price_file_the_manifest_does_not_list_is_read(capsys, tmp_path, monkeypatch):
    """Held: an extra file in the folder is a symbol of the snapshot (its kind from Yahoo's cache or the name)."""
    with bundled_copy(snapshot, "SNAPSHOT_DIR", tmp_path / "prices", monkeypatch) as copy:
        shutil.copy(copy / "IWM.csv.gz", copy / "ZZZ.csv.gz")
        assert "ZZZ" in snapshot.tickers()
        assert run_json(capsys, "--ticker", "ZZZ", "--as-of", AS_OF)["ticker"] == "ZZZ"


def test_a_prices_manifest_of_the_wrong_shape_is_exit_3(capsys, tmp_path, monkeypatch):
    """Held: fully_adjusted as a string is a data error naming the file and how to restore it."""
    with bundled_copy(snapshot, "SNAPSHOT_DIR", tmp_path / "prices", monkeypatch) as copy:
        path = copy / "manifest.toml"
        path.write_text(path.read_text().replace("fully_adjusted = [", 'fully_adjusted = "x"\nunused = ['))
        _fresh_caches()
        try:
            code, line = cli_line(capsys, "summary", *SNAP, "--as-of", AS_OF)
        finally:
            _fresh_caches()
    assert code == 3 and "manifest.toml" in line and "git checkout" in line


# --- the interpreter's environment -----------------------------------------------------------------


def _shadow(tmp_path: Path, package: str) -> Path:
    (tmp_path / "shadow" / package).mkdir(parents=True)
    (tmp_path / "shadow" / package / "__init__.py").write_text(f"raise ImportError('a shadow {package}')\n")
    return tmp_path / "shadow"


@pytest.mark.process
def test_a_pythonpath_shadowing_pandas_is_one_line(tmp_path):
    """Broke: a traceback ending in the shadow's ImportError, exit 1. Now one line naming PYTHONPATH, exit 2."""
    done = run_cli(tmp_path / "r", "summary", *SNAP, env={"PYTHONPATH": str(_shadow(tmp_path, "pandas"))})
    line = one_line(done.stderr)
    assert done.returncode == 2 and "PYTHONPATH" in line and "a shadow pandas" in line
    assert not (tmp_path / "r").exists()


@pytest.mark.process
def test_a_pythonpath_shadowing_analysis_in_the_project_is_ignored(tmp_path):
    """Held: run from the project, `python -m analysis` imports the project's package first."""
    done = run_cli(
        tmp_path / "r", "summary", *SNAP, "--as-of", AS_OF, env={"PYTHONPATH": str(_shadow(tmp_path, "analysis"))}
    )
    assert done.returncode == 0 and json.loads(done.stdout)["ticker"] == "IWM", done.stderr


ENVIRONMENTS = [
    {"PYTHONWARNINGS": "error"},
    {"PYTHONDEVMODE": "1"},
    {"PYTHONIOENCODING": "ascii"},
    {"PYTHONSAFEPATH": "1"},
]


@pytest.mark.process
@pytest.mark.parametrize("env", ENVIRONMENTS, ids=[next(iter(e)) for e in ENVIRONMENTS])
def test_strict_interpreter_settings_change_nothing(tmp_path, env):
    """Held: the summary is the same bytes, and stderr stays empty, under each setting."""
    plain = run_cli(tmp_path / "a", "summary", *SNAP, "--as-of", AS_OF)
    strict = run_cli(tmp_path / "b", "summary", *SNAP, "--as-of", AS_OF, env=env)
    assert strict.returncode == 0 and strict.stderr == "" and strict.stdout == plain.stdout


@pytest.mark.process
def test_the_hash_seed_changes_no_byte(tmp_path):
    """Held: PYTHONHASHSEED 1, 2 and random print the same summary."""
    outs = {
        run_cli(tmp_path / s, "summary", *SNAP, "--as-of", AS_OF, env={"PYTHONHASHSEED": s}).stdout
        for s in ("1", "2", "random")
    }
    assert len(outs) == 1


@pytest.mark.slow
def test_a_pythonpath_shadowing_analysis_does_not_reach_the_kernel(tmp_path):
    """Broke (found when this test first ran): the kernel, started in notebooks/, imported a PYTHONPATH
    folder's `analysis` before the project's; render.kernel now puts the project first on PYTHONPATH."""
    root = tmp_path / "r"
    done = run_cli(
        root, "report", *SNAP, "--as-of", AS_OF, "--no-pdf", env={"PYTHONPATH": str(_shadow(tmp_path, "analysis"))}
    )
    assert done.returncode == 0, done.stderr
    assert json.loads((root / AS_OF / "IWM.json").read_text())["ticker"] == "IWM"


@pytest.mark.parametrize("value", ["no", "false", "2"])
def test_research_other_than_0_or_1_is_refused(capsys, monkeypatch, tmp_path, value):
    """Left alone by the pass, then fixed: `make report RESEARCH=no` (make exports it) ran the appendices,
    as only 0 turned them off. Now exit 2, one line, nothing written."""
    from tests import hostile

    monkeypatch.setenv("RESEARCH", value)
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(tmp_path))
    code, line = hostile.cli_line(capsys, "report", "--ticker", "IWM", "--as-of", "2024-07-08", "--source", "snapshot")
    assert code == 2 and f"RESEARCH={value!r} is neither 0 nor 1" in line
    assert not any(tmp_path.iterdir())
