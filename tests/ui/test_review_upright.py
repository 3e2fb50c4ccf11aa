"""Looking back on an upright tablet and in a longer language: the progress chart drawn
tall with its words in their room, and a piece of work above its words, not squeezed beside them."""

import pytest
from PIL import ImageFont

from expressive.lib.fonts import TEXT_FONT
from expressive.review.progress import fitting
from expressive.tools.driver import advance_frames, tap
from tests_support import screen


def test_a_label_too_long_for_its_room_is_drawn_smaller_and_one_that_fits_is_left_alone():
    font = ImageFont.truetype(str(TEXT_FONT), 22)
    long = "[Ŧħḗ ƈŀīḗƞŧ ẇȧş ḿǿṽīƞɠ ƒǿř 83% ǿƒ ŧħḗ ŧīḿḗ ·ẋẏẑ·ẋẏẑ]"
    assert fitting(long, font, 200).getlength(long) <= 200
    assert fitting("Goals", font, 200) is font


@pytest.fixture
def upright(window):
    before = window.size
    window.size = (800, 1280)
    advance_frames(2)
    yield window
    window.size = before
    advance_frames(2)


def test_on_an_upright_tablet_the_chart_is_drawn_tall_so_its_words_are_large_enough(demo_app, upright):
    app = demo_app
    tap(screen(app, "portfolio").ids.progress)
    chart = screen(app, "progress").chart
    assert chart.height > chart.width


def test_on_an_upright_tablet_a_piece_of_work_has_the_whole_width_above_its_words(demo_app, upright):
    app, client = demo_app, demo_app.client
    drawing = next(artifact for artifact in app.store.artifacts(client.id) if artifact.activity == "drawing")
    app.go("artifact", artifact=drawing)
    advance_frames(3)
    view = screen(app, "artifact")
    showing, buttons = view.ids.showing, view.ids.notice
    assert showing.width > 0.9 * (upright.width - 48)
    assert showing.y >= buttons.top, "the work above the buttons, not beside them"
