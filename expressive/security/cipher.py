"""Authenticated encryption (AES-256-GCM) of whole files in chunks, and of small values.

A client-data file is encrypted in place, under its own name, as:

    header   MAGIC (7 bytes) + FORMAT_VERSION (1 byte) + nonce prefix (8 random bytes)
    chunk 0  AES-GCM(plaintext[0:64 KiB])            + 16-byte tag
    chunk 1  AES-GCM(plaintext[64 KiB:128 KiB])      + 16-byte tag
    ...      the last chunk holds the rest (an empty file has one empty last chunk)

Chunk i uses the nonce `prefix + i` (4 bytes, big-endian), and its associated data binds
the header, the file's identity (its path relative to the portfolio root, e.g.
"clients/c-1/sessions/s/artifacts/a/drawing.png"), the chunk index and whether it is the
last chunk. So a changed byte, a truncated or extended file, reordered chunks, and a file
copied or moved to another client, session or artifact all fail to decrypt.

MAGIC starts with a byte that cannot start UTF-8 text, JSON, PNG or MIDI, so a file that
begins with it is an encrypted file, which an interrupted migration relies on.

A random 64-bit prefix per written file under one client key: a nonce collision needs on
the order of 2**32 files written under the same key, far beyond a client's portfolio.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Callable, Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from expressive.i18n import _

MAGIC = b"\x89EXPENC"
FORMAT_VERSION = 1
PREFIX_SIZE = 8
HEADER_SIZE = len(MAGIC) + 1 + PREFIX_SIZE
CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
KEY_SIZE = 32
NONCE_SIZE = 12
FIRST_CHUNK_END = HEADER_SIZE + CHUNK_SIZE + TAG_SIZE

_FILE_CONTEXT = b"expressive-file\x00"


class DecryptionError(Exception):
    """The data is not what was encrypted with this key, for this identity."""


def is_encrypted(data: bytes) -> bool:
    """Whether `data` starts like an encrypted file (says nothing about its integrity)."""
    return data[: len(MAGIC)] == MAGIC


def new_key() -> bytes:
    return os.urandom(KEY_SIZE)


def _chunk_aad(header: bytes, identity: bytes, index: int, last: bool) -> bytes:
    return b"".join((_FILE_CONTEXT, header, b"\x00", identity, b"\x00", struct.pack(">IB", index, last)))


def encrypt_file(key: bytes, identity: str, plaintext: bytes) -> bytes:
    """The encrypted form of `plaintext`, to be stored at `identity`."""
    header = MAGIC + bytes([FORMAT_VERSION]) + os.urandom(PREFIX_SIZE)
    prefix = header[-PREFIX_SIZE:]
    name = identity.encode("utf-8")
    aead = AESGCM(key)
    view = memoryview(plaintext)
    count = max(1, -(-len(plaintext) // CHUNK_SIZE))
    if count > 0xFFFFFFFF:
        raise ValueError("file too large to encrypt")
    parts = [header]
    for index in range(count):
        chunk = view[index * CHUNK_SIZE : (index + 1) * CHUNK_SIZE]
        last = index == count - 1
        nonce = prefix + struct.pack(">I", index)
        parts.append(aead.encrypt(nonce, chunk, _chunk_aad(header, name, index, last)))
    return b"".join(parts)


def decrypt_file(key: bytes, identity: str, data: bytes) -> bytes:
    """The plaintext of an encrypted file stored at `identity`; DecryptionError otherwise."""
    view = memoryview(data)
    position = 0

    def read(size: int) -> memoryview:
        nonlocal position
        position += size
        return view[position - size : position]

    parts = list(_decrypted(key, identity, read, len(data)))
    return parts[0] if len(parts) == 1 else b"".join(parts)


def decrypted_stream(key: bytes, identity: str, stream: BinaryIO, size: int) -> Iterator[bytes]:
    """The plaintext of the encrypted file open as `stream` (`size` bytes long), chunk by
    chunk, each read just before it is decrypted: for a reader that only hashes it
    (`check`), which so goes through every byte once while it is in the processor's cache.
    DecryptionError, as `decrypt_file`, when the bad chunk is reached."""
    return _decrypted(key, identity, stream.read, size)


def first_chunk_opens(key: bytes, identity: str, head: bytes, size: int) -> bool:
    """Whether `key` decrypts the first chunk of the encrypted file stored at `identity`,
    `size` bytes long, which begins with `head` (at least FIRST_CHUNK_END bytes, or all of
    it): which of a client's key generations a file was written with, tried newest first."""
    view = memoryview(head)
    position = 0

    def read(count: int) -> memoryview:
        nonlocal position
        position += count
        return view[position - count : position]

    try:
        next(_decrypted(key, identity, read, size))
    except DecryptionError:
        return False
    return True


def _decrypted(key: bytes, identity: str, read: Callable[[int], bytes | memoryview], size: int) -> Iterator[bytes]:
    header = bytes(read(HEADER_SIZE))
    if size < HEADER_SIZE + TAG_SIZE or not is_encrypted(header):
        raise DecryptionError(_("not an encrypted file, or cut short"))
    if header[len(MAGIC)] != FORMAT_VERSION:
        raise DecryptionError(_("an unknown encryption format version"))
    prefix = header[-PREFIX_SIZE:]
    name = identity.encode("utf-8")
    aead = AESGCM(key)
    body = size - HEADER_SIZE
    sealed = CHUNK_SIZE + TAG_SIZE
    count = max(1, -(-body // sealed))
    if body - (count - 1) * sealed < TAG_SIZE:
        raise DecryptionError(_("cut short"))
    for index in range(count):
        # A view, not a copy, when decrypting from memory.
        chunk = read(sealed)
        if len(chunk) != min(sealed, body - index * sealed):
            raise DecryptionError(_("cut short"))
        last = index == count - 1
        nonce = prefix + struct.pack(">I", index)
        try:
            yield aead.decrypt(nonce, chunk, _chunk_aad(header, name, index, last))
        except InvalidTag:
            raise DecryptionError(_("changed, damaged or moved")) from None


# --- small values: wrapped keys, index fields ----------------------------------------


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """nonce + AES-GCM ciphertext + tag, with a random 96-bit nonce."""
    nonce = os.urandom(NONCE_SIZE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < NONCE_SIZE + TAG_SIZE:
        raise DecryptionError(_("cut short"))
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], aad)
    except InvalidTag:
        raise DecryptionError(_("changed, damaged or encrypted with another key")) from None


class FieldCipher:
    """Encrypts single index fields; the associated data names the table, column and row,
    so a value copied into another row or column does not decrypt."""

    def __init__(self, key: bytes):
        self._key = key
        # Tells an index written under this key from one written under another (or none).
        self.fingerprint = hmac.new(key, b"expressive index key check", hashlib.sha256).hexdigest()[:32]

    @staticmethod
    def _aad(table: str, column: str, row: str) -> bytes:
        return f"expressive-index\x00{table}\x00{column}\x00{row}".encode()

    def tag(self, data: bytes) -> bytes:
        """A keyed digest of `data` (an index row's source, to tell whether it changed):
        without the key it says nothing about what was digested."""
        return hmac.new(self._key, b"expressive-index-row\x00" + data, hashlib.sha256).digest()[:16]

    def seal_text(self, table: str, column: str, row: str, text: str) -> bytes:
        return seal(self._key, text.encode("utf-8"), self._aad(table, column, row))

    def open_text(self, table: str, column: str, row: str, sealed: bytes) -> str:
        return unseal(self._key, bytes(sealed), self._aad(table, column, row)).decode("utf-8")
