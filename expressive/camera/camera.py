"""A camera plugged into (or built into) the tablet, through OpenCV."""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from expressive.camera.base import Frame, FrameSource
from expressive.i18n import N_

log = logging.getLogger(__name__)

NO_CAMERA = N_("No camera was found. You can go on with a video file or the moving test pattern.")
CAMERA_BUSY = N_(
    "The camera is there but sends no pictures; another app may be using it. "
    "You can go on with a video file or the moving test pattern."
)
CAMERA_STOPPED = N_("The camera stopped sending pictures. Check that it is still plugged in.")
NO_VIDEO_LIBRARY = N_("This tablet cannot use the camera because its video library is missing.")

# A camera that reports no frame rate is assumed to run at the rate most webcams do.
ASSUMED_CAMERA_FPS = 30.0

VIDEO4LINUX = Path("/sys/class/video4linux")


@dataclass(frozen=True)
class CameraInfo:
    index: int
    name: str


@contextlib.contextmanager
def quiet_opencv():
    """Keep OpenCV from printing warnings while it probes cameras that may not exist:
    a missing camera is an answer here, not something to warn about."""
    import cv2

    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    try:
        yield cv2
    finally:
        cv2.utils.logging.setLogLevel(level)


def _capture_backend(cv2) -> int:
    if sys.platform.startswith("linux") and hasattr(cv2, "CAP_V4L2"):
        # OpenCV's default on Linux may go through GStreamer, which is slower to open and
        # adds its own buffering (latency) on top of the driver's.
        return cv2.CAP_V4L2
    return cv2.CAP_ANY


def _linux_device_name(index: int) -> str | None:
    """The name the driver gives /dev/video<index>, or None when no such device exists."""
    try:
        return (VIDEO4LINUX / f"video{index}" / "name").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def list_cameras(max_index: int = 4) -> list[CameraInfo]:
    """The cameras that open, among indexes 0 to `max_index` included. Never raises.

    On Linux only the device nodes the kernel lists are tried, so a tablet without a
    camera answers at once; elsewhere each index is tried with OpenCV.
    """
    found = []
    try:
        with quiet_opencv() as cv2:
            backend = _capture_backend(cv2)
            for index in range(max_index + 1):
                if sys.platform.startswith("linux"):
                    name = _linux_device_name(index)
                    if name is None:
                        continue
                else:
                    name = f"Camera {index + 1}"
                capture = cv2.VideoCapture(index, backend)
                try:
                    if capture.isOpened():
                        found.append(CameraInfo(index, name or f"Camera {index + 1}"))
                finally:
                    capture.release()
    except Exception:
        log.exception("Looking for cameras failed")
    return found


class CameraSource(FrameSource):
    """Camera number `index` at the `resolution` asked for (width, height).

    Cameras grant the nearest mode they have: `size` is what was granted, read from the
    first picture. Frame times are `time.perf_counter()` when the picture arrived.
    """

    def __init__(self, index: int = 0, resolution: tuple[int, int] = (640, 480)) -> None:
        super().__init__(f"camera {index}", resolution, ASSUMED_CAMERA_FPS)
        self.index = index
        self.resolution = resolution
        self._capture = None
        # Opening reads one picture to be sure the camera really sends them; that picture
        # (with the time it arrived) is the first one `read` hands out.
        self._first_picture: tuple[np.ndarray, float] | None = None
        self._next_index = 0

    def open(self) -> None:
        if self._capture is not None:
            return
        self.problem = None
        try:
            with quiet_opencv() as cv2:
                capture = cv2.VideoCapture(self.index, _capture_backend(cv2))
                if not capture.isOpened():
                    capture.release()
                    self.problem = NO_CAMERA
                    return
                capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.resolution[0])
                capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.resolution[1])
                # A queue of old pictures in the driver would add their age to the latency.
                capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
                ok, image = capture.read()
                arrived = time.perf_counter()
                if not ok or image is None:
                    capture.release()
                    self.problem = CAMERA_BUSY
                    return
                fps = capture.get(cv2.CAP_PROP_FPS)
        except ImportError:
            self.problem = NO_VIDEO_LIBRARY
            return
        except Exception:
            log.exception("Opening camera %d failed", self.index)
            self.problem = NO_CAMERA
            return
        self._capture = capture
        self._first_picture = (image, arrived)
        self.size = (image.shape[1], image.shape[0])
        self.fps = fps if fps and fps > 0 else ASSUMED_CAMERA_FPS
        log.info("Camera %d opened at %dx%d, %g fps", self.index, self.size[0], self.size[1], self.fps)

    def read(self) -> Frame | None:
        if self._capture is None:
            return None
        if self._first_picture is not None:
            (image, arrived), self._first_picture = self._first_picture, None
        else:
            try:
                ok, image = self._capture.read()
            except Exception:
                log.exception("Reading camera %d failed", self.index)
                ok, image = False, None
            arrived = time.perf_counter()
            if not ok or image is None:
                self.problem = CAMERA_STOPPED
                self.close()
                return None
        frame = Frame(image, arrived, self._next_index)
        self._next_index += 1
        return frame

    def close(self) -> None:
        capture, self._capture = self._capture, None
        self._first_picture = None
        if capture is not None:
            capture.release()
