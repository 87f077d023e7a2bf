"""Robustness, third pass (issue 29): every path to the user keeps the promise (one line, the
documented exit code, nothing partial), whatever the configuration, the locale or the folders.

Real configuration files in temporary folders, real locales, real symlink loops; the command
line runs in this process unless the process itself is what is tested.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import os
import shutil
import signal
import subprocess
import time

import pandas as pd
import pytest

from analysis.paths import CONFIG_DIR
from tests import hostile
from tests.conftest import AS_OF, PROJECT_DIR

SUMMARY = ["summary", "--as-of", AS_OF, "--source", "snapshot"]


# -- defect 4: a bad profiles.toml is one line naming the file and the key ------------------------


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            'title = "stock or equity fund"',
            'title = ""',
            "[profile.equity] title = '' is not a name. Give each profile a title, e.g. title = \"stock or equity"
            ' fund".',
        ),
        (
            "year = 365",
            'year = "a year"',
            "[profile.crypto] year = 'a year' is not a whole number of sessions between 1 and 366. E.g. year = 252"
            " (an exchange) or year = 365 (crypto).",
        ),
        (
            'credit = ["HYG"',
            'credit = 5\ncredit_was = ["HYG"',
            '[assign] credit = 5 is not a list of symbols. E.g. credit = ["HYG", "JNK"].',
        ),
    ],
    ids=["empty-title", "year-text", "assign-number"],
)
def test_4_a_bad_value_in_profiles_toml_is_exit_2_naming_file_and_key(
    capsys, no_reports, tmp_path, monkeypatch, old, new, expected
):
    folder = tmp_path / "config"
    folder.mkdir()
    text = (CONFIG_DIR / "profiles.toml").read_text(encoding="utf-8")
    assert old in text
    (folder / "profiles.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(folder))
    ticker = "BTC-USD" if "crypto" in expected else "IWM"
    for command in (
        SUMMARY,
        ["report", "--no-pdf", *SUMMARY[1:]],
    ):  # report: before any kernel (a cell said IndexError)
        code, line = hostile.cli_line(capsys, *command, "--ticker", ticker)
        assert code == 2
        assert line == f"error: {folder / 'profiles.toml'}: {expected}"


@pytest.mark.process
def test_4_a_c_locale_without_utf8_mode_prints_the_summary_as_utf8(tmp_path):
    """`LC_ALL=C LANG=C PYTHONUTF8=0 make summary` ended in UnicodeEncodeError (the JSON holds
    "→" and "−"). (en_US.ISO-8859-1 is the same case; this machine has only C and C.utf8.)"""
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    proc = hostile.start(tmp_path / "reports", "summary", "--as-of", AS_OF, "--source", "snapshot", env=env)
    proc.stdout.reconfigure(encoding="utf-8")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and err == "", err
    assert "→" in out or "−" in out  # there is something to encode, and it came out as UTF-8
    assert json.loads(out)["as_of"] == AS_OF


@pytest.mark.slow
def test_4_a_c_locale_report_writes_every_file_as_utf8(tmp_path):
    root = tmp_path / "reports"
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    done = hostile.run_cli(root, "report", "--as-of", AS_OF, "--source", "snapshot", "--no-pdf", env=env)
    assert done.returncode == 0, done.stderr
    texts = [p for p in (root / AS_OF).iterdir() if p.suffix in (".json", ".md", ".html", ".ipynb")]
    assert len(texts) == 4
    assert all(p.read_bytes().decode("utf-8") for p in texts)
    assert any(not p.read_bytes().isascii() for p in texts)


@pytest.mark.parametrize("where", ["date-folder", "reports-dir"])
def test_4_a_symlink_loop_is_exit_5_in_one_line(capsys, tmp_path, monkeypatch, where):
    root = tmp_path / "reports"
    if where == "date-folder":
        root.mkdir()
        (root / "2024-07-08").symlink_to(root / "2024-07-08")
        loop = root / "2024-07-08"
    else:
        tmp_path.joinpath("a").symlink_to(tmp_path / "b")
        tmp_path.joinpath("b").symlink_to(tmp_path / "a")
        root = loop = tmp_path / "a"
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    code, line = hostile.cli_line(capsys, "report", "--no-pdf", *SUMMARY[1:])
    assert code == 5
    assert line.startswith(f"error: {loop} is a loop of symbolic links") and "nothing is written through it" in line


# -- defect 8: nothing but the one line (no library's log line beside it) -------------------------

#: Yahoo unreachable, for certain and on any machine: libcurl (C, which conftest's socket guard
#: cannot see) is sent through a proxy on a closed loopback port, so every request is refused.
NO_YAHOO = {"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}


def printed_logs(caplog) -> list[str]:
    """Log records that reached the root logger at WARNING or above: the program configures no
    logging, so Python prints each of them on stderr (pytest's handler catches them here instead)."""
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.fixture
def yahoo_unreachable(monkeypatch):
    monkeypatch.delenv("MOMENTUM_OFFLINE")  # SOURCE=auto and yahoo really ask (and fail)
    for name, value in NO_YAHOO.items():
        monkeypatch.setenv(name, value)


def test_8_yahoo_unreachable_is_one_line_without_yfinance_log(capsys, caplog, no_reports, yahoo_unreachable):
    """yfinance logged "Cookie/crumb fetch failed (ConnectionError), continuing without crumb"
    (DNSError offline) on stderr, from the quote-type lookup, before the program's line."""
    code, line = hostile.cli_line(capsys, "summary", "--as-of", AS_OF, "--source", "yahoo")
    assert code == 3
    # which of the two yfinance reports depends on what yfinance cached earlier in the process (its
    # time-zone cache): either way one line that names Yahoo and the way out
    assert line.startswith(("error: Yahoo Finance could not be reached (", "error: Yahoo returned no data for IWM"))
    assert "SOURCE=snapshot" in line
    assert printed_logs(caplog) == []


def test_8_a_successful_auto_run_with_yahoo_unreachable_prints_nothing_on_stderr(capsys, caplog, yahoo_unreachable):
    from analysis import cli

    assert cli.main(["summary", "--as-of", AS_OF, "--source", "auto"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and json.loads(out)["as_of"] == AS_OF
    assert printed_logs(caplog) == []


@pytest.mark.slow
def test_8_a_dying_kernel_is_one_line_without_nbclient_log(capsys, caplog, tmp_path, monkeypatch):
    """nbclient logged "Kernel died while waiting for execute reply." before the exit-4 line."""
    import functools

    import nbformat

    from analysis.paths import COMMENTARY_NOTEBOOK
    from analysis.pipeline import report

    nb = nbformat.read(COMMENTARY_NOTEBOOK, as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    dying = tmp_path / "dying.ipynb"
    nbformat.write(nb, dying)
    monkeypatch.setattr(report, "run", functools.partial(report.run, notebook=dying))
    code, line = hostile.cli_line(capsys, "report", "--no-pdf", *SUMMARY[1:])
    assert code == 4
    assert line.startswith("error: notebook dying.ipynb: the kernel died while running")
    assert printed_logs(caplog) == []


# -- defect 7: HOME not writable, the same bytes twice ---------------------------------------------


@pytest.mark.slow
def test_7_home_not_writable_two_runs_are_byte_identical_and_quiet(tmp_path):
    """`HOME=/proc/nonexistent` twice: each notebook held matplotlib's warning naming a random
    /tmp/matplotlib-XXXX folder (the HTML an output area for it) and IPython warned on stderr."""
    env = {"HOME": "/proc/nonexistent"}
    pieces = []
    for run in ("first", "second"):
        root = tmp_path / run
        done = hostile.run_cli(root, "report", "--no-pdf", *SUMMARY[1:], env=env)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        pieces.append({p.name: p.read_bytes() for p in (root / AS_OF).iterdir()})
    assert pieces[0].keys() == pieces[1].keys() and "IWM.ipynb" in pieces[0]
    for name in pieces[0]:
        assert pieces[0][name] == pieces[1][name], name
    notebook = json.loads(pieces[0]["IWM.ipynb"])
    streams = [o for c in notebook["cells"] for o in c.get("outputs", []) if o["output_type"] == "stream"]
    assert streams == [] and b"/tmp/matplotlib-" not in pieces[0]["IWM.html"]


# -- defect 9: the smaller ones --------------------------------------------------------------------


@pytest.mark.parametrize("how", ["flag", "make-variable"])
def test_9_a_huge_confirm_n_is_refused_naming_confirm_n(capsys, no_reports, monkeypatch, how):
    """CONFIRM_N=99999999999999999999999 was accepted and printed ("99999999999999999999999 closes
    above the 50-DMA"); it is bounded by the fast average's window, as LEVEL is by the prices."""
    huge = "99999999999999999999999"
    if how == "make-variable":
        monkeypatch.setenv("CONFIRM_N", huge)
    code, line = hostile.cli_line(capsys, *SUMMARY, *(["--confirm-n", huge] if how == "flag" else []))
    assert code == 2
    assert line == (
        "error: CONFIRM_N 999999999999... (23 digits) is above 50: a run of closes longer than the 50-DMA's own"
        " window confirms no turn. Give a whole number from 1 to 50."
    )


def test_9_the_longest_confirm_n_allowed_is_a_piece(capsys):
    got = json.loads(_summary_out(capsys, "--confirm-n", "50"))
    assert "50 closes above the 50-DMA" in json.dumps(got)


def _summary_out(capsys, *args: str) -> str:
    from analysis import cli

    assert cli.main([*SUMMARY, *args]) == 0
    return capsys.readouterr().out


def test_9_a_price_file_without_volume_says_so(capsys, prices):
    """A Volume column missing became 0 everywhere, with no note."""
    path = prices / "IWM.csv.gz"
    frame = pd.read_csv(io.BytesIO(gzip.decompress(path.read_bytes())), dtype=str).drop(columns="Volume")
    path.write_bytes(gzip.compress(frame.to_csv(index=False).encode()))
    notes = json.loads(_summary_out(capsys))["data"]["ticker"]["notes"]
    assert "no Volume in the source: volume is not read (no volume ratio, no volume bars)" in notes


HOSTILE_TEXT = '<script>alert("x")</script> [x](javascript:alert(1)) '


def test_9_configuration_text_is_escaped_in_the_markdown_brief_as_in_the_html(tmp_path, monkeypatch):
    """A scenario title from scenarios.toml reached the Markdown brief raw: a renderer made a
    <script> element and a link of it (the HTML escaped it)."""
    import mistune

    from analysis import summary
    from analysis.params import Request
    from analysis.text import brief

    folder = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (folder / "scenarios.toml").read_text(encoding="utf-8")
    (folder / "scenarios.toml").write_text(text.replace('title = "', 'title = "' + HOSTILE_TEXT.replace('"', '\\"')))
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(folder))
    data = summary.build(Request.parse("IWM", "SPY", AS_OF, "snapshot")).data
    markdown = brief.markdown(data, "IWM.png")
    assert '<script>alert("x")</script>' in json.dumps(data, ensure_ascii=False).replace('\\"', '"')
    rendered = mistune.html(markdown)
    assert "<script" not in rendered and "<a " not in rendered and 'href="#harmful-link"' not in rendered
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; [x](javascript:alert(1))" in rendered
    assert rendered.count("<img ") == 1 and rendered.count("<table>") == 1  # the brief's own markup stands


def test_9_emphasis_and_code_in_configured_text_are_shown_not_rendered(tmp_path, monkeypatch):
    """Sixth hostile pass, left alone then: ``*``, ``_`` and backticks in a configured name or title made
    emphasis and code spans in the Markdown brief; they are escaped like ``< > [ ] |``."""
    import mistune

    from analysis import summary
    from analysis.params import Request
    from analysis.text import brief

    folder = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (folder / "scenarios.toml").read_text(encoding="utf-8")
    (folder / "scenarios.toml").write_text(text.replace('title = "', 'title = "*loud* _quiet_ `code` '))
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(folder))
    plain = brief.markdown(summary.build(Request.parse("IWM", "SPY", AS_OF, "snapshot")).data)
    rendered = mistune.html(plain)
    assert "*loud* _quiet_ `code`" in rendered and "<code>" not in rendered
    assert "<em>loud</em>" not in rendered and "<em>quiet</em>" not in rendered


@pytest.mark.parametrize("symbol", ["ıwm", "ß", "IWMé"])
def test_9_a_non_ascii_symbol_is_refused_with_the_rule(capsys, no_reports, symbol):
    """`TICKER=ıwm` became IWM ("ı".upper() is "I") and `TICKER=ß` became SS ("snapshot has no SS")."""
    code, line = hostile.cli_line(capsys, *SUMMARY, "--ticker", symbol)
    assert code == 2
    assert line == (
        f"error: TICKER {symbol!r} is not a ticker symbol: only the letters A-Z, digits and . - = (and a leading ^"
        " for an index) are allowed. Give a symbol, e.g. TICKER=IWM or TICKER=^VIX."
    )


@pytest.mark.parametrize("command", ["reports", "research"])
def test_9_a_bad_jobs_from_make_is_named_jobs(capsys, no_reports, monkeypatch, command):
    """`make reports JOBS=-1` said "--jobs -1 is below 1": make's users typed JOBS."""
    monkeypatch.setenv("JOBS", "-1")
    code, line = hostile.cli_line(capsys, command, "--as-of", AS_OF, "--source", "snapshot")
    assert (code, line) == (2, "error: JOBS -1 is below 1. Give a whole number >= 1.")
    code, line = hostile.cli_line(capsys, command, "--as-of", AS_OF, "--source", "snapshot", "--jobs", "0")
    assert (code, line) == (2, "error: --jobs 0 is below 1. Give a whole number >= 1.")


def test_9_a_file_system_out_of_inodes_is_told_so_not_to_free_disk_space(capsys, tmp_path, monkeypatch):
    """A tmpfs with megabytes free but no inode left: ENOSPC, which said "Free some disk space"."""
    with hostile.tmpfs(tmp_path / "disk", "64m", inodes=16) as disk:
        root = disk / "reports"
        root.mkdir()
        filler = 0
        with contextlib.suppress(OSError):
            while True:
                (disk / f"f{filler}").touch()
                filler += 1
        (disk / "f0").unlink()  # room for the lock folder, not for its lock
        monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
        code, line = hostile.cli_line(capsys, "report", "--no-pdf", *SUMMARY[1:])
        assert code == 5
        assert line.startswith(f"error: no free inodes (file entries) left on the device holding {root}")
        assert "nr_inodes" in line and "Free some disk space" not in line
        assert sorted(p.name for p in root.iterdir()) == [".locks"] and not any((root / ".locks").iterdir())


# -- defect 3: a signal to make alone stops the run -------------------------------------------------


@pytest.mark.slow
@pytest.mark.process
@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGINT, signal.SIGKILL], ids=["HUP", "INT", "KILL"])
def test_3_a_signal_to_make_alone_stops_the_run_and_publishes_nothing(tmp_path, signum):
    """`kill -HUP <make>` or `kill -INT <make>` once the kernel was up: make's handler waited for
    its recipe, which carried on and published the piece and the index ten seconds later (make
    then died of the signal). kill -9 left the run orphaned, publishing too. The run now stops."""
    root = tmp_path / "reports"
    make = subprocess.Popen(
        ["make", "-s", "--no-print-directory", "report", f"AS_OF={AS_OF}", "SOURCE=snapshot", "RESEARCH=0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "MOMENTUM_REPORTS_DIR": str(root)},
        cwd=PROJECT_DIR,
        preexec_fn=hostile.default_signals,
        start_new_session=True,  # the signal goes to make alone, as `kill` from another terminal
    )
    try:
        kernel_up = hostile.wait_for(lambda: any("ipykernel" in p for p in hostile.leftovers(root)), timeout=180)
        assert kernel_up, hostile.leftovers(root)
        make.send_signal(signum)
        _, err = make.communicate(timeout=120)  # the run holds make's stderr: this waits for it too
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
    assert make.returncode == -signum
    assert "interrupted (SIGTERM): nothing was published; earlier pieces are untouched." in err.splitlines(), err
    assert "Traceback" not in err
    assert hostile.no_leftovers(root) == [] and hostile.hidden(root) == []
    time.sleep(2)  # a run still going would publish now
    assert hostile.tree(root) == {}


@pytest.mark.process
def test_3_a_run_under_make_that_nobody_stops_finishes(tmp_path):
    """The run watches its parent make (analysis.interrupts.follow_make): no signal, no stop."""
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "summary", f"AS_OF={AS_OF}", "SOURCE=snapshot"],
        capture_output=True,
        text=True,
        env={**os.environ, "MOMENTUM_REPORTS_DIR": str(tmp_path / "reports")},
        cwd=PROJECT_DIR,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert json.loads(done.stdout)["as_of"] == AS_OF


# -- a fresh pass: the interpreter's own settings ----------------------------------------------------


@pytest.mark.process
def test_an_interpreter_without_docstrings_runs_the_program(tmp_path):
    """`PYTHONOPTIMIZE=2` (as `python -OO`) strips docstrings: the command line built its help
    from the module's docstring and ended in AttributeError: 'NoneType' object has no attribute 'split'."""
    env = {"PYTHONOPTIMIZE": "2"}
    done = hostile.run_cli(tmp_path / "reports", *SUMMARY, env=env, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert json.loads(done.stdout)["as_of"] == AS_OF
    done = hostile.run_cli(tmp_path / "reports", *SUMMARY, "--ticker", "ıwm", env=env, timeout=120)
    assert done.returncode == 2 and hostile.one_line(done.stderr).startswith("error: TICKER 'ıwm' is not a ticker")
