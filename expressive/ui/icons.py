"""Icons come from the Material Design Icons font shipped in assets/fonts."""

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
    return name in _codepoints()


def icon_char(name: str) -> str:
    """The glyph for an icon name such as 'brush'; a question mark icon if unknown."""
    codepoints = _codepoints()
    return chr(codepoints.get(name, codepoints["help-circle-outline"]))
