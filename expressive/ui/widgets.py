"""Widgets every screen and activity uses: big icon buttons, cards, a message bar."""

from __future__ import annotations

from pathlib import Path

from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from expressive.ui import theme
from expressive.ui.icons import ICON_FONT, TEXT_FONT, TEXT_FONT_BOLD, icon_char

ICON_FONT_NAME = "Icons"


def register_fonts() -> None:
    """Make the legible text font the default for every label, and load the icon font."""
    LabelBase.register(DEFAULT_FONT, TEXT_FONT, fn_bold=TEXT_FONT_BOLD)
    LabelBase.register(ICON_FONT_NAME, ICON_FONT)


class Icon(Label):
    """A single icon glyph; set `icon` to a Material Design Icons name."""

    icon = StringProperty("help-circle-outline")

    def on_icon(self, _instance, name):
        self.text = icon_char(name)


class IconButton(ButtonBehavior, BoxLayout):
    """A big rounded button: an icon with a short label under (or beside) it."""

    icon = StringProperty("")
    text = StringProperty("")
    background = ColorProperty(theme.SURFACE)
    foreground = ColorProperty(theme.INK)


class ChoiceButton(IconButton):
    """A big button that shows whether it is the one chosen; `value` says what it chooses."""

    selected = BooleanProperty(False)
    value = StringProperty("")


class CardButton(ButtonBehavior, BoxLayout):
    """A tappable rounded card that holds other widgets."""

    background = ColorProperty(theme.SURFACE)


class Card(BoxLayout):
    background = ColorProperty(theme.SURFACE)


register_fonts()
Builder.load_file(str(Path(__file__).with_suffix(".kv")))
