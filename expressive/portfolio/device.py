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
    return this_device(root, fsync=fsync)[0]


def this_device(root: Path, *, fsync: bool = True) -> tuple[str, bool]:
    """This copy's id, and whether it was minted just now (this copy has written nothing
    under it before: a new portfolio, or one copied, restored or synced onto this device)."""
    path = root / DEVICE_FILE
    folder = os.stat(root)
    here = [folder.st_dev, folder.st_ino]
    try:
        with open(path, "rb") as stream:
            doc = json.loads(stream.read(_MAX_DEVICE_FILE_BYTES))
        if isinstance(doc, dict) and doc.get("folder") == here and is_device_id(doc.get("device")):
            return doc["device"], False
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        pass
    device = f"d-{random_letters(8)}"
    write_file(path, json.dumps({"device": device, "folder": here}).encode(), fsync=fsync)
    return device, True


def is_device_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == 10 and value.startswith("d-") and value[2:].isalnum()
