"""A saved film read back within bounds: its record (film.json), its frames and its sound,
for the player, the exports and the later encoding of a film kept without its video.
Public, covered by the API version
(through expressive.lib.film). No Kivy here."""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from typing import Any

import numpy as np
from PIL import Image

from expressive.artifact import ArtifactUnreadable, ArtifactView
from expressive.audio.microphone import read_wav
from expressive.i18n import N_, _, format_number
from expressive.lib.film.encode import FILM_FORMAT, FILM_VERSION, encode_film, film_seconds
from expressive.lib.film.parts import FILM_SIZE, FPS_CHOICES, MAX_FILM_FRAMES, TITLE_SECONDS, FilmParts
from expressive.lib.film.pictures import title_card
from expressive.lib.film.sound import resampled, soundtrack
from expressive.limits import MAX_LOG_BYTES, MAX_TITLE_CHARS, InputRefused, check_picture_size, checked_text, load_json_bounded, open_picture_bounded

log = logging.getLogger(__name__)

FRAME_NAME = re.compile(r"^frame-\d{4}\.jpg$")
# JSON objects in film.json: its own one and those of an activity's log kept in "extra"
# (a puppet play's: at most 100,000 moves). Tiny objects cost Python far more than their bytes.
MAX_RECORD_OBJECTS = 120_000
DECODED_FRAMES_KEPT = 24  # a couple of seconds of decoded frames: scrubbing back and forth stays smooth


class Film:
    """A saved film: `fps`, `title`, `frame_names` in play order, `sound` (int16 mono
    samples at `sample_rate`, or None for a silent film), `extra` (the activity's own
    record), and `duration` in seconds (title card included). `frame_at(t)` is the picture
    at `t` seconds; `frame_number_at(t)` says which (-1: the title card), so a player
    changes its picture only when the frame changes."""

    def __init__(self, *, fps: int, title: str, frame_names: list[str], frames: dict[str, bytes],
                 sound: np.ndarray | None, sample_rate: int, sound_file: bytes | None, extra: dict[str, Any]) -> None:
        self.fps = fps
        self.title = title
        self.frame_names = frame_names
        self.sound = sound
        self.sample_rate = sample_rate
        self.extra = extra
        self.duration = film_seconds(fps, len(frame_names))
        self._frames = frames
        self._sound_file = sound_file
        self._decoded: OrderedDict[str, Image.Image] = OrderedDict()
        self._title_card: Image.Image | None = None

    def frame_number_at(self, t: float) -> int:
        """The index in `frame_names` of the frame shown at `t` seconds; -1 for the title card."""
        if t < TITLE_SECONDS:
            return -1
        return min(len(self.frame_names) - 1, int((t - TITLE_SECONDS) * self.fps + 1e-9))

    def frame_at(self, t: float) -> Image.Image:
        """The picture at `t` seconds (RGB, FILM_SIZE): the title card, then the frames.
        A frame damaged since it was saved shows as a dark picture; the film plays on."""
        number = self.frame_number_at(t)
        if number < 0:
            if self._title_card is None:
                self._title_card = title_card(self.title)
            return self._title_card
        name = self.frame_names[number]
        if name in self._decoded:
            self._decoded.move_to_end(name)
            return self._decoded[name]
        try:
            with open_picture_bounded(self._frames[name]) as opened:
                picture = opened.convert("RGB")
        except InputRefused as refusal:
            log.warning("film frame %s unreadable: %s", name, refusal)
            picture = Image.new("RGB", FILM_SIZE)
        self._decoded[name] = picture
        if len(self._decoded) > DECODED_FRAMES_KEPT:
            self._decoded.popitem(last=False)
        return picture

    def soundtrack(self, sample_rate: int) -> np.ndarray | None:
        """The sound on the film's whole timeline (silent through the title card, ending
        with the last frame) as int16 stereo (samples x 2) at `sample_rate`, as a sound
        engine plays it; None for a silent film."""
        if self.sound is None:
            return None
        timeline = soundtrack(self.sound, self.sample_rate, self.fps, len(self.frame_names))
        mono = resampled(timeline, self.sample_rate, sample_rate)
        return np.repeat(mono[:, np.newaxis], 2, axis=1)

    def parts(self) -> FilmParts:
        """The film as the parts it was made from, for making its video again."""
        return FilmParts(frames=[self._frames[name] for name in self.frame_names], fps=self.fps, title=self.title,
                         sound=self._sound_file, extra=self.extra)


def read_film(artifact: ArtifactView) -> Film:
    """The film saved as `artifact`, read within bounds: film.json (a bounded JSON record
    of a known format), at most MAX_FILM_FRAMES frames, each a file of the artifact and a
    FILM_SIZE picture by its header, and its sound a bounded WAV. Frames are decoded when
    shown. ArtifactUnreadable (a file is missing or cannot be read) or InputRefused (one
    is over a bound or damaged), each one plain sentence."""
    if artifact.process is None:
        raise ArtifactUnreadable(_("This film has no record of its frames."))
    record = load_json_bounded(artifact.read(artifact.process), max_bytes=MAX_LOG_BYTES,
                               max_objects=MAX_RECORD_OBJECTS, what=N_("This film's record"))
    if not isinstance(record, dict) or record.get("format") != FILM_FORMAT or record.get("version") != FILM_VERSION:
        raise InputRefused(_("This film's record is not one Expressive writes."), "damaged")
    fps, names, sound_name, extra = record.get("fps"), record.get("frames"), record.get("sound"), record.get("extra", {})
    if fps not in FPS_CHOICES or type(fps) is not int:
        raise InputRefused(_("This film's speed is not one Expressive plays."), "damaged")
    if not isinstance(names, list) or not names or not all(isinstance(name, str) for name in names):
        raise InputRefused(_("This film's record names no frames."), "damaged")
    if len(names) > MAX_FILM_FRAMES:
        raise InputRefused(_("This film has {count} frames; the most Expressive plays is {most}.").format(
            count=format_number(len(names)), most=format_number(MAX_FILM_FRAMES)), "too-long")
    if not isinstance(extra, dict):
        raise InputRefused(_("This film's record is not one Expressive writes."), "damaged")
    title = checked_text(record.get("title", ""), N_("title"), MAX_TITLE_CHARS, one_line=True)
    frames: dict[str, bytes] = {}
    for name in names:
        if name in frames:
            continue
        if not FRAME_NAME.match(name) or artifact.file(name) is None:
            raise ArtifactUnreadable(_("This film is missing one of its frames ({name}).").format(name=name))
        data = artifact.read(name)
        if check_picture_size(data) != FILM_SIZE:
            raise InputRefused(_("One of this film's frames is not the size of a film frame."), "damaged")
        frames[name] = data
    sound = sound_file = None
    sample_rate = 0
    if sound_name is not None:
        if sound_name != "sound.wav" or artifact.file(sound_name) is None:
            raise ArtifactUnreadable(_("This film is missing its sound."))
        sound_file = artifact.read(sound_name)
        sound, sample_rate = read_wav(sound_file)
    return Film(fps=fps, title=title, frame_names=list(names), frames=frames, sound=sound, sample_rate=sample_rate,
                sound_file=sound_file, extra=extra)


def encode_saved_film(artifact: ArtifactView) -> bytes:
    """The video (MP4) of a film kept without one, made from its saved parts;
    EncoderMissing when it still cannot be made here."""
    return encode_film(read_film(artifact).parts())
