"""Rendering a stroke log to PNG with Pillow, with no window."""

import io
import itertools
import json
import math

import pytest
from PIL import Image, ImageChops

from expressive.lib.drawing.render import render_image, render_png, thumbnail_png
from expressive.lib.drawing.strokes import BRUSHES, PALETTE, PAPER_COLOURS, TEMPLATES, DrawingLog
from expressive.lib.drawing.templates import LINE_COLOUR, PhotoError, paper_image, photo_for_paper

WHITE = (255, 255, 255)


def rgb(colour):
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def stroke(log, points, colour=PALETTE["red"], width=22, tool="marker", dynamics="fixed", **options):
    """A stroke at a steady 1,000 document pixels a second unless `points` give times."""
    log.begin_stroke(tool, colour, width, t=0, dynamics=dynamics, **options)
    for index, (x, y, *pressure_and_time) in enumerate(points):
        pressure, t = pressure_and_time or (1.0, index * 0.02)
        log.add_point(x, y, pressure, t=t)
    log.end_stroke()


def wave(left=200, right=1800, y=700, step=20):
    return [(x, y + 60 * ((x // 200) % 2)) for x in range(left, right, step)]


def inked_height(image, x, top=0, bottom=1536):
    """How many pixels of column `x` differ from white: the stroke's width there."""
    return sum(image.getpixel((x, y)) != WHITE for y in range(top, bottom))


def inked_span(image, x):
    """From the first to the last pixel of column `x` that differs from white."""
    inked = [y for y in range(image.height) if image.getpixel((x, y)) != WHITE]
    return inked[-1] - inked[0] + 1


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


def one_stroke_picture(tool, **options):
    log = DrawingLog()
    stroke(log, wave(), colour=PALETTE["blue"], width=56, tool=tool, dynamics="speed", seed=11, **options)
    return log


def test_every_brush_looks_different_and_the_same_every_time():
    pictures = {}
    for tool in BRUSHES:
        log = one_stroke_picture(tool)
        png = render_png(log)
        # The log saved and loaded again draws the very same picture, spray dots included.
        assert render_png(DrawingLog.from_json(log.to_json())) == png
        pictures[tool] = Image.open(io.BytesIO(png)).convert("RGB")
    for first, second in itertools.combinations(BRUSHES, 2):
        difference = ImageChops.difference(pictures[first], pictures[second]).getbbox()
        assert difference is not None, f"{first} and {second} look the same"


def test_brushes_have_their_own_character():
    def inked_colours(tool):
        image = render_image(one_stroke_picture(tool)).crop((300, 600, 1700, 820))
        return [colour for _count, colour in image.getcolors(1 << 20) if colour != WHITE]

    blue = rgb(PALETTE["blue"])
    assert inked_colours("marker") == [blue]  # flat and even: one colour
    assert len(inked_colours("paintbrush")) > 20  # soft edges fade out
    assert blue not in inked_colours("paintbrush")  # a single coat is see-through
    rainbow_hues = {colour for colour in inked_colours("rainbow")}
    assert len(rainbow_hues) > 30
    # Crayon and spray leave paper showing inside the stroke.
    for tool in ("crayon", "spray"):
        middle = render_image(one_stroke_picture(tool)).crop((400, 690, 600, 710))
        assert WHITE in [colour for _count, colour in middle.getcolors(1 << 16)], tool
    # The spray is dots around the path: wider than the marker, and sparse at its edge.
    spray = render_image(one_stroke_picture("spray"))
    assert inked_span(spray, 500) > inked_span(render_image(one_stroke_picture("marker")), 500)
    assert inked_height(spray, 500) < inked_span(spray, 500) * 0.8


def test_a_fast_stroke_is_thinner_than_a_slow_one():
    def width_at_speed(seconds_per_point):
        log = DrawingLog()
        points = [(x, 700, 1.0, index * seconds_per_point) for index, x in enumerate(range(200, 1800, 20))]
        stroke(log, points, width=56, tool="rainbow", dynamics="speed")
        return inked_height(render_image(log), 1000, 600, 800)

    slow, fast = width_at_speed(0.1), width_at_speed(0.005)
    assert fast < slow * 0.8


def test_light_pressure_makes_a_thinner_fainter_line():
    def rendered(pressure):
        log = DrawingLog()
        stroke(log, [(x, 700, pressure, 0) for x in range(200, 1800, 20)], width=56, tool="paintbrush", dynamics="pressure")
        return render_image(log)

    light, firm = rendered(0.2), rendered(1.0)
    assert inked_height(light, 1000, 500, 900) < inked_height(firm, 1000, 500, 900) * 0.8
    assert sum(light.getpixel((1000, 700))) > sum(firm.getpixel((1000, 700)))


def test_the_chosen_opacity_lets_the_paper_show_through():
    def centre(opacity):
        log = DrawingLog()
        stroke(log, wave(), width=56, opacity=opacity)
        return render_image(log).getpixel((500, 700))

    faint, strong = centre(0.25), centre(1.0)
    assert strong == rgb(PALETTE["red"])
    assert all(f > s for f, s in zip(faint, strong) if s < 250)


def test_a_marker_over_a_marker_darkens_like_ink():
    log = DrawingLog()
    stroke(log, [(100, 500), (900, 500)], colour=PALETTE["yellow"], width=56)
    stroke(log, [(500, 300), (500, 700)], colour=PALETTE["light blue"], width=56)
    crossing = render_image(log).getpixel((500, 500))
    assert crossing != rgb(PALETTE["light blue"]) and sum(crossing) < sum(rgb(PALETTE["light blue"]))


def test_the_eraser_brings_back_the_photo_under_the_strokes():
    log = DrawingLog()
    photo = Image.linear_gradient("L").resize((1024, 768)).convert("RGB")
    log.set_background(photo=log.add_photo(photo_for_paper(png_file(photo), (2048, 1536))), t=0)
    background = paper_image(log)
    assert abs(background.getpixel((1000, 1500))[0] - 255 * 1500 / 1536) < 4, "the photo fills the paper"
    stroke(log, [(100, 500), (900, 500)], width=56)
    stroke(log, [(500, 400), (500, 600)], tool="eraser", width=56)
    image = render_image(log)
    assert image.getpixel((500, 500)) == background.getpixel((500, 500))
    grey = background.getpixel((200, 500))[0]
    expected = [channel * grey // 255 for channel in rgb(PALETTE["red"])]
    assert all(abs(a - b) <= 1 for a, b in zip(image.getpixel((200, 500)), expected)), "the marker multiplies"
    assert image.getpixel((1500, 1000)) == background.getpixel((1500, 1000))


def test_a_version_1_log_renders_as_it_always_did():
    data = {
        "format": "expressive-strokes",
        "version": 1,
        "width": 2048,
        "height": 1536,
        "background": "#FFFFFF",
        "events": [
            {"type": "stroke", "t": 0, "tool": "brush", "colour": PALETTE["red"], "width": 40,
             "points": [[200, 300, 1.0, 0], [600, 300, 1.0, 0.01], [600, 700, 1.0, 0.02]]},
        ],
    }
    image = render_image(DrawingLog.from_json(json.dumps(data)))
    red = rgb(PALETTE["red"])
    assert image.getpixel((400, 300)) == red and image.getpixel((400, 318)) == red
    assert image.getpixel((185, 300)) == red and image.getpixel((183, 283)) == WHITE
    assert image.getpixel((400, 340)) == WHITE


@pytest.mark.parametrize("tool", BRUSHES + ("eraser",))
def test_a_stroke_off_the_paper_changes_nothing(tool):
    log = DrawingLog()
    stroke(log, [(-500, -500), (-300, -400)], tool=tool)
    assert render_image(log).getextrema() == ((255, 255), (255, 255), (255, 255))


def ring(log, colour=PALETTE["black"], centre=(1024, 768), radius=400, width=22):
    """A closed circle of marker to fill inside or out."""
    cx, cy = centre
    stroke(log, [(cx + radius * math.cos(2 * math.pi * i / 120), cy + radius * math.sin(2 * math.pi * i / 120)) for i in range(121)],
           colour=colour, width=width)


def test_a_fill_paints_the_inside_of_a_closed_shape_up_to_its_line():
    log = DrawingLog()
    ring(log)
    log.fill(1024, 768, PALETTE["red"], t=1)
    image = render_image(log)
    assert image.getpixel((1024, 768)) == rgb(PALETTE["red"])
    assert image.getpixel((1024 + 380, 768)) == rgb(PALETTE["red"]), "right up to the line"
    assert image.getpixel((1024 + 400, 768)) == rgb(PALETTE["black"]), "the line stays"
    assert image.getpixel((1024 + 430, 768)) == WHITE and image.getpixel((10, 10)) == WHITE, "nothing leaks out"
    assert render_image(log).tobytes() == image.tobytes(), "the same every time"


def test_a_fill_outside_goes_round_the_shape_to_the_edges():
    log = DrawingLog()
    ring(log)
    log.fill(5, 5, PALETTE["light blue"], t=1)
    image = render_image(log)
    assert image.getpixel((2047, 1535)) == image.getpixel((5, 5)) == rgb(PALETTE["light blue"])
    assert image.getpixel((1024, 768)) == WHITE


def test_fill_opacity_and_tolerance():
    log = DrawingLog()
    ring(log, colour="#F0F0F0")  # a line so pale that a tolerant fill runs over it
    log.fill(1024, 768, PALETTE["blue"], t=1, opacity=0.5, tolerance=0)
    half = render_image(log).getpixel((1024, 768))
    assert all(paper > value > full for paper, value, full in zip(WHITE, half, rgb(PALETTE["blue"])))
    assert render_image(log).getpixel((10, 10)) == WHITE, "a strict fill stops at the pale line"
    log.undo(t=2)
    log.fill(1024, 768, PALETTE["blue"], t=3, tolerance=40)
    assert render_image(log).getpixel((10, 10)) == rgb(PALETTE["blue"]), "a tolerant one does not"


def test_a_fill_sees_the_picture_as_it_was_when_it_was_tapped():
    log = DrawingLog()
    log.fill(10, 10, PALETTE["yellow"], t=0)
    ring(log)  # drawn after the fill: over it, not a wall it stopped at
    image = render_image(log)
    assert image.getpixel((1024, 768)) == image.getpixel((10, 10)) == rgb(PALETTE["yellow"])


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_template_draws_its_lines_on_the_paper_and_the_eraser_brings_them_back(template):
    log = DrawingLog()
    log.set_background(PAPER_COLOURS["cream"], template, t=0)
    paper = render_image(log)
    colours = {colour for _count, colour in paper.getcolors(2048 * 1536)}
    assert rgb(PAPER_COLOURS["cream"]) in colours and rgb(LINE_COLOUR) in colours
    assert render_image(log).tobytes() == paper.tobytes(), "the same every time"
    stroke(log, wave(), width=300)
    stroke(log, wave(), width=300, tool="eraser")
    assert render_image(log).tobytes() == paper.tobytes()


def test_templates_differ():
    pictures = set()
    for template in TEMPLATES:
        log = DrawingLog()
        log.set_background("#FFFFFF", template, t=0)
        pictures.add(render_image(log).tobytes())
    assert len(pictures) == len(TEMPLATES)


def png_file(image):
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_photo_is_turned_cut_and_scaled_to_the_paper():
    wide = Image.new("RGB", (3000, 1000), "#204080")
    wide.paste((250, 10, 10), (1400, 400, 1600, 600))
    jpeg = photo_for_paper(png_file(wide), (2048, 1536))
    fitted = Image.open(io.BytesIO(jpeg))
    assert fitted.format == "JPEG" and fitted.size == (2048, 1536)
    red = fitted.getpixel((1024, 768))
    assert red[0] > 200 and red[1] < 60, "the middle of the photo stays in the middle"


@pytest.mark.parametrize("data", [b"", b"not a picture", b"\x89PNG\r\n\x1a\n broken"])
def test_what_is_not_a_picture_is_refused_in_plain_words(data):
    with pytest.raises(PhotoError, match="could not be opened"):
        photo_for_paper(data, (2048, 1536))
