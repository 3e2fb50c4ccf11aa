"""The portfolio's audit log (see `expressive.security.audit`): what is recorded, and the
words for a change that happened but could not be recorded.

Several devices carry the same portfolio, and no two of them ever write the same file: so
the log is one chain per device, `audit/<device-id>.log` with its anchor
`audit/<device-id>.anchor`, appended to only by that device. Every chain is verified on
its own (a chain of another device cut short or changed is named with its device), and the
entries of all of them are shown together, by time, each naming its device.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from expressive.i18n import _
from expressive.security.audit import AuditEntry, AuditLog
from expressive.security.keyring import Keys

from .atomic import ensure_folder, fsync_folder
from .conflicts import is_conflict_copy
from .device import chain_started, device_id, is_device_id, note_chain_started
from .disk import failure_words, replace_file, writing
from .index import Index
from .layout import AUDIT_FILE
from .records import PortfolioError

AUDIT_FOLDER = "audit"
SEALED_EVENT = "chains-sealed"
_HEAD_MARK = ":"
_CHAIN_SUFFIX = ".log"
_ANCHOR_SUFFIX = ".anchor"


def chain_path(root: Path, device: str) -> Path:
    """The audit chain that the device `device` writes."""
    return root / AUDIT_FOLDER / f"{device}{_CHAIN_SUFFIX}"


def chains(root: Path) -> list[tuple[str, Path]]:
    """Every device's chain in the portfolio: (device id, its log), by device id. Conflict
    copies and other names are not chains (see `conflicts`)."""
    try:
        with os.scandir(root / AUDIT_FOLDER) as entries:
            names = [entry.name for entry in entries if entry.name.endswith(_CHAIN_SUFFIX)]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(
        (name[:-len(_CHAIN_SUFFIX)], root / AUDIT_FOLDER / name) for name in names
        if is_device_id(name[:-len(_CHAIN_SUFFIX)]) and not is_conflict_copy(name)
    )


def move_single_log(root: Path, *, fsync: bool) -> None:
    """An older layout's one log (audit.log and audit.anchor at the top) becomes this
    device's chain: each file renamed in one step, the log first. Done before any chain is
    opened, so a kill between the renames is finished by the next open, under the same
    device id (the folder is the same folder)."""
    moves = [(root / AUDIT_FILE, _CHAIN_SUFFIX), ((root / AUDIT_FILE).with_suffix(_ANCHOR_SUFFIX), _ANCHOR_SUFFIX)]
    if not any(os.path.lexists(old) for old, _suffix in moves):
        return
    folder = root / AUDIT_FOLDER
    ensure_folder(folder, fsync=fsync)
    device = device_id(root, fsync=fsync)
    for old, suffix in moves:
        if not os.path.lexists(old):
            continue
        new = folder / f"{device}{suffix}"
        if os.path.lexists(new):
            raise PortfolioError(_("The portfolio in {root} has both {old} and {new}, so its audit log could not be "
                                   "moved into {folder}. Move one of them out of the portfolio, keeping it, and "
                                   "open the portfolio again.").format(
                                       root=root, old=old.name, new=new.relative_to(root), folder=AUDIT_FOLDER))
        os.rename(old, new)
    if fsync:
        fsync_folder(folder)
        fsync_folder(root)


def open_audit_log(root: Path, keys: Keys | None, *, fsync: bool, entries_expected: bool = False) -> AuditLog:
    """This device's chain. `entries_expected` (the portfolio was protected, which is always
    recorded) holds only once this device's chain was seen written: on a device new to the
    portfolio its chain does not exist yet, and that is no deletion."""
    move_single_log(root, fsync=fsync)
    device = device_id(root, fsync=fsync)
    ensure_folder(root / AUDIT_FOLDER, fsync=fsync)
    path = chain_path(root, device)
    started = chain_started(root)
    if not started and os.path.lexists(path):
        note_chain_started(root, device, fsync=fsync)
        started = True
    return _chain(path, keys, fsync=fsync, entries_expected=entries_expected and started)


def _chain(path: Path, keys: Keys | None, *, fsync: bool, entries_expected: bool = False,
           vouched_head: tuple[int, str] | None = None) -> AuditLog:
    return AuditLog(
        path, None if keys is None else keys.audit, replace_file=replace_file, fsync=fsync,
        entries_expected=entries_expected, vouched_head=vouched_head,
    )


def seal_other_chains(root: Path, keys: Keys, *, fsync: bool) -> None:
    """When the portfolio is protected: the other devices' logs, written before it was,
    have no line sealed with the key, and those devices may never write again (a folder
    copied, then protected). This device's log vouches for where each of them ends, in a
    line sealed with the key ("chains-sealed"), as the first sealed line of a log seals
    the plain lines before it."""
    own = open_audit_log(root, keys, fsync=fsync)
    heads = []
    for device, path in chains(root):
        head = None if path == own.path else _chain(path, keys, fsync=fsync).head()
        if head is not None:
            heads.append(f"{device}{_HEAD_MARK}{head[0]}{_HEAD_MARK}{head[1]}")
    if heads:
        own.append(SEALED_EVENT, detail=" ".join(heads))


def _vouched_heads(logs: list[AuditLog]) -> dict[str, tuple[int, str]]:
    """Where each device's log ended when the portfolio was protected, as sealed lines of
    any log say (see `seal_other_chains`)."""
    heads: dict[str, tuple[int, str]] = {}
    for log in logs:
        for entry in log.sealed_entries():
            if entry.event != SEALED_EVENT:
                continue
            for head in entry.detail.split():
                device, _mark, rest = head.partition(_HEAD_MARK)
                seq, _mark, mac = rest.partition(_HEAD_MARK)
                if seq.isdigit():
                    heads[device] = (int(seq), mac)
    return heads


def unrecorded(done: str, exc: OSError | sqlite3.Error, root: Path) -> PortfolioError:
    """The error for a change that happened (`done` says what) but could not be recorded."""
    return PortfolioError(
        _("{done}, but the audit log or the index could not record it ({reason}). Free some "
           "space if the device is full, then run `expressive check`.").format(
               done=done, reason=failure_words(exc, root))
    )


class Audit:
    """An open portfolio's audit log."""

    def __init__(self, root: Path, keys: Keys | None, *, fsync: bool):
        self.root = root
        self._keys = keys
        # Who each entry names as having done it: the unlocked therapist (see `therapist_files`).
        self.therapist = keys.therapist if keys else ""
        self._fsync = fsync
        self._log = open_audit_log(root, keys, fsync=fsync, entries_expected=keys is not None)

    def record(self, event: str, client_id: str | None = None, detail: str = "") -> None:
        self._log.append(event, client_id, detail, by=self.therapist or None)

    def record_reporting_failures(self, event: str, client_id: str | None = None, detail: str = "") -> None:
        """See `Portfolio.audit`."""
        with writing(_("record this in the audit log"), self.root, self.root):
            self.record(event, client_id, detail)

    def record_after(self, done: str, event: str, client_id: str | None = None, detail: str = "") -> None:
        """Audit something that has already happened (`done` says what, in words): a
        failure to record it must not read as if the change itself had failed."""
        with self.told_after(done):
            self.record(event, client_id, detail)

    @contextmanager
    def told_after(self, done: str) -> Iterator[None]:
        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            raise unrecorded(done, exc, self.root) from exc

    def _logs(self) -> list[tuple[str, AuditLog]]:
        """Every chain (this device's first), each with its device id."""
        own = self._log.path.name[:-len(_CHAIN_SUFFIX)]
        others = [(device, path) for device, path in chains(self.root) if device != own]
        vouched = _vouched_heads([self._log, *(_chain(path, self._keys, fsync=self._fsync) for _device, path in others)])
        return [(own, self._log), *(
            (device, _chain(path, self._keys, fsync=self._fsync, vouched_head=vouched.get(device)))
            for device, path in others
        )]

    def entries(self) -> list[AuditEntry]:
        """The entries of every device's chain, by time, each naming its device."""
        merged = [replace(entry, device=device) for device, log in self._logs() for entry in log.entries()]
        return sorted(merged, key=lambda entry: (entry.time, entry.device, entry.seq))

    def verify(self) -> list[str]:
        """What is wrong with any device's chain, each sentence naming the device."""
        return [problem for _path, problem in self.verify_chains()]

    def verify_chains(self) -> list[tuple[Path, str]]:
        """What is wrong with each chain: (the chain's path in the portfolio, a sentence)."""
        return [
            (log.path.relative_to(self.root), _("device {device}: {problem}").format(device=device, problem=problem))
            for device, log in self._logs() for problem in log.verify()
        ]

    def anchor_older_log(self, index: Index) -> None:
        """A log written by a version that kept its anchor in the index gets its own."""
        head = index.legacy_audit_head()
        if head is not None:
            if not self._log.anchored:
                self._log.adopt(head)
            index.forget_legacy_audit_head()
