"""The reading is built once and frozen: nothing edits it after the build, the words included."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

from analysis import summary
from analysis.errors import InputError
from analysis.model.reading import FrozenDict, FrozenList, freeze, is_frozen, thaw
from analysis.params import Request
from analysis.text import brief, words


@pytest.fixture(scope="module")
def built(market, tmp_path_factory):
    """The model commentary (IWM, 2024-07-08), built in-process from the snapshot, no earlier piece."""
    empty = tmp_path_factory.mktemp("no_reports")
    return summary.build(Request.parse("IWM", "SPY", "2024-07-08", "snapshot"), market, reports_dir=empty)


def test_the_summary_and_the_reading_are_frozen_all_the_way_down(built):
    assert is_frozen(built.data) and is_frozen(built.reading)
    assert isinstance(built.data["scenarios"], FrozenList) and isinstance(built.data["scenarios"][0], FrozenDict)


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.__setitem__("close", 1000.0),
        lambda d: d["real_motion"].update(value=0.0),
        lambda d: d["scenarios"].append({}),
        lambda d: d["scenarios"][0].pop("score"),
        lambda d: d["what_would_change"].sort(key=str),
        lambda d: d["brief"].setdefault("lead", "a forged lead"),
        lambda d: d.__delitem__("headline"),
    ],
)
def test_no_edit_reaches_a_built_summary(built, edit):
    before = summary.to_json(built.data)
    with pytest.raises(TypeError, match="frozen"):
        edit(built.data)
    assert summary.to_json(built.data) == before


def test_the_reading_holds_the_models_parts_and_no_words(built):
    """The words (headline, narrative, brief, trigger names, the family's line, each change's
    sentence) are added to a new object; the reading before them has none of them."""
    reading, data = built.reading, built.data
    assert {"headline", "narrative", "brief"} & set(reading) == set()
    assert {"headline", "narrative", "brief"} <= set(data)
    assert "trigger" not in reading["history"][0] and "trigger" in data["history"][0]
    assert "summary" not in reading["family"] and data["family"]["summary"]
    assert all("text" not in c for c in reading["since_last"]["changes"])
    assert all(c["text"] for c in data["since_last"]["changes"])
    # the model's values are unchanged in the worded summary: the words wrote nothing over them
    for key in ("close", "sma50", "real_motion", "leadership", "what_would_change", "scenarios", "session"):
        assert data[key] == reading[key]


def test_a_frozen_summary_round_trips_through_json_pickle_and_copies(built):
    data = built.data
    assert json.loads(summary.to_json(data)) == data
    again = pickle.loads(pickle.dumps(data))  # a batch worker sends its summary back like this
    assert again == data and is_frozen(again)
    assert copy.deepcopy(data) == data and is_frozen(copy.deepcopy(data))
    forged = thaw(data)  # a plain copy to edit, as a hostile test forges a summary
    forged["close"] = 1.0
    assert forged["close"] == 1.0 and data["close"] != 1.0 and not is_frozen(forged)


def test_freeze_turns_tuples_into_arrays_and_leaves_scalars():
    frozen = freeze({"a": (1, [2, {"b": None}]), "c": "x"})
    assert frozen == {"a": [1, [2, {"b": None}]], "c": "x"} and is_frozen(frozen)
    assert freeze(frozen) is frozen


# -- the language seam: a toy phrasebook, registered by this test only ---------------------------


def _toy() -> words.Phrasebook:
    """A toy "language" (upper-case English with a marker): each entry is the English one, re-worded
    after the fact, which only a test may do; it proves the seam carries every word of the summary."""

    def loud(text: str) -> str:
        return f"toy: {text.upper()}"

    def loud_all(value):
        if isinstance(value, str):
            return loud(value)
        if isinstance(value, dict):
            return {k: loud_all(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [loud_all(v) for v in value]
        return value

    en = words.ENGLISH
    return words.Phrasebook(
        triggers=lambda items, n, w, f: [{**i, "trigger": loud(i["trigger"])} for i in en.triggers(items, n, w, f)],
        state=lambda state, f: None if state is None else {**en.state(state, f), "label": "toy: NOW"},
        family=lambda family: loud(en.family(family)),
        changes=lambda s: {
            **s["since_last"],
            "changes": [{**c, "text": "toy: CHANGE"} for c in s["since_last"]["changes"]],
        },
        headline=lambda s: loud(en.headline(s)),
        narrative=lambda s: loud_all(en.narrative(s)),
        brief=lambda s: loud_all(en.brief(s)),
    )


def test_a_new_language_is_one_registered_phrasebook(built, market, tmp_path, monkeypatch):
    monkeypatch.setitem(words.PHRASEBOOKS, "toy", _toy())
    toy = summary.build(
        Request.parse("IWM", "SPY", "2024-07-08", "snapshot"), market, reports_dir=tmp_path, language="toy"
    )
    # the same reading, decided once in the model: not one number or decision differs
    assert summary.to_json(toy.reading) == summary.to_json(built.reading)
    # and every word of the summary is the toy's
    data = toy.data
    assert data["headline"].startswith("toy: ") and data["headline"] == f"toy: {built.data['headline'].upper()}"
    assert data["brief"]["call_sentence"] == f"toy: {built.data['brief']['call_sentence'].upper()}"
    assert all(h["trigger"].startswith("toy: ") for h in data["history"])
    assert data["family"]["summary"].startswith("toy: ")
    assert all(c["text"] == "toy: CHANGE" for c in data["since_last"]["changes"])
    assert all(line.startswith("toy: ") for lines in data["narrative"].values() for line in lines)
    # page one's Markdown is written from the toy's words
    assert f"**{data['brief']['call_sentence']}**" in brief.markdown(data)


def test_an_unknown_language_is_refused_before_any_work(market, tmp_path):
    with pytest.raises(InputError, match="no phrasebook for the language 'xx'.*use one of en"):
        summary.build(
            Request.parse("IWM", "SPY", "2024-07-08", "snapshot"), market, reports_dir=tmp_path, language="xx"
        )
