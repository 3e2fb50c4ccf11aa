"""The photo activity's screens for `expressive screenshot`: the studio with a few photos
of the moving test pattern taken, and one of them open large to keep, drop or draw on."""

from __future__ import annotations

# Frames the app may draw before the camera's first picture shows: a bound, not a wait.
MOST_FRAMES = 300


def wait_for_camera(driver, studio) -> None:
    """Run the app until the camera's picture shows (or it says it cannot)."""
    for _frame in range(MOST_FRAMES):
        if studio.ids.preview.texture is not None or studio.camera_line:
            return
        driver.advance_frames(1)


def taking_photos(driver):
    """Three photos taken as the figure walks, the camera's picture live; the studio."""
    _activity, studio = driver.open_activity("photo")
    wait_for_camera(driver, studio)
    for _photo in range(3):
        driver.tap(studio.ids.shutter)
        driver.advance_frames(8)  # the figure walks on a little between photos
    return studio


def looking_at_one(driver) -> None:
    """Three photos taken, the second open large to keep, drop or draw on."""
    studio = taking_photos(driver)
    if len(studio.ids.photos.children) > 1:
        driver.tap(studio.ids.photos.children[-2])
