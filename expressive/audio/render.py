"""Offline rendering: timed note events mixed into one int16 stereo buffer with the same
samples, channel volumes, voice stealing and note-off fades as live playback, and the
buffer encoded as WAV."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from expressive.audio.bank import SampleBank
from expressive.audio.instruments import NoteEvent, instrument
from expressive.audio.voices import VoicePool
from expressive.i18n import _
from expressive.limits import MAX_SOUND_SECONDS, InputRefused, describe_seconds


@dataclass
class _Playing:
    frames: np.ndarray
    volume: float
    start: int
    end: int
    released_at: int | None = None
    release_frames: int = 0

    def release(self, now: int, release_frames: int) -> None:
        self.released_at, self.release_frames = now, release_frames
        self.end = min(self.end, now + release_frames)

    def mix_into(self, mix: np.ndarray, until: int) -> None:
        """Add this voice, cut at `until` (where it was stolen, or the buffer ends)."""
        length = max(0, min(self.end, until, len(mix)) - self.start)
        chunk = self.frames[:length].astype(np.float32) * np.float32(self.volume)
        if self.released_at is not None:
            # SDL_mixer's fade-out is a straight line from the channel volume to silence.
            since = np.arange(self.start, self.start + length) - self.released_at
            chunk *= np.clip(1.0 - since / self.release_frames, 0.0, 1.0).astype(np.float32)[:, None]
        mix[self.start:self.start + length] += chunk


def render_events(bank: SampleBank, events: Iterable[NoteEvent], polyphony: int, tail: float = 1.5) -> np.ndarray:
    """Mix `events` (in any order; ties keep their order) into int16 frames of shape
    (n, 2), lasting until `tail` seconds after the last event.

    Raises InputRefused for a sound longer than MAX_SOUND_SECONDS: the buffer is sized by
    the last event's time, so one late note would otherwise ask for gigabytes.
    """
    rate = bank.sample_rate
    ordered = sorted(events, key=lambda event: event.time)
    seconds = (ordered[-1].time if ordered else 0.0) + tail
    if seconds > MAX_SOUND_SECONDS + tail:
        raise InputRefused(
            _("This music lasts {length}; the most Expressive makes a sound of is {most}.").format(
                length=describe_seconds(seconds), most=describe_seconds(MAX_SOUND_SECONDS)),
            "too-long",
        )
    total = max(0, round(seconds * rate))
    mix = np.zeros((total, 2), dtype=np.float32)
    pool = VoicePool(polyphony)
    playing: dict[int, _Playing] = {}
    now = 0

    def is_sounding(slot: int) -> bool:
        return slot in playing and playing[slot].end > now

    for event in ordered:
        now = max(0, round(event.time * rate))
        chosen = instrument(event.instrument)
        note = max(0, min(127, event.note))
        if event.is_note_on:
            sample, volume = bank.lookup(chosen, note, event.velocity)
            voice, _stolen = pool.start(chosen.id, note, is_sounding)
            if voice.slot in playing:
                playing.pop(voice.slot).mix_into(mix, until=now)
            playing[voice.slot] = _Playing(sample.frames, volume, now, now + len(sample.frames))
        elif not chosen.is_drums:
            release_frames = max(1, round(chosen.release_seconds * rate))
            for voice in pool.release(chosen.id, note):
                if is_sounding(voice.slot):
                    playing[voice.slot].release(now, release_frames)
    for voice in playing.values():
        voice.mix_into(mix, until=total)
    # In place: a copy of the float mix would be the largest thing in memory.
    np.round(mix, out=mix)
    np.clip(mix, -32768, 32767, out=mix)
    return mix.astype(np.int16)


def wav_bytes(samples: np.ndarray, sample_rate: int) -> bytes:
    """A WAV file of 16-bit `samples`: shape (n,) for mono or (n, channels)."""
    frames = np.asarray(samples)
    if frames.dtype != np.int16:
        raise ValueError(f"wav_bytes takes int16 samples, not {frames.dtype}")
    channels = 1 if frames.ndim == 1 else frames.shape[1]
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(np.ascontiguousarray(frames, dtype="<i2").tobytes())
    return buffer.getvalue()
