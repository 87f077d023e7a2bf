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
from tests.conftest import AS_OF, chromium_or_skip, laid_out_for_print, poppler_or_skip, render_in_chromium

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
    assert 1 <= pages <= 14  # 13 printed at 96%: the track tables were wider than the page until they wrapped
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) - 2 >= 4  # two header lines, then one per image


def _page_text(pdf, first: int, last: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(first), "-l", str(last), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_page_one_is_a_brief_that_stands_alone(piece):
    """Page one holds the brief: 250-500 words, the model commentary's facts, then "The evidence" starts page two."""
    chromium_or_skip()
    poppler_or_skip()
    root, _ = piece
    pdf = root / AS_OF / "IWM.pdf"
    one = _page_text(pdf, 1, 1)
    words = len(one.split())
    assert 250 <= words <= 500, words
    flat = " ".join(one.split())
    for fact in ("Can momentum build in IWM?", "CAUTIOUS", "205.06", "two such closes", "since June 5"):
        assert fact in flat, fact
    assert "since the turn of the year" in flat and "talking points 1" in flat and "4 (IWM reflects" in flat
    assert "The evidence" not in flat and "The evidence" in " ".join(_page_text(pdf, 2, 2).split())


def test_nothing_is_wider_than_the_printed_page(piece):
    """Laid out for print at A4's 180mm between margins, no element passes the right margin: Chromium
    would shrink the whole printed piece to fit it (the track tables were 708px of 680: IWM at 96%)."""
    wide = (
        "JSON.stringify([...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > document.documentElement.clientWidth + 0.5).map(e => e.tagName + '.' + e.className).slice(0, 5))"
    )
    said = laid_out_for_print(piece[0] / AS_OF / "IWM.html", wide)
    assert said == "[]", said


def test_no_page_is_less_than_a_third_full_except_the_last(piece):
    chromium_or_skip()
    poppler_or_skip()
    from analysis.render.layout import page_fill

    root, _ = piece
    fills = page_fill(root / AS_OF / "IWM.pdf")
    assert len(fills) >= 2 and all(f >= 1 / 3 for f in fills[:-1]), [round(f, 2) for f in fills]


def test_the_reader_sees_no_host_url_path_or_command(piece):
    """Data notes are plain words: no host names, URLs, file paths or make syntax in the reader's text."""
    root, _ = piece
    html = (root / AS_OF / "IWM.html").read_text()
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S))
    text = re.sub(r"data:image/png;base64,\S+", " ", text)
    for pattern in (r"https?://", r"\b[\w-]+\.(?:com|org|gov|edu)\b", r"SOURCES\.md", r"\bmake \w+", r"\b[A-Z_]+=\w"):
        assert not re.search(pattern, text), (pattern, re.search(pattern, text))


def test_appendix_links_only_when_the_appendices_are_written(piece):
    """``run`` without research finds no appendix beside the piece, so the piece links none."""
    root, _ = piece
    html = (root / AS_OF / "IWM.html").read_text()
    assert not (root / AS_OF / "research").exists()
    assert "Research appendices" not in html and 'href="research/' not in html


def test_the_brief_as_markdown_with_its_chart(piece):
    root, _ = piece
    md = (root / AS_OF / "IWM.md").read_text()
    assert md.startswith("# Can momentum build in IWM?\n")
    assert "**Cautious: IWM (the Russell 2000 ETF) has been in a warning phase since July 1" in md
    assert "![IWM: price, Real Motion and Leadership](IWM.png)" in md
    assert "| Resistance | 205.06 | 22-session high, Jun 5 |" in md
    assert (root / AS_OF / "IWM.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_printed_copy_is_the_published_html_with_a_base(piece):
    """The PDF's source is made from the published HTML (one nbconvert export, not two): it must
    be exactly what the template writes with ``base_href``, so the PDF's links resolve as before."""
    from analysis.render import html

    root, _ = piece
    nb = nbformat.read(root / AS_OF / "IWM.ipynb", as_version=4)
    page = {"title": "A <title> & more", "header_left": "IWM · x", "header_right": f"As of {AS_OF}"}
    base = (root / AS_OF / "a b & c").as_uri() + "/"  # spaces and an ampersand, as a user's folder may have
    published = html.to_html(nb, **page)
    assert html.with_base(published, base) == html.to_html(nb, **page, base_href=base)
    assert html.with_base(published, base).count("<base href=") == 1 and "<base " not in published
    with pytest.raises(ValueError, match="to_html"):
        html.with_base("<html><head></head></html>", base)


def test_an_exporter_made_ahead_writes_the_same_page_and_is_the_one_used(piece, monkeypatch, capfd):
    """``html.prepare`` makes the exporter on another thread while the notebook runs; the export takes
    that one (not a second) and writes the same bytes; one that failed to be made leaves the export
    to make its own."""
    import threading

    from analysis.render import html

    root, _ = piece
    nb = nbformat.read(root / AS_OF / "IWM.ipynb", as_version=4)
    page = {"title": "IWM", "header_left": "IWM · x", "header_right": f"As of {AS_OF}"}

    def on_a_new_thread(job):
        out: dict = {}
        thread = threading.Thread(target=lambda: out.update(value=job()))
        thread.start()
        thread.join()
        return out.get("value")

    def prepared_then_exported():
        html.prepare()
        _thread, made = html._AHEAD[0]
        markup = html.to_html(nb, **page)
        return markup, made[0] if made else None, html._KEPT.exporter

    markup, made, used = on_a_new_thread(prepared_then_exported)
    assert made is not None and used is made and not html._AHEAD
    assert markup == on_a_new_thread(lambda: html.to_html(nb, **page))  # a thread of its own: a fresh exporter

    broken = html._new_exporter
    monkeypatch.setattr(html, "_new_exporter", lambda: 1 / 0)
    capfd.readouterr()
    on_a_new_thread(html.prepare)  # the failure stays on its thread: nothing printed, nothing kept
    monkeypatch.setattr(html, "_new_exporter", broken)
    assert on_a_new_thread(lambda: html.to_html(nb, **page)) == markup
    assert "ZeroDivisionError" not in capfd.readouterr().err
