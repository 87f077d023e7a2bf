"""Robustness, a fresh hostile pass (issue 29, "Done when"): families no earlier pass tried.

* odd but valid inputs that must work: a lower-case ticker in spaces, a weekend for a coin and
  for a fund, a holiday, the first date with enough history, a LEVEL exactly at the close, a
  yield or a gauge as benchmark, a gauge against a coin, CONFIRM_N=1, a repeated option;
* the command line itself: an unknown command or option, no command, a stray ``--``, every
  command's ``--help``; numbers written as Python would read them but a user would not mean;
* files a user touched: an earlier piece edited to an impossible level, or cut short; an
  index.html that is a symlink; summaries published while the index is rebuilt in threads;
* the environment: a ``~`` in MOMENTUM_REPORTS_DIR, a folder with spaces and non-ASCII
  letters, a name too long for the file system, umask 077, other time zones, no LANG;
* every profile kind's JSON (strict: no NaN) and Markdown brief (no nan, None or inf).

Each ends as the promise says: one line and the documented exit code, or the quiet success
that is the right answer. The command line runs in this process unless the process is tested.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading

import pytest

from analysis import cli, params, summary
from analysis.pipeline.index import scan, write_index
from analysis.text import brief
from tests import hostile
from tests.conftest import AS_OF, PROJECT_DIR

SNAP = ["--source", "snapshot"]


def run_json(capsys, *args: str) -> dict:
    """``summary <args>`` in this process: exit 0, nothing on stderr, strict JSON (no NaN)."""
    code = cli.main(["summary", *SNAP, *args])
    out = capsys.readouterr()
    assert code == 0 and out.err == "", out.err

    def refuse(constant):
        raise AssertionError(f"the JSON holds {constant}")

    return json.loads(out.out, parse_constant=refuse)


# -- odd but valid inputs that must work ---------------------------------------------------------


def test_a_lower_case_ticker_in_spaces_is_the_same_piece(capsys):
    plain = run_json(capsys, "--as-of", AS_OF, "--ticker", "IWM")
    odd = run_json(capsys, "--as-of", f" {AS_OF} ", "--ticker", "  iwm\t", "--source", "SNAPSHOT")
    assert odd == plain


@pytest.mark.parametrize(
    "ticker, session, note",
    [("BTC-USD", "2024-07-06", ""), ("IWM", "2024-07-05", "2024-07-06 was not a trading session for IWM")],
    ids=["coin-trades-on-saturday", "fund-takes-friday"],
)
def test_a_saturday_is_a_session_for_a_coin_and_not_for_a_fund(capsys, ticker, session, note):
    data = run_json(capsys, "--as-of", "2024-07-06", "--ticker", ticker)
    assert data["as_of"] == session and data["as_of_requested"] == "2024-07-06"
    assert data["as_of_note"].startswith(note) and bool(data["as_of_note"]) == bool(note)


def test_independence_day_is_the_session_before_it(capsys):
    data = run_json(capsys, "--as-of", "2024-07-04")
    assert data["as_of"] == "2024-07-03"
    assert data["as_of_note"] == (
        "2024-07-04 was not a trading session for IWM; this piece uses the last session before it, 2024-07-03."
    )


def test_the_first_date_the_too_early_error_offers_works_and_the_session_before_does_not(capsys):
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--as-of", "1990-01-02")
    first = re.search(r"AS_OF=(\d{4}-\d{2}-\d{2}) or later", line).group(1)
    assert code == 2 and run_json(capsys, "--as-of", first)["as_of"] == first
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--as-of", "2001-03-12")  # the session before
    assert code == 2 and f"AS_OF={first} or later" in line and "199 sessions" in line


def test_a_level_exactly_at_the_close_is_a_level_at_zero_distance(capsys):
    close = run_json(capsys, "--as-of", AS_OF)["close"]
    data = run_json(capsys, "--as-of", AS_OF, "--level", repr(close))
    assert data["level_to_clear"]["price"] == close and data["level_to_clear"]["distance"] == 0.0
    assert "-0.0" not in brief.markdown(data)


@pytest.mark.parametrize("bench", ["^TNX", "^VIX"], ids=["yield", "gauge"])
def test_a_positive_yield_or_a_gauge_as_benchmark_is_a_piece(capsys, bench):
    data = run_json(capsys, "--as-of", AS_OF, "--benchmark", bench)
    assert (data["ticker"], data["benchmark"], data["as_of"]) == ("IWM", bench, AS_OF)


def test_a_gauge_against_a_coin_is_a_piece(capsys):
    data = run_json(capsys, "--as-of", AS_OF, "--ticker", "^vix", "--benchmark", "btc-usd")
    assert (data["ticker"], data["benchmark"], data["profile"]["kind"]) == ("^VIX", "BTC-USD", "volatility")


def test_confirm_n_of_one_confirms_on_one_close(capsys):
    data = run_json(capsys, "--as-of", AS_OF, "--confirm-n", "1")
    assert data["confirmation"]["n"] == 1
    assert data["confirmation"]["confirmed"] == (data["confirmation"]["closes_above_sma50"] >= 1)


def test_a_repeated_option_is_the_last_one_as_in_make(capsys):
    twice = run_json(capsys, "--as-of", AS_OF, "--ticker", "IWM", "--ticker", "QQQ")
    assert twice == run_json(capsys, "--as-of", AS_OF, "--ticker", "QQQ")


# -- the command line itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["frobnicate"], "error: unknown command 'frobnicate'. Use one of: report, summary, research,"),
        (["report", "--tickr", "IWM"], "error: unrecognized arguments: --tickr IWM. Run `python -m analysis report"),
        ([], "error: no command given. Use one of: report, summary, research,"),
        (["summary", "--", "--ticker", "IWM"], "error: unrecognized arguments: -- --ticker IWM. Run `python -m"),
        (["summary", "--ticker"], "error: argument --ticker: expected one argument. Run `python -m analysis summary"),
    ],
    ids=["unknown-command", "unknown-option", "no-command", "double-dash", "option-without-value"],
)
def test_a_command_line_argparse_refuses_is_one_line_exit_2(capsys, no_reports, argv, expected):
    """Was argparse's usage block (three lines), its own 'python -m analysis: error:' and a SystemExit."""
    code, line = hostile.cli_line(capsys, *argv)
    assert code == 2 and line.startswith(expected), line
    assert line.endswith("--help` for the options.") or "Use one of" in line


@pytest.mark.parametrize("command", ["report", "summary", "research", "reports", "index", "bench", "setup", "browser"])
def test_every_command_s_help_is_exit_0_on_stdout(capsys, no_reports, command):
    with pytest.raises(SystemExit) as stop:
        cli.parser().parse_args([command, "--help"])
    out = capsys.readouterr()
    assert stop.value.code == 0 and out.err == ""
    assert out.out.startswith(f"usage: python -m analysis {command}")


@pytest.mark.parametrize(
    "option, value, what",
    [
        ("--level", "2_05", "LEVEL"),
        ("--level", "２０５", "LEVEL"),
        ("--confirm-n", "1_0", "CONFIRM_N"),
        ("--confirm-n", "٥", "CONFIRM_N"),
    ],
    ids=["level-underscore", "level-fullwidth", "confirm-underscore", "confirm-arabic-indic"],
)
def test_a_number_only_python_would_read_is_refused(capsys, no_reports, option, value, what):
    """LEVEL=2_05 was read as 205 (float() takes underscores) and CONFIRM_N=٥ as 5."""
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--as-of", AS_OF, option, value)
    assert code == 2 and line.startswith(f"error: {what} {value!r} is not a ")


# -- files a user touched -----------------------------------------------------------------------

EARLIER = "2024-06-28"


@pytest.fixture
def earlier_piece(capsys, tmp_path, monkeypatch):
    """A reports folder holding the IWM summary of the Friday before AS_OF, as a piece publishes it."""
    root = tmp_path / "reports"
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    data = run_json(capsys, "--as-of", EARLIER)
    (root / EARLIER).mkdir(parents=True)
    path = root / EARLIER / "IWM.json"
    path.write_text(summary.to_json(data), encoding="utf-8")
    return path, data


def test_an_untouched_earlier_piece_is_what_the_new_one_compares_with(capsys, earlier_piece):
    since = run_json(capsys, "--as-of", AS_OF)["since_last"]
    assert since["against"] == "piece" and since["previous_as_of"] == EARLIER


@pytest.mark.parametrize(
    "key, price",
    [("level_to_clear", -1.0), ("support", 1e6)],
    ids=["level-below-zero", "support-a-million"],
)
def test_an_earlier_piece_edited_to_an_impossible_level_is_not_news(capsys, earlier_piece, key, price):
    """Was 'IWM closed above the level to clear at -1.00 ... on July 1', a since-last headline."""
    path, data = earlier_piece
    data[key] = {**(data[key] or {}), "price": price, "kind": "swing_high" if key == "level_to_clear" else "swing_low"}
    path.write_text(json.dumps(data), encoding="utf-8")
    now = run_json(capsys, "--as-of", AS_OF)
    words = json.dumps(now["since_last"]) + " ".join(now["brief"]["since_last"])
    assert f"{price:,.2f}" not in words and now["since_last"]["against"] == "sessions"
    assert any(
        note.startswith(f"The earlier piece of {EARLIER} was not compared with") and "far outside" in note
        for note in now["data"]["run_notes"]
    ), now["data"]["run_notes"]


def test_an_earlier_piece_whose_close_the_data_does_not_have_is_not_compared_with(capsys, earlier_piece):
    """A piece written from other data (a split since, an edit) would compare levels in other units."""
    path, data = earlier_piece
    path.write_text(json.dumps({**data, "close": data["close"] * 2}), encoding="utf-8")
    now = run_json(capsys, "--as-of", AS_OF)
    assert now["since_last"]["against"] == "sessions"
    assert any("is not the data's close" in note for note in now["data"]["run_notes"]), now["data"]["run_notes"]


def test_an_earlier_piece_cut_short_is_passed_over_quietly(capsys, earlier_piece):
    path, _ = earlier_piece
    path.write_bytes(path.read_bytes()[:200])
    now = run_json(capsys, "--as-of", AS_OF)
    assert now["since_last"]["against"] == "sessions"


def test_an_index_html_that_is_a_symlink_is_replaced_not_written_through(tmp_path):
    root, outside = tmp_path / "reports", tmp_path / "outside.html"
    root.mkdir()
    outside.write_text("someone else's page")
    (root / "index.html").symlink_to(outside)
    write_index(root)
    assert outside.read_text() == "someone else's page"
    assert not (root / "index.html").is_symlink() and "<html" in (root / "index.html").read_text()


def test_summaries_published_while_the_index_is_rebuilt_all_end_up_listed(capsys, tmp_path):
    root = tmp_path / "reports"
    text = summary.to_json(run_json(capsys, "--as-of", AS_OF))
    days = [f"2024-07-{d:02d}" for d in range(1, 13)]
    errors: list[BaseException] = []

    def publish():
        for day in days:
            (root / day).mkdir(parents=True)
            tmp = root / day / ".IWM.json.tmp"
            tmp.write_text(text.replace(f'"as_of": "{AS_OF}"', f'"as_of": "{day}"'), encoding="utf-8")
            tmp.replace(root / day / "IWM.json")

    def rebuild():
        try:
            for _ in range(6):
                write_index(root)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=publish)] + [threading.Thread(target=rebuild) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    write_index(root)  # the run after the last publish, as a piece's own run does
    entries, problems = scan(root)
    assert problems == [] and sorted(e.date for e in entries) == days
    assert not [p for p in root.iterdir() if p.name.startswith(".index-")]


# -- the environment --------------------------------------------------------------------------


def test_a_tilde_in_the_reports_folder_is_the_home_folder(tmp_path, monkeypatch):
    """MOMENTUM_REPORTS_DIR='~/reports' (quoted, so the shell left it) made a folder named '~'."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", "~/reports")
    monkeypatch.chdir(tmp_path)
    assert write_index() == tmp_path / "home" / "reports" / "index.html"
    assert not (tmp_path / "~").exists()


def test_a_reports_folder_with_spaces_and_accents_is_read_and_indexed(capsys, tmp_path, monkeypatch):
    root = tmp_path / "my reports/été ✓"
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    data = run_json(capsys, "--as-of", EARLIER)
    (root / EARLIER).mkdir(parents=True)
    (root / EARLIER / "IWM.json").write_text(summary.to_json(data), encoding="utf-8")
    assert run_json(capsys, "--as-of", AS_OF)["since_last"]["previous_as_of"] == EARLIER
    assert cli.main(["index"]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {root}/index.html (1 piece)")


def test_a_reports_folder_name_too_long_for_the_file_system(capsys, tmp_path, monkeypatch):
    """summary only reads the folder (earlier pieces): it works; index must write: exit 5, one line.
    Was an OSError traceback (ENAMETOOLONG) from the summary."""
    root = tmp_path / ("a" * 300)
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    assert run_json(capsys, "--as-of", AS_OF)["since_last"]["against"] == "sessions"
    code, line = hostile.cli_line(capsys, "index")
    assert code == 5 and line.endswith(
        "File name too long. Set MOMENTUM_REPORTS_DIR to a writable folder (or unset it for reports/ in the project)."
    )


def test_under_umask_077_the_index_is_still_readable_by_the_web_server(tmp_path):
    old = os.umask(0o077)
    try:
        page = write_index(tmp_path / "reports")
    finally:
        os.umask(old)
    assert stat.S_IMODE(page.stat().st_mode) == 0o644


@pytest.mark.process
def test_the_summary_is_the_same_bytes_in_any_time_zone_and_without_lang(tmp_path):
    """A far east zone (UTC+14), a far west one (UTC-12), a half-hour one, a bogus name, no LANG."""
    outputs = set()
    base = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_CTYPE", "TZ")}
    for extra in (
        {"TZ": "UTC"},
        {"TZ": "Pacific/Kiritimati"},
        {"TZ": "Etc/GMT+12"},
        {"TZ": "Asia/Kolkata"},
        {"TZ": "Nowhere/Bogus"},
        {},
    ):
        done = subprocess.run(
            [sys.executable, "-m", "analysis", "summary", "--as-of", AS_OF, *SNAP],
            capture_output=True,
            env={**base, **extra, "MOMENTUM_REPORTS_DIR": str(tmp_path / "r")},
            cwd=PROJECT_DIR,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0 and done.stderr == b"", (extra, done.stderr)
        outputs.add(done.stdout)
    assert len(outputs) == 1


# -- every profile kind: strict JSON, a brief without placeholders ----------------------------

KINDS = {
    "equity": "IWM",
    "crypto": "BTC-USD",
    "credit": "HYG",
    "bond_fund": "LQD",
    "equity_index": "^GSPC",
    "yield": "^IRX",
    "volatility": "^VIX",
}


@pytest.mark.parametrize("kind, ticker", KINDS.items(), ids=list(KINDS))
def test_every_profile_kind_s_json_is_strict_and_its_brief_has_no_placeholder(capsys, kind, ticker):
    for as_of in ("2020-03-16", ""):  # the crash and the latest session (AS_OF: the golden briefs)
        data = run_json(capsys, "--ticker", ticker, *(["--as-of", as_of] if as_of else []))
        assert data["profile"]["kind"] == kind
        text = brief.markdown(data)
        text.encode("utf-8")
        assert not re.search(r"\b(nan|NaN|None|inf|Infinity|null)\b|\{\w+\}", text), (as_of, text)
        assert params.ticker(ticker) in text
