"""The photo activity's model: the roll, its snapshot, pictures brought in, the saved work."""

import io
import json

import numpy as np
import pytest
from PIL import Image

from expressive.activities.photo.roll import MAX_PHOTOS, Roll, draft_from_roll, jpeg_of_frame, jpeg_of_picture
from expressive.api import SHOWS_PEOPLE, MemoryDrafts
from expressive.api.limits import InputRefused


def frame(value=120):
    return np.full((480, 640, 3), value, dtype=np.uint8)


def counting_clock():
    ticks = iter(range(1000))
    return lambda: float(next(ticks))


def test_each_photo_is_written_to_the_drafts_once_and_the_snapshot_holds_only_the_record():
    drafts = MemoryDrafts()
    roll = Roll(drafts, clock=counting_clock())
    first = roll.add(jpeg_of_frame(frame()), "camera-back", "Something that makes you feel safe")
    second = roll.add(jpeg_of_frame(frame(200)), "camera-front", None)
    roll.draw_on(second, jpeg_of_picture(first.jpeg))
    snapshot = roll.to_json().encode()
    assert len(snapshot) < 1000 and drafts.read(first.file_name) == first.jpeg

    roll.drop(first)
    assert drafts.read(first.file_name) == b"" and first.jpeg == b"", "a dropped photo is not kept anywhere"
    restored = Roll.from_json(roll.to_json(), drafts, clock=counting_clock())
    assert [(photo.id, photo.taken, photo.source, photo.kept) for photo in restored.photos] == [
        (1, 1.0, "camera-back", False), (2, 2.0, "camera-front", True)]
    assert restored.kept[0].jpeg == second.jpeg and restored.kept[0].drawn_png == second.drawn_png
    third = restored.add(first.jpeg or second.jpeg, "device", None)
    assert third.id == 3 and third.taken > 2.0, "the clock goes on from the last photo"


def test_a_photo_missing_from_the_drafts_is_dropped_and_a_damaged_record_refused():
    drafts = MemoryDrafts()
    roll = Roll(drafts)
    lost, kept = roll.add(jpeg_of_frame(frame()), "camera-back", None), roll.add(jpeg_of_frame(frame(9)), "device", None)
    drafts.write(lost.file_name, b"\xff\xd8 half a photo")
    restored = Roll.from_json(roll.to_json(), drafts)
    assert [photo.kept for photo in restored.photos] == [False, True] and restored.kept[0].jpeg == kept.jpeg
    for damaged in ('{"format": "expressive-photos", "photos": [{"id": "1"}]}', "[" * 100_000, '{"photos": []}',
                    json.dumps({"format": "expressive-photos", "photos": [json.loads(roll.to_json())["photos"][0]] * 2})):
        with pytest.raises(InputRefused):
            Roll.from_json(damaged, drafts)


def test_the_roll_says_plainly_when_it_is_full():
    roll = Roll(MemoryDrafts())
    photo = jpeg_of_frame(frame())
    for _number in range(MAX_PHOTOS):
        roll.add(photo, "camera-back", None)
    assert "Drop one to take another" in roll.full()
    with pytest.raises(ValueError):
        roll.add(photo, "camera-back", None)
    roll.drop(roll.kept[0])
    assert roll.full() is None


def test_a_picture_from_the_device_is_turned_upright_and_keeps_nothing_of_its_file():
    picture = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn 90 degrees to show upright"
    exif[0x010F] = "A phone"
    original = io.BytesIO()
    picture.save(original, format="JPEG", exif=exif.tobytes())
    made = Image.open(io.BytesIO(jpeg_of_picture(original.getvalue())))
    assert made.format == "JPEG" and made.size == (20, 40)
    assert not made.getexif() and "exif" not in made.info

    see_through = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(see_through, format="PNG")
    assert Image.open(io.BytesIO(jpeg_of_picture(see_through.getvalue()))).getpixel((4, 4)) > (240, 240, 240)
    for damaged in (b"", b"GIF89a" + b"\x00" * 20, original.getvalue()[: len(original.getvalue()) // 2]):
        with pytest.raises(InputRefused):
            jpeg_of_picture(damaged)


def test_the_saved_work_holds_the_kept_photos_their_drawings_and_every_photo_taken():
    roll = Roll(MemoryDrafts(), clock=counting_clock())
    assert draft_from_roll(roll, None) is None
    dropped = roll.add(jpeg_of_frame(frame()), "camera-back", "You")
    kept = roll.add(jpeg_of_frame(frame(60)), "camera-front", "You")
    roll.drop(dropped)
    assert draft_from_roll(roll, "You").product == "photo-01.jpg", "not drawn on: the photo itself"
    roll.draw_on(kept, jpeg_of_picture(kept.jpeg))
    draft = draft_from_roll(roll, "You")
    assert not draft.problems() and draft.title == "You" and draft.product == "photo-01-drawn.png"
    assert set(draft.files) == {"photo-01.jpg", "photo-01-drawn.png", "photos.json", "thumbnail.png"}
    assert draft.metadata == {"photos": 1, SHOWS_PEOPLE: True, "prompt": "You"}
    record = json.loads(draft.files["photos.json"])["photos"]
    assert [(entry["source"], entry["kept"], entry.get("file")) for entry in record] == [
        ("camera-back", False, None), ("camera-front", True, "photo-01.jpg")]
