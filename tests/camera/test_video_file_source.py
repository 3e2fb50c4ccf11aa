"""A video file played like a camera, decoded in a child process: the frames come through
whole and on time, and damaged, missing or strange files, a crashed child and a hung one
end the source with a plain sentence instead of taking the app down."""

import os
import signal
import sys
from pathlib import Path

import numpy as np
import pytest

from expressive.activities.movement.clips import MovingShapeClip
from expressive.camera import MISSING_VIDEO, UNREADABLE_VIDEO, VIDEO_ENDED_EARLY, VideoFileSource, open_frame_source

VTEST = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "video" / "vtest.avi"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="sends POSIX signals to the child")


@pytest.fixture(scope="module")
def clip_file(tmp_path_factory):
    clip = MovingShapeClip(size=(320, 240), fps=25, seconds=2, noise=0.01)
    return clip, clip.write(tmp_path_factory.mktemp("clips") / "crossing.avi")


def read_all(source, limit=10_000):
    frames = []
    while len(frames) < limit and (frame := source.read()) is not None:
        frames.append(frame)
    return frames


def child_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_clip_comes_through_whole_in_order_and_on_time(clip_file):
    clip, path = clip_file
    with VideoFileSource(path) as source:
        assert source.problem is None
        assert source.size == (320, 240) and source.fps == 25 and source.frame_count == clip.frame_count
        frames = read_all(source)
        assert source.problem is None, "a clip read to its end is no problem"
    assert len(frames) == clip.frame_count
    assert [frame.index for frame in frames] == list(range(clip.frame_count))
    assert [frame.time for frame in frames] == pytest.approx([index / 25 for index in range(clip.frame_count)])
    for frame, drawn in zip(frames, clip.frames()):
        assert frame.image.shape == (240, 320, 3) and frame.image.dtype == np.uint8
        # Motion-JPEG is lossy: the same picture, give or take a few grey levels.
        assert np.abs(frame.image.astype(int) - drawn.image).mean() < 4


def test_frames_are_resized_to_the_resolution_asked_for(clip_file):
    clip, path = clip_file
    with open_frame_source("file", path=path, resolution=(640, 480)) as source:
        assert source.size == (640, 480)
        frames = read_all(source)
    assert len(frames) == clip.frame_count
    assert all(frame.image.shape == (480, 640, 3) for frame in frames)


def test_a_looping_file_goes_on_with_indexes_and_times(clip_file):
    clip, path = clip_file
    with VideoFileSource(path, loop=True) as source:
        frames = read_all(source, limit=2 * clip.frame_count + 5)
        assert source.problem is None
    assert len(frames) == 2 * clip.frame_count + 5
    assert [frame.index for frame in frames] == list(range(len(frames)))
    assert np.all(np.diff([frame.time for frame in frames]) > 0)
    assert np.abs(frames[clip.frame_count].image.astype(int) - frames[0].image).mean() < 1


def damaged_files(folder: Path, clip_path: Path) -> dict[str, Path]:
    data = clip_path.read_bytes()
    files = {
        "empty": b"",
        "random bytes": np.random.default_rng(7).integers(0, 256, 60_000, dtype=np.uint8).tobytes(),
        "text": b"These are the notes of a session, not a video.\n" * 200,
        "only its header": data[:2048],
    }
    paths = {}
    for name, content in files.items():
        paths[name] = folder / f"{name.replace(' ', '-')}.avi"
        paths[name].write_bytes(content)
    return paths


@pytest.mark.parametrize("damage", ["empty", "random bytes", "text", "only its header"])
def test_a_damaged_file_gives_a_problem_and_no_frames(tmp_path, clip_file, damage):
    path = damaged_files(tmp_path, clip_file[1])[damage]
    source = open_frame_source("file", path=path)
    assert source.problem == UNREADABLE_VIDEO
    assert source.read() is None
    assert source.decoder_pid is None, "the child is not left behind"
    source.close()


def test_a_file_cut_off_half_way_gives_what_it_has_then_says_it_stopped_early(tmp_path, clip_file):
    clip, path = clip_file
    cut = tmp_path / "cut.avi"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with VideoFileSource(cut) as source:
        frames = read_all(source)
        assert source.problem == VIDEO_ENDED_EARLY
    assert 0.3 * clip.frame_count < len(frames) < 0.7 * clip.frame_count


def test_a_missing_file_says_so(tmp_path):
    with VideoFileSource(tmp_path / "moved-away.avi") as source:
        assert source.problem == MISSING_VIDEO
        assert source.read() is None


@posix_only
def test_a_child_killed_mid_stream_ends_the_source_with_a_problem(clip_file):
    clip, path = clip_file
    with VideoFileSource(path) as source:
        frames = read_all(source, limit=3)
        pid = source.decoder_pid
        os.kill(pid, signal.SIGKILL)
        frames += read_all(source)
        assert source.problem == UNREADABLE_VIDEO
        assert source.read() is None
    assert len(frames) < clip.frame_count
    assert child_is_gone(pid)


@posix_only
def test_a_child_that_hangs_is_given_up_on(clip_file):
    _, path = clip_file
    with VideoFileSource(path, frame_timeout=1.0) as source:
        read_all(source, limit=3)
        pid = source.decoder_pid
        os.kill(pid, signal.SIGSTOP)
        read_all(source)  # what was decoded ahead comes through, then the wait runs out
        assert source.problem == UNREADABLE_VIDEO
    assert child_is_gone(pid)


def test_closing_mid_stream_ends_the_child(clip_file):
    _, path = clip_file
    source = VideoFileSource(path)
    source.open()
    read_all(source, limit=2)
    pid = source.decoder_pid
    source.close()
    assert source.read() is None and source.problem is None
    assert child_is_gone(pid)


@pytest.mark.skipif(not VTEST.is_file(), reason=f"the shared footage is not here: {VTEST}")
def test_real_footage_plays_at_its_true_rate():
    """vtest.avi is packed Xvid: its AVI header says 682 frames at 50 fps, but every other
    slot is empty; the decoder gives 341 pictures 40 ms apart, 13.6 s in all."""
    with VideoFileSource(VTEST, resolution=(640, 480)) as source:
        assert source.fps == 25 and source.frame_count == 341
        frames = read_all(source)
        assert source.problem is None
    assert len(frames) == 341
    assert frames[-1].time == pytest.approx(13.6)
    assert frames[0].image.shape == (480, 640, 3)
