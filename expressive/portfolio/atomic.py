"""Crash-safe filesystem primitives, and the plain words for what went wrong.

A file is replaced in one rename of a fully written, fsynced temporary file beside it; a
new folder is built under a hidden name and renamed into place once complete. After a
crash at any instant a reader finds either the old state or the new one, plus at worst
some hidden leftovers (".tmp-*" files, ".*.partial" folders) that `check` tidies away.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from expressive.i18n import _

from .records import PortfolioError

TEMP_PREFIX = ".tmp-"
PARTIAL_SUFFIX = ".partial"
# Health data of one person: readable by the device's user who runs Expressive, nobody
# else. Files and folders get these modes as they are created, never a chmod afterwards,
# so no other user can open one in the instant between.
PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700

# Windows cannot open a folder to fsync it; NTFS journals renames itself.
_CAN_SYNC_FOLDERS = os.name != "nt"


class NotDurable(OSError):
    """The change is in place and visible (the rename or replace succeeded), but syncing
    its folder failed, so the device did not confirm it: it may not survive a power cut.
    Not "nothing was saved": something was."""


def _sync_committed(folder: Path) -> None:
    try:
        fsync_folder(folder)
    except OSError as exc:
        raise NotDurable(exc.errno, exc.strerror) from exc


def is_leftover(name: str) -> bool:
    """Whether a file or folder name is what an interrupted write leaves behind."""
    return name.startswith(TEMP_PREFIX) or (name.startswith(".") and name.endswith(PARTIAL_SUFFIX))


def fsync_folder(folder: Path) -> None:
    """Make the creation, renaming or removal of the folder's entries durable."""
    if not _CAN_SYNC_FOLDERS:
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes, *, fsync: bool, sync_folder: bool = True) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new content.

    `sync_folder=False` is for files inside a staging folder, whose entries are made
    durable all at once before the folder is renamed into place.
    """
    temp = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(4)}-{path.name}")
    try:
        with open(temp, "xb", opener=_private) as stream:
            stream.write(data)
            stream.flush()
            if fsync:
                os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        _remove_quietly(temp)
        raise
    if fsync and sync_folder:
        _sync_committed(path.parent)


def _private(path: str, flags: int) -> int:
    return os.open(path, flags, PRIVATE_FILE_MODE)


def ensure_folder(folder: Path, *, fsync: bool) -> None:
    """Create `folder` if missing (its parent must exist), durably and private."""
    try:
        folder.mkdir(mode=PRIVATE_FOLDER_MODE)
    except FileExistsError:
        return
    if fsync:
        fsync_folder(folder.parent)


def make_folders(folder: Path) -> None:
    """Create `folder` and whichever of its parents are missing, each private (a plain
    mkdir with parents gives the parents the default, readable mode)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_FOLDER_MODE)
        except FileExistsError:
            pass


@contextmanager
def staged_folder(final: Path, *, fsync: bool) -> Iterator[Path]:
    """Yield a hidden folder to fill; on a clean exit it becomes `final` in one rename.

    Until then nothing with the final name exists, so a folder with a final name is always
    complete. On an error the staging folder is removed and the error propagates.
    """
    staging = final.with_name(f".{final.name}{PARTIAL_SUFFIX}")
    staging.mkdir(mode=PRIVATE_FOLDER_MODE)
    try:
        yield staging
        if fsync:
            fsync_folder(staging)
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if fsync:
        _sync_committed(final.parent)


def make_private(path: Path) -> bool:
    """Take group's and others' permissions away from what an older version (or a copy)
    left readable; whether anything changed. Quietly nothing where modes cannot change
    (a FAT card, a folder owned by someone else): the portfolio is usable all the same."""
    try:
        mode = os.stat(path).st_mode
        if not mode & 0o077:
            return False
        os.chmod(path, mode & 0o700)
    except OSError:
        return False
    return True


def make_all_private(root: Path) -> int:
    """`make_private` for `root` and everything under it; how many files and folders changed."""
    changed = int(make_private(root))
    for folder, folders, files in os.walk(root):
        changed += sum(make_private(Path(folder, name)) for name in folders + files)
    return changed


def find_leftovers(root: Path) -> list[Path]:
    """Every leftover under `root`, relative to it, in a stable order. Leftovers are not
    damage: they are saves that never became visible."""
    found = []
    for folder, folders, files in os.walk(root):
        # A leftover folder is reported whole, not file by file.
        left = sorted(name for name in folders if is_leftover(name)) + sorted(name for name in files if is_leftover(name))
        folders[:] = sorted(name for name in folders if not is_leftover(name))
        if left:  # the folder's own path is made only where there is something to name
            here = Path(folder).relative_to(root)
            found += [here / name for name in left]
    return found


def remove_leftover(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass  # the original error is the one worth reporting


_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_DENIED = (errno.EACCES, errno.EPERM)


# Below this much free space a device counts as full: a write that failed with a vague
# error (SQLite's "disk I/O error", EIO from a filesystem at its limit) failed for that.
_NEARLY_FULL_BYTES = 1 << 20


def device_is_full(folder: Path) -> bool:
    """Whether the device holding `folder` has (almost) no space left for us."""
    try:
        usage = os.statvfs(folder)
    except (OSError, AttributeError):
        return False
    return usage.f_bavail * usage.f_frsize < _NEARLY_FULL_BYTES


def is_full(exc: OSError, folder: Path) -> bool:
    """Whether `exc`, raised while writing in `folder`, came from a full device."""
    return exc.errno in _FULL or (exc.errno in (errno.EIO, None) and device_is_full(folder))


def reason(exc: OSError) -> str:
    """Why an operation failed, as a short phrase: 'permission denied'."""
    if exc.errno in _DENIED:
        return _("permission denied")
    if exc.errno in _FULL:
        return _("the device is full")
    if exc.errno == errno.EROFS:
        return _("the device is read-only")
    if exc.errno == errno.EIO:
        return _("the device reported a read or write error")
    return (exc.strerror or str(exc)).lower()


def write_failure(exc: OSError, action: str, folder: Path) -> PortfolioError:
    """The error to show when `action` ("save the drawing", in the language shown) failed in `folder`."""
    if isinstance(exc, NotDurable):
        return PortfolioError(
            _("Could not {action} for certain in {folder}: it was saved, but the device did not confirm "
              "it ({reason}), so it could be lost if the power fails now. {advice}").format(
                action=action, folder=folder, reason=reason(exc),
                advice=_("Free some space: the next save confirms it.") if is_full(exc, folder)
                else _("If this happens again, run `expressive check`."),
            )
        )
    if is_full(exc, folder):
        return PortfolioError(
            _("Could not {action} in {folder}. The device is full, so this was not saved. Free some space "
               "and try again.").format(action=action, folder=folder)
        )
    if exc.errno in _DENIED or exc.errno == errno.EROFS:
        advice = _(
            "Nothing was saved. Make the portfolio folder writable, or choose another folder "
            "with --portfolio or EXPRESSIVE_PORTFOLIO."
        )
    else:
        advice = _("Nothing was saved. Try again; if it keeps failing, run `expressive check`.")
    return PortfolioError(_("Could not {action} in {folder}: {reason}. {advice}").format(
        action=action, folder=folder, reason=reason(exc), advice=advice))
