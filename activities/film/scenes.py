"""The film studio's screen for `expressive screenshot`: frames taken as the test pattern's
figure walks, the onion skin showing the last one faintly over the camera, the strip
holding them."""

from __future__ import annotations

# Frames the app may draw before the camera's first picture shows: a bound, not a wait.
MOST_FRAMES = 300
SCENE_FRAMES = 6
# Frames drawn between two takes, so that the figure walks on a little.
FRAMES_BETWEEN = 6


def wait_for_camera(driver, studio) -> None:
    """Run the app until the camera's picture shows on the stage (or the studio says it cannot)."""
    for _frame in range(MOST_FRAMES):
        if studio.live_shown or not studio.camera_on:
            return
        driver.advance_frames(1)


def taking_frames(driver) -> None:
    """Six frames taken as the figure walks, with the last one over the live picture."""
    _activity, studio = driver.open_activity("film")
    wait_for_camera(driver, studio)
    for _take in range(SCENE_FRAMES):
        driver.tap(studio.ids.take_button)
        driver.advance_frames(FRAMES_BETWEEN)
