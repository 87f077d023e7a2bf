"""One piece from parameters to published files: the pipeline behind ``make report``.

1. validate the parameters and load the data (fast; every user error surfaces here,
   before a kernel starts);
2. execute ``notebooks/commentary.ipynb`` with papermill in a staging directory;
3. take the JSON summary from the executed notebook, export the HTML, print the PDF;
4. publish the files into ``reports/<as-of>/`` atomically, under a per-piece lock.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analysis.data import Market
from analysis.errors import BrowserUnavailable, DataError, PublishError, RenderError
from analysis.model.profile import assign as assign_profile
from analysis.model.study import resolve_session
from analysis.notebooks import appendix_links
from analysis.params import Request
from analysis.paths import COMMENTARY_NOTEBOOK, inside, listing, nameable, reports_dir
from analysis.pipeline import cells
from analysis.render import browser, execute, html, publish
from analysis.render.browser import Printer
from analysis.render.kernel import Kernel
from analysis.summary import check_configuration, required_tickers, to_json
from analysis.text import brief, plain
from analysis.view.display import JsonOutput


@dataclass
class Prepared:
    request: Request
    as_of: str  # the resolved session, ISO
    parameters: dict  # exactly what papermill injects
    notes: list[str] = field(default_factory=list)


@dataclass
class Published:
    request: Request
    as_of: str
    files: list[Path]
    pdf_error: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Seconds spent per stage: ``data``, ``execute``, ``html``, ``pdf``, ``publish``.
    timings: dict[str, float] = field(default_factory=dict)
    #: The executed notebook as it ran, clock times included (the published file leaves them out).
    notebook: object = field(default=None, repr=False)


def prepare(request: Request, market: Market | None = None) -> Prepared:
    """Load the data and resolve the as-of session; raises the user's errors early.

    With ``SOURCE=auto`` every series the piece needs is fetched now (refreshing the cache),
    and the notebook then reads ``local`` data, so it runs on exactly what was fetched.
    """
    market = market or Market(request.source)
    session = resolve_session(market, request.ticker, request.benchmark, request.as_of, request.settings)
    assign_profile(request.ticker, request.benchmark)  # profiles.toml is checked here (exit 2), not in a cell
    check_configuration(request)  # names.toml, family.toml and the scenario set too
    wanted = required_tickers(request.ticker, request.benchmark, request.knobs.scenarios_file)  # the files too
    notes: list[str] = []
    source = request.source
    if source in ("auto", "yahoo"):
        for symbol in wanted:
            market.prices_or_reason(symbol)
        source = "local"
        if market.yahoo_down:
            notes.append(
                f"SOURCE=auto: {market.yahoo_down.rstrip('.')}, so the piece uses the newest local data"
                " (the cache or the bundled snapshot)."
            )
    # the console gets the detail (the host, the error); the reader, plain words
    reader_note = (
        f"{plain.reader(market.yahoo_down).rstrip('.')}, so this piece uses the newest local data (the cache or"
        " the bundled snapshot)."
        if notes
        else ""
    )
    return Prepared(request, session.iso, request.notebook_parameters(source, reader_note), notes)


def run(
    request: Request,
    *,
    root: Path | None = None,
    log=print,
    pdf: bool = True,
    market: Market | None = None,
    notebook: Path = COMMENTARY_NOTEBOOK,
    kernel: Kernel | None = None,
    printer: Printer | None = None,
    appendices: bool | None = None,
) -> Published:
    """Produce and publish one piece; returns what was written.

    ``market`` lets a worker that writes many pieces load each series once; ``notebook``
    is the notebook to execute (tests use broken ones to exercise the failure paths).
    ``kernel`` and ``printer`` are a worker's kept-alive kernel and browser; without them
    the piece starts (and stops) its own. ``appendices`` says whether the research appendices
    will be written beside the piece (``make report`` with RESEARCH=1); ``None`` links them
    only if they are already there, so the piece never links to a file that does not exist.

    Raises a :class:`~analysis.errors.ReportError` for anything the user can fix (a full
    disk while the piece is staged is a :class:`~analysis.errors.PublishError`); nothing is
    then published. A PDF that cannot be printed (or ``pdf=False``) does not fail the run:
    the rest of the piece is published, the PDF of an earlier run in its place is removed in
    the same step (a piece never mixes two runs), and ``pdf_error`` says why.
    """
    root = nameable(root or reports_dir())
    if root.is_dir():
        listing(root)  # one this user cannot list or enter: exit 5 now, not a traceback or an index refused after
    lap = _Laps()
    prepared = prepare(request, market)
    as_of, stem = prepared.as_of, request.stem
    dest = inside(root, as_of)
    inside(dest, stem)  # the stem cannot escape either
    execute.check_notebook(notebook)
    prepared.notes += cells.check(notebook, "commentary")  # every knob is injected; a cell lacking one is refused
    if appendices is None:
        appendices = all((dest / href).exists() for _, href, _ in appendix_links(stem))
    prepared.parameters["appendices"] = bool(appendices)
    result = Published(request, as_of, [], notes=prepared.notes, timings=lap.timings)
    lap("data")
    with contextlib.ExitStack() as stack:
        if pdf and printer is None:  # a piece of its own: its browser is closed when it is done
            printer = stack.enter_context(browser.Printer())
        stack.enter_context(publish.piece_lock(root, f"{as_of}_{stem}", log=log))
        stage = stack.enter_context(publish.staging(root))
        if pdf:
            printer.start()  # Chromium starts up on another core while the notebook runs
        html.prepare()  # and the HTML exporter is made (nbconvert imported, its template compiled)
        nb_path = stage / f"{stem}.ipynb"
        with _failures_explained(nb_path, root, f"{as_of}_{stem}"):
            nb = execute.execute(notebook, nb_path, prepared.parameters, kernel=kernel)
            lap("execute")
            files = _stage_files(nb, stage, dest, request, as_of, printer if pdf else None, result, lap)
        _publish(files, dest, stem, result)
    lap("publish")
    return result


class _Laps:
    """Seconds per stage of a run: each call records, under its stage, the time since the last call
    (the first: since the object was made)."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._clock = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = now - self._clock
        self._clock = now


@contextlib.contextmanager
def _failures_explained(nb_path: Path, root: Path, key: str) -> Iterator[None]:
    """Executing and staging a piece: a notebook that failed is kept (the error's hint says where),
    and a disk that fills up (or a folder that vanishes) is a :class:`~analysis.errors.PublishError`."""
    try:
        yield
    except RenderError as exc:
        kept = publish.keep_failed(nb_path, root, key)
        if kept:
            exc.hint = f"The failed notebook is kept at {kept}. {exc.hint}".strip()
        raise
    except OSError as exc:  # the disk filled up (or the folder vanished) while staging
        if root.is_dir() and not nb_path.parent.is_dir():  # removed under the run by another program
            raise PublishError(
                f"the staging folder {nb_path.parent} was removed while the piece was written (by another program:"
                " make clean, or an rm of reports/.staging), so nothing was published.",
                "Run it again once that program is done.",
            ) from None
        raise publish.explain(exc, root) from None


def _stage_files(
    nb, stage: Path, dest: Path, request: Request, as_of: str, printer: Printer | None, result: Published, lap
) -> list[Path]:
    """Write the JSON, the HTML and (with a ``printer``) the PDF of an executed notebook into ``stage``."""
    result.notebook = nb
    result.warnings = execute.stderr_outputs(nb)
    summary = execute.find_output(nb, JsonOutput.MIME)
    if not isinstance(summary, dict):
        raise RenderError("the notebook produced no JSON summary (its `summary` cell is missing).")
    if summary.get("as_of") != as_of:  # the kernel read the prices again: a row added since, a file replaced
        raise DataError(
            f"the price data changed while the {request.ticker} piece was written: it was begun as of {as_of},"
            f" and its notebook read data as of {summary.get('as_of')}; nothing was published.",
            "Run it again once the data stops changing (e.g. after the fetch that was writing it).",
        )
    stem = request.stem
    json_path = stage / f"{stem}.json"
    json_path.write_text(to_json(summary))
    files = [json_path, *_brief_files(nb, summary, stage, stem)]
    html_path = stage / f"{stem}.html"
    headline = summary.get("headline") or f"{request.ticker} momentum commentary"
    page = {
        "title": f"{headline} ({as_of})",
        "header_left": f"{request.ticker} · {headline}",
        "header_right": f"As of {as_of}",
    }
    markup = html.to_html(nb, **page)
    html_path.write_text(markup, encoding="utf-8")
    files += [stage / f"{stem}.ipynb", html_path]
    lap("html")
    if printer is not None:
        pdf_path = stage / f"{stem}.pdf"
        print_path = stage / f"{stem}.print.html"  # never published: the PDF's source, links based on dest
        print_path.write_text(html.with_base(markup, dest.as_uri() + "/"), encoding="utf-8")
        try:
            printer.print_pdf(print_path, pdf_path)
            files.append(pdf_path)
        except (BrowserUnavailable, RenderError) as exc:
            result.pdf_error = str(exc)
        lap("pdf")
    return files


def _publish(files: list[Path], dest: Path, stem: str, result: Published) -> None:
    """Publish the staged ``files`` into ``dest`` (``result.files``). When they hold no PDF, the PDF of
    an earlier run there goes with the rest of it (a piece never mixes two runs); ``pdf_error`` says so."""
    old_pdf = dest / f"{stem}.pdf"
    stale = () if any(f.suffix == ".pdf" for f in files) or not os.path.lexists(old_pdf) else (old_pdf.name,)
    result.files = publish.publish(files, dest, remove=stale)
    if stale:  # a piece is whole: the earlier run's PDF went with the rest of it
        why = result.pdf_error or "--no-pdf was given"
        result.pdf_error = (
            f"{why.rstrip('.')}. The PDF of an earlier run, {old_pdf}, was removed: it did not match this piece."
        )


def _brief_files(nb, summary: dict, stage: Path, stem: str) -> list[Path]:
    """The brief for the writer's own channel: ``<stem>.md`` and its chart ``<stem>.png`` beside it."""
    if "brief" not in summary:
        return []
    png = execute.tagged_output(nb, "brief-chart", "image/png")
    files = []
    if isinstance(png, str):
        png_path = stage / f"{stem}.png"
        png_path.write_bytes(base64.b64decode(png))
        files.append(png_path)
    md_path = stage / f"{stem}.md"
    md_path.write_text(brief.markdown(summary, f"{stem}.png" if files else None), encoding="utf-8")
    return [md_path, *files]


def load_summary(path: Path) -> dict:
    """Read a published ``.json`` summary."""
    return json.loads(Path(path).read_text())
