"""Robustness, a third hostile pass (issue 29, "Done when"): families the earlier passes left alone.

* new keys of the configuration files with wrong types or values: names.toml values that are
  not text, a scenario that ``opposes`` itself or a missing id, a ``requires`` that is no
  condition, ``stale_after_days``, ``nan``/``inf`` and out-of-order verdict cut-offs, weights,
  comparisons and series of the wrong kind, a byte-order mark or CRLF line ends in a TOML file,
  numbers where family.toml expects symbols;
* price files written by other tools: a BOM, CRLF line ends, trailing blank lines, an extra or
  reordered column, dates with a time of day or a UTC offset, prices in scientific notation or
  quoted, a header and nothing else, an empty file, semicolons, a lower-case header, a Latin-1
  byte, an unreadable cell; a snapshot copy whose manifest lists a file that is missing;
* dates and symbols at the edges: year 0001 and 9999-12-31, a time of day, February 30, a FRED
  series id as ticker, the first weeks of BTC-USD, a LEVEL in scientific notation;
* ``--source yahoo`` offline for the commands that write (report, research, reports);
* the index over a thousand summaries; standard output closed (not a pipe: no file at all).

Each ends as the promise says: one line and the documented exit code, nothing written; or the
quiet success that is the right answer. The pass found six cases that broke it (a TOML file with a
byte-order mark, numbers for symbols in family.toml, an unreadable High filled without a note,
``summary`` with no standard output at all); each was fixed and its test passes.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys

import pytest

from analysis import cli
from analysis.data import snapshot
from analysis.paths import CONFIG_DIR
from analysis.pipeline.index import scan
from tests import hostile
from tests.conftest import AS_OF

SNAP = ["--source", "snapshot"]
SUMMARY = ["summary", *SNAP, "--as-of", AS_OF]


def run_json(capsys, *args: str) -> dict:
    """``summary`` as of the commentary's date: exit 0, nothing on stderr, strict JSON."""
    snapshot._read.cache_clear()
    code = cli.main([*SUMMARY, *args])
    out = capsys.readouterr()
    assert code == 0 and out.err == "", out.err

    def refuse(constant):
        raise AssertionError(f"the JSON holds {constant}")

    return json.loads(out.out, parse_constant=refuse)


# -- configuration files: new keys, wrong types -------------------------------------------------

SCENARIOS = (CONFIG_DIR / "scenarios.toml").read_text()
FIRST = 'id = "underperformance"\n'
assert FIRST in SCENARIOS


def _scenario_key(line: str) -> str:
    """scenarios.toml with ``line`` added to its first [[scenario]]."""
    return SCENARIOS.replace(FIRST, FIRST + line + "\n", 1)


def _first(pattern: str, replacement: str) -> str:
    edited, n = re.subn(pattern, replacement, SCENARIOS, count=1)
    assert n == 1, pattern
    return edited


def _edit(pattern: str, replacement: str, expected: str) -> tuple[str, str, str]:
    """A refused scenarios.toml: the first match of ``pattern`` replaced, and what the error says."""
    return "scenarios", _first(pattern, replacement), expected


REFUSED = {
    "names-value-a-number": ("names", "[names]\nKRE = 5\n", "[names] must map tickers to plain names (text)"),
    "names-an-array": ("names", 'names = ["KRE"]\n', "[names] must map tickers to plain names (text)"),
    "opposes-itself": (
        "scenarios",
        _scenario_key('opposes = ["underperformance"]'),
        """opposes = ['underperformance'] is not a list of other ids""",
    ),
    "opposes-a-missing-id": ("scenarios", _scenario_key('opposes = ["nosuch"]'), "opposes names no scenario nosuch"),
    "opposes-a-string": ("scenarios", _scenario_key('opposes = "slowdown"'), "is not a list of other ids"),
    "requires-unknown": (
        "scenarios",
        _scenario_key('requires = "sideways"'),
        "requires = 'sideways' is not a condition",
    ),
    "requires-a-boolean": ("scenarios", _scenario_key("requires = true"), "requires = True is not a condition"),
    "stale-negative": (
        "scenarios",
        SCENARIOS.replace("stale_after_days = 7", "stale_after_days = -1"),
        "stale_after_days = -1 is not a whole number of days",
    ),
    "stale-fraction": (
        "scenarios",
        SCENARIOS.replace("stale_after_days = 7", "stale_after_days = 7.5"),
        "stale_after_days = 7.5 is not a whole number of days",
    ),
    "stale-boolean": (
        "scenarios",
        SCENARIOS.replace("stale_after_days = 7", "stale_after_days = true"),
        "stale_after_days = True is not a whole number of days",
    ),
    "verdict-nan": _edit(r"\nsupported = 0\.6", "\nsupported = nan", "supported = nan is not a number"),
    "verdict-minus-inf": _edit(
        r"\ncontradicted = -0\.6", "\ncontradicted = -inf", "contradicted = -inf is not a number"
    ),
    "verdict-out-of-order": _edit(r"\nsupported = 0\.6", "\nsupported = 0.1", "are out of order"),
    "verdict-misspelt-key": _edit(
        r"\nsupported = 0\.6", "\nsupported = 0.6\nsuported = 0.7", "[verdict] has no key suported"
    ),
    "duplicate-id": _edit(
        r'\[\[scenario\]\]\nid = "(?!underperformance)\w+"',
        '[[scenario]]\nid = "underperformance"',
        "id must be a unique lower-case word, got 'underperformance'",
    ),
    "upper-case-id": (
        "scenarios",
        SCENARIOS.replace(FIRST, 'id = "Underperformance"\n', 1),
        "id must be a unique lower-case word, got 'Underperformance'",
    ),
    "misspelt-scenario-key": ("scenarios", _scenario_key('oposes = ["slowdown"]'), "oposes"),
    "no-scenarios": ("scenarios", "", "lists no scenarios"),
    "negative-weight": _edit(r"\nweight = 2\n", "\nweight = -2\n", "weight = -2 is not a number from 0 to 1,000"),
    "text-weight": _edit(r"\nweight = 2\n", '\nweight = "heavy"\n', "weight = 'heavy'"),
    "nan-weight": _edit(r"\nweight = 2\n", "\nweight = nan\n", "weight = nan"),
    "unknown-function": _edit(r'function = "\w+"', 'function = "astrology"', "'astrology'"),
    "comparison-backwards": _edit(r'supports = "[^"]*"', 'supports = "=> 0"', "supports = '=> 0' is not a comparison"),
    "comparison-with-nan": _edit(
        r'supports = "[^"]*"', 'supports = "<= nan"', "supports = '<= nan' is not a comparison"
    ),
    "series-a-number": _edit(r"series = \[[^\]]*\]", "series = [5]", "series must be a list of tickers"),
    "series-empty": _edit(r"series = \[[^\]]*\]", "series = []", "needs 2 series, got 0"),
    "family-without-members": ("family", 'benchmark = "SPY"\n', "lists no members"),
    "family-path-as-ticker": (
        "family",
        'benchmark = "SPY"\n[[member]]\nticker = "../x"\n',
        "member 1: ticker '../x' is not a ticker symbol",
    ),
    "profiles-empty": ("profiles", "", "[profile.*] must define exactly equity"),
}


@pytest.mark.parametrize("name, text, expected", REFUSED.values(), ids=list(REFUSED))
def test_a_wrong_value_in_a_config_file_is_exit_2_naming_the_file(
    capsys, no_reports, tmp_path, monkeypatch, name, text, expected
):
    (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(tmp_path))
    code, line = hostile.cli_line(capsys, *SUMMARY)
    assert code == 2 and line.startswith(f"error: {tmp_path / f'{name}.toml'}") and expected in line, line


def test_an_empty_names_toml_writes_every_symbol_alone(capsys, tmp_path, monkeypatch):
    (tmp_path / "names.toml").write_text("")
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(tmp_path))
    data = run_json(capsys, "--ticker", "KRE")
    assert data["ticker"] == "KRE" and "KRE (regional banks)" not in json.dumps(data)


def test_a_scenarios_file_with_crlf_line_ends_is_the_same_file(capsys, tmp_path, monkeypatch):
    plain = run_json(capsys)
    (tmp_path / "scenarios.toml").write_bytes(SCENARIOS.replace("\n", "\r\n").encode())
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(tmp_path))
    assert run_json(capsys) == plain


def test_a_toml_file_saved_with_a_byte_order_mark_is_read_or_the_mark_is_named(capsys, tmp_path, monkeypatch):
    (tmp_path / "names.toml").write_text("\ufeff" + (CONFIG_DIR / "names.toml").read_text(), encoding="utf-8")
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(tmp_path))
    code = cli.main(SUMMARY)
    err = capsys.readouterr().err
    assert code == 0 or re.search(r"byte.order mark|BOM", err), err


@pytest.mark.parametrize(
    "text",
    ['benchmark = 5\n[[member]]\nticker = "IWM"\n', 'benchmark = "SPY"\n[[member]]\nticker = 5\n'],
    ids=["benchmark-a-number", "ticker-a-number"],
)
def test_a_number_where_family_toml_expects_a_symbol_is_refused(capsys, tmp_path, monkeypatch, text):
    (tmp_path / "family.toml").write_text(text)
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(tmp_path))
    code = cli.main(SUMMARY)
    err = capsys.readouterr().err
    assert code == 2 and str(tmp_path / "family.toml") in err, err


# -- price files written by other tools -----------------------------------------------------------


def _iwm(prices) -> str:
    return gzip.decompress((prices / "IWM.csv.gz").read_bytes()).decode()


def _put(prices, text: str | bytes, name: str = "IWM") -> None:
    data = text.encode() if isinstance(text, str) else text
    (prices / f"{name}.csv.gz").write_bytes(gzip.compress(data))
    snapshot._read.cache_clear()


def _rows(text: str, edit) -> str:
    header, *rows = text.splitlines()
    return "\n".join([header, *(edit(r) for r in rows)]) + "\n"


def _sci(row: str) -> str:
    date, *values = row.split(",")
    return ",".join([date, *(f"{float(v):.12e}" for v in values)])


SAME = {
    "byte-order-mark": lambda t: "\ufeff" + t,
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "trailing-blank-lines": lambda t: t + "\n\n\n",
    "extra-column": lambda t: "\n".join(
        line + (",Dividends" if i == 0 else ",0.0") for i, line in enumerate(t.splitlines())
    ),
    "columns-reversed": lambda t: "\n".join(",".join(reversed(line.split(","))) for line in t.splitlines()),
    "midnight-time": lambda t: _rows(t, lambda r: r.replace(",", " 00:00:00,", 1)),
    "closing-time": lambda t: _rows(t, lambda r: r.replace(",", "T16:00:00,", 1)),
    "utc-offset": lambda t: _rows(t, lambda r: r.replace(",", "T00:00:00-04:00,", 1)),
    "scientific-notation": lambda t: _rows(t, _sci),
    "quoted-fields": lambda t: _rows(t, lambda r: ",".join(f'"{v}"' for v in r.split(","))),
    "space-after-commas": lambda t: t.replace(",", ", "),
}


_PLAIN: dict[str, dict] = {}


def _plain(capsys) -> dict:
    """The piece from an untouched copy of the snapshot, built once per worker (the copies' JSON is
    the same whichever copy it comes from)."""
    if "json" not in _PLAIN:
        _PLAIN["json"] = run_json(capsys)
    return _PLAIN["json"]


@pytest.mark.parametrize("edit", SAME.values(), ids=list(SAME))
def test_a_price_file_written_by_another_tool_is_the_same_piece(capsys, prices, edit):
    plain = _plain(capsys)
    _put(prices, edit(_iwm(prices)))
    assert run_json(capsys) == plain


BROKEN = {
    "header-only": (lambda t: t.splitlines()[0] + "\n", "no rows with prices"),
    "empty": (lambda t: "", "No columns to parse"),
    "semicolons": (lambda t: t.replace(",", ";"), "Missing column"),
    "lower-case-header": (lambda t: t.replace("Date,", "date,", 1), "Missing column"),
    "latin-1-byte": (lambda t: t.encode().replace(b"Date", b"D\xe4te", 1), "UnicodeDecodeError"),
}


@pytest.mark.parametrize("edit, expected", BROKEN.values(), ids=list(BROKEN))
def test_a_price_file_that_cannot_be_read_is_exit_3_naming_the_file(capsys, no_reports, prices, edit, expected):
    _put(prices, edit(_iwm(prices)))
    code, line = hostile.cli_line(capsys, *SUMMARY)
    assert code == 3 and str(prices / "IWM.csv.gz") in line and expected in line, line


def test_an_unreadable_high_is_noted_with_its_row(capsys, prices):
    text = _iwm(prices)

    def fits(row: str) -> bool:  # a high above the open and the close, a close above the open
        open_, high, _, close = map(float, row.split(",")[1:5])
        return high > close >= open_

    row = next(r for r in text.splitlines()[1:] if r.startswith("2024-07") and fits(r))
    date, open_, high, low, close, *rest = row.split(",")
    _put(prices, text.replace(row, ",".join([date, open_, "2O3.4x", low, close, *rest])))
    notes = run_json(capsys)["data"]["ticker"]["notes"]
    assert any(date in note for note in notes), notes


def test_a_file_the_manifest_lists_but_the_copy_lacks_is_left_out_and_said(capsys, prices):
    (prices / "QQQ.csv.gz").unlink()
    text = json.dumps(run_json(capsys))
    assert "no QQQ" in text


def test_the_benchmark_s_file_missing_from_the_copy_is_exit_3_naming_it(capsys, no_reports, prices):
    (prices / "SPY.csv.gz").unlink()
    code, line = hostile.cli_line(capsys, *SUMMARY)
    assert code == 3 and line.startswith("error: the bundled snapshot has no SPY.") and " SPY " not in line, line


# -- dates and symbols at the edges ----------------------------------------------------------------

EDGES = {
    "year-0001": (["--as-of", "0001-01-01"], 2, "AS_OF 0001-01-01 is before the first session IWM and SPY share"),
    "9999-12-31": (["--as-of", "9999-12-31"], 2, "AS_OF 9999-12-31 is in the future"),
    "time-of-day": (["--as-of", "2024-07-08T10:00"], 2, "AS_OF '2024-07-08T10:00' is not a date"),
    "february-30": (["--as-of", "2024-02-30"], 2, "AS_OF '2024-02-30' is not a date"),
    "fred-series-id": (["--ticker", "T10Y3M"], 3, "the bundled snapshot has no T10Y3M. It holds: BTC-USD"),
    "btc-first-row": (
        ["--ticker", "BTC-USD", "--as-of", "2014-09-17"],
        2,
        "AS_OF 2014-09-17 leaves only 1 session of history for BTC-USD; the piece needs at least 200",
    ),
    "btc-before-its-data": (["--ticker", "BTC-USD", "--as-of", "2014-09-16"], 2, "before the first session"),
    "level-tiny": (["--level", "1e-300"], 2, "LEVEL 1e-300 is far outside the prices IWM traded at"),
}


@pytest.mark.parametrize("args, code, expected", EDGES.values(), ids=list(EDGES))
def test_a_date_or_symbol_at_the_edge_is_one_line(capsys, no_reports, args, code, expected):
    got, line = hostile.cli_line(capsys, *SUMMARY, *args)
    assert got == code and expected in line, line


def test_btc_usd_s_first_possible_date_is_the_one_its_error_offers(capsys):
    _, line = hostile.cli_line(capsys, *SUMMARY, "--ticker", "BTC-USD", "--as-of", "2014-10-01")
    offered = re.search(r"Use AS_OF=(\d{4}-\d\d-\d\d) or later", line).group(1)
    assert run_json(capsys, "--ticker", "BTC-USD", "--as-of", offered)["as_of"] == offered


def test_a_level_in_scientific_notation_is_the_same_level(capsys):
    assert run_json(capsys, "--level", "2.1e2") == run_json(capsys, "--level", "210")


# -- SOURCE=yahoo offline, for the commands that write -----------------------------------------------


@pytest.fixture
def yahoo_refused(monkeypatch):
    """MOMENTUM_OFFLINE=1 (as the tests run) and every Yahoo request refused by a closed proxy."""
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")


@pytest.mark.parametrize("argv", [["report", "--no-pdf"], ["research", "--jobs", "1"]], ids=["report", "research"])
def test_source_yahoo_offline_is_exit_3_and_writes_nothing(capsys, no_reports, yahoo_refused, argv):
    code = cli.main([*argv, "--source", "yahoo", "--as-of", AS_OF])
    out = capsys.readouterr()
    line = hostile.one_line(out.err)
    assert code == 3 and line.startswith("error: Yahoo Finance could not be reached") and "SOURCE=snapshot" in line


def test_source_yahoo_offline_fails_each_batch_piece_alone_exit_1(capsys, tmp_path, monkeypatch, yahoo_refused):
    """A batch names each failed piece on its own line and exits 1 (README); only the index is written."""
    root = tmp_path / "reports"
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    argv = ["reports", "--tickers", "IWM", "QQQ", "--jobs", "1", "--no-pdf", "--no-progress"]
    code = cli.main([*argv, "--source", "yahoo", "--as-of", AS_OF])
    out = capsys.readouterr()
    failed = [line for line in out.out.splitlines() if line.startswith("FAILED")]
    assert code == 1 and "Traceback" not in out.err + out.out
    assert len(failed) == 2 and all("Yahoo Finance could not be reached" in line for line in failed), out.out
    assert hostile.tree(root).keys() == {"index.html"}


# -- the index, standard output ----------------------------------------------------------------------


@pytest.mark.slow  # several seconds in one process: the whole suite (make check) runs it
def test_the_index_over_a_thousand_summaries_lists_them_all(capsys, tmp_path, monkeypatch):
    root = tmp_path / "reports"
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    text = json.dumps(run_json(capsys))
    for day in range(1, 26):
        folder = root / f"2024-06-{day:02d}"
        folder.mkdir(parents=True)
        for n in range(40):
            piece = text.replace('"ticker": "IWM"', f'"ticker": "Z{n:03d}"').replace(AS_OF, folder.name)
            (folder / f"Z{n:03d}.json").write_text(piece)
    assert cli.main(["index"]) == 0
    capsys.readouterr()
    entries, problems = scan(root)
    assert len(entries) == 1000 and problems == []
    html = (root / "index.html").read_text()
    assert html.count("<tr") == 1001 and html.count("Z039") == html.count("Z000")  # a header, a row each


def test_summary_with_no_standard_output_at_all_is_one_line(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    try:
        code = cli.main(SUMMARY)
    except AttributeError as exc:
        pytest.fail(f"traceback: {exc}")
    err = capsys.readouterr().err
    assert code != 0 and hostile.one_line(err).startswith("error: "), err


def test_the_index_with_no_standard_output_at_all_is_written(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setattr(sys, "stdout", None)
    assert cli.main(["index"]) == 0
    assert (tmp_path / "reports" / "index.html").is_file()


@pytest.mark.process
def test_a_real_summary_with_standard_output_closed_is_one_line(tmp_path):
    def closed_stdout() -> None:
        hostile.default_signals()
        os.close(1)

    proc = hostile.start(tmp_path / "reports", *SUMMARY, preexec=closed_stdout)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode not in (0, 1) and hostile.one_line(err).startswith("error: "), err
