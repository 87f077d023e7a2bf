"""Robustness, an eighteenth hostile pass, continued (sections 4 and 5 of ``test_robustness_eighteenth.py``,
whose docstring says what held and what broke): the kept browser's odd pages, and the batch engine's edges."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import poppler_or_skip

# -- 4. the kept browser: pages that navigate, print blank, never load; a renderer killed between pages -----

_PAGES = {
    "a": "<!DOCTYPE html><html><body><h1>PAGE-A</h1></body></html>",
    "b": "<!DOCTYPE html><html><body><h1>PAGE-B</h1></body></html>",
    "meta": '<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0; url=b.html"></head><body>M</body></html>',
    "onload": '<!DOCTYPE html><html><body>J<script>addEventListener("load", () => location.href = "b.html")</script>'
    "</body></html>",
    "empty": "",
    "hidden": "<!DOCTYPE html><html><head><style>@media print { html { display: none } }</style></head>"
    "<body><h1>PAGE-HIDDEN</h1></body></html>",
    "missing": '<!DOCTYPE html><html><head><link rel="stylesheet" href="nope.css"></head><body><h1>PAGE-MISSING</h1>'
    '<img src="nope.png"></body></html>',
    "fifo": '<!DOCTYPE html><html><body><h1>PAGE-FIFO</h1><img src="pipe"></body></html>',
}


@pytest.fixture
def pages(tmp_path):
    import os

    for name, text in _PAGES.items():
        (tmp_path / f"{name}.html").write_text(text, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe")
    return tmp_path


def _printed(printer, pages, name: str):
    """The text of ``name``'s PDF as printed by the kept ``printer``, or the RenderError's one line."""
    from analysis.errors import RenderError

    pdf = pages / f"{name}.pdf"
    try:
        printer.print_pdf(pages / f"{name}.html", pdf)
    except RenderError as exc:
        return f"error: {exc}"
    poppler_or_skip()
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.strip()


def _printer(timeout: float = 20):
    from analysis.render.browser import Printer
    from analysis.render.chromium_install import find

    if not find():
        pytest.skip("no Chromium")
    return Printer(timeout=timeout)


@pytest.mark.slow
@pytest.mark.parametrize("page", ["meta", "onload"])
def test_a_page_that_navigates_itself_is_not_blamed_on_the_installation(pages, page):
    """(D) a page that navigates away while printed: Chromium answers "Printing failed", and the hint said to
    install Chromium (it is installed and had just printed a page); the next page prints, and is its own.
    The page itself may be printed instead ("M": a meta refresh lost the race; "J": scripts are off in the
    printing tab, so the onload navigation never runs), never the page it goes to."""
    with _printer() as printer:
        assert _printed(printer, pages, "a") == "PAGE-A"
        said = _printed(printer, pages, page)
        assert said != "PAGE-B", "printed the page it navigated to"
        if said not in ("M", "J"):
            assert said.startswith("error: Chromium (") and f"It printed nothing of {page}.html" in said, said
            assert "install Chromium" not in said and "Chromium works" in said and "\n" not in said
        assert _printed(printer, pages, "a") == "PAGE-A"


@pytest.mark.slow
@pytest.mark.parametrize("page", ["empty", "hidden"])
def test_a_page_that_prints_blank_is_named_not_the_browser(pages, page):
    """(D) an empty page, or one hidden in print, is a blank PDF of about 850 bytes: it was "not a whole PDF",
    with the hint to install Chromium; now the page is named, and the kept browser prints the next one."""
    with _printer() as printer:
        said = _printed(printer, pages, page)
        assert said.startswith(f"error: Chromium printed {page}.html as a blank page (") and "install" not in said
        assert not (pages / f"{page}.pdf").exists()
        assert _printed(printer, pages, "b") == "PAGE-B"


@pytest.mark.slow
def test_a_page_that_is_not_there_says_the_file_could_not_be_opened(pages):
    """(D) a file removed before its print: "the file could not be opened", not "install Chromium"."""
    with _printer() as printer:
        said = _printed(printer, pages, "gone")
        assert "ERR_FILE_NOT_FOUND" in said and "the file could not be opened" in said and "install" not in said


@pytest.mark.slow
def test_a_kept_tab_prints_each_page_its_own_and_the_same_path_twice(pages):
    """Held: in one kept tab, A, B, A, A again (the same path twice in a row), then a page whose stylesheet
    and image do not exist: each PDF is its own page's."""
    with _printer() as printer:
        said = [_printed(printer, pages, name) for name in ("a", "b", "a", "a", "missing")]
    assert said == ["PAGE-A", "PAGE-B", "PAGE-A", "PAGE-A", "PAGE-MISSING"]


@pytest.mark.slow
def test_a_page_whose_load_never_fires_stops_at_the_timeout_and_the_next_prints(pages):
    """Held: an image read from a named pipe no one writes: the load never fires; the print stops at the
    printer's timeout (one line naming it), and the next page prints in a new browser."""
    import time

    with _printer(timeout=4) as printer:
        clock = time.monotonic()
        said = _printed(printer, pages, "fifo")
        assert time.monotonic() - clock < 15
        assert said.startswith("error: Chromium did not finish printing the PDF within 4 s.")
        assert _printed(printer, pages, "b") == "PAGE-B"


@pytest.mark.slow
def test_a_renderer_killed_between_pages_gets_a_new_tab(pages):
    """(E) the kept tab's renderer killed (SIGKILL) between two pages: the next page failed when the crash's
    notice came late (one run in three); now it prints, its own, in a new tab."""
    import contextlib
    import os
    import signal

    import psutil

    with _printer() as printer:
        assert _printed(printer, pages, "a") == "PAGE-A"
        renderers = []
        for p in psutil.Process(printer.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):  # one exiting as it is looked at (a spare renderer)
                if "--type=renderer" in " ".join(p.cmdline()):
                    renderers.append(p)
        assert renderers
        for p in renderers:
            with contextlib.suppress(ProcessLookupError):  # gone already: make check saw one exit in between
                os.kill(p.pid, signal.SIGKILL)
        psutil.wait_procs(renderers, timeout=10)
        assert _printed(printer, pages, "b") == "PAGE-B"
        assert _printed(printer, pages, "a") == "PAGE-A"


# -- 5. the batch engine's edges ----------------------------------------------------------------------------


def test_one_ticker_spelled_three_ways_is_one_piece():
    """Held: ``iwm IWM  IWM,`` and ``qqq``: two pieces, in the order first given."""
    from analysis.pipeline.batch import plan, split_tickers

    requests, refused = plan(split_tickers("iwm IWM  IWM, qqq"), "SPY", "2024-07-08", "snapshot")
    assert [r.ticker for r in requests] == ["IWM", "QQQ"] and refused == []


@pytest.mark.process
def test_a_batch_in_which_every_piece_fails_is_one_line_each_and_exit_1(tmp_path):
    """Held: two unknown symbols with JOBS larger than the batch: one FAILED line each, exit 1, the index
    written, no date folder made."""
    import os

    env = {**os.environ, "MOMENTUM_REPORTS_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "reports", "--tickers", "ZZZZ NOPE", "--as-of", "2024-07-08"]
        + ["--source", "snapshot", "--jobs", "8", "--no-progress", "--no-pdf"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 1, done.stderr
    assert sorted(line.split()[:2] for line in lines if line.startswith("FAILED")) == [
        ["FAILED", "NOPE"],
        ["FAILED", "ZZZZ"],
    ]
    assert "0 written" in done.stdout and "2 failed" in done.stdout
    assert not (tmp_path / "2024-07-08").exists() and (tmp_path / "index.html").is_file()
