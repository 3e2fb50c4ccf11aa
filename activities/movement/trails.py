"""The movement over time, kept small enough to replay the trails being painted.

Ten times a second the motion mask is shrunk to 80x60 and kept as bits (600 bytes),
which is the body's movement without any of the camera's picture; a replay paints these
into a `TrailPainter` again, in order. No Kivy here.
"""

from __future__ import annotations

import base64
import json
import math

import cv2
import numpy as np

from expressive.api.limits import MAX_LOG_BYTES, load_json_bounded

FORMAT_NAME = "expressive-movement-trails"
FORMAT_VERSION = 1
TRAILS_FILE = "trails.json"
SIZE = (80, 60)
PER_SECOND = 10


class TrailRecorder:
    """Keeps the first motion mask of each tenth of a second, shrunk and packed."""

    def __init__(self) -> None:
        self.frames: list[tuple[float, bytes]] = []
        self._last_slot = -1

    def add(self, motion_mask: np.ndarray, time: float) -> None:
        slot = math.floor(time * PER_SECOND)
        if slot <= self._last_slot:
            return
        self._last_slot = slot
        small = cv2.resize(motion_mask, SIZE, interpolation=cv2.INTER_AREA) > 0
        self.frames.append((round(time, 3), np.packbits(small).tobytes()))

    def to_json(self) -> bytes:
        return json.dumps({
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "width": SIZE[0],
            "height": SIZE[1],
            "frames": [{"t": t, "bits": base64.b64encode(bits).decode("ascii")} for t, bits in self.frames],
        }, separators=(",", ":")).encode("utf-8")


def read_trails(data: bytes) -> list[tuple[float, np.ndarray]]:
    """The kept masks as (time, uint8 mask of 0/255 at 80x60), oldest first; ValueError
    when the file is not a trails file this version reads."""
    document = load_json_bounded(data, max_bytes=MAX_LOG_BYTES, what="The movement trails file")
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME or document.get("version") != FORMAT_VERSION:
        raise ValueError("not a movement trails file of this version")
    width, height = document["width"], document["height"]
    frames = []
    for frame in document["frames"]:
        bits = np.unpackbits(np.frombuffer(base64.b64decode(frame["bits"]), dtype=np.uint8))[: width * height]
        frames.append((float(frame["t"]), (bits.reshape(height, width) * 255).astype(np.uint8)))
    return frames
