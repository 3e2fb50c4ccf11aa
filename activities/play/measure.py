"""Speed figures of the sandtray's model and picture, for `expressive bench`, with no
window: the saved picture drawn from a long log, and the tray's state at the end of a
long log. (Dragging a figure in the studio is measured with the app's window, in
drag_measure.py.)"""

from __future__ import annotations

import random
import statistics
import time

from PIL import Image

from expressive.lib.drawing.replay import FRAMES_PER_SECOND

from expressive.activities.play.demo import demo_log
from expressive.activities.play.render import SAND_RGB, forget_kept_tiles, render_at
from expressive.activities.play.tray import FIGURE_SIZE, TRAY_HEIGHT, TRAY_WIDTH, TrayLog
from expressive.api.measure import Figure, percentile
from expressive.lib.figures import FigureLibrary


def tray_picture_figures(quick: bool) -> list[Figure]:
    """The tray's full-size picture from a log of 500 moves, against a floor: Pillow
    pasting the same figures, already sized and turned, once onto plain sand; and the
    state at the end of a log of 5,000 events read back from its file."""
    runs = 3 if quick else 9
    library = FigureLibrary.load()
    log = busy_tray(library, moves=500)
    pictures = []
    for _run in range(runs):
        # As at Done: the figures' pictures decoded (the studio showed them), none yet sized for this picture.
        forget_kept_tiles()
        begun = time.perf_counter()
        render_at(log, library)
        pictures.append(time.perf_counter() - begun)
    floors = []
    for _run in range(runs):
        floors.append(_compositing_alone(log, library))
    picture, floor = statistics.median(pictures), statistics.median(floors)
    figures_on_tray = len(log.state_at().figures_in_order())

    long_log = busy_tray(library, moves=5000 - 200, figures=200, pushes_every=10)
    text = long_log.to_json()
    ends, loads, replays = [], [], []
    for _run in range(runs):
        begun = time.perf_counter()
        loaded = TrayLog.from_json(text)
        loads.append(time.perf_counter() - begun)
        begun = time.perf_counter()
        loaded.state_at()
        ends.append(time.perf_counter() - begun)
        begun = time.perf_counter()
        loaded.state_at(loaded.duration)
        replays.append(time.perf_counter() - begun)
    replay_frames = _replay_frames(library, every=10 if quick else 1)
    return [
        # Done should feel finished within a second, like a page turn.
        Figure("sandtray_picture_from_500_moves", picture * 1000, "ms", 1000.0,
               f"fold a log of 500 moves of {figures_on_tray} figures (drags, turns, burials, sand pushed) and draw the "
               f"2048x1536 picture with Pillow, median of {runs}; floor: pasting the same figures, already sized and "
               f"turned, onto plain sand, {floor * 1000:.0f} ms ({picture / floor:.1f}x)"),
        # The studio asks for the tray's state at every change it shows.
        Figure("sandtray_state_at_end_5000_events", statistics.median(ends) * 1000, "ms", 50.0,
               f"the tray's state at the end of a log of {len(long_log.events):,} events (200 figures, moves and sand "
               f"pushes), kept up to date as the log grows, median of {runs}; reading the log from its file takes "
               f"{statistics.median(loads) * 1000:.0f} ms, and folding it from the start for the replay "
               f"{statistics.median(replays) * 1000:.0f} ms"),
        # As the drawing's replay: 30 frames a second.
        Figure("sandtray_replay_frame_1024x768", percentile(replay_frames, 0.99) * 1000, "ms", 1000 / 30,
               f"one frame of the demo world's replay at 4x, drawn at 1024x768 with Pillow, p99 of "
               f"{len(replay_frames)} (median {statistics.median(replay_frames) * 1000:.1f} ms); the sand is "
               f"coloured again only when a frame's sand differs from the last ones"),
    ]


def _replay_frames(library: FigureLibrary, every: int) -> list[float]:
    """Seconds to draw each frame (or each `every`-th) of the demo tray played at 4x from
    its beginning to its end, as the portfolio's replay does."""
    log = demo_log(0)
    forget_kept_tiles()
    step = 4 / FRAMES_PER_SECOND
    times = []
    for number in range(0, int(log.duration / step) + 1, every):
        begun = time.perf_counter()
        render_at(log, library, number * step, (1024, 768))
        times.append(time.perf_counter() - begun)
    return times


def busy_tray(library: FigureLibrary, moves: int, figures: int = 60, pushes_every: int = 25) -> TrayLog:
    """A tray as a busy session leaves it: `figures` shipped figures placed, then `moves`
    changes in drags of ten steps (moves, some turns), with a push of sand every
    `pushes_every` changes and a figure buried or flipped now and then. The same every run."""
    rng = random.Random(16)
    keys = [figure.key for figure in library.figures()]
    log = TrayLog()
    t = 0.0

    def somewhere() -> tuple[float, float]:
        return rng.uniform(100, TRAY_WIDTH - 100), rng.uniform(100, TRAY_HEIGHT - 100)

    ids = []
    for _number in range(figures):
        t += 0.5
        ids.append(log.place(rng.choice(keys), *somewhere(), t, scale=rng.choice((0.8, 1.0, 1.5)),
                             angle=rng.choice((0, 0, 15, 345))))
    figure_id = ids[0]
    for step in range(moves):
        t += 0.05
        if step % 10 == 0:
            log.begin_action(t)
            figure_id = rng.choice(ids)
        if step % pushes_every == 0:
            log.push_sand([somewhere(), somewhere()], 48, t)
        elif step % 97 == 0:
            log.bury(figure_id, rng.choice((0.3, 0.6, 1.0)), t)
        elif step % 53 == 0:
            log.flip(figure_id, t)
        elif step % 10 == 5:
            log.turn(figure_id, rng.uniform(0, 360), t)
        else:
            log.move(figure_id, *somewhere(), t)
    return log


def _compositing_alone(log: TrayLog, library: FigureLibrary) -> float:
    """Seconds Pillow takes to paste the tray's figures, sized and turned beforehand, onto
    plain sand: what drawing the picture costs at the least."""
    placed_figures = log.state_at().figures_in_order()
    tiles = []
    for placed in placed_figures:
        figure = library.get(placed.figure)
        picture = figure.picture() if figure is not None else Image.new("RGBA", (FIGURE_SIZE, FIGURE_SIZE))
        ratio = FIGURE_SIZE * placed.scale / max(picture.size)
        sized = picture.resize((max(1, round(picture.width * ratio)), max(1, round(picture.height * ratio))))
        tiles.append((placed, sized.rotate(placed.angle, expand=True)))
    begun = time.perf_counter()
    canvas = Image.new("RGB", (TRAY_WIDTH, TRAY_HEIGHT), SAND_RGB["golden"])
    for placed, tile in tiles:
        canvas.paste(tile, (round(placed.x - tile.width / 2), round(placed.y - tile.height / 2)), tile)
    return time.perf_counter() - begun
