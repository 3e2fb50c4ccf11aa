"""The layout checker finds each kind of problem it is for, and nothing on a layout that is right.

Each test lays out a few widgets in the real window and asks `problems_on` about them, so
what `expressive layout` reports about the app's screens can be trusted both ways.
"""

from __future__ import annotations

import pytest
from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

from expressive.tools.layout import SMALLEST_SIMPLE_TARGET_DP, SMALLEST_TARGET_DP, problems_on, settle
from expressive.ui.widgets import IconButton

LONG_WORDS = "Words far too long for the little box they were given"


@pytest.fixture
def layer(window):
    root = FloatLayout(size=window.size)
    window.add_widget(root)
    yield root
    window.remove_widget(root)


def problems(layer, window, smallest=SMALLEST_TARGET_DP) -> list[str]:
    settle()
    return problems_on(layer, window, smallest)


def button(text="Go", *, at=(100, 100), size=(80, 80)) -> Button:
    return Button(text=text, size_hint=(None, None), pos=at, size=(dp(size[0]), dp(size[1])))


def words(text, **options) -> Label:
    return Label(text=text, size_hint=(None, None), **options)


def test_a_layout_that_is_right_has_no_problems(layer, window):
    layer.add_widget(button("Draw", at=(100, 100)))
    layer.add_widget(button("Play", at=(300, 100)))
    layer.add_widget(words("Hello", pos=(100, 400), size=(dp(200), dp(60))))
    assert problems(layer, window) == []


def test_words_shortened_with_dots_are_cut_off(layer, window):
    label = words(LONG_WORDS, pos=(100, 400), size=(dp(120), dp(40)), shorten=True)
    label.text_size = label.size
    layer.add_widget(label)
    assert problems(layer, window) == [f"the words {LONG_WORDS!r} are cut off (shortened with '...')"]


def test_words_wider_than_their_box_are_cut_off(layer, window):
    layer.add_widget(words(LONG_WORDS, pos=(100, 400), size=(dp(120), dp(40))))
    (problem,) = problems(layer, window)
    assert problem.startswith(f"the words {LONG_WORDS!r} are cut off (") and "wide in a box 120 dp wide" in problem


def test_wrapped_words_taller_than_their_box_are_cut_off(layer, window):
    label = words(LONG_WORDS, pos=(100, 400), size=(dp(120), dp(30)))
    label.text_size = (label.width, None)
    layer.add_widget(label)
    (problem,) = problems(layer, window)
    assert "tall in a box 30 dp tall" in problem


def test_lines_a_label_leaves_out_are_cut_off(layer, window):
    label = words(LONG_WORDS, pos=(100, 400), size=(dp(120), dp(30)))
    label.text_size = label.size
    layer.add_widget(label)
    (problem,) = problems(layer, window)
    assert "lines left out" in problem


def test_a_title_on_a_thumbnail_may_be_shortened(layer, window):
    thumbnail = BoxLayout(size_hint=(None, None), pos=(100, 400), size=(dp(120), dp(120)))
    thumbnail.artifact = object()
    title = Label(text=LONG_WORDS, shorten=True)
    title.bind(size=lambda label, size: setattr(label, "text_size", size))
    thumbnail.add_widget(title)
    layer.add_widget(thumbnail)
    assert problems(layer, window) == []


def test_targets_that_overlap_are_found(layer, window):
    layer.add_widget(button("Draw", at=(100, 100)))
    layer.add_widget(button("Play", at=(100 + dp(40), 100)))
    assert problems(layer, window) == ["'Draw' and 'Play' overlap"]


def test_words_drawn_over_a_target_are_found(layer, window):
    layer.add_widget(button("Draw", at=(100, 100)))
    layer.add_widget(words("Hi", pos=(100, 100), size=(dp(80), dp(80))))
    assert problems(layer, window) == ["'Draw' has words drawn over it: 'Hi'"]


def test_a_target_outside_the_window_is_found(layer, window):
    layer.add_widget(button("Draw", at=(window.width - dp(40), 100)))
    (problem,) = problems(layer, window)
    assert problem.startswith("'Draw' lies outside the window")


def test_a_target_a_scroll_area_can_scroll_to_is_in_reach(layer, window):
    area = ScrollView(size_hint=(None, None), pos=(0, 0), size=(dp(200), dp(100)), do_scroll_y=False)
    row = BoxLayout(size_hint=(None, None), size=(dp(600), dp(80)), spacing=dp(20))
    for name in ("One", "Two", "Three", "Four", "Five", "Six"):
        row.add_widget(Button(text=name, size_hint=(None, None), size=(dp(80), dp(80))))
    area.add_widget(row)
    layer.add_widget(area)
    assert problems(layer, window) == []


def test_a_target_cut_off_by_a_scroll_area_that_cannot_scroll_is_found(layer, window):
    area = ScrollView(size_hint=(None, None), pos=(0, 0), size=(dp(200), dp(60)), do_scroll_x=False, do_scroll_y=False)
    row = BoxLayout(size_hint=(None, None), size=(dp(200), dp(60)))
    row.add_widget(Button(text="Tall", size_hint=(None, None), size=(dp(80), dp(80))))
    area.add_widget(row)
    layer.add_widget(area)
    (problem,) = problems(layer, window)
    assert problem.startswith("'Tall' is cut off by the edge of the scroll area around it")


def test_a_target_under_48_dp_is_too_small(layer, window):
    layer.add_widget(button("Go", size=(40, 80)))
    assert problems(layer, window) == ["'Go' is too small to tap: 40x80 dp, under 48 dp"]


def test_at_the_simplest_level_a_target_under_64_dp_is_too_small(layer, window):
    layer.add_widget(button("Go", size=(56, 80)))
    assert problems(layer, window) == []
    assert problems(layer, window, SMALLEST_SIMPLE_TARGET_DP) == ["'Go' is too small to tap: 56x80 dp, under 64 dp"]


def test_a_control_with_only_an_icon_needs_an_accessible_name(layer, window):
    swatch = IconButton(icon="circle", size_hint=(None, None), pos=(100, 100), size=(dp(80), dp(80)))
    layer.add_widget(swatch)
    assert problems(layer, window) == ["<IconButton circle> has no name: no words and no accessible_name"]
    swatch.accessible_name = "red"
    assert problems(layer, window) == []


def test_words_taller_than_their_scroll_area_are_read_by_scrolling(layer, window):
    area = ScrollView(size_hint=(None, None), pos=(0, window.height - dp(100)), size=(dp(200), dp(100)))
    story = Label(text="\n".join(["A line of a long story"] * 40), size_hint=(None, None), width=dp(200))
    story.bind(texture_size=lambda label, size: setattr(label, "height", size[1]))
    area.add_widget(story)
    layer.add_widget(area)
    assert problems(layer, window) == []
