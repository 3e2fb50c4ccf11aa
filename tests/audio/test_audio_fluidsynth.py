"""The FluidSynth backend, where libfluidsynth, pyfluidsynth and a General MIDI
SoundFont are installed (apt: libfluidsynth3 and timgm6mb-soundfont or
fluid-soundfont-gm; pip: pyfluidsynth)."""

import numpy as np
import pytest
from audio_helpers import held, strongest_peaks

from expressive.audio import NoteEvent, open_engine
from expressive.audio.soundfont import FluidSynthSource, FluidSynthUnavailable


def fluidsynth_missing() -> str | None:
    try:
        FluidSynthSource(44100).close()
    except FluidSynthUnavailable as why:
        return str(why)
    return None


MISSING = fluidsynth_missing()
needs_fluidsynth = pytest.mark.skipif(bool(MISSING), reason=f"FluidSynth cannot run here: {MISSING}")


@pytest.fixture(scope="module")
def fluidsynth_engine(dummy_audio_driver):
    engine = open_engine("fluidsynth")
    yield engine
    engine.close()


@needs_fluidsynth
def test_fluidsynth_is_chosen_when_asked_for(fluidsynth_engine):
    assert fluidsynth_engine.name.startswith("FluidSynth (")
    assert fluidsynth_engine.problem is None


@needs_fluidsynth
def test_the_general_midi_piano_a4_peaks_at_440_hz(fluidsynth_engine):
    frames = fluidsynth_engine.render(held([69], "piano"))

    (peak_hz, _), = strongest_peaks(frames, fluidsynth_engine.sample_rate, count=1)

    assert peak_hz == pytest.approx(440.0, abs=2.0)


@needs_fluidsynth
def test_the_general_midi_piano_c4_sounds_at_its_pitch(fluidsynth_engine):
    """A recorded piano's middle C can have its octave louder than its fundamental (the
    SoundFont's does), so here the fundamental need only be among the three strongest
    peaks, with the octave."""
    frames = fluidsynth_engine.render(held([60], "piano"))

    peaks = [hz for hz, _ in strongest_peaks(frames, fluidsynth_engine.sample_rate, count=3)]

    assert any(abs(hz - 261.63) < 2.0 for hz in peaks), peaks
    assert any(abs(hz - 2 * 261.63) < 3.0 for hz in peaks), peaks


@needs_fluidsynth
def test_fluidsynth_plays_live_and_renders_drums(fluidsynth_engine):
    fluidsynth_engine.note_on(60, 100, "strings")
    assert [voice.note for voice in fluidsynth_engine.sounding_voices()] == [60]
    fluidsynth_engine.all_notes_off()

    frames = fluidsynth_engine.render([NoteEvent(0.0, 38, 100, "drums")], tail=1.0)
    assert np.abs(frames).max() > 1000


def test_a_missing_soundfont_falls_back_to_the_built_in_sounds_and_says_why(dummy_audio_driver, tmp_path):
    engine = open_engine("fluidsynth", soundfont=tmp_path / "missing.sf2")
    try:
        assert engine.name == "Built-in synthesiser"
        assert engine.problem.endswith("The built-in sounds play instead.")
        assert engine.fallback_reason in engine.problem
    finally:
        engine.close()
