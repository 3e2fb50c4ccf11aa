"""Where and when the portfolio was last backed up, and the backup repository's password if
the therapist asked for it to be remembered: one small file per device,

    <root>/backups/<device-id>.json   {"format", "version", "last": {"time", "snapshot", "repository"},
                                       "remembered": {"repository", "password"}}

written only by that device (so copies of the portfolio kept in step by a sync engine never
write the same file) and read from every device, the newest backup counting: a backup made
from any tablet of the portfolio is a backup of it.

In an encrypted portfolio the file is encrypted whole (AES-GCM, its place bound in) under
a key of its own derived from the master key: the repository's password is never on disk
in plaintext, and the addresses say nothing to someone holding only the folder. In an
unencrypted portfolio it is plain JSON and no password is remembered. The addresses kept
for showing ("last") have any credentials taken out (see `expressive.backup.restic.address_shown`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from expressive.i18n import _
from expressive.limits import InputRefused, load_json_bounded
from expressive.security.cipher import KEY_SIZE, DecryptionError, decrypt_file, encrypt_file

from .atomic import make_folders, write_file
from .device import device_id
from .records import PortfolioError

BACKUPS_FOLDER = "backups"
BACKUPS_FORMAT = "expressive-backups"
BACKUPS_VERSION = 1
_MAX_RECORD_BYTES = 16 * 1024
# So many devices' records are read at most (a folder filled by hand is not read whole).
_MAX_DEVICES = 256


@dataclass(frozen=True)
class LastBackup:
    time: datetime  # aware, UTC
    snapshot: str
    repository: str  # without credentials


def backup_key(master: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=b"expressive backup records").derive(master)


def backup_records(store) -> BackupRecords:
    """The backup records of the open portfolio `store`. (A part of the store, made here
    rather than in the facade, which is at its size bound; it reads the store's keys at
    each use, so it holds none after the store is closed.)"""
    return BackupRecords(store.root, store._vault)


class BackupRecords:
    def __init__(self, root: Path, vault):
        self._root = root
        self._vault = vault

    @property
    def can_remember_passwords(self) -> bool:
        """Only an encrypted portfolio keeps a password (encrypted under its keys)."""
        return self._vault.keys is not None

    def last(self) -> LastBackup | None:
        """The newest backup made from any device of this portfolio; None when there was none."""
        found = [self._read(path).get("last") for path in self._record_files()]
        backups = [backup for backup in (_last_backup(entry) for entry in found) if backup is not None]
        return max(backups, key=lambda backup: backup.time, default=None)

    def remembered(self) -> tuple[str, str] | None:
        """(repository, password) remembered on this device, or None."""
        entry = self._read(self._own_file()).get("remembered")
        if isinstance(entry, dict) and isinstance(entry.get("repository"), str) and isinstance(entry.get("password"), str):
            return entry["repository"], entry["password"]
        return None

    def record(self, backup: LastBackup, *, remember: tuple[str, str] | None = None, forget: bool = False) -> None:
        """Keep `backup` as this device's last; with `remember` (repository, password) keep
        that password too, with `forget` drop the one kept. OSError when it cannot be written."""
        if remember is not None and not self.can_remember_passwords:
            raise PortfolioError(_("A backup password is remembered only in a portfolio protected by a passphrase."))
        path = self._own_file()
        doc = self._read(path)
        doc.update(format=BACKUPS_FORMAT, version=BACKUPS_VERSION, last={
            "time": backup.time.astimezone(UTC).isoformat(), "snapshot": backup.snapshot,
            "repository": backup.repository})
        if remember is not None:
            doc["remembered"] = {"repository": remember[0], "password": remember[1]}
        elif forget:
            doc.pop("remembered", None)
        make_folders(path.parent)
        write_file(path, self._sealed(path, json.dumps(doc).encode("utf-8")), fsync=True)

    # --- the files --------------------------------------------------------------------

    def _own_file(self) -> Path:
        return self._root / BACKUPS_FOLDER / f"{device_id(self._root)}.json"

    def _record_files(self) -> list[Path]:
        try:
            names = sorted(name for name in os.listdir(self._root / BACKUPS_FOLDER)
                           if name.startswith("d-") and name.endswith(".json"))
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [self._root / BACKUPS_FOLDER / name for name in names[:_MAX_DEVICES]]

    def _identity(self, path: Path) -> str:
        return path.relative_to(self._root).as_posix()

    def _sealed(self, path: Path, plaintext: bytes) -> bytes:
        keys = self._vault.keys
        return plaintext if keys is None else encrypt_file(backup_key(keys.master), self._identity(path), plaintext)

    def _read(self, path: Path) -> dict[str, Any]:
        """The record in `path`; {} when there is none, or it cannot be read (another
        device's half-synced or damaged record must not stop a backup)."""
        try:
            with open(path, "rb") as stream:
                data = stream.read(_MAX_RECORD_BYTES + 1)
            keys = self._vault.keys
            if keys is not None:
                data = decrypt_file(backup_key(keys.master), self._identity(path), data)
            doc = load_json_bounded(data, max_bytes=_MAX_RECORD_BYTES)
        except (OSError, DecryptionError, InputRefused):
            return {}
        return doc if isinstance(doc, dict) and doc.get("format") == BACKUPS_FORMAT else {}


def _last_backup(entry: Any) -> LastBackup | None:
    if not isinstance(entry, dict):
        return None
    time, snapshot, repository = entry.get("time"), entry.get("snapshot"), entry.get("repository")
    if not (isinstance(time, str) and isinstance(snapshot, str) and isinstance(repository, str)):
        return None
    try:
        when = datetime.fromisoformat(time)
    except ValueError:
        return None
    return LastBackup(when if when.tzinfo else when.replace(tzinfo=UTC), snapshot, repository)
