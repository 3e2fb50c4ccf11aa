"""Stamps: the catalogue, the Stamp event in the log, and how the renderer draws it."""

import json
import logging

import pytest
from PIL import ImageChops, ImageColor

from expressive.lib.drawing.render import render_image
from expressive.activities.drawing.stamps import STAMPS_FILE, StampChoice, StampGroup, catalogue, load_catalogue
from expressive.lib.drawing.strokes import FORMAT_VERSION, DrawingLog, Stamp
from expressive.lib.fonts import is_icon_name

RED = "#E53935"
WHITE = (255, 255, 255)


def test_the_catalogue_has_four_categories_of_real_icons_each_with_a_name():
    groups = catalogue()
    assert [group.name for group in groups] == ["Feelings", "Animals", "Nature", "Shapes"]
    stamps = [stamp for group in groups for stamp in group.stamps]
    assert all(len(group.stamps) >= 6 for group in groups) and all(is_icon_name(stamp.icon) for stamp in stamps)
    names = [stamp.name for stamp in stamps]
    assert len(set(names)) == len(names) and not any("-" in name for name in names), "words people read, not glyph names"


def test_a_stamp_that_is_not_an_icon_is_left_out_with_a_warning(tmp_path, caplog):
    path = tmp_path / "stamps.json"
    animals = {"name": "Animals", "stamps": [{"icon": "cat", "name": "cat"}, {"icon": "no-such-glyph-anywhere", "name": "?"}]}
    path.write_text(json.dumps([animals]))
    with caplog.at_level(logging.WARNING):
        assert load_catalogue(path) == [StampGroup("Animals", (StampChoice("cat", "cat"),))]
    assert "no-such-glyph-anywhere" in caplog.text


def test_the_stamp_names_are_extracted_for_translation():
    from expressive.tools.catalogues import extract_data

    with open(STAMPS_FILE, "rb") as handle:
        words = {message for _line, _function, message, _comments in extract_data(handle, None, (), {})}
    assert {"Feelings", "happy face", "butterfly", "house"} <= words


def test_a_stamp_round_trips_and_undoes_redoes_and_clears_like_a_stroke():
    log = DrawingLog()
    stamp = log.stamp("cat", 500.123, 400, 240, RED, t=1.0, rotation=-30, opacity=0.5)
    assert stamp == Stamp(1.0, "cat", 500.12, 400, 240, 330, RED, 0.5)
    assert log.visible_marks() == [stamp] and not log.is_empty
    again = DrawingLog.from_json(log.to_json())
    assert again.events == log.events and json.loads(log.to_json())["version"] == FORMAT_VERSION
    assert log.undo(t=2) and log.visible_marks() == [] and log.last_stamp is None
    assert log.redo(t=3) and log.visible_marks() == [stamp]
    assert log.clear(t=4) and log.visible_marks() == []
    assert log.undo(t=5) and log.visible_marks() == [stamp]
    with pytest.raises(ValueError):
        log.stamp("cat", 1, 1, 0, RED)


def test_the_last_stamp_is_adjusted_in_place_and_one_undo_removes_it():
    log = DrawingLog()
    log.begin_stroke("marker", RED, 10, t=0)
    log.add_point(10, 10, t=0)
    log.end_stroke()
    log.stamp("heart", 300, 300, 240, RED, t=1)
    adjusted = log.adjust_stamp(480, 390)
    assert (adjusted.size, adjusted.rotation) == (480, 30)
    assert log.events[-1] is adjusted and log.visible_marks()[-1] is adjusted and len(log.events) == 2
    assert DrawingLog.from_json(log.to_json()).events == log.events
    log.undo(t=2)
    assert len(log.visible_marks()) == 1 and log.last_stamp is None
    with pytest.raises(RuntimeError):
        log.adjust_stamp(100, 0)


def test_older_logs_still_load():
    log = DrawingLog()
    log.fill(5, 5, RED, t=0)
    data = json.loads(log.to_json())
    assert DrawingLog.from_json(json.dumps(data)).events == log.events


def test_a_stamp_is_rendered_in_its_colour_around_its_centre_and_deterministically():
    log = DrawingLog()
    log.stamp("circle", 1000, 700, 240, RED, t=0)
    image = render_image(log)
    assert image.getpixel((1000, 700)) == ImageColor.getrgb(RED)
    box = ImageChops.difference(image, image.copy().point(lambda _v: 255)).getbbox()
    left, top, right, bottom = box
    assert abs((left + right) / 2 - 1000) <= 2 and abs((top + bottom) / 2 - 700) <= 2
    assert 150 < right - left <= 240
    assert image.getpixel((100, 100)) == WHITE
    assert render_image(DrawingLog.from_json(log.to_json())).tobytes() == image.tobytes()


def test_rotation_and_size_change_the_stamp():
    def picture(size, rotation):
        log = DrawingLog()
        log.stamp("triangle", 1000, 700, size, RED, t=0, rotation=rotation)
        return render_image(log)

    upright = picture(240, 0)
    assert picture(240, 0).tobytes() == upright.tobytes()
    assert picture(240, 45).tobytes() != upright.tobytes()
    assert picture(240, 180).getbbox() is not None
    bigger = ImageChops.invert(picture(480, 0)).getbbox()
    small = ImageChops.invert(upright).getbbox()
    assert bigger[2] - bigger[0] > 1.8 * (small[2] - small[0])


def test_a_faint_stamp_and_one_off_the_edge():
    log = DrawingLog()
    log.stamp("square", 1000, 700, 240, "#000000", t=0, opacity=0.5)
    log.stamp("square", 0, 0, 240, "#000000", t=1)
    log.stamp("square", -5000, -5000, 240, "#000000", t=2)
    image = render_image(log)
    assert 120 <= image.getpixel((1000, 700))[0] <= 135
    assert image.getpixel((5, 5)) == (0, 0, 0)


def test_a_stamp_replays_at_its_moment_and_the_replay_ends_on_the_saved_picture():
    from expressive.lib.drawing.replay import ReplayRenderer, render_at

    log = DrawingLog()
    log.begin_stroke("marker", "#000000", 20, t=0)
    log.add_point(100, 100, t=0)
    log.add_point(400, 100, t=1)
    log.end_stroke()
    log.stamp("star", 1000, 700, 240, RED, t=2, rotation=20)
    log.adjust_stamp(360, 40)
    assert render_at(log, 1.5).getpixel((1000, 700)) == WHITE
    assert render_at(log, 2.5).getpixel((1000, 700)) == ImageColor.getrgb(RED)
    renderer = ReplayRenderer(log)
    assert renderer.image_at(1.5).getpixel((1000, 700)) == WHITE
    assert renderer.image_at(log.duration).tobytes() == render_image(log).tobytes()
