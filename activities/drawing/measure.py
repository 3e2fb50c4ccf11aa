"""Speed figures of the drawing activity, for `expressive bench`: a finger drawing on a
canvas that already holds many strokes and undoing at the end of a long drawing (in the
real app, through the driver the bench lends), saving the picture, exporting it and
replaying how it was made."""

from __future__ import annotations

import statistics
import time

from expressive.activities.drawing.picture_history import SPACING
from expressive.api.measure import Figure, percentile
from expressive.lib.drawing.demo import demo_log
from expressive.lib.drawing.render import render_image, render_png
from expressive.lib.drawing.replay import replay_frames_per_second
from expressive.lib.drawing.strokes import BRUSH_SIZES, PALETTE, TOOLS, DrawingLog

# Points in each timed stroke.
PER_STROKE = 200


def drawing_figures(driver, activity, studio, strokes_on_screen: int, measured_moves: int) -> list[Figure]:
    """Touch moves, frames and stroke ends timed while long strokes grow over
    `strokes_on_screen` strokes already drawn, then saving the picture durably."""
    paper = studio.paper
    left, bottom = paper.to_window(paper.x, paper.y)
    width, height = paper.size

    def at(fx, fy):
        return left + width * (0.1 + 0.8 * fx), bottom + height * (0.1 + 0.8 * fy)


    costs, stroke_ends, frames = [], [], []
    for stroke in range(strokes_on_screen):
        driver.drag([at(i / 30, (stroke % 50) / 50) for i in range(30)], frames=0)
    driver.advance_frames(2)
    # Long strokes, each move and stroke end timed, and a frame every four moves.
    for stroke in range(max(1, measured_moves // PER_STROKE)):
        touch = driver.finger(*at(0, stroke / 10 % 1))
        touch.touch_down()
        for i in range(1, PER_STROKE):
            x, y = at(i / PER_STROKE, (stroke / 10 + 0.1 * (i % 7) / 7) % 1)
            begun = time.perf_counter()
            touch.touch_move(x, y)
            costs.append((time.perf_counter() - begun) * 1000)
            if i % 4 == 0:
                frames.append(driver.frame_milliseconds())
        begun = time.perf_counter()
        touch.touch_up()
        stroke_ends.append((time.perf_counter() - begun) * 1000)
        driver.advance_frames(1)
    saves = []
    for _ in range(3):
        begun = time.perf_counter()
        (draft,) = activity.finish()
        driver.save(draft)
        saves.append(time.perf_counter() - begun)
    strokes = draft.metadata["strokes"]
    if strokes < strokes_on_screen:
        raise RuntimeError(f"only {strokes} of the benchmark's strokes reached the canvas")
    context = f"{strokes_on_screen} strokes on screen, {len(costs)} moves"
    return [
        Figure("touch_move_p50", percentile(costs, 0.5), "ms", 4.0, context),
        Figure("touch_move_p99", percentile(costs, 0.99), "ms", 4.0, context),
        Figure("frame_time_p99", percentile(frames, 0.99), "ms", 1000 / 60,
               f"draw and flip one frame with {strokes_on_screen}+ strokes on screen while a stroke grows, {len(frames)} frames; "
               "on a machine without a GPU this is Mesa's software renderer drawing the whole screen"),
        # Lifting the finger bakes the stroke into the picture; inking under ~50 ms feels immediate.
        Figure("stroke_end_p99", percentile(stroke_ends, 0.99), "ms", 50.0,
               f"render the finished stroke with Pillow into the 2048x1536 picture and show it, {len(stroke_ends)} strokes"),
        # Done should feel finished within a second, like a page turn.
        Figure("save_drawing_durably", statistics.median(saves) * 1000, "ms", 1000.0,
               f"encode the PNG of the picture shown and a thumbnail with Pillow, write and fsync; {strokes} strokes, "
               "median of 3"),
    ]


def drawing_file_figures(quick: bool) -> list[Figure]:
    """Export and replay of a full-size drawing made with every brush (the demo pictures);
    `quick` exports each once and replays only the first."""
    logs = [demo_log(variant) for variant in range(3)]
    exports = []
    for _ in range(1 if quick else 3):
        for log in logs:
            begun = time.perf_counter()
            render_png(log)
            exports.append(time.perf_counter() - begun)
    replay_size = (1024, 768)
    replay_fps = min(replay_frames_per_second(log, replay_size) for log in (logs[:1] if quick else logs))
    strokes = sum(len(log.visible_strokes()) for log in logs)
    return [
        # An export belongs inside the second that Done may take.
        Figure("png_export_2048x1536", statistics.median(exports) * 1000, "ms", 1000.0,
               f"render and encode the full-size PNG from the stroke log, demo pictures ({strokes} strokes), median of {len(exports)}"),
        # Replay is watched: it must keep up with a smooth 30 frames per second at 4x speed.
        Figure("replay_frame_time", 1000 / replay_fps, "ms", 1000 / 30,
               f"one replay frame at 4x speed, {replay_size[0]}x{replay_size[1]}, slowest of the demo pictures replayed ({replay_fps:.0f} fps)"),
    ]


def long_drawing(strokes: int) -> DrawingLog:
    """A drawing of `strokes` strokes with every brush and the eraser in turn, each a
    sweep of 30 points across most of the paper, as a finger draws them."""
    log = DrawingLog(clock=lambda: 0.0)
    colours = list(PALETTE.values())
    for number in range(strokes):
        t = number * 2.0
        log.begin_stroke(TOOLS[number % len(TOOLS)], colours[number % len(colours)], BRUSH_SIZES["medium"], t, seed=number)
        row = (number * 37 % 100) / 100
        for point in range(30):
            x = log.width * (0.1 + 0.8 * point / 29)
            y = log.height * (0.05 + 0.9 * row + 0.02 * (point % 5))
            log.add_point(x, y, 1.0, t + point * 0.03)
        log.end_stroke()
    return log


def undo_figures(driver, activity, studio, strokes: int, undos: int) -> list[Figure]:
    """Undo tapped again and again at the end of a drawing of `strokes` strokes (the
    drawing restored as an autosave is), four frames apart; against the old way, which
    rendered every stroke again."""
    activity.restore(long_drawing(strokes).to_json().encode("utf-8"))
    driver.advance_frames(3)
    if len(studio.log.visible_strokes()) != strokes:
        raise RuntimeError(f"the restored drawing shows {len(studio.log.visible_strokes())} strokes, not {strokes}")
    button = studio.ids.undo_button
    changed: list[float] = []
    studio.bind(on_change=lambda _studio: changed.append(time.perf_counter()))
    times, drawn = [], []
    for _ in range(undos):
        touch = driver.finger(*button.to_window(*button.center))
        touch.touch_down()
        begun = time.perf_counter()
        touch.touch_up()
        if not changed:
            raise RuntimeError("a tap on Undo changed nothing")
        times.append((changed.pop() - begun) * 1000)
        drawn.append(studio.paper.history.last_drawn)
        # A person's quickest taps are more frames apart than this (four frames is 67 ms
        # at 60 a second): the snapshots the next undos want are rendered in them.
        driver.advance_frames(4)
    history = studio.paper.history
    renders = []
    for _ in range(3):
        begun = time.perf_counter()
        whole = render_image(studio.log)
        renders.append((time.perf_counter() - begun) * 1000)
    if whole.tobytes() != studio.paper.picture.tobytes():
        raise RuntimeError("after the undos the screen does not show what the log renders")
    return [
        Figure(f"undo_at_{strokes}_strokes", percentile(times, 0.99), "ms", 50.0,
               f"tap Undo to picture shown, p99 of {undos} undos in a row four frames apart at the end of a "
               f"{strokes}-stroke drawing of every brush (median {statistics.median(times):.1f} ms); an undo near "
               f"the end draws at most {SPACING - 1} strokes from a snapshot, here at most {max(drawn)} (the picture "
               f"was made ready between frames), the snapshots holding {history.kept_bytes / 1e6:.0f} MB "
               f"({history.most_kept} pictures at most); floor: the old undo rendered every stroke again, "
               f"{statistics.median(renders):.0f} ms (median of 3)"),
    ]
