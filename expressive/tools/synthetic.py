"""A large encrypted portfolio, made quickly: one client of many years, for the benchmarks
and the tests of long lists.

Saving 50,000 pieces of work through `Portfolio.save_artifact` takes many minutes (a
staging folder, a rename and an index transaction each). Here the files are written in
the store's own layout and format, through the store's own encrypting writer
(`Disk.write_bytes`: every file is encrypted under its client's key with its own path
bound in, so no ciphertext can be copied from one artifact to another, but one plaintext
serves them all), without fsync, and the index is filled in one transaction from the
records made here rather than by reading them back. The result is a portfolio like any
other: the app opens it, `check` finds nothing wrong.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from expressive.artifact import ArtifactDraft, media_type_of
from expressive.portfolio import ArtifactRecord, FileEntry, KdfParams, Portfolio, Session
from expressive.portfolio.documents import SESSION_ID_TIME_FORMAT, artifact_document, encode_document, session_document
from expressive.portfolio.layout import ARTIFACTS, MANIFEST_FILE, SESSION_FILE, Key, Stamp, random_letters

# The scratch portfolios of the benchmarks are encrypted, as the app makes them, with this
# (the same words as the export benchmarks').
BENCH_PASSPHRASE = "benchmark passphrase"
CLIENT_NAME = "Long-term client"
SESSIONS = 2500
PER_SESSION = 20
# Ten years of sessions, about five a week.
SESSION_SPACING = timedelta(hours=35)
FIRST_SESSION = datetime(2016, 1, 4, 9, tzinfo=UTC)


def demo_work() -> tuple[str, ArtifactDraft]:
    """(activity id, draft): the first installed activity's first demo work, whole."""
    from expressive.registry import discover

    return next(
        (activity_id, drafts[0])
        for activity_id, activity in discover().activities.items()
        if (drafts := activity.demo_drafts(0))
    )


def light(work: tuple[str, ArtifactDraft]) -> tuple[str, ArtifactDraft]:
    """The work with its thumbnail (a real picture, which the lists decode) as its only
    file, and its product too: 50,000 copies of a whole drawing would fill tens of
    gigabytes, and no list ever reads a product."""
    activity_id, draft = work
    picture = draft.thumbnail
    return activity_id, ArtifactDraft(
        kind=draft.kind, files={picture: draft.files[picture]}, product=picture, thumbnail=picture,
        title=draft.title, metadata=draft.metadata,
    )


def build_large_portfolio(
    root: Path,
    *,
    sessions: int = SESSIONS,
    per_session: int = PER_SESSION,
    passphrase: str = BENCH_PASSPHRASE,
    kdf: KdfParams | None = None,
    work: tuple[str, ArtifactDraft] | None = None,
) -> str:
    """Make an encrypted portfolio in `root` (a new folder) holding one client with
    `sessions` finished sessions of `per_session` pieces of work each, and return the
    client's id. `kdf` sets the Argon2id cost (the app's own by default); `work` is the
    (activity id, draft) saved over and over (by default the light form of `demo_work()`)."""
    activity_id, draft = work or light(demo_work())
    Portfolio.protect(root, passphrase, kdf=kdf)
    with Portfolio.open(root, passphrase=passphrase, fsync=False) as store:
        client = store.add_client(CLIENT_NAME)
        writer = _Writer(store, client.id, activity_id, draft)
        for number in range(sessions):
            writer.add_session(number, per_session)
        writer.fill_index()
    return client.id


class _Writer:
    def __init__(self, store: Portfolio, client_id: str, activity_id: str, draft: ArtifactDraft):
        # The store's own disk: its layout, its encrypting writer and its index.
        self._disk = store._disk
        self._client_id = client_id
        self._activity_id = activity_id
        self._draft = draft
        self._entries = tuple(
            FileEntry(name, draft.role_of(name), media_type_of(name), len(content), hashlib.sha256(content).hexdigest())
            for name, content in draft.files.items()
        )
        self._records: dict[Key, Session | ArtifactRecord] = {}
        self._stamps: dict[Key, Stamp] = {}

    def add_session(self, number: int, per_session: int) -> None:
        started = FIRST_SESSION + number * SESSION_SPACING
        session = Session(
            id=f"{started.strftime(SESSION_ID_TIME_FORMAT)}_{random_letters()}", client_id=self._client_id,
            plan_id="open", goal=f"Goal {number + 1}", feeling_in=3, feeling_out=4, started=started,
            ended=started + timedelta(minutes=50),
        )
        key = (self._client_id, session.id, "")
        folder = self._disk.layout.folder(key)
        (folder / ARTIFACTS).mkdir(mode=0o700, parents=True)
        self._write(key, folder / SESSION_FILE, encode_document(session_document(session)), session)
        for sequence in range(1, per_session + 1):
            self._add_artifact(session, sequence, started + timedelta(minutes=sequence))

    def _add_artifact(self, session: Session, sequence: int, created: datetime) -> None:
        artifact_id = f"{sequence:02d}-{self._activity_id}-{random_letters()}"
        key = (self._client_id, session.id, artifact_id)
        folder = self._disk.layout.folder(key)
        folder.mkdir(mode=0o700)
        draft = self._draft
        artifact = ArtifactRecord(
            id=artifact_id, client_id=self._client_id, session_id=session.id, activity=self._activity_id,
            kind=draft.kind, created=created, title=f"{draft.title or draft.kind} {session.goal.split()[-1]}.{sequence}",
            about="", files=self._entries, product=draft.product, thumbnail=draft.thumbnail, process=draft.process,
            metadata=draft.metadata, damaged=None, path=folder,
        )
        for name, content in draft.files.items():
            self._disk.write_bytes(folder / name, content, sync_folder=False)
        self._write(key, folder / MANIFEST_FILE, encode_document(artifact_document(artifact)), artifact)

    def _write(self, key: Key, path: Path, document: bytes, record: Session | ArtifactRecord) -> None:
        self._disk.write_bytes(path, document, sync_folder=False)
        status = path.stat()
        self._stamps[key] = (status.st_mtime_ns, status.st_size)
        self._records[key] = record

    def fill_index(self) -> None:
        """The index, in one transaction, from the records made here (and the client's own)."""
        disk = self._disk
        client_key = (self._client_id, "", "")
        found = {client_key: disk.layout.stamp(client_key), **self._stamps}
        disk.index.sync(found, lambda key: self._records.get(key) or disk.load(key), full=True)
