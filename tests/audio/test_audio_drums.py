import numpy as np
import pytest

from expressive.audio import NoteEvent

QUIET = 32767 * 10 ** (-60 / 20)


@pytest.mark.parametrize("note", [*range(35, 82), 27, 34, 82, 87, 127])
def test_every_percussion_key_makes_a_short_sound(synth_engine, note):
    frames = synth_engine.render([NoteEvent(0.0, note, 100, "drums")], tail=3.0)

    loud = np.flatnonzero(np.abs(frames).max(axis=1) > QUIET)
    assert len(loud) > 0, f"drum key {note} is silent"
    assert loud[-1] / synth_engine.sample_rate < 1.6, f"drum key {note} rings too long"


def test_the_kit_has_different_sounds(synth_engine):
    hits = {note: synth_engine.render([NoteEvent(0.0, note, 100, "drums")], tail=1.5) for note in (36, 38, 42, 46, 49, 51, 39, 45)}

    renders = list(hits.values())
    assert all(not np.array_equal(one, other) for index, one in enumerate(renders) for other in renders[index + 1:])
