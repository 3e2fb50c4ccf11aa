"""Pre-rendered notes: each (instrument, note, velocity layer) rendered once, on first use
or ahead of time, so that starting a note is only a dictionary look-up and a mixer call.

A source (the built-in synthesiser or FluidSynth) renders a note as float32 stereo; the
bank trims its silent tail, fades its end (a held note longer than the sample fades
away instead of stopping with a click) and keeps it as int16 frames. When the engine
plays through pygame the bank also makes the pygame Sound, and keeps the frames as a view
of the Sound's own memory, so each note is held once.

Velocity picks a layer (a timbre rendered at the layer's top velocity) and a gain below
it, quantised to the 1/128 steps of SDL_mixer's channel volume so that an offline
rendering has the very levels of live playback.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from expressive.audio.instruments import Instrument
from expressive.audio.synth import velocity_gain

log = logging.getLogger(__name__)

# Below this (about -80 dBFS) a tail is silence and is cut off.
SILENCE = 1e-4
END_FADE_SECONDS = 0.25
MIXER_VOLUME_STEPS = 128
# Samples kept in memory: every instrument's common range fits (about 90 MB); beyond
# that the least recently played go.
MEMORY_BUDGET = 160 * 2**20


class SampleSource(Protocol):
    name: str
    sample_rate: int
    velocity_layers: tuple[int, ...]

    def render_note(self, instrument: Instrument, note: int, velocity: int) -> np.ndarray:
        """float32 (frames, 2) in [-1, 1], at most a few seconds long."""

    def close(self) -> None:
        """Free what the source holds (FluidSynth's synthesiser and SoundFont)."""


@dataclass
class Sample:
    frames: np.ndarray  # int16 (frames, 2)
    sound: Any = None  # a pygame.mixer.Sound holding the same frames, when played live


def mixer_volume(gain: float) -> float:
    """`gain` as SDL_mixer will apply it: a whole number of 128ths, at least one."""
    return max(1, min(MIXER_VOLUME_STEPS, round(gain * MIXER_VOLUME_STEPS))) / MIXER_VOLUME_STEPS


def finish(stereo: np.ndarray, sample_rate: int) -> np.ndarray:
    """Trim the silent tail, fade the end (the last quarter second, or fifth of a short
    sound, so a hi-hat keeps its attack), convert to int16."""
    loud = np.flatnonzero(np.max(np.abs(stereo), axis=1) > SILENCE)
    frames = stereo[: (loud[-1] + 1) if len(loud) else 1].astype(np.float32)
    fade = min(len(frames) // 5, int(END_FADE_SECONDS * sample_rate))
    frames[len(frames) - fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, None] ** 2
    return np.clip(np.round(frames * 32767.0), -32768, 32767).astype(np.int16)


class SampleBank:
    def __init__(self, source: SampleSource,
                 make_sound: Callable[[np.ndarray], tuple[Any, np.ndarray]] | None = None,
                 budget_bytes: int = MEMORY_BUDGET):
        """`make_sound(frames)`, when given, returns a playable sound and its frames as a
        view of the sound's memory."""
        self.source = source
        self.sample_rate = source.sample_rate
        self._make_sound = make_sound
        self._budget_bytes = budget_bytes
        self._samples: OrderedDict[tuple[str, int, int], Sample] = OrderedDict()  # least recently used first
        self._bytes = 0
        self._samples_lock = threading.Lock()
        # One note renders at a time: no work is done twice, and rendering never takes
        # more than one of the tablet's cores from the UI.
        self._rendering = threading.Lock()
        self._closed = threading.Event()
        self._warming: list[threading.Thread] = []

    def layer(self, velocity: int) -> int:
        return next(top for top in self.source.velocity_layers if velocity <= top)

    def lookup(self, instrument: Instrument, note: int, velocity: int) -> tuple[Sample, float]:
        """The sample for a note and the channel volume that gives `velocity` from it."""
        velocity = max(1, min(127, velocity))
        top = self.layer(velocity)
        key = (instrument.id, note, top)
        with self._samples_lock:
            sample = self._samples.get(key)
            if sample is not None:
                self._samples.move_to_end(key)
        if sample is None:
            sample = self._render(key, instrument)
        return sample, mixer_volume(velocity_gain(velocity) / velocity_gain(top))

    def is_cached(self, instrument: Instrument, note: int, velocity: int = 100) -> bool:
        with self._samples_lock:
            return (instrument.id, note, self.layer(velocity)) in self._samples

    def _render(self, key: tuple[str, int, int], instrument: Instrument) -> Sample:
        with self._rendering:
            if self._closed.is_set():
                # Closing: the source and the mixer may be gone; a note-on racing the
                # close gets silence (and its engine will not play it).
                return Sample(np.zeros((1, 2), dtype=np.int16))
            with self._samples_lock:
                if key in self._samples:
                    return self._samples[key]
            _, note, top = key
            frames = finish(self.source.render_note(instrument, note, top), self.sample_rate)
            if self._make_sound is None:
                sample = Sample(frames)
            else:
                sound, frames = self._make_sound(frames)
                sample = Sample(frames, sound)
            with self._samples_lock:
                self._samples[key] = sample
                self._bytes += sample.frames.nbytes
                # A sample playing now stays alive after eviction: its channel holds it.
                while self._bytes > self._budget_bytes and len(self._samples) > 1:
                    _, evicted = self._samples.popitem(last=False)
                    self._bytes -= evicted.frames.nbytes
            return sample

    def prepare(self, instrument: Instrument, notes: Iterable[int], velocity: int = 100) -> None:
        for note in notes:
            if self._closed.is_set():
                return
            self.lookup(instrument, note, velocity)

    def prepare_in_background(self, instrument: Instrument, notes: Iterable[int], velocity: int = 100) -> threading.Thread:
        worker = threading.Thread(
            target=self._prepare_logged, args=(instrument, list(notes), velocity),
            name=f"audio-prepare-{instrument.id}", daemon=True,
        )
        self._warming = [thread for thread in self._warming if thread.is_alive()] + [worker]
        worker.start()
        return worker

    def _prepare_logged(self, instrument: Instrument, notes: list[int], velocity: int) -> None:
        try:
            self.prepare(instrument, notes, velocity)
        except Exception:
            # Warming up is only a head start: a note that fails here renders on first use.
            log.exception("could not pre-render %s", instrument.id)

    def close(self) -> None:
        """Stop rendering and wait for the note being rendered, so that nothing asks the
        source or the mixer for anything once they close."""
        self._closed.set()
        for thread in self._warming:
            thread.join()
        self._warming = []
        with self._rendering:
            pass
