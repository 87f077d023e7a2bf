"""End to end: the IWM piece for 2024-07-08, produced into a temporary reports directory,
read as a reader gets it (HTML in headless Chromium, PDF through poppler)."""

from __future__ import annotations

import base64
import json
import re
import subprocess

import nbformat
import pytest

from analysis.render import execute
from tests.conftest import AS_OF, chromium_or_skip, poppler_or_skip, render_in_chromium

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def piece(iwm_piece):
    """The IWM piece, published by `analysis.pipeline.report.run` (made once per test run: conftest)."""
    return iwm_piece


def test_files_are_published_where_promised(piece):
    root, result = piece
    names = sorted(p.name for p in (root / AS_OF).iterdir())
    expected = ["IWM.html", "IWM.ipynb", "IWM.json", "IWM.md", "IWM.png"] + (
        ["IWM.pdf"] if not result.pdf_error else []
    )
    assert names == sorted(expected)
    assert not (root / ".staging").exists() or not any((root / ".staging").iterdir())


def test_executed_notebook_is_clean(piece):
    root, result = piece
    nb = nbformat.read(root / AS_OF / "IWM.ipynb", as_version=4)
    assert execute.stderr_outputs(nb) == []
    assert result.warnings == []
    params_cell = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'ticker = "IWM"' in params_cell.source and 'as_of = "2024-07-08"' in params_cell.source


def test_json_matches_the_commentary(piece):
    root, _ = piece
    s = json.loads((root / AS_OF / "IWM.json").read_text())
    assert s["phase"] == "warning" and s["as_of"] == AS_OF and s["last_two_closes_above_sma50"] == "2024-06-28"


def test_html_is_self_contained_with_title_date_and_images(piece):
    root, _ = piece
    html = (root / AS_OF / "IWM.html").read_text()
    assert re.search(r"<title>[^<]*IWM[^<]*2024-07-08[^<]*</title>", html)
    assert "July 8, 2024" in html
    images = re.findall(r'<img[^>]*src="data:image/png;base64,([^"]+)"', html)
    assert len(images) >= 4
    assert all(base64.b64decode(img)[:8] == b"\x89PNG\r\n\x1a\n" for img in images)
    # nothing fetched from elsewhere, no code, no prompts, no tracebacks
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<script" not in html.lower()
    assert "piece = Piece.build" not in html and "In&nbsp;[" not in html
    assert "Traceback" not in html and "Warning" not in html


def test_html_in_headless_chromium_has_no_missing_image_or_console_error(piece, tmp_path):
    """Chromium renders the page; a probe script in a copy reports broken images and errors."""
    root, _ = piece
    counts, _ = render_in_chromium(root / AS_OF / "IWM.html", tmp_path / "profile")
    assert counts["images"] >= 4 and counts["broken"] == 0 and counts["errors"] == 0


def test_pdf_has_the_title_the_ticker_an_image_and_sane_pages(piece, tmp_path):
    chromium_or_skip()
    poppler_or_skip()
    root, result = piece
    assert result.pdf_error == ""
    pdf = root / AS_OF / "IWM.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "IWM" in text and "July 8, 2024" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 1 <= pages <= 12
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) - 2 >= 4  # two header lines, then one per image
