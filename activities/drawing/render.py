"""Drawing a stroke log into a picture with Pillow, with no window and no Kivy.

Strokes are drawn as straight segments with a disc at every point, which is exactly a
line with round caps and round joins: the look of Kivy's Line(cap="round",
joint="round") on screen, and a lone tap comes out as a dot.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from activities.drawing.strokes import DrawingLog

THUMBNAIL_SIZE = (320, 240)


def render_image(log: DrawingLog) -> Image.Image:
    """The picture the log adds up to, RGB at the document's full size."""
    image = Image.new("RGB", (log.width, log.height), log.background)
    draw = ImageDraw.Draw(image)
    for stroke in log.visible_strokes():
        centres = [(x, y) for x, y, _pressure, _t in stroke.points]
        radius = stroke.width / 2
        if len(centres) > 1:
            draw.line(centres, fill=stroke.colour, width=max(1, round(stroke.width)))
        for x, y in centres:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=stroke.colour)
    return image


def render_png(log: DrawingLog) -> bytes:
    return png_bytes(render_image(log))


def thumbnail_png(image: Image.Image, max_size: tuple[int, int] = THUMBNAIL_SIZE) -> bytes:
    """A small copy for galleries, keeping the picture's proportions."""
    small = image.copy()
    small.thumbnail(max_size, Image.Resampling.LANCZOS)
    return png_bytes(small)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
