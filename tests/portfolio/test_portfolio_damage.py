"""Damage is shown and named, never hidden and never deleted; leftovers are tidied."""

import json

import pytest
from portfolio_helpers import close_as_if_killed, drawing_draft, read_plain, write_plain

from expressive.portfolio import PortfolioError

CHANGED = {
    "plain": "drawing.png does not match its checksum: the file was changed or damaged",
    "encrypted": "drawing.png could not be decrypted: it was changed, damaged or moved",
}


@pytest.fixture
def three(store, client, session):
    return [store.save_artifact(client.id, session.id, "drawing", drawing_draft(title=f"n{i}")) for i in range(3)]


def _relative(store, path):
    return path.relative_to(store.root)


def test_a_healthy_portfolio_checks_clean(store, client, session, three):
    store.set_therapist_note(client.id, session.id, "fine")
    report = store.check()
    assert report.ok and report.problems == [] and report.notes == [] and report.repaired == []
    assert report.artifacts_checked == 3


def test_a_garbage_manifest_is_listed_as_damaged_and_named(store, client, session, three, open_portfolio):
    write_plain(store, three[1].path / "manifest.json", b"\x00{not json")
    # Damaged behind the app's back, then the app was killed: the next open compares.
    close_as_if_killed(store)
    with open_portfolio() as reopened:
        listed = {a.id: a for a in reopened.artifacts(client.id, session.id)}
        assert set(listed) == {a.id for a in three}
        damaged = listed[three[1].id]
        assert damaged.damaged == "manifest.json is not readable (it is not valid JSON)"
        assert (damaged.kind, damaged.files, damaged.path) == ("unknown", (), three[1].path)
        assert [listed[a.id].damaged for a in (three[0], three[2])] == [None, None]
        assert reopened.verify_artifact(damaged) == [damaged.damaged]
        with pytest.raises(PortfolioError, match="is damaged"):
            reopened.read_file(damaged, "drawing.png")
        with pytest.raises(PortfolioError, match="is damaged"):
            reopened.set_reflection(damaged, title="x", about="y")

        report = reopened.check(repair=True)
        assert not report.ok
        assert [(p.path, p.message) for p in report.problems] == [
            (_relative(reopened, three[1].path / "manifest.json"), damaged.damaged)
        ]
    assert (three[1].path / "drawing.png").exists(), "damaged work is never deleted"


@pytest.mark.parametrize(
    "field, value",
    [("product", ["drawing.png"]), ("files", "drawing.png"), ("created", 12), ("metadata", [1, 2])],
)
def test_a_manifest_of_the_wrong_shape_is_damage_not_a_crash(store, client, session, three, open_portfolio, field, value):
    manifest = three[0].path / "manifest.json"
    document = json.loads(read_plain(store, manifest))
    document[field] = value
    write_plain(store, manifest, json.dumps(document).encode())
    close_as_if_killed(store)
    with open_portfolio() as reopened:
        listed = {a.id: a for a in reopened.artifacts(client.id, session.id)}
        assert listed[three[0].id].damaged
        assert [listed[a.id].damaged for a in three[1:]] == [None, None]


def test_a_missing_manifest_is_damage(store, client, session, three):
    (three[0].path / "manifest.json").unlink()
    store.rebuild_index()
    assert store.artifact(client.id, session.id, three[0].id).damaged == "manifest.json is missing"
    assert [p.message for p in store.check().problems] == ["manifest.json is missing"]


def test_a_changed_byte_is_named_by_check_and_refused_by_read_file(store, client, session, three, protection):
    picture = three[2].path / "drawing.png"
    content = bytearray(picture.read_bytes())
    content[len(content) // 2] ^= 0xFF
    picture.write_bytes(bytes(content))

    report = store.check()
    assert [(p.path, p.message) for p in report.problems] == [(_relative(store, picture), CHANGED[protection])]
    with pytest.raises(PortfolioError, match=f"is damaged: {CHANGED[protection]}"):
        store.read_file(three[2], "drawing.png")
    assert store.read_file(three[2], "thumbnail.png")
    assert store.verify_artifact(three[2]) == [CHANGED[protection]]
    for other in three[:2]:
        assert store.verify_artifact(other) == []
        assert store.read_file(other, "drawing.png") == drawing_draft().files["drawing.png"]


def test_a_missing_file_is_named(store, three):
    (three[0].path / "thumbnail.png").unlink()
    assert [(p.path, p.message) for p in store.check().problems] == [
        (_relative(store, three[0].path / "thumbnail.png"), "thumbnail.png is missing")
    ]
    with pytest.raises(PortfolioError, match="thumbnail.png is missing"):
        store.read_file(three[0], "thumbnail.png")


def test_a_damaged_session_is_still_listed_with_its_work(store, client, session, three, portfolio_dir):
    session_file = portfolio_dir / "clients" / client.id / "sessions" / session.id / "session.json"
    write_plain(store, session_file, b"[]")
    store.rebuild_index()
    [listed] = store.sessions(client.id)
    assert listed.damaged == "session.json is not an expressive-session file"
    assert listed.started.strftime("%Y-%m-%d_%H%M") == session.id[:15]
    assert len(store.artifacts(client.id)) == 3
    assert [p.path for p in store.check().problems] == [_relative(store, session_file)]
    with pytest.raises(PortfolioError, match="Could not finish the session"):
        store.finish_session(client.id, session.id, feeling_out=3)


def test_a_damaged_client_record_is_listed_under_its_id(store, client, portfolio_dir):
    write_plain(store, portfolio_dir / "clients" / client.id / "client.json", b'{"format": "expressive-client"}')
    store.rebuild_index()
    [listed] = store.clients()
    assert (listed.id, listed.name) == (client.id, client.id)
    assert listed.damaged == "client.json has no valid version number"


def test_a_damaged_note_is_reported(store, client, session, portfolio_dir):
    store.set_therapist_note(client.id, session.id, "private")
    note = portfolio_dir / "clients" / client.id / "private" / f"notes-{session.id}.json"
    write_plain(store, note, b"{")
    with pytest.raises(PortfolioError, match="note on session .* is damaged"):
        store.therapist_note(client.id, session.id)
    assert [p.path for p in store.check().problems] == [_relative(store, note)]


def test_unfinished_saves_are_notes_and_repair_removes_them(store, client, session, three, open_portfolio):
    artifacts = three[0].path.parent
    partial = artifacts / ".04-drawing-abcd.partial"
    partial.mkdir()
    (partial / "drawing.png").write_bytes(b"half")
    temp = three[0].path / ".tmp-1234abcd-manifest.json"
    temp.write_bytes(b"{")
    store.close()

    with open_portfolio() as reopened:
        assert len(reopened.artifacts(client.id, session.id)) == 3
        report = reopened.check()
        assert report.ok
        assert [note.split(" ")[0] for note in report.notes] == [
            str(_relative(reopened, partial)),
            str(_relative(reopened, temp)),
        ]
        assert partial.exists() and temp.exists()

        report = reopened.check(repair=True)
        assert report.ok and len(report.repaired) == 2
        assert not partial.exists() and not temp.exists()
        assert reopened.check().notes == []


def test_an_unreadable_file_is_named(store, three, permission_bits_enforced):
    picture = three[0].path / "drawing.png"
    picture.chmod(0)
    try:
        assert [p.message for p in store.check().problems] == ["drawing.png cannot be read: permission denied"]
    finally:
        picture.chmod(0o600)
