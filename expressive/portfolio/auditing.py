"""The portfolio's audit log (see `expressive.security.audit`): what is recorded, and the
words for a change that happened but could not be recorded."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from expressive.i18n import _
from expressive.security.audit import AuditEntry, AuditLog
from expressive.security.keyring import Keys

from .disk import failure_words, replace_file, writing
from .index import Index
from .layout import AUDIT_FILE
from .records import PortfolioError


def open_audit_log(root: Path, keys: Keys | None, *, fsync: bool, entries_expected: bool = False) -> AuditLog:
    return AuditLog(
        root / AUDIT_FILE, None if keys is None else keys.audit, replace_file=replace_file, fsync=fsync,
        entries_expected=entries_expected,
    )


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
        self._log = open_audit_log(root, keys, fsync=fsync, entries_expected=keys is not None)

    def record(self, event: str, client_id: str | None = None, detail: str = "") -> None:
        self._log.append(event, client_id, detail)

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

    def entries(self) -> list[AuditEntry]:
        return self._log.entries()

    def verify(self) -> list[str]:
        return self._log.verify()

    def anchor_older_log(self, index: Index) -> None:
        """A log written by a version that kept its anchor in the index gets its own."""
        head = index.legacy_audit_head()
        if head is not None:
            if not self._log.anchored:
                self._log.adopt(head)
            index.forget_legacy_audit_head()
