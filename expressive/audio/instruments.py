"""What can be played: the instruments a child picks from, and the timed note events
that both the recorder and the offline renderer speak."""

from __future__ import annotations

from dataclasses import dataclass

from expressive.i18n import N_


@dataclass(frozen=True)
class Instrument:
    """One playable sound.

    `sample_seconds` caps the length of a pre-rendered note (a held note longer than
    that fades away with the sample); `release_seconds` is the fade after a note-off.
    Drums ignore note-off: a drum hit always rings out.
    """

    id: str
    title: str
    icon: str
    gm_program: int
    is_drums: bool = False
    sample_seconds: float = 3.0
    release_seconds: float = 0.12


GM_DRUM_CHANNEL = 9

INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument("piano", N_("Piano"), "piano", gm_program=0, sample_seconds=3.5),
    Instrument("marimba", N_("Marimba"), "music-note", gm_program=12, sample_seconds=1.5, release_seconds=0.1),
    # The glockenspiel of Orff school sets: bright, kind to the ear, familiar to children.
    Instrument("bells", N_("Bells"), "bell", gm_program=9, sample_seconds=3.0, release_seconds=0.15),
    Instrument("strings", N_("Strings"), "violin", gm_program=48, sample_seconds=5.0, release_seconds=0.15),
    # Material Design Icons has no drum; clapping hands say "rhythm" to a child.
    Instrument("drums", N_("Drums"), "hand-clap", gm_program=0, is_drums=True, sample_seconds=1.5),
)

_BY_ID = {each.id: each for each in INSTRUMENTS}


def instrument(id: str) -> Instrument:
    """The instrument called `id`; an unknown id gives the piano, so a stale setting or an
    old recording never stops the music."""
    return _BY_ID.get(id, INSTRUMENTS[0])


@dataclass(frozen=True)
class NoteEvent:
    """A note-on (velocity 1-127) or note-off (velocity 0) at `time` seconds from the start."""

    time: float
    note: int
    velocity: int
    instrument: str

    @property
    def is_note_on(self) -> bool:
        return self.velocity > 0
