"""What a benchmark reports: a `Figure` measured on this machine beside its budget, and the
`percentile` of a set of timings. Activities build figures from their `benchmarks()` hook;
`expressive bench` prints them. No Kivy here: an activity's model code may use it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Figure:
    """One measured figure: `value` in `unit` ("ms", "s", "MiB", or "" for a count), held
    to `budget` in the same unit, and `what` says in a sentence what was measured and how."""

    name: str
    value: float
    unit: str
    budget: float
    what: str

    @property
    def within_budget(self) -> bool:
        return self.value <= self.budget


def percentile(samples: list[float], fraction: float) -> float:
    """The sample below which `fraction` (0 to 1) of `samples` lie: the nearest one, not an
    interpolation, so that a p99 of few samples is a time that really happened."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
