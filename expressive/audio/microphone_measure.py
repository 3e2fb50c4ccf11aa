"""Speed figures of the microphone, for `expressive bench`, with no window: how soon a
buffer the device hands over shows on the level meter, and how soon the microphone's
level reflects it. No Kivy here."""

from __future__ import annotations

import threading
import time

from expressive.api.measure import Figure, percentile
from expressive.audio.microphone import METER_POLLS_PER_SECOND, FakeMicrophone

# How often the watcher of level() looks when measuring the microphone alone.
CLOSE_WATCH_SECONDS = 0.0005


class _StampedMicrophone(FakeMicrophone):
    """The fake microphone at a real device's pace, noting when each buffer arrived."""

    def __init__(self) -> None:
        super().__init__(real_time=True)
        self.arrivals: list[float] = []

    def _receive(self, samples) -> None:
        self.arrivals.append(time.perf_counter())
        super()._receive(samples)


def _watch(seconds: float, every: float) -> list[float]:
    """Seconds from each buffer's arrival to the first look at the microphone after it,
    looking every `every` seconds on a thread of its own, as the meter does on the UI's."""
    microphone = _StampedMicrophone()
    waits: list[float] = []
    stop = threading.Event()

    def look() -> None:
        seen = 0
        while not stop.wait(every):
            microphone.level()
            now = time.perf_counter()
            arrivals = microphone.arrivals[seen:]
            seen += len(arrivals)
            waits.extend(now - arrived for arrived in arrivals)

    watcher = threading.Thread(target=look, name="level watcher", daemon=True)
    microphone.start()
    watcher.start()
    microphone.wait_for_seconds(seconds, timeout=seconds * 3)
    stop.set()
    watcher.join()
    microphone.stop()
    return waits


def microphone_figures(quick: bool) -> list[Figure]:
    """The fake microphone delivering 512-sample buffers (11.6 ms) at a real device's pace
    for 1 s (quick) or 5 s, watched as the level meter watches it."""
    seconds = 1.0 if quick else 5.0
    to_meter = _watch(seconds, 1 / METER_POLLS_PER_SECOND)
    to_level = _watch(seconds, CLOSE_WATCH_SECONDS)
    return [
        Figure("microphone_buffer_to_meter_p99", percentile(to_meter, 0.99) * 1000, "ms", 50.0,
               f"from a microphone buffer arriving to the level meter's next look at it ({METER_POLLS_PER_SECOND} "
               f"looks a second), p99 of {len(to_meter)} buffers of the fake microphone at a real device's pace"),
        Figure("microphone_buffer_to_level_p99", percentile(to_level, 0.99) * 1000, "ms", 10.0,
               f"from a microphone buffer arriving to level() reflecting it, watched every "
               f"{CLOSE_WATCH_SECONDS * 1000:g} ms from another thread, p99 of {len(to_level)} buffers"),
    ]
