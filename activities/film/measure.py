"""Speed figures of the film studio for `expressive bench`: the onion-skinned preview, each
camera frame blended with the chosen frame and shown, in the running studio."""

from __future__ import annotations

import statistics
import time

from kivy.graphics.opengl import glFinish

from expressive.api.camera import LatestFrame, open_frame_source
from expressive.api.measure import Figure, percentile
from expressive.lib.film import jpeg_frame

# How long to wait for the camera's next picture before giving up on the figure.
CAMERA_TIMEOUT_SECONDS = 2.0
# Our own work per camera frame (the budget): a 30 fps camera leaves 33 ms a frame,
# most of which the screen needs.
PREVIEW_BUDGET_MS = 10.0


def draw_frame(driver) -> None:
    """Draw and show a frame of the app, and wait until the graphics have finished it: an
    upload into a texture the last frame still draws from would wait for it, and the wait
    would be counted as the preview's."""
    driver.frame_milliseconds()
    glFinish()


def onion_preview_figures(driver, studio, frames: int) -> list[Figure]:
    """`frames` camera pictures put on the stage as the studio does it (the chosen frame
    blended over each, then uploaded into the stage's texture), a frame of the app drawn
    after each; against a floor: the same pictures uploaded alone, with no onion skin. The
    machine's camera, or the moving test pattern where there is none."""
    # The measure reads the camera itself; the studio's own clock would show each picture twice.
    studio.close_camera()
    source = studio.activity.host.media.open_camera(studio.facing)
    if source.problem is not None:
        source.close()
        source = open_frame_source("pattern", real_time=True)
    stage = studio.ids.stage
    costs, floors = [], []
    with LatestFrame(source) as reader:
        for _frame in range(frames + 1):
            arrived = reader.take(timeout=CAMERA_TIMEOUT_SECONDS)
            if arrived is None:
                raise RuntimeError(f"the camera stopped: {reader.problem}")
            live = arrived.frame.image
            if studio.reel.chosen is None:
                # A frame to lie under the live picture, as once the film has begun.
                studio.reel.add(jpeg_frame(live), "camera")
                studio.changed()
                continue
            begun = time.perf_counter()
            stage.show(studio.live_picture(live))
            costs.append((time.perf_counter() - begun) * 1000)
            draw_frame(driver)
            begun = time.perf_counter()
            stage.show(live)
            floors.append((time.perf_counter() - begun) * 1000)
            draw_frame(driver)
    height, width = live.shape[:2]
    return [
        Figure("film_onion_preview_p99", percentile(costs, 0.99), "ms", PREVIEW_BUDGET_MS,
               f"p99 of {frames} frames from the {source.name} ({width}x{height}) shown in the film studio with the last frame "
               f"faintly over them: the blend and the texture upload (median {statistics.median(costs):.2f} ms); "
               f"floor: the upload alone, p99 {percentile(floors, 0.99):.2f} ms, median "
               f"{statistics.median(floors):.2f} ms"),
    ]
