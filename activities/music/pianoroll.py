"""A piano-roll picture of a performance, drawn with Pillow: the recording's thumbnail and,
larger, the viewer's picture.

Time runs left to right over the whole take, pitch bottom to top over the range played
(at least an octave, so one note is not a wall). Bars take their note's colour, or their
player's when several played; louder notes are more solid. Drums have a lane of their
own at the bottom, a row per drum. `RollLayout` is the geometry, for anyone drawing on
top of the picture (a playhead). No Kivy here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from collections.abc import Iterable, Sequence

from PIL import Image, ImageDraw

from expressive.lib.music.performance import Note
from expressive.lib.music.scales import BLACK_PITCH_CLASSES, RGB, colour_for_note
from expressive.api.midi import SourceColours

THUMBNAIL_SIZE = (320, 240)
PAPER = (250, 250, 247)
BLACK_KEY_ROW = (238, 238, 233)
OCTAVE_LINE = (214, 214, 208)
DRUM_LANE = (233, 237, 243)
DRUM_COLOUR: RGB = (0.29, 0.33, 0.41)
MIN_SPAN = 12  # semitones shown at least
PADDING = 1  # semitones left free above and below the notes
DRUM_LANE_SHARE = 0.2  # of the height, when there are other notes too
MIN_BAR_WIDTH = 2
QUIETEST_OPACITY = 0.3


def opacity(velocity: int) -> float:
    """From faint for the softest note to solid for the loudest; never invisible."""
    return QUIETEST_OPACITY + (1 - QUIETEST_OPACITY) * min(max(velocity, 0), 127) / 127


@dataclass(frozen=True)
class RollLayout:
    """Where times and notes are on a roll of `size` pixels (y grows downwards)."""

    size: tuple[int, int]
    duration: float
    lowest: int  # the lowest and highest pitch shown
    highest: int
    drums: tuple[int, ...]  # the drum notes played, each a row of the lane, lowest first
    lane_top: float  # where the drum lane begins: the height when there are no drums

    @classmethod
    def for_notes(cls, notes: Sequence[Note], size: tuple[int, int], duration: float | None = None) -> RollLayout:
        pitched = [note.note for note in notes if not note.is_drum]
        drums = tuple(sorted({note.note for note in notes if note.is_drum}))
        end = max([note.end for note in notes], default=0.0)
        duration = max(duration or 0.0, end) or 1.0
        low, high = (min(pitched), max(pitched)) if pitched else (60, 60)
        low, high = low - PADDING, high + PADDING
        missing = MIN_SPAN - (high - low + 1)
        if missing > 0:
            low -= missing // 2
            high += missing - missing // 2
        height = size[1]
        if drums and pitched:
            lane_top = round(height * (1 - DRUM_LANE_SHARE))
        else:
            lane_top = 0 if drums else height
        return cls(size, duration, low, high, drums, lane_top)

    def x(self, seconds: float) -> float:
        return seconds / self.duration * self.size[0]

    def pitch_band(self, note: int) -> tuple[float, float]:
        """Top and bottom of a pitch's row."""
        row_height = self.lane_top / (self.highest - self.lowest + 1)
        top = (self.highest - note) * row_height
        return top, top + row_height

    def drum_band(self, note: int) -> tuple[float, float]:
        row_height = (self.size[1] - self.lane_top) / len(self.drums)
        top = self.lane_top + (len(self.drums) - 1 - self.drums.index(note)) * row_height
        return top, top + row_height


def piano_roll_image(
    notes: Iterable[Note],
    size: tuple[int, int] = THUMBNAIL_SIZE,
    duration: float | None = None,
    source_colours: SourceColours | None = None,
) -> Image.Image:
    """The roll as an RGB image. Pass the session's `source_colours` so that players keep
    the colours they had on screen; otherwise sources take colours in the order they played.
    """
    notes = sorted(notes, key=lambda note: note.start)
    layout = RollLayout.for_notes(notes, size, duration)
    image = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(image, "RGBA")
    _draw_background(draw, layout)
    sources = list(dict.fromkeys(note.source for note in notes))
    by_source = len(sources) > 1
    colours = source_colours or SourceColours(sources)
    for note in notes:
        if by_source:
            colour = colours.colour(note.source)
        else:
            colour = DRUM_COLOUR if note.is_drum else colour_for_note(note.note)
        top, bottom = layout.drum_band(note.note) if note.is_drum else layout.pitch_band(note.note)
        left = layout.x(note.start)
        right = max(layout.x(note.end), left + MIN_BAR_WIDTH)
        # A pixel between rows keeps neighbouring notes apart once rows are tall enough.
        if bottom - top >= 4:
            bottom -= 1
        alpha = round(255 * opacity(note.velocity))
        fill = tuple(round(255 * channel) for channel in colour) + (alpha,)
        draw.rectangle((left, top, right - 1, max(top, bottom - 1)), fill=fill)
    return image


def piano_roll_png(
    notes: Iterable[Note],
    size: tuple[int, int] = THUMBNAIL_SIZE,
    duration: float | None = None,
    source_colours: SourceColours | None = None,
) -> bytes:
    """The roll as PNG bytes; an empty take gives the plain paper."""
    buffer = io.BytesIO()
    piano_roll_image(notes, size, duration, source_colours).save(buffer, "PNG")
    return buffer.getvalue()


def _draw_background(draw: ImageDraw.ImageDraw, layout: RollLayout) -> None:
    width, height = layout.size
    for note in range(layout.lowest, layout.highest + 1) if layout.lane_top else ():
        top, bottom = layout.pitch_band(note)
        if note % 12 in BLACK_PITCH_CLASSES:
            draw.rectangle((0, top, width, max(top, bottom - 1)), fill=BLACK_KEY_ROW)
        elif note % 12 == 0:
            # A line under each C, so octaves can be counted.
            draw.line((0, bottom - 1, width, bottom - 1), fill=OCTAVE_LINE)
    if layout.drums:
        draw.rectangle((0, layout.lane_top, width, height), fill=DRUM_LANE)
