"""Widgets every screen and activity uses: big icon buttons, cards, a message bar."""

from __future__ import annotations


from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.properties import BooleanProperty, ColorProperty, OptionProperty, StringProperty
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

from expressive.ui import theme
from expressive.lib.fonts import ICON_FONT, TEXT_FONT, TEXT_FONT_BOLD, icon_char
from expressive.ui.rules import load_rules

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
    # What a screen reader or a label-driven test calls it when it shows no words
    # (a colour swatch: "red"); the visible text is its name otherwise.
    accessible_name = StringProperty("")
    background = ColorProperty(theme.SURFACE)
    foreground = ColorProperty(theme.INK)
    # Set by the kit's rule: a toggle (with ToggleButtonBehavior) down is the one chosen.
    chosen = BooleanProperty(False)


class ChoiceButton(IconButton):
    """A big button that shows whether it is the one chosen; `value` says what it chooses."""

    selected = BooleanProperty(False)
    value = StringProperty("")


class CardButton(ButtonBehavior, BoxLayout):
    """A tappable rounded card that holds other widgets."""

    accessible_name = StringProperty("")
    background = ColorProperty(theme.SURFACE)
    # Set by the kit's rule: a toggle (with ToggleButtonBehavior) down is the one chosen.
    chosen = BooleanProperty(False)


class CentredScroll(ScrollView):
    """Holds one widget of its own size (a row of buttons, a grid of cards): centred where
    it fits, and scrolled, either way, where it does not, so that on a small or upright
    tablet every button of it can still be reached instead of lying off the screen.
    `anchor_x` "left" keeps content that fits at the start of its row instead."""

    anchor_x = OptionProperty("center", options=("left", "center", "right"))

    def add_widget(self, widget, *args, **kwargs):
        # The frame is never smaller than the view, so content that fits sits where anchored.
        frame = AnchorLayout(size_hint=(None, None), anchor_x=self.anchor_x)
        self.bind(anchor_x=frame.setter("anchor_x"))
        frame.add_widget(widget)
        super().add_widget(frame, *args, **kwargs)

        def fit(*_args):
            frame.size = (max(widget.width, self.width), max(widget.height, self.height))
            self.do_scroll_x = widget.width > self.width
            self.do_scroll_y = widget.height > self.height

        widget.bind(size=fit)
        self.bind(size=fit)
        fit()


class Card(BoxLayout):
    background = ColorProperty(theme.SURFACE)


register_fonts()
load_rules(__name__)
