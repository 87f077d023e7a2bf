"""The kept-alive kernel and browser of a batch worker (analysis.render.kernel.Kernel,
analysis.render.browser.Printer): reused, reset between pieces, replaced after a failure,
and producing the same files as a fresh kernel and a fresh browser. No timings here: the
savings are measured by `make bench`."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from analysis.errors import RenderError
from analysis.paths import KERNEL_NAME
from analysis.pipeline.report import Request, run
from analysis.render import execute
from analysis.render.browser import Printer
from analysis.render.kernel import Kernel
from tests import hostile
from tests.conftest import AS_OF, chromium_or_skip, poppler_or_skip

QUIET = {"log": lambda *_: None}


def _notebook(path: Path, *cells: str) -> Path:
    """A parameterized notebook: a tagged ``parameters`` cell (``ticker``), then ``cells``."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('ticker = "IWM"', metadata={"tags": ["parameters"]}),
            *(nbformat.v4.new_code_cell(c) for c in cells),
        ]
    )
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}
    nbformat.write(nb, path)
    return path


def _counts(nb) -> list[int]:
    return [c.execution_count for c in nb.cells if c.cell_type == "code"]


def _stdout(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout")


def _same_html(a: Path, b: Path) -> bool:
    """Equal but for the id papermill draws at random for its injected-parameters cell."""

    def strip(p):
        return re.sub(r'id="cell-id=[0-9a-f-]+"', "", p.read_text())

    return strip(a) == strip(b)


# -- the kernel --------------------------------------------------------------------------------


@pytest.mark.slow
def test_each_piece_on_a_kept_kernel_starts_a_fresh_session(tmp_path):
    """Same process, but nothing carries over: namespace, execution counts, shown warnings, cwd."""
    nb = _notebook(
        tmp_path / "probe.ipynb",
        "import os, warnings\nprint('leftover' in globals(), os.getcwd())\nleftover = ticker",
        "warnings.warn('shown in every piece')",
    )
    here = tmp_path / "elsewhere"
    here.mkdir()
    with Kernel() as kernel:
        first = execute.execute(nb, tmp_path / "1.ipynb", {"ticker": "IWM"}, kernel=kernel)
        pid = kernel.pid
        second = execute.execute(nb, tmp_path / "2.ipynb", {"ticker": "QQQ"}, kernel=kernel, cwd=here)
        assert kernel.pid == pid and kernel.started == 1 and kernel.pieces == 2
    assert kernel.pid is None  # closed
    assert _counts(first) == _counts(second) == [1, 2, 3, 4]
    assert _stdout(first) == f"False {tmp_path}\n" and _stdout(second) == f"False {here}\n"
    for nb_run in (first, second):
        assert any("shown in every piece" in w for w in execute.stderr_outputs(nb_run))


@pytest.mark.slow
def test_a_kept_kernel_writes_the_same_piece_as_a_fresh_one(tmp_path, iwm_piece):
    """QQQ then IWM on one kernel; IWM's JSON is byte for byte, and its HTML (charts included)
    all but papermill's random cell id, what a fresh kernel writes (`make report`'s piece,
    conftest's ``iwm_piece``: its PDF is printed from a copy, so its HTML is the same)."""
    fresh_root, fresh = iwm_piece
    with Kernel() as kernel:
        run(Request.parse("QQQ", "SPY", AS_OF, "snapshot"), root=tmp_path / "kept", pdf=False, kernel=kernel, **QUIET)
        pid = kernel.pid
        kept = run(
            Request.parse("IWM", "SPY", AS_OF, "snapshot"), root=tmp_path / "kept", pdf=False, kernel=kernel, **QUIET
        )
        assert kernel.pid == pid and kernel.started == 1
    assert kept.warnings == fresh.warnings == []
    folder = {"fresh": fresh_root / AS_OF, "kept": tmp_path / "kept" / AS_OF}
    assert (folder["kept"] / "IWM.json").read_bytes() == (folder["fresh"] / "IWM.json").read_bytes()
    assert _same_html(folder["kept"] / "IWM.html", folder["fresh"] / "IWM.html")
    kept_nb, fresh_nb = (nbformat.read(folder[n] / "IWM.ipynb", as_version=4) for n in ("kept", "fresh"))
    assert _counts(kept_nb) == _counts(fresh_nb) == list(range(1, len(_counts(fresh_nb)) + 1))


@pytest.mark.slow
def test_a_kernel_that_dies_in_one_piece_is_replaced_for_the_next(tmp_path):
    nb = nbformat.read(Path(__file__).parents[1] / "notebooks" / "commentary.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    root = tmp_path / "reports"
    with Kernel() as kernel:
        with pytest.raises(RenderError, match="the kernel died") as info:
            run(
                Request.parse("IWM", "SPY", AS_OF, "snapshot"),
                root=root,
                notebook=broken,
                pdf=False,
                kernel=kernel,
                **QUIET,
            )
        assert str(root / "_failed" / f"{AS_OF}_IWM.ipynb") in str(info.value)
        assert kernel.pid is None and kernel.started == 1
        result = run(Request.parse("IWM", "SPY", AS_OF, "snapshot"), root=root, pdf=False, kernel=kernel, **QUIET)
        assert kernel.started == 2 and kernel.pid is not None
    assert (root / AS_OF / "IWM.json").is_file() and result.warnings == []


@pytest.mark.slow
def test_after_a_cell_error_or_an_environment_change_the_next_piece_gets_a_new_kernel(tmp_path, monkeypatch):
    nb = _notebook(
        tmp_path / "probe.ipynb",
        "import os\nprint(os.environ.get('MOMENTUM_PROBE'))",
        "assert ticker != 'BAD', 'refused'",
    )
    with Kernel() as kernel:
        with pytest.raises(RenderError, match=r"cell 4 \(`assert ticker != 'BAD', 'refused'`\) raised AssertionError"):
            execute.execute(nb, tmp_path / "1.ipynb", {"ticker": "BAD"}, kernel=kernel)
        assert kernel.pid is None
        execute.execute(nb, tmp_path / "2.ipynb", {"ticker": "IWM"}, kernel=kernel)
        pid = kernel.pid
        monkeypatch.setenv("MOMENTUM_PROBE", "changed")
        third = execute.execute(nb, tmp_path / "3.ipynb", {"ticker": "IWM"}, kernel=kernel)
        assert kernel.started == 3 and kernel.pid != pid
    assert _stdout(third) == "changed\n"  # what a fresh kernel would see


# -- the browser -------------------------------------------------------------------------------

PAGE = (
    "<!DOCTYPE html><html><head><title>t</title><style>@page { size: A4; margin: 15mm; }</style></head><body>"
    + "".join(f"<h2>Section {i}</h2><p>{'Momentum builds in small caps. ' * 40}</p>" for i in range(12))
    + "</body></html>"
)


def _page(folder: Path) -> Path:
    """The twelve-section test page, written to ``folder``."""
    html = folder / "page.html"
    html.write_text(PAGE)
    return html


def _pdf_text(pdf: Path) -> str:
    poppler_or_skip()
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_one_browser_prints_two_pdfs(tmp_path):
    chromium_or_skip()
    html = _page(tmp_path)
    with Printer() as printer:
        printer.print_pdf(html, tmp_path / "1.pdf")
        pid = printer.pid
        printer.print_pdf(html, tmp_path / "2.pdf")
        assert printer.pid == pid and printer.started == 1
    assert printer.pid is None
    for name in ("1.pdf", "2.pdf"):
        text = _pdf_text(tmp_path / name)
        assert "Section 0" in text and "Section 11" in text


@pytest.mark.slow
def test_a_browser_started_ahead_is_the_one_that_prints(tmp_path):
    chromium_or_skip()
    html = _page(tmp_path)
    with Printer() as printer:
        assert printer.start() and printer.started == 1
        pid = printer.pid
        assert printer.start() and printer.started == 1  # running already: nothing new
        printer.print_pdf(html, tmp_path / "1.pdf")
        assert printer.pid == pid and printer.started == 1
    assert "Section 11" in _pdf_text(tmp_path / "1.pdf")


def test_starting_a_missing_browser_is_left_to_the_print_to_report(tmp_path):
    html = _page(tmp_path)
    with Printer("/nonexistent/chromium") as printer:
        assert printer.start() is False and printer.pid is None
        with pytest.raises(RenderError, match="could not be started"):
            printer.print_pdf(html, tmp_path / "1.pdf")
    assert not (tmp_path / "1.pdf").exists()


def _stand_in_browser(tmp_path: Path) -> Path:
    """A 'Chromium' that speaks the DevTools pipe until asked to print, then dies."""
    script = tmp_path / "crashing-chromium"
    crash = 'sys.stderr.write("stand-in: renderer crashed while printing\\n")\nsys.stderr.flush()\nos._exit(7)'
    script.write_text(f"#!{sys.executable}\n" + hostile.stand_in_browser(crash))
    script.chmod(0o755)
    return script


def test_a_browser_that_crashes_while_printing_is_a_clear_error_and_is_replaced(tmp_path):
    html = _page(tmp_path)
    with Printer(str(_stand_in_browser(tmp_path))) as printer:
        for attempt in (1, 2):  # the second print starts a new (stand-in) browser
            with pytest.raises(RenderError) as info:
                printer.print_pdf(html, tmp_path / "out.pdf")
            message = str(info.value)
            assert "failed to print the PDF (exit 7)" in message and "renderer crashed while printing" in message
            assert "stopped while printing" in message and "Run the report again" in message
            assert "install Chromium" not in message  # it is installed (issue 16, case 13)
            assert printer.started == attempt and printer.pid is None
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.slow
def test_a_hung_browser_times_out_clearly_and_a_dead_one_is_restarted(tmp_path):
    chromium_or_skip()
    html = _page(tmp_path)
    with Printer(timeout=3) as printer:
        printer.print_pdf(html, tmp_path / "1.pdf")
        hung = printer.pid
        os.killpg(hung, signal.SIGSTOP)
        with pytest.raises(RenderError, match="did not finish printing the PDF within 3 s"):
            printer.print_pdf(html, tmp_path / "2.pdf")
        assert printer.pid is None
        printer.print_pdf(html, tmp_path / "3.pdf")
        dead = printer.pid
        assert dead not in (None, hung)
        os.killpg(dead, signal.SIGKILL)  # dies between two pieces: the next one just starts another
        while printer.pid == dead:  # (once the kill has landed)
            time.sleep(0.05)
        printer.print_pdf(html, tmp_path / "4.pdf")
        assert printer.pid not in (None, hung, dead) and printer.started == 3
    assert "Section 11" in _pdf_text(tmp_path / "4.pdf")


@pytest.mark.slow
def test_a_crash_of_the_kept_browser_keeps_the_html_and_says_why(tmp_path):
    with Kernel() as kernel, Printer(str(_stand_in_browser(tmp_path))) as printer:
        result = run(
            Request.parse("IWM", "SPY", AS_OF, "snapshot"), root=tmp_path / "r", kernel=kernel, printer=printer, **QUIET
        )
    assert "failed to print the PDF (exit 7)" in result.pdf_error and "Run the report again" in result.pdf_error
    assert sorted(p.name for p in (tmp_path / "r" / AS_OF).iterdir()) == [
        "IWM.html",
        "IWM.ipynb",
        "IWM.json",
        "IWM.md",
        "IWM.png",
    ]


def _renderers(printer: Printer) -> set[int]:
    import psutil

    found = set()
    for process in psutil.Process(printer.pid).children(recursive=True):
        try:
            if "--type=renderer" in " ".join(process.cmdline()):
                found.add(process.pid)
        except (psutil.Error, OSError):  # one exiting as it is looked at
            continue
    return found


def _page_targets(printer: Printer) -> list[str]:
    """The browser's page targets (tabs): Chromium's own first blank one and the one the printer keeps."""
    infos = printer._chromium.call("Target.getTargets", None, None, time.monotonic() + 30)["targetInfos"]
    return sorted(t["targetId"] for t in infos if t["type"] == "page")


def _pages_as_pixels(pdf: Path, folder: Path) -> list[bytes]:
    poppler_or_skip()
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(folder / pdf.stem)], check=True)
    return [p.read_bytes() for p in sorted(folder.glob(f"{pdf.stem}-*.png"))]


@pytest.mark.slow
def test_pages_printed_in_the_kept_tab_are_each_their_own_and_as_a_new_browser_prints_them(tmp_path):
    """One tab serves every page of a kept browser (no renderer started per page): each PDF holds its
    own page only, pixel for pixel what a browser printing that page first makes, and a tab closed
    or a renderer killed between two pages is replaced by the next print."""
    chromium_or_skip()
    first, second = tmp_path / "first.html", tmp_path / "second.html"
    first.write_text(PAGE)
    second.write_text(PAGE.replace("Section", "Part"))
    with Printer() as alone:
        alone.print_pdf(second, tmp_path / "alone.pdf")
    with Printer() as printer:
        printer.print_pdf(first, tmp_path / "1.pdf")
        renderers, tabs = _renderers(printer), _page_targets(printer)
        printer.print_pdf(second, tmp_path / "2.pdf")
        assert printer._target in tabs and _page_targets(printer) == tabs  # the same tab, no new one
        # and no renderer per page (Chromium may start one spare renderer at any moment: make check saw it)
        assert len(_renderers(printer)) <= len(renderers) + 1
        text = _pdf_text(tmp_path / "2.pdf")
        assert "Part 11" in text and "Section" not in text
        assert _pages_as_pixels(tmp_path / "2.pdf", tmp_path) == _pages_as_pixels(tmp_path / "alone.pdf", tmp_path)
        targets = printer._chromium.call("Target.getTargets", None, None, time.monotonic() + 30)["targetInfos"]
        for target in targets:  # someone closes the tab between two pages
            if target["type"] == "page":
                printer._chromium.call(
                    "Target.closeTarget", {"targetId": target["targetId"]}, None, time.monotonic() + 30
                )
        time.sleep(0.5)  # (once Chromium has said so)
        printer.print_pdf(first, tmp_path / "3.pdf")
        assert "Section 11" in _pdf_text(tmp_path / "3.pdf")
        for pid in _renderers(printer):  # the tab's renderer dies between two pages (out of memory, say)
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        printer.print_pdf(second, tmp_path / "4.pdf")
        assert "Part 11" in _pdf_text(tmp_path / "4.pdf")
        assert printer.started == 1  # neither needed a new browser


@pytest.mark.slow
def test_the_printing_tab_runs_no_script(tmp_path):
    """A piece holds no script; one in a printed page does not run (it could only move or stall the print)."""
    chromium_or_skip()
    poppler_or_skip()
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html><body><p id=p>STATIC</p>"
        "<script>document.getElementById('p').textContent = 'SCRIPTED'</script></body></html>",
        encoding="utf-8",
    )
    with Printer() as printer:
        printer.print_pdf(page, tmp_path / "page.pdf")
    text = subprocess.run(["pdftotext", str(tmp_path / "page.pdf"), "-"], capture_output=True, text=True).stdout
    assert text.strip() == "STATIC"
