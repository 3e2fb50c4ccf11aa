"""The index is derived data: whatever happens to it, reopening shows what the files hold."""

import os
import shutil
import sqlite3

import pytest
from portfolio_helpers import close_as_if_killed, drawing_draft, read_json, read_plain, write_json, write_plain


def _fill(store, client, session, count=3):
    other = store.start_session(client.id, plan_id="free")
    saved = [store.save_artifact(client.id, session.id, "drawing", drawing_draft(title=f"n{i}")) for i in range(count)]
    return other, saved


def _listing(store):
    return [(c, store.sessions(c.id), store.artifacts(c.id)) for c in store.clients()]


def test_rebuilt_when_deleted(store, client, session, portfolio_dir, open_portfolio):
    _fill(store, client, session)
    before = _listing(store)
    store.close()
    for path in portfolio_dir.glob("index.sqlite*"):
        path.unlink()
    with open_portfolio() as reopened:
        assert _listing(reopened) == before


def test_rebuilt_when_it_is_garbage(store, client, session, portfolio_dir, open_portfolio):
    _fill(store, client, session)
    before = _listing(store)
    store.close()
    for path in portfolio_dir.glob("index.sqlite*"):
        path.unlink()
    (portfolio_dir / "index.sqlite").write_bytes(b"this is not a database at all" * 100)
    with open_portfolio() as reopened:
        assert _listing(reopened) == before


def test_rebuilt_when_its_schema_is_another_version(store, client, session, portfolio_dir, open_portfolio):
    _fill(store, client, session)
    before = _listing(store)
    store.close()
    with sqlite3.connect(portfolio_dir / "index.sqlite") as db:
        db.execute("DELETE FROM artifacts")
        db.execute("PRAGMA user_version = 999")
    db.close()
    with open_portfolio() as reopened:
        assert _listing(reopened) == before


# Changes made by hand deep in the tree while the portfolio is closed: after a clean close
# the seal vouches for the index and the open does not look (that is `check`'s job); after
# a crash nothing vouches, and the open compares.
@pytest.fixture(params=["found by check", "found by the open after a crash"])
def finding(request, open_portfolio):
    """Close the store, then (after the hand change) reopen it and make the change found."""

    def close(store):
        if request.param == "found by check":
            store.close()
        else:
            close_as_if_killed(store)

    def reopen():
        reopened = open_portfolio()
        if request.param == "found by check":
            reopened.check()
        return reopened

    return close, reopen


def test_an_artifact_copied_in_by_hand_appears(store, client, session, protection, finding):
    close, reopen = finding
    other, saved = _fill(store, client, session)
    close(store)
    source = saved[0].path
    shutil.copytree(source, source.parent.parent.parent / other.id / "artifacts" / source.name)
    with reopen() as reopened:
        [copied] = reopened.artifacts(client.id, other.id)
        assert (copied.id, copied.session_id) == (source.name, other.id)
        if protection == "plain":
            assert copied.title == "n0"
            assert reopened.verify_artifact(copied) == []
        else:
            # Encryption binds each file to its place: a copy elsewhere is visible but damaged.
            assert copied.damaged == "manifest.json could not be decrypted: it was changed, damaged or moved"
        assert len(reopened.artifacts(client.id, session.id)) == 3


def test_an_artifact_deleted_by_hand_disappears(store, client, session, finding):
    close, reopen = finding
    _, saved = _fill(store, client, session)
    close(store)
    shutil.rmtree(saved[1].path)
    with reopen() as reopened:
        assert [a.id for a in reopened.artifacts(client.id, session.id)] == [saved[0].id, saved[2].id]


def test_a_client_deleted_by_hand_disappears_with_all_its_work(store, client, session, portfolio_dir, open_portfolio):
    _fill(store, client, session)
    kept = store.add_client("Sam")
    store.close()
    # The clients folder itself changed: the seal does not vouch for that, whatever the close.
    shutil.rmtree(portfolio_dir / "clients" / client.id)
    with open_portfolio() as reopened:
        assert reopened.clients() == [kept]
        assert reopened.artifacts_by_session(client.id, [session.id]) == {session.id: []}


def test_a_client_copied_in_by_hand_appears(store, client, session, tmp_path, open_portfolio, protection):
    _fill(store, client, session)
    store.close()
    elsewhere = tmp_path / "elsewhere"
    shutil.move(store.root / "clients" / client.id, elsewhere)
    with open_portfolio() as reopened:
        assert reopened.clients() == []
    shutil.move(elsewhere, store.root / "clients" / client.id)
    with open_portfolio() as reopened:
        assert [c.id for c in reopened.clients()] == [client.id]
        assert len(reopened.artifacts(client.id)) == 3


def test_a_manifest_edited_by_hand_is_read_again(store, client, session, finding):
    close, reopen = finding
    _, saved = _fill(store, client, session)
    manifest_path = saved[0].path / "manifest.json"
    manifest = read_json(store, manifest_path)
    manifest["title"] = "renamed by hand"
    write_json(store, manifest_path, manifest)
    close(store)
    with reopen() as reopened:
        assert reopened.artifact(client.id, session.id, saved[0].id).title == "renamed by hand"


def test_an_interrupted_write_forces_a_full_rebuild(store, client, session, portfolio_dir, open_portfolio):
    _, saved = _fill(store, client, session)
    # As if killed between the file write and the index update, with a rewrite the stamp
    # cannot see (same size, same mtime: a coarse clock).
    manifest_path = saved[0].path / "manifest.json"
    status = manifest_path.stat()
    write_plain(store, manifest_path, read_plain(store, manifest_path).replace(b'"title": "n0"', b'"title": "X0"'))
    assert manifest_path.stat().st_size == status.st_size
    os.utime(manifest_path, ns=(status.st_atime_ns, status.st_mtime_ns))
    store._disk.index.mark_dirty()
    store.close()
    with open_portfolio() as reopened:
        assert reopened.artifact(client.id, session.id, saved[0].id).title == "X0"


def test_rebuild_index_reads_everything_again(store, client, session):
    _, saved = _fill(store, client, session)
    before = _listing(store)
    store.rebuild_index()
    assert _listing(store) == before


def test_a_write_cut_short_is_read_again_even_after_a_clean_close(store, client, session, open_portfolio):
    _, saved = _fill(store, client, session)
    # As if a rewrite failed between the file and the index, with a stamp that cannot
    # tell (same size, same mtime): the key noted as being written is read again.
    manifest_path = saved[0].path / "manifest.json"
    status = manifest_path.stat()
    key = (client.id, session.id, saved[0].id)
    store._disk.index.mark_writing(key)
    write_plain(store, manifest_path, read_plain(store, manifest_path).replace(b'"title": "n0"', b'"title": "X0"'))
    os.utime(manifest_path, ns=(status.st_atime_ns, status.st_mtime_ns))
    store.close()
    with open_portfolio() as reopened:
        assert reopened.artifact(client.id, session.id, saved[0].id).title == "X0"
        assert reopened._disk.index.pending_writes() == []
