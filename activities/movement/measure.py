"""Speed figures of the movement analysis and of the video-file source, for `expressive bench`.

Each function measures on this machine and returns plain numbers in seconds (or frames
per second); the budgets they are held to are in DESIGN.md.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np

from expressive.activities.movement.analysis import MotionAnalyzer
from expressive.activities.movement.clips import MovingShapeClip
from expressive.camera import Frame, VideoFileSource

ANALYSIS_SIZE = (640, 480)


def benchmark_frames(video: str | Path | None = None, count: int = 200) -> list[Frame]:
    """Up to `count` frames at 640x480 to time the analysis on: from `video` (real footage,
    such as ../shared/data/video/vtest.avi) when given and readable, else of a figure
    crossing a generated room."""
    frames: list[Frame] = []
    if video is not None:
        with VideoFileSource(video, resolution=ANALYSIS_SIZE) as source:
            while len(frames) < count and (frame := source.read()) is not None:
                frames.append(frame)
    if not frames:
        clip = MovingShapeClip(ANALYSIS_SIZE, fps=25, seconds=count / 25, noise=0.01)
        frames = list(clip.frames())
    return frames


def analysis_time_per_frame(frames: Iterable[Frame]) -> dict:
    """How long `MotionAnalyzer.analyze` takes per 640x480 frame: {"p50", "p99"} in
    seconds and the number of "frames" timed. Frames of another size are resized first,
    outside the timing."""
    analyzer = MotionAnalyzer(ANALYSIS_SIZE)
    durations = []
    for frame in frames:
        if (frame.image.shape[1], frame.image.shape[0]) != ANALYSIS_SIZE:
            frame = Frame(cv2.resize(frame.image, ANALYSIS_SIZE, interpolation=cv2.INTER_AREA), frame.time, frame.index)
        started = time.perf_counter()
        analyzer.analyze(frame)
        durations.append(time.perf_counter() - started)
    if not durations:
        raise ValueError("No frames to time the analysis on.")
    return {
        "p50": float(np.percentile(durations, 50)),
        "p99": float(np.percentile(durations, 99)),
        "frames": len(durations),
    }


def file_decode_overhead(path: str | Path, resolution: tuple[int, int] = ANALYSIS_SIZE, max_frames: int = 300) -> dict:
    """What decoding a video in a child process costs, against decoding it in this one,
    both resizing to `resolution`, over up to `max_frames` frames:

    - "out_of_process_fps" and "in_process_fps": frames per second read back to back;
    - "receive_cpu_per_frame": this process's CPU seconds per frame when the child
      decodes (taking the frame off the pipe), against "decode_cpu_per_frame" when it
      decodes itself: what the app saves or spends for its safety;
    - "start_seconds": from opening the source to its first frame (the child imports OpenCV).
    """
    started = time.perf_counter()
    with VideoFileSource(path, resolution=resolution) as source:
        first = source.read()
        if first is None:
            raise ValueError(f"{path} could not be read: {source.problem}")
        start_seconds = time.perf_counter() - started
        wall, cpu = time.perf_counter(), time.process_time()
        out_of_process_frames = 0
        while out_of_process_frames < max_frames and source.read() is not None:
            out_of_process_frames += 1
        out_of_process_wall = time.perf_counter() - wall
        receive_cpu = time.process_time() - cpu

    capture = cv2.VideoCapture(str(path))
    try:
        capture.read()
        wall, cpu = time.perf_counter(), time.process_time()
        in_process_frames = 0
        while in_process_frames < max_frames:
            ok, image = capture.read()
            if not ok:
                break
            cv2.resize(image, resolution, interpolation=cv2.INTER_AREA)
            in_process_frames += 1
        in_process_wall = time.perf_counter() - wall
        decode_cpu = time.process_time() - cpu
    finally:
        capture.release()
    if not out_of_process_frames or not in_process_frames:
        raise ValueError(f"{path} has too few frames to measure.")
    return {
        "out_of_process_fps": out_of_process_frames / out_of_process_wall,
        "in_process_fps": in_process_frames / in_process_wall,
        "receive_cpu_per_frame": receive_cpu / out_of_process_frames,
        "decode_cpu_per_frame": decode_cpu / in_process_frames,
        "start_seconds": start_seconds,
    }
