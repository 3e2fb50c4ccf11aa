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
