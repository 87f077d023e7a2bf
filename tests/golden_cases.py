"""Golden pieces: the JSON summary and the Markdown brief of one case per profile kind, pinned.

Each case is built in-process (``summary.build`` and ``brief.markdown``, no kernel, no browser),
so ``make test`` catches a change in what any kind of piece says within its minute. The cases
cover every profile kind at calm and extreme moments from the bundled snapshot. ``since_last``
compares with five sessions back (an empty reports folder), as a first piece does.

A change that is meant to alter the words regenerates the files and is reviewed like code::

    .venv/bin/python -m tests.golden_cases            # rewrite tests/golden/*.{json,md}
    .venv/bin/python -m tests.golden_cases NVDA       # only the cases of one ticker
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


@dataclass(frozen=True)
class Case:
    ticker: str
    benchmark: str
    as_of: str
    kind: str  # the profile kind the case stands for (checked by the test)
    why: str

    @property
    def stem(self) -> str:
        return f"{self.ticker}_{self.as_of}"


#: One or more cases per profile kind; the first is the model commentary.
CASES = (
    Case("IWM", "SPY", "2024-07-08", "equity", "the model commentary (small caps in a warning phase)"),
    Case("NVDA", "SPY", "2020-03-16", "equity", "a mega-cap on a crash day"),
    Case("NVDA", "SPY", "2024-06-18", "equity", "a mega-cap at a record"),
    Case("KRE", "SPY", "2023-03-13", "equity", "a sector fund in a sell-off (regional banks)"),
    Case("TLT", "SPY", "2022-10-21", "bond_fund", "a Treasury fund at a multi-year low"),
    Case("HYG", "SPY", "2020-03-23", "credit", "a credit fund at its crash low"),
    Case("^TNX", "SPY", "2020-08-04", "yield", "the 10-year yield at a record low"),
    Case("^VIX", "SPY", "2020-03-16", "volatility", "a volatility spike"),
    Case("^VIX", "SPY", "2023-11-24", "volatility", "a calm volatility gauge"),
    Case("BTC-USD", "SPY", "2021-11-10", "crypto", "crypto near a record"),
    Case("^GSPC", "IWM", "2022-10-12", "equity_index", "an equity index at a bear-market low"),
    Case("XLP", "SPY", "2019-06-14", "equity", "a defensive sector, calm"),
)


def build(case: Case, market=None) -> tuple[str, str, str]:
    """``(profile kind, summary JSON text, Markdown brief)`` of ``case``, from the snapshot."""
    from analysis import summary
    from analysis.params import Request
    from analysis.text import brief

    with tempfile.TemporaryDirectory() as empty:
        built = summary.build(
            Request.parse(case.ticker, case.benchmark, case.as_of, "snapshot"), market, reports_dir=empty
        )
    data = built.data
    return data["profile"]["kind"], summary.to_json(data), brief.markdown(data)


def write(cases=CASES) -> None:
    os.environ.setdefault("MOMENTUM_OFFLINE", "1")
    for case in cases:
        _kind, text, md = build(case)
        (GOLDEN_DIR / f"{case.stem}.json").write_text(text, encoding="utf-8")
        (GOLDEN_DIR / f"{case.stem}.md").write_text(md, encoding="utf-8")
        print(f"wrote tests/golden/{case.stem}.{{json,md}}")


if __name__ == "__main__":
    wanted = set(sys.argv[1:])
    write([c for c in CASES if not wanted or c.ticker in wanted])


def piece(market, ticker: str, as_of: str, reports_dir) -> dict:
    """The summary of ``ticker`` at ``as_of`` against SPY (first piece: an empty reports folder): read from
    its golden file when it has one (``tests/test_golden.py`` proves each equals a fresh build), else built."""
    path = GOLDEN_DIR / f"{ticker}_{as_of}.json"
    if path.is_file():
        import json

        return json.loads(path.read_text(encoding="utf-8"))
    from analysis import summary
    from analysis.params import Request

    return summary.build(Request.parse(ticker, "SPY", as_of, "snapshot"), market, reports_dir=reports_dir).data
