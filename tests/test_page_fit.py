"""Printed pages of pieces that strain the layout: page one holds the whole brief, and no page but the last is
under a third full.

Two pieces from the 91 this was measured on (the 23 bundled series on 2024-07-08, 2022-11-09, 2020-03-16 and
2008-10-10; ``bench/README.md``): XLY on 2008-10-10, whose page one ran six lines on to page two before the
brief was set compact, and ^TNX on 2024-07-08, whose page three held only a short "long view" (29% full)
before the economy's chart could go on to the next page without its heading.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.conftest import chromium_or_skip, poppler_or_skip

pytestmark = pytest.mark.slow

PIECES = [("XLY", "2008-10-10"), ("^TNX", "2024-07-08")]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The two pieces, published as ``make reports`` does (one kernel, one browser): {(ticker, as_of): folder}."""
    from analysis.data import Market
    from analysis.pipeline.report import Request, run
    from analysis.render.browser import Printer
    from analysis.render.kernel import Kernel

    chromium_or_skip()
    poppler_or_skip()
    root, market = tmp_path_factory.mktemp("fit"), Market("snapshot")
    with Kernel() as kernel, Printer() as printer:
        for ticker, as_of in PIECES:
            request = Request.parse(ticker, "SPY", as_of, "snapshot")
            result = run(request, root=root, log=lambda *_: None, kernel=kernel, printer=printer, market=market)
            assert result.pdf_error == "", result.pdf_error
    return root


def _stem(ticker: str) -> str:
    return ticker.replace("^", "_")


def _flat(text: str) -> str:
    """Without spaces and hyphens: pdftotext joins a word hyphenated at a line's end ("200-DMA" as "200DMA")."""
    return re.sub(r"[\s\-\u2010\u00ad]", "", text)


def _pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


@pytest.mark.parametrize("ticker, as_of", PIECES)
def test_page_one_holds_the_whole_brief(printed, ticker, as_of):
    """Every sentence of the brief's text column and the last since-last line are on page one; page two starts
    with the evidence."""
    folder = printed / as_of
    brief = json.loads((folder / f"{_stem(ticker)}.json").read_text())["brief"]
    pages = _pages(folder / f"{_stem(ticker)}.pdf")
    one, two = pages[0], pages[1]
    assert _flat(" ".join(brief["scenario_line"].split()[-6:])) in _flat(one), one[-400:]  # the text's last words
    if brief["since_last"]:
        assert _flat(" ".join(brief["since_last"][-1].split()[-5:])) in _flat(one), one[-400:]
    evidence = two.split(" As of ", 1)[-1]
    assert "The evidence" in two and evidence.split("The evidence")[0].strip() in ("", as_of), two[:300]


@pytest.mark.parametrize("ticker, as_of", PIECES)
def test_no_page_but_the_last_is_under_a_third_full(printed, ticker, as_of):
    from analysis.render.layout import page_fill

    fills = page_fill(printed / as_of / f"{_stem(ticker)}.pdf")
    assert all(f >= 1 / 3 for f in fills[:-1]), [round(f, 2) for f in fills]
