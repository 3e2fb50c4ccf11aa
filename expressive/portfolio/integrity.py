"""Checking the whole portfolio, and repairing what an interruption left.

Leftovers of interrupted writes are not damage: they are saves that never became visible
(a client or session being built out of sight included). `check` names them as notes and,
asked to repair, removes them. Damaged records are reported and never deleted: they may be
recoverable by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from expressive.i18n import _, ngettext

from .artifacts import Artifacts
from .atomic import PARTIAL_SUFFIX, find_leftovers, make_all_private, reason, remove_leftover
from .auditing import Audit
from .clients import Clients
from .disk import Disk
from .index import Record
from .conflicts import find_sync_conflicts, is_conflict_copy
from .documents import NOTE_FORMAT, note_text
from .edits import EditConflict
from .layout import BUILDING_PREFIX, CLIENTS, PRIVATE, Key, note_paths
from .notes import Notes
from .records import ArtifactRecord, CheckReport, Problem, RecordError


class Integrity:
    def __init__(self, disk: Disk, audit: Audit, clients: Clients, artifacts: Artifacts, notes: Notes):
        self._disk = disk
        self._audit = audit
        self._clients = clients
        self._artifacts = artifacts
        self._notes = notes

    def check(self, *, repair: bool, progress: Callable[[int, int], None] | None = None) -> CheckReport:
        disk = self._disk
        report = CheckReport()
        finished, failing = self._clients.finish_deletions()
        report.repaired += [_("finished erasing the deleted client {client_id}").format(
            client_id=client_id) for client_id in finished]
        report.notes += failing
        for leftover in find_leftovers(disk.root):
            report.notes.append(_unfinished(leftover))
            if repair:
                try:
                    remove_leftover(disk.root / leftover)
                    report.repaired.append(_("removed the unfinished save {file}").format(file=leftover))
                except OSError as exc:
                    report.notes.append(_("{file} could not be removed: {reason}").format(
                        file=leftover, reason=reason(exc)))
                    continue
                self._take_back_key_of_unbuilt(leftover)
        if repair:
            tightened = make_all_private(disk.root)
            if tightened:
                report.repaired.append(ngettext("made {n} file or folder readable by this user only",
                                                "made {n} files and folders readable by this user only", tightened)
                                       .format(n=tightened))

        found = dict(sorted(disk.scan().items()))
        examined = 0

        # Each record is checked as the index takes it in, comparing it with the record
        # each row was made from: one pass, and only what differs is written.
        def checked(key: Key) -> Record:
            nonlocal examined
            record, file_problems, words = self._examine(key)
            report.notes += words
            if record.damaged:
                report.problems.append(Problem(disk.relative(disk.layout.record_file(key)), record.damaged))
            if isinstance(record, ArtifactRecord):
                report.artifacts_checked += 1
            report.problems += file_problems
            examined += 1
            if progress is not None:
                progress(examined, len(found))
            return record

        disk.sync_index(full=False, verify=True, found=found, load=checked)
        for client_id in sorted({client_id for client_id, _session, _file in found}):
            for path in note_paths(disk.layout.client_dir(client_id) / PRIVATE):
                if is_conflict_copy(path.name):
                    continue
                try:
                    merged, damaged = disk.read_edited(path, NOTE_FORMAT, base_optional=True)
                    note_text(merged.doc, path.name)
                except RecordError as exc:
                    report.problems.append(Problem(disk.relative(path), str(exc)))
                    continue
                report.problems += [Problem(disk.relative(edits), why) for edits, why in damaged]
                report.notes += _words_to_choose(disk.relative(path), merged.conflicts)

        report.problems += [Problem(path, problem) for path, problem in self._audit.verify_chains()]
        report.notes += [_("{file}: two versions to choose between, changed on two devices at once: choose the one "
                           "to keep on the therapist's home screen").format(file=conflict.where)
                         for conflict in find_sync_conflicts(disk.root)]
        return report

    def _examine(self, key: Key) -> tuple[Record, list[Problem], list[str]]:
        """The record at `key`, read; what is wrong with its edits and (an artifact) its
        files; and the words in it written on two devices at once, as notes."""
        disk = self._disk
        record, damaged_edits, conflicts = disk.load_checked(key)
        words = _words_to_choose(disk.relative(disk.layout.record_file(key)), conflicts)
        problems = [Problem(disk.relative(edits), why) for edits, why in damaged_edits]
        if not isinstance(record, ArtifactRecord) or record.damaged:
            return record, problems, words
        return record, problems + [
            Problem(disk.relative(record.path / entry.name), problem)
            for entry, problem in self._artifacts.file_problems(record)
        ], words

    def _take_back_key_of_unbuilt(self, leftover: Path) -> None:
        """After removing a client that was being built out of sight: its key, which was
        added before any of its files, encrypts nothing any more."""
        vault, name = self._disk.vault, leftover.name
        if not vault.unlocked or leftover.parent != Path(CLIENTS) or not name.startswith(BUILDING_PREFIX):
            return
        client_id = name[len(BUILDING_PREFIX):-len(PARTIAL_SUFFIX)]
        if not self._disk.layout.client_dir(client_id).exists():
            vault.take_key_back(client_id)


def _words_to_choose(path: Path, conflicts: tuple[EditConflict, ...]) -> list[str]:
    """What check says of words written on two devices at once (not damage: both are kept)."""
    return [_("{file}: '{field}' was written on two devices at once; the later shows and the other is kept "
              "until one is chosen").format(file=path, field=".".join(conflict.path)) for conflict in conflicts]


def _unfinished(leftover: Path) -> str:
    """What check says about a leftover of an interrupted write (a path in the portfolio)."""
    if leftover.name.startswith(BUILDING_PREFIX):
        what = _("a client being restored from an archive") if leftover.parent == Path(CLIENTS) else _("a session being made from a file")
        return _("{file} is {what}, interrupted before it was whole: it is not in the portfolio; `check --repair` removes it").format(
            file=leftover, what=what)
    return _("{file} is an unfinished save, left by an interruption").format(file=leftover)
