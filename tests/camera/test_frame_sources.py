"""Frame sources without a camera: the camera's absence said plainly, the moving test
pattern, choosing a source by name, and reading the newest frame on a thread."""

import queue
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from expressive.activities.movement.analysis import MotionAnalyzer
from expressive.camera import (
    NO_CAMERA,
    CameraSource,
    Frame,
    FrameSource,
    LatestFrame,
    PatternSource,
    UnavailableSource,
    VideoFileSource,
    list_cameras,
    open_frame_source,
)

HAS_CAMERA_DEVICES = sys.platform.startswith("linux") and any(Path("/dev").glob("video*"))
without_camera = pytest.mark.skipif(
    not sys.platform.startswith("linux") or HAS_CAMERA_DEVICES, reason="needs a Linux machine with no camera plugged in"
)


@without_camera
def test_listing_cameras_finds_none_here_and_does_not_raise():
    assert list_cameras() == []
    assert list_cameras(max_index=0) == []


@without_camera
def test_a_missing_camera_says_so_in_one_friendly_sentence():
    camera = CameraSource(index=0, resolution=(640, 480))
    camera.open()
    assert camera.problem == NO_CAMERA
    assert camera.read() is None
    camera.close()
    camera.close()


@without_camera
def test_opening_the_camera_by_name_never_raises():
    with open_frame_source("camera", index=3, resolution=(1280, 720)) as camera:
        assert isinstance(camera, CameraSource)
        assert camera.problem == NO_CAMERA
        assert camera.read() is None


def test_an_unknown_source_or_bad_options_give_a_problem_not_an_exception():
    unknown = open_frame_source("webcam")
    assert isinstance(unknown, UnavailableSource)
    assert "webcam" in unknown.problem and unknown.read() is None
    wrong = open_frame_source("pattern", colour="red")
    assert wrong.problem and wrong.read() is None


def test_the_pattern_delivers_frames_of_its_size_at_its_rate():
    with open_frame_source("pattern", size=(320, 240), fps=20, seconds=1.5) as pattern:
        assert pattern.problem is None and pattern.size == (320, 240) and pattern.fps == 20
        frames = list(iter(pattern.read, None))
    assert len(frames) == 30
    assert [frame.index for frame in frames] == list(range(30))
    assert [frame.time for frame in frames] == pytest.approx([index / 20 for index in range(30)])
    assert all(frame.image.shape == (240, 320, 3) and frame.image.dtype == np.uint8 for frame in frames)
    assert frames[0].image.mean() < 100, "a dim room"
    assert frames[0].image.max() > 180, "with a bright figure in it"


def test_the_analysis_sees_the_pattern_figure_go_left_to_right():
    pattern = PatternSource(seconds=3, fps=25)
    pattern.open()
    analyzer = MotionAnalyzer(warmup_seconds=0.5)
    centroids = []
    while (frame := pattern.read()) is not None:
        features = analyzer.analyze(frame)
        if features.time >= 0.5:
            centroids.append(features.centroid[0])
            assert features.centroid[0] == pytest.approx(pattern.figure_centre(frame.index)[0], abs=0.08)
    assert centroids[0] < 1 / 3 and centroids[-1] > 2 / 3
    assert np.diff(centroids).min() > -0.02


def test_an_endless_pattern_comes_back_after_a_crossing():
    pattern = PatternSource(fps=10)
    pattern.open()
    xs = [pattern.figure_centre(pattern.read().index)[0] for _ in range(81)]
    assert xs[0] == pytest.approx(0.1) and xs[40] == pytest.approx(0.9) and xs[80] == pytest.approx(0.1)
    assert np.all(np.diff(xs[:41]) > 0) and np.all(np.diff(xs[40:]) < 0)


class HandFedSource(FrameSource):
    """Frames come exactly when the test puts them in; None ends the source."""

    def __init__(self):
        super().__init__("hand-fed", (8, 6), 10.0)
        self.pending = queue.Queue()
        self.closed = threading.Event()

    def open(self):
        pass

    def read(self):
        return self.pending.get()

    def close(self):
        self.closed.set()

    def feed(self, count, first_index=0):
        for index in range(first_index, first_index + count):
            self.pending.put(Frame(np.zeros((6, 8, 3), np.uint8), index / 10, index))


def test_latest_frame_hands_out_only_the_newest_and_counts_what_it_dropped():
    source = HandFedSource()
    with LatestFrame(source) as latest:
        source.feed(1)
        first = latest.take(timeout=10)
        assert first.frame.index == 0
        source.feed(3, first_index=1)
        source.pending.put(None)
        assert source.closed.wait(timeout=10), "the reader reads to the end, then closes the source"
        newest = latest.take(timeout=10)
        assert newest.frame.index == 3, "frames 1 and 2 were replaced before anyone took them"
        assert latest.dropped == 2
        assert newest.arrived >= first.arrived
        assert latest.take(timeout=10) is None, "the source has ended and nothing new came"
        assert latest.newest is newest
    assert source.closed.is_set()


def test_latest_frame_of_a_source_that_cannot_open_ends_with_its_problem(tmp_path):
    latest = LatestFrame(VideoFileSource(tmp_path / "gone.avi"))
    latest.start()
    assert latest.take(timeout=30) is None
    assert latest.ended
    assert latest.problem.startswith("This video file could not be found")
    latest.stop()


def test_latest_frame_keeps_up_with_a_live_pattern():
    with LatestFrame(PatternSource(size=(160, 120), fps=50, real_time=True)) as latest:
        indexes = [latest.take(timeout=10).frame.index for _ in range(10)]
    assert indexes == sorted(set(indexes))


def test_a_source_that_fails_to_open_for_a_fault_still_does_not_raise():
    broken = open_frame_source("pattern", size="large")
    assert isinstance(broken, UnavailableSource)
    assert broken.problem and broken.read() is None
