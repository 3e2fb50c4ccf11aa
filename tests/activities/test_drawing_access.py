"""The drawing activity for every child and every tablet: each control has a name, the
choosers can be closed without choosing, and the studio, its choosers and the picture
maker fit the window, with targets a finger can hit."""

import logging

import pytest
from kivy.metrics import dp
from kivy.uix.modalview import ModalView

from expressive.activities.drawing.activity import DrawingActivity
from expressive.activities.drawing.colour_names import PALETTE_NAMES, colour_name
from expressive.activities.drawing.picture_maker import open_picture_popup
from expressive.activities.drawing.studio import OPACITY_NAMES, picker_colours
from expressive.activity import Host, MemoryDrafts
from expressive.lib.drawing.strokes import OPACITIES, PALETTE
from expressive.tools.driver import advance_frames, tap
from expressive.tools.layout import is_button, name_of, problems_on, shown

TABLETS = [(1024, 768), (1280, 800), (800, 1280), (600, 1024)]


def host(level="standard"):
    return Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.drawing"), settings={"complexity": level})


@pytest.fixture
def sized_window(window):
    before = tuple(window.size)
    yield window
    window.size = before
    advance_frames(1)


@pytest.fixture
def open_studio(sized_window):
    """Builds the studio at a level in the window; closes what it opened afterwards."""
    opened = []

    def build(level):
        studio = DrawingActivity(host(level)).build()
        sized_window.add_widget(studio)
        opened.append(studio)
        advance_frames(3)
        return studio

    yield build
    for view in [view for view in sized_window.children if isinstance(view, ModalView)]:
        view.dismiss(animation=False)
    for studio in opened:
        sized_window.remove_widget(studio)
    advance_frames(1)


def buttons_in(widget):
    return [child for child in widget.walk(restrict=True) if is_button(child) and shown(child) and not child.disabled]


def test_every_palette_colour_has_a_childs_name_and_any_colour_gets_one():
    assert set(PALETTE_NAMES) == set(PALETTE)
    assert colour_name(PALETTE["red"]) == "red" and colour_name(PALETTE["tan"]) == "light brown"
    assert [colour_name(colour) for colour in ("#FFFFFF", "#000000", "#8B8B8B", "#730D0D", "#BAD9F7")] == [
        "white", "black", "grey", "dark red", "light blue"]
    assert all(colour_name(colour) for row in picker_colours() for colour in row)


def test_every_opacity_has_a_name():
    assert set(OPACITY_NAMES) == set(OPACITIES)


@pytest.mark.parametrize("level", ["simple", "standard", "full"])
def test_every_control_of_the_studio_has_a_name(open_studio, level):
    studio = open_studio(level)
    unnamed = [button for button in buttons_in(studio) if not name_of(button)]
    assert not unnamed, unnamed
    assert [swatch.accessible_name for swatch in studio.swatches][:3] == (
        ["black", "red", "orange"] if level == "simple" else ["black", "grey", "red"])
    assert [button.accessible_name for button in studio.size_buttons.values()] == ["thin", "medium", "thick"]


def test_the_opacity_dots_show_squares_through_the_paint_and_say_how_see_through_they_are(open_studio):
    studio = open_studio("standard")
    names = [button.accessible_name for button in studio.opacity_buttons]
    assert names == ["very see-through", "half see-through", "a little see-through", "not see-through"]
    assert all(button.backdrop is not None for button in studio.opacity_buttons)
    assert all(button.backdrop is None for button in studio.size_buttons.values()), "a size dot is plain"
    studio.choose_colour(PALETTE["blue"])
    assert [button.dot_colour[3] for button in studio.opacity_buttons] == list(OPACITIES)


@pytest.mark.parametrize("opener", ["open_paper_chooser", "open_stamp_chooser", "open_colour_picker"])
def test_every_chooser_has_a_close_button_that_chooses_nothing(open_studio, opener):
    studio = open_studio("full")
    before = (studio.colour, studio.tool, studio.stamp, studio.log.paper)
    getattr(studio, opener)()
    advance_frames(2)
    (chooser,) = [view for view in studio.get_parent_window().children if isinstance(view, ModalView)]
    unnamed = [button for button in buttons_in(chooser) if not name_of(button)]
    assert not unnamed, unnamed
    close = chooser.ids.title.ids.close
    assert name_of(close) == "Close" and min(close.size) >= dp(64)
    tap(close)
    assert chooser.parent is None
    assert (studio.colour, studio.tool, studio.stamp, studio.log.paper) == before
    assert (studio.paper_chooser, studio.stamp_chooser, studio.colour_picker) == (None, None, None)


def test_stamps_show_their_names(open_studio):
    studio = open_studio("standard")
    studio.open_stamp_chooser()
    advance_frames(2)
    names = {card.icon: card.text for card in studio.stamp_chooser.cards}
    assert names["emoticon-happy-outline"] == "happy face" and names["home"] == "house"


def test_a_level_opens_only_the_choosers_it_shows(open_studio):
    studio = open_studio("simple")
    studio.open_stamp_chooser()
    studio.open_paper_chooser()
    studio.open_colour_picker()
    assert (studio.paper_chooser, studio.stamp_chooser, studio.colour_picker) == (None, None, None)


@pytest.mark.parametrize("size", TABLETS, ids=[f"{w}x{h}" for w, h in TABLETS])
def test_the_studio_and_its_choosers_fit_every_tablet(sized_window, open_studio, size):
    sized_window.size = size
    advance_frames(2)
    problems = []
    for level in ("simple", "full"):
        studio = open_studio(level)
        smallest = 64 if level == "simple" else 48
        problems += problems_on(studio, sized_window, smallest)
        if level == "full":
            for opener in ("open_paper_chooser", "open_stamp_chooser", "open_colour_picker"):
                getattr(studio, opener)()
                advance_frames(3)
                (chooser,) = [view for view in sized_window.children if isinstance(view, ModalView)]
                problems += [f"{opener}: {problem}" for problem in problems_on(chooser, sized_window, smallest)]
                chooser.dismiss(animation=False)
                advance_frames(1)
        studio.choose_tool("marker")
        studio.log.begin_stroke("marker", PALETTE["red"], 22)
        studio.log.add_point(100, 100, 1.0)
        studio.log.end_stroke()
        studio.paper.repaint()
        studio.paper.dispatch("on_mark")
        studio.ask_to_clear()
        advance_frames(3)
        problems += [f"clear ({level}): {problem}" for problem in problems_on(studio.clear_confirmation, sized_window, smallest)]
        studio.clear_confirmation.dismiss(animation=False)
        advance_frames(1)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", TABLETS, ids=[f"{w}x{h}" for w, h in TABLETS])
def test_the_picture_makers_buttons_are_inside_every_window(sized_window, size):
    sized_window.size = size
    advance_frames(2)
    popup = open_picture_popup(host(), lambda png: None, title="Draw the picture for this page", max_size=(800, 600))
    try:
        advance_frames(3)
        for button in (popup.ids.cancel, popup.ids.use):
            left, bottom = button.to_window(button.x, button.y)
            assert 0 <= left and left + button.width <= size[0] and 0 <= bottom and bottom + button.height <= size[1]
            assert min(button.size) >= dp(64)
        header = popup.ids.header
        assert header.y <= popup.ids.use.y and popup.ids.use.top <= header.top
        assert not popup.ids.title.collide_widget(popup.ids.use) and not popup.ids.title.collide_widget(popup.ids.cancel)
        assert not problems_on(popup, sized_window, 48)
    finally:
        popup.dismiss(animation=False)
        advance_frames(1)


@pytest.mark.parametrize("level", ["simple", "full"])
def test_on_an_upright_tablet_the_paper_takes_the_whole_width_under_the_colours(sized_window, open_studio, level):
    sized_window.size = (800, 1280)
    advance_frames(2)
    studio = open_studio(level)
    paper = studio.paper
    assert studio.upright and paper.width >= 0.9 * sized_window.width
    paper_bottom, paper_top = paper.to_window(paper.x, paper.y)[1], paper.to_window(paper.x, paper.top)[1]
    assert all(swatch.to_window(swatch.x, swatch.y)[1] > paper_top for swatch in studio.swatches), "the colours above the paper"
    undo = studio.ids.undo_button
    assert undo.to_window(undo.x, undo.top)[1] < paper_bottom, "the history below it"


@pytest.mark.parametrize("width", [360, 700])
def test_the_replays_controls_and_marks_are_named_and_whole_in_a_narrow_view(sized_window, width):
    from kivy.uix.floatlayout import FloatLayout

    from expressive.activities.drawing.activity import DrawingActivity as Drawing
    from expressive.activities.drawing.replay_view import replay_viewer
    from expressive.api import ArtifactView

    (draft,) = Drawing.demo_drafts(0)
    view = replay_viewer(ArtifactView.of_draft(draft, "drawing"), save_marks=lambda marks: tuple(marks))
    frame = FloatLayout(size_hint=(None, None), size=(width, 600))
    view.size_hint = (1, 1)
    frame.add_widget(view)
    sized_window.add_widget(frame)
    try:
        view.seek(view.duration / 2)
        view.add_mark("covered the figure in black")
        advance_frames(3)
        buttons = buttons_in(view)
        assert all(name_of(button) for button in buttons), [button for button in buttons if not name_of(button)]
        (tick,) = [button for button in buttons if button.__class__.__name__ == "MarkTick"]
        assert tick.accessible_name.startswith("Go to the mark at")
        mark = view.ids.mark
        assert min(mark.size) >= dp(48) and 0 <= mark.x and mark.right <= width and 0 <= mark.y
        assert not problems_on(view, sized_window, 48)
        tap(mark)
        (dialog,) = [child for child in sized_window.children if isinstance(child, ModalView)]
        try:
            assert not problems_on(dialog, sized_window, 48)
        finally:
            dialog.dismiss(animation=False)
    finally:
        sized_window.remove_widget(frame)
        advance_frames(1)


def test_every_swatch_stands_out_from_the_background_by_its_ring():
    from expressive.activities.drawing.screen_math import OUTLINE
    from expressive.api.widgets import theme
    from expressive.lib.contrast import contrast_ratio, over

    for background in (theme.BACKGROUND, theme.SURFACE):
        assert contrast_ratio(over(OUTLINE, background), background) >= 3


@pytest.mark.parametrize("size", [(600, 1024), (800, 1280)])
def test_on_an_upright_tablet_undo_redo_and_clear_are_in_sight_without_scrolling(sized_window, open_studio, size):
    sized_window.size = size
    advance_frames(2)
    studio = open_studio("full")
    advance_frames(3)
    for name in ("undo_button", "redo_button", "clear_button"):
        button = studio.ids[name]
        left, bottom = button.to_window(button.x, button.y)
        assert 0 <= left and left + button.width <= size[0] and bottom >= 0, name
