"""The sound an activity plays: the host's audio engine (`host.media.audio()`, opened on
first use and shared by every activity), its instruments and note events, and WAV files.

    engine = host.media.audio()     # never raises; engine.problem says what is missing
    engine.prepare("piano")         # pre-render in the background
    engine.note_on(60, 100, "piano"); engine.note_off(60, "piano")
    frames = engine.render(events)  # int16 (n, 2), the same sounds, offline
    data = wav_bytes(frames, engine.sample_rate)

`open_engine(choice)` opens an engine of an activity's own, for the command line and
tests; `FakeAudioEngine` records what it was asked to play. No Kivy here.

Constants:
- `INSTRUMENTS`: every instrument (an `Instrument`), in the order a picker shows them.
"""

from expressive.audio import INSTRUMENTS, AudioEngine, FakeAudioEngine, Instrument, NoteEvent, instrument, open_engine, wav_bytes

__all__ = [
    "INSTRUMENTS",
    "AudioEngine",
    "FakeAudioEngine",
    "Instrument",
    "NoteEvent",
    "instrument",
    "open_engine",
    "wav_bytes",
]
