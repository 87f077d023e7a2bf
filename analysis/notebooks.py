"""The notebooks this project executes and the files they become (no pandas, no papermill).

:data:`NOTEBOOKS` lists the research notebooks (``notebooks/<name>.ipynb``), in the order the
piece links them; :func:`stem` is the one file-name rule of a piece (``IWM`` against the
default benchmark, else ``IWM_vs_QQQ``), and :func:`file_name` that of its appendices.
Light on purpose: the command line and the piece both import it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from analysis.params import stem  # noqa: F401 (the piece's stem, re-exported beside its appendices' names)
from analysis.paths import LAB_KERNEL_DISPLAY, LAB_KERNEL_NAME, NOTEBOOK_DIR


@dataclass(frozen=True)
class Notebook:
    """One research notebook: ``notebooks/<name>.ipynb``, what it shows and which chart of the piece it backs."""

    name: str
    title: str
    behind: str  # the piece's chart (or section) this notebook lets a reader dig into


#: The research notebooks, in the order they are listed (and linked from the piece).
NOTEBOOKS: tuple[Notebook, ...] = (
    Notebook(
        "phase",
        "Phases: price against its fast and slow averages",
        "the daily price chart (phase shading, moving averages)",
    ),
    Notebook("real_motion", "Real Motion: momentum against its own averages and bands", "the Real Motion chart"),
    Notebook("leadership", "Leadership against the benchmark", "the Leadership chart"),
    Notebook(
        "triggers",
        "Triggers and relative performance",
        "the level to clear, the closes above the 50-DMA and the long-view chart",
    ),
    Notebook(
        "scorecard",
        "Scenarios: the scorecard over time, and the Economic Modern Family",
        "the scenario scorecard chart and the Economic Modern Family chart",
    ),
    Notebook(
        "history",
        "What history says: an event study of the triggers",
        "the 'What history says' chart (what followed each trigger before)",
    ),
    Notebook(
        "track_record",
        "How this call has done: the call replayed on every past session",
        "the 'How this call has done' section (the call's record, per call and year by year)",
    ),
    Notebook(
        "size",
        "A century of small versus big: the size premium, valuations and what followed",
        "the long view's rolling 10-year size premium (Kenneth French's and Robert Shiller's data)",
    ),
    Notebook(
        "macro",
        "The economy: FRED series as they were published, and the curve's un-inversions",
        "the economy section (curve, credit, labour) and the recession talking point",
    ),
)

RESEARCH_DIR = "research"


def file_name(piece_stem: str, name: str, suffix: str = ".html") -> str:
    """``<STEM>_<notebook><suffix>``, the name of a research file in ``reports/<as-of>/research/``."""
    return f"{piece_stem}_{name}{suffix}"


def appendix_links(piece_stem: str) -> list[tuple[str, str, str]]:
    """``(title, href, behind)`` for each research notebook's HTML, relative to the piece's HTML.

    The piece is ``reports/<as-of>/<STEM>.html``; its research files are in the
    ``research/`` folder next to it, so ``href`` is ``research/<STEM>_<name>.html``.
    """
    return [(nb.title, f"{RESEARCH_DIR}/{file_name(piece_stem, nb.name)}", nb.behind) for nb in NOTEBOOKS]


#: Where ``make lab`` puts the working copies of the notebooks (ignored by git).
SCRATCH_DIR = "scratch"
#: The kernel a working copy names: the lab's (``make lab`` registers it).
LAB_KERNELSPEC = {"display_name": LAB_KERNEL_DISPLAY, "language": "python", "name": LAB_KERNEL_NAME}


def scratch_copies(notebook_dir: Path | None = None) -> list[Path]:
    """Working copies of ``notebooks/*.ipynb`` in ``notebooks/scratch/`` for ``make lab``; returns the new ones.

    An experiment (a window changed and saved; JupyterLab autosaves) then happens in a copy git
    ignores, never in the committed notebook the runner executes. A copy already there is kept
    as it is (it holds your work): delete it to start again from the committed notebook. The
    copies are not paired with jupytext scripts (their pairing metadata is dropped), so saving
    one writes no ``.py`` beside it. A new copy opens on the lab's kernel (``momentum-lab``: the
    report's packages plus the interactive charts' libraries), the committed notebook on the
    report's.
    """
    source = Path(notebook_dir) if notebook_dir else NOTEBOOK_DIR
    target = source / SCRATCH_DIR
    target.mkdir(exist_ok=True)
    made = []
    for path in sorted(source.glob("*.ipynb")):
        copy = target / path.name
        if copy.exists():
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb.setdefault("metadata", {}).pop("jupytext", None)
        nb["metadata"]["kernelspec"] = LAB_KERNELSPEC
        copy.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        made.append(copy)
    return made
