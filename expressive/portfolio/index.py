"""The SQLite index: derived data for fast listing, rebuilt from the JSON records at will.

Nothing is stored here that is not in the files. Beside the rows it keeps a stamp
(mtime_ns, size) of every record's JSON file; `sync` compares the stamps with a fresh
walk of the tree and re-reads only what changed, so a tree edited by hand or by a sync
engine is noticed on open. A "dirty" flag is raised before every filesystem write and
lowered in the same transaction that records it, so a write interrupted between the two
leads to a full rebuild (a stamp alone can miss a same-size rewrite on a coarse clock).

In an encrypted portfolio every field a person typed (a client's name, notes and year of
birth, a session's goal and homework, an artifact's title, reflection, later noticings,
tags, file list, metadata and review marks) is stored encrypted (AES-GCM under the index
key; the associated data names the table, column and row). Ids, dates, kinds, plan ids,
feelings, whether a goal was met or homework done, and the star stay plain, so sorting,
filtering and paging still run in SQL. The words of the typed text are in the `terms`
table for the gallery's search and tag filter: plain in an unencrypted portfolio, keyed
tokens in an encrypted one (see `search`). The meta table records which key (or none)
wrote the rows; an index written under another key, or unencrypted, is thrown away and
rebuilt.

`secure_delete` is on, so deleted rows are overwritten with zeros; `forget_client` also
checkpoints and truncates the WAL and VACUUMs, so that no free page or old WAL frame keeps
a deleted client's text, which matters most for an unencrypted portfolio.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from expressive.i18n import _
from expressive.security.cipher import DecryptionError, FieldCipher

from .documents import format_time
from .index_file import (
    ARTIFACT_COLUMNS,
    ARTIFACT_FIELDS,
    CLIENT_COLUMNS,
    SCHEMA,
    SCHEMA_VERSION,
    SESSION_COLUMNS,
    SQLITE_CORRUPT,
    SQLITE_NOTADB,
    connect,
    remove_files,
)
from .layout import Key, Layout, Stamp, level
from .records import (
    ArtifactRecord,
    Client,
    FileEntry,
    Homework,
    Noticing,
    PortfolioError,
    ProgressRow,
    Session,
)
from .search import TAG, WORD, SearchTokens, tag_term, word_terms

PLAIN = "none"

Record = Client | Session | ArtifactRecord


class IndexDamaged(PortfolioError):
    """A field of the index does not decrypt: it was changed outside Expressive. The index
    is marked dirty, so the next open rebuilds it from the files."""


class Index:
    def __init__(
        self,
        db: sqlite3.Connection,
        layout: Layout,
        *,
        fresh: bool,
        cipher: FieldCipher | None = None,
        search_key: bytes | None = None,
    ):
        self._db = db
        self._layout = layout
        self._cipher = cipher
        if (cipher is None) != (search_key is None):
            raise ValueError("an encrypted index needs both its field cipher and its search key")
        self._token = SearchTokens(search_key)
        # A new database holds nothing yet, whatever its stamps say.
        self._needs_rebuild = fresh

    @classmethod
    def open(
        cls,
        path: Path,
        layout: Layout,
        *,
        fsync: bool,
        cipher: FieldCipher | None = None,
        search_key: bytes | None = None,
    ) -> Index:
        """Open the index at `path`; a corrupt or outdated one, or one written under another
        key (or none), is deleted and started anew. An encrypted index takes the field
        cipher and the key its search tokens are derived from (the same index key).

        sqlite3.Error and OSError other than corruption propagate (e.g. a read-only folder).
        """
        protection = PLAIN if cipher is None else cipher.fingerprint
        db = None
        try:
            db = connect(path, fsync=fsync)
            if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                row = db.execute("SELECT value FROM meta WHERE key = 'protection'").fetchone()
                if row is not None and row[0] == protection:
                    return cls(db, layout, fresh=False, cipher=cipher, search_key=search_key)
        except sqlite3.DatabaseError as exc:
            if exc.sqlite_errorcode & 0xFF not in (SQLITE_CORRUPT, SQLITE_NOTADB):
                raise
        if db is not None:
            db.close()
        remove_files(path)
        db = connect(path, fsync=fsync)
        db.executescript(SCHEMA)
        with db:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('protection', ?)", (protection,))
        return cls(db, layout, fresh=True, cipher=cipher, search_key=search_key)

    def close(self) -> None:
        self._token.clear()
        self._db.close()

    # --- keeping up with the tree ------------------------------------------------------

    def sync(self, found: dict[Key, Stamp], load: Callable[[Key], Record], *, full: bool = False) -> None:
        """Make the index match `found` (a walk of the tree), reading records with `load`.

        With `full`, or after an interrupted write, every record is read again; otherwise
        only those whose stamp changed, and nothing at all when the tree is unchanged.
        """
        full = full or self._needs_rebuild or self._meta("dirty") == "1"
        known = {} if full else self._stamps()
        if not full and known == found:
            return
        with self._db:
            if full:
                for table in ("stamps", "clients", "sessions", "artifacts", "terms"):
                    self._db.execute(f"DELETE FROM {table}")
            for key in known.keys() - found.keys():
                self._delete(key)
            for key, stamp in found.items():
                if known.get(key) != stamp:
                    self._store(key, stamp, load(key))
            self._set_meta("dirty", "0")
        self._needs_rebuild = False

    def mark_dirty(self) -> None:
        """Call before a filesystem write that `put` will record."""
        with self._db:
            self._set_meta("dirty", "1")

    @property
    def dirty(self) -> bool:
        return self._meta("dirty") == "1"

    def mark_clean(self) -> None:
        """Lower the dirty flag after a write that the index already reflects."""
        with self._db:
            self._set_meta("dirty", "0")

    def put(self, key: Key, stamp: Stamp, record: Record) -> None:
        """Record a write that has reached the disk, and lower the dirty flag."""
        with self._db:
            self._store(key, stamp, record)
            self._set_meta("dirty", "0")

    def forget_client(self, client_id: str) -> None:
        """Delete every row of the client, and leave no trace of them in the database files."""
        with self._db:
            for table, column in (
                ("stamps", "client_id"), ("clients", "id"), ("sessions", "client_id"), ("artifacts", "client_id"),
                ("terms", "client_id"),
            ):
                self._db.execute(f"DELETE FROM {table} WHERE {column} = ?", (client_id,))
        self._token.forget(client_id)
        self.scrub()

    def scrub(self) -> None:
        """Move everything into the main file, truncate the WAL, and rewrite the database
        without free pages: freed pages and old WAL frames may hold deleted text."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.execute("VACUUM")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def legacy_audit_head(self) -> tuple[int, str] | None:
        """The audit log's last (number, MAC) as versions before `audit.anchor` kept it
        here, to anchor their logs once; None when there is none."""
        value = self._meta("audit_head")
        if not value or ":" not in value:
            return None
        seq, mac = value.split(":", 1)
        return (int(seq), mac) if seq.isdigit() else None

    def forget_legacy_audit_head(self) -> None:
        """Once the log is anchored: a stale copy here must never stand in for a deleted anchor."""
        with self._db:
            self._db.execute("DELETE FROM meta WHERE key = 'audit_head'")

    # --- encrypted fields --------------------------------------------------------------

    def _hide(self, table: str, column: str, row: str, text: str) -> str | bytes:
        return text if self._cipher is None else self._cipher.seal_text(table, column, row, text)

    def _show(self, table: str, column: str, row: str, value: str | bytes) -> str:
        if self._cipher is None:
            return value
        try:
            if not isinstance(value, bytes):
                raise DecryptionError("not encrypted")
            return self._cipher.open_text(table, column, row, value)
        except DecryptionError:
            with self._db:
                self._set_meta("dirty", "1")
            raise IndexDamaged(
                _("The portfolio's index was changed outside Expressive. Open the portfolio again (or run "
                   "`expressive check`): the index is then rebuilt from the saved files.")
            ) from None

    def _stamps(self) -> dict[Key, Stamp]:
        rows = self._db.execute("SELECT client_id, session_id, artifact_id, mtime_ns, size FROM stamps")
        return {(c, s, a): (mtime, size) for c, s, a, mtime, size in rows}

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def _delete(self, key: Key) -> None:
        # Removing a folder removes the keys below it too, each deleted in its turn.
        self._db.execute(
            "DELETE FROM stamps WHERE client_id = ? AND session_id = ? AND artifact_id = ?", key
        )
        kind = level(key)
        if kind == "client":
            self._db.execute("DELETE FROM clients WHERE id = ?", key[:1])
        elif kind == "session":
            self._db.execute("DELETE FROM sessions WHERE client_id = ? AND id = ?", key[:2])
        else:
            self._forget_terms(key)
            self._db.execute("DELETE FROM artifacts WHERE client_id = ? AND session_id = ? AND id = ?", key)

    def _store(self, key: Key, stamp: Stamp, record: Record) -> None:
        self._db.execute("INSERT OR REPLACE INTO stamps VALUES (?, ?, ?, ?, ?)", (*key, *stamp))
        row = "/".join(key)
        if isinstance(record, Client):
            year = record.year_of_birth
            self._db.execute(
                f"INSERT OR REPLACE INTO clients ({CLIENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id, self._hide("clients", "name", row, record.name),
                    year if self._cipher is None else self._hide("clients", "year_of_birth", row, json.dumps(year)),
                    self._hide("clients", "notes", row, record.notes), format_time(record.created), record.damaged,
                    self._hide("clients", "settings", row, json.dumps(record.settings)),
                ),
            )
        elif isinstance(record, Session):
            homework = record.homework
            self._db.execute(
                f"INSERT OR REPLACE INTO sessions ({SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id, record.client_id, record.plan_id, self._hide("sessions", "goal", row, record.goal),
                    record.feeling_in, record.feeling_out, format_time(record.started),
                    None if record.ended is None else format_time(record.ended), record.damaged,
                    record.goal_met,
                    None if homework is None else self._hide(
                        "sessions", "homework", row, json.dumps({"task": homework.task, "note": homework.note})
                    ),
                    None if homework is None else homework.done,
                ),
            )
        else:
            self._store_artifact(row, record)

    def _store_artifact(self, row: str, record: ArtifactRecord) -> None:
        key = (record.client_id, record.session_id, record.id)
        old = self._forget_terms(key)
        files = [[f.name, f.role, f.media_type, f.size, f.sha256] for f in record.files]
        noticings = [[format_time(noticing.at), noticing.text] for noticing in record.noticings]
        cursor = self._db.execute(
            f"INSERT OR REPLACE INTO artifacts (n, {ARTIFACT_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                old,
                record.id, record.client_id, record.session_id, record.activity, record.kind,
                format_time(record.created), self._hide("artifacts", "title", row, record.title),
                self._hide("artifacts", "about", row, record.about),
                self._hide("artifacts", "files", row, json.dumps(files)),
                record.product, record.thumbnail, record.process,
                self._hide("artifacts", "metadata", row, json.dumps(record.metadata)),
                record.damaged, self._hide("artifacts", "marks", row, json.dumps(record.marks)),
                self._hide("artifacts", "noticings", row, json.dumps(noticings)),
                self._hide("artifacts", "tags", row, json.dumps(record.tags)),
                int(record.starred),
            ),
        )
        number = cursor.lastrowid
        self._db.executemany(
            "INSERT OR IGNORE INTO terms VALUES (?, ?, ?, ?)",
            [
                (record.client_id, kind, self._token(record.client_id, kind, term), number)
                for kind, term in _terms(record.title, record.about, [n.text for n in record.noticings], record.tags)
            ],
        )

    def _forget_terms(self, key: Key) -> int | None:
        """Delete the search terms of the artifact at `key`, if it is in the index, and
        return its number. The terms are made again from the row's text: exact deletes
        through the primary key, with no second index on the table. A row that does not
        decrypt (changed outside Expressive) has its terms found the slow way instead."""
        old = self._db.execute(
            "SELECT n, title, about, noticings, tags FROM artifacts WHERE client_id = ? AND session_id = ? AND id = ?", key
        ).fetchone()
        if old is None:
            return None
        number, *fields = old
        row = "/".join(key)
        try:
            title, about, noticings, tags = (
                self._open(column, row, value) for column, value in zip(("title", "about", "noticings", "tags"), fields)
            )
            terms = _terms(title, about, [text for _, text in json.loads(noticings)], json.loads(tags))
        except (DecryptionError, ValueError, TypeError):
            self._db.execute("DELETE FROM terms WHERE client_id = ? AND artifact = ?", (key[0], number))
            return number
        self._db.executemany(
            "DELETE FROM terms WHERE client_id = ? AND kind = ? AND term = ? AND artifact = ?",
            [(key[0], kind, self._token(key[0], kind, term), number) for kind, term in terms],
        )
        return number

    def _open(self, column: str, row: str, value: str | bytes) -> str:
        """An artifact field's text, for the index's own upkeep: DecryptionError rather
        than the IndexDamaged of a query."""
        if self._cipher is None:
            return value
        if not isinstance(value, bytes):
            raise DecryptionError("not encrypted")
        return self._cipher.open_text("artifacts", column, row, value)

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


def _terms(title: str, about: str, noticings: list[str], tags: list[str]) -> list[tuple[str, str]]:
    """The search terms of an artifact's text, as (kind, term). Changing what this returns
    needs SCHEMA_VERSION bumped: the terms of a row are deleted by making them again."""
    terms = [(WORD, term) for term in word_terms([title, about, *noticings, *tags])]
    return terms + [(TAG, term) for term in {tag_term(tag) for tag in tags} if term]
