"""The devices the host lends activities: the audio engine and MIDI input.

Each is opened the first time an activity asks for it and then shared by every activity
of the app's run (one sound output, one set of MIDI ports), so a drawing session never
opens a sound device. No Kivy here.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from expressive.audio import AudioEngine
    from expressive.midi import MidiInput

SOUND_CHOICES = ("auto", "synth", "fluidsynth", "silent")


class MediaServices:
    """`sound`: which engine plays notes ("auto" picks FluidSynth with a General MIDI
    SoundFont where installed, else the built-in synthesiser); `midi`: "auto" for the
    devices plugged in, "fake" for a stand-in that tests and demos feed."""

    def __init__(self, sound: str = "auto", midi: str = "auto"):
        self.sound_choice = sound
        self.midi_choice = midi
        self._audio: AudioEngine | None = None
        self._midi: MidiInput | None = None
        self._lock = threading.Lock()

    def audio(self) -> AudioEngine:
        with self._lock:
            if self._audio is None:
                # Imported on first use: numpy and the mixer cost start-up time a
                # session without music should not pay.
                from expressive.audio import open_engine

                self._audio = open_engine(self.sound_choice)
            return self._audio

    def midi(self) -> MidiInput:
        with self._lock:
            if self._midi is None:
                from expressive.midi import open_midi_input

                self._midi = open_midi_input(self.midi_choice)
            return self._midi

    def close(self) -> None:
        with self._lock:
            if self._midi is not None:
                self._midi.stop()
            if self._audio is not None:
                self._audio.close()
            self._audio = self._midi = None
