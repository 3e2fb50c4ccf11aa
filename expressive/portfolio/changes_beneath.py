"""What changes in the folder beneath an open portfolio: found by comparing the index with
the tree (after a crash, or in a folder a sync engine shares), reported by a sync engine
as it arrives from another device, and the conflicts two devices can make.

`ChangesBeneath` is part of `Portfolio` (the facade would be too long with it inside).
Thread rules, as for the comparison: everything here but the comparison's own thread runs
on the thread that uses the store.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from expressive.i18n import _

from .comparison import Comparison
from .conflicts import SHOW_SIZE, Conflict, Version, find_sync_conflicts, is_conflict_copy, keep_version, survey
from .disk import Disk
from .edit_conflicts import RecordConflict
from .index import differences
from .key_files import KEYS
from .layout import ARTIFACTS, CLIENTS, SESSIONS, Key, Layout
from .records import CheckReport, PortfolioError

# A sync engine reports what arrived by path; past this many at once, one comparison of
# the whole tree costs less than following each.
MAX_REFRESH_PATHS = 5000
# Where a client's keys live (one folder per client): a key arriving makes the client's
# records readable, so they are all read again.
_KEYS_FOLDER = "keys"


def arrived_keys(paths: Iterable[str]) -> tuple[set[Key], set[Key]]:
    """The records that paths reported by a sync engine (relative to the portfolio folder)
    touch: (records to read again, records to read again with everything below them).
    Hidden names (temporary files, staging folders, the engine's own files, this copy's
    local-only files), conflict copies and paths outside the clients' folders touch none."""
    records: set[Key] = set()
    whole: set[Key] = set()
    for path in paths:
        parts = PurePosixPath(path).parts
        if not parts or any(part.startswith(".") or part in ("..", "/") for part in parts) or is_conflict_copy(parts[-1]):
            continue
        if parts[0] == _KEYS_FOLDER and len(parts) >= 2:
            whole.add((parts[1], "", ""))
        elif parts[0] == CLIENTS and len(parts) >= 2:
            records.add(_record_of(parts))
    return records, whole


def _record_of(parts: tuple[str, ...]) -> Key:
    """The record the path (parts, under clients/) belongs to: the deepest record folder in it."""
    client_id = parts[1]
    if len(parts) >= 4 and parts[2] == SESSIONS:
        if len(parts) >= 6 and parts[4] == ARTIFACTS:
            return (client_id, parts[3], parts[5])
        return (client_id, parts[3], "")
    return (client_id, "", "")


class ChangesBeneath:
    """The part of `Portfolio` that takes in what changed beneath it."""

    _disk: Disk
    _comparison: Comparison | None
    audit: Callable[..., None]
    word_conflicts: Callable[[Iterable[str]], list[RecordConflict]]  # EditChoices.word_conflicts

    # --- the comparison after a crash, or in a shared folder ----------------------------

    @property
    def needs_full_comparison(self) -> bool:
        """Whether nothing vouches yet that the index matches the files: opened with
        `compare_later` after a crash, in a folder a sync engine shares, or with its index
        replaced, and not compared since."""
        return not self._disk.index_vouched

    def compare_in_background(self, on_ready: Callable[[], None]) -> None:
        """Compare the index with every file on a thread of its own, if that is needed and
        not under way. `on_ready` is called from that thread when it is done: then call
        `finish_comparison` on the thread that uses the store (in Kivy, `on_ready` wrapped
        in `mainthread`). The store may be used, and saved to, meanwhile."""
        if self.needs_full_comparison and self._comparison is None:
            self._comparison = Comparison(self._disk, on_ready)

    def finish_comparison(self) -> CheckReport | None:
        """Bring the index up to date with what the comparison found; the damaged records
        it found, reported as `check` reports them. None when no comparison is done yet.
        PortfolioError when the comparison could not read the portfolio (the next open,
        or `check`, compares again)."""
        comparison = self._comparison
        if comparison is None or not comparison.done:
            return None
        self._comparison = None
        return comparison.take_in()

    def _stop_comparison(self) -> None:
        if self._comparison is not None:
            self._comparison.stop()
            self._comparison = None

    # --- what a sync engine reports -----------------------------------------------------

    def refresh(self, paths: list[str]) -> list[Key]:
        """Take in what a sync engine reports as arrived, changed or deleted (`paths`,
        relative to the portfolio folder): exactly the records they touch are read again
        (and the records below a folder that came or went), without walking the tree;
        returns the keys whose rows changed, in order. Local-only and hidden names are
        ignored. Past MAX_REFRESH_PATHS paths, the whole tree is compared instead."""
        disk = self._disk
        if len(paths) > MAX_REFRESH_PATHS:
            before = disk.index.stamps_below(None)
            disk.sync_index(full=False)
            after = disk.index.stamps_below(None)
            return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
        records, whole = arrived_keys(paths)
        records, whole = self._given_or_taken(paths, records, whole)
        changed: set[Key] = set(records | whole)
        indexed: set[Key] = set()
        try:
            for top in sorted(records | whole):
                found = {key: disk.layout.stamp(key) for key in _records_below(disk.layout, top)}
                known = disk.index.stamps_below(top)
                indexed |= known.keys()
                new_or_changed, gone = differences(known, found)
                changed |= {*new_or_changed, *gone}
                if top in whole:
                    changed |= found.keys()
            with disk.writing(_("take in what arrived from another device"), disk.root):
                disk.index.take_in(changed, disk.layout.stamp, disk.load)
        except OSError as exc:
            raise PortfolioError(_("What arrived from another device could not be read: {error}. Run "
                                   "`expressive check`.").format(error=exc)) from exc
        # A path of a record that is neither in the tree nor in the index changed nothing.
        return sorted(key for key in changed if key in indexed or disk.index.stamp_of(key) is not None)

    def _given_or_taken(self, paths: list[str], records: set[Key], whole: set[Key]) -> tuple[set[Key], set[Key]]:
        """Several therapists: a client's key arriving (given) or going (taken) brings the
        client in or out whole; a client the unlocked therapist holds no key for stays out."""
        vault = self._disk.vault
        if vault.keys is None or not vault.keys.therapist:
            return records, whole
        keyed = {parts[1] for parts in (PurePosixPath(path).parts for path in paths)
                 if len(parts) == 3 and parts[0] == KEYS and parts[1].startswith("c-")}
        for client_id in keyed:
            vault.forget_client_keys(client_id)
            if not vault.sees(client_id):
                self._disk.index.forget_client(client_id)  # taken, or erased: out of this therapist's lists
        whole = whole | {(client_id, "", "") for client_id in keyed}
        return {key for key in records if vault.sees(key[0])}, {key for key in whole if vault.sees(key[0])}

    # --- conflicts ----------------------------------------------------------------------

    def conflicts(self) -> list[Conflict]:
        """Things changed on two devices at once, each with its versions to choose from
        (see `conflicts`): one walk of the folder."""
        return find_sync_conflicts(self._disk.root)

    def waiting_choices(self) -> tuple[list[Conflict], list[RecordConflict]]:
        """Everything waiting for the therapist's choice: the conflict copies, and the words
        written on two devices at once in the records of the clients they may see. One
        walk of the folder, then a read of the records of clients edited on several devices."""
        found = survey(self._disk.root)
        return found.copies, self.word_conflicts(found.edited_on_several_devices)

    def conflict_content(self, conflict: Conflict, version: Version) -> bytes:
        """One version's content, decrypted, to show: a copy is read as the file it is a
        version of (its encryption binds that file's place). RecordError when it does not
        decrypt; OSError when it cannot be read. Not for SHOW_SIZE conflicts (the
        portfolio's own files), which are not shown."""
        if conflict.show == SHOW_SIZE:
            raise ValueError("only the size of this conflict's versions is shown")
        disk = self._disk
        original = disk.root / conflict.where
        as_original = Disk(_CopyAsOriginal(disk.root, version.path, original), disk.index, disk.vault, fsync=False)
        return as_original.read_bytes(version.path)

    def keep_conflict_version(self, conflict: Conflict, version: Version) -> None:
        """Keep `version` of `conflict` (the therapist's choice): it goes in place in one
        rename, the other copies are removed, the record is read again, and it is audited
        ("conflict-kept", with the path, which holds ids only)."""
        disk = self._disk
        folder = (disk.root / conflict.where).parent
        with disk.writing(_("keep the chosen version"), folder):
            keep_version(disk.root, conflict, version, fsync=disk.fsync)
        self.refresh([conflict.where])
        self.audit("conflict-kept", conflict.key[0] or None, conflict.where)


class _CopyAsOriginal(Layout):
    """The layout, but for one conflict copy whose final place is the original's."""

    def __init__(self, root: Path, copy: Path, original: Path):
        super().__init__(root)
        self._copy, self._original = copy, original

    def final_path(self, path: Path) -> Path:
        return self._original if path == self._copy else super().final_path(path)


def _records_below(layout: Layout, top: Key) -> list[Key]:
    """The records at `top` and below it that are in the tree now (one listing per
    folder below it: an artifact has none, a session one, a client one per session)."""
    if not layout.folder(top).is_dir():
        return []
    found = [top]
    client_id, session_id, artifact_id = top
    if artifact_id:
        return found
    sessions = [session_id] if session_id else _folders(layout.client_dir(client_id) / SESSIONS)
    for session in sessions:
        if not session_id:
            found.append((client_id, session, ""))
        found += [(client_id, session, artifact)
                  for artifact in _folders(layout.session_dir(client_id, session) / ARTIFACTS)]
    return found


def _folders(path: Path) -> list[str]:
    try:
        with os.scandir(path) as entries:
            return [entry.name for entry in entries if not entry.name.startswith(".") and entry.is_dir()]
    except (FileNotFoundError, NotADirectoryError):
        return []
