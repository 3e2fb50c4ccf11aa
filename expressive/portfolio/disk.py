"""The one way the portfolio's files reach the disk: atomically, private to this user, and
encrypted when the portfolio is.

Every read and write of a client-data file goes through `Disk.read_bytes` and
`Disk.write_bytes`: encryption at rest lives there and needs no change to the layout.
Each file is encrypted under its own name with its client's data key and its path as
associated data, through the same atomic writer (so temporary files hold ciphertext too).
The files read before any client key is known (portfolio.json, keyring.json, the audit
log's anchor) are replaced whole with `replace_file`, and the migration that encrypts an
unencrypted portfolio uses `encrypt_in_place`. So every file of the portfolio but the
SQLite index, the audit log's own lines (appended by `AuditLog`), the lock and the export
journal is written through this module's `write_file` and `staged_folder`.

`Disk` also makes the JSON records (folders appear complete or not at all; files are
replaced whole), keeps every later change as this device's edits (`disk_edits`, `edits`:
a record's own file is written once) and keeps the index in step with them.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expressive.i18n import _
from expressive.security.cipher import (
    FIRST_CHUNK_END,
    MAGIC,
    DecryptionError,
    decrypt_file,
    decrypted_stream,
    encrypt_file,
    first_chunk_opens,
    is_encrypted,
)
from expressive.security.keyring import KeyringError

from .atomic import (
    PRIVATE_FOLDER_MODE,
    NotDurable,
    device_is_full,
    ensure_folder,
    fsync_folder,
    is_full,
    reason,
    staged_folder,
    write_failure,
    write_file,
)
from .documents import (
    ARTIFACT_FORMAT,
    CLIENT_FORMAT,
    NOTE_FORMAT,
    SESSION_FORMAT,
    artifact_from_document,
    client_from_document,
    damaged_artifact,
    damaged_client,
    damaged_session,
    encode_document,
    parse_document,
    session_from_document,
)
from .disk_edits import EditFiles
from .edits import EditConflict, EditPath
from .index import Index, Record
from .index_seal import new_token, write_seal
from .layout import (
    CLIENT_FILE,
    CLIENTS,
    KEYRING_FILE,
    MANIFEST_FILE,
    SESSION_FILE,
    Key,
    Layout,
    Stamp,
    level,
    note_of,
)
from .records import MissingRecord, PortfolioError, RecordError

if TYPE_CHECKING:
    from .vault import Vault

_RECORD_FORMATS = {"client": CLIENT_FORMAT, "session": SESSION_FORMAT, "artifact": ARTIFACT_FORMAT}
_STORED_FORMATS = {CLIENT_FILE: CLIENT_FORMAT, SESSION_FILE: SESSION_FORMAT, MANIFEST_FILE: ARTIFACT_FORMAT}
_SQLITE_FULL = 13
_SQLITE_IOERR = 10
# How much of an unencrypted file `Disk.digest` hashes at a time.
_DIGEST_BLOCK = 1 << 20


def record_format(key: Key) -> str:
    """The format named in the file of the record at `key`."""
    return _RECORD_FORMATS[level(key)]


def replace_file(path: Path, data: bytes, *, fsync: bool) -> None:
    """Replace a file that is read before any key is known (portfolio.json, keyring.json,
    the audit log) whole, atomically."""
    write_file(path, data, fsync=fsync)


def encrypt_in_place(path: Path, key: bytes, identity: str, *, fsync: bool) -> bool:
    """Replace a client-data file by its encrypted form, atomically; False when it already
    was encrypted. The caller syncs the folder."""
    data = path.read_bytes()
    if is_encrypted(data):
        return False
    write_file(path, encrypt_file(key, identity, data), fsync=fsync, sync_folder=False)
    return True


def client_of(identity: str) -> str:
    """The client whose key encrypts the file at `identity` (a path in the portfolio)."""
    parts = identity.split("/")
    if len(parts) < 3 or parts[0] != CLIENTS:
        raise ValueError(f"{identity} is not a client's file")
    return parts[1]


def write_found_device_full(exc: OSError | sqlite3.Error, folder: Path) -> bool:
    """Whether a write in `folder` failed with `exc` because the device is full."""
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorcode", 0) & 0xFF == _SQLITE_FULL or device_is_full(folder)
    return is_full(exc, folder)


def failure_words(exc: OSError | sqlite3.Error, folder: Path) -> str:
    """Why a write in `folder` failed, as a short phrase that says so when the device is full."""
    if write_found_device_full(exc, folder):
        return _("the device is full")
    return str(exc) if isinstance(exc, sqlite3.Error) else reason(exc)


@contextmanager
def writing(action: str, folder: Path, root: Path) -> Iterator[None]:
    """Report a failed write in plain words. A failure leaves the record's key noted in
    the index as being written, so the next open reads it again whatever state the
    failure left."""
    try:
        yield
    except OSError as exc:
        raise write_failure(exc, action, folder) from exc
    except sqlite3.Error as exc:
        primary = exc.sqlite_errorcode & 0xFF
        if primary == _SQLITE_FULL or (primary == _SQLITE_IOERR and is_full(OSError(errno.EIO, str(exc)), folder)):
            raise write_failure(OSError(errno.ENOSPC, str(exc)), action, folder) from exc
        raise PortfolioError(
            _("Could not {action}: the index in {root} cannot be updated ({error}). Restart Expressive: "
               "the index is rebuilt from the saved files.").format(action=action, root=root, error=exc)
        ) from exc


@contextmanager
def _decrypting(path: Path) -> Iterator[None]:
    try:
        yield
    except DecryptionError:
        raise RecordError(_("{file} could not be decrypted: it was changed, damaged or moved").format(
            file=path.name)) from None


class Disk(EditFiles):
    """An open portfolio's files and its index, shared by every part of the store."""

    def __init__(self, layout: Layout, index: Index, vault: Vault, *, fsync: bool):
        self.layout = layout
        self.index = index
        self.vault = vault
        self.fsync = fsync
        self._root_prefix = os.path.join(str(layout.root), "")
        # Whether the index is known to match the files: vouched for by its seal at open,
        # compared with the tree since, or rebuilt. Only then is it sealed at close.
        self.index_vouched = False
        # `built_whole`: the kind of record to build out of sight next, then its key.
        self._out_of_sight: str | None = None
        self._built_out_of_sight: Key | None = None
        self._device: str | None = None

    @property
    def root(self) -> Path:
        return self.layout.root

    def writing(self, action: str, folder: Path) -> AbstractContextManager[None]:
        return writing(action, folder, self.root)

    def relative(self, path: Path) -> Path:
        return path.relative_to(self.root)

    # --- client-data files ----------------------------------------------------------------

    def write_bytes(self, path: Path, data: bytes, *, sync_folder: bool = True, final: Path | None = None) -> None:
        """Write a client-data file atomically, encrypted when the portfolio is.

        `final` is where the file will end up when `path` is inside a staging folder: the
        file's identity, bound into its encryption, is its final place.
        """
        if self.vault.unlocked:
            identity = self._identity(final or path)
            key = self.vault.client_key(client_of(identity))
            if key is None:
                raise PortfolioError(
                    _("Could not save in {folder}: the key of client {client_id} is missing from {keyring}. "
                       "Run `expressive check`.").format(
                           folder=path.parent, client_id=client_of(identity), keyring=KEYRING_FILE)
                )
            data = encrypt_file(key, identity, data)
        write_file(path, data, fsync=self.fsync, sync_folder=sync_folder)

    def read_bytes(self, path: Path) -> bytes:
        """A client-data file's content; RecordError naming the file when it does not decrypt."""
        data = path.read_bytes()
        if not self.vault.unlocked:
            return data
        key, identity = self._key_for(path, data)
        with _decrypting(path):
            return decrypt_file(key, identity, data)

    def digest(self, path: Path) -> tuple[int, str]:
        """The size and SHA-256 of a client-data file's content, as `read_bytes` would give
        it, read, decrypted and hashed a chunk at a time: what `check` verifies of every
        file, in one pass that stays in the processor's cache."""
        digest = hashlib.sha256()
        size = 0
        with open(path, "rb") as stream:
            if self.vault.unlocked:
                key, identity = self._key_for(path, stream.read(len(MAGIC)))
                stream.seek(0)
                parts = decrypted_stream(key, identity, stream, os.fstat(stream.fileno()).st_size)
            else:
                parts = iter(lambda: stream.read(_DIGEST_BLOCK), b"")
            with _decrypting(path):
                for part in parts:
                    digest.update(part)
                    size += len(part)
        return size, digest.hexdigest()

    def _key_for(self, path: Path, start: bytes) -> tuple[bytes, str]:
        """The key and identity that decrypt the file at `path`, which begins with `start`."""
        if not is_encrypted(start):
            raise RecordError(_("{file} could not be decrypted: it is not an encrypted file of this portfolio").format(
                file=path.name))
        identity = self._identity(path)
        client_id = client_of(identity)
        try:
            keys = self.vault.client_keys(client_id)
        except KeyringError as exc:
            raise RecordError(_("{file} could not be decrypted: {error}").format(file=path.name, error=exc)) from None
        if not keys:
            raise RecordError(_("{file} could not be decrypted: the key of client {client_id} is not in {keyring}").format(
                file=path.name, client_id=client_id, keyring=KEYRING_FILE))
        if len(keys) > 1:
            # A key taken from a colleague: each file is under the generation it was written with.
            with open(path, "rb") as stream:
                head, size = stream.read(FIRST_CHUNK_END), os.fstat(stream.fileno()).st_size
            keys = [key for key in keys if first_chunk_opens(key, identity, head, size)] or keys
        return keys[0], identity

    def _identity(self, path: Path) -> str:
        # In strings: every file `check` reads comes through here.
        final = str(self.layout.final_path(path))
        if not final.startswith(self._root_prefix):
            raise ValueError(f"{final} is not in the portfolio {self.root}")
        return final[len(self._root_prefix):].replace(os.sep, "/")

    def read_stored(self, path: Path) -> bytes:
        """A client-data file's content; for a record's file or a note, the document as it
        now reads (merged with every device's edits of it: see `edits`), encoded as stored.
        FileNotFoundError when there is nothing at all; RecordError when it is damaged."""
        expected_format = _STORED_FORMATS.get(path.name) or (NOTE_FORMAT if note_of(path.name) == path.name else None)
        if expected_format is None:
            return self.read_bytes(path)
        try:
            merged, _damaged = self.read_edited(path, expected_format, base_optional=expected_format == NOTE_FORMAT)
        except MissingRecord:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path)) from None
        return encode_document(merged.doc)

    def read_document(self, path: Path, expected_format: str) -> dict[str, Any]:
        try:
            data = self.read_bytes(path)
        except FileNotFoundError:
            raise MissingRecord(_("{file} is missing").format(file=path.name)) from None
        except OSError as exc:
            raise RecordError(_("{file} cannot be read: {reason}").format(file=path.name, reason=reason(exc))) from None
        return parse_document(data, path.name, expected_format)

    # --- records --------------------------------------------------------------------------

    def load(self, key: Key) -> Record:
        """The record at `key`, or a stand-in that says why it is damaged; never raises."""
        return self.load_checked(key)[0]

    def load_checked(self, key: Key) -> tuple[Record, list[tuple[Path, str]], tuple[EditConflict, ...]]:
        """The record at `key` (its file merged with every device's edits; a stand-in that
        says why it is damaged), the edits files left out because they are damaged (file,
        why), and the words in it written on two devices at once. A damaged edits file of
        one device does not hide the record."""
        client_id, session_id, artifact_id = key
        kind = level(key)
        path = self.layout.record_file(key)
        problems: list[tuple[Path, str]] = []
        try:
            merged, problems = self.read_edited(path, _RECORD_FORMATS[kind])
            doc, conflicts = merged.doc, merged.conflicts
            if kind == "client":
                return client_from_document(doc, client_id), problems, conflicts
            if kind == "session":
                return session_from_document(doc, client_id, session_id), problems, conflicts
            return artifact_from_document(doc, client_id, session_id, artifact_id, path.parent), problems, conflicts
        except (RecordError, TypeError, ValueError, OverflowError, AttributeError) as exc:
            # A hand-edited or foreign JSON file can be wrong in any shape: it is damage, not a crash.
            if kind == "client":
                return damaged_client(client_id, str(exc)), problems, ()
            if kind == "session":
                return damaged_session(client_id, session_id, str(exc)), problems, ()
            return damaged_artifact(client_id, session_id, artifact_id, path.parent, str(exc)), problems, ()

    def create(
        self,
        key: Key,
        record: Record,
        document: dict[str, Any],
        *,
        action: str,
        files: dict[str, bytes] | None = None,
        subfolders: tuple[str, ...] = (),
    ) -> None:
        """Make the record's folder: built hidden, its JSON written last, then renamed into place."""
        if self._out_of_sight == level(key) and self._built_out_of_sight is None:
            self.layout.build_out_of_sight(key)
            self._built_out_of_sight = key
        folder = self.layout.folder(key)
        with self.writing(action, folder.parent):
            self.index.mark_writing(key)
            ensure_folder(folder.parent, fsync=self.fsync)
            try:
                with staged_folder(folder, fsync=self.fsync) as staging:
                    for name in subfolders:
                        (staging / name).mkdir(mode=PRIVATE_FOLDER_MODE)
                    for name, content in (files or {}).items():
                        self.write_bytes(staging / name, content, sync_folder=False, final=folder / name)
                    record_name = self.layout.record_file(key).name
                    self.write_bytes(
                        staging / record_name, encode_document(document), sync_folder=False, final=folder / record_name
                    )
            except NotDurable:
                # In place and visible, only not confirmed by the device: list it, and say so.
                self.index.put(key, self.layout.stamp(key), record)
                raise
            self.index.put(key, self.layout.stamp(key), record)

    def rewrite(self, key: Key, change: Callable[[dict[str, Any]], None], *, action: str,
                settling: EditPath | None = None) -> Record:
        """Change fields of a record; the record as it now is.

        `change` edits the record's document as it reads now (its file merged with every
        device's edits); what it changed is kept as a new entry in this device's edits file
        (see `edits`): the record's own file is never written again, so no two devices ever
        write the same file. Fields this version does not know survive, being never touched.
        """
        path = self.layout.record_file(key)
        with self.writing(action, path.parent):
            self.index.mark_writing(key)
        now_reads: list[Record] = []

        def take_in() -> None:
            now_reads[:] = [self.load(key)]
            self.index.put(key, self.layout.stamp(key), now_reads[0])

        if not self.write_edit(path, record_format(key), change, action=action, written=take_in, settling=settling):
            with self.writing(action, path.parent):
                take_in()
        return now_reads[0]

    def remove(self, path: Path, action: str) -> None:
        """Remove a client-data file, if it is there."""
        with self.writing(action, path.parent):
            try:
                os.remove(path)
            except FileNotFoundError:
                return
            if self.fsync:
                fsync_folder(path.parent)

    # --- the index ------------------------------------------------------------------------

    def scan(self) -> dict[Key, tuple[int, int]]:
        try:
            found = self.layout.scan()
            if self.vault.keys is not None and self.vault.keys.therapist:
                # Several therapists: a client this one holds no key for is not theirs to list or check.
                visible = {client_id for client_id in {key[0] for key in found} if self.vault.sees(client_id)}
                found = {key: stamp for key, stamp in found.items() if key[0] in visible}
            return found
        except OSError as exc:
            raise PortfolioError(_("Cannot read the portfolio folder {root}: {reason}.").format(
                root=self.root, reason=reason(exc))) from exc

    def sync_index(self, *, full: bool, found: dict[Key, Stamp] | None = None,
                   load: Callable[[Key], Record] | None = None, verify: bool = False) -> None:
        """Compare the index with the whole tree (`full`: read every record again; `verify`:
        read every record and compare it with the index's); `found` is a walk of the tree
        just made, `load` reads a record (`Disk.load` by default)."""
        self.index.sync(self.scan() if found is None else found, load or self.load, full=full, verify=verify)
        self.index_vouched = True

    def open_index(self, *, sealed: bool, compare_now: bool) -> None:
        """Bring the index up to date at open. `sealed`: the seal vouched for it (see
        `index_seal`). A new or dirty index is rebuilt whole; records whose writing was cut
        short are read again; an index nothing vouches for is compared with the tree now,
        or (not `compare_now`) left for a comparison in the background."""
        index = self.index
        if index.needs_rebuild:
            self.sync_index(full=True)
            return
        cut_short = index.pending_writes()
        if cut_short:
            index.take_in(cut_short, self.layout.stamp, self.load)
        if sealed:
            self.index_vouched = True
        elif compare_now:
            self.sync_index(full=False)

    def close_index(self, *, last_holder: bool) -> None:
        """Close the index, and seal it when it is known to match the files and this was
        the last store of the process on the portfolio (another one may still write). A
        seal that cannot be written is no harm: the next open compares."""
        index = self.index
        token = new_token()
        try:
            sealed = (
                last_holder and self.index_vouched and not index.needs_rebuild and not index.pending_writes()
                and index.seal(token)
            )
        except sqlite3.Error:
            sealed = False
        index.close()
        if sealed:
            try:
                write_seal(index.path, token, fsync=self.fsync)
            except OSError:
                pass

    # --- building out of sight ----------------------------------------------------------

    @contextmanager
    def built_whole(self, kind: str) -> Iterator[None]:
        """See `Portfolio.built_whole`."""
        if kind not in ("client", "session") or self._out_of_sight is not None:
            raise ValueError(f"Cannot build a {kind} out of sight now.")
        self._out_of_sight = kind
        try:
            yield
            key = self._built_out_of_sight
            if key is not None:
                hidden = self.layout.folder(key)
                self.layout.built(key)
                final = self.layout.folder(key)
                placing = _("put the client in place") if kind == "client" else _("put the session in place")
                with self.writing(placing, final.parent):
                    os.rename(hidden, final)
                    if self.fsync:
                        fsync_folder(final.parent)
        except BaseException:
            self._take_out_unbuilt()
            raise
        finally:
            self._out_of_sight = self._built_out_of_sight = None

    def _take_out_unbuilt(self) -> None:
        """Remove what `built_whole` had made, its index rows and (for a client) its key;
        quietly, since the error that stopped it is the one to report."""
        key = self._built_out_of_sight
        if key is None:
            return
        hidden = self.layout.folder(key)
        self.layout.built(key)
        shutil.rmtree(hidden, ignore_errors=True)
        if level(key) == "client" and self.vault.unlocked:
            self.vault.take_key_back(key[0])
        try:
            self.sync_index(full=False)
        except PortfolioError:
            pass  # the index is marked dirty: the next open rebuilds it

