"""Slowing down guesses: each wrong passphrase or PIN doubles the wait before the next try.

The count survives a restart of the app (in a small file beside the portfolio, holding no
client data), so closing and reopening the app does not skip the wait.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from collections.abc import Callable

from expressive.portfolio.atomic import write_file

FIRST_DELAY_SECONDS = 1.0
LONGEST_DELAY_SECONDS = 300.0


class Lockout:
    def __init__(self, path: Path | None = None, clock: Callable[[], float] = time.time):
        self.path = path
        self.clock = clock
        self.failures = 0
        self._next_try_at = 0.0
        self._load()

    def seconds_to_wait(self) -> float:
        # Never longer than the longest wait: a clock set back, or a state file changed by
        # hand, must not lock the therapist out for days.
        return min(max(0.0, self._next_try_at - self.clock()), LONGEST_DELAY_SECONDS)

    def failed(self) -> float:
        """Record a wrong guess; returns how long the next one must wait."""
        self.failures += 1
        # The exponent is bounded, so a count of millions (a state file changed by hand) is
        # still a number of seconds and not an overflow.
        doublings = min(self.failures - 1, int(math.log2(LONGEST_DELAY_SECONDS / FIRST_DELAY_SECONDS)) + 1)
        delay = min(FIRST_DELAY_SECONDS * 2**doublings, LONGEST_DELAY_SECONDS)
        self._next_try_at = self.clock() + delay
        self._save()
        return delay

    def succeeded(self) -> None:
        if self.failures:
            self.failures = 0
            self._next_try_at = 0.0
            self._save()

    def _load(self) -> None:
        if self.path is None:
            return
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
            failures, next_try_at = int(state["failures"]), float(state["next_try_at"])
            if failures < 0 or not math.isfinite(next_try_at):
                raise ValueError("not a lockout state")
            self.failures, self._next_try_at = failures, next_try_at
        except (OSError, ValueError, KeyError, TypeError, OverflowError, RecursionError):
            # No file yet, or one that cannot be read: start counting afresh.
            pass

    def _save(self) -> None:
        if self.path is None:
            return
        state = {"failures": self.failures, "next_try_at": self._next_try_at}
        try:
            write_file(self.path, json.dumps(state).encode("utf-8"), fsync=True)
        except OSError:
            # The wait still applies for as long as the app runs.
            pass
