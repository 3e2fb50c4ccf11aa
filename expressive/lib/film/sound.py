"""The sound of a film, read within bounds. Until the microphone's own reader is here, a
small bounded WAV reader of the same shape. No Kivy here."""

from __future__ import annotations

import io
import wave

import numpy as np

from expressive.i18n import _
from expressive.limits import MAX_RECORDING_SECONDS, InputRefused


def read_wav(data: bytes, *, max_seconds: float = MAX_RECORDING_SECONDS) -> tuple[np.ndarray, int]:
    """(int16 mono samples, sample rate) of a 16-bit PCM WAV, refused when it is longer than
    `max_seconds` or cannot be read."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            channels, width, rate, count = wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes()
            if width != 2 or not 1 <= channels <= 2 or not 8000 <= rate <= 192000:
                raise InputRefused(_("This sound is not one Expressive records (16-bit WAV)."), "damaged")
            if count > max_seconds * rate:
                raise InputRefused(_("This sound is too long to read back."), "too-long")
            samples = np.frombuffer(wav.readframes(count), "<i2")
    except (wave.Error, EOFError):
        raise InputRefused(_("This sound is damaged (it is not a WAV file)."), "damaged") from None
    samples = samples[:len(samples) // channels * channels].reshape(-1, channels)
    return samples.mean(axis=1).astype(np.int16) if channels == 2 else samples[:, 0].copy(), rate
