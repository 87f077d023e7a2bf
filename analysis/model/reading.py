"""The reading, frozen: a finished summary that nothing can edit.

:func:`analysis.summary.build` assembles the model's parts (facts, history, scenarios, family,
since-last) in a plain dict, freezes it (:func:`freeze`), and hands that reading to the words
(:mod:`analysis.text.words`), which return new objects and never edit it; the JSON summary is
the frozen reading with those words. A phrasebook, a chart or a test that tries to change a
value of it gets a ``TypeError`` at once, instead of a sentence somewhere else changing.

The frozen types subclass ``dict`` and ``list``, so everything that reads JSON-like data
(``json.dumps``, ``==``, ``copy.deepcopy``, pickling for batch workers, ``{**reading, ...}``)
keeps working; only the methods that change them in place are refused. :func:`thaw` gives a
plain, editable deep copy (a hostile test that forges a summary starts from one).
"""

from __future__ import annotations

from typing import Any, NoReturn


def _refuse(self: object, *args: object, **kwargs: object) -> NoReturn:
    raise TypeError(
        "the reading is frozen once built (analysis.model.reading): build a new object, e.g."
        " {**reading, 'key': value}, or edit a thawed copy (analysis.model.reading.thaw)"
    )


class FrozenDict(dict[str, Any]):
    """A JSON object of the reading: readable like a ``dict``, never changed in place."""

    __slots__ = ()
    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse

    def __reduce__(self) -> tuple[type[FrozenDict], tuple[dict[str, Any]]]:
        return (FrozenDict, (dict(self),))


class FrozenList(list[Any]):
    """A JSON array of the reading: readable like a ``list``, never changed in place."""

    __slots__ = ()
    __setitem__ = __delitem__ = _refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __iadd__ = __imul__ = _refuse

    def __reduce__(self) -> tuple[type[FrozenList], tuple[list[Any]]]:
        return (FrozenList, (list(self),))


def freeze(value: Any) -> Any:
    """``value`` with every dict and list in it (at any depth) frozen; tuples become frozen lists
    (JSON has arrays only); other values are returned as they are."""
    if isinstance(value, FrozenDict | FrozenList):
        return value
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return FrozenList(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """A plain, editable deep copy of ``value`` (dicts and lists at any depth)."""
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(v) for v in value]
    return value


def is_frozen(value: Any) -> bool:
    """Whether ``value`` and every dict and list in it are frozen."""
    if isinstance(value, dict):
        return isinstance(value, FrozenDict) and all(is_frozen(v) for v in value.values())
    if isinstance(value, list):
        return isinstance(value, FrozenList) and all(is_frozen(v) for v in value)
    return not isinstance(value, tuple)
