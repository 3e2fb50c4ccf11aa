"""The sandtray's picture, drawn with Pillow from the log: sand and water, figures where
they stand, turned, mirrored, buried, in front of or behind each other."""

import io

import numpy as np
from PIL import Image

from expressive.activities.play.render import SAND_RGB, forget_kept_tiles, png_bytes, render_at, render_tray, sand_picture, thumbnail_png
from expressive.activities.play.tray import FIGURE_SIZE, TRAY_HEIGHT, TRAY_WIDTH, TrayLog
from expressive.lib.figures import Figure, FigureLibrary, figure_from_png

MAGENTA = (255, 0, 255)
GREEN = (0, 200, 0)


def png(size, halves=(MAGENTA, MAGENTA)):
    """A picture whose left and right halves are in the two colours."""
    picture = Image.new("RGBA", size, halves[0] + (255,))
    picture.paste(halves[1] + (255,), (size[0] // 2, 0, size[0], size[1]))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def library():
    return FigureLibrary([
        figure_from_png("own:magenta", "magenta", png((100, 100))),
        figure_from_png("own:halves", "halves", png((100, 100), (MAGENTA, GREEN))),
        figure_from_png("own:tall", "tall", png((40, 120))),
        figure_from_png("own:green", "green", png((100, 100), (GREEN, GREEN))),
        Figure(key="own:broken", name="broken", category="own", simple=False, source=b"not a picture at all"),
    ])


def near(colour, expected, tolerance=12):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected))


def count(picture, colour, box=None):
    pixels = np.asarray(picture.crop(box) if box else picture, dtype=np.int16)
    return int((np.abs(pixels - colour) <= 12).all(axis=-1).sum())


def test_water_shows_where_the_sand_was_pushed():
    log = TrayLog()
    log.push_sand([(400, 800), (1600, 800)], 96, 1.0)
    picture = render_at(log, library())
    assert picture.size == (TRAY_WIDTH, TRAY_HEIGHT) and picture.mode == "RGB"
    red, _green, blue = picture.getpixel((1000, 800))
    assert blue > red + 60  # water
    red, _green, blue = picture.getpixel((1000, 300))
    assert red > blue + 60  # sand
    # Before the push, the sand was whole there.
    red, _green, blue = render_at(log, library(), 0.5).getpixel((1000, 800))
    assert red > blue + 60


def test_a_placed_figure_appears_at_its_place():
    log = TrayLog()
    log.place("own:magenta", 600, 500, 1.0)
    picture = render_at(log, library())
    assert near(picture.getpixel((600, 500)), MAGENTA)
    half = FIGURE_SIZE // 2
    inside = count(picture, MAGENTA, (600 - half, 500 - half, 600 + half, 500 + half))
    assert inside >= 0.9 * FIGURE_SIZE * FIGURE_SIZE
    assert count(picture, MAGENTA) == inside  # nowhere else


def test_sand_kept_from_an_earlier_picture_is_never_drawn_on():
    """The replay reuses the sand of the last pictures: the figures of one frame must not
    stay on it for the next, and pushed sand must show at once."""
    log = TrayLog()
    log.place("own:magenta", 600, 500, 1.0)
    log.push_sand([(1500, 300), (1800, 300)], 64, 2.0)
    log.remove(1, 3.0)
    with_figure, without_figure = render_at(log, library(), 1.5), render_at(log, library(), 3.5)
    assert count(with_figure, MAGENTA) > 0 and count(without_figure, MAGENTA) == 0
    forget_kept_tiles()
    assert np.array_equal(np.asarray(render_at(log, library(), 3.5)), np.asarray(without_figure))
    assert render_at(log, library(), 1.5).getpixel((1650, 300)) != without_figure.getpixel((1650, 300))


def test_a_figure_grows_and_turns():
    log = TrayLog()
    tall = log.place("own:tall", 1000, 700, 1.0)
    picture = render_at(log, library())
    assert near(picture.getpixel((1000, 700 - 80)), MAGENTA) and not near(picture.getpixel((1000 + 80, 700)), MAGENTA)
    log.turn(tall, 90, 2.0)
    picture = render_at(log, library())
    assert near(picture.getpixel((1000 + 80, 700)), MAGENTA) and not near(picture.getpixel((1000, 700 - 80)), MAGENTA)
    log.resize(tall, 2.0, 3.0)
    assert near(render_at(log, library()).getpixel((1000 + 170, 700)), MAGENTA)


def test_flip_mirrors_a_figure():
    log = TrayLog()
    halves = log.place("own:halves", 1000, 700, 1.0)
    picture = render_at(log, library())
    assert near(picture.getpixel((1000 - 50, 700)), MAGENTA) and near(picture.getpixel((1000 + 50, 700)), GREEN)
    log.flip(halves, 2.0)
    picture = render_at(log, library())
    assert near(picture.getpixel((1000 - 50, 700)), GREEN) and near(picture.getpixel((1000 + 50, 700)), MAGENTA)


def test_a_buried_figure_shows_only_what_is_above_the_sand():
    log = TrayLog()
    snake = log.place("own:magenta", 1000, 700, 1.0)
    log.bury(snake, 0.5, 2.0)
    picture = render_at(log, library())
    assert near(picture.getpixel((1000, 700 - 60)), MAGENTA)
    assert not near(picture.getpixel((1000, 700 + 60)), MAGENTA)
    log.bury(snake, 1.0, 3.0)
    picture = render_at(log, library())
    assert count(picture, MAGENTA) == 0
    # A mound of sand shows where it went in.
    red, _green, blue = picture.getpixel((1000, 700 + FIGURE_SIZE // 2))
    assert red > blue + 40


def test_the_figure_in_front_covers_the_one_behind():
    log = TrayLog()
    log.place("own:magenta", 1000, 700, 1.0)
    green = log.place("own:green", 1000, 700, 2.0)
    assert near(render_at(log, library()).getpixel((1000, 700)), GREEN)
    log.to_back(green, 3.0)
    assert near(render_at(log, library()).getpixel((1000, 700)), MAGENTA)


def test_a_taken_away_figure_is_not_drawn():
    log = TrayLog()
    stone = log.place("own:magenta", 1000, 700, 1.0)
    log.remove(stone, 2.0)
    assert count(render_at(log, library()), MAGENTA) == 0


def test_a_figure_that_cannot_be_shown_is_a_grey_disc():
    log = TrayLog()
    log.place("own:broken", 500, 500, 1.0)
    log.place("noto:not-in-the-library", 1500, 500, 1.0)
    picture = render_at(log, library())
    for x in (500, 1500):
        red, green, blue = picture.getpixel((x, 500))
        assert max(red, green, blue) - min(red, green, blue) < 40  # grey over sand, not sand alone
        assert picture.getpixel((x, 500)) != picture.getpixel((x, 900))


def test_the_tray_shape_leaves_a_wooden_rim():
    log = TrayLog(shape="oval")
    corner = render_at(log, library()).getpixel((120, 120))
    middle = render_at(log, library()).getpixel((1024, 768))
    assert sum(corner) < sum(middle) - 150  # dark wood in the corner, sand in the middle
    square = render_at(TrayLog(shape="square"), library())
    assert sum(square.getpixel((150, 768))) < sum(square.getpixel((1024, 768))) - 150
    rectangle = render_at(TrayLog(), library())
    assert near(rectangle.getpixel((150, 768)), rectangle.getpixel((1024, 768)), 40)


def test_each_sand_colour_has_its_own_look():
    colours = {}
    for colour in SAND_RGB:
        log = TrayLog(sand_colour=colour)
        colours[colour] = render_at(log, library()).getpixel((1024, 768))
        assert near(colours[colour], SAND_RGB[colour], 30)
    assert len(set(colours.values())) == len(SAND_RGB)


def test_the_studio_sand_has_the_colours_of_the_picture():
    log = TrayLog()
    log.push_sand([(400, 800), (1600, 800)], 128, 1.0)
    state = log.state_at()
    small = sand_picture(state)
    assert small.size == (state.sand.shape[1], state.sand.shape[0]) and small.mode == "RGBA"
    big = render_tray(state, library())
    for x, y in ((1000, 800), (1000, 300)):
        cell = small.getpixel((int(x / 16), int(y / 16)))
        assert near(cell[:3], big.getpixel((x, y)), 30)


def test_a_smaller_picture_and_its_files():
    log = TrayLog()
    log.place("own:magenta", 1024, 768, 1.0)
    small = render_at(log, library(), size=(512, 384))
    assert small.size == (512, 384) and near(small.getpixel((256, 192)), MAGENTA)
    picture = render_at(log, library())
    assert Image.open(io.BytesIO(png_bytes(picture))).size == (2048, 1536)
    assert max(Image.open(io.BytesIO(thumbnail_png(picture))).size) <= 320


def test_a_figure_kept_from_an_earlier_picture_is_not_taken_for_another_librarys():
    log = TrayLog()
    log.place("own:same-key", 1000, 700, 1.0)
    magenta = FigureLibrary([figure_from_png("own:same-key", "one", png((100, 100)))])
    green = FigureLibrary([figure_from_png("own:same-key", "other", png((100, 100), (GREEN, GREEN)))])
    assert near(render_at(log, magenta).getpixel((1000, 700)), MAGENTA)
    assert near(render_at(log, green).getpixel((1000, 700)), GREEN)


def test_the_bench_figures_are_measured():
    from expressive.activities.play.measure import tray_picture_figures

    figures = {figure.name: figure for figure in tray_picture_figures(quick=True)}
    assert set(figures) == {"sandtray_picture_from_500_moves", "sandtray_state_at_end_5000_events",
                            "sandtray_replay_frame_1024x768"}
    assert all(figure.value > 0 and figure.unit == "ms" for figure in figures.values())
    assert "floor" in figures["sandtray_picture_from_500_moves"].what
