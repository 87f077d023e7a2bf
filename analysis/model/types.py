"""Type names shared by the model and the words.

``SummaryDict`` is the JSON summary as the phrasebooks read it (``analysis.summary.build``'s
``data``; keys in :mod:`analysis.schema` and ``docs/summary.md``), until every part of the
reading is a typed value of its own (:mod:`analysis.model.call` and
:mod:`analysis.model.units` already are).
"""

from __future__ import annotations

from typing import Any, TypeAlias

#: The JSON summary (and any part of it that is a JSON object).
SummaryDict: TypeAlias = dict[str, Any]
