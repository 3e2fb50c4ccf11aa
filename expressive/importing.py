"""Bringing a file made elsewhere (a MIDI file, ...) into a client's portfolio.

The activity that takes that kind of file turns it into a draft, which is checked whole
before anything is written: a damaged file is refused with a plain message and leaves
the portfolio exactly as it was. An accepted file becomes its own session ("Imported"),
so that it shows in the portfolio on the day it was brought in.

A ZIP archive of a client's whole record (made by `expressive.exporting.zip_archive`) is
brought back by `import_archive` as a new client, after the same kind of check. No Kivy here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import chain, count
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expressive.activity import ImportRefused
from expressive.artifact import ArtifactDraft
from expressive.i18n import _, ngettext
from expressive.plans import IMPORTED_PLAN_ID
from expressive.portfolio import ArtifactRecord, Client, Portfolio
from expressive.registry import Registry

if TYPE_CHECKING:
    from expressive.exporting.archive import ArchivedArtifact, ArchivedSession, CheckedArchive

# Far above any MIDI file or photo a person brings in; a bigger file is refused unread.
LARGEST_FILE_BYTES = 50 * 1024 * 1024


def importable_endings(registry: Registry) -> dict[str, str]:
    """File name endings the installed activities can import, and which activity takes each."""
    return {ending: activity_id for activity_id, activity in registry.activities.items() for ending in activity.imports}


def import_file(store: Portfolio, registry: Registry, client_id: str, path: Path) -> ArtifactRecord:
    """Add the file at `path` to the client's portfolio; raises ImportRefused (nothing
    written) or PortfolioError (the save failed, and said how)."""
    store.client(client_id)
    path = Path(path)
    endings = importable_endings(registry)
    activity_id = endings.get(path.suffix.lower())
    if activity_id is None:
        known = ", ".join(sorted(endings)) or _("none")
        if path.suffix:
            refusal = _("Expressive can't bring in {ending} files. It can bring in: {known}.")
        else:
            refusal = _("Expressive can't bring in this kind of files. It can bring in: {known}.")
        raise ImportRefused(refusal.format(ending=path.suffix, known=known))
    try:
        if path.stat().st_size > LARGEST_FILE_BYTES:
            raise ImportRefused(_("This file is too big to bring in."))
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportRefused(_("There is no file {path}.").format(path=path)) from None
    except IsADirectoryError:
        raise ImportRefused(_("{path} is a folder, not a file.").format(path=path)) from None
    except OSError as error:
        raise ImportRefused(_("The file could not be read ({reason}).").format(
            reason=error.strerror or error)) from None
    draft = registry.activities[activity_id].draft_from_file(path.name, data)
    return save_brought_in(store, client_id, activity_id, draft)


def save_brought_in(store: Portfolio, client_id: str, activity_id: str, draft: ArtifactDraft) -> ArtifactRecord:
    """Keep work made from a file in a session of its own, on the day it was brought in.
    The session appears with its work in one step, or not at all: a full device or a kill
    never leaves an empty "brought in" session."""
    with store.built_whole("session"):
        session = store.start_session(client_id, plan_id=IMPORTED_PLAN_ID)
        artifact = store.save_artifact(client_id, session.id, activity_id, draft)
        store.finish_session(client_id, session.id, feeling_out=None)
    return store.artifact(client_id, session.id, artifact.id)


# --- a client's archive, made by `expressive.exporting.zip_archive` ---------------------------

# A file with this ending is a client's archive, for `import_archive` (not `import_file`).
ARCHIVE_ENDING = ".zip"

# Fields of the archived records that a restore sets through the portfolio's API; any other
# field that holds something is named in `RestoredClient.not_restored`, so nothing an
# archive carries is dropped without a word. Ids, formats and the times of bookkeeping
# (when the client was added, when a note was last changed) are the new portfolio's own.
_RESTORED_FIELDS = {
    "client": {"format", "version", "id", "created", "name", "year_of_birth", "notes", "settings"},
    "session": {
        "format", "version", "id", "client_id", "plan_id", "goal", "feeling_in", "feeling_out", "started", "ended",
        "goal_met", "homework",
    },
    "artifact": {
        "format", "version", "id", "client_id", "session_id", "activity", "kind", "created", "title", "reflection",
        "files", "product", "thumbnail", "process", "metadata", "marks", "tags", "starred",
    },
    "reflection": {"about", "noticings"},
}


@dataclass(frozen=True)
class RestoredClient:
    client: Client
    sessions: int
    artifacts: int
    # What the archive holds that this version cannot put back yet, one phrase each, e.g.
    # "tags (on 3 pieces of work)"; [] when everything came back.
    not_restored: list[str]


def import_archive(store: Portfolio, path: Path) -> RestoredClient:
    """Bring a client's archive back as a NEW client, with every session (its times, goal,
    whether it was met, feelings, homework), every piece of work (its files, byte for byte,
    when it was made, the client's words and what they noticed later, review marks, tags,
    star), the therapist's notes on sessions and on pieces of work, and the client's settings.

    The client keeps its archived name; when a client of that name is already in the
    portfolio, the restored one is called "Name (restored)" (then "Name (restored 2)", ...)
    so the two are never mixed up or merged: nothing already in the portfolio changes.

    The archive is checked whole first: ImportRefused (one plain sentence) when it is
    damaged, incomplete, unsafe or too big, and then nothing is written. The client is
    built out of sight and appears whole in one step (`Portfolio.built_whole`): when saving
    fails part way (PortfolioError), or the program is killed, no part of it is visible.
    """
    # Imported here: the exports bring reportlab along, which the app's start does not need.
    from expressive.exporting.archive import open_archive

    with open_archive(Path(path)) as archive, store.built_whole("client"):
        archived = archive.client_document
        client = store.add_client(
            _restored_name(store, archived["name"]), archived.get("year_of_birth"), archived.get("notes", "")
        )
        if archived.get("settings"):
            store.set_client_settings(client.id, archived["settings"])
        notes = {(note["session_id"], note.get("artifact_id") or ""): note["text"] for note in archive.therapist_notes}
        artifacts = 0
        for session in archive.sessions:
            artifacts += _restore_session(store, client.id, archive, session, notes)
    return RestoredClient(
        client=store.client(client.id),
        sessions=len(archive.sessions),
        artifacts=artifacts,
        not_restored=_not_restored(archive),
    )


def _restored_name(store: Portfolio, name: str) -> str:
    taken = {client.name.casefold() for client in store.clients()}
    candidates = chain([name, f"{name} (restored)"], (f"{name} (restored {number})" for number in count(2)))
    return next(candidate for candidate in candidates if candidate.casefold() not in taken)


def _restore_session(
    store: Portfolio, client_id: str, archive: CheckedArchive, archived: ArchivedSession, notes: dict[tuple[str, str], str]
) -> int:
    """Restore the session and its work; `notes` are the archive's therapist's notes by
    (session id, artifact id or "" for the session's own), under the archived ids."""
    record = archived.record
    session = store.start_session(
        client_id, plan_id=record.plan_id, goal=record.goal, feeling_in=record.feeling_in, started=record.started
    )
    for artifact in archived.artifacts:
        saved = _restore_artifact(store, client_id, session.id, archive, artifact)
        if (record.id, artifact.record.id) in notes:
            store.set_artifact_note(saved, notes[(record.id, artifact.record.id)])
    if record.ended is not None:
        store.finish_session(client_id, session.id, feeling_out=record.feeling_out, ended=record.ended)
    if record.goal_met is not None:
        store.set_goal_met(client_id, session.id, record.goal_met)
    if record.homework is not None:
        store.set_homework(client_id, session.id, record.homework.task)
        if record.homework.done is not None or record.homework.note:
            store.set_homework_done(client_id, session.id, record.homework.done, record.homework.note)
    if (record.id, "") in notes:
        store.set_therapist_note(client_id, session.id, notes[(record.id, "")])
    return len(archived.artifacts)


def _restore_artifact(
    store: Portfolio, client_id: str, session_id: str, archive: CheckedArchive, archived: ArchivedArtifact
) -> ArtifactRecord:
    record = archived.record
    draft = ArtifactDraft(
        kind=record.kind,
        files={file.name: archive.read(file) for file in archived.files},
        product=record.product,
        thumbnail=record.thumbnail,
        process=record.process,
        title=record.title,
        metadata=record.metadata,
    )
    saved = store.save_artifact(client_id, session_id, record.activity, draft, created=record.created)
    if record.about:
        saved = store.set_reflection(saved, title=record.title, about=record.about)
    if record.marks:
        saved = store.set_marks(saved, list(record.marks))
    for noticing in record.noticings:
        if noticing.text.strip():
            saved = store.add_noticing(saved, noticing.text, at=noticing.at)
    if record.tags:
        saved = store.set_tags(saved, list(record.tags))
    if record.starred:
        saved = store.set_star(saved, True)
    return saved


def _not_restored(archive: CheckedArchive) -> list[str]:
    """What the archived records hold beyond `_RESTORED_FIELDS`, counted by field."""
    found: Counter[tuple[str, str]] = Counter()

    def look(kind: str, document: dict[str, Any]) -> None:
        for field, value in document.items():
            if field not in _RESTORED_FIELDS[kind] and value not in (None, "", [], {}, False):
                found[(kind, field)] += 1

    look("client", archive.client_document)
    for session in archive.sessions:
        look("session", session.document)
        for artifact in session.artifacts:
            look("artifact", artifact.document)
            reflection = artifact.document.get("reflection")
            look("reflection", reflection if isinstance(reflection, dict) else {})
    return [_phrase(kind, field, number) for (kind, field), number in sorted(found.items())]


def _phrase(kind: str, field: str, number: int) -> str:
    """ "tags (on 3 pieces of work)", "reflection.noticings (on 1 piece of work)"."""
    if kind == "client":
        return _("{field} (of the client)").format(field=field)
    if kind == "session":
        return ngettext("{field} (on {n} session)", "{field} (on {n} sessions)", number).format(field=field, n=number)
    named = f"reflection.{field}" if kind == "reflection" else field
    return ngettext("{field} (on {n} piece of work)", "{field} (on {n} pieces of work)", number).format(field=named, n=number)
