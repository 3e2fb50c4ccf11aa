"""Check-out keeps what the client said, a piece keeps its own name, the faces stay big at
check-in, and what was made today can be looked at large: with real taps in the real app."""

from __future__ import annotations

import pytest
from kivy.metrics import dp
from kivy.uix.modalview import ModalView

from expressive.activity import API_VERSION, Activity, ActivityInfo
from expressive.i18n import format_time
from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, tap, type_into
from expressive.ui.faces import Face
from expressive.ui.screens.session import MadeLarge
from sample_work import drawing_draft
from tests_support import PIN, screen, submit_secret


class StoryLikeActivity(Activity):
    """Finishes a piece that carries its own title, as the story activity does."""

    info = ActivityInfo(id="titled", title="Titled", icon="book-open-variant", artifact_kinds=("drawing",), api_version=API_VERSION)

    def build(self):
        from kivy.uix.widget import Widget

        return Widget()

    def has_work(self) -> bool:
        return True

    def finish(self):
        return [drawing_draft("The brave fox")]


class UntitledActivity(StoryLikeActivity):
    info = ActivityInfo(id="untitled", title="Painting", icon="brush", artifact_kinds=("drawing",), api_version=API_VERSION)

    def finish(self):
        return [drawing_draft()]


def make_one(app, activity_id: str) -> None:
    """Open the activity from the launcher and tap Done, as the client does."""
    launcher = screen(app, "launcher")
    tap(next(tile for tile in launcher.ids.tiles.children if tile.activity_id == activity_id))
    tap(screen(app, "activity").ids.done)
    assert app.root.current == "launcher"


def face(scale, value: int):
    return next(button for button in scale.children if button.value == value)


@pytest.fixture
def session_app(app):
    app.registry.activities["titled"] = StoryLikeActivity
    app.registry.activities["untitled"] = UntitledActivity
    client = app.store.add_client("Ada")
    app.open_client(client)
    app.begin_session(app.plans[0], "", 3)
    assert app.root.current == "launcher"
    return app


def test_check_out_shows_what_was_saved_when_the_client_comes_back_to_it(session_app):
    app = session_app
    make_one(app, "untitled")
    tap(screen(app, "launcher").ids.finish)
    checkout = screen(app, "checkout")
    tap(face(checkout.ids.feelings, 5))
    (reflection,) = checkout.ids.reflections.children
    type_into(reflection.ids.title, "Fox in the snow")
    type_into(reflection.ids.about, "He is not scared")
    tap(checkout.ids.next)
    assert app.root.current == "handback"

    tap(screen(app, "handback").ids.back_to_client)
    assert app.root.current == "launcher"
    tap(screen(app, "launcher").ids.finish)
    (reflection,) = checkout.ids.reflections.children
    assert (reflection.ids.title.text, reflection.ids.about.text) == ("Fox in the snow", "He is not scared")
    assert checkout.ids.feelings.value == 5
    assert [button.value for button in checkout.ids.feelings.children if button.selected] == [5]

    # Not tapped again, the feeling chosen before is the one kept.
    tap(checkout.ids.next)
    submit_secret(screen(app, "handback").ids.entry, PIN)
    assert app.root.current == "note"
    tap(screen(app, "note").ids.finish)
    with Portfolio.open(app.store.root, passphrase=PIN) as reopened:
        (session,) = reopened.sessions(app.client.id)
        assert session.feeling_out == 5
        (artifact,) = reopened.artifacts(app.client.id, session.id)
        assert (artifact.title, artifact.about) == ("Fox in the snow", "He is not scared")


def test_make_more_keeps_the_words_typed_at_check_out(session_app):
    app = session_app
    make_one(app, "untitled")
    tap(screen(app, "launcher").ids.finish)
    checkout = screen(app, "checkout")
    tap(face(checkout.ids.feelings, 2))
    type_into(checkout.ids.reflections.children[0].ids.about, "It is snowing")
    tap(checkout.ids.back)
    assert app.root.current == "launcher"
    make_one(app, "untitled")
    tap(screen(app, "launcher").ids.finish)
    abouts = [reflection.ids.about.text for reflection in checkout.ids.reflections.children]
    assert sorted(abouts) == ["", "It is snowing"], "the new piece is empty, the first keeps its words"
    assert checkout.ids.feelings.value == 2


def test_a_piece_with_its_own_title_offers_it_at_check_out(session_app):
    app = session_app
    make_one(app, "titled")
    tap(screen(app, "launcher").ids.finish)
    (reflection,) = screen(app, "checkout").ids.reflections.children
    assert reflection.ids.title.text == "The brave fox"


def test_what_was_made_today_has_a_name_and_shows_large_inside_the_session(session_app, window):
    app = session_app
    make_one(app, "titled")
    launcher = screen(app, "launcher")
    (thumbnail,) = launcher.ids.made.children
    assert thumbnail.accessible_name == "The brave fox"
    tap(thumbnail)
    (large,) = [view for view in window.children if isinstance(view, ModalView)]
    assert isinstance(large, MadeLarge) and large.title == "The brave fox"
    assert large.texture is not None and large.texture.size == (64, 64), "the picture itself, not its thumbnail"
    assert app.root.current == "launcher" and app.client_mode
    tap(large.ids.close)
    assert [view for view in window.children if isinstance(view, ModalView)] == []


def test_a_piece_without_a_title_is_named_by_what_made_it_and_when(session_app):
    app = session_app
    make_one(app, "untitled")
    (thumbnail,) = screen(app, "launcher").ids.made.children
    made_at = format_time(app.running.made[0].created.astimezone())
    assert thumbnail.accessible_name == f"Untitled drawing, made at {made_at}"


LANDSCAPE = [(1024, 768), (1280, 800)]
HOMEWORK = "Draw one good moment of the week, and bring it to show next time"


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800), (800, 1280), (600, 1024), (1024, 600)])
def test_the_faces_at_check_in_stay_big_with_homework_open(app, window, size):
    store = app.store
    client = store.add_client("Bo")
    earlier = store.start_session(client.id, plan_id="open", feeling_in=3)
    store.set_homework(client.id, earlier.id, HOMEWORK)
    store.finish_session(client.id, earlier.id, feeling_out=4)
    before = tuple(window.size)
    try:
        window.size = size
        app.open_client(store.client(client.id))
        app.go("session")
        advance_frames(3)
        checkin = screen(app, "session")
        assert checkin.ids.homework_row.opacity == 1
        faces = [widget for widget in checkin.ids.feelings.walk() if isinstance(widget, Face)]
        assert len(faces) == 5
        assert all(min(face.size) >= dp(80) for face in faces), [tuple(face.size) for face in faces]
        if size in LANDSCAPE:
            # The whole check-in fits a landscape tablet: the faces and Start need no scrolling.
            for widget in [*faces, checkin.ids.start]:
                left, bottom = widget.to_window(*widget.pos)
                assert 0 <= bottom and bottom + widget.height <= window.height, (widget, bottom)
    finally:
        window.size = before
