"""The backdrops of the puppet stage, painted with Pillow (no Kivy, no files to ship): a
theatre with curtains, a forest, inside a house, a night sky, the sea shore and a plain
one; and a client's own drawing made into a backdrop. Each is STAGE_SIZE, RGB, painted the
same every time (its randomness is seeded), so a show drawn again years later looks the same.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFilter, ImageOps

from expressive.api.i18n import N_
from expressive.api.limits import open_picture_bounded

STAGE_SIZE = (1280, 720)
# The id of a backdrop that is a client's drawing, kept with the show as a picture.
DRAWN_BACKDROP = "drawing"


def _vertical_gradient(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    """A picture of `size` going from `top` to `bottom` colour, row by row."""
    column = Image.new("RGB", (1, 256))
    column.putdata([tuple(round(a + (b - a) * row / 255) for a, b in zip(top, bottom)) for row in range(256)])
    return column.resize(size, Image.Resampling.BILINEAR)


def _theatre() -> Image.Image:
    width, height = STAGE_SIZE
    picture = _vertical_gradient(STAGE_SIZE, (46, 24, 40), (88, 52, 60))
    draw = ImageDraw.Draw(picture)
    floor = round(height * 0.78)
    # The wooden boards of the stage, lit from the front.
    draw.rectangle((0, floor, width, height), fill=(150, 98, 54))
    for left in range(-400, width + 400, 90):
        draw.line((width / 2 + (left - width / 2) * 0.55, floor, left, height), fill=(120, 76, 40), width=3)
    # A soft spotlight on the middle of the stage.
    light = Image.new("L", STAGE_SIZE, 0)
    ImageDraw.Draw(light).ellipse((width * 0.25, height * 0.2, width * 0.75, height * 1.02), fill=70)
    picture = Image.composite(Image.new("RGB", STAGE_SIZE, (255, 236, 190)), picture, light.filter(ImageFilter.GaussianBlur(60)))
    draw = ImageDraw.Draw(picture)
    # The red curtains, gathered at each side in folds, and the pelmet above.
    for side in (0, 1):
        for fold in range(7):
            left = fold * 30 if side == 0 else width - (fold + 1) * 30
            shade = 150 + (fold % 2) * 40
            draw.rectangle((left, 0, left + 30, height), fill=(shade, 20, 32))
    for fold in range(0, width, 40):
        draw.pieslice((fold - 10, 10, fold + 50, 120), 0, 180, fill=(170 + (fold // 40) % 2 * 30, 24, 36))
    draw.rectangle((0, 0, width, 64), fill=(150, 18, 30))
    draw.rectangle((0, 60, width, 70), fill=(214, 168, 60))
    return picture


def _forest() -> Image.Image:
    width, height = STAGE_SIZE
    picture = _vertical_gradient(STAGE_SIZE, (150, 200, 236), (214, 234, 240))
    draw = ImageDraw.Draw(picture)
    ground = round(height * 0.72)
    draw.rectangle((0, ground, width, height), fill=(92, 150, 66))
    chance = random.Random(17)
    # Three rows of pine trees, the far ones paler and smaller.
    for row, (colour, scale) in enumerate((((120, 168, 120), 0.6), ((60, 120, 70), 0.8), ((34, 90, 48), 1.0))):
        for _tree in range(9 - row * 2):
            x = chance.uniform(-40, width + 40)
            base = ground + row * 26 + chance.uniform(-6, 6)
            tall = chance.uniform(220, 330) * scale
            draw.rectangle((x - 8 * scale, base - tall * 0.25, x + 8 * scale, base), fill=(96, 64, 40))
            for tier in range(3):
                top = base - tall + tier * tall * 0.22
                half = (50 + tier * 22) * scale
                draw.polygon(((x, top), (x - half, top + tall * 0.42), (x + half, top + tall * 0.42)), fill=colour)
    for _flower in range(60):
        x, y = chance.uniform(0, width), chance.uniform(ground + 30, height)
        draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=chance.choice(((250, 240, 120), (250, 250, 250), (240, 140, 170))))
    return picture


def _house() -> Image.Image:
    width, height = STAGE_SIZE
    picture = Image.new("RGB", STAGE_SIZE, (238, 220, 186))
    draw = ImageDraw.Draw(picture)
    floor = round(height * 0.74)
    # Striped wallpaper, a skirting board and a wooden floor.
    for stripe in range(0, width, 64):
        draw.rectangle((stripe, 0, stripe + 22, floor), fill=(228, 206, 168))
    draw.rectangle((0, floor, width, height), fill=(176, 120, 72))
    for board in range(floor + 30, height, 34):
        draw.line((0, board, width, board), fill=(150, 100, 58), width=3)
    draw.rectangle((0, floor - 18, width, floor), fill=(250, 246, 236))
    # A window with the sky in it, a door, and a picture on the wall.
    draw.rectangle((160, 150, 420, 390), fill=(250, 246, 236))
    draw.rectangle((176, 166, 404, 374), fill=(160, 210, 240))
    draw.line((290, 166, 290, 374), fill=(250, 246, 236), width=10)
    draw.line((176, 270, 404, 270), fill=(250, 246, 236), width=10)
    draw.rectangle((900, 200, 1080, floor - 18), fill=(140, 86, 50))
    draw.ellipse((1040, 380, 1058, 398), fill=(230, 190, 80))
    draw.rectangle((560, 180, 740, 300), fill=(120, 80, 50))
    draw.rectangle((572, 192, 728, 288), fill=(120, 180, 120))
    draw.ellipse((640, 215, 690, 265), fill=(250, 210, 80))
    return picture


def _night() -> Image.Image:
    width, height = STAGE_SIZE
    picture = _vertical_gradient(STAGE_SIZE, (10, 14, 44), (44, 54, 110))
    draw = ImageDraw.Draw(picture)
    chance = random.Random(7)
    for _star in range(160):
        x, y, r = chance.uniform(0, width), chance.uniform(0, height * 0.7), chance.choice((1, 1, 1.5, 2, 3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 230))
    # A crescent moon: a pale disc with a disc of the sky's colour over it.
    draw.ellipse((980, 80, 1120, 220), fill=(250, 244, 200))
    draw.ellipse((1020, 64, 1160, 204), fill=(18, 24, 60))
    hills = [(0, height)] + [(x, height * 0.8 - 40 * ((x / 300) % 2 - 0.5) ** 2 * 4) for x in range(0, width + 80, 80)] + [(width, height)]
    draw.polygon(hills, fill=(20, 34, 40))
    return picture


def _shore() -> Image.Image:
    width, height = STAGE_SIZE
    picture = _vertical_gradient(STAGE_SIZE, (120, 190, 240), (200, 230, 246))
    draw = ImageDraw.Draw(picture)
    horizon, beach = round(height * 0.5), round(height * 0.72)
    draw.rectangle((0, horizon, width, beach), fill=(40, 130, 180))
    for wave in range(horizon + 20, beach, 26):
        for x in range(-30, width, 90):
            draw.arc((x + (wave % 3) * 20, wave - 8, x + 60 + (wave % 3) * 20, wave + 8), 200, 340, fill=(200, 236, 250), width=3)
    draw.rectangle((0, beach, width, height), fill=(236, 212, 150))
    draw.polygon(((0, beach), (width, beach), (width, beach + 14), (0, beach + 22)), fill=(250, 250, 250))
    draw.ellipse((140, 60, 260, 180), fill=(255, 226, 90))
    chance = random.Random(3)
    for _shell in range(18):
        x, y = chance.uniform(0, width), chance.uniform(beach + 40, height - 10)
        draw.pieslice((x - 12, y - 10, x + 12, y + 10), 180, 360, fill=(246, 190, 170))
    return picture


def _plain() -> Image.Image:
    return _vertical_gradient(STAGE_SIZE, (236, 232, 244), (206, 200, 222))


# id: (name, painter), in the order the chooser shows them.
BACKDROPS: dict[str, tuple[str, Callable[[], Image.Image]]] = {
    "theatre": (N_("Theatre"), _theatre),
    "forest": (N_("Forest"), _forest),
    "house": (N_("House"), _house),
    "night": (N_("Night sky"), _night),
    "shore": (N_("Seaside"), _shore),
    "plain": (N_("Plain"), _plain),
}
BACKDROP_IDS: tuple[str, ...] = tuple(BACKDROPS)


@lru_cache(maxsize=len(BACKDROPS))
def painted_backdrop(backdrop_id: str) -> Image.Image:
    """The painted backdrop `backdrop_id` (one of BACKDROP_IDS) at STAGE_SIZE; shared: copy
    it before changing it."""
    return BACKDROPS[backdrop_id][1]()


def drawn_backdrop(picture_bytes: bytes) -> Image.Image:
    """A client's drawing (PNG or JPEG) as a backdrop: scaled to fill the whole stage, its
    middle kept where its shape differs from the stage's (a 4:3 drawing loses a strip at
    the top and bottom), see-through parts on white paper. InputRefused (a ValueError) when
    it is not a picture within bounds."""
    with open_picture_bounded(picture_bytes) as opened:
        picture = opened.convert("RGBA")
    paper = Image.new("RGBA", picture.size, (255, 255, 255, 255))
    paper.alpha_composite(picture)
    return ImageOps.fit(paper.convert("RGB"), STAGE_SIZE, Image.Resampling.LANCZOS)


def backdrop_png(picture: Image.Image) -> bytes:
    """A backdrop as PNG, to keep a drawn one with the show."""
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", compress_level=3)
    return buffer.getvalue()
