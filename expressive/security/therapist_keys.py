"""Several therapists, each with their own passphrase: their key pairs, and keys sealed to them.

    passphrase --Argon2id(salt, params)--> KEK --AES-GCM--> the therapist's X25519 private key
    a secret (the master key, a client's data key)
        --sealed to a public key: ephemeral X25519 + ECDH + HKDF + AES-GCM-->
        a sealed key that only the holder of the private key opens

A therapist's record (`therapists/<therapist-id>.json`) holds their name, their public key,
their private key wrapped under their passphrase, and an Argon2id verifier bound into the
wrapping's associated data (as in the keyring). Only that therapist ever writes it.

A sealed key's associated data names what it is and for whom ("client", the client's id,
the therapist's id, the key's generation), so a sealed key copied to another file, client
or therapist does not open. The recovery key has a key pair too: its private key is derived
from the recovery secret, so every client key can also be sealed to it (see `keyring`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from expressive.i18n import _

from .cipher import KEY_SIZE, DecryptionError, seal, unseal
from .keyring import SALT_SIZE, KdfParams, KeyringError, WrongSecret, derive_passphrase_key, hasher, normalised

THERAPIST_FORMAT = "expressive-therapist"
PUBLIC_KEY_SIZE = 32
MAX_THERAPIST_NAME_CHARS = 60


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (TypeError, ValueError):
        raise KeyringError(_("a therapist's key file has an invalid {what}").format(what=what)) from None


def public_bytes(private: X25519PrivateKey) -> bytes:
    return private.public_key().public_bytes_raw()


def _sealing_key(shared: bytes, ephemeral: bytes, public: bytes, context: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=ephemeral + public,
                info=b"expressive sealed key\x00" + context).derive(shared)


def seal_to(public: bytes, secret: bytes, context: bytes) -> dict[str, str]:
    """`secret` sealed to the holder of `public`'s private key, bound to `context`."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = public_bytes(ephemeral)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    key = _sealing_key(shared, ephemeral_public, public, context)
    return {"ephemeral": _b64(ephemeral_public), "sealed": _b64(seal(key, secret, context))}


def open_sealed(private: X25519PrivateKey, fields: dict[str, Any], context: bytes) -> bytes:
    """What `seal_to` sealed; KeyringError when it is not sealed to this key for `context`."""
    ephemeral = _unb64(fields.get("ephemeral"), "ephemeral key")
    if len(ephemeral) != PUBLIC_KEY_SIZE:
        raise KeyringError(_("a sealed key is damaged"))
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
    key = _sealing_key(shared, ephemeral, public_bytes(private), context)
    try:
        return unseal(key, _unb64(fields.get("sealed"), "sealed key"), context)
    except DecryptionError:
        raise KeyringError(_("a sealed key is damaged or not meant for this therapist")) from None


def client_key_context(client_id: str, holder: str, generation: int) -> bytes:
    return f"client\x00{client_id}\x00{holder}\x00{generation}".encode()


def master_key_context(therapist_id: str) -> bytes:
    return f"master\x00{therapist_id}".encode()


def invitation_proof(code_secret: bytes, invitation_id: str, therapist_id: str, name: str, public: bytes) -> str:
    """What a colleague joining with an invitation's one-time code writes into their record:
    a MAC, under the code, of who they are and their public key. Whoever accepts them checks
    it with the code kept with the invitation, so a record planted in the folder by anyone
    without the code (the sync server, a stranger's device) is never given a key."""
    key = HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=b"expressive invitation").derive(code_secret)
    message = json.dumps([invitation_id, therapist_id, name, _b64(public)]).encode("utf-8")
    return _b64(hmac.new(key, message, hashlib.sha256).digest())


def proof_matches(expected: str, given: Any) -> bool:
    return isinstance(given, str) and hmac.compare_digest(expected.encode(), given.encode())


@dataclass
class TherapistRecord:
    """A parsed `therapists/<therapist-id>.json`."""

    doc: dict[str, Any]

    @classmethod
    def create(cls, therapist_id: str, name: str, passphrase: str, kdf: KdfParams) -> tuple[TherapistRecord, X25519PrivateKey]:
        private = X25519PrivateKey.generate()
        record = cls({"format": THERAPIST_FORMAT, "id": therapist_id, "name": name, "public": _b64(public_bytes(private))})
        record.set_passphrase(private, passphrase, kdf)
        return record, private

    @classmethod
    def from_doc(cls, doc: Any, therapist_id: str) -> TherapistRecord:
        kdf = doc.get("kdf") if isinstance(doc, dict) else None
        if (
            not isinstance(doc, dict) or doc.get("format") != THERAPIST_FORMAT or doc.get("id") != therapist_id
            or not isinstance(doc.get("name"), str) or not 0 < len(doc["name"]) <= MAX_THERAPIST_NAME_CHARS
            or not all(isinstance(doc.get(name), str) for name in ("public", "verifier", "private_key"))
            or not isinstance(kdf, dict) or kdf.get("algorithm") != "argon2id"
            or not all(isinstance(kdf.get(name), int) and not isinstance(kdf.get(name), bool) and 0 < kdf[name] < 1 << 24
                       for name in ("time_cost", "memory_cost", "parallelism"))
        ):
            raise KeyringError(_("the key file of therapist {therapist_id} is damaged").format(therapist_id=therapist_id))
        record = cls(doc)
        if len(record.public) != PUBLIC_KEY_SIZE:
            raise KeyringError(_("the key file of therapist {therapist_id} is damaged").format(therapist_id=therapist_id))
        return record

    def to_bytes(self) -> bytes:
        return (json.dumps(self.doc, indent=2) + "\n").encode("utf-8")

    @property
    def id(self) -> str:
        return self.doc["id"]

    @property
    def name(self) -> str:
        return self.doc["name"]

    @property
    def public(self) -> bytes:
        return _unb64(self.doc["public"], "public key")

    @property
    def kdf(self) -> KdfParams:
        kdf = self.doc["kdf"]
        return KdfParams(kdf["time_cost"], kdf["memory_cost"], kdf["parallelism"])

    def _aad(self) -> bytes:
        # Binds who this is, their public key, the KDF and the verifier to the wrapped key.
        bound = json.dumps([self.doc["id"], self.doc["public"], self.doc["kdf"], self.doc["verifier"]], sort_keys=True)
        return b"expressive therapist private key\x00" + bound.encode("utf-8")

    def set_passphrase(self, private: X25519PrivateKey, passphrase: str, kdf: KdfParams | None = None) -> None:
        kdf = kdf or self.kdf
        salt = os.urandom(SALT_SIZE)
        self.doc["kdf"] = {"algorithm": "argon2id", **kdf.as_dict(), "salt": _b64(salt)}
        self.doc["verifier"] = hasher(kdf).hash(normalised(passphrase))
        kek = derive_passphrase_key(passphrase, salt, kdf)
        self.doc["private_key"] = _b64(seal(kek, private.private_bytes_raw(), self._aad()))

    def unlock(self, passphrase: str) -> X25519PrivateKey:
        """The therapist's private key, if `passphrase` is theirs; WrongSecret otherwise."""
        kek = derive_passphrase_key(passphrase, _unb64(self.doc["kdf"].get("salt"), "salt"), self.kdf)
        try:
            raw = unseal(kek, _unb64(self.doc["private_key"], "wrapped key"), self._aad())
        except DecryptionError:
            raise WrongSecret(_("That passphrase is not right.")) from None
        private = X25519PrivateKey.from_private_bytes(raw)
        if public_bytes(private) != self.public:
            raise KeyringError(_("the key file of therapist {therapist_id} is damaged").format(therapist_id=self.id))
        return private

    def verify(self, passphrase: str) -> bool:
        try:
            return hasher(self.kdf).verify(self.doc["verifier"], normalised(passphrase))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
