"""A client's whole portfolio as one ZIP file in open formats, and the checks that let it
come back (data portability).

    manifest.json                               what the archive holds (below)
    sessions/<session>/<artifact>/<file>        every file of every piece of work, as kept:
                                                PNG, MIDI, WAV, JSON, Markdown, PDF, ...

manifest.json:

    {"format": "expressive-archive", "version": 1, "exported": ISO time,
     "client": the client's client.json,
     "sessions": [{"session": its session.json,
                   "artifacts": [{"manifest": its manifest.json,
                                  "files": [{"name", "path", "size", "sha256"}]}]}],
     "therapist_notes": [each private note as stored: {"session_id", ["artifact_id",] "text", ...}],
     "left_out": [what could not be read from the portfolio, in plain words]}

Every record is its JSON document as the portfolio keeps it (decrypted), so fields added
to records later travel without a change here. Sessions come oldest first, artifacts in
the order they were made. The archive holds the therapist's private notes: it is the
client's whole record, to keep as safely as the tablet itself.

Coming back, an archive is checked whole before anything is written (`open_archive`):
every entry's name is safe and short, the entries are few enough, each and all together
small enough once unpacked, and not unpacking to far more than the archive's own size (all
read from the central directory first, then held to while unpacking, since a header can
lie: an entry is never read past the size its manifest gives); the manifest is valid JSON
of bounded size and nesting; every file it lists is there with its size and SHA-256, hashed
in chunks as it streams; and no picture declares more pixels than Expressive shows (read
from its header alone). The bounds are in `expressive.limits`. Nothing is unpacked to
disk: files are read into memory one piece of work at a time.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from expressive.activity import ACTIVITY_ID_PATTERN, ImportRefused
from expressive.artifact import FILE_NAME_PATTERN
from expressive.i18n import N_, _, format_number
from expressive.limits import (
    ARCHIVE_RATIO_ALLOWANCE_BYTES,
    MAX_ARCHIVE_ENTRIES,
    MAX_ARCHIVE_MANIFEST_BYTES,
    MAX_ARCHIVE_RATIO,
    MAX_ARCHIVE_UNPACKED_BYTES,
    MAX_ARCHIVED_FILE_BYTES,
    MAX_ARCHIVED_NAME_CHARS,
    MAX_PICTURE_PIXELS,
    InputRefused,
    describe_bytes,
    load_json_bounded,
    picture_size,
)
from expressive.portfolio import ArtifactRecord, PortfolioError, Session
from expressive.portfolio.documents import (
    ARTIFACT_FORMAT,
    CLIENT_FORMAT,
    NOTE_FORMAT,
    SESSION_FORMAT,
    artifact_from_document,
    client_from_document,
    format_time,
    note_text,
    parse_document,
    session_from_document,
)
from expressive.portfolio.records import NewerVersionError, RecordError, now

from .output import InFlight, Progress, no_progress, replacing_file
from .work import ClientWork, WorkReader

ARCHIVE_FORMAT = "expressive-archive"
ARCHIVE_VERSION = 1
MANIFEST = "manifest.json"
SESSIONS = "sessions"
# Already compressed: stored as they are, since compressing them again costs time for nothing.
_STORED_TYPES = ("image/png", "image/jpeg", "application/pdf", "audio/ogg", "video/mp4", "video/webm")
# The rest (sound, text, data) is deflated at the fastest level: on the activities' files it
# packs about 1% less tightly than the default level, in 70% of the time.
_DEFLATE_LEVEL = 1
_READ_CHUNK = 1024 * 1024
_NEWER = N_("This archive was made by a newer version of Expressive: update Expressive to bring it in.")
_EARLIEST_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def file_path(session_id: str, artifact_id: str, name: str) -> str:
    return f"{SESSIONS}/{session_id}/{artifact_id}/{name}"


# --- writing -----------------------------------------------------------------------------


def write_zip_archive(
    work: ClientWork, out: Path, in_flight: InFlight, *, shared: bool = False, progress: Progress | None = None
) -> list[str]:
    """Write the client's archive to `out` (atomically); returns what could not be read
    from the portfolio and was left out, in plain words ([] when everything is in; the
    same sentences are in the manifest's "left_out"). Runs on any thread. `in_flight` and
    `shared`: see `output.replacing_file`."""
    progress = progress or no_progress
    artifacts = work.artifacts
    total = len(artifacts) + 1
    done = 0
    progress(done, total)
    reader = work.reader
    left_out: list[str] = []
    sessions = []
    archived: set[tuple[str, str]] = set()
    with replacing_file(Path(out), N_("the archive"), in_flight, shared=shared) as stream, zipfile.ZipFile(stream, "w") as archive:
        for entry in reversed(work.sessions):
            try:
                session_document = reader.document(entry.session)
            except PortfolioError as exc:
                left_out.append(_("The session {session} and its work: {error}").format(
                    session=entry.session.id, error=exc))
                done += len(entry.artifacts)
                progress(done, total)
                continue
            archived.add((entry.session.id, ""))
            documents = []
            for artifact in entry.artifacts:
                try:
                    documents.append(_write_artifact(archive, reader, artifact))
                    archived.add((entry.session.id, artifact.id))
                except PortfolioError as exc:
                    left_out.append(_("The piece of work {artifact} of session {session}: {error}").format(
                        artifact=artifact.id, session=entry.session.id, error=exc))
                done += 1
                progress(done, total)
            sessions.append({"session": session_document, "artifacts": documents})
        notes, unreadable = reader.therapist_notes()
        left_out += unreadable
        notes = [note for note in notes if (note.get("session_id"), note.get("artifact_id") or "") in archived]
        manifest = {
            "format": ARCHIVE_FORMAT,
            "version": ARCHIVE_VERSION,
            "exported": format_time(now()),
            "client": reader.document(work.client),
            "sessions": sessions,
            "therapist_notes": notes,
            "left_out": left_out,
        }
        archive.writestr(
            _entry(MANIFEST, now()), json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", compress_type=zipfile.ZIP_DEFLATED
        )
    progress(total, total)
    return left_out


def _write_artifact(archive: zipfile.ZipFile, reader: WorkReader, artifact: ArtifactRecord) -> dict[str, Any]:
    """Add the artifact's files (all read first: a piece of work goes in whole or not at all)."""
    document = reader.document(artifact)
    contents = [(entry, reader.file(artifact, entry.name)) for entry in artifact.files]
    files = []
    for entry, data in contents:
        path = file_path(artifact.session_id, artifact.id, entry.name)
        compression = zipfile.ZIP_STORED if entry.media_type in _STORED_TYPES else zipfile.ZIP_DEFLATED
        archive.writestr(_entry(path, artifact.created), data, compress_type=compression, compresslevel=_DEFLATE_LEVEL)
        files.append({"name": entry.name, "path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return {"manifest": document, "files": files}


def _entry(path: str, moment: datetime) -> zipfile.ZipInfo:
    """An entry dated `moment` (local time, as ZIP keeps it), readable by all when unpacked."""
    info = zipfile.ZipInfo(path, date_time=max(moment.astimezone().timetuple()[:6], _EARLIEST_ZIP_TIME))
    info.external_attr = 0o644 << 16
    return info


# --- checking and reading ----------------------------------------------------------------


@dataclass(frozen=True)
class ArchivedFile:
    name: str
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ArchivedArtifact:
    record: ArtifactRecord
    document: dict[str, Any]
    files: tuple[ArchivedFile, ...]


@dataclass(frozen=True)
class ArchivedSession:
    record: Session
    document: dict[str, Any]
    artifacts: tuple[ArchivedArtifact, ...]


class CheckedArchive:
    """An archive that `open_archive` has checked whole; read its files with `read`."""

    def __init__(self, archive: zipfile.ZipFile, manifest: dict[str, Any], sessions: tuple[ArchivedSession, ...]):
        self._archive = archive
        self.manifest = manifest
        self.client_document: dict[str, Any] = manifest["client"]
        self.sessions = sessions
        self.therapist_notes: list[dict[str, Any]] = manifest["therapist_notes"]

    def read(self, file: ArchivedFile) -> bytes:
        """The file's content, checked again (the archive may have changed since it was
        checked); ImportRefused when it does not match."""
        return _read_checked(self._archive, file)

    def close(self) -> None:
        self._archive.close()

    def __enter__(self) -> CheckedArchive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_archive(path: Path) -> CheckedArchive:
    """Open and check the archive at `path` whole; ImportRefused, with one plain sentence,
    when it is not an Expressive archive, is damaged, incomplete, unsafe or too big."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ImportRefused(_("There is no file {path}.").format(path=path)) from None
    except IsADirectoryError:
        raise ImportRefused(_("{path} is a folder, not an archive.").format(path=path)) from None
    except OSError as exc:
        raise ImportRefused(_("The archive could not be read ({reason}).").format(reason=exc.strerror or exc)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise ImportRefused(_not_a_zip(path)) from None
    try:
        return _checked(archive)
    except BaseException:
        archive.close()
        raise


def _not_a_zip(path: Path) -> str:
    try:
        with open(path, "rb") as opened:
            starts_like_a_zip = opened.read(4) == b"PK\x03\x04"
    except OSError:
        starts_like_a_zip = False
    if starts_like_a_zip:
        return _("This archive is damaged or incomplete: it may have been cut short while it was copied.")
    return _("This file is not a ZIP archive, so it is not an archive made by Expressive.")


def _checked(archive: zipfile.ZipFile) -> CheckedArchive:
    entries = _checked_entries(archive)
    if MANIFEST not in entries:
        raise ImportRefused(_("This ZIP file is not an archive made by Expressive: it has no manifest.json."))
    manifest = _manifest(_read_manifest(archive, entries[MANIFEST]))
    sessions = _sessions(manifest)
    listed = {file.path: file for session in sessions for artifact in session.artifacts for file in artifact.files}
    for name in entries:
        if name != MANIFEST and name not in listed:
            raise ImportRefused(_("This archive holds a file its manifest does not list ({name}), so it is not brought in.").format(
                name=name))
    for file in listed.values():
        if file.path not in entries:
            raise ImportRefused(_("This archive is incomplete: {path} is missing.").format(path=file.path))
        if entries[file.path].file_size != file.size:
            raise ImportRefused(_("This archive is damaged: {path} does not have the size its manifest gives.").format(
                path=file.path))
        _read_checked(archive, file, keep=False)
    _check_notes(manifest["therapist_notes"], sessions)
    return CheckedArchive(archive, manifest, sessions)


def _checked_entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's file entries by name, once each name and size has been found safe."""
    infos = archive.infolist()
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        raise ImportRefused(
            _("This archive holds {count} files; the most Expressive accepts is {most}.").format(
                count=format_number(len(infos)), most=format_number(MAX_ARCHIVE_ENTRIES))
        )
    entries: dict[str, zipfile.ZipInfo] = {}
    unpacked = 0
    for info in infos:
        if len(info.filename) > MAX_ARCHIVED_NAME_CHARS:
            raise ImportRefused(
                _("This archive holds a file name of {length} characters; the most Expressive accepts is "
                   "{most}.").format(
                       length=format_number(len(info.filename)), most=format_number(MAX_ARCHIVED_NAME_CHARS))
            )
        if not _safe_name(info.filename):
            raise ImportRefused(_("This archive is not safe to bring in: it holds a file named {filename}.").format(
                filename=repr(info.filename)))
        if info.flag_bits & 0x1:
            raise ImportRefused(_("This archive is protected by a password, so it is not one made by Expressive."))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ImportRefused(_("This archive is compressed in a way Expressive does not use, so it is not brought in."))
        if info.is_dir():
            continue  # an archive unpacked and zipped again by hand lists its folders too
        if info.filename in entries:
            raise ImportRefused(_("This archive is damaged: it holds {filename} twice.").format(filename=info.filename))
        if info.file_size > MAX_ARCHIVED_FILE_BYTES:
            raise ImportRefused(
                _("This archive holds a file of {size} once unpacked; the most Expressive accepts "
                   "is {most}.").format(
                       size=describe_bytes(info.file_size), most=describe_bytes(MAX_ARCHIVED_FILE_BYTES))
            )
        unpacked += info.file_size
        if unpacked > MAX_ARCHIVE_UNPACKED_BYTES:
            raise ImportRefused(
                _("This archive holds more than {most} once unpacked; that is the most Expressive "
                   "accepts.").format(most=describe_bytes(MAX_ARCHIVE_UNPACKED_BYTES))
            )
        entries[info.filename] = info
    _check_ratio(archive, unpacked)
    return entries


def _check_ratio(archive: zipfile.ZipFile, unpacked: int) -> None:
    packed = archive.fp.seek(0, 2) if archive.fp is not None else 0
    if unpacked > ARCHIVE_RATIO_ALLOWANCE_BYTES and unpacked > packed * MAX_ARCHIVE_RATIO:
        raise ImportRefused(
            _("This archive of {packed} unpacks to {unpacked}, {times} times its size; "
               "the most Expressive accepts is {most} times.").format(
                packed=describe_bytes(packed), unpacked=describe_bytes(unpacked),
                times=format_number(unpacked // max(packed, 1)), most=format_number(MAX_ARCHIVE_RATIO))
        )


def _safe_name(name: str) -> bool:
    """Relative, forward slashes only, no "..", no empty or hidden parts, no control characters."""
    if not name or "\\" in name or ":" in name or any(ord(character) < 32 for character in name):
        return False
    parts = PurePosixPath(name.rstrip("/")).parts
    return not name.startswith("/") and all(part not in (".", "..") and not part.startswith(".") for part in parts)


def _read_manifest(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The manifest's bytes, never more than MAX_ARCHIVE_MANIFEST_BYTES whatever its header says."""
    if info.file_size > MAX_ARCHIVE_MANIFEST_BYTES:
        raise _manifest_too_big(info.file_size)
    try:
        with archive.open(info) as stream:
            data = stream.read(MAX_ARCHIVE_MANIFEST_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise ImportRefused(_("This archive is damaged: {filename} cannot be unpacked.").format(
            filename=info.filename)) from None
    if len(data) > MAX_ARCHIVE_MANIFEST_BYTES:
        raise _manifest_too_big(len(data))
    return data


def _manifest_too_big(size: int) -> ImportRefused:
    return ImportRefused(
        _("This archive's manifest.json is {size}; the most Expressive accepts is "
           "{most}.").format(size=describe_bytes(size), most=describe_bytes(MAX_ARCHIVE_MANIFEST_BYTES))
    )


def _read_checked(archive: zipfile.ZipFile, file: ArchivedFile, *, keep: bool = True) -> bytes:
    """The file's content (b"" unless `keep`), read in chunks: an entry that unpacks to more
    than it declares stops at its declared size, and fails its check."""
    digest = hashlib.sha256()
    chunks = []
    size = 0
    try:
        with archive.open(file.path) as stream:
            while chunk := stream.read(_READ_CHUNK):
                if size == 0:
                    _check_picture(file, chunk)
                digest.update(chunk)
                size += len(chunk)
                if size > file.size:
                    break  # more than its manifest says: fails the check below, unread
                if keep:
                    chunks.append(chunk)
    except KeyError:
        raise ImportRefused(_("This archive is incomplete: {path} is missing.").format(path=file.path)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise ImportRefused(_("This archive is damaged: {path} cannot be unpacked.").format(path=file.path)) from None
    if size != file.size or digest.hexdigest() != file.sha256:
        raise ImportRefused(_("This archive is damaged: {path} does not match its checksum.").format(path=file.path))
    return b"".join(chunks)


def _check_picture(file: ArchivedFile, head: bytes) -> None:
    """Refuse a picture whose header declares more pixels than Expressive shows; `head`
    is the file's first chunk, which holds the header of any picture Expressive keeps.
    Every file is looked at, whatever its name: a GIF or WebP bomb named "notes.bin" is
    still shown as a picture wherever its bytes say it is one."""
    try:
        width, height = picture_size(head)
    except InputRefused as refused:
        if refused.reason == "too-many-pixels":
            raise ImportRefused(_("This archive holds a picture ({file}) that is too big: {refused}").format(
                file=file.name, refused=refused)) from None
        return  # a damaged picture comes back as it was kept, and shows as damaged
    if width * height > MAX_PICTURE_PIXELS:
        raise ImportRefused(
            _("This archive holds a picture ({file}) of {width} x {height} pixels; the most Expressive "
               "shows is {most} million pixels.").format(
                file=file.name, width=width, height=height, most=format_number(MAX_PICTURE_PIXELS / 1_000_000))
        )


def _manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = load_json_bounded(data, max_bytes=MAX_ARCHIVE_MANIFEST_BYTES, what=N_("This archive's manifest.json"))
    except InputRefused as refused:
        if refused.reason == "not-json":
            raise ImportRefused(_("This archive is damaged: its manifest.json is not readable.")) from None
        raise ImportRefused(str(refused)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise ImportRefused(_("This ZIP file is not an archive made by Expressive."))
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ImportRefused(_("This archive is damaged: its manifest.json has no valid version."))
    if version > ARCHIVE_VERSION:
        raise ImportRefused(_(_NEWER))
    for key, kind in (("client", dict), ("sessions", list), ("therapist_notes", list)):
        if not isinstance(manifest.get(key), kind):
            raise ImportRefused(_("This archive is damaged: its manifest.json has no valid '{key}'.").format(key=key))
    return manifest


def _sessions(manifest: dict[str, Any]) -> tuple[ArchivedSession, ...]:
    """The sessions the manifest lists, each record checked as the portfolio checks it."""
    try:
        client_from_document(_record(manifest["client"], CLIENT_FORMAT, "the client's record"), "archived")
        sessions = tuple(_session(raw) for raw in manifest["sessions"])
    except NewerVersionError:
        raise ImportRefused(_(_NEWER)) from None
    except RecordError as exc:
        raise ImportRefused(_("This archive is damaged: {error}.").format(error=exc)) from None
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        raise ImportRefused(_("This archive is damaged: its manifest.json is not laid out as Expressive writes it.")) from None
    session_ids = [session.record.id for session in sessions]
    if len(set(session_ids)) != len(session_ids):
        raise ImportRefused(_("This archive is damaged: it lists a session twice."))
    return sessions


def _session(raw: dict[str, Any]) -> ArchivedSession:
    document = _record(raw["session"], SESSION_FORMAT, "a session's record")
    session_id = _safe_id(document, "session")
    record = session_from_document(document, "archived", session_id)
    artifacts = tuple(_artifact(session_id, item) for item in raw["artifacts"])
    artifact_ids = [artifact.record.id for artifact in artifacts]
    if len(set(artifact_ids)) != len(artifact_ids):
        raise RecordError(_("session {session_id} lists a piece of work twice").format(session_id=session_id))
    return ArchivedSession(record, document, artifacts)


def _artifact(session_id: str, raw: dict[str, Any]) -> ArchivedArtifact:
    document = _record(raw["manifest"], ARTIFACT_FORMAT, "a piece of work's record")
    artifact_id = _safe_id(document, "piece of work")
    record = artifact_from_document(document, "archived", session_id, artifact_id, Path())
    if not ACTIVITY_ID_PATTERN.match(record.activity) or not record.kind.strip():
        raise RecordError(_("the piece of work {artifact_id} names no valid activity or kind").format(
            artifact_id=artifact_id))
    files = tuple(
        ArchivedFile(name=item["name"], path=item["path"], size=item["size"], sha256=item["sha256"]) for item in raw["files"]
    )
    recorded = {(entry.name, entry.size, entry.sha256) for entry in record.files}
    if len(files) != len(record.files) or {(file.name, file.size, file.sha256) for file in files} != recorded:
        raise RecordError(_("the files of the piece of work {artifact_id} do not match its manifest").format(
            artifact_id=artifact_id))
    for file in files:
        if file.path != file_path(session_id, artifact_id, file.name):
            raise RecordError(_("the file {path} is not where the manifest says").format(path=file.path))
    return ArchivedArtifact(record, document, files)


def _record(document: Any, expected_format: str, what: str) -> dict[str, Any]:
    """An archived record (`what`: "a session's record"), checked for its format and a
    version this code can read, as the portfolio checks the file it comes from."""
    return parse_document(json.dumps(document).encode("utf-8"), what, expected_format)


def _safe_id(document: dict[str, Any], what: str) -> str:
    """A record's id, used in names of entries and records: letters, digits, "-", "_", "."."""
    record_id = document.get("id") if isinstance(document, dict) else None
    if not isinstance(record_id, str) or not FILE_NAME_PATTERN.match(record_id):
        raise RecordError(_("a {what} has no valid id").format(what=what))
    return record_id


def _check_notes(notes: list[Any], sessions: tuple[ArchivedSession, ...]) -> None:
    known = {(session.record.id, "") for session in sessions} | {
        (session.record.id, artifact.record.id) for session in sessions for artifact in session.artifacts
    }
    for document in notes:
        try:
            note_text(_record(document, NOTE_FORMAT, "a therapist's note"), "a therapist's note")
        except NewerVersionError:
            raise ImportRefused(_(_NEWER)) from None
        except (RecordError, TypeError, ValueError) as exc:
            raise ImportRefused(_("This archive is damaged: {error}.").format(error=exc)) from None
        if (document.get("session_id"), document.get("artifact_id") or "") not in known:
            raise ImportRefused(_("This archive is damaged: it holds a therapist's note on work it does not hold."))
