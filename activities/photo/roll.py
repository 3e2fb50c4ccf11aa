"""The photos of one run of the photo activity, in the order they were taken, and the
finished work made of them. No Kivy here.

Each photo's JPEG (and the drawing over it, when the client drew on it) is written once to
the host's drafts as it arrives, so the snapshot the host keeps every few seconds is only
the roll's small record, never the pictures again.
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from expressive.api import SHOWS_PEOPLE, ArtifactDraft, Drafts
from expressive.api.i18n import N_, _
from expressive.api.limits import (
    MAX_PROMPT_CHARS,
    MAX_RECORD_BYTES,
    InputRefused,
    check_picture_size,
    load_json_bounded,
    open_picture_bounded,
)

# A few photos that matter, not an album: a child choosing among more than this many is
# choosing nothing, and each costs memory while it is shown.
MAX_PHOTOS = 24
# Every photo taken is recorded (the dropped ones without their picture), so a child who
# takes and drops over and over still ends somewhere.
MAX_TAKEN = 200
SOURCES = ("camera-back", "camera-front", "device", "drawn")
# JPEG quality of a photo: what a phone keeps, about 60 KB at 640x480.
PHOTO_QUALITY = 90
THUMBNAIL_SIZE = (256, 192)
FORMAT = "expressive-photos"


@dataclass
class Photo:
    """One photo of the roll. `taken` is seconds since the run began; `source` one of
    SOURCES ("drawn": a picture drawn on plain paper, where there is no camera); `prompt`
    the plan's prompt it answered, or None. `jpeg` is the photo, `drawn_png` the photo
    with the client's drawing over it (None until they draw). A dropped photo keeps its
    record but not its pictures."""

    id: int
    taken: float
    source: str
    prompt: str | None
    jpeg: bytes
    drawn_png: bytes | None = None
    kept: bool = True

    @property
    def file_name(self) -> str:
        return f"photo-{self.id:04d}.jpg"

    @property
    def drawn_name(self) -> str:
        return f"photo-{self.id:04d}-drawn.png"

    @property
    def shown(self) -> bytes:
        """The picture that shows it best: the drawing over it, when there is one."""
        return self.drawn_png if self.drawn_png is not None else self.jpeg


class Roll:
    """The photos of this run, oldest first, their pictures kept in `drafts` as they come."""

    def __init__(self, drafts: Drafts, *, clock=time.monotonic):
        self.drafts = drafts
        self.photos: list[Photo] = []
        self._clock = clock
        self._started = clock()

    @property
    def kept(self) -> list[Photo]:
        return [photo for photo in self.photos if photo.kept]

    def full(self) -> str | None:
        """Why no more photos fit, in one plain sentence, or None when one does."""
        if len(self.kept) >= MAX_PHOTOS:
            return _("There are {n} photos now, the most one time keeps. Drop one to take another.").format(
                n=MAX_PHOTOS)
        if len(self.photos) >= MAX_TAKEN:
            return _("That is {n} photos taken this time, the most it keeps.").format(n=MAX_TAKEN)
        return None

    def add(self, jpeg: bytes, source: str, prompt: str | None) -> Photo:
        """Keep a new photo (its JPEG written to the drafts now, once); ValueError when the
        roll is full (see `full`)."""
        if source not in SOURCES:
            raise ValueError(f"source {source!r} is not one of {SOURCES}")
        reason = self.full()
        if reason is not None:
            raise ValueError(reason)
        # Kept as the record reads it back: a prompt longer than a prompt may be is cut.
        prompt = prompt[:MAX_PROMPT_CHARS] if prompt else None
        photo = Photo(self._next_id(), round(self._clock() - self._started, 2), source, prompt, bytes(jpeg))
        self.drafts.write(photo.file_name, photo.jpeg)
        self.photos.append(photo)
        return photo

    def draw_on(self, photo: Photo, drawn_png: bytes) -> None:
        """Keep the photo with the client's drawing over it (replacing an earlier one)."""
        photo.drawn_png = bytes(drawn_png)
        self.drafts.write(photo.drawn_name, photo.drawn_png)

    def drop(self, photo: Photo) -> None:
        """Let the photo go: its pictures are forgotten here and in the drafts (written
        over, as the drafts offer no deleting); that it was taken stays in the record."""
        if not photo.kept:
            return
        photo.kept = False
        photo.jpeg, had_drawing, photo.drawn_png = b"", photo.drawn_png is not None, None
        self.drafts.write(photo.file_name, b"")
        if had_drawing:
            self.drafts.write(photo.drawn_name, b"")

    def _next_id(self) -> int:
        return max((photo.id for photo in self.photos), default=0) + 1

    # ----- the snapshot

    def to_json(self) -> str:
        """The roll's record; the pictures are in the drafts already."""
        return json.dumps({"format": FORMAT, "version": 1, "photos": [
            {"id": photo.id, "taken": photo.taken, "source": photo.source, "prompt": photo.prompt,
             "kept": photo.kept, "drawn": photo.drawn_png is not None}
            for photo in self.photos
        ]})

    @classmethod
    def from_json(cls, data: bytes | str, drafts: Drafts, *, clock=time.monotonic) -> Roll:
        """The roll kept by `to_json`, its pictures read back from `drafts`; a photo whose
        picture is missing or damaged there is dropped and the rest go on. InputRefused
        when the record itself is damaged."""
        record = load_json_bounded(data, max_bytes=MAX_RECORD_BYTES, what=N_("The kept photos"))
        entries = record.get("photos") if isinstance(record, dict) and record.get("format") == FORMAT else None
        if not isinstance(entries, list) or len(entries) > MAX_TAKEN:
            raise InputRefused(_("The kept photos are damaged."), "damaged")
        roll = cls(drafts, clock=clock)
        for entry in entries:
            photo = _photo_of(entry)
            if photo.id in {earlier.id for earlier in roll.photos}:
                raise InputRefused(_("The kept photos are damaged."), "damaged")
            if photo.kept:
                photo.jpeg = _readable_picture(drafts.read(photo.file_name)) or b""
                photo.drawn_png = _readable_picture(drafts.read(photo.drawn_name)) if entry["drawn"] else None
                photo.kept = bool(photo.jpeg)
            roll.photos.append(photo)
        # The clock goes on from the last photo, so the times stay in order.
        roll._started = clock() - max((photo.taken for photo in roll.photos), default=0.0)
        return roll


def _photo_of(entry) -> Photo:
    damaged = InputRefused(_("The kept photos are damaged."), "damaged")
    if not isinstance(entry, dict):
        raise damaged
    photo_id, taken, source, prompt = entry.get("id"), entry.get("taken"), entry.get("source"), entry.get("prompt")
    if (not isinstance(photo_id, int) or isinstance(photo_id, bool) or not 0 < photo_id <= MAX_TAKEN * 100
            or not isinstance(taken, (int, float)) or isinstance(taken, bool) or not 0 <= taken < 1e7
            or source not in SOURCES or not isinstance(entry.get("kept"), bool) or not isinstance(entry.get("drawn"), bool)
            or not (prompt is None or (isinstance(prompt, str) and len(prompt) <= MAX_PROMPT_CHARS))):
        raise damaged
    return Photo(photo_id, float(taken), source, prompt, b"", kept=entry["kept"])


def _readable_picture(data: bytes | None) -> bytes | None:
    if not data:
        return None
    try:
        check_picture_size(data)
    except InputRefused:
        return None
    return data


# ----- pictures


def jpeg_of_frame(image: np.ndarray) -> bytes:
    """A camera frame (uint8 BGR, OpenCV's order) as the JPEG kept for a photo."""
    import cv2

    done, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, PHOTO_QUALITY])
    if not done:
        raise ValueError("the frame could not be encoded as JPEG")
    return encoded.tobytes()


def jpeg_of_picture(data: bytes) -> bytes:
    """A picture file from the device made into a photo: decoded within the picture
    bounds, turned upright as its camera said, and encoded anew as JPEG, so nothing of the
    original file (its EXIF: place, time, device) comes along. InputRefused, one plain
    sentence, when it is damaged or not a picture Expressive can show."""
    with open_picture_bounded(data) as opened:
        try:
            upright = ImageOps.exif_transpose(opened)
        except Exception:  # an EXIF block so broken Pillow trips on it: the picture as stored
            upright = opened
        picture = _on_white(upright)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=PHOTO_QUALITY)
    return out.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    # A transparent picture (a PNG, a GIF) on white, as it looks on a page, not on black.
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def thumbnail_png(picture: bytes) -> bytes:
    """A small PNG of a picture file the app made itself (a photo, a drawing over one)."""
    with open_picture_bounded(picture) as opened:
        small = _on_white(opened)
    small.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


# ----- the finished work


def kept_names(number: int) -> tuple[str, str]:
    """The names of the `number`th kept photo (from 1) in the saved work, and of the
    drawing over it."""
    return f"photo-{number:02d}.jpg", f"photo-{number:02d}-drawn.png"


def draft_from_roll(roll: Roll, prompt: str | None) -> ArtifactDraft | None:
    """The kept photos as one piece of work, or None when none is kept.

    Files: photo-01.jpg... (the photos, in the order taken), photo-01-drawn.png (the
    photo with the drawing over it, when drawn on), photos.json (the process: every photo
    taken, in order, with its time, source and prompt, which were dropped and which drawn
    on), thumbnail.png. The product is the first kept photo as it shows best."""
    kept = roll.kept
    if not kept:
        return None
    files: dict[str, bytes] = {}
    record = []
    number = 0
    for photo in roll.photos:
        entry = {"taken": photo.taken, "source": photo.source, "prompt": photo.prompt, "kept": photo.kept}
        if photo.kept:
            number += 1
            photo_name, drawn_name = kept_names(number)
            files[photo_name] = photo.jpeg
            entry["file"] = photo_name
            entry["drawn"] = None
            if photo.drawn_png is not None:
                files[drawn_name] = photo.drawn_png
                entry["drawn"] = drawn_name
        record.append(entry)
    first_photo, first_drawn = kept_names(1)
    product = first_drawn if first_drawn in files else first_photo
    files["photos.json"] = json.dumps({"format": FORMAT, "version": 1, "photos": record}, indent=1).encode("utf-8")
    files["thumbnail.png"] = thumbnail_png(files[product])
    return ArtifactDraft(
        kind="photos",
        files=files,
        product=product,
        process="photos.json",
        thumbnail="thumbnail.png",
        title=prompt or "",
        # Every photo may show a person: the exports ask before including them.
        metadata={"photos": len(kept), SHOWS_PEOPLE: True, "prompt": prompt},
    )


@dataclass(frozen=True)
class SavedPhoto:
    """One kept photo of saved work, as the viewer shows it: the file that shows it best
    (the drawing over it when there is one), its time and prompt."""

    file: str
    taken: float
    source: str
    prompt: str | None


def saved_photos(process: bytes) -> list[SavedPhoto]:
    """The kept photos named by a saved photos.json, in order; InputRefused when it is
    damaged (the viewer then falls back to the files themselves)."""
    record = load_json_bounded(process, max_bytes=MAX_RECORD_BYTES, what=N_("The record of the photos"))
    entries = record.get("photos") if isinstance(record, dict) and record.get("format") == FORMAT else None
    if not isinstance(entries, list) or len(entries) > MAX_TAKEN:
        raise InputRefused(_("The record of the photos is damaged."), "damaged")
    shown = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kept") is not True:
            continue
        name = entry.get("drawn") or entry.get("file")
        taken, prompt = entry.get("taken"), entry.get("prompt")
        if (not isinstance(name, str) or not isinstance(taken, (int, float))
                or not (prompt is None or isinstance(prompt, str))):
            raise InputRefused(_("The record of the photos is damaged."), "damaged")
        shown.append(SavedPhoto(name, float(taken), str(entry.get("source")), prompt[:MAX_PROMPT_CHARS] if prompt else None))
    return shown
