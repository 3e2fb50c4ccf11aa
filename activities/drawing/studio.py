"""The drawing screen: the paper a client draws on with a finger, and the tools around it.

The `DrawingLog` is the truth; the screen shows it. Finished strokes are drawn by the
same Pillow renderer that makes the saved PNG (`expressive.lib.drawing.render`) onto a
full-size picture (`PictureHistory`), which the paper shows as one texture: a finished
stroke is drawn once, into the part of the texture it covers, so a picture of 200 strokes
costs a frame no more than a blank one. Only the stroke under the finger is drawn with
Kivy Lines, as a sketch of the real thing that is replaced by the rendered stroke when
the finger lifts. Undo, redo and clear bring the picture from a snapshot kept on the way,
so they cost the same at any length of drawing.
"""

from __future__ import annotations

import colorsys
import logging
import math

from kivy.clock import Clock
from kivy.graphics import Color, Ellipse, InstructionGroup, Line, Rectangle
from kivy.graphics.texture import Texture
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
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget
from kivy.utils import get_color_from_hex
from PIL import Image

from expressive.lib.drawing.render import LOOKS, Box, rainbow_colours
from expressive.activities.drawing.colour_names import colour_name
from expressive.activities.drawing.picture_history import PictureHistory
from expressive.activities.drawing.screen_math import MAX_LINE_POINTS, split_for_lines
from expressive.activities.drawing.stamps import DEFAULT_STAMP_SIZE, MAX_STAMP_SIZE, MIN_STAMP_SIZE, catalogue
from expressive.lib.drawing.strokes import (
    BRUSH_SIZES,
    BRUSHES,
    OPACITIES,
    PALETTE,
    PAPER_COLOUR,
    PAPER_COLOURS,
    TEMPLATES,
    TOOLS,
    DrawingLog,
    Fill,
    Stamp,
    Stroke,
)
from expressive.lib.drawing.templates import PhotoError, paper, photo_for_paper
from expressive.api import COMPLEXITY_LEVELS, Library, LibraryError
from expressive.api import widgets
from expressive.api.i18n import N_, _
from expressive.api.widgets import image_texture, show_message, texture_from_file, theme
from expressive.api.widgets import load_rules

log = logging.getLogger(__name__)

DEFAULT_COLOUR = PALETTE["black"]
DEFAULT_BRUSH_SIZE = "medium"
DEFAULT_BRUSH = "marker"
# The tools of the tray: draw a stroke with a brush or the eraser, or fill.
STUDIO_TOOLS = TOOLS + ("fill",)
# What a finger on the paper can do: those, or press the stamp chosen in the stamp chooser.
PAPER_TOOLS = STUDIO_TOOLS + ("stamp",)

# How much of the studio each complexity level (the client's setting) shows: the
# simplest a few brushes that feel most different and a child's eight colours, in big
# buttons; the full studio everything, papers and templates too.
LEVEL_TOOLS: dict[str, tuple[str, ...]] = {
    "simple": ("marker", "paintbrush", "rainbow"),
    "standard": TOOLS,
    "full": STUDIO_TOOLS,
}
SIMPLE_COLOURS = ("black", "red", "orange", "yellow", "green", "blue", "purple", "brown")
# How far two fingers may zoom into the paper (1 shows it whole).
MIN_ZOOM = 1.0
MAX_ZOOM = 4.0
# How much bigger the buttons are at the simple level: 64 dp targets and more for the youngest.
SIMPLE_BUTTON_SCALE = 1.3

# The tray of tools: a Material Design icon and a word a child can read or be told.
TOOL_BUTTONS: dict[str, tuple[str, str]] = {
    "pencil": ("pencil", N_("Pencil")),
    "marker": ("marker", N_("Marker")),
    "paintbrush": ("brush", N_("Paint")),
    "crayon": ("grease-pencil", N_("Crayon")),
    "spray": ("spray", N_("Spray")),
    "rainbow": ("looks", N_("Rainbow")),
    "eraser": ("eraser", N_("Eraser")),
    "fill": ("format-color-fill", N_("Fill")),
}
# The brush sizes and how strong the paint is are dots: these are their names.
SIZE_NAMES: dict[str, str] = {"small": N_("thin"), "medium": N_("medium"), "large": N_("thick")}
OPACITY_NAMES: dict[float, str] = {
    0.25: N_("very see-through"),
    0.5: N_("half see-through"),
    0.75: N_("a little see-through"),
    1.0: N_("not see-through"),
}
# How many squares across the backdrop a see-through dot shows through it.
BACKDROP_SQUARES = 6
OPACITY_BUTTON_WIDTH = dp(52)

# The papers' names: each plain colour, and each template.
PAPER_NAMES: dict[str, str] = {
    "white": N_("White"),
    "cream": N_("Cream"),
    "sky": N_("Sky blue"),
    "mint": N_("Mint green"),
    "blush": N_("Pink"),
    "lilac": N_("Light purple"),
    "mandala": N_("Mandala"),
    "body": N_("Body"),
    "bridge": N_("Bridge"),
    "house": N_("House"),
}
# The papers offered, in the order shown: each plain colour, then each template on white.
PAPER_CHOICES: list[tuple[str, str | None, str]] = [
    *((colour, None, PAPER_NAMES[name]) for name, colour in PAPER_COLOURS.items()),
    *((PAPER_COLOUR, template, PAPER_NAMES[template]) for template in TEMPLATES),
]
PAPER_THUMBNAIL = (240, 180)
# The client's pictures offered as paper, newest first.
MOST_PICTURES_OFFERED = 40

# The full colour picker (full studio): how many hues round the wheel, the lightness of
# each row of them (lightest first), and how many recent colours it offers.
PICKER_HUES = 12
PICKER_LIGHTNESS = (0.85, 0.7, 0.55, 0.4, 0.25)
PICKER_SATURATION = 0.8
RECENT_COLOURS = 6


def _hex(red: float, green: float, blue: float) -> str:
    return "#{:02X}{:02X}{:02X}".format(*(round(255 * channel) for channel in (red, green, blue)))


def picker_colours() -> list[list[str]]:
    """The colour picker's grid, row by row: each lightness round the colour wheel, then
    greys from white to black."""
    rows = [
        [_hex(*colorsys.hls_to_rgb(hue / PICKER_HUES, lightness, PICKER_SATURATION)) for hue in range(PICKER_HUES)]
        for lightness in PICKER_LIGHTNESS
    ]
    rows.append([_hex(*(1 - step / (PICKER_HUES - 1),) * 3) for step in range(PICKER_HUES)])
    return rows


def recent_colours(log: DrawingLog, count: int = RECENT_COLOURS) -> list[str]:
    """The last `count` different colours painted with (strokes but the eraser's, fills,
    stamps), newest first: read from the log, so a continued drawing keeps them."""
    recent: list[str] = []
    for event in reversed(log.events):
        if isinstance(event, (Fill, Stamp)) or (isinstance(event, Stroke) and event.tool != "eraser"):
            if event.colour.upper() not in recent:
                recent.append(event.colour.upper())
                if len(recent) == count:
                    break
    return recent


class _StrokeGraphic:
    """The Kivy sketch of the stroke being drawn: its colour, a dot where it began, its
    Lines, split so that no Line gets long enough for Kivy to misdraw it."""

    def __init__(self, rgba: tuple[float, float, float, float], flat_points: list[float], line_width: float):
        self.group = InstructionGroup()
        self.group.add(Color(*rgba))
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


def sketch_style(stroke: Stroke) -> tuple[tuple[float, float, float, float], float]:
    """The colour (RGBA) and full width in document pixels of the Kivy sketch of a
    stroke: a plain line as near as one colour and one width get to the rendered brush."""
    look = LOOKS[stroke.tool]
    if stroke.tool == "rainbow":
        red, green, blue = (channel / 255 for channel in rainbow_colours(stroke.colour, [(0, 0)])[0])
    else:
        red, green, blue, _alpha = get_color_from_hex(stroke.colour)
    # A spray is a cloud of dots: a fainter, narrower band reads as the same mark.
    spread = 0.6 if stroke.tool == "spray" else 1.0
    alpha = stroke.opacity * look.opacity * (0.5 if stroke.tool == "spray" else 1.0)
    return (red, green, blue, alpha), stroke.width * look.width * (1 - look.thinning / 2) * spread


class DrawingCanvas(StencilView):
    """The paper: shows the rendered picture and turns one finger's path into a stroke.

    Sized by its parent to the document's 4:3 shape; the stencil keeps ink that runs off
    the edge from painting over the tools.
    """

    log = ObjectProperty(None)
    colour = StringProperty(DEFAULT_COLOUR)
    tool = OptionProperty(DEFAULT_BRUSH, options=PAPER_TOOLS)
    stroke_width = NumericProperty(BRUSH_SIZES[DEFAULT_BRUSH_SIZE])
    opacity_choice = NumericProperty(1.0)
    # The stamp the "stamp" tool presses (a Material Design icon name).
    stamp = StringProperty("")
    # The view: how far two fingers have zoomed in (MIN_ZOOM to MAX_ZOOM), and where the
    # zoomed paper's bottom-left corner is, in fractions of the view's width and height
    # (from 1 - zoom to 0: the zoomed paper always covers the whole view).
    zoom = NumericProperty(MIN_ZOOM)
    pan_x = NumericProperty(0.0)
    pan_y = NumericProperty(0.0)

    # Fired after a finished stroke, a fill or a stamp has been added to the picture (or
    # the stamp just placed has been resized and turned).
    __events__ = ("on_mark",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.history: PictureHistory | None = None  # the finished marks' picture, at full size
        self._texture: Texture | None = None
        with self.canvas:
            Color(1, 1, 1, 1)
            self._sheet = Rectangle(pos=self.pos, size=self.size)
        self._sketches = InstructionGroup()
        self.canvas.add(self._sketches)
        self._touch = None
        # The stamp tool's fingers on the paper (one taps a stamp down, two pinch and
        # turn the stamp just placed), and where the pinch began.
        self._stamp_touches: list = []
        self._pinch: tuple[float, float, float] | None = None  # distance, angle, stamp size
        # The two fingers zooming and panning the view, and the view when they came down:
        # their distance and midpoint, the zoom and the pan.
        self._view_touches: list = []
        self._view_start: tuple[float, tuple[float, float], float, float, float] | None = None
        self.live: _StrokeGraphic | None = None
        self._repaint_soon = Clock.create_trigger(lambda _dt: self.repaint())
        self._prepare_soon = Clock.create_trigger(self._prepare_undos)
        self.bind(log=self._repaint_soon, pos=self._place, size=self._place)
        self.bind(zoom=self._place, pan_x=self._place, pan_y=self._place)

    @property
    def scale(self) -> float:
        """Screen pixels per document pixel (the zoom included)."""
        return self.width * self.zoom / self.log.width if self.log else 0.0

    @property
    def zoomed(self) -> bool:
        return self.zoom > MIN_ZOOM

    @property
    def sheet_left(self) -> float:
        """Where the (zoomed) paper's left edge is on screen; it may be left of the view."""
        return self.x + self.pan_x * self.width

    @property
    def sheet_top(self) -> float:
        """Where the (zoomed) paper's top edge is on screen; it may be above the view."""
        return self.y + self.pan_y * self.height + self.height * self.zoom

    def to_document(self, x: float, y: float) -> tuple[float, float]:
        # Kivy counts y up from the bottom, images count down from the top.
        return (x - self.sheet_left) / self.scale, (self.sheet_top - y) / self.scale

    def to_screen(self, x: float, y: float) -> tuple[float, float]:
        return self.sheet_left + x * self.scale, self.sheet_top - y * self.scale

    # --- the view --------------------------------------------------------------------

    def set_view(self, zoom: float, pan_x: float, pan_y: float) -> None:
        """Zoom and pan the view, clamped: zoom from MIN_ZOOM to MAX_ZOOM, and the paper
        covering the whole view (so it can never be lost off screen)."""
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        self.zoom = zoom
        self.pan_x = min(0.0, max(1.0 - zoom, pan_x))
        self.pan_y = min(0.0, max(1.0 - zoom, pan_y))

    def reset_view(self) -> None:
        """Show the whole paper again."""
        self.set_view(MIN_ZOOM, 0.0, 0.0)

    def _view_down(self, touch) -> None:
        """A second finger joins the drawing finger: the stroke it began is dropped as if
        it had never been, and the two zoom and pan the view until both lift."""
        first = self._touch
        self._touch = None
        self.log.drop_stroke()
        self._sketches.clear()
        self.live = None
        touch.grab(self)
        self._view_touches = [first, touch]
        distance, _angle = _span(first.pos, touch.pos)
        self._view_start = (distance, _midpoint(first.pos, touch.pos), self.zoom, self.pan_x, self.pan_y)

    def _view_move(self) -> None:
        if self._view_start is None or len(self._view_touches) != 2 or self.width <= 0 or self.height <= 0:
            return
        first, second = self._view_touches
        start_distance, (start_x, start_y), zoom, pan_x, pan_y = self._view_start
        distance, _angle = _span(first.pos, second.pos)
        new_zoom = zoom * distance / start_distance if start_distance >= 1 else zoom
        new_zoom = min(MAX_ZOOM, max(MIN_ZOOM, new_zoom))
        # The point of the paper that was under the fingers' midpoint stays under it.
        u = ((start_x - self.x) / self.width - pan_x) / zoom
        v = ((start_y - self.y) / self.height - pan_y) / zoom
        mid_x, mid_y = _midpoint(first.pos, second.pos)
        self.set_view(new_zoom, (mid_x - self.x) / self.width - u * new_zoom, (mid_y - self.y) / self.height - v * new_zoom)

    def _view_up(self, touch) -> None:
        # The first finger up ends the zoom; the other draws nothing until it lifts too.
        self._view_start = None
        self._view_touches = [other for other in self._view_touches if other is not touch]

    # --- the rendered picture --------------------------------------------------------

    @property
    def picture(self) -> Image.Image | None:
        """The finished marks as the paper shows them, at full size (do not change it)."""
        return self.history.picture if self.history is not None else None

    def repaint(self) -> None:
        """Bring the picture to the log's finished marks, and show the part that changed."""
        if self.log is None:
            return
        if self.history is None or self.history.log is not self.log:
            self.history = PictureHistory(self.log)
        changed = self.history.update()
        size = (self.log.width, self.log.height)
        if self._texture is None or self._texture.size != size:
            self._texture = Texture.create(size=size, colorfmt="rgb")
            # Texture rows go up from the bottom, image rows down from the top: flipping
            # how the texture is shown lets rows be copied in the image's own order.
            self._texture.flip_vertical()
            self._sheet.texture = self._texture
            changed = (0, 0, *size)
        if changed is not None:
            self._upload(changed)
        self._prepare_soon()

    def _prepare_undos(self, _dt) -> None:
        """Between frames, while no finger is on the paper, render the snapshots the next
        undos will want, a bounded step a frame."""
        if self.history is None or self._touch is not None or self._stamp_touches or self._view_touches:
            return
        if self.history.prepare():
            self._prepare_soon()

    def _upload(self, box: Box) -> None:
        """Copy one box of the picture into the texture the paper shows."""
        left, top, right, bottom = box
        # Rows whose byte length is a multiple of 4 suit OpenGL's default row alignment.
        left -= left % 4
        right = min(self.picture.width, right + (-(right - left)) % 4)
        region = self.picture.crop((left, top, right, bottom))
        self._texture.blit_buffer(region.tobytes(), pos=(left, top), size=region.size, colorfmt="rgb", bufferfmt="ubyte")
        self.canvas.ask_update()

    def _place(self, *_args) -> None:
        # The stencil clips the zoomed paper to the view.
        self._sheet.pos = (self.sheet_left, self.sheet_top - self.height * self.zoom)
        self._sheet.size = (self.width * self.zoom, self.height * self.zoom)
        # A resize mid-stroke: the sketch is drawn again where the stroke now is.
        self._sketches.clear()
        self.live = None
        if self.log is not None and self.log.current_stroke is not None and self.scale > 0:
            self._sketch(self.log.current_stroke)

    def _sketch(self, stroke: Stroke) -> None:
        flat = [coordinate for x, y, _p, _t in stroke.points for coordinate in self.to_screen(x, y)]
        rgba, width = sketch_style(stroke)
        # Kivy's Line width is half the thickness it draws.
        self.live = _StrokeGraphic(rgba, flat, width * self.scale / 2)
        self._sketches.add(self.live.group)

    # --- touches ---------------------------------------------------------------------

    def on_touch_down(self, touch):
        # A paper squeezed to no width (a narrow window at a high density) still "collides"
        # at its edge, where no point of the picture is.
        if not self.collide_point(*touch.pos) or touch.is_mouse_scrolling or self.scale <= 0:
            return super().on_touch_down(touch)
        if self._view_touches:
            return True  # two fingers are zooming: a third is ignored
        if self._touch is not None:
            self._view_down(touch)  # a second finger: the two zoom and pan
            return True
        if self.tool == "stamp":
            return self._stamp_down(touch)
        if self.tool == "fill":
            self.log.fill(*self.to_document(*touch.pos), self.colour, opacity=self.opacity_choice)
            self._show_mark()
            return True
        self._touch = touch
        touch.grab(self)
        stroke = self.log.begin_stroke(
            self.tool,
            self.colour,
            self.stroke_width,
            opacity=self.opacity_choice,
            dynamics="pressure" if "pressure" in touch.profile else "speed",
        )
        self._add_point(touch)
        self._sketch(stroke)
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        if touch is self._touch:
            self._add_point(touch)
            self.live.append(*touch.pos)
        elif touch in self._view_touches:
            self._view_move()
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        if touch is self._touch:
            self.end_stroke()
        elif touch in self._stamp_touches:
            self._stamp_up(touch)
        elif touch in self._view_touches:
            self._view_up(touch)
        # Held off while a finger was on the paper.
        self._prepare_soon()
        return True

    # --- stamps ----------------------------------------------------------------------

    def _stamp_down(self, touch) -> bool:
        """One finger: a stamp goes down where it lifts (unless a second finger joins
        it first). A second finger while the stamp just placed is the last thing done:
        the two pinch and turn that stamp."""
        if not self._stamp_touches:
            if not self.stamp:
                return True
            self._stamp_touches = [touch]
            self._pinch = None
            touch.grab(self)
        elif len(self._stamp_touches) == 1 and self._pinch is None and self.log.last_stamp is not None:
            first = self._stamp_touches[0]
            self._stamp_touches.append(touch)
            distance, angle = _span(first.pos, touch.pos)
            self._pinch = (distance, angle, self.log.last_stamp.size)
            touch.grab(self)
        return True

    def _stamp_up(self, touch) -> None:
        touches, pinch = self._stamp_touches, self._pinch
        if pinch is None:
            # A tap (or a short slide): the stamp is pressed where the finger went down.
            self._stamp_touches = []
            x, y = self.to_document(*touch.opos)
            self.log.stamp(self.stamp, x, y, DEFAULT_STAMP_SIZE, self.colour, opacity=self.opacity_choice)
            self._show_mark()
        elif len(touches) == 2:
            # The first of the two fingers up settles the stamp's size and turn.
            distance, angle = _span(touches[0].pos, touches[1].pos)
            start_distance, start_angle, start_size = pinch
            stamp = self.log.last_stamp
            self._stamp_touches = [other for other in touches if other is not touch]
            if stamp is None:
                return
            scale = distance / start_distance if start_distance >= 1 else 1.0
            size = min(MAX_STAMP_SIZE, max(MIN_STAMP_SIZE, start_size * scale))
            self.log.adjust_stamp(size, stamp.rotation + angle - start_angle)
            self._show_mark()
        else:
            self._stamp_touches = []  # the last finger of a pinch lifts: nothing more
            self._pinch = None

    def _drop_stamp_touches(self) -> None:
        for touch in self._stamp_touches:
            touch.ungrab(self)
        self._stamp_touches = []
        self._pinch = None

    def end_stroke(self) -> None:
        """Finish the stroke in progress, if any; a finger still down draws no more."""
        self._drop_stamp_touches()
        for touch in self._view_touches:
            touch.ungrab(self)
        self._view_touches = []
        self._view_start = None
        if self._touch is None:
            return
        self._touch.ungrab(self)
        self._touch = None
        self.log.end_stroke()
        self._sketches.clear()
        self.live = None
        self._show_mark()

    def _show_mark(self) -> None:
        """Render the mark just recorded (or changed) onto the picture, show the part it
        changed, and tell the studio."""
        self.repaint()
        self.dispatch("on_mark")

    def _add_point(self, touch) -> None:
        pressure = touch.pressure if "pressure" in touch.profile else 1.0
        self.log.add_point(*self.to_document(*touch.pos), pressure)

    def on_mark(self):
        pass


def _midpoint(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2


def _span(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """The distance between two fingers, and the angle (degrees, anticlockwise on
    screen) of the line from the first to the second."""
    return math.dist(a, b), math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))


class ColourSwatch(ButtonBehavior, widgets.Icon):
    """A round button of one paint colour, named by its colour; the chosen one wears a
    ring and a tick."""

    colour = StringProperty(DEFAULT_COLOUR)
    selected = BooleanProperty(False)
    accessible_name = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.accessible_name = _(colour_name(self.colour))


class DotButton(ButtonBehavior, Widget):
    """A button showing a dot in the current colour: its size is a brush size, or how
    much of the squares of its `backdrop` show through it an opacity."""

    value = NumericProperty(0)
    dot_diameter = NumericProperty(dp(16))
    dot_colour = ColorProperty(DEFAULT_COLOUR)
    backdrop = ObjectProperty(None, allownone=True)
    selected = BooleanProperty(False)
    accessible_name = StringProperty("")


def see_through_backdrop() -> Texture:
    """Light and dark squares, the sign for "see-through" in every picture editor."""
    texture = Texture.create(size=(2, 2), colorfmt="rgb")
    light, dark = b"\xff\xff\xff", b"\x70\x70\x70"
    texture.blit_buffer(light + dark + dark + light, colorfmt="rgb", bufferfmt="ubyte")
    texture.mag_filter = "nearest"
    texture.wrap = "repeat"
    texture.uvsize = (BACKDROP_SQUARES / 2, BACKDROP_SQUARES / 2)
    return texture


class ToolButton(widgets.IconButton):
    """A brush (or the eraser) in the tray: its icon and name, highlighted when chosen."""

    tool = StringProperty(DEFAULT_BRUSH)
    selected = BooleanProperty(False)


class ChooserTitle(BoxLayout):
    """The top of a chooser: its title, and a Close button that fires `on_close`."""

    text = StringProperty("")

    __events__ = ("on_close",)

    def on_close(self):
        pass


class ChooserHeading(Label):
    """A heading that starts a new row among a chooser's cards."""


class Chooser(ModalView):
    """A popup of cards to choose from, under a title with a Close button: as wide as the
    window lets it be (up to `widest`), as tall as its cards, which scroll when the window
    is shorter. Subclasses add their cards to `ids.cards`."""

    title = StringProperty("")
    widest = NumericProperty(dp(1000))
    gap = NumericProperty(dp(12))


class PaperCard(ButtonBehavior, BoxLayout):
    """One paper in the chooser: a picture of it, big, and its name. A card for one of the
    client's pictures has its `picture_id` instead of a colour and template."""

    colour = StringProperty(PAPER_COLOUR)
    template = StringProperty("", allownone=True)
    picture_id = StringProperty("")
    text = StringProperty("")
    texture = ObjectProperty(None)
    selected = BooleanProperty(False)


class PaperChooser(Chooser):
    """The papers and templates to draw on, as big pictures, and after them the client's
    own pictures from the portfolio; a tap picks one and closes."""

    __events__ = ("on_choose", "on_choose_picture")

    def __init__(self, current: tuple[str, str | None, str | None], pictures: Library, **kwargs):
        super().__init__(**kwargs)
        self.cards = []
        for colour, template, name in PAPER_CHOICES:
            card = PaperCard(
                colour=colour,
                template=template,
                text=_(name),
                texture=image_texture(paper(colour, template, PAPER_THUMBNAIL)),
                selected=(colour, template, None) == current,
            )
            card.bind(on_release=self._chosen)
            self.ids.cards.add_widget(card)
            self.cards.append(card)
        self.picture_cards = []
        for picture in pictures.available()[:MOST_PICTURES_OFFERED]:
            texture = texture_from_file(pictures.thumbnail(picture.id))
            if texture is None:
                continue
            if not self.picture_cards:
                self.ids.cards.add_widget(ChooserHeading(text=_("Or draw on one of your pictures")))
            card = PaperCard(text=picture.title, texture=texture, picture_id=picture.id)
            card.bind(on_release=self._chosen)
            self.ids.cards.add_widget(card)
            self.picture_cards.append(card)

    def _chosen(self, card: PaperCard) -> None:
        self.dismiss(animation=False)
        if card.picture_id:
            self.dispatch("on_choose_picture", card.picture_id)
        else:
            self.dispatch("on_choose", card.colour, card.template)

    def on_choose(self, colour: str, template: str | None):
        pass

    def on_choose_picture(self, picture_id: str):
        pass


class StampCard(widgets.ChoiceButton):
    """One stamp in the chooser: its glyph, big, and its name (`value` is the glyph's)."""


class StampChooser(Chooser):
    """The stamps, category by category; a tap picks one and closes."""

    __events__ = ("on_choose",)

    def __init__(self, current: str = "", **kwargs):
        super().__init__(**kwargs)
        self.cards: list[StampCard] = []
        for group in catalogue():
            self.ids.cards.add_widget(ChooserHeading(text=_(group.name)))
            for stamp in group.stamps:
                card = StampCard(icon=stamp.icon, text=_(stamp.name), selected=stamp.icon == current)
                card.bind(on_release=self._chosen)
                self.ids.cards.add_widget(card)
                self.cards.append(card)

    def _chosen(self, card: StampCard) -> None:
        self.dismiss(animation=False)
        self.dispatch("on_choose", card.icon)

    def on_choose(self, name: str):
        pass


class ColourPicker(Chooser):
    """Every colour as a grid of big swatches (hues by lightness, and greys), after the
    colours used last; a tap picks one and closes."""

    __events__ = ("on_choose",)

    def __init__(self, current: str, recent: list[str], **kwargs):
        super().__init__(**kwargs)
        cards = self.ids.cards
        if recent:
            cards.add_widget(ChooserHeading(text=_("Used last")))
        self.recent_swatches = self._swatches(cards, recent, current)
        if recent:
            cards.add_widget(ChooserHeading(text=_("All the colours")))
        self.grid = GridLayout(cols=PICKER_HUES, spacing=self.gap, size_hint=(None, None))
        self.grid.bind(minimum_size=self.grid.setter("size"))
        cards.add_widget(self.grid)
        self.swatches = self._swatches(self.grid, [colour for row in picker_colours() for colour in row], current)
        cards.bind(width=self._size_swatches)
        self._size_swatches()

    def _swatches(self, box, colours: list[str], current: str) -> list[ColourSwatch]:
        swatches = []
        for colour in colours:
            swatch = ColourSwatch(colour=colour, selected=colour.upper() == current.upper())
            swatch.bind(on_release=self._chosen)
            box.add_widget(swatch)
            swatches.append(swatch)
        return swatches

    def _size_swatches(self, *_args) -> None:
        """As big as lets a row of the grid be one lightness round the whole wheel, up to
        the size of the studio's own swatches; where a finger's width is more than that
        allows (a narrow upright tablet), half the wheel to a row."""
        for columns in (PICKER_HUES, PICKER_HUES // 2):
            side = min(theme.TARGET, (self.ids.cards.width - (columns - 1) * self.gap) / columns)
            if side >= theme.TARGET_SMALL:
                break
        self.grid.cols = columns
        for swatch in self.recent_swatches + self.swatches:
            swatch.size = (side, side)

    def _chosen(self, swatch: ColourSwatch) -> None:
        self.dismiss(animation=False)
        self.dispatch("on_choose", swatch.colour)

    def on_choose(self, colour: str):
        pass


class ClearConfirmation(ModalView):
    """Asks before the whole picture goes: "Keep it" or "Clear"."""

    __events__ = ("on_clear",)

    def on_clear(self):
        pass


class DrawingStudio(BoxLayout):
    """The whole drawing activity on screen: colours, paper, brushes and history tools.

    The host may read `log`, `is_empty`, `can_undo` and `can_redo`, and bind to
    `on_change`, which fires after every finished stroke, undo, redo and clear.
    """

    log = ObjectProperty(None)
    colour = StringProperty(DEFAULT_COLOUR)
    brush_size = OptionProperty(DEFAULT_BRUSH_SIZE, options=tuple(BRUSH_SIZES))
    tool = OptionProperty(DEFAULT_BRUSH, options=PAPER_TOOLS)
    # The brush the eraser was picked up instead of: choosing a colour goes back to it.
    brush = OptionProperty(DEFAULT_BRUSH, options=BRUSHES)
    opacity_choice = NumericProperty(1.0)
    can_undo = BooleanProperty(False)
    can_redo = BooleanProperty(False)
    is_empty = BooleanProperty(True)
    clear_confirmation = ObjectProperty(None, allownone=True)
    paper_chooser = ObjectProperty(None, allownone=True)
    stamp_chooser = ObjectProperty(None, allownone=True)
    colour_picker = ObjectProperty(None, allownone=True)
    # The stamp the stamp tool presses; none until one is chosen.
    stamp = StringProperty("")
    # Read once, when the studio is built (the host's `complexity`).
    complexity = OptionProperty("standard", options=COMPLEXITY_LEVELS)
    # The client's own pictures, offered as paper (the host's `pictures`).
    pictures = ObjectProperty(Library())
    button_scale = NumericProperty(1.0)
    # Taller than wide (an upright tablet): the studio is laid out top to bottom.
    upright = BooleanProperty(False)

    __events__ = ("on_change",)

    def __init__(self, **kwargs):
        kwargs.setdefault("log", DrawingLog())
        super().__init__(**kwargs)
        simple = self.complexity == "simple"
        self.button_scale = SIMPLE_BUTTON_SCALE if simple else 1.0
        colours = [PALETTE[name] for name in SIMPLE_COLOURS] if simple else PALETTE.values()
        self.swatches = [ColourSwatch(colour=colour) for colour in colours]
        for swatch in self.swatches:
            swatch.size = (theme.TARGET * self.button_scale,) * 2
            swatch.bind(on_release=lambda swatch: self.choose_colour(swatch.colour))
            self.ids.swatches.add_widget(swatch)
        self.tool_buttons = [ToolButton(tool=tool, icon=icon, text=_(label)) for tool, (icon, label) in TOOL_BUTTONS.items() if tool in LEVEL_TOOLS[self.complexity]]
        # Inserted before the tray's own buttons (its stamps and opacities), in order.
        before_own = len(self.ids.tray.children)
        for button in self.tool_buttons:
            if simple:
                button.size = (theme.TARGET * 1.3 * self.button_scale,) * 2
            button.bind(on_release=lambda button: self.choose_tool(button.tool))
            self.ids.tray.add_widget(button, index=before_own)
        if self.complexity != "full":
            self.ids.left_column.remove_widget(self.ids.extras)
        if simple:
            self.ids.tray.remove_widget(self.ids.stamp_button)
        # `ids` holds weak references: a button taken off the screen may be collected.
        self.stamp_button = self.ids.stamp_button if not simple else None
        largest = max(BRUSH_SIZES.values())
        self.size_buttons = {
            name: DotButton(value=width, dot_diameter=max(dp(10), dp(44) * width / largest), accessible_name=_(SIZE_NAMES[name]))
            for name, width in BRUSH_SIZES.items()
        }
        for name, button in self.size_buttons.items():
            button.bind(on_release=lambda _button, name=name: self.choose_brush_size(name))
            self.ids.sizes.add_widget(button)
        # Opacity is one choice too many for the simplest studio: its paint is always full.
        backdrop = None if simple else see_through_backdrop()
        self.opacity_buttons = [] if simple else [
            DotButton(value=opacity, dot_diameter=dp(40), backdrop=backdrop, accessible_name=_(OPACITY_NAMES[opacity]))
            for opacity in OPACITIES
        ]
        for button in self.opacity_buttons:
            # Narrow (the standard studio's tray then fits one row of a landscape tablet), and
            # as tall as the brushes beside them.
            button.size = (OPACITY_BUTTON_WIDTH, theme.TARGET * 1.4)
            button.bind(on_release=lambda button: self.choose_opacity(button.value))
            self.ids.opacities.add_widget(button)
        self.ids.paper.bind(on_mark=lambda _paper: self._changed())
        self.bind(size=self._follow_shape, upright=self._follow_shape)
        self.bind(
            colour=self._show_choices, brush_size=self._show_choices, tool=self._show_choices, opacity_choice=self._show_choices
        )
        self.bind(log=lambda *_args: self._changed())
        self._show_choices()
        self._sync_history()

    @property
    def paper(self) -> DrawingCanvas:
        return self.ids.paper

    def _follow_shape(self, *_args) -> None:
        self.upright = self.height > self.width
        # Two columns of colours beside the paper, or two rows of them above it.
        self.ids.swatches.cols = math.ceil(len(self.swatches) / 2) if self.upright else 2

    def choose_colour(self, colour: str) -> None:
        self.colour = colour
        if self.tool == "eraser":
            self.tool = self.brush  # picking a colour means "paint with it", even after erasing

    def choose_tool(self, tool: str) -> None:
        self.tool = tool
        if tool in BRUSHES:
            self.brush = tool

    def choose_brush_size(self, name: str) -> None:
        self.brush_size = name

    def choose_opacity(self, opacity: float) -> None:
        self.opacity_choice = opacity

    def choose_paper(self, colour: str, template: str | None = None) -> None:
        self.paper.end_stroke()
        if self.log.set_background(colour, template):
            self._repaint_and_report()

    def choose_picture(self, picture_id: str) -> None:
        """Draw on one of the client's pictures: it is kept with the drawing, so the
        drawing stays whole even if the picture is later deleted from the portfolio."""
        self.paper.end_stroke()
        try:
            photo = photo_for_paper(self.pictures.read(picture_id), (self.log.width, self.log.height))
        except (LibraryError, PhotoError) as error:
            # Why is for the log: a child only needs to know to choose another.
            log.warning("picture %s cannot be paper: %s", picture_id, error)
            show_message(_("This picture can't be used"), _("Choose another paper or picture."))
            return
        if self.log.set_background(photo=self.log.add_photo(photo)):
            self._repaint_and_report()

    def open_paper_chooser(self) -> None:
        if self.paper_chooser is not None or self.complexity != "full":
            return
        popup = PaperChooser(self.log.paper, self.pictures)
        popup.bind(
            on_choose=lambda _popup, colour, template: self.choose_paper(colour, template),
            on_choose_picture=lambda _popup, picture_id: self.choose_picture(picture_id),
            on_dismiss=self._forget_paper_chooser,
        )
        self.paper_chooser = popup
        popup.open()

    def _forget_paper_chooser(self, _popup) -> None:
        self.paper_chooser = None

    def choose_stamp(self, name: str) -> None:
        """Pick a stamp: the next tap on the paper presses it there."""
        self.paper.end_stroke()
        self.stamp = name
        self.tool = "stamp"

    def open_stamp_chooser(self) -> None:
        if self.stamp_chooser is not None or self.complexity == "simple":
            return
        popup = StampChooser(self.stamp)
        popup.bind(on_choose=lambda _popup, name: self.choose_stamp(name), on_dismiss=self._forget_stamp_chooser)
        self.stamp_chooser = popup
        popup.open()

    def _forget_stamp_chooser(self, _popup) -> None:
        self.stamp_chooser = None

    def open_colour_picker(self) -> None:
        if self.colour_picker is not None or self.complexity != "full":
            return
        popup = ColourPicker(self.colour, recent_colours(self.log))
        popup.bind(on_choose=lambda _popup, colour: self.choose_colour(colour), on_dismiss=self._forget_colour_picker)
        self.colour_picker = popup
        popup.open()

    def _forget_colour_picker(self, _popup) -> None:
        self.colour_picker = None

    def finished_picture(self) -> Image.Image | None:
        """The picture of the whole log as the paper shows it, brought up to date (do not
        change it); None while a stroke is being drawn, which the log has and it has not."""
        if self.log.current_stroke is not None:
            return None
        self.paper.repaint()
        return self.paper.picture

    def fit(self) -> None:
        """Show the whole paper again after zooming in."""
        self.paper.reset_view()

    def undo(self) -> None:
        self.paper.end_stroke()
        if self.log.undo():
            self._repaint_and_report()

    def redo(self) -> None:
        self.paper.end_stroke()
        if self.log.redo():
            self._repaint_and_report()

    def clear(self) -> None:
        self.paper.end_stroke()
        if self.log.clear():
            self._repaint_and_report()

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
        for button in self.tool_buttons:
            button.selected = button.tool == self.tool
        if self.stamp_button is not None:
            self.stamp_button.selected = self.tool == "stamp"
        ink = get_color_from_hex(self.colour if self.tool != "eraser" else "#BBBBBB")
        for name, button in self.size_buttons.items():
            button.selected = name == self.brush_size
            button.dot_colour = ink
        for button in self.opacity_buttons:
            button.selected = button.value == self.opacity_choice
            button.dot_colour = ink[:3] + [button.value]

    def _repaint_and_report(self) -> None:
        self.paper.repaint()
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


load_rules(__name__)
