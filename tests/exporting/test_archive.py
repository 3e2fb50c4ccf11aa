"""The ZIP archive of a client's whole record, and bringing it back (data portability):
what it holds, an exact restore into fresh portfolios (plain and encrypted, either way
round), and damaged or hostile archives refused in one plain sentence, changing nothing."""

import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest

from expressive.activity import ImportRefused
from expressive.exporting import archive as archive_format
from expressive.exporting import zip_archive
from expressive.importing import import_archive
from expressive.portfolio import Homework, Portfolio, PortfolioError
from expressive.portfolio.edits import merge, parse_edits
from expressive.portfolio.layout import edit_files, note_paths
from expressive.registry import discover
from export_helpers import ARTIFACT_NOTE, MARKS, NOTICINGS, SETTINGS, export, new_portfolio
from sample_work import tree_fingerprint


def everything(store, client_id):
    """All that a restore must bring back, without the ids the portfolio gives."""
    client = store.client(client_id)
    sessions = []
    for session in reversed(store.sessions(client_id)):
        artifacts = [
            {
                "record": (artifact.activity, artifact.kind, artifact.created, artifact.title, artifact.about,
                           artifact.product, artifact.thumbnail, artifact.process, artifact.metadata),
                "review": (artifact.marks, artifact.noticings, artifact.tags, artifact.starred, store.artifact_note(artifact)),
                "files": [(entry.name, entry.role, entry.media_type, entry.size, entry.sha256) for entry in artifact.files],
                "contents": {entry.name: store.read_file(artifact, entry.name) for entry in artifact.files},
            }
            for artifact in store.artifacts(client_id, session.id)
        ]
        sessions.append({
            "record": (session.plan_id, session.goal, session.goal_met, session.feeling_in, session.feeling_out,
                       session.started, session.ended, session.homework),
            "note": store.therapist_note(client_id, session.id),
            "artifacts": artifacts,
        })
    return {"client": (client.name, client.year_of_birth, client.notes, client.settings), "sessions": sessions}


def _as_it_reads(path):
    """A record's file of the plain demo merged with every device's edits of it: the record as stored."""
    edits = {device: parse_edits(edits.read_bytes(), edits.name, device) for device, edits in edit_files(path).items()}
    return merge(json.loads(path.read_text()) if path.exists() else {}, edits).doc


def test_the_archive_holds_every_record_as_stored_and_every_file_in_a_readable_layout(plain_demo, tmp_path):
    out = export(plain_demo, tmp_path / "robin.zip")
    client_folder = plain_demo.root / "clients" / plain_demo.client_id
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
        compression = {info.filename: info.compress_type for info in archive.infolist()}
        contents = {name: archive.read(name) for name in names}
    assert (manifest["format"], manifest["version"], manifest["left_out"]) == ("expressive-archive", 1, [])
    assert re.match(r"^\d{4}-\d\d-\d\dT", manifest["exported"])
    assert manifest["client"] == _as_it_reads(client_folder / "client.json")
    assert manifest["client"]["settings"] == SETTINGS
    listed = {"manifest.json"}
    for entry in manifest["sessions"]:
        session_folder = client_folder / "sessions" / entry["session"]["id"]
        assert entry["session"] == _as_it_reads(session_folder / "session.json")
        for artifact in entry["artifacts"]:
            artifact_folder = session_folder / "artifacts" / artifact["manifest"]["id"]
            assert artifact["manifest"] == _as_it_reads(artifact_folder / "manifest.json")
            for file in artifact["files"]:
                assert file["path"] == f"sessions/{entry['session']['id']}/{artifact['manifest']['id']}/{file['name']}"
                assert contents[file["path"]] == (artifact_folder / file["name"]).read_bytes()
                assert hashlib.sha256(contents[file["path"]]).hexdigest() == file["sha256"]
                listed.add(file["path"])
    assert names == listed
    assert [entry["session"]["started"] for entry in manifest["sessions"]] == sorted(
        entry["session"]["started"] for entry in manifest["sessions"]
    ), "oldest first"
    notes = [_as_it_reads(path) for path in note_paths(client_folder / "private")]
    assert manifest["therapist_notes"] == notes and len(notes) == 4, "three on sessions, one on a piece of work"
    assert {compression[name] for name in names if name.endswith(".png")} == {zipfile.ZIP_STORED}
    assert {compression[name] for name in names if name.endswith(".json")} == {zipfile.ZIP_DEFLATED}


def demo_pieces(demo) -> int:
    with demo.open() as store:
        return len(store.artifacts(demo.client_id))


@pytest.mark.parametrize("target", ["plain", "encrypted"])
def test_a_client_comes_back_exactly_into_a_fresh_portfolio(demo, target, tmp_path):
    out = export(demo, tmp_path / "robin.zip")
    with demo.open() as store:
        before = everything(store, demo.client_id)
        pieces = len(store.artifacts(demo.client_id))
    with new_portfolio(tmp_path / "fresh", target) as store:
        restored = import_archive(store, out)
        # The demo: 3 sessions, each with work of every activity.
        assert (restored.sessions, restored.artifacts, restored.not_restored) == (3, pieces, [])
        assert [client.id for client in store.clients()] == [restored.client.id]
        after = everything(store, restored.client.id)
        assert store.check().ok
    assert after == before
    reviews = [artifact["review"] for session in after["sessions"] for artifact in session["artifacts"]]
    assert [mark["note"] for marks, *_ in reviews for mark in marks] == [MARKS[0]["note"]]
    assert [noticing.text for _, noticings, *_ in reviews for noticing in noticings] == list(NOTICINGS)
    assert {(tags, starred, note) for _, _, tags, starred, note in reviews} == {
        ((), False, ""), (("family", "home"), True, ARTIFACT_NOTE), (("sea",), False, "")
    }
    assert [session["record"][2] for session in after["sessions"]] == [True, False, None]
    assert [session["record"][-1] for session in after["sessions"]] == [
        Homework("Draw the garden at home", True, "did half of it"), None, Homework("Notice one calm moment")
    ]
    assert {artifact["record"][0] for session in after["sessions"] for artifact in session["artifacts"]} == set(
        discover().activities
    )


def test_a_client_of_the_same_name_stays_as_it_was_and_the_restored_one_is_named_apart(plain_demo, tmp_path):
    out = export(plain_demo, tmp_path / "robin.zip")
    demo = plain_demo.copied(tmp_path / "portfolio")
    with demo.open() as store:
        before = everything(store, demo.client_id)
        first = import_archive(store, out)
        second = import_archive(store, out)
        assert (first.client.name, second.client.name) == ("Robin (demo) (restored)", "Robin (demo) (restored 2)")
        assert everything(store, demo.client_id) == before
        assert everything(store, second.client.id)["sessions"] == before["sessions"]


def test_fields_this_version_does_not_know_travel_and_are_named_when_they_cannot_come_back(plain_demo, tmp_path):
    """Records written by a newer Expressive carry fields this one cannot set: the archive
    keeps them, and bringing it in says which were left behind."""
    out = export(plain_demo, tmp_path / "robin.zip")

    def newer(manifest):
        manifest["client"]["pronouns"] = "they"
        session = manifest["sessions"][0]
        session["session"]["weather"] = "rain"
        artifact = session["artifacts"][0]["manifest"]
        artifact["mood"] = "sunny"
        artifact["reflection"]["drawn_with"] = "crayons"

    rewrite(out, change_manifest=newer)
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["client"]["pronouns"] == "they"
    with new_portfolio(tmp_path / "fresh", "plain") as store:
        restored = import_archive(store, out)
    assert restored.not_restored == [
        "mood (on 1 piece of work)",
        "pronouns (of the client)",
        "reflection.drawn_with (on 1 piece of work)",
        "weather (on 1 session)",
    ]
    assert restored.artifacts == demo_pieces(plain_demo)


def test_work_that_cannot_be_read_is_left_out_said_and_the_rest_comes_back(plain_demo, tmp_path):
    demo = plain_demo.copied(tmp_path / "portfolio")
    with demo.open() as store:
        music = next(artifact for artifact in store.artifacts(demo.client_id) if artifact.activity == "music")
        (music.path / "music.mid").write_bytes(b"not the tune")
        left_out = zip_archive(store, demo.client_id, out=tmp_path / "robin.zip")
    assert len(left_out) == 1 and music.id in left_out[0] and "does not match its checksum" in left_out[0]
    with zipfile.ZipFile(tmp_path / "robin.zip") as archive:
        assert json.loads(archive.read("manifest.json"))["left_out"] == left_out
    with new_portfolio(tmp_path / "fresh", "plain") as store:
        assert import_archive(store, tmp_path / "robin.zip").artifacts == demo_pieces(demo) - 1


def test_a_failure_part_way_through_the_restore_takes_the_new_client_out_again(plain_demo, tmp_path, monkeypatch):
    out = export(plain_demo, tmp_path / "robin.zip")
    saved = []
    real_save = Portfolio.save_artifact

    def save_until_the_device_is_full(self, *args, **options):
        if len(saved) == 5:
            raise PortfolioError("Could not save the drawing: the device is full.")
        saved.append(args)
        return real_save(self, *args, **options)

    with new_portfolio(tmp_path / "fresh", "plain") as store:
        store.add_client("Sam")
        before = tree_fingerprint(store.root)
        monkeypatch.setattr(Portfolio, "save_artifact", save_until_the_device_is_full)
        with pytest.raises(PortfolioError, match="the device is full"):
            import_archive(store, out)
        assert [client.name for client in store.clients()] == ["Sam"]
    assert tree_fingerprint(tmp_path / "fresh") == before


# --- damaged and hostile archives -----------------------------------------------------------


def rewrite(path: Path, *, change_manifest=None, leave_out=(), add=(), replace=None):
    """Write the archive at `path` again: the manifest changed, entries left out, added or
    replaced ({name: what makes the new content from the old}), the rest as it was."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            if info.filename in leave_out:
                continue
            if info.filename in (replace or {}):
                data = replace[info.filename](data)
            if info.filename == "manifest.json" and change_manifest:
                manifest = json.loads(data)
                change_manifest(manifest)
                data = json.dumps(manifest).encode()
            archive.writestr(info, data)
        for name, data in add:
            archive.writestr(name, data)


def first_png(path: Path) -> zipfile.ZipInfo:
    with zipfile.ZipFile(path) as archive:
        return next(info for info in archive.infolist() if info.filename.endswith(".png"))


def truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def change_a_byte_in_a_picture(path):
    info = first_png(path)
    data = bytearray(path.read_bytes())
    # The entry's data follows its 30-byte local header, its name and its extra field.
    name_length = int.from_bytes(data[info.header_offset + 26:info.header_offset + 28], "little")
    extra_length = int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    data[info.header_offset + 30 + name_length + extra_length + info.compress_size // 2] ^= 0x55
    path.write_bytes(bytes(data))


def change_a_checksum_in_the_manifest(manifest):
    manifest["sessions"][0]["artifacts"][0]["files"][0]["sha256"] = "0" * 64


def give_a_newer_version(manifest):
    manifest["version"] = 2


def give_a_record_a_newer_version(manifest):
    manifest["sessions"][-1]["artifacts"][-1]["manifest"]["version"] = 2


def point_a_file_outside(manifest):
    manifest["sessions"][0]["artifacts"][0]["files"][0]["path"] = "../evil.png"


DAMAGE = {
    "truncated": (truncate, "damaged or incomplete: it may have been cut short"),
    "a changed byte in a file": (change_a_byte_in_a_picture, r"damaged: sessions/.*\.png cannot be unpacked"),
    "a file with other content": (lambda path: rewrite(path, replace={first_png(path).filename: lambda data: data[::-1]}),
                                  r"damaged: sessions/.*\.png does not match its checksum"),
    "a missing file": (lambda path: rewrite(path, leave_out=[first_png(path).filename]), r"incomplete: sessions/.*\.png is missing"),
    "no manifest": (lambda path: rewrite(path, leave_out=["manifest.json"]), "not an archive made by Expressive: it has no manifest"),
    "a path like ../evil": (lambda path: rewrite(path, add=[("../evil", b"x")]), "not safe to bring in: it holds a file named '../evil'"),
    "an absolute path": (lambda path: rewrite(path, add=[("/etc/cron.d/evil", b"x")]), "not safe to bring in"),
    "a manifest pointing outside": (lambda path: rewrite(path, change_manifest=point_a_file_outside), "not where the manifest says"),
    "a file the manifest does not list": (lambda path: rewrite(path, add=[("sessions/extra.png", b"x")]), "does not list"),
    "a checksum changed in the manifest": (lambda path: rewrite(path, change_manifest=change_a_checksum_in_the_manifest),
                                           "do not match its manifest"),
    "a newer version": (lambda path: rewrite(path, change_manifest=give_a_newer_version), "made by a newer version of Expressive"),
    "a record of a newer version": (lambda path: rewrite(path, change_manifest=give_a_record_a_newer_version),
                                    "made by a newer version of Expressive"),
    "not a zip": (lambda path: path.write_text("these are my notes"), "not a ZIP archive"),
    "an empty file": (lambda path: path.write_bytes(b""), "not a ZIP archive"),
    "another zip": (lambda path: zipfile.ZipFile(path, "w").writestr("holiday.jpg", b"jpeg"), "has no manifest"),
}


def assert_refused(store, path, words):
    before = tree_fingerprint(store.root)
    clients = store.clients()
    with pytest.raises(ImportRefused) as refused:
        import_archive(store, path)
    message = str(refused.value)
    assert re.search(words, message), message
    assert message.endswith(".") and ". " not in message and "\n" not in message, "one sentence"
    assert not re.search(r"Errno|Traceback|zipfile|CRC|KeyError|0x", message), "words for a person"
    assert tree_fingerprint(store.root) == before and store.clients() == clients


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_archive_is_refused_in_one_plain_sentence_and_nothing_changes(good_archive, robins_portfolio, tmp_path, damage):
    path = tmp_path / "robin.zip"
    path.write_bytes(good_archive.read_bytes())
    spoil, words = DAMAGE[damage]
    spoil(path)
    assert_refused(robins_portfolio, path, words)


def test_an_archive_too_big_once_unpacked_or_with_too_many_files_is_refused_unread(good_archive, robins_portfolio, monkeypatch):
    monkeypatch.setattr(archive_format, "MAX_ARCHIVE_UNPACKED_BYTES", 1024**2)
    assert_refused(robins_portfolio, good_archive, "more than 1 MB once unpacked; that is the most Expressive accepts")
    monkeypatch.undo()
    monkeypatch.setattr(archive_format, "MAX_ARCHIVE_ENTRIES", 10)
    assert_refused(robins_portfolio, good_archive, r"holds \d+ files; the most Expressive accepts is 10")


def test_a_folder_or_a_missing_file_is_refused(robins_portfolio, tmp_path):
    assert_refused(robins_portfolio, tmp_path, "is a folder, not an archive")
    assert_refused(robins_portfolio, tmp_path / "nothing.zip", "There is no file")


def test_a_note_that_cannot_be_read_is_left_out_and_said(plain_demo, tmp_path):
    demo = plain_demo.copied(tmp_path / "portfolio")
    with demo.open() as store:
        session = store.sessions(demo.client_id)[0]
    note = demo.root / "clients" / demo.client_id / "private" / f"notes-{session.id}.json"
    note.write_bytes(b"\x00damaged")
    with demo.open() as store:
        left_out = zip_archive(store, demo.client_id, out=tmp_path / "robin.zip")
    assert left_out == [f"A therapist's note: private/{note.name} is damaged: {note.name} is not readable (it is not valid JSON)."]
    with new_portfolio(tmp_path / "fresh", "plain") as store:
        restored = import_archive(store, tmp_path / "robin.zip")
        notes = [store.therapist_note(restored.client.id, session.id) for session in store.sessions(restored.client.id)]
    assert notes[0] == "" and all(notes[1:])
