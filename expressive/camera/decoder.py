"""The child process that decodes a video file for `VideoFileSource`, and the messages it
sends back.

Decoding runs here, apart from the app, because OpenCV's demuxers and codecs can crash
the whole process on a damaged or crafted file; when this child crashes, the app only
loses the video. `main` takes the arguments PATH [--size W H] [--loop].

Each message on stdout is a header (kind, frame index, width, height, payload length)
followed by its payload: OPENED and ENDED carry JSON, FRAME the BGR pixels row by row,
FAILED a line for the log. The parent stops the child by closing its stdin.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import struct
import sys
import threading

from expressive.limits import DECODER_MEMORY_BYTES

HEADER = struct.Struct("<BQIIQ")
OPENED, FRAME, ENDED, FAILED = 1, 2, 3, 4

# Files that do not say their frame rate are played at the rate of most cameras' clips.
ASSUMED_FILE_FPS = 25.0
# Frames decoded before answering, to check the stated frame rate against their timestamps.
FRAMES_TO_MEASURE_RATE = 5
# Timestamps are rounded to milliseconds: within this share they agree with the statement.
RATE_TOLERANCE = 0.05


class Messages:
    """The child's side of the pipe to the parent."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def send(self, kind: int, payload: bytes | memoryview = b"", *, index: int = 0, width: int = 0, height: int = 0) -> None:
        self._stream.write(HEADER.pack(kind, index, width, height, len(payload)))
        self._stream.write(payload)
        self._stream.flush()

    def send_json(self, kind: int, content: dict) -> None:
        self.send(kind, json.dumps(content).encode())


def _protocol_stream():
    """A private copy of stdout for the messages, with stdout itself sent to stderr, so
    that nothing a library prints can garble a frame."""
    protocol_fd = os.dup(sys.stdout.fileno())
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return os.fdopen(protocol_fd, "wb", buffering=1 << 20)


def _exit_when_parent_goes() -> None:
    """End this process as soon as the parent closes stdin or dies, even in the middle of
    a decode that hangs on a bad file."""

    def watch() -> None:
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def decode(path: str, size: tuple[int, int] | None, loop: bool, messages: Messages) -> None:
    import cv2

    def open_capture():
        capture = cv2.VideoCapture(path)
        return capture if capture.isOpened() else None

    capture = open_capture()
    if capture is None:
        messages.send(FAILED, f"OpenCV could not open {path}".encode())
        return
    first_images = []
    timestamps = []
    while len(first_images) < FRAMES_TO_MEASURE_RATE:
        ok, image = capture.read()
        if not ok or image is None:
            break
        first_images.append(image)
        timestamps.append(capture.get(cv2.CAP_PROP_POS_MSEC))
    if not first_images:
        messages.send(FAILED, f"{path} opened but has no frame that decodes".encode())
        return
    stated_fps = capture.get(cv2.CAP_PROP_FPS)
    stated_count = capture.get(cv2.CAP_PROP_FRAME_COUNT)
    fps = _frame_rate(stated_fps, timestamps)
    width, height = size if size is not None else (first_images[0].shape[1], first_images[0].shape[0])
    messages.send_json(
        OPENED,
        {
            "width": width,
            "height": height,
            "fps": fps,
            # The stated count is in the container's frames; in pictures it scales with the rate.
            "frame_count": round(stated_count * fps / stated_fps) if _sane(stated_count) and _sane(stated_fps) else None,
        },
    )
    index = 0
    frames_this_pass = 0
    image = first_images.pop(0)
    while True:
        if image is None:
            if not loop or frames_this_pass == 0:
                break
            capture.release()
            capture = open_capture()
            if capture is None:
                messages.send(FAILED, f"OpenCV could not open {path} again to loop it".encode())
                return
            frames_this_pass = 0
        else:
            pixels = memoryview(_fitted(cv2, image, width, height)).cast("B")
            messages.send(FRAME, pixels, index=index, width=width, height=height)
            index += 1
            frames_this_pass += 1
        if first_images:
            image = first_images.pop(0)
        else:
            ok, image = capture.read()
            if not ok:
                image = None
    messages.send_json(ENDED, {"frames": index})


def _fitted(cv2, image, width: int, height: int):
    """`image` as the parent expects every frame: BGR, `width` x `height`, contiguous,
    even when a file changes its size or colour format half-way."""
    import numpy as np

    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.shape[:2] != (height, width):
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(image)


def _sane(value: float) -> bool:
    return math.isfinite(value) and 0 < value < 1e9


def _frame_rate(stated_fps: float, timestamps: list[float]) -> float:
    """Pictures per second, from the decoder's timestamps when they disagree with the
    container: an AVI of packed DivX or Xvid states twice its real rate, each picture
    taking two slots of which one is empty."""
    intervals = sorted(later - earlier for earlier, later in zip(timestamps, timestamps[1:]) if later > earlier)
    measured = 1000 / intervals[len(intervals) // 2] if intervals else None
    stated = stated_fps if _sane(stated_fps) and stated_fps < 1000 else None
    if measured is not None and (stated is None or abs(measured - stated) > RATE_TOLERANCE * stated):
        return measured
    return stated or ASSUMED_FILE_FPS


def _limit_memory() -> None:
    """A hostile file may ask the decoder for any amount of memory: past the bound the
    child fails (and the parent says the video could not be read), the app does not."""
    try:
        import resource
    except ImportError:  # not on this platform: the child's crash is still contained
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (DECODER_MEMORY_BYTES, DECODER_MEMORY_BYTES))
    except (ValueError, OSError):
        pass  # a lower limit set by the system stays


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--size", type=int, nargs=2, metavar=("WIDTH", "HEIGHT"))
    parser.add_argument("--loop", action="store_true")
    arguments = parser.parse_args(argv)
    _limit_memory()
    messages = Messages(_protocol_stream())
    _exit_when_parent_goes()
    try:
        decode(arguments.path, tuple(arguments.size) if arguments.size else None, arguments.loop, messages)
    except BrokenPipeError:
        return 0
    except Exception as error:
        try:
            messages.send(FAILED, f"{type(error).__name__}: {error}".encode())
        except BrokenPipeError:
            pass
        return 1
    return 0
