"""The keys of an encrypted portfolio: keyring.json, unlocking it, each client's data key,
the passphrase and the recovery key (see `expressive.security.keyring`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from expressive.i18n import _
from expressive.security.keyring import Keyring, KeyringError, Keys, WrongSecret

from .atomic import NotDurable, write_failure
from .auditing import Audit, open_audit_log, unrecorded
from .disk import replace_file, writing
from .folder import hold
from .layout import KEYRING_FILE
from .lock import release
from .records import PortfolioError, WrongPassphrase

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


def unlock(keyring: Keyring, passphrase: str | None, root: Path) -> Keys:
    if passphrase is None:
        raise WrongPassphrase(_("The portfolio in {root} is protected by a passphrase. Enter it to open the portfolio.").format(
            root=root))
    try:
        return keyring.unlock(passphrase)
    except WrongSecret:
        raise WrongPassphrase(
            _("That passphrase is not right. The portfolio was not opened, and nothing in it was changed.")
        ) from None
    except KeyringError as exc:
        raise PortfolioError(_("The portfolio in {root} cannot be unlocked: {error}.").format(
            root=root, error=exc)) from None


def recover(root: Path, recovery_key: str, new_passphrase: str) -> None:
    """See `Portfolio.recover`; `root` holds an encrypted portfolio."""
    hold(root)
    try:
        try:
            keyring = load_keyring(root)
            try:
                keys = keyring.unlock_with_recovery_key(recovery_key)
            except WrongSecret as exc:
                raise WrongPassphrase(_("{error} Nothing was changed.").format(error=exc)) from None
            keyring.set_passphrase(keys.master, new_passphrase)
            write_keyring(root, keyring, fsync=True)
        except OSError as exc:
            raise write_failure(exc, _("set the new passphrase"), root) from exc
        try:
            open_audit_log(root, keys, fsync=True, entries_expected=True).append("recover")
        except OSError as exc:
            raise unrecorded(_("The new passphrase is set and in force"), exc, root) from exc
    finally:
        release(root)


class Vault:
    """An open portfolio's keys: none when it is unencrypted, and none once it is closed."""

    def __init__(self, root: Path, keys: Keys | None, keyring: Keyring | None, audit: Audit, *, fsync: bool):
        self.root = root
        self.keys = keys
        self.keyring = keyring
        self._audit = audit
        self._fsync = fsync
        self._client_keys: dict[str, bytes] = {}

    @property
    def unlocked(self) -> bool:
        """Whether client files are encrypted and decrypted with these keys."""
        return self.keys is not None

    def forget(self) -> None:
        self.keys = None
        self._client_keys.clear()

    def client_key(self, client_id: str) -> bytes | None:
        key = self._client_keys.get(client_id)
        if key is None:
            key = self.keyring.client_key(self.keys, client_id)
            if key is None:
                # Another process (the command line beside the app) may have added the client.
                self.keyring = load_keyring(self.root)
                key = self.keyring.client_key(self.keys, client_id)
            if key is not None:
                self._client_keys[client_id] = key
        return key

    def update_keyring(self, change: Callable[[Keyring], Any]) -> Any:
        """Apply `change` to keyring.json as it is on disk now, and write it back atomically."""
        keyring = load_keyring(self.root)
        result = change(keyring)
        write_keyring(self.root, keyring, fsync=self._fsync)
        self.keyring = keyring
        return result

    # --- clients' keys ----------------------------------------------------------------------

    def add_client_key(self, client_id: str) -> None:
        """Give a new client its key, in keyring.json before any of its files exists."""
        keys = self.keys
        with writing(_("add the client"), self.root, self.root):
            try:
                key = self.update_keyring(lambda keyring: keyring.add_client(keys, client_id))
            except NotDurable as exc:
                # Not confirmed by the device: a client must never outlive its key on a
                # power cut, so the client is not added (and the key taken back).
                self.take_key_back(client_id)
                raise OSError(exc.errno, exc.strerror) from exc
        self._client_keys[client_id] = key

    def take_key_back(self, client_id: str) -> None:
        """Remove a key that never encrypted anything visible, so a failed save leaves
        keyring.json as it was (if even that fails, an unused key is harmless)."""
        self._client_keys.pop(client_id, None)
        try:
            self.update_keyring(lambda keyring: keyring.remove_client(client_id))
        except (OSError, PortfolioError):
            pass

    def erase_client_key(self, client_id: str) -> None:
        """Remove a deleted client's key, after which no copy of its files can be decrypted."""
        self._client_keys.pop(client_id, None)
        if client_id in self.keyring.client_ids() or client_id in load_keyring(self.root).client_ids():
            self.update_keyring(lambda keyring: keyring.remove_client(client_id))

    # --- the passphrase and the recovery key ---------------------------------------------

    def require_keyring(self, action: str) -> Keyring:
        if self.keyring is None or self.keys is None:
            raise PortfolioError(_("This portfolio is not protected by a passphrase, so Expressive cannot {action}.").format(
                action=action))
        return self.keyring

    def verify_passphrase(self, passphrase: str) -> bool:
        keyring = self.require_keyring(_("check a passphrase"))
        return isinstance(passphrase, str) and keyring.verify(passphrase)

    def change_passphrase(self, old: str, new: str) -> None:
        self.require_keyring(_("change the passphrase"))
        check_new_passphrase(new)
        if not self.verify_passphrase(old):
            raise WrongPassphrase(_("The current passphrase is not right, so the passphrase was not changed."))
        keys = self.keys
        with writing(_("change the passphrase"), self.root, self.root):
            self.update_keyring(lambda keyring: keyring.set_passphrase(keys.master, new))
        self._audit.record_after(_("The passphrase was changed, and the new one is in force"), "change-passphrase")

    def new_recovery_key(self, passphrase: str) -> str:
        self.require_keyring(_("make a new recovery key"))
        if not self.verify_passphrase(passphrase):
            raise WrongPassphrase(_("The passphrase is not right, so no new recovery key was made."))
        keys = self.keys
        with writing(_("make a new recovery key"), self.root, self.root):
            recovery_key = self.update_keyring(lambda keyring: keyring.set_recovery_key(keys.master))
        # The new key is in force whatever happens next, so it must reach the person.
        try:
            self._audit.record_after(_("A new recovery key was made"), "change-passphrase", detail="new recovery key")
        except PortfolioError:
            pass
        return recovery_key
