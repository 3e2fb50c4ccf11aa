"""A film's sound laid on its timeline: silent through the title card, then the sound from
the first frame, cut or padded with silence to end with the last. The video and the
player both use it, so what plays in the portfolio is what the video holds. Public, covered by the API version
(through expressive.lib.film). No Kivy here."""

from __future__ import annotations

import numpy as np

from expressive.lib.film.parts import title_frame_count


def soundtrack(samples: np.ndarray, rate: int, fps: int, frame_count: int) -> np.ndarray:
    """`samples` (int16 mono at `rate`) on the timeline of a film of `frame_count` frames
    at `fps`: int16 mono as long as the film, title card included."""
    silence = title_frame_count(fps) * rate // fps
    length = frame_count * rate // fps
    timeline = np.zeros(silence + length, np.int16)
    kept = samples[:length]
    timeline[silence:silence + len(kept)] = kept
    return timeline


def resampled(samples: np.ndarray, rate: int, new_rate: int) -> np.ndarray:
    """int16 mono `samples` at `rate` as they sound at `new_rate` (linear: a voice, played
    back, needs no better)."""
    if rate == new_rate:
        return samples
    count = round(len(samples) * new_rate / rate)
    return np.interp(np.arange(count) * (rate / new_rate), np.arange(len(samples)), samples).astype(np.int16)
