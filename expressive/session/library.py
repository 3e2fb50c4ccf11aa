"""What the host lends an activity from the portfolio: its drafts (work in progress kept
within the running session) and the client's own pictures and songs."""

from __future__ import annotations

from collections.abc import Callable

from expressive.activity import DraftNotKept, Drafts, Library, LibraryError, LibraryItem
from expressive.i18n import format_date
from expressive.portfolio import ArtifactRecord, Portfolio, PortfolioError


class SessionDrafts(Drafts):
    """An activity's work in progress, kept by the store within the running session."""

    def __init__(self, store: Portfolio, client_id: str, session_id: str, activity_id: str):
        self._place = (client_id, session_id, activity_id)
        self._store = store

    def write(self, name: str, data: bytes) -> None:
        try:
            self._store.write_draft(*self._place, name, data)
        except PortfolioError as problem:
            raise DraftNotKept(str(problem)) from None

    def read(self, name: str) -> bytes | None:
        return self._store.read_draft(*self._place, name)

    def delete(self, name: str) -> None:
        self._store.delete_draft(*self._place, name)


class ClientLibrary(Library):
    """The client's own work of one kind, lent to an activity: every artifact for which
    `file_of(artifact)` names a file, read when asked (decrypted and checked by the store)."""

    def __init__(self, store: Portfolio, client_id: str, file_of: Callable[[ArtifactRecord], str | None]):
        self._store = store
        self._client_id = client_id
        self._file_of = file_of
        self._artifacts: dict[str, ArtifactRecord] = {}

    def available(self) -> list[LibraryItem]:
        self._artifacts = {
            f"{artifact.session_id}/{artifact.id}": artifact
            for artifact in reversed(self._store.artifacts(self._client_id))
            if not artifact.damaged and self._file_of(artifact)
        }
        return [
            LibraryItem(item_id, artifact.title or format_date(artifact.created.astimezone()))
            for item_id, artifact in self._artifacts.items()
        ]

    def thumbnail(self, item_id: str) -> bytes | None:
        artifact = self._artifacts.get(item_id)
        if artifact is None or _media_type(artifact, artifact.thumbnail) != "image/png":
            return None
        try:
            return self._store.read_file(artifact, artifact.thumbnail)
        except PortfolioError:
            return None

    def read(self, item_id: str) -> bytes:
        artifact = self._artifacts.get(item_id)
        if artifact is None:
            return super().read(item_id)
        try:
            return self._store.read_file(artifact, self._file_of(artifact))
        except PortfolioError as error:
            raise LibraryError(str(error)) from error


def _media_type(artifact: ArtifactRecord, name: str | None) -> str:
    return next((entry.media_type for entry in artifact.files if entry.name == name), "")


def picture_of(artifact: ArtifactRecord) -> str | None:
    """The artifact's main picture, when its main file is one."""
    return artifact.product if _media_type(artifact, artifact.product).startswith("image/") else None


def song_of(artifact: ArtifactRecord) -> str | None:
    """The artifact's MIDI file, when it has one."""
    return next((entry.name for entry in artifact.files if entry.media_type == "audio/midi"), None)
