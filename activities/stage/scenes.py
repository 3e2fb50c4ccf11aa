"""The puppet stage's screen for `expressive screenshot`: a show going on before the forest,
three puppets on the stage, one being moved, the microphone's level beside the Stop button."""

from __future__ import annotations

import time


def mid_show(driver) -> None:
    _activity, studio = driver.open_activity("stage")
    driver.tap(next(button for button in studio.backdrop_buttons if button.value == "forest"))
    for key in ("noto:fox", "noto:rabbit", "noto:owl"):
        studio.toggle_puppet(studio.library.get(key))
    studio.start_show()
    # The countdown passes at once: the studio's clock jumps three seconds ahead.
    studio.clock = lambda: time.monotonic() + 3.05
    driver.advance_frames(2)
    stage = studio.stage
    state = stage.states[0]
    start = (stage.x + state.x * stage.scale, stage.top - state.y * stage.scale)
    driver.drag([(start[0] + stage.width * 0.25 * step / 10, start[1] + stage.height * 0.1 * step / 10) for step in range(11)])
    studio.microphone.wait_for_seconds(0.3)
    driver.advance_frames(2)
