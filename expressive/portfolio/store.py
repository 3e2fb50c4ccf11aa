"""The portfolio store: clients, their sessions and their work, in a folder a person can read.

    <root>/portfolio.json
    <root>/index.sqlite                      derived, rebuilt from the JSON files at will
    <root>/clients/<client>/client.json
    <root>/clients/<client>/private/notes-<session>.json        therapist only
    <root>/clients/<client>/private/notes-<session>-<artifact>.json   therapist only
    <root>/clients/<client>/sessions/<session>/session.json
    <root>/clients/<client>/sessions/<session>/artifacts/<artifact>/{files..., manifest.json}

Names of files and folders never carry client data: ids are opaque or made of a date,
a sequence number, an activity id and random letters, so encrypting every file in place
leaves nothing readable.

Every read and write of a client-data file goes through `Portfolio._read_bytes` and
`Portfolio._write_bytes`; encryption at rest belongs there and needs no change to the
layout. Only portfolio.json (which must stay readable to say how the rest is protected)
and the SQLite index bypass them.

Crash safety: see `atomic`. New folders appear complete or not at all; JSON files are
replaced whole. One Portfolio per folder, used from one thread at a time.

Encryption at rest (portfolio.json "encryption" set; see `expressive.security`): every
client-data file is stored encrypted under its own name with its client's data key and its
path as associated data, written through the same atomic writer (so temporary files hold
ciphertext too). keyring.json holds the wrapped keys, audit.log the chained audit entries.
An unencrypted portfolio ("encryption": null) behaves exactly as before, and can be
migrated in place by `Portfolio.protect`.

Reviewing the work (the portfolio-review screens): where each thing lives, and why.
- The client's own words stay in the artifact's manifest, since they belong with the work
  (and are shown with it): the title, "reflection": {"about", "noticings": [{"at", "text"}]},
  the noticings being "what I notice now", added at any later look and never overwritten.
- Tags ("tags", normalised: lower case, spaces collapsed, each once) and the star
  ("starred") are in the manifest too: they describe the work, are not secret from the
  client (a therapist picks favourites and themes with the client), travel with the work
  when it is copied or synced, and come back with any index rebuild like everything else.
- The therapist's private note on a piece of work is NOT in the manifest: it is
  private/notes-<session>-<artifact>.json, beside the session notes, so that nothing that
  shows, exports or shares the work can carry it. It is not in the index either (read one
  at a time, by the therapist only), and is erased with the client.
- Whether the session's goal was met ("goal_met") and the homework given in it
  ("homework": {"task", "done", "note"}) are in session.json, written only when set: a
  session without them keeps the shape older versions wrote. Old versions ignore the new
  fields and `_rewrite` keeps them, so FORMAT_VERSION stays 1.
- The index holds all of it (typed text encrypted when the portfolio is) for the gallery,
  tag list, open homework and progress queries; search terms: see `search`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from expressive.activity import ACTIVITY_ID_PATTERN, FILE_NAME_PATTERN, ArtifactDraft
from expressive.feelings import FEELINGS
from expressive.limits import (
    MAX_GOAL_CHARS,
    MAX_NAME_CHARS,
    MAX_NOTE_CHARS,
    MAX_TITLE_CHARS,
    MAX_WORDS_CHARS,
    InputRefused,
    checked_text,
)

FEELING_VALUES = tuple(feeling.value for feeling in FEELINGS)

from expressive.security.audit import AuditEntry, AuditLog, AuditLogNotAFile
from expressive.security.cipher import DecryptionError, decrypt_file, encrypt_file, is_encrypted
from expressive.security.keyring import KdfParams, Keyring, KeyringError, Keys, WrongSecret

from .atomic import (
    PARTIAL_SUFFIX,
    PRIVATE_FOLDER_MODE,
    TEMP_PREFIX,
    NotDurable,
    ensure_folder,
    device_is_full,
    make_all_private,
    make_folders,
    make_private,
    fsync_folder,
    is_full,
    reason,
    remove_leftover,
    staged_folder,
    write_failure,
    write_file,
)
from .check import find_leftovers
from .journal import ExportJournal, journal_key
from .lock import acquire, release
from .index import Index, Record, remove_files
from .search import normalise_tag, normalise_tags, tag_term, words
from .layout import (
    ARTIFACTS,
    AUDIT_FILE,
    BUILDING_PREFIX,
    CLIENTS,
    DELETING_PREFIX,
    INDEX_FILE,
    KEYRING_FILE,
    MARKER_FILE,
    PRIVATE,
    SESSIONS,
    Key,
    Layout,
    level,
)
from .records import (
    ARTIFACT_FORMAT,
    CLIENT_FORMAT,
    ENCRYPTION_SCHEME,
    ENCRYPTION_STATES,
    ENCRYPTION_VERSION,
    NOTE_FORMAT,
    PORTFOLIO_FORMAT,
    SESSION_FORMAT,
    SESSION_ID_TIME_FORMAT,
    ArtifactRecord,
    CheckReport,
    Client,
    FileEntry,
    MissingRecord,
    Noticing,
    ProgressRow,
    NewerVersionError,
    PortfolioError,
    Problem,
    RecordError,
    Session,
    WrongPassphrase,
    artifact_document,
    artifact_from_document,
    checked_marks,
    client_document,
    client_from_document,
    damaged_artifact,
    encryption_document,
    damaged_client,
    damaged_session,
    encode_document,
    format_time,
    is_settings,
    noticing_document,
    now,
    note_document,
    note_text,
    parse_document,
    portfolio_document,
    session_document,
    session_from_document,
    utc,
)

_RECORD_FORMATS = {"client": CLIENT_FORMAT, "session": SESSION_FORMAT, "artifact": ARTIFACT_FORMAT}

_MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".mid": "audio/midi",
    ".midi": "audio/midi",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".avi": "video/x-msvideo",
    ".md": "text/markdown",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".html": "text/html",
}

# Random parts of ids avoid look-alike characters (l/1, o/0) for people reading folders.
_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
_SEQUENCE_PREFIX = re.compile(r"^(\d+)-")
_SQLITE_FULL = 13
_SQLITE_IOERR = 10
_EARLIEST_BIRTH_YEAR = 1900
_CHOOSE_ANOTHER = "Choose another folder with --portfolio or EXPRESSIVE_PORTFOLIO."
MIN_PASSPHRASE_LENGTH = 6
# Files an interrupted creation may leave in a folder that has no portfolio.json yet: a
# keyring, and the lock file that earlier versions locked instead of the folder.
_CREATION_LEFTOVERS = (KEYRING_FILE, "portfolio.lock")


class ProtectionPlan:
    """Protection made ready by `Portfolio.plan_protection`: nothing on disk has changed yet."""

    def __init__(
        self, root: Path, status: str, keyring: Keyring, keys: Keys, recovery_key: str, keyring_seen: bytes | None
    ):
        self.root = root
        self.recovery_key = recovery_key
        self._status = status
        self._keyring_seen = keyring_seen  # keyring.json as the plan found it (None: none)
        self._keyring = keyring
        self._keys = keys

    def carry_out(self) -> None:
        """Encrypt the portfolio in place. A new or unencrypted one is migrated:
        keyring.json is written first, then portfolio.json says "migrating", then every file
        is replaced by its encrypted form (atomically, one by one, skipping files already
        encrypted), the unencrypted index is deleted, and portfolio.json says "complete".
        A kill or a full disk at any moment loses nothing: opening with the passphrase
        finishes the work, and the error says so."""
        root, keyring, keys = self.root, self._keyring, self._keys
        marked = self._status == "migrating"
        _hold(root)
        try:
            # The plan was made without the lock: another program may have protected the
            # portfolio since, and writing this keyring over its keyring would leave its
            # files under keys nobody has, or its recovery key void.
            if _keyring_bytes(root) != self._keyring_seen:
                raise PortfolioError(
                    f"The portfolio in {root} was protected or changed by another program while the recovery key "
                    "was shown, so this passphrase and recovery key were not used and this command changed nothing."
                )
            if not marked:
                _prepare_root(root, fsync=True)
            if not marked:
                for client_id in _client_folders(root):
                    keyring.add_client(keys, client_id)
            try:
                _write_keyring(root, keyring, fsync=True)
            finally:
                # This plan's own keyring is no other program's change when it is tried again.
                self._keyring_seen = _keyring_bytes(root)
            if not marked:
                marker = _read_marker(root)[0]
                marker["encryption"] = encryption_document("migrating")
                write_file(root / MARKER_FILE, encode_document(marker), fsync=True)
                marked = True
            _finish_migration(root, keyring, keys, fsync=True)
        except OSError as exc:
            if not marked:
                raise write_failure(exc, "protect the portfolio", root) from exc
            full = is_full(exc, root)
            raise PortfolioError(
                f"The portfolio in {root} is only partly encrypted yet: {'the device is full' if full else reason(exc)}. "
                "Nothing is lost. From now on it opens only with the new passphrase (or the recovery key just "
                "shown), and opening it " + ("once some space is free " if full else "") + "finishes encrypting it."
            ) from exc
        finally:
            release(root)


class Portfolio:
    """An open portfolio folder; get one with `Portfolio.open` (or `protect` first)."""

    def __init__(
        self, layout: Layout, index: Index, *, fsync: bool, keys: Keys | None = None, keyring: Keyring | None = None
    ):
        self._layout = layout
        self._index = index
        self._fsync = fsync
        self._keys = keys
        self._keyring = keyring
        self._encrypted = keys is not None
        self._client_keys: dict[str, bytes] = {}
        self._audit_log = _audit_log(layout.root, keys, fsync=fsync, entries_expected=keys is not None)
        self._exports = ExportJournal(layout.root, None if keys is None else journal_key(keys.master), fsync=fsync)
        # `built_whole`: the kind of record to build out of sight next, then its key.
        self._out_of_sight: str | None = None
        self._built_out_of_sight: Key | None = None
        self._closed = False

    @staticmethod
    def status(root: Path | str) -> str:
        """"new" (no portfolio there yet), "plain", "encrypted", or "migrating" (protecting
        it was interrupted: the next `open` with the passphrase, or `protect`, finishes it).

        PortfolioError when the folder is a file or holds a portfolio this version cannot read.
        """
        root = _absolute(root)
        try:
            if not root.exists():
                return "new"
            if not root.is_dir():
                raise PortfolioError(f"{root} is a file, not a folder. {_CHOOSE_ANOTHER}")
            if not (root / MARKER_FILE).exists():
                return "new"
            encryption = _read_marker(root)[1]
        except OSError as exc:
            raise PortfolioError(f"Cannot read the portfolio folder {root}: {reason(exc)}.") from exc
        if encryption is None:
            return "plain"
        return "migrating" if encryption["state"] == "migrating" else "encrypted"

    @classmethod
    def open(cls, root: Path | str, *, passphrase: str | None = None, fsync: bool = True) -> Portfolio:
        """Open the portfolio in `root`.

        Without a passphrase, a missing or empty folder becomes a new unencrypted portfolio.
        An encrypted portfolio needs its passphrase: without it, or with a wrong one,
        WrongPassphrase is raised and nothing on disk is touched. A portfolio whose
        protection was interrupted ("migrating") is finished first. A passphrase given for
        an unencrypted portfolio is not needed and is ignored; one given for a folder with
        no portfolio yet is refused (create a protected portfolio with `protect`).

        `fsync=False` trades crash safety for speed; only benchmarks that generate large
        portfolios use it.
        """
        root = _absolute(root)
        layout = Layout(root)
        try:
            if passphrase is not None and cls.status(root) == "new":
                raise PortfolioError(
                    f"There is no portfolio in {root} yet, so there is nothing to unlock. "
                    "Set a passphrase to create a protected portfolio there first."
                )
            _hold(root)
            store = None
            try:
                encryption = _prepare_root(root, fsync=fsync)
                _make_top_private(root)
                keys = keyring = None
                if encryption is not None:
                    keyring = _load_keyring(root)
                    keys = _unlock(keyring, passphrase, root)
                    if encryption["state"] == "migrating":
                        _finish_migration(root, keyring, keys, fsync=fsync)
                index = Index.open(
                    root / INDEX_FILE, layout, fsync=fsync,
                    cipher=None if keys is None else keys.field_cipher(), search_key=None if keys is None else keys.index,
                )
                # From here the store holds the lock, and closing it lets go.
                store = cls(layout, index, fsync=fsync, keys=keys, keyring=keyring)
            finally:
                if store is None:
                    release(root)
            try:
                store._anchor_older_audit_log()
                store._finish_deletions()
                store._exports.tidy()
                store._sync_index(full=False)
                if keys is not None:
                    store._record("unlock")
            except BaseException:
                store._close_quietly()
                raise
        except AuditLogNotAFile as exc:
            raise PortfolioError(f"The portfolio in {root} was not opened: {exc}.") from exc
        except OSError as exc:
            raise _cannot_write_folder(root, exc) from exc
        except sqlite3.Error as exc:
            raise _cannot_write_folder(root, exc) from exc
        return store

    @classmethod
    def plan_protection(cls, root: Path | str, passphrase: str, *, kdf: KdfParams | None = None) -> ProtectionPlan:
        """Get ready to protect the portfolio in `root` with `passphrase`, changing nothing yet.

        The plan holds the recovery key: show it to the person, and only when they confirm
        they have kept it, `carry_out()` the plan. So no file is ever encrypted under a key
        nobody saw, and a kill or a refusal before that leaves the portfolio as it was.
        A portfolio whose protection was interrupted ("migrating") gets a new recovery key
        too: the first may never have been seen. `kdf` sets the Argon2id cost (tests use
        cheap parameters); it is stored in the keyring.
        """
        _check_new_passphrase(passphrase)
        root = _absolute(root)
        try:
            status = cls.status(root)
            keyring_seen = _keyring_bytes(root)
            if status == "encrypted":
                raise PortfolioError(
                    f"The portfolio in {root} is already protected by a passphrase. To choose another "
                    "passphrase, change it instead."
                )
            if status == "migrating":
                keyring = _load_keyring(root)
                keys = _unlock(keyring, passphrase, root)
                recovery_key = keyring.set_recovery_key(keys.master)
            else:
                if status == "plain":
                    _read_marker(root)
                keyring, keys, recovery_key = Keyring.create(passphrase, kdf)
        except OSError as exc:
            raise PortfolioError(f"Cannot read the portfolio folder {root}: {reason(exc)}. Nothing was changed.") from exc
        return ProtectionPlan(root, status, keyring, keys, recovery_key, keyring_seen)

    @classmethod
    def protect(cls, root: Path | str, passphrase: str, *, kdf: KdfParams | None = None) -> str:
        """Protect the portfolio at once and return its recovery key: for programs that
        make portfolios no person will open with it (benchmarks, demos for tests). A person
        is shown the key first: see `plan_protection`."""
        plan = cls.plan_protection(root, passphrase, kdf=kdf)
        plan.carry_out()
        return plan.recovery_key

    @classmethod
    def recover(cls, root: Path | str, recovery_key: str, new_passphrase: str) -> None:
        """Set a new passphrase with the recovery key; the recovery key stays valid."""
        _check_new_passphrase(new_passphrase)
        root = _absolute(root)
        status = cls.status(root)
        if status == "new":
            raise PortfolioError(f"There is no portfolio in {root}.")
        if status == "plain":
            raise PortfolioError(f"The portfolio in {root} is not protected by a passphrase, so there is nothing to recover.")
        _hold(root)
        try:
            try:
                keyring = _load_keyring(root)
                try:
                    keys = keyring.unlock_with_recovery_key(recovery_key)
                except WrongSecret as exc:
                    raise WrongPassphrase(f"{exc} Nothing was changed.") from None
                keyring.set_passphrase(keys.master, new_passphrase)
                _write_keyring(root, keyring, fsync=True)
            except OSError as exc:
                raise write_failure(exc, "set the new passphrase", root) from exc
            try:
                _audit_log(root, keys, fsync=True, entries_expected=True).append("recover")
            except OSError as exc:
                raise _unrecorded("The new passphrase is set and in force", exc, root) from exc
        finally:
            release(root)

    @property
    def root(self) -> Path:
        return self._layout.root

    @property
    def encrypted(self) -> bool:
        return self._encrypted

    def close(self) -> None:
        """Close the index; an encrypted portfolio records "lock" and forgets its keys.

        Closing twice is harmless. A failure to record "lock" (a full disk) does not stop
        the closing: the keys are dropped all the same.
        """
        if self._closed:
            return
        try:
            if self._keys is not None:
                try:
                    self._record("lock")
                except (OSError, sqlite3.Error):
                    pass
        finally:
            self._close_quietly()

    def _close_quietly(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._keys = None
        self._client_keys.clear()
        try:
            self._index.close()
        finally:
            release(self.root)

    def __enter__(self) -> Portfolio:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- passphrase -------------------------------------------------------------------

    def verify_passphrase(self, passphrase: str) -> bool:
        """Whether `passphrase` is this portfolio's (Argon2id verify; nothing is reopened)."""
        keyring = self._require_keyring("check a passphrase")
        return isinstance(passphrase, str) and keyring.verify(passphrase)

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap the master key under `new`; no client file is re-encrypted. Audited."""
        self._require_keyring("change the passphrase")
        _check_new_passphrase(new)
        if not self.verify_passphrase(old):
            raise WrongPassphrase("The current passphrase is not right, so the passphrase was not changed.")
        keys = self._keys
        with self._writing("change the passphrase", self.root):
            self._update_keyring(lambda keyring: keyring.set_passphrase(keys.master, new))
        self._record_after("The passphrase was changed, and the new one is in force", "change-passphrase")

    def new_recovery_key(self, passphrase: str) -> str:
        """Replace the recovery key (the old one stops working) and return the new one, to
        show once. For when the first one was lost, or never seen because protecting the
        portfolio was interrupted. Audited as a passphrase change."""
        self._require_keyring("make a new recovery key")
        if not self.verify_passphrase(passphrase):
            raise WrongPassphrase("The passphrase is not right, so no new recovery key was made.")
        keys = self._keys
        with self._writing("make a new recovery key", self.root):
            recovery_key = self._update_keyring(lambda keyring: keyring.set_recovery_key(keys.master))
        # The new key is in force whatever happens next, so it must reach the person.
        try:
            self._record_after("A new recovery key was made", "change-passphrase", detail="new recovery key")
        except PortfolioError:
            pass
        return recovery_key

    def _require_keyring(self, action: str) -> Keyring:
        if self._keyring is None or self._keys is None:
            raise PortfolioError(f"This portfolio is not protected by a passphrase, so Expressive cannot {action}.")
        return self._keyring

    def _update_keyring(self, change: Callable[[Keyring], Any]) -> Any:
        """Apply `change` to keyring.json as it is on disk now, and write it back atomically."""
        keyring = _load_keyring(self.root)
        result = change(keyring)
        _write_keyring(self.root, keyring, fsync=self._fsync)
        self._keyring = keyring
        return result

    # --- audit ------------------------------------------------------------------------

    def audit(self, event: str, client_id: str | None = None, detail: str = "") -> None:
        """Append an entry to the audit log: one of `expressive.security.audit.EVENTS`, the
        client's id (never a name), and a short detail that holds nothing a person typed."""
        with self._writing("record this in the audit log", self.root):
            self._record(event, client_id, detail)

    def audit_entries(self) -> list[AuditEntry]:
        return self._audit_log.entries()

    def verify_audit(self) -> list[str]:
        """What is wrong with the audit log, one plain sentence per line or break found
        (also a log cut short, emptied or deleted, and breaks found before); [] when intact."""
        return self._audit_log.verify()

    def _record_after(self, done: str, event: str, client_id: str | None = None, detail: str = "") -> None:
        """Audit something that has already happened (`done` says what, in words): a
        failure to record it must not read as if the change itself had failed."""
        with self._told_after(done):
            self._record(event, client_id, detail)

    @contextmanager
    def _told_after(self, done: str) -> Iterator[None]:
        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            raise _unrecorded(done, exc, self.root) from exc

    def _record(self, event: str, client_id: str | None = None, detail: str = "") -> None:
        self._audit_log.append(event, client_id, detail)

    def _anchor_older_audit_log(self) -> None:
        """A log written by a version that kept its anchor in the index gets its own."""
        head = self._index.legacy_audit_head()
        if head is not None:
            if not self._audit_log.anchored:
                self._audit_log.adopt(head)
            self._index.forget_legacy_audit_head()

    # --- exports ----------------------------------------------------------------------

    def export_in_flight(self, paths: list[Path]) -> AbstractContextManager[None]:
        """Remember, for the duration of the block, the temporary files or folders an
        export is about to write outside the portfolio (encrypted when the portfolio is),
        so that what a killed export leaves is deleted at the next open. Call before the
        first byte of them exists; OSError when that cannot be recorded. Safe on any thread."""
        return self._exports.in_flight(paths)

    # --- clients, sessions, artifacts ---------------------------------------------------

    @contextmanager
    def built_whole(self, kind: str) -> Iterator[None]:
        """Build the next new client (`kind` "client") or session ("session"), with
        everything made in it within the block, out of sight: it appears in the portfolio
        whole, in one rename, when the block ends, or not at all. An error in the block
        takes it out again (and propagates); a kill leaves only a hidden folder, which
        `check` names and `check --repair` removes. For a client restored from an archive
        and a session made from a file brought in, which must never show half made."""
        if kind not in ("client", "session") or self._out_of_sight is not None:
            raise ValueError(f"Cannot build a {kind} out of sight now.")
        self._out_of_sight = kind
        try:
            yield
            key = self._built_out_of_sight
            if key is not None:
                hidden = self._layout.folder(key)
                self._layout.built(key)
                final = self._layout.folder(key)
                with self._writing(f"put the {kind} in place", final.parent):
                    os.rename(hidden, final)
                    if self._fsync:
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
        hidden = self._layout.folder(key)
        self._layout.built(key)
        shutil.rmtree(hidden, ignore_errors=True)
        if level(key) == "client" and self._keys is not None:
            self._take_key_back(key[0])
        try:
            self._sync_index(full=False)
        except PortfolioError:
            pass  # the index is marked dirty: the next open rebuilds it

    def _take_back_key_of_unbuilt(self, leftover: Path) -> None:
        """After removing a client that was being built out of sight: its key, which was
        added before any of its files, encrypts nothing any more."""
        name = leftover.name
        if self._keys is None or leftover.parent != Path(CLIENTS) or not name.startswith(BUILDING_PREFIX):
            return
        client_id = name[len(BUILDING_PREFIX):-len(PARTIAL_SUFFIX)]
        if not self._layout.client_dir(client_id).exists():
            self._take_key_back(client_id)

    def add_client(self, name: str, year_of_birth: int | None = None, notes: str = "") -> Client:
        name = _words(name if isinstance(name, str) else "", "client's name", MAX_NAME_CHARS, one_line=True).strip()
        if not name:
            raise PortfolioError("A client needs a name.")
        notes = _words(notes, "notes on the client", MAX_NOTE_CHARS)
        this_year = now().year
        if year_of_birth is not None and (
            not isinstance(year_of_birth, int) or not _EARLIEST_BIRTH_YEAR <= year_of_birth <= this_year
        ):
            raise PortfolioError(
                f"The year of birth {year_of_birth!r} is not a year between {_EARLIEST_BIRTH_YEAR} and {this_year}."
            )
        client_id = _unused_name(
            self._layout.clients, lambda: f"c-{secrets.token_hex(4)}", also_taken=lambda name: f"{DELETING_PREFIX}{name}"
        )
        client = Client(id=client_id, name=name, year_of_birth=year_of_birth, notes=notes, created=now())
        if self._keys is not None:
            # The client's key is in keyring.json before any of its files exists.
            with self._writing("add the client", self.root):
                try:
                    key = self._update_keyring(lambda keyring: keyring.add_client(self._keys, client_id))
                except NotDurable as exc:
                    # Not confirmed by the device: a client must never outlive its key on a
                    # power cut, so the client is not added (and the key taken back).
                    self._take_key_back(client_id)
                    raise OSError(exc.errno, exc.strerror) from exc
            self._client_keys[client_id] = key
        try:
            self._create((client_id, "", ""), client, client_document(client), subfolders=(SESSIONS, PRIVATE), action="add the client")
        except BaseException:
            # Only while nothing of the client is visible: once its folder is in place, its
            # files are encrypted with this key.
            if self._keys is not None and not self._layout.client_dir(client_id).exists():
                self._take_key_back(client_id)
            raise
        return client

    def _take_key_back(self, client_id: str) -> None:
        """Remove a key that never encrypted anything visible, so a failed save leaves
        keyring.json as it was (if even that fails, an unused key is harmless)."""
        self._client_keys.pop(client_id, None)
        try:
            self._update_keyring(lambda keyring: keyring.remove_client(client_id))
        except (OSError, PortfolioError):
            pass

    def delete_client(self, client_id: str) -> None:
        """Erase the client: every file (work, notes, drafts), its index rows, and its key.

        The client's folder is first renamed to a hidden ".deleting-<id>" name, in one step:
        from then on the client is gone from every listing, and an interruption can only
        leave hidden files that the next open or check erases. Then the index rows go (the
        index is vacuumed so no free page keeps their text), then the client's key (after
        which no copy of its files can be decrypted), then the files. Audited.
        """
        self.client(client_id)
        folder = self._layout.client_dir(client_id)
        trash = self._layout.clients / f"{DELETING_PREFIX}{client_id}"
        # The rename comes first: it needs no free space, so even a full device cannot keep a
        # client that was to be deleted (the next open finishes what is left).
        with self._writing("delete the client", self._layout.clients):
            if trash.exists():
                shutil.rmtree(trash)
            os.rename(folder, trash)
            if self._fsync:
                fsync_folder(self._layout.clients)
        was_dirty = self._index.dirty
        try:
            self._index.mark_dirty()
            self._erase(client_id, trash)
        except (OSError, sqlite3.Error) as exc:
            raise PortfolioError(
                f"The client {client_id} is deleted, but not all of its files could be erased yet "
                f"({_failure_words(exc, self.root)}). Expressive finishes erasing them the next time the "
                "portfolio is opened or checked."
            ) from exc
        done = f"The client {client_id} was deleted"
        with self._told_after(done):
            if not was_dirty:
                self._index.mark_clean()
        self._record_after(done, "delete-client", client_id)

    def _erase(self, client_id: str, trash: Path) -> None:
        self._index.forget_client(client_id)
        if self._keys is not None:
            self._client_keys.pop(client_id, None)
            if client_id in self._keyring.client_ids() or client_id in _load_keyring(self.root).client_ids():
                self._update_keyring(lambda keyring: keyring.remove_client(client_id))
        if trash.exists():
            shutil.rmtree(trash)
        if self._fsync:
            fsync_folder(self._layout.clients)

    def _finish_deletions(self) -> tuple[list[str], list[str]]:
        """Finish erasing clients whose deletion was interrupted: (finished, still failing)."""
        finished, failing = [], []
        for client_id, trash in _deleting_folders(self.root):
            try:
                self._erase(client_id, trash)
                self._record("delete-client", client_id, "finished after an interruption")
                finished.append(client_id)
            except (OSError, sqlite3.Error) as exc:
                why = reason(exc) if isinstance(exc, OSError) else str(exc)
                failing.append(f"the deleted client {client_id} is not fully erased yet: {why}")
        return finished, failing

    def clients(self) -> list[Client]:
        """All clients, sorted by name regardless of case."""
        return self._index.clients()

    def client(self, client_id: str) -> Client:
        client = self._index.client(client_id)
        if client is None:
            raise PortfolioError(f"There is no client {client_id} in this portfolio.")
        return client

    def set_client_settings(self, client_id: str, changes: dict[str, Any]) -> Client:
        """Remember `changes` among the client's settings (a value of None forgets one)."""
        self.client(client_id)
        if not is_settings(changes):
            raise PortfolioError(f"The settings {changes!r} are not names with plain values.")

        def change(doc: dict[str, Any]) -> None:
            settings = dict(doc.get("settings") or {})
            settings.update(changes)
            doc["settings"] = {name: value for name, value in settings.items() if value is not None}

        return self._rewrite((client_id, "", ""), change, action="save the client's settings")

    def start_session(
        self,
        client_id: str,
        *,
        plan_id: str,
        goal: str = "",
        feeling_in: int | None = None,
        started: datetime | None = None,
    ) -> Session:
        self.client(client_id)
        _check_feeling(feeling_in)
        goal = _words(goal, "goal", MAX_GOAL_CHARS, one_line=True)
        started = utc(started)
        # Named after its start time, so the folders list in order for a person too.
        prefix = started.strftime(SESSION_ID_TIME_FORMAT)
        session_id = _unused_name(
            self._layout.client_dir(client_id) / SESSIONS, lambda: f"{prefix}_{_random_letters()}"
        )
        session = Session(
            id=session_id, client_id=client_id, plan_id=plan_id, goal=goal,
            feeling_in=feeling_in, feeling_out=None, started=started, ended=None,
        )
        self._create((client_id, session_id, ""), session, session_document(session), subfolders=(ARTIFACTS,), action="start the session")
        return session

    def finish_session(
        self, client_id: str, session_id: str, *, feeling_out: int | None, ended: datetime | None = None
    ) -> Session:
        self.session(client_id, session_id)
        _check_feeling(feeling_out)

        def finish(doc: dict[str, Any]) -> None:
            doc["feeling_out"] = feeling_out
            doc["ended"] = format_time(utc(ended))

        return self._rewrite((client_id, session_id, ""), finish, action="finish the session")

    def set_goal_met(self, client_id: str, session_id: str, met: bool | None) -> Session:
        """Record whether the session's goal was met (None: not said, or taken back); at
        check-out or at any later review."""
        self.session(client_id, session_id)
        if met is not None and not isinstance(met, bool):
            raise PortfolioError(f"A goal is met (True), not met (False) or not said (None), not {met!r}.")

        def judge(doc: dict[str, Any]) -> None:
            if met is None:
                doc.pop("goal_met", None)
            else:
                doc["goal_met"] = met

        return self._rewrite((client_id, session_id, ""), judge, action="save whether the goal was met")

    def set_homework(self, client_id: str, session_id: str, task: str) -> Session:
        """Give homework in this session, to do before the next; an empty task takes it
        back (with what was recorded about it). Changing the words of a task keeps whether
        it was done: it is the same homework, said better."""
        self.session(client_id, session_id)
        if not isinstance(task, str):
            raise PortfolioError(f"Homework is a task in words, not {task!r}.")
        task = _words(task, "homework", MAX_WORDS_CHARS).strip()

        def give(doc: dict[str, Any]) -> None:
            if not task:
                doc.pop("homework", None)
                return
            given = doc.get("homework")
            given = given if isinstance(given, dict) else {}
            done = given.get("done")
            note = given.get("note")
            doc["homework"] = {
                **given, "task": task,
                "done": done if isinstance(done, bool) else None, "note": note if isinstance(note, str) else "",
            }

        return self._rewrite((client_id, session_id, ""), give, action="save the homework")

    def set_homework_done(self, client_id: str, session_id: str, done: bool | None, note: str = "") -> Session:
        """Record whether the homework given in the session was done, with what was said
        about it; `done=None` makes it open again."""
        session = self.session(client_id, session_id)
        if session.homework is None:
            raise PortfolioError(f"No homework was given in session {session_id}, so it cannot be marked.")
        if done is not None and not isinstance(done, bool):
            raise PortfolioError(f"Homework is done (True), not done (False) or not yet said (None), not {done!r}.")
        if not isinstance(note, str):
            raise PortfolioError(f"The note on the homework is words, not {note!r}.")
        note = _words(note, "note on the homework", MAX_WORDS_CHARS)

        def mark(doc: dict[str, Any]) -> None:
            given = doc.get("homework")
            if not isinstance(given, dict):
                raise PortfolioError(f"The homework of session {session_id} was changed meanwhile; look again.")
            doc["homework"] = {**given, "done": done, "note": note.strip()}

        return self._rewrite((client_id, session_id, ""), mark, action="save whether the homework was done")

    def open_homework(self, client_id: str) -> list[tuple[Session, str]]:
        """Homework given and not yet marked done or not: (the session it was given in,
        the task), oldest first; what the next session shows."""
        self.client(client_id)
        return [(session, session.homework.task) for session in self._index.open_homework(client_id)]

    def sessions(self, client_id: str, *, limit: int | None = None, offset: int = 0) -> list[Session]:
        """A client's sessions, newest first; `limit` and `offset` page through them."""
        self.client(client_id)
        return self._index.sessions(client_id, limit=limit, offset=offset)

    def session(self, client_id: str, session_id: str) -> Session:
        session = self._index.session(client_id, session_id)
        if session is None:
            raise PortfolioError(f"There is no session {session_id} for client {client_id} in this portfolio.")
        return session

    def save_artifact(
        self,
        client_id: str,
        session_id: str,
        activity_id: str,
        draft: ArtifactDraft,
        *,
        created: datetime | None = None,
    ) -> ArtifactRecord:
        """Save `draft` as a new artifact of the session; it appears whole or not at all."""
        self.session(client_id, session_id)
        problems = draft.problems()
        if not isinstance(activity_id, str) or not ACTIVITY_ID_PATTERN.match(activity_id):
            problems.append(f"the activity id {activity_id!r} is not valid")
        if not isinstance(draft.kind, str) or not draft.kind.strip():
            problems.append("its kind is empty")
        try:
            # A round trip, so the record returned equals the one read back later.
            metadata = json.loads(json.dumps(draft.metadata))
        except (TypeError, ValueError):
            problems.append("its metadata cannot be written as JSON")
        if problems:
            raise PortfolioError(f"The work from {activity_id} cannot be saved: {'; '.join(problems)}.")

        artifacts_folder = self._layout.session_dir(client_id, session_id) / ARTIFACTS
        with self._writing("save the work", artifacts_folder):
            sequence = _next_sequence(artifacts_folder)
        artifact_id = _unused_name(artifacts_folder, lambda: f"{sequence:02d}-{activity_id}-{_random_letters()}")
        files = {name: bytes(content) for name, content in draft.files.items()}
        artifact = ArtifactRecord(
            id=artifact_id,
            client_id=client_id,
            session_id=session_id,
            activity=activity_id,
            kind=draft.kind,
            created=utc(created),
            title=draft.title,
            about="",
            files=tuple(
                FileEntry(
                    name=name,
                    role=_role(draft, name),
                    media_type=_MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream"),
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                )
                for name, content in files.items()
            ),
            product=draft.product,
            thumbnail=draft.thumbnail,
            process=draft.process,
            metadata=metadata,
            damaged=None,
            path=artifacts_folder / artifact_id,
        )
        self._create(
            (client_id, session_id, artifact_id), artifact, artifact_document(artifact), files=files,
            action=f"save the {draft.kind}",
        )
        return artifact

    def set_reflection(self, artifact: ArtifactRecord, *, title: str, about: str) -> ArtifactRecord:
        """Store the client's own words about their work; the files are left untouched."""
        if artifact.damaged:
            raise PortfolioError(f"The artifact {artifact.id} is damaged, so its reflection cannot be saved: {artifact.damaged}.")
        title = _words(title, "title", MAX_TITLE_CHARS, one_line=True)
        about = _words(about, "reflection", MAX_WORDS_CHARS)

        def reflect(doc: dict[str, Any]) -> None:
            doc["title"] = title
            reflection = doc.get("reflection")
            doc["reflection"] = {**(reflection if isinstance(reflection, dict) else {}), "about": about}

        key = (artifact.client_id, artifact.session_id, artifact.id)
        return self._rewrite(key, reflect, action="save the reflection")

    def set_marks(self, artifact: ArtifactRecord, marks: list[dict[str, Any]]) -> ArtifactRecord:
        """Store the moments marked while reviewing how the work was made (all of them:
        the list replaces the one stored); the files are left untouched."""
        if artifact.damaged:
            raise PortfolioError(f"The artifact {artifact.id} is damaged, so marks cannot be saved on it: {artifact.damaged}.")
        try:
            checked = checked_marks(marks)
        except RecordError as exc:
            raise PortfolioError(f"The marks cannot be saved: {exc}.") from None

        def mark(doc: dict[str, Any]) -> None:
            doc["marks"] = list(checked)

        key = (artifact.client_id, artifact.session_id, artifact.id)
        return self._rewrite(key, mark, action="save the marks")

    def add_noticing(self, artifact: ArtifactRecord, text: str, at: datetime | None = None) -> ArtifactRecord:
        """Keep what the client notices now about their work, with when (now, or `at`),
        after what they said before: earlier words are never overwritten."""
        self._check_reviewable(artifact, "what was noticed cannot be saved")
        if not isinstance(text, str) or not text.strip():
            raise PortfolioError("What the client noticed is empty, so there is nothing to save.")
        text = _words(text, "reflection", MAX_WORDS_CHARS)
        noticing = noticing_document(Noticing(at=utc(at), text=text.strip()))

        def notice(doc: dict[str, Any]) -> None:
            reflection = doc.get("reflection")
            reflection = dict(reflection) if isinstance(reflection, dict) else {}
            earlier = reflection.get("noticings")
            reflection["noticings"] = [*(earlier if isinstance(earlier, list) else []), noticing]
            doc["reflection"] = reflection

        return self._rewrite(self._key_of(artifact), notice, action="save what was noticed")

    def set_tags(self, artifact: ArtifactRecord, tags: list[str]) -> ArtifactRecord:
        """Label the work (all its tags: the list replaces the one stored). Tags are
        normalised: lower case, spaces collapsed, a leading "#" dropped, each kept once
        ("Family" and "family " are one tag), empty ones left out."""
        self._check_reviewable(artifact, "its tags cannot be saved")
        if isinstance(tags, str) or not hasattr(tags, "__iter__"):
            raise PortfolioError(f"The tags are given as a list of words, not {tags!r}.")
        try:
            normal = list(normalise_tags(
                _words(tag, "tag", MAX_TITLE_CHARS, one_line=True) if isinstance(tag, str) else tag for tag in tags
            ))
        except ValueError as exc:
            raise PortfolioError(f"The tags cannot be saved: {exc}.") from None

        def label(doc: dict[str, Any]) -> None:
            doc["tags"] = normal

        return self._rewrite(self._key_of(artifact), label, action="save the tags")

    def set_star(self, artifact: ArtifactRecord, starred: bool) -> ArtifactRecord:
        """Mark the work as a favourite, or not."""
        self._check_reviewable(artifact, "its star cannot be saved")
        if not isinstance(starred, bool):
            raise PortfolioError(f"A piece of work is starred or not (True or False), not {starred!r}.")

        def star(doc: dict[str, Any]) -> None:
            doc["starred"] = starred

        return self._rewrite(self._key_of(artifact), star, action="save the star")

    def _check_reviewable(self, artifact: ArtifactRecord, consequence: str) -> None:
        if artifact.damaged:
            raise PortfolioError(f"The artifact {artifact.id} is damaged, so {consequence}: {artifact.damaged}.")
        self.artifact(artifact.client_id, artifact.session_id, artifact.id)

    @staticmethod
    def _key_of(artifact: ArtifactRecord) -> Key:
        return (artifact.client_id, artifact.session_id, artifact.id)

    def gallery(
        self,
        client_id: str,
        *,
        activity: str | None = None,
        tag: str | None = None,
        starred: bool | None = None,
        search: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[ArtifactRecord]:
        """The client's work newest first, as the gallery pages through it, all in the index.

        `activity` keeps one activity's work, `tag` the work with that tag (spelled any
        way: "Family", "#family"), `starred` the favourites (True) or the others (False),
        and `search` the work whose words match: the title, what it is about, what was
        noticed later and the tags, case and accents aside. Every word of the search
        must match a word, or the beginning of one when it has 3 letters or more ("hous"
        finds "House"); see `search` for how this works, unchanged, in an encrypted
        portfolio. `limit` and `offset` page through the result.
        """
        self.client(client_id)
        for name, value in (("limit", limit), ("offset", offset)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise PortfolioError(f"The gallery's {name} is a whole number of 0 or more, not {value!r}.")
        if starred is not None and not isinstance(starred, bool):
            raise PortfolioError(f"The gallery's starred filter is True, False or None, not {starred!r}.")
        if activity is not None and not isinstance(activity, str):
            raise PortfolioError(f"The activity {activity!r} is not an activity id.")
        wanted_tag = None
        if tag is not None:
            if not isinstance(tag, str):
                raise PortfolioError(f"The tag {tag!r} is not a word.")
            wanted_tag = tag_term(normalise_tag(tag)) or None
        if search is not None and not isinstance(search, str):
            raise PortfolioError(f"The search {search!r} is not text.")
        return self._index.gallery(
            client_id, activity=activity, tag=wanted_tag, starred=starred,
            words=words(search or ""), limit=limit, offset=offset or 0,
        )

    def tags(self, client_id: str) -> list[str]:
        """Every tag on the client's work, in alphabetical order, for the gallery's filter."""
        self.client(client_id)
        return self._index.tags(client_id)

    def progress(self, client_id: str) -> list[ProgressRow]:
        """One row per session, oldest first, for the progress charts: when it started, its
        plan, goal and whether it was met, the feelings at check-in and check-out, what was
        made with which activity, and the homework given. From the index alone."""
        self.client(client_id)
        return self._index.progress(client_id)

    def artifacts(self, client_id: str, session_id: str | None = None) -> list[ArtifactRecord]:
        """A session's artifacts oldest first; without a session, all of the client's,
        newest session first and oldest first inside each."""
        if session_id is None:
            self.client(client_id)
            return self._index.artifacts(client_id)
        self.session(client_id, session_id)
        return self._index.artifacts(client_id, [session_id])

    def artifacts_by_session(self, client_id: str, session_ids: list[str]) -> dict[str, list[ArtifactRecord]]:
        """The artifacts of several sessions (a page of them) in one query."""
        grouped: dict[str, list[ArtifactRecord]] = {session_id: [] for session_id in session_ids}
        for artifact in self._index.artifacts(client_id, session_ids):
            grouped[artifact.session_id].append(artifact)
        return grouped

    def artifact(self, client_id: str, session_id: str, artifact_id: str) -> ArtifactRecord:
        artifact = self._index.artifact(client_id, session_id, artifact_id)
        if artifact is None:
            raise PortfolioError(f"There is no artifact {artifact_id} in session {session_id} of client {client_id}.")
        return artifact

    # --- artifact files -----------------------------------------------------------------

    def drafts_dir(self, client_id: str, session_id: str, activity_id: str) -> Path:
        """Where an activity may keep work in progress; created by the activity when it needs it."""
        return self._layout.drafts_dir(client_id, session_id, activity_id)

    def write_draft(self, client_id: str, session_id: str, activity_id: str, name: str, data: bytes) -> None:
        """Keep a file of work in progress in the activity's drafts folder, atomically and,
        in an encrypted portfolio, encrypted like every other client file. Activities that
        write into `drafts_dir` themselves write plaintext."""
        self.session(client_id, session_id)
        _check_draft_name(activity_id, name)
        folder = self.drafts_dir(client_id, session_id, activity_id)
        with self._writing("keep the work in progress", folder):
            make_folders(folder)
            self._write_bytes(folder / name, bytes(data))

    def read_draft(self, client_id: str, session_id: str, activity_id: str, name: str) -> bytes | None:
        """A file kept with `write_draft`; None when there is none."""
        self.session(client_id, session_id)
        _check_draft_name(activity_id, name)
        try:
            return self._read_bytes(self.drafts_dir(client_id, session_id, activity_id) / name)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise PortfolioError(f"The work in progress {name} cannot be read: {reason(exc)}.") from None
        except RecordError as exc:
            raise PortfolioError(f"The work in progress is damaged: {exc}.") from None

    def delete_draft(self, client_id: str, session_id: str, activity_id: str, name: str) -> None:
        """Forget a file kept with `write_draft` (once the work is saved, or set aside)."""
        _check_draft_name(activity_id, name)
        folder = self.drafts_dir(client_id, session_id, activity_id)
        with self._writing("put the work in progress aside", folder):
            try:
                os.remove(folder / name)
            except FileNotFoundError:
                return
            if self._fsync:
                fsync_folder(folder)

    def file_path(self, artifact: ArtifactRecord, name: str) -> Path:
        """Where the file lies. In an encrypted portfolio it holds ciphertext: read the
        content with `read_file`, never from this path."""
        return artifact.path / self._entry(artifact, name).name

    def read_file(self, artifact: ArtifactRecord, name: str) -> bytes:
        """The file's content, checked against the manifest's SHA-256."""
        entry = self._entry(artifact, name)
        try:
            return self._read_verified(artifact, entry)
        except RecordError as exc:
            raise PortfolioError(f"The artifact {artifact.id} is damaged: {exc}.") from None

    def verify_artifact(self, artifact: ArtifactRecord) -> list[str]:
        """What is wrong with the artifact, in plain words; [] when it is intact."""
        if artifact.damaged:
            return [artifact.damaged]
        return [problem for _, problem in self._file_problems(artifact)]

    def _entry(self, artifact: ArtifactRecord, name: str) -> FileEntry:
        if artifact.damaged:
            raise PortfolioError(f"The artifact {artifact.id} is damaged: {artifact.damaged}.")
        entry = artifact.file(name)
        if entry is None:
            raise PortfolioError(f"The artifact {artifact.id} has no file named {name}.")
        return entry

    def _read_verified(self, artifact: ArtifactRecord, entry: FileEntry) -> bytes:
        try:
            content = self._read_bytes(artifact.path / entry.name)
        except FileNotFoundError:
            raise RecordError(f"{entry.name} is missing") from None
        except OSError as exc:
            raise RecordError(f"{entry.name} cannot be read: {reason(exc)}") from None
        if len(content) != entry.size or hashlib.sha256(content).hexdigest() != entry.sha256:
            raise RecordError(f"{entry.name} does not match its checksum: the file was changed or damaged")
        return content

    def _file_problems(self, artifact: ArtifactRecord) -> Iterator[tuple[FileEntry, str]]:
        for entry in artifact.files:
            try:
                self._read_verified(artifact, entry)
            except RecordError as exc:
                yield entry, str(exc)

    # --- therapist notes ----------------------------------------------------------------

    def set_therapist_note(self, client_id: str, session_id: str, text: str) -> None:
        self.session(client_id, session_id)
        text = _words(text, "note", MAX_NOTE_CHARS)
        path = self._layout.note_file(client_id, session_id)
        # Not in the index: notes are read one at a time, and only by the therapist.
        with self._writing("save the note", path.parent):
            ensure_folder(path.parent, fsync=self._fsync)
            self._write_bytes(path, encode_document(note_document(client_id, session_id, text)))

    def therapist_note(self, client_id: str, session_id: str) -> str:
        """The therapist's private note on the session, "" if there is none."""
        self.session(client_id, session_id)
        try:
            return self._read_note(self._layout.note_file(client_id, session_id))
        except MissingRecord:
            return ""
        except RecordError as exc:
            raise PortfolioError(f"The therapist's note on session {session_id} is damaged: {exc}.") from None

    def set_artifact_note(self, artifact: ArtifactRecord, text: str) -> None:
        """The therapist's private note on one piece of work; empty text removes it.

        Kept in the client's private/ folder (never in the artifact's manifest, which is
        shown and exported with the work), encrypted like every client file, not in the
        index, and erased with the client.
        """
        self.artifact(artifact.client_id, artifact.session_id, artifact.id)
        if not isinstance(text, str):
            raise PortfolioError(f"A note is words, not {text!r}.")
        text = _words(text, "note", MAX_NOTE_CHARS)
        path = self._layout.artifact_note_file(artifact.client_id, artifact.session_id, artifact.id)
        with self._writing("save the note", path.parent):
            if not text.strip():
                try:
                    os.remove(path)
                except FileNotFoundError:
                    return
                if self._fsync:
                    fsync_folder(path.parent)
                return
            ensure_folder(path.parent, fsync=self._fsync)
            document = note_document(artifact.client_id, artifact.session_id, text, artifact_id=artifact.id)
            self._write_bytes(path, encode_document(document))

    def artifact_note(self, artifact: ArtifactRecord) -> str:
        """The therapist's private note on the piece of work, "" if there is none."""
        self.artifact(artifact.client_id, artifact.session_id, artifact.id)
        try:
            return self._read_note(self._layout.artifact_note_file(artifact.client_id, artifact.session_id, artifact.id))
        except MissingRecord:
            return ""
        except RecordError as exc:
            raise PortfolioError(f"The therapist's note on {artifact.id} is damaged: {exc}.") from None

    def _read_note(self, path: Path) -> str:
        return note_text(self._read_document(path, NOTE_FORMAT), path.name)

    # --- checking and the index ---------------------------------------------------------

    def check(self, *, repair: bool = False) -> CheckReport:
        """Verify every record and every artifact file; rebuild the index from what is found.

        Unfinished saves are notes, not problems (with `repair` they are removed). Damaged
        records are reported and never deleted: they may be recoverable by hand.
        """
        report = CheckReport()
        finished, failing = self._finish_deletions()
        report.repaired += [f"finished erasing the deleted client {client_id}" for client_id in finished]
        report.notes += failing
        for leftover in find_leftovers(self.root):
            report.notes.append(_unfinished(leftover))
            if repair:
                try:
                    remove_leftover(self.root / leftover)
                    report.repaired.append(f"removed the unfinished save {leftover}")
                except OSError as exc:
                    report.notes.append(f"{leftover} could not be removed: {reason(exc)}")
                    continue
                self._take_back_key_of_unbuilt(leftover)
        if repair:
            tightened = make_all_private(self.root)
            if tightened:
                report.repaired.append(f"made {tightened} files and folders readable by this user only")

        found = self._scan()
        records = {key: self._load(key) for key in sorted(found)}
        for key, record in records.items():
            if record.damaged:
                report.problems.append(Problem(self._relative(self._layout.record_file(key)), record.damaged))
            if isinstance(record, ArtifactRecord):
                report.artifacts_checked += 1
                report.problems += [
                    Problem(self._relative(record.path / entry.name), problem)
                    for entry, problem in self._file_problems(record)
                ]
        for client_id in sorted({client_id for client_id, _, _ in found}):
            for path in sorted((self._layout.client_dir(client_id) / PRIVATE).glob("notes-*.json")):
                try:
                    self._read_note(path)
                except RecordError as exc:
                    report.problems.append(Problem(self._relative(path), str(exc)))

        report.problems += [Problem(Path(AUDIT_FILE), problem) for problem in self.verify_audit()]
        self._index.sync(found, records.__getitem__, full=True)
        return report

    def rebuild_index(self) -> None:
        """Read every record again; the index then matches the files exactly."""
        self._sync_index(full=True)

    def _sync_index(self, *, full: bool) -> None:
        self._index.sync(self._scan(), self._load, full=full)

    def _scan(self) -> dict[Key, tuple[int, int]]:
        try:
            return self._layout.scan()
        except OSError as exc:
            raise PortfolioError(f"Cannot read the portfolio folder {self.root}: {reason(exc)}.") from exc

    def _relative(self, path: Path) -> Path:
        return path.relative_to(self.root)

    # --- records on disk ----------------------------------------------------------------

    def _load(self, key: Key) -> Record:
        """The record at `key`, or a stand-in that says why it is damaged; never raises."""
        client_id, session_id, artifact_id = key
        kind = level(key)
        path = self._layout.record_file(key)
        try:
            doc = self._read_document(path, _RECORD_FORMATS[kind])
            if kind == "client":
                return client_from_document(doc, client_id)
            if kind == "session":
                return session_from_document(doc, client_id, session_id)
            return artifact_from_document(doc, client_id, session_id, artifact_id, path.parent)
        except (RecordError, TypeError, ValueError, OverflowError, AttributeError) as exc:
            # A hand-edited or foreign JSON file can be wrong in any shape: it is damage, not a crash.
            if kind == "client":
                return damaged_client(client_id, str(exc))
            if kind == "session":
                return damaged_session(client_id, session_id, str(exc))
            return damaged_artifact(client_id, session_id, artifact_id, path.parent, str(exc))

    def _read_document(self, path: Path, expected_format: str) -> dict[str, Any]:
        try:
            data = self._read_bytes(path)
        except FileNotFoundError:
            raise MissingRecord(f"{path.name} is missing") from None
        except OSError as exc:
            raise RecordError(f"{path.name} cannot be read: {reason(exc)}") from None
        return parse_document(data, path.name, expected_format)

    def _create(
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
            self._layout.build_out_of_sight(key)
            self._built_out_of_sight = key
        folder = self._layout.folder(key)
        with self._writing(action, folder.parent):
            self._index.mark_dirty()
            ensure_folder(folder.parent, fsync=self._fsync)
            try:
                with staged_folder(folder, fsync=self._fsync) as staging:
                    for name in subfolders:
                        (staging / name).mkdir(mode=PRIVATE_FOLDER_MODE)
                    for name, content in (files or {}).items():
                        self._write_bytes(staging / name, content, sync_folder=False, final=folder / name)
                    record_name = self._layout.record_file(key).name
                    self._write_bytes(
                        staging / record_name, encode_document(document), sync_folder=False, final=folder / record_name
                    )
            except NotDurable:
                # In place and visible, only not confirmed by the device: list it, and say so.
                self._index.put(key, self._layout.stamp(key), record)
                raise
            self._index.put(key, self._layout.stamp(key), record)

    def _rewrite(self, key: Key, change: Callable[[dict[str, Any]], None], *, action: str) -> Record:
        """Change fields of a record's JSON and replace the file whole.

        The document is edited rather than regenerated so that fields this version does
        not know (written by a newer one) survive.
        """
        path = self._layout.record_file(key)
        try:
            doc = self._read_document(path, _RECORD_FORMATS[level(key)])
        except RecordError as exc:
            raise PortfolioError(f"Could not {action}: {exc}.") from None
        change(doc)
        with self._writing(action, path.parent):
            self._index.mark_dirty()
            try:
                self._write_bytes(path, encode_document(doc))
            except NotDurable:
                self._index.put(key, self._layout.stamp(key), self._load(key))
                raise
            record = self._load(key)
            self._index.put(key, self._layout.stamp(key), record)
        return record

    @contextmanager
    def _writing(self, action: str, folder: Path) -> Iterator[None]:
        """Report a failed write in plain words. A failure leaves the dirty flag raised, so
        the next open re-reads the tree whatever state the failure left."""
        try:
            yield
        except OSError as exc:
            raise write_failure(exc, action, folder) from exc
        except sqlite3.Error as exc:
            primary = exc.sqlite_errorcode & 0xFF
            if primary == _SQLITE_FULL or (primary == _SQLITE_IOERR and is_full(OSError(errno.EIO, str(exc)), folder)):
                raise write_failure(OSError(errno.ENOSPC, str(exc)), action, folder) from exc
            raise PortfolioError(
                f"Could not {action}: the index in {self.root} cannot be updated ({exc}). "
                "Restart Expressive: the index is rebuilt from the saved files."
            ) from exc

    # The single choke point for client data: encryption at rest happens here.

    def _write_bytes(self, path: Path, data: bytes, *, sync_folder: bool = True, final: Path | None = None) -> None:
        """Write a client-data file atomically, encrypted when the portfolio is.

        `final` is where the file will end up when `path` is inside a staging folder: the
        file's identity, bound into its encryption, is its final place.
        """
        if self._keys is not None:
            identity = self._identity(final or path)
            key = self._client_key(_client_of(identity))
            if key is None:
                raise PortfolioError(
                    f"Could not save in {path.parent}: the key of client {_client_of(identity)} is missing "
                    f"from {KEYRING_FILE}. Run `expressive check`."
                )
            data = encrypt_file(key, identity, data)
        write_file(path, data, fsync=self._fsync, sync_folder=sync_folder)

    def read_stored(self, path: Path) -> bytes:
        """A client-data file of the portfolio as stored (a record, a note), decrypted: for
        exports that carry documents whole, with fields this version does not know.
        RecordError when it does not decrypt; OSError when it cannot be read."""
        return self._read_bytes(path)

    def _read_bytes(self, path: Path) -> bytes:
        """A client-data file's content; RecordError naming the file when it does not decrypt."""
        data = path.read_bytes()
        if self._keys is None:
            return data
        identity = self._identity(path)
        if not is_encrypted(data):
            raise RecordError(f"{path.name} could not be decrypted: it is not an encrypted file of this portfolio")
        client_id = _client_of(identity)
        try:
            key = self._client_key(client_id)
        except KeyringError as exc:
            raise RecordError(f"{path.name} could not be decrypted: {exc}") from None
        if key is None:
            raise RecordError(f"{path.name} could not be decrypted: the key of client {client_id} is not in {KEYRING_FILE}")
        try:
            return decrypt_file(key, identity, data)
        except DecryptionError:
            raise RecordError(f"{path.name} could not be decrypted: it was changed, damaged or moved") from None

    def _identity(self, path: Path) -> str:
        return self._layout.final_path(path).relative_to(self.root).as_posix()

    def _client_key(self, client_id: str) -> bytes | None:
        key = self._client_keys.get(client_id)
        if key is None:
            key = self._keyring.client_key(self._keys, client_id)
            if key is None:
                # Another process (the command line beside the app) may have added the client.
                self._keyring = _load_keyring(self.root)
                key = self._keyring.client_key(self._keys, client_id)
            if key is not None:
                self._client_keys[client_id] = key
        return key


# --- opening, protecting, migrating ------------------------------------------------------


def _absolute(root: Path | str) -> Path:
    return Path(root).expanduser().absolute()


def _client_of(identity: str) -> str:
    parts = identity.split("/")
    if len(parts) < 3 or parts[0] != CLIENTS:
        raise ValueError(f"{identity} is not a client's file")
    return parts[1]


def _failure_words(exc: OSError | sqlite3.Error, folder: Path) -> str:
    """Why a write in `folder` failed, as a short phrase that says so when the device is full."""
    if isinstance(exc, sqlite3.Error):
        full = getattr(exc, "sqlite_errorcode", 0) & 0xFF == _SQLITE_FULL or device_is_full(folder)
        return "the device is full" if full else str(exc)
    return "the device is full" if is_full(exc, folder) else reason(exc)


def _cannot_write_folder(root: Path, exc: OSError | sqlite3.Error) -> PortfolioError:
    """Opening failed for want of writing: a full device is said as such, with what helps."""
    why = _failure_words(exc, root if root.exists() else root.parent)
    if why == "the device is full":
        return PortfolioError(f"Cannot open the portfolio in {root}: the device is full. Free some space and try again.")
    if isinstance(exc, sqlite3.Error):
        why = f"its index cannot be opened ({exc})"
    return PortfolioError(f"Cannot write to the portfolio folder {root}: {why}. {_CHOOSE_ANOTHER}")


def _unrecorded(done: str, exc: OSError | sqlite3.Error, root: Path) -> PortfolioError:
    """The error for a change that happened (`done` says what) but could not be recorded."""
    return PortfolioError(
        f"{done}, but the audit log or the index could not record it ({_failure_words(exc, root)}). "
        "Free some space if the device is full, then run `expressive check`."
    )


def _check_new_passphrase(passphrase: str) -> None:
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise PortfolioError(
            f"A passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters (a PIN at least "
            f"{MIN_PASSPHRASE_LENGTH} digits). Choose a longer one."
        )
    if not passphrase.strip():
        raise PortfolioError("A passphrase cannot be only spaces. Choose another one.")


def _read_marker(root: Path) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """portfolio.json and its "encryption" (None: unencrypted). OSError propagates."""
    try:
        doc = parse_document((root / MARKER_FILE).read_bytes(), MARKER_FILE, PORTFOLIO_FORMAT)
    except NewerVersionError:
        raise PortfolioError(
            f"The portfolio in {root} was made by a newer version of Expressive. Update Expressive to open it."
        ) from None
    except RecordError as exc:
        raise PortfolioError(f"The portfolio in {root} cannot be opened: {exc}.") from None
    encryption = doc.get("encryption")
    if encryption is None:
        return doc, None
    if (
        not isinstance(encryption, dict)
        or encryption.get("scheme") != ENCRYPTION_SCHEME
        or not isinstance(encryption.get("version"), int)
        or encryption["version"] > ENCRYPTION_VERSION
        or encryption.get("state") not in ENCRYPTION_STATES
    ):
        raise PortfolioError(
            f"The portfolio in {root} is encrypted in a way this version of Expressive does not know. "
            "Update Expressive to open it."
        )
    return doc, encryption


def _prepare_root(root: Path, *, fsync: bool) -> dict[str, Any] | None:
    """Make sure `root` is a portfolio this version can open, creating an unencrypted one in
    an empty folder; returns its "encryption" (None when unencrypted).

    OSError propagates; everything else is a PortfolioError.
    """
    _make_root(root)
    marker = root / MARKER_FILE
    if not marker.exists():
        write_file(marker, encode_document(portfolio_document()), fsync=fsync)
    return _read_marker(root)[1]


def _make_root(root: Path) -> None:
    """Create `root` if needed; refuse a folder that holds other things and no portfolio."""
    if root.exists() and not root.is_dir():
        raise PortfolioError(f"{root} is a file, not a folder. {_CHOOSE_ANOTHER}")
    make_folders(root)
    if (root / MARKER_FILE).exists():
        return
    # Temporary files and a keyring are all that an interrupted creation can have left.
    others = [name for name in os.listdir(root) if not name.startswith(TEMP_PREFIX) and name not in _CREATION_LEFTOVERS]
    if others:
        raise PortfolioError(
            f"The folder {root} is not an Expressive portfolio: it has other files in it and no "
            f"{MARKER_FILE}. {_CHOOSE_ANOTHER}"
        )


def _audit_log(root: Path, keys: Keys | None, *, fsync: bool, entries_expected: bool = False) -> AuditLog:
    return AuditLog(
        root / AUDIT_FILE, None if keys is None else keys.audit, replace_file=write_file, fsync=fsync,
        entries_expected=entries_expected,
    )


def _hold(root: Path) -> None:
    """Hold the portfolio for this program (see `lock`), making its folder first when it is
    new: the lock is on the folder."""
    try:
        _make_root(root)
    except OSError as exc:
        raise _cannot_write_folder(root, exc) from exc
    acquire(root)


def _make_top_private(root: Path) -> None:
    """Make a portfolio that an older version left readable to others private: the folder
    itself (which alone keeps other users out of everything below it) and the files at its
    top (keyring, index, audit log). Deeper files are tightened by `check --repair`; all
    that is written from now on is private from its first byte."""
    make_private(root)
    for entry in os.scandir(root):
        make_private(Path(entry.path))


def _keyring_bytes(root: Path) -> bytes | None:
    try:
        return (root / KEYRING_FILE).read_bytes()
    except FileNotFoundError:
        return None


def _load_keyring(root: Path) -> Keyring:
    try:
        return Keyring.from_bytes((root / KEYRING_FILE).read_bytes())
    except FileNotFoundError:
        raise PortfolioError(
            f"The portfolio in {root} is encrypted, but its {KEYRING_FILE} is missing, so it cannot be "
            f"unlocked. Put {KEYRING_FILE} back from a backup of the portfolio."
        ) from None
    except KeyringError as exc:
        raise PortfolioError(
            f"The portfolio in {root} cannot be unlocked: {exc}. Put {KEYRING_FILE} back from a backup of the portfolio."
        ) from None


def _write_keyring(root: Path, keyring: Keyring, *, fsync: bool) -> None:
    write_file(root / KEYRING_FILE, keyring.to_bytes(), fsync=fsync)


def _unlock(keyring: Keyring, passphrase: str | None, root: Path) -> Keys:
    if passphrase is None:
        raise WrongPassphrase(f"The portfolio in {root} is protected by a passphrase. Enter it to open the portfolio.")
    try:
        return keyring.unlock(passphrase)
    except WrongSecret:
        raise WrongPassphrase(
            "That passphrase is not right. The portfolio was not opened, and nothing in it was changed."
        ) from None
    except KeyringError as exc:
        raise PortfolioError(f"The portfolio in {root} cannot be unlocked: {exc}.") from None


def _client_folders(root: Path) -> list[str]:
    try:
        with os.scandir(root / CLIENTS) as entries:
            return sorted(entry.name for entry in entries if not entry.name.startswith(".") and entry.is_dir())
    except FileNotFoundError:
        return []


def _deleting_folders(root: Path) -> list[tuple[str, Path]]:
    try:
        with os.scandir(root / CLIENTS) as entries:
            return sorted(
                (entry.name[len(DELETING_PREFIX):], Path(entry.path))
                for entry in entries
                if entry.name.startswith(DELETING_PREFIX) and entry.is_dir()
            )
    except FileNotFoundError:
        return []


def _finish_migration(root: Path, keyring: Keyring, keys: Keys, *, fsync: bool) -> None:
    """Encrypt every client-data file still in plaintext, then mark the portfolio complete.

    Idempotent and safe to interrupt at any point: each file is replaced atomically by its
    encrypted form, and a file that already starts with the encryption header is skipped.
    """
    # Unfinished saves are invisible plaintext copies of client data: they go first, and so
    # do the remains of an interrupted client deletion.
    for leftover in find_leftovers(root):
        remove_leftover(root / leftover)
    for _, trash in _deleting_folders(root):
        shutil.rmtree(trash)
    clients = _client_folders(root)
    missing = [client_id for client_id in clients if keyring.client_key(keys, client_id) is None]
    if missing:
        for client_id in missing:
            keyring.add_client(keys, client_id)
        _write_keyring(root, keyring, fsync=fsync)
    encrypted = 0
    for client_id in clients:
        key = keyring.client_key(keys, client_id)
        for folder, folders, files in os.walk(root / CLIENTS / client_id):
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            here = Path(folder)
            changed = False
            for name in sorted(files):
                if name.startswith("."):
                    continue
                path = here / name
                data = path.read_bytes()
                if is_encrypted(data):
                    continue
                identity = path.relative_to(root).as_posix()
                write_file(path, encrypt_file(key, identity, data), fsync=fsync, sync_folder=False)
                changed = True
                encrypted += 1
            if changed and fsync:
                fsync_folder(here)
    # The old index holds names and reflections in plaintext; it is rebuilt encrypted.
    remove_files(root / INDEX_FILE)
    _audit_log(root, keys, fsync=fsync).append("protect", detail=f"{encrypted} files encrypted")
    marker = _read_marker(root)[0]
    marker["encryption"] = encryption_document("complete")
    write_file(root / MARKER_FILE, encode_document(marker), fsync=fsync)


def _check_draft_name(activity_id: str, name: str) -> None:
    if not isinstance(activity_id, str) or not ACTIVITY_ID_PATTERN.match(activity_id):
        raise PortfolioError(f"The activity id {activity_id!r} is not valid.")
    if not isinstance(name, str) or not FILE_NAME_PATTERN.match(name):
        raise PortfolioError(f"The file name {name!r} is not allowed for work in progress.")


def _words(text: Any, what: str, max_chars: int, *, one_line: bool = False) -> str:
    """Typed words fit to store (see `checked_text`); PortfolioError, naming the bound, when not."""
    try:
        return checked_text(text, what, max_chars, one_line=one_line)
    except InputRefused as refusal:
        raise PortfolioError(str(refusal)) from None


def _check_feeling(feeling: int | None) -> None:
    if feeling is not None and (isinstance(feeling, bool) or not isinstance(feeling, int) or not FEELING_VALUES[0] <= feeling <= FEELING_VALUES[-1]):
        raise PortfolioError(
            f"A feeling is recorded as a whole number from {FEELING_VALUES[0]} to {FEELING_VALUES[-1]}, not {feeling!r}."
        )


def _role(draft: ArtifactDraft, name: str) -> str:
    return next((role for role in ("product", "thumbnail", "process") if getattr(draft, role) == name), "file")


def _next_sequence(artifacts_folder: Path) -> int:
    try:
        names = os.listdir(artifacts_folder)
    except FileNotFoundError:
        return 1
    numbers = [int(match.group(1)) for name in names if (match := _SEQUENCE_PREFIX.match(name))]
    return max(numbers, default=0) + 1


def _unused_name(folder: Path, make: Callable[[], str], also_taken: Callable[[str], str] | None = None) -> str:
    while True:
        name = make()
        if not (folder / name).exists() and (also_taken is None or not (folder / also_taken(name)).exists()):
            return name


def _random_letters(length: int = 4) -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def _unfinished(leftover: Path) -> str:
    """What check says about a leftover of an interrupted write (a path in the portfolio)."""
    if leftover.name.startswith(BUILDING_PREFIX):
        what = "a client being restored from an archive" if leftover.parent == Path(CLIENTS) else "a session being made from a file"
        return f"{leftover} is {what}, interrupted before it was whole: it is not in the portfolio; `check --repair` removes it"
    return f"{leftover} is an unfinished save, left by an interruption"
