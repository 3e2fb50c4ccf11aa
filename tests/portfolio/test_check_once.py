"""`check` reads every file once (on a few threads), tells its progress, and still finds
every problem exactly as before."""

from collections import Counter

from portfolio_helpers import drawing_draft

from expressive.portfolio.disk import Disk


def _work(store, client, session, count=4):
    return [store.save_artifact(client.id, session.id, "drawing", drawing_draft(title=f"n{i}")) for i in range(count)]


def test_check_reads_each_file_of_the_portfolio_once(store, client, session, monkeypatch):
    saved = _work(store, client, session)
    store.set_therapist_note(client.id, session.id, "fine")
    read = Counter()

    def counted(reading):
        def counting(disk, path):
            read[path.relative_to(store.root).as_posix()] += 1
            return reading(disk, path)

        return counting

    monkeypatch.setattr(Disk, "read_bytes", counted(Disk.read_bytes))
    monkeypatch.setattr(Disk, "digest", counted(Disk.digest))
    report = store.check()
    assert report.ok and report.artifacts_checked == 4
    client_files = {
        path.relative_to(store.root).as_posix() for path in (store.root / "clients").rglob("*") if path.is_file()
    }
    assert set(read) == client_files
    assert set(read.values()) == {1}, {name: times for name, times in read.items() if times > 1}
    assert len(client_files) == 1 + 1 + 1 + 4 * 4 and saved


def test_check_tells_its_progress_record_by_record(store, client, session):
    _work(store, client, session, count=3)
    store.start_session(client.id, plan_id="free")
    told = []
    store.check(progress=lambda done, total: told.append((done, total)))
    # A client, two sessions, three artifacts.
    assert told == [(done, 6) for done in range(1, 7)]


def test_every_damaged_file_is_named_whatever_thread_read_it(store, client, session, protection):
    saved = _work(store, client, session, count=6)
    for artifact in saved[::2]:
        picture = artifact.path / "drawing.png"
        data = bytearray(picture.read_bytes())
        data[-20] ^= 0xFF
        picture.write_bytes(bytes(data))
    report = store.check()
    assert [str(problem.path) for problem in report.problems] == [
        str((artifact.path / "drawing.png").relative_to(store.root)) for artifact in saved[::2]
    ]
    assert report.artifacts_checked == 6


def test_check_writes_only_the_rows_of_records_that_differ_even_with_the_same_stamp(store, client, session,
                                                                                    monkeypatch):
    import os

    from portfolio_helpers import read_plain, write_plain

    from expressive.portfolio.index import Index

    saved = _work(store, client, session)
    store.check()
    stored = []
    store_row = Index._store
    monkeypatch.setattr(Index, "_store", lambda index, key, *rest: stored.append(key) or store_row(index, key, *rest))
    store.check()
    assert stored == [], "nothing changed: no row is written again"
    # Changed behind the app's back with its stamp kept (same size, time put back).
    manifest = saved[1].path / "manifest.json"
    status = manifest.stat()
    write_plain(store, manifest, read_plain(store, manifest).replace(b'"title": "n1"', b'"title": "X1"'))
    os.utime(manifest, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert (manifest.stat().st_mtime_ns, manifest.stat().st_size) == (status.st_mtime_ns, status.st_size)
    store.check()
    assert stored == [(client.id, session.id, saved[1].id)]
    assert store.artifact(client.id, session.id, saved[1].id).title == "X1"
