"""Example drawings for a newcomer's demo portfolio, made the way a child makes them.

Each picture is built as a stroke log (with a wobbly hand, plausible speed, pauses to
pick a colour and a brush, and even a mistake taken back with undo), so the demo shows
the process record as well as the product.

Used by the drawing activity's demo and the story activity's demo story (a page's
drawing). Public: plugin authors may use it, and it is covered by the API version. No
Kivy here.
"""

from __future__ import annotations

import math
import random

from expressive.lib.drawing.strokes import BRUSH_SIZES, PALETTE, DrawingLog

Path = list[tuple[float, float]]

GROUND_Y = 1320


class _Hand:
    """Draws paths into a log as a hand would: a little wobble and a steady speed."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.log = DrawingLog(clock=lambda: 0.0)
        self.t = 0.0

    def stroke(self, path: Path, colour: str, size: str = "medium", brush: str = "marker") -> None:
        self.t += self.rng.uniform(0.6, 2.2)  # looking, choosing the next colour
        seed = self.rng.randrange(2**31)
        self.log.begin_stroke(brush, PALETTE[colour], BRUSH_SIZES[size], t=self.t, seed=seed)
        drift_x = drift_y = 0.0
        for x, y in _resample(path, spacing=10):
            # A slowly wandering offset looks hand-made; independent jitter looks like noise.
            drift_x = 0.9 * drift_x + self.rng.gauss(0, 1.5)
            drift_y = 0.9 * drift_y + self.rng.gauss(0, 1.5)
            self.t += self.rng.uniform(0.012, 0.02)
            self.log.add_point(x + drift_x, y + drift_y, self.rng.uniform(0.6, 1.0), t=self.t)
        self.log.end_stroke()

    def change_mind(self, path: Path, colour: str) -> None:
        self.stroke(path, colour)
        self.t += self.rng.uniform(0.8, 1.5)
        self.log.undo(t=self.t)


def _resample(corners: Path, spacing: float) -> Path:
    """Points every `spacing` pixels along the straight runs between `corners`."""
    points = [corners[0]]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:]):
        steps = max(1, round(math.dist((x0, y0), (x1, y1)) / spacing))
        points += [(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps) for i in range(1, steps + 1)]
    return points


def _circle(cx: float, cy: float, radius: float, turns: float = 1.08) -> Path:
    count = max(12, round(2 * math.pi * radius * turns / 12))
    return [
        (cx + radius * math.cos(2 * math.pi * turns * i / count), cy + radius * math.sin(2 * math.pi * turns * i / count))
        for i in range(count + 1)
    ]


def _scribble(cx: float, cy: float, radius: float, gap: float) -> Path:
    """Back-and-forth colouring in of a disc."""
    path = []
    rows = int(2 * radius / gap)
    for row in range(rows + 1):
        y = cy - radius + row * gap
        half = math.sqrt(max(0.0, radius**2 - (y - cy) ** 2))
        ends = [(cx - half, y), (cx + half, y)]
        path += ends if row % 2 == 0 else ends[::-1]
    return path


def _wave(x0: float, x1: float, y: float, height: float, length: float) -> Path:
    count = round((x1 - x0) / 12)
    return [(x0 + (x1 - x0) * i / count, y + height * math.sin(2 * math.pi * (x1 - x0) * i / count / length)) for i in range(count + 1)]


def _closed(corners: Path) -> Path:
    return corners + corners[:1]


def _sun(hand: _Hand, cx: float, cy: float) -> None:
    hand.stroke(_circle(cx, cy, 130), "orange")
    hand.stroke(_scribble(cx, cy, 105, gap=30), "yellow", "large", "paintbrush")
    for ray in range(8):
        angle = 2 * math.pi * ray / 8 + 0.3
        inner, outer = 175, 260
        hand.stroke(
            [(cx + inner * math.cos(angle), cy + inner * math.sin(angle)), (cx + outer * math.cos(angle), cy + outer * math.sin(angle))],
            "orange",
            brush="rainbow",
        )


def _grass(hand: _Hand) -> None:
    hand.stroke(_wave(40, 2010, GROUND_Y, 18, 260), "green", "large", "crayon")
    for x in range(120, 2000, 170):
        hand.stroke([(x - 25, GROUND_Y + 90), (x, GROUND_Y + 40), (x + 25, GROUND_Y + 90)], "light green", "medium", "pencil")


def _house(hand: _Hand) -> None:
    _grass(hand)
    left, right, top, bottom = 520, 1180, 780, GROUND_Y
    hand.stroke(_closed([(left, top), (right, top), (right, bottom), (left, bottom)]), "red")
    hand.change_mind([(left + 40, 600), (left + 10, 700)], "black")
    hand.stroke(_closed([(left - 60, top), ((left + right) / 2, 440), (right + 60, top)]), "brown", "large", "crayon")
    hand.stroke(_closed([(780, 1060), (920, 1060), (920, bottom), (780, bottom)]), "brown")
    for window_x in (600, 1000):
        hand.stroke(_closed([(window_x, 880), (window_x + 110, 880), (window_x + 110, 990), (window_x, 990)]), "blue")
        hand.stroke([(window_x + 55, 880), (window_x + 55, 990)], "blue", "medium", "pencil")
        hand.stroke([(window_x, 935), (window_x + 110, 935)], "blue", "medium", "pencil")
    _sun(hand, 1680, 330)
    # Someone standing beside the house.
    hand.stroke(_circle(1560, 930, 55), "tan")
    hand.stroke([(1560, 990), (1560, 1170)], "purple")
    hand.stroke([(1480, 1060), (1560, 1030), (1640, 1060)], "purple")
    hand.stroke([(1500, GROUND_Y - 20), (1560, 1170), (1620, GROUND_Y - 20)], "purple")


def _flowers(hand: _Hand) -> None:
    _grass(hand)
    for number, x in enumerate((360, 760, 1180, 1600)):
        head_y = hand.rng.uniform(620, 900)
        hand.stroke([(x, GROUND_Y), (x + 15, (GROUND_Y + head_y) / 2), (x, head_y)], "green")
        hand.stroke([(x + 8, 1120), (x + 90, 1060), (x + 8, 1150)], "light green", "large", "crayon")
        petals = hand.rng.choice(["red", "pink", "purple", "orange", "blue"])
        for petal in range(6):
            angle = 2 * math.pi * petal / 6
            hand.stroke(_circle(x + 85 * math.cos(angle), head_y + 85 * math.sin(angle), 48), petals, "large", "paintbrush")
        hand.stroke(_scribble(x, head_y, 40, gap=26), "yellow", "large", "crayon")
        if number == 1:
            hand.change_mind([(x - 200, 300), (x - 100, 380)], "grey")
    hand.stroke(_closed([(1500, 260), (1560, 180), (1660, 170), (1740, 230), (1820, 210), (1880, 280), (1800, 340), (1540, 340)]), "light blue", "large", "spray")
    _sun(hand, 300, 260)


def _sea(hand: _Hand) -> None:
    for row, y in enumerate((1000, 1130, 1260, 1390)):
        hand.stroke(_wave(20, 2030, y, 26, 220 + 30 * row), "blue" if row % 2 else "light blue", "large", "paintbrush")
    hand.stroke(_closed([(700, 940), (1340, 940), (1230, 1070), (800, 1070)]), "brown", "large", "crayon")
    hand.stroke([(1020, 940), (1020, 540)], "brown", "medium", "pencil")
    hand.stroke(_closed([(1040, 570), (1040, 900), (1290, 900)]), "red")
    hand.change_mind([(300, 700), (420, 760)], "black")
    for x, y in ((420, 380), (620, 300), (1500, 420)):
        hand.stroke([(x - 60, y - 30), (x, y), (x + 60, y - 30)], "black", "medium", "pencil")
    _sun(hand, 1720, 280)


_SCENES = (_house, _flowers, _sea)


def demo_log(variant: int) -> DrawingLog:
    """A child-like picture (a house, a flower garden or the sea), different per variant."""
    hand = _Hand(seed=variant)
    _SCENES[variant % len(_SCENES)](hand)
    return hand.log
