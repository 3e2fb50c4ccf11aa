"""The music activity without a window: what is played is sounded and recorded, takes
survive a snapshot, Done gives one draft per take, and MIDI keyboards are routed from
their own thread (a FakeMidiInput stands for the devices, a FakeAudioEngine for the sound)."""

import io
import json
import threading
import wave

import mido
import numpy as np
import pytest
from PIL import Image

from expressive.activities.music.activity import ROLL_SIZE, THUMBNAIL_SIZE, MusicActivity
from expressive.lib.music.midifile import MidiFileError, read_midi
from expressive.lib.music.performance import DRUMS
from expressive.activity import LibraryError, MemoryLibrary
from expressive.audio import NoteEvent
from expressive.midi import SOURCE_COLOURS, FakeMidiInput
from music_helpers import (
    MIDI_THREAD,
    PLAYER_THREAD,
    make_activity,
    midi_notes,
    midi_track_names,
    note_calls,
    notes_off,
    notes_on,
    song_bytes,
    wait_until,
)

FILES = {"music.wav", "music.mid", "piano-roll.png", "thumbnail.png"}


@pytest.fixture(scope="module", autouse=True)
def dummy_audio_driver():
    # Nothing here should open a sound device; if anything does, it is SDL's dummy one.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SDL_AUDIODRIVER", "dummy")
        yield


@pytest.fixture
def music():
    music = make_activity()
    music.activity.start()
    yield music
    music.activity.stop_playing()
    music.media.close()


def on(note, velocity=100, channel=0):
    return mido.Message("note_on", note=note, velocity=velocity, channel=channel)


def off(note, channel=0):
    return mido.Message("note_off", note=note, channel=channel)


def pedal(value):
    return mido.Message("control_change", control=64, value=value)


def played(music, *messages, device="Keyboard"):
    """Send messages from a plugged device and wait until the activity handled them."""
    music.midi.plug(device)
    for message in messages:
        music.midi.send(device, message)
    music.midi.flush()


def summary(take):
    """What each note of a take was: (note, velocity, instrument, source)."""
    return [(n.note, n.velocity, n.instrument, n.source) for n in take.notes()]


# --- starting, playing and recording on the screen ---------------------------------------


def test_start_opens_the_hosts_sound_and_midi_and_warms_up_the_instrument(music):
    assert music.activity.engine is music.engine
    assert music.activity.midi is music.midi
    assert [args for _t, call, args in music.engine.calls if call == "prepare"] == [("piano",)]
    music.activity.choose_instrument("bells")
    assert [args for _t, call, args in music.engine.calls if call == "prepare"] == [("piano",), ("bells",)]


def test_a_fresh_activity_has_no_work_and_playing_without_recording_keeps_none(music):
    activity = music.activity
    assert not activity.has_work()
    activity.press(60, 100)
    activity.release(60)
    assert note_calls(music.engine) == [("on", 60, 100, "piano"), ("off", 60, "piano")]
    assert not activity.has_work() and activity.recorder.takes == []
    assert activity.finish() == []


def test_a_take_keeps_the_keys_played_with_their_instrument(music):
    activity = music.activity
    activity.record()
    activity.press(60, 100)
    activity.release(60)
    activity.choose_instrument("bells")
    activity.press(64, 70)
    activity.release(64)
    activity.press(36, 120, DRUMS)
    activity.release(36, DRUMS)
    take = activity.stop()
    assert take is activity.recorder.takes[0] and take.title == "Take 1"
    assert summary(take) == [(60, 100, "piano", "screen"), (64, 70, "bells", "screen"), (36, 120, DRUMS, "screen")]
    assert activity.has_work()
    assert note_calls(music.engine) == [
        ("on", 60, 100, "piano"), ("off", 60, "piano"),
        ("on", 64, 70, "bells"), ("off", 64, "bells"),
        ("on", 36, 120, DRUMS), ("off", 36, DRUMS),
    ]


def test_a_take_with_nothing_played_is_not_kept(music):
    activity = music.activity
    activity.record()
    assert not activity.has_work()
    assert activity.stop() is None
    assert activity.recorder.takes == [] and not activity.has_work()
    assert activity.stop() is None  # not recording: nothing happens


def record_twice_without_stopping(activity):
    activity.record()
    activity.press(60, 100)
    activity.release(60)
    activity.record()
    activity.press(62, 100)
    activity.release(62)
    activity.stop()
    return activity.recorder.takes


def test_record_again_while_recording_ends_the_take_and_starts_the_next(music):
    first, second = record_twice_without_stopping(music.activity)
    assert [n.note for n in first.notes()] == [60] and [n.note for n in second.notes()] == [62]


def test_takes_recorded_one_after_the_other_are_numbered(music):
    activity = music.activity
    for note in (60, 62):
        activity.record()
        activity.press(note, 100)
        activity.release(note)
        activity.stop()
    assert [take.title for take in activity.recorder.takes] == ["Take 1", "Take 2"]


def test_record_again_while_recording_numbers_the_next_take(music):
    first, second = record_twice_without_stopping(music.activity)
    assert (first.title, second.title) == ("Take 1", "Take 2")


def test_a_key_held_when_the_take_stops_ends_there(music):
    activity = music.activity
    activity.record()
    activity.press(67, 90)
    take = activity.stop()
    (note,) = take.notes()
    assert (note.note, note.end) == (67, take.duration)


def test_listening_plays_the_take_back_through_the_engine_in_order(music):
    activity = music.activity
    activity.record()
    for note in (60, 64, 67):
        activity.press(note, 90)
        activity.release(note)
    take = activity.stop()
    before = len(music.engine.calls)
    finished = threading.Event()
    activity.play(take, on_finished=finished.set)
    assert finished.wait(10), "the take did not play to its end"
    expected = [("on", e.note, e.velocity, e.instrument) if e.velocity else ("off", e.note, e.instrument)
                for e in take.note_events()]
    assert note_calls(music.engine, before) == expected
    assert {thread for call, _args, thread in music.engine.threads[before:] if call == "note_on"} == {PLAYER_THREAD}


def test_pause_stops_the_playing_and_silences_every_note(music):
    activity = music.activity
    activity.record()
    activity.press(60, 90)
    activity.release(60)
    take = activity.stop()
    activity.play(take, loop=True)
    wait_until(lambda: notes_on(music.engine)[1:])  # the loop sounded
    activity.pause()
    assert not activity.player.is_playing
    assert music.engine.calls[-1][1] == "all_notes_off"


# --- snapshot and restore -----------------------------------------------------------------


def test_a_take_and_a_take_in_progress_survive_a_snapshot_into_a_new_activity(music):
    activity = music.activity
    activity.record()
    activity.press(60, 100)
    activity.release(60)
    played(music, on(64, 80), pedal(127), off(64), pedal(0))
    first = activity.stop()
    activity.record()
    activity.press(67, 90)  # still held when the snapshot is taken
    assert activity.has_work()

    data = activity.snapshot()
    assert activity.recorder.is_recording, "a snapshot does not stop the recording"
    fresh = make_activity().activity
    assert not fresh.has_work()
    fresh.restore(data)

    assert fresh.has_work()
    restored_first, restored_second = fresh.recorder.takes
    assert restored_first == first
    assert restored_first.pedals == first.pedals and restored_first.sources() == ["screen", "Keyboard"]
    assert restored_second.title == "Take 2"
    (held,) = restored_second.notes()
    assert (held.note, held.velocity, held.instrument, held.end) == (67, 90, "piano", restored_second.duration)


def test_a_fresh_activitys_snapshot_restores_to_no_work():
    fresh = make_activity().activity
    data = fresh.snapshot()
    other = make_activity().activity
    other.restore(data)
    assert other.recorder.takes == [] and not other.has_work()


def test_restore_refuses_a_snapshot_of_something_else():
    activity = make_activity().activity
    with pytest.raises(ValueError):
        activity.restore(json.dumps({"format": "expressive-drawing", "takes": []}).encode())
    assert not activity.has_work()


def test_restored_work_finishes_without_starting_and_its_rendering_sounds(music):
    """After a crash the host restores onto an activity that is never built or started:
    Done must still save the takes, rendered by the built-in sound."""
    activity = music.activity
    activity.record()
    activity.press(69, 110)
    activity.release(69)
    activity.stop()
    fresh = make_activity().activity
    fresh.restore(activity.snapshot())
    (draft,) = fresh.finish()
    assert draft.problems() == [] and draft.title == "Take 1"
    assert draft.metadata["sound"] == "Built-in synthesiser"
    with wave.open(io.BytesIO(draft.files["music.wav"])) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 44100)
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    assert np.abs(samples).max() > 1000, "the rendering is silent"
    assert midi_notes(draft.files["music.mid"]) == [(0, 69, 110)]


# --- Done: drafts ------------------------------------------------------------------------


def test_done_gives_one_draft_per_take_with_its_midi_wav_and_rolls(music):
    activity = music.activity
    activity.record()
    activity.press(60, 100)
    activity.release(60)
    activity.press(64, 80)
    activity.release(64)
    activity.stop()
    activity.record()
    activity.press(38, 110, DRUMS)
    activity.release(38, DRUMS)
    activity.stop()
    activity.record()  # an empty take in progress is not saved
    renders_before = sum(call == "render" for _t, call, _args in music.engine.calls)

    first, second = activity.finish()

    for draft, title in ((first, "Take 1"), (second, "Take 2")):
        assert draft.problems() == []
        assert (draft.kind, draft.title) == ("music", title)
        assert set(draft.files) == FILES
        assert (draft.product, draft.process, draft.thumbnail) == ("music.wav", "music.mid", "thumbnail.png")
        with wave.open(io.BytesIO(draft.files["music.wav"])) as wav:
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, music.engine.sample_rate)
            assert wav.getnframes() >= 1.5 * music.engine.sample_rate  # the notes and their tail
        assert Image.open(io.BytesIO(draft.files["piano-roll.png"])).size == ROLL_SIZE
        assert Image.open(io.BytesIO(draft.files["thumbnail.png"])).size == THUMBNAIL_SIZE
        assert draft.metadata["sound"] == "Fake" and draft.metadata["players"] == 1
    assert midi_notes(first.files["music.mid"]) == [(0, 60, 100), (0, 64, 80)]
    assert midi_notes(second.files["music.mid"]) == [(9, 38, 110)]
    assert midi_track_names(first.files["music.mid"]) == ["Take 1", "screen"]
    assert (first.metadata["notes"], first.metadata["instruments"]) == (2, ["piano"])
    assert (second.metadata["notes"], second.metadata["instruments"]) == (1, [DRUMS])
    # The WAV is the engine's own rendering of the take's notes.
    renders = [args[0] for _t, call, args in music.engine.calls if call == "render"][renders_before:]
    assert [(e.note, e.velocity, e.instrument) for e in renders[0]] == [
        (60, 100, "piano"), (60, 0, "piano"), (64, 80, "piano"), (64, 0, "piano")
    ]
    assert all(isinstance(event, NoteEvent) for event in renders[0])
    # The saved MIDI reads back as the take.
    assert summary(read_midi(first.files["music.mid"])) == summary(activity.recorder.takes[0])


def test_done_while_recording_keeps_the_take_in_progress(music):
    activity = music.activity
    activity.record()
    activity.press(72, 64)
    (draft,) = activity.finish()
    assert midi_notes(draft.files["music.mid"]) == [(0, 72, 64)]
    assert not activity.recorder.is_recording


def test_done_closes_the_keyboards_and_silences_the_notes(music):
    activity = music.activity
    music.midi.plug("Keyboard")
    activity.record()
    activity.press(60, 100)
    activity.finish()
    assert "all_notes_off" in [call for _t, call, _args in music.engine.calls]
    before = len(music.engine.calls)
    music.midi.send("Keyboard", on(62))
    music.midi.flush()
    assert notes_on(music.engine, before) == [], "a keyboard still plays after Done"


def test_the_demo_drafts_are_valid_music():
    (draft,) = MusicActivity.demo_drafts(1)
    assert draft.problems() == [] and set(draft.files) == FILES
    assert len(midi_notes(draft.files["music.mid"])) == draft.metadata["notes"] > 0


# --- MIDI keyboards ----------------------------------------------------------------------


def test_a_keyboard_note_sounds_from_the_midi_thread_and_is_recorded_as_the_keyboards(music):
    activity = music.activity
    activity.record()
    played(music, on(60, 101), off(60))
    assert note_calls(music.engine) == [("on", 60, 101, "piano"), ("off", 60, "piano")]
    assert {thread for call, _args, thread in music.engine.threads if call.startswith("note")} == {MIDI_THREAD}
    take = activity.stop()
    assert summary(take) == [(60, 101, "piano", "Keyboard")]


def test_a_note_on_with_no_velocity_is_a_release(music):
    played(music, on(60), on(60, velocity=0))
    assert notes_off(music.engine) == [(60, "piano")]


def test_keyboard_notes_play_the_instrument_chosen_on_screen(music):
    music.activity.choose_instrument("marimba")
    played(music, on(62, 90), off(62))
    assert note_calls(music.engine) == [("on", 62, 90, "marimba"), ("off", 62, "marimba")]


def test_channel_10_plays_drums_whatever_is_chosen(music):
    activity = music.activity
    activity.choose_instrument("bells")
    activity.record()
    played(music, on(36, 120, channel=9), off(36, channel=9), on(60, 80), off(60))
    assert note_calls(music.engine) == [
        ("on", 36, 120, DRUMS), ("off", 36, DRUMS), ("on", 60, 80, "bells"), ("off", 60, "bells")
    ]
    assert summary(activity.stop()) == [(36, 120, DRUMS, "Keyboard"), (60, 80, "bells", "Keyboard")]


def test_messages_that_are_not_playing_sound_nothing_and_are_not_recorded(music):
    activity = music.activity
    activity.record()
    played(music, mido.Message("pitchwheel", pitch=2000), mido.Message("program_change", program=40),
           mido.Message("control_change", control=1, value=90))
    assert note_calls(music.engine) == []
    assert activity.stop() is None


def test_the_sustain_pedal_holds_note_offs_until_it_goes_up(music):
    activity = music.activity
    activity.record()
    played(music, on(60), pedal(127), off(60), on(64), off(64))
    assert notes_off(music.engine) == [], "the pedal is down: the notes ring on"
    played(music, pedal(90))  # still down: pedals send many values on the way
    assert notes_off(music.engine) == []
    played(music, pedal(63))  # below 64 is up
    assert sorted(notes_off(music.engine)) == [(60, "piano"), (64, "piano")]
    played(music, on(67), off(67))
    assert notes_off(music.engine)[-1] == (67, "piano"), "with the pedal up a release is at once"
    take = activity.stop()
    pedal_up = take.pedals[-1]
    assert [(p.down, p.source) for p in take.pedals] == [(True, "Keyboard"), (False, "Keyboard")]
    sixty, sixty_four, _sixty_seven = take.notes()
    assert sixty.end == sixty_four.end == pedal_up.time


def test_one_keyboards_pedal_does_not_hold_another_keyboards_notes(music):
    played(music, pedal(127), device="Therapist")
    played(music, on(48), off(48), device="Client")
    assert notes_off(music.engine) == [(48, "piano")]


def test_the_pedal_does_not_hold_drums(music):
    played(music, pedal(127), on(38, channel=9), off(38, channel=9))
    assert notes_off(music.engine) == [(38, DRUMS)]


def test_each_keyboard_is_told_to_the_screen_in_its_own_colour(music):
    activity = music.activity
    shown = []
    activity.show_midi_note = lambda note, is_on, colour: shown.append(
        (note, is_on, colour, threading.current_thread().name)
    )
    devices_told = []
    activity.show_devices = lambda: devices_told.append(True)
    played(music, on(60), off(60), device="Therapist")
    played(music, on(72), pedal(127), device="Client")
    assert shown == [
        (60, True, SOURCE_COLOURS[1], MIDI_THREAD),
        (60, False, SOURCE_COLOURS[1], MIDI_THREAD),
        (72, True, SOURCE_COLOURS[2], MIDI_THREAD),
    ]
    assert SOURCE_COLOURS[1] != SOURCE_COLOURS[2] != SOURCE_COLOURS[0]
    assert len(devices_told) == 2
    music.midi.unplug("Client")
    assert len(devices_told) == 3


def test_screen_and_keyboard_played_together_are_two_players_in_the_take(music):
    activity = music.activity
    activity.record()
    activity.press(60, 100)
    played(music, on(60, 70), off(60))
    activity.release(60)
    take = activity.stop()
    assert sorted(summary(take), key=lambda s: s[3]) == [(60, 70, "piano", "Keyboard"), (60, 100, "piano", "screen")]
    assert take.sources() == ["screen", "Keyboard"]


def test_a_midi_input_with_a_problem_leaves_the_screen_playing():
    music = make_activity(midi=FakeMidiInput(problem="This tablet has no MIDI system."))
    activity = music.activity
    activity.start()
    activity.record()
    activity.press(60, 100)
    activity.release(60)
    assert summary(activity.stop()) == [(60, 100, "piano", "screen")]
    activity.finish()


def test_a_keyboard_note_is_released_on_the_instrument_it_started_on(music):
    activity = music.activity
    activity.record()
    played(music, on(60))
    activity.choose_instrument("bells")
    played(music, off(60), on(62), off(62))
    assert notes_off(music.engine) == [(60, "piano"), (62, "bells")]
    assert summary(activity.stop()) == [(60, 100, "piano", "Keyboard"), (62, 100, "bells", "Keyboard")]


def test_a_key_and_a_pad_on_one_device_with_the_same_note_are_released_apart(music):
    played(music, on(38), on(38, channel=9), off(38))
    assert notes_off(music.engine) == [(38, "piano")], "the key was let go, the pad is still down"
    played(music, off(38, channel=9))
    assert notes_off(music.engine) == [(38, "piano"), (38, DRUMS)]


def test_a_key_struck_again_under_the_pedal_and_held_is_not_cut_by_the_pedal(music):
    played(music, on(60), pedal(127), off(60), on(60))
    played(music, pedal(0))
    assert notes_off(music.engine) == [], "the key is still held down"
    played(music, off(60))
    assert notes_off(music.engine) == [(60, "piano")]


def test_a_keyboard_unplugged_with_its_pedal_down_does_not_hold_notes_when_it_comes_back(music):
    activity = music.activity
    activity.record()
    played(music, on(60), pedal(127), off(60))
    music.midi.unplug("Keyboard")
    played(music, on(62), off(62))  # plugged back in, its pedal up
    assert notes_off(music.engine) == [(60, "piano"), (62, "piano")]
    take = activity.stop()
    assert [(p.down, p.source) for p in take.pedals] == [(True, "Keyboard"), (False, "Keyboard")]
    first, second = take.notes()
    assert first.end == take.pedals[-1].time < second.start


def test_a_keyboard_pulled_out_mid_note_lets_go_of_it(music):
    activity = music.activity
    activity.record()
    played(music, on(64, 77))
    music.midi.unplug("Keyboard")
    assert notes_off(music.engine) == [(64, "piano")]
    played(music, on(64, 90), off(64))  # plugged back in and played again
    first, second = activity.stop().notes()
    assert (first.velocity, second.velocity) == (77, 90)
    assert first.end <= second.start, "the note ended when the keyboard was pulled out"


# --- songs from the portfolio ------------------------------------------------------------


def test_a_song_from_the_portfolio_reads_as_a_performance():
    songs = MemoryLibrary({
        "tune": ("Tune", song_bytes([(60, 0.5), (67, 0.25)], title="Tune", program=9)),
        "bad": ("Bad", b"not midi"),
    })
    activity = make_activity(songs=songs).activity
    song = activity.song("tune")
    assert song.title == "Tune"
    assert [(n.note, round(n.start, 3), round(n.end, 3), n.instrument) for n in song.notes()] == [
        (60, 0.0, 0.5, "bells"), (67, 0.5, 0.75, "bells")
    ]
    with pytest.raises(MidiFileError, match="not a MIDI file"):
        activity.song("bad")
    with pytest.raises(LibraryError):
        activity.song("gone")


def test_a_song_loops_until_stopped_and_is_not_recorded(music):
    activity = music.activity
    activity.host.songs = MemoryLibrary({"tune": ("Tune", song_bytes([(72, 0.05), (74, 0.05)]))})
    activity.record()
    activity.play(activity.song("tune"), loop=True)
    wait_until(lambda: [note for note, _v, _i in notes_on(music.engine)].count(72) >= 3)
    activity.stop_playing()
    assert not activity.player.is_playing
    count = len(music.engine.calls)
    activity.press(60, 100)
    activity.release(60)
    take = activity.stop()
    assert notes_on(music.engine, count) == [(60, 100, "piano")], "nothing plays after the loop stopped"
    assert summary(take) == [(60, 100, "piano", "screen")], "the loop is not part of the take"
    ons, offs = notes_on(music.engine)[:-1], notes_off(music.engine)[:-1]
    assert [note for note, _v, _i in ons][:4] == [72, 74, 72, 74]
    assert sorted(offs) == sorted((note, instrument) for note, _v, instrument in ons), "nothing rings on"
