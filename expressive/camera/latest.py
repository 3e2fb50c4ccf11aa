"""Reading a source on a thread of its own and keeping only its newest frame.

A live view and the movement analysis want the picture of now. Reading in their own
loop, they would fall behind whenever a frame took longer than the camera's period,
and every later frame would come late by as much; here older frames are dropped instead.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from expressive.camera.base import Frame, FrameSource
from expressive.i18n import N_

log = logging.getLogger(__name__)

SOURCE_FAILED = N_("The pictures stopped because of a fault in the app. Please try again.")


@dataclass(frozen=True)
class ArrivedFrame:
    """A frame and `arrived`, the `time.perf_counter()` at which the source handed it over:
    the start of the latency from camera to screen or sound."""

    frame: Frame
    arrived: float


class LatestFrame:
    """Reads `source` on a background thread from `start()` to `stop()` (or as a context
    manager), opening it there if it is not open yet, and closing it at the end.

    `newest` is the last frame read, for anyone who wants to look; `take()` hands each
    frame to one consumer at most once, waiting for a new one. Frames replaced before
    anyone took them are counted in `dropped`.
    """

    def __init__(self, source: FrameSource) -> None:
        self.source = source
        self.dropped = 0
        self._newest: ArrivedFrame | None = None
        self._taken = True
        self._ended = False
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def problem(self) -> str | None:
        return self.source.problem

    @property
    def ended(self) -> bool:
        """True once the source has no more frames (it ended or failed: see `problem`)."""
        with self._changed:
            return self._ended

    @property
    def newest(self) -> ArrivedFrame | None:
        with self._changed:
            return self._newest

    def start(self) -> None:
        """Read the source (again, after `stop`: it is opened anew)."""
        if self._thread is not None:
            return
        with self._changed:
            self._ended, self._newest, self._taken = False, None, True
        self._stopping.clear()
        self._thread = threading.Thread(target=self._read_all, name=f"latest-frame {self.source.name}", daemon=True)
        self._thread.start()

    def take(self, timeout: float | None = None) -> ArrivedFrame | None:
        """The newest frame not taken yet, waiting up to `timeout` seconds (for ever if None)
        for one; None if none came in time or the source has ended."""
        with self._changed:
            if not self._changed.wait_for(lambda: not self._taken or self._ended, timeout):
                return None
            if self._taken:
                return None
            self._taken = True
            return self._newest

    def stop(self) -> None:
        """Stop reading and close the source; returns once the thread has finished."""
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()

    def _read_all(self) -> None:
        source = self.source
        try:
            source.open()
            while not self._stopping.is_set() and source.problem is None:
                frame = source.read()
                if frame is None:
                    break
                arrived = ArrivedFrame(frame, time.perf_counter())
                with self._changed:
                    if not self._taken:
                        self.dropped += 1
                    self._newest = arrived
                    self._taken = False
                    self._changed.notify_all()
        except Exception:
            # A source is meant to set `problem` rather than raise; one that raises anyway
            # must still end the stream, or a consumer would wait for ever.
            log.exception("Reading %s failed", source.name)
            source.problem = source.problem or SOURCE_FAILED
        finally:
            source.close()
            with self._changed:
                self._ended = True
                self._changed.notify_all()

    def __enter__(self) -> LatestFrame:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
