"""A music session in the real app: the client plays on screen and on a MIDI keyboard,
records, and the take reaches the portfolio, where it plays back."""

import io
import wave

import mido
import pytest
from kivy.tests.common import UnitTestTouch

from expressive.media import MediaServices
from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, start_app, stop_app, tap
from tests_support import PIN, cheap_protect, screen


@pytest.fixture
def app(window, portfolio_dir, monkeypatch):
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")  # the real mixer, with no sound card
    cheap_protect(portfolio_dir, PIN)
    running = start_app(Portfolio.open(portfolio_dir, passphrase=PIN), media=MediaServices(sound="synth", midi="fake"))
    yield running
    stop_app(running)


def press(surface, index, hold=False):
    x, y, width, height = surface._box(surface.keys[index])
    touch = UnitTestTouch(x + width / 2, y + height / 2)
    touch.touch_down()
    advance_frames(1)
    if not hold:
        touch.touch_up()
        advance_frames(1)
    return touch


def test_a_take_played_on_screen_and_on_a_keyboard_is_saved_and_plays_back(app):
    client = app.store.add_client("Robin")
    app.open_client(client)
    app.begin_session(app.plans[0], "Play how the week felt", 3)
    tap(next(tile for tile in screen(app, "launcher").ids.tiles.children if tile.activity_id == "music"))
    advance_frames(2)
    activity_screen = screen(app, "activity")
    studio = activity_screen.ids.area.children[0]
    assert studio.activity.engine.name == "Built-in synthesiser" and studio.activity.engine.problem is None
    midi = app.media.midi()
    midi.plug("Therapist keyboard")
    advance_frames(2)
    assert "Therapist keyboard" in studio.devices_text

    tap(studio.ids.record_button)
    scale_notes = [key.note for key in studio.surface.keys]
    press(studio.surface, 0)
    press(studio.surface, 4)
    midi.send("Therapist keyboard", mido.Message("note_on", note=72, velocity=100))
    midi.send("Therapist keyboard", mido.Message("note_off", note=72))
    midi.flush()
    tap(studio.ids.stop_button)
    assert studio.take_count == 1

    tap(activity_screen.ids.done)
    (saved,) = app.store.artifacts(client.id, app.running.session.id)
    assert (saved.activity, saved.kind, saved.product, saved.process) == ("music", "music", "music.wav", "music.mid")
    song = mido.MidiFile(file=io.BytesIO(app.store.read_file(saved, "music.mid")))
    played = {(track.name, message.note) for track in song.tracks for message in track if message.type == "note_on" and message.velocity}
    assert played == {("screen", scale_notes[0]), ("screen", scale_notes[4]), ("Therapist keyboard", 72)}
    with wave.open(io.BytesIO(app.store.read_file(saved, "music.wav"))) as sound:
        assert sound.getnchannels() == 1 and sound.getnframes() > 0

    app.client_mode = False
    app.go("artifact", artifact=saved)
    advance_frames(2)
    viewer = screen(app, "artifact").viewer
    assert viewer.can_play
    tap(viewer.ids.listen)
    assert viewer.playing
    app.go("portfolio")  # leaving the artifact stops the playing
    advance_frames(2)
    assert not viewer.playing
