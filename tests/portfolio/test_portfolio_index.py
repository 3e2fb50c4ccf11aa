"""The index is derived data: whatever happens to it, reopening shows what the files hold."""

import json
import os
import shutil
import sqlite3

from portfolio_helpers import drawing_draft

from expressive.portfolio import Portfolio


def _fill(store, client, session, count=3):
    other = store.start_session(client.id, plan_id="free")
    saved = [store.save_artifact(client.id, session.id, "drawing", drawing_draft(title=f"n{i}")) for i in range(count)]
    return other, saved


def _listing(store):
    return [(c, store.sessions(c.id), store.artifacts(c.id)) for c in store.clients()]


def test_rebuilt_when_deleted(store, client, session, portfolio_dir):
    _fill(store, client, session)
    before = _listing(store)
    store.close()
    for path in portfolio_dir.glob("index.sqlite*"):
        path.unlink()
    with Portfolio.open(portfolio_dir) as reopened:
        assert _listing(reopened) == before


def test_rebuilt_when_it_is_garbage(store, client, session, portfolio_dir):
    _fill(store, client, session)
    before = _listing(store)
    store.close()
    for path in portfolio_dir.glob("index.sqlite*"):
        path.unlink()
    (portfolio_dir / "index.sqlite").write_bytes(b"this is not a database at all" * 100)
    with Portfolio.open(portfolio_dir) as reopened:
        assert _listing(reopened) == before


def test_rebuilt_when_its_schema_is_another_version(store, client, session, portfolio_dir):
    _fill(store, client, session)
    before = _listing(store)
    store.close()
    with sqlite3.connect(portfolio_dir / "index.sqlite") as db:
        db.execute("DELETE FROM artifacts")
        db.execute("PRAGMA user_version = 999")
    db.close()
    with Portfolio.open(portfolio_dir) as reopened:
        assert _listing(reopened) == before


def test_an_artifact_copied_in_by_hand_appears(store, client, session, portfolio_dir):
    other, saved = _fill(store, client, session)
    store.close()
    source = saved[0].path
    shutil.copytree(source, source.parent.parent.parent / other.id / "artifacts" / source.name)
    with Portfolio.open(portfolio_dir) as reopened:
        [copied] = reopened.artifacts(client.id, other.id)
        assert (copied.id, copied.session_id, copied.title) == (source.name, other.id, "n0")
        assert reopened.verify_artifact(copied) == []
        assert len(reopened.artifacts(client.id, session.id)) == 3


def test_an_artifact_deleted_by_hand_disappears(store, client, session, portfolio_dir):
    _, saved = _fill(store, client, session)
    store.close()
    shutil.rmtree(saved[1].path)
    with Portfolio.open(portfolio_dir) as reopened:
        assert [a.id for a in reopened.artifacts(client.id, session.id)] == [saved[0].id, saved[2].id]


def test_a_client_deleted_by_hand_disappears_with_all_its_work(store, client, session, portfolio_dir):
    _fill(store, client, session)
    kept = store.add_client("Sam")
    store.close()
    shutil.rmtree(portfolio_dir / "clients" / client.id)
    with Portfolio.open(portfolio_dir) as reopened:
        assert reopened.clients() == [kept]
        assert reopened.artifacts_by_session(client.id, [session.id]) == {session.id: []}


def test_a_manifest_edited_by_hand_is_read_again(store, client, session, portfolio_dir):
    _, saved = _fill(store, client, session)
    store.close()
    manifest_path = saved[0].path / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest["title"] = "renamed by hand"
    manifest_path.write_text(json.dumps(manifest), "utf-8")
    with Portfolio.open(portfolio_dir) as reopened:
        assert reopened.artifact(client.id, session.id, saved[0].id).title == "renamed by hand"


def test_an_interrupted_write_forces_a_full_rebuild(store, client, session, portfolio_dir):
    _, saved = _fill(store, client, session)
    # As if killed between the file write and the index update, with a rewrite the stamp
    # cannot see (same size, same mtime: a coarse clock).
    store._index.mark_dirty()
    store.close()
    manifest_path = saved[0].path / "manifest.json"
    status = manifest_path.stat()
    manifest_path.write_bytes(manifest_path.read_bytes().replace(b'"title": "n0"', b'"title": "X0"'))
    os.utime(manifest_path, ns=(status.st_atime_ns, status.st_mtime_ns))
    with Portfolio.open(portfolio_dir) as reopened:
        assert reopened.artifact(client.id, session.id, saved[0].id).title == "X0"


def test_rebuild_index_reads_everything_again(store, client, session):
    _, saved = _fill(store, client, session)
    before = _listing(store)
    store.rebuild_index()
    assert _listing(store) == before
