"""The drawing screen driven by real touches in a (virtual) window."""

import io
import logging

import pytest
from expressive.ui.driver import advance_frames
from kivy.graphics import Line
from kivy.tests.common import UnitTestTouch
from PIL import Image

from activities.drawing import DrawingActivity
from activities.drawing.screen_math import MAX_LINE_POINTS
from activities.drawing.strokes import BRUSH_SIZES, PALETTE, PAPER_COLOUR
from expressive.activity import Host, MemoryDrafts


@pytest.fixture
def activity(tmp_path):
    return DrawingActivity(Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.drawing")))


@pytest.fixture
def studio(window, activity):
    studio = activity.build()
    window.add_widget(studio)
    advance_frames(3)
    yield studio
    if studio.clear_confirmation is not None:
        studio.clear_confirmation.dismiss(animation=False)
    window.remove_widget(studio)
    advance_frames(1)


def on_paper(studio, u, v):
    """The window position at a fraction (u across, v down) of the paper."""
    paper = studio.paper
    return paper.x + u * paper.width, paper.top - v * paper.height


def swipe(*positions):
    touch = UnitTestTouch(*positions[0])
    touch.touch_down()
    for position in positions[1:]:
        touch.touch_move(*position)
    touch.touch_up()
    advance_frames(1)


def tap(widget):
    swipe(widget.to_window(*widget.center))


def lines_in(instruction):
    if isinstance(instruction, Line):
        return [instruction]
    return [line for child in getattr(instruction, "children", []) for line in lines_in(child)]


def test_the_paper_keeps_its_shape_inside_the_window(window, studio):
    paper = studio.paper
    assert paper.width / paper.height == pytest.approx(4 / 3, abs=0.01)
    assert paper.width > window.width * 0.7
    assert studio.x <= paper.x and paper.right <= studio.right
    assert studio.y <= paper.y and paper.top <= studio.top


def test_a_finger_on_the_paper_draws_a_stroke_in_document_coordinates(studio):
    swipe(on_paper(studio, 0.25, 0.25), on_paper(studio, 0.5, 0.25), on_paper(studio, 0.5, 0.75))
    (stroke,) = studio.log.visible_strokes()
    assert (stroke.tool, stroke.colour, stroke.width) == ("brush", PALETTE["black"], BRUSH_SIZES["medium"])
    corners = [(x, y) for x, y, _pressure, _t in stroke.points]
    assert corners == [
        pytest.approx((512, 384), abs=3),
        pytest.approx((1024, 384), abs=3),
        pytest.approx((1024, 1152), abs=3),
    ]
    assert all(pressure == 1.0 for _x, _y, pressure, _t in stroke.points)
    assert not studio.is_empty and studio.can_undo and not studio.can_redo
    (graphic,) = studio.paper.graphics
    assert len(graphic.lines[0].points) == 6


def test_touches_off_the_paper_do_not_draw_but_a_stroke_may_leave_it(studio):
    paper = studio.paper
    swipe((paper.x - 5, paper.center_y), paper.center)
    assert studio.log.is_empty
    swipe(paper.center, (paper.x - 5, paper.center_y), (paper.x + 40, paper.center_y))
    (stroke,) = studio.log.visible_strokes()
    assert len(stroke.points) == 3
    assert stroke.points[1][0] < 0  # the finger's true path is kept; the screen clips it


def test_pressure_is_recorded_when_the_screen_reports_it(studio):
    touch = UnitTestTouch(*studio.paper.center)
    touch.profile.append("pressure")
    touch.pressure = 0.4
    touch.touch_down()
    touch.touch_up()
    assert studio.log.visible_strokes()[0].points[0][2] == 0.4


def test_a_tap_leaves_a_dot(studio):
    swipe(studio.paper.center)
    (stroke,) = studio.log.visible_strokes()
    assert len(stroke.points) == 1
    assert len(studio.paper.graphics) == 1


def test_tapping_a_swatch_and_a_size_changes_the_next_stroke(studio):
    swipe(on_paper(studio, 0.1, 0.1), on_paper(studio, 0.2, 0.1))
    (red_swatch,) = [swatch for swatch in studio.swatches if swatch.colour == PALETTE["red"]]
    tap(red_swatch)
    assert studio.colour == PALETTE["red"]
    assert red_swatch.selected and sum(swatch.selected for swatch in studio.swatches) == 1
    (large,) = [button for button in studio.size_buttons if button.size_name == "large"]
    tap(large)
    assert large.selected and studio.brush_size == "large"
    swipe(on_paper(studio, 0.1, 0.3), on_paper(studio, 0.2, 0.3))
    first, second = studio.log.visible_strokes()
    assert (first.colour, first.width) == (PALETTE["black"], BRUSH_SIZES["medium"])
    assert (second.colour, second.width) == (PALETTE["red"], BRUSH_SIZES["large"])


def test_the_eraser_paints_paper_until_a_colour_is_chosen(studio):
    tap(studio.ids.eraser_button)
    assert studio.tool == "eraser"
    swipe(on_paper(studio, 0.1, 0.1), on_paper(studio, 0.2, 0.1))
    tap(studio.swatches[2])
    assert studio.tool == "brush"
    swipe(on_paper(studio, 0.1, 0.3), on_paper(studio, 0.2, 0.3))
    erased, painted = studio.log.visible_strokes()
    assert (erased.tool, erased.colour) == ("eraser", PAPER_COLOUR)
    assert (painted.tool, painted.colour) == ("brush", studio.swatches[2].colour)


def test_undo_and_redo_buttons(studio):
    tap(studio.ids.undo_button)  # nothing to undo: nothing happens
    assert studio.log.events == []
    swipe(on_paper(studio, 0.1, 0.1), on_paper(studio, 0.2, 0.1))
    swipe(on_paper(studio, 0.1, 0.3), on_paper(studio, 0.2, 0.3))
    changes = []
    studio.bind(on_change=lambda _studio: changes.append(True))
    tap(studio.ids.undo_button)
    assert len(studio.log.visible_strokes()) == 1 and len(studio.paper.graphics) == 1
    assert studio.can_redo
    tap(studio.ids.redo_button)
    assert len(studio.log.visible_strokes()) == 2 and len(studio.paper.graphics) == 2
    assert not studio.can_redo
    assert len(changes) == 2


def test_clear_asks_first_and_can_be_undone(window, studio):
    swipe(on_paper(studio, 0.1, 0.1), on_paper(studio, 0.2, 0.1))
    tap(studio.ids.clear_button)
    popup = studio.clear_confirmation
    assert popup is not None and popup.parent is window
    advance_frames(2)
    tap(popup.ids.keep_button)
    assert studio.clear_confirmation is None and popup.parent is None
    assert len(studio.log.visible_strokes()) == 1

    tap(studio.ids.clear_button)
    popup = studio.clear_confirmation
    advance_frames(2)
    tap(popup.ids.clear_button)
    assert studio.clear_confirmation is None and popup.parent is None
    assert studio.is_empty and studio.paper.graphics == []

    tap(studio.ids.clear_button)  # clear paper: nothing to ask about
    assert studio.clear_confirmation is None
    tap(studio.ids.undo_button)
    assert len(studio.log.visible_strokes()) == 1 and len(studio.paper.graphics) == 1


def test_the_screen_follows_a_resize(window, studio):
    swipe(on_paper(studio, 0.5, 0.5), on_paper(studio, 0.75, 0.5))
    studio.size_hint = (None, None)
    studio.size = (900, 600)
    advance_frames(3)
    paper = studio.paper
    (graphic,) = paper.graphics
    assert graphic.lines[0].points[:2] == pytest.approx(list(paper.to_screen(1024, 768)), abs=2)
    studio.size_hint = (1, 1)


def test_a_very_long_stroke_is_split_into_short_lines_and_rendered(activity, studio):
    studio.choose_colour(PALETTE["blue"])
    count = 10_000
    # A zigzag over the middle of the paper, one point per move.
    path = [on_paper(studio, 0.2 + 0.6 * (index % 200) / 200, 0.3 + 0.4 * index / count) for index in range(count)]
    swipe(*path)
    (stroke,) = studio.log.visible_strokes()
    assert len(stroke.points) == count

    lines = lines_in(studio.paper.canvas)
    assert len(lines) >= count // MAX_LINE_POINTS
    assert all(len(line.points) // 2 <= MAX_LINE_POINTS for line in lines)
    assert sum(len(line.points) // 2 for line in lines) - (len(lines) - 1) == count

    (draft,) = activity.finish()
    assert draft.problems() == []
    assert activity.has_work()
    image = Image.open(io.BytesIO(draft.files["drawing.png"])).convert("RGB")
    x, y, _pressure, _t = stroke.points[count // 2]
    assert image.getpixel((round(x), round(y))) == (0x1E, 0x56, 0xC8)
    assert image.getpixel((100, 100)) == (255, 255, 255)
