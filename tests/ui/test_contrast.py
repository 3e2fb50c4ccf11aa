"""Every colour pair of the theme and of the kit's buttons is readable: text 4.5:1 against
what is behind it, a filled control 3:1 against the background (WCAG 2.1)."""

import pytest

from expressive.lib.contrast import CONTROL_CONTRAST, TEXT_CONTRAST, contrast_ratio, over

TEXT_COLOURS = ("INK", "MUTED_INK", "PRIMARY", "DONE", "WARNING")
FILLED_CONTROLS = ("PRIMARY", "DONE", "WARNING")


@pytest.fixture
def theme(window):
    from expressive.ui import theme

    return theme


@pytest.mark.parametrize("behind", ["BACKGROUND", "SURFACE"])
@pytest.mark.parametrize("text", TEXT_COLOURS)
def test_words_in_every_theme_colour_are_readable_on_the_screen_and_on_cards(theme, text, behind):
    assert contrast_ratio(getattr(theme, text), getattr(theme, behind)) >= TEXT_CONTRAST


@pytest.mark.parametrize("control", FILLED_CONTROLS)
def test_filled_controls_stand_out_from_the_background(theme, control):
    assert contrast_ratio(getattr(theme, control), theme.BACKGROUND) >= CONTROL_CONTRAST


def _fill(button):
    from kivy.graphics import Color

    from expressive.tools.driver import advance_frames

    # Kivy updates a canvas's colours from kv rules on the next frame.
    advance_frames(1)

    fill, _edge = [instruction.rgba for instruction in button.canvas.before.children if isinstance(instruction, Color)]
    return fill


def _edge(button):
    from kivy.graphics import Color

    from expressive.tools.driver import advance_frames

    advance_frames(1)
    _fill_colour, edge = [instruction.rgba for instruction in button.canvas.before.children if isinstance(instruction, Color)]
    return edge


def _words_colour(button):
    from kivy.uix.label import Label

    words = next(child for child in button.children if isinstance(child, Label) and child.text == button.text)
    return words.disabled_color if words.disabled else words.color


def _kit_buttons(theme):
    from expressive.ui.widgets import ChoiceButton, IconButton

    yield "plain", IconButton(icon="check", text="OK")
    for name in FILLED_CONTROLS:
        yield name, IconButton(icon="check", text="OK", background=getattr(theme, name), foreground=theme.ON_COLOUR)
    yield "chosen", ChoiceButton(icon="check", text="OK", selected=True)
    yield "not chosen", ChoiceButton(icon="check", text="OK", selected=False)


@pytest.mark.parametrize("state", ["normal", "down", "disabled"])
def test_the_words_on_every_kit_button_are_readable_in_every_state(theme, state):
    for name, button in _kit_buttons(theme):
        if state == "disabled":
            button.disabled = True
        else:
            button.state = state
        fill = over(_fill(button), theme.BACKGROUND)
        assert contrast_ratio(_words_colour(button), fill) >= TEXT_CONTRAST, (name, state)


def test_a_pressed_coloured_button_still_stands_out(theme):
    for name, button in _kit_buttons(theme):
        if name in FILLED_CONTROLS or name == "chosen":
            button.state = "down"
            assert contrast_ratio(over(_fill(button), theme.BACKGROUND), theme.BACKGROUND) >= CONTROL_CONTRAST, name


def test_the_pin_keys_are_readable_while_the_keypad_waits(theme):
    from expressive.ui.screens.access import SecretEntry

    entry = SecretEntry(disabled=True)
    key = entry.ids.backspace
    assert contrast_ratio(key.disabled_color, over(_fill(key), theme.BACKGROUND)) >= TEXT_CONTRAST


def test_every_popup_is_a_light_sheet_with_dark_words(theme):
    from kivy.uix.label import Label
    from kivy.uix.modalview import ModalView

    view = ModalView()
    assert view.background == "", "Kivy's dark default picture is not drawn"
    assert contrast_ratio(Label().color, over(view.background_color, theme.BACKGROUND)) >= TEXT_CONTRAST


def test_a_white_kit_button_on_the_page_has_an_edge_that_can_be_seen(theme):
    from expressive.ui.widgets import CardButton, IconButton

    for button in (IconButton(icon="arrow-left", text="Back"), CardButton()):
        edge = over(_edge(button), theme.BACKGROUND)
        assert contrast_ratio(edge, theme.BACKGROUND) >= CONTROL_CONTRAST, type(button).__name__


def test_a_toggle_that_stays_chosen_looks_chosen_not_held_down(theme):
    from kivy.uix.behaviors import ToggleButtonBehavior

    from expressive.ui.widgets import IconButton

    class Toggle(ToggleButtonBehavior, IconButton):
        pass

    plain, toggle = IconButton(icon="check", text="Met"), Toggle(icon="check", text="Met")
    plain.state = toggle.state = "down"
    assert _fill(toggle) != _fill(plain), "a chosen toggle is not the grey of a held button"
    assert contrast_ratio(_words_colour(toggle), over(_fill(toggle), theme.BACKGROUND)) >= TEXT_CONTRAST
    assert contrast_ratio(over(_edge(toggle), theme.BACKGROUND), theme.BACKGROUND) >= CONTROL_CONTRAST
