"""Two versions of one thing, made on two tablets at once, for the therapist to choose from.

When two devices change the same file before they have seen each other's change, Syncthing
keeps one in place and the other beside it as a conflict copy:
`<stem>.sync-conflict-<YYYYMMDD>-<HHMMSS>-<7 letters of the device>.<ext>`. Such a copy is
never a record: it is not read, indexed nor counted as damage. Both versions stay until
the therapist keeps one; nothing here ever picks by itself.

The layout is made so that no two devices write the same file (per-device edit files and
audit chains), so conflict copies should be rare; a copy of one of the portfolio's own
files (portfolio.json, keys, an audit chain) is told plainly and kept as it is until chosen.
Another kind of conflict (two edits of one record made at once) can be contributed through
the same `Conflict`.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from expressive.i18n import _
from expressive.limits import InputRefused, load_json_bounded

from .atomic import fsync_folder, is_leftover
from .edits import DEVICE_PATTERN, EDITS_FOLDER
from .layout import (
    AUDIT_FILE,
    CLIENT_FILE,
    CLIENTS,
    KEYRING_FILE,
    MANIFEST_FILE,
    MARKER_FILE,
    PRIVATE,
    SESSION_FILE,
    note_of,
)

CONFLICT_MARK = ".sync-conflict-"
# Syncthing's name for a conflict copy: the original's name without its extension, the
# mark, the moment, the short id of the device whose version it is, the extension.
_CONFLICT_NAME = re.compile(
    r"^(?P<stem>.+)\.sync-conflict-(?P<day>\d{8})-(?P<time>\d{6})-(?P<device>[A-Z0-9]{7})(?P<ext>\.[^.]*)?$"
)
# Folders at the top that are not the portfolio's to look into for conflicts (this copy's
# own journal, a sync engine's own folders).
_SKIPPED_TOP = (".stfolder", ".stversions", "exporting")
_PICTURE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp")
_RECORD_FILES = (CLIENT_FILE, SESSION_FILE, MANIFEST_FILE)
# How each version of a conflict can be shown to the therapist.
SHOW_WORDS = "words"
SHOW_PICTURE = "picture"
SHOW_SIZE = "size"
# Fields of a record that are the app's bookkeeping, not anybody's words: left out when two
# versions are shown side by side.
_BOOKKEEPING = frozenset({
    "format", "version", "id", "client_id", "session_id", "artifact_id", "plan_id", "activity", "kind", "sha256",
    "size", "files", "metadata", "product", "thumbnail", "process", "created", "updated", "marks", "device", "n",
    "seen", "at",
})
_MAX_WORD_LINES = 40
_MAX_LINE_CHARS = 300


@dataclass(frozen=True)
class Version:
    """One version of a thing in conflict."""

    label: str
    # The file that holds this version (for the version in place: the thing's own file).
    path: Path
    # The short id of the device whose version this is, when the copy names it.
    device: str | None
    modified: datetime | None
    size: int
    # Whether this is the version in its proper place (the others are copies beside it).
    in_place: bool


@dataclass(frozen=True)
class Conflict:
    """One thing with more than one version: `keep_version` puts one in place."""

    # Plain words naming the thing ("The record of a session").
    what: str
    # The thing's own path, relative to the portfolio folder, with "/" between parts.
    where: str
    versions: tuple[Version, ...]
    # SHOW_WORDS (a record or note: its words side by side), SHOW_PICTURE, or SHOW_SIZE.
    show: str
    # For the portfolio's own files: what the therapist should know before choosing.
    advice: str = ""
    # The record the thing belongs to, (client, session, artifact) with "" below it.
    key: tuple[str, str, str] = field(default=("", "", ""))


def is_conflict_copy(name: str) -> bool:
    """Whether a file name is a sync engine's conflict copy (cheap: checked on every name)."""
    return CONFLICT_MARK in name and _CONFLICT_NAME.match(name) is not None


def original_name(name: str) -> str:
    """The name of the file that a conflict copy named `name` is a version of."""
    match = _CONFLICT_NAME.match(name)
    if match is None:
        raise ValueError(f"{name} is not a conflict copy")
    return match["stem"] + (match["ext"] or "")


@dataclass(frozen=True)
class Survey:
    """What one walk of the portfolio found that may wait for the therapist's choice."""

    copies: list[Conflict]
    # The clients with a record or note edited on more than one device: only their words
    # can be in conflict (see `edits`), so only their records need reading to find out.
    edited_on_several_devices: frozenset[str]


def find_sync_conflicts(root: Path) -> list[Conflict]:
    """Every conflict copy in the portfolio at `root`, grouped by the file it is a version
    of, in path order."""
    return survey(root).copies


def survey(root: Path) -> Survey:
    """The conflict copies and the clients edited on several devices: one walk of the
    tree, reading no file; hidden and local-only folders are skipped."""
    copies: dict[str, list[Path]] = {}
    edited: set[str] = set()
    for folder, folders, files in os.walk(root):
        at_top = folder == str(root)
        folders[:] = [name for name in folders if not _skipped(name, at_top)]
        for name in files:
            if is_conflict_copy(name):
                copies.setdefault(os.path.join(folder, original_name(name)), []).append(Path(folder, name))
        if _edited_on_several_devices(os.path.basename(folder), files):
            parts = Path(os.path.relpath(folder, root)).parts
            if len(parts) > 2 and parts[0] == CLIENTS:
                edited.add(parts[1])
    return Survey([_conflict(root, Path(original), sorted(found)) for original, found in sorted(copies.items())],
                  frozenset(edited))


def _edited_on_several_devices(folder_name: str, files: list[str]) -> bool:
    """Whether a record's edits folder, or a client's private folder, holds the edits of one
    record or note from more than one device."""
    if folder_name == EDITS_FOLDER:
        return sum(name.endswith(".json") and DEVICE_PATTERN.match(name[:-len(".json")]) is not None
                   for name in files) > 1
    if folder_name == PRIVATE:
        notes_edited = Counter(note for note, name in ((note_of(name), name) for name in files)
                               if note is not None and note != name)
        return any(devices > 1 for devices in notes_edited.values())
    return False


def _skipped(name: str, at_top: bool) -> bool:
    return is_leftover(name) or name.startswith(".deleting-") or (at_top and name in _SKIPPED_TOP)


def _conflict(root: Path, original: Path, copies: list[Path]) -> Conflict:
    where = original.relative_to(root).as_posix()
    versions = []
    if original.exists():
        versions.append(_version(original, _("The version on this tablet"), None, in_place=True))
    for copy in copies:
        device = _CONFLICT_NAME.match(copy.name)["device"]  # type: ignore[index]
        versions.append(_version(copy, _("The version from device {device}").format(device=device), device,
                                 in_place=False))
    what, advice, show, key = _describe(where)
    return Conflict(what=what, where=where, versions=tuple(versions), show=show, advice=advice, key=key)


def _version(path: Path, label: str, device: str | None, *, in_place: bool) -> Version:
    try:
        status = path.stat()
    except FileNotFoundError:
        return Version(label, path, device, None, 0, in_place)
    return Version(label, path, device, datetime.fromtimestamp(status.st_mtime), status.st_size, in_place)


def _describe(where: str) -> tuple[str, str, str, tuple[str, str, str]]:
    """(what the thing is, advice, how to show it, its record key) from its path alone."""
    parts = where.split("/")
    name = parts[-1]
    own_file = _("This is one of the portfolio's own files. Keep the version you trust; if you "
                 "are not sure, ask for help before choosing.")
    if len(parts) == 1 and name == MARKER_FILE:
        return _("The portfolio's settings (portfolio.json)"), own_file, SHOW_SIZE, ("", "", "")
    if name == KEYRING_FILE or parts[0] in ("keys", "therapists"):
        return _("A key file of the portfolio"), own_file, SHOW_SIZE, ("", "", "")
    if parts[0] == "audit" or name == AUDIT_FILE:
        return (_("An audit log"),
                _("Each version holds entries of the audit log. The one not kept is removed, so "
                  "its entries are lost: keep the longer one."), SHOW_SIZE, ("", "", ""))
    key = _record_key(parts)
    show = SHOW_PICTURE if name.lower().endswith(_PICTURE_EXTENSIONS) else (
        SHOW_WORDS if name.endswith(".json") else SHOW_SIZE)
    if "private" in parts:
        return _("A therapist's note"), "", SHOW_WORDS, key
    if name in _RECORD_FILES or "edits" in parts:
        words = {CLIENT_FILE: _("A client's details"), SESSION_FILE: _("The record of a session"),
                 MANIFEST_FILE: _("The record of a piece of work")}
        what = words.get(name) or _("Changes to a record")
        return what, "", SHOW_WORDS, key
    if key[2]:
        return _("A file of a piece of work ({name})").format(name=name), "", show, key
    return _("A file ({name})").format(name=name), "", show, key


def _record_key(parts: list[str]) -> tuple[str, str, str]:
    """The record a path under clients/ belongs to: client, session, artifact ("" below)."""
    if len(parts) < 3 or parts[0] != "clients":
        return ("", "", "")
    client_id = parts[1]
    session_id = parts[3] if len(parts) > 4 and parts[2] == "sessions" else ""
    artifact_id = parts[5] if session_id and len(parts) > 6 and parts[4] == "artifacts" else ""
    return (client_id, session_id, artifact_id)


def keep_version(root: Path, conflict: Conflict, chosen: Version, *, fsync: bool) -> None:
    """Keep `chosen` of `conflict`'s versions: its bytes go in place in one rename, then
    the other copies are removed. A kill in between leaves the chosen version in place and
    the others still listed as a conflict: nothing is lost that was not chosen away."""
    original = root / conflict.where
    if not chosen.in_place:
        os.replace(chosen.path, original)
    for version in conflict.versions:
        if not version.in_place and version.path != chosen.path:
            try:
                os.remove(version.path)
            except FileNotFoundError:
                pass
    if fsync:
        fsync_folder(original.parent)


def record_words(data: bytes) -> str:
    """The words of one version of a record or note (its decrypted JSON), a field a line,
    to show two versions side by side; the app's bookkeeping is left out. A version that
    is not such a record says so."""
    try:
        doc = load_json_bounded(data)
    except InputRefused:
        return _("This version cannot be read as a record.")
    lines: list[str] = []

    def add(value: object, name: str) -> None:
        if name in _BOOKKEEPING or len(lines) >= _MAX_WORD_LINES:
            return
        if isinstance(value, dict):
            for key, inner in value.items():
                add(inner, str(key))
        elif isinstance(value, list):
            for inner in value:
                add(inner, name)
        elif value not in (None, ""):
            lines.append(f"{_field_name(name)}: {value}"[:_MAX_LINE_CHARS])

    add(doc, "")
    return "\n".join(lines) or _("No words in this version.")


def _field_name(name: str) -> str:
    words = {
        "title": _("Title"), "about": _("About"), "text": _("Words"), "tags": _("Tag"), "goal": _("Goal"),
        "task": _("Homework"), "note": _("Note"), "name": _("Name"), "starred": _("Favourite"),
        "notes": _("Notes"), "done": _("Done"), "goal_met": _("Goal met"),
    }
    return words.get(name, name)
