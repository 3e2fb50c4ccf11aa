"""Exports under way, remembered inside the portfolio so that a kill never leaves them behind.

An export is written into hidden temporary files or folders beside its destination (see
`expressive.exporting.output`), which may hold the therapist's private notes until they
are renamed into place. Before the first byte of them exists, their paths are written
here, one small file per export:

    <root>/exporting/<random>.json      {"format", "version", "paths": [...]}

encrypted in an encrypted portfolio (a destination usually holds the client's name and the
day), under a key of its own derived from the master key, with the file's place bound in.
The file name is random: it says nothing about the client. The entry goes when the export
is finished, cancelled or failed; the entries a killed export left are read the next time
the portfolio is opened, what they name is deleted, and they go too.

An export still running in another program holds a lock on its entry, so it is never
touched; and only names an export makes (".tmp-" and 16 hex digits) are ever deleted, so a
changed entry cannot make Expressive delete anything else.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from expressive.i18n import N_
from expressive.limits import InputRefused, load_json_bounded
from expressive.security.cipher import KEY_SIZE, DecryptionError, decrypt_file, encrypt_file

from .atomic import TEMP_PREFIX, fsync_folder

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; an entry is then taken as abandoned at the next open.
    fcntl = None

JOURNAL_FOLDER = "exporting"
JOURNAL_FORMAT = "expressive-exports-in-flight"
JOURNAL_VERSION = 1
# What an export names its temporary file or folder; nothing else is ever deleted from an entry.
_EXPORT_TEMP = re.compile(rf"^{re.escape(TEMP_PREFIX)}[0-9a-f]{{16}}$")
_ENTRY = re.compile(r"^[0-9a-f]{32}\.json$")
_ENTRY_BYTES = 64 * 1024


def export_temp_name() -> str:
    """A hidden name for an export's temporary file or folder: random, so it says nothing
    about the client, and recognisable, so that only such names are ever tidied away."""
    return f"{TEMP_PREFIX}{secrets.token_hex(8)}"


def journal_key(master: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=b"expressive exports in flight").derive(master)


class ExportJournal:
    """The exports under way in one portfolio; `key` is None in an unencrypted portfolio."""

    def __init__(self, root: Path, key: bytes | None, *, fsync: bool):
        self._root = root
        self._folder = root / JOURNAL_FOLDER
        self._key = key
        self._fsync = fsync

    @contextmanager
    def in_flight(self, paths: list[Path]) -> Iterator[None]:
        """Remember `paths` (temporary files or folders that do not exist yet) for the
        duration of the block. OSError when the entry cannot be written: then the export
        must not start."""
        entry, descriptor = self._write_entry([str(Path(path).absolute()) for path in paths])
        try:
            yield
        finally:
            try:
                entry.unlink()
                if self._fsync:
                    fsync_folder(self._folder)
            except OSError:
                pass  # the next open tidies it: what it names is gone already
            finally:
                os.close(descriptor)

    def tidy(self) -> list[Path]:
        """Delete what exports killed part way left behind, and their entries; returns
        what was deleted. Entries of exports still running elsewhere are left alone."""
        try:
            names = sorted(name for name in os.listdir(self._folder) if _ENTRY.match(name))
        except FileNotFoundError:
            return []
        removed: list[Path] = []
        for name in names:
            entry = self._folder / name
            try:
                descriptor = os.open(entry, os.O_RDONLY)
            except FileNotFoundError:
                continue  # finished meanwhile
            try:
                if not _lock(descriptor, wait=False):
                    continue  # still being written by another program
                left = False
                for path in self._paths(entry):
                    outcome = _remove_export_temp(path)
                    left = left or outcome is None
                    if outcome:
                        removed.append(path)
                if not left:
                    entry.unlink()
            finally:
                os.close(descriptor)
        if names and self._fsync:
            fsync_folder(self._folder)
        return removed

    def _write_entry(self, paths: list[str]) -> tuple[Path, int]:
        """Write the entry durably and keep it locked; (its path, the locked descriptor)."""
        self._folder.mkdir(mode=0o700, exist_ok=True)
        entry = self._folder / f"{secrets.token_hex(16)}.json"
        document = {"format": JOURNAL_FORMAT, "version": JOURNAL_VERSION, "paths": paths}
        data = json.dumps(document).encode("utf-8")
        if self._key is not None:
            data = encrypt_file(self._key, self._identity(entry), data)
        temp = entry.with_name(f"{TEMP_PREFIX}{entry.name}")
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            # Locked before it has its name, so no other program ever sees it unlocked.
            _lock(descriptor, wait=True)
            os.write(descriptor, data)
            if self._fsync:
                os.fsync(descriptor)
            os.replace(temp, entry)
            if self._fsync:
                fsync_folder(self._folder)
        except BaseException:
            os.close(descriptor)
            temp.unlink(missing_ok=True)
            entry.unlink(missing_ok=True)
            raise
        return entry, descriptor

    def _paths(self, entry: Path) -> list[Path]:
        """The paths an entry names; [] when it cannot be read (then there is nothing to trust)."""
        try:
            data = entry.read_bytes()
            if self._key is not None:
                data = decrypt_file(self._key, self._identity(entry), data)
            document = load_json_bounded(data, max_bytes=_ENTRY_BYTES, what=N_("An export's entry"))
        except (OSError, DecryptionError, InputRefused, ValueError):
            return []
        if not isinstance(document, dict) or document.get("format") != JOURNAL_FORMAT:
            return []
        paths = document.get("paths")
        if not isinstance(paths, list):
            return []
        return [Path(path) for path in paths if isinstance(path, str) and os.path.isabs(path)]

    def _identity(self, entry: Path) -> str:
        return entry.relative_to(self._root).as_posix()


def _lock(descriptor: int, *, wait: bool) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _remove_export_temp(path: Path) -> bool | None:
    """Delete an export's temporary file or folder (never what a link points to): True
    when deleted, False when there was nothing to delete, None when it could not be
    deleted now (the entry is then kept, to try again at the next open)."""
    if not _EXPORT_TEMP.match(path.name):
        return False
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return False
    except OSError:
        return None
    return True
