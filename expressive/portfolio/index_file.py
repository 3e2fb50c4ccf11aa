"""The index's SQLite file: its tables, how it is opened, and removing it (see `index`)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .atomic import PRIVATE_FILE_MODE
from .layout import Key, Stamp

# 5: sessions gained goal_met and homework; artifacts noticings, tags, starred and a
# number that the search terms refer to; the terms table.
# 6: the index is trusted at open when `index_seal` vouches for it, so a version that does
# not keep the seal must not write into it (it rebuilds an index of another version).
# 7: stamps carry a digest of the record each row was made from (`Index.sync` with `verify`).
SCHEMA_VERSION = 7

SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('dirty', '0');
CREATE TABLE stamps (
    client_id TEXT NOT NULL, session_id TEXT NOT NULL, artifact_id TEXT NOT NULL,
    mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL, digest BLOB NOT NULL,
    PRIMARY KEY (client_id, session_id, artifact_id)
) WITHOUT ROWID;
CREATE TABLE clients (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, year_of_birth INTEGER, notes TEXT NOT NULL,
    created TEXT NOT NULL, damaged TEXT, settings TEXT NOT NULL
);
CREATE TABLE sessions (
    client_id TEXT NOT NULL, id TEXT NOT NULL, plan_id TEXT NOT NULL, goal TEXT NOT NULL,
    feeling_in INTEGER, feeling_out INTEGER, started TEXT NOT NULL, ended TEXT, damaged TEXT,
    goal_met INTEGER, homework TEXT, homework_done INTEGER,
    PRIMARY KEY (client_id, id)
);
CREATE INDEX sessions_newest_first ON sessions (client_id, started DESC, id DESC);
-- n: an explicit INTEGER PRIMARY KEY, which (unlike a bare rowid) VACUUM keeps.
CREATE TABLE artifacts (
    n INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL, session_id TEXT NOT NULL, id TEXT NOT NULL,
    activity TEXT NOT NULL, kind TEXT NOT NULL, created TEXT NOT NULL,
    title TEXT NOT NULL, about TEXT NOT NULL, files TEXT NOT NULL,
    product TEXT, thumbnail TEXT, process TEXT, metadata TEXT NOT NULL, damaged TEXT,
    marks TEXT NOT NULL, noticings TEXT NOT NULL, tags TEXT NOT NULL, starred INTEGER NOT NULL,
    UNIQUE (client_id, session_id, id)
);
CREATE INDEX artifacts_oldest_first ON artifacts (client_id, session_id, created, id);
CREATE INDEX artifacts_newest_first ON artifacts (client_id, created DESC, session_id DESC, id DESC);
-- The gallery's search (kind 'w': folded words and their prefixes) and tag filter (kind
-- 't': folded whole tags); `term` is the text itself, or a keyed token when encrypted.
-- No index by artifact (it would double the table): an artifact's terms are deleted by
-- computing them again from its row (see `Index._forget_terms`).
CREATE TABLE terms (
    client_id TEXT NOT NULL, kind TEXT NOT NULL, term NOT NULL, artifact INTEGER NOT NULL,
    PRIMARY KEY (client_id, kind, term, artifact)
) WITHOUT ROWID;
PRAGMA user_version = {SCHEMA_VERSION};
"""

# SQLite's primary result codes for a file that is not (or no longer) a database.
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26

CLIENT_COLUMNS = "id, name, year_of_birth, notes, created, damaged, settings"
SESSION_COLUMNS = (
    "id, client_id, plan_id, goal, feeling_in, feeling_out, started, ended, damaged, goal_met, homework, homework_done"
)
ARTIFACT_FIELDS = (
    "id", "client_id", "session_id", "activity", "kind", "created", "title", "about", "files",
    "product", "thumbnail", "process", "metadata", "damaged", "marks", "noticings", "tags", "starred",
)
ARTIFACT_COLUMNS = ", ".join(ARTIFACT_FIELDS)


def remove_files(path: Path) -> None:
    """Delete the index and its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def connect(path: Path, *, fsync: bool) -> sqlite3.Connection:
    # SQLite makes a new database readable by everyone, and its -wal and -shm files take
    # the database file's mode: made private first (an empty file is an empty database).
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE))
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    # NORMAL in WAL mode never corrupts, it may only lose the last commits on power loss,
    # which the stamps then catch: the index is derived data.
    db.execute(f"PRAGMA synchronous = {'NORMAL' if fsync else 'OFF'}")
    # Deleted rows are overwritten, and no temporary file (VACUUM's copy) is ever written.
    db.execute("PRAGMA secure_delete = ON")
    db.execute("PRAGMA temp_store = MEMORY")
    return db


def stamps(db: sqlite3.Connection) -> dict[Key, Stamp]:
    """Every record's stamp as the index holds it."""
    rows = db.execute("SELECT client_id, session_id, artifact_id, mtime_ns, size FROM stamps")
    return {(c, s, a): (mtime, size) for c, s, a, mtime, size in rows}


def read_stamps(path: Path) -> dict[Key, Stamp]:
    """`stamps` through a connection of its own, read-only: for a comparison on another
    thread than the one that owns the open index."""
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return stamps(db)
    finally:
        db.close()


def digests(db: sqlite3.Connection) -> dict[Key, tuple[Stamp, bytes]]:
    """Every record's stamp and the digest of the record its rows were made from."""
    rows = db.execute("SELECT client_id, session_id, artifact_id, mtime_ns, size, digest FROM stamps")
    return {(c, s, a): ((mtime, size), digest) for c, s, a, mtime, size, digest in rows}
