"""The movement pipeline end to end, on generated clips with known motion: what the client
sees (mirrored), hears (zones in order, notes in the scale) and what is kept."""

import io
import json

import mido
import pytest
from PIL import Image

from expressive.activities.movement.clips import MovingShapeClip
from expressive.activities.movement.pipeline import MovementPipeline, MovementSettings
from expressive.lib.music.scales import SCALES
from expressive.audio import FakeAudioEngine


def run(pipeline, clip, *, calibrate=True):
    if calibrate:
        pipeline.analyzer.calibrate(list(clip.empty_frames(10)))
    for frame in clip.frames():
        pipeline.step(frame)
    return pipeline


def first_note_times(engine):
    """The time each note first started, in the order they started."""
    started = {}
    for moment, call, args in engine.calls:
        if call == "note_on":
            started.setdefault(args[0], moment)
    return list(started)


def test_a_client_crossing_from_their_left_to_their_right_plays_the_zones_in_that_order():
    # A mirror view: a client moving to their right moves right to left in the camera's picture.
    clip = MovingShapeClip(seconds=5, fps=20, direction="right-to-left")
    engine = FakeAudioEngine()
    pipeline = run(MovementPipeline(engine, MovementSettings(zone_count=5)), clip)
    zone_notes = [zone.notes[0] for zone in pipeline.zones]
    assert zone_notes == sorted(zone_notes), "the lowest note is on the client's left"
    played = first_note_times(engine)
    assert played == [note for note in zone_notes if note in played] and len(played) >= 4
    centroids = [features.centroid[0] for features in pipeline.record.features if features.centroid]
    assert centroids[0] > 0.6 and centroids[-1] < 0.4, "in the camera's picture the middle moves right to left"


@pytest.mark.parametrize("scale", sorted(SCALES))
def test_every_note_the_movement_plays_is_in_the_scale_in_both_modes(scale):
    for sound in ("zones", "continuous"):
        engine = FakeAudioEngine()
        run(MovementPipeline(engine, MovementSettings(sound=sound, scale=scale)), MovingShapeClip(seconds=3, fps=15))
        notes = {args[0] for _moment, call, args in engine.calls if call == "note_on"}
        assert notes, f"{sound} played nothing"
        assert {(note - 60) % 12 for note in notes} <= set(SCALES[scale])


def test_quiet_plays_nothing_but_still_keeps_the_movement():
    engine = FakeAudioEngine()
    pipeline = run(MovementPipeline(engine, MovementSettings(sound="silent")), MovingShapeClip(seconds=3, fps=15))
    assert not [call for _moment, call, _args in engine.calls if call == "note_on"]
    assert pipeline.record.summary()["moving_share"] > 0.5


def test_the_artifact_keeps_painting_features_plot_and_music_but_no_video_by_default():
    pipeline = run(MovementPipeline(FakeAudioEngine()), MovingShapeClip(seconds=3, fps=15))
    draft = pipeline.finish()
    assert draft.problems() == []
    assert set(draft.files) == {"movement.png", "thumbnail.png", "features.json", "features.png", "trails.json", "music.mid"}
    assert (draft.kind, draft.product, draft.process) == ("movement", "movement.png", "features.json")
    painting = Image.open(io.BytesIO(draft.files["movement.png"]))
    assert painting.size == (640, 480) and len(painting.getcolors(640 * 480) or []) > 2
    record = json.loads(draft.files["features.json"])
    assert record["format"] == "expressive-movement-features" and record["features"]
    song = mido.MidiFile(file=io.BytesIO(draft.files["music.mid"]))
    notes = [message for track in song.tracks for message in track if message.type == "note_on" and message.velocity]
    assert len(notes) == draft.metadata["notes"] > 0


def test_raw_video_is_kept_only_when_allowed_and_only_up_to_its_limit():
    clip = MovingShapeClip(seconds=3, fps=20)
    draft = run(MovementPipeline(None, video_seconds=1), clip).finish()
    assert draft.files["video.avi"].startswith(b"RIFF") and draft.metadata["video_seconds"] == pytest.approx(1, abs=0.1)
    assert "video.avi" not in run(MovementPipeline(None), clip).finish().files


def test_what_the_client_sees_is_mirrored_and_the_body_shape_shows_nothing_of_the_room():
    clip = MovingShapeClip(seconds=2, fps=15, direction="left-to-right")
    pipeline = run(MovementPipeline(None, MovementSettings(view="mirror")), clip)
    last = list(clip.frames())[-1].image
    mirror = pipeline.view()
    assert (mirror[:, ::-1, ::-1] == last).all(), "the mirror view is the camera's picture flipped, in RGB"
    pipeline.change(view="silhouette")
    shape = pipeline.view()
    assert len({tuple(pixel) for pixel in shape.reshape(-1, 3)}) <= 2, "one colour on plain paper"


def test_changing_the_sound_lets_go_of_sounding_notes():
    engine = FakeAudioEngine()
    pipeline = run(MovementPipeline(engine), MovingShapeClip(seconds=2, fps=15))
    pipeline.change(sound="continuous")
    started = [args[0] for _moment, call, args in engine.calls if call == "note_on"]
    stopped = [args[0] for _moment, call, args in engine.calls if call == "note_off"]
    assert sorted(started) == sorted(stopped)


def test_the_trails_are_kept_small_and_replay_where_the_body_moved():
    from expressive.activities.movement.trails import read_trails

    clip = MovingShapeClip(seconds=3, fps=20, direction="left-to-right")
    draft = run(MovementPipeline(None), clip).finish()
    frames = read_trails(draft.files["trails.json"])
    assert 25 <= len(frames) <= 31, "ten a second"
    assert len(draft.files["trails.json"]) < 60_000
    times = [t for t, _mask in frames]
    assert times == sorted(times)
    moving = [mask for _t, mask in frames if mask.any()]
    first_x = moving[0].nonzero()[1].mean()
    last_x = moving[-1].nonzero()[1].mean()
    assert first_x < last_x, "in the camera's picture the shape went left to right"


def test_a_live_capture_goes_on_after_the_app_was_paused():
    import time

    from expressive.activities.movement.pipeline import LiveCapture
    from expressive.camera import PatternSource

    pipeline = MovementPipeline(None)
    capture = LiveCapture(PatternSource(size=(320, 240), fps=30, real_time=True), pipeline)

    def runs_until(seconds):
        deadline = time.monotonic() + 20
        while pipeline.record.duration < seconds and time.monotonic() < deadline:
            time.sleep(0.05)
        return pipeline.record.duration >= seconds

    capture.start()
    assert runs_until(0.3)
    capture.stop()  # the app is paused
    paused_at = pipeline.record.duration
    capture.start()  # and resumed
    assert runs_until(paused_at + 0.3), "frames come again after a pause"
    capture.stop()


def live_threads():
    import threading

    return [thread for thread in threading.enumerate() if thread.name.startswith(("movement-analysis", "latest-frame"))]


def test_starting_a_live_capture_twice_runs_one_analysis_and_stop_ends_every_thread():
    # A resume without a pause before it must not leave a second analysis thread that
    # `stop` forgets: one still inside OpenCV at exit aborts the process.
    from expressive.activities.movement.pipeline import LiveCapture
    from expressive.camera import PatternSource

    capture = LiveCapture(PatternSource(size=(320, 240), fps=30, real_time=True), MovementPipeline(None))
    capture.start()
    capture.start()
    assert [thread.name for thread in live_threads()].count("movement-analysis") == 1
    capture.stop()
    assert not live_threads(), "stop returns once the analysis and the reading have ended"
