"""Raw movement video, kept only when the therapist turned it on for the client.

Frames are compressed to JPEG in memory as they come and put into a Motion-JPEG AVI
(which any video player opens) in memory too: OpenCV's video writer only writes to a
file, and a plaintext file of a client's face must never touch the disk of an encrypted
portfolio. No Kivy here.
"""

from __future__ import annotations

import struct

import cv2
import numpy as np

JPEG_QUALITY = 80
_KEYFRAME = 0x10
_HAS_INDEX = 0x10


class VideoKeeper:
    """Keeps frames (BGR arrays) up to `limit_seconds` of capture time, then no more."""

    def __init__(self, limit_seconds: float):
        self.limit_seconds = limit_seconds
        self._frames: list[bytes] = []
        self._first_time: float | None = None
        self._last_time = 0.0
        self._size: tuple[int, int] | None = None

    @property
    def full(self) -> bool:
        return self._first_time is not None and self._last_time - self._first_time >= self.limit_seconds

    @property
    def seconds(self) -> float:
        return 0.0 if self._first_time is None else self._last_time - self._first_time

    def add(self, image: np.ndarray, time: float) -> bool:
        """Keep one frame taken at `time` (seconds); False once the limit is reached."""
        if self.full:
            return False
        height, width = image.shape[:2]
        if self._size is None:
            self._size = (width, height)
            self._first_time = time
        elif (width, height) != self._size:
            image = cv2.resize(image, self._size)
        ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if ok:
            self._frames.append(jpeg.tobytes())
            self._last_time = time
        return True

    def avi(self) -> bytes | None:
        """The kept frames as a Motion-JPEG AVI, at their average frame rate; None if none."""
        if not self._frames or self._size is None:
            return None
        fps = (len(self._frames) - 1) / self.seconds if self.seconds > 0 else 25.0
        return mjpeg_avi(self._frames, self._size, max(1.0, fps))


def _chunk(fourcc: bytes, data: bytes) -> bytes:
    return fourcc + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")


def _list(kind: bytes, data: bytes) -> bytes:
    return _chunk(b"LIST", kind + data)


def mjpeg_avi(frames: list[bytes], size: tuple[int, int], fps: float) -> bytes:
    """JPEG `frames` of `size` (width, height) as an AVI file (the classic RIFF layout
    with an idx1 index, which every player reads)."""
    width, height = size
    rate, scale = round(fps * 1000), 1000
    largest = max(len(frame) for frame in frames)
    main_header = struct.pack(
        "<10I4I", round(1_000_000 / fps), round(largest * fps), 0, _HAS_INDEX, len(frames), 0, 1, largest,
        width, height, 0, 0, 0, 0,
    )
    stream_header = struct.pack(
        "<4s4sIHHIIIIIIII4h", b"vids", b"MJPG", 0, 0, 0, 0, scale, rate, 0, len(frames), largest, 0xFFFFFFFF, 0,
        0, 0, width, height,
    )
    stream_format = struct.pack("<IiiHH4sIiiII", 40, width, height, 1, 24, b"MJPG", width * height * 3, 0, 0, 0, 0)
    headers = _list(b"hdrl", _chunk(b"avih", main_header) + _list(b"strl", _chunk(b"strh", stream_header) + _chunk(b"strf", stream_format)))
    movie = bytearray()
    index = bytearray()
    for frame in frames:
        # Offsets count from the "movi" fourcc, as the index's readers expect.
        index += struct.pack("<4sIII", b"00dc", _KEYFRAME, 4 + len(movie), len(frame))
        movie += _chunk(b"00dc", frame)
    body = b"AVI " + headers + _list(b"movi", bytes(movie)) + _chunk(b"idx1", bytes(index))
    return b"RIFF" + struct.pack("<I", len(body)) + body
