"""The type of the exports: the story picture book's Andika, with its fallback fonts for
letters Andika lacks, so a report and a story print alike.

The fonts are the story picture book's (`expressive.activities.story.export`): one set of type for
everything printed.
"""

from __future__ import annotations

from expressive.activities.story.export import BODY_FONT, INK, TITLE_FONT, markup_line, register_fonts

__all__ = ["BODY_FONT", "INK", "TITLE_FONT", "markup", "register_fonts"]


def markup(text: str, bold: bool = False) -> str:
    """`text` as reportlab paragraph markup: escaped, each run of letters in a font that
    has them, its line breaks kept."""
    return "<br/>".join(markup_line(line, bold) for line in text.split("\n"))
