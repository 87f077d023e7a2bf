"""make csv / python -m analysis export: a study's series and daily returns as CSV files."""

from __future__ import annotations

import pandas as pd
from numpy.testing import assert_allclose

import analysis
from analysis import cli
from tests.conftest import AS_OF


def test_export_writes_the_study_and_its_returns_as_csv(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(tmp_path))
    code = cli.main(["export", "--ticker", "IWM", "--as-of", AS_OF, "--source", "snapshot", "--fast", "20"])
    assert code == 0 and capsys.readouterr().out.count("  wrote ") == 2
    folder = tmp_path / AS_OF / "data"
    assert sorted(p.name for p in folder.iterdir()) == ["IWM_fast20_returns.csv", "IWM_fast20_series.csv"]
    series = pd.read_csv(folder / "IWM_fast20_series.csv", index_col=0, parse_dates=True)
    study = analysis.study("IWM", AS_OF, fast=20)
    assert series.index.equals(pd.DatetimeIndex(study.index, name=series.index.name))
    assert_allclose(series["sma_fast"].to_numpy(), study["sma_fast"].to_numpy(), rtol=1e-12, equal_nan=True)
    assert list(series["phase"].iloc[-3:]) == list(study["phase"].iloc[-3:])
    returns = pd.read_csv(folder / "IWM_fast20_returns.csv", index_col=0, parse_dates=True)
    assert list(returns.columns) == ["IWM", "SPY"]
    assert_allclose(returns.to_numpy(), analysis.returns(study).to_numpy(), rtol=1e-12)
    assert (folder / "IWM_fast20_series.csv").read_text().splitlines()[-1].startswith(f"{AS_OF},")


def test_export_refuses_a_bad_knob_in_one_line(capsys):
    from tests.hostile import cli_line

    assert cli_line(capsys, "export", "--source", "snapshot", "--rows", "x") == (
        2,
        "error: ROWS 'x' is not a whole number. Give a whole number from 1 to 100000.",
    )
