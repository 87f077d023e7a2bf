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

import json
from pathlib import Path

import pytest

from analysis import summary
from analysis.data.pieces import previous_piece
from analysis.text import brief
from tests.conftest import AS_OF
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
