"""Where everything lives inside a portfolio folder, and the cheap walk that stamps it.

A record is addressed by a key (client_id, session_id, artifact_id), with "" for the
levels below it: ("c-1a2b3c4d", "", "") is a client, ("c-...", "2026-...", "") a session.
The key is read from folder names, never from file content: where a record lies is what
it is, so an artifact folder copied into another session belongs to that session.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from .atomic import PARTIAL_SUFFIX

MARKER_FILE = "portfolio.json"
INDEX_FILE = "index.sqlite"
KEYRING_FILE = "keyring.json"
AUDIT_FILE = "audit.log"
# A client being erased: its folder is renamed to this hidden name first, so it vanishes
# from every listing in one step, and an interrupted erasure is finished later.
DELETING_PREFIX = ".deleting-"
# A new client or session being built out of sight, whole (a client restored from an
# archive, a session made from a file brought in): ".building-<id>.partial", renamed to
# <id> in one step once complete. Being hidden and ".partial", it is a leftover to `check`.
BUILDING_PREFIX = ".building-"
CLIENTS = "clients"
SESSIONS = "sessions"
ARTIFACTS = "artifacts"
PRIVATE = "private"
DRAFTS = "drafts"
CLIENT_FILE = "client.json"
SESSION_FILE = "session.json"
MANIFEST_FILE = "manifest.json"

Key = tuple[str, str, str]
# (mtime_ns, size) of a record's JSON file; MISSING when the file is absent.
Stamp = tuple[int, int]
MISSING: Stamp = (0, -1)
# Random parts of ids avoid look-alike characters (l/1, o/0) for people reading folders.
_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def level(key: Key) -> str:
    """Which kind of record `key` addresses: "client", "session" or "artifact"."""
    if key[2]:
        return "artifact"
    return "session" if key[1] else "client"


class Layout:
    def __init__(self, root: Path):
        self.root = root
        self.clients = root / CLIENTS
        # Clients and sessions being built out of sight: key -> their hidden folder.
        self._building: dict[Key, Path] = {}

    def client_dir(self, client_id: str) -> Path:
        return self._building.get((client_id, "", "")) or self.clients / client_id

    def session_dir(self, client_id: str, session_id: str) -> Path:
        return self._building.get((client_id, session_id, "")) or self.client_dir(client_id) / SESSIONS / session_id

    def build_out_of_sight(self, key: Key) -> tuple[Path, Path]:
        """From now on the client or session at `key` lives in a hidden folder: (that
        folder, the folder it becomes once complete)."""
        final = self.folder(key)
        hidden = final.with_name(f"{BUILDING_PREFIX}{final.name}{PARTIAL_SUFFIX}")
        self._building[key] = hidden
        return hidden, final

    def built(self, key: Key) -> None:
        """The record at `key` is in its own folder again (or gone)."""
        self._building.pop(key, None)

    def final_path(self, path: Path) -> Path:
        """Where `path` will be once what is being built out of sight is in place: a file's
        identity, which its encryption binds, is its final place from the first byte."""
        for key, hidden in self._building.items():
            if path.is_relative_to(hidden):
                return self._final_folder(key) / path.relative_to(hidden)
        return path

    def _final_folder(self, key: Key) -> Path:
        client_id, session_id, _ = key
        if session_id:
            return self.final_path(self.client_dir(client_id)) / SESSIONS / session_id
        return self.clients / client_id

    def artifact_dir(self, client_id: str, session_id: str, artifact_id: str) -> Path:
        return self.session_dir(client_id, session_id) / ARTIFACTS / artifact_id

    def drafts_dir(self, client_id: str, session_id: str, activity_id: str) -> Path:
        return self.client_dir(client_id) / DRAFTS / session_id / activity_id

    def note_file(self, client_id: str, session_id: str) -> Path:
        return self.client_dir(client_id) / PRIVATE / f"notes-{session_id}.json"

    def artifact_note_file(self, client_id: str, session_id: str, artifact_id: str) -> Path:
        """The therapist's private note on one piece of work: beside the session notes in
        private/, never in the artifact's folder, so nothing that shows or exports the work
        (or a sync of the sessions folder to the client) can carry it along."""
        return self.client_dir(client_id) / PRIVATE / f"notes-{session_id}-{artifact_id}.json"

    def folder(self, key: Key) -> Path:
        kind = level(key)
        if kind == "client":
            return self.client_dir(key[0])
        if kind == "session":
            return self.session_dir(key[0], key[1])
        return self.artifact_dir(*key)

    def record_file(self, key: Key) -> Path:
        name = {"client": CLIENT_FILE, "session": SESSION_FILE, "artifact": MANIFEST_FILE}[level(key)]
        return self.folder(key) / name

    def stamp(self, key: Key) -> Stamp:
        return _stamp(str(self.record_file(key)))

    def scan(self) -> dict[Key, Stamp]:
        """Every visible record in the tree with its stamp: one stat per record.

        Hidden names (staging folders, temporary files, a sync engine's own files) are
        not records. Strings rather than Paths: this runs on every open, over thousands.
        """
        found: dict[Key, Stamp] = {}
        for client_id, client_path in _subfolders(str(self.clients)):
            found[(client_id, "", "")] = _stamp(os.path.join(client_path, CLIENT_FILE))
            for session_id, session_path in _subfolders(os.path.join(client_path, SESSIONS)):
                found[(client_id, session_id, "")] = _stamp(os.path.join(session_path, SESSION_FILE))
                for artifact_id, artifact_path in _subfolders(os.path.join(session_path, ARTIFACTS)):
                    found[(client_id, session_id, artifact_id)] = _stamp(
                        os.path.join(artifact_path, MANIFEST_FILE)
                    )
        return found


def _subfolders(path: str) -> list[tuple[str, str]]:
    try:
        with os.scandir(path) as entries:
            return [(entry.name, entry.path) for entry in entries if not entry.name.startswith(".") and entry.is_dir()]
    except (FileNotFoundError, NotADirectoryError):
        return []


def _stamp(path: str) -> Stamp:
    try:
        status = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return MISSING
    return (status.st_mtime_ns, status.st_size)


def unused_name(folder: Path, make: Callable[[], str], also_taken: Callable[[str], str] | None = None) -> str:
    """A name from `make` that is not yet in `folder` (nor, with `also_taken`, its other form)."""
    while True:
        name = make()
        if not (folder / name).exists() and (also_taken is None or not (folder / also_taken(name)).exists()):
            return name


def random_letters(length: int = 4) -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def client_folders(root: Path) -> list[str]:
    """The ids of the clients in the portfolio at `root`, whether their records are whole or not."""
    try:
        with os.scandir(root / CLIENTS) as entries:
            return sorted(entry.name for entry in entries if not entry.name.startswith(".") and entry.is_dir())
    except FileNotFoundError:
        return []


def deleting_folders(root: Path) -> list[tuple[str, Path]]:
    """Clients whose deletion was interrupted: (client id, its hidden folder)."""
    try:
        with os.scandir(root / CLIENTS) as entries:
            return sorted(
                (entry.name[len(DELETING_PREFIX):], Path(entry.path))
                for entry in entries
                if entry.name.startswith(DELETING_PREFIX) and entry.is_dir()
            )
    except FileNotFoundError:
        return []
