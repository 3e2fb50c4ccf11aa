"""The sandtray screen: the tray of sand, the shelves of figures, and the tools around them.

The `TrayLog` is the truth; the screen shows it. The sand is one small texture (the depth
grid's picture, `sand_picture`), stretched smoothly by the GPU and uploaded again only
when the sand changes. Each figure on the tray is a handful of Kivy instructions of its own
(a translation, a turn, a scale and a textured rectangle): a finger moving one figure
changes only that figure's translation, so a tray of 200 figures costs a move no more
than a tray of one. Undo, redo and a restored tray bring every figure to the log's state.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict

import numpy as np

from kivy.graphics import Color, Ellipse, InstructionGroup, Line, PopMatrix, PushMatrix, Rectangle, Rotate, Scale, Translate
from kivy.graphics.texture import Texture
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget

from expressive.activities.play.activity import is_shipped
from expressive.activities.play.prompts import PlayPrompt, load_prompts
from expressive.activities.play.render import MOUND_HEIGHT, SAND_RGB, sand_picture
from expressive.activities.play.tray import FIGURE_SIZE, MAX_SCALE, MIN_SCALE, SAND_COLOURS, SHAPES, TRAY_HEIGHT, TRAY_WIDTH, TrayLog
from expressive.api import LibraryError
from expressive.api.i18n import N_, _
from expressive.api.widgets import ChoiceButton, image_texture, load_rules, show_message, texture_from_file, theme
from expressive.lib.figures import CATEGORIES, Figure, FigureUnreadable, category_title, cut_out

# What a finger on bare sand does: nothing (figures are moved by touching them), push the
# sand aside to show the water under it, or smooth it back.
TOOLS = ("move", "push", "smooth")
TOOL_BUTTONS: dict[str, tuple[str, str]] = {
    "move": ("hand-back-right", N_("Move")),
    "push": ("waves", N_("Push sand")),
    "smooth": ("broom", N_("Smooth sand")),
}
# How much of the studio each complexity level shows: the simplest no burying and only
# pushing sand, the full one the tray's shape and the sand's colour too.
LEVEL_TOOLS: dict[str, tuple[str, ...]] = {
    "simple": ("move", "push"),
    "standard": TOOLS,
    "full": TOOLS,
}
CATEGORY_ICONS: dict[str, str] = {
    "people": "account-group",
    "animals": "paw",
    "fantasy": "ghost",
    "buildings": "castle",
    "nature": "pine-tree",
    "vehicles": "car-side",
    "things": "teddy-bear",
    "symbols": "heart",
    "own": "image-edit",
}
SHAPE_ICONS = {"rectangle": "rectangle-outline", "oval": "ellipse-outline", "square": "square-outline"}
# Bigger figures for the youngest, at the simplest level.
SIMPLE_FIGURE_SCALE = 1.5
# How far a finger pushes or smooths the sand around it, in tray pixels.
SAND_RADIUS = {"push": 90.0, "smooth": 120.0}
# A buried figure is tapped deeper each time, and out again after the deepest.
BURY_STEPS = (0.0, 0.5, 1.0)
# A figure smaller than a finger is still caught by a finger beside it (screen pixels).
FINGER_SLACK = dp(18)
# A second finger this near a figure that one finger holds (in the figure's own sizes)
# joins it to turn and resize it, even off the figure's edge.
PINCH_REACH = 1.6
# Further than this from where it went down, a finger on the shelf is dragging, not tapping.
TAP_SLOP = dp(20)
# Where figures tapped on the shelf go: round the middle, so they do not hide each other.
TAP_PLACES = [(0, 0), (-1, -1), (1, -1), (1, 1), (-1, 1), (0, -1.4), (1.4, 0), (0, 1.4), (-1.4, 0)]
TAP_SPREAD = FIGURE_SIZE * 0.9
SHELF_CELL = dp(84)
TAB_SIZE = theme.TARGET * 1.2
SIMPLE_SHELF_CELL = dp(104)
SELECTION_COLOUR = (0.15, 0.45, 0.95, 1)
# How much darker than the sand a mound's shadow is, as the saved picture draws it.
MOUND_SHADOW = 0.72
# Figures' textures kept for the shelves after they are out of sight: a few pages' worth.
TEXTURES_KEPT = 120
# The client's pictures offered to be cut out, newest first.
MOST_PICTURES_OFFERED = 40


def shown_title(prompt: PlayPrompt) -> str:
    """A prompt's title as the reader sees it: a shipped one's translated, a therapist's as written."""
    return _(prompt.title) if prompt.shipped else prompt.title


def shown_words(prompt: PlayPrompt) -> str:
    return _(prompt.words) if prompt.shipped else prompt.words


def fit_picture(rectangle: Rectangle, texture: Texture | None, box: tuple[float, float, float, float]) -> None:
    """Show `texture` whole and centred in `box` (left, bottom, width, height), its shape kept."""
    rectangle.texture = texture
    if texture is None:
        rectangle.size = (0, 0)
        return
    left, bottom, width, height = box
    k = min(width / max(texture.width, 1), height / max(texture.height, 1))
    rectangle.size = (texture.width * k, texture.height * k)
    rectangle.pos = (left + (width - texture.width * k) / 2, bottom + (height - texture.height * k) / 2)


def figure_extent(texture_size: tuple[int, int]) -> tuple[float, float]:
    """A figure's width and height in tray pixels at scale 1: its longest side FIGURE_SIZE."""
    width, height = texture_size
    longest = max(width, height, 1)
    return FIGURE_SIZE * width / longest, FIGURE_SIZE * height / longest


class FigureGraphic:
    """One figure on the tray as Kivy instructions: moved, turned and scaled by its own
    matrix; flipped and buried by which part of its texture the rectangle shows."""

    def __init__(self, texture: Texture):
        self.extent = figure_extent(texture.size)
        self.group = InstructionGroup()
        self.translate = Translate(0, 0)
        self.rotate = Rotate(angle=0, axis=(0, 0, 1))
        self.scale = Scale(x=1, y=1, z=1)
        self.rectangle = Rectangle(texture=texture)
        self.shadow_colour, self.shadow = Color(0, 0, 0, 0), Ellipse(size=(0, 0))
        self.mound_colour, self.mound = Color(0, 0, 0, 0), Ellipse(size=(0, 0))
        for instruction in (PushMatrix(), self.translate, self.rotate, self.scale, Color(1, 1, 1, 1), self.rectangle,
                            self.shadow_colour, self.shadow, self.mound_colour, self.mound, PopMatrix()):
            self.group.add(instruction)
        self.look: tuple | None = None  # what show_look last showed

    def place(self, screen_x: float, screen_y: float) -> None:
        self.translate.xy = (screen_x, screen_y)

    def turn_and_scale(self, angle: float, screen_scale: float) -> None:
        self.rotate.angle = angle
        self.scale.x = self.scale.y = screen_scale

    def show_look(self, flipped: bool, buried: float, sand_rgba) -> None:
        """The part of the figure above the sand, mirrored if flipped, and the mound of sand
        where it goes under."""
        if self.look == (flipped, buried, sand_rgba):
            return
        self.look = (flipped, buried, sand_rgba)
        width, height = self.extent
        above = 1.0 - buried
        # Texture rows go up from the bottom; the texture is flipped to show the image's
        # top row (v = 0) at the top, so the part above the sand is v from 0 to `above`.
        left, right = (1.0, 0.0) if flipped else (0.0, 1.0)
        self.rectangle.pos = (-width / 2, height / 2 - height * above)
        self.rectangle.size = (width, height * above)
        self.rectangle.tex_coords = (left, above, right, above, right, 0.0, left, 0.0)
        # As the saved picture draws it: a mound of sand over its shadow where the figure
        # goes in; a wholly buried figure leaves a lower, narrower bump.
        if buried == 0:
            # Nothing to draw, not even see-through: each pixel costs a software renderer.
            self.shadow.size = self.mound.size = (0, 0)
            return
        red, green, blue, alpha = sand_rgba
        self.shadow_colour.rgba = (red * MOUND_SHADOW, green * MOUND_SHADOW, blue * MOUND_SHADOW, alpha)
        self.mound_colour.rgba = sand_rgba
        half_width = width * (0.55 if above > 0 else 0.4)
        mound = MOUND_HEIGHT * width
        level = height / 2 - height * above
        self.shadow.pos, self.shadow.size = (-half_width, level - mound), (2 * half_width, 1.6 * mound)
        self.mound.pos, self.mound.size = (-0.96 * half_width, level - 0.7 * mound), (1.92 * half_width, 1.7 * mound)


class Hold:
    """A finger on a figure: which figure, and where the figure's centre is from the finger
    (tray pixels), so the figure does not jump to the finger."""

    def __init__(self, figure_id: int, offset: tuple[float, float]):
        self.figure_id = figure_id
        self.offset = offset


class Pinch:
    """Two fingers on one figure, and the figure and the fingers as they were when the
    second came down."""

    def __init__(self, touches, start_span: tuple[float, float], start_middle: tuple[float, float], placed):
        self.touches = touches
        self.start_span = start_span  # distance (screen pixels), angle (degrees)
        self.start_middle = start_middle  # tray pixels
        self.start = (placed.x, placed.y, placed.angle, placed.scale)


def span(first: tuple[float, float], second: tuple[float, float]) -> tuple[float, float]:
    """The distance between two screen points and the angle of the line from the first to
    the second, in degrees counter-clockwise."""
    dx, dy = second[0] - first[0], second[1] - first[1]
    return math.hypot(dx, dy), math.degrees(math.atan2(dy, dx))


class SandTray(StencilView):
    """The tray: sand over water, and the figures on it, moved by fingers.

    Sized by its parent to the tray's 4:3 shape. Tells the studio of every change to the
    log (`on_change`) and of the figure a finger touched (`on_select`)."""

    tool = OptionProperty("move", options=TOOLS)
    selected = NumericProperty(-1)

    __events__ = ("on_change", "on_select")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.studio = None
        self.state = None
        self.graphics: dict[int, FigureGraphic] = {}
        self._sand_texture = Texture.create(size=(1, 1), colorfmt="rgba")
        self._sand_shown = None  # the look and depths the sand's texture shows
        with self.canvas:
            Color(1, 1, 1, 1)
            self._sand = Rectangle(pos=self.pos, size=self.size)
        self._figures = InstructionGroup()
        self.canvas.add(self._figures)
        self._selection = InstructionGroup()
        self._selection_matrix = (Translate(0, 0), Rotate(angle=0, axis=(0, 0, 1)), Scale(x=1, y=1, z=1))
        self._selection_line = Line(width=dp(1.5))
        for instruction in (PushMatrix(), *self._selection_matrix, Color(*SELECTION_COLOUR), self._selection_line, PopMatrix()):
            self._selection.add(instruction)
        self.canvas.add(self._selection)
        self._order: list[int] = []
        self.holds: dict[int, Hold] = {}  # by touch uid
        self.pinches: dict[int, Pinch] = {}  # by figure id
        self.sand_touches: dict[int, tuple[float, float]] = {}  # by touch uid: the last tray point
        self._touch_by_uid: dict[int, object] = {}
        # The action (one step to undo) of each figure's gesture, begun when it first moves:
        # a touch that only chooses a figure changes nothing. Two children each drag their own.
        self._moving: dict[int, int] = {}
        self.bind(pos=self._layout, size=self._layout)

    # --- where things are -------------------------------------------------------------

    @property
    def pixels_per_tray_pixel(self) -> float:
        return self.width / TRAY_WIDTH

    def to_tray(self, x: float, y: float) -> tuple[float, float]:
        # Kivy counts y up from the bottom, the tray counts down from the top.
        k = self.pixels_per_tray_pixel
        return (x - self.x) / k, (self.top - y) / k

    def to_screen(self, x: float, y: float) -> tuple[float, float]:
        k = self.pixels_per_tray_pixel
        return self.x + x * k, self.top - y * k

    def figure_at(self, x: float, y: float, reach: float = 1.0) -> int | None:
        """The figure in front under the screen point (x, y), if any (a little slack for a
        small figure; `reach` widens every figure, for a second finger)."""
        if self.state is None or self.width <= 0:
            return None
        tray_x, tray_y = self.to_tray(x, y)
        slack = FINGER_SLACK / self.pixels_per_tray_pixel
        for figure_id in reversed(self._order):
            placed = self.state.figures[figure_id]
            graphic = self.graphics[figure_id]
            # Into the figure's own frame: y up, its turn undone.
            dx, dy = tray_x - placed.x, placed.y - tray_y
            turn = math.radians(-placed.angle)
            local_x = dx * math.cos(turn) - dy * math.sin(turn)
            local_y = dx * math.sin(turn) + dy * math.cos(turn)
            width, height = graphic.extent
            half_width = width * placed.scale * reach / 2 + slack
            half_height = height * placed.scale * reach / 2 + slack
            if abs(local_x) <= half_width and abs(local_y) <= half_height:
                return figure_id
        return None

    # --- showing the log --------------------------------------------------------------

    def show_state(self, state) -> None:
        """Show every figure and the sand as `state` has them (after a tap's change, undo,
        redo, a restore). A finger on a figure that has gone lets go of it; the others go on."""
        self.state = state
        for figure_id in [figure_id for figure_id in self.graphics if self._hidden(figure_id)]:
            del self.graphics[figure_id]
        for uid in [uid for uid, hold in self.holds.items() if self._hidden(hold.figure_id)]:
            figure_id = self.holds.pop(uid).figure_id
            self._touch_by_uid.pop(uid).ungrab(self)
            self.pinches.pop(figure_id, None)
            self._moving.pop(figure_id, None)
        for figure_id, placed in state.figures.items():
            if not placed.removed and figure_id not in self.graphics:
                self.graphics[figure_id] = FigureGraphic(self.studio.texture_for(placed.figure))
        order = sorted(self.graphics, key=lambda figure_id: (state.figures[figure_id].layer, figure_id))
        if order != self._order:
            self._order = order
            self._figures.clear()
            for figure_id in order:
                self._figures.add(self.graphics[figure_id].group)
        self.show_sand()
        self._layout()

    def _hidden(self, figure_id: int) -> bool:
        placed = self.state.figures.get(figure_id)
        return placed is None or placed.removed

    def show_sand(self) -> None:
        """Upload the sand's picture (the depth grid, one pixel a cell) for the GPU to
        stretch, when the sand, the tray's shape or the sand's colour has changed."""
        look = (self.state.shape, self.state.sand_colour)
        if self._sand_shown is not None and self._sand_shown[0] == look and np.array_equal(self._sand_shown[1], self.state.sand):
            return
        self._sand_shown = (look, self.state.sand.copy())
        picture = sand_picture(self.state)
        if self._sand_texture.size != picture.size:
            self._sand_texture = Texture.create(size=picture.size, colorfmt="rgba")
            self._sand_texture.mag_filter = "linear"
            self._sand_texture.min_filter = "linear"
            self._sand_texture.flip_vertical()
            self._sand.texture = self._sand_texture
        self._sand_texture.blit_buffer(picture.tobytes(), colorfmt="rgba", bufferfmt="ubyte")
        self.canvas.ask_update()

    @property
    def sand_rgba(self) -> tuple[float, float, float, float]:
        red, green, blue = SAND_RGB[self.state.sand_colour]
        return red / 255, green / 255, blue / 255, 1.0

    def _layout(self, *_args) -> None:
        self._sand.pos = self.pos
        self._sand.size = self.size
        if self.state is None:
            return
        for figure_id in self.graphics:
            self.show_figure(figure_id)

    def show_figure(self, figure_id: int) -> None:
        """Bring one figure's instructions to its state: the only work a move costs."""
        placed = self.state.figures[figure_id]
        graphic = self.graphics[figure_id]
        graphic.place(*self.to_screen(placed.x, placed.y))
        graphic.turn_and_scale(placed.angle, placed.scale * self.pixels_per_tray_pixel)
        graphic.show_look(placed.flipped, placed.buried, self.sand_rgba)
        if figure_id == self.selected:
            self._show_selection()

    def on_selected(self, *_args) -> None:
        self._show_selection()

    def _show_selection(self) -> None:
        graphic = self.graphics.get(self.selected)
        if graphic is None:
            self._selection_line.points = []
            return
        translate, rotate, scale = self._selection_matrix
        translate.xy = graphic.translate.xy
        rotate.angle = graphic.rotate.angle
        scale.x = scale.y = graphic.scale.x
        width, height = graphic.extent
        # Drawn in the figure's own sizes: the margin and the line's width undo its scale.
        screen_scale = max(graphic.scale.x, 1e-6)
        margin = dp(4) / screen_scale
        self._selection_line.rectangle = (-width / 2 - margin, -height / 2 - margin, width + 2 * margin, height + 2 * margin)
        self._selection_line.width = dp(1.5) / screen_scale

    # --- touches ----------------------------------------------------------------------

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos) or touch.is_mouse_scrolling or self.width <= 0 or self.state is None:
            return super().on_touch_down(touch)
        figure_id = self.figure_at(*touch.pos)
        if figure_id is None:
            figure_id = self._held_alone_near(touch.pos)
        if figure_id is not None:
            self._hold(touch, figure_id)
        elif self.tool != "move":
            touch.grab(self)
            point = self.to_tray(*touch.pos)
            self.sand_touches[touch.uid] = point
            self._touch_by_uid[touch.uid] = touch
            touch.ud["sand_tool"] = self.tool  # another finger may choose another tool meanwhile
            touch.ud["sand_action"] = self.studio.log.begin_action(self.studio.now())
            self._work_sand(touch, [point])
        return True

    def _holds_on(self, figure_id: int) -> list[int]:
        return [uid for uid, hold in self.holds.items() if hold.figure_id == figure_id]

    def _held_alone_near(self, pos) -> int | None:
        """A figure held by one finger that a second finger at `pos`, off every figure, is
        near enough to join in turning and resizing it."""
        tray_x, tray_y = self.to_tray(*pos)
        for figure_id in {hold.figure_id for hold in self.holds.values()}:
            placed = self.state.figures[figure_id]
            reach = FIGURE_SIZE * placed.scale * PINCH_REACH / 2
            if len(self._holds_on(figure_id)) == 1 and math.hypot(tray_x - placed.x, tray_y - placed.y) <= reach:
                return figure_id
        return None

    def _hold(self, touch, figure_id: int) -> None:
        holders = self._holds_on(figure_id)
        if len(holders) >= 2:
            return  # a third finger on a figure already turning does nothing
        touch.grab(self)
        placed = self.state.figures[figure_id]
        tray_x, tray_y = self.to_tray(*touch.pos)
        self.holds[touch.uid] = Hold(figure_id, (placed.x - tray_x, placed.y - tray_y))
        self._touch_by_uid[touch.uid] = touch
        if holders:
            first = self._touch_by_uid[holders[0]]
            self.pinches[figure_id] = Pinch((first, touch), span(first.pos, touch.pos),
                                            self.to_tray(*_middle(first.pos, touch.pos)), placed)
        self.selected = figure_id
        self.dispatch("on_select", figure_id)

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        hold = self.holds.get(touch.uid)
        if hold is not None:
            figure_id = hold.figure_id
            if figure_id not in self._moving:
                self._moving[figure_id] = self.studio.log.begin_action(self.studio.now())
            pinch = self.pinches.get(figure_id)
            if pinch is not None:
                self._pinch_move(figure_id, pinch)
            else:
                tray_x, tray_y = self.to_tray(*touch.pos)
                x, y = tray_x + hold.offset[0], tray_y + hold.offset[1]
                if self.studio.record(lambda t: self.studio.log.move(figure_id, x, y, t, action=self._moving[figure_id])):
                    self._follow_figure(figure_id)
        elif touch.uid in self.sand_touches:
            point = self.to_tray(*touch.pos)
            previous = self.sand_touches[touch.uid]
            self.sand_touches[touch.uid] = point
            self._work_sand(touch, [previous, point])
        return True

    def _pinch_move(self, figure_id: int, pinch: Pinch) -> None:
        first, second = pinch.touches
        distance, angle = span(first.pos, second.pos)
        start_distance, start_angle = pinch.start_span
        x0, y0, angle0, scale0 = pinch.start
        scale = scale0 * distance / start_distance if start_distance >= 1 else scale0
        scale = min(MAX_SCALE, max(MIN_SCALE, scale))
        middle_x, middle_y = self.to_tray(*_middle(first.pos, second.pos))
        start_x, start_y = pinch.start_middle
        if self.studio.record(lambda t: self.studio.log.transform(
                figure_id, x0 + middle_x - start_x, y0 + middle_y - start_y, angle0 + angle - start_angle, scale, t,
                action=self._moving[figure_id])):
            self._follow_figure(figure_id)

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        self._touch_by_uid.pop(touch.uid, None)
        hold = self.holds.pop(touch.uid, None)
        if hold is not None:
            figure_id = hold.figure_id
            if self.pinches.pop(figure_id, None) is not None:
                # The finger left on the figure moves it on from where it is now.
                for uid in self._holds_on(figure_id):
                    placed = self.state.figures[figure_id]
                    tray_x, tray_y = self.to_tray(*self._touch_by_uid[uid].pos)
                    self.holds[uid].offset = (placed.x - tray_x, placed.y - tray_y)
            if not self._holds_on(figure_id) and self._moving.pop(figure_id, None) is not None:
                self.dispatch("on_change")
        elif self.sand_touches.pop(touch.uid, None) is not None:
            self.dispatch("on_change")
        return True

    def end_gestures(self) -> None:
        """Let go of every finger: what they did so far stays done."""
        for touch in self._touch_by_uid.values():
            touch.ungrab(self)
        self.holds.clear()
        self.pinches.clear()
        self.sand_touches.clear()
        self._touch_by_uid.clear()
        self._moving.clear()

    def _work_sand(self, touch, points: list[tuple[float, float]]) -> None:
        log, tool, action = self.studio.log, touch.ud["sand_tool"], touch.ud["sand_action"]
        work = log.push_sand if tool == "push" else log.smooth_sand
        # False: the log holds all the sand work it may, and the sand stays as it is.
        if self.studio.record(lambda t: work(points, SAND_RADIUS[tool], t, action=action)):
            self.state.sand = log.state_at().sand
            self.show_sand()

    def _follow_figure(self, figure_id: int) -> None:
        """Show a figure where the step just recorded put it. The step is read back from the
        log (which keeps a figure on the tray and its size in bounds), not the whole state
        copied: a move costs the same with 200 figures as with one."""
        step = self.studio.log.events[-1]
        placed = self.state.figures[figure_id]
        for name in ("x", "y", "angle", "scale"):
            if name in step:
                setattr(placed, name, step[name])
        self.show_figure(figure_id)

    def on_change(self):
        pass

    def on_select(self, figure_id: int):
        pass


def _middle(first, second) -> tuple[float, float]:
    return (first[0] + second[0]) / 2, (first[1] + second[1]) / 2


class ShelfFigure(Widget):
    """One figure on the shelf: dragged onto the sand to place it there, or tapped
    (`on_release`) to put it in the middle of the tray, for a child who cannot drag."""

    accessible_name = StringProperty("")
    texture = ObjectProperty(None, allownone=True)

    __events__ = ("on_release",)

    def __init__(self, figure: Figure, studio, **kwargs):
        super().__init__(**kwargs)
        self.figure = figure
        self.studio = studio
        # A shipped figure's name is English words, translated; a therapist's is a file's name.
        self.accessible_name = _(figure.name) if is_shipped(figure.key) else figure.name
        with self.canvas:
            Color(1, 1, 1, 1)
            self._picture = Rectangle()
        self.bind(pos=self._fit, size=self._fit, texture=self._fit)

    def _fit(self, *_args) -> None:
        side = min(self.width, self.height) * 0.84
        fit_picture(self._picture, self.texture, (self.center_x - side / 2, self.center_y - side / 2, side, side))

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos) or touch.is_mouse_scrolling:
            return super().on_touch_down(touch)
        touch.grab(self)
        touch.ud["shelf_dragged"] = False
        self.studio.show_carried(touch, self.figure)
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        if math.hypot(touch.x - touch.ox, touch.y - touch.oy) > TAP_SLOP:
            touch.ud["shelf_dragged"] = True
        self.studio.show_carried(touch, self.figure)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        self.studio.drop_carried(touch, self.figure, dragged=touch.ud.get("shelf_dragged", False))
        if not touch.ud.get("shelf_dragged"):
            self.dispatch("on_release")
        return True

    def on_release(self):
        pass


class Shelf(BoxLayout):
    """The figures: a tab for each category, and a page of that category's figures, with
    buttons to the pages before and after."""

    category = StringProperty(CATEGORIES[0])
    page = NumericProperty(0)
    pages = NumericProperty(1)
    cell = NumericProperty(SHELF_CELL)
    own_shelf = BooleanProperty(False)
    two_rows_height = NumericProperty(0)
    upright = BooleanProperty(False)


class TrayChoiceCard(ChoiceButton):
    """A card with a picture and its words: one of the client's drawings offered to be cut
    out, or a prompt offered to the therapist."""

    texture = ObjectProperty(None, allownone=True)
    picture_id = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.canvas:
            Color(1, 1, 1, 1)
            self._picture = Rectangle()
        self.bind(pos=self._fit, size=self._fit, texture=self._fit)
        self._fit()

    def _fit(self, *_args) -> None:
        """The picture above the words (which the rule keeps to the card's foot)."""
        margin = dp(10)
        top_of_words = self.y + self.padding[3] + dp(52)
        fit_picture(self._picture, self.texture, (self.x + margin, top_of_words, self.width - 2 * margin, self.top - margin - top_of_words))


class DrawingChooser(ModalView):
    """The client's own pictures; the one tapped is cut out of its paper and goes on the
    shelf of their own figures."""

    __events__ = ("on_choose",)

    def __init__(self, pictures, **kwargs):
        super().__init__(**kwargs)
        self.cards: list[TrayChoiceCard] = []
        for item in pictures.available()[:MOST_PICTURES_OFFERED]:
            card = TrayChoiceCard(text=item.title or _("A picture"), picture_id=item.id,
                               texture=texture_from_file(pictures.thumbnail(item.id)))
            card.bind(on_release=self._chosen)
            self.ids.cards.add_widget(card)
            self.cards.append(card)
        self.ids.empty.opacity = 0 if self.cards else 1

    def _chosen(self, card: TrayChoiceCard) -> None:
        self.dismiss(animation=False)
        self.dispatch("on_choose", card.picture_id, card.text)

    def on_choose(self, picture_id: str, title: str):
        pass


class PromptChooser(ModalView):
    """The therapist's choice of the invitation shown over the tray, and where to put
    figures and prompts of their own."""

    __events__ = ("on_choose",)
    folder_words = StringProperty("")
    skipped_words = StringProperty("")

    def __init__(self, studio, folder_words: str, skipped_words: str, **kwargs):
        super().__init__(folder_words=folder_words, skipped_words=skipped_words, **kwargs)
        self.cards: list[TrayChoiceCard] = []
        for prompt in studio.prompts:
            picture = studio.prompt_picture(prompt)
            card = TrayChoiceCard(text=shown_title(prompt), selected=shown_words(prompt) == studio.log.prompt,
                               texture=image_texture(picture) if picture is not None else None)
            card.prompt = prompt
            card.bind(on_release=self._chosen)
            self.ids.cards.add_widget(card)
            self.cards.append(card)

    def _chosen(self, card: TrayChoiceCard) -> None:
        self.dismiss(animation=False)
        self.dispatch("on_choose", card.prompt)

    def on_choose(self, prompt):
        pass


class PlayStudio(BoxLayout):
    """The whole sandtray on screen: the shelves, the tray, its tools and the chosen
    figure's buttons. The host may bind to `on_change`, which fires after every change
    to the log."""

    complexity = StringProperty("standard")
    selected = NumericProperty(-1)
    can_undo = BooleanProperty(False)
    can_redo = BooleanProperty(False)
    prompt_text = StringProperty("")
    has_prompt = BooleanProperty(False)
    upright = BooleanProperty(False)
    drawing_chooser = ObjectProperty(None, allownone=True)
    prompt_chooser = ObjectProperty(None, allownone=True)
    # The tools under the tray: a finger's size, a little smaller than the figures' buttons
    # so that every tool of the full level fits in one row under a small tablet's tray.
    tool_button_size = ListProperty([theme.TARGET * 1.25, theme.TARGET * 1.3])

    __events__ = ("on_change",)

    def __init__(self, activity, **kwargs):
        self.activity = activity
        self.host = activity.host
        self.library = activity.library
        self.log: TrayLog = activity.log
        self._textures: OrderedDict[str, Texture] = OrderedDict()  # least recently shown first
        self._carried: dict[int, InstructionGroup] = {}
        self._started_at = time.monotonic()
        self._time_before = self.log.duration
        self._said_full = False
        self.prompts = load_prompts(self.host.therapist_folder, logger=self.host.logger)
        super().__init__(complexity=activity.host.complexity, **kwargs)
        self.tray.studio = self
        self.tray.bind(on_change=lambda _tray: self._changed(), on_select=self._select)
        simple = self.complexity == "simple"
        self.tool_buttons = [ChoiceButton(icon=icon, text=_(label), value=tool) for tool, (icon, label) in TOOL_BUTTONS.items()
                             if tool in LEVEL_TOOLS[self.complexity]]
        # Before the row's own buttons (undo, redo, the tray's look), in order.
        for button in reversed(self.tool_buttons):
            button.size = self.tool_button_size
            button.bind(on_release=lambda button: self.choose_tool(button.value))
            self.ids.tools.add_widget(button, index=len(self.ids.tools.children))
        if self.complexity != "full":
            for button in (self.ids.shape_button, self.ids.colour_button):
                self.ids.tools.remove_widget(button)
        if simple:
            self.ids.figure_actions.remove_widget(self.ids.bury_button)
        # `ids` holds weak references: a button taken off the screen may be collected.
        self.bury_button = None if simple else self.ids.bury_button
        self.shape_button = self.ids.shape_button if self.complexity == "full" else None
        self.middle, self.shelf, self.actions_scroll = self.ids.middle, self.ids.shelf, self.ids.actions_scroll
        self.figure_buttons = list(reversed(self.ids.figure_actions.children))
        shelf = self.ids.shelf
        shelf.cell = SIMPLE_SHELF_CELL if simple else SHELF_CELL
        self.category_buttons = [ChoiceButton(icon=CATEGORY_ICONS.get(category, "shape"), text=category_title(category), value=category)
                                 for category in CATEGORIES]
        for button in self.category_buttons:
            button.size = (TAB_SIZE, TAB_SIZE)
            button.bind(on_release=lambda button: self.choose_category(button.value))
            shelf.ids.tabs.add_widget(button)
        shelf.ids.back_button.bind(on_release=lambda _button: self.turn_page(-1))
        shelf.ids.more_button.bind(on_release=lambda _button: self.turn_page(1))
        shelf.ids.drawing_button.bind(on_release=lambda _button: self.open_drawing_chooser())
        self.shelf_cells: list[ShelfFigure] = []
        shelf.bind(category=self._fill_shelf, page=self._fill_shelf)
        shelf.ids.page_area.bind(size=self._fill_shelf)
        self.bind(size=self._follow_shape)
        self.choose_tool("move")
        self.show_log(self.log)

    @property
    def tray(self) -> SandTray:
        return self.ids.tray

    # --- time and the log -------------------------------------------------------------

    def record(self, change):
        """Make one change to the log now (`change(t)`); what it returns (True for a change
        that returns nothing), or False when nothing was recorded: nothing to undo, or the
        log at its bounds (an hour of dragging, hours of play), when the tray stays as it
        is and says so once."""
        before = len(self.log.events)
        try:
            result = change(self.now())
        except ValueError as refused:
            self.host.logger.warning("The tray took no more changes: %s", refused)
            self._say_full()
            return False
        if len(self.log.events) == before:
            if self.log.is_full:
                self._say_full()
            return False
        return True if result is None else result

    def _say_full(self) -> None:
        if not self._said_full:
            self._said_full = True
            show_message(_("This tray is full of changes"), _("Press Done to keep it, then start a new one."))

    def now(self) -> float:
        """Seconds since the tray was first opened (a restored tray goes on from its end)."""
        return self._time_before + time.monotonic() - self._started_at

    def show_log(self, log: TrayLog) -> None:
        """Show `log` (this tray's, or one restored) whole."""
        self.tray.end_gestures()
        self.log = log
        # A restored tray's clock goes on from its last change.
        self._time_before = max(self.now(), log.duration)
        self._started_at = time.monotonic()
        self._show_tray()
        self._sync_history()
        self._show_prompt()

    def _show_tray(self) -> None:
        """Bring the tray, the chosen figure and the shape's button to the log."""
        self.tray.show_state(self.log.state_at())
        self._show_selection()
        if self.shape_button is not None:
            self.shape_button.icon = SHAPE_ICONS[self.tray.state.shape]

    def end_gestures(self) -> None:
        self.tray.end_gestures()

    # --- figures' pictures ------------------------------------------------------------

    def texture_for(self, key: str) -> Texture:
        """The texture of a figure, made the first time it is shown; a figure that cannot be
        read is a grey square, so a tray with it still opens. The textures of the figures
        shown longest ago are let go (the tray's own keep theirs while they are on it), so
        browsing every shelf does not keep every figure in the GPU's memory."""
        texture = self._textures.get(key)
        if texture is not None:
            self._textures.move_to_end(key)
        else:
            figure = self.library.get(key)
            try:
                picture = figure.picture() if figure is not None else None
            except FigureUnreadable:
                picture = None
            if picture is None:
                texture = Texture.create(size=(1, 1), colorfmt="rgba")
                texture.blit_buffer(bytes((150, 150, 150, 200)), colorfmt="rgba", bufferfmt="ubyte")
            else:
                texture = image_texture(picture)
            texture.mag_filter = "linear"
            self._textures[key] = texture
            if len(self._textures) > TEXTURES_KEPT:
                self._textures.popitem(last=False)
        return texture

    # --- the shelf --------------------------------------------------------------------

    def shelf_figures(self, category: str) -> list[Figure]:
        return self.library.figures(category, level="simple" if self.complexity == "simple" else "full")

    def choose_category(self, category: str) -> None:
        shelf = self.ids.shelf
        if shelf.category != category:
            shelf.page = 0
            shelf.category = category
        self._fill_shelf()

    def turn_page(self, step: int) -> None:
        shelf = self.ids.shelf
        shelf.page = min(max(0, shelf.page + step), shelf.pages - 1)

    def _fill_shelf(self, *_args) -> None:
        shelf = self.ids.shelf
        grid, area = shelf.ids.figures, shelf.ids.page_area
        for button in self.category_buttons:
            button.selected = button.value == shelf.category
        shelf.own_shelf = shelf.category == "own"
        columns = max(1, int((area.width + grid.spacing[0]) // (shelf.cell + grid.spacing[0])))
        rows = max(1, int((area.height + grid.spacing[1]) // (shelf.cell + grid.spacing[1])))
        per_page = columns * rows
        figures = self.shelf_figures(shelf.category)
        shelf.pages = max(1, math.ceil(len(figures) / per_page))
        if shelf.page >= shelf.pages:
            shelf.page = shelf.pages - 1
            return  # filled again as the page changes
        grid.cols = columns
        grid.clear_widgets()
        self.shelf_cells = []
        for figure in figures[shelf.page * per_page:(shelf.page + 1) * per_page]:
            cell = ShelfFigure(figure, self, size_hint=(None, None), size=(shelf.cell, shelf.cell))
            cell.bind(on_release=lambda cell: self.place_in_middle(cell.figure))
            cell.texture = self.texture_for(figure.key)
            grid.add_widget(cell)
            self.shelf_cells.append(cell)

    def shelf_cell(self, key: str) -> ShelfFigure | None:
        """The cell of the figure `key` on the shelf's page shown, if it is there."""
        return next((cell for cell in self.shelf_cells if cell.figure.key == key), None)

    def show_carried(self, touch, figure: Figure) -> None:
        """The figure under a finger carrying it from the shelf, at the size it will have on
        the tray."""
        group = self._carried.get(touch.uid)
        texture = self.texture_for(figure.key)
        width, height = figure_extent(texture.size)
        k = self.tray.pixels_per_tray_pixel * self.placing_scale
        if group is None:
            group = InstructionGroup()
            group.add(Color(1, 1, 1, 0.85))
            group.add(Rectangle(texture=texture))
            self._carried[touch.uid] = group
            self.canvas.after.add(group)
        rectangle = group.children[-1]
        rectangle.size = (width * k, height * k)
        rectangle.pos = (touch.x - width * k / 2, touch.y - height * k / 2)

    def drop_carried(self, touch, figure: Figure, dragged: bool) -> None:
        """The finger carrying `figure` lifts: over the sand, the figure goes there."""
        group = self._carried.pop(touch.uid, None)
        if group is not None:
            self.canvas.after.remove(group)
        if dragged and self.tray.collide_point(*touch.pos):
            self.place(figure, *self.tray.to_tray(*touch.pos))

    def place_in_middle(self, figure: Figure) -> int | None:
        """A figure tapped on the shelf goes near the middle, beside those tapped before it."""
        column, row = TAP_PLACES[len(self.log.state_at().figures) % len(TAP_PLACES)]
        return self.place(figure, TRAY_WIDTH / 2 + column * TAP_SPREAD, TRAY_HEIGHT / 2 + row * TAP_SPREAD)

    @property
    def placing_scale(self) -> float:
        return SIMPLE_FIGURE_SCALE if self.complexity == "simple" else 1.0

    def place(self, figure: Figure, x: float, y: float) -> int | None:
        """Put `figure` on the tray at (x, y) in tray pixels, chosen."""
        if self.log.is_full:
            self._say_full()
            return None
        if not self.log.can_place:
            show_message(_("The tray is full"), _("Take some figures off to make room."))
            return None
        self.log.figures.setdefault(figure.key, {"name": figure.name, "category": figure.category, "source": figure.key.split(":")[0]})
        figure_id = self.record(lambda t: self.log.place(figure.key, x, y, t, scale=self.placing_scale))
        if not figure_id:
            return None
        self.tray.show_state(self.log.state_at())
        self._select(self.tray, figure_id)
        self._changed()
        return figure_id

    # --- the client's own drawings as figures ---------------------------------------------

    def open_drawing_chooser(self) -> None:
        if self.drawing_chooser is not None:
            return
        popup = DrawingChooser(self.host.pictures)
        popup.bind(on_choose=lambda _popup, picture_id, title: self.cut_out_drawing(picture_id, title),
                   on_dismiss=lambda _popup: setattr(self, "drawing_chooser", None))
        self.drawing_chooser = popup
        popup.open()

    def cut_out_drawing(self, picture_id: str, title: str) -> Figure | None:
        """One of the client's pictures, cut out of its paper, on the shelf of their own figures."""
        try:
            figure = cut_out(self.host.pictures.read(picture_id), f"cutout:{picture_id}", title)
        except (LibraryError, FigureUnreadable, ValueError) as error:
            # Why is for the log: a child only needs to know to choose another.
            self.host.logger.warning("picture %s cannot be cut out: %s", picture_id, error)
            show_message(_("This picture can't be used"), _("Choose another picture."))
            return None
        self.library.add(figure)
        self._textures.pop(figure.key, None)
        self.choose_category("own")
        return figure

    # --- the prompt -------------------------------------------------------------------

    def _show_prompt(self) -> None:
        """The tray's invitation over it (the session plan's, or one the therapist chose),
        with its picture when it is one of the prompts."""
        words = self.log.prompt or ""
        # The host shows the session plan's prompt above every activity: here only its picture.
        self.prompt_text = "" if words == (self.host.prompt or "") else words
        prompt = next((prompt for prompt in self.prompts if shown_words(prompt) == self.log.prompt), None)
        picture = self.prompt_picture(prompt) if prompt is not None else None
        self.ids.prompt_picture.texture = image_texture(picture) if picture is not None else None
        self.has_prompt = bool(self.prompt_text) or picture is not None

    def prompt_picture(self, prompt: PlayPrompt):
        """The prompt's own picture, or its figure's; None when it has neither (or it cannot be read)."""
        picture = prompt.own_picture()
        if picture is None and prompt.figure is not None and self.library.get(prompt.figure) is not None:
            try:
                picture = self.library.get(prompt.figure).picture()
            except FigureUnreadable:
                return None
        return picture

    def ask_for_prompt(self) -> None:
        self.host.ask_therapist(_("Choose the prompt"), self.open_prompt_chooser)

    def open_prompt_chooser(self) -> None:
        if self.prompt_chooser is not None:
            return
        folder = self.host.therapist_folder
        if folder is None:
            folder_words = _("This tablet has no folder for your own figures and prompts.")
        else:
            folder_words = _("Add your own figures: put PNG files in {figures}. Add your own prompts: put TOML files in {prompts}.").format(
                figures=folder / "figures", prompts=folder / "prompts")
        skipped_words = "\n".join(_("{name} was left out: {reason}").format(name=name, reason=reason)
                                  for name, reason in self.library.skipped)
        popup = PromptChooser(self, folder_words, skipped_words)
        popup.bind(on_choose=lambda _popup, prompt: self.choose_prompt(prompt),
                   on_dismiss=lambda _popup: setattr(self, "prompt_chooser", None))
        self.prompt_chooser = popup
        popup.open()

    def choose_prompt(self, prompt: PlayPrompt) -> None:
        # The invitation is the tray's, not a step of building it: kept, not undone. Kept as
        # the words the client read, in their language.
        self.log.prompt = shown_words(prompt)
        self._show_prompt()
        self.dispatch("on_change")

    # --- tools ------------------------------------------------------------------------

    def choose_tool(self, tool: str) -> None:
        self.tray.tool = tool
        for button in self.tool_buttons:
            button.selected = button.value == tool

    def next_shape(self) -> None:
        """The tray's next shape (full level): a tap goes round them all."""
        shape = self.tray.state.shape
        self._one_action(lambda t: self.log.set_shape(SHAPES[(SHAPES.index(shape) + 1) % len(SHAPES)], t))

    def next_sand_colour(self) -> None:
        """The sand's next colour (full level): a tap goes round them all."""
        colour = self.tray.state.sand_colour
        self._one_action(lambda t: self.log.set_sand_colour(SAND_COLOURS[(SAND_COLOURS.index(colour) + 1) % len(SAND_COLOURS)], t))

    # --- the chosen figure --------------------------------------------------------------

    def _select(self, _tray, figure_id: int) -> None:
        self.selected = figure_id
        self._show_selection()

    def _show_selection(self) -> None:
        state = self.tray.state
        if state is None or self.selected not in state.figures or state.figures[self.selected].removed:
            self.selected = -1
        self.tray.selected = self.selected
        for button in (self.ids.flip_button, self.ids.forward_button, self.ids.back_button, self.ids.take_off_button,
                       self.bury_button):
            if button is not None:
                button.disabled = self.selected < 0

    def _one_action(self, change) -> None:
        """One tap's change to the log, shown and kept as one step to undo; another child's
        finger dragging a figure goes on dragging it."""
        self.log.begin_action(self.now())
        if self.record(change):
            self._show_tray()
            self._changed()

    def flip(self) -> None:
        if self.selected >= 0:
            self._one_action(lambda t: self.log.flip(self.selected, t))

    def to_front(self) -> None:
        if self.selected >= 0:
            self._one_action(lambda t: self.log.to_front(self.selected, t))

    def to_back(self) -> None:
        if self.selected >= 0:
            self._one_action(lambda t: self.log.to_back(self.selected, t))

    def bury(self) -> None:
        """Deeper each tap: half, whole, and out again."""
        if self.selected < 0 or self.complexity == "simple":
            return
        buried = self.tray.state.figures[self.selected].buried
        deeper = next((step for step in BURY_STEPS if step > buried + 1e-6), BURY_STEPS[0])
        self._one_action(lambda t: self.log.bury(self.selected, deeper, t))

    def take_off(self) -> None:
        if self.selected >= 0:
            self._one_action(lambda t: self.log.remove(self.selected, t))

    def undo(self) -> None:
        self.tray.end_gestures()
        if self.record(self.log.undo):
            self.show_log(self.log)
            self._changed()

    def redo(self) -> None:
        self.tray.end_gestures()
        if self.record(self.log.redo):
            self.show_log(self.log)
            self._changed()

    def _changed(self) -> None:
        self._sync_history()
        self.dispatch("on_change")

    def _sync_history(self) -> None:
        self.can_undo = self.log.can_undo()
        self.can_redo = self.log.can_redo()

    def _follow_shape(self, *_args) -> None:
        """Shelves, tray and figure buttons side by side, or top to bottom on an upright tablet."""
        self.upright = self.height > self.width
        parts = [self.middle, self.shelf] if self.upright else [self.shelf, self.middle, self.actions_scroll]
        if list(reversed(self.children)) != parts:
            self.clear_widgets()
            for part in parts:
                self.add_widget(part)
            # Upright, the chosen figure's buttons follow the tools, sparing the tray a row.
            holder = self.ids.tools if self.upright else self.ids.figure_actions
            for button in self.figure_buttons:
                button.parent.remove_widget(button)
                holder.add_widget(button)

    def on_change(self):
        pass


load_rules(__name__)
