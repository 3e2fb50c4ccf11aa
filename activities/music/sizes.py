"""How wide the studio's buttons are: wide enough for their words on one line, in any
language, since a kit button's label has room for about two lines of smaller letters."""

from __future__ import annotations

from kivy.core.text import Label as CoreLabel
from kivy.metrics import dp, sp

from expressive.api.widgets import theme

# A kit button's words at their full size, and the room its rounded edge and padding take.
BUTTON_WORDS_SIZE = sp(16)
BUTTON_EDGE = dp(24)


def one_line_width(text: str) -> float:
    """How wide a kit button must be for `text` to fit on one line at full size (and
    never narrower than the kit's own buttons)."""
    width, _height = CoreLabel(font_size=BUTTON_WORDS_SIZE, bold=True).get_extents(text)
    return max(theme.TARGET * 1.4, width + BUTTON_EDGE)
