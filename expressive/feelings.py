"""The feeling scale used at check-in and check-out: five faces, each with its own colour.

Stored in the portfolio as the number 1-5 so that later reviews can chart change. A
feeling's label is English, marked for translation: show it with `_(feeling.label)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from expressive.i18n import N_


@dataclass(frozen=True)
class Feeling:
    value: int
    label: str
    colour: str
    # How far the mouth curves: -1 a deep frown, 0 a straight line, 1 a wide smile.
    smile: float


FEELINGS = (
    Feeling(1, N_("Very sad"), "#5B8DEF", -1.0),
    Feeling(2, N_("Sad"), "#7FB8E8", -0.5),
    Feeling(3, N_("Okay"), "#F2C94C", 0.0),
    Feeling(4, N_("Happy"), "#8FD16B", 0.55),
    Feeling(5, N_("Very happy"), "#F2994A", 1.0),
)


def feeling(value: int | None) -> Feeling | None:
    for candidate in FEELINGS:
        if candidate.value == value:
            return candidate
    return None
