"""Rendered notes sound at the pitch played: the spectrum's strongest peak sits at the
note's fundamental.

That holds for every built-in instrument by design: the piano's partials fall off as
1/k^p (and the hammer position only lifts partials 2-5 to below the fundamental); the
marimba's tuned 4th partial starts quieter than the fundamental and dies six times
faster; the bells' fundamental is their loudest and longest mode, the other modes being
the inharmonic ones of a free bar (2.756x, 5.404x, ...), which we check are there; the
strings' saws have harmonics at 1/k.
"""

import pytest
from audio_helpers import held, level_at, midi_hz, strongest_peaks

from expressive.audio.synth import BAR_MODES

MELODIC = ["piano", "marimba", "bells", "strings"]


@pytest.mark.parametrize("instrument", MELODIC)
@pytest.mark.parametrize("note, expected_hz", [(69, 440.0), (60, 261.63)])
def test_a_note_peaks_at_its_pitch(synth_engine, instrument, note, expected_hz):
    frames = synth_engine.render(held([note], instrument))

    (peak_hz, _), = strongest_peaks(frames, synth_engine.sample_rate, count=1)

    assert peak_hz == pytest.approx(expected_hz, abs=1.5)


@pytest.mark.parametrize("instrument", MELODIC)
def test_a_chord_peaks_at_each_of_its_notes(synth_engine, instrument):
    """C major: each note's fundamental is among the four strongest peaks. Not always the
    three strongest: G5 is both C4's third harmonic and G4's second, and where harmonics
    are strong (the strings' saws) the two add up to more than G4 alone."""
    chord = [60, 64, 67]
    frames = synth_engine.render(held(chord, instrument))

    peaks = [hz for hz, _ in strongest_peaks(frames, synth_engine.sample_rate, count=4)]

    for note in chord:
        assert any(abs(hz - midi_hz(note)) < 2.0 for hz in peaks), (note, peaks)


def test_bells_ring_with_the_inharmonic_modes_of_a_metal_bar(synth_engine):
    frames = synth_engine.render(held([69], "bells"))
    rate = synth_engine.sample_rate

    fundamental = level_at(frames, rate, 440.0)
    for ratio in BAR_MODES[1:3]:
        assert level_at(frames, rate, 440.0 * ratio) > fundamental / 100
    # ...and not at the harmonics a string or a pipe would have.
    assert level_at(frames, rate, 880.0) < fundamental / 100
