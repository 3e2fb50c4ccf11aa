"""Looking back together in the real app: progress, the slideshow and two pieces side by side."""

import pytest

from expressive.tools.driver import advance_frames, stop_app, tap
from tests_support import screen, start_protected


@pytest.fixture
def app(demo_app):
    return demo_app


def test_progress_shows_the_chart_of_every_session(app):
    tap(screen(app, "portfolio").ids.progress)
    assert app.root.current == "progress"
    chart = screen(app, "progress").chart
    assert chart is not None and chart.size == (1600, 900)


def test_the_slideshow_moves_on_by_itself_and_by_hand_and_stops_when_left(app):
    tap(screen(app, "portfolio").ids.slideshow)
    slideshow = screen(app, "slideshow")
    # The test moves it on by hand, at known moments, instead of the clock's every few seconds.
    slideshow._ticker.cancel()
    work = app.store.artifacts(app.client.id)
    slide = slideshow.ids.slide
    assert slideshow.count == len(work) and (slide.viewer or slide.texture) is not None
    first_title = slideshow.ids.slide.title
    tap(slideshow.ids.next)
    assert slideshow.index == 1
    tap(slideshow.ids.previous)
    tap(slideshow.ids.previous)
    assert slideshow.index == slideshow.count - 1, "it goes round"
    slideshow._advance(0)
    assert slideshow.index == 0 and slideshow.ids.slide.title == first_title
    tap(slideshow.ids.pause)
    slideshow._advance(0)
    assert slideshow.index == 0, "paused"
    app.go("portfolio")
    advance_frames(2)
    assert slideshow._ticker is None


def test_side_by_side_opens_on_the_first_and_latest_of_a_kind_and_either_side_can_change(app):
    tap(screen(app, "portfolio").ids.compare)
    compare = screen(app, "compare")
    left, right = compare.ids.left, compare.ids.right
    assert left.chosen.kind == right.chosen.kind and left.chosen.created < right.chosen.created
    advance_frames(2)
    other = next(thumb for thumb in left.ids.strip.shown_views() if thumb.artifact.kind != left.chosen.kind)
    tap(other)
    assert left.chosen is other.artifact and other.selected and left.texture is not None
    assert right.chosen.created > left.chosen.created or right.chosen is not left.chosen


def test_looking_back_is_for_the_therapist_not_the_client_mode(app):
    app.begin_session(app.plans[0], "", 3)
    app.go("progress")
    assert app.root.current == "handback"


def the_dialog(window):
    from kivy.uix.modalview import ModalView

    return next(view for view in window.children if isinstance(view, ModalView) and hasattr(view, "field"))


def test_a_piece_of_work_gets_later_words_a_star_tags_and_a_private_note(app, window):
    from expressive.tools.driver import type_into

    artifact = app.store.artifacts(app.client.id)[0]
    app.go("artifact", artifact=artifact)
    view = screen(app, "artifact")
    tap(view.ids.notice)
    dialog = the_dialog(window)
    type_into(dialog.field, "The boat looks braver now")
    tap(dialog.save_button)
    tap(view.ids.star)
    tap(view.ids.tag)
    dialog = the_dialog(window)
    type_into(dialog.field, "Courage, #sea")
    tap(dialog.save_button)
    tap(view.ids.note)
    dialog = the_dialog(window)
    type_into(dialog.field, "First time the boat is not alone.")
    tap(dialog.save_button)
    saved = app.store.artifact(artifact.client_id, artifact.session_id, artifact.id)
    assert [noticing.text for noticing in saved.noticings] == ["The boat looks braver now"]
    assert saved.starred and saved.tags == ("courage", "sea")
    assert app.store.artifact_note(saved) == "First time the boat is not alone."
    assert "braver" in view.noticed and view.starred and view.has_note
    assert [found.id for found in app.store.gallery(app.client.id, search="braver")] == [artifact.id]


def test_goal_met_and_homework_given_at_the_end_show_at_the_next_check_in(app):
    from expressive.tools.driver import type_into

    app.begin_session(app.plans[0], "Say one kind thing to myself", 3)
    session = app.running.session
    app.client_mode = False
    app.go("note", feeling_out=4)
    note = screen(app, "note")
    tap(note.ids.goal_met)
    type_into(note.ids.homework, "Draw one good moment of the week")
    tap(note.ids.finish)
    finished = app.store.session(app.client.id, session.id)
    assert finished.goal_met is True and finished.homework.task == "Draw one good moment of the week"

    app.go("session")
    checkin = screen(app, "session")
    assert checkin.homework_task == "Draw one good moment of the week"
    tap(checkin.ids.homework_done)
    assert app.store.session(app.client.id, session.id).homework.done is True
    assert checkin.homework_task == "", "nothing else is open"
    rows = app.store.progress(app.client.id)
    assert rows[-1].goal_met is True


def test_the_gallery_finds_work_by_activity_tag_favourite_and_words(app):
    from expressive.tools.driver import type_into

    store, client_id = app.store, app.client.id
    everything = store.artifacts(client_id)
    drawing = next(artifact for artifact in everything if artifact.activity == "drawing")
    store.set_tags(drawing, ["sea"])
    store.set_star(drawing, True)
    tap(screen(app, "portfolio").ids.gallery)
    gallery = screen(app, "gallery")
    def shown():
        advance_frames(2)
        return [thumb.artifact.id for thumb in gallery.ids.grid.shown_views()]

    assert shown() and len(gallery.ids.grid.data) == len(everything)
    tap(next(button for button in gallery.ids.activities.children if button.value == "music"))
    assert shown() and all(store.artifact(client_id, a.session_id, a.id).activity == "music" for a in
                           [next(x for x in everything if x.id == id_) for id_ in shown()])
    tap(next(button for button in gallery.ids.activities.children if button.value == ""))
    tap(next(button for button in gallery.ids.tag_choices.children if button.value == "sea"))
    assert shown() == [drawing.id]
    tap(next(button for button in gallery.ids.tag_choices.children if button.value == "sea"))
    tap(gallery.ids.favourites)
    assert shown() == [drawing.id]
    tap(gallery.ids.favourites)
    type_into(gallery.ids.search, "nothing like this")
    tap(gallery.ids.find)
    assert shown() == [] and gallery.found == "Nothing found."


def test_looking_back_before_anything_was_made_says_so(window, portfolio_dir):
    fresh = start_protected(portfolio_dir.parent / "fresh")
    try:
        fresh.open_client(fresh.store.add_client("New"))
        for name in ("gallery", "progress", "slideshow", "compare"):
            tap(screen(fresh, "portfolio").ids[name])
            assert fresh.root.current == name
            fresh.go("portfolio")
        assert screen(fresh, "gallery").found == "Nothing found."
        assert screen(fresh, "slideshow").ids.slide.title == "Nothing made yet"
    finally:
        stop_app(fresh)
