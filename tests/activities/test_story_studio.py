"""The story's "Draw a picture": offered only when the host lends a picture maker, and
what the maker hands back becomes the page's picture."""

import logging

import pytest
from kivy.uix.modalview import ModalView

from expressive.activities.story import StoryActivity
from expressive.api import PICTURE_MAKER, Host, MemoryDrafts, Services
from expressive.tools.driver import advance_frames, tap
from sample_work import png


@pytest.fixture
def writing_studio(window):
    """A story being written, on screen, whose host lends `services`."""
    shown = []

    def show(services: dict):
        host = Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.story"), services=Services(lambda: services))
        activity = StoryActivity(host)
        studio = activity.build()
        window.add_widget(studio)
        shown.append(studio)
        studio.begin(activity.shapes[0])
        advance_frames(2)
        return studio

    yield show
    for studio in shown:
        window.remove_widget(studio)


def test_without_a_picture_maker_the_story_offers_no_drawing(writing_studio):
    button = writing_studio({}).editor.ids.draw_button
    assert button.disabled and button.opacity == 0 and button.height == 0


def test_the_picture_the_maker_hands_back_goes_on_the_page(writing_studio):
    asked = []

    def make_picture(host, on_picture, *, title, max_size):
        asked.append((title, max_size))
        on_picture(png(64, "navy"))
        popup = ModalView()
        popup.open(animation=False)
        return popup

    studio = writing_studio({PICTURE_MAKER: make_picture})
    button = studio.editor.ids.draw_button
    assert not button.disabled and button.opacity == 1
    tap(button)
    assert asked == [("Draw the picture for this page", (1024, 768))]
    page = studio.activity.story.pages[0]
    assert page.picture_kind == "drawing" and page.picture is not None and studio.picture is not None
    studio.drawing_popup.dismiss(animation=False)
    advance_frames(1)
    assert studio.drawing_popup is None
