"""Thumbnails decrypted and decoded away from the screen, and a bounded place to keep them.

A list of a long-term client's work must cost what is on the screen: its rows appear at
once with a placeholder, and each picture follows when a worker thread has read it (a
decryption and a checksum) and decoded it (Pillow, within the picture bounds of
`expressive.limits`), in the order the rows asked for it. A row scrolled away withdraws
its request, so a fast scroll never queues up work for pictures nobody sees. Nothing
decoded is ever written to disk: the pixels go from the worker straight to the screen's
own memory.

No Kivy here: the screen side (textures, widgets, the clock) is `expressive.ui.thumbnails`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from expressive.limits import InputRefused, open_picture_bounded
from expressive.portfolio import PortfolioError

log = logging.getLogger(__name__)

# How much less of the processor a worker asks for than the screen's thread (Unix "nice").
WORKER_NICENESS = 10

Value = TypeVar("Value")


@dataclass(frozen=True)
class Decoded:
    """A picture as RGBA pixels, top row first."""

    width: int
    height: int
    pixels: bytes


def decode_thumbnail(data: bytes, max_size: tuple[int, int]) -> Decoded:
    """`data` (a PNG, a JPEG) decoded and shrunk to fit `max_size`, so that what is kept of
    it costs what a tile shows, whatever size it was made at. Raises InputRefused for a
    picture over the bounds or one that cannot be decoded."""
    with open_picture_bounded(data) as image:
        # Converted first: a palette picture would be shrunk without smoothing.
        rgba = image.convert("RGBA")
    rgba.thumbnail(max_size)
    return Decoded(rgba.width, rgba.height, rgba.tobytes())


class BoundedCache(Generic[Value]):
    """The most recently used values whose costs add up to at most `budget`; the least
    recently used go first. For one thread only (the screen's)."""

    def __init__(self, budget: int, cost: Callable[[Value], int]):
        self.budget = budget
        self._cost = cost
        self._values: OrderedDict[Hashable, tuple[Value, int]] = OrderedDict()
        self.total = 0

    def get(self, key: Hashable) -> Value | None:
        found = self._values.get(key)
        if found is None:
            return None
        self._values.move_to_end(key)
        return found[0]

    def put(self, key: Hashable, value: Value) -> None:
        self._drop(key)
        cost = self._cost(value)
        if cost > self.budget:
            return
        self._values[key] = (value, cost)
        self.total += cost
        while self.total > self.budget:
            self._drop(next(iter(self._values)))

    def _drop(self, key: Hashable) -> None:
        found = self._values.pop(key, None)
        if found is not None:
            self.total -= found[1]

    def clear(self) -> None:
        self._values.clear()
        self.total = 0

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values


# What a worker delivers: the key asked for, the picture or None when it cannot be shown
# (unreadable, damaged, refused by the bounds), and the generation it was asked in.
Delivery = Callable[[Hashable, "Decoded | None", int], None]


class ThumbnailDecoder:
    """Worker threads that read and decode the thumbnails wanted, oldest request first. One
    by default: a tablet's other core draws the screen, and one worker keeps the order.

    `deliver` is called on a worker thread; the caller hands the result to its own thread.
    `forget()` starts a new generation: requests waiting are dropped, and what a worker
    finishes from before is delivered with its old generation, for the caller to throw away
    (the portfolio was locked meanwhile)."""

    def __init__(self, deliver: Delivery, max_size: tuple[int, int], *, workers: int = 1):
        self._deliver = deliver
        self.max_size = max_size
        self._workers = workers
        self._threads: list[threading.Thread] = []
        self._waiting: OrderedDict[Hashable, Callable[[], bytes]] = OrderedDict()
        # The keys workers are decoding, with the generation each was asked in.
        self._in_hand: dict[Hashable, int] = {}
        self.generation = 0
        self._changed = threading.Condition()

    def want(self, key: Hashable, read: Callable[[], bytes]) -> None:
        """Decode what `read()` returns, after the requests made before it (once: a key
        already waiting or being decoded is delivered once)."""
        with self._changed:
            if key in self._waiting or self._in_hand.get(key) == self.generation:
                return
            self._waiting[key] = read
            self._start_workers()
            self._changed.notify()

    def withdraw(self, key: Hashable) -> None:
        """No longer wanted (its row scrolled away); a worker already decoding it finishes."""
        with self._changed:
            self._waiting.pop(key, None)

    def forget(self) -> None:
        with self._changed:
            self._waiting.clear()
            self.generation += 1

    def busy(self) -> bool:
        """Whether a request is waiting or being decoded."""
        with self._changed:
            return bool(self._waiting) or bool(self._in_hand)

    def _start_workers(self) -> None:
        # Started on first use: an app that never shows a thumbnail starts no thread.
        while len(self._threads) < self._workers:
            thread = threading.Thread(target=self._work, name="thumbnails", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _work(self) -> None:
        try:
            # Below the screen's thread on a busy processor, so that decoding slows frames
            # as little as it can (Linux, Android; elsewhere the usual priority is kept).
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
        except (AttributeError, OSError):
            pass
        while True:
            with self._changed:
                while not self._waiting:
                    self._changed.wait()
                key, read = self._waiting.popitem(last=False)
                generation = self.generation
                self._in_hand[key] = generation
            try:
                decoded = self._decode(read)
                self._deliver(key, decoded, generation)
            finally:
                with self._changed:
                    del self._in_hand[key]

    def _decode(self, read: Callable[[], bytes]) -> Decoded | None:
        try:
            return decode_thumbnail(read(), self.max_size)
        except (PortfolioError, InputRefused):
            return None
        except Exception:  # bytes that pass their checksum can still fail inside the decoder
            log.warning("A thumbnail could not be decoded", exc_info=True)
            return None
