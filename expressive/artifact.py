"""Finished work as activities hand it over and viewers see it: `ArtifactDraft` (work not
yet saved: files as bytes, naming its product, thumbnail and process) and `ArtifactView`
(saved work, read-only, with no path of the portfolio). No Kivy here.

This is the implementation; activities reach it through `expressive.api`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from expressive.i18n import _

# A file of a piece of work: a plain name, never a path.
FILE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")

# The media type of a file by its ending, as it is recorded in a saved work's manifest.
MEDIA_TYPES = {
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
    ".avi": "video/x-msvideo",
    ".md": "text/markdown",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".html": "text/html",
}


def media_type_of(file_name: str) -> str:
    """The media type recorded for a file called `file_name` ("image/png")."""
    ending = file_name[file_name.rfind("."):].lower() if "." in file_name else ""
    return MEDIA_TYPES.get(ending, "application/octet-stream")


@dataclass
class ArtifactDraft:
    """One finished piece of work, not yet in the portfolio.

    `files` maps file names to their bytes. `product` names the main file (what a viewer
    shows large), `process` the replayable log of how it was made, and `thumbnail` a small
    PNG for galleries; all three must be keys of `files`.
    """

    kind: str
    files: dict[str, bytes]
    product: str
    thumbnail: str
    process: str | None = None
    title: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    def problems(self) -> list[str]:
        found = []
        if not self.files:
            found.append(_("the draft has no files"))
        for name, content in self.files.items():
            if not FILE_NAME_PATTERN.match(name) or name == "manifest.json":
                found.append(_("file name {name} is not allowed").format(name=repr(name)))
            if not isinstance(content, (bytes, bytearray)):
                found.append(_("file {name} is not bytes").format(name=repr(name)))
        for role in ("product", "thumbnail", "process"):
            name = getattr(self, role)
            if name is not None and name not in self.files:
                found.append(_("{role} {name} is not one of the draft's files").format(role=role, name=repr(name)))
        return found

    def role_of(self, name: str) -> str:
        """What the file `name` is to this work: "product", "thumbnail", "process" or "file"."""
        return next((role for role in ("product", "thumbnail", "process") if getattr(self, role) == name), "file")


class ArtifactUnreadable(Exception):
    """A file of a saved piece of work could not be read; the message says why in plain words."""


@dataclass(frozen=True)
class ArtifactFile:
    """One file of a saved piece of work: its name, its `role` ("product", "thumbnail",
    "process" or "file"), its media type ("image/png") and its size in bytes."""

    name: str
    role: str
    media_type: str
    size: int


@dataclass(frozen=True)
class ArtifactView:
    """A saved piece of work as a viewer sees it: what it is and its files, read-only.

    `activity` is the id of the activity that made it and `kind` one of that activity's
    `artifact_kinds`; `created` is when it was saved (UTC). `product`, `thumbnail` and
    `process` name its main file, its small picture and its replayable log, as in the
    `ArtifactDraft` it was saved from (None when it has none). `marks` are the moments a
    therapist marked in review ({"t": seconds into the process, "note", "created"}), in
    time order; `tags` and `starred` are the therapist's review aids. `read(name)` gives
    one of its files, decrypted and checked.
    """

    id: str
    activity: str
    kind: str
    title: str
    created: datetime
    files: tuple[ArtifactFile, ...]
    product: str | None
    thumbnail: str | None
    process: str | None
    # How the host reads a file; viewers call `read`, which checks the name first.
    _reader: Callable[[str], bytes] = field(repr=False, compare=False)
    about: str = ""
    metadata: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    marks: tuple[dict[str, Any], ...] = ()
    tags: tuple[str, ...] = ()
    starred: bool = False

    @property
    def file_names(self) -> tuple[str, ...]:
        """The names of its files, in the order they were saved."""
        return tuple(entry.name for entry in self.files)

    def file(self, name: str) -> ArtifactFile | None:
        """The file called `name`, or None when it has none by that name."""
        return next((entry for entry in self.files if entry.name == name), None)

    def read(self, name: str) -> bytes:
        """The bytes of its file `name`; raises ArtifactUnreadable when it has no such file
        or the file cannot be read (the host then shows the product picture instead)."""
        if self.file(name) is None:
            raise ArtifactUnreadable(_("This work has no file called {name}.").format(name=repr(name)))
        return self._reader(name)

    @classmethod
    def of_draft(cls, draft: ArtifactDraft, activity: str, created: datetime | None = None) -> ArtifactView:
        """A view of work not saved yet, reading its files from `draft`: what an activity's
        own tests give its viewer, exactly as the host would after saving the draft."""
        files = dict(draft.files)
        return cls(
            id="draft",
            activity=activity,
            kind=draft.kind,
            title=draft.title,
            created=created or datetime.now(UTC),
            files=tuple(ArtifactFile(name, draft.role_of(name), media_type_of(name), len(content))
                        for name, content in files.items()),
            product=draft.product,
            thumbnail=draft.thumbnail,
            process=draft.process,
            _reader=files.__getitem__,
            metadata=MappingProxyType(dict(draft.metadata)),
        )


def artifact_view(record, read_file: Callable[[str], bytes]) -> ArtifactView:
    """The viewer's view of a saved artifact `record` (the store's ArtifactRecord), whose
    files `read_file` reads; the view carries no path of the portfolio."""
    return ArtifactView(
        id=record.id,
        activity=record.activity,
        kind=record.kind,
        title=record.title,
        created=record.created,
        files=tuple(ArtifactFile(entry.name, entry.role, entry.media_type, entry.size) for entry in record.files),
        product=record.product,
        thumbnail=record.thumbnail,
        process=record.process,
        _reader=read_file,
        about=record.about,
        metadata=MappingProxyType(dict(record.metadata)),
        marks=tuple(dict(mark) for mark in record.marks),
        tags=tuple(record.tags),
        starred=record.starred,
    )
