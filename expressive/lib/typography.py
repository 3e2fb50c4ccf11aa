"""The type of everything Expressive prints: Andika (a typeface made for children learning
to read), with fallback fonts for the letters Andika lacks, as reportlab paragraph markup.

The story activity's picture book and the host's PDF exports (`expressive.exporting`) both
set their text with it, so a report and a story print alike. Public: plugin authors may use
it, and it is covered by the API version. No Kivy here.

Letters Andika lacks (Greek, symbols) come from a fallback font when the device has one;
what no font has becomes a replacement mark, never an error.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from expressive.lib.fonts import TEXT_FONT, TEXT_FONT_BOLD

# reportlab's names for the shipped Andika (assets/fonts).
BODY_FONT = "Andika"
TITLE_FONT = "Andika-Bold"
# The colour of printed letters.
INK = "#222222"


def _fallback_fonts() -> tuple[tuple[str, str], ...]:
    """Where a fallback for letters Andika lacks may be, as (regular, bold) paths: Kivy's
    Roboto (wherever the app runs; found without importing Kivy), DejaVu Sans (most Linux
    systems, with many symbols), Android's own Roboto. Missing files are skipped later."""
    pairs = []
    kivy = importlib.util.find_spec("kivy")
    if kivy is not None and kivy.submodule_search_locations:
        kivy_fonts = Path(kivy.submodule_search_locations[0]) / "data" / "fonts"
        pairs.append((kivy_fonts / "Roboto-Regular.ttf", kivy_fonts / "Roboto-Bold.ttf"))
    pairs.append((Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")))
    pairs.append((Path("/system/fonts/Roboto-Regular.ttf"), Path("/system/fonts/Roboto-Bold.ttf")))
    return tuple((str(regular), str(bold)) for regular, bold in pairs)


FALLBACK_FONTS = _fallback_fonts()
REPLACEMENT_CHARACTER = "\ufffd"
# Marks that only change the letter before them (emoji variation selectors, skin tones,
# joiners): left out when no font has them, rather than shown as a replacement mark.
_MODIFIER_CATEGORIES = ("Mn", "Me", "Cf", "Sk")


def _candidate_fonts(bold: bool) -> list[tuple[str, str]]:
    """(reportlab name, path) of Andika and then of each fallback, in that order."""
    main = (TITLE_FONT, TEXT_FONT_BOLD) if bold else (BODY_FONT, TEXT_FONT)
    weight = "-Bold" if bold else ""
    return [main] + [(f"Fallback{number}{weight}", pair[bold]) for number, pair in enumerate(FALLBACK_FONTS, start=1)]


@cache
def load_font(name: str, path: str) -> TTFont | None:
    """The TrueType font at `path`, registered with reportlab as `name` (read once);
    None if it cannot be read."""
    try:
        font = TTFont(name, path)
    except (OSError, TTFError):
        return None
    pdfmetrics.registerFont(font)
    return font


@lru_cache(maxsize=4096)
def _font_for(character: str, bold: bool) -> tuple[str, str]:
    """(font name, what to draw) for one character: Andika when it has the letter, else
    the first fallback font that does, else a replacement mark (or nothing)."""
    candidates = _candidate_fonts(bold)
    for name, path in candidates:
        font = load_font(name, path)
        if font is not None and ord(character) in font.face.charToGlyph:
            return name, character
    shown = "" if unicodedata.category(character) in _MODIFIER_CATEGORIES else REPLACEMENT_CHARACTER
    return candidates[0][0], shown


# reportlab splits a word too long for a line letter by letter, at a cost that grows with
# the square of its length: 100,000 letters with no space took 15 s. Longer words get a
# break every this many letters first (no real word, nor most web addresses, is that long).
LONGEST_WORD = 60
_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD + 1},}}")


def breakable(text: str) -> str:
    """`text` with a space after every LONGEST_WORD letters of a word longer than that."""
    return _LONG_WORD.sub(
        lambda word: " ".join(word[0][start:start + LONGEST_WORD] for start in range(0, len(word[0]), LONGEST_WORD)),
        text,
    )


def markup_line(text: str, bold: bool = False) -> str:
    """`text` as reportlab paragraph markup: escaped, each run of letters in a font that
    has them, a very long word broken so it can be laid out."""
    runs: list[tuple[str, list[str]]] = []
    for character in breakable(text):
        font, shown = _font_for(character, bold)
        if runs and runs[-1][0] == font:
            runs[-1][1].append(shown)
        else:
            runs.append((font, [shown]))
    return "".join(f'<font face="{font}">{xml_escape("".join(shown))}</font>' for font, shown in runs)


def register_fonts() -> None:
    """Make Andika known to reportlab by BODY_FONT and TITLE_FONT (once; later calls are free)."""
    load_font(BODY_FONT, TEXT_FONT)
    load_font(TITLE_FONT, TEXT_FONT_BOLD)


def markup(text: str, bold: bool = False) -> str:
    """`text` as reportlab paragraph markup: escaped, each run of letters in a font that
    has them, its line breaks kept."""
    return "<br/>".join(markup_line(line, bold) for line in text.split("\n"))
