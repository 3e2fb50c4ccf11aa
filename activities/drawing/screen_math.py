"""Small sums the drawing screen needs, kept free of Kivy so they can be tested alone."""

from __future__ import annotations

from expressive.lib.drawing.strokes import DOC_HEIGHT, DOC_WIDTH

# The ring round every colour swatch and dot (RGBA): a pale one (yellow, peach, white)
# stands out from the background by it at 3:1, as a control must.
OUTLINE = (0, 0, 0, 0.5)
# Kivy's Line misdraws above ~4,680 points; shorter Lines also keep each append cheap.
MAX_LINE_POINTS = 1000


def fit_aspect(available: tuple[float, float], aspect: float = DOC_WIDTH / DOC_HEIGHT) -> tuple[float, float]:
    """The largest size in whole pixels with (nearly) the given width/height ratio that
    fits in `available`: the paper's picture then maps onto whole screen pixels, not
    smeared over a fraction of one at its edge."""
    width, height = available
    if width <= 0 or height <= 0:
        return 0.0, 0.0
    fitted = (width, width / aspect) if width / height < aspect else (height * aspect, height)
    return float(int(fitted[0])), float(int(fitted[1]))


def split_for_lines(flat_points: list[float], limit: int = MAX_LINE_POINTS) -> list[list[float]]:
    """Cut [x0, y0, x1, y1, ...] into runs of at most `limit` points.

    Each run starts at the point where the previous one ended, so the pieces join
    without a gap. A growing stroke on screen is cut at the same places.
    """
    step = (limit - 1) * 2
    return [flat_points[start : start + limit * 2] for start in range(0, max(len(flat_points) - 2, 1), step)]


def is_light(colour: str) -> bool:
    """Whether dark marks show better than white ones on this "#RRGGBB" colour."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue > 0.6
