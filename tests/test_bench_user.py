"""The bookkeeping of `make bench`'s user-facing rows (analysis.bench.user): which pieces make the
watchlist batch, how its steady state is counted, what the table says. Nothing is timed here."""

from __future__ import annotations

import pytest

from analysis.bench import user as bench_user
from analysis.pipeline.batch import DEFAULT_TICKERS, Outcome, family_tickers


def test_the_watchlist_is_every_bundled_series_that_can_make_a_piece_at_the_date():
    """22 of the 23 bundled series: not SPY (the benchmark). ^IRX is in: main's bundled copy now
    reaches the date and a yield is a ticker of its own profile (#14); its zero closes of 2020-21
    refuse it only as a benchmark (tests/test_robustness_inputs.py)."""
    tickers, refused = bench_user.watchlist()
    assert len(tickers) == 22 and "SPY" not in tickers and "^IRX" in tickers
    assert set(DEFAULT_TICKERS.split()) | set(family_tickers()[0]) <= set(tickers)
    assert {"^GSPC", "^RUT", "^VIX", "^TNX", "NVDA", "BTC-USD", "TLT"} <= set(tickers)
    assert refused == {}


def test_steady_state_counts_each_workers_pieces_after_its_first():
    """Made-up outcomes (synthetic times): worker 1 ends pieces at 10, 13, 16 s; worker 2 at 11, 15 s
    and has one failure: (2 pieces / 6 s + 1 piece / 4 s) = 20 + 15 = 35 per minute."""
    made = [
        Outcome("A", pid=1, finished=10.0),
        Outcome("B", pid=2, finished=11.0),
        Outcome("C", pid=1, finished=13.0),
        Outcome("D", pid=2, finished=15.0),
        Outcome("E", pid=1, finished=16.0),
        Outcome("F", pid=2, finished=17.0, error="failed"),
    ]
    assert bench_user.steady_per_min(made) == pytest.approx(35.0)
    assert bench_user.steady_per_min(made[:2]) == 0.0  # one piece per worker: no steady state yet


def _results(**user) -> dict:
    u = {
        "setup_s": 4.2,
        "report_total_s": 6.0,
        "report_piece_only_s": 5.0,
        "batch_per_min": 30.0,
        "batch_pieces": 21,
        "event_study_s": 0.012,
        "score_family_s": 0.19,
        "track_record_s": 0.031,
        "track_record": {"IWM": {"sessions": 6598, "record_s": 0.021, "with_study_s": 0.09}},
        "setup": {"installer": "uv"},
        "report": {"total_over_piece": 1.2, "cold_total_s": 30.0},
        "watchlist": {
            "jobs": 2,
            "batch_pieces": 21,
            "failed": {},
            "wall_per_min": 25.0,
            "seconds": 50.4,
            "cpu_s_per_piece": 3.5,
        },
        **user,
    }
    u["verdicts"] = {
        "setup_within_10_s": True,
        "report_total_within_1_3x_piece": True,
        "batch_at_45_per_min": False,
        "batch_of_21_or_more": True,
        "event_study_within_budget": True,
        "score_family_within_budget": True,
        "track_record_within_budget": True,
    }
    return {"user": u, "piece_s": 6.0, "floor_s": 1.5, "environment": {"cpu_count": 2}}


def test_the_rows_show_each_number_with_its_target_and_verdict():
    text = "\n".join("  ".join(row) for row in bench_user.rows(_results()))
    for needle in (
        "setup_s",
        "4.2 s",
        "met (with uv)",
        "report_total_s",
        "6.00 s",
        "met (1.20x)",
        "report_piece_only_s",
        "batch_pieces on 2 workers",
        ">= 21",
        "30.0/min",
        ">= 45/min on 2 cores",
        "MISSED (wall 25.0/min over 50 s",
        "12 ms",
        "190 ms",
        "4.0x",
        "<= 3x (issue 32)",
        "<= 10 s (issue 32)",
        ">= 45/min on 2 cores (issue 32)",
        "track record of IWM's whole history (6,598 sessions)",
        "21 ms",
        "90 ms with its study",
        "track_record_s, the slowest",
        "31 ms",
    ):
        assert needle in text, needle
