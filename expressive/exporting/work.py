"""What an export takes from the portfolio, gathered in two steps that run on two threads.

The portfolio's index is an SQLite connection, and a connection belongs to the thread that
opened it: listing clients, sessions and artifacts (and anything that looks a record up,
such as `therapist_note`) must run on the thread that opened the store. Reading a file
does not touch the index: `Portfolio.read_file` reads, decrypts and checks one file
against the record it is given. So an export is made in two steps:

1. `gather` on the store's own thread (the UI thread): the records, from the index, in a
   few queries; nothing is read from the files yet.
2. Writing, on any thread (a worker): every file and document through `WorkReader`,
   which only reads files. The store must stay open meanwhile (an encrypted store that
   is locked forgets its keys, and the reads then fail as damaged).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from expressive.activity import SHOWS_PEOPLE
from expressive.i18n import N_, _
from expressive.portfolio import ArtifactRecord, Client, Portfolio, PortfolioError, Session
from expressive.portfolio.documents import ARTIFACT_FORMAT, CLIENT_FORMAT, NOTE_FORMAT, SESSION_FORMAT, parse_document
from expressive.portfolio.layout import MANIFEST_FILE, PRIVATE, Layout, note_paths
from expressive.portfolio.records import RecordError

Record = Client | Session | ArtifactRecord
# What the PDF report and the web portfolio say in the place of work they leave out.
PEOPLE_LEFT_OUT = N_("A photo or film that may show a person is left out; the therapist chose not to include them.")


@dataclass(frozen=True)
class SessionWork:
    session: Session
    # Oldest first, as they were made.
    artifacts: tuple[ArtifactRecord, ...]


@dataclass(frozen=True)
class ClientWork:
    """A client's records as they were when gathered, and the way to read their files."""

    client: Client
    # Newest first.
    sessions: tuple[SessionWork, ...]
    reader: WorkReader
    # Whether work that may show a person (its metadata's SHOWS_PEOPLE) goes in; the
    # archive, the client's whole record, always holds it.
    include_people: bool = True

    @property
    def artifacts(self) -> list[ArtifactRecord]:
        """Every artifact, oldest first."""
        return [artifact for session in reversed(self.sessions) for artifact in session.artifacts]

    def leaves_out(self, artifact: ArtifactRecord) -> bool:
        """Whether the export leaves this piece of work out, not one byte of it written,
        because it may show a person and the therapist did not choose to include such work."""
        return not self.include_people and artifact.metadata.get(SHOWS_PEOPLE) is True


class WorkReader:
    """Reads a client's files and JSON documents, decrypted and checked; safe on any thread.

    The documents are read as stored (`Portfolio.read_stored`), so fields this version
    does not know travel too.
    """

    def __init__(self, store: Portfolio, client_id: str):
        self._store = store
        self._layout = Layout(store.root)
        self._client_id = client_id

    def file(self, artifact: ArtifactRecord, name: str) -> bytes:
        """PortfolioError when the file is missing or does not match its checksum."""
        return self._store.read_file(artifact, name)

    def document(self, record: Record) -> dict[str, Any]:
        """The record's JSON document as stored; PortfolioError when it cannot be read."""
        if isinstance(record, ArtifactRecord):
            return self._document(record.path / MANIFEST_FILE, ARTIFACT_FORMAT)
        if isinstance(record, Session):
            return self._document(self._layout.record_file((record.client_id, record.id, "")), SESSION_FORMAT)
        return self._document(self._layout.record_file((record.id, "", "")), CLIENT_FORMAT)

    def therapist_notes(self) -> tuple[list[dict[str, Any]], list[str]]:
        """Every private note of the therapist on the client's sessions and work, as stored
        (each names its "session_id", and its "artifact_id" when it is about one piece of
        work); and what could not be read, in plain words."""
        notes, problems = [], []
        # Each note once, as it now reads (merged with every device's edits of it); a note
        # cleared is no note.
        for path in note_paths(self._layout.client_dir(self._client_id) / PRIVATE):
            try:
                note = self._document(path, NOTE_FORMAT)
            except PortfolioError as exc:
                problems.append(_("A therapist's note: {error}").format(error=exc))
                continue
            if note.get("text"):
                notes.append(note)
        return notes, problems

    def _document(self, path: Path, expected_format: str) -> dict[str, Any]:
        where = path.relative_to(self._layout.client_dir(self._client_id)).as_posix()
        try:
            return parse_document(self._store.read_stored(path), path.name, expected_format)
        except FileNotFoundError:
            raise PortfolioError(_("{where} is missing.").format(where=where)) from None
        except OSError as exc:
            raise PortfolioError(_("{where} cannot be read ({reason}).").format(
                where=where, reason=exc.strerror or exc)) from None
        except RecordError as exc:
            raise PortfolioError(_("{where} is damaged: {error}.").format(where=where, error=exc)) from None


def gather(
    store: Portfolio, client_id: str, artifact_ids: Iterable[tuple[str, str]] | None = None, *,
    include_people: bool = True,
) -> ClientWork:
    """The client's records (all, or the artifacts named as (session id, artifact id):
    an artifact's id is unique only within its session). Run on the store's thread."""
    client = store.client(client_id)
    if artifact_ids is None:
        sessions = store.sessions(client_id)
        artifacts = store.artifacts(client_id)
    else:
        chosen = list(dict.fromkeys(tuple(pair) for pair in artifact_ids))
        artifacts = [store.artifact(client_id, session_id, artifact_id) for session_id, artifact_id in chosen]
        wanted = {artifact.session_id for artifact in artifacts}
        sessions = [session for session in store.sessions(client_id) if session.id in wanted]
    by_session: dict[str, list[ArtifactRecord]] = {session.id: [] for session in sessions}
    for artifact in artifacts:
        by_session[artifact.session_id].append(artifact)
    return ClientWork(
        client=client,
        sessions=tuple(
            SessionWork(session, tuple(sorted(by_session[session.id], key=lambda artifact: (artifact.created, artifact.id))))
            for session in sessions
        ),
        reader=WorkReader(store, client_id),
        include_people=include_people,
    )
