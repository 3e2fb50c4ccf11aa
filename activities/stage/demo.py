"""A demo puppet play for `expressive demo`, made without a window: a lion, a mouse and a
tree before a backdrop, the mouse running in, the lion turning to it, with the fake
microphone's known voice, looped, as its sound."""

from __future__ import annotations

import math

import numpy as np

from expressive.activities.stage.activity import Take
from expressive.activities.stage.backdrops import painted_backdrop
from expressive.activities.stage.show import Puppet, ShowLog
from expressive.api.microphone import FAKE_VOICE_WAV, read_wav

# The demo plays' puppets: (figure key, name) of shipped figures.
DEMO_CASTS = (
    (("noto:lion", "lion"), ("noto:mouse", "mouse"), ("noto:tree", "tree")),
    (("noto:dragon", "dragon"), ("noto:castle", "castle"), ("noto:unicorn", "unicorn")),
)
DEMO_SECONDS = 5.0
MOVES_PER_SECOND = 30


def demo_take(variant: int) -> Take:
    """Demo play number `variant`: the backdrop and cast change with it."""
    cast = DEMO_CASTS[variant % len(DEMO_CASTS)]
    backdrop = ("forest", "theatre", "night", "shore")[variant % 4]
    log = ShowLog(backdrop, [Puppet(key, name, "shipped") for key, name in cast])
    log.enter(2, 1040, 420, 0.0)
    log.enter(0, 300, 470, 0.0)
    log.enter(1, 1280, 560, 1.0)
    # The mouse scurries in from the right, hopping, and stops before the lion...
    for step in range(1, 2 * MOVES_PER_SECOND + 1):
        t = 1.0 + step / MOVES_PER_SECOND
        log.move(1, 1280 - step * 9, 560 - 30 * abs(math.sin(step / 4)), t)
    # ...who turns to it and leaps a little closer.
    log.flip(0, 3.2)
    for step in range(1, MOVES_PER_SECOND + 1):
        log.move(0, 300 + step * 3, 470 - 40 * math.sin(math.pi * step / MOVES_PER_SECOND), 3.5 + step / MOVES_PER_SECOND)
    sound, rate = read_wav(FAKE_VOICE_WAV)
    # The known voice over and over, for the length of the play.
    sound = np.resize(sound, int(DEMO_SECONDS * rate))
    return Take(log, len(sound) / rate, sound, rate, painted_backdrop(backdrop))
