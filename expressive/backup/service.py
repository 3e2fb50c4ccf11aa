"""Backing a portfolio up, restoring one, and whether a backup is overdue.

What a backup holds: the portfolio folder as it is on disk (already encrypted file by file
in a protected portfolio; restic encrypts it again), without what belongs to one copy alone
(`LOCAL_ONLY_PATTERNS`: the index and its seal, the lock, the device id, the export
journal, temporary files): a restored portfolio rebuilds its index and mints its own device.

A consistent state: the backup runs with the portfolio open, so this program holds its lock
(`expressive.portfolio.lock`) and no other program writes it meanwhile; in the app the
dialog that runs it is modal, so nothing is saved while it runs. And every file is replaced
by rename, so restic reads each as a whole old or a whole new file, never half of one.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta, UTC
from pathlib import Path

from expressive.i18n import _, ngettext
from expressive.portfolio.atomic import fsync_folder
from expressive.portfolio.backups import LastBackup, backup_records
from expressive.portfolio.device import LOCAL_ONLY_PATTERNS
from expressive.portfolio.layout import MARKER_FILE

from .restic import BackupError, NoRepository, Progress, RepositoryLocked, Restic, address_shown, exclusion

# A portfolio not backed up for a week is one lost tablet away from losing a week's sessions.
WARN_AFTER = timedelta(days=7)
PASSWORD_ENV = "EXPRESSIVE_BACKUP_PASSWORD"
SNAPSHOT_TAG = "expressive"
_STAGING = ".restoring-"


def excludes_for(folder: Path) -> list[str]:
    return [exclusion(pattern, folder) for pattern in LOCAL_ONLY_PATTERNS]


def back_up(store, repository: str, password: str, *, remember: bool = False,
            progress: Callable[[Progress], None] | None = None, on_new_repository: Callable[[str], None] | None = None,
            environment: dict[str, str] | None = None, now: datetime | None = None) -> LastBackup:
    """Back the open portfolio `store` up to `repository` (see `upload`), then record it and
    audit it. `remember` keeps the password, encrypted, for the next backup from this device.
    BackupError (plain words) when it cannot."""
    if remember and not backup_records(store).can_remember_passwords:
        raise BackupError(_("A backup password is remembered only in a portfolio protected by a passphrase."))
    repository, snapshot = upload(store.root, repository, password, progress=progress,
                                  on_new_repository=on_new_repository, environment=environment)
    return record_backup(store, repository, snapshot, password if remember else None, now=now)


def upload(root: Path, repository: str, password: str, *, progress: Callable[[Progress], None] | None = None,
           on_new_repository: Callable[[str], None] | None = None,
           environment: dict[str, str] | None = None) -> tuple[str, str]:
    """restic's part of a backup of the portfolio folder `root`, which touches nothing in
    the portfolio (so the app runs it on a worker thread): the repository is made first
    when there is none (`on_new_repository(address)` is told), stale locks removed when
    restic finds the repository locked, and the folder backed up. Returns the repository's
    full address and the snapshot's id."""
    engine = Restic(repository, password, environment=environment)
    excludes = excludes_for(root)
    try:
        return engine.repository, engine.backup(root, excludes, progress, tags=(SNAPSHOT_TAG,))
    except NoRepository:
        engine.init()
        if on_new_repository is not None:
            on_new_repository(address_shown(engine.repository))
    except RepositoryLocked:
        engine.unlock()
    return engine.repository, engine.backup(root, excludes, progress, tags=(SNAPSHOT_TAG,))


def record_backup(store, repository: str, snapshot: str, remember_password: str | None = None, *,
                  now: datetime | None = None) -> LastBackup:
    """Keep the backup just made as this device's last (and the password, when given) and
    audit it (the snapshot's id only: the address is typed by a person)."""
    done = LastBackup(now or datetime.now(UTC), snapshot, address_shown(repository))
    backup_records(store).record(done, remember=None if remember_password is None else (repository, remember_password))
    store.audit("backup", detail=snapshot[:8])
    return done


def restore(repository: str, password: str, target: Path, *, snapshot: str = "latest",
            environment: dict[str, str] | None = None) -> None:
    """Restore `snapshot` of `repository` as the portfolio folder `target`, which must not
    exist or be empty. It is restored beside `target` under a hidden name, verified, made
    durable and only then renamed into place: a kill leaves no half portfolio under
    `target`'s name (and the hidden folder is removed by the next restore there)."""
    target = target.expanduser().absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(_("{folder} already has files in it, so nothing was restored there. Choose a new "
                            "or empty folder.").format(folder=target))
    engine = Restic(repository, password, environment=environment)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_staging(target)
    staging = target.parent / f".{target.name}{_STAGING}{secrets.token_hex(4)}"
    try:
        engine.restore(snapshot, staging)
        if not (staging / MARKER_FILE).is_file():
            raise BackupError(_("The snapshot {snapshot} holds no Expressive portfolio.").format(snapshot=snapshot))
        _make_durable(staging)
        os.chmod(staging, 0o700)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fsync_folder(target.parent)


def _remove_abandoned_staging(target: Path) -> None:
    prefix = f".{target.name}{_STAGING}"
    for entry in target.parent.iterdir():
        if entry.name.startswith(prefix) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def _make_durable(folder: Path) -> None:
    """restic does not sync what it restores: every file and folder is synced before the
    rename makes the portfolio appear, so a power cut cannot leave it with empty files."""
    for place, _folders, files in os.walk(folder):
        for name in files:
            descriptor = os.open(os.path.join(place, name), os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        fsync_folder(Path(place))


def backup_warning(last: LastBackup | None, now: datetime | None = None) -> str:
    """What the therapist's home screen says when a backup is overdue; "" when it is not."""
    if last is None:
        return _("This portfolio has never been backed up. Tap Backup to keep a copy safe from a lost or broken tablet.")
    age = (now or datetime.now(UTC)) - last.time
    if age < WARN_AFTER:
        return ""
    return ngettext("The last backup was {n} day ago. Tap Backup to keep this week's work safe too.",
                    "The last backup was {n} days ago. Tap Backup to keep this week's work safe too.",
                    age.days).format(n=age.days)


def when_words(last: LastBackup, now: datetime | None = None) -> str:
    """'today', 'yesterday', '3 days ago'."""
    days = ((now or datetime.now(UTC)) - last.time).days
    if days <= 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    return ngettext("{n} day ago", "{n} days ago", days).format(n=days)
