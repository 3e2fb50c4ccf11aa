"""Saving and reading back: the portfolio as the app uses it, on real files."""

import hashlib
import json
from datetime import datetime, timedelta, UTC

import pytest
from portfolio_helpers import drawing_draft, read_json, read_plain, write_json

from expressive.artifact import ArtifactDraft
from expressive.portfolio import FORMAT_VERSION, Portfolio, PortfolioError
from expressive.portfolio.device import device_id
from expressive.security.cipher import is_encrypted

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_round_trip_through_a_new_instance(open_portfolio, protection):
    draft = drawing_draft(title="My house")
    with open_portfolio() as store:
        client = store.add_client("  Robin  ", 2014, notes="likes blue")
        session = store.start_session(client.id, plan_id="body-map", goal="Draw a safe place", feeling_in=2, started=T0)
        saved = store.save_artifact(client.id, session.id, "drawing", draft, created=T0 + timedelta(minutes=5))
        reflected = store.set_reflection(saved, title="Home", about="This is where I feel safe")
        store.set_therapist_note(client.id, session.id, "Calmer than last week.")
        finished = store.finish_session(client.id, session.id, feeling_out=4, ended=T0 + timedelta(minutes=50))

    with open_portfolio() as store:
        assert store.encrypted == (protection == "encrypted")
        assert store.clients() == [client]
        assert client.name == "Robin" and client.year_of_birth == 2014 and client.notes == "likes blue"
        assert store.session(client.id, session.id) == finished
        assert (finished.feeling_in, finished.feeling_out) == (2, 4)
        assert finished.ended == T0 + timedelta(minutes=50)
        artifact = store.artifact(client.id, session.id, saved.id)
        assert artifact == reflected
        assert (artifact.title, artifact.about) == ("Home", "This is where I feel safe")
        assert (artifact.activity, artifact.kind, artifact.created) == ("drawing", "drawing", T0 + timedelta(minutes=5))
        assert (artifact.product, artifact.thumbnail, artifact.process) == ("drawing.png", "thumbnail.png", "strokes.json")
        assert {entry.name: entry.role for entry in artifact.files} == {
            "drawing.png": "product",
            "strokes.json": "process",
            "thumbnail.png": "thumbnail",
        }
        assert artifact.metadata == {"canvas": [64, 64]}
        for name, content in draft.files.items():
            assert store.read_file(artifact, name) == content
            on_disk = store.file_path(artifact, name).read_bytes()
            if protection == "plain":
                assert on_disk == content
            else:
                assert is_encrypted(on_disk) and content not in on_disk
        assert store.verify_artifact(artifact) == []
        assert store.therapist_note(client.id, session.id) == "Calmer than last week."


def test_manifest_holds_the_sha256_of_every_file(store, client, session):
    draft = drawing_draft()
    artifact = store.save_artifact(client.id, session.id, "drawing", draft)
    manifest = read_json(store, artifact.path / "manifest.json")
    assert (manifest["format"], manifest["version"]) == ("expressive-artifact", FORMAT_VERSION)
    assert manifest["reflection"] == {"about": ""} and manifest["tags"] == []
    for entry in manifest["files"]:
        # The checksum is of the content, whether or not the file is stored encrypted.
        content = read_plain(store, artifact.path / entry["name"])
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["size"] == len(content)
    assert {entry["name"] for entry in manifest["files"]} == set(draft.files)
    assert next(e for e in manifest["files"] if e["name"] == "drawing.png")["media_type"] == "image/png"


def test_layout_names_carry_no_client_data(store, portfolio_dir, protection):
    client = store.add_client("Zoë Secretname", 2012)
    session = store.start_session(client.id, plan_id="free", goal="Secretgoal")
    artifact = store.save_artifact(client.id, session.id, "drawing", drawing_draft(title="Secrettitle"))
    store.set_therapist_note(client.id, session.id, "Secretnote")

    names = [path.name for path in portfolio_dir.rglob("*")]
    assert not [name for name in names if "Secret" in name or "Zo" in name]
    assert artifact.path == portfolio_dir / "clients" / client.id / "sessions" / session.id / "artifacts" / artifact.id
    assert artifact.id.startswith("01-drawing-")
    # The note as this device keeps it (see expressive.portfolio.edits).
    assert (portfolio_dir / "clients" / client.id / "private" / f"notes-{session.id}.{device_id(portfolio_dir)}.json").exists()
    marker = json.loads((portfolio_dir / "portfolio.json").read_text("utf-8"))
    assert marker["format"] == "expressive-portfolio"
    if protection == "plain":
        assert marker["encryption"] is None
    else:
        assert marker["encryption"]["state"] == "complete" and marker["encryption"]["keyring"] == "keyring.json"
    records = [path for path in (portfolio_dir / "clients").rglob("*.json") if path.name != "strokes.json"]
    assert len(records) == 4
    for path in records:
        document = read_json(store, path)
        assert document["format"].startswith("expressive-") and document["version"] == FORMAT_VERSION


def test_listing_order(store):
    for name in ("bob", "Alice", "carl", "Émile"):
        store.add_client(name)
    assert [client.name for client in store.clients()] == ["Alice", "bob", "carl", "Émile"]

    client = store.clients()[0]
    days = [store.start_session(client.id, plan_id="free", started=T0 + timedelta(days=day)) for day in (1, 3, 2)]
    first, third, second = days
    assert [s.id for s in store.sessions(client.id)] == [third.id, second.id, first.id]
    assert [s.id for s in store.sessions(client.id, limit=1, offset=1)] == [second.id]
    assert third.id.startswith("2026-03-05_0930_")

    for minutes in (30, 10, 20):
        store.save_artifact(client.id, second.id, "drawing", drawing_draft(title=f"{minutes}"), created=T0 + timedelta(minutes=minutes))
    store.save_artifact(client.id, third.id, "drawing", drawing_draft(title="latest"))
    assert [a.title for a in store.artifacts(client.id, second.id)] == ["10", "20", "30"]
    assert [a.title for a in store.artifacts(client.id)] == ["latest", "10", "20", "30"]
    assert [a.id[:3] for a in store.artifacts(client.id, second.id)] == ["02-", "03-", "01-"]

    grouped = store.artifacts_by_session(client.id, [third.id, second.id, first.id])
    assert list(grouped) == [third.id, second.id, first.id]
    assert [len(grouped[s]) for s in grouped] == [1, 3, 0]
    assert [a.title for a in grouped[second.id]] == ["10", "20", "30"]


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda store, c, s: store.add_client("   "), "needs a name"),
        (lambda store, c, s: store.add_client("Kim", 1850), "1850"),
        (lambda store, c, s: store.client("c-00000000"), "no client c-00000000"),
        (lambda store, c, s: store.start_session("c-00000000", plan_id="free"), "no client"),
        (lambda store, c, s: store.session(c.id, "2020-01-01_0000_zzzz"), "no session"),
        (lambda store, c, s: store.save_artifact(c.id, s.id, "Not An Id", drawing_draft()), "activity id"),
        (
            lambda store, c, s: store.save_artifact(
                c.id, s.id, "drawing", ArtifactDraft(kind="drawing", files={"a.png": b"x"}, product="b.png", thumbnail="a.png")
            ),
            "product 'b.png' is not one of the draft's files",
        ),
    ],
)
def test_invalid_requests_are_refused_in_plain_words(store, client, session, call, words):
    with pytest.raises(PortfolioError, match=words):
        call(store, client, session)
    assert store.artifacts(client.id) == []


def test_open_creates_missing_folders(tmp_path):
    root = tmp_path / "a" / "b" / "portfolio"
    with Portfolio.open(str(root)) as store:
        assert store.root == root
        assert store.clients() == []
    assert (root / "portfolio.json").is_file()


def test_a_folder_with_other_files_is_not_taken_over(tmp_path):
    (tmp_path / "holiday.jpg").write_bytes(b"not ours")
    with pytest.raises(PortfolioError, match=f"{tmp_path} is not an Expressive portfolio"):
        Portfolio.open(tmp_path)
    assert not (tmp_path / "portfolio.json").exists()


def test_a_file_is_not_a_portfolio(tmp_path):
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(PortfolioError, match="is a file, not a folder"):
        Portfolio.open(tmp_path / "file")


def test_a_newer_portfolio_is_refused(portfolio_dir):
    Portfolio.open(portfolio_dir).close()
    marker = portfolio_dir / "portfolio.json"
    document = json.loads(marker.read_text("utf-8"))
    marker.write_text(json.dumps({**document, "version": FORMAT_VERSION + 1}), "utf-8")
    with pytest.raises(PortfolioError, match="made by a newer version of Expressive"):
        Portfolio.open(portfolio_dir)


def test_unknown_fields_survive_a_rewrite(store, client, session):
    artifact = store.save_artifact(client.id, session.id, "drawing", drawing_draft())
    manifest_path = artifact.path / "manifest.json"
    manifest = read_json(store, manifest_path)
    manifest["tags"] = ["home"]
    manifest["from_the_future"] = {"kept": True}
    write_json(store, manifest_path, manifest)

    store.set_reflection(artifact, title="Home", about="safe")
    rewritten = read_json(store, manifest_path)
    assert rewritten["tags"] == ["home"] and rewritten["from_the_future"] == {"kept": True}
    assert rewritten["title"] == "Home" and rewritten["reflection"] == {"about": "safe"}


def test_therapist_note_is_empty_until_written(store, client, session):
    assert store.therapist_note(client.id, session.id) == ""
    store.set_therapist_note(client.id, session.id, "first")
    store.set_therapist_note(client.id, session.id, "second")
    assert store.therapist_note(client.id, session.id) == "second"


@pytest.mark.parametrize("feeling", [0, 6, True, 2.5])
def test_a_feeling_outside_the_scale_is_refused(store, client, feeling):
    with pytest.raises(PortfolioError, match="from 1 to 5"):
        store.start_session(client.id, plan_id="open", feeling_in=feeling)


def test_client_settings_are_remembered_and_survive_an_index_rebuild(open_portfolio, portfolio_dir):
    with open_portfolio() as store:
        client = store.add_client("Robin")
        assert client.settings == {}
        store.set_client_settings(client.id, {"complexity": "simple", "camera": "front"})
        changed = store.set_client_settings(client.id, {"camera": None})
        assert changed.settings == {"complexity": "simple"}
    (portfolio_dir / "index.sqlite").unlink()
    with open_portfolio() as store:
        assert store.client(client.id).settings == {"complexity": "simple"}


@pytest.mark.parametrize("settings", [{"": 1}, {"nested": {"a": 1}}, ["complexity"]])
def test_settings_that_are_not_plain_values_are_refused(store, client, settings):
    with pytest.raises(PortfolioError, match="settings"):
        store.set_client_settings(client.id, settings)
    assert store.client(client.id).settings == {}
