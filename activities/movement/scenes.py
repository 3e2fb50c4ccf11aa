"""The movement activity's screens for `expressive screenshot`: its picture moving, and the
therapist's set-up over it."""

from __future__ import annotations

import time


def moving(driver, seconds: float = 2.0):
    """Open the movement activity and let its picture (a camera, or the moving pattern on a
    machine without one) run for a moment, so the trails and zones show; the studio."""
    activity, studio = driver.open_activity("movement")
    deadline = time.monotonic() + 20
    while activity.pipeline.record.duration < seconds and time.monotonic() < deadline:
        driver.advance_frames(1)
        time.sleep(0.02)
    return studio


def setting_up(driver) -> None:
    """The therapist's set-up open over the moving picture."""
    studio = moving(driver, seconds=0.5)
    # The therapist holds the tablet: the PIN step is left out of the picture.
    driver.app.client_mode = False
    studio.open_setup()
    driver.advance_frames(2)
