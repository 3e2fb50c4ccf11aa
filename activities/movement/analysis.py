"""Movement analysis: from camera frames to how much, how wide, where and how fast the
client moves (`Features`), plus the pictures the painting and the sounds are made from.

Pure numpy and OpenCV, no Kivy. One frame of 640x480 takes a few milliseconds (see
`expressive.activities.movement.measure`), well inside the 10 ms budget, with whole-image OpenCV
operations only.

How a frame is analysed:
1. Scaled to `size`, turned grey and blurred (5x5), which takes out most sensor noise.
2. Two references: a *recent* one (the last ~0.1 s, averaged) and a *background*: the
   empty room captured by `calibrate`, or else the median of frames kept over the
   warm-up, then a running average (~2 s) learnt away from whatever moves, so that a
   person who stops moving melts into it and a passing one leaves no trail.
3. Differences from each are thresholded. The threshold follows `sensitivity`, divided
   by a running brightness gain so a dim room counts as much as a bright one, and never
   below four times the frame's own noise, so a dark, grainy picture stays quiet.
4. `silhouette` is what differs from the background; `motion_mask` is the silhouette
   where it is near (within MOTION_REACH of) what differs from the recent frames: a
   moving arm whole, not the still body it belongs to. Morphology removes specks and
   closes small holes; dead zones are cleared from both.
5. Features come from `motion_mask` and are smoothed over SMOOTHING_SECONDS.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import cv2
import numpy as np

from expressive.activities.movement.features import Features
from expressive.api.camera import Frame

# Time constant of the exponential smoothing of every feature: steadies the values from
# frame to frame while adding only about a tenth of a second of lag, within the 100 ms
# budget from camera to sound.
SMOOTHING_SECONDS = 0.1
# How long a motion takes to fade out of `history`.
HISTORY_SECONDS = 1.5
# Memory of the recent reference: compared with it, a movement shows a few frames'
# worth of change whatever the frame rate, and the reference's noise is averaged away.
RECENT_SECONDS = 0.1
# Memory of the running-average background when no empty room was captured: a person
# who stops moving melts into it over a few seconds.
BACKGROUND_SECONDS = 2.0
# A captured background follows the light of the day slowly, away from what moves: a
# body holding still stays in the silhouette for a minute or so, while a chair moved
# since the capture fades out of it in as long. When more than LIGHT_CHANGE_SHARE of the
# picture differs from it, the light has changed: the whole room is learnt again, with
# a time constant of RELEARN_TIME_CONSTANT, until RELEARN_SECONDS after that stops
# (by then what is left of the change is a twentieth).
CALIBRATED_BACKGROUND_SECONDS = 30.0
LIGHT_CHANGE_SHARE = 0.6
RELEARN_TIME_CONSTANT = 1.0
RELEARN_SECONDS = 3 * RELEARN_TIME_CONSTANT
# During the warm-up the brightness and noise levels are learnt quickly, while the
# camera's exposure settles.
WARMUP_LEARNING_SECONDS = 0.25
# Frames of the room kept during the warm-up, whose median is the first background.
WARMUP_ROOM_SAMPLES = 7
# Memory of the brightness and noise levels, long enough that a person walking in does
# not change them.
LEVELS_SECONDS = 2.0

# The brightness gain lifts a dim room towards this mean grey level, by at most MAX_GAIN.
TARGET_BRIGHTNESS = 110.0
MAX_GAIN = 8.0
# Grey levels a change must reach at sensitivity 0 (only big changes) and 1 (the slightest).
COARSEST_THRESHOLD = 50.0
FINEST_THRESHOLD = 4.0
# A change is taken for noise below this many standard deviations of the frame's noise.
NOISE_MARGIN = 4.0
# The median of |x| for normally distributed x, in standard deviations.
MEDIAN_OF_ABSOLUTE_NORMAL = 0.6745

# Patches smaller than this share of the frame are left out of the body's outline, so
# one stray speck does not stretch it across the room; less motion than this in all
# means nothing moves.
SMALLEST_PATCH = 0.0005
# How far around a moving edge the still silhouette counts as moving too, as a share of
# the width: about a hand's breadth for someone filling the frame.
MOTION_REACH = 0.04


def _smoothing(dt: float, seconds: float) -> float:
    """The weight of a new value in exponential smoothing with time constant `seconds`
    after `dt` seconds, so the smoothing means the same at any frame rate."""
    return 1.0 - math.exp(-dt / seconds)


class MotionAnalyzer:
    """Analyses frames one at a time, in order, from one thread.

    `size` (width, height) is the resolution worked at; frames of other sizes are
    resized. `sensitivity` from 0 (only big changes count) to 1 (the slightest).
    During the first `warmup_seconds` of frames no motion is reported, while a camera's
    automatic exposure settles. `dead_zones` are rectangles (x, y, width, height, as
    fractions of the frame) where nothing counts: a window on moving trees, a fan.

    After each `analyze`, for the painting and the sounds, all at `size`:
    `motion_mask` (uint8, 255 where something moved), `history` (float32, 1 where
    something moves now, fading to 0 over HISTORY_SECONDS) and `silhouette` (uint8, 255
    on the body's shape, nothing of the face or the room). Each frame replaces these
    arrays rather than writing into them, so another thread may hold on to one.

    `expansiveness` is the area of the convex hull around the moving patches (those of
    at least SMALLEST_PATCH of the frame) as a share of the frame: arms spread or legs
    apart give a large hull, a body curled up a small one. With several people moving
    it spans the group.
    """

    def __init__(
        self,
        size: tuple[int, int] = (640, 480),
        sensitivity: float = 0.5,
        warmup_seconds: float = 1.0,
        dead_zones: Sequence[tuple[float, float, float, float]] = (),
    ) -> None:
        self.size = size
        self.warmup_seconds = warmup_seconds
        width, height = size
        self._area = width * height
        self._smallest_patch_pixels = max(1, round(SMALLEST_PATCH * self._area))
        self._speck = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
        self._hole = cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7))
        reach = 2 * round(MOTION_REACH * width) + 1
        self._reach = cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach))
        self.sensitivity = sensitivity
        self.dead_zones = dead_zones

        blank = np.zeros((height, width), dtype=np.uint8)
        self.motion_mask = blank
        self.silhouette = blank
        self.history = np.zeros((height, width), dtype=np.float32)

        self._calibrated = False
        self._relearn_until = -math.inf
        self._background: np.ndarray | None = None
        self._room_samples: list[np.ndarray] = []
        self._recent: np.ndarray | None = None
        self._first_time: float | None = None
        self._last_time = 0.0
        self._brightness = 0.0
        self._noise = 0.0
        self._quantity = 0.0
        self._expansiveness = 0.0
        self._centroid: tuple[float, float] | None = None
        self._speed = 0.0

    @property
    def sensitivity(self) -> float:
        return self._sensitivity

    @sensitivity.setter
    def sensitivity(self, value: float) -> None:
        self._sensitivity = min(1.0, max(0.0, float(value)))
        # Geometric, so each step of a slider changes the threshold by the same ratio.
        self._threshold_floor = COARSEST_THRESHOLD * (FINEST_THRESHOLD / COARSEST_THRESHOLD) ** self._sensitivity

    @property
    def dead_zones(self) -> tuple[tuple[float, float, float, float], ...]:
        return self._dead_zones

    @dead_zones.setter
    def dead_zones(self, zones: Sequence[tuple[float, float, float, float]]) -> None:
        width, height = self.size
        allowed = np.full((height, width), 255, dtype=np.uint8)
        for x, y, w, h in zones:
            left, top = max(0, round(x * width)), max(0, round(y * height))
            right, bottom = min(width, round((x + w) * width)), min(height, round((y + h) * height))
            allowed[top:bottom, left:right] = 0
        self._dead_zones = tuple(tuple(zone) for zone in zones)
        self._allowed = allowed

    @property
    def calibrated(self) -> bool:
        """True once an empty room has been captured with `calibrate`."""
        return self._calibrated

    def calibrate(self, frames: Iterable[Frame]) -> None:
        """Take `frames` of the empty room (a few, a second's worth is plenty) as the
        background. Their median ignores someone passing through one of them."""
        pictures = [self._prepare(frame.image) for frame in frames]
        if not pictures:
            raise ValueError("Calibrating needs at least one frame of the empty room.")
        background = np.median(np.stack(pictures), axis=0).astype(np.float32)
        self._background = background
        self._calibrated = True
        self._room_samples = []

    def analyze(self, frame: Frame) -> Features:
        picture = self._prepare(frame.image)
        if self._first_time is None:
            self._start(picture, frame.time)
        dt = frame.time - self._last_time
        if dt <= 0:
            dt = 1 / 30  # a repeated or out-of-order time: assume a camera's usual period
        self._last_time = frame.time
        elapsed = frame.time - self._first_time
        warming_up = elapsed < self.warmup_seconds

        levels = _smoothing(dt, WARMUP_LEARNING_SECONDS if warming_up else LEVELS_SECONDS)
        self._brightness += levels * (cv2.mean(picture)[0] - self._brightness)
        change = cv2.absdiff(picture, cv2.convertScaleAbs(self._recent))
        self._noise += levels * (self._noise_level(change) - self._noise)
        gain = min(MAX_GAIN, max(1.0, TARGET_BRIGHTNESS / max(self._brightness, 1.0)))
        # Thresholding the raw difference at floor / gain is the same as brightening the
        # frame by the gain and thresholding at floor, without a pass over the image.
        threshold = max(self._threshold_floor / gain, NOISE_MARGIN * self._noise, 1.0)

        cv2.accumulateWeighted(picture, self._recent, _smoothing(dt, RECENT_SECONDS))
        if warming_up:
            self._sample_room(picture, elapsed)
            return Features(elapsed, 0.0, 0.0, None, 0.0)
        if self._room_samples:
            self._background = np.median(np.stack(self._room_samples), axis=0).astype(np.float32)
            self._room_samples = []

        moving = self._mask(change, threshold)
        foreground = self._mask(cv2.absdiff(picture, cv2.convertScaleAbs(self._background)), threshold)
        silhouette = cv2.morphologyEx(foreground, cv2.MORPH_CLOSE, self._hole)
        near_moving = cv2.dilate(moving, self._reach)
        motion = cv2.bitwise_and(silhouette, near_moving)
        motion = cv2.bitwise_and(cv2.morphologyEx(motion, cv2.MORPH_CLOSE, self._hole), self._allowed)
        silhouette = cv2.bitwise_and(silhouette, self._allowed)

        self._learn(picture, silhouette, near_moving, dt)
        self.motion_mask = motion
        self.silhouette = silhouette
        faded = cv2.subtract(self.history, dt / HISTORY_SECONDS)
        self.history = cv2.max(cv2.max(faded, 0.0), motion.astype(np.float32) * np.float32(1 / 255))
        return self._features(motion, elapsed, dt)

    def _prepare(self, image: np.ndarray) -> np.ndarray:
        """The frame at `size`, grey and blurred."""
        height, width = image.shape[:2]
        if (width, height) != self.size:
            shrinking = width > self.size[0] or height > self.size[1]
            image = cv2.resize(image, self.size, interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
        return cv2.GaussianBlur(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), (5, 5), 0)

    def _start(self, picture: np.ndarray, time: float) -> None:
        self._first_time = self._last_time = time
        self._recent = picture.astype(np.float32)
        if self._background is None:
            self._background = picture.astype(np.float32)
        self._brightness = cv2.mean(picture)[0]

    @staticmethod
    def _noise_level(change: np.ndarray) -> float:
        """The standard deviation of the noise in `change`, from its median: most of a
        frame is still, so the median difference is the noise's, whatever moves."""
        counts = cv2.calcHist([change], [0], None, [256], [0, 256]).ravel()
        median = int(np.searchsorted(np.cumsum(counts), counts.sum() / 2))
        return median / MEDIAN_OF_ABSOLUTE_NORMAL

    def _mask(self, difference: np.ndarray, threshold: float) -> np.ndarray:
        _, mask = cv2.threshold(difference, threshold, 255, cv2.THRESH_BINARY)
        mask = cv2.bitwise_and(mask, self._allowed)
        return cv2.morphologyEx(mask, cv2.MORPH_OPEN, self._speck)

    def _sample_room(self, picture: np.ndarray, elapsed: float) -> None:
        """Keep a few frames spread over the warm-up; their median is the first background.

        A running average would keep a trace of everyone who moved during the warm-up,
        to be taken for a body until it faded; in the median, whoever moves on within
        half the warm-up leaves no trace. (The median costs about 20 ms, once.)"""
        if self.calibrated:
            return
        if elapsed >= len(self._room_samples) * self.warmup_seconds / WARMUP_ROOM_SAMPLES:
            self._room_samples.append(picture)

    def _learn(self, picture: np.ndarray, silhouette: np.ndarray, near_moving: np.ndarray, dt: float) -> None:
        if self.calibrated and cv2.countNonZero(silhouette) > LIGHT_CHANGE_SHARE * self._area:
            self._relearn_until = self._last_time + RELEARN_SECONDS
        if self._last_time < self._relearn_until:
            # Nobody covers most of the picture: the light changed (a lamp, a cloud), and
            # the room must be learnt again before anybody can be told from it.
            cv2.accumulateWeighted(picture, self._background, _smoothing(dt, RELEARN_TIME_CONSTANT))
            return
        # Not near what moves, or a moving body would leave a trail of itself in the
        # background (and so in the silhouette and the motion) as long as its passage;
        # the room it uncovers on its way is learnt as soon as it has gone by.
        seconds = CALIBRATED_BACKGROUND_SECONDS if self.calibrated else BACKGROUND_SECONDS
        cv2.accumulateWeighted(picture, self._background, _smoothing(dt, seconds), mask=cv2.bitwise_not(near_moving))

    def _features(self, motion: np.ndarray, elapsed: float, dt: float) -> Features:
        moving_pixels = cv2.countNonZero(motion)
        centroid = None
        expansiveness = 0.0
        if moving_pixels >= self._smallest_patch_pixels:
            moments = cv2.moments(motion, binaryImage=True)
            centroid = (moments["m10"] / moments["m00"] / self.size[0], moments["m01"] / moments["m00"] / self.size[1])
            expansiveness = self._hull_share(motion)

        weight = _smoothing(dt, SMOOTHING_SECONDS)
        self._quantity += weight * (moving_pixels / self._area - self._quantity)
        self._expansiveness += weight * (expansiveness - self._expansiveness)
        previous = self._centroid
        if centroid is not None:
            if previous is None:
                self._centroid = centroid
            else:
                self._centroid = (
                    previous[0] + weight * (centroid[0] - previous[0]),
                    previous[1] + weight * (centroid[1] - previous[1]),
                )
        elif self._quantity < SMALLEST_PATCH:
            self._centroid = None
        speed = 0.0
        if previous is not None and self._centroid is not None:
            # Heights are converted to widths, so a diagonal counts at its true length.
            dx = self._centroid[0] - previous[0]
            dy = (self._centroid[1] - previous[1]) * self.size[1] / self.size[0]
            speed = math.hypot(dx, dy) / dt
        self._speed += weight * (speed - self._speed)
        return Features(elapsed, self._quantity, self._expansiveness, self._centroid, self._speed)

    def _hull_share(self, motion: np.ndarray) -> float:
        contours, _ = cv2.findContours(motion, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        patches = [contour for contour in contours if cv2.contourArea(contour) >= self._smallest_patch_pixels]
        if not patches:
            return 0.0
        hull = cv2.convexHull(np.concatenate(patches))
        return cv2.contourArea(hull) / self._area
