"""Where everything lives inside a portfolio folder, and the cheap walk that stamps it.

A record is addressed by a key (client_id, session_id, artifact_id), with "" for the
levels below it: ("c-1a2b3c4d", "", "") is a client, ("c-...", "2026-...", "") a session.
The key is read from folder names, never from file content: where a record lies is what
it is, so an artifact folder copied into another session belongs to that session.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from .atomic import PARTIAL_SUFFIX
from .edits import DEVICE_PATTERN, EDITS_FOLDER

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
_RECORD_FILES = (CLIENT_FILE, SESSION_FILE, MANIFEST_FILE)

Key = tuple[str, str, str]
# (mtime_ns, size) of a record's JSON file; MISSING when the file is absent. A record with
# an edits folder has the folder's own stat folded into the first number (see `_stamp`).
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
        # One joinpath, not a `/` a part: `check` makes a path for every record it reads.
        return self._building.get((client_id, session_id, "")) or self.client_dir(client_id).joinpath(SESSIONS, session_id)

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
        return self.session_dir(client_id, session_id).joinpath(ARTIFACTS, artifact_id)

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
        path = str(self.record_file(key))
        return _stamp(path, os.path.join(os.path.dirname(path), EDITS_FOLDER))

    def scan(self) -> dict[Key, Stamp]:
        """Every visible record in the tree with its stamp: one stat per record.

        Hidden names (staging folders, temporary files, a sync engine's own files) are
        not records. Strings rather than Paths: this runs on every open, over thousands.
        """
        found: dict[Key, Stamp] = {}
        join = os.path.join
        for client_id, client_path in _subfolders(str(self.clients)):
            found[(client_id, "", "")] = _stamp(join(client_path, CLIENT_FILE), join(client_path, EDITS_FOLDER))
            for session_id, session_path in _subfolders(join(client_path, SESSIONS)):
                found[(client_id, session_id, "")] = _stamp(
                    join(session_path, SESSION_FILE), join(session_path, EDITS_FOLDER))
                for artifact_id, artifact_path in _subfolders(join(session_path, ARTIFACTS)):
                    found[(client_id, session_id, artifact_id)] = _stamp(
                        join(artifact_path, MANIFEST_FILE), join(artifact_path, EDITS_FOLDER)
                    )
        return found


def records_with_edits(layout: Layout, client_id: str) -> list[Key]:
    """The client's records that have an edits folder: a listing per folder and a stat
    per record, ids from folder names (no record is read)."""
    join = os.path.join
    client_path = str(layout.client_dir(client_id))
    found = [(client_id, "", "")] if os.path.isdir(join(client_path, EDITS_FOLDER)) else []
    for session_id, session_path in _subfolders(join(client_path, SESSIONS)):
        if os.path.isdir(join(session_path, EDITS_FOLDER)):
            found.append((client_id, session_id, ""))
        for artifact_id, artifact_path in _subfolders(join(session_path, ARTIFACTS)):
            if os.path.isdir(join(artifact_path, EDITS_FOLDER)):
                found.append((client_id, session_id, artifact_id))
    return found


def _subfolders(path: str) -> list[tuple[str, str]]:
    try:
        with os.scandir(path) as entries:
            return [(entry.name, entry.path) for entry in entries if not entry.name.startswith(".") and entry.is_dir()]
    except (FileNotFoundError, NotADirectoryError):
        return []


def _stamp(path: str, edits_folder: str) -> Stamp:
    """The record file's (mtime_ns, size), one more stat for its edits folder. Every edits
    file is put in place by a rename (ours or a sync engine's), which changes the folder's
    change time, so the folder's stat is folded in: a stat instead of a listing. A record
    without edits keeps the stamp it always had, so an older index stays valid."""
    try:
        status = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return MISSING
    try:
        edits = os.stat(edits_folder)
    except (FileNotFoundError, NotADirectoryError):
        return (status.st_mtime_ns, status.st_size)
    parts = (status.st_mtime_ns, edits.st_ino, edits.st_mtime_ns, edits.st_ctime_ns)
    folded = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    # Below 2**63, as SQLite keeps it; never MISSING's 0.
    return (int.from_bytes(folded, "big") >> 1 | 1, status.st_size)


def edit_files(path: Path) -> dict[str, Path]:
    """Every device's edits file of the document at `path`, by device: for a record's own
    file, its folder's edits/<device>.json; for a note, notes-<...>.<device>.json beside it."""
    # In strings up to the listing: `check` and a rebuild ask this of every record.
    parent, name = os.path.split(path)
    if name in _RECORD_FILES:
        folder, prefix = os.path.join(parent, EDITS_FOLDER), ""
    else:
        folder, prefix = parent, f"{name[:-len('.json')]}."
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries]
    except (FileNotFoundError, NotADirectoryError):
        return {}
    found = {}
    for name in names:
        device = name[len(prefix):-len(".json")]
        if name.startswith(prefix) and name.endswith(".json") and DEVICE_PATTERN.match(device):
            found[device] = Path(folder, name)
    return dict(sorted(found.items()))


def note_paths(private_folder: Path) -> list[Path]:
    """Every note in a client's private/ folder, each once, by the name of its note file
    (which may exist only as devices' edits of it)."""
    try:
        names = os.listdir(private_folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    notes = {note for note in map(note_of, names) if note is not None}
    return [private_folder / note for note in sorted(notes)]


def own_edit_file(path: Path, device: str) -> Path:
    """Where `device` keeps its edits of the document at `path` (see `edit_files`)."""
    if path.name in _RECORD_FILES:
        return path.parent / EDITS_FOLDER / f"{device}.json"
    return path.with_name(f"{path.stem}.{device}.json")


def note_of(name: str) -> str | None:
    """The note a file of private/ belongs to ("notes-<...>.json"), whether it is the note
    file itself or a device's edits of it; None for anything else."""
    if not (name.startswith("notes-") and name.endswith(".json")):
        return None
    stem = name[:-len(".json")]
    head, _dot, device = stem.rpartition(".")
    return f"{head}.json" if head and DEVICE_PATTERN.match(device) else name


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
