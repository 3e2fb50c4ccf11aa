"""Replaying a drawing: the log and the picture as they were at any moment."""

import pytest
from PIL import ImageChops

from expressive.lib.drawing.demo import demo_log
from expressive.lib.drawing.render import render_image
from expressive.lib.drawing.replay import ReplayRenderer, fit_picture, frame_times, log_at, render_at, replay_frames_per_second
from expressive.lib.drawing.strokes import PALETTE, TOOLS, DrawingLog

BRUSH = TOOLS[0]
RED, BLUE, GREEN = PALETTE["red"], PALETTE["blue"], PALETTE["green"]


def stroke(log, colour, start, tool=BRUSH, y=300.0, points=5):
    """A horizontal stroke of `points` points, one every 0.1 s from `start`."""
    log.begin_stroke(tool, colour, 40, t=start)
    for index in range(points):
        log.add_point(200 + 100 * index, y, 1.0, t=start + 0.1 * index)
    log.end_stroke()


@pytest.fixture
def story():
    """red at 0-0.4 s, blue at 1-1.4, undo at 2, redo at 3, clear at 4, undo at 5, green at 6-6.4."""
    log = DrawingLog(clock=lambda: 0.0)
    stroke(log, RED, 0.0, y=300)
    stroke(log, BLUE, 1.0, y=600)
    log.undo(t=2.0)
    log.redo(t=3.0)
    log.clear(t=4.0)
    log.undo(t=5.0)
    stroke(log, GREEN, 6.0, y=900)
    return log


def shown(log):
    return [(stroke.colour, len(stroke.points)) for stroke in log.visible_strokes()]


@pytest.mark.parametrize(
    "t, expected",
    [
        (-1.0, []),
        (0.0, [(RED, 1)]),
        (0.25, [(RED, 3)]),
        (0.9, [(RED, 5)]),
        (1.15, [(RED, 5), (BLUE, 2)]),
        (2.0, [(RED, 5)]),  # undo
        (3.5, [(RED, 5), (BLUE, 5)]),  # redo
        (4.0, []),  # clear
        (5.5, [(RED, 5), (BLUE, 5)]),  # the clear undone
        (6.2, [(RED, 5), (BLUE, 5), (GREEN, 3)]),
    ],
)
def test_log_at_is_the_state_at_that_moment(story, t, expected):
    assert shown(log_at(story, t)) == expected


def test_log_at_keeps_every_field_of_the_events_and_leaves_the_log_alone(story):
    before = story.to_json()
    past = log_at(story, 6.2)
    assert story.to_json() == before
    cut = past.visible_strokes()[-1]
    whole = story.visible_strokes()[-1]
    assert cut.points == whole.points[:3]
    assert {**vars(cut), "points": None} == {**vars(whole), "points": None}
    assert (past.width, past.height, past.background) == (story.width, story.height, story.background)
    past.visible_strokes()[-1].points.append((0, 0, 1, 7))
    assert len(story.visible_strokes()[-1].points) == 5


def test_past_the_end_is_the_finished_log(story):
    assert log_at(story, story.duration).to_json() == story.to_json()
    assert log_at(story, 1e9).to_json() == story.to_json()


@pytest.mark.parametrize("variant", [0, 1])
def test_the_end_of_a_replay_is_the_saved_picture_pixel_for_pixel(variant):
    log = demo_log(variant)
    final = render_image(log).tobytes()
    assert render_at(log, log.duration).tobytes() == final
    assert ReplayRenderer(log).image_at(log.duration).tobytes() == final


def test_the_renderer_draws_every_frame_as_the_log_at_that_moment_does():
    """Every brush, the eraser, undo and clear; mid-stroke frames within 1 (rounding)."""
    log = DrawingLog(width=1024, height=1536, clock=lambda: 0.0)
    for index, tool in enumerate(TOOLS):
        stroke(log, [RED, BLUE, GREEN][index % 3], start=index, tool=tool, y=200 + 150 * index, points=8)
    stroke(log, BLUE, start=len(TOOLS), tool="eraser", y=200, points=8)
    log.undo(t=len(TOOLS) + 1)
    log.clear(t=len(TOOLS) + 1.5)
    log.undo(t=len(TOOLS) + 2)
    renderer = ReplayRenderer(log, kept_pictures=2)
    times = frame_times(log.duration, 4)
    # Backwards too, as a scrubber goes, so that kept pictures are reused out of order.
    for t in times + times[::-1]:
        (low, high) = zip(*ImageChops.difference(renderer.image_at(t), render_at(log, t)).getextrema())
        assert max(high) <= 1, f"frame at {t}"


def test_a_pause_between_strokes_is_one_picture():
    log = demo_log(0)
    renderer = ReplayRenderer(log)
    first = log.events[0]
    second = log.events[1]
    end_of_first = first.points[-1][3]
    assert second.t - end_of_first > 0.1
    assert renderer.image_at(end_of_first) is renderer.image_at((end_of_first + second.t) / 2)


def test_frame_schedules_at_1x_and_4x_end_on_the_finished_picture():
    assert frame_times(1.0, 1) == pytest.approx([index / 30 for index in range(31)])
    fast = frame_times(10.05, 4)
    assert fast[0] == 0 and fast[-1] == 10.05
    assert fast[1] == pytest.approx(4 / 30)
    assert len(fast) == 77
    assert frame_times(0.0, 1) == [0.0]


def test_pictures_are_made_smaller_by_a_whole_factor_and_never_larger():
    image = render_image(DrawingLog(clock=lambda: 0.0))
    assert fit_picture(image, (1024, 768)).size == (1024, 768)
    assert fit_picture(image, (900, 700)).size == (1024, 768)
    assert fit_picture(image, (1100, 800)).size == (2048, 1536)
    assert fit_picture(image, (600, 400)).size == (683, 512)
    assert fit_picture(image, (4000, 3000)) is image


def test_replay_frames_per_second_is_a_rate(story):
    assert replay_frames_per_second(story, (512, 384)) > 0
