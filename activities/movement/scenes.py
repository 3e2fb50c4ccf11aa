"""The movement activity's screens for `expressive screenshot`: its picture moving."""

from __future__ import annotations

import time


def moving(driver, seconds: float = 2.0) -> None:
    """Open the movement activity and let its picture (a camera, or the moving pattern on a
    machine without one) run for a moment, so the trails and zones show."""
    activity, _studio = driver.open_activity("movement")
    deadline = time.monotonic() + 20
    while activity.pipeline.record.duration < seconds and time.monotonic() < deadline:
        driver.advance_frames(1)
        time.sleep(0.02)
