"""The lock behind `make setup` (and environment.yml, and so CI): requirements.lock pins, with
hashes, every dependency pyproject.toml declares (runtime, the test extra and the scale extra it
pulls in), each pin inside pyproject's range, for every Python and Linux machine the project
supports; the venv's stamp follows both files, so editing either rebuilds the venv."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import PROJECT_DIR

LOCK = PROJECT_DIR / "requirements.lock"
PYPROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())
#: Where the lock must install: CPython 3.11 to 3.13 on Linux, x86_64 and aarch64.
ENVIRONMENTS = [(python, machine) for python in ("3.11.7", "3.12.4", "3.13.1") for machine in ("x86_64", "aarch64")]


def _entries(lock=LOCK) -> list[tuple[str, Version, Marker | None, list[str]]]:
    """``(name, version, marker, hashes)`` for each pin of the lock (continuation lines joined)."""
    text = re.sub(r"\\\n\s*", " ", lock.read_text())
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        requirement, _, rest = line.partition(" --hash=")
        spec, _, marker = requirement.partition(";")
        name, _, version = spec.strip().partition("==")
        hashes = re.findall(r"sha256:([0-9a-f]{64})", " --hash=" + rest if rest else "")
        entries.append((canonicalize_name(name), Version(version), Marker(marker) if marker.strip() else None, hashes))
    return entries


def _environment(python: str, machine: str) -> dict[str, str]:
    return {
        "python_version": ".".join(python.split(".")[:2]),
        "python_full_version": python,
        "os_name": "posix",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": machine,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }


def _declared() -> list[Requirement]:
    """pyproject's runtime dependencies and its test extra, the project's own extras expanded."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    own = canonicalize_name(PYPROJECT["project"]["name"])
    wanted, todo = [], [Requirement(r) for r in PYPROJECT["project"]["dependencies"] + extras["test"]]
    while todo:
        req = todo.pop()
        if canonicalize_name(req.name) == own:
            todo += [Requirement(r) for extra in req.extras for r in extras[extra]]
        else:
            wanted.append(req)
    return wanted


def test_every_pin_is_exact_and_hash_checked():
    entries = _entries()
    assert len(entries) > 50
    assert all(hashes for *_, hashes in entries), [name for name, *_, hashes in entries if not hashes]
    assert canonicalize_name(PYPROJECT["project"]["name"]) not in {name for name, *_ in entries}  # installed by -e .
    assert "-e " not in LOCK.read_text()


@pytest.mark.parametrize("python, machine", ENVIRONMENTS, ids=[f"py{p[:4]}-{m}" for p, m in ENVIRONMENTS])
def test_each_declared_dependency_is_pinned_once_inside_its_range(python, machine):
    """On each supported Python and machine exactly one pin applies to every dependency
    pyproject.toml declares, and pyproject's range admits it (so the lock is not stale)."""
    env = _environment(python, machine)
    applying: dict[str, list[Version]] = {}
    for name, version, marker, _ in _entries():
        if marker is None or marker.evaluate(env):
            applying.setdefault(name, []).append(version)
    assert all(len(versions) == 1 for versions in applying.values()), applying
    for req in _declared():
        name = canonicalize_name(req.name)
        assert name in applying, f"{req.name} is declared in pyproject.toml but not in the lock: run `make lock`"
        assert req.specifier.contains(applying[name][0], prereleases=True), (
            f"{req.name} {applying[name][0]} is outside pyproject's {req.specifier}: run `make lock`"
        )
    assert "distributed" in applying  # dask[distributed], from the scale extra


def test_the_lock_was_made_by_the_command_make_lock_runs():
    header = LOCK.read_text().splitlines()[1].strip("# ").strip()
    recipe = re.search(r"^lock:.*?\n((?:\t.*\n)+)", (PROJECT_DIR / "Makefile").read_text(), flags=re.M).group(1)
    command = (
        re.search(r'"\$\$uv" (pip compile pyproject\.toml [^\n]*?) -q[; \\]*$', recipe, flags=re.M)
        .group(1)
        .replace("$(LOCK)", LOCK.name)
    )
    assert header == f"uv {command}"
    assert "--universal" in command and "--generate-hashes" in command and "--python-version 3.11" in command


def _stamp(folder) -> str:
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", "print-stamp: ; @echo $(STAMP)", "print-stamp"],
        capture_output=True,
        text=True,
        cwd=folder,
        check=True,
    )
    return out.stdout.strip()


@pytest.mark.process
def test_the_venv_stamp_changes_with_the_lock_and_with_pyproject(tmp_path):
    for name in ("Makefile", "pyproject.toml", "requirements.lock"):
        shutil.copy(PROJECT_DIR / name, tmp_path / name)
    first = _stamp(tmp_path)
    assert first.startswith(".venv/.installed-") and _stamp(tmp_path) == first
    with open(tmp_path / "requirements.lock", "a") as fh:
        fh.write("# changed\n")
    second = _stamp(tmp_path)
    with open(tmp_path / "pyproject.toml", "a") as fh:
        fh.write("# changed\n")
    third = _stamp(tmp_path)
    assert len({first, second, third}) == 3


def _make_value(name: str) -> str:
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", f"print-it: ; @echo $({name})", "print-it"],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=True,
    )
    return out.stdout.strip()


@pytest.mark.process
def test_set_up_writes_the_bytecode_of_every_module_it_names():
    """uv installs no bytecode, and PYTHONDONTWRITEBYTECODE stops Python writing any: `make setup`
    imports WARM_IMPORTS once with writing on. A module renamed or gone would be skipped without
    a word (its top-level package missing) or fail the step: each must be importable here."""
    import importlib.util

    names = _make_value("WARM_IMPORTS").split()
    assert {"analysis.view.piece", "ipykernel.kernelapp", "matplotlib.pyplot", "nbconvert", "papermill"} <= set(names)
    assert [m for m in names if importlib.util.find_spec(m) is None] == []
    makefile = (PROJECT_DIR / "Makefile").read_text()
    assert re.search(r"^setup: \$\(STAMP\) \$\(BYTECODE_STAMP\) ", makefile, flags=re.M)
    recipe = re.search(r"^\$\(BYTECODE_STAMP\):.*?\n((?:\t.*\n)+)", makefile, flags=re.M).group(1)
    assert "$(WARM) $(WARM_PLOTS)" in recipe and "$(WARM) $(WARM_JUPYTER)" in recipe  # both groups, at once
    assert names == (_make_value("WARM_PLOTS") + " " + _make_value("WARM_JUPYTER")).split()
    assert _make_value("WARM").startswith("env -u PYTHONDONTWRITEBYTECODE ")


def test_the_lab_environment_is_built_from_a_hashed_lock_of_the_lab_extra():
    """`make lab` installs .venv-lab from requirements-lab.lock with --require-hashes (it used to be
    pip's newest of the day): each lab requirement pinned inside its range, every pin hashed."""
    lock = PROJECT_DIR / "requirements-lab.lock"
    entries = _entries(lock)
    assert entries and all(hashes for *_, hashes in entries)
    pinned = {name: version for name, version, _, _ in entries}
    for raw in PYPROJECT["project"]["optional-dependencies"]["lab"]:
        req = Requirement(raw)
        assert pinned[canonicalize_name(req.name)] in req.specifier, raw
    makefile = (PROJECT_DIR / "Makefile").read_text()
    assert "LAB_LOCK := requirements-lab.lock" in makefile
    assert "pip install --require-hashes --no-deps -r $(LAB_LOCK)" in makefile
    assert "-o $(LAB_LOCK)" in makefile  # make lock writes it from LAB_REQS (= the lab extra, test_project)


def test_the_lab_lock_was_made_by_the_command_make_lock_runs():
    header = (PROJECT_DIR / "requirements-lab.lock").read_text().splitlines()[1].strip("# ").strip()
    recipe = re.search(r"^lock:.*?\n((?:\t.*\n)+)", (PROJECT_DIR / "Makefile").read_text(), flags=re.M).group(1)
    command = re.search(r'"\$\$uv" (pip compile - --universal [^\n]*?) -q[; \\]*$', recipe, flags=re.M).group(1)
    assert header == f"uv {command.replace('$(LAB_LOCK)', 'requirements-lab.lock')}"
