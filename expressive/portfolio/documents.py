"""How each record is read from and written to its JSON file.

The loaders here are shared by the index (which reads every record when it rebuilds) and
by `check` (which reads every record to report on it), so a record counts as damaged for
exactly the same reasons everywhere.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from expressive.artifact import FILE_NAME_PATTERN
from expressive.feelings import FEELINGS
from expressive.i18n import _, format_number
from expressive.limits import (
    MAX_GOAL_CHARS,
    MAX_NAME_CHARS,
    MAX_NOTE_CHARS,
    MAX_TITLE_CHARS,
    MAX_WORDS_CHARS,
    InputRefused,
    load_json_bounded,
)

from .records import (
    ArtifactRecord,
    Client,
    FileEntry,
    Homework,
    NewerVersionError,
    Noticing,
    RecordError,
    Session,
    now,
    utc,
)
from .search import normalise_tags

FORMAT_VERSION = 1

PORTFOLIO_FORMAT = "expressive-portfolio"
CLIENT_FORMAT = "expressive-client"
SESSION_FORMAT = "expressive-session"
ARTIFACT_FORMAT = "expressive-artifact"
NOTE_FORMAT = "expressive-therapist-note"
ENCRYPTION_SCHEME = "expressive-aes-256-gcm-chunked"
ENCRYPTION_VERSION = 1
ENCRYPTION_STATES = ("migrating", "complete")

FILE_ROLES = ("product", "thumbnail", "process", "file")
SESSION_ID_TIME_FORMAT = "%Y-%m-%d_%H%M"
_SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FEELING_RANGE = (FEELINGS[0].value, FEELINGS[-1].value)
# Years a date can hold: a year of birth outside them is no year, and no number that large
# fits the index (SQLite keeps 64-bit integers).
YEAR_RANGE = (datetime.min.year, datetime.max.year)


# --- dates ---------------------------------------------------------------------------


def format_time(moment: datetime) -> str:
    # A fixed width keeps the strings sortable, which the index relies on.
    return utc(moment).isoformat(timespec="microseconds")


def _parse_time(text: Any) -> datetime:
    if not isinstance(text, str):
        raise ValueError(text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(text)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # year 1 east of Greenwich, or 9999 west of it, has no UTC time
        raise ValueError(text) from None


def session_id_time(session_id: str) -> datetime:
    """The start time a session id was named after, for sessions whose session.json is lost."""
    try:
        return datetime.strptime(session_id[:15], SESSION_ID_TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return _EPOCH


# --- reading -------------------------------------------------------------------------


def parse_document(data: bytes, file_name: str, expected_format: str) -> dict[str, Any]:
    """The JSON object in `data`, checked for its size and nesting, its format and a version
    this code can read."""
    try:
        doc = load_json_bounded(data, what=file_name)
    except InputRefused as refusal:
        raise RecordError(str(refusal).rstrip(".")) from None
    if not isinstance(doc, dict) or doc.get("format") != expected_format:
        raise RecordError(_("{file_name} is not an {expected_format} file").format(
            file_name=file_name, expected_format=expected_format))
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise RecordError(_("{file_name} has no valid version number").format(file_name=file_name))
    if version > FORMAT_VERSION:
        raise NewerVersionError(_("{file_name} was made by a newer version of Expressive").format(file_name=file_name))
    return doc


def is_settings(value: Any) -> bool:
    """Settings are a flat JSON object of short names to plain values."""
    return isinstance(value, dict) and all(
        isinstance(name, str) and 0 < len(name) <= 40
        and (value_ is None or isinstance(value_, (str, int, float, bool)))
        for name, value_ in value.items()
    )


class _Fields:
    """Typed access to a document's fields; a missing or mistyped field raises RecordError."""

    def __init__(self, doc: dict[str, Any], file_name: str):
        self.doc = doc
        self.file_name = file_name

    def invalid(self, key: str) -> RecordError:
        return RecordError(_("{file_name} has a missing or invalid '{key}'").format(file_name=self.file_name, key=key))

    def text(self, key: str, max_chars: int, default: str | None = None) -> str:
        """Text of at most `max_chars`, the bound the store writes it with: a longer one was
        not written by Expressive, and would cost every screen and export that shows it."""
        value = self.doc.get(key, default)
        if not isinstance(value, str):
            raise self.invalid(key)
        if len(value) > max_chars:
            raise RecordError(
                _("{file_name} has a '{key}' of {length} characters; the most Expressive keeps is "
                   "{most}").format(
                       file_name=self.file_name, key=key, length=format_number(len(value)), most=format_number(max_chars))
            )
        return value

    def optional_int(self, key: str, lowest: int, highest: int) -> int | None:
        value = self.doc.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not lowest <= value <= highest):
            raise self.invalid(key)
        return value

    def settings(self, key: str) -> dict[str, Any]:
        value = self.doc.get(key, {})
        if not is_settings(value):
            raise self.invalid(key)
        return dict(value)

    def time(self, key: str) -> datetime:
        try:
            return _parse_time(self.doc.get(key))
        except ValueError:
            raise self.invalid(key) from None

    def optional_time(self, key: str) -> datetime | None:
        return None if self.doc.get(key) is None else self.time(key)

    def optional_bool(self, key: str) -> bool | None:
        value = self.doc.get(key)
        if value is not None and not isinstance(value, bool):
            raise self.invalid(key)
        return value

    def flag(self, key: str) -> bool:
        return bool(self.optional_bool(key))

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.doc.get(key, {})
        if not isinstance(value, dict):
            raise self.invalid(key)
        return value


def note_text(doc: dict[str, Any], file_name: str) -> str:
    return _Fields(doc, file_name).text("text", MAX_NOTE_CHARS)


def client_from_document(doc: dict[str, Any], client_id: str) -> Client:
    """`client_id` is the folder's name: where a record lies is what identifies it."""
    fields = _Fields(doc, "client.json")
    name = fields.text("name", MAX_NAME_CHARS)
    if not name.strip():
        raise fields.invalid("name")
    return Client(
        id=client_id,
        name=name,
        year_of_birth=fields.optional_int("year_of_birth", *YEAR_RANGE),
        notes=fields.text("notes", MAX_NOTE_CHARS, ""),
        created=fields.time("created"),
        settings=fields.settings("settings"),
    )


def damaged_client(client_id: str, reason: str) -> Client:
    return Client(id=client_id, name=client_id, year_of_birth=None, notes="", created=_EPOCH, damaged=reason)


def session_from_document(doc: dict[str, Any], client_id: str, session_id: str) -> Session:
    fields = _Fields(doc, "session.json")
    return Session(
        id=session_id,
        client_id=client_id,
        plan_id=fields.text("plan_id", MAX_TITLE_CHARS),
        goal=fields.text("goal", MAX_GOAL_CHARS, ""),
        feeling_in=fields.optional_int("feeling_in", *FEELING_RANGE),
        feeling_out=fields.optional_int("feeling_out", *FEELING_RANGE),
        started=fields.time("started"),
        ended=fields.optional_time("ended"),
        goal_met=fields.optional_bool("goal_met"),
        homework=None if doc.get("homework") is None else homework_from_document(doc["homework"]),
    )


def homework_from_document(raw: Any) -> Homework:
    if not isinstance(raw, dict):
        raise RecordError(_("session.json has an invalid 'homework'"))
    fields = _Fields(raw, "session.json")
    try:
        return Homework(
            task=fields.text("task", MAX_WORDS_CHARS),
            done=fields.optional_bool("done"),
            note=fields.text("note", MAX_WORDS_CHARS, ""),
        )
    except RecordError:
        raise RecordError(_("session.json has an invalid 'homework'")) from None


def homework_document(homework: Homework) -> dict[str, Any]:
    return {"task": homework.task, "done": homework.done, "note": homework.note}


def damaged_session(client_id: str, session_id: str, reason: str) -> Session:
    return Session(
        id=session_id,
        client_id=client_id,
        plan_id="",
        goal="",
        feeling_in=None,
        feeling_out=None,
        started=session_id_time(session_id),
        ended=None,
        damaged=reason,
    )


def _file_entry(raw: Any) -> FileEntry:
    if not isinstance(raw, dict):
        raise RecordError(_("manifest.json has an invalid entry in 'files'"))
    name, role, media_type = raw.get("name"), raw.get("role"), raw.get("media_type")
    size, sha256 = raw.get("size"), raw.get("sha256")
    if not isinstance(name, str) or not FILE_NAME_PATTERN.match(name) or name == "manifest.json":
        raise RecordError(_("manifest.json lists a file with an invalid name ({name})").format(name=repr(name)))
    if (
        role not in FILE_ROLES
        or not isinstance(media_type, str)
        or not isinstance(size, int)
        or isinstance(size, bool)
        or size < 0
        or not isinstance(sha256, str)
        or not _SHA256_PATTERN.match(sha256)
    ):
        raise RecordError(_("manifest.json has an invalid entry for {name}").format(name=name))
    return FileEntry(name=name, role=role, media_type=media_type, size=size, sha256=sha256)


def artifact_from_document(doc: dict[str, Any], client_id: str, session_id: str, artifact_id: str, path: Path) -> ArtifactRecord:
    fields = _Fields(doc, "manifest.json")
    raw_files = doc.get("files")
    if not isinstance(raw_files, list) or not raw_files:
        raise fields.invalid("files")
    files = tuple(_file_entry(raw) for raw in raw_files)
    names = {entry.name for entry in files}
    if len(names) != len(files):
        raise RecordError(_("manifest.json lists the same file twice"))
    roles = {}
    for role in ("product", "thumbnail", "process"):
        name = doc.get(role)
        if name is not None and name not in names:
            raise fields.invalid(role)
        roles[role] = name
    reflection = _Fields(fields.mapping("reflection"), "manifest.json")
    return ArtifactRecord(
        id=artifact_id,
        client_id=client_id,
        session_id=session_id,
        activity=fields.text("activity", MAX_TITLE_CHARS),
        kind=fields.text("kind", MAX_TITLE_CHARS),
        created=fields.time("created"),
        title=fields.text("title", MAX_TITLE_CHARS, ""),
        about=reflection.text("about", MAX_WORDS_CHARS, ""),
        files=files,
        metadata=fields.mapping("metadata"),
        damaged=None,
        path=path,
        marks=checked_marks(doc.get("marks", [])),
        noticings=checked_noticings(reflection.doc.get("noticings") or []),
        tags=_manifest_tags(doc.get("tags") or []),
        starred=fields.flag("starred"),
        **roles,
    )


def _manifest_tags(tags: Any) -> tuple[str, ...]:
    # Normalised on reading too, so tags edited by hand filter like any others.
    if not isinstance(tags, list):
        raise RecordError(_("manifest.json has a missing or invalid 'tags'"))
    try:
        return normalise_tags(tags)
    except ValueError as exc:
        raise RecordError(_("manifest.json has an invalid tag: {error}").format(error=exc)) from None


def checked_noticings(noticings: Any) -> tuple[Noticing, ...]:
    """Later reflections from their stored form, oldest first; RecordError when malformed."""
    if not isinstance(noticings, (list, tuple)):
        raise RecordError(_("the reflection's noticings are not a list"))
    checked = []
    for raw in noticings:
        try:
            if not isinstance(raw["text"], str) or len(raw["text"]) > MAX_WORDS_CHARS:
                raise ValueError(raw)
            checked.append(Noticing(at=_parse_time(raw["at"]), text=raw["text"]))
        except (KeyError, TypeError, ValueError):
            raise RecordError(
                _("a noticing is invalid: it needs the words (at most {most} characters) and "
                   "when they were said").format(most=format_number(MAX_WORDS_CHARS))
            ) from None
    return tuple(sorted(checked, key=lambda noticing: noticing.at))


def noticing_document(noticing: Noticing) -> dict[str, Any]:
    return {"at": format_time(noticing.at), "text": noticing.text}


def checked_marks(marks: Any) -> tuple[dict[str, Any], ...]:
    """Review marks in their stored form, in time order; RecordError when any is malformed."""
    if not isinstance(marks, (list, tuple)):
        raise RecordError(_("the marks are not a list"))
    checked = []
    for mark in marks:
        try:
            t, note = mark["t"], mark["note"]
            if isinstance(t, bool) or not 0 <= t < float("inf") or not isinstance(note, str) or len(note) > MAX_WORDS_CHARS:
                raise ValueError(mark)
            checked.append({"t": float(t), "note": note, "created": format_time(_parse_time(mark["created"]))})
        except (KeyError, TypeError, ValueError, OverflowError):  # OverflowError: a time too large for a float
            raise RecordError(
                _("a mark is invalid: it needs a time in seconds (0 or more), a note (at most "
                   "{most} characters) and when it was written").format(most=format_number(MAX_WORDS_CHARS))
            ) from None
    return tuple(sorted(checked, key=lambda mark: (mark["t"], mark["created"])))


def damaged_artifact(client_id: str, session_id: str, artifact_id: str, path: Path, reason: str) -> ArtifactRecord:
    return ArtifactRecord(
        id=artifact_id,
        client_id=client_id,
        session_id=session_id,
        activity="",
        kind="unknown",
        created=_EPOCH,
        title="",
        about="",
        files=(),
        product=None,
        thumbnail=None,
        process=None,
        metadata={},
        damaged=reason,
        path=path,
    )


# --- writing -------------------------------------------------------------------------


def encode_document(doc: dict[str, Any]) -> bytes:
    # Indented and UTF-8 so that a person can open the file and read it.
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def client_document(client: Client) -> dict[str, Any]:
    return {
        "format": CLIENT_FORMAT,
        "version": FORMAT_VERSION,
        "id": client.id,
        "name": client.name,
        "year_of_birth": client.year_of_birth,
        "notes": client.notes,
        "created": format_time(client.created),
        "settings": client.settings,
    }


def session_document(session: Session) -> dict[str, Any]:
    return {
        "format": SESSION_FORMAT,
        "version": FORMAT_VERSION,
        "id": session.id,
        "client_id": session.client_id,
        "plan_id": session.plan_id,
        "goal": session.goal,
        "feeling_in": session.feeling_in,
        "feeling_out": session.feeling_out,
        "started": format_time(session.started),
        "ended": None if session.ended is None else format_time(session.ended),
        # Written only when set: a session without them keeps the shape it always had.
        **({} if session.goal_met is None else {"goal_met": session.goal_met}),
        **({} if session.homework is None else {"homework": homework_document(session.homework)}),
    }


def artifact_document(artifact: ArtifactRecord) -> dict[str, Any]:
    return {
        "format": ARTIFACT_FORMAT,
        "version": FORMAT_VERSION,
        "id": artifact.id,
        "client_id": artifact.client_id,
        "session_id": artifact.session_id,
        "activity": artifact.activity,
        "kind": artifact.kind,
        "created": format_time(artifact.created),
        "title": artifact.title,
        "reflection": {
            "about": artifact.about,
            **({"noticings": [noticing_document(n) for n in artifact.noticings]} if artifact.noticings else {}),
        },
        "tags": list(artifact.tags),
        **({"starred": True} if artifact.starred else {}),
        "files": [
            {
                "name": entry.name,
                "role": entry.role,
                "media_type": entry.media_type,
                "size": entry.size,
                "sha256": entry.sha256,
            }
            for entry in artifact.files
        ],
        "product": artifact.product,
        "thumbnail": artifact.thumbnail,
        "process": artifact.process,
        "metadata": artifact.metadata,
        "marks": list(artifact.marks),
    }


def note_document(client_id: str, session_id: str, text: str, artifact_id: str | None = None) -> dict[str, Any]:
    """A therapist's private note on a session, or (with `artifact_id`) on one piece of work."""
    return {
        "format": NOTE_FORMAT,
        "version": FORMAT_VERSION,
        "client_id": client_id,
        "session_id": session_id,
        **({} if artifact_id is None else {"artifact_id": artifact_id}),
        "text": text,
        "updated": format_time(now()),
    }


def portfolio_document(encryption: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "format": PORTFOLIO_FORMAT,
        "version": FORMAT_VERSION,
        "created": format_time(now()),
        "encryption": encryption,
    }


def encryption_document(state: str) -> dict[str, Any]:
    """portfolio.json's "encryption": how the files are protected (never a secret)."""
    return {
        "scheme": ENCRYPTION_SCHEME,
        "version": ENCRYPTION_VERSION,
        "cipher": "AES-256-GCM, 64 KiB chunks",
        "kdf": "argon2id",
        "keyring": "keyring.json",
        "state": state,
    }
