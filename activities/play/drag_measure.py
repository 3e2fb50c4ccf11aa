"""Speed figures of the sandtray's hands, for `expressive bench`: a finger dragging figures
about a tray that already holds many, in the real app, through the driver the bench lends."""

from __future__ import annotations

import statistics
import time

from expressive.activities.play.tray import TRAY_HEIGHT, TRAY_WIDTH
from expressive.api.measure import Figure, percentile

# Touch moves in each timed drag, and how often a frame is drawn between them.
MOVES_PER_DRAG = 50
FRAME_EVERY = 4
FLOOR_FRAMES = 20


def fill_tray(studio, figures_on_tray: int) -> None:
    """`figures_on_tray` figures from every shelf, in rows across the whole tray."""
    shelf = [figure for figure in studio.library.figures() if figure.category != "own"]
    columns = 20
    rows = -(-figures_on_tray // columns)
    for number in range(figures_on_tray):
        row, column = divmod(number, columns)
        x = TRAY_WIDTH * (column + 0.5) / columns
        y = TRAY_HEIGHT * (row + 0.5) / rows
        studio.place(shelf[number * 7 % len(shelf)], x, y)


def drag_figures(driver, activity, studio, figures_on_tray: int, moves: int) -> list[Figure]:
    """Each touch move and a frame every FRAME_EVERY moves timed while fingers drag figures
    about a tray of `figures_on_tray` figures; the frames of the same screen with no figures
    on the tray are the floor."""
    tray = studio.tray

    driver.advance_frames(2)
    bare = statistics.median(driver.frame_milliseconds() for _ in range(FLOOR_FRAMES))
    fill_tray(studio, figures_on_tray)
    driver.advance_frames(2)
    moves_before = sum(1 for event in studio.log.events if event["type"] == "move")
    costs, frames = [], []
    figures = sorted(studio.log.state_at().figures.values(), key=lambda placed: placed.id)
    for drag in range(max(1, moves // MOVES_PER_DRAG)):
        # Down on a figure, then a slow sweep across a fifth of the tray, toward its middle.
        placed = figures[drag * 37 % len(figures)]
        start_x, start_y = tray.to_screen(placed.x, placed.y)
        direction = 1 if placed.x < TRAY_WIDTH / 2 else -1
        finger = driver.finger(start_x, start_y)
        finger.touch_down()
        for step in range(1, MOVES_PER_DRAG + 1):
            x = start_x + direction * tray.width * 0.2 * step / MOVES_PER_DRAG
            y = start_y + tray.height * 0.05 * (step % 5) / 5
            begun = time.perf_counter()
            finger.touch_move(x, y)
            costs.append((time.perf_counter() - begun) * 1000)
            if step % FRAME_EVERY == 0:
                frames.append(driver.frame_milliseconds())
        finger.touch_up()
        driver.advance_frames(1)
    moved = sum(1 for event in studio.log.events if event["type"] == "move") - moves_before
    if moved < len(costs) / 2:
        raise RuntimeError(f"only {moved} of {len(costs)} touch moves moved a figure")
    on_tray = sum(1 for placed in studio.log.state_at().figures.values() if not placed.removed)
    context = f"{on_tray} figures on the tray, {len(costs)} touch moves dragging them"
    return [
        Figure("sandtray_drag_touch_event", percentile(costs, 0.99), "ms", 4.0,
               f"one touch move of a finger dragging a figure, p99 (median {statistics.median(costs):.2f} ms); {context}"),
        Figure("sandtray_drag_frame_software_gl", percentile(frames, 0.99), "ms", 1000 / 60,
               f"draw and flip one frame while a figure is dragged, p99 of {len(frames)} frames (median "
               f"{statistics.median(frames):.1f} ms); {context}; the budget is 60 fps on a GPU, and on a machine "
               f"without one this is Mesa's software renderer drawing the whole screen; floor: the same screen with "
               f"no figures on the tray, {bare:.1f} ms a frame (median of {FLOOR_FRAMES})"),
    ]
