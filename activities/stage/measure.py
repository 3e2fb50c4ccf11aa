"""Speed figures of the puppet stage, for `expressive bench`: a finger moving a puppet while
a take records (in the real app, through the driver the bench lends, with its microphone),
and a 10-second take drawn into its film's frames and made into the film kept at Done."""

from __future__ import annotations

import math
import statistics
import time

import numpy as np

from expressive.activities.stage.activity import Take, film_of_take
from expressive.activities.stage.backdrops import painted_backdrop
from expressive.activities.stage.render import TAKE_FPS, frame_count, take_frames
from expressive.activities.stage.show import Puppet, ShowLog
from expressive.api.measure import Figure, percentile
from expressive.api.microphone import FAKE_VOICE_WAV, read_wav
from expressive.lib.figures import FigureLibrary

MOVES_PER_DRAG = 50
CAST = ("noto:lion", "noto:mouse", "noto:dragon", "noto:tree")
TAKE_SECONDS = 10.0
# A busy take: every puppet moving all the time, as fast as touches come (60 a second).
MOVES_PER_SECOND = 60


def stage_figures(quick: bool, driver) -> list[Figure]:
    return touch_move_figures(driver, moves=300 if quick else 2000) + take_figures(runs=1 if quick else 3)


def touch_move_figures(driver, moves: int) -> list[Figure]:
    """Each touch move timed while a finger drags one of four puppets about the stage as a
    take records (the log, the puppet's rectangle; the microphone's thread running)."""
    _activity, studio = driver.open_activity("stage")
    for key in CAST:
        studio.toggle_puppet(studio.library.get(key))
    studio.start_show()
    # The countdown passes at once: the studio's clock jumps three seconds ahead.
    studio.clock = lambda: time.monotonic() + 3.05
    driver.advance_frames(2)
    if studio.phase != "recording":
        raise RuntimeError(f"the take did not start (the studio is in {studio.phase!r})")
    stage, costs = studio.stage, []
    for drag in range(max(1, moves // MOVES_PER_DRAG)):
        number = drag % len(CAST)
        state = stage.states[number]
        start_x, start_y = stage.x + state.x * stage.scale, stage.top - state.y * stage.scale
        finger = driver.finger(start_x, start_y)
        finger.touch_down()
        for step in range(1, MOVES_PER_DRAG + 1):
            x = start_x + stage.width * 0.1 * math.sin(math.pi * step / MOVES_PER_DRAG)
            begun = time.perf_counter()
            finger.touch_move(x, start_y + step % 5)
            costs.append((time.perf_counter() - begun) * 1000)
        finger.touch_up()
        driver.advance_frames(1)
    moved = sum(1 for event in studio.log.events if event["type"] == "move")
    studio.stop_take()
    if moved < len(costs) / 2:
        raise RuntimeError(f"only {moved} of {len(costs)} touch moves moved a puppet")
    return [Figure("stage_touch_move_recording", percentile(costs, 0.99), "ms", 4.0,
                   f"one touch move of a finger dragging a puppet while a take records, p99 of {len(costs)} "
                   f"(median {statistics.median(costs):.2f} ms); {len(CAST)} puppets on the stage")]


def busy_take(library: FigureLibrary) -> Take:
    """A 10-second take with four puppets moving all the time, and the fake voice as its sound."""
    log = ShowLog("forest", [Puppet(key, key, "shipped") for key in CAST])
    for number in range(len(CAST)):
        log.enter(number, 200 + 300 * number, 450, 0.0)
    for step in range(1, int(TAKE_SECONDS * MOVES_PER_SECOND)):
        t = step / MOVES_PER_SECOND
        for number in range(len(CAST)):
            log.move(number, 200 + 300 * number + 150 * math.sin(t + number), 450 - 120 * abs(math.sin(2 * t + number)), t)
    voice, rate = read_wav(FAKE_VOICE_WAV)
    return Take(log, TAKE_SECONDS, np.resize(voice, int(TAKE_SECONDS * rate)), rate, painted_backdrop("forest"))


def take_figures(runs: int) -> list[Figure]:
    """The frames of a 10-second take drawn from its log, and the whole film kept at Done
    (the frames, the H.264 video with its sound, the title card, the strip), each the
    median of `runs`."""
    library = FigureLibrary.load()
    take = busy_take(library)
    count = frame_count(take.seconds)
    drawing, keeping = [], []
    for _run in range(runs):
        begun = time.perf_counter()
        take_frames(take.log, count, library, take.backdrop)
        drawing.append(time.perf_counter() - begun)
        begun = time.perf_counter()
        film_of_take(take, library, "Bench")
        keeping.append(time.perf_counter() - begun)
    events = len(take.log.events)
    return [
        Figure("stage_take_frames_10s", statistics.median(drawing), "s", 5.0,
               f"draw the {count} frames ({TAKE_FPS} a second, 640x480 JPEG) of a 10-second take of {len(CAST)} "
               f"puppets moving all the time ({events:,} events) from its log"),
        Figure("stage_take_to_film_10s", statistics.median(keeping), "s", 5.0,
               "the same take made into the film kept at Done: its frames drawn, the H.264 video with "
               "its AAC sound, the title card and the strip of frames"),
    ]
