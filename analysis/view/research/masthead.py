"""The header every research notebook opens with: its title, a dateline, notes on the data and the
knobs, and links to the piece and to the other research notebooks."""

from __future__ import annotations

from analysis import fmt
from analysis.notebooks import NOTEBOOKS, file_name
from analysis.view.display import Html, esc


def masthead(
    name: str, ticker: str, as_of: str, piece: str, dateline: str, notes: list[str], changed: str = ""
) -> Html:
    """The header of the research notebook ``name`` for ``ticker`` as of ``as_of`` (ISO): ``dateline``
    under its title, the knobs that differ from their defaults (``changed``, '' for none), each of
    ``notes`` as a data note, then links to the piece (``piece``: its file stem, knobs included) and
    to the other research notebooks beside it."""
    nb = next(n for n in NOTEBOOKS if n.name == name)
    others = " · ".join(
        f'<a href="{esc(file_name(piece, o.name))}">{esc(o.title.split(":")[0])}</a>'
        for o in NOTEBOOKS
        if o.name != name
    )
    nav = (
        f'<nav class="data-note">The piece: <a href="../{esc(piece)}.html">{esc(ticker)},'
        f" {esc(fmt.date(as_of))}</a>. Other research: {others}.</nav>"
    )
    return Html(
        f'<header class="masthead"><p class="kicker">Research · {esc(ticker)}</p>'
        f'<h1>{esc(nb.title)}</h1><p class="dateline">{esc(dateline)}</p></header>'
        + (f'<p class="knobs">{esc(changed)}</p>' if changed else "")
        + "".join(f'<p class="data-note">{esc(n)}</p>' for n in notes)
        + nav
    )
