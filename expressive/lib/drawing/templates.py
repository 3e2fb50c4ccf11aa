"""The paper a picture is drawn on: plain colours, line-art templates drawn with Pillow,
and photos from the client's portfolio.

Templates are drawn here from code rather than shipped as image files, so that they are
exactly the same on every device and at any document size, and the saved log only names
them. No Kivy here: the renderer (render.py) uses this for the screen and the PNG alike,
and the drawing activity's studio offers the papers and photos. Public: plugin authors
may use it, and it is covered by the API version.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageOps

from expressive.lib.drawing.strokes import DOC_HEIGHT, DOC_WIDTH, DrawingLog
from expressive.limits import InputRefused, open_picture_bounded

# A soft dark grey: clear to follow, and a black marker still stands out against it.
LINE_COLOUR = "#5A5A64"
# Line width in document pixels at the standard 2048x1536.
LINE_WIDTH = 9
# Lines are drawn this many times larger and scaled down, which smooths their edges.
OVERSAMPLE = 2


# A photo kept as paper is stored at the drawing's size as JPEG of this quality: a
# photo compresses to a tenth of PNG's size, and the log carries it in every autosave.
PHOTO_QUALITY = 88


class PhotoError(ValueError):
    """A picture cannot be used as paper; the message says why in plain words."""


def paper_image(log: DrawingLog) -> Image.Image:
    """The paper the log's picture is on now, at the document's size (do not change it:
    it is shared)."""
    colour, template, photo = log.paper
    if photo is not None:
        return photo_paper(photo, log.photos[photo], (log.width, log.height))
    return paper(colour, template, (log.width, log.height))


def photo_for_paper(data: bytes, size: tuple[int, int]) -> bytes:
    """An image file made ready to draw on: turned upright, cut to the paper's shape from
    its middle, scaled to `size`, and stored as JPEG."""
    try:
        with open_picture_bounded(data) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except InputRefused as refusal:
        if refusal.reason in ("not-a-picture", "damaged"):
            raise PhotoError("This picture could not be opened, so it cannot be used as paper.") from refusal
        raise PhotoError(str(refusal)) from refusal
    fitted = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    fitted.save(out, format="JPEG", quality=PHOTO_QUALITY)
    return out.getvalue()


@lru_cache(maxsize=4)
def photo_paper(photo_id: str, data: bytes, size: tuple[int, int]) -> Image.Image:
    """A photo kept with a drawing, as paper at `size` (shared: do not change it)."""
    with open_picture_bounded(data) as opened:
        image = opened.convert("RGB")
    return image if image.size == size else ImageOps.fit(image, size, Image.Resampling.LANCZOS)


@lru_cache(maxsize=8)
def paper(colour: str, template: str | None, size: tuple[int, int]) -> Image.Image:
    """Paper of `colour` with `template`'s lines on it (None: plain), RGB at `size`."""
    image = Image.new("RGB", size, colour)
    if template is not None:
        image.paste(LINE_COLOUR, (0, 0), template_lines(template, size))
    return image


def template_lines(template: str, size: tuple[int, int]) -> Image.Image:
    """A template's lines as a mask (255 is line), smooth-edged, at `size`."""
    big = Image.new("L", (size[0] * OVERSAMPLE, size[1] * OVERSAMPLE), 0)
    draw = ImageDraw.Draw(big)
    # Drawn on the standard document's coordinates, scaled to the size asked for.
    scale = OVERSAMPLE * min(size[0] / DOC_WIDTH, size[1] / DOC_HEIGHT)
    _DRAWINGS[template](_Pen(draw, scale, round(LINE_WIDTH * scale)))
    return big.resize(size, Image.Resampling.LANCZOS)


class _Pen:
    """ImageDraw in standard document coordinates, with the template line width."""

    def __init__(self, draw: ImageDraw.ImageDraw, scale: float, width: int):
        self.draw, self.scale, self.width = draw, scale, width

    def _xy(self, points):
        return [(x * self.scale, y * self.scale) for x, y in points]

    def line(self, points, closed: bool = False) -> None:
        points = self._xy(points + points[:1] if closed else points)
        self.draw.line(points, fill=255, width=self.width, joint="curve")
        # Round ends: a dot of the line's width at each end.
        for x, y in (points[0], points[-1]):
            r = self.width / 2
            self.draw.ellipse((x - r, y - r, x + r, y + r), fill=255)

    def circle(self, cx: float, cy: float, radius: float) -> None:
        s = self.scale
        self.draw.ellipse(((cx - radius) * s, (cy - radius) * s, (cx + radius) * s, (cy + radius) * s), outline=255, width=self.width)

    def arc(self, cx: float, cy: float, rx: float, ry: float, start: float, end: float, steps: int = 48) -> list:
        """Points on an elliptic arc (degrees, clockwise on the page from 3 o'clock)."""
        return [
            (cx + rx * math.cos(math.radians(start + (end - start) * i / steps)), cy + ry * math.sin(math.radians(start + (end - start) * i / steps)))
            for i in range(steps + 1)
        ]


def _mandala(pen: _Pen) -> None:
    """Rings, spokes and petals round the middle of the page: to colour in from the centre out."""
    cx, cy = DOC_WIDTH / 2, DOC_HEIGHT / 2
    for radius in (90, 250, 420, 640):
        pen.circle(cx, cy, radius)
    for i in range(12):
        angle = 2 * math.pi * i / 12
        pen.line([(cx + 90 * math.cos(angle), cy + 90 * math.sin(angle)), (cx + 250 * math.cos(angle), cy + 250 * math.sin(angle))])
        # A petal between the second and third rings, and a round one in the outer band.
        mid = angle + math.pi / 12
        tip = (cx + 420 * math.cos(mid), cy + 420 * math.sin(mid))
        left = (cx + 250 * math.cos(angle), cy + 250 * math.sin(angle))
        right = (cx + 250 * math.cos(angle + math.pi / 6), cy + 250 * math.sin(angle + math.pi / 6))
        pen.line([left, tip, right])
        pen.circle(cx + 530 * math.cos(mid), cy + 530 * math.sin(mid), 75)


def _body(pen: _Pen) -> None:
    """A person standing facing us, arms a little out: the feelings body map."""
    cx = DOC_WIDTH / 2
    pen.circle(cx, 250, 130)
    # One side of the outline from the neck down round the arm and leg to the crotch;
    # the other side is its mirror image.
    side = [
        (40, 378), (40, 440), (200, 470), (250, 520), (400, 840), (370, 870), (310, 870),
        (195, 620), (180, 640), (180, 900), (150, 1420), (160, 1460), (30, 1460), (25, 1000), (0, 980),
    ]
    left = [(cx - dx, y) for dx, y in side]
    right = [(cx + dx, y) for dx, y in reversed(side)]
    pen.line(left + right)


def _bridge(pen: _Pen) -> None:
    """An arched bridge over a river between two banks: going from here to there."""
    pen.line([(0, 860), (404, 860), (480, 960), (480, 1536)])  # the left bank
    pen.line([(2048, 860), (1644, 860), (1568, 960), (1568, 1536)])  # the right bank
    pen.line(pen.arc(1024, 960, 544, 280, 180, 360))  # the arch underneath
    pen.line(pen.arc(1024, 860, 620, 300, 180, 360))  # the deck
    rail = pen.arc(1024, 740, 620, 300, 180, 360, steps=12)
    pen.line(rail)
    deck = pen.arc(1024, 860, 620, 300, 180, 360, steps=12)
    for top, bottom in zip(rail[1:-1], deck[1:-1]):
        pen.line([top, bottom])  # the posts of the railing
    for y in (1180, 1300, 1420):
        pen.line([(600 + 80 * i, y + (24 if i % 2 else -24)) for i in range(11)])  # water


def _house(pen: _Pen) -> None:
    """A house with a door, windows and a chimney, on the ground: home, family."""
    pen.line([(0, 1320), (2048, 1320)])  # the ground
    # The roof is a closed triangle and the walls hang from its base, so that each can be
    # filled on its own.
    pen.line([(540, 780), (1024, 360), (1508, 780)], closed=True)
    pen.line([(620, 780), (620, 1320)])
    pen.line([(1428, 780), (1428, 1320)])
    pen.line([(1220, 530), (1220, 380), (1320, 380), (1320, 617)])  # the chimney, down to the roof
    pen.line([(940, 1320), (940, 1040), (1108, 1040), (1108, 1320)])  # the door
    for left in (710, 1218):
        pen.line([(left, 880), (left + 130, 880), (left + 130, 1010), (left, 1010)], closed=True)
        pen.line([(left + 65, 880), (left + 65, 1010)])
        pen.line([(left, 945), (left + 130, 945)])


_DRAWINGS = {"mandala": _mandala, "body": _body, "bridge": _bridge, "house": _house}
