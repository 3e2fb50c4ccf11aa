"""Protection of the portfolio: file and field encryption, the keyring, the audit log.

No Kivy and no knowledge of the portfolio's layout here: `expressive.portfolio.disk`
decides which files are client data and what their identities are.
"""

from .audit import EVENTS, AuditEntry, AuditLog
from .cipher import DecryptionError, FieldCipher, decrypt_file, encrypt_file, is_encrypted
from .keyring import KdfParams, Keyring, KeyringError, Keys, WrongSecret

__all__ = [
    "EVENTS",
    "AuditEntry",
    "AuditLog",
    "DecryptionError",
    "FieldCipher",
    "KdfParams",
    "Keyring",
    "KeyringError",
    "Keys",
    "WrongSecret",
    "decrypt_file",
    "encrypt_file",
    "is_encrypted",
]
