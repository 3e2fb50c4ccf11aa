"""The audio engine service: instruments, note events, live playback and offline
rendering. No Kivy here: the music and movement activities both use it.

    engine = open_engine()          # never raises; engine.problem says what is missing
    engine.prepare("piano")         # pre-render in the background
    engine.note_on(60, 100, "piano"); engine.note_off(60, "piano")
    frames = engine.render(events)  # int16 (n, 2), the same sounds, offline
    data = wav_bytes(frames, engine.sample_rate)
    engine.play_clip(frames)        # a film's sound, beside the notes; engine.clip_position()

The microphone (expressive.audio.microphone) records a voice the same way on every
backend; it is imported on its own, so that music never loads it.
"""

from expressive.audio.engine import (
    AudioEngine,
    FakeAudioEngine,
    MixerEngine,
    SilentEngine,
    open_engine,
)
from expressive.audio.instruments import INSTRUMENTS, Instrument, NoteEvent, instrument
from expressive.audio.render import wav_bytes

__all__ = [
    "AudioEngine",
    "FakeAudioEngine",
    "INSTRUMENTS",
    "Instrument",
    "MixerEngine",
    "NoteEvent",
    "SilentEngine",
    "instrument",
    "open_engine",
    "wav_bytes",
]
