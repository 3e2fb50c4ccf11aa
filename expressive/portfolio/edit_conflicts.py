"""Words two devices changed at once in one record or note, for the therapist to choose.

The merge (see `edits`) shows the later version and keeps the others; `EditChoices` lists
them for a client and writes the therapist's choice as a new edit that has seen every
version, which settles the conflict on every device once it arrives there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from expressive.i18n import _

from .disk import Disk, record_format
from .documents import NOTE_FORMAT
from .edits import EDITS_FOLDER, EditConflict, EditVersion
from .layout import PRIVATE, Key, level, note_paths, records_with_edits
from .records import Client, PortfolioError, RecordError

_KINDS = ("client", "session", "artifact", "note")


@dataclass(frozen=True)
class RecordConflict:
    """One place in a record or note whose words were changed on two devices at once."""

    # "client", "session", "artifact" or "note".
    what: str
    # The record (for a note: its client's key).
    key: Key
    # The record's own file, or the note's.
    path: Path
    edit: EditConflict


class EditChoices:
    """The part of `Portfolio` that lists conflicting edits and settles them."""

    _disk: Disk
    client: Any  # Portfolio.client
    clients: Any  # Portfolio.clients

    def edit_conflicts(self, client_id: str, record: Key | None = None) -> list[RecordConflict]:
        """Every conflict in the client's records and the therapist's notes on them (or,
        given `record`, in that record and the note on it alone): a check for an edits
        folder per record (a stat), and a read of those that have one. A note's conflict
        names the record the note is on."""
        client: Client = self.client(client_id)
        disk = self._disk
        if record is not None:
            keys = [record] if (disk.layout.folder(record) / EDITS_FOLDER).is_dir() else []
            notes_on = {self._note_file(record).name: record} if record[1] else {}
        else:
            keys = records_with_edits(disk.layout, client.id)
            notes_on = {}
        found = []
        for key in keys:
            path = disk.layout.record_file(key)
            found += [RecordConflict(level(key), key, path, conflict) for conflict in self._conflicts_in(path, key)]
        notes = note_paths(disk.layout.client_dir(client.id) / PRIVATE)
        for path in notes if record is None else [note for note in notes if note.name in notes_on]:
            conflicts = self._conflicts_in(path, None)
            if conflicts:
                key = notes_on.get(path.name) or self._note_key(client.id, path.name)
                found += [RecordConflict("note", key, path, conflict) for conflict in conflicts]
        return sorted(found, key=lambda conflict: (_KINDS.index(conflict.what), str(conflict.path), conflict.edit.path))

    def word_conflicts(self, client_ids: Iterable[str]) -> list[RecordConflict]:
        """Every conflict in the records and notes of those of `client_ids` the unlocked
        therapist may see (the clients a `survey` found edited on several devices), client
        by client. A client that cannot be read now has none to offer."""
        visible = [client.id for client in self.clients() if client.id in set(client_ids)]
        found = []
        for client_id in visible:
            try:
                found += self.edit_conflicts(client_id)
            except PortfolioError:
                continue  # gone or damaged since the walk: `check` names it
        return found

    def describe_word_conflict(self, conflict: RecordConflict) -> str:
        """Plain words naming what was written twice ("The goal of a session")."""
        if conflict.what == "note":
            return _("Your note on a piece of work") if conflict.key[2] else _("Your note on a session")
        named = {
            ("name",): _("The client's name"),
            ("notes",): _("Notes about the client") if conflict.what == "client" else _("Notes on a session"),
            ("goal",): _("The goal of a session"),
            ("homework", "task"): _("The homework given in a session"),
            ("homework", "note"): _("What was said about the homework"),
            ("title",): _("The title of a piece of work"),
            ("reflection", "about"): _("What was said about a piece of work"),
            ("text",): _("The words of a piece of work"),
        }
        return named.get(conflict.edit.path, _("Words written on two tablets at once"))

    def edit_version_label(self, version: EditVersion) -> str:
        """Which tablet wrote a version: this one, or another named by its device id."""
        if version.device == self._disk.device:
            return _("Written on this tablet")
        return _("Written on device {device}").format(device=version.device)

    def _note_key(self, client_id: str, name: str) -> Key:
        """The record a note is on, from its file's name ("notes-<session>.json",
        "notes-<session>-<artifact>.json"), its session found among the client's."""
        stem = name[len("notes-"):-len(".json")]
        for session in self._disk.index.sessions(client_id, limit=None, offset=0):
            if stem == session.id:
                return (client_id, session.id, "")
            if stem.startswith(f"{session.id}-"):
                return (client_id, session.id, stem[len(session.id) + 1:])
        return (client_id, "", "")

    def _note_file(self, key: Key) -> Path:
        client_id, session_id, artifact_id = key
        layout = self._disk.layout
        return layout.artifact_note_file(*key) if artifact_id else layout.note_file(client_id, session_id)

    def choose_edit(self, conflict: RecordConflict, version: EditVersion) -> None:
        """Keep `version` of the conflicting words (one of `conflict.edit`'s): written as
        an edit of this device that has seen every version, so the others are settled."""
        path = conflict.edit.path

        def choose(doc: dict[str, Any]) -> None:
            container = doc
            for key in path[:-1]:
                inner = container.get(key)
                container = container.setdefault(key, {}) if not isinstance(inner, dict) else inner
            container[path[-1]] = version.value

        action = _("keep the chosen words")
        if conflict.what == "note":
            self._disk.write_edit(conflict.path, NOTE_FORMAT, choose, action=action, base_optional=True, settling=path)
        else:
            self._disk.rewrite(conflict.key, choose, action=action, settling=path)

    def _conflicts_in(self, path: Path, key: Key | None) -> tuple[EditConflict, ...]:
        expected_format = NOTE_FORMAT if key is None else record_format(key)
        try:
            merged, _damaged = self._disk.read_edited(path, expected_format, base_optional=key is None)
        except RecordError:
            return ()  # a damaged record has no words to choose: `check` names it
        return merged.conflicts
