"""The jar itself: which marbles went in, in what order, and its picture. No Kivy here,
so the model is tested without a window and the picture is the same on screen and saved."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

# One colour per feeling, as the client names them; only the index is stored.
COLOURS: tuple[tuple[int, int, int], ...] = (
    (231, 76, 60),    # red
    (243, 156, 18),   # orange
    (241, 196, 15),   # yellow
    (46, 204, 113),   # green
    (52, 152, 219),   # blue
    (155, 89, 182),   # purple
)
# A jar holds this many marbles; a full jar is finished work, not an error.
CAPACITY = 54
MARBLES_PER_ROW = 6
PICTURE_SIZE = (480, 640)


@dataclass
class Jar:
    marbles: list[int] = field(default_factory=list)

    @property
    def is_full(self) -> bool:
        return len(self.marbles) >= CAPACITY

    def add(self, colour: int) -> bool:
        """Drop one marble of `colour` in; False when the jar is already full."""
        if not 0 <= colour < len(COLOURS):
            raise ValueError(f"there is no colour {colour}")
        if self.is_full:
            return False
        self.marbles.append(colour)
        return True

    def take_back(self) -> None:
        if self.marbles:
            self.marbles.pop()

    def to_json(self) -> bytes:
        return json.dumps({"marbles": self.marbles}).encode()

    @classmethod
    def from_json(cls, document: object) -> Jar:
        """A jar from its decoded JSON, refusing anything that is not one."""
        marbles = document.get("marbles") if isinstance(document, dict) else None
        if not isinstance(marbles, list) or len(marbles) > CAPACITY or not all(
            isinstance(colour, int) and 0 <= colour < len(COLOURS) for colour in marbles
        ):
            raise ValueError("this is not a colour jar")
        return cls(list(marbles))

    def counts(self) -> list[int]:
        return [self.marbles.count(colour) for colour in range(len(COLOURS))]


def marble_boxes(count: int, size: tuple[int, int] = PICTURE_SIZE) -> list[tuple[float, float, float]]:
    """Centre and radius of each of the first `count` marbles, filling the jar from the
    bottom up; shared by the screen and the saved picture."""
    width, height = size
    radius = width / (MARBLES_PER_ROW * 2 + 4)
    left = (width - MARBLES_PER_ROW * 2 * radius) / 2 + radius
    bottom = height - radius * 2
    return [(left + (index % MARBLES_PER_ROW) * 2 * radius, bottom - (index // MARBLES_PER_ROW) * 2 * radius, radius * 0.9)
            for index in range(count)]


def render(jar: Jar, size: tuple[int, int] = PICTURE_SIZE) -> Image.Image:
    """The jar as a picture: glass outline and the marbles in the order they went in."""
    picture = Image.new("RGB", size, (252, 250, 245))
    draw = ImageDraw.Draw(picture)
    width, height = size
    margin = width / (MARBLES_PER_ROW * 2 + 4)
    draw.rounded_rectangle((margin, margin * 2, width - margin, height - margin / 2), radius=margin,
                           outline=(120, 144, 156), width=max(2, width // 120))
    for colour, (x, y, radius) in zip(jar.marbles, marble_boxes(len(jar.marbles), size), strict=True):
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=COLOURS[colour])
    return picture
