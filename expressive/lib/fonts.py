"""The fonts Expressive ships (assets/fonts): Andika for text, and Material Design Icons,
whose glyphs are found by icon name ('brush').

The host's widgets show text and icons in them, its exports and the story picture book
print in Andika, the drawing renderer draws stamps from the icon font, and activities check
icon names in their catalogues. Public: plugin authors may use it, and it is covered by the
API version. No Kivy here.
"""

from __future__ import annotations

import json
from functools import lru_cache

from expressive.resources import ASSETS_DIR

ICON_FONT = str(ASSETS_DIR / "fonts" / "materialdesignicons-webfont.ttf")
TEXT_FONT = str(ASSETS_DIR / "fonts" / "Andika-Regular.ttf")
TEXT_FONT_BOLD = str(ASSETS_DIR / "fonts" / "Andika-Bold.ttf")


@lru_cache(maxsize=1)
def _codepoints() -> dict[str, int]:
    with open(ASSETS_DIR / "icons" / "mdi-codepoints.json", encoding="utf-8") as handle:
        return json.load(handle)


def is_icon_name(name: str) -> bool:
    """Whether the icon font has a glyph of this name."""
    return name in _codepoints()


def icon_char(name: str) -> str:
    """The glyph for an icon name such as 'brush'; a question mark icon if unknown."""
    codepoints = _codepoints()
    return chr(codepoints.get(name, codepoints["help-circle-outline"]))
