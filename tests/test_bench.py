"""The benchmark's bookkeeping (it measures nothing here: timings belong in `make bench`)."""

from __future__ import annotations

import importlib.util
import json

import pytest

from analysis.bench import common, measure, readout


def _results(piece_s: float, per_min: float, summary_s: float, warm_piece_s: float = 3.0) -> dict:
    stages = {"data": 0.05, "execute": 4.0, "html": 0.3, "pdf": 1.2, "publish": 0.0}
    split = {
        "import_build_s": 0.4,
        "charts_s": 2.3,
        "family_chart_s": 0.9,
        "other_cells_s": 0.2,
        "kernel_overhead_s": 1.1,
    }
    r = {
        "floor_s": 2.0,
        "warm_floor_s": 0.1,
        "piece_s": piece_s,
        "warm_piece_s": warm_piece_s,
        "batch_serial_s": 50.0,
        "batch_parallel_s": 30.0,
        "summary_s": summary_s,
        "floor": {
            "notebook_s": [1.0],
            "pdf_s": [1.0],
            "notebook_cpu_s": 0.9,
            "pdf_cpu_s": 0.9,
            "warm_notebook_s": [0.06],
            "warm_pdf_s": [0.04],
            "warm_floor_s": 0.1,
            "warm_cpu_s": 0.12,
        },
        "piece": {
            "stage_median_s": stages,
            "totals_s": [piece_s] * 3,
            "cpu_s": 5.0,
            "execute_split_s": split,
            "warm": {
                "stage_median_s": stages,
                "totals_s": [warm_piece_s] * 3,
                "cpu_s": 4.0,
                "warm_up": "QQQ",
                "execute_split_s": {**split, "family_chart_s": 0.1},
            },
        },
        "batch": {
            "tickers": ["IWM", "QQQ"],
            "parallel_workers": 2,
            "serial_pieces_per_min": 8.4,
            "parallel_pieces_per_min": per_min,
            "speedup": 1.67,
            "parallel_cpu_s_per_piece": 6.0,
            "cpu_bound_ceiling_per_min": 20.0,
            "cpu_s_per_piece_for_target": 2.7,
            "parallel_kernels_started": 2,
        },
        "summary": {"first_call_s": 0.8, "cold_cli_s": 0.9},
        "environment": {
            "cpu_count": 2,
            "rfc3987_syntax_installed": False,
            "import_s": {"nbformat": 0.2},
            "python": "3.11.7",
            "commit": "abc1234",
            "cpu_meter": "getrusage",
        },
        "loadavg": {"before": [0.5, 0, 0], "after": [1.5, 0, 0]},
    }
    r["verdicts"] = readout.verdicts(r)
    return r


def test_verdicts_compare_with_the_issue_targets():
    ratios = {"piece_over_floor": 0, "warm_piece_over_floor": 0}
    assert readout.verdicts(_results(6.0, 45.0, 0.3)) | ratios == {
        **ratios,
        "piece_within_3x_floor": True,
        "warm_piece_within_3x_floor": True,
        "short_batch_at_45_per_min": True,
        "summary_within_0_3_s": True,
    }
    missed = readout.verdicts(_results(8.0, 44.9, 0.31, warm_piece_s=6.2))
    assert missed["piece_over_floor"] == 4.0 and missed["warm_piece_over_floor"] == 3.1
    assert not any(v for k, v in missed.items() if k not in ratios)


def test_table_shows_every_measure_with_its_verdict():
    text = readout.table(_results(8.0, 14.0, 0.08))
    for needle in (
        "(a) floor_s (fresh)",
        "2.00 s",
        "(a) warm floor",
        "0.10 s, CPU 0.12 s",
        "(b) piece_s, fresh (median of 3)",
        "8.00 s",
        "MISSED (4.0x)",
        "(b) warm_piece_s (median of 3)",
        "met (1.5x; 30x the warm floor)",
        "warm IWM piece (after QQQ): execute",
        "family chart cell",
        "CPU per warm piece",
        "(c) 2 pieces, 2 workers: batch_parallel_s",
        "30.0 s",
        "MISSED (14.0/min, 1.67x, 2 kernels)",
        ">= 45/min on 2 cores",
        "ceiling 20/min on 2 cores; 45/min needs <= 2.7 s",
        "(c) long batch: CPU per warm piece",
        "ceiling 30/min",
        "(d) summary once imported: summary_s",
        "80 ms",
        "<= 0.3 s (issue 32)",
        "<= 3x fresh floor (issue 32)",
        "chart cells",
        "(e) rfc3987-syntax installed",
        "0.50/1.50 on 2 cores",
        "CPU counted by getrusage",  # the results say no control group counted
    ):
        assert needle in text, needle
    assert "met" in text.splitlines()[[i for i, line in enumerate(text.splitlines()) if "summary_s" in line][0]]


def test_cells_split_papermill_durations_by_what_the_cell_does(tmp_path):
    cell = lambda src, d: {"cell_type": "code", "source": src, "metadata": {"papermill": {"duration": d}}}  # noqa: E731
    nb = {
        "cells": [
            cell("from analysis.view.piece import Piece\npiece = Piece.build(ticker)", 1.0),
            cell("piece.chart_price()", 0.5),
            cell(["piece.chart_", "momentum()"], 0.25),
            cell("piece.chart_family()", 0.0625),
            cell("piece.masthead()", 0.125),
            # page one draws its chart inside its own block: a chart cell, though not named chart_
            {**cell("piece.front_page()", 2.0), "outputs": [{"data": {"text/html": ['<img src="data:image/png;b']}}]},
            {**cell("piece.needs_section()", 0.5), "outputs": [{"data": {"text/html": "<p>words</p>"}}]},
            {"cell_type": "markdown", "source": "x", "metadata": {}},
        ]
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    assert measure._cells(path) == {
        "import_build_s": 1.0,
        "charts_s": 2.75,
        "family_chart_s": 0.0625,
        "other_cells_s": 0.625,
    }


@pytest.mark.process
def test_the_rfc3987_start_up_trap_is_absent_from_this_environment():
    """rfc3987-syntax (pulled by JupyterLab) adds seconds to every papermill/nbconvert start."""
    assert importlib.util.find_spec("rfc3987_syntax") is None
    env = measure.environment()
    assert env["rfc3987_syntax_installed"] is False and set(env["import_s"]) == set(common.IMPORTS)
    assert env["cpu_meter"] == "getrusage"  # outside the bench's own run, no group is entered


def test_quantstats_is_given_the_snapshots_total_returns_on_common_sessions():
    """(j) The tear sheet's input: daily Adj Close returns of IWM and SPY up to the bench's date, from the CSVs."""
    import pandas as pd

    from analysis.bench import quantstats
    from analysis.bench.common import AS_OF
    from analysis.paths import SNAPSHOT_DIR

    got = quantstats.returns()
    adj = {
        name: pd.read_csv(SNAPSHOT_DIR / f"{t}.csv.gz", index_col=0, parse_dates=True).loc[:AS_OF, "Adj Close"]
        for name, t in (("ticker", "IWM"), ("benchmark", "SPY"))
    }
    want = pd.DataFrame(adj).dropna().pct_change().dropna()
    assert list(got.columns) == ["ticker", "benchmark"] and got.index[-1] == pd.Timestamp(AS_OF)
    assert list(got.index) == list(want.index)
    assert abs(got.to_numpy() - want.to_numpy()).max() < 1e-12


def test_the_quantstats_row_compares_make_report_with_the_tear_sheet():
    from analysis.bench import quantstats

    measured = {"available": True, "version": "0.0.86", "import_s": 1.9, "report_s": 4.3, "total_s": 6.2}
    assert quantstats.row(3.1, measured)[3] == "ok: make report 3.10 s = 0.50x"
    assert quantstats.row(9.3, measured)[3] == "MISSED (1.50x): make report 9.30 s = 1.50x"
    missing = quantstats.row(3.1, {"available": False, "reason": "could not install quantstats==0.0.86"})
    assert missing[1] == "n/a" and "could not install" in missing[3]


def test_the_table_says_when_a_control_group_counted_the_cpu():
    r = _results(8.0, 14.0, 0.08)
    r["environment"]["cpu_meter"] = "cgroup"
    text = readout.table(r)
    assert "CPU counted by a control group of the bench's own" in text and "undercount" not in text
