"""The sandtray seen from above, drawn with Pillow from its state, with no window and no Kivy.

The saved picture, the thumbnail and every frame of the replay picture are made here.
The studio shows the same colours: its sand is `sand_picture()` (the depth grid coloured
cell by cell, upscaled by the GPU) and its figures are the library's pictures.

The sand is the depth grid upscaled smoothly (bicubic) and coloured: full sand in the
tray's sand colour, shaded where the depth changes (lit from the top left, so a furrow
shows its walls), darker where it is wet near the water, and blue water with a little
variation where the sand has been pushed aside. Outside the tray's shape is its wooden rim.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

from expressive.activities.play.tray import FIGURE_SIZE, SAND_COLUMNS, TRAY_HEIGHT, TRAY_WIDTH, PlacedFigure, TrayLog, TrayState
from expressive.lib.drawing.render import png_bytes, thumbnail_png
from expressive.lib.figures import FigureLibrary, FigureUnreadable

__all__ = ["SAND_RGB", "forget_kept_tiles", "png_bytes", "render_at", "render_tray", "sand_picture", "thumbnail_png"]

# Each sand colour as red, green, blue.
SAND_RGB: dict[str, tuple[int, int, int]] = {
    "golden": (224, 190, 122),
    "pale": (236, 226, 200),
    "dark": (142, 110, 76),
    "red": (196, 112, 72),
}
DEEP_WATER = (40, 104, 178)
SHALLOW_WATER = (92, 166, 214)
RIM_WOOD = (120, 80, 46)
PLACEHOLDER_GREY = (150, 150, 150, 170)
# The wooden rim's width, in tray pixels.
RIM_WIDTH = 32
# How strongly a slope of the sand lights or shades it: a furrow's walls show, a gentle
# smoothing barely does.
SLOPE_SHADING = 2.4
# The width the sand is coloured at before it is enlarged to the picture's size.
SAND_COLOUR_WIDTH = 512
# The fine grain of the sand: each pixel lighter or darker by up to this much (of 255).
GRAIN = 8
# A mound of sand where a figure goes into it: its half-height as a share of the figure's width.
MOUND_HEIGHT = 0.14
# Figures sized and turned, kept from one picture to the next, least recently drawn
# forgotten first: a tray of a hundred figures at full size is about 15 MB.
TILES_KEPT_BYTES = 48 * 1024 * 1024

_tiles: OrderedDict[tuple, tuple[Image.Image | None, Image.Image]] = OrderedDict()
_tiles_bytes = 0
_tiles_lock = threading.Lock()  # the replay may draw on a thread of its own


def render_tray(state: TrayState, library: FigureLibrary, size: tuple[int, int] = (TRAY_WIDTH, TRAY_HEIGHT)) -> Image.Image:
    """The tray at `state` as an RGB picture of `size` (the tray's proportions): the sand,
    the rim, and every figure on the tray back to front, turned, sized, mirrored and
    partly buried as it is. A figure whose picture is missing or unreadable is drawn as
    a soft grey disc."""
    width, height = size
    picture = _ground(hashlib.blake2b(state.sand.tobytes(), digest_size=16).digest(), state, size).copy()
    to_picture = width / TRAY_WIDTH
    for placed in state.figures_in_order():
        tile = _figure_tile(placed, library, to_picture, SAND_RGB[state.sand_colour])
        left = round(placed.x * to_picture - tile.width / 2)
        top = round(placed.y * height / TRAY_HEIGHT - tile.height / 2)
        picture.paste(tile, (left, top), tile)
    return picture


_grounds: OrderedDict[tuple, Image.Image] = OrderedDict()
# The sand and rim of the last few pictures: while figures move in a replay the sand stays
# as it was, and colouring it is most of a frame's work.
GROUNDS_KEPT = 3


def _ground(sand_digest: bytes, state: TrayState, size: tuple[int, int]) -> Image.Image:
    """The sand (coloured, shaded, grained) inside the rim, at `size`; kept for the next picture."""
    key = (sand_digest, state.sand_colour, state.shape, size)
    with _tiles_lock:
        if key in _grounds:
            _grounds.move_to_end(key)
            return _grounds[key]
    width, height = size
    # The sand is smooth: coloured at a quarter of the size (a few times the grid's), it is
    # enlarged with no visible loss, and the fine grain is laid on at the full size.
    colour_size = (min(width, SAND_COLOUR_WIDTH), min(height, round(SAND_COLOUR_WIDTH * height / width)))
    depth = _softened(np.asarray(Image.fromarray(state.sand, mode="F").resize(colour_size, Image.Resampling.BICUBIC)))
    sand = _sand_colours(depth, state.sand_colour).resize(size, Image.Resampling.BICUBIC)
    sand = ImageChops.add(sand, _grain(size), offset=-GRAIN)
    ground = Image.composite(sand, _rim(size), _shape_mask(state.shape, size))
    with _tiles_lock:
        _grounds[key] = ground
        while len(_grounds) > GROUNDS_KEPT:
            _grounds.popitem(last=False)
    return ground


def render_at(log: TrayLog, library: FigureLibrary, t: float | None = None,
              size: tuple[int, int] = (TRAY_WIDTH, TRAY_HEIGHT)) -> Image.Image:
    """The tray as it was at `t` seconds (None: as it is now), for the replay and the saved picture."""
    return render_tray(log.state_at(t), library, size)


def sand_picture(state: TrayState) -> Image.Image:
    """The sand and rim at the depth grid's own size (one pixel a cell), as RGBA, for the
    studio to show stretched over the tray (the GPU smooths it); the same colours as the
    saved picture, without the grain."""
    rows, columns = state.sand.shape
    size = (columns, rows)
    sand = _sand_colours(state.sand, state.sand_colour)
    return Image.composite(sand, _rim(size), _shape_mask(state.shape, size)).convert("RGBA")


# --- the sand ---------------------------------------------------------------------------


def _sand_colours(depth: np.ndarray, sand_colour: str) -> Image.Image:
    """The sand over the water for a depth map, as an RGB picture of the map's size."""
    height, width = depth.shape
    cover = np.clip((depth - 0.05) / 0.55, 0.0, 1.0)
    cover = cover * cover * (3.0 - 2.0 * cover)  # sand thins to water over a soft edge
    # Light from the top left: a slope rising away from it is lit, one falling away shaded.
    # Measured over about half a cell at any size, so the studio's sand looks as the picture's.
    step = max(1, round(width / (2 * SAND_COLUMNS)))
    cells = step * SAND_COLUMNS / width
    slope = np.zeros_like(depth)
    slope[step:, step:] = (depth[step:, step:] - depth[:-step, :-step]) / cells
    light = 1.0 + np.clip(slope * SLOPE_SHADING, -0.3, 0.2)
    wet = 1.0 - 0.22 * np.clip((0.75 - depth) / 0.6, 0.0, 1.0)
    sand = np.array(SAND_RGB[sand_colour], dtype=np.float32) * (light * wet)[..., None]
    shallow = np.clip(depth * 2.0, 0.0, 1.0)[..., None]
    water = np.array(DEEP_WATER, dtype=np.float32) + (np.array(SHALLOW_WATER, dtype=np.float32) - DEEP_WATER) * shallow
    water *= _ripples((width, height))[..., None]
    ground = water + (sand - water) * cover[..., None]
    return Image.fromarray(np.clip(ground, 0, 255).astype(np.uint8), mode="RGB")


def _softened(depth: np.ndarray, passes: int = 3) -> np.ndarray:
    """The depth map blurred a little (a 1-2-1 filter each way, `passes` times), so the edge
    of a furrow is a curve rather than the steps of the grid's cells."""
    for _pass in range(passes):
        padded = np.pad(depth, 1, mode="edge")
        depth = (padded[:-2, 1:-1] + 2 * padded[1:-1, 1:-1] + padded[2:, 1:-1]) / 4
        padded = np.pad(depth, 1, mode="edge")
        depth = (padded[1:-1, :-2] + 2 * padded[1:-1, 1:-1] + padded[1:-1, 2:]) / 4
    return depth


@lru_cache(maxsize=4)
def _ripples(size: tuple[int, int]) -> np.ndarray:
    """The water's broad variation, as factors near 1; from a fixed seed, so a tray looks
    the same on every machine and every run."""
    width, height = size
    broad = np.random.default_rng(20260).random((12, 16), dtype=np.float32)
    ripples = np.asarray(Image.fromarray(broad, mode="F").resize(size, Image.Resampling.BICUBIC))
    return 0.9 + 0.2 * np.clip(ripples, 0.0, 1.0)


@lru_cache(maxsize=2)
def _grain(size: tuple[int, int]) -> Image.Image:
    """The sand's fine grain: 0 to 2 x GRAIN added to each pixel (GRAIN is taken off again)."""
    width, height = size
    noise = np.random.default_rng(2026).integers(0, 2 * GRAIN + 1, (height, width), dtype=np.uint8)
    return Image.fromarray(noise, mode="L").convert("RGB")


@lru_cache(maxsize=8)
def _shape_mask(shape: str, size: tuple[int, int]) -> Image.Image:
    """White where the sand is, black on the rim; soft-edged."""
    width, height = size
    rim = RIM_WIDTH * width / TRAY_WIDTH
    # Drawn at twice the size and halved: an edge without steps.
    mask = Image.new("L", (2 * width, 2 * height), 0)
    draw = ImageDraw.Draw(mask)
    if shape == "square":
        side = height - 2 * rim
        box = ((width - side) / 2, rim, (width + side) / 2, height - rim)
    else:
        box = (rim, rim, width - rim, height - rim)
    box = tuple(2 * value for value in box)
    if shape == "oval":
        draw.ellipse(box, fill=255)
    else:
        draw.rounded_rectangle(box, radius=max(1, round(2 * rim)), fill=255)
    return mask.resize(size, Image.Resampling.BILINEAR)


@lru_cache(maxsize=4)
def _rim(size: tuple[int, int]) -> Image.Image:
    """The tray's wood: stripes of grain along its length."""
    width, height = size
    stripes = np.random.default_rng(7).random((height, 1), dtype=np.float32)
    wood = np.array(RIM_WOOD, dtype=np.float32) * (0.85 + 0.25 * stripes)[..., None]
    column = Image.fromarray(np.clip(wood, 0, 255).astype(np.uint8), mode="RGB")
    return column.resize(size, Image.Resampling.NEAREST)


# --- the figures ------------------------------------------------------------------------


def _figure_tile(placed: PlacedFigure, library: FigureLibrary, to_picture: float,
                 sand_rgb: tuple[int, int, int]) -> Image.Image:
    """The figure as it lies on the tray (sized, mirrored, buried and turned), as RGBA
    centred on the figure's centre. Kept for the next pictures: a replay draws the same
    figures in the same looks frame after frame, and the picture saved at Done draws the
    tray the studio's last frames drew."""
    picture = _figure_picture(placed.figure, library)
    look = (placed.figure, placed.scale, placed.angle, placed.flipped, placed.buried, to_picture, sand_rgb)
    with _tiles_lock:
        kept = _tiles.get(look)
        # The same figure's picture, not another library's picture under the same key.
        if kept is not None and kept[0] is picture:
            _tiles.move_to_end(look)
            return kept[1]
    tile = _made_tile(placed, picture, to_picture, sand_rgb)
    with _tiles_lock:
        global _tiles_bytes
        if look in _tiles:
            _tiles_bytes -= _tile_bytes(_tiles.pop(look)[1])
        _tiles[look] = (picture, tile)
        _tiles_bytes += _tile_bytes(tile)
        while _tiles_bytes > TILES_KEPT_BYTES:
            _tiles_bytes -= _tile_bytes(_tiles.popitem(last=False)[1][1])
    return tile


def forget_kept_tiles() -> None:
    """Forget the figures and sands kept from earlier pictures (the next picture sizes and
    turns every figure and colours the sand again, as the first after the app starts does)."""
    global _tiles_bytes
    with _tiles_lock:
        _tiles.clear()
        _grounds.clear()
        _tiles_bytes = 0


def _tile_bytes(tile: Image.Image) -> int:
    return tile.width * tile.height * 4


def _made_tile(placed: PlacedFigure, picture: Image.Image | None, to_picture: float,
               sand_rgb: tuple[int, int, int]) -> Image.Image:
    longest = max(2, round(FIGURE_SIZE * placed.scale * to_picture))
    if picture is None:
        tile = _placeholder(longest)
    else:
        ratio = longest / max(picture.size)
        tile = picture.resize((max(1, round(picture.width * ratio)), max(1, round(picture.height * ratio))),
                              Image.Resampling.BICUBIC)
    if placed.flipped:
        tile = ImageOps.mirror(tile)
    if placed.buried > 0:
        tile = _buried(tile, placed.buried, sand_rgb)
    if placed.angle:
        tile = tile.rotate(placed.angle, resample=Image.Resampling.BICUBIC, expand=True)
    return tile


def _figure_picture(key: str, library: FigureLibrary) -> Image.Image | None:
    figure = library.get(key)
    if figure is None:
        return None
    try:
        return figure.picture()
    except FigureUnreadable:  # its file has gone or is damaged
        return None


def _placeholder(diameter: int) -> Image.Image:
    """A soft grey disc where a figure's picture cannot be shown."""
    blur = max(1, diameter // 24)
    disc = Image.new("RGBA", (diameter, diameter), PLACEHOLDER_GREY[:3] + (0,))
    alpha = Image.new("L", (diameter, diameter), 0)
    ImageDraw.Draw(alpha).ellipse((2 * blur, 2 * blur, diameter - 2 * blur, diameter - 2 * blur),
                                  fill=PLACEHOLDER_GREY[3])
    disc.putalpha(alpha.filter(ImageFilter.GaussianBlur(blur)))
    return disc


def _buried(tile: Image.Image, buried: float, sand_rgb: tuple[int, int, int]) -> Image.Image:
    """The figure with its lower `buried` share hidden and a mound of sand where it goes
    in, on a canvas whose centre is still the figure's centre (so it turns about it)."""
    width, height = tile.size
    mound = _mound(width if buried < 1 else round(0.7 * width), sand_rgb)
    canvas = Image.new("RGBA", (max(width, mound.width), height + mound.height), (0, 0, 0, 0))
    cut = round(height * (1.0 - buried))
    top = mound.height // 2
    if cut > 0:
        canvas.paste(tile.crop((0, 0, width, cut)), ((canvas.width - width) // 2, top))
    canvas.alpha_composite(mound, ((canvas.width - mound.width) // 2, top + cut - mound.height // 2))
    return canvas


def _mound(width: int, sand_rgb: tuple[int, int, int]) -> Image.Image:
    """A low mound of sand `width` across, lit from above, with a soft edge."""
    height = max(3, round(2 * MOUND_HEIGHT * width))
    shade = np.linspace(1.12, 0.7, height, dtype=np.float32)[:, None, None]
    colours = np.clip(np.array(sand_rgb, dtype=np.float32) * shade, 0, 255).astype(np.uint8)
    mound = Image.fromarray(np.repeat(colours, width, axis=1), mode="RGB").convert("RGBA")
    alpha = Image.new("L", (width, height), 0)
    ImageDraw.Draw(alpha).ellipse((1, 1, width - 2, height - 2), fill=255)
    mound.putalpha(alpha.filter(ImageFilter.GaussianBlur(1.2)))
    return mound
