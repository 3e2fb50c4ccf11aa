"""The drawing screen driven by real touches in a (virtual) window."""

import io
import logging
import math

import pytest
from expressive.tools.driver import advance_frames, drag, tap
from kivy.graphics import Line
from kivy.tests.common import UnitTestTouch
from PIL import Image, ImageChops, ImageColor, ImageStat

from expressive.activities.drawing.activity import DrawingActivity
from expressive.activities.drawing.measure import long_drawing
from expressive.lib.drawing.render import render_image, render_png
from expressive.activities.drawing.screen_math import MAX_LINE_POINTS
from expressive.lib.drawing.strokes import BRUSH_SIZES, PALETTE, PAPER_COLOUR, TOOLS, Fill, Stamp
from expressive.activities.drawing.studio import STUDIO_TOOLS, picker_colours
from expressive.lib.drawing.templates import LINE_COLOUR
from expressive.activity import Host, MemoryDrafts, MemoryLibrary, LibraryError
from tests_support import open_popup_texts, tap_popup_button

WHITE = (255, 255, 255)


@pytest.fixture
def activity(request):
    """The drawing activity at the complexity level the test asks for (indirect), or standard."""
    settings = {"complexity": getattr(request, "param", "standard")}
    return DrawingActivity(Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.drawing"), settings=settings))


# For tests of what only the full studio has (fill, papers).
full_studio = pytest.mark.parametrize("activity", ["full"], indirect=True)


@pytest.fixture
def studio(window, activity):
    studio = activity.build()
    window.add_widget(studio)
    advance_frames(3)
    yield studio
    for popup in (studio.clear_confirmation, studio.paper_chooser, studio.stamp_chooser, studio.colour_picker):
        if popup is not None:
            popup.dismiss(animation=False)
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


def inked(studio, x, y):
    """Whether the rendered picture the paper shows has paint at document (x, y)."""
    return studio.paper.picture.getpixel((round(x), round(y))) != WHITE


def tool_button(studio, tool):
    (button,) = [button for button in studio.tool_buttons if button.tool == tool]
    return button


def shown(studio, label):
    """Whether a button with this label is on the studio (asked of the widgets on screen:
    a removed widget's entry in `ids` is a weak reference that may be gone)."""
    return any(getattr(widget, "text", None) == label for widget in studio.walk())


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
    assert (stroke.tool, stroke.colour, stroke.width) == ("marker", PALETTE["black"], BRUSH_SIZES["medium"])
    assert (stroke.opacity, stroke.dynamics) == (1.0, "speed")
    corners = [(x, y) for x, y, _pressure, _t in stroke.points]
    assert corners == [
        pytest.approx((512, 384), abs=3),
        pytest.approx((1024, 384), abs=3),
        pytest.approx((1024, 1152), abs=3),
    ]
    assert all(pressure == 1.0 for _x, _y, pressure, _t in stroke.points)
    assert not studio.is_empty and studio.can_undo and not studio.can_redo
    # The finished stroke is in the rendered picture, and its sketch is gone.
    assert inked(studio, 768, 384) and inked(studio, 1024, 768)
    assert not inked(studio, 768, 768)
    assert studio.paper.live is None and lines_in(studio.paper.canvas) == []


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
    (stroke,) = studio.log.visible_strokes()
    assert stroke.points[0][2] == 0.4 and stroke.dynamics == "pressure"


def test_a_tap_leaves_a_dot(studio):
    swipe(studio.paper.center)
    (stroke,) = studio.log.visible_strokes()
    assert len(stroke.points) == 1
    x, y, _pressure, _t = stroke.points[0]
    assert inked(studio, x, y)


def test_tapping_a_swatch_and_a_size_changes_the_next_stroke(studio):
    swipe(on_paper(studio, 0.1, 0.1), on_paper(studio, 0.2, 0.1))
    (red_swatch,) = [swatch for swatch in studio.swatches if swatch.colour == PALETTE["red"]]
    tap(red_swatch)
    assert studio.colour == PALETTE["red"]
    assert red_swatch.selected and sum(swatch.selected for swatch in studio.swatches) == 1
    large = studio.size_buttons["large"]
    tap(large)
    assert large.selected and studio.brush_size == "large"
    swipe(on_paper(studio, 0.1, 0.3), on_paper(studio, 0.2, 0.3))
    first, second = studio.log.visible_strokes()
    assert (first.colour, first.width) == (PALETTE["black"], BRUSH_SIZES["medium"])
    assert (second.colour, second.width) == (PALETTE["red"], BRUSH_SIZES["large"])


def test_the_eraser_paints_paper_until_a_colour_is_chosen(studio):
    tap(tool_button(studio, "crayon"))
    tap(tool_button(studio, "eraser"))
    assert studio.tool == "eraser" and tool_button(studio, "eraser").selected
    swipe(on_paper(studio, 0.1, 0.1), on_paper(studio, 0.2, 0.1))
    tap(studio.swatches[2])
    assert studio.tool == "crayon", "a colour goes back to the brush in hand before the eraser"
    swipe(on_paper(studio, 0.1, 0.3), on_paper(studio, 0.2, 0.3))
    erased, painted = studio.log.visible_strokes()
    assert (erased.tool, erased.colour) == ("eraser", PAPER_COLOUR)
    assert (painted.tool, painted.colour) == ("crayon", studio.swatches[2].colour)


@full_studio
def test_the_tray_picks_the_brush_and_the_opacity_of_the_next_stroke(studio):
    assert [button.tool for button in studio.tool_buttons] == list(STUDIO_TOOLS)
    assert all(min(button.size) >= 64 and button.text and button.icon for button in studio.tool_buttons)
    # Narrower than a child's finger at the simplest level (which has none): a grown-up's is enough.
    assert all(min(button.size) >= 48 for button in studio.opacity_buttons)
    tap(tool_button(studio, "spray"))
    tap(studio.opacity_buttons[1])
    assert studio.tool == "spray" and studio.opacity_choice == 0.5
    assert studio.opacity_buttons[1].selected and sum(button.selected for button in studio.opacity_buttons) == 1
    assert sum(button.selected for button in studio.tool_buttons) == 1
    swipe(on_paper(studio, 0.1, 0.1), on_paper(studio, 0.2, 0.1))
    (stroke,) = studio.log.visible_strokes()
    assert (stroke.tool, stroke.opacity) == ("spray", 0.5)


def test_undo_and_redo_buttons(studio):
    tap(studio.ids.undo_button)  # nothing to undo: nothing happens
    assert studio.log.events == []
    swipe(on_paper(studio, 0.1, 0.1), on_paper(studio, 0.2, 0.1))
    swipe(on_paper(studio, 0.1, 0.3), on_paper(studio, 0.2, 0.3))
    changes = []
    studio.bind(on_change=lambda _studio: changes.append(True))
    second_stroke = studio.paper.to_document(*on_paper(studio, 0.15, 0.3))
    tap(studio.ids.undo_button)
    assert len(studio.log.visible_strokes()) == 1 and not inked(studio, *second_stroke)
    assert studio.can_redo
    tap(studio.ids.redo_button)
    assert len(studio.log.visible_strokes()) == 2 and inked(studio, *second_stroke)
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
    assert studio.is_empty and studio.paper.picture.getextrema() == ((255, 255),) * 3

    tap(studio.ids.clear_button)  # clear paper: nothing to ask about
    assert studio.clear_confirmation is None
    tap(studio.ids.undo_button)
    assert len(studio.log.visible_strokes()) == 1 and inked(studio, *studio.paper.to_document(*on_paper(studio, 0.15, 0.1)))


def test_the_screen_follows_a_resize_even_mid_stroke(window, studio):
    touch = UnitTestTouch(*on_paper(studio, 0.5, 0.5))
    touch.touch_down()
    touch.touch_move(*on_paper(studio, 0.75, 0.5))
    studio.size_hint = (None, None)
    studio.size = (900, 600)
    advance_frames(3)
    paper = studio.paper
    (line,) = paper.live.lines
    assert line.points == pytest.approx([*paper.to_screen(1024, 768), *paper.to_screen(1536, 768)], abs=2)
    touch.touch_move(*on_paper(studio, 0.75, 0.75))
    touch.touch_up()
    (stroke,) = studio.log.visible_strokes()
    assert [point[:2] for point in stroke.points] == [
        pytest.approx((1024, 768), abs=3),
        pytest.approx((1536, 768), abs=3),
        pytest.approx((1536, 1152), abs=5),
    ]
    studio.size_hint = (1, 1)


def test_a_very_long_stroke_is_sketched_in_short_lines_and_rendered(activity, studio):
    studio.choose_colour(PALETTE["blue"])
    count = 10_000
    # A zigzag over the middle of the paper, one point per move.
    path = [on_paper(studio, 0.2 + 0.6 * (index % 200) / 200, 0.3 + 0.4 * index / count) for index in range(count)]
    touch = UnitTestTouch(*path[0])
    touch.touch_down()
    for position in path[1:]:
        touch.touch_move(*position)
    lines = lines_in(studio.paper.canvas)
    assert len(lines) >= count // MAX_LINE_POINTS
    assert all(len(line.points) // 2 <= MAX_LINE_POINTS for line in lines)
    assert sum(len(line.points) // 2 for line in lines) - (len(lines) - 1) == count
    touch.touch_up()
    advance_frames(1)
    (stroke,) = studio.log.visible_strokes()
    assert len(stroke.points) == count
    assert lines_in(studio.paper.canvas) == []  # the finished stroke is in the picture

    (draft,) = activity.finish()
    assert draft.problems() == []
    assert activity.has_work()
    image = Image.open(io.BytesIO(draft.files["drawing.png"])).convert("RGB")
    x, y, _pressure, _t = stroke.points[count // 2]
    assert image.getpixel((round(x), round(y))) == (0x1E, 0x56, 0xC8)
    assert image.getpixel((100, 100)) == WHITE
    assert studio.paper.picture.tobytes() == image.tobytes()


@pytest.mark.parametrize("tool", TOOLS)
def test_the_screen_shows_what_the_saved_png_holds(tmp_path, activity, studio, tool):
    paper = studio.paper
    if tool == "eraser":
        # Something to erase: a thick marker stroke across, then the eraser down through it.
        studio.choose_brush_size("large")
        drag([on_paper(studio, 0.1 + 0.8 * i / 80, 0.5) for i in range(81)], frames=0)
    studio.choose_colour(PALETTE["purple"])
    tap(tool_button(studio, tool))
    wavy = [on_paper(studio, 0.1 + 0.8 * i / 60, 0.5 + 0.2 * math.sin(i / 6)) for i in range(61)]
    upright = [on_paper(studio, 0.5 + 0.1 * math.sin(i / 5), 0.1 + 0.8 * i / 40) for i in range(41)]
    drag(upright if tool == "eraser" else wavy, frames=2)
    assert paper.live is None and studio.log.visible_strokes()[-1].tool == tool
    assert_screen_matches_png(tmp_path, activity, studio, tool)


def assert_screen_matches_png(tmp_path, activity, studio, what):
    shot_path = tmp_path / "paper.png"
    studio.paper.export_to_png(str(shot_path))
    screen = Image.open(shot_path).convert("RGB")
    (draft,) = activity.finish()
    saved = Image.open(io.BytesIO(draft.files["drawing.png"])).convert("RGB")
    assert draft.files["drawing.png"] == render_png(studio.log)
    saved = saved.resize(screen.size, Image.Resampling.BOX)

    # The mean absolute difference (0-255), judged where the marks are, so that the blank
    # paper around them does not water the difference down; printed for the record (-s).
    box = ImageChops.difference(saved, Image.new("RGB", saved.size, WHITE)).getbbox()
    difference = sum(ImageStat.Stat(ImageChops.difference(screen.crop(box), saved.crop(box))).mean) / 3
    print(f"screen vs PNG, {what}: {difference:.2f}")
    assert difference < 6


def draw_ring(studio, u=0.5, v=0.5, radius=0.2):
    """A closed circle drawn with the marker by a real finger, centred at (u, v) of the paper."""
    tap(tool_button(studio, "marker"))
    drag([on_paper(studio, u + radius * 0.75 * math.cos(i / 30 * 2 * math.pi), v + radius * math.sin(i / 30 * 2 * math.pi))
          for i in range(32)])


@full_studio
def test_the_fill_bucket_fills_the_shape_that_is_tapped(studio):
    draw_ring(studio)
    studio.choose_colour(PALETTE["orange"])
    tap(tool_button(studio, "fill"))
    assert studio.tool == "fill"
    swipe(on_paper(studio, 0.5, 0.5))
    fill = studio.log.visible_marks()[-1]
    assert isinstance(fill, Fill) and fill.colour == PALETTE["orange"]
    assert fill.x == pytest.approx(1024, abs=3) and fill.y == pytest.approx(768, abs=3)
    picture = studio.paper.picture
    assert picture.getpixel((1024, 768)) == picture.getpixel((1024 + 200, 768 + 100)) == (0xFB, 0x8C, 0x00)
    assert picture.getpixel((30, 30)) == WHITE
    assert studio.can_undo
    tap(studio.ids.undo_button)
    assert studio.paper.picture.getpixel((1024, 768)) == WHITE


@full_studio
def test_the_screen_shows_what_the_saved_png_holds_for_a_fill(tmp_path, activity, studio):
    draw_ring(studio)
    studio.choose_colour(PALETTE["green"])
    tap(tool_button(studio, "fill"))
    swipe(on_paper(studio, 0.5, 0.5))
    swipe(on_paper(studio, 0.05, 0.05))  # and round the outside
    assert_screen_matches_png(tmp_path, activity, studio, "fill")


@full_studio
def test_a_template_chosen_in_the_paper_chooser_is_in_the_saved_png(activity, studio):
    tap(studio.ids.paper_button)
    chooser = studio.paper_chooser
    assert chooser is not None and all(min(card.size) >= 64 for card in chooser.cards)
    (house,) = [card for card in chooser.cards if card.template == "house"]
    tap(house)
    assert studio.paper_chooser is None and studio.log.paper == (PAPER_COLOUR, "house", None)
    assert not chooser.picture_cards, "no pictures in this portfolio, so no row of them"
    (draft,) = activity.finish()
    saved = Image.open(io.BytesIO(draft.files["drawing.png"])).convert("RGB")
    assert saved.getpixel((1024, 1320)) == ImageColor.getrgb(LINE_COLOUR), "the ground line"
    assert saved.getpixel((1024, 900)) == WHITE
    assert studio.paper.picture.tobytes() == saved.tobytes()
    tap(studio.ids.undo_button)
    assert studio.paper.picture.getpixel((1024, 1320)) == WHITE


@pytest.mark.parametrize("activity", ["simple"], indirect=True)
def test_the_simple_studio_shows_three_big_brushes_and_eight_colours(studio):
    assert [button.tool for button in studio.tool_buttons] == ["marker", "paintbrush", "rainbow"]
    assert len(studio.swatches) == 8 and studio.opacity_buttons == []
    assert not shown(studio, "Paper"), "no papers"
    targets = studio.tool_buttons + studio.swatches
    assert all(min(button.size) >= 64 * 1.3 - 1 for button in targets)
    assert all(studio.collide_point(*button.to_window(*button.pos)) for button in targets), "all on screen"
    tap(tool_button(studio, "rainbow"))
    swipe(on_paper(studio, 0.1, 0.1), on_paper(studio, 0.3, 0.1))
    (stroke,) = studio.log.visible_strokes()
    assert (stroke.tool, stroke.opacity) == ("rainbow", 1.0)


def test_the_standard_studio_has_no_fill_or_papers(studio):
    assert [button.tool for button in studio.tool_buttons] == list(TOOLS)
    assert not shown(studio, "Paper") and len(studio.opacity_buttons) == 4


def choose_stamp(studio, name):
    """Open the stamp chooser with its button and tap the stamp `name`."""
    tap(studio.ids.stamp_button)
    chooser = studio.stamp_chooser
    assert chooser is not None and all(min(card.size) >= 64 for card in chooser.cards)
    (card,) = [card for card in chooser.cards if card.icon == name]
    tap(card)
    assert studio.stamp_chooser is None and studio.tool == "stamp" and studio.stamp == name


def saved_picture(activity):
    (draft,) = activity.finish()
    return Image.open(io.BytesIO(draft.files["drawing.png"])).convert("RGB")


@pytest.mark.parametrize("activity", ["standard", "full"], indirect=True)
def test_a_stamp_chosen_in_the_chooser_goes_where_the_paper_is_tapped(activity, studio):
    studio.choose_colour(PALETTE["blue"])
    choose_stamp(studio, "circle")
    swipe(on_paper(studio, 0.25, 0.5))
    (stamp,) = studio.log.visible_marks()
    assert isinstance(stamp, Stamp) and (stamp.name, stamp.colour) == ("circle", PALETTE["blue"])
    assert stamp.x == pytest.approx(512, abs=3) and stamp.y == pytest.approx(768, abs=3)
    saved = saved_picture(activity)
    assert saved.getpixel((512, 768)) == ImageColor.getrgb(PALETTE["blue"])
    assert saved.getpixel((1500, 768)) == WHITE
    assert studio.paper.picture.tobytes() == saved.tobytes()
    tap(studio.ids.undo_button)
    assert studio.paper.picture.getpixel((512, 768)) == WHITE


def test_a_second_tap_presses_a_second_stamp_and_drawing_still_works_after(studio):
    choose_stamp(studio, "heart")
    swipe(on_paper(studio, 0.2, 0.2))
    swipe(on_paper(studio, 0.7, 0.7))
    assert [type(mark) for mark in studio.log.visible_marks()] == [Stamp, Stamp]
    tap(tool_button(studio, "marker"))
    swipe(on_paper(studio, 0.1, 0.9), on_paper(studio, 0.3, 0.9))
    assert studio.log.visible_strokes()[-1].tool == "marker" and tool_button(studio, "marker").selected


def pinch(first, second_from, second_to, steps=10):
    """Two fingers down, the second moved, then both lifted (second first)."""
    one = UnitTestTouch(*first)
    two = UnitTestTouch(*second_from)
    one.touch_down()
    two.touch_down()
    for i in range(1, steps + 1):
        two.touch_move(second_from[0] + (second_to[0] - second_from[0]) * i / steps,
                       second_from[1] + (second_to[1] - second_from[1]) * i / steps)
    two.touch_up()
    one.touch_up()
    advance_frames(1)


def test_two_fingers_make_the_stamp_just_placed_bigger_and_turn_it(activity, studio):
    studio.choose_colour(PALETTE["red"])
    choose_stamp(studio, "square")
    swipe(on_paper(studio, 0.5, 0.5))
    before = ImageChops.invert(saved_picture(activity)).getbbox()
    # Fingers left and right of the stamp, the right one moved twice as far out.
    pinch(on_paper(studio, 0.45, 0.5), on_paper(studio, 0.55, 0.5), on_paper(studio, 0.65, 0.5))
    (stamp,) = studio.log.visible_marks()
    assert stamp.size == pytest.approx(480, rel=0.02) and stamp.rotation == pytest.approx(0, abs=0.5)
    after = ImageChops.invert(saved_picture(activity)).getbbox()
    assert after[2] - after[0] > 1.8 * (before[2] - before[0])
    assert studio.paper.picture.getpixel((1024 + 140, 768)) == ImageColor.getrgb(PALETTE["red"])
    # A quarter turn anticlockwise: the second finger goes from the right to above.
    pinch(on_paper(studio, 0.45, 0.5), on_paper(studio, 0.55, 0.5), on_paper(studio, 0.45, 0.5 - 0.1 * 4 / 3))
    (stamp,) = studio.log.visible_marks()
    assert stamp.rotation == pytest.approx(90, abs=1) and stamp.size == pytest.approx(480, rel=0.02)
    assert len(studio.log.events) == 1
    tap(studio.ids.undo_button)
    assert studio.log.visible_marks() == [] and studio.paper.picture.getpixel((1024, 768)) == WHITE


def test_two_fingers_draw_no_stamp_when_none_was_just_placed(studio):
    choose_stamp(studio, "star")
    pinch(on_paper(studio, 0.3, 0.5), on_paper(studio, 0.5, 0.5), on_paper(studio, 0.7, 0.5))
    # The first finger alone counts as a tap: one stamp, where it went down.
    (stamp,) = studio.log.visible_marks()
    assert stamp.x == pytest.approx(0.3 * 2048, abs=3) and stamp.size == 240


@pytest.mark.parametrize("activity", ["simple"], indirect=True)
def test_the_simple_studio_has_no_stamps(studio):
    assert not shown(studio, "Stamps")


@full_studio
def test_the_screen_shows_what_the_saved_png_holds_for_stamps(tmp_path, activity, studio):
    studio.choose_colour(PALETTE["purple"])
    choose_stamp(studio, "cat")
    swipe(on_paper(studio, 0.3, 0.4))
    pinch(on_paper(studio, 0.25, 0.4), on_paper(studio, 0.35, 0.4), on_paper(studio, 0.4, 0.3))
    studio.choose_opacity(0.5)
    choose_stamp(studio, "emoticon-happy-outline")
    swipe(on_paper(studio, 0.7, 0.6))
    assert [type(mark) for mark in studio.log.visible_marks()] == [Stamp, Stamp]
    assert_screen_matches_png(tmp_path, activity, studio, "stamps")


def test_the_picker_grid_is_distinct_colours_round_the_wheel_and_greys():
    rows = picker_colours()
    colours = [colour for row in rows for colour in row]
    assert len(rows) == 6 and len(set(colours)) == len(colours) == 72
    assert rows[-1][0] == "#FFFFFF" and rows[-1][-1] == "#000000"
    assert all(len(colour) == 7 and colour.startswith("#") for colour in colours)


@full_studio
def test_the_colour_picker_picks_any_colour_and_offers_the_last_six_used(studio):
    for name in ("red", "blue", "green", "red"):
        studio.choose_colour(PALETTE[name])
        swipe(on_paper(studio, 0.1, 0.1), on_paper(studio, 0.2, 0.1))
    tap(studio.ids.colour_button)
    picker = studio.colour_picker
    assert picker is not None and all(min(swatch.size) >= 64 for swatch in picker.swatches + picker.recent_swatches)
    assert [swatch.colour for swatch in picker.recent_swatches] == [PALETTE["red"], PALETTE["green"], PALETTE["blue"]]
    chosen = picker.swatches[3]
    assert chosen.colour not in PALETTE.values()
    tap(chosen)
    assert studio.colour_picker is None and studio.colour == chosen.colour
    swipe(on_paper(studio, 0.1, 0.5), on_paper(studio, 0.3, 0.5))
    assert studio.log.visible_strokes()[-1].colour == chosen.colour
    tap(studio.ids.colour_button)
    recent = [swatch.colour for swatch in studio.colour_picker.recent_swatches]
    assert recent[0] == chosen.colour and len(recent) == 4
    assert [swatch.selected for swatch in studio.colour_picker.recent_swatches][0]
    for name in ("black", "grey", "orange", "yellow", "pink"):
        studio.colour_picker.dismiss(animation=False)
        advance_frames(1)
        studio.choose_colour(PALETTE[name])
        swipe(on_paper(studio, 0.1, 0.7), on_paper(studio, 0.2, 0.7))
        tap(studio.ids.colour_button)
    assert len(studio.colour_picker.recent_swatches) == 6


def test_the_standard_studio_has_no_colour_picker(studio):
    # Asked of the widgets on screen: the removed button itself may already be collected.
    assert not [widget for widget in studio.walk() if getattr(widget, "text", None) == "More"]


# --- two-finger zoom and pan -----------------------------------------------------------


def two_fingers(one_from, one_to, two_from, two_to, steps=10, first_path=()):
    """One finger down (and moved through `first_path`, drawing), a second joins it,
    both move from where they are to their ends, then both lift (the second first)."""
    one = UnitTestTouch(*one_from)
    one.touch_down()
    for position in first_path:
        one.touch_move(*position)
    start = first_path[-1] if first_path else one_from
    two = UnitTestTouch(*two_from)
    two.touch_down()
    for i in range(1, steps + 1):
        f = i / steps
        one.touch_move(start[0] + (one_to[0] - start[0]) * f, start[1] + (one_to[1] - start[1]) * f)
        two.touch_move(two_from[0] + (two_to[0] - two_from[0]) * f, two_from[1] + (two_to[1] - two_from[1]) * f)
    two.touch_up()
    one.touch_up()
    advance_frames(1)


def zoom_in_twice(studio, first_path=()):
    """Fingers either side of the paper's middle, moved twice as far apart: zoom 2 round
    the middle, which stays where it was."""
    two_fingers(
        on_paper(studio, 0.4, 0.5), on_paper(studio, 0.3, 0.5),
        on_paper(studio, 0.6, 0.5), on_paper(studio, 0.7, 0.5),
        first_path=first_path,
    )


def test_dropping_the_stroke_in_progress_leaves_the_log_as_it_was():
    from expressive.lib.drawing.strokes import DrawingLog

    log = DrawingLog()
    log.begin_stroke("marker", "#000000", 10, t=0)
    log.add_point(1, 1, t=0)
    log.end_stroke()
    log.undo(t=1)
    before = list(log.events)
    log.begin_stroke("marker", "#000000", 10, t=2)
    log.add_point(5, 5, t=2)
    assert log.drop_stroke() and not log.drop_stroke()
    assert log.events == before and log.current_stroke is None
    assert log.can_redo and not log.can_undo  # no undo step recorded, redo kept
    assert DrawingLog.from_json(log.to_json()).events == before


def test_pinching_out_zooms_in_and_the_first_fingers_stroke_is_not_kept(studio):
    paper = studio.paper
    assert paper.zoom == 1 and studio.ids.fit_button.disabled and studio.ids.fit_button.opacity == 0
    zoom_in_twice(studio, first_path=[on_paper(studio, 0.45, 0.5), on_paper(studio, 0.4, 0.5)])
    assert paper.zoom == pytest.approx(2, rel=0.01)
    assert (paper.pan_x, paper.pan_y) == (pytest.approx(-0.5, abs=0.01), pytest.approx(-0.5, abs=0.01))
    assert studio.log.events == [] and studio.is_empty and not studio.can_undo
    assert paper.live is None and lines_in(paper.canvas) == []
    assert not inked(studio, 0.425 * 2048, 768)
    # The picture is shown twice as big, its middle still in the middle of the view.
    assert tuple(paper._sheet.size) == pytest.approx((2 * paper.width, 2 * paper.height), abs=1)
    assert paper.to_document(*paper.center) == pytest.approx((1024, 768), abs=3)
    assert not studio.ids.fit_button.disabled and studio.ids.fit_button.opacity == 1


def test_a_stroke_after_zooming_lands_under_the_finger_and_in_the_png(activity, studio):
    zoom_in_twice(studio)
    paper = studio.paper
    # The view shows the middle half of the paper: a view fraction f is 0.25 + f / 2 of it.
    swipe(on_paper(studio, 0.5, 0.5), on_paper(studio, 0.75, 0.5), on_paper(studio, 0.75, 0.9))
    (stroke,) = studio.log.visible_strokes()
    assert [point[:2] for point in stroke.points] == [
        pytest.approx((1024, 768), abs=3),
        pytest.approx((1280, 768), abs=3),
        pytest.approx((1280, 0.7 * 1536), abs=3),
    ]
    assert paper.live is None and lines_in(paper.canvas) == []
    saved = saved_picture(activity)
    assert saved.getpixel((1150, 768)) != WHITE and saved.getpixel((1280, 950)) != WHITE
    assert saved.getpixel((1500, 768)) == WHITE and saved.getpixel((600, 768)) == WHITE


def test_the_live_sketch_follows_the_zoom(studio):
    zoom_in_twice(studio)
    paper = studio.paper
    touch = UnitTestTouch(*on_paper(studio, 0.5, 0.5))
    touch.touch_down()
    touch.touch_move(*on_paper(studio, 0.75, 0.5))
    (line,) = paper.live.lines
    assert line.points == pytest.approx([*on_paper(studio, 0.5, 0.5), *on_paper(studio, 0.75, 0.5)], abs=2)
    assert line.points == pytest.approx([*paper.to_screen(1024, 768), *paper.to_screen(1280, 768)], abs=2)
    touch.touch_up()
    advance_frames(1)


def test_two_fingers_moved_together_pan_the_zoomed_paper_but_never_off_the_view(studio):
    zoom_in_twice(studio)
    paper = studio.paper
    # Both fingers a tenth of the view to the left: the paper follows them.
    two_fingers(on_paper(studio, 0.4, 0.5), on_paper(studio, 0.3, 0.5), on_paper(studio, 0.6, 0.5), on_paper(studio, 0.5, 0.5))
    assert paper.zoom == pytest.approx(2, rel=0.01)
    assert paper.pan_x == pytest.approx(-0.6, abs=0.01) and paper.pan_y == pytest.approx(-0.5, abs=0.01)
    assert paper.to_document(*paper.center) == pytest.approx((1024 + 0.1 * 2048 / 2, 768), abs=3)
    # Far further: the paper stops with its right edge at the view's right edge.
    two_fingers(on_paper(studio, 0.4, 0.5), on_paper(studio, 0.0, -0.2), on_paper(studio, 0.6, 0.5), on_paper(studio, 0.2, -0.2))
    assert paper.pan_x == pytest.approx(-1) and paper.pan_y == pytest.approx(0, abs=1e-9)
    assert paper.to_document(paper.right - 1, paper.y + 1) == pytest.approx((2048, 1536), abs=3)
    # Pinched in, the zoom stops at the whole paper; pinched far out, at four times.
    two_fingers(on_paper(studio, 0.1, 0.5), on_paper(studio, 0.45, 0.5), on_paper(studio, 0.9, 0.5), on_paper(studio, 0.55, 0.5))
    assert paper.zoom == 1 and (paper.pan_x, paper.pan_y) == (0, 0)
    two_fingers(on_paper(studio, 0.45, 0.5), on_paper(studio, 0.05, 0.5), on_paper(studio, 0.55, 0.5), on_paper(studio, 0.95, 0.5))
    assert paper.zoom == 4
    assert studio.log.events == []


def test_fit_shows_the_whole_paper_again(studio):
    zoom_in_twice(studio)
    paper = studio.paper
    assert paper.zoom > 1
    tap(studio.ids.fit_button)
    assert paper.zoom == 1 and (paper.pan_x, paper.pan_y) == (0, 0)
    assert tuple(paper._sheet.pos) == pytest.approx(tuple(paper.pos)) and tuple(paper._sheet.size) == pytest.approx(tuple(paper.size))
    assert studio.ids.fit_button.disabled and studio.ids.fit_button.opacity == 0
    assert studio.ids.fit_button.width >= 64 and studio.ids.fit_button.height >= 64
    swipe(on_paper(studio, 0.25, 0.25), on_paper(studio, 0.5, 0.25))
    (stroke,) = studio.log.visible_strokes()
    assert stroke.points[0][:2] == pytest.approx((512, 384), abs=3)


def test_stamps_go_under_the_finger_and_still_pinch_when_zoomed_in(studio):
    zoom_in_twice(studio)
    choose_stamp(studio, "square")
    swipe(on_paper(studio, 0.5, 0.5))
    (stamp,) = studio.log.visible_marks()
    assert (stamp.x, stamp.y) == (pytest.approx(1024, abs=3), pytest.approx(768, abs=3))
    pinch(on_paper(studio, 0.45, 0.5), on_paper(studio, 0.55, 0.5), on_paper(studio, 0.65, 0.5))
    (stamp,) = studio.log.visible_marks()
    assert stamp.size == pytest.approx(480, rel=0.02)
    assert studio.paper.zoom == pytest.approx(2, rel=0.01)  # the stamp pinch left the view alone


def png_file(image):
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


STRIPES = Image.new("RGB", (800, 600), (30, 90, 200))
STRIPES.paste((250, 200, 40), (0, 300, 800, 600))


class DamagedPictures(MemoryLibrary):
    """A portfolio whose "Broken" picture fails its checksum when read."""

    def read(self, picture_id):
        if picture_id == "s1/a2":
            raise LibraryError("The artifact a2 is damaged: drawing.png does not match its checksum.")
        return super().read(picture_id)


@pytest.fixture
def studio_with_pictures(window):
    pictures = DamagedPictures({"s1/a1": ("Beach", png_file(STRIPES)), "s1/a2": ("Broken", png_file(STRIPES))})
    host = Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.drawing"), settings={"complexity": "full"}, pictures=pictures)
    activity = DrawingActivity(host)
    studio = activity.build()
    window.add_widget(studio)
    advance_frames(3)
    yield activity, studio
    if studio.paper_chooser is not None:
        studio.paper_chooser.dismiss(animation=False)
    window.remove_widget(studio)
    advance_frames(1)


def test_a_picture_from_the_portfolio_becomes_the_paper_and_stays_with_the_drawing(studio_with_pictures):
    activity, studio = studio_with_pictures
    tap(studio.ids.paper_button)
    cards = {card.text: card for card in studio.paper_chooser.picture_cards}
    assert set(cards) == {"Beach", "Broken"} and all(min(card.size) >= 64 for card in cards.values())
    tap(cards["Beach"])
    advance_frames(2)
    photo = studio.log.paper[2]
    assert photo is not None and studio.paper_chooser is None
    studio.choose_tool("eraser")
    swipe(on_paper(studio, 0.1, 0.25), on_paper(studio, 0.9, 0.25))
    (draft,) = activity.finish()
    saved = Image.open(io.BytesIO(draft.files["drawing.png"])).convert("RGB")
    top, bottom = saved.getpixel((1024, 200)), saved.getpixel((1024, 1300))
    assert top[2] > 150 and bottom[0] > 200, "the photo's blue top and yellow bottom, erased back where the finger went"
    # The picture travels inside the stroke log: a restored or replayed drawing needs nothing else.
    restored = DrawingActivity(Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.drawing")))
    restored.restore(activity.snapshot())
    assert restored.log.paper[2] == photo and restored.log.photos[photo] == studio.log.photos[photo]
    assert render_png(restored.log) == draft.files["drawing.png"]


def test_a_damaged_picture_says_so_in_a_childs_words_and_keeps_the_paper(window, studio_with_pictures, caplog):
    _activity, studio = studio_with_pictures
    tap(studio.ids.paper_button)
    (broken,) = [card for card in studio.paper_chooser.picture_cards if card.text == "Broken"]
    with caplog.at_level(logging.WARNING):
        tap(broken)
        advance_frames(2)
    assert studio.log.paper == (PAPER_COLOUR, None, None) and not studio.log.events
    texts = open_popup_texts(window)
    assert "Choose another paper or picture." in texts and not any("checksum" in text for text in texts)
    assert "checksum" in caplog.text, "why it failed is in the log, for whoever looks into it"
    tap_popup_button(window, "OK")


def test_undo_at_the_end_of_a_long_drawing_draws_nothing_and_shows_the_log(activity, studio):
    activity.restore(long_drawing(60).to_json().encode("utf-8"))
    advance_frames(3)
    history = studio.paper.history
    for _ in range(12):
        tap(studio.ids.undo_button, frames=4)
        assert history.last_drawn == 0, "the next undo's picture was ready"
    assert studio.paper.picture.tobytes() == render_image(studio.log).tobytes()
    tap(studio.ids.redo_button)
    assert history.last_drawn <= 1 and len(studio.log.visible_strokes()) == 49
    assert studio.paper.picture.tobytes() == render_image(studio.log).tobytes()


def test_no_snapshot_is_prepared_while_a_finger_draws(activity, studio, monkeypatch):
    activity.restore(long_drawing(30).to_json().encode("utf-8"))
    advance_frames(3)
    prepared = []
    monkeypatch.setattr(studio.paper.history, "prepare", lambda: prepared.append(True) or True)
    tap(studio.ids.undo_button, frames=1)
    touch = UnitTestTouch(*on_paper(studio, 0.5, 0.5))
    touch.touch_down()
    prepared.clear()
    advance_frames(3)
    assert prepared == []
    touch.touch_move(*on_paper(studio, 0.6, 0.5))
    touch.touch_up()
    advance_frames(3)
    assert prepared, "between strokes it goes on"
    # Two fingers zooming leave no mark; once they lift it goes on too.
    prepared.clear()
    first, second = UnitTestTouch(*on_paper(studio, 0.4, 0.4)), UnitTestTouch(*on_paper(studio, 0.6, 0.6))
    first.touch_down()
    second.touch_down()
    advance_frames(2)
    second.touch_move(*on_paper(studio, 0.7, 0.7))
    second.touch_up()
    first.touch_up()
    assert prepared == [] and studio.log.visible_strokes()[-1].points[-1][0] == pytest.approx(0.6 * 2048, abs=3)
    advance_frames(2)
    assert prepared


def test_done_saves_the_picture_shown_and_a_stroke_still_being_drawn_with_it(activity, studio):
    swipe(on_paper(studio, 0.1, 0.1), on_paper(studio, 0.5, 0.2))
    tap(studio.ids.undo_button)
    tap(studio.ids.redo_button)
    (draft,) = activity.finish()
    assert draft.files["drawing.png"] == render_png(studio.log)
    touch = UnitTestTouch(*on_paper(studio, 0.2, 0.6))
    touch.touch_down()
    touch.touch_move(*on_paper(studio, 0.6, 0.6))
    (draft,) = activity.finish()
    assert draft.files["drawing.png"] == render_png(studio.log), "the stroke under the finger is saved too"
    assert Image.open(io.BytesIO(draft.files["drawing.png"])).getpixel((800, 920)) != WHITE
    touch.touch_up()


def test_a_touch_on_a_paper_squeezed_to_no_width_draws_nothing_and_breaks_nothing(studio):
    paper = studio.paper
    marks = len(studio.log.timeline())
    paper.width = 0
    touch = UnitTestTouch(paper.x, paper.center_y)
    touch.touch_down()
    touch.touch_move(paper.x, paper.center_y - 10)
    touch.touch_up()
    assert len(studio.log.timeline()) == marks and studio.log.current_stroke is None
