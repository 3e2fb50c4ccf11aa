"""Notes, their names and colours, and scales for a keyboard with no wrong notes.

Octaves are numbered the scientific way, so MIDI note 60 (middle C) is "C4". Some
programs (and the jazz-soft test files) call it C5 or C3; the app says C4 everywhere.

Used by the music activity (its keys, piano roll and demo) and the movement activity (the
notes its zones play and their colours). Public: plugin authors may use it, and it is
covered by the API version. No Kivy here.
"""

from __future__ import annotations

RGB = tuple[float, float, float]

SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
FLAT_NAMES = ("C", "D♭", "D", "E♭", "E", "F", "G♭", "G", "A♭", "A", "B♭", "B")
BLACK_PITCH_CLASSES = frozenset({1, 3, 6, 8, 10})
MIDDLE_C = 60


def note_name(note: int, flats: bool = False, octave: bool = True) -> str:
    """ "C4" for 60, "C#4" (or "D♭4" with flats) for 61; without the octave, "C"."""
    name = (FLAT_NAMES if flats else SHARP_NAMES)[note % 12]
    return f"{name}{note // 12 - 1}" if octave else name


def _rgb(hex_colour: str) -> RGB:
    return tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


# Boomwhacker colours, C to B: music classrooms use them, so a child may already know
# that C is red; they also run round the rainbow, so close notes have close colours.
PITCH_CLASS_COLOURS: tuple[RGB, ...] = tuple(
    _rgb(colour)
    for colour in (
        "#E21C48",  # C red
        "#F26622",  # C# orange-red
        "#F99D1C",  # D orange
        "#FFCC33",  # D# yellow-orange
        "#FFF32B",  # E yellow
        "#BCD85F",  # F yellow-green
        "#62BC47",  # F# green
        "#009C95",  # G teal
        "#0071BB",  # G# blue
        "#5E50A1",  # A violet
        "#8D5BA6",  # A# purple
        "#CF3E96",  # B magenta
    )
)


def colour_for_note(note: int) -> RGB:
    return PITCH_CLASS_COLOURS[note % 12]


# Semitones above the root, within one octave.
SCALES: dict[str, tuple[int, ...]] = {
    "pentatonic": (0, 2, 4, 7, 9),  # major pentatonic: any notes together sound fine
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),  # natural minor
    "blues": (0, 3, 5, 6, 7, 10),
}
DEFAULT_SCALE = "pentatonic"


def keys_for_scale(scale: str = DEFAULT_SCALE, root: int = MIDDLE_C, count: int = 8) -> list[int]:
    """The notes of `count` keys in a row that play only notes of the scale, from the root up.

    With the pentatonic scale on C4 and 8 keys: C4 D4 E4 G4 A4 C5 D5 E5.
    """
    intervals = SCALES[scale]
    notes = [root + 12 * (index // len(intervals)) + intervals[index % len(intervals)] for index in range(count)]
    if notes and not (0 <= notes[0] and notes[-1] <= 127):
        raise ValueError(f"{count} keys of {scale} from {root} go beyond the MIDI notes 0-127.")
    return notes
