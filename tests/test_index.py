"""reports/index.html: every dated piece newest first, with phase, headline and working relative
links; escaped; written atomically; and opened in headless Chromium."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from analysis import cli
from analysis.pipeline.index import render, scan, write_index
from tests.conftest import render_in_chromium


def _piece(
    root: Path,
    date: str,
    stem: str,
    *,
    ticker: str,
    benchmark: str = "SPY",
    phase: str | None = "bullish",
    headline: str | None = "A headline",
    pdf: bool = True,
) -> None:
    folder = root / date
    folder.mkdir(parents=True, exist_ok=True)
    summary = {"ticker": ticker, "benchmark": benchmark, "as_of": date, "phase": phase, "schema_version": 1}
    if headline is not None:
        summary["headline"] = headline
    (folder / f"{stem}.json").write_text(json.dumps(summary))
    (folder / f"{stem}.html").write_text(
        f"<!DOCTYPE html><html><head><title>{stem}</title></head><body>{stem}</body></html>"
    )
    if pdf:
        (folder / f"{stem}.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")


@pytest.fixture
def root(tmp_path) -> Path:
    """Three dates, a non-default benchmark, a missing PDF, a hostile headline, and clutter to ignore."""
    r = tmp_path / "reports"
    _piece(r, "2024-07-08", "IWM", ticker="IWM", phase="warning", headline="Can momentum build in small caps?")
    _piece(r, "2024-07-08", "IWM_vs_QQQ", ticker="IWM", benchmark="QQQ", phase="bearish", headline="IWM lags QQQ")
    _piece(r, "2024-07-08", "AAPL", ticker="AAPL", headline='<script>alert("x")</script> & <b>bold</b>', pdf=False)
    _piece(r, "2024-12-31", "QQQ", ticker="QQQ", phase=None, headline=None)
    _piece(r, "2023-01-03", "SMH", ticker="SMH", phase="recovery")
    (r / "2024-07-08" / "broken.json").write_text("{not json")
    (r / "2024-07-08" / "scores.json").write_text(json.dumps([1, 2, 3]))  # not piece summaries:
    (r / "2024-07-08" / "IWM.scorecard.json").write_text(json.dumps({"ticker": "IWM", "scores": [1]}))
    for clutter in (".staging/x", "_failed", ".locks", "research", "2024-13-45"):
        (r / clutter).mkdir(parents=True)
    _piece(r / "_failed", "2024-07-08", "KRE", ticker="KRE")  # a failed run's leftovers are not pieces
    return r


def test_scan_lists_pieces_newest_date_first_then_by_ticker(root):
    entries, problems = scan(root)
    assert [(e.date, e.stem) for e in entries] == [
        ("2024-12-31", "QQQ"),
        ("2024-07-08", "AAPL"),
        ("2024-07-08", "IWM"),
        ("2024-07-08", "IWM_vs_QQQ"),
        ("2023-01-03", "SMH"),
    ]
    assert len(problems) == 1 and problems[0].startswith("2024-07-08/broken.json: JSONDecodeError")


def test_entries_carry_phase_headline_benchmark_and_relative_links(root):
    entries = {e.stem: e for e in scan(root)[0]}
    iwm, vs, aapl, qqq = entries["IWM"], entries["IWM_vs_QQQ"], entries["AAPL"], entries["QQQ"]
    assert (iwm.phase, iwm.headline, iwm.html, iwm.pdf) == (
        "warning",
        "Can momentum build in small caps?",
        "2024-07-08/IWM.html",
        "2024-07-08/IWM.pdf",
    )
    assert (iwm.vs, vs.vs) == ("", "vs QQQ")
    assert aapl.pdf is None and aapl.html == "2024-07-08/AAPL.html"
    assert (qqq.phase, qqq.headline) == ("n/a", "QQQ momentum commentary")  # fallbacks


def test_page_escapes_every_text_and_runs_no_script(root):
    page = render(*scan(root))
    assert "<script" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # self-contained: nothing fetched
    rows = re.findall(r'<tr data-stem="([^"]+)">', page)
    assert rows == ["QQQ", "AAPL", "IWM", "IWM_vs_QQQ", "SMH"]
    assert '<span class="phase phase-warning">warning</span>' in page and '<span class="vs">vs QQQ</span>' in page
    assert '<span class="missing">PDF</span>' in page  # AAPL has no PDF: no dead link
    assert "1 summary could not be read" in page and "broken.json" in page


def test_write_index_replaces_the_page_atomically_and_leaves_no_temporary_file(root):
    path = write_index(root)
    assert path == root / "index.html"
    assert path.read_text().count("<tr data-stem=") == 5
    _piece(root, "2025-01-02", "IBB", ticker="IBB")
    write_index(root)
    assert re.findall(r'<tr data-stem="([^"]+)">', path.read_text())[0] == "IBB"
    assert not [p for p in root.iterdir() if p.name.startswith(".index-")]


def test_empty_or_missing_root_gets_a_page_that_says_how_to_write_a_piece(tmp_path):
    path = write_index(tmp_path / "none-yet")
    page = path.read_text()
    assert "No pieces yet" in page and "make report TICKER=IWM" in page and "<table" not in page


def test_cli_index_writes_into_the_reports_root(root, monkeypatch, capsys):
    monkeypatch.setenv("MOMENTUM_REPORTS_DIR", str(root))
    assert cli.main(["index"]) == 0
    assert (root / "index.html").is_file() and "(5 pieces)" in capsys.readouterr().out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


@pytest.mark.slow
def test_index_in_headless_chromium_has_no_error_and_every_link_resolves(root, tmp_path):
    """Chromium renders the page (a probe counts rows, images, errors); every link in the DOM it
    rendered, resolved against the page's own URL as a reader's click would be, is a file."""
    path = write_index(root)
    counts, dom = render_in_chromium(path, tmp_path / "profile")
    assert (counts["rows"], counts["links"], counts["broken"], counts["errors"]) == (5, 14, 0, 0)
    links = _Links()
    links.feed(dom)
    assert len(links.hrefs) == 14  # per row: the headline, HTML, PDF (AAPL has none)
    for href in links.hrefs:
        target = Path(unquote(urlparse(urljoin(path.as_uri(), href)).path))
        assert target.is_file() and root in target.parents, href


def test_a_hostile_summary_neither_stops_the_index_nor_shows_a_repr(tmp_path):
    """An integer too long to parse is listed as a problem; a brief whose since-last lines are not
    strings shows none (never a Python repr); an enormous headline is clipped."""
    day = tmp_path / "2024-07-08"
    day.mkdir()
    (day / "BAD.json").write_text(
        '{"ticker": "BAD", "as_of": "2024-07-08", "phase": "bullish", "x": ' + "9" * 5000 + "}"
    )
    good = {
        "schema_version": 1,
        "ticker": "IWM",
        "benchmark": "SPY",
        "as_of": "2024-07-08",
        "phase": "warning",
        "headline": "H" * 5000,
        "brief": {
            "call": "cautious",
            "since_last": [{"text": "a dict"}, "IWM moved from a bullish to a warning phase."],
        },
    }
    (day / "IWM.json").write_text(json.dumps(good))
    entries, problems = scan(tmp_path)
    assert (
        [e.ticker for e in entries] == ["IWM"] and len(problems) == 1 and problems[0].startswith("2024-07-08/BAD.json")
    )
    assert entries[0].since == ("IWM moved from a bullish to a warning phase.",) and entries[0].call == "cautious"
    assert len(entries[0].headline) == 300
    page = render(entries, problems)
    assert "{&#x27;text&#x27;" not in page and "a dict" not in page
