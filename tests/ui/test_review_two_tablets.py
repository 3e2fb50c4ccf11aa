"""A piece of work whose title was written on two tablets at once: the review shows the
later, offers the other, and keeps the one the therapist taps."""

import shutil

from expressive.portfolio import Portfolio
from expressive.tools.driver import start_app, stop_app, tap
from tests_support import screen


def _titles_written_at_once(first_root, second_root, demo_copy):
    demo_copy(first_root)
    shutil.copytree(first_root, second_root)
    for root, title in ((first_root, "My safe place"), (second_root, "The castle by the sea")):
        with Portfolio.open(root) as store:
            client = store.clients()[0]
            artifact = store.artifacts(client.id)[0]
            store.set_reflection(artifact, title=title, about=artifact.about)
    # What a sync engine brings: the other tablet's edits file, and its marker in the folder.
    for edits in second_root.rglob("edits/*.json"):
        arrived = first_root / edits.relative_to(second_root)
        if not arrived.exists():
            shutil.copy2(edits, arrived)
    (first_root / ".stfolder").mkdir()


def test_the_other_tablets_words_are_offered_and_the_one_tapped_is_kept(window, tmp_path, demo_copy):
    first_root, second_root = tmp_path / "first", tmp_path / "second"
    _titles_written_at_once(first_root, second_root, demo_copy)
    app = start_app(Portfolio.open(first_root))
    try:
        client = app.store.clients()[0]
        app.open_client(client)
        artifact = app.store.artifacts(client.id)[0]
        app.go("artifact", artifact=artifact)
        view = screen(app, "artifact")
        assert view.title == "The castle by the sea"
        assert "My safe place" in view.other_words
        tap(view.ids.keep_other)
        assert view.title == "My safe place" and view.other_words == ""
        assert app.store.edit_conflicts(client.id) == []
        assert app.store.artifact(client.id, artifact.session_id, artifact.id).title == "My safe place"
    finally:
        stop_app(app)
