"""The SQLite index: derived data for fast listing, rebuilt from the JSON records at will.

Nothing is stored here that is not in the files. Beside the rows it keeps a stamp
(mtime_ns, size) of every record's JSON file, and a digest of the record the rows were
made from (so `check`, which reads every record, rewrites only the rows that differ,
even those of a file changed with its stamp kept); `sync` compares the stamps with a fresh
walk of the tree and re-reads only what changed (the full comparison, which `check` and
an open after a crash make; an open after a clean close trusts the index instead: see
`index_seal`). Before a record's file is written its key is noted ("writing"), and the
note goes in the same transaction that records the write, so a write interrupted between
the two has that record read again at the next open (a stamp alone can miss a same-size
rewrite on a coarse clock). The "dirty" flag asks for a full rebuild at the next open: a
field that does not decrypt, a client's erasure cut short.

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

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from expressive.security.cipher import DecryptionError, FieldCipher

from .documents import format_time
from .index_file import (
    ARTIFACT_COLUMNS,
    CLIENT_COLUMNS,
    SCHEMA,
    SCHEMA_VERSION,
    SESSION_COLUMNS,
    SQLITE_CORRUPT,
    SQLITE_NOTADB,
    connect,
    digests,
    remove_files,
    stamps,
)
from .index_queries import IndexQueries
from .layout import MISSING, Key, Layout, Stamp, level
from .records import ArtifactRecord, Client, Session
from .search import TAG, WORD, SearchTokens, tag_term, word_terms

PLAIN = "none"

Record = Client | Session | ArtifactRecord


class Index(IndexQueries):
    def __init__(
        self,
        db: sqlite3.Connection,
        path: Path,
        layout: Layout,
        *,
        fresh: bool,
        cipher: FieldCipher | None = None,
        search_key: bytes | None = None,
    ):
        self._db = db
        self._path = path
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
                    return cls(db, path, layout, fresh=False, cipher=cipher, search_key=search_key)
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
        return cls(db, path, layout, fresh=True, cipher=cipher, search_key=search_key)

    def close(self) -> None:
        self._token.clear()
        self._db.close()

    # --- keeping up with the tree ------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._path

    def sync(
        self, found: dict[Key, Stamp], load: Callable[[Key], Record], *, full: bool = False, verify: bool = False
    ) -> None:
        """Make the index match `found` (a walk of the tree), reading records with `load`.

        With `full`, or when a rebuild is due, every record is read again; otherwise only
        those whose stamp changed, and nothing at all when the tree is unchanged. With
        `verify` (`check`), every record is read too, in the order of `found`, and only
        the rows of those that differ from the record they were made from are written.
        """
        if verify and not self.needs_rebuild:
            self._verify(found, load)
            return
        full = full or self.needs_rebuild
        known = {} if full else stamps(self._db)
        changed, gone = differences(known, found)
        if not (full or changed or gone):
            return
        with self._db:
            if full:
                for table in ("stamps", "clients", "sessions", "artifacts", "terms"):
                    self._db.execute(f"DELETE FROM {table}")
            for key in gone:
                self._delete(key)
            for key in changed:
                self._store(key, found[key], load(key))
            if full:
                self._set_meta("dirty", "0")
                self._db.execute("DELETE FROM meta WHERE key = 'writing'")
        self._needs_rebuild = False

    def _verify(self, found: dict[Key, Stamp], load: Callable[[Key], Record]) -> None:
        known = digests(self._db)
        with self._db:
            for key in known.keys() - found.keys():
                self._delete(key)
            for key, stamp in found.items():
                record = load(key)
                digest = self._digest(record)
                if known.get(key) != (stamp, digest):
                    self._store(key, stamp, record, digest)
            self._db.execute("DELETE FROM meta WHERE key = 'writing'")

    @property
    def needs_rebuild(self) -> bool:
        """Whether every record must be read again: a new index, or one flagged dirty."""
        return self._needs_rebuild or self.dirty

    def mark_dirty(self) -> None:
        """Ask for a full rebuild at the next open, until `mark_clean`."""
        with self._db:
            self._set_meta("dirty", "1")
            self._db.execute("DELETE FROM meta WHERE key = 'closed'")

    @property
    def dirty(self) -> bool:
        return self._meta("dirty") == "1"

    def mark_clean(self) -> None:
        with self._db:
            self._set_meta("dirty", "0")

    def mark_writing(self, key: Key) -> None:
        """Call before writing the record's file: until `put` records it, the next open
        reads that record again."""
        with self._db:
            self._set_meta("writing", json.dumps(sorted({*self._writing(), "/".join(key)})))
            # Whatever vouched for the index at the last close no longer does.
            self._db.execute("DELETE FROM meta WHERE key = 'closed'")

    def put(self, key: Key, stamp: Stamp, record: Record) -> None:
        """Record a write that has reached the disk."""
        with self._db:
            self._store(key, stamp, record)
            self._set_meta("writing", json.dumps(sorted(self._writing() - {"/".join(key)})))

    def pending_writes(self) -> list[Key]:
        """The records whose writing began and was never recorded (a kill, a failure)."""
        return [tuple(name.split("/")) for name in sorted(self._writing())]

    def take_in(
        self,
        keys: Iterable[Key],
        stamp: Callable[[Key], Stamp],
        load: Callable[[Key], Record],
        read: Mapping[Key, tuple[Stamp, Record]] | None = None,
    ) -> None:
        """Make the rows of `keys` match their files as they are now: read again (a record
        in `read`, read elsewhere at the stamp its file still has, is taken as it is), or
        forgotten when the file is gone. Saves made since a comparison began are so never
        undone by what it found."""
        read = read or {}
        keys = list(keys)
        with self._db:
            for key in keys:
                now = stamp(key)
                if now == MISSING:
                    self._delete(key)
                    continue
                earlier = read.get(key)
                self._store(key, now, earlier[1] if earlier is not None and earlier[0] == now else load(key))
            self._set_meta("writing", json.dumps(sorted(self._writing() - {"/".join(key) for key in keys})))

    def stamps_below(self, top: Key | None) -> dict[Key, Stamp]:
        """The stamps of the record at `top` and of every record below it (all with None)."""
        if top is None:
            return stamps(self._db)
        _client_id, session_id, artifact_id = top
        query = "SELECT client_id, session_id, artifact_id, mtime_ns, size FROM stamps WHERE client_id = ?"
        if session_id:
            query += " AND session_id = ?"
        if artifact_id:
            query += " AND artifact_id = ?"
        rows = self._db.execute(query, [part for part in top if part])
        return {(c, s, a): (mtime, size) for c, s, a, mtime, size in rows}

    def stamp_of(self, key: Key) -> Stamp | None:
        row = self._db.execute(
            "SELECT mtime_ns, size FROM stamps WHERE client_id = ? AND session_id = ? AND artifact_id = ?", key
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def closed_token(self) -> str | None:
        """What the last clean close wrote here (see `index_seal`); None after any write since."""
        return self._meta("closed")

    def seal(self, token: str) -> bool:
        """Before closing cleanly: write `token`, and move everything into the main file,
        synced (SQLite syncs a checkpoint even at synchronous=NORMAL). False when that
        could not be done now; the index is then simply not vouched for."""
        with self._db:
            self._set_meta("closed", token)
        busy, _log, _moved = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return not busy

    def _writing(self) -> set[str]:
        value = self._meta("writing")
        try:
            names = json.loads(value) if value else []
        except ValueError:
            names = []
        return {name for name in names if isinstance(name, str) and name.count("/") == 2}

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

    def _digest(self, record: Record) -> bytes:
        """What the rows of `record` are made from, digested: every field of the record (its
        representation is complete and the same for the same file), keyed when encrypted."""
        source = repr(record).encode("utf-8")
        return hashlib.sha256(source).digest()[:16] if self._cipher is None else self._cipher.tag(source)

    def _store(self, key: Key, stamp: Stamp, record: Record, digest: bytes | None = None) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO stamps VALUES (?, ?, ?, ?, ?, ?)",
            (*key, *stamp, self._digest(record) if digest is None else digest),
        )
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

def differences(known: dict[Key, Stamp], found: dict[Key, Stamp]) -> tuple[list[Key], list[Key]]:
    """What a walk of the tree (`found`) says of the index's stamps (`known`): the keys to
    read (new or changed), and the keys gone."""
    return [key for key, stamp in found.items() if known.get(key) != stamp], list(known.keys() - found.keys())


def _terms(title: str, about: str, noticings: list[str], tags: list[str]) -> list[tuple[str, str]]:
    """The search terms of an artifact's text, as (kind, term). Changing what this returns
    needs SCHEMA_VERSION bumped: the terms of a row are deleted by making them again."""
    terms = [(WORD, term) for term in word_terms([title, about, *noticings, *tags])]
    return terms + [(TAG, term) for term in {tag_term(tag) for tag in tags} if term]
