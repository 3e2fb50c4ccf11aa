"""The benchmark functions run and report what they promise; the figures themselves
belong to `expressive bench`, not to a unit test on a shared machine."""

from expressive.audio.latency import measure_first_note, measure_note_on_latency, measure_rendering_speed


def test_note_on_latency_is_measured_on_the_real_mixer(synth_engine):
    figures = measure_note_on_latency(synth_engine, presses=20, instrument="marimba")

    assert set(figures) >= {"p50", "p99", "jitter", "buffer"}
    assert 0 < figures["p50"] <= figures["p99"]
    assert figures["jitter"] == figures["p99"] - figures["p50"]
    assert figures["buffer"] == synth_engine.buffer_latency()
    assert synth_engine.sounding_voices() == [] or all(voice.released for voice in synth_engine.sounding_voices())


def test_first_note_and_rendering_speed_are_measured(synth_engine):
    assert measure_first_note(synth_engine, "bells", 110) > 0
    assert measure_rendering_speed(synth_engine, seconds=2.0) > 0
