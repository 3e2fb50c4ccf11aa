"""Colours and sizes shared by every screen, so that all activities look like one app.

Every pair of them that people read or tap passes WCAG contrast (tests/ui/test_contrast.py):
text 4.5:1 against what is behind it, a filled control 3:1 against the background.
"""

import functools

from kivy.core.text import Label as CoreLabel
from kivy.metrics import dp, sp

from expressive.lib.contrast import CONTROL_CONTRAST, contrast_ratio

BACKGROUND = (0.98, 0.96, 0.93, 1)
SURFACE = (1, 1, 1, 1)
INK = (0.17, 0.17, 0.2, 1)
MUTED_INK = (0.42, 0.42, 0.46, 1)
# Dark enough for white words on them and for words in them on the background.
PRIMARY = (0.16, 0.38, 0.7, 1)
DONE = (0.1, 0.46, 0.26, 1)
WARNING = (0.72, 0.22, 0.14, 1)
ON_COLOUR = (1, 1, 1, 1)
# A control that cannot be used now: grey, its words still readable.
DISABLED = (0.88, 0.88, 0.88, 1)
DISABLED_INK = (0.36, 0.36, 0.38, 1)
# The outline of a light control (a white button, a text field) on the light page, dark
# enough (3:1) that its edge can be seen.
EDGE = (0.5, 0.5, 0.54, 1)
# A toggle that stays chosen: a light blue fill (dark words stay readable) inside a blue edge,
# apart from the grey of a button held down.
CHOSEN = (0.86, 0.91, 0.98, 1)
# How much darker a button is while a finger holds it down.
PRESSED_SHADE = 0.82

# Touch targets: 48 dp is the floor for adults, 64 dp for the youngest clients.
TARGET = dp(64)
TARGET_SMALL = dp(48)
GAP = dp(12)
RADIUS = dp(16)


def pressed(colour) -> tuple:
    """`colour` as a button shows it while held down: darker, so its words stay readable."""
    return tuple(channel * PRESSED_SHADE for channel in colour[:3]) + (1,)


def button_colour(background, *, down: bool, disabled: bool, chosen: bool = False) -> tuple:
    """What a kit button is filled with in each of its states."""
    if disabled:
        return DISABLED
    if chosen:
        return CHOSEN
    return pressed(background) if down else tuple(background)


def edge_colour(fill, *, chosen: bool = False) -> tuple:
    """The outline a kit button with `fill` needs: blue while chosen, EDGE where its fill
    alone would not stand out from the page, none otherwise."""
    if chosen:
        return PRIMARY
    return EDGE if contrast_ratio(fill, BACKGROUND) < CONTROL_CONTRAST else (0, 0, 0, 0)


# A bold letter is up to about 0.62 of its font size wide, an accented one too.
LETTER_WIDTH = 0.62
# Words seldom fill a line to its end: two lines hold about one and a half lines' worth.
TWO_LINES = 1.5


def title_size(text: str, width: float, height: float) -> float:
    """The font size for a title in `width` x `height`: 30 sp where it fits on one line,
    down to 20 sp; words longer than that wrap, in letters small enough (down to 14 sp) that
    two lines fit the height and the longest word a line."""
    letters = max(len(text), 1)
    one_line = width / (LETTER_WIDTH * letters)
    if one_line >= sp(20):
        return min(sp(30), one_line)
    longest = max((len(word) for word in text.split()), default=1)
    two_lines = min(height / 2.6, TWO_LINES * width / (LETTER_WIDTH * letters), width / (LETTER_WIDTH * longest))
    return max(sp(14), min(sp(20), two_lines))


def button_words_size(text: str, width: float) -> float:
    """The font size for a button's words in `width`: 16 sp where they fit, smaller (down to
    11 sp) so that the longest word fits on a line whole and the whole in about two lines."""
    words = text.split() or [" "]
    # Measured, not counted: a German word of wide letters (Wegnehmen) is wider than
    # LETTER_WIDTH a letter, and Kivy splits a word that does not fit its line.
    widest = max(_bold_width_per_point(word) for word in words)
    fits_word = width / widest
    fits_two_lines = TWO_LINES * width / (LETTER_WIDTH * max(len(text), 1))
    return min(sp(16), max(sp(11), min(fits_word, fits_two_lines)))


@functools.lru_cache(maxsize=2048)
def _bold_width_per_point(word: str) -> float:
    """How wide `word` is in bold letters of size 1 (measured at 100, with a little to spare)."""
    label = CoreLabel(text=word, font_size=100, bold=True)
    label.refresh()
    return max(label.texture.width, 1) * 1.04 / 100
