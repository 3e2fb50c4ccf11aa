"""Feeling faces: drawn shapes and colours a five-year-old can read without words."""

from __future__ import annotations


from kivy.graphics import Color, Ellipse, Line
from kivy.properties import BooleanProperty, NumericProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget
from kivy.utils import get_color_from_hex

from expressive.feelings import FEELINGS, feeling
from expressive.ui.rules import load_rules

# Eyes, mouth and outline: the outline sets a pale face (yellow, green) apart from the page
# as a control must be (3:1), whatever its colour.
FACE_INK = (0.15, 0.15, 0.2, 1)

class Face(Widget):
    """A round face whose colour and mouth show feeling `value` (1-5); grey when 0."""

    value = NumericProperty(0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bind(pos=self._draw, size=self._draw, value=self._draw)
        self._draw()

    def _draw(self, *_args):
        self.canvas.clear()
        chosen = feeling(int(self.value))
        diameter = min(self.width, self.height)
        left = self.center_x - diameter / 2
        bottom = self.center_y - diameter / 2
        with self.canvas:
            Color(*(get_color_from_hex(chosen.colour) if chosen else (0.85, 0.85, 0.85, 1)))
            Ellipse(pos=(left, bottom), size=(diameter, diameter))
            Color(*FACE_INK)
            Line(circle=(self.center_x, self.center_y, diameter / 2), width=max(1.5, diameter * 0.02))
            if chosen is None:
                return
            eye = diameter * 0.1
            for offset in (-0.17, 0.17):
                Ellipse(
                    pos=(self.center_x + offset * diameter - eye / 2, self.center_y + diameter * 0.1),
                    size=(eye, eye * 1.25),
                )
            # A smile is a U: the curve's middle sits below its ends; a frown turns it over.
            half_width = diameter * 0.22
            mouth_y = self.center_y - diameter * 0.18
            bend = chosen.smile * diameter * 0.14
            Line(
                bezier=(
                    self.center_x - half_width, mouth_y + bend / 2,
                    self.center_x, mouth_y - bend,
                    self.center_x + half_width, mouth_y + bend / 2,
                ),
                width=max(1.5, diameter * 0.035),
                cap="round",
            )


class FaceButton(ButtonBehavior, BoxLayout):
    value = NumericProperty(0)
    selected = BooleanProperty(False)
    # The height its feeling's name needs, and the height the scale gives every name, so
    # that the faces stay in line when one name takes two lines.
    words_height = NumericProperty(0)
    words_room = NumericProperty(0)


class FeelingScale(BoxLayout):
    """Five face buttons; `value` is the chosen feeling (0 until one is tapped)."""

    value = NumericProperty(0)
    # The height under every face for the longest feeling's name.
    words_room = NumericProperty(0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for choice in FEELINGS:
            button = FaceButton(value=choice.value)
            button.bind(on_release=lambda pressed: setattr(self, "value", pressed.value), words_height=self._line_up)
            self.add_widget(button)
        self.bind(value=self._mark)

    def _line_up(self, *_args):
        self.words_room = max(button.words_height for button in self.children)
        for button in self.children:
            button.words_room = self.words_room

    def _mark(self, *_args):
        for button in self.children:
            button.selected = button.value == self.value


load_rules(__name__)
