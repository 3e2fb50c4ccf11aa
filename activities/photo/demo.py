"""Photos for the demo portfolio and the screenshots, with no real person in them: the
moving test pattern's figure in its dim room, photographed where it stood, one photo with a
child's drawing over it (a sun and a heart, drawn in the drawing studio's way), and, in
one variant, a picture drawn on plain paper as a tablet without a camera offers. No Kivy.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from expressive.activities.photo.roll import Roll, jpeg_of_frame, jpeg_of_picture
from expressive.api import MemoryDrafts
from expressive.api.camera import FigureScene
from expressive.api.i18n import N_, _
from expressive.lib.drawing.demo import demo_log
from expressive.lib.drawing.render import png_bytes, render_image
from expressive.lib.drawing.strokes import BRUSH_SIZES, PALETTE, DrawingLog
from expressive.lib.drawing.templates import photo_for_paper

PROMPTS = (
    N_("Something that makes you feel safe"),
    N_("You, the way you feel today"),
    N_("A place you like to be"),
)
FRAME_SIZE = (640, 480)
# Where the figure stands in each photo (fractions of width and height), and its arms.
POSES = ((0.3, 0.5, 0.2), (0.55, 0.52, 0.9), (0.72, 0.5, 0.5))
DEMO_PAPER = (1024, 768)


def demo_photos(variant: int) -> list[bytes]:
    """JPEGs of the test pattern's figure standing in a few places (another room per variant)."""
    scene = FigureScene(FRAME_SIZE, noise=0.01, seed=variant)
    return [jpeg_of_frame(scene.draw((x, y), arm_lift=arms, index=index))
            for index, (x, y, arms) in enumerate(POSES)]


def drawing_over(photo: bytes, seed: int) -> bytes:
    """The photo with a child's drawing over it (a sun in the corner, a heart by the
    figure), as the picture maker returns it: a PNG (at half the drawing studio's size,
    which is quicker to make and still larger than the photo)."""
    log = DrawingLog(width=DEMO_PAPER[0], height=DEMO_PAPER[1], clock=lambda: 0.0)
    log.set_background(photo=log.add_photo(photo_for_paper(photo, DEMO_PAPER)), t=0.0)
    t = 1.0
    for colour, path in (("yellow", _circle(130, 120, 60)), ("yellow", _rays(130, 120, 85, 130)),
                         ("red", _heart(725 - 30 * seed, 280, 75))):
        log.begin_stroke("paintbrush", PALETTE[colour], BRUSH_SIZES["small"], t=t, seed=seed)
        for x, y in path:
            t += 0.015
            log.add_point(x, y, 0.8, t=t)
        log.end_stroke()
        t += 1.5
    return png_bytes(render_image(log))


def _circle(cx: float, cy: float, radius: float) -> Iterator[tuple[float, float]]:
    for step in range(73):
        angle = step * math.tau / 72
        yield cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _rays(cx: float, cy: float, inner: float, outer: float) -> Iterator[tuple[float, float]]:
    # One stroke out and back along each ray, as a child draws them without lifting.
    for ray in range(8):
        angle = ray * math.tau / 8
        for radius in (inner, outer, inner):
            yield cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _heart(cx: float, cy: float, size: float) -> Iterator[tuple[float, float]]:
    for step in range(91):
        angle = step * math.tau / 90
        x = 16 * math.sin(angle) ** 3
        y = 13 * math.cos(angle) - 5 * math.cos(2 * angle) - 2 * math.cos(3 * angle) - math.cos(4 * angle)
        yield cx + x * size / 16, cy - y * size / 16


def demo_roll(variant: int) -> Roll:
    """A run of the photo activity as a child might make it: three photos answering a
    prompt, one dropped, one drawn on; in the third variant a drawn picture too."""
    prompt = _(PROMPTS[variant % len(PROMPTS)])
    # The clock the roll reads: when it began, then when each photo was taken.
    times = iter((0.0, 4.0, 19.5, 37.0, 95.0))
    roll = Roll(MemoryDrafts(), clock=lambda: next(times, 160.0))
    first, second, _third = (roll.add(photo, source, prompt) for photo, source in
                            zip(demo_photos(variant), ("camera-back", "camera-front", "camera-back")))
    roll.drop(second)
    roll.draw_on(first, drawing_over(first.jpeg, variant))
    if variant % 3 == 2:
        drawing = render_image(demo_log(variant))
        drawing.thumbnail(DEMO_PAPER)
        picture = png_bytes(drawing)
        drawn = roll.add(jpeg_of_picture(picture), "drawn", prompt)
        roll.draw_on(drawn, picture)
    return roll
