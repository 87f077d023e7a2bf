"""Type names shared by the model and the words.

``SummaryDict`` is a JSON object the model or the words build (a part of the summary they
return); ``Reading`` is the summary as the phrasebooks and the model's later stages read it:
read-only (a ``Mapping``), so the type checker refuses any code in :mod:`analysis.model` or
:mod:`analysis.text` that would edit the reading after it is built. At run time the finished
summary is frozen too (:func:`analysis.model.reading.freeze`). Its keys are in
:mod:`analysis.schema` and ``docs/summary.md``; the parts that carry decisions have typed values
of their own (:mod:`analysis.model.call`, :mod:`analysis.model.units`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

#: A JSON object the model or the words build and return.
SummaryDict: TypeAlias = dict[str, Any]

#: The summary (or any JSON object in it) as it is read: never edited by its reader.
Reading: TypeAlias = Mapping[str, Any]
