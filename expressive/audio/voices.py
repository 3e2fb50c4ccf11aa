"""Which note sounds on which voice: the rules that live playback and offline rendering
share, so that a saved rendering steals and releases exactly as the live one did.

A voice is a slot (a pygame mixer channel when live). A note takes a free slot, or,
when every slot is sounding, the slot of the oldest voice: the one started first, most
likely faded by now. Note-off releases every voice of that instrument and key, so a key
pressed twice without a release in between can never leave a note stuck.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Voice:
    slot: int
    instrument: str
    note: int
    order: int  # counts note-ons; the smallest sounding one is the oldest
    released: bool = False


class VoicePool:
    def __init__(self, size: int):
        self.size = size
        self._voices: list[Voice | None] = [None] * size
        self._started = 0

    def start(self, instrument: str, note: int, is_sounding: Callable[[int], bool]) -> tuple[Voice, Voice | None]:
        """A voice for a new note, and the voice it stole (None when a slot was free)."""
        free = next((slot for slot, voice in enumerate(self._voices) if voice is None or not is_sounding(slot)), None)
        stolen = None
        if free is None:
            stolen = min(self._voices, key=lambda voice: voice.order)
            free = stolen.slot
        self._started += 1
        voice = Voice(free, instrument, note, self._started)
        self._voices[free] = voice
        return voice, stolen

    def release(self, instrument: str, note: int) -> list[Voice]:
        """Mark the held voices of this key released and return them."""
        held = [voice for voice in self._voices
                if voice is not None and not voice.released and voice.instrument == instrument and voice.note == note]
        for voice in held:
            voice.released = True
        return held

    def release_all(self) -> list[Voice]:
        held = [voice for voice in self._voices if voice is not None and not voice.released]
        for voice in held:
            voice.released = True
        return held

    def sounding(self, is_sounding: Callable[[int], bool]) -> list[Voice]:
        """The voices still sounding, oldest first."""
        alive = [voice for voice in self._voices if voice is not None and is_sounding(voice.slot)]
        return sorted(alive, key=lambda voice: voice.order)
