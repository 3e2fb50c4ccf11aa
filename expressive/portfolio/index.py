"""The SQLite index: derived data for fast listing, rebuilt from the JSON records at will.

Nothing is stored here that is not in the files. Beside the rows it keeps a stamp
(mtime_ns, size) of every record's JSON file; `sync` compares the stamps with a fresh
walk of the tree and re-reads only what changed, so a tree edited by hand or by a sync
engine is noticed on open. A "dirty" flag is raised before every filesystem write and
lowered in the same transaction that records it, so a write interrupted between the two
leads to a full rebuild (a stamp alone can miss a same-size rewrite on a coarse clock).

In an encrypted portfolio every field a person typed (a client's name, notes and year of
birth, a session's goal, an artifact's title, reflection, file list, metadata and review
marks) is stored encrypted (AES-GCM under the index key; the associated data names the
table, column and row). Ids, dates, kinds, plan ids and feelings stay plain, so sorting and paging still run
in SQL. The meta table records which key (or none) wrote the rows; an index written under
another key, or unencrypted, is thrown away and rebuilt.

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

from expressive.security.cipher import DecryptionError, FieldCipher

from .layout import Key, Layout, Stamp, level
from .records import ArtifactRecord, Client, FileEntry, PortfolioError, Session, format_time

SCHEMA_VERSION = 4
PLAIN = "none"

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('dirty', '0');
CREATE TABLE stamps (
    client_id TEXT NOT NULL, session_id TEXT NOT NULL, artifact_id TEXT NOT NULL,
    mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    PRIMARY KEY (client_id, session_id, artifact_id)
) WITHOUT ROWID;
CREATE TABLE clients (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, year_of_birth INTEGER, notes TEXT NOT NULL,
    created TEXT NOT NULL, damaged TEXT, settings TEXT NOT NULL
);
CREATE TABLE sessions (
    client_id TEXT NOT NULL, id TEXT NOT NULL, plan_id TEXT NOT NULL, goal TEXT NOT NULL,
    feeling_in INTEGER, feeling_out INTEGER, started TEXT NOT NULL, ended TEXT, damaged TEXT,
    PRIMARY KEY (client_id, id)
);
CREATE INDEX sessions_newest_first ON sessions (client_id, started DESC, id DESC);
CREATE TABLE artifacts (
    client_id TEXT NOT NULL, session_id TEXT NOT NULL, id TEXT NOT NULL,
    activity TEXT NOT NULL, kind TEXT NOT NULL, created TEXT NOT NULL,
    title TEXT NOT NULL, about TEXT NOT NULL, files TEXT NOT NULL,
    product TEXT, thumbnail TEXT, process TEXT, metadata TEXT NOT NULL, damaged TEXT,
    marks TEXT NOT NULL,
    PRIMARY KEY (client_id, session_id, id)
);
CREATE INDEX artifacts_oldest_first ON artifacts (client_id, session_id, created, id);
PRAGMA user_version = {SCHEMA_VERSION};
"""

# SQLite's primary result codes for a file that is not (or no longer) a database.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26

_CLIENT_COLUMNS = "id, name, year_of_birth, notes, created, damaged, settings"
_SESSION_COLUMNS = "id, client_id, plan_id, goal, feeling_in, feeling_out, started, ended, damaged"
_ARTIFACT_FIELDS = (
    "id", "client_id", "session_id", "activity", "kind", "created", "title", "about", "files",
    "product", "thumbnail", "process", "metadata", "damaged", "marks",
)
_ARTIFACT_COLUMNS = ", ".join(_ARTIFACT_FIELDS)

Record = Client | Session | ArtifactRecord


class IndexDamaged(PortfolioError):
    """A field of the index does not decrypt: it was changed outside Expressive. The index
    is marked dirty, so the next open rebuilds it from the files."""


class Index:
    def __init__(self, db: sqlite3.Connection, layout: Layout, *, fresh: bool, cipher: FieldCipher | None = None):
        self._db = db
        self._layout = layout
        self._cipher = cipher
        # A new database holds nothing yet, whatever its stamps say.
        self._needs_rebuild = fresh

    @classmethod
    def open(cls, path: Path, layout: Layout, *, fsync: bool, cipher: FieldCipher | None = None) -> Index:
        """Open the index at `path`; a corrupt or outdated one, or one written under another
        key (or none), is deleted and started anew.

        sqlite3.Error and OSError other than corruption propagate (e.g. a read-only folder).
        """
        protection = PLAIN if cipher is None else cipher.fingerprint
        db = None
        try:
            db = _connect(path, fsync=fsync)
            if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                row = db.execute("SELECT value FROM meta WHERE key = 'protection'").fetchone()
                if row is not None and row[0] == protection:
                    return cls(db, layout, fresh=False, cipher=cipher)
        except sqlite3.DatabaseError as exc:
            if exc.sqlite_errorcode & 0xFF not in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
                raise
        if db is not None:
            db.close()
        remove_files(path)
        db = _connect(path, fsync=fsync)
        db.executescript(_SCHEMA)
        with db:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('protection', ?)", (protection,))
        return cls(db, layout, fresh=True, cipher=cipher)

    def close(self) -> None:
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
                for table in ("stamps", "clients", "sessions", "artifacts"):
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
            for table, column in (("stamps", "client_id"), ("clients", "id"), ("sessions", "client_id"), ("artifacts", "client_id")):
                self._db.execute(f"DELETE FROM {table} WHERE {column} = ?", (client_id,))
        self.scrub()

    def scrub(self) -> None:
        """Move everything into the main file, truncate the WAL, and rewrite the database
        without free pages: freed pages and old WAL frames may hold deleted text."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.execute("VACUUM")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def audit_head(self) -> tuple[int, str] | None:
        value = self._meta("audit_head")
        if not value or ":" not in value:
            return None
        seq, mac = value.split(":", 1)
        return (int(seq), mac) if seq.isdigit() else None

    def set_audit_head(self, head: tuple[int, str]) -> None:
        with self._db:
            self._set_meta("audit_head", f"{head[0]}:{head[1]}")

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
                "The portfolio's index was changed outside Expressive. Open the portfolio again "
                "(or run `expressive check`): the index is then rebuilt from the saved files."
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
            self._db.execute("DELETE FROM artifacts WHERE client_id = ? AND session_id = ? AND id = ?", key)

    def _store(self, key: Key, stamp: Stamp, record: Record) -> None:
        self._db.execute("INSERT OR REPLACE INTO stamps VALUES (?, ?, ?, ?, ?)", (*key, *stamp))
        row = "/".join(key)
        if isinstance(record, Client):
            year = record.year_of_birth
            self._db.execute(
                f"INSERT OR REPLACE INTO clients ({_CLIENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id, self._hide("clients", "name", row, record.name),
                    year if self._cipher is None else self._hide("clients", "year_of_birth", row, json.dumps(year)),
                    self._hide("clients", "notes", row, record.notes), format_time(record.created), record.damaged,
                    self._hide("clients", "settings", row, json.dumps(record.settings)),
                ),
            )
        elif isinstance(record, Session):
            self._db.execute(
                f"INSERT OR REPLACE INTO sessions ({_SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id, record.client_id, record.plan_id, self._hide("sessions", "goal", row, record.goal),
                    record.feeling_in, record.feeling_out, format_time(record.started),
                    None if record.ended is None else format_time(record.ended), record.damaged,
                ),
            )
        else:
            files = [[f.name, f.role, f.media_type, f.size, f.sha256] for f in record.files]
            self._db.execute(
                f"INSERT OR REPLACE INTO artifacts ({_ARTIFACT_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id, record.client_id, record.session_id, record.activity, record.kind,
                    format_time(record.created), self._hide("artifacts", "title", row, record.title),
                    self._hide("artifacts", "about", row, record.about),
                    self._hide("artifacts", "files", row, json.dumps(files)),
                    record.product, record.thumbnail, record.process,
                    self._hide("artifacts", "metadata", row, json.dumps(record.metadata)),
                    record.damaged, self._hide("artifacts", "marks", row, json.dumps(record.marks)),
                ),
            )

    # --- queries -----------------------------------------------------------------------

    def clients(self) -> list[Client]:
        clients = [self._client(row) for row in self._db.execute(f"SELECT {_CLIENT_COLUMNS} FROM clients")]
        # In Python rather than SQL: NOCASE only folds ASCII, and names are not ASCII.
        return sorted(clients, key=lambda client: (client.name.casefold(), client.id))

    def client(self, client_id: str) -> Client | None:
        row = self._db.execute(f"SELECT {_CLIENT_COLUMNS} FROM clients WHERE id = ?", (client_id,)).fetchone()
        return None if row is None else self._client(row)

    def sessions(self, client_id: str, *, limit: int | None, offset: int) -> list[Session]:
        rows = self._db.execute(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE client_id = ? "
            "ORDER BY started DESC, id DESC LIMIT ? OFFSET ?",
            (client_id, -1 if limit is None else limit, offset),
        )
        return [self._session(row) for row in rows]

    def session(self, client_id: str, session_id: str) -> Session | None:
        row = self._db.execute(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE client_id = ? AND id = ?", (client_id, session_id)
        ).fetchone()
        return None if row is None else self._session(row)

    def artifacts(self, client_id: str, session_ids: Iterable[str] | None = None) -> list[ArtifactRecord]:
        """A client's artifacts, newest session first and oldest first inside each session."""
        query = (
            f"SELECT {', '.join('a.' + field for field in _ARTIFACT_FIELDS)} "
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
            f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts WHERE client_id = ? AND session_id = ? AND id = ?",
            (client_id, session_id, artifact_id),
        ).fetchone()
        return None if row is None else self._artifact(row)

    def _artifact(self, row: tuple) -> ArtifactRecord:
        (id, client_id, session_id, activity, kind, created, title, about, files,
         product, thumbnail, process, metadata, damaged, marks) = row
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
        id, client_id, plan_id, goal, feeling_in, feeling_out, started, ended, damaged = row
        return Session(
            id, client_id, plan_id, self._show("sessions", "goal", f"{client_id}/{id}/", goal), feeling_in,
            feeling_out, datetime.fromisoformat(started), None if ended is None else datetime.fromisoformat(ended),
            damaged,
        )


def remove_files(path: Path) -> None:
    """Delete the index and its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _connect(path: Path, *, fsync: bool) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    # NORMAL in WAL mode never corrupts, it may only lose the last commits on power loss,
    # which the stamps then catch: the index is derived data.
    db.execute(f"PRAGMA synchronous = {'NORMAL' if fsync else 'OFF'}")
    # Deleted rows are overwritten, and no temporary file (VACUUM's copy) is ever written.
    db.execute("PRAGMA secure_delete = ON")
    db.execute("PRAGMA temp_store = MEMORY")
    return db
