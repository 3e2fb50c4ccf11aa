"""The portfolio store: clients, their sessions and their work, in a folder a person can read.

    <root>/portfolio.json
    <root>/index.sqlite                      derived, rebuilt from the JSON files at will
    <root>/clients/<client>/client.json
    <root>/clients/<client>/private/notes-<session>.json        therapist only
    <root>/clients/<client>/sessions/<session>/session.json
    <root>/clients/<client>/sessions/<session>/artifacts/<artifact>/{files..., manifest.json}

Names of files and folders never carry client data: ids are opaque or made of a date,
a sequence number, an activity id and random letters, so encrypting every file in place
leaves nothing readable.

Every read and write of a client-data file goes through `Portfolio._read_bytes` and
`Portfolio._write_bytes`; encryption at rest belongs there and needs no change to the
layout. Only portfolio.json (which must stay readable to say how the rest is protected)
and the SQLite index bypass them.

Crash safety: see `atomic`. New folders appear complete or not at all; JSON files are
replaced whole. One Portfolio per folder, used from one thread at a time.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from expressive.activity import ACTIVITY_ID_PATTERN, ArtifactDraft
from expressive.feelings import FEELINGS

FEELING_VALUES = tuple(feeling.value for feeling in FEELINGS)

from .atomic import TEMP_PREFIX, ensure_folder, reason, remove_leftover, staged_folder, write_failure, write_file
from .check import find_leftovers
from .index import Index, Record
from .layout import (
    ARTIFACTS,
    INDEX_FILE,
    MARKER_FILE,
    PRIVATE,
    SESSIONS,
    Key,
    Layout,
    level,
)
from .records import (
    ARTIFACT_FORMAT,
    CLIENT_FORMAT,
    NOTE_FORMAT,
    PORTFOLIO_FORMAT,
    SESSION_FORMAT,
    SESSION_ID_TIME_FORMAT,
    ArtifactRecord,
    CheckReport,
    Client,
    FileEntry,
    MissingRecord,
    NewerVersionError,
    PortfolioError,
    Problem,
    RecordError,
    Session,
    artifact_document,
    artifact_from_document,
    client_document,
    client_from_document,
    damaged_artifact,
    damaged_client,
    damaged_session,
    encode_document,
    format_time,
    now,
    note_document,
    note_text,
    parse_document,
    portfolio_document,
    session_document,
    session_from_document,
    utc,
)

_RECORD_FORMATS = {"client": CLIENT_FORMAT, "session": SESSION_FORMAT, "artifact": ARTIFACT_FORMAT}

_MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".mid": "audio/midi",
    ".midi": "audio/midi",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".md": "text/markdown",
    ".txt": "text/plain",
}

# Random parts of ids avoid look-alike characters (l/1, o/0) for people reading folders.
_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
_SEQUENCE_PREFIX = re.compile(r"^(\d+)-")
_SQLITE_FULL = 13
_EARLIEST_BIRTH_YEAR = 1900
_CHOOSE_ANOTHER = "Choose another folder with --portfolio or EXPRESSIVE_PORTFOLIO."


class Portfolio:
    """An open portfolio folder; get one with `Portfolio.open`."""

    def __init__(self, layout: Layout, index: Index, *, fsync: bool):
        self._layout = layout
        self._index = index
        self._fsync = fsync

    @classmethod
    def open(cls, root: Path | str, *, fsync: bool = True) -> Portfolio:
        """Open the portfolio in `root`, creating it if the folder is missing or empty.

        `fsync=False` trades crash safety for speed; only benchmarks that generate large
        portfolios use it.
        """
        root = Path(root).expanduser().absolute()
        layout = Layout(root)
        try:
            _prepare_root(root, fsync=fsync)
            store = cls(layout, Index.open(root / INDEX_FILE, layout, fsync=fsync), fsync=fsync)
            try:
                store._sync_index(full=False)
            except BaseException:
                store.close()
                raise
        except OSError as exc:
            raise PortfolioError(f"Cannot write to the portfolio folder {root}: {reason(exc)}. {_CHOOSE_ANOTHER}") from exc
        except sqlite3.Error as exc:
            raise PortfolioError(
                f"Cannot write to the portfolio folder {root}: its index cannot be opened ({exc}). {_CHOOSE_ANOTHER}"
            ) from exc
        return store

    @property
    def root(self) -> Path:
        return self._layout.root

    def close(self) -> None:
        self._index.close()

    def __enter__(self) -> Portfolio:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- clients, sessions, artifacts ---------------------------------------------------

    def add_client(self, name: str, year_of_birth: int | None = None, notes: str = "") -> Client:
        name = name.strip() if isinstance(name, str) else ""
        if not name:
            raise PortfolioError("A client needs a name.")
        this_year = now().year
        if year_of_birth is not None and (
            not isinstance(year_of_birth, int) or not _EARLIEST_BIRTH_YEAR <= year_of_birth <= this_year
        ):
            raise PortfolioError(
                f"The year of birth {year_of_birth!r} is not a year between {_EARLIEST_BIRTH_YEAR} and {this_year}."
            )
        client_id = _unused_name(self._layout.clients, lambda: f"c-{secrets.token_hex(4)}")
        client = Client(id=client_id, name=name, year_of_birth=year_of_birth, notes=notes, created=now())
        self._create((client_id, "", ""), client, client_document(client), subfolders=(SESSIONS, PRIVATE), action="add the client")
        return client

    def clients(self) -> list[Client]:
        """All clients, sorted by name regardless of case."""
        return self._index.clients()

    def client(self, client_id: str) -> Client:
        client = self._index.client(client_id)
        if client is None:
            raise PortfolioError(f"There is no client {client_id} in this portfolio.")
        return client

    def start_session(
        self,
        client_id: str,
        *,
        plan_id: str,
        goal: str = "",
        feeling_in: int | None = None,
        started: datetime | None = None,
    ) -> Session:
        self.client(client_id)
        _check_feeling(feeling_in)
        started = utc(started)
        # Named after its start time, so the folders list in order for a person too.
        prefix = started.strftime(SESSION_ID_TIME_FORMAT)
        session_id = _unused_name(
            self._layout.client_dir(client_id) / SESSIONS, lambda: f"{prefix}_{_random_letters()}"
        )
        session = Session(
            id=session_id, client_id=client_id, plan_id=plan_id, goal=goal,
            feeling_in=feeling_in, feeling_out=None, started=started, ended=None,
        )
        self._create((client_id, session_id, ""), session, session_document(session), subfolders=(ARTIFACTS,), action="start the session")
        return session

    def finish_session(
        self, client_id: str, session_id: str, *, feeling_out: int | None, ended: datetime | None = None
    ) -> Session:
        self.session(client_id, session_id)
        _check_feeling(feeling_out)

        def finish(doc: dict[str, Any]) -> None:
            doc["feeling_out"] = feeling_out
            doc["ended"] = format_time(utc(ended))

        return self._rewrite((client_id, session_id, ""), finish, action="finish the session")

    def sessions(self, client_id: str, *, limit: int | None = None, offset: int = 0) -> list[Session]:
        """A client's sessions, newest first; `limit` and `offset` page through them."""
        self.client(client_id)
        return self._index.sessions(client_id, limit=limit, offset=offset)

    def session(self, client_id: str, session_id: str) -> Session:
        session = self._index.session(client_id, session_id)
        if session is None:
            raise PortfolioError(f"There is no session {session_id} for client {client_id} in this portfolio.")
        return session

    def save_artifact(
        self,
        client_id: str,
        session_id: str,
        activity_id: str,
        draft: ArtifactDraft,
        *,
        created: datetime | None = None,
    ) -> ArtifactRecord:
        """Save `draft` as a new artifact of the session; it appears whole or not at all."""
        self.session(client_id, session_id)
        problems = draft.problems()
        if not isinstance(activity_id, str) or not ACTIVITY_ID_PATTERN.match(activity_id):
            problems.append(f"the activity id {activity_id!r} is not valid")
        if not isinstance(draft.kind, str) or not draft.kind.strip():
            problems.append("its kind is empty")
        try:
            # A round trip, so the record returned equals the one read back later.
            metadata = json.loads(json.dumps(draft.metadata))
        except (TypeError, ValueError):
            problems.append("its metadata cannot be written as JSON")
        if problems:
            raise PortfolioError(f"The work from {activity_id} cannot be saved: {'; '.join(problems)}.")

        artifacts_folder = self._layout.session_dir(client_id, session_id) / ARTIFACTS
        with self._writing("save the work", artifacts_folder):
            sequence = _next_sequence(artifacts_folder)
        artifact_id = _unused_name(artifacts_folder, lambda: f"{sequence:02d}-{activity_id}-{_random_letters()}")
        files = {name: bytes(content) for name, content in draft.files.items()}
        artifact = ArtifactRecord(
            id=artifact_id,
            client_id=client_id,
            session_id=session_id,
            activity=activity_id,
            kind=draft.kind,
            created=utc(created),
            title=draft.title,
            about="",
            files=tuple(
                FileEntry(
                    name=name,
                    role=_role(draft, name),
                    media_type=_MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream"),
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                )
                for name, content in files.items()
            ),
            product=draft.product,
            thumbnail=draft.thumbnail,
            process=draft.process,
            metadata=metadata,
            damaged=None,
            path=artifacts_folder / artifact_id,
        )
        self._create(
            (client_id, session_id, artifact_id), artifact, artifact_document(artifact), files=files,
            action=f"save the {draft.kind}",
        )
        return artifact

    def set_reflection(self, artifact: ArtifactRecord, *, title: str, about: str) -> ArtifactRecord:
        """Store the client's own words about their work; the files are left untouched."""
        if artifact.damaged:
            raise PortfolioError(f"The artifact {artifact.id} is damaged, so its reflection cannot be saved: {artifact.damaged}.")

        def reflect(doc: dict[str, Any]) -> None:
            doc["title"] = title
            reflection = doc.get("reflection")
            doc["reflection"] = {**(reflection if isinstance(reflection, dict) else {}), "about": about}

        key = (artifact.client_id, artifact.session_id, artifact.id)
        return self._rewrite(key, reflect, action="save the reflection")

    def artifacts(self, client_id: str, session_id: str | None = None) -> list[ArtifactRecord]:
        """A session's artifacts oldest first; without a session, all of the client's,
        newest session first and oldest first inside each."""
        if session_id is None:
            self.client(client_id)
            return self._index.artifacts(client_id)
        self.session(client_id, session_id)
        return self._index.artifacts(client_id, [session_id])

    def artifacts_by_session(self, client_id: str, session_ids: list[str]) -> dict[str, list[ArtifactRecord]]:
        """The artifacts of several sessions (a page of them) in one query."""
        grouped: dict[str, list[ArtifactRecord]] = {session_id: [] for session_id in session_ids}
        for artifact in self._index.artifacts(client_id, session_ids):
            grouped[artifact.session_id].append(artifact)
        return grouped

    def artifact(self, client_id: str, session_id: str, artifact_id: str) -> ArtifactRecord:
        artifact = self._index.artifact(client_id, session_id, artifact_id)
        if artifact is None:
            raise PortfolioError(f"There is no artifact {artifact_id} in session {session_id} of client {client_id}.")
        return artifact

    # --- artifact files -----------------------------------------------------------------

    def drafts_dir(self, client_id: str, session_id: str, activity_id: str) -> Path:
        """Where an activity may keep work in progress; created by the activity when it needs it."""
        return self._layout.drafts_dir(client_id, session_id, activity_id)

    def file_path(self, artifact: ArtifactRecord, name: str) -> Path:
        return artifact.path / self._entry(artifact, name).name

    def read_file(self, artifact: ArtifactRecord, name: str) -> bytes:
        """The file's content, checked against the manifest's SHA-256."""
        entry = self._entry(artifact, name)
        try:
            return self._read_verified(artifact, entry)
        except RecordError as exc:
            raise PortfolioError(f"The artifact {artifact.id} is damaged: {exc}.") from None

    def verify_artifact(self, artifact: ArtifactRecord) -> list[str]:
        """What is wrong with the artifact, in plain words; [] when it is intact."""
        if artifact.damaged:
            return [artifact.damaged]
        return [problem for _, problem in self._file_problems(artifact)]

    def _entry(self, artifact: ArtifactRecord, name: str) -> FileEntry:
        if artifact.damaged:
            raise PortfolioError(f"The artifact {artifact.id} is damaged: {artifact.damaged}.")
        entry = artifact.file(name)
        if entry is None:
            raise PortfolioError(f"The artifact {artifact.id} has no file named {name}.")
        return entry

    def _read_verified(self, artifact: ArtifactRecord, entry: FileEntry) -> bytes:
        try:
            content = self._read_bytes(artifact.path / entry.name)
        except FileNotFoundError:
            raise RecordError(f"{entry.name} is missing") from None
        except OSError as exc:
            raise RecordError(f"{entry.name} cannot be read: {reason(exc)}") from None
        if len(content) != entry.size or hashlib.sha256(content).hexdigest() != entry.sha256:
            raise RecordError(f"{entry.name} does not match its checksum: the file was changed or damaged")
        return content

    def _file_problems(self, artifact: ArtifactRecord) -> Iterator[tuple[FileEntry, str]]:
        for entry in artifact.files:
            try:
                self._read_verified(artifact, entry)
            except RecordError as exc:
                yield entry, str(exc)

    # --- therapist notes ----------------------------------------------------------------

    def set_therapist_note(self, client_id: str, session_id: str, text: str) -> None:
        self.session(client_id, session_id)
        path = self._layout.note_file(client_id, session_id)
        # Not in the index: notes are read one at a time, and only by the therapist.
        with self._writing("save the note", path.parent):
            ensure_folder(path.parent, fsync=self._fsync)
            self._write_bytes(path, encode_document(note_document(client_id, session_id, text)))

    def therapist_note(self, client_id: str, session_id: str) -> str:
        """The therapist's private note on the session, "" if there is none."""
        self.session(client_id, session_id)
        try:
            return self._read_note(self._layout.note_file(client_id, session_id))
        except MissingRecord:
            return ""
        except RecordError as exc:
            raise PortfolioError(f"The therapist's note on session {session_id} is damaged: {exc}.") from None

    def _read_note(self, path: Path) -> str:
        return note_text(self._read_document(path, NOTE_FORMAT), path.name)

    # --- checking and the index ---------------------------------------------------------

    def check(self, *, repair: bool = False) -> CheckReport:
        """Verify every record and every artifact file; rebuild the index from what is found.

        Unfinished saves are notes, not problems (with `repair` they are removed). Damaged
        records are reported and never deleted: they may be recoverable by hand.
        """
        report = CheckReport()
        for leftover in find_leftovers(self.root):
            report.notes.append(f"{leftover} is an unfinished save, left by an interruption")
            if repair:
                try:
                    remove_leftover(self.root / leftover)
                    report.repaired.append(f"removed the unfinished save {leftover}")
                except OSError as exc:
                    report.notes.append(f"{leftover} could not be removed: {reason(exc)}")

        found = self._scan()
        records = {key: self._load(key) for key in sorted(found)}
        for key, record in records.items():
            if record.damaged:
                report.problems.append(Problem(self._relative(self._layout.record_file(key)), record.damaged))
            if isinstance(record, ArtifactRecord):
                report.artifacts_checked += 1
                report.problems += [
                    Problem(self._relative(record.path / entry.name), problem)
                    for entry, problem in self._file_problems(record)
                ]
        for client_id in sorted({client_id for client_id, _, _ in found}):
            for path in sorted((self._layout.client_dir(client_id) / PRIVATE).glob("notes-*.json")):
                try:
                    self._read_note(path)
                except RecordError as exc:
                    report.problems.append(Problem(self._relative(path), str(exc)))

        self._index.sync(found, records.__getitem__, full=True)
        return report

    def rebuild_index(self) -> None:
        """Read every record again; the index then matches the files exactly."""
        self._sync_index(full=True)

    def _sync_index(self, *, full: bool) -> None:
        self._index.sync(self._scan(), self._load, full=full)

    def _scan(self) -> dict[Key, tuple[int, int]]:
        try:
            return self._layout.scan()
        except OSError as exc:
            raise PortfolioError(f"Cannot read the portfolio folder {self.root}: {reason(exc)}.") from exc

    def _relative(self, path: Path) -> Path:
        return path.relative_to(self.root)

    # --- records on disk ----------------------------------------------------------------

    def _load(self, key: Key) -> Record:
        """The record at `key`, or a stand-in that says why it is damaged; never raises."""
        client_id, session_id, artifact_id = key
        kind = level(key)
        path = self._layout.record_file(key)
        try:
            doc = self._read_document(path, _RECORD_FORMATS[kind])
            if kind == "client":
                return client_from_document(doc, client_id)
            if kind == "session":
                return session_from_document(doc, client_id, session_id)
            return artifact_from_document(doc, client_id, session_id, artifact_id, path.parent)
        except (RecordError, TypeError, ValueError, OverflowError, AttributeError) as exc:
            # A hand-edited or foreign JSON file can be wrong in any shape: it is damage, not a crash.
            if kind == "client":
                return damaged_client(client_id, str(exc))
            if kind == "session":
                return damaged_session(client_id, session_id, str(exc))
            return damaged_artifact(client_id, session_id, artifact_id, path.parent, str(exc))

    def _read_document(self, path: Path, expected_format: str) -> dict[str, Any]:
        try:
            data = self._read_bytes(path)
        except FileNotFoundError:
            raise MissingRecord(f"{path.name} is missing") from None
        except OSError as exc:
            raise RecordError(f"{path.name} cannot be read: {reason(exc)}") from None
        return parse_document(data, path.name, expected_format)

    def _create(
        self,
        key: Key,
        record: Record,
        document: dict[str, Any],
        *,
        action: str,
        files: dict[str, bytes] | None = None,
        subfolders: tuple[str, ...] = (),
    ) -> None:
        """Make the record's folder: built hidden, its JSON written last, then renamed into place."""
        folder = self._layout.folder(key)
        with self._writing(action, folder.parent):
            self._index.mark_dirty()
            ensure_folder(folder.parent, fsync=self._fsync)
            with staged_folder(folder, fsync=self._fsync) as staging:
                for name in subfolders:
                    (staging / name).mkdir()
                for name, content in (files or {}).items():
                    self._write_bytes(staging / name, content, sync_folder=False)
                record_file = staging / self._layout.record_file(key).name
                self._write_bytes(record_file, encode_document(document), sync_folder=False)
            self._index.put(key, self._layout.stamp(key), record)

    def _rewrite(self, key: Key, change: Callable[[dict[str, Any]], None], *, action: str) -> Record:
        """Change fields of a record's JSON and replace the file whole.

        The document is edited rather than regenerated so that fields this version does
        not know (written by a newer one) survive.
        """
        path = self._layout.record_file(key)
        try:
            doc = self._read_document(path, _RECORD_FORMATS[level(key)])
        except RecordError as exc:
            raise PortfolioError(f"Could not {action}: {exc}.") from None
        change(doc)
        with self._writing(action, path.parent):
            self._index.mark_dirty()
            self._write_bytes(path, encode_document(doc))
            record = self._load(key)
            self._index.put(key, self._layout.stamp(key), record)
        return record

    @contextmanager
    def _writing(self, action: str, folder: Path) -> Iterator[None]:
        """Report a failed write in plain words. A failure leaves the dirty flag raised, so
        the next open re-reads the tree whatever state the failure left."""
        try:
            yield
        except OSError as exc:
            raise write_failure(exc, action, folder) from exc
        except sqlite3.Error as exc:
            if exc.sqlite_errorcode & 0xFF == _SQLITE_FULL:
                raise write_failure(OSError(errno.ENOSPC, str(exc)), action, folder) from exc
            raise PortfolioError(
                f"Could not {action}: the index in {self.root} cannot be updated ({exc}). "
                "Restart Expressive: the index is rebuilt from the saved files."
            ) from exc

    # The single choke point for client data: encryption at rest goes here.

    def _write_bytes(self, path: Path, data: bytes, *, sync_folder: bool = True) -> None:
        write_file(path, data, fsync=self._fsync, sync_folder=sync_folder)

    def _read_bytes(self, path: Path) -> bytes:
        return path.read_bytes()


def _prepare_root(root: Path, *, fsync: bool) -> None:
    """Make sure `root` is a portfolio this version can open, creating it in an empty folder.

    OSError propagates; everything else is a PortfolioError.
    """
    if root.exists() and not root.is_dir():
        raise PortfolioError(f"{root} is a file, not a folder. {_CHOOSE_ANOTHER}")
    root.mkdir(parents=True, exist_ok=True)
    marker = root / MARKER_FILE
    if not marker.exists():
        # Temporary files are all an interrupted creation can have left.
        others = [name for name in os.listdir(root) if not name.startswith(TEMP_PREFIX)]
        if others:
            raise PortfolioError(
                f"The folder {root} is not an Expressive portfolio: it has other files in it and no "
                f"{MARKER_FILE}. {_CHOOSE_ANOTHER}"
            )
        write_file(marker, encode_document(portfolio_document()), fsync=fsync)
    try:
        doc = parse_document(marker.read_bytes(), MARKER_FILE, PORTFOLIO_FORMAT)
    except NewerVersionError:
        raise PortfolioError(
            f"The portfolio in {root} was made by a newer version of Expressive. Update Expressive to open it."
        ) from None
    except RecordError as exc:
        raise PortfolioError(f"The portfolio in {root} cannot be opened: {exc}.") from None
    if doc.get("encryption") is not None:
        raise PortfolioError(f"The portfolio in {root} is encrypted, and this version of Expressive cannot open it.")


def _check_feeling(feeling: int | None) -> None:
    if feeling is not None and (isinstance(feeling, bool) or not isinstance(feeling, int) or not FEELING_VALUES[0] <= feeling <= FEELING_VALUES[-1]):
        raise PortfolioError(
            f"A feeling is recorded as a whole number from {FEELING_VALUES[0]} to {FEELING_VALUES[-1]}, not {feeling!r}."
        )


def _role(draft: ArtifactDraft, name: str) -> str:
    return next((role for role in ("product", "thumbnail", "process") if getattr(draft, role) == name), "file")


def _next_sequence(artifacts_folder: Path) -> int:
    try:
        names = os.listdir(artifacts_folder)
    except FileNotFoundError:
        return 1
    numbers = [int(match.group(1)) for name in names if (match := _SEQUENCE_PREFIX.match(name))]
    return max(numbers, default=0) + 1


def _unused_name(folder: Path, make: Callable[[], str]) -> str:
    while True:
        name = make()
        if not (folder / name).exists():
            return name


def _random_letters(length: int = 4) -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))
