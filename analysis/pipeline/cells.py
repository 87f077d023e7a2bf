"""A notebook's parameters cell against the table, before any kernel starts.

The runner injects every parameter of the table (:meth:`analysis.params.Request.notebook_parameters`),
so the values a notebook's own parameters cell holds never reach a published file: a knob saved
in ``notebooks/real_motion.ipynb`` during an experiment (JupyterLab autosaves) is overridden by
the value asked for, and the run says so in one line. What injection cannot cover is refused
(exit 4): a cell that lacks a parameter of the table (papermill would then warn "Passed unknown
parameter" and the knob would silently not apply) or declares one the table does not know (its
value would come from the notebook, not from the request). Experiments belong in working copies:
``make lab`` opens ``notebooks/scratch/`` (ignored by git).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from analysis.errors import RenderError
from analysis.params import notebook_cell


def declared(path: Path) -> dict[str, Any]:
    """``{name: papermill's description}`` of the notebook's parameters cell (papermill's own parser)."""
    import papermill as pm

    return dict(pm.inspect_notebook(str(path)))


def _literal(source: object) -> object:
    try:
        return ast.literal_eval(str(source))
    except (ValueError, SyntaxError):
        return source


def check(path: Path, notebook: str) -> list[str]:
    """Refuse (:class:`~analysis.errors.RenderError`) a parameters cell whose names differ from the
    table's for ``notebook``; return one note when it holds other defaults than the table's."""
    found = declared(path)
    wanted = notebook_cell(notebook)
    names = [name for name, *_ in wanted]
    missing = [n for n in names if n not in found]
    unknown = [n for n in found if n not in names]
    if missing or unknown:
        what = "; ".join(
            part
            for part in (
                f"lacks {', '.join(missing)}" if missing else "",
                f"declares {', '.join(unknown)}, which analysis/params/table.py does not know" if unknown else "",
            )
            if part
        )
        raise RenderError(
            f"the parameters cell of {path} {what}: the runner could not set every knob.",
            f"Restore the notebook with `git checkout -- notebooks/{path.name}` (experiment in notebooks/scratch/:"
            " make lab), or add the parameter to analysis/params/table.py.",
        )
    edited = [
        f"{name} = {found[name]['default']}"
        for name, _, default, _ in wanted
        if _literal(found[name]["default"]) != default
    ]
    if not edited:
        return []
    return [
        f"{path.name}'s parameters cell holds {', '.join(edited)}, not the table's defaults: ignored, every knob"
        " is injected (to publish with another value, ask for it, e.g. make research FAST=20; experiment in"
        " notebooks/scratch/, make lab)."
    ]
