"""The keyring: the passphrase and the recovery key each open the master key; client keys."""

import json

import pytest
from security_helpers import CHEAP_KDF

from expressive.security.keyring import (
    Keyring,
    KeyringError,
    WrongSecret,
    format_recovery_key,
    new_recovery_secret,
    parse_recovery_key,
)


@pytest.fixture
def made():
    return Keyring.create("correct horse", CHEAP_KDF)


def test_the_passphrase_and_the_recovery_key_open_the_same_master_key(made):
    keyring, keys, recovery_key = made
    again = Keyring.from_bytes(keyring.to_bytes())
    assert again.unlock("correct horse") == keys
    assert again.unlock_with_recovery_key(recovery_key) == keys
    assert again.kdf == CHEAP_KDF


def test_a_wrong_passphrase_is_refused(made):
    keyring, _, _ = made
    with pytest.raises(WrongSecret, match="not right"):
        keyring.unlock("correct horsE")
    assert keyring.verify("correct horse") and not keyring.verify("correct horsE")


def test_the_passphrase_is_normalised_so_any_keyboard_types_it():
    keyring, keys, _ = Keyring.create("caf\u00e9 au lait", CHEAP_KDF)
    assert keyring.unlock("cafe\u0301 au lait") == keys


def test_the_keyring_holds_no_secret_in_the_clear(made):
    keyring, keys, recovery_key = made
    data = keyring.to_bytes()
    document = json.loads(data)
    assert document["format"] == "expressive-keyring" and document["kdf"]["algorithm"] == "argon2id"
    assert document["verifier"].startswith("$argon2id$")
    for secret in (b"correct horse", keys.master, keys.index, keys.audit, recovery_key.encode()):
        assert secret not in data


def test_recovery_keys_look_like_eight_groups_of_four(made):
    _, _, recovery_key = made
    groups = recovery_key.split("-")
    assert len(groups) == 8 and all(len(group) == 4 for group in groups)


def test_a_recovery_key_is_read_however_it_is_typed():
    secret = new_recovery_secret()
    text = format_recovery_key(secret)
    assert parse_recovery_key(text) == secret
    assert parse_recovery_key(" " + text.lower().replace("-", " ") + "\n") == secret
    assert parse_recovery_key(text.replace("O", "0").replace("I", "1")) == secret


def test_a_mistyped_recovery_key_is_told_apart_from_a_wrong_one(made):
    keyring, _, _ = made
    text = format_recovery_key(bytes(range(18)))
    typo = text[:5] + ("B" if text[5] != "B" else "C") + text[6:]
    with pytest.raises(WrongSecret, match="typing mistake"):
        parse_recovery_key(typo)
    with pytest.raises(WrongSecret, match="not a recovery key"):
        keyring.unlock_with_recovery_key("ABCD-EFGH")
    with pytest.raises(WrongSecret, match="does not open this portfolio"):
        keyring.unlock_with_recovery_key(text)


def test_a_new_passphrase_rewraps_only_the_master_key(made):
    keyring, keys, recovery_key = made
    client_key = keyring.add_client(keys, "c-1")
    before = json.loads(keyring.to_bytes())
    keyring.set_passphrase(keys.master, "battery staple")
    after = json.loads(keyring.to_bytes())
    assert after["clients"] == before["clients"]
    assert after["master_key"]["by_recovery_key"] == before["master_key"]["by_recovery_key"]
    assert keyring.unlock("battery staple") == keys
    with pytest.raises(WrongSecret):
        keyring.unlock("correct horse")
    assert keyring.unlock_with_recovery_key(recovery_key) == keys
    assert keyring.client_key(keys, "c-1") == client_key


def test_a_swapped_verifier_makes_unlocking_fail(made):
    keyring, _, _ = made
    stranger, _, _ = Keyring.create("someone else", CHEAP_KDF)
    document = json.loads(keyring.to_bytes())
    document["verifier"] = json.loads(stranger.to_bytes())["verifier"]
    forged = Keyring.from_bytes(json.dumps(document).encode())
    assert forged.verify("someone else")
    with pytest.raises(WrongSecret):
        forged.unlock("someone else")
    with pytest.raises(WrongSecret):
        forged.unlock("correct horse")


def test_client_keys_are_bound_to_their_client(made):
    keyring, keys, _ = made
    first = keyring.add_client(keys, "c-1")
    keyring.add_client(keys, "c-2")
    assert keyring.client_key(keys, "c-1") == first and keyring.client_ids() == ["c-1", "c-2"]
    document = json.loads(keyring.to_bytes())
    document["clients"]["c-2"] = document["clients"]["c-1"]
    moved = Keyring.from_bytes(json.dumps(document).encode())
    with pytest.raises(KeyringError, match="c-2"):
        moved.client_key(keys, "c-2")
    assert keyring.remove_client("c-1") and not keyring.remove_client("c-1")
    assert keyring.client_key(keys, "c-1") is None


@pytest.mark.parametrize(
    "data, words",
    [
        (b"{", "not valid JSON"),
        (b'{"format": "something-else"}', "not an Expressive keyring"),
        (b'{"format": "expressive-keyring", "version": 99}', "newer version"),
        (b'{"format": "expressive-keyring", "version": 1, "kdf": {}}', "incomplete"),
    ],
)
def test_a_damaged_keyring_is_named(data, words):
    with pytest.raises(KeyringError, match=words):
        Keyring.from_bytes(data)
