"""The microphone the host lends (`host.media.microphone()`, opened on first use and shared
by every activity): one recording at a time, its level for a meter, and WAVs read back.

    microphone = host.media.microphone()   # never raises
    if microphone.problem: ...             # one sentence: there is no microphone
    microphone.start()
    microphone.level()                     # 0..1, the newest buffer's peak (see LevelMeter)
    samples = microphone.stop()            # int16 mono at microphone.sample_rate
    if microphone.lost: ...                # the device went away; what came before is kept
    data = wav_bytes(samples, microphone.sample_rate)
    microphone.wait_for_seconds(2.0)       # tests: until the take holds 2 s (or ends)

The device is on only between start() and stop(). A take stops growing at
`MAX_TAKE_SECONDS`. `open_microphone(choice)` opens one of an activity's own ("auto",
"fake" or "none"); `FakeMicrophone` hears `FAKE_VOICE_WAV` (a 220 Hz vowel-like voice,
3 s, 44.1 kHz mono 16-bit) on a thread, at a real device's pace or as fast as it is taken,
and can lose its device after `lose_after` seconds of a take. `read_wav` reads a WAV as
mono int16 and its rate, bounded before decoding (InputRefused otherwise). No Kivy here.

Constants:
- `NO_MICROPHONE`: the sentence `problem` holds when there is no microphone.
- `MICROPHONE_LOST`: the sentence `lost` holds when the device went away mid-take.
- `MAX_TAKE_SECONDS`: the longest take kept (10 minutes); also `read_wav`'s default bound.
- `FAKE_VOICE_WAV`, `FAKE_VOICE_FUNDAMENTAL`: the fake's sound and its pitch in Hz.
"""

from expressive.audio.microphone import (
    FAKE_VOICE_FUNDAMENTAL,
    FAKE_VOICE_WAV,
    MAX_TAKE_SECONDS,
    MICROPHONE_LOST,
    NO_MICROPHONE,
    FakeMicrophone,
    Microphone,
    open_microphone,
    read_wav,
)

__all__ = [
    "FAKE_VOICE_FUNDAMENTAL",
    "FAKE_VOICE_WAV",
    "MAX_TAKE_SECONDS",
    "MICROPHONE_LOST",
    "NO_MICROPHONE",
    "FakeMicrophone",
    "Microphone",
    "open_microphone",
    "read_wav",
]

