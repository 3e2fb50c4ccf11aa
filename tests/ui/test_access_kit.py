"""The kit's buttons and the client cards in a longer language: words wrap between words,
never inside one, and every client has initials to show."""

import pytest

from expressive.i18n import pseudo


def rendered_lines(label) -> list[str]:
    label.texture_update()
    return ["".join(word.text for word in line.words).strip() for line in label._label._cached_lines]


@pytest.mark.parametrize("words", ["Language", "Add client", "Keep making", "Delete for good", "Therapist's PIN"])
def test_a_button_label_breaks_only_between_words_in_the_pseudo_locale(window, words):
    from kivy.uix.label import Label

    from expressive.tools.driver import advance_frames
    from expressive.ui.widgets import IconButton

    text = pseudo(words)
    button = IconButton(icon="translate", text=text)
    window.add_widget(button)
    try:
        advance_frames(2)
        (label,) = [child for child in button.children if isinstance(child, Label) and child.text == text]
        lines = rendered_lines(label)
        assert len(lines) <= 2, lines
        assert " ".join(lines).split() == text.split(), lines
    finally:
        window.remove_widget(button)


def test_initials_come_from_the_first_letter_of_each_word_even_after_punctuation(window):
    from expressive.ui.screens.clients import initials_of

    assert initials_of("Sam Kay") == "SK"
    assert initials_of("(Sam) Kay") == "SK"
    assert initials_of(pseudo("Robin (demo)")).isalpha()
    assert initials_of("...") == "?"


def test_a_message_grows_with_its_words_instead_of_cutting_them_off(window):
    from kivy.uix.label import Label

    from expressive.tools.driver import advance_frames
    from expressive.ui.dialogs import show_message

    long_words = pseudo("From now on, Expressive opens with the new PIN or passphrase. The recovery key stays the same. ") * 3
    view = show_message(pseudo("PIN changed"), long_words)
    try:
        advance_frames(4)
        for label in [widget for widget in view.walk() if isinstance(widget, Label) and widget.text]:
            assert label.texture_size[1] <= label.height + 1, label.text
            assert view.y <= label.y and label.top <= view.top + 1, label.text
    finally:
        view.dismiss(animation=False)
        advance_frames(1)


def test_a_long_title_in_a_narrow_row_gets_smaller_letters_before_it_is_cut(window):
    from kivy.factory import Factory

    from expressive.tools.driver import advance_frames

    title = Factory.ScreenTitle(text="Klient:innen", size_hint=(None, None), size=(170, 60))
    window.add_widget(title)
    try:
        advance_frames(2)
        title.texture_update()
        assert not title.is_shortened
    finally:
        window.remove_widget(title)


@pytest.mark.parametrize("words", ["Moving pattern", "Learn the empty room", "OK"])
def test_a_button_gives_its_words_the_room_they_need_and_its_icon_the_rest(window, words):
    from kivy.uix.label import Label

    from expressive.tools.driver import advance_frames
    from expressive.ui.widgets import Icon, IconButton

    button = IconButton(icon="motion", text=pseudo(words), size_hint=(None, None), size=(170, 83))
    window.add_widget(button)
    try:
        advance_frames(3)
        (label,) = [child for child in button.children if type(child) is Label]
        (icon,) = [child for child in button.children if isinstance(child, Icon)]
        assert label.texture_size[1] <= label.height + 1
        assert button.y <= icon.y and label.top <= icon.y + 1 and icon.top <= button.top
        assert icon.height >= 16, "the icon still shows"
    finally:
        window.remove_widget(button)


def test_a_disabled_button_of_words_alone_takes_no_tap_outside_itself(window):
    from kivy.uix.boxlayout import BoxLayout

    from expressive.tools.driver import advance_frames
    from expressive.ui.widgets import IconButton

    column = BoxLayout(orientation="vertical", size_hint=(None, None), size=(200, 240), pos=(0, 0))
    above = IconButton(icon="play", text="Play", size_hint=(1, None), height=120)
    words_alone = IconButton(text="12", disabled=True, size_hint=(1, None), height=120)
    column.add_widget(above)
    column.add_widget(words_alone)
    window.add_widget(column)
    try:
        advance_frames(2)
        hidden_icon = next(child for child in words_alone.children if child.__class__.__name__ == "Icon")
        assert hidden_icon.height == 0
        assert hidden_icon.top <= words_alone.top
    finally:
        window.remove_widget(column)
