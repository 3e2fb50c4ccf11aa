"""Deleting a client leaves nothing behind: no file, no index row or free page, no key."""

import errno
import os
import secrets
import shutil
import stat
import tempfile
import time
from pathlib import Path

import pytest
from security_helpers import PASSPHRASE, drawing_draft, open_store, story_draft

from expressive.portfolio import Portfolio, PortfolioError


@pytest.fixture(params=["plain", "encrypted"])
def encrypted(request):
    return request.param == "encrypted"


def _files_holding(needle: bytes, folders, since: float) -> list[str]:
    """Every regular file under `folders` changed since `since` that contains `needle`.

    A folder inside another one listed is walked once.
    """
    found = []
    folders = [Path(folder).resolve() for folder in folders]
    folders = [f for f in folders if not any(f != other and f.is_relative_to(other) for other in folders)]
    for folder in folders:
        for here, _subfolders, names in os.walk(folder, onerror=lambda error: None):
            for name in names:
                path = os.path.join(here, name)
                try:
                    status = os.lstat(path)
                    if not stat.S_ISREG(status.st_mode) or status.st_mtime < since:
                        continue
                    with open(path, "rb") as stream:
                        content = stream.read()
                    if any(one in content for one in ([needle] if isinstance(needle, bytes) else needle)):
                        found.append(path)
                except OSError:
                    continue  # unreadable or gone: nothing to find there
    return found


def _canary_client(store, canary: str):
    """A client with the canary in every place a person types, and in an activity's draft."""
    client = store.add_client("Kim", 2013, notes="")
    session = store.start_session(client.id, plan_id="free", goal=f"goal {canary}", feeling_in=3)
    drawing = store.save_artifact(client.id, session.id, "drawing", drawing_draft(title=f"drawing {canary}"))
    store.set_reflection(drawing, title=f"drawing {canary}", about=f"reflection {canary}")
    store.save_artifact(client.id, session.id, "story", story_draft(f"# My story\n\nstory {canary}\n"))
    store.set_therapist_note(client.id, session.id, f"note {canary}")
    store.finish_session(client.id, session.id, feeling_out=4)
    store.write_draft(client.id, session.id, "story", "autosave.md", f"kept by the store {canary}".encode())
    drafts = store.drafts_dir(client.id, session.id, "story")
    (drafts / "work-in-progress.md").write_text(f"written by the activity {canary}", "utf-8")
    return client, session


def test_deleting_a_client_erases_every_trace(tmp_path, encrypted):
    started = time.time() - 2  # coarse file-system clocks
    root = tmp_path / "portfolio"
    canary = f"CANARY{secrets.token_hex(8)}"
    needle = canary.encode()
    store = open_store(root, encrypted)
    kept = store.add_client("Sam", 2011)
    kept_session = store.start_session(kept.id, plan_id="free", goal="Sam's goal")
    kept_work = store.save_artifact(kept.id, kept_session.id, "drawing", drawing_draft(title="Sam's boat"))
    client, session = _canary_client(store, canary)
    store.rebuild_index()  # the index reads everything again: the text is in its pages now
    if encrypted:
        assert (root / "keys" / client.id / "g1-master.json").is_file()
        # The drafts folder is the activity's own (see README): only it holds plaintext.
        assert [Path(path).name for path in _files_holding(needle, [root], started)] == ["work-in-progress.md"]
    else:
        assert len(_files_holding(needle, [root], started)) >= 5  # the scan finds what is there

    store.delete_client(client.id)

    assert [c.id for c in store.clients()] == [kept.id]
    with pytest.raises(PortfolioError, match="no client"):
        store.client(client.id)
    assert not (root / "clients" / client.id).exists()
    assert os.listdir(root / "clients") == [kept.id]
    assert _files_holding(needle, [root], started) == []  # while open: index, WAL and all
    if encrypted:
        assert not (root / "keys" / client.id).exists()
    assert store.read_file(kept_work, "drawing.png") == drawing_draft().files["drawing.png"]
    store.close()

    assert _files_holding(needle, [root, tempfile.gettempdir()], started) == []
    with open_store(root, encrypted) as reopened:
        assert [c.id for c in reopened.clients()] == [kept.id]
        deletions = [e for e in reopened.audit_entries() if e.event == "delete-client"]
        assert [(e.client_id, e.detail) for e in deletions] == [(client.id, "")]
        assert reopened.verify_audit() == []
        assert reopened.check().ok


def test_an_unknown_client_cannot_be_deleted(tmp_path, encrypted):
    with open_store(tmp_path / "portfolio", encrypted) as store:
        with pytest.raises(PortfolioError, match="There is no client c-00000000"):
            store.delete_client("c-00000000")


def test_a_deletion_that_cannot_start_changes_nothing(tmp_path, encrypted, monkeypatch):
    root = tmp_path / "portfolio"
    with open_store(root, encrypted) as store:
        client, _ = _canary_client(store, "CANARY")
        before = sorted(str(p.relative_to(root)) for p in (root / "clients").rglob("*"))

        def refuse(*args):
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(os, "rename", refuse)
        with pytest.raises(PortfolioError, match="Could not delete the client .*permission denied"):
            store.delete_client(client.id)
        monkeypatch.undo()
        assert sorted(str(p.relative_to(root)) for p in (root / "clients").rglob("*")) == before
        assert [c.id for c in store.clients()] == [client.id]
        assert store.check().ok


def test_an_interrupted_erasure_hides_the_client_and_is_finished_on_next_open(tmp_path, encrypted, monkeypatch):
    root = tmp_path / "portfolio"
    store = open_store(root, encrypted)
    client, _ = _canary_client(store, "CANARY")
    real_rmtree = shutil.rmtree

    def fail_halfway(path, *args, **kwargs):
        for victim in sorted(Path(path).rglob("manifest.json"))[:1]:
            victim.unlink()
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(shutil, "rmtree", fail_halfway)
    with pytest.raises(PortfolioError, match=f"The client {client.id} is deleted, but not all of its files"):
        store.delete_client(client.id)
    monkeypatch.setattr(shutil, "rmtree", real_rmtree)
    assert store.clients() == []
    assert (root / "clients" / f".deleting-{client.id}").is_dir()
    if encrypted:  # the key went before the files: what is left cannot be read by anyone
        assert not (root / "keys" / client.id).exists()
    store.close()

    with open_store(root, encrypted) as reopened:
        assert reopened.clients() == []
        assert os.listdir(root / "clients") == []
        assert [(e.client_id, e.detail) for e in reopened.audit_entries() if e.event == "delete-client"] == [
            (client.id, "finished after an interruption")
        ]
        assert reopened.check().ok


def test_check_finishes_an_interrupted_erasure(tmp_path, encrypted):
    root = tmp_path / "portfolio"
    with open_store(root, encrypted) as store:
        client, _ = _canary_client(store, "CANARY")
        os.rename(root / "clients" / client.id, root / "clients" / f".deleting-{client.id}")
        report = store.check()
        assert report.ok and report.repaired == [f"finished erasing the deleted client {client.id}"]
        assert os.listdir(root / "clients") == [] and store.clients() == []


def test_a_plain_portfolio_index_keeps_no_deleted_text(tmp_path):
    """Without encryption only the scrubbing protects: rows, free pages and the WAL."""
    root = tmp_path / "portfolio"
    canary = "CANARY" + secrets.token_hex(4)
    with Portfolio.open(root) as store:
        clients = [store.add_client(f"{canary} number {n}", notes=canary * 50) for n in range(20)]
        for client in clients:
            store.start_session(client.id, plan_id="free", goal=canary * 20)
        assert canary.encode() in b"".join(p.read_bytes() for p in root.glob("index.sqlite*"))
        for client in clients:
            store.delete_client(client.id)
        assert all(canary.encode() not in p.read_bytes() for p in root.glob("index.sqlite*"))
    assert all(canary.encode() not in p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_the_passphrase_is_never_written_anywhere(tmp_path):
    started = time.time() - 2
    root = tmp_path / "portfolio"
    with open_store(root, True) as store:
        _canary_client(store, "x")
        store.change_passphrase(PASSPHRASE, "a brand new passphrase")
    secrets_typed = [PASSPHRASE.encode(), b"a brand new passphrase"]
    assert _files_holding(secrets_typed, [root, tempfile.gettempdir()], started) == []
