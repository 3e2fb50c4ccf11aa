"""A moving test pattern: a bright figure crossing a dim room, for demos and for tablets
without a camera. The same drawing makes the movement activity's generated test clips."""

from __future__ import annotations

import math
import time
from statistics import NormalDist

import numpy as np

from expressive.camera.base import Frame, FrameSource

# Where the figure's middle goes, as fractions of the width: far enough from the edges
# that the whole figure stays in the picture.
LEFTMOST = 0.1
RIGHTMOST = 0.9
# One crossing of an endless pattern: slow enough to follow, quick enough for a demo.
CROSSING_SECONDS = 4.0
# How long the arms take to go up and down again.
ARM_WAVE_SECONDS = 2.0
# A little sensor noise, as a real camera gives (standard deviation, fraction of full scale).
PATTERN_NOISE = 0.012

FIGURE_HEIGHT = 0.55  # of the frame's height
FIGURE_COLOUR = (120, 200, 240)  # BGR: a light, warm shirt; grey level about 200
ROOM_GREY = 55


class FigureScene:
    """A dim, textured room in which a figure (head, body, arms, legs) can stand anywhere.

    `brightness` scales the whole picture (0.15 is a room lit by a lamp in a corner);
    `noise` is the standard deviation of the sensor noise added after dimming, as a
    fraction of full scale, which is what a camera does in the dark. `seed` fixes the
    room's texture and the noise, so the same scene draws the same frames.
    """

    def __init__(self, size: tuple[int, int], *, brightness: float = 1.0, noise: float = 0.0, seed: int = 0) -> None:
        import cv2

        self.size = size
        self.brightness = brightness
        self.noise = noise
        self.seed = seed
        width, height = size
        rng = np.random.default_rng(seed)
        # Blotches a few tens of pixels across, like a wall and a floor, plus fine grain:
        # texture that a frame difference must learn to ignore.
        blotches = cv2.resize(rng.normal(0, 14, (9, 12)).astype(np.float32), size, interpolation=cv2.INTER_CUBIC)
        grain = cv2.GaussianBlur(rng.normal(0, 6, (height, width)).astype(np.float32), (0, 0), 1.5)
        grey = ROOM_GREY + blotches + grain
        tint = np.array([1.05, 1.0, 0.92], dtype=np.float32)  # a slightly cool room
        self._room = np.clip(grey[:, :, None] * tint, 0, 255).astype(np.uint8)
        # Normal noise drawn as random bytes looked up in a table of the normal
        # distribution's quantiles: four times quicker than drawing normal numbers, which
        # a 30 fps pattern needs.
        quantiles = [NormalDist().inv_cdf((level + 0.5) / 256) for level in range(256)]
        self._grain_levels = np.round(np.array(quantiles) * noise * 255).astype(np.int16)

    def draw(self, centre: tuple[float, float] | None, *, arm_lift: float = 0.3, index: int = 0) -> np.ndarray:
        """The room with the figure's middle at `centre` (fractions of width and height),
        or the empty room when `centre` is None. `arm_lift` goes from 0 (arms hanging) to 1
        (arms straight up). `index` picks the frame's noise."""
        import cv2

        image = self._room.copy()
        if centre is not None:
            self._draw_figure(cv2, image, centre, arm_lift)
        if self.brightness != 1.0:
            image = cv2.convertScaleAbs(image, alpha=self.brightness)
        if self.noise > 0:
            rng = np.random.default_rng([self.seed, index])
            grain = self._grain_levels[rng.integers(0, 256, image.shape[:2], dtype=np.uint8)]
            image = cv2.add(image, cv2.merge([grain, grain, grain]), dtype=cv2.CV_8U)
        return image

    def _draw_figure(self, cv2, image: np.ndarray, centre: tuple[float, float], arm_lift: float) -> None:
        width, height = self.size
        unit = FIGURE_HEIGHT * height
        cx, cy = centre[0] * width, centre[1] * height

        def point(dx: float, dy: float) -> tuple[int, int]:
            return round(cx + dx * unit), round(cy + dy * unit)

        def thickness(fraction: float) -> int:
            return max(1, round(fraction * unit))

        colour = FIGURE_COLOUR
        cv2.circle(image, point(0, -0.41), thickness(0.09), colour, -1, cv2.LINE_AA)
        cv2.ellipse(image, point(0, -0.12), (thickness(0.1), thickness(0.19)), 0, 0, 360, colour, -1, cv2.LINE_AA)
        for side in (-1, 1):
            cv2.line(image, point(side * 0.05, 0.02), point(side * 0.12, 0.5), colour, thickness(0.07), cv2.LINE_AA)
            angle = math.radians(20 + 140 * arm_lift)  # from hanging down towards straight up
            shoulder = (side * 0.08, -0.26)
            hand = (shoulder[0] + side * 0.32 * math.sin(angle), shoulder[1] + 0.32 * math.cos(angle))
            cv2.line(image, point(*shoulder), point(*hand), colour, thickness(0.06), cv2.LINE_AA)


class PatternSource(FrameSource):
    """The figure crossing the room left to right, in `seconds`; without `seconds` it
    crosses in CROSSING_SECONDS and comes back, forever, waving its arms as it goes.

    Frame times are index / fps. With `real_time`, `read` waits until each frame is due,
    as a camera would; without it frames come as fast as they are drawn (tests, benchmarks).
    """

    def __init__(
        self,
        size: tuple[int, int] = (640, 480),
        fps: float = 30,
        seconds: float | None = None,
        *,
        real_time: bool = False,
    ) -> None:
        super().__init__("moving test pattern", size, float(fps))
        self.seconds = seconds
        self.real_time = real_time
        self._scene: FigureScene | None = None
        self._next_index = 0
        self._started: float | None = None

    def open(self) -> None:
        if self._scene is None:
            self._scene = FigureScene(self.size, noise=PATTERN_NOISE)
            self._next_index = 0
            self._started = None

    def figure_centre(self, index: int) -> tuple[float, float]:
        """Where the figure's middle is in frame `index` (fractions of width and height)."""
        elapsed = index / self.fps
        crossing = self.seconds if self.seconds is not None else CROSSING_SECONDS
        progress = elapsed / crossing
        if self.seconds is not None:
            along = min(progress, 1.0)
        else:
            along = 1 - abs(progress % 2 - 1)  # there and back
        return LEFTMOST + (RIGHTMOST - LEFTMOST) * along, 0.5

    def read(self) -> Frame | None:
        if self._scene is None:
            return None
        index = self._next_index
        if self.seconds is not None and index >= round(self.seconds * self.fps):
            return None
        if self.real_time:
            self._wait_until_due(index)
        arm_lift = 0.5 - 0.5 * math.cos(2 * math.pi * index / self.fps / ARM_WAVE_SECONDS)
        image = self._scene.draw(self.figure_centre(index), arm_lift=arm_lift, index=index)
        self._next_index += 1
        return Frame(image, index / self.fps, index)

    def _wait_until_due(self, index: int) -> None:
        now = time.perf_counter()
        if self._started is None:
            self._started = now
        delay = self._started + index / self.fps - now
        if delay > 0:
            time.sleep(delay)

    def close(self) -> None:
        self._scene = None
