"""The frame-source interface every backend offers: a camera, a video file, a test pattern.

A source never raises for what a person can fix or live with (no camera, a damaged
file): it sets `problem` to one friendly sentence instead, and `read()` returns None.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Frame:
    """One picture from a source.

    `image` is uint8 BGR, height x width x 3 (OpenCV's order). `time` is in seconds:
    `time.perf_counter()` when a live source received it, `index / fps` for a file or a
    generated pattern, so times from one source always increase. `index` counts frames
    from 0 in the order the source delivered them.
    """

    image: np.ndarray
    time: float
    index: int


class FrameSource(ABC):
    """Frames from one source, read one at a time by one thread.

    `open()` first (or use the source as a context manager). `problem` is None while
    frames come, otherwise one sentence for the person holding the tablet. `size` is the
    (width, height) the source actually delivers and `fps` its frame rate, both known
    after `open()`.
    """

    def __init__(self, name: str, size: tuple[int, int], fps: float) -> None:
        self.name = name
        self.size = size
        self.fps = fps
        self.problem: str | None = None

    @abstractmethod
    def open(self) -> None:
        """Get ready to deliver frames; on failure set `problem` rather than raise."""

    @abstractmethod
    def read(self) -> Frame | None:
        """The next frame, or None when the source has ended or failed (`problem` says why)."""

    @abstractmethod
    def close(self) -> None:
        """Let go of the device, file or child process; safe to call more than once."""

    def __enter__(self) -> FrameSource:
        self.open()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} {self.size[0]}x{self.size[1]} @ {self.fps:g} fps problem={self.problem!r}>"


class UnavailableSource(FrameSource):
    """A source that cannot deliver anything, only say why: what `open_frame_source`
    returns instead of raising."""

    def __init__(self, problem: str, name: str = "unavailable") -> None:
        super().__init__(name, (0, 0), 0.0)
        self.problem = problem

    def open(self) -> None:
        pass

    def read(self) -> Frame | None:
        return None

    def close(self) -> None:
        pass
