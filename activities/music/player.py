"""Playing a performance back through the audio engine, once or round and round.

The notes are started from a thread of their own at their times (perf_counter), not
from UI frames, which would put up to 16 ms of jitter on every note. No Kivy here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from expressive.lib.music.performance import KeyEvent, Performance

# A loop that ends on a note needs a breath before it starts again.
LOOP_GAP = 0.25


class Player:
    """Plays one performance at a time through `engine`; `play` again replaces it.

    `on_finished` is called on the player's thread when a performance that does not loop
    has played to its end (not when it was stopped).
    """

    def __init__(self, engine, clock: Callable[[], float] = time.perf_counter):
        self.engine = engine
        self._clock = clock
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._started_at = 0.0
        self._length = 0.0
        self.looping = False

    @property
    def is_playing(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def position(self) -> float:
        """Seconds into the performance (into the current round, when looping)."""
        if not self.is_playing:
            return 0.0
        elapsed = self._clock() - self._started_at
        return elapsed % self._length if self.looping and self._length else min(elapsed, self._length)

    def play(self, performance: Performance, *, loop: bool = False, on_finished: Callable[[], None] | None = None) -> None:
        self.stop()
        events = performance.note_events()
        self.looping = loop
        self._length = performance.duration + (LOOP_GAP if loop else 0.0)
        self._stop = threading.Event()
        self._started_at = self._clock()
        self._thread = threading.Thread(
            target=self._run, args=(events, self._stop, on_finished), name="expressive-player", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=2)
            self._thread = None

    def _run(self, events: list[KeyEvent], stop: threading.Event, on_finished) -> None:
        sounding: set[tuple[int, str]] = set()
        round_start = self._started_at
        try:
            while not stop.is_set():
                for event in events:
                    if stop.wait(max(0.0, round_start + event.time - self._clock())):
                        return
                    if event.velocity:
                        self.engine.note_on(event.note, event.velocity, event.instrument)
                        sounding.add((event.note, event.instrument))
                    else:
                        self.engine.note_off(event.note, event.instrument)
                        sounding.discard((event.note, event.instrument))
                if not self.looping:
                    stop.wait(max(0.0, round_start + self._length - self._clock()))
                    if not stop.is_set() and on_finished is not None:
                        on_finished()
                    return
                round_start += self._length
                stop.wait(max(0.0, round_start - self._clock()))
        finally:
            # Whatever was stopped half-way must not ring on.
            for note, instrument in sounding:
                self.engine.note_off(note, instrument)
