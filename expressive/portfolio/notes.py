"""The therapist's private notes: on a session, and on one piece of work.

They live in the client's private/ folder, never in a session's or an artifact's record
(which are shown and exported with the work), are encrypted like every client file, are not
in the index (read one at a time, by the therapist only), and are erased with the client.
"""

from __future__ import annotations

from pathlib import Path

from expressive.i18n import N_, _
from expressive.limits import MAX_NOTE_CHARS

from .artifacts import Artifacts
from .atomic import ensure_folder
from .disk import Disk
from .documents import NOTE_FORMAT, encode_document, note_document, note_text
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
        path = self._disk.layout.note_file(client_id, session_id)
        with self._disk.writing(_("save the note"), path.parent):
            ensure_folder(path.parent, fsync=self._disk.fsync)
            self._disk.write_bytes(path, encode_document(note_document(client_id, session_id, text)))

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
        self._artifacts.get(artifact.client_id, artifact.session_id, artifact.id)
        if not isinstance(text, str):
            raise PortfolioError(_("A note is words, not {text}.").format(text=repr(text)))
        text = checked_words(text, N_("note"), MAX_NOTE_CHARS)
        path = self._disk.layout.artifact_note_file(artifact.client_id, artifact.session_id, artifact.id)
        if not text.strip():
            self._disk.remove(path, _("save the note"))
            return
        with self._disk.writing(_("save the note"), path.parent):
            ensure_folder(path.parent, fsync=self._disk.fsync)
            document = note_document(artifact.client_id, artifact.session_id, text, artifact_id=artifact.id)
            self._disk.write_bytes(path, encode_document(document))

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
        """The note's text; RecordError when it is damaged, MissingRecord when there is none."""
        return note_text(self._disk.read_document(path, NOTE_FORMAT), path.name)
