"""Parameter validation: every bad value is named with its fix."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis import params
from analysis.errors import InputError
from tests.conftest import PROJECT_DIR


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("iwm", "IWM"),
        (" QQQ ", "QQQ"),
        ("^vix", "^VIX"),
        ("BTC-USD", "BTC-USD"),
        ("BRK.B", "BRK.B"),
        ("EURUSD=X", "EURUSD=X"),
    ],
)
def test_valid_tickers(raw, clean):
    assert params.ticker(raw) == clean


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "TICKER is empty"),
        ("   ", "TICKER is empty"),
        ("../x", "not a ticker symbol"),
        ("IWM;rm -rf", "not a ticker symbol"),
        ("a/b", "not a ticker symbol"),
        ("$(reboot)", "not a ticker symbol"),
        ("X" * 40, "40 characters long"),
        ("IW M", "not a ticker symbol"),
    ],
)
def test_bad_tickers_name_the_problem_and_the_fix(raw, message):
    with pytest.raises(InputError, match=message) as info:
        params.ticker(raw)
    assert "TICKER=IWM" in str(info.value)


def test_benchmark_equal_to_ticker_is_refused():
    with pytest.raises(InputError, match="BENCHMARK IWM is the same as TICKER"):
        params.benchmark("iwm", "IWM")


def test_a_benchmark_named_equal_to_the_ticker_is_refused_with_the_default_as_fix():
    with pytest.raises(InputError, match=r"BENCHMARK SPY is the same as TICKER.*BENCHMARK=RSP, or leave BENCHMARK out"):
        params.Request.parse("SPY", "spy")


@pytest.mark.parametrize("given", [None, "", "  "])
def test_the_default_benchmark_itself_is_measured_against_the_equal_weight_index(given):
    """SPY without a benchmark is SPY vs RSP (not refused), named like any default piece, and
    says why; every other ticker keeps SPY and says nothing."""
    spy = params.Request.parse("spy", given)
    assert (spy.ticker, spy.benchmark, spy.stem) == ("SPY", "RSP", "SPY")
    assert spy.benchmark_note.startswith("Benchmark: RSP, the equal-weight S&P 500, because this piece is about SPY")
    iwm = params.Request.parse("IWM", given)
    assert (iwm.benchmark, iwm.stem, iwm.benchmark_note) == ("SPY", "IWM", "")
    assert params.Request.parse("SPY", "QQQ").stem == "SPY_vs_QQQ"
    assert params.Request.parse("IWM", "RSP").stem == "IWM_vs_RSP"


@pytest.mark.parametrize("raw", ["2024-13-01", "July 8", "2024/07/08", "20240708", "2024-02-30"])
def test_unparseable_dates(raw):
    with pytest.raises(InputError, match="is not a date.*YYYY-MM-DD"):
        params.as_of(raw)


def test_future_date_is_refused():
    with pytest.raises(InputError, match="in the future"):
        params.as_of("2030-01-02", today=dt.date(2026, 11, 23))


def test_empty_date_means_latest():
    assert params.as_of("") is None and params.as_of(None) is None
    assert params.as_of("2024-07-08") == dt.date(2024, 7, 8)


@pytest.mark.parametrize("raw", ["abc", "0", "-5", "nan", "inf"])
def test_level_must_be_a_positive_number(raw):
    with pytest.raises(InputError, match="LEVEL"):
        params.level(raw)


def test_level_parses():
    assert params.level("205") == 205.0 and params.level("") is None


def test_unknown_source_lists_the_known_ones():
    with pytest.raises(InputError, match="SOURCE 'bloomberg' is not known.*auto, snapshot, yahoo"):
        params.source("bloomberg")
    assert params.source(None) == "auto" and params.source("Snapshot") == "snapshot"


def test_tickers_list():
    assert params.tickers("iwm, qqq IWM") == ["IWM", "QQQ"]
    with pytest.raises(InputError, match="TICKERS is empty"):
        params.tickers("  ")


# -- the one parameter table ---------------------------------------------------------------------


def _parameters_cell(path):
    import ast

    import nbformat

    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return [
        (n.target.id, n.annotation.id, ast.literal_eval(n.value))
        for n in ast.parse(cell.source).body
        if isinstance(n, ast.AnnAssign)
    ]


NOTEBOOK_FILES = sorted((PROJECT_DIR / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_every_notebook_declares_the_knobs_it_uses_as_the_table_does(path):
    """Each parameters cell declares the identity parameters and every knob that changes the
    notebook's output (the table's ``used_by``), with the table's types and defaults, and nothing
    else; the build cell hands on every parameter it is given (declared or injected)."""
    found = {name: (annotation, value) for name, annotation, value in _parameters_cell(path)}
    wanted = {name: (kind.__name__, default) for name, kind, default, _ in params.notebook_cell(path.stem)}
    assert found == wanted
    output = "piece" if path.stem == "commentary" else path.stem
    assert {p.name for p in params.KNOBS if output in p.used_by} <= set(found)
    if path.stem not in ("cookbook", "explore"):  # these call the research API, not a view
        assert ".build(**parameters(globals())" in path.with_suffix(".py").read_text()


def test_the_runner_injects_every_parameter_into_every_notebook():
    request = params.Request.parse("IWM")
    assert list(request.notebook_parameters()) == [p.name for p in params.PARAMETERS]
    research = request.research_parameters("2024-07-08", "snapshot")
    assert list(research) == [p.name for p in params.COMMAND_LINE]
    assert params.parameters({**research, "unrelated": 1, "piece": None}) == research


def test_the_command_line_options_come_from_the_table(monkeypatch):
    from analysis import cli

    for p in params.COMMAND_LINE:
        monkeypatch.delenv(p.env, raising=False)
    args = cli.parser().parse_args(["summary"])
    given = {p.name: getattr(args, p.name) for p in params.COMMAND_LINE}
    assert {k: given[k] for k in ("ticker", "benchmark", "as_of", "source")} == {
        "ticker": "IWM",
        "benchmark": "",  # empty: the ticker's default (SPY; RSP for SPY itself), see params.default_benchmark
        "as_of": "",
        "source": "auto",
    }
    assert all(given[p.name] == "" for p in params.KNOBS)  # not given: each knob's default
    monkeypatch.setenv("CONFIRM_N", "3")
    monkeypatch.setenv("FAST", "20")
    for command in ("report", "research", "summary"):
        args = cli.parser().parse_args([command, "--slow", "100"])
        assert (args.confirm_n, args.fast, args.slow) == ("3", "20", "100")
        assert params.request(args).stem == "IWM_confirm3_fast20_slow100"


@pytest.mark.process
def test_make_help_lists_the_table():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "analysis.params"], capture_output=True, text=True, cwd=PROJECT_DIR, check=True
    ).stdout
    assert [line.split()[0] for line in out.splitlines()] == [p.env for p in params.PIECE_PARAMETERS]
