"""The progress chart readable on an upright tablet and in a longer language."""

import pytest
from PIL import ImageFont

from expressive.demo import make_demo
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


def test_on_an_upright_tablet_the_chart_is_drawn_tall_so_its_words_are_large_enough(app, upright):
    client, _made = make_demo(app.store)
    app.open_client(app.store.client(client.id))
    tap(screen(app, "portfolio").ids.progress)
    chart = screen(app, "progress").chart
    assert chart.height > chart.width
