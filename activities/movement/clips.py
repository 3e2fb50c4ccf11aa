"""Generated test clips with known motion: a figure crossing a dim, textured room.

The movement analysis is tested on these (where the figure truly is in every frame is
known) as well as on real footage, so the suite means something without the shared data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from expressive.api.camera import LEFTMOST, RIGHTMOST, FigureScene, Frame

DIRECTIONS = ("left-to-right", "right-to-left", "still")


@dataclass(frozen=True)
class MovingShapeClip:
    """A clip of `seconds` at `fps` in which the figure's middle travels at constant speed
    from LEFTMOST to RIGHTMOST of the width ("left-to-right"), back ("right-to-left"), or
    stands in the middle ("still"), half-way down the frame.

    `brightness` and `noise` dim the room and add sensor noise (see `FigureScene`);
    `seed` fixes the room's texture and the noise.
    """

    size: tuple[int, int] = (640, 480)
    fps: float = 25
    seconds: float = 4
    direction: str = "left-to-right"
    brightness: float = 1.0
    noise: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {self.direction!r}")

    @property
    def frame_count(self) -> int:
        return round(self.seconds * self.fps)

    @property
    def speed(self) -> float:
        """How fast the figure travels, in frame widths per second."""
        if self.direction == "still":
            return 0.0
        return (RIGHTMOST - LEFTMOST) / ((self.frame_count - 1) / self.fps)

    def centre(self, index: int) -> tuple[float, float]:
        """The figure's true middle in frame `index`, as fractions of width and height."""
        along = index / (self.frame_count - 1)
        if self.direction == "still":
            x = 0.5
        elif self.direction == "left-to-right":
            x = LEFTMOST + (RIGHTMOST - LEFTMOST) * along
        else:
            x = RIGHTMOST - (RIGHTMOST - LEFTMOST) * along
        return x, 0.5

    def frames(self) -> Iterator[Frame]:
        """The clip's frames in memory, with times index / fps, exactly as drawn."""
        scene = self._scene()
        for index in range(self.frame_count):
            yield Frame(scene.draw(self.centre(index), index=index), index / self.fps, index)

    def empty_frames(self, count: int) -> Iterator[Frame]:
        """The same room with nobody in it: what a calibration captures."""
        scene = self._scene()
        for index in range(count):
            yield Frame(scene.draw(None, index=index), index / self.fps, index)

    def write(self, path: str | Path) -> Path:
        """Write the clip as a Motion-JPEG AVI (what cameras and OpenCV everywhere read)."""
        import cv2

        path = Path(path)
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), self.fps, self.size)
        if not writer.isOpened():
            raise OSError(f"OpenCV cannot write a Motion-JPEG AVI at {path}")
        try:
            for frame in self.frames():
                writer.write(frame.image)
        finally:
            writer.release()
        return path

    def _scene(self) -> FigureScene:
        return FigureScene(self.size, brightness=self.brightness, noise=self.noise, seed=self.seed)


def write_moving_shape_clip(
    path: str | Path,
    *,
    size: tuple[int, int] = (640, 480),
    fps: float = 25,
    seconds: float = 4,
    direction: str = "left-to-right",
    brightness: float = 1.0,
    noise: float = 0.0,
) -> Path:
    """Write a `MovingShapeClip` to `path` (an .avi) and return the path."""
    clip = MovingShapeClip(size, fps, seconds, direction, brightness, noise)
    return clip.write(path)
