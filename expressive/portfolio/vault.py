"""The keys of an encrypted portfolio: keyring.json, unlocking it, each client's data key
(in its key files, see `key_files`), the passphrase and the recovery key (see
`expressive.security.keyring`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from expressive.i18n import _
from expressive.security.cipher import new_key
from expressive.security.keyring import Keyring, KeyringError, Keys, WrongSecret, unwrap_client_key, wrap_client_key
from expressive.security.therapist_keys import TherapistRecord, client_key_context, open_sealed, seal_to

from .atomic import NotDurable, fsync_folder, write_failure
from .auditing import Audit, open_audit_log, unrecorded
from .disk import replace_file, writing
from .folder import hold
from .key_files import KEYS, MASTER_HOLDER, RECOVERY_HOLDER, KeyFile, key_file, read_key_files, remove_key_files, write_key_file
from .layout import KEYRING_FILE
from .lock import release
from .records import PortfolioError, WrongPassphrase
from .therapist_files import (
    find_therapist,
    read_therapists,
    recover_therapist,
    therapist_file,
    unlock_as_therapist,
    write_json,
)

MIN_PASSPHRASE_LENGTH = 6


def check_new_passphrase(passphrase: str) -> None:
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise PortfolioError(
            _("A passphrase needs at least {length} characters (a PIN at least "
               "{length} digits). Choose a longer one.").format(length=MIN_PASSPHRASE_LENGTH)
        )
    if not passphrase.strip():
        raise PortfolioError(_("A passphrase cannot be only spaces. Choose another one."))


def keyring_bytes(root: Path) -> bytes | None:
    try:
        return (root / KEYRING_FILE).read_bytes()
    except FileNotFoundError:
        return None


def load_keyring(root: Path) -> Keyring:
    try:
        return Keyring.from_bytes((root / KEYRING_FILE).read_bytes())
    except FileNotFoundError:
        raise PortfolioError(
            _("The portfolio in {root} is encrypted, but its {keyring} is missing, so it cannot be "
               "unlocked. Put {keyring} back from a backup of the portfolio.").format(root=root, keyring=KEYRING_FILE)
        ) from None
    except KeyringError as exc:
        raise PortfolioError(
            _("The portfolio in {root} cannot be unlocked: {error}. Put {keyring} back from a backup "
               "of the portfolio.").format(root=root, error=exc, keyring=KEYRING_FILE)
        ) from None


def write_keyring(root: Path, keyring: Keyring, *, fsync: bool) -> None:
    replace_file(root / KEYRING_FILE, keyring.to_bytes(), fsync=fsync)


def unlock(keyring: Keyring, passphrase: str | None, root: Path, therapist: str | None = None) -> Keys:
    """The keys, with the one passphrase of the portfolio or, once it has several
    therapists, with the passphrase of `therapist` (a name; not needed when there is one)."""
    if passphrase is None:
        raise WrongPassphrase(_("The portfolio in {root} is protected by a passphrase. Enter it to open the portfolio.").format(
            root=root))
    try:
        if keyring.shared:
            return unlock_as_therapist(root, passphrase, therapist)
        return keyring.unlock(passphrase)
    except WrongSecret:
        raise WrongPassphrase(
            _("That passphrase is not right. The portfolio was not opened, and nothing in it was changed.")
        ) from None
    except KeyringError as exc:
        raise PortfolioError(_("The portfolio in {root} cannot be unlocked: {error}.").format(
            root=root, error=exc)) from None


def recover(root: Path, recovery_key: str, new_passphrase: str, therapist: str | None = None) -> None:
    """See `Portfolio.recover`; `root` holds an encrypted portfolio."""
    hold(root)
    try:
        try:
            keyring = load_keyring(root)
            try:
                keys = keyring.unlock_with_recovery_key(recovery_key)
            except WrongSecret as exc:
                raise WrongPassphrase(_("{error} Nothing was changed.").format(error=exc)) from None
            if keyring.shared:
                keys = recover_therapist(root, keyring, keys, recovery_key, therapist, new_passphrase)
            else:
                keyring.set_passphrase(keys.master, new_passphrase)
                write_keyring(root, keyring, fsync=True)
        except OSError as exc:
            raise write_failure(exc, _("set the new passphrase"), root) from exc
        try:
            open_audit_log(root, keys, fsync=True, entries_expected=True).append("recover", by=keys.therapist or None)
        except OSError as exc:
            raise unrecorded(_("The new passphrase is set and in force"), exc, root) from exc
    finally:
        release(root)


def move_client_keys_out(root: Path, keyring: Keyring, *, fsync: bool) -> None:
    """Move the client keys an older keyring.json holds into key files of their own (see
    `key_files`): every key file first, durably, then keyring.json without them. A kill at
    any point leaves each key in one place or both, and readers look in both; running it
    again finishes the work."""
    moving = keyring.client_ids()
    if not moving:
        return
    for client_id in moving:
        if not key_file(root, client_id, 1, MASTER_HOLDER).exists():
            write_key_file(root, client_id, 1, MASTER_HOLDER, {"wrapped": keyring.wrapped_client_key(client_id)},
                           fsync=fsync)
    for client_id in moving:
        keyring.remove_client(client_id)
    write_keyring(root, keyring, fsync=fsync)


def drop_master_wrapped_keys(root: Path, keyring: Keyring, *, fsync: bool) -> None:
    """Once the portfolio is shared: remove the client keys wrapped under the master key
    (every therapist holds the master key), then say so in keyring.json. Each key is
    sealed to its therapists and the recovery key before sharing takes effect, so a kill
    here loses nothing, and the next unlock finishes the work."""
    if not keyring.master_keys_left:
        return
    for folder in sorted((root / KEYS).glob("c-*")):
        for path in sorted(folder.glob(f"g*-{MASTER_HOLDER}.json")):
            path.unlink()
            if fsync:
                fsync_folder(folder)
    keyring.master_keys_gone()
    write_keyring(root, keyring, fsync=fsync)


class Vault:
    """An open portfolio's keys: none when it is unencrypted, and none once it is closed."""

    def __init__(self, root: Path, keys: Keys | None, keyring: Keyring | None, audit: Audit, *, fsync: bool):
        self.root = root
        self.keys = keys
        self.keyring = keyring
        self._audit = audit
        self.fsync = fsync
        self._client_keys: dict[str, list[bytes]] = {}

    @property
    def unlocked(self) -> bool:
        """Whether client files are encrypted and decrypted with these keys."""
        return self.keys is not None

    def become(self, keys: Keys) -> None:
        """Hold `keys` from now on: the portfolio was just shared, and is unlocked as its first therapist."""
        self.keys = keys
        self.keyring = load_keyring(self.root)
        self._client_keys.clear()

    def sees(self, client_id: str) -> bool:
        """Whether the client is listed: always with one passphrase; with several
        therapists, when the unlocked one holds a key of the client."""
        if self.keys is None or not self.keys.therapist:
            return True
        try:
            return bool(self.client_keys(client_id))
        except KeyringError:
            return False

    def forget(self) -> None:
        self.keys = None
        self._client_keys.clear()

    @property
    def holder(self) -> str:
        """Whose client keys this vault opens: the unlocked therapist's, or the master key's."""
        return self.keys.therapist or MASTER_HOLDER

    def client_key(self, client_id: str) -> bytes | None:
        """The key new files of the client are encrypted with (the newest generation this
        vault holds); None when it holds none. KeyringError when a key file is damaged."""
        keys = self.client_keys(client_id)
        return keys[0] if keys else None

    def client_keys(self, client_id: str) -> list[bytes]:
        """Every generation of the client's key this vault holds, newest first: older files
        stay encrypted with the generation they were written with."""
        keys = self._client_keys.get(client_id)
        if not keys:
            keys = self._read_client_keys(client_id)
            if keys:
                self._client_keys[client_id] = keys
        return keys

    def _read_client_keys(self, client_id: str) -> list[bytes]:
        # Read from disk each time it is not known yet: another program beside this one
        # (the command line beside the app) or another tablet may have added the client.
        held = [self.open_key_file(wrapped) for wrapped in read_key_files(self.root, client_id, self.holder)]
        if held or self.keys.therapist:
            return held
        # An older portfolio's key not moved out of keyring.json yet (`move_client_keys_out`).
        key = self.keyring.client_key(self.keys, client_id)
        return [] if key is None else [key]

    def open_key_file(self, wrapped: KeyFile) -> bytes:
        if wrapped.holder == MASTER_HOLDER:
            return unwrap_client_key(self.keys, wrapped.client_id, wrapped.fields.get("wrapped"))
        return open_sealed(self.keys.private, wrapped.fields,
                           client_key_context(wrapped.client_id, wrapped.holder, wrapped.generation))

    def seal_client_key(self, client_id: str, generation: int, key: bytes, holder: str, public: bytes) -> None:
        """Write the client's key of `generation` sealed to `holder` (a therapist, or the recovery key)."""
        write_key_file(self.root, client_id, generation, holder,
                       seal_to(public, key, client_key_context(client_id, holder, generation)), fsync=self.fsync)

    def forget_client_keys(self, client_id: str) -> None:
        """Drop what is known of the client's keys, to read them again from their files."""
        self._client_keys.pop(client_id, None)

    def update_keyring(self, change: Callable[[Keyring], Any]) -> Any:
        """Apply `change` to keyring.json as it is on disk now, and write it back atomically."""
        keyring = load_keyring(self.root)
        result = change(keyring)
        write_keyring(self.root, keyring, fsync=self.fsync)
        self.keyring = keyring
        return result

    # --- clients' keys ----------------------------------------------------------------------

    def add_client_key(self, client_id: str) -> None:
        """Give a new client its key, in its own key files before any of its files exists:
        wrapped under the master key or, with several therapists, sealed to the therapist
        adding the client and to the recovery key."""
        key = new_key()
        with writing(_("add the client"), self.root, self.root):
            try:
                if self.keys.therapist:
                    self.seal_client_key(client_id, 1, key, self.keys.therapist,
                                         self.keys.private.public_key().public_bytes_raw())
                    self.seal_client_key(client_id, 1, key, RECOVERY_HOLDER, self.keyring.recovery_public)
                else:
                    write_key_file(self.root, client_id, 1, MASTER_HOLDER,
                                   {"wrapped": wrap_client_key(self.keys, client_id, key)}, fsync=self.fsync)
            except NotDurable as exc:
                # Not confirmed by the device: a client must never outlive its key on a
                # power cut, so the client is not added (and the key taken back).
                self.take_key_back(client_id)
                raise OSError(exc.errno, exc.strerror) from exc
            except BaseException:
                self.take_key_back(client_id)
                raise
        self._client_keys[client_id] = [key]

    def take_key_back(self, client_id: str) -> None:
        """Remove a key that never encrypted anything visible, so a failed save leaves the
        portfolio as it was (if even that fails, an unused key is harmless)."""
        self._client_keys.pop(client_id, None)
        try:
            remove_key_files(self.root, client_id, fsync=self.fsync)
        except OSError:
            pass

    def erase_client_key(self, client_id: str) -> None:
        """Remove a deleted client's keys, after which no copy of its files can be decrypted."""
        self._client_keys.pop(client_id, None)
        remove_key_files(self.root, client_id, fsync=self.fsync)
        if client_id in self.keyring.client_ids() or client_id in load_keyring(self.root).client_ids():
            self.update_keyring(lambda keyring: keyring.remove_client(client_id))

    # --- the passphrase and the recovery key ---------------------------------------------

    def require_keyring(self, action: str) -> Keyring:
        if self.keyring is None or self.keys is None:
            raise PortfolioError(_("This portfolio is not protected by a passphrase, so Expressive cannot {action}.").format(
                action=action))
        return self.keyring

    def verify_passphrase(self, passphrase: str) -> bool:
        """Whether `passphrase` is the portfolio's, or, with several therapists, the unlocked one's."""
        keyring = self.require_keyring(_("check a passphrase"))
        if not isinstance(passphrase, str):
            return False
        return self._my_record().verify(passphrase) if self.keys.therapist else keyring.verify(passphrase)

    def _my_record(self) -> TherapistRecord:
        return find_therapist(read_therapists(self.root), self.keys.therapist)

    def change_passphrase(self, old: str, new: str) -> None:
        self.require_keyring(_("change the passphrase"))
        check_new_passphrase(new)
        if not self.verify_passphrase(old):
            raise WrongPassphrase(_("The current passphrase is not right, so the passphrase was not changed."))
        keys = self.keys
        with writing(_("change the passphrase"), self.root, self.root):
            if keys.therapist:
                record = self._my_record()
                record.set_passphrase(keys.private, new)
                write_json(therapist_file(self.root, record.id), record.doc, fsync=self.fsync)
            else:
                self.update_keyring(lambda keyring: keyring.set_passphrase(keys.master, new))
        self._audit.record_after(_("The passphrase was changed, and the new one is in force"), "change-passphrase")

    def new_recovery_key(self, passphrase: str) -> str:
        self.require_keyring(_("make a new recovery key"))
        if not self.verify_passphrase(passphrase):
            raise WrongPassphrase(_("The passphrase is not right, so no new recovery key was made."))
        if self.keys.therapist:
            # Every client's key would need sealing to it, and no one therapist holds them all.
            raise PortfolioError(_("Several therapists share this portfolio, so its recovery key stays the one shown "
                                   "when it was shared."))
        keys = self.keys
        with writing(_("make a new recovery key"), self.root, self.root):
            recovery_key = self.update_keyring(lambda keyring: keyring.set_recovery_key(keys.master))
        # The new key is in force whatever happens next, so it must reach the person.
        try:
            self._audit.record_after(_("A new recovery key was made"), "change-passphrase", detail="new recovery key")
        except PortfolioError:
            pass
        return recovery_key
