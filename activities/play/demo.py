"""A believable sandtray for the demo portfolio and the screenshots, built as a child might
build it over about three minutes: a house, then a river pushed through the sand, trees, a
fence, a family, a dragon half buried by the water, something placed and taken away again,
a change of mind undone, and a heart last. No Kivy here.

Each variant builds another world of the same kind (mirrored, another family, another
sand), so that the demo client's trays differ from session to session.
"""

from __future__ import annotations

import math

from expressive.activities.play.tray import TRAY_HEIGHT, TRAY_WIDTH, TrayLog
from expressive.lib.figures import FigureLibrary

# Touch events a second while a finger drags, as a tablet reports them (thinned).
DRAG_STEPS_PER_SECOND = 12
# The families of the variants, by figure id.
FAMILIES = (
    ("man", "woman", "girl", "boy"),
    ("woman", "older-person", "child", "baby", "dog"),
    ("man-medium-dark-skin", "woman-medium-dark-skin", "girl-medium-dark-skin", "cat"),
)
SAND_COLOURS = ("golden", "golden", "pale")


class _Builder:
    """Records a child's hands into a log: drags from the shelf, moves, turns, burials,
    with the time running on as they go."""

    def __init__(self, log: TrayLog, library: FigureLibrary, mirrored: bool):
        self.log, self.library, self.mirrored = log, library, mirrored
        self.t = 0.0

    def _x(self, x: float) -> float:
        return TRAY_WIDTH - x if self.mirrored else x

    def wait(self, seconds: float) -> None:
        self.t += seconds

    def _known(self, name: str) -> str:
        key = f"noto:{name}"
        figure = self.library.get(key)
        if figure is None:
            raise ValueError(f"the demo tray needs the shipped figure {name!r}")
        self.log.figures.setdefault(key, {"name": figure.name, "category": figure.category, "source": "noto"})
        return key

    def drag_in(self, name: str, x: float, y: float, *, scale: float = 1.0, angle: float = 0.0,
                seconds: float = 1.2) -> int:
        """A figure dragged from the shelf (at the tray's right edge) to `x`, `y`: one action."""
        key = self._known(name)
        self.log.begin_action(self.t)
        start = (self._x(TRAY_WIDTH - 60), TRAY_HEIGHT / 2)
        figure_id = self.log.place(key, *start, self.t, scale=scale, angle=angle)
        self._glide(figure_id, start, (self._x(x), y), seconds)
        return figure_id

    def move(self, figure_id: int, x: float, y: float, *, seconds: float = 0.8) -> None:
        state = self.log.state_at(None).figures[figure_id]
        self.log.begin_action(self.t)
        self._glide(figure_id, (state.x, state.y), (self._x(x), y), seconds)

    def _glide(self, figure_id: int, start, end, seconds: float) -> None:
        steps = max(2, round(seconds * DRAG_STEPS_PER_SECOND))
        for step in range(1, steps + 1):
            share = step / steps
            eased = share * share * (3 - 2 * share)  # a hand speeds up and slows down
            self.t += seconds / steps
            self.log.move(figure_id, start[0] + (end[0] - start[0]) * eased, start[1] + (end[1] - start[1]) * eased,
                          self.t)

    def turn(self, figure_id: int, angle: float, *, scale: float | None = None, seconds: float = 0.8) -> None:
        """Two fingers turning (and perhaps sizing) the figure where it stands: one action."""
        before = self.log.state_at(None).figures[figure_id]
        self.log.begin_action(self.t)
        steps = max(2, round(seconds * DRAG_STEPS_PER_SECOND))
        wanted = before.scale if scale is None else scale
        for step in range(1, steps + 1):
            share = step / steps
            self.t += seconds / steps
            self.log.transform(figure_id, before.x, before.y, before.angle + angle * share,
                               before.scale + (wanted - before.scale) * share, self.t)

    def bury(self, figure_id: int, buried: float, *, seconds: float = 1.5) -> None:
        self.log.begin_action(self.t)
        steps = max(2, round(seconds * DRAG_STEPS_PER_SECOND))
        for step in range(1, steps + 1):
            self.t += seconds / steps
            self.log.bury(figure_id, buried * step / steps, self.t)

    def push(self, points: list[tuple[float, float]], radius: float, *, seconds: float = 2.0) -> None:
        """A finger drawn through the sand along `points`, in pieces as touches arrive: one action."""
        self.log.begin_action(self.t)
        pieces = max(1, round(seconds * 4))
        per_piece = max(2, math.ceil(len(points) / pieces) + 1)
        for first in range(0, len(points) - 1, per_piece - 1):
            self.t += seconds / pieces
            self.log.push_sand([(self._x(x), y) for x, y in points[first:first + per_piece]], radius, self.t)

    def smooth(self, points: list[tuple[float, float]], radius: float) -> None:
        self.log.begin_action(self.t)
        self.t += 1.0
        self.log.smooth_sand([(self._x(x), y) for x, y in points], radius, self.t)

    def tap(self, change, *args) -> None:
        self.t += 0.6
        change(*args, self.t)


def _river(variant: int) -> list[tuple[float, float]]:
    """A winding river from the top of the tray to its bottom, left of the middle."""
    points = []
    for step in range(25):
        y = -40 + (TRAY_HEIGHT + 80) * step / 24
        points.append((760 + 170 * math.sin(step / 24 * math.pi * (2 + variant % 2)), y))
    return points


def demo_log(variant: int = 0) -> TrayLog:
    """A finished world, different for each `variant` (any whole number)."""
    library = FigureLibrary.load()
    log = TrayLog(sand_colour=SAND_COLOURS[variant % len(SAND_COLOURS)])
    hands = _Builder(log, library, mirrored=variant % 2 == 1)
    family = FAMILIES[variant % len(FAMILIES)]

    hands.wait(3.0)
    house = hands.drag_in("house", 1500, 470, scale=1.6, seconds=1.5)
    hands.wait(6.0)
    river = _river(variant)
    hands.push(river, 70, seconds=3.0)
    hands.wait(2.0)
    hands.push([(x + 40, y) for x, y in river[8:18]], 60, seconds=1.5)  # wider in the middle
    hands.wait(5.0)
    for number, (x, y) in enumerate([(260, 300), (430, 220), (300, 560), (1850, 250), (1900, 1250)]):
        hands.drag_in("evergreen-tree" if number % 2 == 0 else "tree", x, y, scale=1.2 + 0.1 * (number % 3))
        hands.wait(1.5 + number % 2)
    hands.wait(6.0)
    for number in range(4):
        hands.drag_in("barrier", 1250 + 150 * number, 760, scale=0.75, seconds=0.9)
        hands.wait(1.0)
    hands.wait(8.0)
    people = []
    for number, name in enumerate(family):
        people.append(hands.drag_in(name, 1200 + 175 * number, 1040 + 50 * (number % 2), scale=0.9 + 0.1 * (number < 2)))
        hands.wait(2.5)
    hands.move(people[-1], 1180, 1180)  # the smallest wanders off a little
    hands.wait(3.0)
    hands.turn(people[0], 20)
    hands.wait(10.0)
    hands.drag_in("logs", 780 + 170 * math.sin(math.pi * (2 + variant % 2) * 12 / 24), 770, scale=1.3)  # a bridge
    hands.wait(12.0)
    dragon = hands.drag_in("dragon", 560, 1150, scale=1.5, seconds=1.6)
    hands.wait(4.0)
    hands.turn(dragon, -25, scale=1.8)
    hands.wait(6.0)
    hands.bury(dragon, 0.5, seconds=2.5)
    hands.wait(9.0)
    ghost = hands.drag_in("ghost", 1600, 1250)
    hands.wait(7.0)
    hands.tap(log.remove, ghost)  # taken away again
    hands.wait(5.0)
    hands.drag_in("racing-car", 1000, 300)
    hands.wait(3.0)
    hands.tap(log.undo)  # not that after all
    hands.wait(4.0)
    hands.smooth([(x + 120, y) for x, y in river[18:23]], 90)
    hands.wait(8.0)
    sun = hands.drag_in("sun", 1000, 150, scale=1.1)
    hands.tap(log.to_back, sun)
    hands.wait(14.0)
    heart = hands.drag_in("red-heart", 1800, 600, scale=0.8, seconds=1.4)
    hands.wait(3.0)
    hands.turn(heart, 0, scale=1.1)
    hands.tap(log.to_front, house)
    return log
