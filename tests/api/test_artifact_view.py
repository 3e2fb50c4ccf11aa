"""What a viewer sees of saved work: an `ArtifactView`, read-only and without the
portfolio's paths, which the host builds from the saved record."""

import dataclasses

import pytest

from expressive.artifact import artifact_view
from expressive.api import ArtifactFile, ArtifactUnreadable, ArtifactView
from expressive.portfolio import Portfolio
from expressive.registry import discover
from sample_work import drawing_draft


@pytest.fixture
def store(portfolio_dir):
    with Portfolio.open(portfolio_dir) as opened:
        yield opened


@pytest.fixture
def session(store):
    client = store.add_client("Robin")
    return client, store.start_session(client.id, plan_id="open")


def saved_view(store, session, activity_id, draft):
    client, started = session
    record = store.save_artifact(client.id, started.id, activity_id, draft)
    return record, artifact_view(record, lambda name: store.read_file(record, name))


def test_the_view_tells_what_the_work_is_and_reads_its_files(store, session):
    draft = drawing_draft("My moon", colour="navy")
    record, view = saved_view(store, session, "drawing", draft)
    assert (view.id, view.activity, view.kind, view.title) == (record.id, "drawing", "drawing", "My moon")
    assert view.created == record.created
    assert (view.product, view.thumbnail, view.process) == ("drawing.png", "thumbnail.png", "strokes.json")
    assert view.file_names == tuple(entry.name for entry in record.files)
    assert view.file("drawing.png") == ArtifactFile("drawing.png", "product", "image/png", len(draft.files["drawing.png"]))
    assert view.file("strokes.json").role == "process" and view.file("nothing.png") is None
    assert view.read("strokes.json") == draft.files["strokes.json"]
    assert dict(view.metadata) == draft.metadata
    assert (view.marks, view.tags, view.starred) == ((), (), False)


def test_the_view_holds_no_path_and_cannot_be_changed(store, session):
    _record, view = saved_view(store, session, "drawing", drawing_draft())
    assert "path" not in {field.name for field in dataclasses.fields(ArtifactView)}
    text = [getattr(view, field.name) for field in dataclasses.fields(view)]
    assert not any(str(store.root) in value for value in text if isinstance(value, str))
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.title = "Another"
    with pytest.raises(TypeError):
        view.metadata["canvas"] = [1, 1]


def test_a_file_it_does_not_have_is_refused_in_words(store, session):
    _record, view = saved_view(store, session, "drawing", drawing_draft())
    with pytest.raises(ArtifactUnreadable, match="no file called 'secrets.txt'"):
        view.read("secrets.txt")


def test_marks_tags_and_star_come_from_the_review(store, session):
    record, _view = saved_view(store, session, "drawing", drawing_draft())
    record = store.set_marks(record, [{"t": 1.5, "note": "black over the figure", "created": "2026-01-01T10:00:00+00:00"}])
    record = store.set_tags(record, ["safe place"])
    record = store.set_star(record, True)
    view = artifact_view(record, lambda name: store.read_file(record, name))
    assert [mark["note"] for mark in view.marks] == ["black over the figure"]
    assert (view.tags, view.starred) == (("safe place",), True)


@pytest.mark.parametrize("activity_id", ["drawing", "music", "movement", "story"])
def test_each_builtin_viewer_shows_its_demo_work_through_a_view(activity_id, store, session, window):
    activity = discover().get(activity_id)
    (draft, *_rest) = activity.demo_drafts(0)
    _record, view = saved_view(store, session, activity_id, draft)
    viewer = activity.viewer(view)
    assert viewer is not None
    stop = getattr(viewer, "stop", None)
    if stop is not None:
        stop()


def test_a_view_of_a_draft_shows_it_as_the_saved_work_would_be(store, session):
    draft = drawing_draft()
    from_draft = ArtifactView.of_draft(draft, "drawing")
    _record, saved = saved_view(store, session, "drawing", draft)
    assert from_draft.files == saved.files
    assert (from_draft.product, from_draft.thumbnail, from_draft.process) == (saved.product, saved.thumbnail,
                                                                            saved.process)
    assert all(from_draft.read(name) == saved.read(name) for name in saved.file_names)
    with pytest.raises(ArtifactUnreadable):
        from_draft.read("elsewhere.png")
