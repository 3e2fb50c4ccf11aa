"""The film's reel without a window: frames in order, copies, removals and their undo, moves,
bounds, and the reel kept as JSON and read back (damaged or not)."""

import json

import pytest

from expressive.activities.film.reel import DEFAULT_FPS, Reel, ReelFull, frame_draft_name
from expressive.api import MemoryDrafts
from expressive.api.limits import InputRefused
from expressive.lib.film import MAX_FILM_FRAMES


def jpeg(number: int) -> bytes:
    return b"\xff\xd8 picture %d" % number


def reel_of(count: int, origin: str = "drawn") -> Reel:
    reel = Reel(MemoryDrafts())
    for number in range(1, count + 1):
        reel.add(jpeg(number), origin)
    return reel


def pictures(reel: Reel) -> list[bytes]:
    return [reel.picture(number) for number in reel.frames]


def test_frames_go_after_the_chosen_one_and_are_written_to_the_drafts_once():
    reel = reel_of(3)
    assert pictures(reel) == [jpeg(1), jpeg(2), jpeg(3)] and reel.chosen == 2
    reel.choose(0)
    reel.add(jpeg(4), "camera")
    assert pictures(reel) == [jpeg(1), jpeg(4), jpeg(2), jpeg(3)] and reel.chosen == 1
    assert reel.drafts.read(frame_draft_name(4)) == jpeg(4)
    assert reel.made == "camera" and reel.fps == DEFAULT_FPS


def test_copy_take_out_put_back_and_move():
    reel = reel_of(4)
    reel.choose(1)
    reel.copy()
    assert pictures(reel) == [jpeg(1), jpeg(2), jpeg(2), jpeg(3), jpeg(4)] and reel.chosen == 2
    reel.remove()
    assert pictures(reel) == [jpeg(1), jpeg(2), jpeg(3), jpeg(4)] and reel.chosen == 1
    reel.put_back()
    assert pictures(reel) == [jpeg(1), jpeg(2), jpeg(2), jpeg(3), jpeg(4)] and reel.chosen == 2
    reel.put_back()  # only the last removal comes back, once
    assert len(reel) == 5
    reel.choose(4)
    reel.move(-1)
    reel.move(-10)
    assert pictures(reel) == [jpeg(4), jpeg(1), jpeg(2), jpeg(2), jpeg(3)] and reel.chosen == 0
    reel.move(1)
    assert pictures(reel)[:2] == [jpeg(1), jpeg(4)]
    reel.choose(0)
    reel.remove()
    assert reel.chosen == 0


def test_a_camera_frame_taken_out_makes_a_drawn_film():
    reel = reel_of(2)
    reel.add(jpeg(3), "camera")
    assert reel.parts().shows_people
    reel.remove()
    assert reel.made == "drawn" and not reel.parts().shows_people


def test_a_film_is_bounded():
    reel = Reel(MemoryDrafts())
    reel.add(jpeg(1), "drawn")
    for _ in range(MAX_FILM_FRAMES - 1):
        reel.copy()
    with pytest.raises(ReelFull, match="720 frames"):
        reel.add(jpeg(2), "drawn")
    with pytest.raises(ReelFull):
        reel.copy()
    with pytest.raises(ValueError):
        reel.set_fps(7)


def test_the_reel_read_back_from_its_json_is_the_same():
    reel = reel_of(3, "camera")
    reel.copy()
    reel.choose(0)
    reel.remove()
    reel.set_fps(12)
    reel.set_title("My dog\nruns")
    reel.set_sound(b"RIFF sound", "voice")
    again = Reel.from_json(reel.to_json(), reel.drafts)
    assert again.to_json() == reel.to_json()
    assert pictures(again) == pictures(reel) and again.sound == b"RIFF sound" and again.title == "My dog runs"
    again.put_back()
    assert pictures(again)[0] == jpeg(1)


@pytest.mark.parametrize("damage", [
    lambda kept: kept.update(fps=7),
    lambda kept: kept.update(frames=[1, 99]),
    lambda kept: kept.update(chosen=5),
    lambda kept: kept.update(origins={"x": "drawn"}),
    lambda kept: kept.update(sound_source="voice"),  # no sound kept in the drafts
    lambda kept: kept.update(frames="1"),
])
def test_a_damaged_reel_is_refused_plainly(damage):
    reel = reel_of(2)
    kept = json.loads(reel.to_json())
    damage(kept)
    with pytest.raises(InputRefused, match="damaged"):
        Reel.from_json(json.dumps(kept).encode(), reel.drafts)


def test_a_frame_missing_from_the_drafts_is_told():
    reel = reel_of(2)
    with pytest.raises(InputRefused, match="missing"):
        Reel.from_json(reel.to_json(), MemoryDrafts())


def test_the_demo_film_is_a_drawn_ball_with_a_tune():
    from expressive.activities.film.activity import FilmActivity

    draft = FilmActivity.demo_drafts(1)[0]
    assert draft.problems() == [] and draft.product == "film.mp4"
    assert draft.metadata["frames"] == 24 and draft.metadata["shows_people"] is False
    assert json.loads(draft.files["film.json"])["sound"] == "sound.wav"
