"""The project's own promises: one dependency list, thin stripped notebooks, documented parameters."""

from __future__ import annotations

import ast
import logging
import re
import subprocess
import sys
import tomllib

import nbformat
import papermill.cli
import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import PROJECT_DIR

PYPROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())
NOTEBOOKS = sorted((PROJECT_DIR / "notebooks").glob("*.ipynb"))


def test_environment_yml_installs_the_lock_and_nothing_else():
    """conda gets Python and pip; every package comes from requirements.lock (resolved from
    pyproject.toml, tests/test_lock.py) through pip, hash-checked, as `make` installs it."""
    env = yaml.safe_load((PROJECT_DIR / "environment.yml").read_text())
    conda_deps = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_deps = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert [re.split(r"[<>=]", d)[0] for d in conda_deps] == ["python", "pip"]
    assert re.search(r">=\s*3\.11", conda_deps[0]) and PYPROJECT["project"]["requires-python"] == ">=3.11"
    assert pip_deps == ["--require-hashes", "-r requirements.lock"]
    assert (PROJECT_DIR / "requirements.lock").is_file()
    assert "pip install --no-deps -e ." in (PROJECT_DIR / "environment.yml").read_text()


def test_runtime_dependencies_include_the_fixed_stack():
    names = {re.split(r"[<>=\[ ]", d)[0].lower() for d in PYPROJECT["project"]["dependencies"]}
    assert {"pandas", "matplotlib", "mplfinance", "yfinance", "papermill", "nbconvert", "ipykernel"} <= names
    assert "jupyterlab" not in names  # see the comment in pyproject.toml: it slows every papermill start


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin(path):
    """No def/class, no clock, short cells, logic only through `analysis`."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda))]
        assert "now(" not in cell.source and "today(" not in cell.source
        if "parameters" not in cell.metadata.get("tags", []):
            assert len([line for line in cell.source.splitlines() if line.strip()]) <= 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_is_first_typed_and_explained(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    # papermill's own command line, `papermill --help-notebook PATH`, invoked in this process
    # (the same click command; a subprocess would only add a second of imports per notebook)
    root = logging.getLogger()
    saved = root.level, root.handlers[:]
    try:  # its logging.basicConfig must not outlive the call
        out = CliRunner().invoke(papermill.cli.papermill, ["--help-notebook", str(path)])
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
    assert out.exit_code == 0, out.output
    assert "Unable to parse" not in out.stderr
    names = [line.split(":")[0] for line in code[0].source.splitlines() if re.match(r"^\w+\s*:", line)]
    assert names
    for name in names:
        match = re.search(rf"^  {name}: (\w+) \(default [^)]*\)\s+(.+)$", out.stdout, flags=re.M)
        assert match, f"{name} is not explained by papermill --help-notebook"
        assert match.group(1) in {"str", "int", "float", "bool"} and len(match.group(2)) > 10


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_jupytext_pairs_are_in_sync(path):
    import jupytext

    paired = path.with_suffix(".py")
    assert paired.is_file(), f"{paired.name} (jupytext percent pair) is missing"
    a = jupytext.read(path)
    b = jupytext.read(paired)
    assert [(c.cell_type, c.source) for c in a.cells] == [(c.cell_type, c.source) for c in b.cells], (
        f"run `jupytext --sync {path.relative_to(PROJECT_DIR)}`"
    )


@pytest.mark.process
def test_make_help_lists_the_targets():
    out = subprocess.run(["make", "-s", "help"], capture_output=True, text=True, cwd=PROJECT_DIR, check=True).stdout
    for target in ("report", "test", "check", "setup", "summary", "clean"):
        assert re.search(rf"\b{target}\b", out)


def test_readme_test_command_is_what_ci_runs():
    """CI runs the whole suite (`make check`); the README shows both tiers and when to run each."""
    readme = (PROJECT_DIR / "README.md").read_text()
    ci = (PROJECT_DIR / ".ci" / "run").read_text()
    assert "make test" in readme and "make check" in readme and ci.strip().splitlines()[-1] == "make check"
    assert "make report TICKER=IWM" in readme
    makefile = (PROJECT_DIR / "Makefile").read_text()
    quick = re.search(r"^test:.*\n\t@\$\(PYTEST\) (.*)$", makefile, flags=re.M).group(1)
    assert quick == '-m "not slow and not process"'
    assert re.search(r"^check:.*\n\t@\$\(PYTEST\) --durations=25$", makefile, flags=re.M)


def test_lab_environment_installs_the_lab_extra():
    """`make lab` builds .venv-lab from a list in the Makefile: it must be pyproject's `lab` extra."""
    makefile = (PROJECT_DIR / "Makefile").read_text()
    listed = re.search(r"^LAB_REQS := (.*)$", makefile, flags=re.M).group(1).split()
    assert sorted(listed) == sorted(PYPROJECT["project"]["optional-dependencies"]["lab"])


def test_the_quick_tier_refuses_to_start_the_program_or_a_browser():
    """The `process` and `slow` markers are enforced: this test is marked neither."""
    from tests.conftest import tier_of

    with pytest.raises(AssertionError, match=r"mark it @pytest.mark.process"):
        subprocess.run([sys.executable, "-c", "pass"], check=False)
    with pytest.raises(AssertionError, match=r"mark it @pytest.mark.process"):
        subprocess.run(["make", "-s", "help"], check=False)
    assert tier_of(["/usr/bin/chromium", "--headless"]) == "slow"
    assert tier_of([sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"]) == "slow"
    assert tier_of([sys.executable, "-m", "analysis", "summary"]) == "process"
    assert tier_of("make report") == "process"
    assert tier_of(["pdftotext", "x.pdf", "-"]) is None
    assert subprocess.run(["true"], check=False).returncode == 0  # a cheap tool is fine


def test_the_type_checker_is_strict_on_the_model_and_the_words():
    """make lint runs mypy --strict on [tool.mypy] files: each exists, and every module of the
    model and of the words (analysis/model, analysis/text) is among them."""
    mypy = PYPROJECT["tool"]["mypy"]
    assert mypy["strict"] is True
    paths = [PROJECT_DIR / f for f in mypy["files"]]
    assert all(p.exists() for p in paths)
    checked = {m for p in paths for m in ([p] if p.is_file() else p.rglob("*.py"))}
    for package in ("model", "text"):
        modules = set((PROJECT_DIR / "analysis" / package).glob("*.py"))
        assert modules and modules <= checked, sorted(str(m) for m in modules - checked)
    assert "mypy" in (PROJECT_DIR / "Makefile").read_text().split("\nlint:")[1].split("\n\n")[0]


def test_no_module_over_400_lines_and_no_function_over_60():
    """Issue "One reading, many voices": a module does one job, a function one step (tests/sizes.py)."""
    from tests.sizes import FUNCTION_LINES, MODULE_LINES, oversized

    over = oversized(PROJECT_DIR / "analysis")
    assert not over, f"over {MODULE_LINES} lines a module or {FUNCTION_LINES} a function (split it by job): {over}"
