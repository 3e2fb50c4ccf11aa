"""An encrypted portfolio on real files: nothing readable on disk, damage named, secrets handled."""

import json
import os
import shutil

import pytest
from sample_work import audit_chain
from security_helpers import (
    CHEAP_KDF,
    PASSPHRASE,
    PNG_SIGNATURE,
    drawing_draft,
    every_file,
    file_hashes,
    fill,
    new_encrypted,
)

from expressive.portfolio import Portfolio, PortfolioError, WrongPassphrase
from expressive.security.cipher import is_encrypted

WORDS = {
    "name": "Zoë Quillfeather",
    "client_notes": "Allergic to hazelnuts",
    "goal": "Talk about the thunderstorm",
    "title": "Grandmother's lighthouse",
    "reflection": "The light keeps the boats safe at night",
    "story": "Once upon a time a small otter lost her river",
    "note": "Disclosed worries about home; follow up with the school nurse",
}
UNDAMAGED = "could not be decrypted: it was changed, damaged or moved"


@pytest.fixture
def root(tmp_path):
    return tmp_path / "portfolio"


@pytest.fixture
def store(root):
    new_encrypted(root)
    with Portfolio.open(root, passphrase=PASSPHRASE) as opened:
        yield opened


def _leaks(root, words=WORDS):
    """Which typed words, or a PNG signature, appear anywhere in any file under `root`."""
    found = set()
    for name, content in every_file(root).items():
        for key, word in words.items():
            for encoded in (word.encode("utf-8"), json.dumps(word).strip('"').encode("ascii")):
                if encoded in content:
                    found.add((name, key))
        if PNG_SIGNATURE in content:
            found.add((name, "png"))
    return found


def test_nothing_a_person_typed_is_readable_on_disk(store, root):
    client, session, (drawing, story) = fill(store, WORDS)
    assert store.read_file(drawing, "drawing.png").startswith(PNG_SIGNATURE)
    assert store.read_file(story, "story.md").decode() == WORDS["story"]
    assert store.therapist_note(client.id, session.id) == WORDS["note"]
    assert store.client(client.id).name == WORDS["name"]
    assert _leaks(root) == set()  # while open: index, WAL and all
    store.close()
    assert _leaks(root) == set()
    files = [path for path in (root / "clients").rglob("*") if path.is_file()]
    assert len(files) >= 9 and all(is_encrypted(path.read_bytes()) for path in files)


def test_temporary_files_hold_ciphertext_only(store, root, monkeypatch):
    seen = []
    replace = os.replace

    def spy(source, target):
        seen.append((str(target), open(source, "rb").read()))
        return replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    fill(store, WORDS)
    client_files = [(target, data) for target, data in seen if f"{os.sep}clients{os.sep}" in target]
    assert len(client_files) >= 5
    for target, data in client_files:
        assert is_encrypted(data), target
        assert not any(word.encode() in data for word in WORDS.values()), target


def test_a_file_copied_to_another_artifact_or_client_does_not_decrypt(store, root):
    first = store.add_client("A")
    second = store.add_client("B")
    session_a = store.start_session(first.id, plan_id="free")
    session_b = store.start_session(second.id, plan_id="free")
    a1, a2 = (store.save_artifact(first.id, session_a.id, "drawing", drawing_draft(colour=c)) for c in ("red", "blue"))
    b1 = store.save_artifact(second.id, session_b.id, "drawing", drawing_draft(colour="green"))
    shutil.copyfile(a1.path / "drawing.png", a2.path / "drawing.png")  # another artifact, same client
    shutil.copyfile(a1.path / "thumbnail.png", b1.path / "thumbnail.png")  # another client
    shutil.copyfile(a1.path / "strokes.json", a1.path / "thumbnail.png")  # another file, same artifact

    report = store.check()
    assert sorted((str(p.path), p.message) for p in report.problems) == sorted([
        (str((a2.path / "drawing.png").relative_to(root)), f"drawing.png {UNDAMAGED}"),
        (str((b1.path / "thumbnail.png").relative_to(root)), f"thumbnail.png {UNDAMAGED}"),
        (str((a1.path / "thumbnail.png").relative_to(root)), f"thumbnail.png {UNDAMAGED}"),
    ])
    with pytest.raises(PortfolioError, match=f"drawing.png {UNDAMAGED}"):
        store.read_file(a2, "drawing.png")
    # Everything else still opens.
    assert store.read_file(a1, "drawing.png") == drawing_draft(colour="red").files["drawing.png"]
    assert store.read_file(a2, "thumbnail.png") == drawing_draft(colour="blue").files["thumbnail.png"]
    assert store.read_file(b1, "drawing.png") == drawing_draft(colour="green").files["drawing.png"]


def test_one_flipped_byte_is_named_and_everything_else_opens(store, root):
    client = store.add_client("Robin")
    session = store.start_session(client.id, plan_id="free")
    saved = [store.save_artifact(client.id, session.id, "drawing", drawing_draft(title=f"n{i}")) for i in range(3)]
    manifest = saved[1].path / "manifest.json"
    content = bytearray(manifest.read_bytes())
    content[-3] ^= 0x20
    manifest.write_bytes(bytes(content))
    store.rebuild_index()

    listed = {artifact.id: artifact for artifact in store.artifacts(client.id, session.id)}
    assert listed[saved[1].id].damaged == f"manifest.json {UNDAMAGED}"
    assert [(str(p.path), p.message) for p in store.check().problems] == [
        (str(manifest.relative_to(root)), f"manifest.json {UNDAMAGED}")
    ]
    for artifact in (saved[0], saved[2]):
        assert listed[artifact.id].title == artifact.title
        assert store.verify_artifact(listed[artifact.id]) == []


def test_a_plaintext_file_slipped_into_an_encrypted_portfolio_is_not_trusted(store, root):
    client = store.add_client("Robin")
    session = store.start_session(client.id, plan_id="free")
    artifact = store.save_artifact(client.id, session.id, "drawing", drawing_draft())
    (artifact.path / "strokes.json").write_bytes(b'{"strokes": []}')
    assert [p.message for p in store.check().problems] == [
        "strokes.json could not be decrypted: it is not an encrypted file of this portfolio"
    ]


@pytest.mark.parametrize("given", [None, "wrong horse battery", "", PASSPHRASE.upper()])
def test_a_wrong_or_missing_passphrase_touches_nothing(store, root, given):
    fill(store, WORDS)
    store.close()
    before = file_hashes(root)
    with pytest.raises(WrongPassphrase) as raised:
        Portfolio.open(root, passphrase=given)
    assert "passphrase" in str(raised.value) and "Traceback" not in str(raised.value)
    assert file_hashes(root) == before
    assert Portfolio.status(root) == "encrypted"


def test_change_passphrase_rewraps_the_key_and_rewrites_no_content(store, root):
    client, session, (drawing, _) = fill(store, WORDS)
    content_before = {name: data for name, data in every_file(root).items() if name.startswith("clients")}
    with pytest.raises(WrongPassphrase):
        store.change_passphrase("not the passphrase", "brand new phrase")
    with pytest.raises(PortfolioError, match="at least 6"):
        store.change_passphrase(PASSPHRASE, "short")
    store.change_passphrase(PASSPHRASE, "brand new phrase")
    assert store.verify_passphrase("brand new phrase") and not store.verify_passphrase(PASSPHRASE)
    assert store.read_file(drawing, "drawing.png").startswith(PNG_SIGNATURE)
    store.close()

    assert {name: data for name, data in every_file(root).items() if name.startswith("clients")} == content_before
    with pytest.raises(WrongPassphrase):
        Portfolio.open(root, passphrase=PASSPHRASE)
    with Portfolio.open(root, passphrase="brand new phrase") as reopened:
        assert reopened.therapist_note(client.id, session.id) == WORDS["note"]
        assert [entry.event for entry in reopened.audit_entries()].count("change-passphrase") == 1
        assert reopened.verify_audit() == []


def test_the_recovery_key_sets_a_new_passphrase(tmp_path):
    root = tmp_path / "portfolio"
    recovery_key = new_encrypted(root)
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        client, session, _ = fill(store, WORDS)
    before = file_hashes(root)
    for wrong in ("ABCD-EFGH", recovery_key.replace(recovery_key[0], "A" if recovery_key[0] != "A" else "B", 1)):
        with pytest.raises(WrongPassphrase):
            Portfolio.recover(root, wrong, "remembered now")
    assert file_hashes(root) == before

    Portfolio.recover(root, recovery_key.lower(), "remembered now")
    with pytest.raises(WrongPassphrase):
        Portfolio.open(root, passphrase=PASSPHRASE)
    with Portfolio.open(root, passphrase="remembered now") as store:
        assert store.therapist_note(client.id, session.id) == WORDS["note"]
        assert "recover" in [entry.event for entry in store.audit_entries()]
        new_key = store.new_recovery_key("remembered now")
    with pytest.raises(WrongPassphrase):
        Portfolio.recover(root, recovery_key, "another one")
    Portfolio.recover(root, new_key, "another one")
    Portfolio.open(root, passphrase="another one").close()


def test_status_and_what_protect_refuses(tmp_path):
    root = tmp_path / "portfolio"
    assert Portfolio.status(root) == "new"
    with pytest.raises(PortfolioError, match="at least 6 characters"):
        Portfolio.protect(root, "12345", kdf=CHEAP_KDF)
    with pytest.raises(PortfolioError, match="only spaces"):
        Portfolio.protect(root, "       ", kdf=CHEAP_KDF)
    assert not root.exists()
    with pytest.raises(PortfolioError, match="no portfolio"):
        Portfolio.open(root, passphrase=PASSPHRASE)
    recovery_key = Portfolio.protect(root, "123456", kdf=CHEAP_KDF)  # a 6-digit PIN is enough
    assert len(recovery_key.split("-")) == 8
    assert Portfolio.status(root) == "encrypted"
    with pytest.raises(PortfolioError, match="already protected"):
        Portfolio.protect(root, "123456", kdf=CHEAP_KDF)
    with Portfolio.open(root, passphrase="123456") as store:
        assert store.encrypted and store.verify_passphrase("123456") and not store.verify_passphrase("654321")
        assert not store.verify_passphrase(None)

    plain = tmp_path / "plain"
    with Portfolio.open(plain) as store:
        assert not store.encrypted
        with pytest.raises(PortfolioError, match="not protected"):
            store.verify_passphrase("123456")
        with pytest.raises(PortfolioError, match="not protected"):
            store.change_passphrase("123456", "654321")
    assert Portfolio.status(plain) == "plain"
    Portfolio.open(plain, passphrase="ignored for an unencrypted portfolio").close()
    with pytest.raises(PortfolioError, match="not protected"):
        Portfolio.recover(plain, recovery_key, "123456")


def test_a_missing_keyring_is_explained(store, root):
    store.close()
    (root / "keyring.json").unlink()
    with pytest.raises(PortfolioError, match="keyring.json is missing"):
        Portfolio.open(root, passphrase=PASSPHRASE)


def test_a_client_added_by_another_instance_is_readable(store, root):
    with Portfolio.open(root, passphrase=PASSPHRASE) as other:
        client = other.add_client("Added elsewhere")
        session = other.start_session(client.id, plan_id="free")
        other.save_artifact(client.id, session.id, "drawing", drawing_draft(title="from the other one"))
    store.rebuild_index()
    [artifact] = store.artifacts(client.id)
    assert artifact.title == "from the other one" and store.verify_artifact(artifact) == []


def test_an_index_from_another_key_is_rebuilt_not_trusted(store, root, tmp_path):
    fill(store, WORDS)
    listing = [(c, store.sessions(c.id), store.artifacts(c.id)) for c in store.clients()]
    store.close()
    other = tmp_path / "other"
    new_encrypted(other)
    with Portfolio.open(other, passphrase=PASSPHRASE) as stranger:
        stranger.add_client("Stranger")
    for suffix in ("", "-wal", "-shm"):
        (root / f"index.sqlite{suffix}").unlink(missing_ok=True)
    shutil.copyfile(other / "index.sqlite", root / "index.sqlite")
    with Portfolio.open(root, passphrase=PASSPHRASE) as reopened:
        assert [(c, reopened.sessions(c.id), reopened.artifacts(c.id)) for c in reopened.clients()] == listing


def test_audit_records_unlock_lock_and_what_the_app_reports(store, root):
    client = store.add_client("Robin")
    store.audit("open-client", client.id)
    store.audit("export", client.id, "pdf")
    with pytest.raises(ValueError):
        store.audit("peeked")
    store.close()
    with Portfolio.open(root, passphrase=PASSPHRASE) as reopened:
        events = [(entry.event, entry.client_id) for entry in reopened.audit_entries()]
        assert events == [
            ("protect", None), ("unlock", None), ("open-client", client.id), ("export", client.id),
            ("lock", None), ("unlock", None),
        ]
        assert reopened.verify_audit() == []
    log = audit_chain(root).read_bytes()
    assert b"Robin" not in log


@pytest.mark.parametrize("how, line", [("edit", 3), ("delete", 3), ("swap", 2), ("cut the end", 7)])
def test_a_tampered_audit_log_is_named_by_line(store, root, how, line):
    client = store.add_client("Robin")
    for event in ("open-client", "export", "open-client"):
        store.audit(event, client.id)
    lines = audit_chain(root).read_bytes().splitlines(keepends=True)
    assert len(lines) == 5
    store.audit("export", client.id)  # line 6
    lines = audit_chain(root).read_bytes().splitlines(keepends=True)
    if how == "edit":
        lines[2] = lines[2].replace(b'"open-client"', b'"export"')
    elif how == "delete":
        del lines[2]
    elif how == "swap":
        lines[1], lines[2] = lines[2], lines[1]
    else:
        lines = lines[:-1]
    audit_chain(root).write_bytes(b"".join(lines))
    problems = store.verify_audit()
    assert problems and problems[0].split(": ", 1)[1].startswith(f"line {line}" if how != "cut the end" else "line 6")
    assert any(p.path == audit_chain(root).relative_to(root) for p in store.check().problems)


def test_drafts_kept_through_the_store_are_encrypted(store, root):
    client = store.add_client("Robin")
    session = store.start_session(client.id, plan_id="free")
    assert store.read_draft(client.id, session.id, "story", "autosave.md") is None
    store.write_draft(client.id, session.id, "story", "autosave.md", WORDS["story"].encode())
    store.write_draft(client.id, session.id, "story", "autosave.md", WORDS["story"].encode() + b"!")
    assert store.read_draft(client.id, session.id, "story", "autosave.md") == WORDS["story"].encode() + b"!"
    path = store.drafts_dir(client.id, session.id, "story") / "autosave.md"
    assert is_encrypted(path.read_bytes()) and _leaks(root) == set()
    for activity_id, name in (("story", "../escape.md"), ("story", ".hidden"), ("../x", "a.md")):
        with pytest.raises(PortfolioError, match="not"):
            store.write_draft(client.id, session.id, activity_id, name, b"x")
    other = store.start_session(client.id, plan_id="free")
    moved = store.drafts_dir(client.id, other.id, "story") / "autosave.md"
    moved.parent.mkdir(parents=True)
    shutil.copyfile(path, moved)  # into another session's drafts
    with pytest.raises(PortfolioError, match="autosave.md could not be decrypted: it was changed, damaged or moved"):
        store.read_draft(client.id, other.id, "story", "autosave.md")


def test_an_index_changed_from_outside_is_refused_then_rebuilt(store, root):
    import sqlite3

    client = store.add_client("Robin")
    with sqlite3.connect(root / "index.sqlite") as db:
        db.execute("UPDATE clients SET name = (SELECT notes FROM clients WHERE id = ?) WHERE id = ?", (client.id, client.id))
    db.close()
    with pytest.raises(PortfolioError, match="index was changed outside Expressive"):
        store.clients()
    store.close()
    with Portfolio.open(root, passphrase=PASSPHRASE) as reopened:
        assert [c.name for c in reopened.clients()] == ["Robin"]
