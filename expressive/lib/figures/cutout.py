"""A client's drawing made into a figure: the paper around what they drew becomes transparent.

The paper is the colour found along the picture's edges; every pixel of about that colour
that can be reached from an edge without crossing a line is taken away, so the paper inside
a closed shape (the white of an eye, a window) stays, as a paper cut-out would. Public,
covered by the API version (through expressive.lib.figures). No Kivy here.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from expressive.i18n import _
from expressive.lib.figures.catalogue import (
    MAX_FIGURE_SIDE,
    OWN,
    Figure,
    FigureUnreadable,
    figure_from_picture,
)
from expressive.limits import InputRefused, open_picture_bounded

# How far (in any of red, green, blue, 0-255) a pixel may be from the paper's colour and
# still be paper: enough for a photo's uneven light and a scanner's noise, not for a pale pencil.
PAPER_TOLERANCE = 40
# Pixels this transparent already count as paper (a drawing saved without its paper).
SEE_THROUGH_ALPHA = 16
# Fewer drawn pixels than this share of the picture are specks of dust, not a drawing.
LEAST_DRAWN_SHARE = 1 / 2000


def cut_out(picture_bytes: bytes, key: str, name: str) -> Figure:
    """A figure ("own" shelf) of the drawing in `picture_bytes` (PNG or JPEG), its paper made
    transparent and trimmed away, at most MAX_FIGURE_SIDE pixels on its longest side.
    FigureUnreadable, in plain words, when it is not a picture or nothing is drawn on it."""
    try:
        with open_picture_bounded(picture_bytes) as opened:
            picture = opened.convert("RGBA")
    except InputRefused as refused:
        raise FigureUnreadable(str(refused), refused.reason) from None
    # Shrunk first: the flood then costs the same for a photo as for a small drawing.
    picture.thumbnail((MAX_FIGURE_SIDE, MAX_FIGURE_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    pixels = np.array(picture)
    pixels[..., 3][_paper_reached_from_edges(pixels)] = 0
    drawn = int(np.count_nonzero(pixels[..., 3] >= SEE_THROUGH_ALPHA))
    if drawn < max(1, pixels.shape[0] * pixels.shape[1] * LEAST_DRAWN_SHARE):
        raise FigureUnreadable(_("There is nothing drawn on this picture to cut out."), "empty")
    return figure_from_picture(key, name, Image.fromarray(pixels, "RGBA"), OWN)


def _paper_reached_from_edges(pixels: np.ndarray) -> np.ndarray:
    """Where the paper is: pixels of the paper's colour (or see-through) connected to an edge."""
    alpha = pixels[..., 3]
    colours = pixels[..., :3].astype(np.int16)
    see_through = alpha < SEE_THROUGH_ALPHA
    edge = np.zeros(alpha.shape, dtype=bool)
    edge[0, :] = edge[-1, :] = edge[:, 0] = edge[:, -1] = True
    visible_edge = colours[edge & ~see_through]
    if len(visible_edge):
        # The median: a line that runs off the page does not change the paper's colour.
        paper = np.median(visible_edge, axis=0)
        paper_like = see_through | (np.abs(colours - paper).max(axis=2) <= PAPER_TOLERANCE)
    else:
        paper_like = see_through
    _count, regions = cv2.connectedComponents(paper_like.astype(np.uint8), connectivity=4)
    edge_regions = np.unique(regions[edge & paper_like])
    return np.isin(regions, edge_regions) & paper_like
