"""The index's queries: what the lists, the gallery and the charts ask of it, in SQL, with
the typed text decrypted as it is read (see `index`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime

from expressive.i18n import _
from expressive.security.cipher import DecryptionError, FieldCipher

from .index_file import ARTIFACT_COLUMNS, ARTIFACT_FIELDS, CLIENT_COLUMNS, SESSION_COLUMNS
from .layout import Layout
from .records import ArtifactRecord, Client, FileEntry, Homework, Noticing, PortfolioError, ProgressRow, Session
from .search import TAG, WORD, SearchTokens, tag_term


class IndexDamaged(PortfolioError):
    """A field of the index does not decrypt: it was changed outside Expressive. The index
    is marked dirty, so the next open rebuilds it from the files."""


class IndexQueries:
    """Mixed into `Index`, which holds the connection and the keys, and marks itself
    dirty when a field does not decrypt."""

    _db: sqlite3.Connection
    _layout: Layout
    _cipher: FieldCipher | None
    _token: SearchTokens

    def _show(self, table: str, column: str, row: str, value: str | bytes) -> str:
        if self._cipher is None:
            return value
        try:
            if not isinstance(value, bytes):
                raise DecryptionError("not encrypted")
            return self._cipher.open_text(table, column, row, value)
        except DecryptionError:
            self.mark_dirty()
            raise IndexDamaged(
                _("The portfolio's index was changed outside Expressive. Open the portfolio again (or run "
                   "`expressive check`): the index is then rebuilt from the saved files.")
            ) from None

    # --- queries -----------------------------------------------------------------------

    def clients(self) -> list[Client]:
        clients = [self._client(row) for row in self._db.execute(f"SELECT {CLIENT_COLUMNS} FROM clients")]
        # In Python rather than SQL: NOCASE only folds ASCII, and names are not ASCII.
        return sorted(clients, key=lambda client: (client.name.casefold(), client.id))

    def client(self, client_id: str) -> Client | None:
        row = self._db.execute(f"SELECT {CLIENT_COLUMNS} FROM clients WHERE id = ?", (client_id,)).fetchone()
        return None if row is None else self._client(row)

    def sessions(self, client_id: str, *, limit: int | None, offset: int) -> list[Session]:
        rows = self._db.execute(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE client_id = ? "
            "ORDER BY started DESC, id DESC LIMIT ? OFFSET ?",
            (client_id, -1 if limit is None else limit, offset),
        )
        return [self._session(row) for row in rows]

    def session(self, client_id: str, session_id: str) -> Session | None:
        row = self._db.execute(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE client_id = ? AND id = ?", (client_id, session_id)
        ).fetchone()
        return None if row is None else self._session(row)

    def artifacts(self, client_id: str, session_ids: Iterable[str] | None = None) -> list[ArtifactRecord]:
        """A client's artifacts, newest session first and oldest first inside each session."""
        query = (
            f"SELECT {', '.join('a.' + field for field in ARTIFACT_FIELDS)} "
            "FROM artifacts a JOIN sessions s ON s.client_id = a.client_id AND s.id = a.session_id "
            "WHERE a.client_id = ?"
        )
        parameters: list[str] = [client_id]
        if session_ids is not None:
            wanted = list(session_ids)
            query += f" AND a.session_id IN ({', '.join('?' * len(wanted))})"
            parameters += wanted
        query += " ORDER BY s.started DESC, s.id DESC, a.created, a.id"
        return [self._artifact(row) for row in self._db.execute(query, parameters)]

    def artifact(self, client_id: str, session_id: str, artifact_id: str) -> ArtifactRecord | None:
        row = self._db.execute(
            f"SELECT {ARTIFACT_COLUMNS} FROM artifacts WHERE client_id = ? AND session_id = ? AND id = ?",
            (client_id, session_id, artifact_id),
        ).fetchone()
        return None if row is None else self._artifact(row)

    def gallery(
        self,
        client_id: str,
        *,
        activity: str | None = None,
        tag: str | None = None,
        starred: bool | None = None,
        words: Iterable[str] = (),
        limit: int | None = None,
        offset: int = 0,
    ) -> list[ArtifactRecord]:
        """A client's artifacts newest first, filtered in SQL: `tag` is a tag's term (see
        `search.tag_term`), `words` the folded query words, each of which must match."""
        query = f"SELECT {ARTIFACT_COLUMNS} FROM artifacts WHERE client_id = ?"
        parameters: list = [client_id]
        if activity is not None:
            query += " AND activity = ?"
            parameters.append(activity)
        if starred is not None:
            query += " AND starred = ?"
            parameters.append(int(starred))
        wanted = [(TAG, tag)] if tag is not None else []
        wanted += [(WORD, word) for word in dict.fromkeys(words)]
        for kind, term in wanted:
            query += " AND n IN (SELECT artifact FROM terms WHERE client_id = ? AND kind = ? AND term = ?)"
            parameters += [client_id, kind, self._token(client_id, kind, term)]
        query += " ORDER BY created DESC, session_id DESC, id DESC LIMIT ? OFFSET ?"
        parameters += [-1 if limit is None else limit, offset]
        return [self._artifact(row) for row in self._db.execute(query, parameters)]

    def tags(self, client_id: str) -> list[str]:
        """Every tag on the client's work. The terms say which tags there are (one artifact
        for each); their spelling is read from that artifact's tags, decrypted if need be."""
        rows = self._db.execute(
            "SELECT t.term, a.client_id, a.session_id, a.id, a.tags FROM "
            "(SELECT term, MIN(artifact) AS artifact FROM terms WHERE client_id = ? AND kind = ? GROUP BY term) t "
            "JOIN artifacts a ON a.n = t.artifact",
            (client_id, TAG),
        )
        found = set()
        for term, client, session_id, artifact_id, tags in rows:
            row = f"{client}/{session_id}/{artifact_id}"
            found.update(
                tag for tag in json.loads(self._show("artifacts", "tags", row, tags))
                if self._token(client_id, TAG, tag_term(tag)) == term
            )
        return sorted(found, key=lambda tag: (tag_term(tag), tag))

    def progress(self, client_id: str) -> list[ProgressRow]:
        """A client's sessions oldest first, each with how many artifacts per activity."""
        made: dict[str, dict[str, int]] = {}
        for session_id, activity, count in self._db.execute(
            "SELECT session_id, activity, COUNT(*) FROM artifacts WHERE client_id = ? AND damaged IS NULL "
            "GROUP BY session_id, activity ORDER BY session_id, activity",
            (client_id,),
        ):
            made.setdefault(session_id, {})[activity] = count
        rows = self._db.execute(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE client_id = ? ORDER BY started, id", (client_id,)
        )
        progress = []
        for row in rows:
            session = self._session(row)
            progress.append(ProgressRow(
                session_id=session.id, started=session.started, plan_id=session.plan_id, goal=session.goal,
                goal_met=session.goal_met, feeling_in=session.feeling_in, feeling_out=session.feeling_out,
                activities=made.get(session.id, {}), homework=session.homework,
            ))
        return progress

    def open_homework(self, client_id: str) -> list[Session]:
        """Sessions that gave homework not yet marked done or not, oldest first."""
        rows = self._db.execute(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE client_id = ? AND homework IS NOT NULL "
            "AND homework_done IS NULL ORDER BY started, id",
            (client_id,),
        )
        return [self._session(row) for row in rows]

    def _artifact(self, row: tuple) -> ArtifactRecord:
        (id, client_id, session_id, activity, kind, created, title, about, files,
         product, thumbnail, process, metadata, damaged, marks, noticings, tags, starred) = row
        key = f"{client_id}/{session_id}/{id}"
        return ArtifactRecord(
            id=id, client_id=client_id, session_id=session_id, activity=activity, kind=kind,
            created=datetime.fromisoformat(created), title=self._show("artifacts", "title", key, title),
            about=self._show("artifacts", "about", key, about),
            files=tuple(FileEntry(*entry) for entry in json.loads(self._show("artifacts", "files", key, files))),
            product=product, thumbnail=thumbnail, process=process,
            metadata=json.loads(self._show("artifacts", "metadata", key, metadata)),
            damaged=damaged, path=self._layout.artifact_dir(client_id, session_id, id),
            marks=tuple(json.loads(self._show("artifacts", "marks", key, marks))),
            noticings=tuple(
                Noticing(datetime.fromisoformat(at), text)
                for at, text in json.loads(self._show("artifacts", "noticings", key, noticings))
            ),
            tags=tuple(json.loads(self._show("artifacts", "tags", key, tags))),
            starred=bool(starred),
        )

    def _client(self, row: tuple) -> Client:
        id, name, year_of_birth, notes, created, damaged, settings = row
        key = f"{id}//"
        if self._cipher is not None:
            year_of_birth = json.loads(self._show("clients", "year_of_birth", key, year_of_birth))
        return Client(
            id, self._show("clients", "name", key, name), year_of_birth, self._show("clients", "notes", key, notes),
            datetime.fromisoformat(created), damaged, json.loads(self._show("clients", "settings", key, settings)),
        )

    def _session(self, row: tuple) -> Session:
        (id, client_id, plan_id, goal, feeling_in, feeling_out, started, ended, damaged,
         goal_met, homework, homework_done) = row
        key = f"{client_id}/{id}/"
        if homework is not None:
            words = json.loads(self._show("sessions", "homework", key, homework))
            homework = Homework(
                task=words["task"], done=None if homework_done is None else bool(homework_done), note=words["note"]
            )
        return Session(
            id, client_id, plan_id, self._show("sessions", "goal", key, goal), feeling_in,
            feeling_out, datetime.fromisoformat(started), None if ended is None else datetime.fromisoformat(ended),
            damaged, None if goal_met is None else bool(goal_met), homework,
        )
