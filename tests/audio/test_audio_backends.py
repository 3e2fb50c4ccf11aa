"""Choosing and opening the backends: the real pygame mixer on the dummy driver, the
silent engine for machines without sound, and the fake for tests."""

import json
import os
import subprocess
import sys

import numpy as np

from expressive.audio import (
    INSTRUMENTS,
    FakeAudioEngine,
    MixerEngine,
    NoteEvent,
    SilentEngine,
    instrument,
    open_engine,
)
from expressive.resources import ASSETS_DIR


def test_the_instruments_a_child_can_pick():
    assert [each.id for each in INSTRUMENTS] == ["piano", "marimba", "bells", "strings", "drums"]
    assert [each.title for each in INSTRUMENTS] == ["Piano", "Marimba", "Bells", "Strings", "Drums"]
    assert [each.is_drums for each in INSTRUMENTS] == [False] * 4 + [True]
    assert instrument("bells").gm_program == 9
    assert instrument("no-such-instrument") is instrument("piano")


def test_every_instrument_icon_is_in_the_shipped_icon_font():
    codepoints = json.loads((ASSETS_DIR / "icons" / "mdi-codepoints.json").read_text())
    assert [each.icon for each in INSTRUMENTS if each.icon not in codepoints] == []


def test_the_pygame_mixer_opens_with_a_small_buffer(synth_engine):
    assert isinstance(synth_engine, MixerEngine)
    assert synth_engine.name == "Built-in synthesiser"
    assert synth_engine.problem is None
    assert synth_engine.sample_rate == 44100
    assert synth_engine.buffer_latency() == 256 / 44100


def test_note_on_and_note_off_play_through_the_mixer(synth_engine):
    synth_engine.note_on(60, 100, "piano")
    synth_engine.note_on(38, 100, "drums")
    assert {(voice.instrument, voice.note) for voice in synth_engine.sounding_voices()} >= {("piano", 60), ("drums", 38)}

    synth_engine.note_off(60, "piano")
    synth_engine.note_off(38, "drums")

    released = {(voice.instrument, voice.note): voice.released for voice in synth_engine.sounding_voices()}
    assert released.get(("piano", 60), True) is True
    assert released.get(("drums", 38), False) is False


def test_velocity_zero_is_a_note_off(synth_engine):
    synth_engine.note_on(62, 100, "strings")
    synth_engine.note_on(62, 0, "strings")
    assert all(voice.released for voice in synth_engine.sounding_voices() if voice.note == 62)


def test_prepare_renders_an_instruments_common_notes(synth_engine):
    synth_engine.prepare("bells").join()
    bells = instrument("bells")
    assert all(synth_engine.bank.is_cached(bells, note) for note in range(48, 85))


def test_an_unknown_preference_opens_a_working_engine(dummy_audio_driver):
    engine = open_engine("loud-please")
    try:
        assert engine.problem is None
        engine.note_on(60, 100, "piano")
    finally:
        engine.close()


def test_the_silent_engine_plays_nothing_and_still_renders():
    engine = open_engine("silent")
    try:
        assert isinstance(engine, SilentEngine)
        assert engine.name == "No sound"
        assert engine.problem
        engine.note_on(60, 100, "piano")
        engine.note_off(60, "piano")
        engine.all_notes_off()
        assert np.abs(engine.render([NoteEvent(0.0, 60, 100, "piano")], tail=0.5)).max() > 1000
    finally:
        engine.close()


def test_without_a_sound_device_auto_opens_the_silent_engine():
    probe = (
        "import json; from expressive.audio import open_engine; engine = open_engine('auto'); "
        "engine.note_on(60, 100, 'piano'); engine.note_off(60, 'piano'); "
        "print(json.dumps([type(engine).__name__, engine.name, engine.problem]))"
    )
    environment = {**os.environ, "SDL_AUDIODRIVER": "no-such-driver"}

    result = subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    kind, name, problem = json.loads(result.stdout.strip().splitlines()[-1])
    assert (kind, name) == ("SilentEngine", "No sound")
    assert problem == "There is no sound output on this device, so the music plays silently."


def test_the_fake_engine_records_each_call_with_its_time():
    fake = FakeAudioEngine()

    fake.note_on(60, 100, "piano")
    fake.note_off(60, "piano")
    fake.all_notes_off()
    frames = fake.render([NoteEvent(1.0, 60, 100, "piano")], tail=0.5)

    assert [(call, args) for _, call, args in fake.calls[:3]] == [
        ("note_on", (60, 100, "piano")), ("note_off", (60, "piano")), ("all_notes_off", ()),
    ]
    times = [when for when, _, _ in fake.calls]
    assert times == sorted(times)
    assert frames.shape == (round(1.5 * 44100), 2) and frames.dtype == np.int16


def test_a_closed_engine_ignores_late_notes(dummy_audio_driver):
    engine = open_engine("synth")
    engine.close()

    engine.note_on(60, 100, "piano")
    engine.note_off(60, "piano")
    engine.all_notes_off()
    engine.close()
