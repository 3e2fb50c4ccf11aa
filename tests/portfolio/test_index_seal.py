"""Unlocking in constant time: after a clean close the index is trusted as it is, without a
walk of the tree or a read of its stamps; whenever anything may have happened that the
index does not know, it is compared (now, or in the background) or rebuilt."""

import shutil
import threading

import pytest
from portfolio_helpers import close_as_if_killed, drawing_draft, read_json, write_json, write_plain

from expressive.portfolio import Portfolio, PortfolioError
from expressive.portfolio import comparison as comparison_module
from expressive.portfolio import index as index_module
from expressive.portfolio.layout import Layout
from expressive.security import keyring as keyring_module

SEAL = "index.sqlite-closed"


@pytest.fixture
def walks(monkeypatch):
    """How many times the tree was walked (Layout.scan) and the stamps read, so far."""
    counted = {"scans": 0, "stamps": 0}
    scan, stamps = Layout.scan, index_module.stamps

    def counting_scan(layout):
        counted["scans"] += 1
        return scan(layout)

    def counting_stamps(db):
        counted["stamps"] += 1
        return stamps(db)

    monkeypatch.setattr(Layout, "scan", counting_scan)
    monkeypatch.setattr(index_module, "stamps", counting_stamps)
    return counted


def _work(store, client, session, count=3):
    return [store.save_artifact(client.id, session.id, "drawing", drawing_draft(title=f"n{i}")) for i in range(count)]


def _listing(store):
    return [(c, store.sessions(c.id), store.artifacts(c.id)) for c in store.clients()]


def _rebuilt_listing(store):
    store.rebuild_index()
    return _listing(store)


def test_after_a_clean_close_the_open_neither_walks_nor_reads_stamps(store, client, session, open_portfolio, walks,
                                                                     portfolio_dir, monkeypatch, protection):
    _work(store, client, session)
    before = _listing(store)
    store.close()
    assert (portfolio_dir / SEAL).is_file()
    derivations = []
    derive = keyring_module.derive_passphrase_key
    monkeypatch.setattr(keyring_module, "derive_passphrase_key", lambda *a: derivations.append(1) or derive(*a))
    walks.update(scans=0, stamps=0)
    with open_portfolio() as reopened:
        assert walks == {"scans": 0, "stamps": 0}
        assert not reopened.needs_full_comparison
        assert len(derivations) == (1 if protection == "encrypted" else 0)
        # Broken at the open, before anything could change: a crash from here leaves none.
        assert not (portfolio_dir / SEAL).exists()
        assert _listing(reopened) == before


def test_after_a_crash_the_open_compares(store, client, session, open_portfolio, walks):
    saved = _work(store, client, session)
    shutil.rmtree(saved[0].path)
    close_as_if_killed(store)
    walks.update(scans=0, stamps=0)
    with open_portfolio() as reopened:
        assert walks == {"scans": 1, "stamps": 1}
        assert [a.id for a in reopened.artifacts(client.id)] == [a.id for a in saved[1:]]


@pytest.mark.parametrize("damage", ["missing", "garbage", "another token", "index replaced"])
def test_a_seal_that_does_not_speak_for_this_index_is_not_trusted(store, client, session, open_portfolio, walks,
                                                                  portfolio_dir, damage):
    saved = _work(store, client, session)
    store.close()
    seal = portfolio_dir / SEAL
    if damage == "missing":
        seal.unlink()
    elif damage == "garbage":
        seal.write_bytes(b"\x00not a seal" * 1000)
    elif damage == "another token":
        seal.write_text(seal.read_text().replace('"token": "', '"token": "0'))
    else:
        # The same bytes in another file: a restore, a copy, a sync engine.
        index = portfolio_dir / "index.sqlite"
        shutil.copyfile(index, portfolio_dir / "copy")
        (portfolio_dir / "copy").replace(index)
    shutil.rmtree(saved[1].path)
    walks.update(scans=0)
    with open_portfolio() as reopened:
        assert walks["scans"] == 1
        assert [a.id for a in reopened.artifacts(client.id)] == [saved[0].id, saved[2].id]


def test_an_index_from_another_portfolio_is_not_trusted(store, client, session, open_portfolio, tmp_path, walks,
                                                        portfolio_dir):
    mine = _work(store, client, session)
    store.close()
    with open_portfolio(tmp_path / "other") as other:
        someone = other.add_client("Someone else")
    for name in ("index.sqlite", SEAL):
        shutil.copyfile(tmp_path / "other" / name, portfolio_dir / name)
    walks.update(scans=0)
    with open_portfolio() as reopened:
        assert walks["scans"] >= 1
        assert [c.id for c in reopened.clients()] == [client.id]
        assert someone.id not in {c.id for c in reopened.clients()}
        assert [a.id for a in reopened.artifacts(client.id)] == [a.id for a in mine]


def test_an_index_an_older_copy_of_which_is_put_back_is_compared(store, client, session, open_portfolio, walks,
                                                                  portfolio_dir, tmp_path):
    _work(store, client, session, count=1)
    store.close()
    for name in ("index.sqlite", SEAL):
        shutil.copy2(portfolio_dir / name, tmp_path / name)
    with open_portfolio() as reopened:
        later = _work(reopened, client, session, count=1)
        expected = _listing(reopened)
    for name in ("index.sqlite", SEAL):
        shutil.copy2(tmp_path / name, portfolio_dir / name)
    walks.update(scans=0)
    with open_portfolio() as reopened:
        assert walks["scans"] == 1
        assert _listing(reopened) == expected
        assert later[0].id in {a.id for a in reopened.artifacts(client.id)}


def test_a_missing_index_is_rebuilt_whole(store, client, session, open_portfolio, portfolio_dir):
    _work(store, client, session)
    before = _listing(store)
    store.close()
    (portfolio_dir / "index.sqlite").unlink()
    with open_portfolio() as reopened:
        assert _listing(reopened) == before
        assert not reopened.needs_full_comparison


def test_only_the_last_store_of_the_process_seals(open_portfolio, portfolio_dir):
    first = open_portfolio()
    second = open_portfolio()
    client = second.add_client("Robin")
    second.close()
    # The first store may still write: nothing may vouch for the index yet.
    assert not (portfolio_dir / SEAL).exists()
    first.start_session(client.id, plan_id="free")
    first.close()
    assert (portfolio_dir / SEAL).exists()


def test_a_store_that_never_compared_does_not_seal(store, client, session, open_portfolio, portfolio_dir):
    _work(store, client, session)
    close_as_if_killed(store)
    later = open_portfolio(compare_later=True)
    assert later.needs_full_comparison
    later.close()
    assert not (portfolio_dir / SEAL).exists()


def test_check_vouches_for_the_index(store, client, session, open_portfolio, portfolio_dir):
    close_as_if_killed(store)
    with open_portfolio(compare_later=True) as reopened:
        assert reopened.needs_full_comparison
        assert reopened.check().ok
        assert not reopened.needs_full_comparison
    assert (portfolio_dir / SEAL).exists()


# --- the comparison in the background --------------------------------------------------


def _compared(store):
    ready = threading.Event()
    store.compare_in_background(ready.set)
    assert ready.wait(30)
    return store.finish_comparison()


def test_the_background_comparison_finds_what_changed_and_reports_damage(store, client, session, open_portfolio,
                                                                        portfolio_dir):
    saved = _work(store, client, session)
    shutil.rmtree(saved[0].path)
    manifest = read_json(store, saved[1].path / "manifest.json")
    manifest["title"] = "renamed by hand"
    write_json(store, saved[1].path / "manifest.json", manifest)
    write_plain(store, saved[2].path / "manifest.json", b"\x00{not json")
    close_as_if_killed(store)
    with open_portfolio(compare_later=True) as reopened:
        # Shown at once from the index as it was.
        assert len(reopened.artifacts(client.id)) == 3
        assert reopened.finish_comparison() is None
        report = _compared(reopened)
        assert [(str(p.path), p.message) for p in report.problems] == [
            (str((saved[2].path / "manifest.json").relative_to(portfolio_dir)),
             "manifest.json is not readable (it is not valid JSON)"),
        ]
        listed = {a.id: a for a in reopened.artifacts(client.id)}
        assert set(listed) == {saved[1].id, saved[2].id}
        assert (listed[saved[1].id].title, listed[saved[1].id].damaged) == ("renamed by hand", None)
        assert listed[saved[2].id].damaged == "manifest.json is not readable (it is not valid JSON)"
        assert not reopened.needs_full_comparison
        assert _listing(reopened) == _rebuilt_listing(reopened)
    assert (portfolio_dir / SEAL).exists()


def test_saves_made_during_the_comparison_are_not_undone(store, client, session, open_portfolio, monkeypatch):
    saved = _work(store, client, session)
    manifest = read_json(store, saved[0].path / "manifest.json")
    manifest["title"] = "renamed by hand"
    write_json(store, saved[0].path / "manifest.json", manifest)
    close_as_if_killed(store)
    stamps_read, go_on = threading.Event(), threading.Event()
    read_stamps = comparison_module.read_stamps

    def slow_read_stamps(path):
        stamps = read_stamps(path)
        stamps_read.set()
        assert go_on.wait(30)
        return stamps

    monkeypatch.setattr(comparison_module, "read_stamps", slow_read_stamps)
    with open_portfolio(compare_later=True) as reopened:
        ready = threading.Event()
        reopened.compare_in_background(ready.set)
        assert stamps_read.wait(30)
        # Meanwhile, the app saves: a reflection on the very work edited by hand, and new work.
        reflected = reopened.set_reflection(reopened.artifact(client.id, session.id, saved[0].id), title="mine",
                                            about="")
        new = reopened.save_artifact(client.id, session.id, "drawing", drawing_draft(title="new"))
        go_on.set()
        assert ready.wait(30)
        assert reopened.finish_comparison().ok
        assert reopened.artifact(client.id, session.id, saved[0].id).title == reflected.title == "mine"
        assert reopened.artifact(client.id, session.id, new.id).title == "new"
        assert _listing(reopened) == _rebuilt_listing(reopened)


def test_closing_stops_a_comparison_under_way(store, client, session, open_portfolio, monkeypatch, portfolio_dir):
    _work(store, client, session)
    close_as_if_killed(store)
    started, release = threading.Event(), threading.Event()

    def slow_scan(disk):
        started.set()
        release.wait(30)
        return {}

    monkeypatch.setattr(comparison_module.Disk, "scan", slow_scan)
    called = []
    reopened = open_portfolio(compare_later=True)
    reopened.compare_in_background(lambda: called.append(1))
    assert started.wait(30)
    # The walk ends a moment after the close began, which waits for it.
    threading.Timer(0.2, release.set).start()
    reopened.close()
    assert release.is_set() and called == []
    assert not (portfolio_dir / SEAL).exists()


def test_a_comparison_that_cannot_read_the_tree_says_so(store, client, session, open_portfolio, monkeypatch):
    close_as_if_killed(store)

    def unreadable(disk):
        raise PortfolioError("Cannot read the portfolio folder: permission denied.")

    monkeypatch.setattr(comparison_module.Disk, "scan", unreadable)
    with open_portfolio(compare_later=True) as reopened:
        with pytest.raises(PortfolioError, match="could not be compared with its files: Cannot read"):
            _compared(reopened)
        assert reopened.needs_full_comparison


def test_an_unencrypted_portfolio_too_trusts_its_seal(tmp_path, walks):
    with Portfolio.open(tmp_path / "plain") as store:
        store.add_client("Robin")
    walks.update(scans=0)
    with Portfolio.open(tmp_path / "plain") as reopened:
        assert walks["scans"] == 0 and len(reopened.clients()) == 1


def test_the_seal_follows_a_synced_index_and_is_broken_durably_before_any_write(open_portfolio, monkeypatch):
    # A pulled battery: what reached the disk is what was synced, in the order synced. The
    # seal must never be on disk without the index it speaks for, nor survive a write.
    from expressive.portfolio import index_seal
    from expressive.portfolio.auditing import Audit
    from expressive.portfolio.index import Index

    events = []
    seal, mark_writing, record = Index.seal, Index.mark_writing, Audit.record
    write_file, fsync_folder = index_seal.write_file, index_seal.fsync_folder
    monkeypatch.setattr(Index, "seal", lambda index, token: events.append("index synced") or seal(index, token))
    monkeypatch.setattr(Index, "mark_writing", lambda index, key: events.append("write") or mark_writing(index, key))
    monkeypatch.setattr(Audit, "record", lambda audit, event, *a: events.append(f"audit {event}") or record(audit, event, *a))
    monkeypatch.setattr(index_seal, "write_file", lambda path, data, fsync: events.append(("seal written", fsync))
                        or write_file(path, data, fsync=fsync))
    monkeypatch.setattr(index_seal, "fsync_folder", lambda folder: events.append("seal broken, synced")
                        or fsync_folder(folder))
    store = open_portfolio()
    store.add_client("Robin")
    store.close()
    assert events[-2:] == ["index synced", ("seal written", True)]
    events.clear()
    with open_portfolio() as reopened:
        reopened.add_client("Sam")
    broken = events.index("seal broken, synced")
    assert broken == 0 and "write" in events[broken:]
