"""This copy of the portfolio: its device id, and the names that belong to it alone.

Several tablets (and a backup) carry the same portfolio folder. What one copy writes for
itself (its index, its lock, its seal, its device id) must never travel: the sync engine
ignores these names and a backup leaves them out. The device id names the files that only
this copy ever writes (its edits of records, its audit chain), so that no two devices
ever write the same file.

The id is kept beside the folder's inode: a folder copied, restored or synced onto another
device is another folder, so it mints an id of its own instead of writing as the first.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .atomic import write_file
from .journal import JOURNAL_FOLDER
from .layout import INDEX_FILE, random_letters

DEVICE_FILE = ".device.json"
LOCK_FILE = "portfolio.lock"
_MAX_DEVICE_FILE_BYTES = 1024
# Glob patterns, relative to the portfolio folder, of what is this copy's alone. The sync
# engine's ignore list and the backup's exclusions are made from this one list.
LOCAL_ONLY_PATTERNS = (
    f"/{INDEX_FILE}",
    f"/{INDEX_FILE}-*",
    f"/{LOCK_FILE}",
    f"/{DEVICE_FILE}",
    # The app's count of wrong passphrases on this tablet (expressive.lockout): a guess on
    # one tablet is none on another, and two tablets writing it would make conflict copies.
    "/lockout.json",
    f"/{JOURNAL_FOLDER}",
    ".tmp-*",
    ".*.partial",
    "/clients/.deleting-*",
    "/clients/.building-*",
    # Syncthing's own: its folder marker, ignore file and versions, and a file it is fetching.
    "/.stfolder",
    "/.stignore",
    "/.stversions",
    ".syncthing.*.tmp",
    "~syncthing~*.tmp",
)


def device_id(root: Path, *, fsync: bool = True) -> str:
    """This copy's id ("d-" and 8 letters), minted the first time it is asked for."""
    doc = _this_copy(root)
    if doc is not None:
        return doc["device"]
    device = f"d-{random_letters(8)}"
    _write(root, {"device": device}, fsync=fsync)
    return device


def chain_started(root: Path) -> bool:
    """Whether this copy's audit chain was seen written under its id (see `note_chain_started`)."""
    doc = _this_copy(root)
    return doc is not None and doc.get("chain") is True


def note_chain_started(root: Path, device: str, *, fsync: bool) -> None:
    """Remember that this copy's audit chain exists: from now on its going missing is a
    deletion, not a device that has not written yet."""
    _write(root, {"device": device, "chain": True}, fsync=fsync)


def _this_copy(root: Path) -> dict | None:
    """The device file's content when it belongs to this very folder (its inode)."""
    try:
        with open(root / DEVICE_FILE, "rb") as stream:
            doc = json.loads(stream.read(_MAX_DEVICE_FILE_BYTES))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return None
    if isinstance(doc, dict) and doc.get("folder") == _folder_stamp(root) and is_device_id(doc.get("device")):
        return doc
    return None


def _write(root: Path, doc: dict, *, fsync: bool) -> None:
    write_file(root / DEVICE_FILE, json.dumps({**doc, "folder": _folder_stamp(root)}).encode(), fsync=fsync)


def _folder_stamp(root: Path) -> list[int]:
    folder = os.stat(root)
    return [folder.st_dev, folder.st_ino]


def is_device_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == 10 and value.startswith("d-") and value[2:].isalnum()
