"""The drawing document and its event log: what was drawn, with what, and when.

The log is the process record therapists look back on, so it keeps everything that
happened (strokes, undos, redos, clears) with times, and the picture is derived from it
by replaying those events. No Kivy here: tests, the renderer and the demo use it without
a window.

Coordinates are document pixels with the origin at the top left, as in image files.

Used by the drawing activity (its studio and saved log) and the story activity (a page's
drawing). Public: plugin authors may use it, and it is covered by the API version.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import math
import random
import time
from dataclasses import dataclass, field
from collections.abc import Callable

from expressive.limits import MAX_PICTURE_PIXELS, MAX_SNAPSHOT_BYTES, load_json_bounded

DOC_WIDTH = 2048
DOC_HEIGHT = 1536
PAPER_COLOUR = "#FFFFFF"

FORMAT_NAME = "expressive-strokes"
# Version 2 added brushes, opacity, how width follows the hand, and a seed per stroke;
# version 3 added fills, backgrounds (papers and templates) and stamps; version 4 photos
# as the paper, carried inside the log so that it replays and restores on its own.
FORMAT_VERSION = 4
READABLE_VERSIONS = (1, 2, 3, 4)

# How each looks is the renderer's business (render.py); the log only names them.
BRUSHES = ("pencil", "marker", "paintbrush", "crayon", "spray", "rainbow")
TOOLS = BRUSHES + ("eraser",)

# What makes a stroke thinner or fainter as it is drawn: the stylus pressure where the
# screen reports it, the finger's speed otherwise; "fixed" is how version 1 drew.
DYNAMICS = ("pressure", "speed", "fixed")

# The opacity steps offered to the client, lightest first.
OPACITIES = (0.25, 0.5, 0.75, 1.0)

# Bright, clearly different colours a child can name, plus the browns and skin tones
# people reach for when drawing themselves and their family.
PALETTE: dict[str, str] = {
    "black": "#222222",
    "grey": "#8C8C8C",
    "red": "#E53935",
    "orange": "#FB8C00",
    "yellow": "#FDD835",
    "light green": "#8BC34A",
    "green": "#2E7D32",
    "light blue": "#4FC3F7",
    "blue": "#1E56C8",
    "purple": "#8E24AA",
    "pink": "#F48FB1",
    "peach": "#F6CBA5",
    "tan": "#C68642",
    "brown": "#7B4A24",
}

# Soft paper colours to draw on: strong colours would fight with the picture.
PAPER_COLOURS: dict[str, str] = {
    "white": PAPER_COLOUR,
    "cream": "#FFF3D6",
    "sky": "#DCEEFB",
    "mint": "#DDF3E4",
    "blush": "#FCE1E4",
    "lilac": "#ECE3F7",
}

# Line-art to colour in or draw on, drawn by the renderer (render.py): the body outline
# is for the feelings body map ("where in your body do you feel it?").
TEMPLATES = ("mandala", "body", "bridge", "house")

# How far (0-255, in any one of red, green and blue) a pixel's colour may be from the
# tapped one and still be filled: enough to fill over paper grain and soft pencil, not
# so much that the fill leaks through a light line.
FILL_TOLERANCE = 48

# Brush widths in document pixels (a full line width, not a radius).
BRUSH_SIZES: dict[str, float] = {"small": 8, "medium": 22, "large": 56}
# Bounds on what a log may ask the renderer for, read or recorded: the cost of a stroke
# grows with its width, and a stamp or paper is drawn at its full size, so a log of a few
# bytes asking for a brush 10 million pixels wide, a stamp 20,000 pixels high or paper of
# 30,000 x 30,000 would take minutes or gigabytes to draw.
MAX_BRUSH_WIDTH = 512  # a quarter of the paper: far wider than any brush the studio offers
# Drawing a stroke costs in proportion to the length of its path, and the spray, which lays
# its dots one by one, about 80 times as much a pixel: a whole drawing may ask for this much
# (about 8 seconds of drawing here). A person never comes near it (it is 50,000 passes across
# the paper, or 1,250,000 pixels of spraying); a crafted log of a few megabytes would take
# minutes. Points past it are not recorded, and a log over it is not read.
MAX_DRAWING_COST = 100_000_000
SPRAY_COST_PER_PIXEL = 80
# The smallest and largest a two-finger pinch may make a stamp, in document pixels.
MIN_STAMP_SIZE = 24.0
MAX_STAMP_SIZE = 2048.0

# x, y in document pixels, pressure 0..1, t in seconds since the drawing began.
Point = tuple[float, float, float, float]


@dataclass
class Stroke:
    """One continuous touch on the paper. An eraser stroke records the paper colour.

    `width` is the brush size chosen (the widest the stroke gets), `opacity` the
    client's choice; `seed` makes the random parts of a brush (the spray's dots) the
    same every time the stroke is drawn.
    """

    tool: str
    colour: str
    width: float
    t: float
    points: list[Point] = field(default_factory=list)
    opacity: float = 1.0
    dynamics: str = "speed"
    seed: int = 0

    def to_json(self) -> dict:
        return {
            "type": "stroke",
            "t": self.t,
            "tool": self.tool,
            "colour": self.colour,
            "width": self.width,
            "opacity": self.opacity,
            "dynamics": self.dynamics,
            "seed": self.seed,
            "points": [list(point) for point in self.points],
        }

    @classmethod
    def from_json(cls, item: dict, version: int) -> Stroke:
        points = [tuple(point) for point in item["points"]]
        known = ("brush", "eraser") if version == 1 else TOOLS
        if item["tool"] not in known:
            raise ValueError(f"tool {item['tool']!r} is not one of {known}")
        if version == 1:
            # Version 1 had one round, solid brush of even width: the marker drawn
            # without dynamics looks the same on white paper.
            tool = "marker" if item["tool"] == "brush" else item["tool"]
            return cls(tool, item["colour"], item["width"], item["t"], points, dynamics="fixed")
        return cls(
            item["tool"], item["colour"], item["width"], item["t"], points,
            opacity=item["opacity"], dynamics=item["dynamics"], seed=item["seed"],
        )


@dataclass
class _Command:
    """A step that changes which strokes are on the paper, rather than adding one."""

    t: float

    def to_json(self) -> dict:
        return {"type": type(self).__name__.lower(), "t": self.t}


class Undo(_Command):
    pass


class Redo(_Command):
    pass


class Clear(_Command):
    pass


class _Action:
    """An event that is all plain fields: saved as they are, with its type's name."""

    def to_json(self) -> dict:
        return {"type": type(self).__name__.lower(), **dataclasses.asdict(self)}

    @classmethod
    def from_json(cls, item: dict):
        return cls(**{name: value for name, value in item.items() if name != "type"})


@dataclass
class Fill(_Action):
    """A tap of the fill bucket: the area around (x, y) of (nearly) the tapped pixel's
    colour is painted, as the picture was at that moment."""

    t: float
    x: float
    y: float
    colour: str
    opacity: float = 1.0
    tolerance: int = FILL_TOLERANCE


@dataclass
class Stamp(_Action):
    """A stamp (a Material Design icon, by name) centred at (x, y): `size` is the
    glyph's em size in document pixels, turned `rotation` degrees anticlockwise."""

    t: float
    name: str
    x: float
    y: float
    size: float
    rotation: float
    colour: str
    opacity: float = 1.0


@dataclass
class Background(_Action):
    """The paper under the picture from now on: a colour, and a template's lines or
    none, or a photo (its id in the log's `photos`) instead of both. Strokes stay where
    they are; the eraser paints this paper back."""

    t: float
    colour: str = PAPER_COLOUR
    template: str | None = None
    photo: str | None = None


# What a picture is made of, oldest at the bottom.
Mark = Stroke | Fill | Stamp
Event = Stroke | Fill | Stamp | Background | Undo | Redo | Clear
_COMMANDS: dict[str, type] = {"undo": Undo, "redo": Redo, "clear": Clear}
_ACTIONS: dict[str, type] = {"fill": Fill, "stamp": Stamp, "background": Background}


class DrawingLog:
    """The event log of one drawing, and the picture it adds up to.

    Undo takes back the last stroke, fill, stamp, background or clear (so undo after
    clear brings the picture back); redo puts it back; anything new drops whatever could
    have been redone. A clear takes away the marks but leaves the paper. Every other
    event ends a stroke that is still being drawn.

    Every method that records an event takes an optional `t`; without it the time is read
    from `clock`, counted from when the log was made.
    """

    def __init__(
        self,
        *,
        width: int = DOC_WIDTH,
        height: int = DOC_HEIGHT,
        background: str = PAPER_COLOUR,
        clock: Callable[[], float] = time.monotonic,
    ):
        _check_paper(width, height)
        self.width = width
        self.height = height
        self.background = background
        self.events: list[Event] = []
        # Photos used as paper, by id: the image file's bytes (see `add_photo`).
        self.photos: dict[str, bytes] = {}
        self._clock = clock
        self._clock_origin = clock()
        self._current: Stroke | None = None
        self._cost = 0.0
        self._undone_before_stroke: list[Mark | Background | Clear] = []
        # Replay state: the actions in effect, and those undone (last on top).
        self._done: list[Mark | Background | Clear] = []
        self._undone: list[Mark | Background | Clear] = []

    # --- recording -------------------------------------------------------------------

    def begin_stroke(
        self,
        tool: str,
        colour: str,
        width: float,
        t: float | None = None,
        *,
        opacity: float = 1.0,
        dynamics: str = "speed",
        seed: int | None = None,
    ) -> Stroke:
        """Start a stroke; without a `seed`, one is picked at random and recorded."""
        _check_stroke(tool, width, opacity, dynamics)
        self.end_stroke()
        paint = self.background if tool == "eraser" else colour
        if seed is None:
            seed = random.randrange(2**31)
        # The stroke is recorded at once, and fills in as points arrive, so that a
        # snapshot taken mid-stroke already shows it.
        self._current = Stroke(tool, paint, width, self._time(t), opacity=opacity, dynamics=dynamics, seed=seed)
        # What could be redone before this stroke, should it be dropped (drop_stroke).
        self._undone_before_stroke = self._undone.copy()
        self._record(self._current)
        return self._current

    def add_point(self, x: float, y: float, pressure: float = 1.0, t: float | None = None) -> None:
        if self._current is None:
            raise RuntimeError("add_point() needs begin_stroke() first")
        point = (round(x, 2), round(y, 2), round(pressure, 3), self._time(t))
        cost = _segment_cost(self._current, self._current.points[-1] if self._current.points else point, point)
        if self._cost + cost > MAX_DRAWING_COST:
            return
        self._cost += cost
        self._current.points.append(point)

    def end_stroke(self) -> None:
        stroke, self._current = self._current, None
        if stroke is not None and not stroke.points:
            # A touch that never reached the paper leaves nothing to keep.
            self.events.pop()
            self._done.pop()

    def drop_stroke(self) -> bool:
        """Take the stroke being drawn out of the log as if it had never begun (no undo
        step: a second finger turned it into a zoom); False when none is being drawn."""
        stroke, self._current = self._current, None
        if stroke is None:
            return False
        # begin_stroke() ends anything before it, and anything after ends it: the
        # stroke in progress is always the last event.
        if self.events and self.events[-1] is stroke:
            self.events.pop()
        if self._done and self._done[-1] is stroke:
            self._done.pop()
        self._undone[:] = self._undone_before_stroke
        return True

    def fill(
        self, x: float, y: float, colour: str, t: float | None = None, *, opacity: float = 1.0, tolerance: int = FILL_TOLERANCE
    ) -> Fill:
        _check_opacity(opacity)
        if not 0 <= tolerance <= 255:
            raise ValueError(f"fill tolerance must be 0 to 255, not {tolerance!r}")
        self.end_stroke()
        fill = Fill(self._time(t), round(x, 2), round(y, 2), colour, opacity, tolerance)
        self._record(fill)
        return fill

    def stamp(
        self,
        name: str,
        x: float,
        y: float,
        size: float,
        colour: str,
        t: float | None = None,
        *,
        rotation: float = 0.0,
        opacity: float = 1.0,
    ) -> Stamp:
        """Press a stamp onto the paper, centred at (x, y)."""
        _check_opacity(opacity)
        _check_stamp_size(size)
        self.end_stroke()
        stamp = Stamp(self._time(t), name, round(x, 2), round(y, 2), round(size, 2), round(rotation % 360, 2), colour, opacity)
        self._record(stamp)
        return stamp

    @property
    def last_stamp(self) -> Stamp | None:
        """The stamp just placed, while it is the last thing that happened (and on the
        paper): the one a two-finger pinch resizes and turns."""
        if self.events and isinstance(self.events[-1], Stamp) and self._done and self._done[-1] is self.events[-1]:
            return self.events[-1]
        return None

    def adjust_stamp(self, size: float, rotation: float) -> Stamp:
        """Give the stamp just placed (`last_stamp`) its final size and rotation: it is
        replaced in the log, so one undo still takes the whole stamp away."""
        old = self.last_stamp
        if old is None:
            raise RuntimeError("adjust_stamp() needs a stamp as the last event")
        _check_stamp_size(size)
        new = dataclasses.replace(old, size=round(size, 2), rotation=round(rotation % 360, 2))
        self.events[-1] = new
        self._done[-1] = new
        return new

    def set_background(
        self, colour: str = PAPER_COLOUR, template: str | None = None, t: float | None = None, *, photo: str | None = None
    ) -> bool:
        """Put different paper under the picture; does nothing when it is that paper already.
        A `photo` is the id `add_photo` gave, and replaces the colour and template."""
        if template is not None and template not in TEMPLATES:
            raise ValueError(f"template {template!r} is not one of {TEMPLATES}")
        if photo is not None:
            if photo not in self.photos:
                raise ValueError(f"photo {photo!r} was not added to this drawing")
            colour, template = self.background, None
        self.end_stroke()
        if (colour, template, photo) == self.paper:
            return False
        self._record(Background(self._time(t), colour, template, photo))
        return True

    def add_photo(self, data: bytes) -> str:
        """Keep an image file's bytes with the drawing, to be used as paper; returns its id
        (the same bytes always get the same id, so adding one twice keeps one copy)."""
        photo_id = hashlib.sha256(data).hexdigest()[:16]
        self.photos[photo_id] = bytes(data)
        return photo_id

    def undo(self, t: float | None = None) -> bool:
        self.end_stroke()
        if not self.can_undo:
            return False
        self._record(Undo(self._time(t)))
        return True

    def redo(self, t: float | None = None) -> bool:
        self.end_stroke()
        if not self.can_redo:
            return False
        self._record(Redo(self._time(t)))
        return True

    def clear(self, t: float | None = None) -> bool:
        """Clear the picture (an undoable step); does nothing when it is already clear."""
        self.end_stroke()
        if not self.visible_marks():
            return False
        self._record(Clear(self._time(t)))
        return True

    def _time(self, t: float | None) -> float:
        return round(self._clock() - self._clock_origin if t is None else t, 3)

    def _record(self, event: Event) -> None:
        self.events.append(event)
        if isinstance(event, Undo):
            self._undone.append(self._done.pop())
        elif isinstance(event, Redo):
            self._done.append(self._undone.pop())
        else:
            self._done.append(event)
            self._undone.clear()

    # --- the picture -----------------------------------------------------------------

    @property
    def current_stroke(self) -> Stroke | None:
        """The stroke being drawn right now, if any."""
        return self._current

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def is_empty(self) -> bool:
        """True when nothing is on the paper (but the paper): no marks, or only eraser strokes."""
        return all(isinstance(mark, Stroke) and mark.tool == "eraser" for mark in self.visible_marks())

    @property
    def duration(self) -> float:
        """Seconds from the start of the drawing to its last recorded moment."""
        if not self.events:
            return 0.0
        last = self.events[-1]
        return last.points[-1][3] if isinstance(last, Stroke) and last.points else last.t

    @property
    def paper(self) -> tuple[str, str | None, str | None]:
        """The paper the picture is on now: its colour, its template or None, and its
        photo's id or None."""
        for action in reversed(self._done):
            if isinstance(action, Background):
                return action.colour, action.template, action.photo
        return self.background, None, None

    def visible_marks(self) -> list[Mark]:
        """The strokes, fills and stamps on the paper now, oldest first (what a clear
        leaves is nothing)."""
        visible: list[Mark] = []
        for action in self._done:
            if isinstance(action, Clear):
                visible.clear()
            elif not isinstance(action, Background):
                visible.append(action)
        return visible

    def timeline(self) -> list[Mark | Background | Clear]:
        """The actions undo and redo move along: those in effect, oldest first, then those
        redo would bring back, next first. An action not in it never comes back."""
        return self._done + self._undone[::-1]

    def visible_strokes(self) -> list[Stroke]:
        """The strokes on the paper now, oldest first."""
        return [mark for mark in self.visible_marks() if isinstance(mark, Stroke)]

    # --- the file format -------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT_NAME,
                "version": FORMAT_VERSION,
                "width": self.width,
                "height": self.height,
                "background": self.background,
                "photos": {photo_id: base64.b64encode(data).decode("ascii") for photo_id, data in self.photos.items()},
                "events": [event.to_json() for event in self.events],
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes, *, clock: Callable[[], float] = time.monotonic) -> DrawingLog:
        """Load a log saved by `to_json` (this version or an older one); its clock
        carries on from the last event."""
        data = load_json_bounded(text, max_bytes=MAX_SNAPSHOT_BYTES, what="The drawing's log")
        version = data.get("version") if isinstance(data, dict) else None
        if not isinstance(data, dict) or data.get("format") != FORMAT_NAME or version not in READABLE_VERSIONS:
            raise ValueError(
                f"not an {FORMAT_NAME} file of version {' or '.join(map(str, READABLE_VERSIONS))} "
                f"(format {data.get('format') if isinstance(data, dict) else type(data).__name__!r}, version {version!r})"
            )
        log = cls(width=data["width"], height=data["height"], background=data["background"], clock=clock)
        log.photos = {photo_id: base64.b64decode(text, validate=True) for photo_id, text in data.get("photos", {}).items()}
        for number, item in enumerate(data["events"]):
            kind = item.get("type")
            if kind == "stroke":
                stroke = Stroke.from_json(item, version)
                _check_stroke(stroke.tool, stroke.width, stroke.opacity, stroke.dynamics)
                log._cost += sum(_segment_cost(stroke, a, b) for a, b in zip(stroke.points, stroke.points[1:]))
                if log._cost > MAX_DRAWING_COST:
                    raise ValueError(
                        f"event {number}: the drawing's strokes are longer than Expressive draws "
                        f"({MAX_DRAWING_COST:,} pixels of path, a sprayed pixel counting {SPRAY_COST_PER_PIXEL})"
                    )
                log._record(stroke)
            elif kind in _COMMANDS:
                replayable = {"undo": log.can_undo, "redo": log.can_redo}.get(kind, True)
                if not replayable:
                    raise ValueError(f"event {number}: nothing to {kind}")
                log._record(_COMMANDS[kind](item["t"]))
            elif kind in _ACTIONS and version >= 3:
                action = _ACTIONS[kind].from_json(item)
                if isinstance(action, Stamp):
                    _check_opacity(action.opacity)
                    _check_stamp_size(action.size)
                if isinstance(action, Background) and action.photo is not None and action.photo not in log.photos:
                    raise ValueError(f"event {number}: the photo {action.photo!r} is not in the file")
                log._record(action)
            else:
                raise ValueError(f"event {number}: unknown type {kind!r}")
        log._clock_origin = clock() - log.duration
        return log


def _segment_cost(stroke: Stroke, start: Point, end: Point) -> float:
    length = math.dist(start[:2], end[:2])
    return length * SPRAY_COST_PER_PIXEL if stroke.tool == "spray" else length


def _check_paper(width: int, height: int) -> None:
    if not all(isinstance(side, int) and not isinstance(side, bool) and side > 0 for side in (width, height)):
        raise ValueError(f"the paper's size must be whole numbers of pixels, not {width!r} x {height!r}")
    if width * height > MAX_PICTURE_PIXELS:
        raise ValueError(
            f"the paper is {width} x {height} pixels; the most Expressive draws on is "
            f"{MAX_PICTURE_PIXELS / 1_000_000:g} million pixels"
        )


def _check_stroke(tool: str, width: float, opacity: float, dynamics: str) -> None:
    if tool not in TOOLS:
        raise ValueError(f"tool {tool!r} is not one of {TOOLS}")
    if isinstance(width, bool) or not isinstance(width, (int, float)) or not 0 < width <= MAX_BRUSH_WIDTH:
        raise ValueError(f"stroke width must be above 0 and at most {MAX_BRUSH_WIDTH:g} pixels, not {width!r}")
    _check_opacity(opacity)
    if dynamics not in DYNAMICS:
        raise ValueError(f"dynamics {dynamics!r} is not one of {DYNAMICS}")


def _check_stamp_size(size: float) -> None:
    if isinstance(size, bool) or not isinstance(size, (int, float)) or not 0 < size <= MAX_STAMP_SIZE:
        raise ValueError(f"stamp size must be above 0 and at most {MAX_STAMP_SIZE:g} pixels, not {size!r}")


def _check_opacity(opacity: float) -> None:
    if not 0 < opacity <= 1:
        raise ValueError(f"opacity must be above 0 and at most 1, not {opacity!r}")
