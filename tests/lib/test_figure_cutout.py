"""cut_out: a client's drawing becomes a figure, its paper transparent and trimmed away."""

import io
import random

import pytest
from PIL import Image, ImageDraw

from expressive.lib.figures import MAX_FIGURE_SIDE, FigureUnreadable, cut_out


def encoded(picture: Image.Image, format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format)
    return buffer.getvalue()


def drawing(paper="white", size=(1200, 900), mode="RGB") -> Image.Image:
    """A house on `paper`: a red wall with a window (paper showing inside a closed outline),
    a black roof, and a green line of grass running off the right edge."""
    picture = Image.new(mode, size, paper)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((300, 400, 700, 800), fill="red", outline="black", width=8)
    draw.rectangle((400, 500, 520, 620), fill=paper, outline="black", width=8)  # the window
    draw.polygon([(260, 400), (500, 200), (740, 400)], fill="black")
    draw.line([(700, 800), (1200, 800)], fill="green", width=12)
    return picture


def test_a_drawing_on_white_paper_is_cut_out_of_it():
    figure = cut_out(encoded(drawing()), "cutout:42", "our house")
    assert (figure.key, figure.name, figure.category, figure.simple) == ("cutout:42", "our house", "own", True)
    picture = figure.picture()
    assert picture.mode == "RGBA" and max(picture.size) <= MAX_FIGURE_SIDE
    # Trimmed to the house and its grass: 940 x 612 of 1200 x 900, shrunk by 512 / 1200.
    assert picture.getchannel("A").getbbox() == (0, 0, *picture.size)
    assert 400 <= picture.width <= 402 and 259 <= picture.height <= 262
    scale = picture.width / 940
    corner = picture.getpixel((0, picture.height - 1))
    assert corner[3] == 0  # the paper beside the wall is gone
    assert picture.getpixel((round(240 * scale), round(150 * scale)))[:3] == (0, 0, 0)  # the roof stays
    wall = picture.getpixel((round(90 * scale), round(500 * scale)))
    assert wall[3] == 255 and wall[0] > 200 and wall[1] < 60
    window = picture.getpixel((round(200 * scale), round(360 * scale)))
    assert window == (255, 255, 255, 255)  # paper inside a closed line stays, as with scissors
    above_grass = picture.getpixel((picture.width - 5, picture.height - 20))
    assert above_grass[3] == 0
    assert figure.png_bytes().startswith(b"\x89PNG")


def test_a_photo_of_a_drawing_on_coloured_paper_with_uneven_light():
    photo = drawing(paper=(235, 225, 170))
    noise = random.Random(7)
    pixels = photo.load()
    for y in range(0, 900, 3):
        for x in range(0, 1200, 3):
            red, green, blue = pixels[x, y]
            shade = noise.randint(-15, 15) - x // 60  # darker to the right, as under a lamp
            pixels[x, y] = (red + shade, green + shade, blue + shade)
    figure = cut_out(encoded(photo, "JPEG"), "cutout:photo", "house")
    picture = figure.picture()
    alpha = picture.getchannel("A")
    assert alpha.getpixel((0, picture.height - 1)) == 0
    assert alpha.getpixel((picture.width - 1, 0)) == 0
    assert sum(alpha.histogram()[:16]) > picture.width * picture.height * 0.3  # much of it was paper
    scale = picture.width / 940
    assert alpha.getpixel((round(90 * scale), round(500 * scale))) == 255  # the wall
    window = picture.getpixel((round(200 * scale), round(360 * scale)))
    assert window[3] == 255 and window[2] < 200  # the yellow paper inside the window stays


def test_a_drawing_without_its_paper_is_only_trimmed():
    figure = cut_out(encoded(drawing(paper=(0, 0, 0, 0), mode="RGBA")), "cutout:clear", "house")
    picture = figure.picture()
    assert picture.getpixel((0, picture.height - 1))[3] == 0
    assert picture.getchannel("A").getbbox() == (0, 0, *picture.size)


@pytest.mark.parametrize("paper", ["white", (30, 30, 90)])
def test_a_picture_with_nothing_drawn_on_it_is_refused_in_plain_words(paper):
    with pytest.raises(FigureUnreadable, match="There is nothing drawn on this picture to cut out."):
        cut_out(encoded(Image.new("RGB", (640, 480), paper)), "cutout:blank", "blank")


def test_a_blank_photo_with_a_few_specks_is_refused():
    photo = Image.new("RGB", (640, 480), (240, 240, 235))
    draw = ImageDraw.Draw(photo)
    for x, y in ((100, 100), (400, 300), (500, 50)):
        draw.point((x, y), fill="black")
    with pytest.raises(FigureUnreadable, match="nothing drawn"):
        cut_out(encoded(photo, "JPEG"), "cutout:specks", "specks")


def test_what_is_not_a_picture_is_refused_in_plain_words():
    with pytest.raises(FigureUnreadable, match="not a picture"):
        cut_out(b"these are words", "cutout:words", "words")
    with pytest.raises(FigureUnreadable, match="damaged"):
        cut_out(encoded(drawing())[:-4000], "cutout:half", "half")
