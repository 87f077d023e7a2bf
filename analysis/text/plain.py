"""Data notes in plain words: no host names, URLs, file paths or command-line syntax in a reader's text.

Provenance keeps its detail in the JSON (``data.*.source_detail``, ``run_notes``) and in the
project's ``SOURCES.md`` files; what a reader sees goes through :func:`reader` first.
"""

from __future__ import annotations

import re

_RULES: tuple[tuple[str, str], ...] = (
    (r"\s*\((?:see|full log:|log:)[^)]*\)", ""),  # (see analysis/data/prices/SOURCES.md)
    (r";?\s*downloaded from \S+", ""),
    (r"https?://\S+", "its web site"),
    (r"\s*\(auto_adjust=False\)", ""),
    (r"\bvia yfinance\b", ""),
    (r"\bfredgraph\.csv download\b", "download"),
    (r"\s*\((?:could not resolve host|curl|HTTP|DNS)[^)]*\)", ""),  # the network's own words stay on the console
    (r"\b(?:[\w-]+\.)+(?:com|org|net|io|gov|edu)\b", "its server"),
    (r"\b(?:SOURCE|RESEARCH|TICKER|AS_OF|JOBS)=\w*:?\s*", ""),
    (r"\(offline mode: MOMENTUM_OFFLINE is set\)", "(offline mode)"),
    (r"\bMOMENTUM_OFFLINE is set\b", "offline mode"),
    (r"`[^`]*`", ""),
    (r"\s{2,}", " "),
    (r"\s+([,.;)])", r"\1"),
)


def reader(text: str) -> str:
    """``text`` without host names, URLs, paths in parentheses or command syntax; sentences otherwise as written."""
    for pattern, repl in _RULES:
        text = re.sub(pattern, repl, text)
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text
