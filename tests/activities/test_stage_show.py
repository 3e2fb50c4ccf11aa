"""The puppet stage without a window: the show's log, its bounds, and a play kept with its
log, puppets and backdrop so that it can be drawn again."""

import io
import json
import logging

import pytest
from PIL import Image

from expressive.activities.stage.activity import StageActivity, Take, film_of_take, rerender
from expressive.activities.stage.demo import demo_take
from expressive.activities.stage.backdrops import BACKDROP_IDS, DRAWN_BACKDROP, STAGE_SIZE, drawn_backdrop, painted_backdrop
from expressive.activities.stage.render import frame_at
from expressive.activities.stage.show import MAX_EVENTS, STAGE_WIDTH, Puppet, ShowLog
from expressive.activity import Host, MemoryDrafts
from expressive.api import ArtifactView
from expressive.api.limits import InputRefused
from expressive.lib.figures import FigureLibrary, cut_out
from expressive.lib.film import FILM_SIZE


def little_show(backdrop="forest"):
    log = ShowLog(backdrop, [Puppet("noto:lion", "lion", "shipped"), Puppet("noto:mouse", "mouse", "shipped")])
    log.enter(0, 300, 500, 0.0)
    log.enter(1, 900, 500, 0.0)
    for step in range(1, 11):
        log.move(1, 900 - step * 40, 500, step / 10)
    log.flip(0, 1.2)
    log.leave(1, 1.5)
    return log


def test_the_log_folds_to_each_moment_and_reads_back_the_same():
    log = little_show()
    at_half = dict(log.on_stage_at(0.5))
    assert at_half[1].x == 700 and not at_half[0].flipped
    at_end = dict(log.on_stage_at(None))
    assert set(at_end) == {0} and at_end[0].flipped
    # Asked out of order, the moments are still right.
    assert dict(log.on_stage_at(0.05))[1].x == 900
    again = ShowLog.from_json(log.to_json())
    assert again.to_json() == log.to_json()
    assert again.duration == 1.5


@pytest.mark.parametrize("damage", [
    lambda data: data["events"].append({"type": "move", "t": 2.0, "puppet": 1, "x": 5, "y": 5}),  # it has left
    lambda data: data["events"].append({"type": "dance", "t": 2.0, "puppet": 0}),
    lambda data: data["events"].insert(3, {"type": "move", "t": 0.0, "puppet": 9, "x": 1, "y": 1}),
    lambda data: data["events"][4].update(t=-1),
    lambda data: data["events"][4].update(x=float("inf")),
    lambda data: data.update(backdrop="../../etc"),
    lambda data: data["puppets"].append({"figure": "x", "name": "y", "source": "stolen"}),
])
def test_a_damaged_log_is_refused_plainly(damage):
    data = json.loads(little_show().to_json())
    damage(data)
    with pytest.raises(ValueError):
        ShowLog.from_json(json.dumps(data, allow_nan=True))


def test_a_log_of_too_many_events_is_refused_before_it_is_decoded():
    huge = '{"format":"expressive-puppet-show","events":[' + ",".join(['{"t":0}'] * (MAX_EVENTS + 20)) + "]}"
    with pytest.raises(InputRefused):
        ShowLog.from_json(huge)


def test_every_backdrop_is_painted_at_the_stages_size_and_a_drawing_fills_it():
    for backdrop_id in BACKDROP_IDS:
        assert painted_backdrop(backdrop_id).size == STAGE_SIZE
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 200, 30)).save(buffer, "PNG")
    assert drawn_backdrop(buffer.getvalue()).getpixel((0, 0)) == (10, 200, 30)
    with pytest.raises(InputRefused):
        drawn_backdrop(b"not a picture")


def test_the_stage_is_letterboxed_whole_into_the_films_frame():
    log = ShowLog("plain", [Puppet("noto:lion", "lion", "shipped")])
    log.enter(0, STAGE_WIDTH - 5, 360, 0.0)  # at the very edge: still in the film
    frame = frame_at(log, 0.0, FigureLibrary.load(), painted_backdrop("plain"))
    assert frame.size == FILM_SIZE
    assert frame.getpixel((320, 10)) == frame.getpixel((320, 470))  # the bars
    assert frame.getpixel((320, 10)) != frame.getpixel((320, 240))
    empty = frame_at(ShowLog("plain"), 0.0, FigureLibrary.load(), painted_backdrop("plain"))
    assert frame.crop((620, 200, 640, 280)).tobytes() != empty.crop((620, 200, 640, 280)).tobytes()


def test_a_play_with_a_cut_out_puppet_and_a_drawn_backdrop_is_drawn_again_the_same():
    drawing = Image.new("RGB", (400, 400), "white")
    drawing.paste((200, 40, 40), (100, 100, 300, 300))
    buffer = io.BytesIO()
    drawing.save(buffer, "PNG")
    library = FigureLibrary.load()
    library.add(cut_out(buffer.getvalue(), "cutout:pic-1", "my red square"))
    log = ShowLog(DRAWN_BACKDROP, [Puppet("cutout:pic-1", "my red square", "drawing"), Puppet("noto:lion", "lion", "shipped")])
    log.enter(0, 400, 400, 0.0)
    log.enter(1, 800, 400, 0.0)
    for step in range(1, 13):
        log.move(0, 400 + 20 * step, 400, step / 12)
    backdrop = drawn_backdrop(buffer.getvalue())
    draft = film_of_take(Take(log, 1.5, None, 0, backdrop), library, "Squares")
    assert {"puppet-1.png", "backdrop.png", "film.mp4", "film.json"} <= set(draft.files)
    assert "puppet-2.png" not in draft.files  # a shipped figure is in every copy of the app
    assert draft.metadata["shows_people"] is False and draft.kind == "puppet-play"
    record = json.loads(draft.files["film.json"])
    assert len(record["frames"]) == 18 and record["sound"] is None
    # Drawn again from what was kept, with a library that never had the cut-out.
    again = rerender(ArtifactView.of_draft(draft, "stage"))
    assert again == [draft.files[name] for name in record["frames"]]


def test_the_demo_play_is_a_film_with_sound():
    (draft,) = StageActivity.demo_drafts(0)
    assert draft.product == "film.mp4" and "sound.wav" in draft.files
    assert draft.metadata["frames"] == 60 and StageActivity.demo_drafts(1) == []


def test_a_take_kept_in_a_snapshot_comes_back_whole_and_a_damaged_one_is_left_out():
    def new_activity():
        return StageActivity(Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.stage")))

    activity = new_activity()
    activity.take = demo_take(1)
    snapshot = activity.snapshot()
    again = new_activity()
    again.restore(snapshot)
    assert again.take.log.to_json() == activity.take.log.to_json()
    assert again.take.seconds == activity.take.seconds and (again.take.sound == activity.take.sound).all()
    assert again.backdrop_id == activity.take.log.backdrop
    damaged = new_activity()
    damaged.restore(snapshot.replace(b'"enter"', b'"vanish"', 1))
    assert damaged.take is None and not damaged.has_work()
