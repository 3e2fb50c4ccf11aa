"""Pictures made from movement alone: the movement painting (trails) and the silhouette.

Neither ever sees a camera frame: they are drawn from the analysis's masks, so no face
and no room can end up in them, on screen or in the portfolio. Masks come in camera
coordinates; the pictures are mirrored as the client saw them. Colours are RGB 0..1,
as elsewhere in the app. No Kivy here.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageColor

from expressive.lib.music.scales import RGB

PAPER: RGB = (0.99, 0.98, 0.96)
SILHOUETTE_COLOUR: RGB = (0.37, 0.31, 0.63)

# Soft colours the trails pass through, one after another, and back to the first.
TRAIL_PALETTE: tuple[RGB, ...] = tuple(
    tuple(channel / 255 for channel in ImageColor.getrgb(hex_colour))  # type: ignore[misc]
    for hex_colour in ("#E76F51", "#F4A261", "#E9C46A", "#8AB17D", "#2A9D8F", "#6A8EAE", "#9B72AA", "#D4778F")
)
COLOUR_CYCLE_SECONDS = 40.0  # five seconds a colour: a gesture keeps its colour
# How much of the trail colour one frame of movement lays down: a place moved through for
# a few frames is fully coloured, a flicker leaves only a tint.
STROKE_STRENGTH = 0.35
# Of a motion-history image only the freshest half paints: its older tail was painted by
# earlier frames and keeps the colour of its time.
FRESH_HISTORY = 0.5


def _bytes(colour: RGB) -> tuple[int, int, int]:
    return tuple(round(255 * channel) for channel in colour)  # type: ignore[return-value]


def trail_colour(time: float) -> RGB:
    """The colour trails are painted in at `time` seconds: the palette in turn, blended."""
    position = (time % COLOUR_CYCLE_SECONDS) / COLOUR_CYCLE_SECONDS * len(TRAIL_PALETTE)
    index = int(position)
    mix = position - index
    start, end = TRAIL_PALETTE[index], TRAIL_PALETTE[(index + 1) % len(TRAIL_PALETTE)]
    return tuple(a + (b - a) * mix for a, b in zip(start, end))  # type: ignore[return-value]


class TrailPainter:
    """Accumulates movement onto a canvas of `size` (width, height) pixels.

    Each frame's movement is laid over what is there in the colour of its moment,
    blending: older strokes remain under newer ones. The canvas is kept in camera
    coordinates and mirrored only when it is read, so each frame costs no flip. Only the
    box around the movement is blended, in buffers made once, because allocating frame-
    sized arrays every frame costs more than the blending itself.
    """

    def __init__(self, size: tuple[int, int] = (640, 480), mirrored: bool = True) -> None:
        self.size = size
        self.mirrored = mirrored
        width, height = size
        self._canvas = np.empty((height, width, 3), dtype=np.uint8)
        self._canvas[:] = _bytes(PAPER)
        self._paint = np.empty_like(self._canvas)
        self._alpha = np.empty((height, width), dtype=np.float32)
        self._keep = np.empty_like(self._alpha)

    def add(self, motion: np.ndarray, time: float) -> None:
        """Paint one frame's movement: a motion mask (uint8, 0 or 255) or a motion-history
        image (float, 0..1, 1 where it moved just now), in camera coordinates."""
        width, height = self.size
        if motion.shape[:2] != (height, width):
            motion = cv2.resize(motion, (width, height), interpolation=cv2.INTER_AREA)
        is_mask = motion.dtype == np.uint8
        moved = motion if is_mask else cv2.compare(motion, 1 - FRESH_HISTORY, cv2.CMP_GT)
        left, top, box_width, box_height = cv2.boundingRect(moved)
        if box_width == 0:
            return
        rows, columns = slice(top, top + box_height), slice(left, left + box_width)
        alpha, keep = self._alpha[rows, columns], self._keep[rows, columns]
        if is_mask:
            np.multiply(motion[rows, columns], STROKE_STRENGTH / 255, out=alpha)
        else:
            np.subtract(motion[rows, columns], 1 - FRESH_HISTORY, out=alpha)
            np.multiply(alpha, STROKE_STRENGTH / FRESH_HISTORY, out=alpha)
            np.maximum(alpha, 0, out=alpha)
        cv2.subtract(1.0, alpha, dst=keep)
        paint, region = self._paint[rows, columns], self._canvas[rows, columns]
        cv2.rectangle(paint, (0, 0), (box_width, box_height), _bytes(trail_colour(time)), -1)
        cv2.blendLinear(paint, region, alpha, keep, dst=region)

    def pixels(self) -> np.ndarray:
        """The painting as the client saw it: uint8 RGB, height x width x 3, rows from the top."""
        return cv2.flip(self._canvas, 1) if self.mirrored else self._canvas.copy()

    def image(self) -> Image.Image:
        return Image.fromarray(self.pixels())

    def png(self, size: tuple[int, int] | None = None) -> bytes:
        """The painting as PNG bytes, scaled to `size` if given (a thumbnail)."""
        picture = self.image()
        if size is not None and size != picture.size:
            picture = picture.resize(size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        picture.save(buffer, "PNG")
        return buffer.getvalue()


def silhouette_image(
    silhouette: np.ndarray,
    colour: RGB = SILHOUETTE_COLOUR,
    background: RGB = PAPER,
    mirrored: bool = True,
) -> np.ndarray:
    """The body's shape in one colour on a plain background, uint8 RGB height x width x 3.

    Made from the silhouette mask alone (uint8; any non-zero pixel is the body), so the picture
    holds exactly two colours and nothing of the camera's frame.
    """
    body = cv2.flip(silhouette, 1) if mirrored else silhouette
    lookup = np.empty((256, 1, 3), dtype=np.uint8)
    lookup[0] = _bytes(background)
    lookup[1:] = _bytes(colour)
    return cv2.applyColorMap(body, lookup)
