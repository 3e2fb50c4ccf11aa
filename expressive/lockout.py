"""Slowing down guesses: each wrong passphrase or PIN doubles the wait before the next try."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

FIRST_DELAY_SECONDS = 1.0
LONGEST_DELAY_SECONDS = 300.0


@dataclass
class Lockout:
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    _next_try_at: float = field(default=0.0, repr=False)

    def seconds_to_wait(self) -> float:
        return max(0.0, self._next_try_at - self.clock())

    def failed(self) -> float:
        """Record a wrong guess; returns how long the next one must wait."""
        self.failures += 1
        delay = min(FIRST_DELAY_SECONDS * 2 ** (self.failures - 1), LONGEST_DELAY_SECONDS)
        self._next_try_at = self.clock() + delay
        return delay

    def succeeded(self) -> None:
        self.failures = 0
        self._next_try_at = 0.0
