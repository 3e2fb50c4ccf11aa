"""The seal that lets an open trust the index without walking the tree.

Comparing the index with the files means a stat of every record and reading every stamp
back: seconds at 50,000 pieces of work, on every unlock. So the comparison is made only
when something may have happened that the index does not know, and what says that nothing
did is this seal, beside the index:

    <root>/index.sqlite-closed     {"format", "version", "token",
                                    "index": [device, inode, ctime_ns, size],
                                    "clients": [inode, ctime_ns]}

- It is written when the portfolio is closed cleanly by the last store of this process
  that held it (see `lock`), and only when that store's index was known to match the
  files: trusted at its open, compared since, or rebuilt; with no write left unrecorded
  and no rebuild asked for. First a new random token goes into the index and the index is
  checkpointed (synced), then the seal is written atomically (synced): so a seal on disk
  always speaks for an index that is on disk too.
- It is deleted (and the deletion synced) at every open, before anything is written. A
  kill, a pulled battery or a failure while the portfolio is open therefore always leaves
  no seal, and the next open compares.
- It vouches only for the very index it was written for: the token must be the index's
  (an index from another portfolio, an older copy put back, or one any write has touched
  since the close has another token or none), and the index file must be the same file,
  untouched since: its device, inode, size and inode change time (which no program can
  set back, unlike the time of modification that a copy or a restore keeps), so an index
  restored, copied, replaced or written to in any way is compared. The clients folder's
  inode and change time are in it too, so that clients added, removed or put back by hand
  while the portfolio was closed are noticed.

What the seal cannot see is a change made by hand deep inside a client's folder while the
portfolio is closed (an artifact folder copied in, a manifest edited): a stat of every
record is the only way to see those, and that is `check`'s job (`expressive check`), as
it is after a crash. A folder that a sync engine shares with other devices changes in just
that way, while the app is closed, whenever work arrives: so in a folder that Syncthing
shares (its marker, `.stfolder`, is in it) the seal never vouches, and every open compares
the index with the files (the app in the background: `compare_later`). An index this version cannot use (missing, damaged, another schema,
another key) is rebuilt whole, as before.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from .atomic import fsync_folder, write_file
from .layout import CLIENTS

SEAL_SUFFIX = "-closed"
SEAL_FORMAT = "expressive-index-closed"
SEAL_VERSION = 1
# Syncthing's marker in every folder it shares.
SYNC_MARKER = ".stfolder"
# A seal is a few dozen bytes; anything much larger is not one.
_MAX_SEAL_BYTES = 4096


def seal_path(index_path: Path) -> Path:
    return index_path.with_name(index_path.name + SEAL_SUFFIX)


def new_token() -> str:
    return secrets.token_hex(16)


def vouches(index_path: Path, token: str | None) -> bool:
    """Whether the seal beside the index says that the index, whose token is `token`,
    matches the files as they are (never in a folder a sync engine shares)."""
    if token is None or os.path.lexists(index_path.parent / SYNC_MARKER):
        return False
    try:
        with open(seal_path(index_path), "rb") as stream:
            seal = json.loads(stream.read(_MAX_SEAL_BYTES + 1))
    except (OSError, ValueError):
        return False
    return isinstance(seal, dict) and seal == _seal(index_path, token)


def break_seal(index_path: Path, *, fsync: bool) -> None:
    """Delete the seal, durably, before the portfolio is changed in any way. OSError
    propagates: a portfolio whose seal cannot be broken must not be written to."""
    try:
        os.remove(seal_path(index_path))
    except FileNotFoundError:
        return
    if fsync:
        fsync_folder(index_path.parent)


def write_seal(index_path: Path, token: str, *, fsync: bool) -> None:
    """Vouch for the index, closed with `token` (its checkpoint synced first)."""
    write_file(seal_path(index_path), json.dumps(_seal(index_path, token)).encode("utf-8"), fsync=fsync)


def _seal(index_path: Path, token: str) -> dict:
    index = os.stat(index_path)
    try:
        clients = os.stat(index_path.parent / CLIENTS)
        clients_stamp = [clients.st_ino, clients.st_ctime_ns]
    except FileNotFoundError:
        clients_stamp = None
    return {
        "format": SEAL_FORMAT, "version": SEAL_VERSION, "token": token,
        "index": [index.st_dev, index.st_ino, index.st_ctime_ns, index.st_size], "clients": clients_stamp,
    }
