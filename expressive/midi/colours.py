"""A colour for each source of notes, so two players on one recording can be told apart.

The therapist's keyboard and the client's pads often play together; their notes are
drawn in different colours on the live screen and in the piano roll. The colours are
Okabe and Ito's palette, chosen to stay distinct for people with colour-blind vision,
in an order where the first few are also far apart in lightness.
"""

from __future__ import annotations

import threading

RGB = tuple[float, float, float]

# The on-screen instruments are one source, whatever instrument is shown.
SCREEN_SOURCE = "screen"


def _rgb(hex_colour: str) -> RGB:
    return tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


# Index 0 is the screen's; devices take the next ones in the order they are first seen.
SOURCE_COLOURS: tuple[RGB, ...] = tuple(
    _rgb(colour)
    for colour in (
        "#0072B2",  # blue
        "#E69F00",  # orange
        "#CC79A7",  # reddish purple
        "#009E73",  # bluish green
        "#D55E00",  # vermillion
        "#56B4E9",  # sky blue
        "#000000",  # black
        "#F0E442",  # yellow: last, it is hard to see on white
    )
)


def colour_for_source(index: int) -> RGB:
    """The colour of the index-th source (0 is the screen); colours repeat after eight."""
    return SOURCE_COLOURS[index % len(SOURCE_COLOURS)]


class SourceColours:
    """Hands each source a colour the first time it is asked for, and the same one after.

    Keep one for a session so that a keyboard unplugged and plugged back keeps its colour.
    Safe to call from the MIDI thread and the UI thread at once.
    """

    def __init__(self, sources: list[str] | tuple[str, ...] = ()) -> None:
        self._indices: dict[str, int] = {SCREEN_SOURCE: 0}
        self._lock = threading.Lock()
        for source in sources:
            self.index(source)

    def index(self, source: str) -> int:
        with self._lock:
            return self._indices.setdefault(source, len(self._indices))

    def colour(self, source: str) -> RGB:
        return colour_for_source(self.index(source))
