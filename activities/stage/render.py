"""The frames of a puppet play, drawn with Pillow from its log, with no window and no Kivy.

The stage is 16:9 and a film is 4:3 (FILM_SIZE, 640 x 480): the whole stage is shown,
letterboxed, with dark bars above and below it (640 x 360 of stage), so no puppet near the
edge of the stage is ever cut off in the film. A puppet's picture is fitted to PUPPET_SIZE
on its longest side, mirrored when it faces the other way, centred on its place.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from PIL import Image, ImageDraw, ImageOps

from expressive.activities.stage.show import STAGE_HEIGHT, STAGE_WIDTH, ShowLog
from expressive.lib.figures import FigureLibrary, FigureUnreadable
from expressive.lib.film import FILM_SIZE, MAX_FILM_FRAMES, jpeg_frame

# How often the take is drawn: the smoothest speed a film has.
TAKE_FPS = 12
# A puppet's longest side on the stage, in stage pixels: a third of the stage's height,
# big enough to read from across a room, small enough for four to stand side by side.
PUPPET_SIZE = 240
# The stage as it is drawn into a film frame: the film's width, the stage's shape.
SHOWN_SIZE = (FILM_SIZE[0], round(FILM_SIZE[0] * STAGE_HEIGHT / STAGE_WIDTH))
LETTERBOX = (18, 14, 20)
MISSING_GREY = (150, 150, 150, 170)
# Puppets sized and mirrored, kept from one frame to the next: a cast of eight, both ways.
TILES_KEPT = 32

_tiles: OrderedDict[tuple, Image.Image] = OrderedDict()
_backdrops: OrderedDict[int, tuple[Image.Image, Image.Image]] = OrderedDict()
_lock = threading.Lock()  # the film may be drawn on a thread of its own


def puppet_extent(picture_size: tuple[int, int], side: float = PUPPET_SIZE) -> tuple[float, float]:
    """A puppet's width and height on the stage: its longest side `side`."""
    width, height = picture_size
    longest = max(width, height, 1)
    return side * width / longest, side * height / longest


def _tile(library: FigureLibrary, key: str, flipped: bool, side: int) -> Image.Image:
    """The puppet `key` as an RGBA picture with its longest side `side` pixels, mirrored if
    `flipped`; a soft grey disc when its picture is missing or unreadable."""
    name = (key, flipped, side)
    with _lock:
        if name in _tiles:
            _tiles.move_to_end(name)
            return _tiles[name]
    figure = library.get(key)
    try:
        if figure is None:
            raise FigureUnreadable("missing", "missing")
        picture = figure.picture()
        width, height = puppet_extent(picture.size, side)
        tile = picture.resize((max(1, round(width)), max(1, round(height))), Image.Resampling.LANCZOS)
    except FigureUnreadable:
        tile = Image.new("RGBA", (side, side), (0, 0, 0, 0))
        ImageDraw.Draw(tile).ellipse((side * 0.2, side * 0.2, side * 0.8, side * 0.8), fill=MISSING_GREY)
    if flipped:
        tile = ImageOps.mirror(tile)
    with _lock:
        _tiles[name] = tile
        while len(_tiles) > TILES_KEPT:
            _tiles.popitem(last=False)
    return tile


def _shown_backdrop(backdrop: Image.Image) -> Image.Image:
    """`backdrop` (STAGE size) at SHOWN_SIZE, kept while the same picture is drawn from."""
    with _lock:
        kept = _backdrops.get(id(backdrop))
        if kept is not None and kept[0] is backdrop:
            return kept[1]
    shown = backdrop.convert("RGB").resize(SHOWN_SIZE, Image.Resampling.LANCZOS)
    with _lock:
        _backdrops[id(backdrop)] = (backdrop, shown)
        while len(_backdrops) > 2:
            _backdrops.popitem(last=False)
    return shown


def stage_picture(log: ShowLog, t: float | None, library: FigureLibrary, backdrop: Image.Image) -> Image.Image:
    """The stage at `t` seconds of the take (None: now) at SHOWN_SIZE, RGB: the backdrop and
    the puppets on stage, back to front."""
    picture = _shown_backdrop(backdrop).copy()
    to_shown = SHOWN_SIZE[0] / STAGE_WIDTH
    side = round(PUPPET_SIZE * to_shown)
    for number, puppet in log.on_stage_at(t):
        tile = _tile(library, log.puppets[number].figure, puppet.flipped, side)
        picture.paste(tile, (round(puppet.x * to_shown - tile.width / 2), round(puppet.y * to_shown - tile.height / 2)), tile)
    return picture


def frame_at(log: ShowLog, t: float, library: FigureLibrary, backdrop: Image.Image) -> Image.Image:
    """The film's frame at `t` seconds of the take: the stage letterboxed into FILM_SIZE."""
    frame = Image.new("RGB", FILM_SIZE, LETTERBOX)
    frame.paste(stage_picture(log, t, library, backdrop), (0, (FILM_SIZE[1] - SHOWN_SIZE[1]) // 2))
    return frame


def frame_count(seconds: float, fps: int = TAKE_FPS) -> int:
    """How many frames a take of `seconds` makes: at least one, at most a film's most."""
    return max(1, min(MAX_FILM_FRAMES, round(seconds * fps)))


def take_frames(log: ShowLog, count: int, library: FigureLibrary, backdrop: Image.Image,
                fps: int = TAKE_FPS) -> list[bytes]:
    """The first `count` frames of the take, one each 1/fps from its start, as the film's
    JPEGs. Frames where nothing moved are the same bytes, so the film keeps them once."""
    return [jpeg_frame(frame_at(log, number / fps, library, backdrop)) for number in range(count)]
