"""Drawing a stroke log into a picture with Pillow, with no window and no Kivy.

This is the one renderer: the saved PNG is made here, and so is every finished stroke on
screen (the studio shows this module's picture as a texture), so the two match by
construction. Only the stroke under the finger is drawn with Kivy, as a sketch.

A stroke is drawn as a coverage mask (how much paint lands on each pixel) over the
stroke's bounding box, which is then laid onto the picture in one paste: a stroke never
darkens where it crosses itself, and drawing one costs in proportion to its size, not
the picture's. Each point is a disc and each segment a quad joining two discs, so a
stroke of even width is exactly a line with round caps and joins, and a tap is a dot.

Used by the drawing activity (studio, saved picture, thumbnail) and the story activity (a
page's drawn picture). Public: plugin authors may use it, and it is covered by the API
version.
"""

from __future__ import annotations

import colorsys
import io
import math
import random
import re
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from expressive.lib.drawing.strokes import DrawingLog, Fill, Mark, Stamp, Stroke
from expressive.lib.drawing.templates import paper_image
from expressive.lib.fonts import ICON_FONT, icon_char

THUMBNAIL_SIZE = (320, 240)
# Stamps are Material Design Icons glyphs: drawn from the font the screen shows them in.
STAMP_FONT = ICON_FONT

# A box on the picture: left, top, right, bottom (right and bottom excluded).
Box = tuple[int, int, int, int]

# Touch events come at most about 120 times a second; points closer in time than this
# were batched by the system, not drawn faster.
MIN_POINT_INTERVAL = 1 / 120
# Finger speed (document pixels per second) at which a speed-following stroke is at half
# strength: a careful line is ~500, a quick swish ~5000.
HALF_STRENGTH_SPEED = 2000.0
# How far (document pixels) the rainbow brush goes to pass through every hue once.
RAINBOW_LENGTH = 700.0


@dataclass(frozen=True)
class Look:
    """What makes one brush feel different from another."""

    width: float = 1.0  # times the size the client chose
    opacity: float = 1.0  # the brush's own, times the client's choice
    thinning: float = 0.0  # how much narrower a fast or light stroke gets, 0..1
    fading: float = 0.0  # how much fainter a fast or light stroke gets, 0..1
    softness: float = 0.0  # edge blur, in stroke widths
    grain: str | None = None  # paper texture showing through: "fine" or "coarse"
    multiply: bool = False  # ink darkens what is under it, like a felt-tip pen


LOOKS: dict[str, Look] = {
    "pencil": Look(width=0.35, opacity=0.9, thinning=0.5, fading=0.5, grain="fine"),
    "marker": Look(thinning=0.15, multiply=True),
    "paintbrush": Look(width=1.3, opacity=0.45, thinning=0.6, fading=0.4, softness=0.22),
    "crayon": Look(opacity=0.95, thinning=0.3, fading=0.3, grain="coarse"),
    "spray": Look(width=2.4, opacity=0.9, fading=0.4),
    "rainbow": Look(thinning=0.5),
    "eraser": Look(),
}


def render_image(log: DrawingLog) -> Image.Image:
    """The picture the log adds up to, RGB at the document's full size, on the paper the
    log chose (a colour, a template or a photo), which is also what the eraser brings back."""
    background = paper_image(log)
    image = background.copy()
    for mark in log.visible_marks():
        draw_mark(image, mark, background)
    return image


def mark_box(mark: Mark, size: tuple[int, int]) -> Box | None:
    """The box of a picture of `size` that drawing `mark` onto it may change (None: no
    part of it), known before drawing; a fill's depends on the picture, so it is all."""
    if isinstance(mark, Stroke):
        return _stroke_box(mark, size)
    if isinstance(mark, Stamp):
        return _stamp_place(mark, size)[3]
    if isinstance(mark, Fill):
        return (0, 0, *size)
    raise TypeError(f"not a mark: {mark!r}")


def draw_mark(image: Image.Image, mark: Mark, background: Image.Image) -> Box | None:
    """Add one stroke, fill or stamp to `image`; returns the box it changed (or None)."""
    if isinstance(mark, Stroke):
        return draw_stroke(image, mark, background)
    if isinstance(mark, Fill):
        return draw_fill(image, mark)
    if isinstance(mark, Stamp):
        return draw_stamp(image, mark)
    raise TypeError(f"not a mark: {mark!r}")


def draw_fill(image: Image.Image, fill: Fill) -> Box | None:
    """Paint the area of (nearly) one colour around the fill's point, as `image` is now.

    Pillow's own flood fill goes pixel by pixel in Python (seconds for a big area); this
    finds the pixels close enough in colour with whole-image operations, then the part
    of them joined to the tapped one a row span at a time (`_region`).
    """
    x, y = math.floor(fill.x), math.floor(fill.y)
    if not (0 <= x < image.width and 0 <= y < image.height):
        return None
    # The largest difference in any one channel from the tapped colour, per pixel.
    difference = ImageChops.difference(image, Image.new("RGB", image.size, image.getpixel((x, y))))
    red, green, blue = difference.split()
    near = ImageChops.lighter(ImageChops.lighter(red, green), blue).point(lambda value: 255 if value <= fill.tolerance else 0)
    region = Image.frombytes("L", image.size, bytes(_region(near.tobytes(), image.width, x, y)))
    left, top, right, bottom = region.getbbox()
    box = (max(0, left - 1), max(0, top - 1), min(image.width, right + 1), min(image.height, bottom + 1))
    # One pixel wider, so the paint reaches under the soft, blended edge of the lines
    # around it instead of leaving a pale rim against them.
    mask = region.crop(box).filter(ImageFilter.MaxFilter(3))
    if fill.opacity < 1:
        mask = mask.point(lambda value: round(value * fill.opacity))
    image.paste(Image.new("RGB", mask.size, fill.colour), box[:2], mask)
    return box


@lru_cache(maxsize=16)
def _stamp_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(STAMP_FONT, size)


@lru_cache(maxsize=32)
def stamp_mask(name: str, size: int, rotation: float) -> Image.Image:
    """The stamp's glyph as a mask (255: full paint), cropped to its ink and turned
    `rotation` degrees anticlockwise; its centre is the centre of the ink."""
    mask = Image.new("L", (2 * size, 2 * size), 0)
    ImageDraw.Draw(mask).text((size // 2, size // 2), icon_char(name), font=_stamp_font(size), fill=255)
    ink = mask.getbbox()
    if ink is None:
        return Image.new("L", (1, 1), 0)
    mask = mask.crop(ink)
    if rotation:
        mask = mask.rotate(rotation, resample=Image.Resampling.BICUBIC, expand=True)
    return mask


def draw_stamp(image: Image.Image, stamp: Stamp) -> Box | None:
    """Press a stamp onto `image`, centred at its (x, y), in its colour and opacity."""
    mask, left, top, box = _stamp_place(stamp, image.size)
    if box is None:
        return None
    if stamp.opacity < 1:
        mask = mask.point(lambda value: round(value * stamp.opacity))
    mask = mask.crop((box[0] - left, box[1] - top, box[2] - left, box[3] - top))
    image.paste(Image.new("RGB", mask.size, stamp.colour), box[:2], mask)
    return box


def _stamp_place(stamp: Stamp, size: tuple[int, int]) -> tuple[Image.Image, int, int, Box | None]:
    """The stamp's mask, where its top left corner goes, and the part of a picture of
    `size` it covers (None: it is off the picture)."""
    mask = stamp_mask(stamp.name, max(1, round(stamp.size)), stamp.rotation)
    left = math.floor(stamp.x - mask.width / 2)
    top = math.floor(stamp.y - mask.height / 2)
    box = (max(0, left), max(0, top), min(size[0], left + mask.width), min(size[1], top + mask.height))
    return mask, left, top, box if box[0] < box[2] and box[1] < box[3] else None


_RUN = re.compile(rb"[^\x00]+")


def _region(near: bytes, width: int, x: int, y: int) -> bytearray:
    """The pixels (255) of the run of `near` pixels (non-zero) joined to (x, y) through
    its four neighbours: a scanline fill, each span found and filled by bytes methods."""
    filled = bytearray(len(near))
    height = len(near) // width
    seeds = [y * width + x]
    while seeds:
        start = seeds.pop()
        if filled[start] or not near[start]:
            continue
        row = start - start % width
        left = max(row, near.rfind(b"\x00", row, start) + 1)
        right = near.find(b"\x00", start, row + width)
        right = row + width if right < 0 else right
        filled[left:right] = b"\xff" * (right - left)
        for neighbour in (row - width, row + width):
            if 0 <= neighbour < height * width:
                for run in _RUN.finditer(near, neighbour + left - row, neighbour + right - row):
                    if not filled[run.start()]:
                        seeds.append(run.start())
    return filled


def draw_stroke(image: Image.Image, stroke: Stroke, background: Image.Image) -> Box | None:
    """Paint one stroke onto `image`; returns the box it changed (None: off the picture)."""
    if not stroke.points:
        return None
    look = LOOKS[stroke.tool]
    centres = [(x, y) for x, y, _pressure, _t in stroke.points]
    strength = strengths(stroke)
    full_radius, blur = _radius_and_blur(stroke)
    radii = [full_radius * (1 - look.thinning * (1 - s)) for s in strength]
    alphas = [round(255 * stroke.opacity * look.opacity * (1 - look.fading * (1 - s))) for s in strength]

    box = _stroke_box(stroke, image.size)
    if box is None:
        return None
    left, top, right, bottom = box
    local = [(x - left, y - top) for x, y in centres]
    size = (right - left, bottom - top)

    mask = Image.new("L", size, 0)
    if stroke.tool == "spray":
        _spray(ImageDraw.Draw(mask), local, full_radius, alphas, random.Random(stroke.seed))
    elif len(set(alphas)) == 1:
        _trace(ImageDraw.Draw(mask), local, radii, alphas)
    else:
        # Where the opacity changes along the stroke, a later, thinner disc painted over
        # an earlier one would leave rings; so the shape is traced at full strength and
        # the opacity separately at full width, where later discs only cover the front
        # of earlier ones, and the two are multiplied.
        _trace(ImageDraw.Draw(mask), local, radii, [255] * len(radii))
        shade = Image.new("L", size, 0)
        _trace(ImageDraw.Draw(shade), local, [full_radius] * len(radii), alphas)
        mask = ImageChops.multiply(mask, shade)
    if blur:
        mask = mask.filter(ImageFilter.GaussianBlur(blur))
    if look.grain:
        mask = ImageChops.multiply(mask, _grain(look.grain, image.size).crop(box))

    if stroke.tool == "eraser":
        paint = background.crop(box)
    elif stroke.tool == "rainbow":
        paint = Image.new("RGB", size)
        _trace(ImageDraw.Draw(paint), local, radii, rainbow_colours(stroke.colour, centres))
    else:
        paint = Image.new("RGB", size, stroke.colour)
        if look.multiply:
            paint = ImageChops.multiply(image.crop(box), paint)
    image.paste(paint, (left, top), mask)
    return box


def _radius_and_blur(stroke: Stroke) -> tuple[float, float]:
    """Half the stroke's widest width, and how far its soft edge is blurred, in pixels."""
    look = LOOKS[stroke.tool]
    full_radius = stroke.width * look.width / 2
    return full_radius, look.softness * 2 * full_radius


def _stroke_box(stroke: Stroke, size: tuple[int, int]) -> Box | None:
    if not stroke.points:
        return None
    full_radius, blur = _radius_and_blur(stroke)
    return _bounds([(x, y) for x, y, _pressure, _t in stroke.points], full_radius + 3 * blur + 1, size)


def strengths(stroke: Stroke) -> list[float]:
    """How firmly each point was drawn, 0..1: its pressure, or how slowly it moved."""
    if stroke.dynamics == "fixed":
        return [1.0] * len(stroke.points)
    if stroke.dynamics == "pressure":
        return [min(1.0, max(0.0, pressure)) for _x, _y, pressure, _t in stroke.points]
    result = []
    speed = 0.0
    for (x0, y0, _p0, t0), (x1, y1, _p1, t1) in zip(stroke.points[:1] + stroke.points, stroke.points):
        # Smoothed, so one jumpy touch event does not leave a notch in the line.
        speed = 0.6 * speed + 0.4 * math.dist((x0, y0), (x1, y1)) / max(t1 - t0, MIN_POINT_INTERVAL)
        result.append(1 / (1 + speed / HALF_STRENGTH_SPEED))
    return result


def _bounds(centres: list[tuple[float, float]], reach: float, limit: tuple[int, int]) -> Box | None:
    xs = [x for x, _y in centres]
    ys = [y for _x, y in centres]
    left = max(0, math.floor(min(xs) - reach))
    top = max(0, math.floor(min(ys) - reach))
    right = min(limit[0], math.ceil(max(xs) + reach) + 1)
    bottom = min(limit[1], math.ceil(max(ys) + reach) + 1)
    return (left, top, right, bottom) if left < right and top < bottom else None


def _trace(draw: ImageDraw.ImageDraw, centres, radii, fills) -> None:
    """A disc at every point, each joined to the one before by a quad: a stroke whose
    width may change from point to point."""
    previous = None
    for (x, y), radius, fill in zip(centres, radii, fills):
        if previous is not None:
            (x0, y0), radius0 = previous
            length = math.dist((x0, y0), (x, y))
            if length:
                # The unit normal to the segment, to offset its two sides.
                nx, ny = (y0 - y) / length, (x - x0) / length
                draw.polygon(
                    [
                        (x0 + nx * radius0, y0 + ny * radius0),
                        (x + nx * radius, y + ny * radius),
                        (x - nx * radius, y - ny * radius),
                        (x0 - nx * radius0, y0 - ny * radius0),
                    ],
                    fill=fill,
                )
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)
        previous = (x, y), radius


def _spray(draw: ImageDraw.ImageDraw, centres, radius: float, alphas, rng: random.Random) -> None:
    """An airbrush: fine dots, thickest in the middle, laid every few pixels along the
    path so a fast stroke is as even as a slow one. All chance comes from `rng`, seeded
    by the stroke, so the stroke is the same dots every time it is drawn."""
    spacing = max(1.0, radius / 4)
    dot = max(1.0, radius / 36)
    dots_per_step = max(4, round(radius / 1.5))
    previous = centres[0]
    for (x, y), alpha in zip(centres, alphas):
        steps = max(1, math.ceil(math.dist(previous, (x, y)) / spacing))
        for step in range(1, steps + 1):
            cx = previous[0] + (x - previous[0]) * step / steps
            cy = previous[1] + (y - previous[1]) * step / steps
            for _ in range(dots_per_step):
                distance = min(radius, abs(rng.gauss(0, radius / 2)))
                angle = rng.uniform(0, 2 * math.pi)
                dx, dy = cx + distance * math.cos(angle), cy + distance * math.sin(angle)
                r = dot * rng.uniform(0.6, 1.4)
                draw.ellipse((dx - r, dy - r, dx + r, dy + r), fill=alpha)
        previous = (x, y)


def rainbow_colours(colour: str, centres) -> list[tuple[int, int, int]]:
    """A colour per point, stepping round the colour wheel with the distance drawn,
    starting from the chosen colour's hue and always bright."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, _saturation, _value = colorsys.rgb_to_hsv(red, green, blue)
    colours = []
    travelled = 0.0
    for previous, centre in zip(centres[:1] + centres, centres):
        travelled += math.dist(previous, centre)
        rgb = colorsys.hsv_to_rgb((hue + travelled / RAINBOW_LENGTH) % 1.0, 0.85, 0.95)
        colours.append(tuple(round(255 * channel) for channel in rgb))
    return colours


@lru_cache(maxsize=4)
def _grain(kind: str, size: tuple[int, int]) -> Image.Image:
    """The paper's tooth as a mask (255 takes full paint), fixed to the paper so that
    strokes drawn over each other show the same grain, as on real paper."""
    width, height = size
    # Generated from a fixed seed: the same picture on every machine and every run.
    rng = random.Random(f"paper grain {kind}")
    if kind == "fine":
        noise = Image.frombytes("L", size, rng.randbytes(width * height))
        return noise.point(lambda value: 255 - value * 45 // 100)
    # Coarse: lumps a few pixels across; the lowest become gaps the paint skips over.
    small = (width // 3, height // 3)
    noise = Image.frombytes("L", small, rng.randbytes(small[0] * small[1])).resize(size, Image.Resampling.BICUBIC)
    return noise.point(lambda value: max(0, min(255, (value - 50) * 3)))


def render_png(log: DrawingLog) -> bytes:
    return png_bytes(render_image(log))


def thumbnail_png(image: Image.Image, max_size: tuple[int, int] = THUMBNAIL_SIZE) -> bytes:
    """A small copy for galleries, keeping the picture's proportions."""
    small = image.copy()
    small.thumbnail(max_size, Image.Resampling.LANCZOS)
    return png_bytes(small)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # Level 3: files about a tenth larger than the smallest possible, written ten times
    # faster (0.1 s instead of over a second at 2048x1536), which Done's second needs.
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()
