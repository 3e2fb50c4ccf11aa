"""The type of the exports: the story picture book's Andika, with its fallback fonts for
letters Andika lacks, so a report and a story print alike.

The helpers live in `activities.story.export`; this is the one place the exports reach
for them (they would sit better here, with the story importing them).
"""

from __future__ import annotations

from activities.story.export import BODY_FONT, INK, TITLE_FONT, _font, _markup
from expressive.ui.icons import TEXT_FONT, TEXT_FONT_BOLD

__all__ = ["BODY_FONT", "INK", "TITLE_FONT", "markup", "register_fonts"]


def register_fonts() -> None:
    """Make Andika known to reportlab by the names above (once; later calls are free)."""
    _font(BODY_FONT, TEXT_FONT)
    _font(TITLE_FONT, TEXT_FONT_BOLD)


def markup(text: str, bold: bool = False) -> str:
    """`text` as reportlab paragraph markup: escaped, each run of letters in a font that
    has them, its line breaks kept."""
    return "<br/>".join(_markup(line, bold) for line in text.split("\n"))
