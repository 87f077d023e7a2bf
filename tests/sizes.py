"""The size limits of issue "One reading, many voices": no module in ``analysis/`` over
:data:`MODULE_LINES` lines, no function over :data:`FUNCTION_LINES`.

A function's length runs from its ``def`` line to its last line (docstring, nested functions
and blank lines included; decorators not); methods and nested functions count on their own.
``tests/test_project.py`` enforces both limits; run ``.venv/bin/python -m tests.sizes`` to list
what exceeds them.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MODULE_LINES = 400
FUNCTION_LINES = 60


def oversized(root: Path) -> dict[str, int]:
    """``{place: lines}`` of every module and function under ``root`` over the limits.

    A module is named by its path relative to ``root``'s parent (``analysis/params.py``), a
    function by that path and its qualified name (``analysis/summary.py:build``,
    ``analysis/view/piece.py:Piece.build``).
    """
    found: dict[str, int] = {}
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root.parent).as_posix()
        text = path.read_text(encoding="utf-8")
        if (lines := len(text.splitlines())) > MODULE_LINES:
            found[name] = lines
        for qualname, node in _functions(ast.parse(text)):
            if (lines := node.end_lineno - node.lineno + 1) > FUNCTION_LINES:
                found[f"{name}:{qualname}"] = lines
    return found


def _functions(tree: ast.AST, prefix: str = ""):
    """``(qualified name, node)`` of every function and method in ``tree``, nested ones too."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield prefix + node.name, node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


if __name__ == "__main__":
    top = Path(__file__).resolve().parent.parent / "analysis"
    over = oversized(top)
    for place, lines in sorted(over.items(), key=lambda item: -item[1]):
        print(f"{lines:5d}  {place}")
    print(f"{len(over)} over the limits (modules {MODULE_LINES} lines, functions {FUNCTION_LINES})", file=sys.stderr)
