"""The drawing screen: the paper a client draws on with a finger, and the tools around it.

The `DrawingLog` is the truth; the screen shows it. While a finger moves, its new point
is appended to the live Kivy Line and nothing else is redrawn; after undo, redo, clear
or a resize, everything is redrawn from the log.
"""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.graphics import Color, Ellipse, InstructionGroup, Line
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget
from kivy.utils import get_color_from_hex

from activities.drawing.screen_math import MAX_LINE_POINTS, split_for_lines
from activities.drawing.strokes import BRUSH_SIZES, DOC_WIDTH, PALETTE, TOOLS, DrawingLog, Stroke
from expressive.ui import widgets  # noqa: F401  (registers IconButton, Icon, Card and the fonts)

DEFAULT_COLOUR = PALETTE["black"]
DEFAULT_BRUSH_SIZE = "medium"


class _StrokeGraphic:
    """The Kivy instructions for one stroke: its colour, a dot where it began, its Lines."""

    def __init__(self, stroke: Stroke, flat_points: list[float], line_width: float):
        self.group = InstructionGroup()
        self.group.add(Color(*get_color_from_hex(stroke.colour)))
        # A Line needs two points to show anything; the dot makes a tap visible.
        x, y = flat_points[:2]
        self.group.add(Ellipse(pos=(x - line_width, y - line_width), size=(2 * line_width, 2 * line_width)))
        self._line_width = line_width
        self.lines: list[Line] = []
        for run in split_for_lines(flat_points):
            self._add_line(run)

    def append(self, x: float, y: float) -> None:
        line = self.lines[-1]
        if len(line.points) >= MAX_LINE_POINTS * 2:
            self._add_line(line.points[-2:] + [x, y])
        else:
            line.points += [x, y]

    def _add_line(self, flat_points: list[float]) -> None:
        line = Line(points=flat_points, width=self._line_width, cap="round", joint="round")
        self.lines.append(line)
        self.group.add(line)


class DrawingCanvas(StencilView):
    """The paper: draws the log's strokes and turns one finger's path into a new stroke.

    Sized by its parent to the document's 4:3 shape; the stencil keeps ink that runs off
    the edge from painting over the tools.
    """

    log = ObjectProperty(None)
    colour = StringProperty(DEFAULT_COLOUR)
    tool = OptionProperty("brush", options=TOOLS)
    stroke_width = NumericProperty(BRUSH_SIZES[DEFAULT_BRUSH_SIZE])

    __events__ = ("on_stroke_end",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._strokes = InstructionGroup()
        self.canvas.add(self._strokes)
        self.graphics: list[_StrokeGraphic] = []
        self._touch = None
        self._live: _StrokeGraphic | None = None
        self._redraw_soon = Clock.create_trigger(lambda _dt: self.redraw())
        self.bind(pos=self._redraw_soon, size=self._redraw_soon, log=self._redraw_soon)

    @property
    def scale(self) -> float:
        """Screen pixels per document pixel."""
        return self.width / DOC_WIDTH

    def to_document(self, x: float, y: float) -> tuple[float, float]:
        # Kivy counts y up from the bottom, images count down from the top.
        return (x - self.x) / self.scale, (self.top - y) / self.scale

    def to_screen(self, x: float, y: float) -> tuple[float, float]:
        return self.x + x * self.scale, self.top - y * self.scale

    def redraw(self) -> None:
        self._strokes.clear()
        self.graphics = []
        if self.log is None or self.scale <= 0:
            return
        for stroke in self.log.visible_strokes():
            flat = [coordinate for x, y, _p, _t in stroke.points for coordinate in self.to_screen(x, y)]
            graphic = self._show(stroke, flat)
            if stroke is self.log.current_stroke:
                # A resize mid-stroke: the finger's next points go on the redrawn line.
                self._live = graphic

    def _show(self, stroke: Stroke, flat_points: list[float]) -> _StrokeGraphic:
        # Kivy's Line width is half the thickness it draws.
        graphic = _StrokeGraphic(stroke, flat_points, stroke.width * self.scale / 2)
        self._strokes.add(graphic.group)
        self.graphics.append(graphic)
        return graphic

    # --- touches ---------------------------------------------------------------------

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos) or touch.is_mouse_scrolling:
            return super().on_touch_down(touch)
        if self._touch is not None:
            return True  # one finger draws at a time; a resting palm or a second finger is ignored
        self._touch = touch
        touch.grab(self)
        stroke = self.log.begin_stroke(self.tool, self.colour, self.stroke_width)
        self._add_point(touch)
        self._live = self._show(stroke, list(touch.pos))
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        if touch is self._touch:
            self._add_point(touch)
            self._live.append(*touch.pos)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        if touch is self._touch:
            self.end_stroke()
        return True

    def end_stroke(self) -> None:
        """Finish the stroke in progress, if any; a finger still down draws no more."""
        if self._touch is None:
            return
        self._touch.ungrab(self)
        self._touch = None
        self._live = None
        self.log.end_stroke()
        self.dispatch("on_stroke_end")

    def _add_point(self, touch) -> None:
        pressure = touch.pressure if "pressure" in touch.profile else 1.0
        self.log.add_point(*self.to_document(*touch.pos), pressure)

    def on_stroke_end(self):
        pass


class ColourSwatch(ButtonBehavior, widgets.Icon):
    """A round button of one paint colour; the chosen one wears a ring and a tick."""

    colour = StringProperty(DEFAULT_COLOUR)
    selected = BooleanProperty(False)


class BrushSizeButton(ButtonBehavior, Widget):
    """A button showing a brush size as a dot of that size in the current colour."""

    size_name = StringProperty(DEFAULT_BRUSH_SIZE)
    dot_diameter = NumericProperty(dp(16))
    dot_colour = ColorProperty(DEFAULT_COLOUR)
    selected = BooleanProperty(False)


class ClearConfirmation(ModalView):
    """Asks before the whole picture goes: "Keep it" or "Clear"."""

    __events__ = ("on_clear",)

    def on_clear(self):
        pass


class DrawingStudio(BoxLayout):
    """The whole drawing activity on screen: colours, paper, brush and history tools.

    The host may read `log`, `is_empty`, `can_undo` and `can_redo`, and bind to
    `on_change`, which fires after every finished stroke, undo, redo and clear.
    """

    log = ObjectProperty(None)
    colour = StringProperty(DEFAULT_COLOUR)
    brush_size = OptionProperty(DEFAULT_BRUSH_SIZE, options=tuple(BRUSH_SIZES))
    tool = OptionProperty("brush", options=TOOLS)
    can_undo = BooleanProperty(False)
    can_redo = BooleanProperty(False)
    is_empty = BooleanProperty(True)
    clear_confirmation = ObjectProperty(None, allownone=True)

    __events__ = ("on_change",)

    def __init__(self, **kwargs):
        kwargs.setdefault("log", DrawingLog())
        super().__init__(**kwargs)
        self.swatches = [ColourSwatch(colour=colour) for colour in PALETTE.values()]
        for swatch in self.swatches:
            swatch.bind(on_release=lambda swatch: self.choose_colour(swatch.colour))
            self.ids.swatches.add_widget(swatch)
        largest = max(BRUSH_SIZES.values())
        self.size_buttons = [
            BrushSizeButton(size_name=name, dot_diameter=max(dp(10), dp(44) * width / largest))
            for name, width in BRUSH_SIZES.items()
        ]
        for button in self.size_buttons:
            button.bind(on_release=lambda button: self.choose_brush_size(button.size_name))
            self.ids.sizes.add_widget(button)
        self.ids.paper.bind(on_stroke_end=lambda _paper: self._changed())
        self.bind(colour=self._show_choices, brush_size=self._show_choices, tool=self._show_choices)
        self.bind(log=lambda *_args: self._changed())
        self._show_choices()
        self._sync_history()

    @property
    def paper(self) -> DrawingCanvas:
        return self.ids.paper

    def choose_colour(self, colour: str) -> None:
        self.colour = colour
        self.tool = "brush"  # picking a colour means "paint with it", even after erasing

    def choose_brush_size(self, name: str) -> None:
        self.brush_size = name

    def toggle_eraser(self) -> None:
        self.tool = "brush" if self.tool == "eraser" else "eraser"

    def undo(self) -> None:
        self.paper.end_stroke()
        if self.log.undo():
            self._redraw_and_report()

    def redo(self) -> None:
        self.paper.end_stroke()
        if self.log.redo():
            self._redraw_and_report()

    def clear(self) -> None:
        self.paper.end_stroke()
        if self.log.clear():
            self._redraw_and_report()

    def ask_to_clear(self) -> None:
        if self.is_empty or self.clear_confirmation is not None:
            return
        popup = ClearConfirmation()
        popup.bind(on_clear=lambda _popup: self.clear(), on_dismiss=self._forget_confirmation)
        self.clear_confirmation = popup
        popup.open()

    def _forget_confirmation(self, _popup) -> None:
        self.clear_confirmation = None

    def _show_choices(self, *_args) -> None:
        for swatch in self.swatches:
            swatch.selected = swatch.colour == self.colour
        dot_colour = self.colour if self.tool == "brush" else "#BBBBBB"
        for button in self.size_buttons:
            button.selected = button.size_name == self.brush_size
            button.dot_colour = dot_colour

    def _redraw_and_report(self) -> None:
        self.paper.redraw()
        self._changed()

    def _changed(self) -> None:
        self._sync_history()
        self.dispatch("on_change")

    def _sync_history(self) -> None:
        self.can_undo = self.log.can_undo
        self.can_redo = self.log.can_redo
        self.is_empty = self.log.is_empty

    def on_change(self):
        pass


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
