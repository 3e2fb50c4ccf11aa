"""The music studio's instruments laid out: the keys of a small piano and the drum pads.

Where each key sits and what each pad shows are the studio's screen; the notes themselves
come from `expressive.lib.music.scales`. No Kivy here.
"""

from __future__ import annotations

from dataclasses import dataclass

from expressive.api.i18n import N_
from expressive.lib.music.scales import BLACK_PITCH_CLASSES, MIDDLE_C, note_name


@dataclass(frozen=True)
class PianoKey:
    note: int
    is_black: bool
    # Left edge and width, in widths of a white key from the keyboard's left end.
    x: float
    width: float

    @property
    def name(self) -> str:
        return note_name(self.note)


BLACK_KEY_WIDTH = 0.6


def piano_keys(octaves: int = 1, lowest: int = MIDDLE_C) -> list[PianoKey]:
    """The keys of a small piano: `octaves` octaves from `lowest` and the note an octave above.

    One octave from C4 is C4 to C5: eight white keys and five black ones, lowest first.
    Black keys sit centred on the gap between their white neighbours; draw them after
    the white keys so that they are on top.
    """
    if octaves not in (1, 2):
        raise ValueError("A piano here has one or two octaves.")
    if lowest % 12 in BLACK_PITCH_CLASSES:
        raise ValueError(f"A piano starts on a white key, not on {note_name(lowest)}.")
    keys: list[PianoKey] = []
    white_count = 0
    for note in range(lowest, lowest + 12 * octaves + 1):
        if note % 12 in BLACK_PITCH_CLASSES:
            keys.append(PianoKey(note, True, white_count - BLACK_KEY_WIDTH / 2, BLACK_KEY_WIDTH))
        else:
            keys.append(PianoKey(note, False, float(white_count), 1.0))
            white_count += 1
    return keys


@dataclass(frozen=True)
class DrumPad:
    id: str
    label: str  # marked for translation: show it through `_`
    note: int  # General MIDI percussion note, played on channel 10 (9 counting from 0)
    icon: str  # Material Design Icons name


# Eight pads in two rows of four, as drum pads on small controllers are laid out: the
# ones a child hits most (kick, snare, hats) on the first row.
DRUM_PADS: tuple[DrumPad, ...] = (
    DrumPad("kick", N_("Kick"), 36, "circle"),
    DrumPad("snare", N_("Snare"), 38, "circle-double"),
    DrumPad("closed_hat", N_("Hi-hat"), 42, "ellipse"),
    DrumPad("open_hat", N_("Open hat"), 46, "ellipse-outline"),
    DrumPad("clap", N_("Clap"), 39, "hand-clap"),
    DrumPad("low_tom", N_("Low tom"), 45, "chevron-double-down"),
    DrumPad("high_tom", N_("High tom"), 50, "chevron-double-up"),
    DrumPad("crash", N_("Crash"), 49, "star-four-points"),
)
