"""The merge of per-device edits (expressive.portfolio.edits), as pure functions: what each
rule keeps when two devices change one record before they have seen each other."""

import json

import pytest

from expressive.portfolio.edits import (
    MAX_ENTRIES,
    Entry,
    changes,
    compacted,
    edits_document,
    merge,
    new_entry,
    ordered,
    parse_edits,
)
from expressive.portfolio.records import RecordError

A, B = "d-aaaaaaaa", "d-bbbbbbbb"
BASE = {"title": "House", "reflection": {"about": ""}, "tags": ["home"], "files": [{"name": "a.png"}]}


def _at(minute: int) -> str:
    return f"2026-03-02T09:{minute:02d}:00.000000+00:00"


def _edit(device, own, seen, minute, before, after):
    return new_entry(device, own, seen, _at(minute), changes(before, after))


def _changed(doc, **fields):
    return {**doc, **fields}


def test_changes_are_sets_of_values_and_item_adds_and_removes():
    after = {"title": "Home", "reflection": {"about": "safe", "noticings": [{"at": _at(1), "text": "x"}]},
             "tags": ["sea"], "files": [{"name": "a.png"}], "starred": True}
    found = changes(BASE, after)
    assert found == {
        "set": [(("title",), "Home"), (("reflection", "about"), "safe"), (("starred",), True)],
        "add": [(("reflection", "noticings"), ({"at": _at(1), "text": "x"},)), (("tags",), ("sea",))],
        "remove": [(("tags",), ("home",))],
    }
    assert changes(BASE, {k: v for k, v in BASE.items() if k != "title"}) == {"unset": [("title",)]}
    assert changes(BASE, json.loads(json.dumps(BASE))) == {}


def test_last_writer_wins_for_values_set_and_lists_merge_as_sets():
    a1 = _edit(A, [], {}, 1, BASE, _changed(BASE, starred=True, tags=["home", "calm"]))
    b1 = _edit(B, [], {}, 2, BASE, _changed(BASE, starred=False, tags=["sea"]))
    merged = merge(BASE, {A: [a1], B: [b1]})
    assert merged.doc["starred"] is False  # B's came later
    assert sorted(merged.doc["tags"]) == ["calm", "sea"]  # A's add and B's add; B removed "home"
    assert merged.conflicts == ()  # the star is not words
    assert merged.seen == {A: 1, B: 1}


def test_noticings_added_on_two_tablets_are_both_kept():
    first = {"at": _at(1), "text": "The door is open"}
    second = {"at": _at(2), "text": "It is loud"}
    a1 = _edit(A, [], {}, 1, BASE, _changed(BASE, reflection={"about": "", "noticings": [first]}))
    b1 = _edit(B, [], {}, 1, BASE, _changed(BASE, reflection={"about": "", "noticings": [second]}))
    assert merge(BASE, {A: [a1], B: [b1]}).doc["reflection"]["noticings"] == [first, second]


def test_the_same_words_changed_at_once_are_kept_as_a_conflict_until_settled():
    a1 = _edit(A, [], {}, 1, BASE, _changed(BASE, title="Home"))
    b1 = _edit(B, [], {}, 2, BASE, _changed(BASE, title="My house"))
    merged = merge(BASE, {A: [a1], B: [b1]})
    assert merged.doc["title"] == "My house"
    [conflict] = merged.conflicts
    assert conflict.path == ("title",)
    assert (conflict.shown.value, conflict.shown.device) == ("My house", B)
    assert [(other.value, other.device, other.at) for other in conflict.others] == [("Home", A, _at(1))]

    # A, having seen B's entry, chooses its own words: an entry that has seen both settles it.
    a2 = _edit(A, [a1], merged.seen, 3, merged.doc, _changed(merged.doc, title="Home"))
    settled = merge(BASE, {A: [a1, a2], B: [b1]})
    assert settled.doc["title"] == "Home" and settled.conflicts == ()


def test_words_changed_after_seeing_the_other_are_no_conflict():
    a1 = _edit(A, [], {}, 1, BASE, _changed(BASE, title="Home"))
    seen_a = merge(BASE, {A: [a1]})
    b1 = _edit(B, [], seen_a.seen, 2, seen_a.doc, _changed(seen_a.doc, title="Home, again"))
    merged = merge(BASE, {A: [a1], B: [b1]})
    assert merged.doc["title"] == "Home, again" and merged.conflicts == ()


def test_the_same_words_written_on_both_are_no_conflict():
    a1 = _edit(A, [], {}, 1, BASE, _changed(BASE, title="Home"))
    b1 = _edit(B, [], {}, 2, BASE, _changed(BASE, title="Home"))
    assert merge(BASE, {A: [a1], B: [b1]}).conflicts == ()


def test_an_answer_comes_after_what_it_saw_whatever_the_clocks_say():
    a1 = _edit(A, [], {}, 30, BASE, _changed(BASE, title="Home"))
    # B's clock is half an hour behind, but B saw A's entry before writing its own.
    b1 = _edit(B, [], {A: 1}, 1, BASE, _changed(BASE, title="Home, corrected"))
    assert [entry.device for entry in ordered({A: [a1], B: [b1]})] == [A, B]
    assert merge(BASE, {A: [a1], B: [b1]}).doc["title"] == "Home, corrected"


def test_compaction_keeps_only_the_last_of_words_set_again_and_every_add():
    own: list[Entry] = []
    doc = BASE
    for minute, title in enumerate(["One", "Two", "Three"], start=1):
        after = _changed(doc, title=title)
        own = compacted([*own, _edit(A, own, {}, minute, doc, after)])
        doc = after
    tagged = _changed(doc, tags=["home", "sea"])
    own = compacted([*own, _edit(A, own, {}, 9, doc, tagged)])
    assert [entry.n for entry in own] == [3, 4]
    assert merge(BASE, {A: own}).doc == tagged


def test_an_edits_file_is_read_back_as_written_and_anything_else_is_refused():
    entry = _edit(A, [], {B: 2}, 1, BASE, _changed(BASE, title="Home", tags=["sea"]))
    data = json.dumps(edits_document(A, [entry])).encode()
    assert parse_edits(data, "d-aaaaaaaa.json", A) == [entry]
    refused = [
        b"not json",
        json.dumps({"format": "expressive-edits", "version": 1, "device": B, "entries": []}).encode(),
        json.dumps({"format": "expressive-edits", "version": 2, "device": A, "entries": []}).encode(),
        json.dumps({**edits_document(A, [entry, entry])}).encode(),  # n must grow
        json.dumps(edits_document(A, [entry])).replace('"tags"', '"title"').encode(),  # add to words
        json.dumps({"format": "expressive-edits", "version": 1, "device": A,
                    "entries": [{"device": A, "n": 1, "at": _at(1), "seen": {}}] * (MAX_ENTRIES + 1)}).encode(),
    ]
    for data in refused:
        with pytest.raises(RecordError):
            parse_edits(data, "d-aaaaaaaa.json", A)


def test_a_list_set_whole_then_added_to_holds_what_was_set_and_added():
    entries = [
        Entry(A, 1, _at(1), {}, added=((("tags",), ("calm",)),)),
        Entry(A, 2, _at(2), {}, assigned=((("tags",), ["sea"]),)),
        Entry(A, 3, _at(3), {}, added=((("tags",), ("calm", "sea")),)),
        Entry(A, 4, _at(4), {}, removed=((("tags",), ("sea",)),)),
        Entry(A, 5, _at(5), {}, added=((("tags",), ("sea",)),)),
    ]
    assert merge(BASE, {A: entries}).doc["tags"] == ["calm", "sea"]


def test_words_changed_or_cleared_leave_nothing_of_their_earlier_versions():
    first = {**BASE, "text": "Worried about home", "format": "note"}
    own = [new_entry(A, [], {}, _at(1), changes({}, first))]
    cleared = {**first, "text": ""}
    own = compacted([*own, new_entry(A, own, {}, _at(2), changes(first, cleared))])
    assert "Worried" not in json.dumps(edits_document(A, own))
    assert [entry.n for entry in own] == [1, 2] and merge({}, {A: own}).doc == cleared
