import numpy as np
import pytest
from audio_helpers import held, rms

from expressive.audio import NoteEvent

VELOCITIES = [20, 40, 64, 80, 81, 100, 120, 127]


@pytest.mark.parametrize("instrument, note", [
    ("piano", 60), ("marimba", 60), ("bells", 72), ("strings", 60), ("drums", 38), ("drums", 36),
])
def test_harder_notes_are_louder(synth_engine, instrument, note):
    loudness = [rms(synth_engine.render(held([note], instrument, velocity=velocity))) for velocity in VELOCITIES]

    assert all(quieter < louder for quieter, louder in zip(loudness, loudness[1:])), loudness
    assert loudness[VELOCITIES.index(120)] > 2 * loudness[VELOCITIES.index(40)]


def test_a_note_off_fades_the_note_and_drums_ring_on(synth_engine):
    rate = synth_engine.sample_rate
    for instrument, note in [("strings", 60), ("drums", 49)]:
        held_on = synth_engine.render([NoteEvent(0.0, note, 100, instrument)], tail=1.4)
        let_go = synth_engine.render([NoteEvent(0.0, note, 100, instrument), NoteEvent(0.5, note, 0, instrument)], tail=0.9)

        after_release = slice(int(0.7 * rate), int(1.3 * rate))
        if instrument == "drums":
            assert np.array_equal(let_go, held_on)
        else:
            assert np.array_equal(let_go[: int(0.5 * rate)], held_on[: int(0.5 * rate)])
            assert rms(held_on[after_release]) > 0
            assert not np.any(let_go[after_release])
