"""Notebook -> self-contained article HTML, through the project's nbconvert template."""

from __future__ import annotations

import threading

import nbformat

from analysis.paths import TEMPLATE_DIR

#: Cells with these tags are executed but never shown (e.g. the JSON summary cell).
HIDDEN_TAGS = {"summary", "remove"}


def _css_string(text: str) -> str:
    """A CSS string literal (quotes and backslashes escaped, no newlines)."""
    cleaned = " ".join(str(text).split())
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_css(header_left: str, header_right: str) -> str:
    """``@page`` rules: A4, margins, a running header and page numbers on every printed page."""
    return (
        "@page { size: A4; margin: 17mm 15mm 16mm 15mm;"
        f" @top-left {{ content: {_css_string(header_left)}; font: 7.5pt 'DejaVu Sans', sans-serif; color: #6b7280; }}"
        f" @top-right {{ content: {_css_string(header_right)}; font: 7.5pt 'DejaVu Sans', sans-serif; color: #6b7280;"
        " white-space: nowrap; }"  # the date whole; a long headline wraps on the left
        " @bottom-right { content: counter(page) ' / ' counter(pages); font: 7.5pt 'DejaVu Sans', sans-serif; color: #6b7280; }"
        " }"
    )


def to_html(
    nb: nbformat.NotebookNode, *, title: str, header_left: str = "", header_right: str = "", base_href: str = ""
) -> str:
    """The article HTML of an executed notebook: no inputs, no prompts, hidden cells dropped.

    ``base_href`` (a directory URL ending in ``/``) makes relative links resolve there: the
    copy printed to PDF uses the piece's final folder, so the PDF's links to the research
    appendices point where those files are published, not at the staging folder.
    """
    nb = nbformat.from_dict(nb)  # a copy: the executed notebook is kept as it ran
    nb.metadata["title"] = title
    body, _ = _exporter().from_notebook_node(
        nb, resources={"page_css": page_css(header_left, header_right), "base_href": base_href}
    )
    return body


_KEPT = threading.local()
#: The exporter :func:`prepare` is making on a thread of its own: that thread, and the list it puts the
#: exporter in (left empty if making it failed), for the next thread that exports.
_AHEAD: list[tuple[threading.Thread, list]] = []
_AHEAD_LOCK = threading.Lock()


def prepare() -> None:
    """Make this thread's exporter ahead, on another thread, while the caller waits for something else.

    A fresh process's first export took 0.58 s of a piece's wall time against 0.1 s for later ones:
    importing nbconvert (0.26 s) and compiling the template's Jinja files on the first page. A piece of
    its own calls this while its notebook runs (the runner waits for the kernel then, and a second core
    is free), so its export starts warm. A no-op when this thread has an exporter or one is on its way.
    """
    if getattr(_KEPT, "exporter", None) is not None:
        return
    with _AHEAD_LOCK:
        if _AHEAD:
            return
        made: list = []

        def make() -> None:
            try:
                exporter = _new_exporter()
                exporter.from_notebook_node(nbformat.v4.new_notebook(), resources={"page_css": "", "base_href": ""})
            except Exception:  # noqa: BLE001 - the export makes its own and says what is wrong
                return
            made.append(exporter)

        thread = threading.Thread(target=make, name="momentum-html-ahead", daemon=True)
        _AHEAD.append((thread, made))
        thread.start()


def _taken_ahead():
    """The exporter :func:`prepare` made (waited for, once), or ``None`` when none was prepared or it failed."""
    with _AHEAD_LOCK:
        if not _AHEAD:
            return None
        thread, made = _AHEAD.pop()
    thread.join()
    return made[0] if made else None


def _exporter():
    """This thread's HTML exporter, made on its first export (or taken from :func:`prepare`) and kept:
    compiling the template's Jinja files took 0.12 CPU-s of every piece's export in a batch worker.
    Everything that varies between pieces goes in through ``resources``, so a kept exporter writes
    the same bytes."""
    exporter = getattr(_KEPT, "exporter", None)
    if exporter is None:
        exporter = _taken_ahead() or _new_exporter()
        _KEPT.exporter = exporter
    return exporter


def _new_exporter():
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="momentum",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS), enabled=True)
    return exporter


#: The template's generator line as nbconvert writes it out (``templates/momentum/index.html.j2``):
#: the ``<base>`` element follows it.
GENERATOR = '<meta content="momentum-report (papermill + nbconvert)" name="generator"/>'


def with_base(markup: str, base_href: str) -> str:
    """``markup`` (from :func:`to_html` without a base) as :func:`to_html` writes it with ``base_href``
    (a URL as :meth:`pathlib.Path.as_uri` writes it: quotes and angle brackets percent-encoded).

    The copy printed to PDF differs from the published HTML by that one element only, so it is
    made from the published HTML rather than by a second nbconvert export (0.1-0.2 s a piece).
    """
    from html import escape

    head, found, rest = markup.partition(GENERATOR)
    if not found or not base_href:
        raise ValueError("with_base needs a piece's HTML from to_html() and a base URL")
    return f'{head}{GENERATOR}\n<base href="{escape(base_href, quote=False)}"/>{rest}'
