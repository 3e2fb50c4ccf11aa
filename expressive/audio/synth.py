"""The built-in synthesiser: each note rendered once with numpy, then replayed.

Sounds are additive (sums of decaying sines) or subtractive (band-limited saws through a
low-pass), with the envelopes of the real instruments they stand for. Velocity changes
both level and brightness: a harder hit has stronger upper partials.

`SynthSource.render_note` returns float32 stereo in [-1, 1]; the sample bank trims,
fades and caches it. Sines are evaluated in float32 because numpy vectorises those about
fifteen times faster than float64; the phase error that costs stays below -60 dB for
partials that ring long, and only the fast-decaying high partials lose a little.
"""

from __future__ import annotations

import math

import numpy as np

from expressive.audio.instruments import Instrument
from expressive.i18n import N_

TWO_PI = 2.0 * math.pi

# Peak level of a note at full velocity, leaving headroom for chords in the mixer.
MELODIC_LEVEL = 0.35
DRUM_LEVEL = 0.5

# 70 dB of decay: where a note is quiet enough to stop computing it.
DECAY_70_DB = math.log(10 ** (70 / 20))


def midi_hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69) / 12)


def velocity_gain(velocity: float) -> float:
    """Amplitude for a velocity: the square law that General MIDI synths (FluidSynth's
    default modulator) use, so both backends respond alike."""
    return (max(0.0, min(127.0, velocity)) / 127.0) ** 2


class SynthSource:
    """Samples from the built-in synthesiser, for any sample rate."""

    name = N_("Built-in synthesiser")
    # Two timbres per note: soft (velocities 1-80) and hard (81-127).
    velocity_layers = (80, 127)

    def __init__(self, sample_rate: int):
        self.sample_rate = sample_rate

    def render_note(self, instrument: Instrument, note: int, velocity: int) -> np.ndarray:
        if instrument.is_drums:
            return render_drum(note, velocity, self.sample_rate)
        render, loudest = _MELODIC[instrument.id]
        shape = render(note, velocity / 127.0, self.sample_rate, instrument.sample_seconds)
        return shape * np.float32(MELODIC_LEVEL * velocity_gain(velocity) / loudest)

    def close(self) -> None:
        """Nothing to free: the synthesiser is only numpy code."""


# Helpers ------------------------------------------------------------------------------


def _times(seconds: float, sample_rate: int) -> np.ndarray:
    return np.arange(max(1, int(seconds * sample_rate)), dtype=np.float32) / np.float32(sample_rate)


def _decaying_sine(t: np.ndarray, hz: float, tau: float, phase: float = 0.0) -> np.ndarray:
    return np.exp(t * np.float32(-1.0 / tau)) * np.sin(t * np.float32(TWO_PI * hz) + np.float32(phase))


def _attack(t: np.ndarray, seconds: float) -> np.ndarray:
    """A raised-cosine fade-in, so no note starts with a click."""
    ramp = np.clip(t / np.float32(seconds), 0.0, 1.0)
    return (0.5 - 0.5 * np.cos(np.float32(math.pi) * ramp)).astype(np.float32)


def _pan(mono: np.ndarray, position: float) -> np.ndarray:
    """Equal-power pan: -1 left, 0 centre, 1 right."""
    angle = (position + 1.0) * math.pi / 4.0
    return np.stack([mono * np.float32(math.cos(angle)), mono * np.float32(math.sin(angle))], axis=1)


def _pan_gains(position: float) -> np.ndarray:
    """Channel gains that pan a stereo sound, unity in the centre."""
    angle = (position + 1.0) * math.pi / 4.0
    return np.array([math.cos(angle), math.sin(angle)], dtype=np.float32) * np.float32(math.sqrt(2))


def _pitch_pan(note: int, width: float) -> float:
    """Low notes to the left, high to the right, as a player hears a keyboard."""
    return max(-1.0, min(1.0, (note - 64) / 30.0)) * width


def _noise(frames: int, seed: int) -> np.ndarray:
    """Noise seeded by the note, so every rendering of a note is the same."""
    return np.random.default_rng(seed).standard_normal(frames).astype(np.float32)


def _fft_size(frames: int) -> int:
    """The smallest length of at least `frames` with no prime factor above 5 (fast for
    numpy's FFT, and rarely much longer than `frames`, unlike the next power of two)."""
    best = 1 << (frames - 1).bit_length()
    fives = 1
    while fives < best:
        threes = fives
        while threes < best:
            size = threes
            while size < frames:
                size *= 2
            best = min(best, size)
            threes *= 3
        fives *= 5
    return best


# Room after a signal for its filtered ring to die out before the FFT wraps it around.
FILTER_PADDING = 1024


def _filtered(signal: np.ndarray, sample_rate: int, low_hz: float | None = None,
              high_hz: float | None = None, order: int = 2) -> np.ndarray:
    """Band-limit with Butterworth magnitude slopes, applied in the frequency domain (a
    whole note at once: numpy has no recursive filters and this needs no scipy)."""
    size = _fft_size(len(signal) + FILTER_PADDING)
    spectrum = np.fft.rfft(signal.astype(np.float32), size)
    hz = np.fft.rfftfreq(size, 1.0 / sample_rate).astype(np.float32)
    response = np.ones_like(hz)
    if low_hz:
        ratio = (hz / np.float32(low_hz)) ** (2 * order)
        response *= np.sqrt(ratio / (1.0 + ratio))
    if high_hz:
        response /= np.sqrt(1.0 + (hz / np.float32(high_hz)) ** (2 * order))
    return np.fft.irfft(spectrum * response, size)[: len(signal)].astype(np.float32)


def _burst(t: np.ndarray, sample_rate: int, seed: int, tau: float,
           low_hz: float | None = None, high_hz: float | None = None) -> np.ndarray:
    """A filtered noise burst decaying with time constant `tau`: a hammer's thump, a
    mallet's or a stick's click. Only its audible start is computed."""
    frames = min(len(t), int(10 * tau * sample_rate) + 1)
    burst = np.zeros_like(t)
    noise = _filtered(_noise(frames, seed), sample_rate, low_hz, high_hz)
    burst[:frames] = noise * np.exp(t[:frames] * np.float32(-1 / tau))
    return burst


def _glide_phase(t: np.ndarray, start_hz: float, end_hz: float, tau: float, sample_rate: int) -> np.ndarray:
    """Phase (radians) of a tone gliding exponentially from start_hz to end_hz."""
    hz = end_hz + (start_hz - end_hz) * np.exp(t * np.float32(-1.0 / tau))
    return (np.cumsum(hz, dtype=np.float64) * (TWO_PI / sample_rate)).astype(np.float32)


# Melodic instruments -------------------------------------------------------------------


def _piano(note: int, brightness: float, sample_rate: int, longest: float) -> np.ndarray:
    """Two slightly detuned strings per note (the beating of a piano's unisons), struck
    an eighth of the way along: partials fall off as 1/k^p, brighter when hit harder,
    stretched by string stiffness, each decaying faster the higher it is, in two stages
    (the prompt sound and the long aftersound)."""
    f0 = midi_hz(note)
    stiffness = min(0.004, 0.00012 * 2.0 ** ((note - 48) / 14))
    prompt = 1.1 * 2.0 ** (-(note - 60) / 20)
    after = 4.0 * prompt
    t = _times(min(longest, after * DECAY_70_DB), sample_rate)
    rolloff = 2.3 - 0.9 * brightness
    strike = 0.125
    strings = [np.zeros_like(t), np.zeros_like(t)]
    highest = min(0.45 * sample_rate, 10000.0)
    for k in range(1, 19):
        hz = k * f0 * math.sqrt((1 + stiffness * k * k) / (1 + stiffness))
        if hz > highest:
            break
        amplitude = k ** -rolloff * abs(math.sin(math.pi * k * strike)) / math.sin(math.pi * strike)
        speed = 1.0 + 0.35 * (k - 1) ** 1.2
        envelope = np.float32(0.7 * amplitude) * np.exp(t * np.float32(-speed / prompt))
        envelope += np.float32(0.3 * amplitude) * np.exp(t * np.float32(-speed / after))
        for string, detune in zip(strings, (1.0, 1.00035)):
            string += envelope * np.sin(t * np.float32(TWO_PI * hz * detune) + np.float32(0.3 * k))
    thump = _burst(t, sample_rate, note, 0.006, high_hz=1200.0)
    left = strings[0] + 0.6 * strings[1] + np.float32(0.08 * brightness) * thump
    right = 0.6 * strings[0] + strings[1] + np.float32(0.08 * brightness) * thump
    stereo = np.stack([left, right], axis=1) * _attack(t, 0.003)[:, None]
    return stereo * _pan_gains(_pitch_pan(note, 0.4))


def _marimba(note: int, brightness: float, sample_rate: int, longest: float) -> np.ndarray:
    """A tuned bar: the fundamental, the partial two octaves up that marimba makers tune
    in (4x) and a faint tenth, the upper ones dying away first; a soft mallet click."""
    f0 = midi_hz(note)
    tau = 0.5 * 2.0 ** (-(note - 48) / 30)
    t = _times(min(longest, tau * DECAY_70_DB), sample_rate)
    bar = _decaying_sine(t, f0, tau)
    if 4 * f0 < 0.45 * sample_rate:
        bar += np.float32(0.18 + 0.25 * brightness) * _decaying_sine(t, 4 * f0, tau / 6, phase=0.5)
    if 9.9 * f0 < 0.45 * sample_rate:
        bar += np.float32(0.04 + 0.08 * brightness) * _decaying_sine(t, 9.9 * f0, tau / 15, phase=1.0)
    bar += np.float32(0.05 * brightness) * _burst(t, sample_rate, note, 0.002, low_hz=800.0, high_hz=5000.0)
    return _pan(bar * _attack(t, 0.0015), _pitch_pan(note, 0.6))


# The vibration modes of a free metal bar (a glockenspiel's), relative to the fundamental.
BAR_MODES = (1.0, 2.756, 5.404, 8.933)


def _bells(note: int, brightness: float, sample_rate: int, longest: float) -> np.ndarray:
    """A metal bar: its inharmonic modes, the fundamental strongest and longest, and a
    faint twin of the fundamental in the right channel whose slow beating shimmers."""
    f0 = midi_hz(note)
    tau = min(1.6, 1.0 * 2.0 ** (-(note - 72) / 24))
    t = _times(min(longest, tau * DECAY_70_DB), sample_rate)
    overtones = np.zeros_like(t)
    for index, ratio in enumerate(BAR_MODES[1:], start=1):
        if ratio * f0 < 0.45 * sample_rate:
            amplitude = (0.5 / index) * (0.4 + 0.6 * brightness)
            overtones += np.float32(amplitude) * _decaying_sine(t, ratio * f0, tau / (1.5 * ratio), phase=index)
    strike = _burst(t, sample_rate, note, 0.0015, low_hz=2000.0)
    shared = overtones + np.float32(0.03 * brightness) * strike
    left = _decaying_sine(t, f0, tau) + shared
    right = 0.8 * _decaying_sine(t, f0, tau) + 0.2 * _decaying_sine(t, f0 * 1.0006, tau) + shared
    stereo = np.stack([left, right], axis=1) * _attack(t, 0.001)[:, None]
    return stereo * _pan_gains(_pitch_pan(note, 0.3))


def _poly_blep_saw(phase: np.ndarray, step: np.ndarray) -> np.ndarray:
    """A sawtooth with its jumps smoothed (PolyBLEP), so high notes do not alias."""
    saw = 2.0 * phase - 1.0
    start = phase < step
    x = phase[start] / step[start]
    saw[start] -= x + x - x * x - 1.0
    end = phase > 1.0 - step
    x = (phase[end] - 1.0) / step[end]
    saw[end] -= x * x + x + x + 1.0
    return saw


def _strings(note: int, brightness: float, sample_rate: int, longest: float) -> np.ndarray:
    """A string pad: an in-tune saw in the middle and two detuned ones on each side, a
    slow vibrato that fades in, a gentle low-pass opening with velocity, a slow attack."""
    f0 = midi_hz(note)
    t64 = np.arange(int(longest * sample_rate), dtype=np.float64) / sample_rate
    vibrato = 1.0 + 0.0012 * np.sin(TWO_PI * 5.2 * t64) * np.clip((t64 - 0.3) / 0.8, 0.0, 1.0)
    step = f0 * vibrato / sample_rate
    # Cycles of the in-tune saw, in float64: a long float32 sum would drift out of tune.
    cycles = np.cumsum(step)
    step = step.astype(np.float32)
    rng = np.random.default_rng(note)

    def saw(cents: float) -> np.ndarray:
        ratio = 2.0 ** (cents / 1200)
        phase = cycles * ratio + rng.random()
        phase -= np.floor(phase)
        return _poly_blep_saw(phase.astype(np.float32), step * np.float32(ratio))

    centre = saw(0.0)
    cutoff = min(0.4 * sample_rate, max(900.0, f0 * 5.0) * (0.7 + 0.6 * brightness))
    sides = [_filtered(centre + 0.7 * (saw(low) + saw(high)), sample_rate, high_hz=cutoff)
             for low, high in ((-8.0, 5.0), (-5.0, 8.0))]
    swell = _attack(t64.astype(np.float32), 0.35 - 0.15 * brightness)
    stereo = np.stack(sides, axis=1) * swell[:, None]
    return stereo * _pan_gains(_pitch_pan(note, 0.2))


# Each sound with the peak of its loudest note (measured across the keyboard at full
# brightness). Scaling by that, rather than normalising every note, keeps a note's level
# set by its fundamental, so a harder hit only adds partials: louder, never quieter.
_MELODIC = {
    "piano": (_piano, 5.0),
    "marimba": (_marimba, 1.35),
    "bells": (_bells, 2.2),
    "strings": (_strings, 2.7),
}


# Drums (General MIDI percussion key map) -----------------------------------------------


def _kick(t, sr, bright, seed):
    body = np.sin(_glide_phase(t, 150.0, 48.0, 0.035, sr)) * np.exp(t * np.float32(-1 / 0.28))
    click = _burst(t, sr, seed, 0.002, low_hz=1500.0)
    return body + np.float32(0.25 * bright) * click, 0.0, 1.0


def _snare(tone_hz, noise_tau):
    def snare(t, sr, bright, seed):
        tone = _decaying_sine(t, tone_hz, 0.05) + 0.5 * _decaying_sine(t, tone_hz * 1.78, 0.03)
        rattle = _filtered(_noise(len(t), seed), sr, low_hz=1200.0, high_hz=9000.0)
        rattle *= np.exp(t * np.float32(-1 / noise_tau))
        return 0.6 * tone + np.float32(0.6 + 0.5 * bright) * rattle, 0.0, 1.0
    return snare


def _side_stick(t, sr, bright, seed):
    knock = _decaying_sine(t, 420.0, 0.02) + 0.5 * _decaying_sine(t, 1230.0, 0.01)
    click = _burst(t, sr, seed, 0.003, low_hz=2000.0)
    return knock + np.float32(0.5 * bright) * click, 0.0, 0.6


def _clap(t, sr, bright, seed):
    noise = _filtered(_noise(len(t), seed), sr, low_hz=800.0, high_hz=4500.0)
    envelope = np.zeros_like(t)
    for delay in (0.0, 0.011, 0.022):
        later = np.clip(t - np.float32(delay), 0.0, None)
        envelope += np.where(t >= delay, np.exp(later * np.float32(-1 / 0.006)), 0.0).astype(np.float32)
    later = np.clip(t - np.float32(0.033), 0.0, None)
    envelope += np.where(t >= 0.033, np.exp(later * np.float32(-1 / 0.09)), 0.0).astype(np.float32)
    return noise * envelope, 0.1, 0.8


# The six square-wave oscillators of the TR-808's cymbals and hats: a metallic cluster.
METAL_HZ = (205.3, 304.4, 369.6, 522.7, 540.0, 800.0)


def _metal(t, seed):
    rng = np.random.default_rng(seed)
    cluster = np.zeros_like(t)
    for hz in METAL_HZ:
        cluster += np.sign(np.sin(t * np.float32(TWO_PI * hz) + np.float32(rng.random() * TWO_PI)))
    return cluster


def _cymbal(tau, low_hz, pan, level, noise_share=0.5):
    def cymbal(t, sr, bright, seed):
        wash = (1 - noise_share) * _metal(t, seed) / 3.0 + noise_share * _noise(len(t), seed)
        wash = _filtered(wash.astype(np.float32), sr, low_hz=low_hz * (1.2 - 0.4 * bright), order=3)
        return wash * np.exp(t * np.float32(-1 / tau)) * _attack(t, 0.001), pan, level
    return cymbal


def _ride(t, sr, bright, seed):
    wash, _, _ = _cymbal(0.6, 5000.0, 0.0, 0.0, noise_share=0.4)(t, sr, bright, seed)
    ping = sum(_decaying_sine(t, hz, 0.5, phase=hz) for hz in (3150.0, 4480.0, 5620.0))
    return 0.6 * wash + np.float32(0.12 + 0.1 * bright) * ping, -0.35, 0.6


def _tuned_hit(partials, tau, pan, level, low_hz=None):
    """Struck metal or wood with fixed partials (cowbell, agogo, triangle, ride bell)."""
    def hit(t, sr, bright, seed):
        sound = sum(amplitude * _decaying_sine(t, hz, tau / (1 + index * (1 - bright)), phase=index)
                    for index, (hz, amplitude) in enumerate(partials))
        if low_hz:
            sound = _filtered(sound.astype(np.float32), sr, low_hz=low_hz)
        return sound * _attack(t, 0.0008), pan, level
    return hit


def _tom(hz, pan):
    def tom(t, sr, bright, seed):
        body = np.sin(_glide_phase(t, hz * 1.6, hz, 0.05, sr)) * np.exp(t * np.float32(-1 / (0.3 * (100.0 / hz) ** 0.5)))
        stick = _burst(t, sr, seed, 0.015, low_hz=2000.0, high_hz=7000.0)
        return body + np.float32(0.15 + 0.2 * bright) * stick, pan, 0.9
    return tom


# The first vibration modes of a round drumhead (circular membrane), relative to its lowest.
MEMBRANE_MODES = ((1.0, 1.0), (1.59, 0.5), (2.14, 0.3))


def _hand_drum(hz, tau, pan):
    """Bongos, congas, timbales: a small head's modes and the slap of a hand."""
    def hand_drum(t, sr, bright, seed):
        head = sum(amplitude * np.sin(_glide_phase(t, hz * ratio * 1.08, hz * ratio, 0.02, sr))
                   * np.exp(t * np.float32(-ratio / tau)) for ratio, amplitude in MEMBRANE_MODES)
        slap = _burst(t, sr, seed, 0.006, low_hz=1500.0, high_hz=8000.0)
        return head + np.float32(0.2 + 0.3 * bright) * slap, pan, 0.75
    return hand_drum


def _shaker(tau, low_hz, pan, level, jingles=False):
    """Beads, seeds or jingles: bright noise with a quick swell; a tambourine rings too."""
    def shaker(t, sr, bright, seed):
        rustle = _filtered(_noise(len(t), seed), sr, low_hz=low_hz, order=3)
        sound = rustle * _attack(t, 0.008) * np.exp(t * np.float32(-1 / tau))
        if jingles:
            ring = sum(_decaying_sine(t, hz, tau * 1.5, phase=hz) for hz in (5800.0, 7200.0, 8900.0, 10300.0))
            sound = sound + np.float32(0.15 * (0.5 + bright)) * ring
        return sound, pan, level
    return shaker


def _wood(hz, tau, pan):
    """A wooden tap (claves, wood blocks, and any key outside the map): a short pitched knock."""
    def wood(t, sr, bright, seed):
        knock = _decaying_sine(t, hz, tau) + 0.3 * _decaying_sine(t, hz * 2.7, tau / 2, phase=1.0)
        click = _burst(t, sr, seed, 0.0015, low_hz=3000.0)
        return knock + np.float32(0.2 * bright) * click, pan, 0.7
    return wood


def _whistle(seconds):
    def whistle(t, sr, bright, seed):
        trill = 1.0 + 0.03 * np.sign(np.sin(t * np.float32(TWO_PI * 28.0)))
        tone = np.sin((np.cumsum(2300.0 * trill, dtype=np.float64) * (TWO_PI / sr)).astype(np.float32))
        shape = _attack(t, 0.01) * np.clip((np.float32(seconds) - t) / np.float32(0.03), 0.0, 1.0)
        return tone * shape, 0.3, 0.35
    return whistle


def _guiro(seconds):
    def guiro(t, sr, bright, seed):
        scrape = _filtered(_noise(len(t), seed), sr, low_hz=1800.0, high_hz=7000.0)
        ridges = (np.sin(t * np.float32(TWO_PI * 55.0)) > 0.3).astype(np.float32)
        shape = _attack(t, 0.005) * np.clip((np.float32(seconds) - t) / np.float32(0.02), 0.0, 1.0)
        return scrape * ridges * shape, 0.3, 0.6
    return guiro


def _cuica(start_hz, end_hz, tau):
    def cuica(t, sr, bright, seed):
        voice = np.sin(_glide_phase(t, start_hz, end_hz, 0.08, sr)) * np.exp(t * np.float32(-1 / tau))
        return voice * _attack(t, 0.01), -0.3, 0.6
    return cuica


def _vibraslap(t, sr, bright, seed):
    rattle = _filtered(_noise(len(t), seed), sr, low_hz=2000.0, high_hz=7000.0)
    teeth = np.maximum(np.sin(t * np.float32(TWO_PI * 24.0)), 0.0) ** 8
    return rattle * teeth.astype(np.float32) * np.exp(t * np.float32(-1 / 0.35)), 0.4, 0.6


GM_DRUMS = {
    35: (_kick, 0.8), 36: (_kick, 0.8),
    37: (_side_stick, 0.3),
    38: (_snare(185.0, 0.13), 0.6), 40: (_snare(210.0, 0.09), 0.5),
    39: (_clap, 0.5),
    42: (_cymbal(0.035, 7000.0, 0.35, 0.45), 0.25), 44: (_cymbal(0.05, 6000.0, 0.35, 0.35), 0.3),
    46: (_cymbal(0.3, 6500.0, 0.35, 0.5), 1.0),
    49: (_cymbal(0.9, 4000.0, 0.5, 0.7), 1.5), 57: (_cymbal(0.9, 3600.0, -0.5, 0.7), 1.5),
    52: (_cymbal(0.6, 2500.0, -0.6, 0.6), 1.5), 55: (_cymbal(0.35, 5000.0, 0.6, 0.6), 1.2),
    51: (_ride, 1.5), 59: (_ride, 1.5),
    53: (_tuned_hit(((760.0, 1.0), (1140.0, 0.7), (1720.0, 0.5), (2620.0, 0.3)), 0.5, -0.35, 0.6), 1.5),
    41: (_tom(82.0, -0.5), 0.9), 43: (_tom(98.0, -0.35), 0.9), 45: (_tom(117.0, -0.1), 0.8),
    47: (_tom(139.0, 0.1), 0.8), 48: (_tom(165.0, 0.3), 0.7), 50: (_tom(196.0, 0.5), 0.7),
    54: (_shaker(0.12, 5000.0, 0.4, 0.5, jingles=True), 0.6),
    56: (_tuned_hit(((540.0, 1.0), (800.0, 0.8), (1080.0, 0.3), (1600.0, 0.2)), 0.12, 0.2, 0.5, low_hz=450.0), 0.6),
    58: (_vibraslap, 1.2),
    60: (_hand_drum(400.0, 0.12, 0.3), 0.5), 61: (_hand_drum(300.0, 0.15, 0.2), 0.6),
    62: (_hand_drum(330.0, 0.05, -0.2), 0.4), 63: (_hand_drum(280.0, 0.2, -0.2), 0.7),
    64: (_hand_drum(200.0, 0.22, -0.35), 0.7),
    65: (_hand_drum(520.0, 0.3, 0.35), 0.8), 66: (_hand_drum(390.0, 0.3, 0.25), 0.8),
    67: (_tuned_hit(((910.0, 1.0), (2440.0, 0.4), (4150.0, 0.2)), 0.25, 0.3, 0.5), 0.8),
    68: (_tuned_hit(((660.0, 1.0), (1770.0, 0.4), (3010.0, 0.2)), 0.25, 0.2, 0.5), 0.8),
    69: (_shaker(0.06, 4000.0, -0.3, 0.4), 0.3), 70: (_shaker(0.04, 6000.0, 0.3, 0.35), 0.25),
    71: (_whistle(0.15), 0.2), 72: (_whistle(0.5), 0.55),
    73: (_guiro(0.12), 0.15), 74: (_guiro(0.4), 0.45),
    75: (_wood(2500.0, 0.025, 0.2), 0.2), 76: (_wood(1050.0, 0.04, 0.3), 0.25), 77: (_wood(800.0, 0.045, 0.2), 0.25),
    78: (_cuica(650.0, 520.0, 0.12), 0.4), 79: (_cuica(300.0, 420.0, 0.2), 0.6),
    80: (_tuned_hit(((4500.0, 1.0), (5900.0, 0.6), (8100.0, 0.4)), 0.08, 0.45, 0.35), 0.3),
    81: (_tuned_hit(((4500.0, 1.0), (5900.0, 0.6), (8100.0, 0.4)), 1.0, 0.45, 0.35), 1.5),
}


def render_drum(note: int, velocity: int, sample_rate: int) -> np.ndarray:
    """One hit of General MIDI percussion key `note`; keys outside the map give a wooden
    tap whose pitch follows the key, so nothing a keyboard sends is silent."""
    recipe, seconds = GM_DRUMS.get(note) or (_wood(300.0 * 2.0 ** ((note - 60) / 24), 0.05, 0.0), 0.3)
    t = _times(seconds, sample_rate)
    brightness = velocity / 127.0
    mono, pan, level = recipe(t, sample_rate, brightness, note)
    # A softer hit is the hardest hit made duller, at the hardest hit's scale, so that
    # dulling it never makes it louder.
    hardest = mono if brightness == 1.0 else recipe(t, sample_rate, 1.0, note)[0]
    scale = DRUM_LEVEL * level * velocity_gain(velocity) / (float(np.max(np.abs(hardest))) or 1.0)
    fade_out = np.clip((np.float32(seconds) - t) / np.float32(0.02), 0.0, 1.0)
    return _pan(mono.astype(np.float32) * fade_out * np.float32(scale), pan)
