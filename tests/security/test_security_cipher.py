"""The file format: chunks of AES-GCM bound to the file's identity, order and length."""

import os

import pytest

from expressive.security.cipher import (
    CHUNK_SIZE,
    HEADER_SIZE,
    TAG_SIZE,
    DecryptionError,
    FieldCipher,
    decrypt_file,
    encrypt_file,
    is_encrypted,
    new_key,
)

IDENTITY = "clients/c-1/sessions/s/artifacts/01-drawing-abcd/drawing.png"


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 3 * CHUNK_SIZE + 17])
def test_round_trip_at_every_chunk_boundary(size):
    key, plaintext = new_key(), os.urandom(size)
    sealed = encrypt_file(key, IDENTITY, plaintext)
    assert is_encrypted(sealed)
    chunks = max(1, -(-size // CHUNK_SIZE))
    assert len(sealed) == HEADER_SIZE + size + chunks * TAG_SIZE
    assert decrypt_file(key, IDENTITY, sealed) == plaintext


def test_the_same_content_encrypts_differently_each_time():
    key = new_key()
    assert encrypt_file(key, IDENTITY, b"same") != encrypt_file(key, IDENTITY, b"same")


def _tampered(sealed: bytes) -> dict[str, bytes]:
    sealed_chunk = CHUNK_SIZE + TAG_SIZE
    body = sealed[HEADER_SIZE:]
    chunks = [body[i : i + sealed_chunk] for i in range(0, len(body), sealed_chunk)]
    flipped = bytearray(sealed)
    flipped[HEADER_SIZE + CHUNK_SIZE + 5] ^= 0x01
    header_flipped = bytearray(sealed)
    header_flipped[HEADER_SIZE - 1] ^= 0x01
    return {
        "a flipped byte": bytes(flipped),
        "a flipped byte in the header": bytes(header_flipped),
        "the last chunk cut off": sealed[: HEADER_SIZE + 2 * sealed_chunk],
        "the last byte cut off": sealed[:-1],
        "chunks swapped": sealed[:HEADER_SIZE] + chunks[1] + chunks[0] + b"".join(chunks[2:]),
        "a chunk repeated": sealed + chunks[-1],
        "only the header": sealed[:HEADER_SIZE],
        "an unknown version": sealed[: HEADER_SIZE - 9] + b"\x02" + sealed[HEADER_SIZE - 8 :],
    }


@pytest.mark.parametrize("how", list(_tampered(b"x" * (HEADER_SIZE + 3 * (CHUNK_SIZE + TAG_SIZE)))))
def test_every_kind_of_tampering_fails(how):
    key = new_key()
    sealed = encrypt_file(key, IDENTITY, os.urandom(2 * CHUNK_SIZE + 100))
    with pytest.raises(DecryptionError):
        decrypt_file(key, IDENTITY, _tampered(sealed)[how])


@pytest.mark.parametrize(
    "elsewhere",
    [
        "clients/c-2/sessions/s/artifacts/01-drawing-abcd/drawing.png",  # another client
        "clients/c-1/sessions/s/artifacts/02-drawing-efgh/drawing.png",  # another artifact
        "clients/c-1/sessions/s/artifacts/01-drawing-abcd/thumbnail.png",  # another file
    ],
)
def test_a_file_moved_elsewhere_does_not_decrypt(elsewhere):
    key = new_key()
    with pytest.raises(DecryptionError):
        decrypt_file(key, elsewhere, encrypt_file(key, IDENTITY, b"picture"))


def test_another_key_does_not_decrypt():
    with pytest.raises(DecryptionError):
        decrypt_file(new_key(), IDENTITY, encrypt_file(new_key(), IDENTITY, b"picture"))


@pytest.mark.parametrize("start", [b"", b"{", b"\x89PNG\r\n\x1a\n", b"MThd", b"# A story"])
def test_plain_files_are_not_taken_for_encrypted_ones(start):
    assert not is_encrypted(start + b"\x00" * 64)
    with pytest.raises(DecryptionError):
        decrypt_file(new_key(), IDENTITY, start + b"\x00" * 64)


def test_index_fields_are_bound_to_table_column_and_row():
    cipher = FieldCipher(new_key())
    sealed = cipher.seal_text("clients", "name", "c-1//", "Robin")
    assert cipher.open_text("clients", "name", "c-1//", sealed) == "Robin"
    assert b"Robin" not in sealed
    for table, column, row in [("clients", "name", "c-2//"), ("clients", "notes", "c-1//"), ("sessions", "name", "c-1//")]:
        with pytest.raises(DecryptionError):
            cipher.open_text(table, column, row, sealed)
    assert FieldCipher(new_key()).fingerprint != cipher.fingerprint
