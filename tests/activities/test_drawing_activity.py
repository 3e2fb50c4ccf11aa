"""The drawing activity as the host sees it: declaration, drafts, demo pictures."""

import io
import json
import logging
import subprocess
import sys
from importlib.metadata import entry_points

from PIL import Image

from expressive.activities.drawing.activity import DrawingActivity
from expressive.lib.drawing.strokes import DrawingLog
from expressive.activity import Host, MemoryDrafts


def make_activity(tmp_path):
    return DrawingActivity(Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.drawing")))


def test_the_declaration_is_valid_and_found_by_its_entry_point():
    assert DrawingActivity.info.problems() == []
    assert DrawingActivity.info.id == "drawing" and DrawingActivity.info.icon == "brush"
    (entry,) = [entry for entry in entry_points(group="expressive.activities") if entry.name == "drawing"]
    assert entry.load() is DrawingActivity


def test_importing_the_activity_does_not_import_kivy():
    code = "import sys, expressive.activities.drawing; print('kivy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_fresh_drawing_has_no_work(tmp_path):
    assert not make_activity(tmp_path).has_work()


def test_a_drawing_that_was_cleared_is_still_kept_for_its_process(tmp_path):
    activity = make_activity(tmp_path)
    activity.log.begin_stroke("marker", "#000000", 22, t=0)
    activity.log.add_point(100, 100, t=0)
    activity.log.end_stroke()
    activity.log.clear(t=1)
    assert activity.log.is_empty
    assert activity.has_work()
    (draft,) = activity.finish()
    assert [event["type"] for event in json.loads(draft.files["strokes.json"])["events"]] == ["stroke", "clear"]


def test_finish_returns_the_picture_its_log_and_a_thumbnail(tmp_path):
    activity = make_activity(tmp_path)
    activity.log.begin_stroke("marker", "#E53935", 22, t=0)
    activity.log.add_point(100, 100, t=0)
    activity.log.add_point(300, 100, t=0.1)
    activity.log.end_stroke()
    assert activity.has_work()
    (draft,) = activity.finish()
    assert draft.problems() == []
    assert (draft.kind, draft.product, draft.process, draft.thumbnail) == (
        "drawing",
        "drawing.png",
        "strokes.json",
        "thumbnail.png",
    )
    assert draft.metadata == {"width": 2048, "height": 1536, "strokes": 1}
    assert Image.open(io.BytesIO(draft.files["drawing.png"])).size == (2048, 1536)
    assert Image.open(io.BytesIO(draft.files["thumbnail.png"])).size == (320, 240)
    assert DrawingLog.from_json(draft.files["strokes.json"]).events == activity.log.events


def test_demo_pictures_differ_by_variant_and_look_hand_made():
    pictures = set()
    brushes = set()
    for variant in range(4):
        (draft,) = DrawingActivity.demo_drafts(variant)
        assert draft.problems() == []
        assert draft.metadata["strokes"] >= 15
        log = DrawingLog.from_json(draft.files["strokes.json"])
        kinds = [event["type"] for event in json.loads(draft.files["strokes.json"])["events"]]
        assert "undo" in kinds  # a change of mind is part of the process record
        times = [point[3] for stroke in log.visible_strokes() for point in stroke.points]
        assert times == sorted(times) and 10 < log.duration < 600
        image = Image.open(io.BytesIO(draft.files["drawing.png"])).convert("RGB")
        colours = image.quantize(64).convert("RGB").getcolors()
        assert len(colours) >= 6
        brushes.update(stroke.tool for stroke in log.visible_strokes())
        pictures.add(draft.files["drawing.png"])
    assert len(pictures) == 4
    assert len(brushes) >= 4, "the demo pictures show off several brushes"
