"""The puppet stage driven by real touches in a (virtual) window, with the fake microphone:
a backdrop and two puppets chosen, a take in which two fingers move both puppets at once
while the voice is recorded, and the film it becomes."""

import io
import json
import logging

import cv2
import numpy as np
import pytest
from PIL import Image
from expressive.tools.driver import Finger, advance_frames, tap

from expressive.activities.stage.activity import StageActivity, rerender
from expressive.activities.stage.viewer import DamagedShow
from expressive.activity import Host, MemoryDrafts, MemoryLibrary
from expressive.api import ArtifactView
from expressive.api.microphone import FAKE_VOICE_WAV, MICROPHONE_LOST, NO_MICROPHONE, FakeMicrophone, read_wav
from expressive.lib.film.parts import title_frame_count
from expressive.media import MediaServices
from tests_support import StoppedClock


def new_activity(microphone="fake", pictures=None):
    media = MediaServices(sound="silent", midi="fake", camera="none", microphone=microphone)
    host = Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.stage"), media=media,
                pictures=pictures or MemoryLibrary({}))
    return StageActivity(host)


def on_stage(studio, x, y):
    """The window point of stage point (x, y)."""
    stage = studio.stage
    return stage.x + x * stage.scale, stage.top - y * stage.scale


def voice_spectrum(samples):
    """The magnitude spectrum of the first second, normalised, up to 2 kHz (the voice's harmonics)."""
    second = samples[:44100].astype(np.float64)
    magnitude = np.abs(np.fft.rfft(second * np.hanning(len(second))))[:2000]
    return magnitude / np.linalg.norm(magnitude)


@pytest.fixture
def studio(window):
    activity = new_activity()
    studio = activity.build()
    window.add_widget(studio)
    activity.start()
    studio.clock = StoppedClock()
    advance_frames(3)
    yield studio
    activity.pause()
    for popup in (studio.picture_chooser, studio.film_popup):
        if popup is not None:
            popup.dismiss(animation=False)
    window.remove_widget(studio)
    advance_frames(1)


def test_a_show_with_two_fingers_and_a_voice_becomes_a_film_that_can_be_drawn_again(window, studio, tmp_path):
    activity = studio.activity
    tap(next(button for button in studio.backdrop_buttons if button.value == "forest"))
    assert activity.backdrop_id == "forest"
    tap(next(button for button in studio.category_buttons if button.value == "animals"))
    tap(studio.shelf_cells[0])
    tap(studio.shelf_cells[1])
    assert [puppet.figure for puppet in studio.cast] == [studio.shelf_cells[0].figure.key, studio.shelf_cells[1].figure.key]
    assert studio.shelf_cells[0].selected and studio.shelf_cells[1].selected

    # 3, 2, 1 (the studio's clock moved by hand), then the take: the microphone records.
    tap(studio.ids.start_button)
    assert studio.phase == "countdown" and studio.countdown == 3
    studio.clock.now += 3.05
    advance_frames(2)
    assert studio.phase == "recording" and studio.ids.meter.opacity == 1
    assert studio.microphone.wait_for_seconds(1.0)

    # Two fingers, one on each puppet, move together: the first right, the second up.
    (x0, y0), (x1, y1) = studio.places
    first, second = Finger(*on_stage(studio, x0, y0)), Finger(*on_stage(studio, x1, y1))
    first.touch_down()
    second.touch_down()
    for step in range(1, 11):
        studio.clock.now += 0.1
        first.touch_move(*on_stage(studio, x0 + 30 * step, y0))
        second.touch_move(*on_stage(studio, x1, y1 - 20 * step))
    first.touch_up()
    second.touch_up()
    studio.clock.now += 0.5
    tap(studio.ids.stop_button)
    assert studio.phase == "setup" and studio.has_take

    log = activity.take.log
    moves = [event for event in log.events if event["type"] == "move"]
    assert {event["puppet"] for event in moves} == {0, 1} and len(moves) == 20
    end = log.state_at(None)
    assert (end[0].x, end[0].y) == (pytest.approx(x0 + 300, abs=2), pytest.approx(y0, abs=2))
    assert (end[1].x, end[1].y) == (pytest.approx(x1, abs=2), pytest.approx(y1 - 200, abs=2))
    assert activity.take.seconds == pytest.approx(1.5)

    # Watch it: the take played as its film.
    tap(studio.ids.watch_button)
    assert studio.film_popup.parent is not None and len(studio.film_popup.player.film.frame_names) == 18
    studio.film_popup.dismiss(animation=False)
    advance_frames(1)

    # Kept: the film decodes to the title card and a frame each twelfth of a second.
    draft = activity.finish()[0]
    assert draft.problems() == [] and draft.kind == "puppet-play" and draft.metadata["shows_people"] is False
    record = json.loads(draft.files["film.json"])
    assert len(record["frames"]) == 18 and record["fps"] == 12 and record["extra"]["backdrop"] == "forest"
    video = tmp_path / "play.mp4"
    video.write_bytes(draft.files["film.mp4"])
    capture = cv2.VideoCapture(str(video))
    count = 0
    while capture.read()[0]:
        count += 1
    capture.release()
    assert count == title_frame_count(12) + 18

    # The log draws the same frames again.
    again = rerender(ArtifactView.of_draft(draft, "stage"))
    saved = [cv2.imdecode(np.frombuffer(draft.files[name], np.uint8), cv2.IMREAD_COLOR) for name in record["frames"]]
    redrawn = [cv2.imdecode(np.frombuffer(frame, np.uint8), cv2.IMREAD_COLOR) for frame in again]
    assert max(np.abs(a.astype(int) - b.astype(int)).mean() for a, b in zip(saved, redrawn)) < 1.0
    assert len({frame.tobytes() for frame in saved}) > 5  # the puppets moved

    # The voice is the fake microphone's: the same harmonics.
    sound, rate = read_wav(draft.files["sound.wav"])
    voice, _rate = read_wav(FAKE_VOICE_WAV)
    assert rate == 44100 and len(sound) >= rate
    assert float(np.dot(voice_spectrum(sound), voice_spectrum(voice))) > 0.95


def test_a_damaged_show_record_is_said_plainly_and_the_film_still_plays(window):
    (draft,) = StageActivity.demo_drafts(0)
    record = json.loads(draft.files["film.json"])
    record["extra"]["show"]["events"][3]["type"] = "vanish"
    draft.files["film.json"] = json.dumps(record).encode("utf-8")
    viewer = StageActivity.viewer(ArtifactView.of_draft(draft, "stage"), media=MediaServices(sound="silent"))
    assert isinstance(viewer, DamagedShow)
    assert "damaged" in viewer.message
    viewer.stop()


def drawing_png():
    drawing = Image.new("RGB", (400, 300), "white")
    drawing.paste((30, 90, 200), (120, 80, 280, 220))
    buffer = io.BytesIO()
    drawing.save(buffer, "PNG")
    return buffer.getvalue()


def test_my_drawing_as_backdrop_and_puppet_and_no_microphone_a_silent_take_that_says_so(window):
    activity = new_activity(microphone="none", pictures=MemoryLibrary({"pic-1": ("My castle", drawing_png())}))
    studio = activity.build()
    window.add_widget(studio)
    studio.clock = StoppedClock()
    advance_frames(2)
    tap(next(button for button in studio.backdrop_buttons if button.value == "drawing"))
    tap(studio.picture_chooser.cards[0])
    assert activity.backdrop_id == "drawing" and activity.backdrop.getpixel((640, 360)) == (30, 90, 200)
    tap(next(button for button in studio.category_buttons if button.value == "own"))
    tap(studio.ids.shelf.children[-1])  # Use my drawing
    tap(studio.picture_chooser.cards[0])
    assert [(puppet.figure, puppet.source) for puppet in studio.cast] == [("cutout:pic-1", "drawing")]

    tap(studio.ids.start_button)
    studio.clock.now += 3.05
    advance_frames(2)
    assert studio.phase == "recording" and studio.message == NO_MICROPHONE
    studio.clock.now += 1.0
    tap(studio.ids.stop_button)
    draft = activity.finish()[0]
    assert {"backdrop.png", "puppet-1.png"} <= set(draft.files) and "sound.wav" not in draft.files
    assert json.loads(draft.files["film.json"])["sound"] is None
    window.remove_widget(studio)
    advance_frames(1)


def test_a_microphone_lost_mid_take_ends_it_keeping_what_was_recorded(window):
    activity = new_activity()
    activity.host.media._microphone = FakeMicrophone(real_time=False, lose_after=0.5)
    studio = activity.build()
    window.add_widget(studio)
    studio.clock = StoppedClock()
    advance_frames(2)
    tap(studio.shelf_cells[0])
    tap(studio.ids.start_button)
    studio.clock.now += 3.05
    advance_frames(2)
    studio.microphone.wait_for_seconds(1.0)
    studio.clock.now += 2.0
    advance_frames(2)
    assert studio.phase == "setup" and studio.message == MICROPHONE_LOST
    sound, rate = read_wav(activity.finish()[0].files["sound.wav"])
    assert len(sound) >= 0.5 * rate
    window.remove_widget(studio)
    advance_frames(1)
