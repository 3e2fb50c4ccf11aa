"""Clients: adding them, their settings, and erasing them with everything they made."""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from expressive.i18n import N_, _
from expressive.limits import MAX_NAME_CHARS, MAX_NOTE_CHARS

from .atomic import fsync_folder, reason
from .auditing import Audit
from .disk import Disk, failure_words
from .documents import client_document, is_settings
from .layout import DELETING_PREFIX, PRIVATE, SESSIONS, deleting_folders, unused_name
from .records import Client, PortfolioError, checked_words, now

_EARLIEST_BIRTH_YEAR = 1900


class Clients:
    def __init__(self, disk: Disk, audit: Audit):
        self._disk = disk
        self._audit = audit

    def add(self, name: str, year_of_birth: int | None, notes: str) -> Client:
        disk, vault = self._disk, self._disk.vault
        name = checked_words(name if isinstance(name, str) else "", N_("client's name"), MAX_NAME_CHARS, one_line=True).strip()
        if not name:
            raise PortfolioError(_("A client needs a name."))
        notes = checked_words(notes, N_("notes on the client"), MAX_NOTE_CHARS)
        this_year = now().year
        if year_of_birth is not None and (
            not isinstance(year_of_birth, int) or not _EARLIEST_BIRTH_YEAR <= year_of_birth <= this_year
        ):
            raise PortfolioError(
                _("The year of birth {year_of_birth} is not a year between {earliest} and "
                   "{this_year}.").format(
                       year_of_birth=repr(year_of_birth), earliest=_EARLIEST_BIRTH_YEAR, this_year=this_year)
            )
        client_id = unused_name(
            disk.layout.clients, lambda: f"c-{secrets.token_hex(4)}", also_taken=lambda name: f"{DELETING_PREFIX}{name}"
        )
        client = Client(id=client_id, name=name, year_of_birth=year_of_birth, notes=notes, created=now())
        if vault.unlocked:
            vault.add_client_key(client_id)
        try:
            disk.create((client_id, "", ""), client, client_document(client), subfolders=(SESSIONS, PRIVATE), action=_("add the client"))
        except BaseException:
            # Only while nothing of the client is visible: once its folder is in place, its
            # files are encrypted with this key.
            if vault.unlocked and not disk.layout.client_dir(client_id).exists():
                vault.take_key_back(client_id)
            raise
        return client

    def delete(self, client_id: str) -> None:
        """See `Portfolio.delete_client`."""
        disk = self._disk
        self.get(client_id)
        folder = disk.layout.client_dir(client_id)
        trash = disk.layout.clients / f"{DELETING_PREFIX}{client_id}"
        # The rename comes first: it needs no free space, so even a full device cannot keep a
        # client that was to be deleted (the next open finishes what is left).
        with disk.writing(_("delete the client"), disk.layout.clients):
            if trash.exists():
                shutil.rmtree(trash)
            os.rename(folder, trash)
            if disk.fsync:
                fsync_folder(disk.layout.clients)
        was_dirty = disk.index.dirty
        try:
            disk.index.mark_dirty()
            self._erase(client_id, trash)
        except (OSError, sqlite3.Error) as exc:
            raise PortfolioError(
                _("The client {client_id} is deleted, but not all of its files could be erased yet "
                   "({reason}). Expressive finishes erasing them the next time the portfolio is opened "
                   "or checked.").format(client_id=client_id, reason=failure_words(exc, disk.root))
            ) from exc
        done = _("The client {client_id} was deleted").format(client_id=client_id)
        with self._audit.told_after(done):
            if not was_dirty:
                disk.index.mark_clean()
        self._audit.record_after(done, "delete-client", client_id)

    def _erase(self, client_id: str, trash: Path) -> None:
        disk = self._disk
        disk.index.forget_client(client_id)
        if disk.vault.unlocked:
            disk.vault.erase_client_key(client_id)
        if trash.exists():
            shutil.rmtree(trash)
        if disk.fsync:
            fsync_folder(disk.layout.clients)

    def finish_deletions(self) -> tuple[list[str], list[str]]:
        """Finish erasing clients whose deletion was interrupted: (finished, still failing)."""
        finished, failing = [], []
        for client_id, trash in deleting_folders(self._disk.root):
            try:
                self._erase(client_id, trash)
                self._audit.record("delete-client", client_id, "finished after an interruption")
                finished.append(client_id)
            except (OSError, sqlite3.Error) as exc:
                why = reason(exc) if isinstance(exc, OSError) else str(exc)
                failing.append(_("the deleted client {client_id} is not fully erased yet: {reason}").format(
                    client_id=client_id, reason=why))
        return finished, failing

    def all(self) -> list[Client]:
        """With several therapists, only the clients the unlocked one holds a key for."""
        return [client for client in self._disk.index.clients() if self._disk.vault.sees(client.id)]

    def get(self, client_id: str) -> Client:
        client = self._disk.index.client(client_id)
        if client is None or not self._disk.vault.sees(client_id):
            raise PortfolioError(_("There is no client {client_id} in this portfolio.").format(client_id=client_id))
        return client

    def set_settings(self, client_id: str, changes: dict[str, Any]) -> Client:
        self.get(client_id)
        if not is_settings(changes):
            raise PortfolioError(_("The settings {changes} are not names with plain values.").format(
                changes=repr(changes)))

        def change(doc: dict[str, Any]) -> None:
            settings = dict(doc.get("settings") or {})
            settings.update(changes)
            doc["settings"] = {name: value for name, value in settings.items() if value is not None}

        return self._disk.rewrite((client_id, "", ""), change, action=_("save the client's settings"))
