"""The stroke log: what is recorded, what undo/redo/clear do, and the file format."""

import json
import math

import pytest

from expressive.lib.drawing.strokes import (
    BRUSH_SIZES,
    DOC_HEIGHT,
    DOC_WIDTH,
    FORMAT_VERSION,
    PALETTE,
    PAPER_COLOUR,
    DrawingLog,
)

RED = PALETTE["red"]
BLUE = PALETTE["blue"]


def draw(log, colour, points, tool="marker", width=BRUSH_SIZES["medium"], t=0.0):
    log.begin_stroke(tool, colour, width, t=t)
    for index, (x, y) in enumerate(points):
        log.add_point(x, y, 1.0, t=t + 0.01 * index)
    log.end_stroke()


def colours(log):
    return [stroke.colour for stroke in log.visible_strokes()]


def test_palette_and_brush_sizes_are_usable():
    assert len(PALETTE) >= 12
    assert len(set(PALETTE.values())) == len(PALETTE)
    assert {"black", "brown", "peach"} <= set(PALETTE)
    assert all(len(colour) == 7 and colour.startswith("#") for colour in PALETTE.values())
    assert list(BRUSH_SIZES) == ["small", "medium", "large"]
    assert BRUSH_SIZES["small"] < BRUSH_SIZES["medium"] < BRUSH_SIZES["large"]
    assert (DOC_WIDTH, DOC_HEIGHT) == (2048, 1536)


def test_a_new_log_is_empty_and_has_no_history():
    log = DrawingLog()
    assert log.is_empty
    assert not log.can_undo and not log.can_redo
    assert log.visible_strokes() == []
    assert not log.undo() and not log.redo() and not log.clear()
    assert log.events == []


def test_a_stroke_keeps_its_tool_colour_width_and_timed_points():
    log = DrawingLog()
    log.begin_stroke("crayon", RED, 22, t=1.5, opacity=0.5, dynamics="pressure", seed=7)
    log.add_point(10, 20, 0.5, t=1.5)
    log.add_point(30.123456, 40, 0.75, t=1.6)
    assert log.current_stroke is not None
    log.end_stroke()
    (stroke,) = log.visible_strokes()
    assert (stroke.tool, stroke.colour, stroke.width, stroke.t) == ("crayon", RED, 22, 1.5)
    assert (stroke.opacity, stroke.dynamics, stroke.seed) == (0.5, "pressure", 7)
    assert stroke.points == [(10, 20, 0.5, 1.5), (30.12, 40, 0.75, 1.6)]
    assert log.current_stroke is None
    assert not log.is_empty


def test_a_stroke_is_visible_while_it_is_being_drawn():
    log = DrawingLog()
    log.begin_stroke("marker", RED, 22, t=0)
    log.add_point(5, 5, t=0)
    assert colours(log) == [RED]
    assert not log.is_empty


def test_a_stroke_without_points_leaves_no_trace():
    log = DrawingLog()
    log.begin_stroke("marker", RED, 22, t=0)
    log.end_stroke()
    assert log.events == [] and log.is_empty and not log.can_undo


def test_eraser_paints_the_paper_colour_and_alone_leaves_the_paper_empty():
    log = DrawingLog()
    draw(log, RED, [(0, 0), (5, 5)], tool="eraser")
    assert colours(log) == [PAPER_COLOUR]
    assert log.visible_strokes()[0].tool == "eraser"
    assert log.is_empty
    draw(log, RED, [(0, 0)])
    assert not log.is_empty


def test_bad_input_is_refused():
    log = DrawingLog()
    with pytest.raises(ValueError):
        log.begin_stroke("glitter", RED, 22)
    with pytest.raises(ValueError):
        log.begin_stroke("brush", RED, 22)  # only version 1 files had a plain "brush"
    with pytest.raises(ValueError):
        log.begin_stroke("marker", RED, 0)
    with pytest.raises(ValueError):
        log.begin_stroke("marker", RED, 22, opacity=0)
    with pytest.raises(ValueError):
        log.begin_stroke("marker", RED, 22, dynamics="tilt")
    with pytest.raises(RuntimeError):
        log.add_point(1, 2)


def test_undo_and_redo_step_back_and_forth_through_strokes():
    log = DrawingLog()
    draw(log, RED, [(0, 0)])
    draw(log, BLUE, [(1, 1)])
    assert log.undo()
    assert colours(log) == [RED] and log.can_redo
    assert log.undo()
    assert colours(log) == [] and log.is_empty and not log.can_undo
    assert log.redo() and log.redo()
    assert colours(log) == [RED, BLUE] and not log.can_redo


def test_a_new_stroke_drops_what_could_have_been_redone():
    log = DrawingLog()
    draw(log, RED, [(0, 0)])
    draw(log, BLUE, [(1, 1)])
    log.undo()
    draw(log, PALETTE["green"], [(2, 2)])
    assert not log.can_redo and not log.redo()
    assert colours(log) == [RED, PALETTE["green"]]


def test_clear_empties_the_paper_and_undo_brings_the_picture_back():
    log = DrawingLog()
    draw(log, RED, [(0, 0)])
    draw(log, BLUE, [(1, 1)])
    assert log.clear()
    assert log.is_empty and log.visible_strokes() == []
    assert not log.clear()  # clearing clear paper records nothing
    assert log.undo()
    assert colours(log) == [RED, BLUE]
    assert log.redo()
    assert log.is_empty
    draw(log, PALETTE["green"], [(2, 2)])
    assert colours(log) == [PALETTE["green"]]
    log.undo()
    log.undo()  # takes back the clear
    assert colours(log) == [RED, BLUE]


def test_undo_during_a_stroke_ends_it_and_takes_it_back():
    log = DrawingLog()
    draw(log, RED, [(0, 0)])
    log.begin_stroke("marker", BLUE, 22, t=1)
    log.add_point(1, 1, t=1)
    assert log.undo()
    assert log.current_stroke is None
    assert colours(log) == [RED]


def test_every_event_is_kept_with_its_time():
    clock = iter([100.0, 101.0, 101.5, 102.0, 103.0, 104.0]).__next__
    log = DrawingLog(clock=clock)  # the log starts counting at 100
    log.begin_stroke("marker", RED, 22)
    log.add_point(1, 1)
    log.end_stroke()
    log.undo()
    log.redo()
    log.clear()
    kinds = [json_event["type"] for json_event in json.loads(log.to_json())["events"]]
    assert kinds == ["stroke", "undo", "redo", "clear"]
    assert [event.t for event in log.events] == [1.0, 2.0, 3.0, 4.0]
    assert log.events[0].points[0][3] == 1.5
    assert log.duration == 4.0


def test_json_round_trip_keeps_events_and_picture():
    log = DrawingLog()
    draw(log, RED, [(10, 20), (30, 40)], t=0.5)
    draw(log, BLUE, [(50, 60)], tool="eraser", width=56, t=2)
    log.clear(t=3)
    log.undo(t=4)
    draw(log, PALETTE["green"], [(70, 80)], t=5)
    text = log.to_json()
    data = json.loads(text)
    assert data["format"] == "expressive-strokes" and data["version"] == 4
    assert (data["width"], data["height"], data["background"]) == (2048, 1536, "#FFFFFF")
    assert data["events"][0]["points"] == [[10, 20, 1.0, 0.5], [30, 40, 1.0, 0.51]]
    assert {key: data["events"][0][key] for key in ("tool", "opacity", "dynamics")} == {
        "tool": "marker",
        "opacity": 1.0,
        "dynamics": "speed",
    }
    assert isinstance(data["events"][0]["seed"], int)
    assert all("t" in event for event in data["events"])

    loaded = DrawingLog.from_json(text.encode("utf-8"))
    assert loaded.events == log.events
    assert loaded.visible_strokes() == log.visible_strokes()
    assert loaded.to_json() == text
    assert loaded.can_undo and not loaded.can_redo


def test_a_loaded_log_carries_on_from_its_last_moment():
    log = DrawingLog()
    draw(log, RED, [(1, 1), (2, 2)], t=7)
    loaded = DrawingLog.from_json(log.to_json(), clock=lambda: 500.0)
    loaded.begin_stroke("marker", RED, 22)
    assert loaded.current_stroke.t == 7.01


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data.update(format="something-else"),
        lambda data: data.update(version=5),
        lambda data: data["events"][0].update(tool="brush"),
        lambda data: data["events"].append({"type": "wave", "t": 9}),
        lambda data: data["events"].append({"type": "redo", "t": 9}),
    ],
)
def test_files_that_are_not_stroke_logs_are_refused(change):
    log = DrawingLog()
    draw(log, RED, [(1, 1)])
    data = json.loads(log.to_json())
    change(data)
    with pytest.raises(ValueError):
        DrawingLog.from_json(json.dumps(data))


def test_version_1_logs_still_load_as_even_markers():
    version_1 = {
        "format": "expressive-strokes",
        "version": 1,
        "width": 2048,
        "height": 1536,
        "background": "#FFFFFF",
        "events": [
            {"type": "stroke", "t": 0.5, "tool": "brush", "colour": RED, "width": 22,
             "points": [[10, 20, 1.0, 0.5], [30, 40, 1.0, 0.6]]},
            {"type": "stroke", "t": 1.0, "tool": "eraser", "colour": "#FFFFFF", "width": 56, "points": [[10, 20, 1.0, 1.0]]},
            {"type": "undo", "t": 2.0},
        ],
    }
    log = DrawingLog.from_json(json.dumps(version_1))
    (stroke,) = log.visible_strokes()
    assert (stroke.tool, stroke.colour, stroke.width, stroke.opacity, stroke.dynamics) == ("marker", RED, 22, 1.0, "fixed")
    assert stroke.points == [(10, 20, 1.0, 0.5), (30, 40, 1.0, 0.6)]
    assert log.can_redo and log.duration == 2.0
    # Saved again, it is a version 2 file that loads to the same strokes.
    assert json.loads(log.to_json())["version"] == FORMAT_VERSION
    assert DrawingLog.from_json(log.to_json()).events == log.events


def test_a_fill_is_an_undoable_step_kept_in_the_file():
    log = DrawingLog()
    draw(log, RED, [(10, 20), (30, 40)], t=0.5)
    fill = log.fill(100.123, 200, BLUE, t=2, opacity=0.5, tolerance=30)
    assert (fill.x, fill.y, fill.colour, fill.opacity, fill.tolerance) == (100.12, 200, BLUE, 0.5, 30)
    assert log.visible_marks()[-1] == fill and not log.is_empty
    assert json.loads(log.to_json())["events"][-1] == {
        "type": "fill", "t": 2, "x": 100.12, "y": 200, "colour": BLUE, "opacity": 0.5, "tolerance": 30,
    }
    loaded = DrawingLog.from_json(log.to_json())
    assert loaded.events == log.events and loaded.visible_marks() == log.visible_marks()
    assert log.undo(t=3) and fill not in log.visible_marks()
    assert log.redo(t=4) and log.visible_marks()[-1] == fill
    log.clear(t=5)
    assert log.visible_marks() == [] and log.is_empty
    with pytest.raises(ValueError):
        log.fill(1, 1, RED, tolerance=300)
    with pytest.raises(ValueError):
        log.fill(1, 1, RED, opacity=0)


def test_a_fill_in_a_version_2_file_is_refused():
    log = DrawingLog()
    log.fill(1, 1, RED, t=1)
    data = json.loads(log.to_json())
    data["version"] = 2
    with pytest.raises(ValueError):
        DrawingLog.from_json(json.dumps(data))


def test_a_background_changes_the_paper_undoably_and_a_clear_leaves_it():
    log = DrawingLog()
    assert log.paper == (PAPER_COLOUR, None, None)
    assert log.set_background("#DCEEFB", "mandala", t=1)
    assert not log.set_background("#DCEEFB", "mandala", t=2), "the same paper again is no step"
    draw(log, RED, [(1, 1)], t=3)
    log.clear(t=4)
    assert log.paper == ("#DCEEFB", "mandala", None) and log.is_empty
    loaded = DrawingLog.from_json(log.to_json())
    assert loaded.events == log.events and loaded.paper == log.paper
    log.undo(t=5)
    log.undo(t=6)
    log.undo(t=7)
    assert log.paper == (PAPER_COLOUR, None, None)
    with pytest.raises(ValueError):
        log.set_background(PAPER_COLOUR, "castle")


def test_a_photo_as_paper_travels_inside_the_log_and_undoes_like_any_paper():
    log = DrawingLog()
    photo = log.add_photo(b"jpeg bytes")
    assert log.add_photo(b"jpeg bytes") == photo and len(log.photos) == 1
    assert log.set_background(photo=photo, t=1)
    assert log.paper == (PAPER_COLOUR, None, photo)
    loaded = DrawingLog.from_json(log.to_json())
    assert loaded.photos == {photo: b"jpeg bytes"} and loaded.paper == log.paper
    log.undo(t=2)
    assert log.paper == (PAPER_COLOUR, None, None)
    with pytest.raises(ValueError):
        log.set_background(photo="not-added")


def test_a_log_naming_a_photo_it_does_not_carry_is_refused():
    log = DrawingLog()
    log.set_background(photo=log.add_photo(b"jpeg bytes"), t=1)
    data = json.loads(log.to_json())
    data["photos"] = {}
    with pytest.raises(ValueError, match="photo"):
        DrawingLog.from_json(json.dumps(data))


def test_a_drawing_stops_recording_points_past_what_it_can_draw_in_seconds():
    from expressive.lib.drawing.strokes import MAX_DRAWING_COST, SPRAY_COST_PER_PIXEL

    log = DrawingLog()
    log.begin_stroke("spray", "#ff0000", 8, t=0)
    corners = [(0, 0), (2047, 1535)]
    for number in range(1000):
        log.add_point(*corners[number % 2], t=number / 100)
    log.end_stroke()
    kept = log.events[0].points
    travelled = sum(math.dist(a[:2], b[:2]) for a, b in zip(kept, kept[1:]))
    assert 10 < len(kept) < 1000
    assert travelled * SPRAY_COST_PER_PIXEL <= MAX_DRAWING_COST
    assert DrawingLog.from_json(log.to_json()).events[0].points == kept, "what was recorded is read back"


def test_the_timeline_is_what_undo_and_redo_move_along():
    log = DrawingLog()
    draw(log, RED, [(10, 10), (20, 20)])
    draw(log, BLUE, [(30, 30)])
    log.clear(t=1)
    first, second, clear = log.timeline()
    assert (first.colour, second.colour) == (RED, BLUE) and type(clear).__name__ == "Clear"
    log.undo(t=2)
    log.undo(t=3)
    assert log.timeline() == [first, second, clear], "undone actions stay, redo brings them back in order"
    draw(log, RED, [(40, 40)], t=4)
    (kept, new) = log.timeline()
    assert kept is first and new.points[0][:2] == (40, 40), "something new done: what was undone is gone"
