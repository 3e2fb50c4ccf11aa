"""The music activity's screens for `expressive screenshot`: a chord being recorded."""

from __future__ import annotations


def playing(driver) -> None:
    """Start recording and hold two fingers on the keys, as a child playing a chord."""
    _activity, studio = driver.open_activity("music")
    driver.tap(studio.ids.record_button)
    for index in (0, 2):
        key = studio.surface.keys[index]
        x, y, width, height = studio.surface._box(key)
        driver.finger(x + width / 2, y + height / 3).touch_down()
