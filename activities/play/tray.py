"""The sandtray and its log: every figure placed, moved, turned, buried and taken away, and
every push of the sand, with its time. No Kivy here: the studio, the renderer, the viewer
and the tests use it without a window.

The tray is a fixed logical surface of TRAY_WIDTH x TRAY_HEIGHT pixels, origin top left,
y down (as in Pillow). The sand is a grid of depths, 0.0 where the blue water shows to 1.0
where the sand is full; it starts full.

Changes are grouped in actions: one gesture (a drag, a two-finger turn) is one action, and
undo takes back a whole action. Every event records the number of its action, so the log
can be folded again from the start (a replay) into exactly the state the studio showed.

The file (`to_json`) is a header, {"format": "expressive-sandtray", "version": 1, "width",
"height", "shape", "sand_colour", "prompt", "figures": {key: {"name", "category", "source"}}},
and "events", each {"type", "t", "action", ...}: place (id, figure, x, y, scale, angle),
move (id, x, y), turn (id, angle), resize (id, scale), transform (id, x, y, angle, scale),
flip, front, back, remove (id), bury (id, buried), push and smooth (points, radius), shape
(shape), colour (colour); undo and redo name the action they take back or do again.
"""

from __future__ import annotations

import dataclasses
import json
import math
from bisect import bisect_right
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np

from expressive.api.i18n import N_, _
from expressive.api.limits import MAX_LOG_BYTES, MAX_PROMPT_CHARS, is_finite_number, load_json_bounded

TRAY_WIDTH = 2048
TRAY_HEIGHT = 1536
# A figure's longest side at scale 1, in tray pixels.
FIGURE_SIZE = 192
SAND_COLUMNS = 128
SAND_ROWS = 96
CELL_SIZE = TRAY_WIDTH / SAND_COLUMNS  # square cells: 16 tray pixels

SHAPES = ("rectangle", "oval", "square")
SAND_COLOURS = ("golden", "pale", "dark", "red")

FORMAT_NAME = "expressive-sandtray"
FORMAT_VERSION = 1

# What a figure may be made: smaller than a fingertip, or larger than half the tray, helps nobody.
MIN_SCALE = 0.25
MAX_SCALE = 5.0
# A sand tool's radius in tray pixels: from a fingertip to a whole hand.
MIN_SAND_RADIUS = 8.0
MAX_SAND_RADIUS = 256.0

# Bounds on what a log may hold, read or recorded: each figure is drawn in every picture
# of the tray, and each sand segment costs the cells under it, so a log of a few bytes
# asking for a million figures or a million sweeps of the whole tray would take minutes.
# A person never comes near them: a busy hour places a few hundred figures.
# A child dragging figures without a pause records 60 moves a second: an hour of it is
# 216,000 changes, about 16 MB of log. Changes past it are not recorded (see TrayLog).
MAX_EVENTS = 300_000
MAX_PLACED = 5_000  # figures placed in one tray, taken away or not
MAX_ON_TRAY = 500  # figures on the tray at one time
MAX_POINTS_PER_EVENT = 256
# Sand cells swept by all pushes and smoothings together (the area of each segment's
# bounding box, in cells, and SEGMENT_WORK more for each segment, which costs about as
# much again to fold however small it is): 400 sweeps of the whole tray, or 150,000 tiny
# segments, about three seconds of folding. A finger pushing sand without a pause for a
# quarter of an hour comes near it (measured: 89 a segment at 60 a second).
SEGMENT_WORK = 32
MAX_SAND_WORK = 400 * SAND_COLUMNS * SAND_ROWS
# The longest a tray's log runs, in seconds: a tray left open all day.
MAX_TRAY_SECONDS = 24 * 3600
# Action numbers only name actions (a gesture begun and left empty uses one up too).
MAX_ACTION_NUMBER = 2**31 - 1
MAX_FIGURE_KEY_CHARS = 100
MAX_FIGURE_NAME_CHARS = 1000  # a therapist's figure is named after its file

# Smoothing raises the sand this share of the way back to full under the middle of the tool.
SMOOTH_STRENGTH = 0.35

PLACE, MOVE, TURN, RESIZE, TRANSFORM = "place", "move", "turn", "resize", "transform"
FLIP, FRONT, BACK, BURY, REMOVE = "flip", "front", "back", "bury", "remove"
PUSH, SMOOTH, SHAPE, COLOUR, UNDO, REDO = "push", "smooth", "shape", "colour", "undo", "redo"
# Changes a tap makes (as opposed to steps of a gesture): each is an action of its own
# unless it joins a gesture that has just begun (a figure dragged from the shelf is placed
# and then moved, one action).
_TAPS = frozenset({PLACE, FLIP, FRONT, BACK, REMOVE, SHAPE, COLOUR})
_FIGURE_FIELDS = {
    PLACE: ("id", "figure", "x", "y", "scale", "angle"),
    MOVE: ("id", "x", "y"),
    TURN: ("id", "angle"),
    RESIZE: ("id", "scale"),
    TRANSFORM: ("id", "x", "y", "angle", "scale"),
    FLIP: ("id",),
    FRONT: ("id",),
    BACK: ("id",),
    BURY: ("id", "buried"),
    REMOVE: ("id",),
}
_MOVES = frozenset({MOVE, TURN, RESIZE, TRANSFORM})


@dataclass
class PlacedFigure:
    """One figure in the tray. `x`, `y` is its centre in tray pixels, `angle` in degrees
    counter-clockwise, `buried` the share of it under the sand (0 to 1), `layer` its
    place in the stack (higher is drawn later, in front)."""

    id: int
    figure: str
    x: float
    y: float
    angle: float = 0.0
    scale: float = 1.0
    flipped: bool = False
    buried: float = 0.0
    layer: int = 0
    removed: bool = False
    placed_at: float = 0.0


@dataclass
class TrayState:
    """The tray at one moment: every figure placed and not undone (by id, taken-away ones
    kept with `removed`), the sand's depth grid (SAND_ROWS x SAND_COLUMNS), its shape and colour."""

    figures: dict[int, PlacedFigure]
    sand: np.ndarray
    shape: str
    sand_colour: str

    def figures_in_order(self) -> list[PlacedFigure]:
        """The figures on the tray (not taken away), back to front."""
        return sorted((placed for placed in self.figures.values() if not placed.removed), key=lambda placed: placed.layer)

    def copy(self) -> TrayState:
        return TrayState({number: dataclasses.replace(placed) for number, placed in self.figures.items()},
                         self.sand.copy(), self.shape, self.sand_colour)


@dataclass
class _Action:
    number: int
    events: list[dict] = field(default_factory=list)
    # How to take it back: (what, saved) pairs in the order they were saved, restored last first.
    saved: list[tuple] = field(default_factory=list)


class _Fold:
    """The tray state that a run of events leads to, with the actions undo and redo move
    along. The live log keeps one up to date event by event; a replay folds a new one."""

    def __init__(self, shape: str, sand_colour: str) -> None:
        self.state = TrayState({}, np.ones((SAND_ROWS, SAND_COLUMNS), dtype=np.float32), shape, sand_colour)
        self.actions: dict[int, _Action] = {}
        self.done: list[int] = []
        self.undone: list[int] = []
        self.used: set[int] = set()  # every action number used, undone and dropped ones too
        self.next_id = 1
        self.placed = 0
        self.sand_work = 0
        self.applied = 0  # events folded so far

    def on_tray(self) -> int:
        return sum(not placed.removed for placed in self.state.figures.values())

    def check(self, event: dict) -> None:
        """Raise ValueError in plain words if `event` cannot follow the events so far."""
        kind, number = event["type"], event["action"]
        if kind == UNDO:
            if not self.done or self.done[-1] != number:
                raise ValueError(f"an undo names action {number}, but the last action done is "
                                 f"{self.done[-1] if self.done else 'none'}")
            return
        if kind == REDO:
            if not self.undone or self.undone[-1] != number:
                raise ValueError(f"a redo names action {number}, but the next action to redo is "
                                 f"{self.undone[-1] if self.undone else 'none'}")
            return
        if number in self.used and (number not in self.actions or number in self.undone):
            raise ValueError(f"action {number} was undone, so nothing more can join it")
        if kind == PLACE:
            if event["id"] != self.next_id:
                raise ValueError(f"a figure is placed as number {event['id']}, not the next number {self.next_id}")
            if self.placed >= MAX_PLACED or self.on_tray() >= MAX_ON_TRAY:
                raise ValueError(f"more figures are placed than a tray holds ({MAX_ON_TRAY} at once, {MAX_PLACED} in all)")
        elif kind in _FIGURE_FIELDS:
            placed = self.state.figures.get(event["id"])
            if placed is None or placed.removed:
                raise ValueError(f"figure {event['id']} is not on the tray")
        elif kind in (PUSH, SMOOTH) and self.sand_work + _sand_work(event) > MAX_SAND_WORK:
            raise ValueError("the sand is pushed and smoothed more than Expressive replays")

    def apply(self, event: dict) -> None:
        """Fold one checked event into the state."""
        self.applied += 1
        kind, number = event["type"], event["action"]
        if kind == UNDO:
            action = self.actions[self.done.pop()]
            for what, saved in reversed(action.saved):
                self._restore(what, saved)
            action.saved.clear()
            self.undone.append(action.number)
            return
        if kind == REDO:
            action = self.actions[self.undone.pop()]
            self.done.append(action.number)
            for step in action.events:
                self._change(step, action)
            return
        for dropped in self.undone:  # a new change: what was undone can no longer come back
            del self.actions[dropped]
        self.undone.clear()
        if number not in self.used:
            self.used.add(number)
            self.actions[number] = _Action(number)
            self.done.append(number)
        action = self.actions[number]
        action.events.append(event)
        self._change(event, action)

    def _change(self, event: dict, action: _Action) -> None:
        kind, state = event["type"], self.state
        if kind in (PUSH, SMOOTH):
            self.sand_work += _sand_work(event)
            _sweep(state.sand, event["points"], event["radius"], kind == PUSH, action.saved)
            return
        if kind == SHAPE:
            action.saved.append((SHAPE, state.shape))
            state.shape = event["shape"]
            return
        if kind == COLOUR:
            action.saved.append((COLOUR, state.sand_colour))
            state.sand_colour = event["colour"]
            return
        figure_id = event["id"]
        before = state.figures.get(figure_id)
        action.saved.append((figure_id, None if before is None else dataclasses.replace(before)))
        if kind == PLACE:
            self.placed += 1
            self.next_id = max(self.next_id, figure_id + 1)
            state.figures[figure_id] = PlacedFigure(
                figure_id, event["figure"], event["x"], event["y"], event["angle"], event["scale"],
                layer=self._top_layer() + 1, placed_at=event["t"])
            return
        placed = state.figures[figure_id]
        for name in ("x", "y", "angle", "scale", "buried"):
            if name in event:
                setattr(placed, name, event[name])
        if kind == FLIP:
            placed.flipped = not placed.flipped
        elif kind == FRONT:
            placed.layer = self._top_layer() + 1
        elif kind == BACK:
            placed.layer = min(other.layer for other in state.figures.values()) - 1
        elif kind == REMOVE:
            placed.removed = True

    def _top_layer(self) -> int:
        return max((placed.layer for placed in self.state.figures.values()), default=0)

    def _restore(self, what, saved) -> None:
        state = self.state
        if what == SHAPE:
            state.shape = saved
        elif what == COLOUR:
            state.sand_colour = saved
        elif isinstance(what, tuple):  # a block of sand: (top, bottom, left, right)
            top, bottom, left, right = what
            state.sand[top:bottom, left:right] = saved
        elif saved is None:
            del state.figures[what]
            self.placed -= 1
        else:
            state.figures[what] = saved


def _segments(points: list) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    return [(points[0], points[0])] if len(points) == 1 else list(zip(points, points[1:]))


def _segment_box(start, end, radius: float) -> tuple[int, int, int, int]:
    """The rows and columns (top, bottom, left, right; ends excluded) a round tool of
    `radius` touches on its way from `start` to `end`, within the grid."""
    left = max(0, math.floor((min(start[0], end[0]) - radius) / CELL_SIZE))
    right = min(SAND_COLUMNS, math.ceil((max(start[0], end[0]) + radius) / CELL_SIZE))
    top = max(0, math.floor((min(start[1], end[1]) - radius) / CELL_SIZE))
    bottom = min(SAND_ROWS, math.ceil((max(start[1], end[1]) + radius) / CELL_SIZE))
    return top, bottom, left, right


def _sand_work(event: dict) -> int:
    work = 0
    for start, end in _segments(event["points"]):
        top, bottom, left, right = _segment_box(start, end, event["radius"])
        work += max(0, bottom - top) * max(0, right - left) + SEGMENT_WORK
    return work


def _sweep(sand: np.ndarray, points: list, radius: float, push: bool, saved: list) -> None:
    """Push the sand aside (or smooth it back) under a round tool drawn along `points`.
    Each segment is taken whole, by each cell's distance from it, so a fast finger whose
    points lie far apart leaves an unbroken furrow."""
    for start, end in _segments(points):
        top, bottom, left, right = _segment_box(start, end, radius)
        if bottom <= top or right <= left:
            continue
        block = sand[top:bottom, left:right]
        saved.append(((top, bottom, left, right), block.copy()))
        xs = (np.arange(left, right, dtype=np.float32) + 0.5) * CELL_SIZE
        ys = (np.arange(top, bottom, dtype=np.float32) + 0.5) * CELL_SIZE
        distance = _distance_to_segment(xs[None, :], ys[:, None], start, end)
        # 1 over the inner half of the tool, falling smoothly to 0 at its edge.
        reach = np.clip(2.0 * (1.0 - distance / radius), 0.0, 1.0)
        reach = reach * reach * (3.0 - 2.0 * reach)
        if push:
            np.minimum(block, 1.0 - reach, out=block)
        else:
            block += (1.0 - block) * (SMOOTH_STRENGTH * reach)


def _distance_to_segment(xs: np.ndarray, ys: np.ndarray, start, end) -> np.ndarray:
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    length_squared = dx * dx + dy * dy
    if length_squared == 0:
        return np.hypot(xs - x0, ys - y0)
    along = np.clip(((xs - x0) * dx + (ys - y0) * dy) / length_squared, 0.0, 1.0)
    return np.hypot(xs - (x0 + along * dx), ys - (y0 + along * dy))


class TrayLog:
    """A sandtray as it is built: its look, and every change with its time `t` in seconds
    since the tray opened. Each change method records events and folds them into the
    live state at once, so `state_at(None)` costs a copy, not a replay.

    Actions: `begin_action(t)` starts one (at a finger's touch down) and returns its
    number; later changes join the current action until the next one begins, or an undo or
    redo. A change may name its gesture with `action=` (two children dragging at once,
    each gesture begun with its own begin_action); a gesture whose action is undone while
    it goes on carries on as one new action. A tap
    (place, flip, to_front, to_back, remove, set_shape, set_sand_colour) is an action of
    its own unless the current action has just begun and holds nothing yet.

    Changes to a figure not on the tray raise ValueError; so do numbers out of range.
    Once the log `is_full`, changes are no longer recorded.
    """

    def __init__(self, *, width: int = TRAY_WIDTH, height: int = TRAY_HEIGHT, shape: str = "rectangle",
                 sand_colour: str = "golden", prompt: str | None = None) -> None:
        if (width, height) != (TRAY_WIDTH, TRAY_HEIGHT):
            raise ValueError(f"a tray is {TRAY_WIDTH} x {TRAY_HEIGHT} pixels, not {width!r} x {height!r}")
        _check_choice(shape, SHAPES, "tray shape")
        _check_choice(sand_colour, SAND_COLOURS, "sand colour")
        if prompt is not None and (not isinstance(prompt, str) or len(prompt) > MAX_PROMPT_CHARS):
            raise ValueError(f"the prompt must be text of at most {MAX_PROMPT_CHARS} characters")
        self.width, self.height = width, height
        # The look the tray opened with; `state_at()` gives it at any moment since.
        self.shape, self.sand_colour, self.prompt = shape, sand_colour, prompt
        # What is known of each figure used, by its key: {"name", "category", "source"}, so
        # that a tray names its figures years later, when the library has changed.
        self.figures: dict[str, dict[str, str]] = {}
        self.events: list[dict] = []
        self._live = _Fold(shape, sand_colour)
        self._current: int | None = None  # the action changes join; None after an undo or redo
        self._handed_out = 0  # the highest action number begin_action has given
        # A gesture whose action was undone while it went on carries on as a new action.
        self._carried_on: dict[int, int] = {}
        self._replay: _Fold | None = None  # the last fold a replay asked for, to go on from

    # --- actions -------------------------------------------------------------------

    def begin_action(self, t: float) -> int:
        """Start a new action (a gesture) at `t`; returns its number."""
        self._time(t)
        self._handed_out += 1
        self._current = self._handed_out
        return self._current

    def _action_for(self, kind: str, action: int | None, t: float) -> int:
        live = self._live
        if action is not None:
            action = self._carried_on.get(action, action)
            in_effect = action in live.actions and action not in live.undone
            if in_effect or (action not in live.used and 0 < action <= self._handed_out):
                return action
            self._carried_on[action] = self.begin_action(t)
            return self._carried_on[action]
        current = self._current
        just_begun = current is not None and current not in live.used
        if current is None or (kind in _TAPS and not just_begun):
            return self.begin_action(t)
        return current

    def _record(self, change: dict, action: int | None) -> bool:
        """Record and fold one change; False (nothing recorded) once the log is full."""
        kind, t = change.pop("type"), self._time(change.pop("t"))
        if self.is_full:
            if kind == PLACE:
                raise ValueError(f"a tray's log holds at most {MAX_EVENTS:,} changes: no more figures can be placed")
            return False
        command = kind in (UNDO, REDO)  # names the action it takes back or does again
        # The same order of fields as a log read back, so that writing it again gives the same text.
        event = {"type": kind, "t": t, "action": action if command else self._action_for(kind, action, t), **change}
        self._live.check(event)
        self.events.append(event)
        self._live.apply(event)
        if command:
            self._current = None
        return True

    def _time(self, t: float) -> float:
        if not is_finite_number(t) or t < 0:
            raise ValueError(f"a time must be a number of seconds from 0, not {t!r}")
        # Touches can come from several sources: the log keeps its times in order. A tray
        # left open for longer than a day carries on, its times stopped at the day's end.
        return max(round(min(float(t), MAX_TRAY_SECONDS), 3), self.duration)

    # --- figures ---------------------------------------------------------------------

    def place(self, figure_key: str, x: float, y: float, t: float, *, scale: float = 1.0, angle: float = 0.0,
              action: int | None = None) -> int:
        """Put a figure (a `Figure.key`) on the tray with its centre at `x`, `y`; returns
        the new figure's id."""
        if not isinstance(figure_key, str) or not 0 < len(figure_key) <= MAX_FIGURE_KEY_CHARS:
            raise ValueError(f"a figure's key must be text of 1 to {MAX_FIGURE_KEY_CHARS} characters")
        figure_id = self._live.next_id
        self._record({"type": PLACE, "t": t, "id": figure_id, "figure": figure_key, **_where(x, y),
                      "scale": _scale(scale), "angle": _angle(angle)}, action)
        return figure_id

    def move(self, figure_id: int, x: float, y: float, t: float, *, action: int | None = None) -> None:
        self._record({"type": MOVE, "t": t, "id": figure_id, **_where(x, y)}, action)

    def turn(self, figure_id: int, angle: float, t: float, *, action: int | None = None) -> None:
        self._record({"type": TURN, "t": t, "id": figure_id, "angle": _angle(angle)}, action)

    def resize(self, figure_id: int, scale: float, t: float, *, action: int | None = None) -> None:
        self._record({"type": RESIZE, "t": t, "id": figure_id, "scale": _scale(scale)}, action)

    def transform(self, figure_id: int, x: float, y: float, angle: float, scale: float, t: float, *,
                  action: int | None = None) -> None:
        """One step of a two-finger gesture: where the figure is, how it is turned and how big."""
        self._record({"type": TRANSFORM, "t": t, "id": figure_id, **_where(x, y), "angle": _angle(angle),
                      "scale": _scale(scale)}, action)

    def flip(self, figure_id: int, t: float, *, action: int | None = None) -> None:
        """Mirror the figure left to right (again: back)."""
        self._record({"type": FLIP, "t": t, "id": figure_id}, action)

    def to_front(self, figure_id: int, t: float, *, action: int | None = None) -> None:
        self._record({"type": FRONT, "t": t, "id": figure_id}, action)

    def to_back(self, figure_id: int, t: float, *, action: int | None = None) -> None:
        self._record({"type": BACK, "t": t, "id": figure_id}, action)

    def bury(self, figure_id: int, buried: float, t: float, *, action: int | None = None) -> None:
        """Bury the figure: `buried` is the share of it under the sand, 0 (none) to 1 (all)."""
        if not is_finite_number(buried) or not 0 <= buried <= 1:
            raise ValueError(f"the share buried must be 0 to 1, not {buried!r}")
        self._record({"type": BURY, "t": t, "id": figure_id, "buried": round(float(buried), 4)}, action)

    def remove(self, figure_id: int, t: float, *, action: int | None = None) -> None:
        """Take the figure off the tray (it stays in the log, and the replay shows it go)."""
        self._record({"type": REMOVE, "t": t, "id": figure_id}, action)

    @property
    def can_place(self) -> bool:
        """Whether another figure fits: a tray holds MAX_ON_TRAY at once, MAX_PLACED in all."""
        return self._live.placed < MAX_PLACED and self._live.on_tray() < MAX_ON_TRAY and not self.is_full

    @property
    def is_full(self) -> bool:
        """Whether the log holds MAX_EVENTS changes, the most it keeps: further changes
        are not recorded (undo and redo return False), and placing raises ValueError."""
        return len(self.events) >= MAX_EVENTS

    # --- sand and tray ---------------------------------------------------------------

    def push_sand(self, points: list[tuple[float, float]], radius: float, t: float, *, action: int | None = None) -> bool:
        """Push the sand aside under a round tool of `radius` drawn along `points` (tray
        pixels), showing the water. False (and nothing recorded) once the log holds as much
        sand work as it may (MAX_SAND_WORK)."""
        return self._sand(PUSH, points, radius, t, action)

    def smooth_sand(self, points: list[tuple[float, float]], radius: float, t: float, *, action: int | None = None) -> bool:
        """Level the sand gently back toward full along `points`; False as push_sand."""
        return self._sand(SMOOTH, points, radius, t, action)

    def _sand(self, kind: str, points, radius: float, t: float, action: int | None) -> bool:
        event = {"type": kind, "t": t, "points": _points(points), "radius": _radius(radius)}
        if self._live.sand_work + _sand_work(event) > MAX_SAND_WORK:
            return False
        return self._record(event, action)

    def set_shape(self, shape: str, t: float, *, action: int | None = None) -> None:
        _check_choice(shape, SHAPES, "tray shape")
        self._record({"type": SHAPE, "t": t, "shape": shape}, action)

    def set_sand_colour(self, colour: str, t: float, *, action: int | None = None) -> None:
        _check_choice(colour, SAND_COLOURS, "sand colour")
        self._record({"type": COLOUR, "t": t, "colour": colour}, action)

    # --- undo and redo ---------------------------------------------------------------

    def undo(self, t: float) -> bool:
        """Take back the last action done, whole; False when there is none."""
        if not self.can_undo():
            return False
        return self._record({"type": UNDO, "t": t}, self._live.done[-1])

    def redo(self, t: float) -> bool:
        """Do again the last action undone; False when there is none (a new change after an
        undo ends what can be redone)."""
        if not self.can_redo():
            return False
        return self._record({"type": REDO, "t": t}, self._live.undone[-1])

    def can_undo(self) -> bool:
        return bool(self._live.done)

    def can_redo(self) -> bool:
        return bool(self._live.undone)

    # --- reading it back -------------------------------------------------------------

    @property
    def duration(self) -> float:
        """Seconds from the tray's opening to its last recorded change."""
        return self.events[-1]["t"] if self.events else 0.0

    def state_at(self, t: float | None = None) -> TrayState:
        """The tray as it was at `t` seconds (every event up to and including `t` folded),
        or now when `t` is None. A copy: changing it changes nothing here."""
        if t is None:
            return self._live.state.copy()
        count = bisect_right(self.events, t, key=itemgetter("t"))
        fold = self._replay
        if fold is None or fold.applied > count:
            fold = _Fold(self.shape, self.sand_colour)
        for event in self.events[fold.applied:count]:
            fold.apply(event)
        self._replay = fold
        return fold.state.copy()

    def done_actions(self) -> set[int]:
        """The numbers of the actions in effect now (done and not undone)."""
        return set(self._live.done)

    # --- the file format -------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "width": self.width,
            "height": self.height,
            "shape": self.shape,
            "sand_colour": self.sand_colour,
            "prompt": self.prompt,
            "figures": self.figures,
            "events": self.events,
        }, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> TrayLog:
        """A log saved by `to_json`. Bounded before it is decoded, and checked event by
        event: ValueError (in plain words, naming what is wrong) on any damage."""
        # Every event, and each figure the log names, is an object, and the log itself.
        data = load_json_bounded(text, max_bytes=MAX_LOG_BYTES, what=N_("The sandtray's log"),
                                 max_objects=MAX_EVENTS + MAX_PLACED + 1)
        if not isinstance(data, dict) or data.get("format") != FORMAT_NAME or data.get("version") != FORMAT_VERSION:
            raise ValueError(f"this is not a sandtray log ({FORMAT_NAME}, version {FORMAT_VERSION})")
        _check_keys(data, {"format", "version", "width", "height", "shape", "sand_colour", "prompt", "figures", "events"},
                    "the log")
        prompt = data["prompt"]
        if prompt is not None and not isinstance(prompt, str):
            raise ValueError("the log's prompt is not text")
        log = cls(width=data["width"], height=data["height"], shape=data["shape"], sand_colour=data["sand_colour"],
                  prompt=prompt)
        log.figures = _checked_figures(data["figures"])
        events = data["events"]
        if not isinstance(events, list) or len(events) > MAX_EVENTS:
            raise ValueError(f"the log's events are not a list of at most {MAX_EVENTS:,}")
        for number, item in enumerate(events):
            try:
                event = _checked_event(item, log.duration)
                log._live.check(event)
            except (ValueError, TypeError, KeyError) as error:
                raise ValueError(f"event {number} of the sandtray's log is damaged: {error}") from None
            log.events.append(event)
            log._live.apply(event)
        log._handed_out = max(log._live.used, default=0)
        return log


# Where a figure stands, by thirds of the tray: [row][column], top row first.
_WHERE = (
    (N_("top left"), N_("top"), N_("top right")),
    (N_("left"), N_("middle"), N_("right")),
    (N_("bottom left"), N_("bottom"), N_("bottom right")),
)


@dataclass
class FigureFacts:
    """What the viewer lists about one figure of a tray: its `name` (as the log or the
    library knows it, untranslated), `where` it stands in words (translated), its place
    in the order of placing (1 is first), the share `buried`, whether it was `removed`,
    and how many gestures `moved` it (moves, turns and resizes; one drag is one)."""

    id: int
    figure: str
    name: str
    where: str
    order: int
    first: bool
    last: bool
    buried: float
    removed: bool
    moved: int


def tray_summary(log: TrayLog, names: dict[str, str] | None = None) -> list[FigureFacts]:
    """Facts about every figure of the finished tray (taken-away ones too), in the order
    they were placed. `names` maps figure keys to names where the log's own list lacks one."""
    state = log.state_at(None)
    in_effect = log.done_actions()
    moved: dict[int, set[int]] = {}
    # The drag that brought a figure from the shelf placed it; it did not move it.
    placing = {event["id"]: event["action"] for event in log.events if event["type"] == "place"}
    for event in log.events:
        if event["type"] in _MOVES and event["action"] in in_effect and event["action"] != placing.get(event["id"]):
            moved.setdefault(event["id"], set()).add(event["action"])
    ordered = sorted(state.figures.values(), key=lambda placed: (placed.placed_at, placed.id))
    facts = []
    for order, placed in enumerate(ordered, start=1):
        row = min(2, int(3 * placed.y / TRAY_HEIGHT))
        column = min(2, int(3 * placed.x / TRAY_WIDTH))
        name = log.figures.get(placed.figure, {}).get("name") or (names or {}).get(placed.figure) or placed.figure
        facts.append(FigureFacts(placed.id, placed.figure, name, _(_WHERE[row][column]), order, order == 1,
                                 order == len(ordered), placed.buried, placed.removed, len(moved.get(placed.id, ()))))
    return facts



# --- checking numbers ----------------------------------------------------------------


def _number(value, low: float, high: float, what: str) -> float:
    if not is_finite_number(value) or not low <= value <= high:
        raise ValueError(f"{what} must be a number from {low:g} to {high:g}, not {value!r}")
    return float(value)


def _where(x: float, y: float) -> dict:
    # A figure's centre stays on the tray, so that it can always be picked up again.
    if not (is_finite_number(x) and is_finite_number(y)):
        raise ValueError(f"a figure's place must be two numbers, not {x!r}, {y!r}")
    return {"x": round(min(max(float(x), 0.0), TRAY_WIDTH), 2), "y": round(min(max(float(y), 0.0), TRAY_HEIGHT), 2)}


def _angle(angle: float) -> float:
    if not is_finite_number(angle):
        raise ValueError(f"an angle must be a number, not {angle!r}")
    return round(float(angle) % 360.0, 3)


def _scale(scale: float) -> float:
    return round(_number(scale, MIN_SCALE, MAX_SCALE, "a figure's scale"), 4)


def _radius(radius: float) -> float:
    return _number(radius, MIN_SAND_RADIUS, MAX_SAND_RADIUS, "the sand tool's radius")


def _points(points) -> list[list[float]]:
    if not isinstance(points, (list, tuple)) or not 0 < len(points) <= MAX_POINTS_PER_EVENT:
        raise ValueError(f"a sand stroke has 1 to {MAX_POINTS_PER_EVENT} points")
    checked = []
    for point in points:
        if not isinstance(point, (list, tuple)) or len(point) != 2:
            raise ValueError("a point of a sand stroke is not two numbers")
        # A finger may slide past the tray's edge: the tool then touches only the cells under it.
        checked.append([round(_number(point[0], -MAX_SAND_RADIUS, TRAY_WIDTH + MAX_SAND_RADIUS, "x"), 2),
                        round(_number(point[1], -MAX_SAND_RADIUS, TRAY_HEIGHT + MAX_SAND_RADIUS, "y"), 2)])
    return checked


def _check_choice(value, choices: tuple[str, ...], what: str) -> None:
    if value not in choices:
        raise ValueError(f"the {what} must be one of {', '.join(choices)}, not {value!r}")


def _check_keys(item: dict, keys: set[str], what: str) -> None:
    if set(item) != keys:
        missing, extra = sorted(keys - set(item)), sorted(set(item) - keys)
        raise ValueError(f"{what} lacks {missing}" if missing else f"{what} has unknown fields {extra}")


def _checked_figures(figures) -> dict[str, dict[str, str]]:
    if not isinstance(figures, dict) or len(figures) > MAX_PLACED:
        raise ValueError("the log's list of figures is damaged")
    for key, facts in figures.items():
        if len(key) > MAX_FIGURE_KEY_CHARS or not isinstance(facts, dict) or not all(
                isinstance(value, str) and len(value) <= MAX_FIGURE_NAME_CHARS for value in facts.values()):
            raise ValueError(f"the log's facts about figure {key[:MAX_FIGURE_KEY_CHARS]!r} are damaged")
    return figures


def _checked_event(item, after: float) -> dict:
    """A copy of a decoded event with its fields checked and its numbers in range."""
    if not isinstance(item, dict):
        raise ValueError("it is not a record")
    kind = item.get("type")
    fields = {UNDO: (), REDO: (), PUSH: ("points", "radius"), SMOOTH: ("points", "radius"), SHAPE: ("shape",),
              COLOUR: ("colour",), **_FIGURE_FIELDS}.get(kind)
    if fields is None:
        raise ValueError(f"its type {str(kind)[:40]!r} is not one Expressive knows")
    _check_keys(item, {"type", "t", "action", *fields}, f"a {kind} event")
    t = _number(item["t"], 0, MAX_TRAY_SECONDS, "its time")
    if t < after:
        raise ValueError(f"its time {t:g} s comes before the event before it ({after:g} s)")
    action = item["action"]
    if not isinstance(action, int) or isinstance(action, bool) or not 0 < action <= MAX_ACTION_NUMBER:
        raise ValueError(f"its action {action!r} is not a number from 1 to {MAX_ACTION_NUMBER}")
    event = {"type": kind, "t": t, "action": action}
    if "id" in fields:
        figure_id = item["id"]
        if not isinstance(figure_id, int) or isinstance(figure_id, bool):
            raise ValueError(f"its figure number {figure_id!r} is not a whole number")
        event["id"] = figure_id
    if "figure" in fields:
        key = item["figure"]
        if not isinstance(key, str) or not 0 < len(key) <= MAX_FIGURE_KEY_CHARS:
            raise ValueError("its figure's key is not short text")
        event["figure"] = key
    if "x" in fields:
        event["x"] = _number(item["x"], 0, TRAY_WIDTH, "x")
        event["y"] = _number(item["y"], 0, TRAY_HEIGHT, "y")
    if "angle" in fields:
        event["angle"] = _number(item["angle"], 0, 360, "the angle")
    if "scale" in fields:
        event["scale"] = _scale(item["scale"])
    if "buried" in fields:
        event["buried"] = _number(item["buried"], 0, 1, "the share buried")
    if "points" in fields:
        event["points"] = _points(item["points"])
        event["radius"] = _radius(item["radius"])
    if "shape" in fields:
        _check_choice(item["shape"], SHAPES, "tray shape")
        event["shape"] = item["shape"]
    if "colour" in fields:
        _check_choice(item["colour"], SAND_COLOURS, "sand colour")
        event["colour"] = item["colour"]
    # In the order the live log writes them, so that a log read back writes the same text.
    return {"type": kind, "t": t, "action": action, **{name: event[name] for name in fields}}
