"""Small display objects the notebooks show: HTML fragments, figures, the JSON summary.

Each has a ``_repr_mimebundle_`` so a notebook cell that returns it renders it, in
JupyterLab and in nbconvert alike. All text that reaches HTML goes through :func:`esc`.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib is imported only when a chart is drawn (keeps `summary` fast)
    from matplotlib.figure import Figure


def esc(text: object) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape(str(text), quote=True)


class Html:
    """A trusted HTML fragment built from escaped parts."""

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self.markup, "text/plain": html.unescape(_strip_tags(self.markup))}

    def __str__(self) -> str:
        return self.markup

    def __add__(self, other: Html) -> Html:
        return Html(self.markup + other.markup)


def _strip_tags(markup: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", markup).strip()


def paragraphs(texts: Iterable[str], cls: str = "") -> Html:
    """One ``<p>`` per plain-text sentence group (escaped)."""
    attr = f' class="{esc(cls)}"' if cls else ""
    return Html("".join(f"<p{attr}>{esc(t)}</p>" for t in texts if t))


def section(title: str, texts: Iterable[str], *, level: int = 2, cls: str = "", as_list: bool = False) -> Html:
    """A heading and its text: the sentences run on as one paragraph, or (``as_list``) one per bullet."""
    attr = f' class="{esc(cls)}"' if cls else ""
    texts = [t for t in texts if t]
    body = bullets(texts) if as_list else paragraphs([" ".join(texts)])
    return Html(f"<section{attr}><h{level}>{esc(title)}</h{level}>{body}</section>")


def bullets(items: Iterable[str], cls: str = "") -> Html:
    attr = f' class="{esc(cls)}"' if cls else ""
    return Html(f"<ul{attr}>" + "".join(f"<li>{esc(i)}</li>" for i in items if i) + "</ul>")


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str = "",
    cls: str = "data",
    row_classes: Sequence[str] | None = None,
) -> Html:
    """A simple table; every cell is escaped. ``row_classes`` tags rows for styling."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        rc = f' class="{esc(row_classes[i])}"' if row_classes and row_classes[i] else ""
        body.append(f"<tr{rc}>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return Html(f'<table class="{esc(cls)}">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


class FigureOutput:
    """A chart as a captioned ``<figure>`` with an embedded PNG (self-contained HTML)."""

    def __init__(self, fig: Figure | None, *, alt: str, caption: str = "") -> None:
        from analysis.view.charts.style import png

        self.figure = fig  # the matplotlib Figure, for a researcher (analysis.api.research); the page shows the PNG
        self.data = png(fig)
        self.alt = alt
        self.caption = caption

    @classmethod
    def from_png(cls, data: bytes, *, alt: str, caption: str = "") -> FigureOutput:
        """A chart already drawn: its PNG bytes (a chart kept on disk, :mod:`analysis.view.charts.memo`)."""
        out = cls.__new__(cls)
        out.figure, out.data, out.alt, out.caption = None, data, alt, caption
        return out

    def shown(self) -> FigureOutput:
        """The chart as the page shows it: its PNG, alt text and caption, without the figure."""
        return FigureOutput.from_png(self.data, alt=self.alt, caption=self.caption)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        b64 = base64.b64encode(self.data).decode("ascii")
        cap = f"<figcaption>{esc(self.caption)}</figcaption>" if self.caption else ""
        markup = f'<figure class="chart"><img src="data:image/png;base64,{b64}" alt="{esc(self.alt)}">{cap}</figure>'
        return {"text/html": markup, "image/png": b64, "text/plain": self.alt}


def keep(*parts: Html | FigureOutput, whole: bool = True) -> Html:
    """``parts`` as one block whose heading stays on the page with the chart or table after it.

    ``whole``: the block is never split across printed pages (for a heading, a few lines and a
    chart or table, well under a page); otherwise only the break right after the heading's
    section is avoided, and a long text may still break inside.
    """
    markup = "".join(p._repr_mimebundle_()["text/html"] if isinstance(p, FigureOutput) else str(p) for p in parts)
    return Html(f'<div class="{"keep" if whole else "keep-with"}">{markup}</div>') if markup else Html("")


class Page:
    """Several parts as one block with a class (page one: ``<div class="page-one">``); its
    bundle also carries the first chart's PNG, so the runner can publish that chart alone."""

    def __init__(self, *parts: Html | FigureOutput, cls: str) -> None:
        self.parts, self.cls = parts, cls

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        html_parts = [p._repr_mimebundle_()["text/html"] if isinstance(p, FigureOutput) else str(p) for p in self.parts]
        bundle = {
            "text/html": f'<div class="{esc(self.cls)}">{"".join(html_parts)}</div>',
            "text/plain": " ".join(_strip_tags(h) for h in html_parts if not h.startswith("<figure")),
        }
        chart = next((p for p in self.parts if isinstance(p, FigureOutput)), None)
        if chart is not None:
            bundle["image/png"] = base64.b64encode(chart.data).decode("ascii")
        return bundle


class JsonOutput:
    """The JSON summary as a notebook output (the runner reads it; the HTML omits it)."""

    MIME = "application/json"

    def __init__(self, data: dict) -> None:
        self.data = data

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        from analysis.summary import to_json

        to_json(self.data)  # an infinite number fails here, as in `make summary` (not turned into null)
        return {
            self.MIME: self.data,
            "text/plain": f"summary of {self.data.get('ticker')} as of {self.data.get('as_of')}",
        }
