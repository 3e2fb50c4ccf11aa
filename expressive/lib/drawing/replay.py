"""Watching a drawing being made again: the picture as it was at any moment of its log.

No Kivy here. `log_at` is the truth (the log cut at time t, undo, redo and clear
included) and `render_at` its picture; `ReplayRenderer` gives the same pictures fast
enough to play and scrub through, by reusing what an earlier frame already drew.

Only the public face of `DrawingLog` and `render_image` is used, and events are copied
with `dataclasses.replace`, so that new brushes and fields in the log replay unchanged.

Used by the drawing activity's replay viewer; `clock_text` and `fit_picture` also by the
widget kit's `ReplayView` (every activity's replay controls) and the movement activity
for the moments of its record. Public: plugin authors may use it, and it is covered by
the API version.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import json
import time
from collections import OrderedDict

from PIL import Image, ImageChops

from expressive.lib.drawing.render import render_image
from expressive.lib.drawing.strokes import DrawingLog, Stroke

FRAMES_PER_SECOND = 30


def _header(log: DrawingLog) -> dict:
    """The log's file form without its events (size, paper, format version, ...)."""
    bare = copy.copy(log)
    bare.events = []
    return json.loads(bare.to_json())


def _log_from(header: dict, events: list) -> DrawingLog:
    return DrawingLog.from_json(json.dumps({**header, "events": [event.to_json() for event in events]}))


def _cut(log: DrawingLog, t: float) -> tuple[int, int]:
    """Where time t falls in the log: how many events are wholly done, and how many points
    of the next one (a stroke still being drawn) are on the paper already."""
    done = 0
    for event in log.events:
        if event.t > t:
            break
        if isinstance(event, Stroke) and event.points and event.points[-1][3] > t:
            return done, bisect.bisect_right([point[3] for point in event.points], t)
        done += 1
    return done, 0


def _in_progress(stroke: Stroke, drawn: int) -> Stroke:
    return dataclasses.replace(stroke, points=list(stroke.points[:drawn]))


def log_at(log: DrawingLog, t: float) -> DrawingLog:
    """The log as it stood at `t` seconds into the drawing (the whole log from its end on);
    a new log, sharing nothing that can change with `log`."""
    done, drawn = _cut(log, t)
    events = log.events[:done]
    if drawn:
        events.append(_in_progress(log.events[done], drawn))
    return _log_from(_header(log), events)


def render_at(log: DrawingLog, t: float) -> Image.Image:
    """The picture at `t`, drawn from scratch: the reference `ReplayRenderer` must match."""
    return render_image(log_at(log, t))


def frame_times(duration: float, speed: float, fps: int = FRAMES_PER_SECOND) -> list[float]:
    """The drawing's moments shown by successive frames of a playback from the start at
    `speed` (1x is real time); the last frame is always the finished picture."""
    step = speed / fps
    count = int(duration / step)
    return [index * step for index in range(count + 1)] + ([duration] if count * step < duration else [])


def clock_text(seconds: float) -> str:
    """A moment of the replay as people read it: 1:05."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


class ReplayRenderer:
    """Pictures of one log at any time, reusing earlier work.

    A frame is named by where its time falls in the log (events done, points of the
    stroke in progress), so the many frames of a pause between strokes cost nothing. The
    picture after a finished event is kept (a few of them, least recently used go first),
    and a stroke in progress is drawn alone and laid over the picture of the strokes
    before it, instead of drawing everything again.

    Laying it over: the stroke is rendered on black and on white paper. Where both agree
    the stroke covers the paper; where they differ, the difference is how much of what
    lies beneath shows through. That holds for any brush that paints over or multiplies
    what is beneath, opaque or translucent, to within 1 of 255 from rounding. A finished
    state is always drawn by `render_image` itself, so every stroke ends exactly as saved
    and the end of a replay is the saved picture pixel for pixel.
    """

    def __init__(self, log: DrawingLog, *, kept_pictures: int = 6):
        self.log = log
        self._header = _header(log)
        self._kept_pictures = kept_pictures
        self._settled: OrderedDict[int, Image.Image] = OrderedDict()
        self._last: tuple[tuple[int, int], Image.Image] | None = None

    def image_at(self, t: float) -> Image.Image:
        """The picture at `t`; do not change it (it may be handed out again)."""
        cut = _cut(self.log, t)
        if self._last is not None and self._last[0] == cut:
            return self._last[1]
        done, drawn = cut
        image = self._settled_picture(done)
        if drawn:
            stroke = _in_progress(self.log.events[done], drawn)
            # The eraser paints the paper back, which the paper colours of the lay-over
            # method would hide: its frames are drawn whole.
            if stroke.tool == "eraser":
                image = render_image(_log_from(self._header, [*self.log.events[:done], stroke]))
            else:
                image = self._lay_over(image, stroke)
        self._last = (cut, image)
        return image

    def _settled_picture(self, done: int) -> Image.Image:
        if done in self._settled:
            self._settled.move_to_end(done)
            return self._settled[done]
        image = render_image(_log_from(self._header, self.log.events[:done]))
        self._settled[done] = image
        if len(self._settled) > self._kept_pictures:
            self._settled.popitem(last=False)
        return image

    def _lay_over(self, beneath: Image.Image, stroke: Stroke) -> Image.Image:
        on_black = render_image(_log_from({**self._header, "background": "#000000"}, [stroke]))
        on_white = render_image(_log_from({**self._header, "background": "#FFFFFF"}, [stroke]))
        # on_white - on_black is 255 * (1 - coverage): the share of `beneath` that shows.
        showing = ImageChops.subtract(on_white, on_black)
        return ImageChops.add(on_black, ImageChops.multiply(beneath, showing))


def replay_frames_per_second(log: DrawingLog, size: tuple[int, int], speed: float = 4.0) -> float:
    """Frames per second of a whole playback at `speed`, each picture scaled to `size` as
    the replay view shows it: the benchmark "replay rendering speed"."""
    renderer = ReplayRenderer(log)
    times = frame_times(log.duration, speed)
    started = time.perf_counter()
    for t in times:
        fit_picture(renderer.image_at(t), size)
    return len(times) / (time.perf_counter() - started)


def fit_picture(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """`image` made smaller by a whole factor, to no less than about `size`: the cheapest
    scaling there is (the screen scales the rest for free when it shows the texture)."""
    factor = max(1, min(image.width // max(1, size[0]), image.height // max(1, size[1])))
    return image if factor == 1 else image.reduce(factor)
