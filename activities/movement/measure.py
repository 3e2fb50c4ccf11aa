"""Speed figures of the movement analysis and of the video-file source, for `expressive bench`.

Each function measures on this machine and returns plain numbers in seconds (or frames
per second). The budget is 10 ms to analyse a 640x480 frame, at the median and at the
99th percentile; the decoding figures compare two ways of reading a file and have none.
`movement_figures` gives `expressive bench` the activity's figures beside their budgets.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np

from expressive.activities.movement.analysis import MotionAnalyzer
from expressive.activities.movement.clips import MovingShapeClip
from expressive.api.camera import Frame, PatternSource, VideoFileSource
from expressive.api.measure import Figure, percentile

ANALYSIS_SIZE = (640, 480)


def benchmark_frames(video: str | Path | None = None, count: int = 200) -> list[Frame]:
    """Up to `count` frames at 640x480 to time the analysis on: from `video` (real footage
    of people moving) when given and readable, else of a figure crossing a generated room."""
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


def movement_figures(frames_measured: int, driver) -> list[Figure]:
    """The movement activity: analysing a 640x480 frame; the whole pipeline per frame
    (analysis, sounds, painting, the view composed and put on screen, in the window the
    bench's `driver` lends); and a frame's arrival to the note it starts, plus the
    camera's own frame time."""
    from expressive.activities.movement.pipeline import LiveCapture, MovementPipeline
    from expressive.activities.movement.studio import LiveView

    analysis = analysis_time_per_frame(benchmark_frames(None, count=frames_measured))
    footage = "a generated clip at 640x480"
    figures = [
        Figure("movement_analysis_p50", analysis["p50"] * 1000, "ms", 10.0, f"per frame, {footage}"),
        Figure("movement_analysis_p99", analysis["p99"] * 1000, "ms", 10.0, f"per frame, {footage}"),
    ]

    engine, output = driver.sound_output()
    try:
        window = driver.window
        live = LiveView(size=window.size)
        window.add_widget(live)
        pipeline = MovementPipeline(engine)
        pattern = PatternSource(size=(640, 480), fps=30)
        pattern.open()
        without_screen, with_screen = [], []
        for _ in range(frames_measured):
            started = time.perf_counter()
            pipeline.step(pattern.read())
            live.show(pipeline.view(), pipeline.zones, pipeline.sounding_zones(), pipeline.ignored_areas)
            composed = time.perf_counter()
            driver.advance_frames(1)
            without_screen.append(composed - started)
            with_screen.append(time.perf_counter() - started)
        window.remove_widget(live)
        pattern.close()
        figures += [
            Figure("movement_pipeline_frame", statistics.median(without_screen) * 1000, "ms", 1000 / 30,
                   f"median: analysis, sounds, painting, view and texture; {1 / statistics.median(without_screen):.0f} fps"),
            Figure("movement_pipeline_frame_drawn", statistics.median(with_screen) * 1000, "ms", 1000 / 30,
                   f"median, with the window drawn in software OpenGL: {1 / statistics.median(with_screen):.0f} fps"),
        ]

        pipeline = MovementPipeline(engine)
        live_pattern = PatternSource(size=(640, 480), fps=30, real_time=True)
        capture = LiveCapture(live_pattern, pipeline)
        capture.start()
        deadline = time.monotonic() + (20 if frames_measured < 200 else 60)
        while len(pipeline.frame_to_note) < frames_measured // 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        capture.stop()
        delays = pipeline.frame_to_note
        if not delays:
            raise RuntimeError("the moving pattern started no notes")
        camera = 1 / live_pattern.fps
        figures += [
            Figure("movement_frame_to_note_p50", (percentile(delays, 0.5) + camera) * 1000, "ms", 100.0,
                   f"{len(delays)} notes: frame arrived to note started, plus the camera's frame time "
                   f"({camera * 1000:.0f} ms), on {output}"),
            Figure("movement_frame_to_note_p99", (percentile(delays, 0.99) + camera + engine.buffer_latency()) * 1000,
                   "ms", 100.0, "99th percentile, plus the camera's frame time and the output buffer"),
        ]
    finally:
        engine.close()
    return figures
