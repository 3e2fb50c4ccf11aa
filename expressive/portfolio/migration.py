"""Protecting a portfolio with a passphrase: encrypting an unencrypted one in place.

portfolio.json says "migrating" while the files are encrypted one by one and "complete"
once they all are; an interruption at any moment loses nothing, and the next open with the
passphrase (or `protect`) finishes the work.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from expressive.i18n import _
from expressive.security.keyring import KdfParams, Keyring, Keys

from .atomic import find_leftovers, fsync_folder, is_full, reason, remove_leftover, write_failure
from .auditing import open_audit_log, seal_other_chains
from .disk import encrypt_in_place
from .documents import encryption_document
from .folder import hold, prepare_root, read_marker, status, write_marker
from .index_file import remove_files
from .layout import CLIENTS, INDEX_FILE, client_folders, deleting_folders
from .lock import release
from .records import PortfolioError
from .vault import (
    check_new_passphrase,
    drop_master_wrapped_keys,
    keyring_bytes,
    load_keyring,
    move_client_keys_out,
    unlock,
    write_keyring,
)


class ProtectionPlan:
    """Protection made ready by `Portfolio.plan_protection`: nothing on disk has changed yet."""

    def __init__(
        self, root: Path, status: str, keyring: Keyring, keys: Keys, recovery_key: str, keyring_seen: bytes | None
    ):
        self.root = root
        self.recovery_key = recovery_key
        self._status = status
        self._keyring_seen = keyring_seen  # keyring.json as the plan found it (None: none)
        self._keyring = keyring
        self._keys = keys

    def carry_out(self) -> None:
        """Encrypt the portfolio in place. A new or unencrypted one is migrated:
        keyring.json is written first, then portfolio.json says "migrating", then every file
        is replaced by its encrypted form (atomically, one by one, skipping files already
        encrypted), the unencrypted index is deleted, and portfolio.json says "complete".
        A kill or a full disk at any moment loses nothing: opening with the passphrase
        finishes the work, and the error says so."""
        root, keyring, keys = self.root, self._keyring, self._keys
        marked = self._status == "migrating"
        hold(root)
        try:
            # The plan was made without the lock: another program may have protected the
            # portfolio since, and writing this keyring over its keyring would leave its
            # files under keys nobody has, or its recovery key void.
            if keyring_bytes(root) != self._keyring_seen:
                raise PortfolioError(
                    _("The portfolio in {root} was protected or changed by another program while the recovery key "
                       "was shown, so this passphrase and recovery key were not used and this command changed "
                       "nothing.").format(root=root)
                )
            if not marked:
                prepare_root(root, fsync=True)
            if not marked:
                for client_id in client_folders(root):
                    keyring.add_client(keys, client_id)
            try:
                write_keyring(root, keyring, fsync=True)
            finally:
                # This plan's own keyring is no other program's change when it is tried again.
                self._keyring_seen = keyring_bytes(root)
            if not marked:
                marker = read_marker(root)[0]
                marker["encryption"] = encryption_document("migrating")
                write_marker(root, marker, fsync=True)
                marked = True
            finish_migration(root, keyring, keys, fsync=True)
        except OSError as exc:
            if not marked:
                raise write_failure(exc, _("protect the portfolio"), root) from exc
            full = is_full(exc, root)
            raise PortfolioError(
                f"The portfolio in {root} is only partly encrypted yet: {'the device is full' if full else reason(exc)}. "
                "Nothing is lost. From now on it opens only with the new passphrase (or the recovery key just "
                "shown), and opening it " + ("once some space is free " if full else "") + "finishes encrypting it."
            ) from exc
        finally:
            release(root)


def plan_protection(root: Path, passphrase: str, kdf: KdfParams | None) -> ProtectionPlan:
    """See `Portfolio.plan_protection`."""
    check_new_passphrase(passphrase)
    try:
        found = status(root)
        keyring_seen = keyring_bytes(root)
        if found == "encrypted":
            raise PortfolioError(
                _("The portfolio in {root} is already protected by a passphrase. To choose another "
                   "passphrase, change it instead.").format(root=root)
            )
        if found == "migrating":
            keyring = load_keyring(root)
            keys = unlock(keyring, passphrase, root)
            recovery_key = keyring.set_recovery_key(keys.master)
        else:
            if found == "plain":
                read_marker(root)
            keyring, keys, recovery_key = Keyring.create(passphrase, kdf)
    except OSError as exc:
        raise PortfolioError(_("Cannot read the portfolio folder {root}: {reason}. Nothing was changed.").format(
            root=root, reason=reason(exc))) from exc
    return ProtectionPlan(root, found, keyring, keys, recovery_key, keyring_seen)


def bring_up_to_date(root: Path, keyring: Keyring, keys: Keys, state: str, *, fsync: bool) -> None:
    """Just after unlocking: finish protecting the portfolio if that was interrupted, move
    the client keys an older keyring.json holds into their own files, and finish sharing
    the portfolio if that was interrupted (see `therapists`)."""
    if state == "migrating":
        finish_migration(root, keyring, keys, fsync=fsync)
    move_client_keys_out(root, keyring, fsync=fsync)
    drop_master_wrapped_keys(root, keyring, fsync=fsync)


def finish_migration(root: Path, keyring: Keyring, keys: Keys, *, fsync: bool) -> None:
    """Encrypt every client-data file still in plaintext, then mark the portfolio complete.

    Idempotent and safe to interrupt at any point: each file is replaced atomically by its
    encrypted form, and a file that already starts with the encryption header is skipped.
    """
    # Unfinished saves are invisible plaintext copies of client data: they go first, and so
    # do the remains of an interrupted client deletion.
    for leftover in find_leftovers(root):
        remove_leftover(root / leftover)
    for _client_id, trash in deleting_folders(root):
        shutil.rmtree(trash)
    clients = client_folders(root)
    missing = [client_id for client_id in clients if keyring.client_key(keys, client_id) is None]
    if missing:
        for client_id in missing:
            keyring.add_client(keys, client_id)
        write_keyring(root, keyring, fsync=fsync)
    encrypted = 0
    for client_id in clients:
        key = keyring.client_key(keys, client_id)
        for folder, folders, files in os.walk(root / CLIENTS / client_id):
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            here = Path(folder)
            changed = False
            for name in sorted(files):
                if name.startswith("."):
                    continue
                path = here / name
                if encrypt_in_place(path, key, path.relative_to(root).as_posix(), fsync=fsync):
                    changed = True
                    encrypted += 1
            if changed and fsync:
                fsync_folder(here)
    # The old index holds names and reflections in plaintext; it is rebuilt encrypted.
    remove_files(root / INDEX_FILE)
    open_audit_log(root, keys, fsync=fsync).append("protect", detail=f"{encrypted} files encrypted")
    seal_other_chains(root, keys, fsync=fsync)
    marker = read_marker(root)[0]
    marker["encryption"] = encryption_document("complete")
    write_marker(root, marker, fsync=fsync)
