"""Robustness, a twenty-second hostile pass (continued; families and findings: ``test_robustness_twentysecond.py``).

3. History revised between two pieces, and 5. Python and tooling edges (see the first file's docstring).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis import cli
from tests.test_robustness_twentysecond import _spy, bring

# -- 3. history revised between two pieces -------------------------------------------------------------------


def _publish_summary(capsys, root: Path, ticker: str, as_of: str) -> dict:
    """The summary a piece of ``ticker`` as of ``as_of`` publishes, put where a piece's JSON goes (no kernel)."""
    code = cli.main(["summary", "--source", "local", "--ticker", ticker, "--as-of", as_of])
    out = capsys.readouterr()
    assert code == 0, out.err
    (root / as_of).mkdir(parents=True, exist_ok=True)
    (root / as_of / f"{ticker}.json").write_text(out.out)
    return json.loads(out.out)


def _grades(capsys, root: Path) -> tuple[dict, str]:
    code = cli.main(["grade", "--source", "local", "--root", str(root)])
    out = capsys.readouterr()
    assert code == 0 and out.err == "", out.err
    graded = root / "grades.json"
    return (json.loads(graded.read_text()) if graded.exists() else {"pieces": []}), out.out


def test_a_piece_whose_close_the_data_revised_since_is_not_graded_on_another_close(capsys, price_cache, tmp_path):
    """(F) SYNTHETIC: the bundled SPY brought as REV; a piece as of 2024-07-08 published at 555.28, then that
    row corrected 3% up (571.94) in the user's file. The next piece said so ("The earlier piece of 2024-07-08
    was not compared with (its close 555.28 is not the data's close on that day, 571.94: other data, or an
    edit)"), but ``make grade`` graded the published call from 571.94, in silence: its 60-session mark turned
    from right (+2.7%) to wrong (-0.3%). Now it is not graded, and the note says why; and with no call left to
    grade, the grades of the last ``make grade`` (its marks in the index) are not kept as if current."""
    spy, root = _spy(), tmp_path / "reports"
    bring(price_cache, "REV", spy)
    _publish_summary(capsys, root, "REV", "2024-07-08")
    graded, _ = _grades(capsys, root)
    assert graded["pieces"][0]["horizons"]["60"]["hit"] is True
    spy.loc["2024-07-08", ["High", "Close", "Adj Close"]] *= 1.03
    bring(price_cache, "REV", spy)
    graded, printed = _grades(capsys, root)
    assert graded["pieces"] == [] and "no published call to grade" in printed, graded["pieces"]
    assert "Not graded: 2024-07-08/REV.json: its close 555.28" in (root / "grades.md").read_text()  # not the last
    assert (
        "note: not graded: 2024-07-08/REV.json: its close 555.28 is not the data's close on that day, 571.94:"
        " other data, or an edit" in printed
    ), printed


def test_a_dividend_adjustment_since_grades_on_the_total_return(capsys, price_cache, tmp_path):
    """(F) held: a dividend adjusts every earlier Adj Close (here 1% before 2024-07-09) and not the close: the
    piece is graded, on the holder's total return (-5.9% to 2024-08-05, the price's -6.8% and the dividend)."""
    spy, root = _spy(), tmp_path / "reports"
    bring(price_cache, "REV", spy)
    _publish_summary(capsys, root, "REV", "2024-07-08")
    spy.loc[:"2024-07-08", "Adj Close"] *= 0.99
    bring(price_cache, "REV", spy)
    graded, _ = _grades(capsys, root)
    move = graded["pieces"][0]["horizons"]["20"]["move"]
    assert graded["pieces"][0]["horizons"]["20"]["end"] == "2024-08-05" and round(100 * move, 1) == -5.9, move


@pytest.mark.parametrize("k", [1.005, 0.995])
def test_a_close_revised_within_rounding_is_still_graded(capsys, price_cache, tmp_path, k):
    """(F) held at the edge: a close revised by half a percent (a re-fetched series rounds differently) is the
    same piece; it is graded."""
    spy, root = _spy(), tmp_path / "reports"
    bring(price_cache, "REV", spy)
    _publish_summary(capsys, root, "REV", "2024-07-08")
    spy.loc["2024-07-08", ["High", "Low", "Close", "Adj Close"]] *= k
    bring(price_cache, "REV", spy)
    graded, _ = _grades(capsys, root)
    assert len(graded["pieces"]) == 1 and graded["problems"] == []
