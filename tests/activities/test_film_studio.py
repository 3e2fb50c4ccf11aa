"""The film studio driven by real touches in a (virtual) window, with the moving test
pattern as its camera and the fake microphone: a 30-frame film with the client's voice."""

import io
import json
import logging

import cv2
import numpy as np
import pytest
from kivy.uix.modalview import ModalView
from PIL import Image
from expressive.tools.driver import Finger, advance_frames, tap, type_into

from expressive.activities.film.activity import FilmActivity
from expressive.activities.film.studio import NO_CAMERA_HERE
from expressive.api import ArtifactView
from expressive.api.widgets import FilmPlayer
from expressive.activity import PICTURE_MAKER, Host, MemoryDrafts, MemoryLibrary, Services
from expressive.api.microphone import FAKE_VOICE_WAV, NO_MICROPHONE, FakeMicrophone, read_wav
from expressive.lib.film.parts import title_frame_count
from expressive.media import MediaServices
from music_helpers import song_bytes
from tests_support import StoppedClock


def new_activity(microphone="fake", drafts=None, songs=None, camera="pattern", services=None, complexity="standard"):
    media = MediaServices(sound="silent", midi="fake", camera=camera, microphone=microphone)
    host = Host(drafts=drafts or MemoryDrafts(), logger=logging.getLogger("test.film"), media=media,
                settings={"complexity": complexity},
                songs=songs or MemoryLibrary({}), **({"services": services} if services else {}))
    return FilmActivity(host)


@pytest.fixture
def opened(window):
    """Open an activity's studio in the window, started as the host starts it; closed after."""
    shown = []

    def open_studio(activity):
        studio = activity.build()
        window.add_widget(studio)
        activity.start()
        studio.clock = StoppedClock()
        advance_frames(3)
        shown.append((activity, studio))
        return studio

    yield open_studio
    for activity, studio in shown:
        activity.pause()
        window.remove_widget(studio)
    advance_frames(1)


def take_frames(studio, count):
    # Each frame drawn brings a new picture from the pattern camera (30 a second).
    for _ in range(count):
        tap(studio.ids.take_button, frames=0)
    advance_frames(1)


def choose_frame(studio, index):
    """A finger on frame `index` in the strip, scrolled into view first (the strip is a
    recycled view, which the driver's tap cannot scroll)."""
    strip = studio.ids.strip
    strip.scroll_x = index / max(1, studio.frame_count - 1)
    advance_frames(1)
    thumb = next(widget for widget in strip.children[0].children if widget.index == index)
    finger = Finger(*thumb.to_window(*thumb.center))
    finger.touch_down()
    finger.touch_up()
    assert studio.reel.chosen == index


def peak_hz(samples, rate):
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64) * np.hanning(len(samples))))
    return np.argmax(spectrum) * rate / len(samples)


def test_a_film_of_thirty_camera_frames_with_a_voice(window, opened, tmp_path):
    activity = new_activity()
    studio = opened(activity)
    assert studio.camera_on and studio.message == ""

    take_frames(studio, 30)
    reel = activity.reel
    assert len(reel) == 30 and reel.chosen == 29
    assert len({reel.picture(number) for number in reel.frames}) > 20
    assert studio.ids.stage.texture.size == (640, 480)
    assert 29 in {thumb.index for thumb in studio.ids.strip.children[0].children}  # the strip follows the newest

    # Copy the sixth, take out the tenth, move the third one later.
    choose_frame(studio, 5)
    tap(studio.ids.copy_button, frames=0)
    assert len(reel) == 31 and reel.frames[5] == reel.frames[6]
    choose_frame(studio, 9)
    taken_out = reel.frames[9]
    tap(studio.ids.take_out_button, frames=0)
    assert len(reel) == 30 and taken_out not in reel.frames
    choose_frame(studio, 2)
    third = reel.frames[2]
    tap(studio.ids.later_button, frames=0)
    assert reel.frames[3] == third and reel.chosen == 3
    tap(next(button for button in studio.speed_buttons if button.value == "12"), frames=0)
    assert reel.fps == 12

    # Record my voice: 3-2-1 (the studio's clock moved by hand), then the microphone hears
    # the film until Stop.
    tap(studio.ids.voice_button)
    assert studio.mode == "countdown" and studio.ids.stage.countdown == 3
    studio.clock.now += 3.05
    advance_frames(2)
    assert studio.mode == "recording" and studio.meter.parent is not None
    assert studio.microphone.wait_for_seconds(1.0)
    tap(studio.ids.voice_button)
    assert studio.mode == "making" and reel.sound_source == "voice" and studio.meter.parent is None
    tap(studio.ids.play_button, frames=0)
    assert studio.mode == "playing" and studio.activity.host.media.audio().clip_position() is not None
    tap(studio.ids.play_button, frames=0)
    assert studio.mode == "making" and studio.activity.host.media.audio().clip_position() is None

    # What a kill would keep comes back as the same reel.
    again = new_activity(drafts=activity.host.drafts)
    again.restore(activity.snapshot())
    assert again.reel.to_json() == reel.to_json() and again.reel.sound == reel.sound
    activity.restore(activity.snapshot())  # and into the studio on the screen
    reel = activity.reel
    assert studio.reel is reel and studio.frame_count == 30 and studio.chosen == reel.chosen

    draft = activity.finish()[0]
    assert draft.problems() == [] and draft.metadata["shows_people"] is True
    process = json.loads(draft.files["film.json"])
    assert len(process["frames"]) == 30 and process["fps"] == 12 and process["extra"]["made"] == "camera"
    video = tmp_path / "film.mp4"
    video.write_bytes(draft.files["film.mp4"])
    capture = cv2.VideoCapture(str(video))
    sizes = []
    while True:
        ok, picture = capture.read()
        if not ok:
            break
        sizes.append(picture.shape[:2])
    capture.release()
    assert len(sizes) == title_frame_count(12) + 30 and set(sizes) == {(480, 640)}

    sound, rate = read_wav(draft.files["sound.wav"])
    voice, voice_rate = read_wav(FAKE_VOICE_WAV)
    assert 0.9 <= len(sound) / rate <= 30 / 12
    assert peak_hz(sound, rate) == pytest.approx(peak_hz(voice, voice_rate), abs=3)


def test_without_a_microphone_a_film_has_a_title_and_music_or_is_silent(window, opened):
    song = song_bytes([(60, 0.3), (64, 0.3), (67, 0.3)])
    activity = new_activity(microphone="none", songs=MemoryLibrary({"tune": ("My tune", song)}))
    studio = opened(activity)
    assert studio.message == NO_MICROPHONE and studio.ids.voice_button.disabled
    take_frames(studio, 3)
    tap(studio.ids.voice_button)
    assert studio.mode == "making"

    # Played in place, at its speed, until its last frame.
    tap(studio.ids.play_button, frames=0)
    assert studio.mode == "playing"
    studio.clock.now += 3 / studio.reel.fps
    advance_frames(1)
    assert studio.mode == "making"

    tap(studio.ids.title_button)
    type_into(studio.sheet.ids.words, "Walking")
    tap(studio.sheet.ids.keep, frames=0)
    assert studio.sheet is None and activity.reel.title == "Walking"

    draft = activity.finish()[0]
    assert json.loads(draft.files["film.json"])["sound"] is None and "sound.wav" not in draft.files
    assert json.loads(draft.files["film.json"])["title"] == "Walking"

    tap(studio.ids.music_button)
    tap(next(widget for widget in studio.sheet.walk() if getattr(widget, "text", None) == "My tune"), frames=0)
    assert activity.reel.sound_source == "music"
    samples, _rate = read_wav(activity.reel.sound)
    assert len(samples) > 0
    tap(studio.ids.silent_button, frames=0)
    assert activity.reel.sound is None


def test_a_microphone_or_camera_lost_mid_take_keeps_what_was_made(window, opened):
    activity = new_activity()
    studio = opened(activity)
    take_frames(studio, 6)  # 0.75 s at 8 frames a second
    studio.microphone = FakeMicrophone(real_time=False, lose_after=0.5)
    tap(studio.ids.voice_button, frames=0)
    studio.clock.now += 3.05
    advance_frames(1)
    assert studio.microphone.wait_for_seconds(1.0) is False
    advance_frames(1)
    assert studio.mode == "making" and studio.message == studio.microphone.lost
    samples, rate = read_wav(activity.reel.sound)
    assert len(samples) == pytest.approx(0.5 * rate, abs=1)

    studio.frames.stop()  # the camera's device gone: its stream ends
    advance_frames(1)
    assert not studio.camera_on and studio.ids.take_button.disabled and "camera stopped" in studio.message
    assert len(activity.reel) == 6 and not studio.ids.draw_button.disabled


def test_without_a_camera_frames_are_drawn_each_on_the_last_at_one_speed(window, opened):
    asked = []

    def make_picture(host, on_picture, *, title, max_size, paper=None):
        asked.append((title, max_size, paper))
        on_picture(png_of(len(asked)))
        popup = ModalView()
        popup.open(animation=False)
        return popup

    activity = new_activity(camera="none", services=Services(lambda: {PICTURE_MAKER: make_picture}), complexity="simple")
    studio = opened(activity)
    assert studio.speed_buttons == [] and activity.reel.fps == 6
    assert studio.message == NO_CAMERA_HERE and studio.ids.take_button.disabled
    assert studio.ids.draw_next_button.disabled
    tap(studio.ids.draw_button)
    studio.drawing_popup.dismiss(animation=False)
    tap(studio.ids.draw_next_button)
    studio.drawing_popup.dismiss(animation=False)
    reel = activity.reel
    assert asked[0] == ("Draw a frame", (640, 480), None)
    assert asked[1][0] == "Draw the next frame" and asked[1][2] == reel.picture(reel.frames[0])
    assert len(reel) == 2 and reel.made == "drawn"
    assert studio.ids.stage.texture.size == (640, 480)
    draft = activity.finish()[0]
    assert draft.metadata["shows_people"] is False and json.loads(draft.files["film.json"])["extra"]["made"] == "drawn"

    # In the portfolio: the widget kit's film player, with the activity's sound output.
    viewer = FilmActivity.viewer(ArtifactView.of_draft(draft, "film"), media=activity.host.media)
    assert isinstance(viewer, FilmPlayer) and viewer.film.fps == activity.reel.fps
    viewer.stop()


def png_of(shade):
    picture = io.BytesIO()
    Image.new("RGBA", (320, 240), (shade * 60, 90, 200, 255)).save(picture, "PNG")
    return picture.getvalue()


def test_with_neither_camera_nor_microphone_both_are_said(window, opened):
    studio = opened(new_activity(camera="none", microphone="none"))
    assert studio.message == f"{NO_CAMERA_HERE}\n{NO_MICROPHONE}"
