"""What to call a paint colour, in a child's words ("red", "dark blue"), so that a colour
swatch has a name a screen reader can say and a label-driven test can find. No Kivy here.
"""

from __future__ import annotations

import colorsys

from expressive.api.i18n import N_
from expressive.lib.drawing.strokes import PALETTE

# The palette's own colours go by their own names (its peach and tan are skin colours).
PALETTE_NAMES: dict[str, str] = {
    "black": N_("black"),
    "grey": N_("grey"),
    "red": N_("red"),
    "orange": N_("orange"),
    "yellow": N_("yellow"),
    "light green": N_("light green"),
    "green": N_("green"),
    "light blue": N_("light blue"),
    "blue": N_("blue"),
    "purple": N_("purple"),
    "pink": N_("pink"),
    "peach": N_("peach"),
    "tan": N_("light brown"),
    "brown": N_("brown"),
}

# Any other colour: its family on the colour wheel (from the hue in degrees where each
# family begins), and how light it is. Whole names, never "light " + a colour: languages
# build these words differently (German: "hellrot").
HUE_FAMILIES = ((15, "red"), (45, "orange"), (75, "yellow"), (165, "green"), (195, "turquoise"),
                (255, "blue"), (290, "purple"), (345, "pink"), (360, "red"))
FAMILY_NAMES: dict[str, tuple[str, str, str]] = {  # light, plain, dark
    "red": (N_("light red"), N_("red"), N_("dark red")),
    "orange": (N_("light orange"), N_("orange"), N_("brown")),
    "yellow": (N_("light yellow"), N_("yellow"), N_("dark yellow")),
    "green": (N_("light green"), N_("green"), N_("dark green")),
    "turquoise": (N_("light turquoise"), N_("turquoise"), N_("dark turquoise")),
    "blue": (N_("light blue"), N_("blue"), N_("dark blue")),
    "purple": (N_("light purple"), N_("purple"), N_("dark purple")),
    "pink": (N_("light pink"), N_("pink"), N_("dark pink")),
}
# Colours this grey have no family: they are named by lightness alone, lightest first.
GREY_SATURATION = 0.2
GREYS = ((0.95, N_("white")), (0.7, N_("light grey")), (0.4, N_("grey")), (0.12, N_("dark grey")), (0.0, N_("black")))
LIGHT, DARK = 0.65, 0.35

_BY_COLOUR = {colour.upper(): PALETTE_NAMES[name] for name, colour in PALETTE.items()}


def colour_name(colour: str) -> str:
    """The name of a "#RRGGBB" colour, untranslated (show it through `_`)."""
    if colour.upper() in _BY_COLOUR:
        return _BY_COLOUR[colour.upper()]
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    if saturation < GREY_SATURATION or lightness > 0.97 or lightness < 0.03:
        return next(name for least, name in GREYS if lightness >= least)
    family = next(name for end, name in HUE_FAMILIES if hue * 360 < end)
    light, plain, dark = FAMILY_NAMES[family]
    return light if lightness >= LIGHT else dark if lightness < DARK else plain
