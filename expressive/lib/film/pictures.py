"""The pictures of a film: a frame fitted to the film's size, the onion skin that shows the
last frame faintly over the camera, the title card and a strip of frames for reports.
Public, covered by the API version
(through expressive.lib.film). No Kivy here."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from expressive.lib.film.parts import FILM_SIZE
from expressive.lib.fonts import ICON_FONT, TEXT_FONT_BOLD, icon_char
from expressive.lib.typography import FALLBACK_FONTS, INK, load_font
from expressive.limits import MAX_TITLE_CHARS, InputRefused, open_picture_bounded

JPEG_QUALITY = 85
TITLE_PAPER = (255, 209, 140)  # a warm apricot: friendly, and dark ink reads well on it
TITLE_LARGEST_TYPE = 0.15  # of the card's height: a short title in big type
TITLE_SMALLEST_TYPE = 0.05  # a long title shrinks no further; it wraps onto more lines
STRIP_HEIGHT = 120
STRIP_GAP = 8
STRIP_FILM = (40, 36, 34)  # the dark of film stock between the frames


def jpeg_frame(picture: Image.Image | np.ndarray) -> bytes:
    """A frame of the film as JPEG: `picture` (a Pillow image, or a camera frame as an
    array in OpenCV's BGR order) fitted into FILM_SIZE, black bars where the shapes differ."""
    if isinstance(picture, Image.Image):
        if picture.mode in ("RGBA", "LA", "PA", "P"):
            picture = _on_white(picture.convert("RGBA"))
        picture = np.asarray(picture.convert("RGB"))[:, :, ::-1]
    fitted = _letterboxed(picture, FILM_SIZE)
    ok, encoded = cv2.imencode(".jpg", fitted, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError("OpenCV could not encode a film frame as JPEG")
    return encoded.tobytes()


def _on_white(picture: Image.Image) -> Image.Image:
    # Drawn frames may be transparent where nothing was drawn: that is paper, not black.
    paper = Image.new("RGBA", picture.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, picture)


def _letterboxed(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    source_height, source_width = image.shape[:2]
    if (source_width, source_height) == size:
        return np.ascontiguousarray(image)
    scale = min(width / source_width, height / source_height)
    fitted_width = max(1, round(source_width * scale))
    fitted_height = max(1, round(source_height * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(image, (fitted_width, fitted_height), interpolation=interpolation)
    canvas = np.zeros((height, width, 3), np.uint8)
    left = (width - fitted_width) // 2
    top = (height - fitted_height) // 2
    canvas[top:top + fitted_height, left:left + fitted_width] = resized
    return canvas


def onion_skin(live: np.ndarray, previous: np.ndarray, amount: float = 0.35, out: np.ndarray | None = None) -> np.ndarray:
    """The live camera picture with the previous frame faintly over it (`amount` of it), so
    a child sees where the figure was and moves it a little. Both height x width x 3 uint8
    of one size; `out` (the same shape) is written into and returned, so a preview at the
    camera's rate allocates nothing."""
    if live.shape != previous.shape:
        raise ValueError(f"onion skin of a {live.shape} picture over a {previous.shape} one")
    return cv2.addWeighted(live, 1.0 - amount, previous, amount, 0.0, dst=out)


def title_card(title: str, size: tuple[int, int] = FILM_SIZE) -> Image.Image:
    """The card that opens a film: its title in big friendly letters, wrapped and centred
    on a warm colour, in any script the fonts here have; an untitled film shows a film icon."""
    width, height = size
    card = Image.new("RGB", size, TITLE_PAPER)
    draw = ImageDraw.Draw(card)
    words = " ".join(title[:MAX_TITLE_CHARS].split())
    if not words:
        icon = ImageFont.truetype(ICON_FONT, round(height * 0.45))
        draw.text((width / 2, height / 2), icon_char("movie-open"), font=icon, fill=INK, anchor="mm")
        return card
    margin = round(width * 0.08)
    type_size = round(height * TITLE_LARGEST_TYPE)
    smallest = round(height * TITLE_SMALLEST_TYPE)
    while True:
        lines = _wrapped(words, type_size, width - 2 * margin)
        line_height = round(type_size * 1.3)
        if len(lines) * line_height <= height - 2 * margin or type_size <= smallest:
            break
        type_size = max(smallest, round(type_size * 0.85))
    top = (height - len(lines) * line_height) / 2
    for number, line in enumerate(lines):
        _draw_runs(draw, line, type_size, (width / 2, top + (number + 0.5) * line_height))
    return card


@cache
def _fonts() -> tuple[tuple[str, frozenset[int]], ...]:
    """(path, the characters it has) of Andika Bold, then of each bold fallback found here,
    registered under the names the printed type gives them, so each is read once."""
    candidates = [("Andika-Bold", TEXT_FONT_BOLD)]
    candidates += [(f"Fallback{number}-Bold", pair[1]) for number, pair in enumerate(FALLBACK_FONTS, start=1)]
    loaded = ((path, load_font(name, path)) for name, path in candidates)
    return tuple((path, frozenset(font.face.charToGlyph)) for path, font in loaded if font is not None)


@cache
def _path_for(character: str) -> str:
    """The first font that has `character` (Andika when none does: it draws a box, not an error)."""
    return next((path for path, characters in _fonts() if ord(character) in characters), TEXT_FONT_BOLD)


@cache
def _font(path: str, type_size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, type_size)


def _runs(line: str) -> list[tuple[str, str]]:
    """(font path, text) runs of `line`, each in one font that has its letters."""
    runs: list[tuple[str, list[str]]] = []
    for character in line:
        path = runs[-1][0] if character == " " and runs else _path_for(character)
        if runs and runs[-1][0] == path:
            runs[-1][1].append(character)
        else:
            runs.append((path, [character]))
    return [(path, "".join(characters)) for path, characters in runs]


def _line_width(line: str, type_size: int) -> float:
    return sum(_font(path, type_size).getlength(text) for path, text in _runs(line))


def _wrapped(words: str, type_size: int, width: int) -> list[str]:
    """`words` in lines no wider than `width`; a word wider than a line is broken inside.
    Each word is measured once (a line's width is its words' and spaces'), so that a long
    title is laid out as fast as it is typed."""
    space = _line_width(" ", type_size)
    lines: list[tuple[str, float]] = []
    for word in words.split(" "):
        word_width = _line_width(word, type_size)
        if lines and lines[-1][1] + space + word_width <= width:
            lines[-1] = (f"{lines[-1][0]} {word}", lines[-1][1] + space + word_width)
        elif word_width <= width:
            lines.append((word, word_width))
        else:
            piece, piece_width = "", 0.0
            for character in word:
                character_width = _line_width(character, type_size)
                if piece and piece_width + character_width > width:
                    lines.append((piece, piece_width))
                    piece, piece_width = "", 0.0
                piece += character
                piece_width += character_width
            lines.append((piece, piece_width))
    return [line for line, _width in lines]


def _draw_runs(draw: ImageDraw.ImageDraw, line: str, type_size: int, centre: tuple[float, float]) -> None:
    x = centre[0] - _line_width(line, type_size) / 2
    for path, text in _runs(line):
        font = _font(path, type_size)
        draw.text((x, centre[1]), text, font=font, fill=INK, anchor="lm")
        x += font.getlength(text)


def frame_strip(frames: list[bytes], count: int = 6) -> Image.Image:
    """Up to `count` frames chosen evenly from first to last, side by side on a dark strip,
    as a report shows what a film holds. Each frame is decoded within the picture bounds."""
    shown = min(count, len(frames))
    chosen = [frames[round(place * (len(frames) - 1) / max(1, shown - 1))] for place in range(shown)]
    frame_width = round(STRIP_HEIGHT * FILM_SIZE[0] / FILM_SIZE[1])
    strip = Image.new("RGB", (STRIP_GAP + len(chosen) * (frame_width + STRIP_GAP), STRIP_HEIGHT + 2 * STRIP_GAP), STRIP_FILM)
    for place, data in enumerate(chosen):
        try:
            with open_picture_bounded(data) as picture:
                small = picture.convert("RGB").resize((frame_width, STRIP_HEIGHT), Image.Resampling.LANCZOS)
        except InputRefused:
            continue  # a damaged frame leaves its place dark; the others still show
        strip.paste(small, (STRIP_GAP + place * (frame_width + STRIP_GAP), STRIP_GAP))
    return strip
