"""Robustness, a fifth hostile pass (issue 29, "Done when"): families the four earlier passes left alone.

* earlier pieces the "since the last piece" comparison reads, forged in the fields its sentences
  word (a level's date, kind and window, a talking point's score, the count of closes), or
  unreadable in new ways (a link to /dev/zero, a NaN, another schema); and no earlier state at
  all while the ticker has history (its first possible date, a benchmark that starts later);
* odd but valid parameters: a benchmark equal to the ticker for every kind, the first session
  of a history and the day before it, a fund against a coin on a weekend, a benchmark sharing
  53 sessions;
* bundled data of other shapes: no volume for weeks, an empty Adj Close column, a file of
  dates and closes only, unreadable volume cells, a 2:1 split left unadjusted on the last row
  and in the middle of the history, a file that is not gzip, gzip twice or cut short;
* configuration: a bad [[rule]] regex, [equivalent] entries that are no lists, line breaks in
  names and talking points' titles, the family's benchmark among its members;
* the index over summaries of the wrong types and over special files, its lock held by another run;
* the environment: a deleted working folder, a file-size limit (``ulimit -f``), an open-file
  limit, argv that is not UTF-8, standard input or error closed, no HOME, a read-only project
  folder; a batch with a parameter every piece shares refused; two batches and the index at once.

Each ends as the promise says: one line and the documented exit code with nothing written, or
the quiet success that is the right answer, with nothing false in the piece. The pass found
nineteen defects (each case's docstring says what it was); each is fixed and its test passes.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis import summary
from analysis.data import snapshot
from analysis.data.pieces import previous_piece
from analysis.paths import CONFIG_DIR
from analysis.pipeline.index import scan, write_index
from analysis.text import brief
from tests import hostile
from tests.conftest import AS_OF, PROJECT_DIR
from tests.test_robustness_fresh import run_json  # summary --source snapshot: exit 0, quiet, strict JSON

SNAP = ["--source", "snapshot"]
SUMMARY = ["summary", *SNAP, "--as-of", AS_OF]


def words(data: dict) -> str:
    """Everything a reader is told: the JSON's text and the Markdown brief."""
    return json.dumps(data, ensure_ascii=False) + brief.markdown(data)


# -- earlier pieces, forged where the since-last sentences read them ------------------------------

EARLIER = "2024-06-28"
_EARLIER: dict[str, dict] = {}


def _earlier_data(capsys) -> dict:
    """The IWM summary of the Friday before AS_OF (built once per worker, with no earlier piece); a copy."""
    if "data" not in _EARLIER:
        _EARLIER["data"] = run_json(capsys, "--as-of", EARLIER)
    return json.loads(json.dumps(_EARLIER["data"]))


@pytest.fixture
def earlier(capsys, tmp_path, monkeypatch):
    """``(path, summary)``: that piece, published in a fresh reports folder."""
    root = tmp_path / "reports"
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    data = _earlier_data(capsys)
    (root / EARLIER).mkdir(parents=True)
    path = root / EARLIER / "IWM.json"
    path.write_text(summary.to_json(data), encoding="utf-8")
    return path, data


def _passed_over(path: Path) -> list[str]:
    """What the new piece's search for its last piece skips (it reads the reports folder ``path`` is in)."""
    skipped: list[str] = []
    found = previous_piece("IWM", "SPY", AS_OF, path.parent.parent, schema_version=1, skipped=skipped)
    assert found is None, "the forged piece was compared with"
    return skipped


def _level(**fields):
    """An edit of the earlier piece's level to clear: a price every later close cleared, and ``fields``."""

    def edit(data: dict) -> None:
        data["level_to_clear"] = {**data["level_to_clear"], "price": 190.0, **fields}

    return edit


def _score(data: dict) -> None:
    data["scenarios"][0].update(score=777.0, verdict="contradicted")


def _closes(count):
    def edit(data: dict) -> None:
        data["confirmation"]["closes_above_sma50"] = count

    return edit


FORGED = {
    # each was worded into the new piece, or crashed it
    "level-date-not-a-date": _level(date="not-a-date", kind="swing_high"),  # ValueError traceback
    "level-date-a-number": _level(date=12345, kind="swing_high"),  # TypeError traceback
    "level-date-after-the-piece": _level(date="2030-01-01", kind="swing_high"),  # "set on January 1, 2030"
    "level-kind-unknown": _level(kind="<b>made up</b>"),  # worded as given
    "level-window-negative": _level(kind="recent_high", window=-5),  # "the highest close of -5 sessions"
    "level-window-huge": _level(kind="recent_high", window=1e11),  # "... of 100000000000.0 sessions"
    "score-out-of-range": _score,  # "fell from +777.00 to +1.00", ranked first
    "closes-negative": _closes(-5),  # "against -5 in the June 28 piece"
    "closes-fractional": _closes(2.7),  # read as 2
}


@pytest.mark.parametrize("edit", FORGED.values(), ids=list(FORGED))
def test_an_earlier_piece_forged_where_the_sentences_read_it_is_passed_over_and_named(earlier, edit):
    path, data = earlier
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    skipped = _passed_over(path)
    assert len(skipped) == 1 and skipped[0].startswith(f"The earlier piece of {EARLIER} was not compared with (")


@pytest.mark.parametrize(
    "edit, forged",
    [(FORGED["level-date-not-a-date"], "not-a-date"), (_score, "777.00")],
    ids=["crashed", "ranked-first"],
)
def test_the_new_piece_says_nothing_of_a_forged_earlier_piece(capsys, earlier, edit, forged):
    """End to end: a date that is none ended the summary in a ValueError traceback; a score of 777
    was the first thing page one said had changed."""
    path, data = earlier
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    now = run_json(capsys, "--as-of", AS_OF)
    assert now["since_last"]["against"] == "sessions"
    assert any(
        n.startswith(f"The earlier piece of {EARLIER} was not compared with (") for n in now["data"]["run_notes"]
    )
    assert forged not in json.dumps(now["since_last"]) + " ".join(now["brief"]["since_last"])


def test_an_earlier_piece_that_links_to_dev_zero_is_passed_over_quietly(earlier):
    path, _ = earlier
    path.unlink()
    path.symlink_to("/dev/zero")
    assert _passed_over(path) == []


def test_an_earlier_piece_saved_with_a_byte_order_mark_is_passed_over_quietly(earlier):
    path, _ = earlier
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert _passed_over(path) == []


@pytest.mark.parametrize(
    "edit, why",
    [
        (lambda d: {**d, "close": float("nan")}, "close is not a price"),
        (lambda d: {**d, "schema_version": 0}, "schema version 0, not 1"),
    ],
    ids=["nan-close", "older-schema"],
)
def test_an_earlier_piece_with_a_nan_or_of_another_schema_is_named_and_passed_over(earlier, edit, why):
    path, data = earlier
    path.write_text(json.dumps(edit(data)), encoding="utf-8")  # json writes the NaN literal
    assert _passed_over(path) == [f"The earlier piece of {EARLIER} was not compared with ({why})."]


# -- no earlier state to compare with, though the ticker has history -----------------------------

NOTHING = "There is no earlier piece of {t} to compare with, and none could be written five sessions back."


@pytest.mark.parametrize(
    "args",
    [["--as-of", "2001-03-13"], ["--benchmark", "BTC-USD", "--as-of", "2014-09-18"]],
    ids=["first-possible-date", "benchmark-starts-later"],
)
def test_without_an_earlier_state_the_piece_does_not_say_the_ticker_had_no_session(capsys, args):
    """Said "There is no earlier piece or session of IWM to compare with." on a date IWM had traded
    for ten months (or fourteen years): five sessions back was too early for a piece, not sessionless."""
    data = run_json(capsys, *args)
    assert data["since_last"]["previous_as_of"] is None
    assert data["brief"]["since_last"] == [NOTHING.format(t="IWM")]
    assert "no earlier piece or session" not in words(data)


# -- odd but valid parameters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "ticker, benchmark, named",
    [("^VIX", "^vix", "^VIX"), ("BTC-USD", "btc-usd", "BTC-USD"), ("^TNX", "^TNX", "^TNX"), ("HYG", " hyg ", "HYG")],
    ids=["gauge", "coin", "yield", "credit-in-spaces"],
)
def test_a_benchmark_equal_to_the_ticker_is_refused_for_every_kind(capsys, no_reports, ticker, benchmark, named):
    code, line = hostile.cli_line(capsys, *SUMMARY, "--ticker", ticker, "--benchmark", benchmark)
    assert code == 2 and line.startswith(f"error: BENCHMARK {named} is the same as TICKER"), line


@pytest.mark.parametrize(
    "as_of, expected",
    [
        ("2000-05-26", "AS_OF 2000-05-26 leaves only 1 session of history for IWM"),
        ("2000-05-25", "AS_OF 2000-05-25 is before the first session IWM and SPY share (2000-05-26)"),
    ],
    ids=["first-session", "day-before"],
)
def test_the_first_session_of_a_history_and_the_day_before_offer_the_first_possible_date(
    capsys, no_reports, as_of, expected
):
    code, line = hostile.cli_line(capsys, *SUMMARY[:-1], as_of)
    assert code == 2 and expected in line and line.endswith("Use AS_OF=2001-03-13 or later."), line


@pytest.mark.parametrize(
    "ticker, benchmark, session, note",
    [
        (
            "SPY",
            "BTC-USD",
            "2024-07-05",
            "2024-07-06 was not a trading session for SPY; this piece uses the last session before it, 2024-07-05.",
        ),
        ("BTC-USD", "^TNX", "2024-07-06", ""),
    ],
    ids=["fund-against-a-coin", "coin-against-a-yield"],
)
def test_a_saturday_follows_the_ticker_s_calendar_not_the_benchmark_s(capsys, ticker, benchmark, session, note):
    """SPY against BTC-USD on a Saturday said "The SPY data has no row for 2024-07-06, a session BTC-USD
    traded": the coin trades every day, so its sessions say nothing of a fund's missing rows."""
    data = run_json(capsys, "--ticker", ticker, "--benchmark", benchmark, "--as-of", "2024-07-06")
    assert data["as_of"] == session and (data.get("as_of_note") or "") == note


def test_a_benchmark_sharing_too_few_sessions_leaves_leadership_out_and_says_why(capsys):
    """NVDA against BTC-USD ten weeks after BTC-USD's data begins: 53 common sessions."""
    data = run_json(capsys, "--ticker", "NVDA", "--benchmark", "BTC-USD", "--as-of", "2014-12-01")
    assert data["data"]["common_sessions"] == 53 and data["leadership"]["value"] is None
    assert data["narrative"]["leadership"] == [
        "Leadership against BTC-USD needs 200 sessions of common history; NVDA does not have them yet."
    ]


def test_an_index_against_its_fund_at_the_date_the_error_offers_is_a_piece(capsys, no_reports):
    _, line = hostile.cli_line(capsys, *SUMMARY[:-1], "1930-01-02", "--ticker", "^GSPC")
    offered = re.search(r"Use AS_OF=(\d{4}-\d\d-\d\d) or later", line).group(1)
    assert run_json(capsys, "--ticker", "^GSPC", "--as-of", offered)["as_of"] == offered


# -- bundled data of other shapes -----------------------------------------------------------------


def _text(prices: Path, name: str = "IWM") -> str:
    return gzip.decompress((prices / f"{name}.csv.gz").read_bytes()).decode()


def _put(prices: Path, data: str | bytes, name: str = "IWM") -> None:
    """``data`` as the file: text is gzipped as the snapshot's files are, bytes are written as they are."""
    (prices / f"{name}.csv.gz").write_bytes(gzip.compress(data.encode()) if isinstance(data, str) else data)
    snapshot._read.cache_clear()


def _rows(text: str, edit, last: int | None = None) -> str:
    """``text`` with ``edit(fields)`` applied to each data row's fields (only the ``last`` rows when given)."""
    header, *rows = text.splitlines()
    start = len(rows) - last if last else 0
    return "\n".join([header, *rows[:start], *(",".join(edit(r.split(","))) for r in rows[start:])]) + "\n"


def _halved(fields: list[str]) -> list[str]:
    """A 2:1 split left unadjusted: open, high, low, close and adj_close halved, volume as it was."""
    return [fields[0], *(f"{float(v) / 2:.6f}" for v in fields[1:6]), *fields[6:]]


def test_weeks_without_volume_make_no_volume_news(capsys, prices):
    _put(prices, _rows(_text(prices), lambda f: [*f[:6], "0"], last=60))
    data = run_json(capsys)
    assert "volume" not in json.dumps(data["unusual"]) and not re.search(r"\bvolume\b", brief.markdown(data))


def test_an_adj_close_column_left_empty_is_price_only(prices):
    """Was price_only false with a note "6598 row(s) without Adj Close took Close": the piece then called
    its price returns total returns ("Over 10 years IWM returned +73.9% ... (total return, dividends
    reinvested)", against +98.6% with dividends)."""
    _put(prices, _rows(_text(prices), lambda f: [*f[:5], "", *f[6:]]))
    frame = snapshot.read("IWM")
    assert frame.attrs["price_only"] is True
    assert "no Adj Close in the source: returns are price-only (dividends not included)" in frame.attrs["notes"]


def test_a_file_of_dates_and_closes_only_says_what_it_lacks_and_claims_no_total_return(capsys, prices):
    """Open, High and Low took the close without a note, and the long view said "(total return,
    dividends reinvested)" beside the data note that the returns are price-only."""
    _put(prices, "\n".join(",".join(line.split(",")[0:5:4]) for line in _text(prices).splitlines()) + "\n")
    data = run_json(capsys, "--as-of", AS_OF)
    notes = data["data"]["ticker"]["notes"]
    assert any(n.startswith("no Open, High or Low in the source") for n in notes), notes
    performance = " ".join(data["narrative"]["performance"])
    assert "price return" in performance and "dividends reinvested" not in performance, performance


def test_unreadable_volume_cells_are_noted_with_their_rows(prices):
    """'1.2M' in Volume became 0 (no volume that day) without a word."""
    _put(prices, _rows(_text(prices), lambda f: [*f[:6], "1.2M"] if f[0] == "2024-07-08" else f))
    notes = snapshot.read("IWM").attrs["notes"]
    assert any("without volume" in n and "2024-07-08" in n for n in notes), notes


@pytest.mark.parametrize("where", ["last-row", "forty-sessions-back"])
def test_a_split_left_unadjusted_is_a_data_error_not_a_crash(capsys, no_reports, prices, where):
    """Halving the last row was published as "IWM fell 49.6% on August 21, 2026, its largest one-day
    fall in the data", defensive (the last-row rule's floor is a halving, and the move was a hair under
    it); halving the last forty rows as "IWM is in one of its deepest drawdowns ... 49.8% below its
    record close" (a level shift passes the neighbours' rule)."""
    text = _text(prices)
    _put(prices, _rows(text, _halved, last=1 if where == "last-row" else 40))
    day = text.splitlines()[-1 if where == "last-row" else -40].split(",")[0]
    code, line = hostile.cli_line(capsys, "summary", *SNAP)
    assert code == 3 and line.startswith(f"error: IWM (snapshot, {prices / 'IWM.csv.gz'}): ")
    assert f"{day} close" in line and "split" in line, line


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda text: text.encode(), "BadGzipFile: Not a gzipped file"),
        (lambda text: gzip.compress(gzip.compress(text.encode())), "UnicodeDecodeError"),
        (lambda text: gzip.compress(text.encode())[:50_000], "EOFError: Compressed file ended"),
    ],
    ids=["not-gzip", "gzip-twice", "gzip-cut-short"],
)
def test_a_price_file_that_is_no_gzip_or_gzip_twice_or_cut_is_exit_3_with_the_restore(
    capsys, no_reports, prices, damage, reason
):
    _put(prices, damage(_text(prices)))
    code, line = hostile.cli_line(capsys, *SUMMARY)
    assert code == 3 and line.startswith(f"error: the bundled file {prices / 'IWM.csv.gz'} could not be read")
    assert reason in line and line.endswith("Restore it with `git checkout -- analysis/data/prices`.")


def test_a_row_with_only_a_date_is_dropped_with_a_note(prices):
    _put(prices, _text(prices) + "2026-08-24,,,,,,\n")
    assert "1 row(s) without a close (2026-08-24): dropped" in snapshot.read("IWM").attrs["notes"]


# -- configuration --------------------------------------------------------------------------------

PROFILES = (CONFIG_DIR / "profiles.toml").read_text()
FAMILY = (CONFIG_DIR / "family.toml").read_text()
NAMES = (CONFIG_DIR / "names.toml").read_text()
SCENARIOS = (CONFIG_DIR / "scenarios.toml").read_text()
GSPC = '"^GSPC" = ["SPY", "VOO", "IVV", "^SPX"]'
assert GSPC in PROFILES and 'nickname = "Prodigal Son"' in FAMILY and '"IWM" = "the Russell 2000 ETF"' in NAMES


def _config(tmp_path, monkeypatch, name: str, text: str) -> Path:
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(folder))
    return folder / f"{name}.toml"


@pytest.mark.parametrize(
    "old, new, ticker, expected",
    [
        ("pattern = '^\\^'\n", "pattern = '^\\^['\n", "IWM", "a [[rule]] has a bad pattern (unterminated"),
        ("year = 365", "year = 0", "BTC-USD", "[profile.crypto] year = 0 is not a whole number"),
        ('returns = "price"\nvolume = true', 'returns = "bananas"\nvolume = true', "BTC-USD", "returns='bananas'"),
        (GSPC, '"^GSPC" = 5', "^GSPC", "[equivalent] ^GSPC = 5 is not a list of symbols"),  # TypeError traceback
        (GSPC, '"^GSPC" = "XSPYZ"', "^GSPC", "[equivalent] ^GSPC = 'XSPYZ' is not a list of symbols"),
    ],
    ids=["rule-bad-regex", "year-zero", "returns-unknown", "equivalent-a-number", "equivalent-a-string"],
)
def test_a_bad_value_in_profiles_toml_is_exit_2_naming_the_file(
    capsys, no_reports, tmp_path, monkeypatch, old, new, ticker, expected
):
    """The two [equivalent] cases broke: a number was a TypeError traceback, and a string was matched
    as text ("XSPYZ" contains "SPY"), so ^GSPC's Leadership against SPY was hidden by a typo."""
    assert old in PROFILES
    path = _config(tmp_path, monkeypatch, "profiles", PROFILES.replace(old, new, 1))
    code, line = hostile.cli_line(capsys, *SUMMARY, "--ticker", ticker)
    assert code == 2 and line.startswith(f"error: {path}: ") and expected in line, line


@pytest.mark.parametrize(
    "name, old, new",
    [
        ("names", '"IWM" = "the Russell 2000 ETF"', '"IWM" = "the Russell 2000 ETF\\n\\n# Buy now"'),
        ("scenarios", 'title = "Tech and growth keep rising', 'title = "Tech\\n# Buy now\\nand growth keep rising'),
    ],
    ids=["name", "talking-point"],
)
def test_a_line_break_in_a_configured_name_makes_no_markdown_heading(capsys, tmp_path, monkeypatch, name, old, new):
    """A name or a talking point's title with a line break started a '# Buy now' heading in the
    Markdown brief (escaping covered tags and links, not line breaks)."""
    _config(tmp_path, monkeypatch, name, {"names": NAMES, "scenarios": SCENARIOS}[name].replace(old, new))
    text = brief.markdown(run_json(capsys, "--as-of", AS_OF))
    assert "Buy now" in text and not re.search(r"^#+ Buy now", text, re.MULTILINE), text


def test_an_empty_name_writes_the_symbol_alone(capsys, tmp_path, monkeypatch):
    _config(tmp_path, monkeypatch, "names", NAMES.replace('"IWM" = "the Russell 2000 ETF"', '"IWM" = ""'))
    assert "IWM ()" not in words(run_json(capsys, "--as-of", AS_OF))


def test_the_family_s_benchmark_as_a_member_is_refused(capsys, no_reports, tmp_path, monkeypatch):
    """SPY listed as a member of a family measured against SPY was counted among the members that
    could lead SPY ("1 of 7 lead SPY"): its Leadership against itself is always zero."""
    path = _config(tmp_path, monkeypatch, "family", FAMILY + '\n[[member]]\nticker = "SPY"\nnickname = "Itself"\n')
    code, line = hostile.cli_line(capsys, *SUMMARY)
    assert code == 2 and line.startswith(f"error: {path}: SPY is the family's benchmark"), line


def test_a_lower_case_member_is_the_member(capsys, tmp_path, monkeypatch):
    _config(tmp_path, monkeypatch, "family", FAMILY.replace('ticker = "XRT"', 'ticker = "xrt"'))
    tickers = [m["ticker"] for m in run_json(capsys, "--as-of", AS_OF)["family"]["members"]]
    assert "XRT" in tickers and "xrt" not in tickers


# -- the index --------------------------------------------------------------------------------------


def test_summaries_with_values_of_the_wrong_type_are_not_listed_as_reprs(capsys, tmp_path):
    """A NaN headline was listed as "nan", a ticker that is an object as "{'a': '<b>'}", a phase that
    is a list as "['x']"."""
    root, good = tmp_path / "reports", _earlier_data(capsys)
    folder = root / EARLIER
    folder.mkdir(parents=True)
    (folder / "IWM.json").write_text(summary.to_json(good), encoding="utf-8")
    (folder / "NAN.json").write_text(json.dumps({**good, "ticker": "NAN", "headline": float("nan")}))
    (folder / "OBJ.json").write_text(json.dumps({**good, "ticker": {"a": "<b>"}}))
    (folder / "LIST.json").write_text(json.dumps({**good, "ticker": "LIST", "phase": ["x"]}))
    entries, problems = scan(root)
    shown = {(e.ticker, e.phase, e.headline) for e in entries}
    assert not any(re.search(r"^nan$|[{\[]", text) for row in shown for text in row), shown
    assert len(entries) + len(problems) == 4 and "IWM" in {e.ticker for e in entries}


def test_special_files_named_like_summaries_are_skipped_or_named(capsys, tmp_path):
    root = tmp_path / "reports"
    folder = root / EARLIER
    folder.mkdir(parents=True)
    (folder / "IWM.json").write_text(summary.to_json(_earlier_data(capsys)), encoding="utf-8")
    (folder / "ZERO.json").symlink_to("/dev/zero")
    (folder / "LOOP.json").symlink_to("LOOP.json")
    (folder / "PROC.json").symlink_to("/proc/self/status")
    with open(folder / "SPARSE.json", "wb") as fh:
        fh.truncate(30_000_000)
    (folder / "BOM.json").write_bytes(b"\xef\xbb\xbf{}")
    (folder / "U16.json").write_bytes('{"ticker": "U16"}'.encode("utf-16"))
    (root / "2024-02-30").mkdir()
    (root / "2024-02-30" / "IWM.json").write_text(summary.to_json(_earlier_data(capsys)), encoding="utf-8")
    page = write_index(root)
    entries, problems = scan(root)
    assert [e.stem for e in entries] == ["IWM"]
    assert sorted(p.split(":")[0] for p in problems) == [
        f"{EARLIER}/{n}.json" for n in ("BOM", "PROC", "SPARSE", "U16")
    ]
    assert "30,000,000 bytes" in page.read_text()


@contextlib.contextmanager
def _index_lock_held(root: Path):
    import fcntl

    (root / ".locks").mkdir(parents=True)
    with open(root / ".locks" / "_index.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def test_an_index_lock_held_too_long_names_the_index_page(capsys, tmp_path, monkeypatch):
    """Said "another run is still writing _index after 0.2 s": the lock's own name, not the page's."""
    root = tmp_path / "reports"
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    monkeypatch.setenv("MOMENTUM_LOCK_WAIT", "0.2")
    with _index_lock_held(root):
        code, line = hostile.cli_line(capsys, "index")
    assert code == 5 and line.startswith(f"error: another run is still writing {root / 'index.html'} after 0.2 s.")


@pytest.mark.process
def test_sigterm_while_waiting_for_the_index_lock_is_one_line(tmp_path):
    root = tmp_path / "reports"
    with _index_lock_held(root):
        proc = hostile.start(root, "index")
        assert hostile.wait_for(lambda: _opened(proc.pid, root / ".locks" / "_index.lock"), timeout=120)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143
    assert hostile.one_line(err) == "interrupted (SIGTERM): nothing was published; earlier pieces are untouched."
    assert not (root / "index.html").exists() and hostile.hidden(root) == []


def _opened(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has ``path`` open (it is waiting for that lock)."""
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


# -- a batch: what every piece shares is checked once -------------------------------------------------


@pytest.mark.parametrize(
    "option, value, expected",
    [("--source", "bogus", "SOURCE 'bogus' is not known"), ("--as-of", "20240708", "AS_OF '20240708' is not a date")],
    ids=["source", "as-of"],
)
def test_a_batch_with_a_bad_shared_parameter_is_one_line_and_writes_nothing(
    capsys, no_reports, option, value, expected
):
    """Printed one FAILED line per ticker, exit 1, and wrote index.html (and .locks) into the reports folder."""
    code, line = hostile.cli_line(
        capsys, "reports", "--tickers", "IWM", "QQQ", "--no-pdf", "--no-progress", option, value
    )
    assert code == 2 and line.startswith(f"error: {expected}"), line


# -- the environment, for real ----------------------------------------------------------------------


def _gone(folder: Path):
    """``preexec_fn``: the child starts in ``folder``, which is then removed under it."""

    def enter() -> None:
        hostile.default_signals()
        os.chdir(folder)
        os.rmdir(folder)

    return enter


def _run(args: list[str], env: dict, preexec=hostile.default_signals, stdout=subprocess.PIPE, unset=(), **kw):
    """``python -m analysis <args>`` run to the end with ``env`` added (and ``unset`` taken out)."""
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env={**{k: v for k, v in os.environ.items() if k not in unset}, **env},
        cwd=PROJECT_DIR,
        preexec_fn=preexec,
        timeout=300,
        check=False,
        **kw,
    )


@pytest.mark.process
def test_the_index_from_a_deleted_working_folder_is_written_and_said(tmp_path):
    """Wrote the page, then a FileNotFoundError traceback (os.path.relpath asks for the working folder), exit 1."""
    (tmp_path / "cwd").mkdir()
    done = _run(["index"], {"MOMENTUM_REPORTS_DIR": str(tmp_path / "r")}, preexec=_gone(tmp_path / "cwd"))
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout == f"wrote {tmp_path / 'r' / 'index.html'} (0 pieces)\n"


@pytest.mark.process
def test_a_relative_reports_folder_in_a_deleted_working_folder_is_not_called_a_symlink_loop(tmp_path):
    """Said "rel is a loop of symbolic links (it leads back to itself)"."""
    (tmp_path / "cwd").mkdir()
    done = _run(["index"], {"MOMENTUM_REPORTS_DIR": "rel"}, preexec=_gone(tmp_path / "cwd"))
    line = hostile.one_line(done.stderr)
    assert done.returncode == 5 and "symbolic links" not in line and "working folder" in line, line


def _file_size_limit(limit: int):
    def limited() -> None:
        hostile.default_signals()
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limited


@pytest.mark.process
def test_an_index_larger_than_the_file_size_limit_says_the_limit(tmp_path):
    """Said "File too large. Set MOMENTUM_REPORTS_DIR to a writable folder": the folder was writable."""
    root = tmp_path / "r"
    done = _run(["index"], {"MOMENTUM_REPORTS_DIR": str(root)}, preexec=_file_size_limit(1000))
    line = hostile.one_line(done.stderr)
    assert done.returncode == 5 and "ulimit -f" in line and "writable folder" not in line, line
    assert not (root / "index.html").exists() and hostile.hidden(root) == []


@pytest.mark.process
def test_a_summary_larger_than_the_file_size_limit_is_an_error_not_a_cut_json(tmp_path):
    """`ulimit -f 1; make summary > s.json` wrote the first 1000 bytes and exited 0 (Python's buffered
    writer took the short write as the whole)."""
    with open(tmp_path / "s.json", "w") as out:
        done = _run([*SUMMARY], {"MOMENTUM_REPORTS_DIR": str(tmp_path / "r")}, _file_size_limit(1000), stdout=out)
    line = hostile.one_line(done.stderr)
    assert done.returncode == 1 and line.startswith(
        "error: could not write the summary to standard output: File too large"
    )


@pytest.mark.process
def test_argv_that_is_not_utf8_is_one_line_exit_2(tmp_path):
    done = subprocess.run(
        [sys.executable.encode(), b"-m", b"analysis", *(a.encode() for a in SUMMARY), b"--ticker", b"I\xffWM"],
        capture_output=True,
        env={**os.environ, "MOMENTUM_REPORTS_DIR": str(tmp_path / "r")},
        cwd=PROJECT_DIR,
        timeout=300,
        check=False,
    )
    line = hostile.one_line(done.stderr.decode("utf-8", "replace"))
    assert done.returncode == 2 and line.startswith("error: TICKER 'I\\udcffWM' is not a ticker symbol"), line


@pytest.mark.process
def test_standard_input_and_error_closed_change_nothing(tmp_path):
    env = {"MOMENTUM_REPORTS_DIR": str(tmp_path / "r")}
    plain = _run(SUMMARY, env)
    closed = _run(SUMMARY, env, stdin=subprocess.DEVNULL, preexec=lambda: (hostile.default_signals(), os.close(0)))
    assert closed.returncode == 0 and closed.stdout == plain.stdout and closed.stderr == ""
    refused = _run([*SUMMARY, "--ticker", "../x"], env, preexec=lambda: (hostile.default_signals(), os.close(2)))
    assert refused.returncode == 2 and "Traceback" not in refused.stdout


@pytest.mark.process
def test_no_home_and_a_tight_open_file_limit_change_nothing(tmp_path):
    env = {"MOMENTUM_REPORTS_DIR": str(tmp_path / "r")}
    plain = _run(SUMMARY, env)

    def tight() -> None:
        hostile.default_signals()
        resource.setrlimit(resource.RLIMIT_NOFILE, (16, 16))

    done = _run(SUMMARY, env, unset=("HOME",))
    assert done.returncode == 0 and done.stdout == plain.stdout and done.stderr == ""
    limited = _run(SUMMARY, env, preexec=tight)
    assert limited.returncode == 0 and limited.stdout == plain.stdout and limited.stderr == ""


# -- slow: a kernel for real --------------------------------------------------------------------------


@pytest.mark.slow
def test_a_kernel_that_cannot_start_for_the_open_file_limit_is_one_line_exit_4(tmp_path):
    """`ulimit -n 40; make report`: "Error occurred while starting new kernel client ..." and a
    RuntimeError traceback ("Kernel died before replying to kernel_info"), exit 1."""
    root = tmp_path / "r"

    def limited() -> None:
        hostile.default_signals()
        resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))

    done = _run(["report", "--no-pdf", *SUMMARY[1:]], {"MOMENTUM_REPORTS_DIR": str(root)}, preexec=limited)
    line = hostile.one_line(done.stderr)
    assert done.returncode == 4 and line.startswith("error: notebook commentary.ipynb: the kernel died as it started")
    assert "ulimit -n" in line and not (root / AS_OF).exists() and hostile.no_leftovers(root) == []


@pytest.mark.slow
def test_a_read_only_project_folder_still_writes_the_piece_elsewhere(tmp_path):
    """The project bind-mounted read-only onto itself, in a mount namespace of its own."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare here: a private read-only mount needs util-linux and root")
    root = tmp_path / "r"
    script = (
        f"mount --bind -o ro '{PROJECT_DIR}' '{PROJECT_DIR}' || exit 99;"
        f" exec '{sys.executable}' -m analysis report --no-pdf {' '.join(SUMMARY[1:])}"
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "MOMENTUM_REPORTS_DIR": str(root)},
        cwd=PROJECT_DIR,
        timeout=600,
        check=False,
    )
    if done.returncode == 99:
        pytest.skip(f"cannot mount here ({done.stderr.strip()[:120]}): a private read-only mount needs root")
    assert done.returncode == 0, done.stderr
    assert {"IWM.json", "IWM.html", "IWM.ipynb", "IWM.md", "IWM.png"} <= {p.name for p in (root / AS_OF).iterdir()}


@pytest.mark.slow
def test_two_batches_of_the_same_piece_and_index_rebuilds_at_once_all_finish_whole(tmp_path):
    root = tmp_path / "r"
    argv = ["reports", "--tickers", "IWM", "--no-pdf", "--no-progress", "--jobs", "1", *SUMMARY[1:]]
    batches = [hostile.start(root, *argv)]
    time.sleep(2)
    batches.append(hostile.start(root, *argv))
    indexes = []
    while any(b.poll() is None for b in batches):
        indexes.append(hostile.run_cli(root, "index", timeout=120))
        time.sleep(0.5)
    outs = [b.communicate(timeout=600) for b in batches]
    assert [b.returncode for b in batches] == [0, 0], outs
    assert all(i.returncode == 0 and i.stderr == "" for i in indexes), [i.stderr for i in indexes]
    assert sorted(hostile.tree(root)) == [f"{AS_OF}/IWM.{x}" for x in ("html", "ipynb", "json", "md", "png")] + [
        "index.html"
    ]
    assert scan(root)[0][0].stem == "IWM" and hostile.hidden(root) == [] and hostile.no_leftovers(root) == []
