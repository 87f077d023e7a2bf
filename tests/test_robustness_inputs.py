"""Robustness of what a user gives: data files, configuration, notebooks, environment and
parameters (issue 16, cases 4 to 8 and 10 to 13).

Each case is run through the command line and ends in exactly one line on stderr, naming
the problem and the fix, with a non-zero exit and nothing written under reports/. Corrupt
files are real files in temporary folders, made from the real bundled data (never the
bundled files themselves: the snapshot is copied first).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import cli
from analysis.data import snapshot
from analysis.errors import RenderError
from analysis.paths import SNAPSHOT_DIR, cache_dir
from analysis.pipeline.report import Request, run
from analysis.render import execute
from analysis.render.browser import Printer
from tests import hostile
from tests.conftest import AS_OF

SUMMARY = ["summary", "--as-of", AS_OF]


def cli_line(capsys, *args: str) -> tuple[int, str]:
    """Run the command line in this process; its exit code and the one line it wrote to stderr."""
    code = cli.main(list(args))
    err = capsys.readouterr().err
    return code, hostile.one_line(err)


@pytest.fixture
def no_reports(tmp_path, monkeypatch):
    root = tmp_path / "reports"
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    yield root
    assert not root.exists()  # nothing written, whatever failed


# -- case 4: bad bytes in the data layer --------------------------------------------------------


def _cache_rows(rows: slice = slice(-300, None)) -> list[str]:
    """Real IWM rows of the snapshot as the cache writes them (Date,Open,...,Volume), header first."""
    frame = snapshot.read("IWM").iloc[rows].rename(columns={"adj_close": "Adj Close"}).rename(columns=str.title)
    frame.index.name = "Date"
    return frame.to_csv(float_format="%.6f", date_format="%Y-%m-%d").splitlines()


def _write_cache(lines: list[str], *, drop: tuple[str, ...] = ()) -> Path:
    """A cache entry with a valid checksum over exactly these lines (so only the content is bad)."""
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    data = ("\n".join(lines) + "\n").encode()
    (root / "IWM.csv").write_bytes(data)
    meta = {
        "ticker": "IWM",
        "fetched_at": "2026-08-21T21:00:00+00:00",
        "rows": len(lines) - 1,
        "last_date": lines[-1][:10],
        "price_only": False,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    (root / "IWM.json").write_text(json.dumps({k: v for k, v in meta.items() if k not in drop}))
    return root / "IWM.csv"


def _with_close(line: str, value: str) -> str:
    fields = line.split(",")
    fields[4] = value  # Date,Open,High,Low,Close,...
    return ",".join(fields)


@pytest.fixture
def corrupt_snapshot(tmp_path, monkeypatch):
    """A copy of the bundled snapshot with IWM.csv.gz's deflate stream damaged (40 bytes flipped)."""
    copy = tmp_path / "prices"
    shutil.copytree(SNAPSHOT_DIR, copy)
    data = bytearray((copy / "IWM.csv.gz").read_bytes())
    data[5000:5040] = bytes(b ^ 0xFF for b in data[5000:5040])
    (copy / "IWM.csv.gz").write_bytes(bytes(data))
    snapshot._read.cache_clear()
    monkeypatch.setattr(snapshot, "SNAPSHOT_DIR", copy)
    yield copy
    snapshot._read.cache_clear()


def test_4_a_corrupt_gzip_stream_in_the_snapshot_is_one_line(capsys, no_reports, corrupt_snapshot):
    code, line = cli_line(capsys, *SUMMARY, "--source", "snapshot")
    assert code == 3
    assert line == (
        f"error: the bundled file {corrupt_snapshot / 'IWM.csv.gz'} could not be read (error: Error -3 while"
        " decompressing data: invalid distance too far back). Restore it with"
        " `git checkout -- analysis/data/prices`."
    )


def test_4_a_row_dated_2300_is_named(capsys, no_reports):
    lines = _cache_rows()
    path = _write_cache(lines + ["2300-01-02" + lines[-1][10:]])
    code, line = cli_line(capsys, *SUMMARY, "--source", "cache")
    assert code == 3
    assert line == (
        f"error: IWM (cache, {path}): 1 row(s) dated outside 1677-2262: row 301 (2300-01-02)."
        " Fix or delete those rows (or the file)."
    )


def test_4_a_cache_meta_without_fetched_at_is_corrupt_not_a_key_error(capsys, no_reports):
    path = _write_cache(_cache_rows(), drop=("fetched_at",))
    code, line = cli_line(capsys, *SUMMARY, "--source", "cache")
    assert code == 3
    assert line == (
        f"error: the cache for IWM ({path}) is corrupt: IWM.json lacks fetched_at. Delete IWM.csv and"
        " IWM.json there (SOURCE=yahoo fetches them again), or use SOURCE=snapshot."
    )


@pytest.mark.parametrize("value, what", [("1e300", "with a price above 1e+12"), ("inf", "with an infinite value")])
@pytest.mark.parametrize("command", ["summary", "report"])
def test_4_an_absurd_or_infinite_close_is_refused_by_summary_and_report_alike(capsys, no_reports, value, what, command):
    """Close=1e300 was a ZeroDivisionError (evidence.relative_trend); Close=inf failed `make
    summary` with a JSON error while `make report` published the piece with nulls."""
    lines = _cache_rows()
    day = lines[-5][:10]
    path = _write_cache(lines[:-5] + [_with_close(lines[-5], value)] + lines[-4:])
    code, line = cli_line(capsys, command, "--source", "cache", *(["--no-pdf"] if command == "report" else []))
    assert code == 3
    assert line == (
        f"error: IWM (cache, {path}): 1 row(s) {what} ({day}). The data is corrupt: fix or delete those"
        " rows (or the file), or use another SOURCE."
    )


def test_4_a_local_run_skips_a_corrupt_cache_with_a_visible_note():
    """The other half of 'an error or a visible note': under SOURCE=local the snapshot is used
    and the piece's notes say why the cache was not."""
    from analysis.data import Market

    lines = _cache_rows()
    _write_cache(lines[:-1] + [_with_close(lines[-1], "inf")])
    frame = Market("local").prices("IWM")
    assert frame.attrs["source"] == "snapshot"
    assert any("with an infinite value" in note for note in frame.attrs["notes"])


# -- case 8: errors that ran to several lines ---------------------------------------------------


def test_8_an_unparseable_date_names_its_row_without_pandas_advice(capsys, no_reports):
    lines = _cache_rows()
    path = _write_cache(lines[:-1] + ["July 5th" + lines[-1][10:]])
    code, line = cli_line(capsys, *SUMMARY, "--source", "cache")
    assert code == 3 and "ISO8601" not in line and "format=" not in line
    assert line == (
        f"error: IWM (cache, {path}): 1 row(s) with a date that cannot be read: row 300 ('July 5th')."
        " Dates must be YYYY-MM-DD between 1677 and 2262, e.g. 2024-07-08: fix or delete those rows"
        " (or the file)."
    )


def _notebook(path: Path, *cells: str) -> Path:
    from analysis.paths import KERNEL_NAME

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('ticker = "IWM"', metadata={"tags": ["parameters"]}),
            *(nbformat.v4.new_code_cell(c) for c in cells),
        ]
    )
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_8_a_cell_raising_a_multi_line_message_is_one_line(tmp_path):
    nb = _notebook(tmp_path / "multi.ipynb", 'raise ValueError("first line\\nsecond line\\n\\n   third line")')
    with pytest.raises(RenderError) as info:
        execute.execute(nb, tmp_path / "out.ipynb", {"ticker": "IWM"})
    assert str(info.value) == (
        'notebook multi.ipynb: cell 3 (`raise ValueError("first line\\nsecond line\\n\\n  '
        ' third line")`) raised ValueError: first line second line third line'
    )


# -- case 5: configuration that passed validation and crashed later -----------------------------


def _scenarios(text_edit) -> str:
    from analysis.paths import CONFIG_DIR

    return text_edit((CONFIG_DIR / "scenarios.toml").read_text())


@pytest.mark.parametrize(
    "edit, expected",
    [
        (
            lambda t: t.replace("supported = 0.6", 'supported = "high"', 1),
            "[verdict] supported = 'high' is not a number. Give a number between -1 and 1, e.g. supported = 0.6.",
        ),
        (
            lambda t: "verdict = 5\n" + re.sub(r"\[verdict\]\n(\w+ = [-\d.]+\n)+", "", t),
            "verdict = 5 is not a table. Write the cut-offs under a [verdict] header, e.g. supported = 0.6.",
        ),
        (
            lambda t: t.replace(
                'name = "10-year total return, {ticker}', 'name = "10-year total return, {ticker!x}', 1
            ),
            "'10-year total return, {ticker!x} relative to {benchmark}' is not a valid template (Unknown conversion"
            " specifier x). Write braces only around {ticker} or {benchmark}; double them ({{ }}) for a literal brace.",
        ),
        (
            lambda t: t.replace(
                'name = "10-year total return, {ticker}', 'name = "10-year total return, {ticker:%}', 1
            ),
            "'10-year total return, {ticker:%} relative to {benchmark}' is not a valid template (Unknown format code '%'"
            " for object of type 'str'). Write braces only around {ticker} or {benchmark}; double them ({{ }}) for a"
            " literal brace.",
        ),
    ],
    ids=["verdict-string", "verdict-not-a-table", "template-conversion", "template-format-spec"],
)
def test_5_config_values_are_checked_when_the_file_is_read(capsys, no_reports, tmp_path, monkeypatch, edit, expected):
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "scenarios.toml").write_text(_scenarios(edit))
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(folder))
    code, line = cli_line(capsys, *SUMMARY, "--source", "snapshot")
    assert code == 2 and line.startswith(f"error: {folder / 'scenarios.toml'}") and line.endswith(expected), line


def test_5_a_non_utf8_byte_in_family_toml_names_the_file_and_line(capsys, no_reports, tmp_path, monkeypatch):
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "family.toml").write_bytes(b'benchmark = "SPY"\n[[member]]\nticker = "IWM"\nnickname = "Gr\xffnddad"\n')
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(folder))
    code, line = cli_line(capsys, *SUMMARY, "--source", "snapshot")
    assert code == 2
    assert line == (
        f"error: configuration file {folder / 'family.toml'} is not UTF-8 text: byte 0xff on line 4."
        " Save it as UTF-8 (TOML files must be UTF-8)."
    )


def test_13_a_family_member_without_a_ticker_is_told_the_line_to_add(capsys, no_reports, tmp_path, monkeypatch):
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "family.toml").write_text('benchmark = "SPY"\n[[member]]\nticker = "IWM"\n[[member]]\nnickname = "x"\n')
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(folder))
    for command in (SUMMARY + ["--source", "snapshot"], ["reports", "--family", "--no-progress"]):
        code, line = cli_line(capsys, *command)
        assert code == 2
        assert line == (
            f'error: {folder / "family.toml"}, member 2 has no ticker. Add a line ticker = "IWM"'
            " (a Yahoo symbol) to that [[member]] table."
        )


def test_a_config_dir_that_does_not_exist_is_an_error_not_a_silent_fallback(capsys, no_reports, tmp_path, monkeypatch):
    """Own case: a typo in MOMENTUM_CONFIG_DIR used to fall back to the bundled files without a word."""
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(tmp_path / "no-such-folder"))
    code, line = cli_line(capsys, *SUMMARY, "--source", "snapshot")
    assert code == 2
    assert line == (
        f"error: MOMENTUM_CONFIG_DIR '{tmp_path / 'no-such-folder'}' is not a folder. Point it at a folder"
        " holding your scenarios.toml and/or family.toml, or unset it."
    )


# -- case 6: a missing or corrupt commentary notebook -------------------------------------------


@pytest.mark.parametrize(
    "content, reason",
    [
        (None, "is missing."),
        (b"", "is not a valid notebook (Notebook does not appear to be JSON: '')."),
        (b'{"cells": [', "is not a valid notebook (Notebook does not appear to be JSON: '{\"cells\": [')."),
    ],
    ids=["missing", "empty", "truncated"],
)
def test_6_a_missing_or_corrupt_notebook_is_one_line_before_any_kernel(tmp_path, content, reason):
    notebook = tmp_path / "commentary.ipynb"
    if content is not None:
        notebook.write_bytes(content)
    root = tmp_path / "r"
    with pytest.raises(RenderError) as info:
        run(
            Request.parse("IWM", "SPY", AS_OF, "snapshot"), root=root, notebook=notebook, pdf=False, log=lambda *_: None
        )
    assert str(info.value) == f"the notebook {notebook} {reason} Give the path of a Jupyter notebook (nbformat 4)."
    assert not root.exists() and hostile.no_leftovers(root) == []


def test_6_a_project_notebook_is_told_to_be_restored_from_git():
    from analysis.paths import COMMENTARY_NOTEBOOK

    gone = COMMENTARY_NOTEBOOK.with_name("commentary-gone.ipynb")
    with pytest.raises(RenderError) as info:
        execute.check_notebook(gone)
    assert (
        str(info.value) == f"the notebook {gone} is missing. Restore it with `git checkout -- notebooks/{gone.name}`."
    )
    execute.check_notebook(COMMENTARY_NOTEBOOK)  # the real one is fine


# -- case 7: numeric environment variables ------------------------------------------------------


@pytest.mark.parametrize(
    "name, value",
    [
        ("MOMENTUM_CELL_TIMEOUT", "5x"),
        ("MOMENTUM_LOCK_WAIT", "abc"),
        ("MOMENTUM_PDF_TIMEOUT", "-1"),
        ("MOMENTUM_YAHOO_TIMEOUT", "1e400"),
    ],
)
@pytest.mark.process
def test_7_a_bad_numeric_environment_variable_is_one_line_at_start(tmp_path, name, value):
    """Through a real process: they raised ValueError when the module was imported."""
    done = hostile.run_cli(tmp_path / "r", *SUMMARY, "--source", "snapshot", env={name: value})
    assert done.returncode == 2 and done.stdout == ""
    minimum = {"MOMENTUM_LOCK_WAIT": "0", "MOMENTUM_YAHOO_TIMEOUT": "0.1"}.get(name, "1")
    default = {
        "MOMENTUM_CELL_TIMEOUT": "300",
        "MOMENTUM_LOCK_WAIT": "900",
        "MOMENTUM_PDF_TIMEOUT": "120",
        "MOMENTUM_YAHOO_TIMEOUT": "8",
    }[name]
    assert hostile.one_line(done.stderr) == (
        f"error: {name}='{value}' is not a duration from {minimum} s to a week. Give seconds, or a number with s, m"
        f" or h, e.g. {name}={default} or {name}=10m; or unset it for the default."
    )


def test_7_the_duration_the_hints_recommend_is_understood(monkeypatch):
    from analysis import params

    for value, seconds in (("5m", 300.0), ("90s", 90.0), ("1.5h", 5400.0), (" 600 ", 600.0), ("", 300.0)):
        monkeypatch.setenv("MOMENTUM_CELL_TIMEOUT", value)
        assert execute.cell_timeout() == seconds == params.seconds("MOMENTUM_CELL_TIMEOUT")


# -- cases 10 to 13: parameters ------------------------------------------------------------------


def test_10_an_explicitly_empty_tickers_is_an_error_not_the_default_seven(capsys, no_reports, monkeypatch):
    monkeypatch.setenv("TICKERS", "")
    code, line = cli_line(capsys, "reports", "--as-of", AS_OF, "--source", "snapshot", "--no-progress")
    assert code == 2
    assert line == (
        'error: TICKERS is set but lists no symbol. Give symbols, e.g. make reports TICKERS="IWM QQQ",'
        " or leave TICKERS out for the default (IWM QQQ SMH XRT IYT KRE IBB)."
    )


def test_11_a_16_character_ticker_is_a_ticker(capsys, no_reports):
    code, line = cli_line(capsys, *SUMMARY, "--source", "snapshot", "--ticker", "ABCDEFGHIJKLMNOP")
    assert code == 3 and line.startswith("error: the bundled snapshot has no ABCDEFGHIJKLMNOP.")
    code, line = cli_line(capsys, *SUMMARY, "--source", "snapshot", "--ticker", "ABCDEFGHIJKLMNOPQ")
    assert code == 2 and "is 17 characters long; a ticker has at most 16" in line


def test_12_a_level_far_from_the_price_history_is_refused_with_the_range(capsys, no_reports):
    """IWM's closes up to 2024-07-08 run from its 2000 low to its 2021 high (read from the data)."""
    closes = snapshot.read("IWM").loc[:AS_OF, "close"]
    low, high, last = closes.min(), closes.max(), closes.iloc[-1]
    code, line = cli_line(capsys, *SUMMARY, "--source", "snapshot", "--level", "1e308")
    assert code == 2
    assert line == (
        f"error: LEVEL 1e+308 is far outside the prices IWM traded at up to {AS_OF} ({low:,.2f} to"
        f" {high:,.2f}): a level to clear must lie between {low / 10:,.2f} and {high * 10:,.2f}. Give a"
        f" price near the chart, e.g. LEVEL={last:.0f}, or leave LEVEL out for the 22-session high."
    )
    assert cli.main([*SUMMARY, "--source", "snapshot", "--level", "210"]) == 0


def test_13_ticker_spy_without_a_benchmark_is_measured_against_rsp(capsys, no_reports, monkeypatch):
    """The default benchmark's own piece is written (against the equal-weight S&P 500, and says
    why); only a benchmark the user names equal to the ticker is refused, with the default as the fix."""
    monkeypatch.delenv("BENCHMARK", raising=False)
    assert cli.main([*SUMMARY, "--source", "snapshot", "--ticker", "SPY"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["ticker"], printed["benchmark"]) == ("SPY", "RSP")
    assert printed["data"]["run_notes"][0].startswith("Benchmark: RSP, the equal-weight S&P 500, because")
    code, line = cli_line(capsys, *SUMMARY, "--source", "snapshot", "--ticker", "SPY", "--benchmark", "spy")
    assert code == 2
    assert line == (
        "error: BENCHMARK SPY is the same as TICKER: leadership against itself is always zero."
        " Pick another benchmark, e.g. BENCHMARK=RSP, or leave BENCHMARK out for RSP."
    )


def test_a_yield_as_benchmark_is_refused_not_divided_by(capsys, no_reports):
    """Own case: ^IRX (the 13-week yield) went to zero and below in 2020; IWM against it 'led'
    by ratios of a negative number. The dates are read from the bundled data."""
    irx = snapshot.read("^IRX")["close"]
    iwm = snapshot.read("IWM")["close"]
    common = irx.index.intersection(iwm.index)
    bad = irx.loc[common].loc[:"2021-06-01"]
    bad = bad[bad <= 0]
    code, line = cli_line(capsys, "summary", "--as-of", "2021-06-01", "--source", "snapshot", "--benchmark", "^IRX")
    assert code == 2
    assert line == (
        f"error: BENCHMARK ^IRX has zero or negative values on {len(bad)} session(s) up to 2021-06-01"
        f" (first {bad.index[0].date().isoformat()}): the piece's indicators are ratios of prices. Use a"
        f" price series as BENCHMARK (a yield like ^IRX is not one), or an AS_OF before"
        f" {bad.index[0].date().isoformat()}."
    )


def test_13_a_chromium_killed_mid_print_is_not_told_to_install_chromium(tmp_path):
    """A stand-in browser speaking the DevTools pipe that is killed (SIGKILL, by itself) when
    asked to print: it was installed and had answered, so the fix is to run again."""
    script = tmp_path / "chromium"
    script.write_text(f"#!{sys.executable}\n" + hostile.stand_in_browser("os.kill(os.getpid(), signal.SIGKILL)"))
    script.chmod(0o755)
    page = tmp_path / "page.html"
    page.write_text("<html><body>a page</body></html>")
    with Printer(str(script)) as printer, pytest.raises(RenderError) as info:
        printer.print_pdf(page, tmp_path / "out.pdf")
    message = str(info.value)
    assert message == (
        f"Chromium ({script}) failed to print the PDF (killed by SIGKILL): it stopped while printing."
        " It is installed and had started; something stopped it (killed, or out of memory?). Run the"
        " report again: the next print starts a new browser."
    )
    assert not (tmp_path / "out.pdf").exists()


def test_values_echoed_in_errors_are_cut_to_one_short_line(capsys, no_reports):
    """Own case: a 100 kB AS_OF (or LEVEL, SOURCE...) was echoed whole, newlines escaped but
    the line 100 kB long."""
    code, line = cli_line(capsys, *SUMMARY[:1], "--source", "snapshot", "--as-of", "2024-" + "x" * 100_000)
    assert code == 2 and len(line) < 200
    assert line == (
        f"error: AS_OF '2024-{'x' * 30}...' is not a date. Write it as YYYY-MM-DD, e.g."
        " AS_OF=2024-07-08, or leave it out for the latest session."
    )
