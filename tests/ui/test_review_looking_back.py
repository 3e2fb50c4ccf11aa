"""Looking back at a client's work: the order of the slideshow, how a slide shows a piece,
the buttons that page and the ones that go back, two different pieces side by side, stars
on favourites, untitled work, and a session's note written afterwards."""

from datetime import UTC, datetime, timedelta

import pytest

from expressive.i18n import format_date
from expressive.registry import discover
from expressive.tools.driver import advance_frames, tap, type_into
from sample_work import drawing_draft
from tests_support import screen


@pytest.fixture
def demo(demo_app):
    return demo_app


def new_client_with(app, *pieces):
    """A client whose sessions, a day apart and oldest first, each saved one of `pieces`
    (activity id, draft); their portfolio open."""
    store = app.store
    client = store.add_client("Sam")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=len(pieces))
    for day, (activity_id, draft) in enumerate(pieces):
        started = start + timedelta(days=day)
        session = store.start_session(client.id, plan_id="free", goal="", feeling_in=3, started=started)
        store.save_artifact(client.id, session.id, activity_id, draft, created=started + timedelta(minutes=5))
        store.finish_session(client.id, session.id, feeling_out=4, ended=started + timedelta(minutes=30))
    app.open_client(store.client(client.id))
    return client


def demo_draft(activity_id: str):
    return discover().get(activity_id).demo_drafts(0)[0]


def test_the_slideshow_shows_the_work_in_the_order_it_was_made(demo):
    store, client_id = demo.store, demo.client.id
    made = [artifact.id for session in reversed(store.sessions(client_id))
            for artifact in store.artifacts(client_id, session.id)]
    tap(screen(demo, "portfolio").ids.slideshow)
    slideshow = screen(demo, "slideshow")
    tap(slideshow.ids.pause)
    assert [artifact.id for artifact in slideshow.artifacts] == made
    assert slideshow.ids.slide.title == (slideshow.artifacts[0].title or "Untitled drawing")


def test_a_slide_shows_the_piece_in_its_activitys_own_viewer_and_closes_it_when_left(demo):
    tap(screen(demo, "portfolio").ids.slideshow)
    slideshow = screen(demo, "slideshow")
    tap(slideshow.ids.pause)
    slide = slideshow.ids.slide
    story = next(index for index, artifact in enumerate(slideshow.artifacts) if artifact.activity == "story")
    slideshow.show_slide(story)
    advance_frames(2)
    expected = type(discover().get("story").viewer(_view_of(demo, slideshow.artifacts[story])))
    assert isinstance(slide.viewer, expected) and slide.viewer in slide.ids.showing.children
    assert slide.viewer.size == slide.ids.showing.size, "large: the whole of the slide's picture area"
    shown = slide.viewer
    tap(slideshow.ids.next)
    assert shown.parent is None, "one viewer at a time"
    demo.go("portfolio")
    advance_frames(2)
    assert slide.viewer is None


def _view_of(app, artifact):
    from expressive.artifact import artifact_view

    return artifact_view(artifact, lambda name: app.store.read_file(artifact, name))


def test_paging_buttons_say_earlier_and_later_and_the_back_arrow_says_where_it_goes(demo):
    tap(screen(demo, "portfolio").ids.slideshow)
    slideshow = screen(demo, "slideshow")
    back = next(widget for widget in slideshow.walk() if getattr(widget, "icon", "") == "arrow-left")
    previous, following = slideshow.ids.previous, slideshow.ids.next
    assert (previous.text, following.text, back.text) == ("Earlier", "Later", "Portfolio")
    assert len({previous.icon, following.icon, back.icon}) == 3

    tap(back)
    tap(screen(demo, "portfolio").ids.gallery)
    gallery = screen(demo, "gallery")
    tap(next(button for button in gallery.ids.activities.children if button.value == "music"))
    advance_frames(2)
    tap(gallery.ids.grid.shown_views()[0])
    artifact = screen(demo, "artifact")
    assert artifact.ids.back.text == "Gallery"
    tap(artifact.ids.back)
    assert demo.root.current == "gallery" and gallery.activity == "music", "back to the gallery as it was left"
    demo.go("portfolio")
    advance_frames(2)
    tap(screen(demo, "portfolio").ids.rows.shown_views()[0].thumbnails()[0])
    assert artifact.ids.back.text == "Portfolio"


def test_side_by_side_opens_two_different_pieces_when_the_latest_is_the_only_one_of_its_kind(app):
    new_client_with(app, ("drawing", drawing_draft("Boat")), ("drawing", drawing_draft("House")),
                    ("music", demo_draft("music")))
    tap(screen(app, "portfolio").ids.compare)
    compare = screen(app, "compare")
    left, right = compare.ids.left.chosen, compare.ids.right.chosen
    assert left is not None and right is not None and left.id != right.id
    assert (left.title, right.activity) == ("House", "music"), "the two latest"


def test_side_by_side_of_a_single_piece_leaves_the_other_side_to_choose(app):
    new_client_with(app, ("drawing", drawing_draft("Boat")))
    tap(screen(app, "portfolio").ids.compare)
    compare = screen(app, "compare")
    assert compare.ids.left.chosen.title == "Boat" and compare.ids.right.chosen is None
    assert compare.ids.right.title == "Choose a piece below"


def test_side_by_side_captions_are_readable_and_wrap_instead_of_being_cut(app):
    new_client_with(app, ("drawing", drawing_draft("A very long title about the whole family at the seaside")),
                    ("drawing", drawing_draft("")))
    tap(screen(app, "portfolio").ids.compare)
    advance_frames(2)
    for thumbnail in screen(app, "compare").ids.left.ids.strip.shown_views():
        (caption,) = [label for label in thumbnail.children if hasattr(label, "font_size") and label.text]
        assert caption.font_size >= 16 and not caption.shorten
        assert caption.text_size[0] and caption.texture_size[1] <= caption.height


def test_untitled_work_is_called_by_its_kind_with_its_date(app):
    new_client_with(app, ("drawing", drawing_draft("")))
    portfolio = screen(app, "portfolio")
    advance_frames(2)
    (thumbnail,) = portfolio.ids.rows.shown_views()[0].thumbnails()
    assert thumbnail.text == f"Untitled drawing\n{format_date(thumbnail.artifact.created.astimezone())}"
    tap(thumbnail)
    assert screen(app, "artifact").title == "Untitled drawing"


def test_favourites_wear_a_star_named_for_screen_readers_in_the_gallery_and_the_portfolio(app):
    from expressive.lib.contrast import contrast_ratio
    from expressive.ui.screens.portfolio import FavouriteMark

    new_client_with(app, ("drawing", drawing_draft("Boat")), ("drawing", drawing_draft("House")))
    store = app.store
    boat = next(artifact for artifact in store.artifacts(app.client.id) if artifact.title == "Boat")
    store.set_star(boat, True)
    app.go("portfolio")

    def stars(thumbnails):
        return {thumb.artifact.title: [mark.accessible_name for mark in thumb.children if isinstance(mark, FavouriteMark)]
                for thumb in thumbnails}

    advance_frames(2)
    rows = screen(app, "portfolio").ids.rows.shown_views()
    assert stars(thumb for row in rows for thumb in row.thumbnails()) == {"Boat": ["favourite"], "House": []}
    tap(screen(app, "portfolio").ids.gallery)
    grid = screen(app, "gallery").ids.grid.shown_views()
    assert stars(grid) == {"Boat": ["favourite"], "House": []}
    (mark,) = [mark for thumb in grid for mark in thumb.children if isinstance(mark, FavouriteMark)]
    assert contrast_ratio(mark.color, (0.95, 0.95, 0.95, 1)) >= 3


def test_the_therapist_writes_and_changes_a_sessions_note_after_it(demo, window):
    from kivy.uix.modalview import ModalView

    store, client_id = demo.store, demo.client.id
    advance_frames(2)
    row = screen(demo, "portfolio").ids.rows.shown_views()[0]
    session = row.session
    earlier = store.therapist_note(client_id, session.id)
    tap(row.ids.note)
    dialog = next(view for view in window.children if isinstance(view, ModalView) and hasattr(view, "field"))
    assert dialog.field.text == earlier, "the note so far, to change"
    dialog.field.text = ""
    type_into(dialog.field, "Calmer after the drawing; ask about school next time.")
    tap(dialog.save_button)
    assert store.therapist_note(client_id, session.id) == "Calmer after the drawing; ask about school next time."


def test_a_slideshow_still_on_when_the_app_closes_stops_moving_on(demo, window):
    tap(screen(demo, "portfolio").ids.slideshow)
    slideshow = screen(demo, "slideshow")
    window.remove_widget(demo.root)
    slideshow._advance(0)
    assert slideshow._ticker is None and slideshow.index == 0


def test_side_by_side_shows_each_sides_choice_in_sight_in_its_strip(demo):
    tap(screen(demo, "portfolio").ids.compare)
    advance_frames(4)
    for pane in (screen(demo, "compare").ids.left, screen(demo, "compare").ids.right):
        (chosen,) = [thumbnail for thumbnail in pane.ids.strip.shown_views() if thumbnail.selected]
        strip = pane.ids.strip
        left, _bottom = chosen.to_window(chosen.x, chosen.y)
        right, _top = chosen.to_window(chosen.right, chosen.top)
        strip_left, _ = strip.to_window(strip.x, strip.y)
        assert strip_left <= left and right <= strip_left + strip.width
