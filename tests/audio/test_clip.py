"""A clip (a film's sound) played by every engine: the mixer on a channel of its own beside
the notes, the silent and fake engines on a clock alone; and the host's media services
that lend the microphone and the cameras."""

import time

import numpy as np
import pytest

from expressive.audio import FakeAudioEngine, MixerEngine, SilentEngine
from expressive.audio.microphone import FakeMicrophone, NoMicrophone
from expressive.camera import NO_CAMERA, PatternSource
from expressive.media import MediaServices

SECOND = np.zeros((44100, 2), dtype=np.int16)


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.005)


def test_the_mixer_plays_a_clip_on_its_own_channel_beside_the_notes(synth_engine):
    assert isinstance(synth_engine, MixerEngine)
    synth_engine.play_clip(SECOND, start_seconds=0.25)
    synth_engine.note_on(60, 100, "piano")
    assert synth_engine._clip_channel.get_busy()
    assert len(synth_engine.sounding_voices()) == 1
    assert 0.25 <= synth_engine.clip_position() < 1.0
    synth_engine.stop_clip()
    assert synth_engine.clip_position() is None and not synth_engine._clip_channel.get_busy()
    synth_engine.all_notes_off()


def test_the_mixer_plays_mono_and_tells_when_the_clip_has_ended(synth_engine):
    synth_engine.play_clip(SECOND[:441, 0])
    wait_until(lambda: synth_engine.clip_position() is None)
    synth_engine.play_clip(SECOND, start_seconds=5.0)  # past its end: nothing to play
    assert synth_engine.clip_position() is None


def test_a_silent_engine_still_moves_through_a_clip_in_time():
    engine = SilentEngine("No sound here.")
    engine.play_clip(SECOND, 0.5)
    first = engine.clip_position()
    wait_until(lambda: engine.clip_position() is None or engine.clip_position() > first)
    assert 0.5 <= first < 1.0
    engine.stop_clip()
    assert engine.clip_position() is None
    engine.close()


def test_the_fake_engine_records_clips_and_keeps_their_time():
    engine = FakeAudioEngine()
    engine.play_clip(SECOND, 0.25)
    assert engine.clip_position() >= 0.25
    engine.stop_clip()
    assert engine.clip_position() is None
    (_, played, (frames, start)), (_, stopped, _args) = engine.calls
    assert (played, start, stopped) == ("play_clip", 0.25, "stop_clip") and frames is SECOND


@pytest.mark.parametrize("wrong", [SECOND.astype(np.float32), np.zeros((10, 3), dtype=np.int16)])
def test_a_clip_that_is_not_int16_stereo_or_mono_is_a_mistake(wrong):
    with pytest.raises(ValueError):
        FakeAudioEngine().play_clip(wrong)


def test_the_host_lends_one_microphone_and_closes_it():
    media = MediaServices(sound="silent", midi="fake", microphone="fake")
    microphone = media.microphone()
    assert isinstance(microphone, FakeMicrophone) and media.microphone() is microphone
    microphone.start()
    media.close()
    assert not microphone.recording
    assert isinstance(MediaServices(microphone="none").microphone(), NoMicrophone)


def test_the_host_lends_the_test_pattern_as_two_cameras_or_says_there_is_none():
    pattern = MediaServices(camera="pattern")
    assert pattern.camera_count() == 2
    for facing in ("back", "front"):
        source = pattern.open_camera(facing)
        assert isinstance(source, PatternSource) and source.real_time and source.problem is None
        source.close()
    nothing = MediaServices(camera="none")
    assert nothing.camera_count() == 0
    assert nothing.open_camera("front").problem == NO_CAMERA


def test_the_host_looks_for_cameras_once(monkeypatch):
    from expressive.camera import CameraInfo

    looked: list[int] = []

    def two_cameras():
        looked.append(1)
        return [CameraInfo(0, "back"), CameraInfo(3, "front")]

    opened: list[dict] = []
    monkeypatch.setattr("expressive.camera.list_cameras", two_cameras)
    monkeypatch.setattr("expressive.camera.open_frame_source", lambda kind, **options: opened.append(options))
    media = MediaServices()
    assert media.camera_count() == 2
    media.open_camera("back")
    media.open_camera("front")
    assert opened == [{"index": 0}, {"index": 3}] and looked == [1]


def test_the_music_plays_though_first_asked_for_while_the_microphone_records():
    # The mixer cannot open while SDL's microphone records, so the host opens it first.
    media = MediaServices(sound="synth", midi="fake", microphone="auto")
    microphone = media.microphone()
    microphone.start()
    try:
        assert isinstance(media.audio(), MixerEngine)
    finally:
        media.close()
