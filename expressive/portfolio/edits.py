"""Changes to a record after it was made: per-device, append-only edit entries, and their merge.

A record's own file (client.json, session.json, manifest.json) is written once, by the
device that makes it. Every later change is an entry in `<record folder>/edits/<device>.json`,
a file only that device ever writes, so that two tablets sharing the portfolio through a
sync engine never write the same file. Reading a record merges its file with every
device's entries. The therapist's notes are kept the same way
(`private/notes-<session>.<device>.json`, merged over the older single note file).

An edits file: {"format": "expressive-edits", "version": 1, "device", "entries": [...]},
each entry:
    {"device", "n" (this device's count, from 1), "at" (UTC time),
     "seen" {other device: the highest n of its entries merged when this one was written},
     "set" [[path, value], ...], "unset" [path, ...],
     "add" [[path, [items]], ...], "remove" [[path, [items]], ...]}
A path is a list of keys into the document (["reflection", "about"]): a list rather than
a dotted string, since a setting's name may hold a dot. "add" and "remove" are for the
lists that are sets or logs (`SET_PATHS`: tags, noticings, marks, files); every other
change is a "set" of the value at its path, or an "unset".

The merge: the record's file, then every entry of every device in an order that puts each
entry after everything it had seen (its time, raised to that of what it saw; then how many
entries came before it; then device and n), so clocks that disagree never put an entry
before what it answered. "set" is last-writer-wins per path; "add"/"remove" are set
operations, so a noticing added on each of two tablets keeps both. When two devices
changed the same words (`WORD_PATHS`) without either having seen the other's entry,
nothing is lost: the later shows, and the other stays as an `EditConflict` until an entry
that has seen both settles it (any later change of the words, or `choose`).
"""

from __future__ import annotations

import copy
import json
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from expressive.i18n import _, format_number
from expressive.limits import MAX_RECORD_BYTES, InputRefused, load_json_bounded

from .records import RecordError

EDITS_FORMAT = "expressive-edits"
EDITS_VERSION = 1
EDITS_FOLDER = "edits"
# The most an edits file may hold. Entries that only set words are compacted (see
# `compacted`); a device reaching the bound with adds and removes is told so plainly.
MAX_EDITS_BYTES = MAX_RECORD_BYTES
MAX_ENTRIES = 5_000
# The most devices' edits files of one record that are read: a clinic has a few tablets,
# and a folder of thousands (from a hostile peer) must not cost every reading of it.
MAX_EDIT_FILES = 64
DEVICE_PATTERN = re.compile(r"^d-[a-z0-9]{8}$")
# Lists kept as sets (or logs) of items: changed by adding and removing items, never set whole.
SET_PATHS = (("tags",), ("reflection", "noticings"), ("marks",), ("files",))
# Words a person types, where two versions written at once are both kept for a choice.
WORD_PATHS = (
    ("title",), ("reflection", "about"), ("goal",), ("notes",), ("name",), ("text",),
    ("homework", "task"), ("homework", "note"),
)
_OPERATIONS = ("set", "unset", "add", "remove")

EditPath = tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    device: str
    n: int
    at: str
    seen: dict[str, int]
    # The operations, stored under "set", "unset", "add" and "remove".
    assigned: tuple[tuple[EditPath, Any], ...] = ()
    cleared: tuple[EditPath, ...] = ()
    added: tuple[tuple[EditPath, tuple[Any, ...]], ...] = ()
    removed: tuple[tuple[EditPath, tuple[Any, ...]], ...] = ()

    def has_seen(self, other: Entry) -> bool:
        if other.device == self.device:
            return other.n < self.n
        return self.seen.get(other.device, 0) >= other.n

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"device": self.device, "n": self.n, "at": self.at, "seen": dict(sorted(self.seen.items()))}
        if self.assigned:
            doc["set"] = [[list(path), value] for path, value in self.assigned]
        if self.cleared:
            doc["unset"] = [list(path) for path in self.cleared]
        for name, changed in (("add", self.added), ("remove", self.removed)):
            if changed:
                doc[name] = [[list(path), list(items)] for path, items in changed]
        return doc

    @property
    def words_only(self) -> bool:
        return not (self.added or self.removed)

    def paths_set(self) -> set[EditPath]:
        return {path for path, _value in self.assigned} | set(self.cleared)


@dataclass(frozen=True)
class EditVersion:
    """One version of words in conflict: what it says, and which device wrote it when."""

    value: Any
    device: str
    at: str
    n: int


@dataclass(frozen=True)
class EditConflict:
    """Words changed on two devices at once: `shown` is what the record shows now (the
    later), `others` the versions set aside until one is chosen."""

    path: EditPath
    shown: EditVersion
    others: tuple[EditVersion, ...]


@dataclass(frozen=True)
class Merged:
    doc: dict[str, Any]
    conflicts: tuple[EditConflict, ...]
    # Device -> the highest n of its entries merged: the "seen" of the next entry written.
    seen: dict[str, int]


# --- reading -----------------------------------------------------------------------------


def parse_edits(data: bytes, file_name: str, device: str) -> list[Entry]:
    """The entries of an edits file of `device`; RecordError, in plain words, when it is not one."""
    try:
        doc = load_json_bounded(data, max_bytes=MAX_EDITS_BYTES, what=file_name)
    except InputRefused as refusal:
        raise RecordError(str(refusal).rstrip(".")) from None
    if not isinstance(doc, dict) or doc.get("format") != EDITS_FORMAT:
        raise RecordError(_("{file_name} is not an {expected_format} file").format(
            file_name=file_name, expected_format=EDITS_FORMAT))
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > EDITS_VERSION:
        raise RecordError(_("{file_name} was made by a newer version of Expressive").format(file_name=file_name))
    raw_entries = doc.get("entries")
    if doc.get("device") != device or not isinstance(raw_entries, list):
        raise RecordError(_("{file_name} is not the edits of device {device}").format(file_name=file_name, device=device))
    if len(raw_entries) > MAX_ENTRIES:
        raise RecordError(_("{file_name} holds more than {most} changes, which Expressive never writes").format(
            file_name=file_name, most=format_number(MAX_ENTRIES)))
    entries: list[Entry] = []
    for raw in raw_entries:
        try:
            entry = _entry(raw)
        except (KeyError, TypeError, ValueError):
            raise RecordError(_("{file_name} has an invalid change in it").format(file_name=file_name)) from None
        if entry.device != device or (entries and entry.n <= entries[-1].n):
            raise RecordError(_("{file_name} has an invalid change in it").format(file_name=file_name))
        entries.append(entry)
    return entries


def _entry(raw: Any) -> Entry:
    device, n, at, seen = raw["device"], raw["n"], raw["at"], raw["seen"]
    if not isinstance(device, str) or not DEVICE_PATTERN.match(device) or not _is_count(n):
        raise ValueError(raw)
    if not isinstance(at, str) or datetime.fromisoformat(at).tzinfo is None:
        raise ValueError(at)
    if not isinstance(seen, dict) or not all(
        isinstance(other, str) and DEVICE_PATTERN.match(other) and _is_count(count) for other, count in seen.items()
    ):
        raise ValueError(seen)
    if not set(raw) <= {"device", "n", "at", "seen", *_OPERATIONS}:
        raise ValueError(raw)
    return Entry(
        device=device, n=n, at=at, seen=dict(seen),
        assigned=tuple((_path(path), value) for path, value in raw.get("set", [])),
        cleared=tuple(_path(path) for path in raw.get("unset", [])),
        added=tuple((_set_path(path), tuple(items)) for path, items in raw.get("add", [])),
        removed=tuple((_set_path(path), tuple(items)) for path, items in raw.get("remove", [])),
    )


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**62


def _path(raw: Any) -> EditPath:
    if not isinstance(raw, list) or not raw or not all(isinstance(key, str) for key in raw):
        raise ValueError(raw)
    return tuple(raw)


def _set_path(raw: Any) -> EditPath:
    path = _path(raw)
    if path not in SET_PATHS:
        raise ValueError(raw)
    return path


def edits_document(device: str, entries: list[Entry]) -> dict[str, Any]:
    return {"format": EDITS_FORMAT, "version": EDITS_VERSION, "device": device,
            "entries": [entry.document() for entry in entries]}


# --- the merge ---------------------------------------------------------------------------


def merge(base: dict[str, Any], entries_by_device: dict[str, list[Entry]], *, base_is_spare: bool = False) -> Merged:
    """The record as `base` and every device's entries make it (see the module's words).
    Without entries, `base` itself. `base_is_spare`: `base` was read for this merge alone,
    so it is changed in place rather than copied (copying costs more than reading it)."""
    if not any(entries_by_device.values()):
        return Merged(base, (), {})
    doc = base if base_is_spare else copy.deepcopy(base)
    heads: dict[EditPath, list[tuple[Entry, Any]]] = {}
    # The items of each set-list, canonical, kept while entries add to it (a log of
    # hundreds of noticings is not encoded again for every entry).
    items_of: dict[EditPath, set[str]] = {}
    for entry in ordered(entries_by_device):
        for path in [*entry.cleared, *(path for path, _value in entry.assigned)]:
            for listed in [listed for listed in items_of if listed[:len(path)] == path or path[:len(listed)] == listed]:
                del items_of[listed]
        for path in entry.cleared:
            _unset(doc, path)
            _settle(heads, path, entry, None)
        for path, value in entry.assigned:
            _set(doc, path, copy.deepcopy(value))
            _settle(heads, path, entry, value)
        for path, items in entry.added:
            present = _list_at(doc, path)
            known = items_of.get(path)
            if known is None:
                known = items_of[path] = {_canonical(item) for item in present}
            for item in items:
                if _canonical(item) not in known:
                    present.append(copy.deepcopy(item))
                    known.add(_canonical(item))
        for path, items in entry.removed:
            gone = {_canonical(item) for item in items}
            present = _list_at(doc, path)
            present[:] = [item for item in present if _canonical(item) not in gone]
            if path in items_of:
                items_of[path] -= gone
    conflicts = []
    for path, versions in sorted(heads.items()):
        distinct = {_canonical(value) for _entry, value in versions}
        if len(distinct) > 1:
            shown, *others = [EditVersion(value, entry.device, entry.at, entry.n) for entry, value in reversed(versions)]
            conflicts.append(EditConflict(path, shown, tuple(others)))
    seen = {device: entries[-1].n for device, entries in entries_by_device.items() if entries}
    return Merged(doc, tuple(conflicts), seen)


def _settle(heads: dict[EditPath, list[tuple[Entry, Any]]], path: EditPath, entry: Entry, value: Any) -> None:
    """Keep, for words, every version that no later entry has seen: more than one is a conflict."""
    if path not in WORD_PATHS:
        return
    heads[path] = [(head, old) for head, old in heads.get(path, []) if not entry.has_seen(head)] + [(entry, value)]


def ordered(entries_by_device: dict[str, list[Entry]]) -> list[Entry]:
    """Every entry, each after everything it had seen (see the module's words)."""
    rank: dict[tuple[str, int], tuple[str, int]] = {}
    counts = {device: [entry.n for entry in entries] for device, entries in entries_by_device.items()}

    def last_of(device: str, highest: int) -> Entry | None:
        """The last entry of `device` numbered `highest` or lower (earlier ones may be compacted away)."""
        position = bisect_right(counts.get(device, []), highest)
        return entries_by_device[device][position - 1] if position else None

    def before(entry: Entry) -> list[Entry]:
        found = [last_of(entry.device, entry.n - 1)]
        found += [last_of(device, count) for device, count in entry.seen.items() if device != entry.device]
        return [earlier for earlier in found if earlier is not None]

    def rank_of(first: Entry) -> tuple[str, int]:
        # Without recursion: a device's own entries form a chain thousands long.
        stack, open_ = [first], set()
        while stack:
            entry = stack[-1]
            key = (entry.device, entry.n)
            if key in rank:
                stack.pop()
                continue
            open_.add(key)
            earlier = before(entry)
            waiting = [other for other in earlier if (other.device, other.n) not in rank and (other.device, other.n) not in open_]
            if waiting:
                stack.extend(waiting)
                continue
            at, depth = entry.at, 0
            for other in earlier:
                # Missing only when a hand-made file says it saw what came after it.
                other_at, other_depth = rank.get((other.device, other.n), (entry.at, -1))
                at, depth = max(at, other_at), max(depth, other_depth + 1)
            rank[key] = (at, depth)
            open_.discard(key)
            stack.pop()
        return rank[(first.device, first.n)]

    every = [entry for entries in entries_by_device.values() for entry in entries]
    return sorted(every, key=lambda entry: (*rank_of(entry), entry.device, entry.n))


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _made_container(doc: dict[str, Any], path: EditPath) -> dict[str, Any]:
    """The mapping that holds the value at `path`, made where missing."""
    for key in path[:-1]:
        inner = doc.get(key)
        if not isinstance(inner, dict):
            inner = doc[key] = {}
        doc = inner
    return doc


def _set(doc: dict[str, Any], path: EditPath, value: Any) -> None:
    _made_container(doc, path)[path[-1]] = value


def value_at(doc: dict[str, Any], path: EditPath) -> Any:
    """The value at `path` in `doc`; None when it is not there."""
    value: Any = doc
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _unset(doc: dict[str, Any], path: EditPath) -> None:
    container: Any = doc
    for key in path[:-1]:
        container = container.get(key)
        if not isinstance(container, dict):
            return
    container.pop(path[-1], None)


def _list_at(doc: dict[str, Any], path: EditPath) -> list[Any]:
    container = _made_container(doc, path)
    present = container.get(path[-1])
    if not isinstance(present, list):
        present = container[path[-1]] = []
    return present


# --- making an entry ---------------------------------------------------------------------


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The operations that turn the document `before` into `after`: a "set" or "unset" of
    each value that differs, item adds and removes for the lists in `SET_PATHS`."""
    found: dict[str, list[Any]] = {name: [] for name in _OPERATIONS}
    _compare(before, after, (), found)
    return {name: operations for name, operations in found.items() if operations}


def _compare(before: dict[str, Any], after: dict[str, Any], prefix: EditPath, found: dict[str, list[Any]]) -> None:
    for key in [*before, *(key for key in after if key not in before)]:
        path = (*prefix, key)
        if key not in after:
            found["unset"].append(path)
            continue
        old, new = before.get(key), after[key]
        if key in before and _canonical(old) == _canonical(new):
            continue
        # A new mapping or set-list is made of its parts, so that what another device adds
        # to the same place meanwhile is kept too.
        if key not in before and path in SET_PATHS:
            old = []
        if isinstance(new, dict) and (isinstance(old, dict) or key not in before):
            _compare(old if isinstance(old, dict) else {}, new, path, found)
        elif path in SET_PATHS and isinstance(old, list) and isinstance(new, list):
            old_items, new_items = {_canonical(item) for item in old}, {_canonical(item) for item in new}
            added = [item for item in new if _canonical(item) not in old_items]
            removed = [item for item in old if _canonical(item) not in new_items]
            if added:
                found["add"].append((path, tuple(added)))
            if removed:
                found["remove"].append((path, tuple(removed)))
        else:
            found["set"].append((path, copy.deepcopy(new)))


def new_entry(device: str, own: list[Entry], seen: dict[str, int], at: str, operations: dict[str, list[Any]]) -> Entry:
    return Entry(
        device=device, n=(own[-1].n if own else 0) + 1, at=at,
        seen={other: count for other, count in seen.items() if other != device},
        assigned=tuple(operations.get("set", ())), cleared=tuple(operations.get("unset", ())),
        added=tuple(operations.get("add", ())), removed=tuple(operations.get("remove", ())),
    )


def compacted(entries: list[Entry]) -> list[Entry]:
    """A device's own entries without the values its own later entries set (or unset)
    again, and without entries left with nothing. Safe, path by path: whatever another
    device wrote meanwhile, the later entry decides as the earlier value would have been
    overruled, and the count `n` (which others' "seen" refers to) only grows. So words
    changed or cleared leave nothing of their earlier versions in the file. Adds and
    removes are kept: they may meet another device's."""
    kept: list[Entry] = []
    later_paths: set[EditPath] = set()

    def overruled(path: EditPath) -> bool:
        return any(path[:len(done)] == done for done in later_paths)

    for entry in reversed(entries):
        if kept:
            entry = replace(entry, assigned=tuple((path, value) for path, value in entry.assigned if not overruled(path)),
                            cleared=tuple(path for path in entry.cleared if not overruled(path)))
        if not kept or entry.assigned or entry.cleared or not entry.words_only:
            kept.append(entry)
        later_paths |= entry.paths_set()
    return list(reversed(kept))
