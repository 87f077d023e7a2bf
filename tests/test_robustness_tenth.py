"""Robustness, a tenth hostile pass (issue 29, "Done when"): families the nine earlier passes left alone.

* history at its edges: a price file of 1, 2, 199, 200 and 201 rows read as of its last row; AS_OF on
  the ticker's very first session; CONFIRM_N at its bound over the shortest history a piece allows;
* degenerate series: an Adj Close of all NaN, a Volume of all zeros, a close that never changes or steps once
  in forty sessions, one that wiggles by 1e-9, one that doubles every day, one that rises 2% every day;
* family.toml edge values: no members, a member twice, an empty ``[[member]]``, a fullwidth twin
  (``ＩＷＭ``) as member or benchmark, an empty benchmark, ``stale_after_days`` of -1, ``true``, 0 and
  10^11, a member with a trailing space or that the snapshot lacks;
* names.toml: a fullwidth key, upper/lower-case twins, an empty file, a value that is a symbol, a
  ``names`` that is no table or holds a table;
* profiles.toml: ``default`` unknown or empty, no profiles, fullwidth or capitalised enum values,
  booleans written as text or numbers, an unknown extra key;
* knobs combined: FAST one below SLOW and equal to it, LEVEL_WINDOW=1, a family member or a fullwidth
  twin as BENCHMARK, a fullwidth TICKER.

46 cases: 44 held, 2 broke, from two defects, both fixed: a close that never changes (a frozen
feed), or changes on one day in forty, was a ZeroDivisionError traceback from the reversal sentence
(a "notable" move of 0 made every session a reversal): a series whose notable move is 0 now has no
reversal; and a frozen feed, once past that, was headlined as a range-bound market at a record close:
50 sessions in a row with one close are now a data error (exit 3) naming the file and the rows.
"""

from __future__ import annotations

import json
import re

import pytest

from analysis.text import brief
from tests import hostile
from tests.conftest import AS_OF, PROJECT_DIR
from tests.test_robustness_fifth import _config, _put, _text
from tests.test_robustness_fresh import run_json

SNAP = ["--source", "snapshot"]
HEADER = "Date,Open,High,Low,Close,Adj Close,Volume"
CONFIG = PROJECT_DIR / "analysis" / "config"


def _first(prices, n: int) -> str:
    """IWM's first ``n`` rows as the file; the date of the last of them."""
    rows = _text(prices).splitlines()[1:]
    _put(prices, "\n".join([HEADER, *rows[:n]]) + "\n")
    return rows[n - 1].split(",")[0]


def _each_row(prices, edit) -> None:
    """Every IWM row rewritten by ``edit(i, fields)``."""
    rows = _text(prices).splitlines()[1:]
    _put(prices, "\n".join([HEADER, *(",".join(edit(i, r.split(","))) for i, r in enumerate(rows))]) + "\n")


def _strict(data: dict) -> str:
    text = json.dumps(data, allow_nan=False)
    assert "None" not in brief.markdown(data) and "nan" not in brief.markdown(data).lower().split()
    return text


# -- history at its edges --------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 2, 199], ids=["one-row", "two-rows", "199-rows"])
def test_too_short_a_history_is_exit_3_naming_the_count(capsys, no_reports, prices, rows):
    """Held: one line, exit 3, the count of shared sessions and the 200 needed ("1 session": the twenty-third pass)."""
    last = _first(prices, rows)
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--as-of", last)
    counted = f"share only {rows} session{'' if rows == 1 else 's'};"
    assert code == 3 and counted in line and "at least 200" in line, line


@pytest.mark.parametrize("rows", [200, 201], ids=["200-rows", "201-rows"])
def test_just_enough_history_is_a_piece(capsys, prices, rows):
    """Held: the first date with 200 sessions is a strict piece."""
    last = _first(prices, rows)
    data = run_json(capsys, "--as-of", last)
    assert data["as_of"] == last and data["headline"]
    _strict(data)


def test_confirm_n_at_its_bound_over_the_shortest_history_is_a_piece(capsys, prices):
    last = _first(prices, 200)
    data = run_json(capsys, "--as-of", last, "--confirm-n", "50")
    assert data["as_of"] == last and data["settings"]["confirm_n"] == 50
    _strict(data)


def test_as_of_on_the_first_session_offers_the_first_possible_date(capsys, no_reports):
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--as-of", "2000-05-26")
    assert code == 2 and "only 1 session of history" in line and "AS_OF=2001-03-13 or later" in line, line


def test_confirm_n_past_its_bound_with_an_early_as_of_names_confirm_n(capsys, no_reports):
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--confirm-n", "99999", "--as-of", "2001-03-15")
    assert code == 2 and line.startswith("error: CONFIRM_N 99999 is above 50"), line


# -- degenerate series ------------------------------------------------------------------------------


def test_an_adj_close_of_all_nan_is_a_strict_piece(capsys, prices):
    _each_row(prices, lambda i, f: [*f[:5], "nan", f[6]])
    _strict(run_json(capsys, "--as-of", AS_OF))


def test_a_volume_of_all_zeros_makes_no_volume_news(capsys, prices):
    _each_row(prices, lambda i, f: [*f[:6], "0"])
    data = run_json(capsys, "--as-of", AS_OF)
    assert "volume" not in json.dumps(data["unusual"]) and not re.search(r"\bvolume\b", brief.markdown(data))


def test_a_close_that_never_changes_is_exit_3_a_frozen_feed(capsys, no_reports, prices):
    """Broke: a ZeroDivisionError traceback in day_words.reversal_sentence (every move 0, so a notable
    move of 0 and every session a "reversal" of 0%); with that fixed, the piece headlined the frozen
    feed "IWM is range-bound ... at a record close". Now 50 sessions in a row with one close are a data
    error naming the file and the rows."""
    _each_row(prices, lambda i, f: [f[0], "100", "100", "100", "100", "100", f[6]])
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--as-of", AS_OF)
    assert code == 3 and "IWM.csv.gz" in line and "frozen feed" in line and "2000-08-" in line, line


def test_a_close_that_steps_once_every_forty_sessions_has_no_reversal(capsys, prices):
    """Broke (the same ZeroDivisionError): most days unchanged, so a notable move of 0. Now a series
    whose notable move is 0 has no reversal, and the piece is strict."""
    _each_row(prices, lambda i, f: [f[0], *[f"{100 + i // 40:.6f}"] * 5, f[6]])
    data = run_json(capsys, "--as-of", AS_OF)
    assert data["session"]["reversal"] is None and "Intraday" not in brief.markdown(data)
    _strict(data)


def test_a_close_that_wiggles_by_a_billionth_is_a_strict_piece(capsys, prices):
    _each_row(prices, lambda i, f: [f[0], *[f"{100 + (i % 2) * 1e-9:.12f}"] * 5, f[6]])
    _strict(run_json(capsys, "--as-of", AS_OF))


def test_a_close_that_doubles_every_day_is_exit_3(capsys, no_reports, prices):
    rows = _text(prices).splitlines()[1:301]
    doubled = (",".join([r.split(",")[0], *[f"{2.0**i:.6e}"] * 5, r.split(",")[6]]) for i, r in enumerate(rows))
    _put(prices, "\n".join([HEADER, *doubled]) + "\n")
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--as-of", rows[-1].split(",")[0])
    assert code == 3 and "IWM.csv.gz" in line and "The data is corrupt" in line, line


def test_a_close_rising_two_percent_a_day_is_a_strict_piece_at_its_record(capsys, prices):
    rows = _text(prices).splitlines()[1:401]
    grown = (",".join([r.split(",")[0], *[f"{1.02**i:.6f}"] * 5, r.split(",")[6]]) for i, r in enumerate(rows))
    _put(prices, "\n".join([HEADER, *grown]) + "\n")
    data = run_json(capsys, "--as-of", rows[-1].split(",")[0])
    assert data["phase"] == "bullish" and data["level_to_clear"]["at"] == "all_time"
    _strict(data)


# -- family.toml -----------------------------------------------------------------------------------

FAMILY = (CONFIG / "family.toml").read_text(encoding="utf-8")
FAMILY_BAD = [
    ('benchmark = "SPY"\nstale_after_days = 7\n', "lists no members"),
    (FAMILY.replace('ticker = "XRT"', 'ticker = "IWM"'), "IWM is listed twice"),
    (FAMILY.replace('ticker = "XRT"', 'ticker = "ＩＷＭ"'), "is not a ticker symbol"),
    (FAMILY.replace('benchmark = "SPY"', 'benchmark = "ＳＰＹ"'), "is not a ticker symbol"),
    (FAMILY.replace('benchmark = "SPY"', 'benchmark = ""'), "benchmark is empty"),
    (FAMILY + "\n[[member]]\n", "has no ticker"),
    (FAMILY.replace("stale_after_days = 7", "stale_after_days = -1"), "stale_after_days = -1"),
    (FAMILY.replace("stale_after_days = 7", "stale_after_days = true"), "stale_after_days = True"),
]


@pytest.mark.parametrize(
    "text, expected",
    FAMILY_BAD,
    ids=[
        "no-members",
        "member-twice",
        "fullwidth-member",
        "fullwidth-benchmark",
        "empty-benchmark",
        "empty-member-table",
        "stale-negative",
        "stale-boolean",
    ],
)
def test_a_hostile_family_toml_is_exit_2_naming_it(capsys, no_reports, tmp_path, monkeypatch, text, expected):
    path = _config(tmp_path, monkeypatch, "family", text)
    code, line = hostile.cli_line(capsys, "summary", *SNAP)
    assert code == 2 and line.startswith(f"error: {path}") and expected in line, line


@pytest.mark.parametrize(
    "old, new",
    [
        ("stale_after_days = 7", "stale_after_days = 0"),
        ("stale_after_days = 7", "stale_after_days = 100000000000"),
        ('ticker = "XRT"', 'ticker = "XRT "'),
        ('ticker = "XRT"', 'ticker = "NOPE"'),
    ],
    ids=["stale-zero", "stale-10^11", "member-trailing-space", "member-the-snapshot-lacks"],
)
def test_an_odd_but_valid_family_toml_is_a_strict_piece(capsys, tmp_path, monkeypatch, old, new):
    _config(tmp_path, monkeypatch, "family", FAMILY.replace(old, new))
    _strict(run_json(capsys))


# -- names.toml ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ['[names]\n"ＩＷＭ" = "fullwidth"\n', '[names]\nIWM = "x"\niwm = "y"\n', "", '[names]\nIWM = "SPY"\n'],
    ids=["fullwidth-key", "case-twins", "empty-file", "value-a-symbol"],
)
def test_an_odd_names_toml_is_a_strict_piece(capsys, tmp_path, monkeypatch, text):
    _config(tmp_path, monkeypatch, "names", text)
    data = run_json(capsys)
    assert "fullwidth" not in brief.markdown(data)
    _strict(data)


@pytest.mark.parametrize("text", ["names = 5\n", "[names]\n[names.IWM]\nx = 1\n"], ids=["not-a-table", "value-a-table"])
def test_a_names_toml_of_the_wrong_shape_is_exit_2_naming_it(capsys, no_reports, tmp_path, monkeypatch, text):
    path = _config(tmp_path, monkeypatch, "names", text)
    code, line = hostile.cli_line(capsys, "summary", *SNAP)
    assert code == 2 and line.startswith(f"error: {path}") and "[names]" in line, line


# -- profiles.toml ---------------------------------------------------------------------------------

PROFILES = (CONFIG / "profiles.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "text, expected",
    [
        (PROFILES.replace('default = "equity"', 'default = "nope"'), "default = 'nope' is not a profile"),
        (PROFILES.replace('default = "equity"', 'default = ""'), "default = '' is not a profile"),
        ('default = "equity"\n', "must define exactly"),
        (PROFILES.replace('calendar = "own"', 'calendar = "ＯＷＮ"', 1), "calendar='ＯＷＮ'"),
        (PROFILES.replace("volume = true", 'volume = "true"', 1), "must be true or false"),
        (PROFILES.replace("holdable = true", "holdable = 1", 1), "must be true or false"),
        (PROFILES.replace('leadership = "shown"', 'leadership = "Shown"', 1), "leadership='Shown'"),
    ],
    ids=[
        "default-unknown",
        "default-empty",
        "no-profiles",
        "fullwidth-calendar",
        "volume-text",
        "holdable-number",
        "leadership-capitalised",
    ],
)
def test_a_hostile_profiles_toml_is_exit_2_naming_it(capsys, no_reports, tmp_path, monkeypatch, text, expected):
    path = _config(tmp_path, monkeypatch, "profiles", text)
    code, line = hostile.cli_line(capsys, "summary", *SNAP)
    assert code == 2 and line.startswith(f"error: {path}") and expected in line, line


def test_an_unknown_extra_key_in_a_profile_changes_nothing(capsys, tmp_path, monkeypatch):
    plain = run_json(capsys)
    _config(tmp_path, monkeypatch, "profiles", PROFILES.replace("[profile.equity]\n", "[profile.equity]\nextra = 1\n"))
    assert run_json(capsys)["headline"] == plain["headline"]


# -- knobs and symbols combined --------------------------------------------------------------------


def test_fast_one_below_slow_is_a_piece_and_equal_is_one_line(capsys, no_reports):
    data = run_json(capsys, "--fast", "199", "--slow", "200")
    assert "199-session" in json.dumps(data["level_to_clear"])
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--fast", "200", "--slow", "200")
    assert code == 2 and line.startswith("error: FAST 200 is not below SLOW 200"), line


def test_a_level_window_of_one_session_is_a_strict_piece(capsys):
    data = run_json(capsys, "--level-window", "1")
    assert data["level_to_clear"]["window"] == 1
    _strict(data)


def test_a_family_member_as_benchmark_is_a_piece_against_it(capsys):
    data = run_json(capsys, "--benchmark", "XRT", "--as-of", AS_OF)
    assert data["benchmark"] == "XRT"
    _strict(data)


@pytest.mark.parametrize("option", ["--ticker", "--benchmark"])
def test_a_fullwidth_twin_symbol_is_one_line(capsys, no_reports, option):
    code, line = hostile.cli_line(capsys, "summary", *SNAP, option, "ＩＷＭ")
    assert code == 2 and "is not a ticker symbol" in line, line
