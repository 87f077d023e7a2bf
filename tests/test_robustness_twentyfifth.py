"""Robustness, a twenty-fifth hostile pass: families the twenty-four earlier passes left alone.

Cases tried by hand (see the README's sentence for the count), then kept here where cheap; each section says what
held and what broke, the defects (A, B, ...) with the test that failed before the fix. Sections 3-4:
``test_robustness_twentyfifth_more.py``.

1. Talking-point scorecards a user edits (``--scenarios-file``, in this process; each file is the bundled
   ``scenarios.toml`` with one edit, said in the case). The seventh pass tried weights of 0 and 1e308, thresholds
   no value meets, verdict cut-offs at their edges and ``opposes`` in a cycle of three; the final pass a missing or
   self ``opposes`` and an unknown ``requires``. Here: an evidence function's parameters at their edges, of other
   types, NaN and infinity; ``supports`` and ``contradicts`` that overlap or touch; weights negative, NaN and
   infinite (refused, held); two talking points opposing each other and both supported (``split``, held); series
   naming the ticker twice, the ticker as a fixed symbol or a ticker not bundled (unavailable with the reason,
   held); premises combined, contradictory or reading a series that cannot be loaded; a set whose every item is
   ``not_in_data``. **Broke (A)**: the parameters were never checked: ``window = 2.5``, ``window = "252"``,
   ``years = 0``, ``years = 10^9``, ``years = inf`` or ``nan``, a negative ``window`` were tracebacks (exit 1);
   ``window = 0`` read "IWM trailed SPY in 0 of 2,516 rolling 0-session periods", contradicting; a correlation
   over ``window = 0`` was "over 0 common sessions since 2000-05-26" (the whole history), over 2 sessions
   "-1.00, contradicts"; ``sessions = -1`` made a week's move "+342.4%" from the first row, supporting;
   ``horizon = 0`` a median return "over 0 sessions"; ``band = 2`` "at or below 37.11" for a VIX of 12.4; an
   economy item's unknown ``field`` "no curve reading is public at this date". Now each is refused in one line,
   exit 2, naming the item, the parameter and its range. **Broke (B)**: ``supports = "<= 0.5"`` with
   ``contradicts = ">= -0.5"`` (or ``<= 0`` with ``>= 0``) was accepted, and a value meeting both read
   "supports" in silence. Now refused, naming a value that meets both. **Broke (C)**: a premise reading a series
   that cannot be loaded (a ticker not bundled, a file that ends early) was "Too little history to tell whether
   talking point 1 (...) applies now": it was no matter of history. Now the piece names the series and why
   (``unread`` in the JSON). **Broke (D)**: a set whose evidence is all unavailable read "Too little current data
   to weigh 1 (IWM has underperformed ...), 2 (...)", the words "talking points" missing.
"""

from __future__ import annotations

import re
import tomllib

import pytest

from analysis.errors import InputError
from analysis.evidence import rules
from analysis.paths import CONFIG_DIR
from analysis.text import brief
from tests import hostile
from tests.test_robustness_fresh import run_json

AS_OF = "2024-07-08"
SUMMARY = ["summary", "--source", "snapshot", "--as-of", AS_OF]
BASE = (CONFIG_DIR / "scenarios.toml").read_text(encoding="utf-8")
FIRST = '[[scenario.evidence]]\nname = "10-year total return'


def _edit(*pairs: tuple[str, str], base: str = BASE) -> str:
    text = base
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _probe(function: str, series: str, params: str, rule: str = 'supports = "> 0"\ncontradicts = "< 0"') -> str:
    """The bundled file with one item added before the first: ``function`` of ``series`` with ``params``."""
    item = f'[[scenario.evidence]]\nname = "probe"\nfunction = "{function}"\nseries = {series}\nparams = {params}\n{rule}\n\n'
    return _edit((FIRST, item + FIRST))


def _file(tmp_path, text: str):
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _piece(capsys, tmp_path, text: str) -> tuple[dict, str]:
    data = run_json(capsys, "--as-of", AS_OF, "--scenarios-file", str(_file(tmp_path, text)))
    return data, brief.markdown(data)


def _refused(text: str) -> str:
    with pytest.raises(InputError) as caught:
        rules.parse(tomllib.loads(text), "mine.toml")
    return str(caught.value)


# -- 1. an evidence function's parameters (A) -----------------------------------------------------------

LAG = "params = { window = 252, years = 10 }"
DIST = "params = { window = 200 }"
RATIO = "params = { years = 20, min_years = 5 }"
PAIR = '["{ticker}", "{benchmark}"]'

REFUSED_PARAMS = {
    "lag-window-0": (_edit((LAG, "params = { window = 0, years = 10 }")), "window = 0 is not a whole number from 1"),
    "lag-window-negative": (_edit((LAG, "params = { window = -5, years = 10 }")), "window = -5 is not"),
    "lag-window-2.5": (_edit((LAG, "params = { window = 2.5, years = 10 }")), "window = 2.5 is not a whole number"),
    "lag-window-text": (_edit((LAG, 'params = { window = "252", years = 10 }')), "window = '252' is not"),
    "lag-window-true": (_edit((LAG, "params = { window = true, years = 10 }")), "window = True is not"),
    "lag-years-0": (_edit((LAG, "params = { window = 252, years = 0 }")), "years = 0 is not a whole number from 1 to 100"),
    "lag-years-10^9": (_edit((LAG, "params = { window = 252, years = 1000000000 }")), "years = 1000000000 is not"),
    "dist-window-negative": (_edit((DIST, "params = { window = -3 }")), "window = -3 is not"),
    "dist-window-10^9": (_edit((DIST, "params = { window = 1000000000 }")), "window = 1000000000 is not"),
    "ratio-years-0": (_edit((RATIO, "params = { years = 0, min_years = 5 }")), "years = 0 is not"),
    "ratio-years-inf": (_edit((RATIO, "params = { years = inf, min_years = 5 }")), "years = inf is not"),
    "ratio-years-nan": (_edit((RATIO, "params = { years = nan, min_years = 5 }")), "years = nan is not"),
    "correlation-window-0": (_probe("correlation", PAIR, "{ window = 0 }"), "window = 0 is not a whole number from 2"),
    "correlation-window-1": (_probe("correlation", PAIR, "{ window = 1 }"), "window = 1 is not a whole number from 2"),
    "week-sessions-0": (_probe("week_move", '["{ticker}"]', "{ sessions = 0 }"), "sessions = 0 is not"),
    "week-sessions-negative": (_probe("week_move", '["{ticker}"]', "{ sessions = -1 }"), "sessions = -1 is not"),
    "rmz-fast-1": (_probe("real_motion_z", '["{ticker}"]', "{ fast = 1 }"), "fast = 1 is not a whole number from 2"),
    "rmz-width-0": (_probe("real_motion_z", '["{ticker}"]', "{ width = 0 }"), "width = 0 is not a number from 0.01 to 100"),
    "rmz-fast-above-slow": (_probe("real_motion_z", '["{ticker}"]', "{ fast = 300, slow = 200 }"), "fast = 300 is not below slow = 200"),
    "rmz-fast-above-default-slow": (_probe("real_motion_z", '["{ticker}"]', "{ fast = 250 }"), "fast = 250 is not below slow = 200"),
    "forward-horizon-0": (_probe("forward_after_level", '["^VIX", "{ticker}"]', "{ horizon = 0 }"), "horizon = 0 is not"),
    "forward-band-negative": (_probe("forward_after_level", '["^VIX", "{ticker}"]', "{ band = -1.0 }"), "band = -1.0 is not a number above 0 and below 1"),
    "forward-band-2": (_probe("forward_after_level", '["^VIX", "{ticker}"]', "{ band = 2.0 }"), "band = 2.0 is not a number above 0 and below 1"),
    "level-percentile-years-0": (_probe("level_percentile", '["^VIX"]', "{ years = 0 }"), "years = 0 is not"),
    "trend-norm-0": (_probe("relative_trend", PAIR, "{ norm = 0 }"), "norm = 0 is not"),
    "phase-fast-0": (_probe("phase_balance", '["{ticker}", "SPY"]', '{ plus = ["bullish"], fast = 0 }'), "fast = 0 is not"),
    "change-scale-nan": (_probe("change_bp", '["^TNX"]', "{ scale = nan }"), "scale = nan is not a finite number other than 0"),
    "economy-field-unknown": (_probe("economy_pp", '["T10Y3M"]', '{ measure = "curve", field = "bogus" }'), "field = 'bogus' is not a field of curve"),
    "economy-field-number": (_probe("economy_pp", '["T10Y3M"]', '{ measure = "curve", field = 3 }'), "field = 3 is not a field of curve"),
    "not-in-data-what-number": (_probe("not_in_data", "[]", "{ what = 5 }", rule=""), "what = 5 is not text"),
}  # fmt: skip


@pytest.mark.parametrize("text, expected", list(REFUSED_PARAMS.values()), ids=list(REFUSED_PARAMS))
def test_an_evidence_parameter_past_its_range_is_refused_naming_it(text, expected):
    """(A) Were tracebacks (a float, text, 0, 10^9, inf or NaN years or window) or false evidence (a 0-session
    window, a correlation "over 0 common sessions", a week's move from the first row, a median "over 0
    sessions", an unknown economy field read as "no curve reading is public")."""
    message = _refused(text)
    assert message.startswith("mine.toml, scenario ") and expected in message, message


def test_a_parameter_past_its_range_is_one_line_exit_2_from_the_command_line(capsys, no_reports, tmp_path):
    """(A) ``years = 0`` in a lagging share was a ZeroDivisionError traceback, exit 1."""
    path = _file(tmp_path, _edit((LAG, "params = { window = 252, years = 0 }")))
    code, line = hostile.cli_line(capsys, *SUMMARY, "--scenarios-file", str(path))
    assert code == 2 and line.startswith(f"error: {path}, scenario 1 ('underperformance'), evidence 4"), line
    assert "lagging_share parameter years = 0 is not a whole number from 1 to 100" in line, line


@pytest.mark.parametrize(
    "params",
    ["{ window = 1 }", "{ window = 100000 }"],
    ids=["window-1", "window-100000"],
)
def test_a_parameter_at_its_bound_is_a_piece_saying_what_it_read(capsys, tmp_path, params):
    data, _ = _piece(capsys, tmp_path, _edit((DIST, f"params = {params}")))
    (item,) = [e for e in data["scenarios"][2]["evidence"] if e["function"] == "distance_from_sma"]
    window = params.split("= ")[1].split(" ")[0]
    assert f"{int(window)}-DMA" in (item["detail"] or item["reason"]), item


def test_every_bundled_set_passes_the_new_checks():
    """The bundled sets' parameters and thresholds are inside the ranges the checks allow."""
    for path in sorted(CONFIG_DIR.glob("scenarios*.toml")):
        rules.parse(tomllib.loads(path.read_text(encoding="utf-8")), path.name)


# -- 1. thresholds that overlap (B) ---------------------------------------------------------------------

TEN = 'supports = "<= -0.05"\ncontradicts = ">= 0.05"'
OVERLAP = {
    "overlapping": ('supports = "<= 0.5"\ncontradicts = ">= -0.5"', "a value of 0 meets both"),
    "touching": ('supports = "<= 0"\ncontradicts = ">= 0"', "a value of 0 meets both"),
    "same-side": ('supports = "<= -0.05"\ncontradicts = "< -0.5"', "a value of -1.5 meets both"),
    "same-side-above": ('supports = "> 1"\ncontradicts = ">= 0"', "a value of 2 meets both"),
}


@pytest.mark.parametrize("rule, expected", list(OVERLAP.values()), ids=list(OVERLAP))
def test_supports_and_contradicts_that_a_value_can_meet_both_are_refused(rule, expected):
    """(B) Were accepted, a value meeting both read "supports" in silence."""
    message = _refused(_edit((TEN, rule)))
    assert "evidence 1" in message and expected in message and "supports" in message, message


@pytest.mark.parametrize(
    "rule",
    ['supports = "< 0"\ncontradicts = "> 0"', 'supports = "<= 0"\ncontradicts = "> 0"', 'supports = "< 0"\ncontradicts = ">= 0"',
     'supports = "<= -1"\ncontradicts = ">= 1"'],
    ids=["strict-both", "inclusive-supports", "inclusive-contradicts", "a-gap"],
)  # fmt: skip
def test_thresholds_that_touch_without_sharing_a_value_or_leave_a_gap_are_read(rule):
    rules.parse(tomllib.loads(_edit((TEN, rule))), "mine.toml")


# -- 1. premises and all-unavailable sets (C, D) ----------------------------------------------------------

REQUIRE = 'id = "underperformance"'


def test_a_premise_on_a_series_that_cannot_be_loaded_names_it_not_history(capsys, tmp_path):
    """(C) Was "Too little history to tell whether talking point 1 (...) applies now"."""
    text = _edit((REQUIRE, REQUIRE + '\nrequires = { condition = "above_slow", series = ["ZZZZ"] }'))
    data, md = _piece(capsys, tmp_path, text)
    first = data["scenarios"][0]
    assert first["applies"] is None and first["verdict"] == "not enough evidence"
    assert first["unread"] == [
        {"series": "ZZZZ", "reason": "ZZZZ could not be loaded: the bundled snapshot has no ZZZZ"}
    ]
    assert "Too little history" not in md
    assert (
        "Cannot tell whether talking point 1 (IWM has underperformed for 10 years) applies now:"
        " ZZZZ could not be loaded: the bundled snapshot has no ZZZZ." in md
    ), md


def test_a_premise_on_a_series_too_short_is_still_history(capsys, tmp_path):
    """The sentence of a premise with too little history is unchanged; ``unread`` is empty (BTC-USD's
    bundled history starts 2014-09-17: no 200-DMA on 2014-12-01)."""
    text = _edit((REQUIRE, REQUIRE + '\nrequires = { condition = "above_slow", series = ["BTC-USD"] }'))
    data = run_json(capsys, "--as-of", "2014-12-01", "--scenarios-file", str(_file(tmp_path, text)))
    first = data["scenarios"][0]
    assert first["applies"] is None and first["unread"] == []
    assert "Too little history to tell whether talking point 1" in brief.markdown(data)


@pytest.mark.parametrize(
    "requires, said",
    [
        ('["above_slow", "below_slow"]', "IWM is above its 200-DMA, not in a decline"),
        ('["stretched", "no_sharp_fall"]', "IWM is not stretched"),
        ('{ condition = "below_slow", series = ["{benchmark}", "QQQ"] }', "SPY and QQQ are above their 200-DMAs"),
    ],
    ids=["above-and-below", "stretched-and-no-sharp-fall", "benchmark-and-qqq-below"],
)
def test_combined_premises_say_the_first_that_fails(capsys, tmp_path, requires, said):
    data, md = _piece(capsys, tmp_path, _edit((REQUIRE, f"{REQUIRE}\nrequires = {requires}")))
    assert data["scenarios"][0]["verdict"] == "does not apply"
    assert f"Talking point 1 (IWM has underperformed for 10 years) does not apply now: {said}" in md, md


def _all_not_in_data() -> str:
    text = re.sub(r'function = "[a-z_]+"', 'function = "not_in_data"', BASE)
    text = re.sub(r"\n(series|params|min_series) = [^\n]*", "", text)
    return text.replace('function = "not_in_data"', 'function = "not_in_data"\nparams = { what = "not measured here" }')


def test_a_set_of_no_available_evidence_names_its_talking_points(capsys, tmp_path):
    """(D) Was "Too little current data to weigh 1 (IWM has underperformed for 10 years), 2 (...)"."""
    data, md = _piece(capsys, tmp_path, _all_not_in_data())
    assert {s["verdict"] for s in data["scenarios"]} == {"not enough evidence"}
    assert "Too little current data to weigh talking points 1 (IWM has underperformed for 10 years), 2 (" in md, md


def test_two_talking_points_opposing_each_other_both_supported_are_split(capsys, tmp_path):
    text = _edit(
        (REQUIRE, REQUIRE + '\nopposes = ["tech_bifurcation"]'),
        ('id = "tech_bifurcation"', 'id = "tech_bifurcation"\nopposes = ["underperformance"]'),
    )
    data, md = _piece(capsys, tmp_path, text)
    assert [s["verdict"] for s in data["scenarios"][:2]] == ["split", "split"]
    assert "It supports 1 (IWM has underperformed for 10 years, +1.00) and 2 (" in md
    assert "equally, and they cannot both hold" in md


@pytest.mark.parametrize(
    "series, reason",
    [
        ('["ZZZZ", "{benchmark}"]', "ZZZZ could not be loaded: the bundled snapshot has no ZZZZ"),
        ('["{ticker}", "{ticker}"]', "it would compare IWM with itself"),
        ('["IWM", "{benchmark}"]', "it would measure IWM itself"),
    ],
    ids=["not-bundled", "ticker-twice", "ticker-as-a-fixed-symbol"],
)
def test_a_series_the_piece_cannot_weigh_is_said_so(capsys, tmp_path, series, reason):
    data, _ = _piece(capsys, tmp_path, _edit(('series = ["{ticker}", "{benchmark}"]', f"series = {series}")))
    first = data["scenarios"][0]
    said = [e["reason"] for e in first["evidence"] if e["reason"]] + [o["reason"] for o in first["left_out"]]
    assert any(s.startswith(reason) for s in said), said


@pytest.mark.parametrize("weight", ["-1", "inf", "nan", "-0.0001"])
def test_a_weight_negative_or_not_finite_is_refused(weight):
    assert "is not a number from 0 to 1,000" in _refused(_edit(("weight = 3", f"weight = {weight}")))


def test_forty_talking_points_are_counted_in_words(capsys, tmp_path):
    start = BASE.index("\n[[scenario]]\nid") + 1
    blocks = BASE[start:]
    many = BASE[:start] + "".join(
        re.sub(r'id = "(\w+)"', lambda m, i=i: f'id = "{m.group(1)}_{i}"', blocks) + "\n" for i in range(10)
    )
    data, md = _piece(capsys, tmp_path, many)
    assert len(data["scenarios"]) == 40
    assert "Of the 40 talking points" in md, md
