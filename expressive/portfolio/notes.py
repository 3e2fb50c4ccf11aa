"""The therapist's private notes: on a session, and on one piece of work.

They live in the client's private/ folder, never in a session's or an artifact's record
(which are shown and exported with the work), are encrypted like every client file, are not
in the index (read one at a time, by the therapist only), and are erased with the client.

Like every change, a note is kept per device (see `edits`): this device writes only
`notes-<...>.<device>.json`, and a note reads as the older single file `notes-<...>.json`
(if any) merged with every device's edits, so notes written on two tablets at once are
both kept, one set aside as a conflict to choose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from expressive.i18n import N_, _
from expressive.limits import MAX_NOTE_CHARS

from .artifacts import Artifacts
from .disk import Disk
from .documents import NOTE_FORMAT, note_document, note_text
from .records import ArtifactRecord, MissingRecord, PortfolioError, RecordError, checked_words
from .sessions import Sessions


class Notes:
    def __init__(self, disk: Disk, sessions: Sessions, artifacts: Artifacts):
        self._disk = disk
        self._sessions = sessions
        self._artifacts = artifacts

    def set_session_note(self, client_id: str, session_id: str, text: str) -> None:
        self._sessions.get(client_id, session_id)
        text = checked_words(text, N_("note"), MAX_NOTE_CHARS)
        self._write(self._disk.layout.note_file(client_id, session_id), note_document(client_id, session_id, text))

    def session_note(self, client_id: str, session_id: str) -> str:
        self._sessions.get(client_id, session_id)
        try:
            return self.read(self._disk.layout.note_file(client_id, session_id))
        except MissingRecord:
            return ""
        except RecordError as exc:
            raise PortfolioError(_("The therapist's note on session {session_id} is damaged: {error}.").format(
                session_id=session_id, error=exc)) from None

    def set_artifact_note(self, artifact: ArtifactRecord, text: str) -> None:
        """An empty text clears the note: an edit like any other, so that a note written
        meanwhile on another device is set aside as a conflict rather than lost."""
        self._artifacts.get(artifact.client_id, artifact.session_id, artifact.id)
        if not isinstance(text, str):
            raise PortfolioError(_("A note is words, not {text}.").format(text=repr(text)))
        text = checked_words(text, N_("note"), MAX_NOTE_CHARS)
        path = self._disk.layout.artifact_note_file(artifact.client_id, artifact.session_id, artifact.id)
        if not text.strip():
            if not self.artifact_note(artifact):
                return
            text = ""
        document = note_document(artifact.client_id, artifact.session_id, text, artifact_id=artifact.id)
        self._write(path, document)
        if not text:
            # Cleared: the words go from this device's file (see `edits.compacted`) and the
            # note file an older version wrote goes too, as clearing a note always did.
            self._disk.remove(path, _("save the note"))

    def artifact_note(self, artifact: ArtifactRecord) -> str:
        self._artifacts.get(artifact.client_id, artifact.session_id, artifact.id)
        try:
            return self.read(self._disk.layout.artifact_note_file(artifact.client_id, artifact.session_id, artifact.id))
        except MissingRecord:
            return ""
        except RecordError as exc:
            raise PortfolioError(_("The therapist's note on {artifact} is damaged: {error}.").format(
                artifact=artifact.id, error=exc)) from None

    def read(self, path: Path) -> str:
        """The note's text (the note file at `path` merged with every device's edits of it,
        leaving out a damaged one, which `check` names); RecordError when the note file is
        damaged, MissingRecord when there is no note."""
        return note_text(self._disk.read_edited(path, NOTE_FORMAT, base_optional=True)[0].doc, path.name)

    def _write(self, path: Path, document: dict[str, Any]) -> None:
        def write(doc: dict[str, Any]) -> None:
            if doc.get("text") != document["text"] or doc.get("format") != NOTE_FORMAT:
                doc.update(document)

        # Saved even when unchanged: saving, the therapist has seen (and settles) any
        # version written on another device at the same time.
        self._disk.write_edit(path, NOTE_FORMAT, write, action=_("save the note"), base_optional=True,
                              settling=("text",))
