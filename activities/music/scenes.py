"""The music activity's screens for `expressive screenshot`: a chord being recorded, on the
no-wrong-notes keys and on the piano's."""

from __future__ import annotations


def _record_a_chord(driver, studio) -> None:
    """Start recording and hold two fingers on the keys, as a child playing a chord."""
    driver.tap(studio.ids.record_button)
    for index in (0, 2):
        key = studio.surface.keys[index]
        x, y, width, height = studio.surface._box(key)
        driver.finger(x + width / 2, y + height / 3).touch_down()


def playing(driver) -> None:
    """A chord being recorded on the rainbow keys, where no note is wrong."""
    _activity, studio = driver.open_activity("music")
    _record_a_chord(driver, studio)


def playing_piano(driver) -> None:
    """A chord being recorded on the piano's keys, black and white."""
    _activity, studio = driver.open_activity("music")
    studio.choose_keys("piano")
    driver.advance_frames(2)
    _record_a_chord(driver, studio)
