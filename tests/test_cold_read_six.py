"""What the sixth cold read (and reading its pieces before it) refused, checked against the bundled CSVs."""

from __future__ import annotations

import pandas as pd

from analysis.paths import PROJECT_DIR
from tests.test_cold_read_three import piece

MACRO = PROJECT_DIR / "analysis" / "data" / "macro"


def _fred(series: str, as_of: str) -> pd.Series:
    frame = pd.read_csv(MACRO / f"{series}.csv.gz", index_col=0, parse_dates=True)
    return frame.iloc[:, 0].dropna().loc[:as_of]


def test_a_fred_reading_from_an_earlier_day_is_dated_on_page_one(market, tmp_path):
    """^TNX 2026-08-21: the high-yield spread behind the talking points is FRED's observation of August 20
    (2.75), not a reading of the piece's session; page one says so ("read +2.75 pp on August 20")."""
    spread = _fred("BAMLH0A0HYM2", "2026-08-21")
    assert spread.index[-1].date().isoformat() == "2026-08-20" and round(spread.iloc[-1], 2) == 2.75
    s = piece(market, "^TNX", "2026-08-21", tmp_path)
    assert "the high-yield spread over Treasuries read +2.75 pp on August 20 (credit)" in " ".join(
        s["brief"]["paragraphs"]
    )
