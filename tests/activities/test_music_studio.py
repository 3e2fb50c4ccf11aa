"""The music studio in a (virtual) window, played with real touches: keys and pads,
recording and listening, MIDI keyboards lighting keys, playing along, and the viewer of
a saved recording. The sound is a FakeAudioEngine that notes what it was asked to play."""

import io
import wave

import mido
import pytest
from kivy.tests.common import UnitTestTouch
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.modalview import ModalView
from kivy.utils import get_hex_from_color

from expressive.activities.music.activity import ROLL_SIZE, MusicActivity
from expressive.activities.music.keyboard import DRUM_PADS
from expressive.activities.music.studio import DrumPads, PianoKeyboard, ScaleKeys
from expressive.lib.music.midifile import read_midi
from expressive.lib.music.performance import DRUMS
from expressive.lib.music.scales import keys_for_scale
from expressive.api import ArtifactDraft, ArtifactView, MemoryLibrary
from expressive.midi import SOURCE_COLOURS, FakeMidiInput
from expressive.tools.driver import advance_frames, tap
from music_helpers import (
    MIDI_THREAD,
    FakeMedia,
    make_activity,
    midi_notes,
    note_calls,
    notes_off,
    notes_on,
    song_bytes,
    wait_until,
)
from tests_support import open_popup_texts, tap_popup_button

SONG = song_bytes([(72, 0.05), (76, 0.05)], title="Little song")


@pytest.fixture(scope="module", autouse=True)
def dummy_audio_driver():
    # Nothing here should open a sound device; if anything does, it is SDL's dummy one.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SDL_AUDIODRIVER", "dummy")
        yield


@pytest.fixture
def open_studio(window):
    """Builds the studio into the window and starts the activity, as the host does:
    open_studio(complexity, midi=, songs=) -> the Music with `.studio` set."""
    opened = []

    def opener(complexity="standard", *, midi=None, songs=None):
        music = make_activity(complexity, midi=midi, songs=songs)
        music.studio = music.activity.build()
        window.add_widget(music.studio)
        music.activity.start()
        advance_frames(3)
        opened.append(music)
        return music

    yield opener
    for view in list(window.children):
        if isinstance(view, ModalView):
            view.dismiss(animation=False)
    for music in opened:
        if music.studio.recording:
            music.studio.stop()
        music.activity.stop_playing()
        window.remove_widget(music.studio)
        music.media.close()
    advance_frames(1)


@pytest.fixture
def music(open_studio):
    return open_studio()


def key_point(surface, note, up=0.3):
    """The window point across the middle of `note`'s key, `up` of its height from its bottom."""
    (key,) = [key for key in surface.keys if key.note == note]
    x, y, width, height = surface._box(key)
    return surface.to_window(x + width / 2, y + up * height)


def touch_key(surface, note, up=0.3, frames=1):
    """A finger on a key and lifted again."""
    touch = UnitTestTouch(*key_point(surface, note, up))
    touch.touch_down()
    touch.touch_up()
    advance_frames(frames)


def finger_on(surface, note, up=0.3):
    touch = UnitTestTouch(*key_point(surface, note, up))
    touch.touch_down()
    return touch


def button(studio, text):
    """The button with this label on the studio, or None when it is not there (asked of
    the widgets on screen: `ids` of removed widgets may be dead weak references)."""
    found = [w for w in studio.walk() if isinstance(w, ButtonBehavior) and getattr(w, "text", None) == text]
    assert len(found) <= 1
    return found[0] if found else None


def instrument_button(studio, value):
    (found,) = [b for b in studio.instrument_buttons if b.value == value]
    return found


def frames_until(condition, timeout=10.0):
    wait_until(condition, timeout=timeout, step=lambda: advance_frames(1))


def playing_back(take):
    """The engine calls that play `take` back."""
    return [("on", e.note, e.velocity, e.instrument) if e.velocity else ("off", e.note, e.instrument)
            for e in take.note_events()]


def studio_lit(music):
    return dict(music.studio.surface._lit)


def popup_open(window):
    return any(isinstance(view, ModalView) for view in window.children)


# --- keys played by fingers --------------------------------------------------------------


def test_touching_a_scale_key_plays_its_note_and_lifting_releases_it(music):
    surface = music.studio.surface
    assert isinstance(surface, ScaleKeys)
    assert [key.note for key in surface.keys] == keys_for_scale("pentatonic", 60, 10)
    finger = finger_on(surface, 64)
    ((note, velocity, instrument),) = notes_on(music.engine)
    assert (note, instrument) == (64, "piano") and 40 <= velocity <= 127
    assert 64 in surface._lit and notes_off(music.engine) == []
    finger.touch_up()
    assert notes_off(music.engine) == [(64, "piano")]
    assert surface._lit == {}


def test_two_fingers_at_once_play_two_notes(music):
    surface = music.studio.surface
    first, second = finger_on(surface, 60), finger_on(surface, 67)
    assert [note for note, _v, _i in notes_on(music.engine)] == [60, 67]
    assert notes_off(music.engine) == [] and set(surface._lit) == {60, 67}
    first.touch_up()
    assert notes_off(music.engine) == [(60, "piano")] and set(surface._lit) == {67}
    second.touch_up()
    assert notes_off(music.engine) == [(60, "piano"), (67, "piano")]


def test_sliding_a_finger_onto_the_next_key_releases_the_first_and_plays_the_second(music):
    surface = music.studio.surface
    finger = finger_on(surface, 60, up=0.2)
    finger.touch_move(*key_point(surface, 60, up=0.4))  # still on the same key: nothing new
    assert note_calls(music.engine) == [("on", 60, note_calls(music.engine)[0][2], "piano")]
    finger.touch_move(*key_point(surface, 62, up=0.2))
    finger.touch_up()
    calls = note_calls(music.engine)
    assert [call[:2] for call in calls] == [("on", 60), ("off", 60), ("on", 62), ("off", 62)]


def test_touching_lower_on_a_key_is_louder(music):
    surface = music.studio.surface
    touch_key(surface, 69, up=0.1)
    touch_key(surface, 69, up=0.9)
    (_, loud, _), (_, soft, _) = notes_on(music.engine)
    assert loud > soft
    assert loud == pytest.approx(40 + 87 * 0.9, abs=2) and soft == pytest.approx(40 + 87 * 0.1, abs=2)


def test_a_stylus_pressure_sets_the_velocity_where_the_screen_reports_it(music):
    touch = UnitTestTouch(*key_point(music.studio.surface, 60, up=0.9))
    touch.profile.append("pressure")
    touch.pressure = 0.5
    touch.touch_down()
    touch.touch_up()
    ((_, velocity, _),) = notes_on(music.engine)
    assert velocity == pytest.approx(40 + 87 * 0.5, abs=1)


def test_a_touch_between_the_keys_plays_nothing(music):
    surface = music.studio.surface
    first, second = surface.keys[:2]
    x, y, width, _height = surface._box(first)
    gap_x = (x + width + surface._box(second)[0]) / 2
    touch = UnitTestTouch(*surface.to_window(gap_x, y + 20))
    touch.touch_down()
    touch.touch_up()
    assert note_calls(music.engine) == []


def test_the_scale_buttons_change_the_notes_of_the_keys(music):
    studio = music.studio
    tap(button(studio, "Minor"))
    assert studio.scale == "minor"
    assert [key.note for key in studio.surface.keys] == keys_for_scale("minor", 60, 10)
    touch_key(studio.surface, 63)
    assert notes_on(music.engine)[0][0] == 63


# --- instruments and levels --------------------------------------------------------------


def test_choosing_drums_shows_the_pads_and_a_pad_plays_its_general_midi_note(music):
    studio = music.studio
    tap(instrument_button(studio, "drums"))
    surface = studio.surface
    assert isinstance(surface, DrumPads) and studio.instrument == "drums"
    assert instrument_button(studio, "drums").selected and not instrument_button(studio, "piano").selected
    assert [key.note for key in surface.keys] == [pad.note for pad in DRUM_PADS]
    assert ("drums",) in [args for _t, call, args in music.engine.calls if call == "prepare"]
    assert studio.ids.scales.height == 0 and studio.ids.options.disabled
    snare = next(pad.note for pad in DRUM_PADS if pad.id == "snare")
    touch_key(surface, snare)
    ((note, _velocity, instrument),) = notes_on(music.engine)
    assert (note, instrument) == (snare, DRUMS)
    tap(instrument_button(studio, "bells"))
    assert isinstance(studio.surface, ScaleKeys)
    touch_key(studio.surface, 60)
    assert notes_on(music.engine)[-1][::2] == (60, "bells")


def test_piano_keys_show_one_octave_of_thirteen_keys_black_keys_on_top(music):
    studio = music.studio
    assert button(studio, "More keys") is None, "two octaves are for the full level"
    tap(button(studio, "Piano keys"))
    surface = studio.surface
    assert isinstance(surface, PianoKeyboard)
    assert [key.note for key in surface.keys] == list(range(60, 73))
    touch_key(surface, 61, up=0.8)  # the black key, drawn over its white neighbours
    touch_key(surface, 60, up=0.1)
    assert [note for note, _v, _i in notes_on(music.engine)] == [61, 60]
    tap(button(studio, "Rainbow keys"))
    assert isinstance(studio.surface, ScaleKeys)


@pytest.mark.parametrize("complexity", ["full"])
def test_the_full_level_has_two_octaves_of_piano(open_studio, complexity):
    music = open_studio(complexity)
    studio = music.studio
    assert len(studio.surface.keys) == 12, "the full level's no-wrong-notes keys"
    tap(button(studio, "Piano keys"))
    assert len(studio.surface.keys) == 13
    tap(button(studio, "More keys"))
    surface = studio.surface
    assert isinstance(surface, PianoKeyboard) and studio.octaves == 2
    assert [key.note for key in surface.keys] == list(range(60, 85))
    touch_key(surface, 84, up=0.1)
    assert notes_on(music.engine)[-1][0] == 84
    tap(button(studio, "More keys"))
    assert len(studio.surface.keys) == 13


def test_the_standard_level_offers_every_instrument_scales_and_play_along(music):
    studio = music.studio
    assert [b.value for b in studio.instrument_buttons] == ["piano", "marimba", "bells", "strings", "drums"]
    assert studio.ids.scales.height > 0 and button(studio, "Pentatonic") is not None
    assert button(studio, "Play along") is not None
    assert len(studio.surface.keys) == 10


def test_the_simple_level_has_three_instruments_no_play_along_and_no_scales(open_studio):
    music = open_studio("simple")
    studio = music.studio
    assert [b.value for b in studio.instrument_buttons] == ["piano", "bells", "drums"]
    assert button(studio, "Play along") is None
    assert studio.ids.scales.height == 0 and studio.ids.scales.opacity == 0 and studio.ids.scales.disabled
    assert button(studio, "Piano keys") is None and button(studio, "Rainbow keys") is None
    assert isinstance(studio.surface, ScaleKeys) and len(studio.surface.keys) == 8
    touch_key(studio.surface, 60)
    assert notes_on(music.engine)[0][::2] == (60, "piano")


# --- record, listen, record again, Done --------------------------------------------------


def test_record_play_stop_listen_record_again_and_done(music):
    studio, activity = music.studio, music.activity
    assert studio.ids.play_button.disabled and studio.ids.stop_button.disabled
    tap(studio.ids.record_button)
    assert studio.recording and studio.status.startswith("Recording 0:0")
    assert studio.ids.record_button.disabled and not studio.ids.stop_button.disabled
    for note in (60, 64, 67):
        touch_key(studio.surface, note)
    velocities = [velocity for _note, velocity, _instrument in notes_on(music.engine)]
    tap(studio.ids.stop_button)
    assert not studio.recording and studio.take_count == 1
    assert studio.status == "1 recording kept." and studio.ids.record_button.text == "Record again"
    (take,) = activity.recorder.takes
    assert [(n.note, n.velocity, n.instrument) for n in take.notes()] == list(
        zip((60, 64, 67), velocities, ["piano"] * 3)
    )

    before = len(music.engine.calls)
    tap(studio.ids.play_button)
    assert studio.playing and studio.status == "Playing Take 1"
    frames_until(lambda: not studio.playing)
    assert note_calls(music.engine, before) == playing_back(take)
    assert studio.status == "1 recording kept."

    tap(studio.ids.record_button)
    tap(instrument_button(studio, "drums"))
    touch_key(studio.surface, 36)
    tap(studio.ids.stop_button)
    assert studio.take_count == 2 and studio.status == "2 recordings kept."

    first, second = activity.finish()
    assert midi_notes(first.files["music.mid"]) == [(0, note, v) for note, v in zip((60, 64, 67), velocities)]
    assert [(channel, note) for channel, note, _v in midi_notes(second.files["music.mid"])] == [(9, 36)]
    for draft in (first, second):
        with wave.open(io.BytesIO(draft.files["music.wav"])) as wav:
            assert (wav.getnchannels(), wav.getframerate()) == (1, music.engine.sample_rate)


def test_stop_after_recording_nothing_says_nothing_was_kept(music):
    studio = music.studio
    tap(studio.ids.record_button)
    tap(studio.ids.stop_button)
    assert studio.take_count == 0 and studio.status == "Nothing was played, so nothing was kept."
    assert studio.ids.play_button.disabled


def test_stop_during_listening_stops_the_playing(music):
    studio = music.studio
    tap(studio.ids.record_button)
    finger = finger_on(studio.surface, 60)
    advance_frames(60)  # a note held long enough to stop it half-way
    finger.touch_up()
    tap(studio.ids.stop_button)
    before = len(music.engine.calls)
    tap(studio.ids.play_button, frames=0)
    frames_until(lambda: notes_on(music.engine, before))
    assert studio.playing and music.activity.player.is_playing
    tap(studio.ids.stop_button)
    assert not studio.playing and not music.activity.player.is_playing
    assert note_calls(music.engine, before)[-1] == ("off", 60, "piano"), "nothing rings on"
    assert studio.status == "1 recording kept."


def test_restored_takes_show_on_the_studio(music):
    earlier = make_activity()
    earlier.activity.start()
    earlier.activity.record()
    earlier.activity.press(62, 80)
    earlier.activity.release(62)
    earlier.activity.stop()
    music.activity.restore(earlier.activity.snapshot())
    earlier.media.close()
    advance_frames(1)
    studio = music.studio
    assert studio.take_count == 1 and studio.status == "1 recording kept."
    assert not studio.ids.play_button.disabled


# --- MIDI keyboards ----------------------------------------------------------------------


def test_no_keyboard_plugged_in_says_nothing_to_the_client(music):
    assert music.studio.devices_text == ""
    assert music.studio.ids.devices.height == 0


def test_a_keyboard_plays_lights_its_key_in_its_colour_and_is_recorded(music):
    studio = music.studio
    music.midi.plug("Keyboard")
    advance_frames(2)
    colour = SOURCE_COLOURS[1]
    assert studio.devices_text == f"Playing here too: [color={get_hex_from_color(colour)}]Keyboard[/color]"
    tap(studio.ids.record_button)
    music.midi.send("Keyboard", mido.Message("note_on", note=64, velocity=99))
    music.midi.flush()
    assert notes_on(music.engine) == [(64, 99, "piano")]
    assert [thread for call, _a, thread in music.engine.threads if call == "note_on"] == [MIDI_THREAD]
    advance_frames(1)
    assert studio.surface._lit == {64: colour}
    music.midi.send("Keyboard", mido.Message("note_off", note=64))
    music.midi.flush()
    advance_frames(1)
    assert studio.surface._lit == {}
    tap(studio.ids.stop_button)
    (take,) = music.activity.recorder.takes
    assert [(n.note, n.velocity, n.source) for n in take.notes()] == [(64, 99, "Keyboard")]


def test_a_second_keyboard_has_its_own_colour_and_both_are_named(music):
    studio = music.studio
    music.midi.plug("Therapist")
    music.midi.plug("Pads")
    advance_frames(2)
    therapist, pads = SOURCE_COLOURS[1], SOURCE_COLOURS[2]
    assert therapist != pads
    assert studio.devices_text == (
        f"Playing here too: [color={get_hex_from_color(therapist)}]Therapist[/color], "
        f"[color={get_hex_from_color(pads)}]Pads[/color]"
    )
    music.midi.send("Therapist", mido.Message("note_on", note=60, velocity=90))
    music.midi.send("Pads", mido.Message("note_on", note=67, velocity=90))
    music.midi.flush()
    advance_frames(1)
    assert studio.surface._lit == {60: therapist, 67: pads}
    music.midi.unplug("Therapist")
    advance_frames(2)
    assert "Therapist" not in studio.devices_text and "Pads" in studio.devices_text


def test_a_midi_problem_is_shown_and_the_screen_keys_still_play(open_studio):
    problem = "This tablet has no MIDI system, so keyboards can't be plugged in."
    music = open_studio(midi=FakeMidiInput(problem=problem))
    assert music.studio.devices_text == problem
    touch_key(music.studio.surface, 62)
    assert note_calls(music.engine)[0][:2] == ("on", 62) and notes_off(music.engine) == [(62, "piano")]


def test_a_keyboard_pulled_out_mid_note_leaves_no_key_lit(music):
    music.midi.plug("Keyboard")
    music.midi.send("Keyboard", mido.Message("note_on", note=64, velocity=99))
    music.midi.flush()
    advance_frames(1)
    assert studio_lit(music) == {64: SOURCE_COLOURS[1]}
    music.midi.unplug("Keyboard")
    advance_frames(2)
    assert notes_off(music.engine) == [(64, "piano")]
    assert studio_lit(music) == {}


def test_keyboard_drums_on_channel_10_play_drums_over_the_scale_keys(music):
    music.midi.plug("Pads")
    music.midi.send("Pads", mido.Message("note_on", note=38, velocity=100, channel=9))
    music.midi.flush()
    assert notes_on(music.engine) == [(38, 100, DRUMS)]
    advance_frames(1)  # nothing on the screen breaks on a note it has no key for
    assert isinstance(music.studio.surface, ScaleKeys)


# --- playing along -----------------------------------------------------------------------


def record_a_take(studio, notes=(60,)):
    tap(studio.ids.record_button)
    for note in notes:
        touch_key(studio.surface, note)
    tap(studio.ids.stop_button)


def open_chooser(studio):
    tap(studio.ids.loop_button)
    advance_frames(2)
    assert studio.song_chooser is not None
    return studio.song_chooser


def test_the_loop_button_lists_the_takes_and_songs_and_loops_the_song_chosen(open_studio, window):
    music = open_studio(songs=MemoryLibrary({"song-1": ("Little song", SONG)}))
    studio = music.studio
    record_a_take(studio)
    chooser = open_chooser(studio)
    assert [(card.kind, card.text) for card in chooser.cards] == [("take", "Take 1"), ("song", "Little song")]
    before = len(music.engine.calls)
    tap(chooser.cards[1])
    assert studio.song_chooser is None and not popup_open(window)
    assert studio.looping and studio.status == "Playing along with Little song"
    assert studio.ids.loop_button.text == "Stop song"
    # Round and round: the song's two notes, again and again.
    frames_until(lambda: [note for note, _v, _i in notes_on(music.engine, before)].count(72) >= 3)
    assert [note for note, _v, _i in notes_on(music.engine, before)][:5] == [72, 76, 72, 76, 72]

    tap(studio.ids.loop_button)
    assert not studio.looping and studio.ids.loop_button.text == "Play along"
    assert not music.activity.player.is_playing and studio.song_chooser is None
    after = len(music.engine.calls)
    advance_frames(10)
    assert notes_on(music.engine, after) == [], "the song stopped"
    offs = notes_off(music.engine, before)
    assert sorted(offs) == sorted((note, i) for note, _v, i in notes_on(music.engine, before)), "nothing rings on"


def test_a_take_can_be_played_along_with(music):
    studio = music.studio
    record_a_take(studio, notes=(64, 67))
    take = music.activity.recorder.takes[0]
    chooser = open_chooser(studio)
    before = len(music.engine.calls)
    tap(chooser.cards[0])
    assert studio.looping and studio.status == "Playing along with Take 1"
    frames_until(lambda: len(note_calls(music.engine, before)) >= 2 * len(playing_back(take)))
    assert note_calls(music.engine, before)[: 2 * len(playing_back(take))] == 2 * playing_back(take)
    tap(studio.ids.loop_button)
    assert not studio.looping


def test_with_nothing_to_play_along_with_a_message_says_so(music, window):
    tap(music.studio.ids.loop_button)
    texts = open_popup_texts(window)
    assert "Nothing to play along with yet" in texts
    assert not [text for text in texts if "MIDI" in text or "portfolio" in text], "a child's words, not the therapist's"
    assert music.studio.song_chooser is None
    tap_popup_button(window, "OK")
    assert not popup_open(window)


def test_a_damaged_song_says_so_plainly_and_plays_nothing(open_studio, window):
    music = open_studio(songs=MemoryLibrary({"bad": ("Broken song", b"not midi")}))
    studio = music.studio
    chooser = open_chooser(studio)
    assert [(card.kind, card.text) for card in chooser.cards] == [("song", "Broken song")]
    tap(chooser.cards[0])
    texts = open_popup_texts(window)
    assert "This song can't be played" in texts and "This is not a MIDI file." in texts
    assert not studio.looping and studio.ids.loop_button.text == "Play along"
    advance_frames(5)
    assert note_calls(music.engine) == []
    tap_popup_button(window, "OK")
    assert not popup_open(window)


def song_notes_since(engine, before):
    return [note for note, _v, _i in notes_on(engine, before) if note in (72, 76)]


@pytest.mark.parametrize("loop_first", [True, False], ids=["record-over-a-loop", "loop-while-recording"])
def test_recording_over_a_play_along_keeps_only_what_was_played_and_the_loop_goes_on(open_studio, loop_first):
    music = open_studio(songs=MemoryLibrary({"song-1": ("Little song", SONG)}))
    studio = music.studio
    if loop_first:
        tap(open_chooser(studio).cards[0])
        tap(studio.ids.record_button)
    else:
        tap(studio.ids.record_button)
        tap(open_chooser(studio).cards[0])
    assert studio.looping and studio.recording
    frames_until(lambda: song_notes_since(music.engine, 0))
    touch_key(studio.surface, 62)
    tap(studio.ids.stop_button)
    (take,) = music.activity.recorder.takes
    assert [(n.note, n.source) for n in take.notes()] == [(62, "screen")], "the loop is not recorded"
    # Stop ends the recording; the play-along goes on until its own button stops it.
    assert studio.looping and studio.ids.loop_button.text == "Stop song"
    before = len(music.engine.calls)
    frames_until(lambda: song_notes_since(music.engine, before))
    tap(studio.ids.loop_button)
    assert not studio.looping and not music.activity.player.is_playing
    assert studio.status == "1 recording kept."


def test_pausing_the_app_while_listening_leaves_the_studio_showing_what_plays(music):
    studio = music.studio
    tap(studio.ids.record_button)
    finger = finger_on(studio.surface, 60)
    advance_frames(60)
    finger.touch_up()
    tap(studio.ids.stop_button)
    tap(studio.ids.play_button, frames=0)
    frames_until(lambda: notes_on(music.engine)[1:])
    music.activity.pause()
    music.activity.resume()
    advance_frames(2)
    assert studio.playing == music.activity.player.is_playing
    assert not studio.ids.play_button.disabled or music.activity.player.is_playing


# --- the viewer of a saved recording -----------------------------------------------------


@pytest.fixture
def show_viewer(window):
    shown = []

    def opener(files, media):
        recording = ArtifactDraft(kind="recording", files=files, product="music.wav", thumbnail="thumbnail.png",
                                  process="music.mid")
        artifact = ArtifactView.of_draft(recording, "music")
        viewer = MusicActivity.viewer(artifact, media=media)
        window.add_widget(viewer)
        advance_frames(2)
        shown.append(viewer)
        return viewer

    yield opener
    for viewer in shown:
        viewer.stop()
        window.remove_widget(viewer)
    advance_frames(1)


def saved_files():
    """The files Done saves for a take of three notes."""
    music = make_activity()
    activity = music.activity
    activity.start()
    activity.record()
    for note, velocity in ((60, 100), (64, 70), (67, 110)):
        activity.press(note, velocity)
        activity.release(note)
    activity.stop()
    (draft,) = activity.finish()
    music.media.close()
    return draft.files, activity.recorder.takes[0]


def test_the_viewer_shows_the_roll_and_listen_plays_the_midi(show_viewer):
    files, _take = saved_files()
    media = FakeMedia()
    viewer = show_viewer(files, media)
    assert viewer.texture is not None and tuple(viewer.texture.size) == ROLL_SIZE
    assert viewer.can_play and viewer.problem == "" and not viewer.ids.listen.disabled
    tap(viewer.ids.listen, frames=0)
    assert viewer.playing and viewer.ids.listen.text == "Stop"
    frames_until(lambda: not viewer.playing)
    assert [call for call in note_calls(media.engine) if call[0] == "on"] == [
        ("on", 60, 100, "piano"), ("on", 64, 70, "piano"), ("on", 67, 110, "piano")
    ]
    # Exactly the saved MIDI file's notes (times to its ticks: presses and releases that
    # close together fall on one tick there).
    assert note_calls(media.engine) == playing_back(read_midi(files["music.mid"]))
    assert viewer.progress == 0.0 and viewer.ids.listen.text == "Listen"


def test_the_viewer_of_a_damaged_midi_file_says_so_and_plays_nothing(show_viewer):
    files, _take = saved_files()
    files = {**files, "music.mid": b"not midi"}
    media = FakeMedia()
    viewer = show_viewer(files, media)
    assert viewer.problem == "This is not a MIDI file."
    assert viewer.texture is not None, "the roll is still shown"
    assert not viewer.can_play and viewer.ids.listen.disabled
    tap(viewer.ids.listen)
    viewer.play()
    advance_frames(3)
    assert not viewer.playing and note_calls(media.engine) == []


def test_the_viewer_without_sound_offers_no_listen(show_viewer):
    files, _take = saved_files()
    viewer = show_viewer(files, None)
    assert viewer.texture is not None and not viewer.can_play and viewer.ids.listen.disabled


# --- fitting every tablet ------------------------------------------------------------------


def cut_words(root):
    """The texts of labels under `root` that do not fit their label: wrapped past their
    `max_lines` (Kivy then ends them with "..."), or wider or taller than the label."""
    from kivy.core.text import Label as CoreLabel
    from kivy.uix.label import Label

    cut = []
    for label in root.walk():
        if not isinstance(label, Label) or not label.text or label.opacity == 0 or label.font_name == "Icons":
            continue
        label.texture_update()
        if label.max_lines and label.text_size[0]:
            whole = CoreLabel(text=label.text, font_size=label.font_size, font_name=label.font_name, bold=label.bold,
                              text_size=(label.text_size[0], None), markup=label.markup)
            whole.refresh()
            if len(whole._cached_lines) > label.max_lines:
                cut.append(label.text)
                continue
        if label.texture_size[0] > label.width + 1 or label.texture_size[1] > label.height + 1:
            cut.append(label.text)
    return cut


def shown(widget):
    """Not hidden by itself or by a row around it (see-through, or of no height)."""
    while widget is not None and widget.parent is not widget:  # the window is its own parent
        if widget.opacity == 0 or widget.height == 0:
            return False
        widget = widget.parent
    return True


def targets(root):
    return [widget for widget in root.walk() if isinstance(widget, ButtonBehavior) and shown(widget)]


def fit_studio(music, width, height):
    music.studio.size_hint = (None, None)
    music.studio.size = (width, height)
    advance_frames(3)


@pytest.mark.parametrize("language", ["en", "en_XA"])
def test_no_words_are_cut_on_a_narrow_studio_not_even_a_long_status(open_studio, language):
    from expressive import i18n

    i18n.set_language(language)
    try:
        music = open_studio()
        studio = music.studio
        fit_studio(music, 600, 900)
        tap(studio.ids.record_button)
        finger_on(studio.surface, 60).touch_up()
        tap(studio.ids.stop_button)
        studio.status = i18n._("Press Record to keep what you play.") + " " + i18n._("Nothing was played, so nothing was kept.")
        advance_frames(2)
        assert studio.ids.record_button.text == i18n._("Record again")
        assert cut_words(studio) == []
        status = studio.ids.status
        assert status.y >= studio.y and status.top <= studio.top, "the status line is inside the studio"
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("complexity, least", [("simple", 64), ("standard", 48)])
def test_every_control_is_big_enough_for_the_level_and_has_a_name(open_studio, complexity, least):
    from kivy.metrics import dp

    music = open_studio(complexity)
    fit_studio(music, 800, 1100)
    for target in targets(music.studio):
        assert target.width >= dp(least) and target.height >= dp(least), getattr(target, "text", target)
        assert getattr(target, "text", "") or getattr(target, "accessible_name", ""), target
    for key in music.studio.surface.keys:
        assert key.accessible_name, "a screen reader can say each key"


def test_the_song_chooser_fits_an_upright_tablet(open_studio, window):
    music = open_studio()
    studio = music.studio
    for _round in range(6):
        tap(studio.ids.record_button)
        finger_on(studio.surface, 60).touch_up()
        tap(studio.ids.stop_button)
    studio.open_song_chooser()
    advance_frames(2)
    chooser = studio.song_chooser
    chooser.size = (560, 500)
    advance_frames(3)
    grid = chooser.ids.choices
    for card in chooser.cards:
        assert grid.x <= card.x and card.right <= grid.right + 1, "every card within the chooser's width"
