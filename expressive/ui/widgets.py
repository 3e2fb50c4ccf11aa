"""Widgets every screen and activity uses: big icon buttons, cards, a message bar."""

from __future__ import annotations


from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, OptionProperty, StringProperty
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.stacklayout import StackLayout

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


class WrappingRow(StackLayout):
    """Buttons side by side where they fit, in as many rows as they need where they do not
    (a narrow tablet, a longer language), so none is hidden past an edge; it is as tall as
    its rows. `one_row_width` is how wide they are in a single row, to decide whether the
    row fits beside something else."""

    one_row_width = NumericProperty(0)

    def add_widget(self, widget, *args, **kwargs):
        super().add_widget(widget, *args, **kwargs)
        widget.bind(width=self._measure)
        self._measure()

    def remove_widget(self, widget, *args, **kwargs):
        super().remove_widget(widget, *args, **kwargs)
        widget.unbind(width=self._measure)
        self._measure()

    def on_spacing(self, *_args):
        self._measure()

    def _measure(self, *_args):
        widths = [child.width for child in self.children]
        self.one_row_width = sum(widths) + self.spacing[0] * max(len(widths) - 1, 0)


class Card(BoxLayout):
    background = ColorProperty(theme.SURFACE)


register_fonts()
load_rules(__name__)
