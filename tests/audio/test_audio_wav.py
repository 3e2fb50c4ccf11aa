import io
import wave

import numpy as np

from expressive.audio import NoteEvent, wav_bytes


def test_a_rendering_saves_as_a_wav_file(synth_engine):
    frames = synth_engine.render([NoteEvent(0.0, 60, 100, "piano"), NoteEvent(0.4, 60, 0, "piano")], tail=0.5)

    with wave.open(io.BytesIO(wav_bytes(frames, synth_engine.sample_rate))) as wav:
        assert wav.getframerate() == 44100
        assert wav.getnchannels() == 2
        assert wav.getsampwidth() == 2
        assert wav.getnframes() == len(frames) == round(0.9 * 44100)
        assert np.array_equal(np.frombuffer(wav.readframes(wav.getnframes()), "<i2").reshape(-1, 2), frames)


def test_mono_samples_save_as_a_mono_wav_file():
    with wave.open(io.BytesIO(wav_bytes(np.arange(100, dtype=np.int16), 22050))) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getnframes()) == (1, 22050, 100)
