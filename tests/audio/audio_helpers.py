"""Reading rendered audio: spectra, peaks, loudness."""

import numpy as np

from expressive.audio import NoteEvent


def midi_hz(note: int) -> float:
    return 440.0 * 2.0 ** ((note - 69) / 12)


def held(notes, instrument, seconds=1.2, velocity=100):
    """Events pressing `notes` together at time 0 and releasing them after `seconds`."""
    return ([NoteEvent(0.0, note, velocity, instrument) for note in notes]
            + [NoteEvent(seconds, note, 0, instrument) for note in notes])


def spectrum(frames: np.ndarray, sample_rate: int, start: float = 0.02, seconds: float = 1.0):
    """Magnitude spectrum of the left+right sum over `seconds` from `start`: a Hann window
    zero-padded eightfold, so bins are 1/8 Hz for a one-second window."""
    mono = frames.astype(np.float64).sum(axis=1)[round(start * sample_rate):round((start + seconds) * sample_rate)]
    size = 8 * len(mono)
    magnitude = np.abs(np.fft.rfft(mono * np.hanning(len(mono)), size))
    return np.fft.rfftfreq(size, 1.0 / sample_rate), magnitude


def _interpolated(hz, magnitude, index):
    """The peak's frequency between bins, from a parabola through its log magnitudes."""
    left, centre, right = np.log(magnitude[index - 1:index + 2] + 1e-12)
    offset = 0.5 * (left - right) / (left - 2 * centre + right)
    return hz[index] + offset * (hz[1] - hz[0])


def strongest_peaks(frames, sample_rate, count, low=40.0, high=6000.0, apart=15.0):
    """The `count` strongest spectral peaks between `low` and `high` Hz, at least `apart`
    Hz from each other, strongest first, as (hz, magnitude)."""
    hz, magnitude = spectrum(frames, sample_rate)
    band = np.flatnonzero((hz >= low) & (hz <= high))
    is_peak = (magnitude[band] >= magnitude[band - 1]) & (magnitude[band] >= magnitude[band + 1])
    candidates = band[is_peak][np.argsort(magnitude[band[is_peak]])[::-1]]
    peaks = []
    for index in candidates:
        if all(abs(hz[index] - found) >= apart for found, _ in peaks):
            peaks.append((_interpolated(hz, magnitude, index), magnitude[index]))
        if len(peaks) == count:
            break
    return peaks


def level_at(frames, sample_rate, target_hz, width=3.0):
    """The strongest magnitude within `width` Hz of `target_hz`."""
    hz, magnitude = spectrum(frames, sample_rate)
    return magnitude[(hz > target_hz - width) & (hz < target_hz + width)].max()


def rms(frames: np.ndarray) -> float:
    return float(np.sqrt(np.mean(frames.astype(np.float64) ** 2)))
