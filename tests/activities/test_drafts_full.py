"""A tablet whose storage is full: work in progress that cannot be kept is refused in
plain words (DraftNotKept), and the film or the photos stay as they were."""

import numpy as np
import pytest

from expressive.activities.film.reel import Reel
from expressive.activities.photo.roll import Roll
from expressive.api import DraftNotKept, MemoryDrafts
from expressive.lib.film import jpeg_frame
from expressive.portfolio import PortfolioError
from expressive.session.library import SessionDrafts

FULL = "The device is full, so the work in progress could not be kept."


class FullDrafts(MemoryDrafts):
    """Drafts on a device that fills up after `room` writes."""

    def __init__(self, room: int):
        super().__init__()
        self.room = room

    def write(self, name: str, data: bytes) -> None:
        if self.room <= 0:
            raise DraftNotKept(FULL)
        self.room -= 1
        super().write(name, data)


class FullStore:
    def write_draft(self, *_place_and_file):
        raise PortfolioError(FULL)


def test_the_host_says_a_draft_was_not_kept_in_the_store_s_words():
    drafts = SessionDrafts(FullStore(), "c-1", "s-1", "film")
    with pytest.raises(DraftNotKept, match="device is full"):
        drafts.write("frame-0001.jpg", b"jpeg")


def test_a_frame_the_device_cannot_keep_leaves_the_film_as_it_was():
    reel = Reel(FullDrafts(room=2))
    frame = jpeg_frame(np.zeros((480, 640, 3), dtype=np.uint8))
    reel.add(frame, "camera")
    reel.add(frame, "camera")
    before = (list(reel.frames), reel.chosen)
    with pytest.raises(DraftNotKept):
        reel.add(frame, "camera")
    assert (list(reel.frames), reel.chosen) == before


def test_a_photo_the_device_cannot_keep_is_not_in_the_roll():
    roll = Roll(FullDrafts(room=1))
    roll.add(b"first", "camera-back", None)
    with pytest.raises(DraftNotKept):
        roll.add(b"second", "camera-back", None)
    assert [photo.jpeg for photo in roll.photos] == [b"first"]
