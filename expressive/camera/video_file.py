"""A video file played as if it came from the camera, decoded in a child process.

The child (`expressive.camera.decoder`) decodes and sends raw frames through a pipe; a
thread here reads them ahead into a short queue, so decoding the next frame overlaps
with analysing this one. If the child crashes, stops answering or reports an error, the
source ends with a plain `problem` and the app carries on.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from expressive.camera import decoder
from expressive.camera.base import Frame, FrameSource
from expressive.i18n import N_, _, format_number
from expressive.limits import MAX_VIDEO_FRAME_PIXELS, MAX_VIDEO_SECONDS, describe_seconds

log = logging.getLogger(__name__)

UNREADABLE_VIDEO = N_("This video could not be read. It may be damaged or in a format this tablet cannot play.")
MISSING_VIDEO = N_("This video file could not be found. It may have been moved or deleted.")
VIDEO_ENDED_EARLY = N_("This video stopped before its end, so it may be damaged.")
NO_VIDEO_PLAYER = N_("Video files cannot be played on this tablet.")


def video_too_big(width: int, height: int) -> str:
    return _("This video's pictures are {width} x {height} pixels; the most Expressive brings in is "
             "{most} million pixels (4K).").format(
        width=width, height=height, most=format_number(MAX_VIDEO_FRAME_PIXELS / 1_000_000))


def video_too_long() -> str:
    return _("This video lasts over {most}; the most Expressive brings in is {most}.").format(
        most=describe_seconds(MAX_VIDEO_SECONDS))

# Starting the child imports OpenCV, which takes a second or more on a slow tablet
# with a cold disk cache; this is on top of the time allowed for one frame.
CHILD_START_SECONDS = 15.0
# Frames decoded ahead of the reader: enough to ride out a slow frame, few enough to
# keep memory small (a 1280x720 frame is 2.7 MB).
FRAMES_AHEAD = 4
# A file may promise more frames than it holds by estimating from its duration; only a
# clear shortfall means the file was cut off.
SHORTFALL_MEANING_DAMAGE = 0.9
# A larger pipe (Linux allows 1 MiB without privileges) lets a whole 640x480 frame
# through in one go instead of in 64 KiB pieces, each a wake-up of both processes.
PIPE_BYTES = 1 << 20
F_SETPIPE_SZ = 1031

DECODER_MAIN = "import sys; from expressive.camera.decoder import main; sys.exit(main())"


def _read_exactly(stream, size: int) -> bytearray | None:
    buffer = bytearray(size)
    if _fill(stream, memoryview(buffer)):
        return buffer
    return None


def _fill(stream, view: memoryview) -> bool:
    """Fill `view` from `stream`; False if the stream ended first."""
    filled = 0
    while filled < len(view):
        count = stream.readinto(view[filled:])
        if not count:
            return False
        filled += count
    return True


class VideoFileSource(FrameSource):
    """Frames of the video at `path`, resized to `resolution` (width, height) if given.

    Frame times are index / fps, from the file's own frame rate. With `loop` the video
    starts again at its end, with indexes and times going on. With `real_time`, `read`
    waits until each frame is due, as a camera would; without it frames come as fast as
    they decode. `frame_timeout` is how long a frame may take before the child is taken
    to have hung.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        resolution: tuple[int, int] | None = None,
        loop: bool = False,
        *,
        real_time: bool = False,
        frame_timeout: float = 5.0,
    ) -> None:
        self.path = Path(path)
        super().__init__(self.path.name, resolution or (0, 0), 0.0)
        self.resolution = resolution
        self.loop = loop
        self.real_time = real_time
        self.frame_timeout = frame_timeout
        self.frame_count: int | None = None
        self._child: subprocess.Popen | None = None
        self._child_log = None
        self._arrivals: queue.Queue = queue.Queue(maxsize=FRAMES_AHEAD)
        self._reader: threading.Thread | None = None
        self._closing = threading.Event()
        self._ended = False
        self._started: float | None = None

    @property
    def decoder_pid(self) -> int | None:
        """The child process decoding the file, while there is one."""
        return None if self._child is None else self._child.pid

    def open(self) -> None:
        if self._child is not None or self._ended:
            return
        self.problem = None
        if not self.path.is_file():
            self._end(MISSING_VIDEO)
            return
        if not sys.executable:
            # A frozen app (as on some tablets) has no interpreter to start a child with.
            self._end(NO_VIDEO_PLAYER)
            return
        try:
            self._start_child()
        except OSError:
            log.exception("Could not start the video decoder for %s", self.path)
            self._end(NO_VIDEO_PLAYER)
            return
        kind, content = self._next_arrival(CHILD_START_SECONDS + self.frame_timeout)
        if kind != decoder.OPENED:
            self._finish(kind, content)
            return
        self.size = (content["width"], content["height"])
        self.fps = float(content["fps"])
        self.frame_count = content["frame_count"]
        if self.size[0] * self.size[1] > MAX_VIDEO_FRAME_PIXELS:
            self._end(video_too_big(*self.size))
        elif not self.loop and self.frame_count and self.frame_count / self.fps > MAX_VIDEO_SECONDS:
            self._end(video_too_long())

    def _start_child(self) -> None:
        # Not `-m expressive.camera.decoder`: this package imports that module already,
        # and running it a second time as __main__ only earns a warning.
        command = [sys.executable, "-c", DECODER_MAIN, str(self.path)]
        if self.resolution is not None:
            command += ["--size", str(self.resolution[0]), str(self.resolution[1])]
        if self.loop:
            command.append("--loop")
        environment = dict(os.environ)
        # The child must import this very package even when it is not installed.
        package_root = str(Path(__file__).resolve().parents[2])
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, environment.get("PYTHONPATH")]))
        self._child_log = tempfile.TemporaryFile()
        self._child = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._child_log,
            bufsize=0,
            env=environment,
        )
        if sys.platform.startswith("linux"):
            try:
                import fcntl

                fcntl.fcntl(self._child.stdout.fileno(), F_SETPIPE_SZ, PIPE_BYTES)
            except OSError:
                pass
        self._closing.clear()
        self._reader = threading.Thread(
            target=self._receive, args=(self._child,), name=f"video-file-reader {self.path.name}", daemon=True
        )
        self._reader.start()

    def _receive(self, child: subprocess.Popen) -> None:
        """On the reader thread: turn the child's messages into arrivals until it ends."""
        stream = child.stdout
        try:
            while True:
                header = _read_exactly(stream, decoder.HEADER.size)
                if header is None:
                    break
                kind, index, width, height, length = decoder.HEADER.unpack(header)
                if kind == decoder.FRAME:
                    if width * height > MAX_VIDEO_FRAME_PIXELS:
                        break  # more than any frame the child was asked for
                    image = np.empty((height, width, 3), dtype=np.uint8)
                    if length != image.nbytes or not _fill(stream, memoryview(image).cast("B")):
                        break
                    if not self._arrive(decoder.FRAME, (index, image)):
                        return
                    continue
                payload = _read_exactly(stream, length)
                if payload is None:
                    break
                if kind in (decoder.OPENED, decoder.ENDED):
                    self._arrive(kind, json.loads(payload))
                else:
                    self._arrive(decoder.FAILED, payload.decode(errors="replace"))
                if kind != decoder.OPENED:
                    return
        except (OSError, ValueError):
            log.exception("Reading from the video decoder failed")
        if not self._closing.is_set():
            try:
                exit_code = child.wait(timeout=2)
            except subprocess.TimeoutExpired:
                exit_code = "none yet"
            self._arrive(decoder.FAILED, f"the decoder stopped unexpectedly (exit code {exit_code})")

    def _arrive(self, kind: int, content) -> bool:
        """Queue what arrived, waiting while the queue is full; False once closing."""
        while not self._closing.is_set():
            try:
                self._arrivals.put((kind, content), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _next_arrival(self, timeout: float):
        try:
            return self._arrivals.get(timeout=timeout)
        except queue.Empty:
            return decoder.FAILED, f"the decoder sent nothing for {timeout:g} s"

    def read(self) -> Frame | None:
        if self._ended or self._child is None:
            return None
        kind, content = self._next_arrival(self.frame_timeout)
        if kind != decoder.FRAME:
            self._finish(kind, content)
            return None
        index, image = content
        if not self.loop and index / self.fps > MAX_VIDEO_SECONDS:
            # The file's header understated its length.
            self._end(video_too_long())
            return None
        if self.real_time:
            self._wait_until_due(index)
        return Frame(image, index / self.fps, index)

    def _wait_until_due(self, index: int) -> None:
        now = time.perf_counter()
        if self._started is None:
            self._started = now - index / self.fps
        delay = self._started + index / self.fps - now
        if delay > 0:
            time.sleep(delay)

    def _finish(self, kind: int, content) -> None:
        if kind == decoder.ENDED:
            promised = self.frame_count
            if not self.loop and promised and content["frames"] < SHORTFALL_MEANING_DAMAGE * promised:
                log.warning("%s ended after %d of %d frames", self.path, content["frames"], promised)
                self._end(VIDEO_ENDED_EARLY)
            else:
                self._end(None)
        else:
            log.warning("The video %s could not be read: %s%s", self.path, content, self._child_output())
            self._end(UNREADABLE_VIDEO)

    def _child_output(self) -> str:
        """The end of what the child printed (OpenCV's and FFmpeg's own complaints), for the log."""
        if self._child_log is None:
            return ""
        try:
            self._child_log.seek(0, os.SEEK_END)
            self._child_log.seek(max(0, self._child_log.tell() - 2000))
            output = self._child_log.read().decode(errors="replace").strip()
        except (OSError, ValueError):
            return ""
        return f"\n{output}" if output else ""

    def _end(self, problem: str | None) -> None:
        self.problem = problem
        self._ended = True
        self._stop_child()

    def _stop_child(self) -> None:
        child, self._child = self._child, None
        self._closing.set()
        if child is not None:
            child.kill()
            child.wait()
        # The reader sees the end of the pipe once the child is gone; only then may the
        # pipe be closed under it.
        if self._reader is not None:
            self._reader.join()
            self._reader = None
        if child is not None:
            child.stdin.close()
            child.stdout.close()
        if self._child_log is not None:
            self._child_log.close()
            self._child_log = None

    def close(self) -> None:
        self._ended = True
        self._stop_child()
