"""Example music for a newcomer's demo portfolio: short tunes in the pentatonic scale,
a different one per session, as a child might play them with a beat under it."""

from __future__ import annotations

import random

from expressive.api.i18n import N_, _
from expressive.lib.music.performance import DRUMS, KeyEvent, Performance
from expressive.lib.music.scales import keys_for_scale

TITLES = (N_("Rain on the roof"), N_("Bouncing ball"), N_("Night song"))
INSTRUMENTS = ("marimba", "piano", "bells")


def demo_performance(variant: int) -> Performance:
    rng = random.Random(f"music demo {variant}")
    scale = keys_for_scale("pentatonic", 60, 10)
    instrument = INSTRUMENTS[variant % len(INSTRUMENTS)]
    beat = 0.4 + 0.05 * (variant % 3)
    keys: list[KeyEvent] = []
    position = rng.randrange(3, 6)
    for step in range(24):
        position = max(0, min(len(scale) - 1, position + rng.choice((-2, -1, -1, 1, 1, 2))))
        start = step * beat
        velocity = 70 + rng.randrange(40) if step % 4 == 0 else 50 + rng.randrange(30)
        keys.append(KeyEvent(start, scale[position], velocity, instrument))
        keys.append(KeyEvent(start + beat * 0.9, scale[position], 0, instrument))
        if step % 2 == 0:
            drum = 36 if step % 4 == 0 else 38
            keys.append(KeyEvent(start, drum, 90, DRUMS))
            keys.append(KeyEvent(start + 0.1, drum, 0, DRUMS))
    return Performance(tuple(keys), (), 24 * beat, _(TITLES[variant % len(TITLES)]))
