"""The `expressive` commands for backups: `backup`, `restore` and `backups` (see
`expressive.backup`)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from expressive.i18n import N_, _, ngettext

BACKUP_PASSWORD = N_("backup repository password")


def add_commands(commands, common) -> None:
    """Add this module's subcommands to the parser's `commands`."""
    from expressive.backup.service import PASSWORD_ENV

    password_help = _("read the backup repository's password from FILE (or set ${variable})").format(variable=PASSWORD_ENV)
    backup = commands.add_parser(
        "backup", parents=[common],
        help=_("back the portfolio up to a restic repository (a folder, a USB drive, sftp:, s3:, rest: ...)"))
    backup.add_argument("--to", metavar="REPO", help=_("the restic repository (default: the one whose password "
                                                          "was remembered)"))
    backup.add_argument("--password-file", metavar="FILE", help=password_help)
    backup.add_argument("--remember-password", action="store_true",
                        help=_("keep the repository's password in the portfolio, encrypted, for the next backups"))
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser(
        "restore", parents=[common],
        help=_("restore a backup as a new portfolio folder (given with --portfolio; it must be new or empty)"))
    restore.add_argument("--from", dest="source", metavar="REPO", required=True, help=_("the restic repository"))
    restore.add_argument("--snapshot", metavar="ID", default="latest", help=_("which backup (default: the latest)"))
    restore.add_argument("--password-file", metavar="FILE", help=password_help)
    restore.set_defaults(handler=cmd_restore)

    listing = commands.add_parser("backups", parents=[common], help=_("list the backups in a restic repository"))
    listing.add_argument("--from", dest="source", metavar="REPO", required=True, help=_("the restic repository"))
    listing.add_argument("--password-file", metavar="FILE", help=password_help)
    listing.add_argument("--verify", action="store_true",
                         help=_("also read every byte of the repository and check it is intact (slow)"))
    listing.set_defaults(handler=cmd_backups)


def repository_password(args: argparse.Namespace, remembered: tuple[str, str] | None, repository: str) -> str:
    """--password-file, else $EXPRESSIVE_BACKUP_PASSWORD, else the one remembered for this
    repository, else typed at a terminal."""
    from expressive.backup.restic import BackupError, absolute_address
    from expressive.backup.service import PASSWORD_ENV
    from expressive.cli import ask_secret, read_secret_file

    if args.password_file:
        return read_secret_file(args.password_file, BACKUP_PASSWORD)
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if remembered is not None and remembered[0] == absolute_address(repository):
        return remembered[1]
    typed = ask_secret(_("Backup repository password: "))
    if not typed:
        raise BackupError(_("Give the backup repository's password with {variable} or --password-file FILE.").format(
            variable=PASSWORD_ENV))
    return typed


def progress_every_second():
    """A progress callback that prints on stderr about once a second, and at the end."""
    last = time.monotonic()

    def tell(progress) -> None:
        nonlocal last
        now = time.monotonic()
        if progress.fraction >= 1 or now - last >= 1:
            last = now
            print(_("Backed up {percent}% ({done} of {total} files)").format(
                percent=int(progress.fraction * 100), done=progress.files_done, total=progress.total_files),
                file=sys.stderr, flush=True)

    return tell


def cmd_backup(args) -> int:
    from expressive.backup.restic import BackupError
    from expressive.backup.service import back_up
    from expressive.cli import open_store
    from expressive.portfolio.backups import backup_records

    with open_store(args) as store:
        remembered = backup_records(store).remembered()
        repository = args.to or (remembered[0] if remembered else None)
        if not repository:
            raise BackupError(_("Say where to back up to with --to REPO: a folder, a USB drive, or any place restic "
                                "takes (sftp:, s3:, rest: ...)."))
        password = repository_password(args, remembered, repository)
        done = back_up(store, repository, password, remember=args.remember_password,
                       progress=progress_every_second(),
                       on_new_repository=lambda where: print(
                           _("There was no backup repository at {repository}: made a new one. Keep its password "
                             "safe: without it the backup cannot be read.").format(repository=where), file=sys.stderr))
    print(_("Backed up {root} to {repository} (snapshot {snapshot}).").format(
        root=store.root, repository=done.repository, snapshot=done.snapshot[:8]))
    return 0


def cmd_restore(args) -> int:
    from expressive.backup.service import restore
    from expressive.cli import cmd_check, portfolio_location

    if not getattr(args, "portfolio", None):
        from expressive.backup.restic import BackupError

        raise BackupError(_("Say which new folder to restore into with --portfolio NEW."))
    target = Path(portfolio_location(args)).expanduser().absolute()
    restore(args.source, repository_password(args, None, args.source), target, snapshot=args.snapshot)
    print(_("Restored the backup into {folder}. Checking it:").format(folder=target))
    # The same as `expressive check` on the new folder: it opens with the same passphrase,
    # its index is rebuilt and every file is verified.
    args.portfolio, args.repair = str(target), False
    return cmd_check(args)


def cmd_backups(args) -> int:
    from expressive.backup.restic import Restic, address_shown

    engine = Restic(args.source, repository_password(args, None, args.source))
    snapshots = engine.snapshots()
    for snapshot in snapshots:
        print(f"{snapshot.short_id}  {snapshot.time:%Y-%m-%d %H:%M}")
    print(ngettext("{n} backup in {repository}.", "{n} backups in {repository}.", len(snapshots)).format(
        n=len(snapshots), repository=address_shown(args.source)))
    if args.verify:
        engine.check(read_data=True)
        print(_("Every byte of the repository was read: it is intact."))
    return 0
