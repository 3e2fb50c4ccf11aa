"""The kit's text field and screen title: whole letters, readable hints, nothing cut."""

import pytest

from expressive.lib.contrast import CONTROL_CONTRAST, TEXT_CONTRAST, contrast_ratio, over


@pytest.fixture
def kit(window):
    from kivy.factory import Factory

    from expressive.ui import theme, widgets  # noqa: F401  (loads the kit's rules)

    return Factory, theme


def _shown(widget):
    from kivy.core.window import Window

    from expressive.tools.driver import advance_frames

    Window.add_widget(widget)
    advance_frames(2)
    return widget


def _glyph_extent(font_size):
    """How far the tallest and the lowest letters reach, ascent to descent, in pixels."""
    from kivy.core.text import Label as CoreLabel

    label = CoreLabel(text="Ågypj", font_size=font_size)
    label.refresh()
    return label.texture.height


@pytest.mark.parametrize("font_size", ["22sp", "40sp", "60sp"])
def test_a_field_holds_its_letters_tails_at_any_type_size(kit, font_size):
    from kivy.core.window import Window

    factory, _theme = kit
    field = _shown(factory.FormInput(text="gypsy jigs", font_size=font_size))
    try:
        top_padding, bottom_padding = field.padding[1], field.padding[3]
        room = field.height - top_padding - bottom_padding
        assert room >= _glyph_extent(field.font_size) - 1, (field.height, field.padding)
        assert top_padding >= 0 and bottom_padding >= 0
    finally:
        Window.remove_widget(field)


def test_a_field_is_white_with_an_edge_and_readable_hint_words(kit):
    factory, theme = kit
    field = factory.FormInput(hint_text="e.g. Sam")
    assert field.background_normal == "" and tuple(field.background_color) == tuple(theme.SURFACE)
    assert contrast_ratio(field.hint_text_color, theme.SURFACE) >= TEXT_CONTRAST
    assert contrast_ratio(over(theme.EDGE, theme.BACKGROUND), theme.BACKGROUND) >= CONTROL_CONTRAST


def test_a_long_title_in_a_narrow_row_wraps_whole_instead_of_being_cut(kit):
    from kivy.core.window import Window
    from kivy.metrics import dp

    factory, _theme = kit
    title = factory.ScreenTitle(
        text="[Ŝéţţîñĝš ƒöŕ ţĥé ţĥéŕåþîšţ åñð ţĥé çļîéñţ öñé ţŵö]",
        size_hint=(None, None),
        size=(dp(260), dp(64)),
    )
    _shown(title)
    try:
        from kivy.core.text import Label as CoreLabel

        assert not title.shorten
        # All of it, wrapped at the title's width with no limit below, fits the title's box.
        whole = CoreLabel(text=title.text, font_size=title.font_size, bold=True, text_size=(title.width, None))
        whole.refresh()
        assert whole.texture.width <= title.width and whole.texture.height <= title.height
    finally:
        Window.remove_widget(title)


@pytest.mark.parametrize("words", ["Wegnehmen", "Mmmmmm", "Alles wegnehmen"])
def test_a_narrow_buttons_words_are_never_split_inside_a_word(kit, words):
    from kivy.core.text import Label as CoreLabel
    from kivy.core.window import Window
    from kivy.metrics import dp
    from kivy.uix.label import Label

    from expressive.ui.widgets import IconButton

    button = _shown(IconButton(icon="eraser", text=words, size_hint=(None, None), size=(dp(84), dp(83))))
    try:
        (label,) = [child for child in button.children if type(child) is Label]
        for word in words.split():
            alone = CoreLabel(text=word, font_size=label.font_size, bold=True)
            alone.refresh()
            assert alone.texture.width <= label.width, (word, label.font_size)
    finally:
        Window.remove_widget(button)
