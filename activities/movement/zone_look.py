"""How a child tells the sound zones apart without reading: each has a colour and a
picture of its own. The colour is its note's (as on the music activity's keys), darkened
where needed to stand out from the painting's paper. Note names are for the therapist's
set-up only. No Kivy here.
"""

from __future__ import annotations

from expressive.activities.movement.painting import PAPER
from expressive.activities.movement.zones import SoundZone
from expressive.lib.contrast import TEXT_CONTRAST, contrast_ratio
from expressive.lib.music.scales import colour_for_note

# Things a young child names at a glance, unlike each other in shape; as many as the most
# zones a layout offers.
ZONE_PICTURES = (
    "star",
    "heart",
    "moon-waning-crescent",
    "flower",
    "white-balance-sunny",
    "fish",
    "cat",
    "rocket",
)
# Each darkening keeps the hue and takes away this share of the light.
DARKENING = 0.95


def zone_colour(zone: SoundZone) -> tuple[float, float, float]:
    """The zone's outline and picture colour: its first note's colour, darkened until a
    picture in it reads on the paper (text contrast, so the outline stands out too)."""
    colour = tuple(colour_for_note(zone.notes[0]))
    while contrast_ratio(colour, PAPER) < TEXT_CONTRAST:
        colour = tuple(channel * DARKENING for channel in colour)
    return colour  # type: ignore[return-value]


def zone_picture(index: int) -> str:
    """The icon of the zone at `index` in its layout."""
    return ZONE_PICTURES[index % len(ZONE_PICTURES)]
