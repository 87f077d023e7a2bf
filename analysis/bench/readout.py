"""The benchmark's verdicts against its targets, and its results as a plain-text table."""

from __future__ import annotations

from analysis.bench.common import ISSUE, TARGETS, _median, ok
from analysis.bench.user import rows as user_rows

Row = tuple[str, str, str, str]


def verdicts(r: dict) -> dict:
    """The targets, each against what it is about: a single piece (``make report``: a fresh
    kernel and browser) against the fresh floor; a batch piece (kept kernel and browser)
    against the same fresh floor, i.e. against the start-up cost it no longer pays."""
    ratio, warm = r["piece_s"] / r["floor_s"], r["warm_piece_s"] / r["floor_s"]
    limit = TARGETS["piece_over_floor"]
    return {
        "piece_over_floor": ratio,
        "piece_within_3x_floor": ratio <= limit,
        "warm_piece_over_floor": warm,
        "warm_piece_within_3x_floor": warm <= limit,
        # its own key: the watchlist's verdict (``user``) is the target's, and is merged over these
        "short_batch_at_45_per_min": r["batch"]["parallel_pieces_per_min"] >= TARGETS["batch_pieces_per_min"],
        "summary_within_0_3_s": r["summary_s"] <= TARGETS["summary_s"],
    }


def _piece_rows(label: str, p: dict) -> list[Row]:
    rows = [(f"(b) {label}: {stage}", f"{seconds:.2f} s", "", "") for stage, seconds in p["stage_median_s"].items()]
    split = p["execute_split_s"]
    return rows + [
        ("      execute: kernel overhead (start/stop, papermill)", f"{split['kernel_overhead_s']:.2f} s", "", ""),
        ("      execute: cell importing analysis, Piece.build", f"{split['import_build_s']:.2f} s", "", ""),
        ("      execute: chart cells but the family chart", f"{split['charts_s']:.2f} s", "", ""),
        ("      execute: family chart cell", f"{split['family_chart_s']:.2f} s", "", ""),
        ("      execute: text cells", f"{split['other_cells_s']:.2f} s", "", ""),
    ]


def _floor_rows(r: dict) -> list[Row]:
    """(a) The floor, fresh and warm."""
    f = r["floor"]
    return [
        ("(a) fresh floor: one-cell notebook, new kernel", f"{_median(f['notebook_s']):.2f} s", "", ""),
        (
            "(a) fresh floor: blank page to PDF, Chromium started alongside",
            f"{_median(f['pdf_s']):.2f} s" if f["pdf_s"] else "no Chromium",
            "",
            "",
        ),
        ("(a) floor_s (fresh)", f"{r['floor_s']:.2f} s", "", ""),
        (
            "(a) fresh floor CPU (all processes): notebook + PDF",
            f"{f['notebook_cpu_s']:.2f} + {f['pdf_cpu_s']:.2f} s",
            "",
            "",
        ),
        (
            "(a) warm floor: same, on a kept kernel and Chromium",
            f"{_median(f['warm_notebook_s']):.2f} + {_median(f['warm_pdf_s']):.2f} s",
            "",
            f"{f['warm_floor_s']:.2f} s, CPU {f['warm_cpu_s']:.2f} s",
        ),
    ]


def _piece_rows_both(r: dict) -> list[Row]:
    """(b) The piece, fresh then warm, each per stage and against the floor."""
    f, p, v = r["floor"], r["piece"], r["verdicts"]
    w = p["warm"]
    rows = _piece_rows("fresh IWM piece", p)
    rows += [
        (
            f"(b) piece_s, fresh (median of {len(p['totals_s'])})",
            f"{r['piece_s']:.2f} s",
            f"<= {TARGETS['piece_over_floor']:g}x fresh floor ({ISSUE})",
            f"{ok(v['piece_within_3x_floor'])} ({v['piece_over_floor']:.1f}x)",
        ),
        ("(b) CPU per fresh piece (all processes)", f"{p['cpu_s']:.2f} s", "", ""),
    ]
    rows += _piece_rows(f"warm IWM piece (after {w['warm_up']})", w)
    return rows + [
        (
            f"(b) warm_piece_s (median of {len(w['totals_s'])})",
            f"{r['warm_piece_s']:.2f} s",
            f"<= {TARGETS['piece_over_floor']:g}x fresh floor",
            f"{ok(v['warm_piece_within_3x_floor'])} ({v['warm_piece_over_floor']:.1f}x; {r['warm_piece_s'] / f['warm_floor_s']:.0f}x"
            " the warm floor)",
        ),
        ("(b) CPU per warm piece (this process, kernel, Chromium)", f"{w['cpu_s']:.2f} s", "", ""),
    ]


def _batch_rows(r: dict) -> list[Row]:
    """(c) The batch, serial and parallel, and what its CPU per piece allows."""
    b, v, w = r["batch"], r["verdicts"], r["piece"]["warm"]
    cores = r["environment"]["cpu_count"]
    return [
        (
            f"(c) {len(b['tickers'])} pieces, 1 worker: batch_serial_s",
            f"{r['batch_serial_s']:.1f} s",
            "",
            f"{b['serial_pieces_per_min']:.1f}/min",
        ),
        (
            f"(c) {len(b['tickers'])} pieces, {b['parallel_workers']} workers: batch_parallel_s",
            f"{r['batch_parallel_s']:.1f} s",
            f">= {TARGETS['batch_pieces_per_min']:.0f}/min on {cores} cores, start-ups in",
            f"{ok(v['short_batch_at_45_per_min'])} ({b['parallel_pieces_per_min']:.1f}/min, {b['speedup']:.2f}x,"
            f" {b['parallel_kernels_started']} kernels)",
        ),
        (
            "(c) CPU per piece in the batch",
            f"{b['parallel_cpu_s_per_piece']:.2f} s",
            "",
            f"ceiling {b['cpu_bound_ceiling_per_min']:.0f}/min on {cores} cores;"
            f" {TARGETS['batch_pieces_per_min']:.0f}/min needs <= {b['cpu_s_per_piece_for_target']:.1f} s",
        ),
        (
            "(c) long batch: CPU per warm piece (b), start-up amortized",
            f"{w['cpu_s']:.2f} s",
            "",
            f"ceiling {60.0 * cores / w['cpu_s']:.0f}/min on {cores} cores",
        ),
    ]


def _summary_rows(r: dict) -> list[Row]:
    """(d) The summary command and (e) the start-up trap and import times."""
    s, env, v = r["summary"], r["environment"], r["verdicts"]
    rows = [
        (
            "(d) summary once imported: summary_s",
            f"{r['summary_s'] * 1000:.0f} ms",
            f"<= {TARGETS['summary_s']:g} s ({ISSUE})",
            ok(v["summary_within_0_3_s"]),
        ),
        ("(d) summary: first call (imports pandas...)", f"{s['first_call_s']:.2f} s", "", ""),
        ("(d) summary: cold `python -m analysis summary`", f"{s['cold_cli_s']:.2f} s", "", ""),
        (
            "(e) rfc3987-syntax installed",
            "yes" if env["rfc3987_syntax_installed"] else "no",
            "no",
            ok(not env["rfc3987_syntax_installed"]),
        ),
    ]
    return rows + [
        (f"(e) import {name} (fresh interpreter)", f"{seconds:.2f} s", "", "")
        for name, seconds in env["import_s"].items()
    ]


def table(r: dict) -> str:
    """The results as a plain-text table (also what bench/README.md shows)."""
    rows = _floor_rows(r) + _piece_rows_both(r) + _batch_rows(r) + _summary_rows(r)
    if "user" in r:  # (f)-(i): what the user waits for (analysis.bench.user)
        rows += user_rows(r)
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}".rstrip() for row in rows]
    load, env = r["loadavg"], r["environment"]
    lines.append(
        f"load average (1 min) before/after: {load['before'][0]:.2f}/{load['after'][0]:.2f} on {env['cpu_count']} cores;"
        f" Python {env['python']}; commit {env['commit'] or '?'}"
    )
    meter = env.get("cpu_meter", "getrusage")
    lines.append(
        "CPU counted by a control group of the bench's own (every process it started)"
        if meter == "cgroup"
        else "CPU counted by getrusage (no writable control group here): processes nobody waited for"
        " (Chromium's renderers) are missed, so CPU rows are an undercount"
    )
    return "\n".join(lines)
