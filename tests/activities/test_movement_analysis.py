"""The movement analysis on generated clips (where the figure truly is, is known) and on
real footage of people walking through a hall (../shared/data/video/vtest.avi)."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from expressive.activities.movement.analysis import HISTORY_SECONDS, MotionAnalyzer
from expressive.activities.movement.clips import MovingShapeClip, write_moving_shape_clip
from expressive.activities.movement.measure import analysis_time_per_frame, benchmark_frames, file_decode_overhead
from expressive.camera import Frame, VideoFileSource
from expressive.camera.pattern import FIGURE_HEIGHT

VTEST = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "video" / "vtest.avi"

WARMUP = 1.0


def analyse(frames, **options):
    """Each frame with the features found in it, by one analyzer fed the frames in order."""
    analyzer = MotionAnalyzer(warmup_seconds=WARMUP, **options)
    return [(frame, analyzer.analyze(frame)) for frame in frames]


def after_warmup(results):
    return [(frame, features) for frame, features in results if features.time >= WARMUP]


def xs(results):
    return np.array([features.centroid[0] for _, features in results])


def assert_tracks(results, clip: MovingShapeClip, *, tolerance: float):
    """The centroid is found in every frame after the warm-up, goes steadily the clip's
    way, starts in the first third it crosses and ends in the last, and stays near the
    figure's true middle."""
    moving = after_warmup(results)
    assert all(features.centroid is not None for _, features in moving)
    x = xs(moving)
    steps = np.diff(x) if clip.direction == "left-to-right" else -np.diff(x)
    assert steps.min() > -0.01, "the centroid went back against the motion"
    start, end = (x[0], x[-1]) if clip.direction == "left-to-right" else (1 - x[0], 1 - x[-1])
    assert start < 1 / 3 and end > 2 / 3
    true_x = np.array([clip.centre(frame.index)[0] for frame, _ in moving])
    assert np.abs(x - true_x).max() < tolerance
    y = np.array([features.centroid[1] for _, features in moving])
    assert np.abs(y - 0.5).max() < 0.06


@pytest.mark.parametrize("direction", ["left-to-right", "right-to-left"])
def test_the_centroid_follows_a_figure_across_the_room(direction):
    clip = MovingShapeClip(direction=direction, noise=0.01)
    results = analyse(clip.frames())
    assert_tracks(results, clip, tolerance=0.06)


def test_speed_is_in_frame_widths_per_second():
    clip = MovingShapeClip(seconds=4, noise=0.01)
    second_half = [features for frame, features in analyse(clip.frames()) if features.time >= 2.0]
    speeds = np.array([features.speed for features in second_half])
    assert np.median(speeds) == pytest.approx(clip.speed, rel=0.15)


def test_expansiveness_is_the_hull_of_the_moving_body():
    clip = MovingShapeClip(seconds=3)
    empty_room = next(clip.empty_frames(1)).image
    for frame, features in analyse(clip.frames()):
        if features.time < 2.0:
            continue
        figure = cv2.threshold(cv2.cvtColor(cv2.absdiff(frame.image, empty_room), cv2.COLOR_BGR2GRAY), 20, 255, cv2.THRESH_BINARY)[1]
        hull = cv2.convexHull(cv2.findNonZero(figure))
        true_share = cv2.contourArea(hull) / (clip.size[0] * clip.size[1])
        assert features.expansiveness == pytest.approx(true_share, rel=0.25)


def test_a_still_scene_gives_no_motion_after_the_warmup():
    clip = MovingShapeClip(direction="still", noise=0.02)
    for _, features in after_warmup(analyse(clip.frames())):
        assert features.quantity == 0
        assert features.expansiveness == 0
        assert features.centroid is None
        assert features.speed == 0


def test_nothing_moves_during_the_warmup_even_when_the_figure_does():
    clip = MovingShapeClip(noise=0.01)
    analyzer = MotionAnalyzer(warmup_seconds=WARMUP)
    warming, after = [], []
    for frame in clip.frames():
        features = analyzer.analyze(frame)
        if features.time < WARMUP:
            warming.append(features)
            assert not analyzer.motion_mask.any() and not analyzer.history.any() and not analyzer.silhouette.any()
        else:
            after.append(features)
    assert len(warming) == WARMUP * clip.fps
    assert all(f.quantity == 0 and f.expansiveness == 0 and f.centroid is None and f.speed == 0 for f in warming)
    assert after[2].quantity > 0.01 and after[2].centroid is not None


@pytest.fixture(scope="module")
def dim_clips(tmp_path_factory):
    """A room lit at 15% with a camera's grain, written as Motion-JPEG (whose blocks add
    their own noise in the dark), one with the figure crossing and one with it standing."""
    folder = tmp_path_factory.mktemp("dim")
    crossing = MovingShapeClip(brightness=0.15, noise=0.03)
    standing = MovingShapeClip(direction="still", brightness=0.15, noise=0.03)
    return {
        "crossing": (crossing, crossing.write(folder / "crossing.avi")),
        "standing": (standing, standing.write(folder / "standing.avi")),
    }


def read_all(path, **options):
    with VideoFileSource(path, **options) as source:
        frames = list(iter(source.read, None))
        assert source.problem is None
    return frames


def test_a_dim_noisy_room_still_tracks_the_figure(dim_clips):
    clip, path = dim_clips["crossing"]
    frames = read_all(path)
    assert np.mean(frames[50].image) < 0.2 * 255
    assert_tracks(analyse(frames), clip, tolerance=0.07)


def test_a_dim_noisy_room_with_nobody_moving_stays_quiet(dim_clips):
    _, path = dim_clips["standing"]
    for _, features in after_warmup(analyse(read_all(path))):
        assert features.quantity < 0.001
        assert features.centroid is None


def test_a_dead_zone_hides_the_motion_in_it():
    zone = (0.25, 0.0, 0.55, 1.0)  # from 0.25 to 0.8 of the width, top to bottom
    clip = MovingShapeClip(noise=0.01)
    analyzer = MotionAnalyzer(warmup_seconds=WARMUP, dead_zones=[zone])
    width, _ = analyzer.size
    left, right = round(zone[0] * width), round((zone[0] + zone[2]) * width)
    hidden, emerging = [], []
    for frame in clip.frames():
        features = analyzer.analyze(frame)
        assert not analyzer.motion_mask[:, left:right].any()
        assert not analyzer.silhouette[:, left:right].any()
        x = clip.centre(frame.index)[0]
        # With its arms out the figure reaches 0.16 of the width either side of its
        # middle: it is wholly in the zone from 0.41 to 0.64, and half out of it at 0.9.
        if 0.52 <= x <= 0.62:
            hidden.append(features)
        elif x >= 0.88:
            emerging.append(features)
    assert all(f.quantity < 0.002 for f in hidden)
    assert hidden[-1].centroid is None
    assert all(f.quantity > 0.005 and f.centroid[0] > 0.75 for f in emerging)


def test_a_captured_empty_room_shows_a_still_body_in_the_silhouette_only():
    clip = MovingShapeClip(direction="still", noise=0.01)
    calibrated = MotionAnalyzer(warmup_seconds=WARMUP)
    calibrated.calibrate(clip.empty_frames(10))
    uncalibrated = MotionAnalyzer(warmup_seconds=WARMUP)
    for frame in clip.frames():
        with_room = calibrated.analyze(frame)
        calibrated_silhouette = calibrated.silhouette
        uncalibrated.analyze(frame)
    assert with_room.quantity == 0
    moments = cv2.moments(calibrated_silhouette, binaryImage=True)
    middle = (moments["m10"] / moments["m00"] / clip.size[0], moments["m01"] / moments["m00"] / clip.size[1])
    assert middle == pytest.approx((0.5, 0.45), abs=0.05)
    assert cv2.countNonZero(calibrated_silhouette) > 0.03 * clip.size[0] * clip.size[1]
    assert not uncalibrated.silhouette.any(), "a running average takes a still body into the room"


def test_history_is_bright_where_the_figure_is_and_fades_behind_it():
    clip = MovingShapeClip(noise=0.01)
    analyzer = MotionAnalyzer(warmup_seconds=WARMUP)
    for frame in clip.frames():
        analyzer.analyze(frame)
    width, height = analyzer.size
    last = clip.frame_count - 1

    def head_at(frames_ago: float) -> float:
        """The history where the head was; on its row nothing else of the figure passes."""
        x, y = clip.centre(last - round(frames_ago))
        head_row = round(y * height - 0.41 * FIGURE_HEIGHT * height)
        return float(analyzer.history[head_row, round(x * width)])

    assert head_at(0) == 1.0
    assert head_at(0.5 * HISTORY_SECONDS * clip.fps) == pytest.approx(0.5, abs=0.15)
    assert head_at(1.5 * HISTORY_SECONDS * clip.fps) == 0.0
    assert analyzer.history.dtype == np.float32 and analyzer.history.max() <= 1.0


def test_frames_of_another_size_are_analysed_at_the_analyzer_size():
    clip = MovingShapeClip(size=(320, 240), noise=0.01)
    results = analyse(clip.frames())
    assert_tracks(results, clip, tolerance=0.06)
    analyzer = MotionAnalyzer(size=(640, 480))
    analyzer.analyze(next(clip.frames()))
    assert analyzer.motion_mask.shape == (480, 640) and analyzer.motion_mask.dtype == np.uint8


@pytest.fixture(scope="module")
def hall():
    """vtest.avi at 640x480, every other frame (12.5 a second), analysed, and beside each
    frame the middle of the foreground that OpenCV's MOG2 finds: a per-pixel mixture of
    Gaussians, a background model independent of ours and widely used to find people.
    If our centroid moves where MOG2's foreground moves, it follows the people."""
    if not VTEST.is_file():
        pytest.skip(f"the shared footage is not here: {VTEST}")
    analyzer = MotionAnalyzer(warmup_seconds=WARMUP)
    mixture = cv2.createBackgroundSubtractorMOG2(history=250, detectShadows=False)
    specks = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
    features, reference = [], []
    with VideoFileSource(VTEST, resolution=(640, 480)) as source:
        while (frame := source.read()) is not None:
            if frame.index % 2:
                continue
            features.append(analyzer.analyze(frame))
            foreground = cv2.morphologyEx(mixture.apply(frame.image), cv2.MORPH_OPEN, specks)
            moments = cv2.moments(foreground, binaryImage=True)
            reference.append(None if moments["m00"] == 0 else (moments["m10"] / moments["m00"] / 640, moments["m01"] / moments["m00"] / 480))
    return [(f, r) for f, r in zip(features, reference) if f.time >= WARMUP]


def test_people_walking_through_a_hall_are_seen_moving(hall):
    quantities = np.array([features.quantity for features, _ in hall])
    assert len(quantities) > 150
    assert np.mean(quantities > 0.01) > 0.9


def test_the_centroid_follows_the_people_in_the_hall(hall):
    pairs = np.array([(f.centroid[0], r[0], f.centroid[1], r[1]) for f, r in hall if f.centroid and r])
    assert len(pairs) > 0.9 * len(hall)
    assert np.corrcoef(pairs[:, 0], pairs[:, 1])[0, 1] > 0.6
    assert np.corrcoef(pairs[:, 2], pairs[:, 3])[0, 1] > 0.5
    assert np.abs(pairs[:, 0] - pairs[:, 1]).mean() < 0.05


def test_the_benchmark_functions_measure_something(tmp_path):
    timing = analysis_time_per_frame(benchmark_frames(None, count=20))
    assert timing["frames"] == 20 and 0 < timing["p50"] <= timing["p99"]
    clip = write_moving_shape_clip(tmp_path / "clip.avi", seconds=2)
    overhead = file_decode_overhead(clip, max_frames=30)
    assert overhead["out_of_process_fps"] > 0 and overhead["in_process_fps"] > 0
    assert overhead["receive_cpu_per_frame"] >= 0 and overhead["start_seconds"] > 0


def test_benchmark_frames_are_640_by_480_from_footage_or_generated(tmp_path):
    small = write_moving_shape_clip(tmp_path / "small.avi", size=(320, 240), seconds=1)
    for frames in (benchmark_frames(small, count=10), benchmark_frames(tmp_path / "missing.avi", count=10)):
        assert len(frames) == 10
        assert all(isinstance(frame, Frame) and frame.image.shape == (480, 640, 3) for frame in frames)


def test_a_captured_room_is_learnt_again_when_the_light_changes():
    bright = MovingShapeClip(noise=0.01)
    dimmed = MovingShapeClip(brightness=0.6, noise=0.01)  # the same room, a lamp turned off
    analyzer = MotionAnalyzer(warmup_seconds=WARMUP)
    analyzer.calibrate(bright.empty_frames(10))
    for frame in dimmed.empty_frames(round(6 * dimmed.fps)):
        features = analyzer.analyze(frame)
    assert not analyzer.silhouette.any()
    assert features.quantity == 0
