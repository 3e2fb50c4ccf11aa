"""The audio engine: play notes now, or render a performance offline, with one interface
and three backends chosen at run time by `open_engine`.

- `MixerEngine` plays pre-rendered notes (built-in synthesiser or FluidSynth, see
  soundfont.py) through pygame.mixer with a 256-frame buffer, one mixer channel per
  voice. note_on is a dictionary look-up plus `Channel.play` under a lock, safe to call
  from the MIDI input thread.
- `SilentEngine` for a machine with no sound output: playing does nothing, but `render`
  still works, so a recording made there still saves a rendering that sounds.
- `FakeAudioEngine` records every call, for the tests of code that plays music.

Every engine also plays one clip at a time (a film's sound, `play_clip`) and says where it
is (`clip_position`): the mixer on a channel of its own, the others on a clock alone, so a
film on a silent tablet still moves on in time.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from expressive.audio.bank import SampleBank, SampleSource
from expressive.audio.instruments import Instrument, NoteEvent
from expressive.audio.instruments import instrument as find_instrument
from expressive.audio.render import render_events
from expressive.audio.soundfont import FluidSynthSource, FluidSynthUnavailable
from expressive.audio.synth import SynthSource
from expressive.audio.voices import Voice, VoicePool
from expressive.i18n import N_, _

log = logging.getLogger(__name__)

SAMPLE_RATE = 44100
BUFFER_FRAMES = 256
POLYPHONY = 32
PREFERENCES = ("auto", "synth", "fluidsynth", "silent")

NO_OUTPUT = N_("There is no sound output on this device, so the music plays silently.")
SOUND_OFF = N_("Sound is switched off in the settings.")

# The keys warmed up by `prepare`: the on-screen keyboards' range (C3 to C6), from middle
# C outwards as a child's hands go, and the whole General MIDI kit, kick and snare first.
MIDDLE_C = 60
COMMON_NOTES = sorted(range(48, 85), key=lambda note: abs(note - MIDDLE_C))
DRUM_NOTES = range(35, 82)


class AudioEngine:
    """Plays notes and renders performances. This base class plays nothing; every
    backend renders offline from its sample bank with the live voice rules."""

    name = N_("No sound")
    problem: str | None = None
    # Why the preferred sound source was not used (e.g. no FluidSynth), even when sound
    # works and `problem` is None; for a settings screen or a log.
    fallback_reason: str | None = None
    sample_rate = SAMPLE_RATE
    buffer_frames = 0
    polyphony = POLYPHONY

    def __init__(self, source: SampleSource | None = None, polyphony: int = POLYPHONY):
        self.polyphony = polyphony
        self.bank = SampleBank(source or SynthSource(SAMPLE_RATE), **self._bank_options())
        self.sample_rate = self.bank.sample_rate
        self._prepared: set[str] = set()
        self._clip = ClipClock()

    def _bank_options(self) -> dict:
        return {}

    def note_on(self, note: int, velocity: int, instrument: str) -> None:
        """Start a note; velocity 0 is a note-off, as in MIDI."""

    def note_off(self, note: int, instrument: str) -> None:
        """Fade the note out over its instrument's release; drums ring on."""

    def all_notes_off(self) -> None:
        """Release every sounding note, drums included: the music is stopping."""

    def play_clip(self, frames: np.ndarray, start_seconds: float = 0.0) -> None:
        """Play `frames` (int16 (n, 2) at `sample_rate`) from `start_seconds` into them,
        instead of any clip playing; notes play on beside it."""
        self._clip.start(_clip_frames(frames), self.sample_rate, start_seconds)

    def stop_clip(self) -> None:
        self._clip.stop()

    def clip_position(self) -> float | None:
        """Seconds into the clip playing now, or None when none is (it ended or stopped)."""
        return self._clip.position()

    def buffer_latency(self) -> float:
        """Seconds of sound the output buffer holds: the delay it adds to every note."""
        return self.buffer_frames / self.sample_rate

    def prepare(self, instrument: str, wait: bool = False) -> threading.Thread | None:
        """Pre-render an instrument's common notes, in the background unless `wait`, so
        that the first press of each key is as quick as the rest."""
        chosen = find_instrument(instrument)
        self._prepared.add(chosen.id)
        notes = DRUM_NOTES if chosen.is_drums else COMMON_NOTES
        if wait:
            self.bank.prepare(chosen, notes)
            return None
        return self.bank.prepare_in_background(chosen, notes)

    def render(self, events: Iterable[NoteEvent], tail: float = 1.5) -> np.ndarray:
        """The events as int16 stereo frames (n, 2), with the sounds and voice rules of
        live playback, lasting `tail` seconds past the last event."""
        return render_events(self.bank, events, self.polyphony, tail)

    def close(self) -> None:
        self.bank.close()
        self.bank.source.close()


class SilentEngine(AudioEngine):
    def __init__(self, problem: str, source: SampleSource | None = None, polyphony: int = POLYPHONY):
        super().__init__(source, polyphony)
        self.problem = problem


class FakeAudioEngine(AudioEngine):
    """Records `(perf_counter time, call name, args)` for every call; plays nothing and
    renders silence of the right length."""

    name = "Fake"

    def __init__(self):
        self.calls: list[tuple[float, str, tuple]] = []
        self._lock = threading.Lock()
        self.sample_rate = SAMPLE_RATE
        self.buffer_frames = BUFFER_FRAMES
        self._clip = ClipClock()

    def _record(self, call: str, *args) -> None:
        with self._lock:
            self.calls.append((time.perf_counter(), call, args))

    def note_on(self, note: int, velocity: int, instrument: str) -> None:
        self._record("note_on", note, velocity, instrument)

    def note_off(self, note: int, instrument: str) -> None:
        self._record("note_off", note, instrument)

    def all_notes_off(self) -> None:
        self._record("all_notes_off")

    def prepare(self, instrument: str, wait: bool = False) -> None:
        self._record("prepare", instrument)

    def play_clip(self, frames: np.ndarray, start_seconds: float = 0.0) -> None:
        """Recorded as ("play_clip", (frames, start_seconds))."""
        self._record("play_clip", frames, start_seconds)
        super().play_clip(frames, start_seconds)

    def stop_clip(self) -> None:
        self._record("stop_clip")
        super().stop_clip()

    def render(self, events: Iterable[NoteEvent], tail: float = 1.5) -> np.ndarray:
        events = list(events)
        self._record("render", events, tail)
        last = max((event.time for event in events), default=0.0)
        return np.zeros((round((last + tail) * self.sample_rate), 2), dtype=np.int16)

    def close(self) -> None:
        self._record("close")


def _import_pygame():
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    return pygame


class MixerEngine(AudioEngine):
    """Pre-rendered notes through pygame.mixer: one reserved mixer channel per voice,
    the channel volume for velocity, `Channel.fadeout` for the release.

    Opening the mixer is `open_mixer`'s job; this engine closes it if it opened it.
    """

    buffer_frames = BUFFER_FRAMES

    def __init__(self, source: SampleSource, polyphony: int = POLYPHONY, owns_mixer: bool = True):
        self._pygame = _import_pygame()
        super().__init__(source, polyphony)
        self.name = source.name
        self._owns_mixer = owns_mixer
        mixer = self._pygame.mixer
        # One channel per voice, and one more for a clip, after them.
        mixer.set_num_channels(max(polyphony + 1, mixer.get_num_channels()))
        # Reserved channels are never handed to Sound.play() elsewhere in the app.
        mixer.set_reserved(polyphony + 1)
        self._channels = [mixer.Channel(slot) for slot in range(polyphony)]
        self._clip_channel = mixer.Channel(polyphony)
        self._pool = VoicePool(polyphony)
        self._lock = threading.Lock()
        self._closed = False

    def _bank_options(self) -> dict:
        make_sound = self._pygame.sndarray.make_sound
        view = self._pygame.sndarray.samples

        def sound_and_frames(frames: np.ndarray):
            sound = make_sound(frames)
            return sound, view(sound)

        return {"make_sound": sound_and_frames}

    def _is_sounding(self, slot: int) -> bool:
        return self._channels[slot].get_busy()

    def note_on(self, note: int, velocity: int, instrument: str) -> None:
        if velocity <= 0:
            self.note_off(note, instrument)
            return
        if self._closed:
            return
        chosen = find_instrument(instrument)
        note = max(0, min(127, note))
        sample, volume = self.bank.lookup(chosen, note, velocity)
        with self._lock:
            if self._closed:
                return
            voice, _ = self._pool.start(chosen.id, note, self._is_sounding)
            channel = self._channels[voice.slot]
            # Stopping first ends any fade-out still running on a stolen channel, which
            # would otherwise keep lowering the new note's volume.
            channel.stop()
            channel.set_volume(volume)
            channel.play(sample.sound)
        if chosen.id not in self._prepared:
            # Played before anyone prepared it: warm up the rest of it now, after this
            # note, which must not wait for the others.
            self.prepare(chosen.id)

    def note_off(self, note: int, instrument: str) -> None:
        chosen = find_instrument(instrument)
        if chosen.is_drums:
            return
        with self._lock:
            if self._closed:
                return
            for voice in self._pool.release(chosen.id, note):
                self._channels[voice.slot].fadeout(_milliseconds(chosen))

    def all_notes_off(self) -> None:
        with self._lock:
            if self._closed:
                return
            for voice in self._pool.release_all():
                self._channels[voice.slot].fadeout(_milliseconds(find_instrument(voice.instrument)))

    def play_clip(self, frames: np.ndarray, start_seconds: float = 0.0) -> None:
        frames = _clip_frames(frames)
        first = max(0, round(start_seconds * self.sample_rate))
        rest = frames[first:]
        sound = self._pygame.sndarray.make_sound(np.ascontiguousarray(rest)) if len(rest) else None
        with self._lock:
            if self._closed:
                return
            self._clip_channel.stop()
            if sound is not None:
                self._clip_channel.set_volume(1.0)
                self._clip_channel.play(sound)
            super().play_clip(frames, start_seconds)

    def stop_clip(self) -> None:
        with self._lock:
            if not self._closed:
                self._clip_channel.stop()
            super().stop_clip()

    def sounding_voices(self) -> list[Voice]:
        """A snapshot of the voices sounding now, oldest first."""
        with self._lock:
            return [replace(voice) for voice in self._pool.sounding(self._is_sounding)]

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for channel in [*self._channels, self._clip_channel]:
                channel.stop()
            self._clip.stop()
        super().close()
        if self._owns_mixer:
            self._pygame.mixer.quit()
        else:
            self._pygame.mixer.set_reserved(0)


class ClipClock:
    """Where a clip is: the seconds since it started, from `time.perf_counter`, until its
    end. The engines that play nothing keep time with it alone."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started: float | None = None
        self._offset = 0.0
        self._length = 0.0

    def start(self, frames: np.ndarray, sample_rate: int, start_seconds: float) -> None:
        with self._lock:
            self._length = len(frames) / sample_rate
            self._offset = min(max(0.0, start_seconds), self._length)
            self._started = time.perf_counter()

    def stop(self) -> None:
        with self._lock:
            self._started = None

    def position(self) -> float | None:
        with self._lock:
            if self._started is None:
                return None
            position = self._offset + time.perf_counter() - self._started
            if position >= self._length:
                self._started = None
                return None
            return position


def _clip_frames(frames: np.ndarray) -> np.ndarray:
    """`frames` as int16 stereo (n, 2); mono (n,) is played on both sides."""
    frames = np.asarray(frames)
    if frames.dtype != np.int16:
        raise ValueError(f"a clip is int16 samples, not {frames.dtype}")
    if frames.ndim == 1:
        return np.column_stack((frames, frames))
    if frames.ndim != 2 or frames.shape[1] != 2:
        raise ValueError(f"a clip is (n, 2) stereo frames, not {frames.shape}")
    return frames


def _milliseconds(chosen: Instrument) -> int:
    return round(chosen.release_seconds * 1000)


def open_mixer() -> tuple[int, bool]:
    """Open pygame.mixer at 44.1 kHz, 16-bit stereo, 256 frames, unless the app already
    opened it: returns (sample rate, whether we opened it). Raises when no device opens.

    `allowedchanges=0` makes SDL convert to whatever the device really wants, so the
    samples are always made in the format the mixer takes.
    """
    pygame = _import_pygame()
    if pygame.mixer.get_init():
        rate, size, channels = pygame.mixer.get_init()
        if (size, channels) != (-16, 2):
            raise RuntimeError(f"pygame.mixer is already open as {size}-bit, {channels} channels")
        return rate, False
    pygame.mixer.init(frequency=SAMPLE_RATE, size=-16, channels=2, buffer=BUFFER_FRAMES, allowedchanges=0)
    opened = pygame.mixer.get_init()
    if opened is None:
        # pygame opens the mixer only when it starts SDL's audio itself.
        raise RuntimeError("SDL's audio was started elsewhere (the microphone recording?), so pygame.mixer did not open")
    return opened[0], True


def pick_source(preference: str, sample_rate: int, soundfont=None) -> tuple[SampleSource, str | None]:
    """FluidSynth when asked for or on "auto" and it works, else the built-in synthesiser;
    with the plain-words reason when FluidSynth was wanted and could not be used."""
    if preference in ("auto", "fluidsynth", "silent"):
        try:
            return FluidSynthSource(sample_rate, soundfont), None
        except FluidSynthUnavailable as why:
            reason = str(why)
        except Exception as error:
            log.exception("FluidSynth failed to start")
            reason = _("FluidSynth failed to start ({error}).").format(error=error)
        return SynthSource(sample_rate), reason
    return SynthSource(sample_rate), None


def open_engine(preference: str = "auto", *, polyphony: int = POLYPHONY, soundfont=None) -> AudioEngine:
    """The best engine this machine can run for `preference` ("auto", "synth",
    "fluidsynth" or "silent"); never raises. When the sound is not what was asked for,
    `engine.problem` says so in one sentence for the user.

    One engine plays at a time: close the old one before opening another (they would
    share the mixer's channels)."""
    if preference not in PREFERENCES:
        log.warning("unknown audio preference %r, using auto", preference)
        preference = "auto"
    if preference == "silent":
        source, _reason = pick_source(preference, SAMPLE_RATE, soundfont)
        return SilentEngine(SOUND_OFF, source, polyphony)
    try:
        rate, owns_mixer = open_mixer()
    except Exception as error:
        log.warning("no sound output: %s", error)
        source, _reason = pick_source(preference, SAMPLE_RATE, soundfont)
        return SilentEngine(NO_OUTPUT, source, polyphony)
    source, reason = pick_source(preference, rate, soundfont)
    try:
        engine = MixerEngine(source, polyphony, owns_mixer)
    except Exception as error:
        log.warning("the mixer would not play: %s", error)
        if owns_mixer:
            _import_pygame().mixer.quit()
        return SilentEngine(NO_OUTPUT, source, polyphony)
    engine.fallback_reason = reason
    if reason and preference == "fluidsynth":
        engine.problem = _("{reason} The built-in sounds play instead.").format(reason=reason)
    return engine
