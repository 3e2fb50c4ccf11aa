"""Speed figures of the photo activity for `expressive bench`: from the shutter to the photo
kept in the roll (the frame encoded as JPEG and written to the drafts), in the real app."""

from __future__ import annotations

import statistics
import time

from expressive.activities.photo.roll import jpeg_of_frame
from expressive.activities.photo.scenes import wait_for_camera
from expressive.api.measure import Figure, percentile


def photo_figures(driver, quick: bool) -> list[Figure]:
    """The shutter tapped over and over (a finger down and up on it, in the app, with the
    moving test pattern or the machine's camera), each time until the photo is in the
    roll; against a floor: OpenCV encoding the same frame as JPEG, alone."""
    activity, studio = driver.open_activity("photo")
    wait_for_camera(driver, studio)
    if studio.camera_line:
        raise RuntimeError(f"no camera to take photos with: {studio.camera_line}")
    runs = 10 if quick else 20
    shutter = studio.ids.shutter
    driver.advance_frames(2)
    x, y = shutter.to_window(*shutter.center)
    taken = []
    for _run in range(runs):
        before = len(activity.roll.photos)
        finger = driver.finger(x, y)
        begun = time.perf_counter()
        finger.touch_down()
        finger.touch_up()
        taken.append(time.perf_counter() - begun)
        if len(activity.roll.photos) != before + 1:
            raise RuntimeError("the shutter did not take a photo")
        driver.advance_frames(1)
    frame = studio.frames.newest.frame.image
    # The camera's thread would go on under the next activity's figures.
    studio.stop_camera()
    floors = []
    for _run in range(runs):
        begun = time.perf_counter()
        jpeg_of_frame(frame)
        floors.append(time.perf_counter() - begun)
    height, width = frame.shape[:2]
    return [
        # The photo should be there before the child looks up from the tablet.
        Figure("photo_shutter_to_saved_p99", percentile(taken, 0.99) * 1000, "ms", 1000.0,
               f"p99 of {runs} shutter taps in the app: the newest {width}x{height} frame encoded as JPEG, written to "
               f"the drafts (encrypted where the portfolio is) and shown in the row (median "
               f"{statistics.median(taken) * 1000:.1f} ms); floor: OpenCV's JPEG encoding of "
               f"the same frame alone, median {statistics.median(floors) * 1000:.1f} ms"),
    ]
