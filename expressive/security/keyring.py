"""The portfolio's keys: a master key wrapped by the passphrase and by a recovery key, and
one data key per client.

    passphrase --Argon2id(salt, params)--> KEK --AES-GCM--> master key (MK, random 256 bits)
    recovery key --HKDF(salt)-----------> RKEK --AES-GCM--> the same MK
    MK --HKDF--> client-key wrapping key --AES-GCM, AAD = client id--> client data keys (DEK)
    MK --HKDF--> index key (fields of the SQLite index), audit key (HMAC of the audit log)

Each client's wrapped DEK lives in a file of its own, `keys/<client>/g<n>-<holder>.json`,
written once (see `expressive.portfolio.key_files`): older portfolios kept them in
keyring.json ("clients"), from where they are moved at unlock. Once several therapists share
the portfolio (see `therapist_keys` and `expressive.portfolio.therapists`), keyring.json
holds no passphrase: each therapist's own passphrase opens their X25519 private key, MK and
each DEK are sealed to the therapists who may use them and to the recovery key's own key
pair (derived from its secret), and a DEK has generations: taking a colleague's access
makes a new one for new files.

Changing the passphrase re-wraps MK only: no client file is re-encrypted. Erasing a client
deletes its wrapped DEKs, so any copy of its files left anywhere (a backup, a sync engine's
history, a disk block) can no longer be decrypted.

Deviations from the first design, on purpose:
- The recovery key is 144 random bits (plus a 16-bit typo check): with that much entropy a
  slow KDF adds nothing, so it is stretched with HKDF, not Argon2id; recovery is instant.
- DEKs are wrapped under a key derived from MK (HKDF, its own label) rather than under MK
  itself, so that MK is only ever used as HKDF input.
- Opening checks the passphrase by unwrapping MK (the GCM tag authenticates it), which
  costs one Argon2id run; the Argon2id verifier hash (PasswordHasher) serves
  `verify_passphrase` (leaving client mode) and is bound into the wrapped MK's associated
  data, so a verifier swapped on disk makes unlocking fail instead of letting a stranger's
  PIN through.

The keyring is a JSON document (`keyring.json`); this module only turns it into bytes and
back: the store writes it atomically.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from expressive.i18n import _
from expressive.limits import InputRefused, load_json_bounded

from .cipher import KEY_SIZE, DecryptionError, FieldCipher, new_key, seal, unseal

KEYRING_FORMAT = "expressive-keyring"
KEYRING_VERSION = 1
SALT_SIZE = 16
RECOVERY_SECRET_SIZE = 18
_RECOVERY_CHECK_SIZE = 2
_RECOVERY_GROUPS = 8
_RECOVERY_GROUP = 4
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# Characters people type for base32 letters they misread.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: `time_cost` passes over `memory_cost` KiB with `parallelism` lanes."""

    time_cost: int = 3
    memory_cost: int = 65536
    parallelism: int = 2

    def as_dict(self) -> dict[str, int]:
        return {"time_cost": self.time_cost, "memory_cost": self.memory_cost, "parallelism": self.parallelism}


class KeyringError(Exception):
    """keyring.json is missing pieces or is not a keyring; the message is plain."""


class WrongSecret(Exception):
    """The passphrase or recovery key does not open the keyring; the message is plain."""


@dataclass(frozen=True)
class Keys:
    """What an unlocked portfolio holds in memory."""

    master: bytes
    wrapping: bytes
    index: bytes
    audit: bytes
    # Who unlocked, when the portfolio has several therapists (see `therapist_keys`): their
    # id and private key; "" and None when one passphrase opens it all.
    therapist: str = ""
    private: X25519PrivateKey | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_master(cls, master: bytes) -> Keys:
        return cls(
            master=master,
            wrapping=_hkdf(master, b"expressive client-key wrapping"),
            index=_hkdf(master, b"expressive index fields"),
            audit=_hkdf(master, b"expressive audit log"),
        )

    def field_cipher(self) -> FieldCipher:
        return FieldCipher(self.index)


def _hkdf(secret: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=salt, info=info).derive(secret)


def normalised(passphrase: str) -> bytes:
    # The same passphrase typed on another keyboard may arrive composed differently.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (TypeError, ValueError):
        raise KeyringError(_("keyring.json has an invalid {what}").format(what=what)) from None


# --- the recovery key ----------------------------------------------------------------


def new_recovery_secret() -> bytes:
    return os.urandom(RECOVERY_SECRET_SIZE)


def _recovery_check(secret: bytes) -> bytes:
    return hashlib.sha256(b"expressive recovery key\x00" + secret).digest()[:_RECOVERY_CHECK_SIZE]


def format_recovery_key(secret: bytes) -> str:
    """Eight groups of four base32 characters: 'ABCD-EFGH-...'."""
    text = base64.b32encode(secret + _recovery_check(secret)).decode("ascii")
    return "-".join(text[i : i + _RECOVERY_GROUP] for i in range(0, len(text), _RECOVERY_GROUP))


def parse_recovery_key(text: str) -> bytes:
    """The secret in a typed recovery key; WrongSecret in plain words when it cannot be one."""
    cleaned = "".join(str(text).split()).replace("-", "").upper().translate(_LOOKALIKES)
    length = _RECOVERY_GROUPS * _RECOVERY_GROUP
    if len(cleaned) != length or any(char not in _BASE32 for char in cleaned):
        raise WrongSecret(
            _("That is not a recovery key. A recovery key has {length} letters and digits in "
               "{groups} groups of {size}, like ABCD-EFGH-JKLM-...").format(
                   length=length, groups=_RECOVERY_GROUPS, size=_RECOVERY_GROUP)
        )
    raw = base64.b32decode(cleaned)
    secret, check = raw[:RECOVERY_SECRET_SIZE], raw[RECOVERY_SECRET_SIZE:]
    if _recovery_check(secret) != check:
        raise WrongSecret(_("That recovery key has a typing mistake in it. Check every group and try again."))
    return secret


def recovery_private_key(secret: bytes) -> X25519PrivateKey:
    """The recovery key's own key pair, derived from its secret: client keys sealed to its
    public key are opened with the recovery key alone."""
    return X25519PrivateKey.from_private_bytes(_hkdf(secret, b"expressive recovery key pair"))


# --- the keyring document ------------------------------------------------------------


def derive_passphrase_key(passphrase: str, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(
        secret=normalised(passphrase),
        salt=salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_cost,
        parallelism=kdf.parallelism,
        hash_len=KEY_SIZE,
        type=Type.ID,
    )


def hasher(kdf: KdfParams) -> PasswordHasher:
    return PasswordHasher(
        time_cost=kdf.time_cost, memory_cost=kdf.memory_cost, parallelism=kdf.parallelism,
        hash_len=KEY_SIZE, salt_len=SALT_SIZE, type=Type.ID,
    )


class Keyring:
    """The parsed keyring.json. Methods that change it need the master key (or a secret)."""

    def __init__(self, doc: dict[str, Any]):
        self._doc = doc
        self._check_shape()

    # --- making and reading ----------------------------------------------------------

    @classmethod
    def create(cls, passphrase: str, kdf: KdfParams | None = None) -> tuple[Keyring, Keys, str]:
        """A new keyring with a new master key; returns it, the keys and the recovery key."""
        kdf = kdf or KdfParams()
        master = new_key()
        keyring = cls.__new__(cls)
        keyring._doc = {
            "format": KEYRING_FORMAT,
            "version": KEYRING_VERSION,
            "cipher": "AES-256-GCM",
            "kdf": {"algorithm": "argon2id", **kdf.as_dict(), "salt": ""},
            "verifier": "",
            "master_key": {"by_passphrase": "", "by_recovery_key": "", "recovery_salt": ""},
            "clients": {},
        }
        keyring.set_passphrase(master, passphrase, kdf)
        recovery_key = keyring.set_recovery_key(master)
        return keyring, Keys.from_master(master), recovery_key

    @classmethod
    def from_bytes(cls, data: bytes) -> Keyring:
        try:
            doc = load_json_bounded(data, what="keyring.json")
        except InputRefused as refusal:
            raise KeyringError(str(refusal).rstrip(".")) from None
        if not isinstance(doc, dict) or doc.get("format") != KEYRING_FORMAT:
            raise KeyringError(_("keyring.json is not an Expressive keyring"))
        version = doc.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise KeyringError(_("keyring.json has no valid version number"))
        if version > KEYRING_VERSION:
            raise KeyringError(_("keyring.json was made by a newer version of Expressive"))
        return cls(doc)

    def to_bytes(self) -> bytes:
        return (json.dumps(self._doc, indent=2, sort_keys=False) + "\n").encode("utf-8")

    def _check_shape(self) -> None:
        doc = self._doc
        kdf, wrapped, clients = doc.get("kdf"), doc.get("master_key"), doc.get("clients")
        if (
            not isinstance(kdf, dict)
            or kdf.get("algorithm") != "argon2id"
            or not all(isinstance(kdf.get(name), int) and kdf.get(name) > 0 for name in ("time_cost", "memory_cost", "parallelism"))
            or not isinstance(wrapped, dict)
            or not isinstance(doc.get("verifier"), str)
            or not isinstance(clients, dict)
            or not all(isinstance(value, str) for value in clients.values())
        ):
            raise KeyringError(_("keyring.json is incomplete or has an invalid entry"))

    @property
    def kdf(self) -> KdfParams:
        kdf = self._doc["kdf"]
        return KdfParams(kdf["time_cost"], kdf["memory_cost"], kdf["parallelism"])

    def _passphrase_aad(self) -> bytes:
        # Binds the KDF parameters, the salt and the verifier hash to the wrapped master key.
        kdf = self._doc["kdf"]
        bound = json.dumps([kdf, self._doc["verifier"]], sort_keys=True).encode("utf-8")
        return b"expressive master key by passphrase\x00" + bound

    # --- opening ---------------------------------------------------------------------

    def unlock(self, passphrase: str) -> Keys:
        """The keys, if `passphrase` is right; WrongSecret otherwise."""
        salt = _unb64(self._doc["kdf"].get("salt"), "salt")
        wrapped = _unb64(self._doc["master_key"].get("by_passphrase"), "wrapped key")
        kek = derive_passphrase_key(passphrase, salt, self.kdf)
        try:
            master = unseal(kek, wrapped, self._passphrase_aad())
        except DecryptionError:
            raise WrongSecret(_("That passphrase is not right.")) from None
        return Keys.from_master(master)

    def unlock_with_recovery_key(self, recovery_key: str) -> Keys:
        secret = parse_recovery_key(recovery_key)
        entry = self._doc["master_key"]
        salt = _unb64(entry.get("recovery_salt"), "recovery salt")
        wrapped = _unb64(entry.get("by_recovery_key"), "wrapped key")
        try:
            master = unseal(_hkdf(secret, b"expressive recovery key", salt), wrapped, b"expressive master key by recovery key")
        except DecryptionError:
            raise WrongSecret(_("That recovery key does not open this portfolio.")) from None
        return Keys.from_master(master)

    def verify(self, passphrase: str) -> bool:
        """Whether `passphrase` is right, by the Argon2id verifier hash alone."""
        try:
            return hasher(self.kdf).verify(self._doc["verifier"], normalised(passphrase))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    # --- changing --------------------------------------------------------------------

    def set_passphrase(self, master: bytes, passphrase: str, kdf: KdfParams | None = None) -> None:
        """Wrap the master key under a new passphrase (new salt, new verifier)."""
        kdf = kdf or self.kdf
        salt = os.urandom(SALT_SIZE)
        self._doc["kdf"] = {"algorithm": "argon2id", **kdf.as_dict(), "salt": _b64(salt)}
        self._doc["verifier"] = hasher(kdf).hash(normalised(passphrase))
        kek = derive_passphrase_key(passphrase, salt, kdf)
        self._doc["master_key"]["by_passphrase"] = _b64(seal(kek, master, self._passphrase_aad()))

    def set_recovery_key(self, master: bytes, secret: bytes | None = None) -> str:
        """Wrap the master key under a new recovery key (`secret`, or a new one), which
        replaces the old one; returns it. Its public key is kept too, so that client keys
        can be sealed to the recovery key (several therapists: see `therapist_keys`)."""
        secret = secret or new_recovery_secret()
        salt = os.urandom(SALT_SIZE)
        wrapped = seal(_hkdf(secret, b"expressive recovery key", salt), master, b"expressive master key by recovery key")
        self._doc["master_key"]["by_recovery_key"] = _b64(wrapped)
        self._doc["master_key"]["recovery_salt"] = _b64(salt)
        self._doc["master_key"]["recovery_public"] = _b64(
            recovery_private_key(secret).public_key().public_bytes_raw())
        return format_recovery_key(secret)

    @property
    def recovery_public(self) -> bytes | None:
        """The recovery key's public key; None for a recovery key made before there was one."""
        text = self._doc["master_key"].get("recovery_public")
        return None if text is None else _unb64(text, "recovery public key")

    # --- several therapists (see `therapist_keys`) ---------------------------------------

    @property
    def shared(self) -> bool:
        """Whether the portfolio has several therapists, each with their own passphrase:
        then keyring.json holds no passphrase any more, only the recovery key."""
        return self._doc["master_key"].get("by_passphrase") == "" and self._doc.get("verifier") == ""

    def share(self, master: bytes, recovery_secret: bytes) -> str:
        """Leave the passphrase to the therapists' own key files: keyring.json keeps the
        master key under a new recovery key only (see `set_recovery_key`)."""
        self._doc["master_key"]["by_passphrase"] = ""
        self._doc["verifier"] = ""
        self._doc["master_keys_left"] = True
        return self.set_recovery_key(master, recovery_secret)

    @property
    def master_keys_left(self) -> bool:
        """Whether client keys wrapped under the master key may still lie in key files,
        which every therapist could open, after sharing: they are removed next."""
        return self._doc.get("master_keys_left") is True

    def master_keys_gone(self) -> None:
        self._doc.pop("master_keys_left", None)

    # --- client keys (older portfolios kept them here; see `expressive.portfolio.key_files`) --

    def client_ids(self) -> list[str]:
        return sorted(self._doc["clients"])

    def wrapped_client_key(self, client_id: str) -> str | None:
        """The client's wrapped key as keyring.json holds it (older portfolios), to be
        moved as it is into the client's key file; None when it has none here."""
        return self._doc["clients"].get(client_id)

    def client_key(self, keys: Keys, client_id: str) -> bytes | None:
        """The client's data key; None when the keyring has none for it.

        KeyringError when the wrapped key is there but does not decrypt (changed on disk).
        """
        wrapped = self._doc["clients"].get(client_id)
        return None if wrapped is None else unwrap_client_key(keys, client_id, wrapped)

    def add_client(self, keys: Keys, client_id: str) -> bytes:
        key = new_key()
        self._doc["clients"][client_id] = wrap_client_key(keys, client_id, key)
        return key

    def remove_client(self, client_id: str) -> bool:
        """Forget the client's key for ever; whether there was one."""
        return self._doc["clients"].pop(client_id, None) is not None


def _client_aad(client_id: str) -> bytes:
    return b"expressive client key\x00" + client_id.encode("utf-8")


def wrap_client_key(keys: Keys, client_id: str, key: bytes) -> str:
    """A client's data key wrapped under the master key, bound to the client (base64)."""
    return _b64(seal(keys.wrapping, key, _client_aad(client_id)))


def unwrap_client_key(keys: Keys, client_id: str, wrapped: Any) -> bytes:
    """The data key `wrap_client_key` wrapped; KeyringError when it does not decrypt."""
    try:
        return unseal(keys.wrapping, _unb64(wrapped, "client key"), _client_aad(client_id))
    except DecryptionError:
        raise KeyringError(_("the key of client {client_id} is damaged").format(client_id=client_id)) from None
