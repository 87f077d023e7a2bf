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
        f" @top-right {{ content: {_css_string(header_right)}; font: 7.5pt 'DejaVu Sans', sans-serif; color: #6b7280; }}"
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


def _exporter():
    """This thread's HTML exporter, made on its first export and kept: compiling the template's
    Jinja files took 0.12 CPU-s of every piece's export in a batch worker. Everything that varies
    between pieces goes in through ``resources``, so a kept exporter writes the same bytes."""
    exporter = getattr(_KEPT, "exporter", None)
    if exporter is None:
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
        _KEPT.exporter = exporter
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
