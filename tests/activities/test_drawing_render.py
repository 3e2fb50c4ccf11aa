"""Rendering a stroke log to PNG with Pillow, with no window."""

import io

from PIL import Image

from activities.drawing.render import render_image, render_png, thumbnail_png
from activities.drawing.strokes import PALETTE, DrawingLog

WHITE = (255, 255, 255)


def rgb(colour):
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def stroke(log, points, colour=PALETTE["red"], width=22, tool="brush"):
    log.begin_stroke(tool, colour, width, t=0)
    for x, y in points:
        log.add_point(x, y, t=0)
    log.end_stroke()


def test_an_empty_log_renders_blank_paper_at_full_size():
    image = render_image(DrawingLog())
    assert image.size == (2048, 1536) and image.mode == "RGB"
    assert image.getextrema() == ((255, 255), (255, 255), (255, 255))


def test_a_stroke_appears_where_it_was_drawn_and_nowhere_else():
    log = DrawingLog()
    stroke(log, [(200, 300), (600, 300), (600, 700)], width=22)
    image = render_image(log)
    red = rgb(PALETTE["red"])
    assert image.getpixel((400, 300)) == red  # on the first segment
    assert image.getpixel((400, 310)) == red  # within half the width of it
    assert image.getpixel((600, 500)) == red  # on the second segment
    assert image.getpixel((400, 340)) == WHITE  # beyond the stroke's width
    assert image.getpixel((1500, 1200)) == WHITE


def test_ends_and_corners_are_round():
    log = DrawingLog()
    stroke(log, [(200, 300), (600, 300), (600, 700)], width=40)
    image = render_image(log)
    red = rgb(PALETTE["red"])
    assert image.getpixel((185, 300)) == red  # the cap reaches past the first point
    assert image.getpixel((183, 283)) == WHITE  # but round: not where a square cap's corner is
    assert image.getpixel((610, 290)) == red  # the outside of the corner is filled...
    assert image.getpixel((617, 283)) == WHITE  # ...and rounded, not mitred


def test_a_tap_draws_a_dot_as_wide_as_the_brush():
    log = DrawingLog()
    stroke(log, [(1000, 800)], colour=PALETTE["blue"], width=56)
    image = render_image(log)
    blue = rgb(PALETTE["blue"])
    assert image.getpixel((1000, 800)) == blue
    assert image.getpixel((1000 + 26, 800)) == blue
    assert image.getpixel((1000 + 32, 800)) == WHITE


def test_the_eraser_paints_white_over_earlier_strokes():
    log = DrawingLog()
    stroke(log, [(100, 500), (900, 500)], width=56)
    stroke(log, [(500, 400), (500, 600)], tool="eraser", width=56)
    image = render_image(log)
    assert image.getpixel((500, 500)) == WHITE
    assert image.getpixel((200, 500)) == rgb(PALETTE["red"])


def test_undone_and_cleared_strokes_are_not_drawn():
    log = DrawingLog()
    stroke(log, [(100, 100), (200, 100)])
    log.clear()
    stroke(log, [(100, 900), (200, 900)], colour=PALETTE["green"])
    stroke(log, [(100, 1200), (200, 1200)])
    log.undo()
    image = render_image(log)
    assert image.getpixel((150, 100)) == WHITE
    assert image.getpixel((150, 900)) == rgb(PALETTE["green"])
    assert image.getpixel((150, 1200)) == WHITE


def test_png_and_thumbnail():
    log = DrawingLog()
    stroke(log, [(0, 0), (2047, 1535)], width=56)
    png = Image.open(io.BytesIO(render_png(log)))
    assert png.format == "PNG" and png.size == (2048, 1536)
    assert png.convert("RGB").getpixel((1024, 768)) == rgb(PALETTE["red"])
    thumbnail = Image.open(io.BytesIO(thumbnail_png(render_image(log))))
    assert thumbnail.format == "PNG" and thumbnail.size == (320, 240)
    assert Image.open(io.BytesIO(thumbnail_png(render_image(log), (100, 100)))).size == (100, 75)
