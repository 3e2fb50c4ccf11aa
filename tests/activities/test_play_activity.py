"""The play activity without a window: its drafts, snapshots and demo trays."""

import base64
import io
import json
import logging
import subprocess
import sys

import pytest
from PIL import Image

from expressive.activities.play.activity import PlayActivity, draft_from_log, saved_figure_names
from expressive.activities.play.tray import TrayLog
from expressive.activity import Host, MemoryDrafts
from expressive.api.limits import InputRefused


def new_activity(therapist_folder=None):
    return PlayActivity(Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.play"), therapist_folder=therapist_folder))


def place(activity, key, x=1000.0, y=700.0, t=1.0):
    figure = activity.library.get(key)
    activity.log.figures.setdefault(key, {"name": figure.name, "category": figure.category, "source": key.split(":")[0]})
    return activity.log.place(key, x, y, t)


def therapist_folder(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    Image.new("RGBA", (50, 80), (30, 140, 60, 255)).save(figures / "tall tree.png")
    return tmp_path


def test_the_activity_module_imports_no_kivy():
    code = "import sys, expressive.activities.play.activity; print('kivy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_there_is_work_once_anything_happened_in_the_tray():
    activity = new_activity()
    assert not activity.has_work()
    figure = place(activity, "noto:lion")
    activity.log.remove(figure, 2.0)
    assert activity.has_work()  # a world built and taken apart is still kept
    (draft,) = activity.finish()
    assert draft.metadata["figures"] == 0


def test_a_finished_tray_is_its_picture_its_log_a_thumbnail_and_its_own_figures(tmp_path):
    activity = new_activity(therapist_folder(tmp_path))
    (own,) = activity.library.figures("own")
    place(activity, "noto:lion", 500, 400, 1.0)
    place(activity, own.key, 1500, 900, 2.0)
    activity.log.prompt = "A safe place"
    (draft,) = activity.finish()
    assert (draft.kind, draft.product, draft.process, draft.thumbnail) == ("sandtray", "tray.png", "tray.json", "thumbnail.png")
    assert draft.metadata == {"figures": 2, "prompt": "A safe place"}
    assert saved_figure_names(activity.log) == {own.key: "figure-1.png"}
    assert Image.open(io.BytesIO(draft.files["figure-1.png"])).size == (50, 80)
    assert Image.open(io.BytesIO(draft.files["tray.png"])).size == (2048, 1536)
    log = TrayLog.from_json(draft.files["tray.json"])
    assert [event["type"] for event in log.events] == ["place", "place"]
    assert log.figures[own.key]["name"] == "tall tree"


def test_a_snapshot_restored_on_an_activity_never_built_finishes_the_same_tray(tmp_path):
    activity = new_activity(therapist_folder(tmp_path))
    (own,) = activity.library.figures("own")
    place(activity, "noto:dragon", 600, 600, 1.0)
    place(activity, own.key, 1200, 600, 2.0)
    snapshot = activity.snapshot()
    # The therapist's folder has gone since (another tablet): the figure came in the snapshot.
    again = new_activity()
    again.restore(snapshot)
    assert again.log.events == activity.log.events
    assert again.library.get(own.key) is not None
    (before,), (after,) = activity.finish(), again.finish()
    assert before.files["tray.png"] == after.files["tray.png"]
    assert before.files["figure-1.png"] == after.files["figure-1.png"]


@pytest.mark.parametrize("snapshot", [b"{", b"[]", b'{"log": 5}', b'{"log": "{}"}', b"\x00" * 10])
def test_a_damaged_snapshot_is_refused_in_plain_words(snapshot):
    with pytest.raises(ValueError) as refused:
        new_activity().restore(snapshot)
    assert str(refused.value)


def test_a_damaged_figure_in_a_snapshot_is_left_out_and_the_tray_still_restores():
    activity = new_activity()
    place(activity, "noto:lion")
    data = json.loads(activity.snapshot())
    data_log = json.loads(data["log"])
    data_log["figures"].update({"own:0123456789abcdef": {"name": "x"}, "own:fedcba9876543210": {"name": "y"}})
    data["log"] = json.dumps(data_log)
    good = io.BytesIO()
    Image.new("RGBA", (10, 10), (255, 0, 0, 255)).save(good, format="PNG")
    data["figures"] = {"own:0123456789abcdef": base64.b64encode(b"not a png").decode(),
                       "own:fedcba9876543210": "%%% not base64",
                       "own:not-in-the-log": base64.b64encode(good.getvalue()).decode()}
    again = new_activity()
    again.restore(json.dumps(data).encode())
    assert [event["type"] for event in again.log.events] == ["place"]
    assert again.library.get("own:0123456789abcdef") is None
    assert again.library.get("own:not-in-the-log") is None  # only figures the log names come in


def test_a_snapshot_over_its_bound_is_refused_before_it_is_decoded(monkeypatch):
    import expressive.activities.play.activity as module

    monkeypatch.setattr(module, "MAX_SNAPSHOT_BYTES", 100)
    with pytest.raises(InputRefused):
        new_activity().restore(b'{"log": "' + b"x" * 200 + b'"}')


def test_the_demo_trays_hold_figures_and_differ_by_variant():
    drafts = [PlayActivity.demo_drafts(variant)[0] for variant in range(2)]
    for draft in drafts:
        assert draft.kind == "sandtray" and draft.metadata["figures"] > 3
        assert TrayLog.from_json(draft.files["tray.json"]).events
    assert drafts[0].files["tray.png"] != drafts[1].files["tray.png"]


def test_the_draft_of_a_log_can_be_made_without_an_activity():
    activity = new_activity()
    place(activity, "noto:lion")
    draft = draft_from_log(activity.log, activity.library)
    assert draft.metadata["figures"] == 1
