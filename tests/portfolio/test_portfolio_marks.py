"""Moments a therapist marks while reviewing how a piece was made, kept in its manifest."""

import pytest
from portfolio_helpers import drawing_draft, read_json, write_json

from expressive.portfolio import PortfolioError

WRITTEN = "2026-03-02T09:30:00.000000+00:00"


def mark(t, note, created=WRITTEN):
    return {"t": t, "note": note, "created": created}


def test_marks_are_kept_in_the_manifest_and_read_back_after_reopening(open_portfolio, protection):
    with open_portfolio() as store:
        client = store.add_client("Robin")
        session = store.start_session(client.id, plan_id="free-drawing")
        artifact = store.save_artifact(client.id, session.id, "drawing", drawing_draft())
        assert artifact.marks == ()
        marked = store.set_marks(artifact, [mark(42.5, "covered the figure in black"), mark(3, "began with the sun")])
        # In time order, as the scrubber shows them.
        assert [m["note"] for m in marked.marks] == ["began with the sun", "covered the figure in black"]
        assert marked.marks[0] == {"t": 3.0, "note": "began with the sun", "created": WRITTEN}
        assert read_json(store, artifact.path / "manifest.json")["marks"] == list(marked.marks)
        assert store.artifact(client.id, session.id, artifact.id) == marked
        assert store.verify_artifact(marked) == []
        if protection == "encrypted":
            for path in store.root.rglob("*"):
                if path.is_file():
                    assert b"covered the figure" not in path.read_bytes(), path

    with open_portfolio() as store:
        assert store.artifact(client.id, session.id, artifact.id).marks == marked.marks
        store.rebuild_index()
        assert store.artifact(client.id, session.id, artifact.id).marks == marked.marks


def test_marks_replace_the_stored_list_and_keep_the_reflection(store, client, session):
    artifact = store.save_artifact(client.id, session.id, "drawing", drawing_draft(title="My house"))
    reflected = store.set_reflection(artifact, title="Home", about="safe")
    store.set_marks(reflected, [mark(1, "first")])
    marked = store.set_marks(reflected, [mark(2, "second")])
    assert [m["note"] for m in marked.marks] == ["second"]
    assert (marked.title, marked.about) == ("Home", "safe")
    assert store.set_marks(marked, []).marks == ()


@pytest.mark.parametrize(
    "bad",
    [
        mark(-1, "before the start"),
        mark(float("nan"), "no time"),
        mark(True, "a boolean"),
        mark(1, None),
        mark(1, "no time zone", created="2026-03-02T09:30:00"),
        {"t": 1, "note": "not written"},
        "a string",
    ],
)
def test_a_malformed_mark_is_refused_and_nothing_changes(store, client, session, bad):
    artifact = store.save_artifact(client.id, session.id, "drawing", drawing_draft())
    with pytest.raises(PortfolioError, match="marks cannot be saved"):
        store.set_marks(artifact, [mark(1, "fine"), bad])
    assert store.artifact(client.id, session.id, artifact.id).marks == ()


def test_a_hand_edited_mark_that_makes_no_sense_is_damage_not_a_crash(store, client, session):
    artifact = store.save_artifact(client.id, session.id, "drawing", drawing_draft())
    manifest = read_json(store, artifact.path / "manifest.json")
    manifest["marks"] = [{"t": "soon"}]
    write_json(store, artifact.path / "manifest.json", manifest)
    store.rebuild_index()
    damaged = store.artifact(client.id, session.id, artifact.id)
    assert "mark" in damaged.damaged
    with pytest.raises(PortfolioError, match="damaged"):
        store.set_marks(damaged, [])
