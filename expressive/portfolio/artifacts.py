"""Artifacts: saving a piece of work with its files, finding it again, and reading its
files back checked against the manifest."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from expressive.activity import ACTIVITY_ID_PATTERN
from expressive.artifact import FILE_NAME_PATTERN, ArtifactDraft, media_type_of
from expressive.i18n import _

from .atomic import reason
from .clients import Clients
from .disk import Disk
from .documents import artifact_document
from .layout import ARTIFACTS, MANIFEST_FILE, random_letters, unused_name
from .records import ArtifactRecord, FileEntry, PortfolioError, RecordError, utc
from .sessions import Sessions

_SEQUENCE_PREFIX = re.compile(r"^(\d+)-")


class Artifacts:
    def __init__(self, disk: Disk, clients: Clients, sessions: Sessions):
        self._disk = disk
        self._clients = clients
        self._sessions = sessions

    def save(
        self, client_id: str, session_id: str, activity_id: str, draft: ArtifactDraft, *, created: datetime | None
    ) -> ArtifactRecord:
        self._sessions.get(client_id, session_id)
        problems = draft.problems()
        if not isinstance(activity_id, str) or not ACTIVITY_ID_PATTERN.match(activity_id):
            problems.append(_("the activity id {activity_id} is not valid").format(activity_id=repr(activity_id)))
        if not isinstance(draft.kind, str) or not draft.kind.strip():
            problems.append(_("its kind is empty"))
        try:
            # A round trip, so the record returned equals the one read back later.
            metadata = json.loads(json.dumps(draft.metadata))
        except (TypeError, ValueError):
            problems.append(_("its metadata cannot be written as JSON"))
        if problems:
            raise PortfolioError(_("The work from {activity_id} cannot be saved: {problems}.").format(
                activity_id=activity_id, problems='; '.join(problems)))

        artifacts_folder = self._disk.layout.session_dir(client_id, session_id) / ARTIFACTS
        with self._disk.writing(_("save the work"), artifacts_folder):
            sequence = _next_sequence(artifacts_folder)
        artifact_id = unused_name(artifacts_folder, lambda: f"{sequence:02d}-{activity_id}-{random_letters()}")
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
                    role=draft.role_of(name),
                    media_type=media_type_of(name),
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
        self._disk.create(
            (client_id, session_id, artifact_id), artifact, artifact_document(artifact), files=files,
            action=_("save the {kind}").format(kind=draft.kind),
        )
        return artifact

    def listed(self, client_id: str, session_id: str | None) -> list[ArtifactRecord]:
        if session_id is None:
            self._clients.get(client_id)
            return self._disk.index.artifacts(client_id)
        self._sessions.get(client_id, session_id)
        return self._disk.index.artifacts(client_id, [session_id])

    def by_session(self, client_id: str, session_ids: list[str]) -> dict[str, list[ArtifactRecord]]:
        grouped: dict[str, list[ArtifactRecord]] = {session_id: [] for session_id in session_ids}
        for artifact in self._disk.index.artifacts(client_id, session_ids):
            grouped[artifact.session_id].append(artifact)
        return grouped

    def get(self, client_id: str, session_id: str, artifact_id: str) -> ArtifactRecord:
        artifact = self._disk.index.artifact(client_id, session_id, artifact_id)
        if artifact is None:
            raise PortfolioError(_("There is no artifact {artifact_id} in session {session_id} of client {client_id}.").format(
                artifact_id=artifact_id, session_id=session_id, client_id=client_id))
        return artifact

    def add_product_file(
        self, artifact: ArtifactRecord, name: str, data: bytes, metadata: dict[str, Any] | None
    ) -> ArtifactRecord:
        """Add the file `name` to a saved artifact as its new product (the product before
        stays, as a plain file), with `metadata` merged into its metadata.

        Two atomic steps: the file is written (encrypted like every file) under its final
        name, then the manifest that lists it replaces the old one. A kill before the
        manifest is replaced leaves the old artifact whole, with a file it does not list,
        which nothing reads and the next try replaces; after, the new one.
        """
        if artifact.damaged:
            raise PortfolioError(_("The artifact {artifact} is damaged, so nothing can be added to it: {damaged}.").format(
                artifact=artifact.id, damaged=artifact.damaged))
        current = self.get(artifact.client_id, artifact.session_id, artifact.id)
        if not isinstance(name, str) or not FILE_NAME_PATTERN.match(name) or name == MANIFEST_FILE:
            raise PortfolioError(_("The file name {name} is not allowed.").format(name=repr(name)))
        if current.file(name) is not None:
            raise PortfolioError(_("The artifact {artifact} already has a file named {name}.").format(
                artifact=artifact.id, name=name))
        try:
            changes = json.loads(json.dumps(metadata or {}))
        except (TypeError, ValueError):
            changes = None
        if not isinstance(data, (bytes, bytearray)) or not isinstance(changes, dict):
            raise PortfolioError(_("The file {name} cannot be added: it is not bytes, or its metadata is not JSON.").format(
                name=name))
        content = bytes(data)
        entry = {"name": name, "role": "product", "media_type": media_type_of(name), "size": len(content),
                 "sha256": hashlib.sha256(content).hexdigest()}
        action = _("add {name} to the {kind}").format(name=name, kind=current.kind)
        with self._disk.writing(action, current.path):
            self._disk.write_bytes(current.path / name, content)

        def add(doc: dict[str, Any]) -> None:
            files = [dict(listed) for listed in doc["files"]]
            for listed in files:
                if listed.get("role") == "product":
                    listed["role"] = "file"
            doc["files"] = [*files, entry]
            doc["product"] = name
            doc["metadata"] = {**(doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}), **changes}

        return self._disk.rewrite((current.client_id, current.session_id, current.id), add, action=action)

    # --- its files --------------------------------------------------------------------------

    def file_path(self, artifact: ArtifactRecord, name: str) -> Path:
        return artifact.path / _entry(artifact, name).name

    def read_file(self, artifact: ArtifactRecord, name: str) -> bytes:
        entry = _entry(artifact, name)
        try:
            return self._read_verified(artifact, entry)
        except RecordError as exc:
            raise PortfolioError(_("The artifact {artifact} is damaged: {error}.").format(
                artifact=artifact.id, error=exc)) from None

    def verify(self, artifact: ArtifactRecord) -> list[str]:
        if artifact.damaged:
            return [artifact.damaged]
        return [problem for _, problem in self.file_problems(artifact)]

    def file_problems(self, artifact: ArtifactRecord) -> Iterator[tuple[FileEntry, str]]:
        for entry in artifact.files:
            try:
                with _reading(entry):
                    found = self._disk.digest(artifact.path / entry.name)
                _check_digest(entry, found)
            except RecordError as exc:
                yield entry, str(exc)

    def _read_verified(self, artifact: ArtifactRecord, entry: FileEntry) -> bytes:
        with _reading(entry):
            content = self._disk.read_bytes(artifact.path / entry.name)
        _check_digest(entry, (len(content), hashlib.sha256(content).hexdigest()))
        return content


@contextmanager
def _reading(entry: FileEntry) -> Iterator[None]:
    try:
        yield
    except FileNotFoundError:
        raise RecordError(_("{file} is missing").format(file=entry.name)) from None
    except OSError as exc:
        raise RecordError(_("{file} cannot be read: {reason}").format(file=entry.name, reason=reason(exc))) from None


def _check_digest(entry: FileEntry, found: tuple[int, str]) -> None:
    """`found` is the content's (size, SHA-256)."""
    if found != (entry.size, entry.sha256):
        raise RecordError(_("{file} does not match its checksum: the file was changed or damaged").format(
            file=entry.name))


def _entry(artifact: ArtifactRecord, name: str) -> FileEntry:
    if artifact.damaged:
        raise PortfolioError(_("The artifact {artifact} is damaged: {damaged}.").format(
            artifact=artifact.id, damaged=artifact.damaged))
    entry = artifact.file(name)
    if entry is None:
        raise PortfolioError(_("The artifact {artifact} has no file named {name}.").format(
            artifact=artifact.id, name=name))
    return entry


def _next_sequence(artifacts_folder: Path) -> int:
    try:
        names = os.listdir(artifacts_folder)
    except FileNotFoundError:
        return 1
    numbers = [int(match.group(1)) for name in names if (match := _SEQUENCE_PREFIX.match(name))]
    return max(numbers, default=0) + 1
