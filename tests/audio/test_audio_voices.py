"""Polyphony and voice stealing, offline and through the real pygame mixer."""

import threading
import time

import numpy as np
import pytest

from expressive.audio import NoteEvent, open_engine
from expressive.audio.voices import VoicePool

TWENTY_NOTES = list(range(50, 70))


def pressed_together(notes, instrument="strings"):
    return [NoteEvent(0.0, note, 90, instrument) for note in notes]


def test_the_pool_steals_the_oldest_voice_when_every_voice_sounds():
    pool = VoicePool(4)
    for note in (60, 62, 64, 65):
        pool.start("piano", note, is_sounding=lambda slot: True)

    voice, stolen = pool.start("piano", 67, is_sounding=lambda slot: True)

    assert (stolen.note, voice.slot) == (60, stolen.slot)
    assert [voice.note for voice in pool.sounding(lambda slot: True)] == [62, 64, 65, 67]


def test_the_pool_takes_a_free_voice_before_stealing():
    pool = VoicePool(4)
    first = [pool.start("piano", note, is_sounding=lambda slot: True)[0] for note in (60, 62, 64, 65)]

    voice, stolen = pool.start("piano", 67, is_sounding=lambda slot: slot != first[2].slot)

    assert stolen is None and voice.slot == first[2].slot


def test_a_note_off_releases_every_voice_of_that_key_only():
    pool = VoicePool(8)
    for instrument, note in [("piano", 60), ("piano", 60), ("piano", 62), ("marimba", 60)]:
        pool.start(instrument, note, is_sounding=lambda slot: True)

    released = pool.release("piano", 60)

    assert len(released) == 2 and all(voice.released for voice in released)
    assert pool.release("piano", 60) == []


def test_twenty_notes_render_and_beyond_the_polyphony_the_oldest_are_stolen():
    small = open_engine("silent", polyphony=16)
    large = open_engine("silent", polyphony=32)
    try:
        everything = small.render(pressed_together(TWENTY_NOTES))
        # All twenty start together, so the four stolen voices never sound at all.
        assert np.array_equal(everything, small.render(pressed_together(TWENTY_NOTES[4:])))
        assert np.abs(everything).max() > 1000
        assert not np.array_equal(large.render(pressed_together(TWENTY_NOTES)), everything)
    finally:
        small.close()
        large.close()


def test_a_stolen_voice_is_cut_where_the_new_note_starts():
    engine = open_engine("silent", polyphony=2)
    try:
        staggered = [NoteEvent(0.1 * index, note, 90, "strings") for index, note in enumerate((60, 64, 67))]
        frames = engine.render(staggered, tail=0.5)
        alone = engine.render(staggered[:1], tail=0.7)

        cut = round(0.2 * engine.sample_rate)
        assert np.array_equal(frames[:round(0.1 * engine.sample_rate)], alone[:round(0.1 * engine.sample_rate)])
        assert not np.array_equal(frames[cut:], alone[cut:len(frames)])
    finally:
        engine.close()


@pytest.fixture
def small_live_engine(dummy_audio_driver):
    engine = open_engine("synth", polyphony=16)
    yield engine
    engine.close()


def test_the_mixer_plays_twenty_notes_on_sixteen_voices_by_stealing_the_oldest(small_live_engine):
    engine = small_live_engine
    assert engine.polyphony == 16
    for note in TWENTY_NOTES[:16]:
        engine.note_on(note, 90, "strings")
    slot_of = {voice.note: voice.slot for voice in engine.sounding_voices()}
    assert sorted(slot_of) == TWENTY_NOTES[:16]

    for note in TWENTY_NOTES[16:]:
        engine.note_on(note, 90, "strings")

    sounding = engine.sounding_voices()
    assert [voice.note for voice in sounding] == TWENTY_NOTES[4:]
    stolen_slots = [slot_of[note] for note in TWENTY_NOTES[:4]]
    assert [voice.slot for voice in sounding[-4:]] == stolen_slots


def test_the_mixer_plays_twenty_notes_at_once_with_the_default_polyphony(synth_engine):
    assert synth_engine.polyphony >= 16
    try:
        for note in TWENTY_NOTES:
            synth_engine.note_on(note, 90, "strings")
        assert [voice.note for voice in synth_engine.sounding_voices()] == TWENTY_NOTES
    finally:
        synth_engine.all_notes_off()


def test_note_on_from_several_threads_at_once(small_live_engine):
    engine = small_live_engine
    engine.prepare("marimba", wait=True)
    failures = []

    def player(offset):
        try:
            for step in range(40):
                note = 48 + (offset * 7 + step) % 36
                engine.note_on(note, 100, "marimba")
                engine.note_off(note, "marimba")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=player, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(engine.sounding_voices()) <= 16


def test_a_note_off_fades_the_voice_away(small_live_engine):
    engine = small_live_engine
    engine.note_on(60, 100, "strings")
    engine.note_on(64, 100, "strings")

    engine.note_off(60, "strings")

    assert [(voice.note, voice.released) for voice in engine.sounding_voices()] == [(60, True), (64, False)]
    # The strings' sample lasts five seconds; the 150 ms fade ends long before. Polling
    # (rather than sleeping a fixed time) keeps a busy machine from failing the test.
    deadline = time.monotonic() + 4.0
    while any(voice.note == 60 for voice in engine.sounding_voices()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [voice.note for voice in engine.sounding_voices()] == [64]
