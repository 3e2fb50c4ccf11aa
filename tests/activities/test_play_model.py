"""The sandtray's model: what each change does to the tray, undo and redo by whole
gestures, the replay folding the log to any moment, and the log read back, damaged or not."""

import json
import math

import pytest

from expressive.activities.play.tray import (
    FORMAT_NAME,
    MAX_EVENTS,
    SAND_COLUMNS,
    SAND_ROWS,
    TRAY_HEIGHT,
    TRAY_WIDTH,
    TrayLog,
    tray_summary,
)


def figures(log, t=None):
    return log.state_at(t).figures


def sand_at(log, x, y, t=None):
    return float(log.state_at(t).sand[int(y * SAND_ROWS / TRAY_HEIGHT), int(x * SAND_COLUMNS / TRAY_WIDTH)])


def built_world():
    """A small world built as a child would: a lion dragged from the shelf and across the
    sand, a house turned and grown with two fingers, a tree flipped and sent back, a
    furrow of water, a snake buried, a stone taken away, one gesture undone."""
    log = TrayLog(prompt="A safe place")
    log.figures["noto:lion"] = {"name": "lion", "category": "animals", "source": "shipped"}
    gesture = log.begin_action(1.0)
    lion = log.place("noto:lion", 300, 300, 1.0)
    log.move(lion, 400, 350, 1.1)
    log.move(lion, 500, 400, 1.2)
    house = log.place("noto:house", 1500, 400, 3.0)
    gesture = log.begin_action(4.0)
    log.transform(house, 1510, 410, 30, 1.5, 4.1, action=gesture)
    log.transform(house, 1520, 420, 45, 2.0, 4.2, action=gesture)
    tree = log.place("noto:tree", 1000, 1200, 5.0)
    log.flip(tree, 5.5)
    log.to_back(tree, 6.0)
    log.begin_action(7.0)
    log.push_sand([(200, 1000), (900, 1000)], 64, 7.1)
    snake = log.place("noto:snake", 1800, 1300, 8.0)
    log.begin_action(8.5)
    log.bury(snake, 0.5, 8.6)
    log.bury(snake, 1.0, 8.7)
    stone = log.place("noto:rock", 100, 1400, 9.0)
    log.remove(stone, 9.5)
    log.begin_action(10.0)
    log.move(lion, 1000, 700, 10.1)
    log.undo(11.0)
    return log, dict(lion=lion, house=house, tree=tree, snake=snake, stone=stone)


def test_each_change_is_folded_into_the_tray():
    log, ids = built_world()
    state = log.state_at()
    lion, house, tree = state.figures[ids["lion"]], state.figures[ids["house"]], state.figures[ids["tree"]]
    assert (lion.x, lion.y) == (500, 400)  # the last drag was undone
    assert (house.x, house.y, house.angle, house.scale) == (1520, 420, 45, 2.0)
    assert tree.flipped and tree.layer < min(other.layer for other in state.figures.values() if other is not tree)
    assert state.figures[ids["snake"]].buried == 1.0
    assert state.figures[ids["stone"]].removed
    assert [placed.id for placed in state.figures_in_order()] == [ids["tree"], ids["lion"], ids["house"], ids["snake"]]
    assert sand_at(log, 550, 1000) == 0.0  # water shows in the furrow
    assert sand_at(log, 550, 500) == 1.0
    assert state.shape == "rectangle" and state.sand_colour == "golden"


def test_each_event_names_its_type_time_and_action_and_a_drag_is_one_action():
    log, _ids = built_world()
    assert all({"type", "t", "action"} <= set(event) for event in log.events)
    times = [event["t"] for event in log.events]
    assert times == sorted(times)
    # The lion dragged from the shelf: placed and moved twice, one action.
    assert len({event["action"] for event in log.events[:3]}) == 1
    # The flip and the sending back are taps: an action each.
    flip, back = (event for event in log.events if event["type"] in ("flip", "back"))
    assert flip["action"] != back["action"]


def test_undo_takes_back_a_whole_gesture_and_redo_does_it_again():
    log = TrayLog()
    house = log.place("noto:house", 1000, 800, 0.0)
    log.begin_action(1.0)
    for step in range(1, 6):
        log.transform(house, 1000 + 10 * step, 800, 10 * step, 1 + step / 10, 1.0 + step / 10)
    assert log.undo(2.0)
    placed = figures(log)[house]
    assert (placed.x, placed.angle, placed.scale) == (1000, 0, 1.0)
    assert log.can_redo()
    assert log.redo(3.0)
    placed = figures(log)[house]
    assert (placed.x, placed.angle, placed.scale) == (1050, 50, 1.5)
    assert log.undo(4.0) and log.undo(5.0)
    assert figures(log) == {}
    assert not log.can_undo() and not log.undo(6.0)
    assert log.redo(7.0)
    assert list(figures(log)) == [house]


def test_a_new_change_after_undo_ends_the_redo_chain():
    log = TrayLog()
    lion = log.place("noto:lion", 500, 500, 0.0)
    log.begin_action(1.0)
    log.move(lion, 600, 600, 1.1)
    log.undo(2.0)
    log.flip(lion, 3.0)
    assert not log.can_redo() and not log.redo(4.0)
    placed = figures(log)[lion]
    assert (placed.x, placed.flipped) == (500, True)


def test_undoing_a_push_brings_the_sand_back_and_smoothing_fills_water_gently():
    log = TrayLog()
    log.push_sand([(1024, 768)], 80, 1.0)
    assert sand_at(log, 1024, 768) == 0.0
    log.undo(2.0)
    assert (log.state_at().sand == 1.0).all()
    log.redo(3.0)
    log.begin_action(4.0)
    log.smooth_sand([(1000, 768), (1048, 768)], 80, 4.1)
    once = sand_at(log, 1024, 768)
    assert 0.0 < once < 1.0
    log.smooth_sand([(1000, 768), (1048, 768)], 80, 4.2)
    assert once < sand_at(log, 1024, 768) < 1.0


def test_a_fast_finger_leaves_an_unbroken_furrow():
    log = TrayLog()
    log.push_sand([(100, 400), (1900, 400)], 32, 1.0)  # two points far apart
    row = log.state_at().sand[int(400 * SAND_ROWS / TRAY_HEIGHT)]
    columns = range(int(120 * SAND_COLUMNS / TRAY_WIDTH), int(1880 * SAND_COLUMNS / TRAY_WIDTH))
    assert all(row[column] == 0.0 for column in columns)


def test_sand_tools_stay_within_the_grid():
    log = TrayLog()
    log.push_sand([(-200, -200), (TRAY_WIDTH + 200, TRAY_HEIGHT + 200)], 256, 1.0)
    sand = log.state_at().sand
    assert sand.shape == (SAND_ROWS, SAND_COLUMNS) and sand.min() == 0.0 and sand.max() == 1.0


def test_two_gestures_at_once_are_undone_each_as_a_whole():
    log = TrayLog()
    lion = log.place("noto:lion", 200, 200, 0.0)
    snake = log.place("noto:snake", 1800, 200, 0.0)
    first = log.begin_action(1.0)
    other = log.begin_action(1.0)  # two fingers down before either moves
    assert other != first
    log.move(snake, 1700, 200, 1.1, action=other)
    log.move(lion, 300, 200, 1.2, action=first)
    log.move(snake, 1600, 200, 1.3, action=other)
    log.move(lion, 400, 200, 1.4, action=first)
    log.undo(2.0)  # the lion's drag, begun first but recorded last
    state = log.state_at()
    assert (state.figures[lion].x, state.figures[snake].x) == (200, 1600)
    log.undo(3.0)
    assert log.state_at().figures[snake].x == 1800
    assert TrayLog.from_json(log.to_json()).state_at().figures == log.state_at().figures


def test_a_gesture_undone_while_it_goes_on_carries_on_as_one_new_action():
    log = TrayLog()
    lion = log.place("noto:lion", 200, 200, 0.0)
    drag = log.begin_action(1.0)
    log.move(lion, 300, 200, 1.1, action=drag)
    log.undo(1.2)  # another child taps Undo
    log.move(lion, 400, 200, 1.3, action=drag)
    log.move(lion, 500, 200, 1.4, action=drag)
    assert len({event["action"] for event in log.events[-2:]}) == 1
    assert log.undo(2.0) and log.state_at().figures[lion].x == 200


def test_changes_to_a_figure_not_on_the_tray_are_refused():
    log = TrayLog()
    stone = log.place("noto:rock", 100, 100, 0.0)
    log.remove(stone, 1.0)
    with pytest.raises(ValueError, match="not on the tray"):
        log.move(stone, 200, 200, 2.0)
    with pytest.raises(ValueError, match="not on the tray"):
        log.flip(99, 2.0)
    with pytest.raises(ValueError):
        log.resize(stone, float("nan"), 2.0)
    with pytest.raises(ValueError):
        log.bury(stone, 2.0, 2.0)


def test_places_stay_on_the_tray_and_times_stay_in_order():
    log = TrayLog()
    lion = log.place("noto:lion", -50, TRAY_HEIGHT + 900, 5.0, angle=-90)
    placed = figures(log)[lion]
    assert (placed.x, placed.y, placed.angle) == (0, TRAY_HEIGHT, 270)
    log.move(lion, 10, 10, 4.0)  # a touch stamped a little earlier
    assert log.events[-1]["t"] == 5.0
    log.move(lion, 20, 20, 30 * 3600.0)  # a tray left open for more than a day
    assert log.events[-1]["t"] == 24 * 3600
    with pytest.raises(ValueError):
        log.move(lion, 30, 30, float("inf"))


def test_the_replay_shows_the_tray_at_any_moment():
    log, ids = built_world()
    assert figures(log, 0.5) == {}
    assert figures(log, 1.1)[ids["lion"]].x == 400
    assert ids["house"] not in figures(log, 2.0)
    assert figures(log, 4.1)[ids["house"]].angle == 30
    assert figures(log, 10.5)[ids["lion"]].x == 1000  # moved, not yet undone
    assert figures(log, 11.0)[ids["lion"]].x == 500
    assert sand_at(log, 550, 1000, 7.0) == 1.0 and sand_at(log, 550, 1000, 7.1) == 0.0
    # Backwards and forwards again, as a scrubber goes.
    assert figures(log, 4.1)[ids["house"]].angle == 30
    assert figures(log, 9.6)[ids["stone"]].removed
    assert figures(log, log.duration) == figures(log)


def test_a_state_is_a_copy():
    log, ids = built_world()
    state = log.state_at()
    state.figures[ids["lion"]].x = 0
    state.sand[:] = 0
    assert figures(log)[ids["lion"]].x == 500 and sand_at(log, 550, 500) == 1.0


def test_the_look_of_the_tray_is_undoable():
    log = TrayLog()
    log.set_shape("oval", 1.0)
    log.set_sand_colour("red", 2.0)
    assert (log.state_at().shape, log.state_at().sand_colour) == ("oval", "red")
    log.undo(3.0)
    assert log.state_at().sand_colour == "golden"
    with pytest.raises(ValueError):
        log.set_shape("triangle", 4.0)


def test_the_summary_lists_every_figure_with_where_it_stands():
    log, ids = built_world()
    facts = {fact.id: fact for fact in tray_summary(log)}
    lion = facts[ids["lion"]]
    # Dragged from the shelf (placed, not moved); its later move was undone.
    assert (lion.name, lion.where, lion.order, lion.first, lion.moved) == ("lion", "top left", 1, True, 0)
    house = facts[ids["house"]]
    assert (house.name, house.where, house.moved) == ("noto:house", "top right", 1)
    assert facts[ids["snake"]].buried == 1.0 and facts[ids["snake"]].where == "bottom right"
    assert facts[ids["stone"]].removed and facts[ids["stone"]].last
    assert facts[ids["tree"]].where == "bottom"


def test_the_log_round_trips_through_json():
    log, _ids = built_world()
    log.set_shape("square", 12.0)
    text = log.to_json()
    again = TrayLog.from_json(text)
    assert again.to_json() == text
    assert again.state_at().figures == log.state_at().figures
    assert (again.state_at().sand == log.state_at().sand).all()
    assert again.prompt == "A safe place" and again.figures == log.figures
    assert again.can_redo() == log.can_redo() and again.can_undo()
    # It goes on where it stopped: the undone drag can be redone.
    assert again.redo(20.0) is False  # the square came after the undo: nothing to redo
    assert again.undo(20.0) and again.state_at().shape == "rectangle"
    header = json.loads(text)
    assert (header["format"], header["version"], header["width"], header["height"]) == (FORMAT_NAME, 1, 2048, 1536)


def damaged(change):
    log, _ids = built_world()
    data = json.loads(log.to_json())
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize("change, words", [
    (lambda data: data["events"][0].update(t=float("nan")), "time"),
    (lambda data: data["events"][1].update(x=1e308), "x"),
    (lambda data: data["events"][1].update(x=10**400), "x"),
    (lambda data: data["events"][1].update(x="400"), "x"),
    (lambda data: data["events"][0].update(type="explode"), "not one Expressive knows"),
    (lambda data: data["events"][1].update(t=0.0), "comes before"),
    (lambda data: data["events"][1].update(id=77), "not on the tray"),
    (lambda data: data["events"][0].update(id=5), "next number"),
    (lambda data: data["events"][1].pop("y"), "lacks"),
    (lambda data: data["events"][1].update(extra=1), "unknown fields"),
    (lambda data: data["events"][1].update(action=True), "action"),
    (lambda data: data["events"].append(dict(data["events"][-2], t=99.0)), "was undone"),
    (lambda data: data["events"][-1].update(action=1), "undo"),
    (lambda data: data["events"].append({"type": "redo", "t": 99.0, "action": 1}), "redo"),
    (lambda data: data["events"][0].update(scale=100), "scale"),
    (lambda data: data.update(shape="hexagon"), "shape"),
    (lambda data: data.update(width=9000), "2048"),
    (lambda data: data.update(format="something else"), "not a sandtray log"),
    (lambda data: data.update(events={"0": {}}), "events"),
    (lambda data: data["events"].insert(0, []), "record"),
    (lambda data: data["events"].insert(0, {"type": "push", "t": 0, "action": 1, "radius": 40,
                                             "points": [[0, 0]] * 300}), "points"),
    (lambda data: data.update(prompt=["a list"]), "prompt"),
    (lambda data: data.update(figures={"noto:lion": {"name": 7}}), "figure"),
])
def test_a_damaged_log_is_refused_in_plain_words(change, words):
    with pytest.raises(ValueError, match=words):
        TrayLog.from_json(damaged(change))


@pytest.mark.parametrize("text", [
    "", "{", "[]", "null", '{"format": "expressive-sandtray"', "[" * 100_000, b"\xff\xfe\x00",
])
def test_what_is_not_a_log_at_all_is_refused(text):
    with pytest.raises(ValueError):
        TrayLog.from_json(text)


def test_a_truncated_log_is_refused():
    text = built_world()[0].to_json()
    for cut in (len(text) // 3, len(text) - 1):
        with pytest.raises(ValueError):
            TrayLog.from_json(text[:cut])


def test_too_many_events_are_refused_before_they_are_folded():
    event = {"type": "flip", "t": 0, "action": 1, "id": 1}
    data = json.loads(TrayLog().to_json())
    data["events"] = [event] * (MAX_EVENTS + 1)
    with pytest.raises(ValueError, match="at most"):
        TrayLog.from_json(json.dumps(data))


def test_sand_work_is_bounded():
    log = TrayLog()
    whole = [(0, 0), (TRAY_WIDTH, TRAY_HEIGHT), (0, TRAY_HEIGHT), (TRAY_WIDTH, 0)]
    results = [log.push_sand(whole, 256, 1.0 + n / 1000) for n in range(200)]
    assert results[0] and not results[-1]
    data = json.loads(log.to_json())
    data["events"] += [dict(data["events"][0], t=5.0, action=len(data["events"]) + n + 1) for n in range(200)]
    with pytest.raises(ValueError, match="sand"):
        TrayLog.from_json(json.dumps(data))
    assert math.isclose(log.duration, 1.0 + (sum(results) - 1) / 1000)


def test_a_full_log_records_no_more_and_says_so(monkeypatch):
    from expressive.activities.play import tray

    monkeypatch.setattr(tray, "MAX_EVENTS", 4)
    log = TrayLog()
    lion = log.place("noto:lion", 500, 500, 0.0)
    log.move(lion, 600, 500, 1.0)
    log.move(lion, 700, 500, 2.0)
    assert log.can_place and not log.is_full
    log.move(lion, 800, 500, 3.0)
    assert log.is_full and not log.can_place
    log.move(lion, 900, 500, 4.0)
    assert not log.undo(5.0) and not log.push_sand([(100, 100)], 40, 6.0)
    with pytest.raises(ValueError, match="no more figures"):
        log.place("noto:snake", 100, 100, 7.0)
    assert len(log.events) == 4 and figures(log)[lion].x == 800
