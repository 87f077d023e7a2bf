"""write a study's series and daily returns as CSV files: reports/<as-of>/data/<STEM>_{series,returns}.csv

For other tools (a spreadsheet, quantstats, vectorbt): the indicator frame a piece is computed
from (every session up to as-of, with the request's knobs: ``make csv FAST=20`` writes
``IWM_fast20_series.csv``), and the daily total returns of the ticker and its benchmark, a column
each (:func:`analysis.indicators.daily_returns`). Dates are ``YYYY-MM-DD``, numbers at full
precision. The two files are published like a piece: staged, then moved into place together.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from analysis import params
from analysis.data import Market
from analysis.indicators import daily_returns
from analysis.model.study import build
from analysis.paths import inside, reports_dir
from analysis.pipeline.report import prepare
from analysis.render import publish

DATA_DIR = "data"


def write(request: params.Request, root: Path | None = None, market: Market | None = None) -> list[Path]:
    """Write ``<root>/<as-of>/data/<STEM>_series.csv`` and ``<STEM>_returns.csv``; returns their paths."""
    root = root or reports_dir()
    market = market or Market(request.source)
    prepared = prepare(request, market)  # every user error first, and SOURCE=auto fetches once
    study = build(market, request.ticker, request.benchmark, prepared.as_of, request.settings)
    dest = inside(root, prepared.as_of, DATA_DIR)
    returns = daily_returns(study.series["adj_close"], study.series["bench_adj_close"])
    returns = returns.set_axis([study.ticker, study.benchmark], axis=1)
    with publish.piece_lock(root, f"{prepared.as_of}_{request.stem}_data"), publish.staging(root) as stage:
        files = []
        for name, frame in (("series", study.series), ("returns", returns)):
            path = stage / f"{request.stem}_{name}.csv"
            try:
                frame.to_csv(path, date_format="%Y-%m-%d")
            except OSError as exc:
                raise publish.explain(exc, stage) from None
            files.append(path)
        return publish.publish(files, dest)


def add_arguments(p: argparse.ArgumentParser) -> None:
    params.add_arguments(p)


def main(args: argparse.Namespace) -> int:
    for path in write(params.request(args)):
        print(f"  wrote {os.path.relpath(path)}")
    return 0
